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
#include <benchmark/benchmark.h>

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

    explicit Net(const BenchChain& c) : chain(c) {
        for (std::size_t i = 0; i < chain.blocks.size(); ++i) provider.add(chain.blocks[i], chain.receipts[i]);
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

}  // namespace
}  // namespace hypasis::sync
