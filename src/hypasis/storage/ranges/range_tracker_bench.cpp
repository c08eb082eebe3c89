// RangeTracker at one million intervals: the cost of each operation (requirement: at most 1 µs), and the memory
// per interval.
//
// Layout: intervals [4i, 4i+3) for i < 1M, so blocks 4i+3 are the gaps. Filling a gap merges two intervals and
// removing a middle block 4i+1 splits one, the most expensive forms of add and remove (an erase and inserts on a
// 1M-node map). Block numbers are drawn at random from a precomputed table so that lookups land all over the map
// (no hot path through the cache), and the table is walked in order so reading it costs nothing.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <random>
#include <vector>

#include "hypasis/storage/ranges/range_codec.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::storage {
namespace {

constexpr uint64_t kIntervals = 1'000'000;
constexpr uint64_t kSpan = 4 * kIntervals;  // blocks [0, 4M)
constexpr std::size_t kTable = 1 << 16;     // random draws, cycled through
constexpr std::size_t kBatch = 4096;        // mutations timed between two pauses

RangeTracker build_tracker() {
    RangeTracker t;
    for (uint64_t i = 0; i < kIntervals; ++i) (void)t.add({4 * i, 4 * i + 3});
    return t;
}

// Built once and shared: every benchmark that mutates it puts it back as it found it.
RangeTracker& shared_tracker() {
    static RangeTracker t = build_tracker();
    return t;
}

// Random values i < kIntervals, distinct within each batch of kBatch (so a batch never touches one interval twice).
std::vector<uint64_t> random_interval_indices() {
    std::mt19937_64 rng(42);
    std::vector<uint64_t> out(kTable);
    for (std::size_t b = 0; b < kTable; b += kBatch) {
        std::vector<uint64_t> batch;
        while (batch.size() < kBatch) {
            const uint64_t v = rng() % kIntervals;
            bool seen = false;
            for (uint64_t x : batch) seen = seen || x == v;
            if (!seen) batch.push_back(v);
        }
        std::copy(batch.begin(), batch.end(), out.begin() + static_cast<std::ptrdiff_t>(b));
    }
    return out;
}

// contains() of a random block, half present and half missing.
void BM_RangeTrackerContains(benchmark::State& state) {
    const RangeTracker& t = shared_tracker();
    std::mt19937_64 rng(7);
    std::vector<uint64_t> blocks(kTable);
    for (auto& b : blocks) b = rng() % kSpan;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(t.contains(blocks[i]));
        i = (i + 1) & (kTable - 1);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.counters["intervals"] = static_cast<double>(t.size());
}
BENCHMARK(BM_RangeTrackerContains);

// add() of one gap block 4i+3: merges [4i, 4i+3) and [4i+4, 4i+7) into one interval. Each timed batch is undone
// (untimed) so the tracker stays at ~1M intervals.
void BM_RangeTrackerAddMerging(benchmark::State& state) {
    RangeTracker& t = shared_tracker();
    const std::vector<uint64_t> idx = random_interval_indices();
    std::size_t pos = 0;
    std::vector<RangeDelta> undo;
    undo.reserve(kBatch);
    int64_t ops = 0;
    for (auto _ : state) {
        for (std::size_t k = 0; k < kBatch; ++k) {
            const uint64_t gap = 4 * idx[pos + k] + 3;
            undo.push_back(t.add({gap, gap + 1}));
        }
        state.PauseTiming();
        for (auto it = undo.rbegin(); it != undo.rend(); ++it) t.revert(*it);
        undo.clear();
        pos = (pos + kBatch) & (kTable - 1);
        state.ResumeTiming();
        ops += static_cast<int64_t>(kBatch);
    }
    state.SetItemsProcessed(ops);
    state.counters["intervals"] = static_cast<double>(t.size());
}
BENCHMARK(BM_RangeTrackerAddMerging);

// remove() of one middle block 4i+1: splits [4i, 4i+3) into [4i, 4i+1) and [4i+2, 4i+3).
void BM_RangeTrackerRemoveSplitting(benchmark::State& state) {
    RangeTracker& t = shared_tracker();
    const std::vector<uint64_t> idx = random_interval_indices();
    std::size_t pos = 0;
    std::vector<RangeDelta> undo;
    undo.reserve(kBatch);
    int64_t ops = 0;
    for (auto _ : state) {
        for (std::size_t k = 0; k < kBatch; ++k) {
            const uint64_t mid = 4 * idx[pos + k] + 1;
            undo.push_back(t.remove({mid, mid + 1}));
        }
        state.PauseTiming();
        for (auto it = undo.rbegin(); it != undo.rend(); ++it) t.revert(*it);
        undo.clear();
        pos = (pos + kBatch) & (kTable - 1);
        state.ResumeTiming();
        ops += static_cast<int64_t>(kBatch);
    }
    state.SetItemsProcessed(ops);
    state.counters["intervals"] = static_cast<double>(t.size());
}
BENCHMARK(BM_RangeTrackerRemoveSplitting);

// add() of the next block at the head (forward sync): extends the last interval in place.
void BM_RangeTrackerAppendAtHead(benchmark::State& state) {
    RangeTracker& t = shared_tracker();
    uint64_t head = kSpan;
    (void)t.add({head - 1, head});
    for (auto _ : state) {
        benchmark::DoNotOptimize(t.add({head, head + 1}));
        ++head;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.counters["intervals"] = static_cast<double>(t.size());
    (void)t.remove({kSpan - 1, head});
}
BENCHMARK(BM_RangeTrackerAppendAtHead);

// next_gap() below a random block, down to genesis.
void BM_RangeTrackerNextGap(benchmark::State& state) {
    const RangeTracker& t = shared_tracker();
    std::mt19937_64 rng(9);
    std::vector<uint64_t> below(kTable);
    for (auto& b : below) b = 1 + rng() % kSpan;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(t.next_gap(below[i], 0));
        i = (i + 1) & (kTable - 1);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeTrackerNextGap);

// gaps() of a random 64-block window (about 16 intervals inside, so 16 gaps returned).
void BM_RangeTrackerGaps64(benchmark::State& state) {
    const RangeTracker& t = shared_tracker();
    std::mt19937_64 rng(11);
    std::vector<uint64_t> first(kTable);
    for (auto& b : first) b = rng() % (kSpan - 64);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(t.gaps({first[i], first[i] + 64}));
        i = (i + 1) & (kTable - 1);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeTrackerGaps64);

// Reopen: from_records() of 1M decoded records in key order, as a prefix scan yields them.
void BM_RangeTrackerFromRecords1M(benchmark::State& state) {
    const std::vector<Range> records = shared_tracker().to_vector();
    for (auto _ : state) {
        auto t = RangeTracker::from_records(records);
        benchmark::DoNotOptimize(t);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_RangeTrackerFromRecords1M)->Unit(benchmark::kMillisecond);

// Memory per interval: the heap bytes in use (glibc mallinfo2, which counts allocator chunk overhead too) before
// and after building the 1M-interval tracker, divided by the interval count.
void BM_RangeTrackerMemoryPerInterval(benchmark::State& state) {
    double per_interval = 0;
    for (auto _ : state) {
        const std::size_t before = mallinfo2().uordblks;
        RangeTracker t = build_tracker();
        const std::size_t after = mallinfo2().uordblks;
        per_interval = static_cast<double>(after - before) / static_cast<double>(t.size());
        benchmark::DoNotOptimize(t);
    }
    state.counters["bytes_per_interval"] = per_interval;
}
BENCHMARK(BM_RangeTrackerMemoryPerInterval)->Iterations(1)->Unit(benchmark::kMillisecond);

// Baseline, side by side: the same interval set as a std::map<first, end> (the obvious implementation, and this
// tracker's first one), looked up the same way. It is the reason for the B+tree: see README.md.
std::map<uint64_t, uint64_t> build_std_map() {
    std::map<uint64_t, uint64_t> m;
    for (uint64_t i = 0; i < kIntervals; ++i) m.emplace_hint(m.end(), 4 * i, 4 * i + 3);
    return m;
}

void BM_RangeTrackerBaselineStdMapContains(benchmark::State& state) {
    static const std::map<uint64_t, uint64_t> m = build_std_map();
    std::mt19937_64 rng(7);
    std::vector<uint64_t> blocks(kTable);
    for (auto& b : blocks) b = rng() % kSpan;
    std::size_t i = 0;
    for (auto _ : state) {
        const uint64_t b = blocks[i];
        auto it = m.upper_bound(b);
        const bool present = it != m.begin() && b < std::prev(it)->second;
        benchmark::DoNotOptimize(present);
        i = (i + 1) & (kTable - 1);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RangeTrackerBaselineStdMapContains);

void BM_RangeTrackerBaselineStdMapMemoryPerInterval(benchmark::State& state) {
    double per_interval = 0;
    for (auto _ : state) {
        const std::size_t before = mallinfo2().uordblks;
        std::map<uint64_t, uint64_t> m = build_std_map();
        const std::size_t after = mallinfo2().uordblks;
        per_interval = static_cast<double>(after - before) / static_cast<double>(m.size());
        benchmark::DoNotOptimize(m);
    }
    state.counters["bytes_per_interval"] = per_interval;
}
BENCHMARK(BM_RangeTrackerBaselineStdMapMemoryPerInterval)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hypasis::storage
