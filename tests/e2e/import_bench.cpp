// hypasis_import_bench: `hypasis import` throughput on the generated 10,000-block chain, side by side with the
// raw kv writes of the same rows and with BlockStore::put_blocks of the same blocks, in one binary and one run.
//
// It lives here rather than in hypasis_bench because it needs the chain generator (test_util, a test-only
// library that hypasis_bench does not link). Run it like the others:
//   hypasis_import_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// - BM_RawKvRows: each block's header RLP and body RLP as two rows (the store's main rows), 1,000 blocks per
//   WriteBatch, Durability::kSync: what RocksDB alone costs for these bytes.
// - BM_StorePutBlocks: BlockStore::put_blocks of the decoded blocks, 1,000 per call, kSync (adds hash_to_num,
//   tx_index, tracker records and the store's bookkeeping).
// - BM_ImportFile: import_files on the chain file: read, decode, validate_body, linkage checks, put_blocks.
// Each iteration starts from an empty datadir (opened and removed outside the timing).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "hypasis/node/commands/import_command.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/kv/kv.hpp"
#include "hypasis/test_util/chain_generator.hpp"

namespace {

namespace fs = std::filesystem;
using namespace hypasis;

constexpr std::size_t kBlocks = 10'000;
constexpr std::size_t kBatch = 1'000;

struct Chain {
    std::vector<Block> blocks;
    std::vector<std::pair<Bytes, Bytes>> rows;  // header RLP, body RLP
    fs::path file;
    std::size_t file_bytes{0};
};

const Chain& bench_chain() {
    static const Chain c = [] {
        Chain out;
        test::ChainGenerator gen;
        out.blocks = gen.blocks(kBlocks);
        for (const auto& b : out.blocks) out.rows.emplace_back(b.header.rlp, encode(b.body));
        out.file = fs::temp_directory_path() / ("hypasis-import-bench-" + std::to_string(::getpid()) + ".rlp");
        test::write_chain_file(out.file, out.blocks);
        out.file_bytes = fs::file_size(out.file);
        return out;
    }();
    return c;
}

fs::path fresh_dir(const char* name) {
    const fs::path p =
        fs::temp_directory_path() / ("hypasis-import-bench-" + std::string(name) + "-" + std::to_string(::getpid()));
    fs::remove_all(p);
    return p;
}

void finish(benchmark::State& state) {
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBlocks));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bench_chain().file_bytes));
}

void BM_RawKvRows(benchmark::State& state) {
    const Chain& c = bench_chain();
    for (auto _ : state) {
        state.PauseTiming();
        const fs::path dir = fresh_dir("raw");
        auto db = storage::Database::open(dir, storage::KvOptions{});
        if (!db) return state.SkipWithError(db.error().message.c_str());
        state.ResumeTiming();
        for (std::size_t first = 0; first < kBlocks; first += kBatch) {
            storage::WriteBatch batch;
            for (std::size_t n = first; n < first + kBatch; ++n) {
                batch.put(storage::Column::kHeaders, be64(n), c.rows[n].first);
                batch.put(storage::Column::kBodies, be64(n), c.rows[n].second);
            }
            if (!(*db)->write(std::move(batch), storage::Durability::kSync)) return state.SkipWithError("write");
        }
        state.PauseTiming();
        db->reset();
        fs::remove_all(dir);
        state.ResumeTiming();
    }
    finish(state);
}
BENCHMARK(BM_RawKvRows)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_StorePutBlocks(benchmark::State& state) {
    const Chain& c = bench_chain();
    for (auto _ : state) {
        state.PauseTiming();
        const fs::path dir = fresh_dir("put");
        auto store = storage::BlockStore::open(dir);
        if (!store) return state.SkipWithError(storage::to_string(store.error()).c_str());
        state.ResumeTiming();
        for (std::size_t first = 0; first < kBlocks; first += kBatch) {
            const std::span<const Block> batch(c.blocks.data() + first, kBatch);
            if (!(*store)->put_blocks(batch, storage::Durability::kSync)) return state.SkipWithError("put_blocks");
        }
        state.PauseTiming();
        store->reset();
        fs::remove_all(dir);
        state.ResumeTiming();
    }
    finish(state);
}
BENCHMARK(BM_StorePutBlocks)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_ImportFile(benchmark::State& state) {
    const Chain& c = bench_chain();
    std::FILE* sink = std::tmpfile();
    for (auto _ : state) {
        state.PauseTiming();
        const fs::path dir = fresh_dir("import");
        auto store = storage::BlockStore::open(dir);
        if (!store) return state.SkipWithError(storage::to_string(store.error()).c_str());
        node::ImportOptions opts;
        opts.files = {c.file.string()};
        node::ProgressReporter progress(sink, node::ProgressMode::kQuiet, "import");
        state.ResumeTiming();
        const node::ImportResult r = node::import_files(**store, opts, progress, sink);
        state.PauseTiming();
        if (!r.ok || r.stats.written != kBlocks) return state.SkipWithError("import failed");
        store->reset();
        fs::remove_all(dir);
        state.ResumeTiming();
    }
    std::fclose(sink);
    finish(state);
}
BENCHMARK(BM_ImportFile)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    bench_chain();  // generate outside any timing
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::error_code ec;
    fs::remove(bench_chain().file, ec);
    return 0;
}
