// Block store ingest, reopen, hot-cache and disk-use benchmarks, each paired with raw writes of the same values
// through the kv layer in the same run (issue #3; DESIGN §9 measured ~600k writes/s at 600 B in batches of 1000
// and ~18k writes/s at 30 KB on this machine).
//
// - Ingest cases write with Durability::kBuffered (the WAL is written, not fsync'd per batch), as an import or a
//   sync pipeline does between durable points; the "/sync:1" variants fsync every batch.
// - The raw baseline writes exactly the bytes the store writes as its main rows (the header RLP, the body RLP),
//   one put per value, into the same column with the same options; the store adds the hash, the hash_to_num /
//   tx_index entries and the tracker records, in one batch per call.
// - Every case works in a fresh directory under /tmp, deleted afterwards. Reopen of a 10M-header store is opt-in:
//   set HYPASIS_BENCH_10M=1 (it builds ~6 GB under /tmp once, takes a few minutes, then deletes it); routine runs
//   measure 200k headers.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/validation/body_roots.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/block_store/test_chain.hpp"
#include "hypasis/storage/kv/kv.hpp"

namespace hypasis::storage {
namespace {

using testing::SplitMix;

/// A fresh directory under /tmp, removed when the case ends.
class BenchDir {
  public:
    explicit BenchDir(const std::string& name)
        : path_(std::filesystem::temp_directory_path() / ("hypasis-bench-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path_);
    }
    ~BenchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

/// Mainnet-shaped Cancun headers, linked by parent hash: a few recurring builders (beneficiary and extraData tag),
/// random roots, and a bloom that is either dense (recent mainnet: most bits set by busy blocks) or empty (early
/// mainnet). About 600 bytes with a dense bloom.
class HeaderGen {
  public:
    explicit HeaderGen(bool dense_bloom, uint64_t seed = 1) : dense_bloom_(dense_bloom), rng_(seed) {
        for (auto& b : builders_) b = rng_.bytes<20>();
    }
    SealedHeader next(uint64_t n) {
        BlockHeader h;
        h.parent_hash = parent_;
        h.ommers_hash = validation::kEmptyOmmersHash;
        const std::size_t builder = rng_.next() % builders_.size();
        h.beneficiary = builders_[builder];
        h.state_root = rng_.bytes<32>();
        h.transactions_root = rng_.bytes<32>();
        h.receipts_root = rng_.bytes<32>();
        if (dense_bloom_) h.logs_bloom = rng_.bytes<256>();
        h.number = n;
        h.gas_limit = 36'000'000;
        h.gas_used = rng_.next() % h.gas_limit;
        h.timestamp = 1'700'000'000 + 12 * n;
        const std::string tag = "builder-" + std::to_string(builder) + ".example";
        h.extra_data.assign(tag.begin(), tag.end());
        h.mix_hash = rng_.bytes<32>();
        h.base_fee_per_gas = U256(rng_.next() % 50'000'000'000ULL);
        h.withdrawals_root = rng_.bytes<32>();
        h.blob_gas_used = (rng_.next() % 7) << 17;
        h.excess_blob_gas = (rng_.next() % 100) << 17;
        h.parent_beacon_block_root = rng_.bytes<32>();
        SealedHeader s = seal(std::move(h));
        parent_ = s.hash;
        return s;
    }

  private:
    bool dense_bloom_;
    SplitMix rng_;
    Hash parent_{};
    std::array<Address, 8> builders_{};
};

/// ~30 KB bodies of legacy transactions whose calldata is ABI-shaped (a selector from a small set, then 2-18
/// 32-byte words that are left-padded addresses from a pool or small numbers), so that it compresses roughly as
/// real calldata does; signatures are random (incompressible), as real ones are. Transactions average ~450 bytes
/// (about 68 per body): the 12 mainnet fixture blocks average 370-780 bytes per transaction (median ~530; one
/// blob-era outlier at 2.4 KB), so the transaction count, which sets the number of tx_index entries, is
/// mainnet-like.
class BodyGen {
  public:
    explicit BodyGen(uint64_t seed = 2) : rng_(seed) {
        for (auto& a : addresses_) a = rng_.bytes<20>();
        for (auto& s : selectors_) s = static_cast<uint32_t>(rng_.next());
    }
    BlockBody next(uint64_t n, std::size_t target_bytes = 30 * 1024) {
        BlockBody body;
        std::size_t size = 0;
        for (uint64_t i = 0; size < target_bytes; ++i) {
            Transaction t;
            t.nonce = n * 4096 + i;
            t.gas_price = U256(1'000'000'000 + rng_.next() % 50'000'000'000ULL);
            t.gas_limit = 21'000 + rng_.next() % 200'000;
            t.to = addresses_[rng_.next() % addresses_.size()];
            t.value = U256(rng_.next() % 4 == 0 ? rng_.next() : 0);
            const uint32_t sel = selectors_[rng_.next() % selectors_.size()];
            t.data = {static_cast<uint8_t>(sel >> 24), static_cast<uint8_t>(sel >> 16), static_cast<uint8_t>(sel >> 8),
                      static_cast<uint8_t>(sel)};
            const std::size_t words = 2 + rng_.next() % 17;
            for (std::size_t w = 0; w < words; ++w) {
                Bytes word(32, 0);
                if (rng_.next() % 2 == 0) {
                    const Address& a = addresses_[rng_.next() % addresses_.size()];
                    std::copy(a.begin(), a.end(), word.begin() + 12);
                } else {
                    const uint64_t x = rng_.next() >> (rng_.next() % 48);
                    for (int b = 0; b < 8; ++b) word[31 - b] = static_cast<uint8_t>(x >> (8 * b));
                }
                t.data.insert(t.data.end(), word.begin(), word.end());
            }
            t.chain_id = 1;
            t.v = U256(37 + (rng_.next() & 1));
            t.r = U256(rng_.next(), rng_.next(), rng_.next(), rng_.next() >> 1);
            t.s = U256(rng_.next(), rng_.next(), rng_.next(), rng_.next() >> 2);
            seal(t);
            size += t.encoded.size() + 3;
            body.transactions.push_back(std::move(t));
        }
        return body;
    }

  private:
    SplitMix rng_;
    std::array<Address, 512> addresses_{};
    std::array<uint32_t, 16> selectors_{};
};

StoreOptions bench_store_options() {
    StoreOptions o;  // node defaults: 256 MiB block cache, 64 MiB memtables
    o.cache_bytes = 64 << 20;
    // The transaction index is written behind the block writes (tx_indexer.hpp). A bound of about two batches'
    // transactions keeps it at most two batches behind, so a run measures the pace at which blocks AND their
    // index are written, not only how fast blocks can be queued; the benchmarks also wait for it at the end.
    o.max_pending_index_txns = 16 * 1024;
    return o;
}

Durability durability_arg(const benchmark::State& state) {
    return state.range(0) ? Durability::kSync : Durability::kBuffered;
}

// ---- 600-byte rows: header ingest vs raw -----------------------------------------------------------------------

constexpr std::size_t kHeaderBatch = 1000;

void BM_RawKvWrite600B(benchmark::State& state) {
    BenchDir dir("raw600");
    auto db = Database::open(dir.path(), bench_store_options().kv);
    if (!db) return state.SkipWithError(db.error().message.c_str());
    HeaderGen gen(true);
    uint64_t n = 0;
    std::size_t bytes = 0;
    std::vector<SealedHeader> headers(kHeaderBatch);
    for (auto _ : state) {
        state.PauseTiming();
        for (auto& h : headers) h = gen.next(n++);
        state.ResumeTiming();
        WriteBatch batch;
        for (const auto& h : headers) {
            batch.put(Column::kHeaders, be64(h.header.number), h.rlp);
            bytes += h.rlp.size();
        }
        if (!(*db)->write(std::move(batch), durability_arg(state))) return state.SkipWithError("write failed");
    }
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.counters["value_bytes"] = static_cast<double>(bytes) / static_cast<double>(n);
}
BENCHMARK(BM_RawKvWrite600B)->ArgName("sync")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_HeaderIngest(benchmark::State& state) {
    BenchDir dir("headers");
    auto store = BlockStore::open(dir.path(), bench_store_options());
    if (!store) return state.SkipWithError(to_string(store.error()).c_str());
    HeaderGen gen(true);
    uint64_t n = 0;
    std::size_t bytes = 0;
    std::vector<SealedHeader> headers(kHeaderBatch);
    for (auto _ : state) {
        state.PauseTiming();
        for (auto& h : headers) h = gen.next(n++);
        state.ResumeTiming();
        if (!(*store)->put_headers(headers, durability_arg(state))) return state.SkipWithError("put_headers failed");
        for (const auto& h : headers) bytes += h.rlp.size();
    }
    if ((*store)->tracker(DataKind::kHeaders).size() != 1) state.SkipWithError("tracker is not one interval");
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_HeaderIngest)->ArgName("sync")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- 30 KB rows: full-block ingest vs raw ----------------------------------------------------------------------

constexpr std::size_t kBlockBatch = 100;

/// Pre-built blocks (generation is slower than storing them, so it happens once per case, outside the timing).
std::vector<Block> make_bench_blocks(std::size_t count) {
    HeaderGen headers(true, 3);
    BodyGen bodies(4);
    std::vector<Block> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        out[i].body = bodies.next(i);
        out[i].header = headers.next(i);
    }
    return out;
}

const std::vector<Block>& bench_blocks() {
    static const std::vector<Block> blocks = make_bench_blocks(3000);
    return blocks;
}

void BM_RawKvWrite30KB(benchmark::State& state) {
    const auto& blocks = bench_blocks();
    std::vector<Bytes> values;
    for (const auto& b : blocks) values.push_back(encode(b.body));
    BenchDir dir("raw30k");
    auto db = Database::open(dir.path(), bench_store_options().kv);
    if (!db) return state.SkipWithError(db.error().message.c_str());
    uint64_t n = 0;
    std::size_t bytes = 0;
    for (auto _ : state) {
        WriteBatch batch;
        for (std::size_t i = 0; i < kBlockBatch; ++i, ++n) {
            const Bytes& v = values[n % values.size()];
            batch.put(Column::kBodies, be64(n), v);
            bytes += v.size();
        }
        if (!(*db)->write(std::move(batch), durability_arg(state))) return state.SkipWithError("write failed");
    }
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.counters["value_bytes"] = static_cast<double>(bytes) / static_cast<double>(n);
}
BENCHMARK(BM_RawKvWrite30KB)->ArgName("sync")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_BlockIngest30KB(benchmark::State& state) {
    const auto& pool = bench_blocks();
    BenchDir dir("blocks");
    auto store = BlockStore::open(dir.path(), bench_store_options());
    if (!store) return state.SkipWithError(to_string(store.error()).c_str());
    uint64_t n = 0;
    std::size_t bytes = 0;
    std::vector<Block> batch(kBlockBatch);
    for (auto _ : state) {
        // Each pass over the pool stores it under new numbers; the transactions repeat (their index entries are
        // overwritten), which costs the store the same work as new ones.
        state.PauseTiming();
        for (auto& b : batch) {
            b = pool[n % pool.size()];
            BlockHeader h = b.header.header;
            h.number = n++;
            b.header = seal(std::move(h));
        }
        state.ResumeTiming();
        if (!(*store)->put_blocks(batch, durability_arg(state))) return state.SkipWithError("put_blocks failed");
        for (const auto& b : batch) bytes += encoded_length(b.body);
    }
    const auto drain_start = std::chrono::steady_clock::now();
    (*store)->wait_for_txn_index();
    state.counters["index_drain_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - drain_start).count();
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.counters["body_bytes"] = static_cast<double>(bytes) / static_cast<double>(n);
}
BENCHMARK(BM_BlockIngest30KB)->ArgName("sync")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- hot cache -------------------------------------------------------------------------------------------------

void BM_StoreCacheHitHeader(benchmark::State& state) {
    BenchDir dir("cachehit");
    auto store = BlockStore::open(dir.path(), bench_store_options());
    if (!store) return state.SkipWithError(to_string(store.error()).c_str());
    HeaderGen gen(true);
    std::vector<SealedHeader> headers;
    for (uint64_t n = 0; n < 1000; ++n) headers.push_back(gen.next(n));
    if (!(*store)->put_headers(headers)) return state.SkipWithError("put failed");
    for (uint64_t n = 0; n < 1000; ++n) (void)(*store)->get_header(n);  // warm the cache
    uint64_t n = 0;
    for (auto _ : state) {
        auto h = (*store)->get_header(n++ % 1000);
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    const auto s = (*store)->stats().cache;
    state.counters["hit_ratio"] = static_cast<double>(s.hits) / static_cast<double>(s.hits + s.misses);
}
BENCHMARK(BM_StoreCacheHitHeader);

// ---- reopen ----------------------------------------------------------------------------------------------------

void BM_ReopenStore(benchmark::State& state) {
    const bool big = std::getenv("HYPASIS_BENCH_10M") != nullptr;
    const uint64_t count = big ? 10'000'000 : 200'000;
    BenchDir dir(big ? "reopen10m" : "reopen");
    {
        auto store = BlockStore::open(dir.path(), bench_store_options());
        if (!store) return state.SkipWithError(to_string(store.error()).c_str());
        HeaderGen gen(true);
        std::vector<SealedHeader> headers(10'000);
        for (uint64_t n = 0; n < count;) {
            for (auto& h : headers) h = gen.next(n++);
            if (!(*store)->put_headers(headers, Durability::kBuffered)) return state.SkipWithError("put failed");
        }
    }
    // The first open after the build is timed on its own: it may find compactions owed by the build.
    {
        const auto start = std::chrono::steady_clock::now();
        auto store = BlockStore::open(dir.path(), bench_store_options());
        const auto stop = std::chrono::steady_clock::now();
        if (!store) return state.SkipWithError(to_string(store.error()).c_str());
        state.counters["first_open_ms"] = std::chrono::duration<double, std::milli>(stop - start).count();
    }
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        auto store = BlockStore::open(dir.path(), bench_store_options());
        const auto stop = std::chrono::steady_clock::now();
        if (!store) return state.SkipWithError(to_string(store.error()).c_str());
        if ((*store)->head(DataKind::kHeaders) != count - 1) return state.SkipWithError("wrong head after reopen");
        state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    }
    state.counters["headers"] = static_cast<double>(count);
}
BENCHMARK(BM_ReopenStore)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);

// ---- reopen after SIGKILL ---------------------------------------------------------------------------------------

/// The child role of BM_ReopenAfterKill, run before main() when the bench binary re-executes itself with
/// HYPASIS_BENCH_KILL_DIR set: writes HYPASIS_BENCH_KILL_COUNT headers (plus 30 KB bodies for the last 10,000 of
/// them, so the WAL also holds body batches and the index has work queued) and SIGKILLs itself without closing.
/// Nothing is flushed: the reopen must replay the WAL.
[[maybe_unused]] const bool kKillChildRole = [] {
    const char* dir = std::getenv("HYPASIS_BENCH_KILL_DIR");
    const char* count_env = std::getenv("HYPASIS_BENCH_KILL_COUNT");
    if (dir == nullptr || count_env == nullptr) return false;
    const uint64_t count = std::stoull(count_env);
    auto store = BlockStore::open(dir, bench_store_options());
    if (!store) std::_Exit(3);
    HeaderGen gen(true);
    std::vector<SealedHeader> headers(10'000);
    const uint64_t with_bodies = count > 10000 ? count - 10000 : 0;
    for (uint64_t n = 0; n < with_bodies;) {
        const std::size_t len = static_cast<std::size_t>(std::min<uint64_t>(headers.size(), with_bodies - n));
        headers.resize(len);
        for (auto& h : headers) h = gen.next(n++);
        if (!(*store)->put_headers(headers, Durability::kBuffered)) std::_Exit(4);
    }
    BodyGen bodies(4);
    std::vector<Block> blocks(100);
    for (uint64_t n = with_bodies; n < count;) {
        for (auto& b : blocks) {
            b.body = bodies.next(n);
            b.header = gen.next(n++);  // the synthetic header does not commit to this body; the store does not check
        }
        if (!(*store)->put_blocks(blocks, Durability::kBuffered)) std::_Exit(5);
    }
    if (!(*store)->sync()) std::_Exit(6);
    ::raise(SIGKILL);
    std::_Exit(7);
}();

void BM_ReopenAfterKill(benchmark::State& state) {
    const bool big = std::getenv("HYPASIS_BENCH_10M") != nullptr;
    const uint64_t count = big ? 10'000'000 : 200'000;
    for (auto _ : state) {
        BenchDir dir(big ? "killed10m" : "killed");
        const pid_t pid = ::fork();
        if (pid < 0) return state.SkipWithError("fork failed");
        if (pid == 0) {
            // exec at once: the child must not run RocksDB in a copy of this multi-threaded process.
            ::setenv("HYPASIS_BENCH_KILL_DIR", dir.path().c_str(), 1);
            ::setenv("HYPASIS_BENCH_KILL_COUNT", std::to_string(count).c_str(), 1);
            ::execl("/proc/self/exe", "hypasis_bench", "--benchmark_list_tests=true", static_cast<char*>(nullptr));
            std::_Exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) return state.SkipWithError("writer did not die by SIGKILL");
        const auto start = std::chrono::steady_clock::now();
        auto store = BlockStore::open(dir.path(), bench_store_options());
        const auto stop = std::chrono::steady_clock::now();
        if (!store) return state.SkipWithError(to_string(store.error()).c_str());
        if ((*store)->head(DataKind::kHeaders) != count - 1) return state.SkipWithError("wrong head after reopen");
        state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
        (*store)->wait_for_txn_index();
        state.counters["reindexed_blocks_drain_ms"] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - stop).count();
    }
    state.counters["headers"] = static_cast<double>(count);
}
BENCHMARK(BM_ReopenAfterKill)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

// ---- disk bytes ------------------------------------------------------------------------------------------------

uint64_t sst(Database& db, Column c) {
    auto b = db.sst_bytes(c);
    return b ? *b : 0;
}

/// Disk bytes per header (headers + hash_to_num SST files after a full compaction), for header-column compression
/// none (0) or lz4 (1), with an empty (0) or dense (1) bloom.
void BM_DiskBytesPerHeader(benchmark::State& state) {
    const auto compression = state.range(0) ? Compression::kLz4 : Compression::kNone;
    const bool dense = state.range(1) != 0;
    constexpr uint64_t kCount = 200'000;
    for (auto _ : state) {
        BenchDir dir("diskheaders");
        StoreOptions o = bench_store_options();
        o.kv.compression[static_cast<std::size_t>(Column::kHeaders)] = compression;
        std::size_t rlp_bytes = 0;
        {
            auto store = BlockStore::open(dir.path(), o);
            if (!store) return state.SkipWithError(to_string(store.error()).c_str());
            HeaderGen gen(dense);
            std::vector<SealedHeader> headers(10'000);
            for (uint64_t n = 0; n < kCount;) {
                for (auto& h : headers) {
                    h = gen.next(n++);
                    rlp_bytes += h.rlp.size();
                }
                if (!(*store)->put_headers(headers, Durability::kBuffered)) return state.SkipWithError("put failed");
            }
        }
        auto db = Database::open(dir.path(), o.kv);
        if (!db) return state.SkipWithError(db.error().message.c_str());
        if (!(*db)->compact(Column::kHeaders) || !(*db)->compact(Column::kHashToNum)) {
            return state.SkipWithError("compaction failed");
        }
        const double headers = static_cast<double>(sst(**db, Column::kHeaders));
        const double index = static_cast<double>(sst(**db, Column::kHashToNum));
        state.counters["rlp_B"] = static_cast<double>(rlp_bytes) / kCount;
        state.counters["headers_col_B"] = headers / kCount;
        state.counters["hash_to_num_B"] = index / kCount;
        state.counters["disk_B_per_header"] = (headers + index) / kCount;
    }
}
BENCHMARK(BM_DiskBytesPerHeader)
    ->ArgNames({"lz4", "dense_bloom"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

/// Disk bytes per body byte (bodies + tx_index SST files after a full compaction, over the body RLP bytes).
void BM_DiskBytesPerBodyByte(benchmark::State& state) {
    const auto& pool = bench_blocks();
    for (auto _ : state) {
        BenchDir dir("diskbodies");
        const StoreOptions o = bench_store_options();
        std::size_t body_bytes = 0;
        {
            auto store = BlockStore::open(dir.path(), o);
            if (!store) return state.SkipWithError(to_string(store.error()).c_str());
            for (std::size_t first = 0; first < pool.size(); first += kBlockBatch) {
                const std::span<const Block> batch(pool.data() + first, std::min(kBlockBatch, pool.size() - first));
                if (!(*store)->put_blocks(batch, Durability::kBuffered)) return state.SkipWithError("put failed");
                for (const auto& b : batch) body_bytes += encoded_length(b.body);
            }
        }
        auto db = Database::open(dir.path(), o.kv);
        if (!db) return state.SkipWithError(db.error().message.c_str());
        if (!(*db)->compact(Column::kBodies) || !(*db)->compact(Column::kTxIndex)) {
            return state.SkipWithError("compaction failed");
        }
        const double bodies = static_cast<double>(sst(**db, Column::kBodies));
        const double index = static_cast<double>(sst(**db, Column::kTxIndex));
        state.counters["bodies_per_body_byte"] = bodies / static_cast<double>(body_bytes);
        state.counters["tx_index_per_body_byte"] = index / static_cast<double>(body_bytes);
        state.counters["disk_per_body_byte"] = (bodies + index) / static_cast<double>(body_bytes);
    }
}
BENCHMARK(BM_DiskBytesPerBodyByte)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hypasis::storage
