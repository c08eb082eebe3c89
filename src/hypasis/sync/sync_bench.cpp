// The backward syncer end to end on loopback: 4 Hypasis PeerManagers serving one generated chain from memory (all
// on one io_context thread, each with its one provider thread), one client PeerManager with the BackwardSyncer on a
// second io_context thread, the Budget's CPU pool (1 worker, unlimited bandwidth) for checks and store writes, and a
// RocksDB BlockStore in a fresh temporary directory per iteration, seeded with the chain's top header. One
// iteration fills [0, top) and waits for the syncer to report "done" (everything stored durably, Durability::kSync
// per batch). Real time; items/s and bytes/s as counters.
//
// BM_BackwardHeaders: headers only (history mode `headers`) of a 65,536-block chain with empty bodies.
// BM_BackwardFullBlocks: headers, bodies and receipts (mode `full`) of 4,096 generated blocks with 5 signed
// transactions of every type and 2 withdrawals each; bytes = header RLP + body RLP + eth/68 receipts RLP.
//
// BM_ForwardLatency/{0,1}: the latency Hypasis adds on the forward side, from a block becoming available at the
// peers (added to their chain and announced: eth/69 BlockRangeUpdate) to the block being stored and servable
// (the store's head reaches it), for 60 blocks 100 ms apart. The SyncEngine runs both pipelines, anchored at the
// top of the initial chain with [0, anchor) missing; /0: backward paused, /1: backward filling history at its
// full budget (4 MiB/s in total) during the whole measurement. Counters: p50_ms and p99_ms of the 60 samples
// (take the median over repetitions).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <unistd.h>

#include "hypasis/p2p/eth/status.hpp"
#include "hypasis/p2p/peers/memory_block_provider.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"
#include "hypasis/sync/backward_syncer.hpp"
#include "hypasis/sync/bootstrap.hpp"
#include "hypasis/sync/engine.hpp"
#include "hypasis/test_util/chain_generator.hpp"

namespace hypasis::sync {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using p2p::peers::MemoryBlockProvider;
using p2p::peers::PeerManager;
using p2p::peers::PeerManagerConfig;

constexpr std::size_t kPeers = 4;

struct BenchChain {
    chain::ChainSpec spec;
    std::vector<Block> blocks;
    std::vector<std::vector<Receipt>> receipts;
    uint64_t header_bytes{0}, all_bytes{0};
};

BenchChain make_chain(std::size_t count, const test::ChainGeneratorOptions& options) {
    test::ChainGenerator gen(options);
    BenchChain c{gen.spec(), {gen.genesis()}, {{}}, 0, 0};
    c.blocks.reserve(count);
    for (std::size_t i = 1; i < count; ++i) {
        auto b = gen.next();
        c.blocks.push_back(std::move(b.block));
        c.receipts.push_back(std::move(b.receipts));
    }
    for (std::size_t i = 0; i + 1 < count; ++i) {  // what one iteration fetches: [0, top)
        c.header_bytes += c.blocks[i].header.rlp.size();
    }
    for (std::size_t i = 0; i < count; ++i) {
        c.all_bytes += encode(c.blocks[i]).size() + encode_receipts(c.receipts[i], ReceiptForm::kEth68).size();
    }
    return c;
}

// Four servers and a client, each side on its own thread, alive while the benchmark runs.
struct Net {
    const BenchChain& chain;
    MemoryBlockProvider provider;
    asio::io_context server_ctx, client_ctx;
    asio::executor_work_guard<asio::io_context::executor_type> server_work{server_ctx.get_executor()};
    asio::executor_work_guard<asio::io_context::executor_type> client_work{client_ctx.get_executor()};
    std::vector<std::unique_ptr<PeerManager>> servers;
    std::unique_ptr<PeerManager> client;
    std::thread server_thread, client_thread;

