// Differential tests: RangeTracker against a naive bitmap model over a bounded universe of blocks.
//
// Random sequences of add and remove (tiny, medium and huge ranges, and empty ones) run on both. After each step
// the tracker's intervals, contains(), gaps(), next_gap(), contiguous_suffix() and the rest are compared with what
// the bitmap says; each returned RangeDelta is checked against the before/after interval sets and written through
// write_delta() into a std::map standing in for the kv meta column, whose decoded records must equal the tracker,
// and from which from_records() must rebuild an identical tracker.
//
// Seeds are printed. Set HYPASIS_RANGES_SEED=<n> to rerun one seed alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "hypasis/storage/ranges/range_codec.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::storage {
namespace {

using Ranges = std::vector<Range>;

// The model: one bit per block of [base, base + bits.size()); blocks outside are missing.
class BitmapModel {
  public:
    BitmapModel(uint64_t base, std::size_t universe) : base_(base), bits_(universe, false) {}

    [[nodiscard]] uint64_t base() const { return base_; }
    [[nodiscard]] uint64_t limit() const { return base_ + bits_.size(); }

    void set(Range r, bool value) {
        if (r.empty()) return;
        const uint64_t lo = std::max(r.first, base_);
        const uint64_t hi = std::min(r.end, limit());
        for (uint64_t b = lo; b < hi; ++b) bits_[b - base_] = value;
    }

    [[nodiscard]] bool contains(uint64_t b) const { return b >= base_ && b < limit() && bits_[b - base_]; }

    [[nodiscard]] uint64_t count() const { return static_cast<uint64_t>(std::count(bits_.begin(), bits_.end(), true)); }

    [[nodiscard]] Ranges intervals() const {
        Ranges out;
        for (std::size_t i = 0; i < bits_.size();) {
            if (!bits_[i]) {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j < bits_.size() && bits_[j]) ++j;
            out.push_back({base_ + i, base_ + j});
            i = j;
        }
        return out;
    }

    // Runs of missing blocks inside `within`, by scanning every block.
    [[nodiscard]] Ranges gaps(Range within) const {
        Ranges out;
        if (within.empty()) return out;
        for (uint64_t b = within.first; b < within.end; ++b) {
            if (contains(b)) continue;
            if (!out.empty() && out.back().end == b) {
                out.back().end = b + 1;
            } else {
                out.push_back({b, b + 1});
            }
        }
        return out;
    }

    // The highest run of missing blocks in [floor, below), by scanning downward.
    [[nodiscard]] std::optional<Range> next_gap(uint64_t below, uint64_t floor) const {
        if (floor >= below) return std::nullopt;
        uint64_t b = below;
        while (b > floor && contains(b - 1)) --b;
        if (b == floor) return std::nullopt;
        const uint64_t gap_end = b;
        while (b > floor && !contains(b - 1)) --b;
        return Range{b, gap_end};
    }