    PeerManagerConfig config(uint8_t seed, MemoryBlockProvider* p) const {
        PeerManagerConfig c;
        c.node_key.fill(0x33);
        c.node_key[31] = seed;
        const auto& genesis = chain.blocks[0].header;
        c.session.chain = p2p::eth::LocalChainView::from_spec(chain.spec, 0, genesis.header.timestamp);
        c.session.request_timeout = 10s;
        c.subnet_exempt_loopback = true;
        c.dial_interval = 10ms;
        c.provider = p;
        c.serving_threads = 1;
        return c;
    }

    /// Serves blocks [0, serve) of the chain (all of them by default); the rest may be added later with grow().
    explicit Net(const BenchChain& c, std::size_t serve = SIZE_MAX) : chain(c) {
        for (std::size_t i = 0; i < std::min(serve, chain.blocks.size()); ++i) {
            provider.add(chain.blocks[i], chain.receipts[i]);
        }
        for (std::size_t i = 0; i < kPeers; ++i) {
            servers.push_back(std::make_unique<PeerManager>(server_ctx.get_executor(),
                                                            config(static_cast<uint8_t>(i + 1), &provider)));
            if (!servers.back()->start()) throw std::runtime_error("bench: server start failed");
        }
        client = std::make_unique<PeerManager>(client_ctx.get_executor(), config(100, nullptr));
        if (!client->start()) throw std::runtime_error("bench: client start failed");
        server_thread = std::thread([this] { server_ctx.run(); });
        client_thread = std::thread([this] { client_ctx.run(); });
        asio::post(client_ctx, [this] {
            for (auto& s : servers) client->add_peer(s->enode());
        });
        for (int i = 0; i < 500 && client->peers().size() < kPeers; ++i) std::this_thread::sleep_for(10ms);
        if (client->peers().size() < kPeers) throw std::runtime_error("bench: peers did not connect");
    }

    ~Net() {
        asio::post(client_ctx, [this] { client->stop(); });
        asio::post(server_ctx, [this] {
            for (auto& s : servers) s->stop();
        });
        std::this_thread::sleep_for(200ms);
        client_work.reset();
        server_work.reset();
        client_ctx.stop();
        server_ctx.stop();
        client_thread.join();
        server_thread.join();
    }

    /// Adds block n to the served chain and announces it from every server (thread-safe calls).
    void grow(std::size_t n) {
        provider.add(chain.blocks[n], chain.receipts[n]);
        for (auto& s : servers) s->notify_head_changed();
    }

    // One backward fill of [0, top) into a fresh store; false on failure. Only the fill is timed.
    bool fill(benchmark::State& state, HistoryMode mode) {
        state.PauseTiming();
        static std::atomic<int> counter{0};
        const auto dir = std::filesystem::temp_directory_path() /
                         ("hypasis-backward-bench-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(dir);
        bool ok = false;
        {
            storage::StoreOptions options;
            auto store = storage::BlockStore::open(dir, options);
            if (!store) return false;
            const SealedHeader& top = chain.blocks.back().header;
            if (!(*store)->put_headers(std::span(&top, 1))) return false;
            Budget budget(BudgetConfig{});
            BackwardConfig config;
            config.mode = mode;
            BackwardSyncer syncer(client_ctx.get_executor(), **store, *client, budget, chain.spec, config);
            std::promise<void> finished;
            state.ResumeTiming();
            asio::co_spawn(client_ctx, syncer.run(), [&](std::exception_ptr) { finished.set_value(); });
            for (int i = 0; i < 120'000 && syncer.status().state != "done"; ++i) std::this_thread::sleep_for(1ms);
            ok = syncer.status().state == "done";
            state.PauseTiming();
            syncer.stop();
            finished.get_future().wait();
        }
        std::filesystem::remove_all(dir);
        state.ResumeTiming();
        return ok;
    }
};

const BenchChain& headers_chain() {
    static const BenchChain c = [] {
        test::ChainGeneratorOptions o;
        o.txn_rounds_per_block = 0;
        o.withdrawals_per_block = 0;
        return make_chain(65'536, o);
    }();
    return c;
}

const BenchChain& full_chain() {
    static const BenchChain c = make_chain(4'096, test::ChainGeneratorOptions{});
    return c;
}

void BM_BackwardHeaders(benchmark::State& state) {
    static Net net(headers_chain());
    for (auto _ : state) {
        if (!net.fill(state, HistoryMode::kHeaders)) state.SkipWithError("backward fill failed");
    }
    const auto n = static_cast<int64_t>(headers_chain().blocks.size() - 1);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * headers_chain().header_bytes));
}
BENCHMARK(BM_BackwardHeaders)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BackwardFullBlocks(benchmark::State& state) {
    static Net net(full_chain());
    for (auto _ : state) {
        if (!net.fill(state, HistoryMode::kFull)) state.SkipWithError("backward fill failed");
    }
    const auto n = static_cast<int64_t>(full_chain().blocks.size());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * full_chain().all_bytes));
}
BENCHMARK(BM_BackwardFullBlocks)->Unit(benchmark::kMillisecond)->UseRealTime();

constexpr std::size_t kLatencyAnchor = 65'535;
constexpr std::size_t kLatencySamples = 60;

const BenchChain& latency_chain() {
    static const BenchChain c = [] {
        test::ChainGeneratorOptions o;
        o.txn_rounds_per_block = 0;
        o.withdrawals_per_block = 0;
        return make_chain(kLatencyAnchor + 1 + kLatencySamples * 12, o);  // the tip blocks of 12 runs
    }();
    return c;
}

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

void BM_ForwardLatency(benchmark::State& state) {
    const bool backward_running = state.range(0) == 1;
    static Net net(latency_chain(), kLatencyAnchor + 1);
    static std::size_t next = kLatencyAnchor + 1;  // the next tip block to add (runs continue the chain)
    static std::atomic<int> counter{0};
    std::vector<double> samples;
    uint64_t backward_headers = 0;
    for (auto _ : state) {
        const auto dir = std::filesystem::temp_directory_path() /
                         ("hypasis-forward-bench-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(dir);
        {
            auto store = storage::BlockStore::open(dir, storage::StoreOptions{});
            if (!store) {
                state.SkipWithError("store open failed");
                break;
            }
            // Anchored at the served head (as bootstrap leaves it): forward follows from there.
            const std::size_t anchor_num = next - 1;
            const SealedHeader& top = latency_chain().blocks[anchor_num].header;
            if (!(*store)->put_headers(std::span(&top, 1)) ||
                !write_anchor(**store, Anchor{anchor_num, top.hash})) {
                state.SkipWithError("anchor failed");
                break;
            }
            EngineConfig config;
            config.mode = HistoryMode::kFull;
            config.budget.total_bytes_per_second = 4.0 * 1024 * 1024;
            SyncEngine engine(net.client_ctx.get_executor(), **store, *net.client, latency_chain().spec,
                              Anchor{anchor_num, top.hash}, config);
            if (!backward_running) engine.pause_backward();
            std::promise<void> finished;
            asio::co_spawn(net.client_ctx, engine.run(), [&](std::exception_ptr) { finished.set_value(); });
            std::this_thread::sleep_for(300ms);  // backward under way (or paused)
            for (std::size_t i = 0; i < kLatencySamples && next < latency_chain().blocks.size(); ++i, ++next) {
                const auto t0 = std::chrono::steady_clock::now();
                net.grow(next);
                while ((*store)->head(storage::DataKind::kHeaders).value_or(0) < next &&
                       std::chrono::steady_clock::now() - t0 < 5s) {
                    std::this_thread::sleep_for(50us);
                }
                samples.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                                      .count());
                std::this_thread::sleep_for(100ms);
            }
            backward_headers += engine.status().backward.blocks;
            engine.stop();
            finished.get_future().wait();
        }
        std::filesystem::remove_all(dir);
    }
    if (samples.empty()) return;
    state.counters["p50_ms"] = percentile(samples, 0.50);
    state.counters["p99_ms"] = percentile(samples, 0.99);
    state.counters["max_ms"] = percentile(samples, 1.0);
    state.counters["backward_headers"] = static_cast<double>(backward_headers);
}
BENCHMARK(BM_ForwardLatency)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hypasis::sync