  private:
    uint64_t base_;
    std::vector<bool> bits_;
};

// The stand-in for the meta column. Fixed-size keys and values keep 1M records at ~64 bytes each. Deleting a
// record that is not there means the delta was wrong, and so does a key or value of the wrong size.
class MapSink final : public RangeRecordSink {
  public:
    void put(ByteView key, ByteView value) override {
        if (key.size() != kRangeKeySize || value.size() != kRangeValueSize) {
            ++bad_sizes;
            return;
        }
        records[to_fixed<kRangeKeySize>(key)] = to_fixed<kRangeValueSize>(value);
    }
    void del(ByteView key) override {
        if (key.size() != kRangeKeySize) {
            ++bad_sizes;
            return;
        }
        if (records.erase(to_fixed<kRangeKeySize>(key)) != 1) ++missing_deletes;
    }
    std::map<RangeKey, FixedBytes<kRangeValueSize>> records;
    int missing_deletes{0};
    int bad_sizes{0};
};

// Decodes the sink's records (in key order, as a prefix scan yields them).
Ranges decode_all(const MapSink& sink, DataKind kind) {
    EXPECT_EQ(sink.bad_sizes, 0);
    Ranges out;
    out.reserve(sink.records.size());
    for (const auto& [key, value] : sink.records) {
        auto rec = decode_range_record(key, value);
        EXPECT_TRUE(rec) << "undecodable record";
        if (!rec) continue;
        EXPECT_EQ(rec->kind, kind);
        out.push_back(rec->range);
    }
    return out;
}

std::vector<uint64_t> test_seeds(std::size_t fixed_count) {
    if (const char* env = std::getenv("HYPASIS_RANGES_SEED")) return {std::strtoull(env, nullptr, 10)};
    std::vector<uint64_t> seeds;
    for (uint64_t s = 1; s <= fixed_count; ++s) seeds.push_back(s);
    seeds.push_back(std::random_device{}());  // one fresh seed per run, printed so a failure can be replayed
    return seeds;
}

// Checks that `d` takes `before` to `after`: removed ⊆ before, added ⊆ after, both sorted, disjoint, and
// (before \ removed) ∪ added == after.
void expect_delta_consistent(const Ranges& before, const Ranges& after, const RangeDelta& d) {
    auto by_first = [](const Range& a, const Range& b) { return a.first < b.first; };
    EXPECT_TRUE(std::is_sorted(d.removed.begin(), d.removed.end(), by_first));
    EXPECT_TRUE(std::is_sorted(d.added.begin(), d.added.end(), by_first));
    Ranges rebuilt;
    for (const Range& r : before) {
        if (std::find(d.removed.begin(), d.removed.end(), r) == d.removed.end()) rebuilt.push_back(r);
    }
    for (const Range& r : d.removed) {
        EXPECT_NE(std::find(before.begin(), before.end(), r), before.end()) << "removed a non-interval " << to_string(r);
        EXPECT_EQ(std::find(d.added.begin(), d.added.end(), r), d.added.end()) << "in both lists: " << to_string(r);
    }
    for (const Range& r : d.added) rebuilt.push_back(r);
    std::sort(rebuilt.begin(), rebuilt.end(), by_first);
    EXPECT_EQ(rebuilt, after);
}

// A random range in [lo, hi]: mostly tiny, some medium, a few huge, and now and then an empty one.
Range random_range(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
    const uint64_t span = hi - lo;
    const uint64_t first = lo + rng() % (span + 1);
    const unsigned pick = static_cast<unsigned>(rng() % 100);
    uint64_t len = 0;
    if (pick < 5) {
        return Range{first, first - std::min<uint64_t>(first - lo, rng() % 3)};  // empty: end <= first
    } else if (pick < 55) {
        len = 1 + rng() % 4;
    } else if (pick < 90) {
        len = 1 + rng() % 64;
    } else {
        len = 1 + rng() % (span + 1);
    }
    return Range{first, first + std::min(len, hi - first)};
}

void compare_queries(const RangeTracker& t, const BitmapModel& m, std::mt19937_64& rng) {
    const uint64_t lo = m.base();
    const uint64_t hi = m.limit();
    const Ranges want = m.intervals();
    ASSERT_EQ(t.to_vector(), want);
    ASSERT_EQ(t.size(), want.size());
    ASSERT_EQ(t.block_count(), m.count());
    for (int i = 0; i < 32; ++i) {
        const uint64_t b = lo + rng() % (hi - lo);
        ASSERT_EQ(t.contains(b), m.contains(b)) << b;
    }
    if (lo > 0) {
        ASSERT_FALSE(t.contains(lo - 1));
    }
    if (hi < UINT64_MAX) {
        ASSERT_FALSE(t.contains(hi));
    }
    for (int i = 0; i < 4; ++i) {
        const Range within = random_range(rng, lo, hi);
        ASSERT_EQ(t.gaps(within), m.gaps(within)) << to_string(within);
        uint64_t below = lo + rng() % (hi - lo + 1);
        uint64_t floor = lo + rng() % (hi - lo + 1);
        if (floor > below && rng() % 4 != 0) std::swap(floor, below);
        ASSERT_EQ(t.next_gap(below, floor), m.next_gap(below, floor)) << below << " " << floor;
        const uint64_t b = lo + rng() % (hi - lo);
        const std::optional<Range> holder = t.interval_containing(b);
        ASSERT_EQ(holder.has_value(), m.contains(b));
        if (holder) {
            ASSERT_TRUE(holder->contains(b));
        }
        ASSERT_EQ(t.contains_all(within), m.gaps(within).empty());
    }
    ASSERT_EQ(t.next_gap(hi, lo), m.next_gap(hi, lo));
    if (want.empty()) {
        ASSERT_FALSE(t.contiguous_suffix());
        ASSERT_FALSE(t.highest());
        ASSERT_FALSE(t.lowest());
    } else {
        ASSERT_EQ(t.contiguous_suffix(), want.back());
        ASSERT_EQ(t.highest(), want.back().end - 1);
        ASSERT_EQ(t.lowest(), want.front().first);
    }
}

// Damaged versions of a consistent record set: shuffled (still fine), one record split in two touching halves
// (kAdjacent), one record stretched into the next (kOverlapping), one record stored twice (kOverlapping).
void check_corrupted_record_sets(const Ranges& records, const RangeTracker& t, std::mt19937_64& rng) {
    if (records.empty()) return;
    Ranges shuffled = records;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto loaded = RangeTracker::from_records(shuffled);
    ASSERT_TRUE(loaded) << to_string(loaded.error());
    ASSERT_EQ(*loaded, t);

    const std::size_t i = rng() % records.size();
    if (records[i].size() >= 2) {
        Ranges split = records;
        const uint64_t mid = records[i].first + 1 + rng() % (records[i].size() - 1);
        split[i].end = mid;
        split.insert(split.begin() + static_cast<std::ptrdiff_t>(i) + 1, Range{mid, records[i].end});
        auto bad = RangeTracker::from_records(split);
        ASSERT_FALSE(bad);
        ASSERT_EQ(bad.error(), (RangeLoadError{RangeRecordError::kAdjacent, {mid, records[i].end},
                                               {records[i].first, mid}}));
    }
    if (i + 1 < records.size()) {
        Ranges stretched = records;
        stretched[i].end = records[i + 1].first + 1;
        auto bad = RangeTracker::from_records(stretched);
        ASSERT_FALSE(bad);
        ASSERT_EQ(bad.error(), (RangeLoadError{RangeRecordError::kOverlapping, records[i + 1], stretched[i]}));
    }
    Ranges doubled = records;
    doubled.push_back(records[i]);
    auto bad = RangeTracker::from_records(doubled);
    ASSERT_FALSE(bad);
    ASSERT_EQ(bad.error().code, RangeRecordError::kOverlapping);
    ASSERT_EQ(bad.error().record, records[i]);
}

void run_random_sequence(uint64_t seed, uint64_t base, std::size_t universe, int steps) {
    std::printf("[ SEED     ] range tracker property: seed=%llu base=%llu universe=%zu steps=%d "
                "(rerun with HYPASIS_RANGES_SEED=%llu)\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(base), universe, steps,
                static_cast<unsigned long long>(seed));
    SCOPED_TRACE("seed=" + std::to_string(seed) + " base=" + std::to_string(base));
    std::mt19937_64 rng(seed);
    const DataKind kind = static_cast<DataKind>(seed % kDataKindCount);
    RangeTracker t;
    BitmapModel m(base, universe);
    MapSink sink;
    const uint64_t lo = m.base();
    const uint64_t hi = m.limit();

    for (int step = 0; step < steps; ++step) {
        const Ranges before = t.to_vector();
        const bool add = rng() % 100 < 60;  // lean towards adding, so that the set grows and stays fragmented
        const Range r = random_range(rng, lo, hi);
        const RangeDelta d = add ? t.add(r) : t.remove(r);
        m.set(r, add);
        if (r.empty()) {
            ASSERT_TRUE(d.empty());
        }
        expect_delta_consistent(before, t.to_vector(), d);
        write_delta(kind, d, sink);
        ASSERT_EQ(sink.missing_deletes, 0) << "step " << step;
        ASSERT_EQ(decode_all(sink, kind), t.to_vector()) << "records diverged at step " << step;
        compare_queries(t, m, rng);
        if (::testing::Test::HasFatalFailure()) return;

        if (step % 16 == 0) {
            const Ranges records = decode_all(sink, kind);
            auto loaded = RangeTracker::from_records(records);
            ASSERT_TRUE(loaded) << to_string(loaded.error());
            ASSERT_EQ(*loaded, t);
            ASSERT_EQ(loaded->block_count(), t.block_count());
            check_corrupted_record_sets(records, t, rng);
            if (::testing::Test::HasFatalFailure()) return;
        }
        if (step % 8 == 0) {
            // Two more mutations, composed into one delta and written once, or reverted as a failed write would be.
            const RangeTracker snapshot = t;
            const Range r1 = random_range(rng, lo, hi);
            const Range r2 = random_range(rng, lo, hi);
            const RangeDelta d1 = t.remove(r1);
            const RangeDelta d2 = t.add(r2);
            const RangeDelta net = compose(d1, d2);
            expect_delta_consistent(snapshot.to_vector(), t.to_vector(), net);
            if (rng() % 2 == 0) {
                t.revert(net);
                ASSERT_EQ(t, snapshot);
                ASSERT_EQ(t.block_count(), snapshot.block_count());
            } else {
                m.set(r1, false);
                m.set(r2, true);
                write_delta(kind, net, sink);
                ASSERT_EQ(sink.missing_deletes, 0);
                ASSERT_EQ(decode_all(sink, kind), t.to_vector());
            }
        }
    }
}

TEST(RangeTrackerProperty, RandomAddRemoveMatchesBitmap) {
    for (uint64_t seed : test_seeds(12)) {
        run_random_sequence(seed, 0, 2048, 3000);
        if (HasFatalFailure()) return;
    }
}

TEST(RangeTrackerProperty, RandomAddRemoveMatchesBitmapAtTheTopOfUint64) {
    // The universe ends at UINT64_MAX, so ranges end exactly at the representable limit.
    for (uint64_t seed : test_seeds(6)) {
        run_random_sequence(seed, UINT64_MAX - 1024, 1024, 1500);
        if (HasFatalFailure()) return;
    }
}

TEST(RangeTrackerProperty, SparseUniverseManySmallIntervals) {
    // A large universe with short ranges keeps hundreds of intervals alive at once.
    for (uint64_t seed : test_seeds(4)) {
        run_random_sequence(seed, 0, 1 << 15, 600);
        if (HasFatalFailure()) return;
    }
}

// One million intervals: every other block of [0, 2,000,000).
TEST(RangeTrackerProperty, OneMillionIntervals) {
    const uint64_t seed = test_seeds(1).back();
    std::printf("[ SEED     ] range tracker 1M intervals: seed=%llu (rerun with HYPASIS_RANGES_SEED=%llu)\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    constexpr uint64_t kIntervals = 1'000'000;
    constexpr uint64_t kUniverse = 2 * kIntervals;
    const auto t0 = std::chrono::steady_clock::now();

    RangeTracker t;
    BitmapModel m(0, kUniverse);
    MapSink sink;
    for (uint64_t i = 0; i < kIntervals; ++i) {
        const Range r{2 * i, 2 * i + 1};
        const RangeDelta d = t.add(r);
        m.set(r, true);
        // Nothing to merge with: exactly one new interval each time.
        ASSERT_TRUE(d.removed.empty());
        ASSERT_EQ(d.added, Ranges{r});
        write_delta(DataKind::kHeaders, d, sink);
    }
    ASSERT_EQ(t.size(), kIntervals);
    ASSERT_EQ(t.block_count(), kIntervals);
    ASSERT_EQ(sink.records.size(), kIntervals);
    ASSERT_EQ(t.contiguous_suffix(), (Range{kUniverse - 2, kUniverse - 1}));

    auto sample = [&](int points, int windows) {
        for (int i = 0; i < points; ++i) {
            const uint64_t b = rng() % (kUniverse + 8);
            ASSERT_EQ(t.contains(b), m.contains(b)) << b;
        }
        for (int i = 0; i < windows; ++i) {
            const uint64_t first = rng() % kUniverse;
            const Range within{first, std::min(kUniverse, first + rng() % 2000)};
            ASSERT_EQ(t.gaps(within), m.gaps(within)) << to_string(within);
            const uint64_t below = rng() % (kUniverse + 1);
            const uint64_t floor = below > 5000 ? below - rng() % 5000 : 0;
            ASSERT_EQ(t.next_gap(below, floor), m.next_gap(below, floor)) << below << " " << floor;
        }
    };
    sample(100'000, 2000);
    if (HasFatalFailure()) return;

    // The persisted records rebuild the same 1M-interval tracker.
    auto loaded = RangeTracker::from_records(decode_all(sink, DataKind::kHeaders));
    ASSERT_TRUE(loaded) << to_string(loaded.error());
    ASSERT_EQ(*loaded, t);

    // Random edits on top, mixing single blocks (split / merge one interval) with wide sweeps that merge or erase
    // thousands of intervals in one call.
    for (int step = 0; step < 300; ++step) {
        const bool add = rng() % 2 == 0;
        const uint64_t first = rng() % kUniverse;
        const uint64_t len = step % 10 == 0 ? 1 + rng() % 100'000 : 1 + rng() % 3;
        const Range r{first, std::min(kUniverse, first + len)};
        const RangeDelta d = add ? t.add(r) : t.remove(r);
        m.set(r, add);
        write_delta(DataKind::kHeaders, d, sink);
        ASSERT_EQ(sink.missing_deletes, 0);
        sample(50, 2);
        if (HasFatalFailure()) return;
    }
    ASSERT_EQ(t.to_vector(), m.intervals());
    ASSERT_EQ(t.block_count(), m.count());
    ASSERT_EQ(decode_all(sink, DataKind::kHeaders), t.to_vector());

    // One sweep that removes everything left.
    const std::size_t left = t.size();
    const RangeDelta wipe = t.remove({0, kUniverse});
    ASSERT_EQ(wipe.removed.size(), left);
    ASSERT_TRUE(wipe.added.empty());
    write_delta(DataKind::kHeaders, wipe, sink);
    ASSERT_TRUE(t.empty());
    ASSERT_TRUE(sink.records.empty());

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[ INFO     ] 1M-interval case took %.2f s\n", seconds);
}

}  // namespace
}  // namespace hypasis::storage
