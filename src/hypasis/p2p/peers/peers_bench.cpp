// One Hypasis node serving from memory and one fetching, over loopback TCP, each on its own io_context thread
// (the server also has its one provider thread). Headers: requests of 1024, 4 in flight; bodies: requests of
// 128, 4 in flight. Real time per full pass over the chain; items/s and bytes/s as counters.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <future>
#include <random>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/types/block.hpp"
#include "hypasis/p2p/peers/memory_block_provider.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"

namespace hypasis::p2p::peers {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

constexpr std::size_t kBlocks = 10'240;
constexpr std::size_t kInFlight = 4;

class Rng {
  public:
    explicit Rng(uint64_t seed) : rng_(seed) {}
    uint64_t next() { return rng_(); }
    template <std::size_t N>
    FixedBytes<N> fixed() {
        FixedBytes<N> out{};
        for (auto& b : out) b = static_cast<uint8_t>(rng_());
        return out;
    }
    Bytes bytes(std::size_t n) {
        Bytes out(n);
        for (auto& b : out) b = static_cast<uint8_t>(rng_());
        return out;
    }

  private:
    std::mt19937_64 rng_;
};

// A linked chain of Prague-shaped headers with bodies of about `body_bytes` of EIP-1559 transactions (random
// signatures: nothing here recovers senders) and 16 withdrawals.
std::vector<Block> make_chain(std::size_t count, std::size_t body_bytes) {
    Rng g(42);
    std::vector<Block> blocks;
    blocks.reserve(count);
    Hash parent{};
    for (std::size_t n = 0; n < count; ++n) {
        Block block;
        BlockBody& body = block.body;
        std::size_t size = 0;
        for (uint64_t nonce = 0; size < body_bytes; ++nonce) {
            Transaction t;
            t.type = TxnType::kDynamicFee;
            t.chain_id = 1;
            t.nonce = nonce;
            t.max_priority_fee_per_gas = U256{1'000'000'000};
            t.max_fee_per_gas = U256{30'000'000'000ull};
            t.gas_limit = 90'000;
            t.to = g.fixed<20>();
            t.value = U256{g.next()};
            t.data = g.bytes(180);
            t.y_parity = static_cast<uint8_t>(g.next() & 1);
            t.v = U256{t.y_parity};
            t.r = *U256::from_be(g.bytes(32));
            t.s = *U256::from_be(g.bytes(31));
            seal(t);
            size += t.encoded.size() + 3;
            body.transactions.push_back(std::move(t));
        }
        body.withdrawals = std::vector<Withdrawal>{};
        for (uint64_t i = 0; i < 16; ++i) body.withdrawals->push_back({n * 16 + i, i, g.fixed<20>(), g.next() % 1000});
        BlockHeader h;
        h.parent_hash = parent;
        h.ommers_hash = g.fixed<32>();
        h.beneficiary = g.fixed<20>();
        h.state_root = g.fixed<32>();
        h.transactions_root = g.fixed<32>();
        h.receipts_root = g.fixed<32>();
        h.logs_bloom = g.fixed<256>();
        h.number = n;
        h.gas_limit = 36'000'000;
        h.gas_used = 15'000'000 + g.next() % 1'000'000;
        h.timestamp = 1'700'000'000 + 12 * n;
        h.extra_data = g.bytes(16);
        h.mix_hash = g.fixed<32>();
        h.base_fee_per_gas = U256{g.next() % 50'000'000'000ull};
        h.withdrawals_root = g.fixed<32>();
        h.blob_gas_used = 786432;
        h.excess_blob_gas = 53346304;
        h.parent_beacon_block_root = g.fixed<32>();
        h.requests_hash = g.fixed<32>();
        block.header = seal(h);
        parent = block.header.hash;
        blocks.push_back(std::move(block));
    }
    return blocks;
}

// A network of two nodes, each on its own thread, alive for the whole benchmark process.
struct Net {
    std::vector<Block> blocks = make_chain(kBlocks, 4 * 1024);
    MemoryBlockProvider provider;
    asio::io_context server_ctx, client_ctx;
    asio::executor_work_guard<asio::io_context::executor_type> server_work{server_ctx.get_executor()};
    asio::executor_work_guard<asio::io_context::executor_type> client_work{client_ctx.get_executor()};
    std::unique_ptr<PeerManager> server, client;
    std::thread server_thread, client_thread;
    std::size_t header_bytes{0}, body_bytes{0};

    static PeerManagerConfig config(uint8_t seed, BlockProvider* provider, const Block& genesis) {
        PeerManagerConfig c;
        c.node_key.fill(0x22);
        c.node_key[31] = seed;
        c.session.chain = eth::LocalChainView{
            1234, genesis.header.hash, chain::ForkFilter(genesis.header.hash, chain::ForkList{}), 0, 0};
        c.session.request_timeout = 10s;
        c.subnet_exempt_loopback = true;
        c.dial_interval = 10ms;
        c.provider = provider;
        c.serving_threads = 1;
        return c;
    }

    Net() {
        for (const auto& b : blocks) {
            provider.add(b, {});
            header_bytes += b.header.rlp.size();
            body_bytes += encode(b.body).size();
        }
        server = std::make_unique<PeerManager>(server_ctx.get_executor(), config(1, &provider, blocks[0]));
        client = std::make_unique<PeerManager>(client_ctx.get_executor(), config(2, nullptr, blocks[0]));
        if (!server->start() || !client->start()) throw std::runtime_error("bench: start failed");
        server_thread = std::thread([this] { server_ctx.run(); });
        client_thread = std::thread([this] { client_ctx.run(); });
        asio::post(client_ctx, [this] { client->add_peer(server->enode()); });
        for (int i = 0; i < 500 && client->peers().empty(); ++i) std::this_thread::sleep_for(10ms);
        if (client->peers().empty()) throw std::runtime_error("bench: nodes did not connect");
    }

    ~Net() {
        asio::post(client_ctx, [this] { client->stop(); });
        asio::post(server_ctx, [this] { server->stop(); });
        std::this_thread::sleep_for(200ms);
        client_work.reset();
        server_work.reset();
        client_ctx.stop();
        server_ctx.stop();
        client_thread.join();
        server_thread.join();
    }

    // Runs `task` on the client's io_context and waits for it.
    template <class F>
    bool run(F make_task) {
        std::promise<bool> done;
        asio::co_spawn(client_ctx, make_task(), [&](std::exception_ptr e, bool ok) { done.set_value(!e && ok); });
        return done.get_future().get();
    }
};

Net& net() {
    static Net n;
    return n;
}

// One worker: fetches every kInFlight-th chunk of 1024 headers.
Task<bool> header_worker(Net& n, std::size_t first_chunk) {
    const PeerId server = n.server->node_id();
    for (std::size_t start = first_chunk * 1024; start < kBlocks; start += kInFlight * 1024) {
        auto h = co_await n.client->get_headers(server, {uint64_t{start}, 1024, 0, false});
        if (!h || h->size() != std::min<std::size_t>(1024, kBlocks - start)) {
            std::fprintf(stderr, "headers from %zu: %s\n", start, h ? "short answer" : h.error().message().c_str());
            co_return false;
        }
    }
    co_return true;
}

Task<bool> fetch_all_headers(Net& n) {
    auto [a, b, c, d] = co_await (header_worker(n, 0) && header_worker(n, 1) && header_worker(n, 2) &&
                                  header_worker(n, 3));
    co_return a && b && c && d;
}

void BM_Peers_FetchHeaders(benchmark::State& state) {
    Net& n = net();
    for (auto _ : state) {
        if (!n.run([&] { return fetch_all_headers(n); })) state.SkipWithError("header fetch failed");
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBlocks));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n.header_bytes));
}
BENCHMARK(BM_Peers_FetchHeaders)->Unit(benchmark::kMillisecond)->UseRealTime();

constexpr std::size_t kBodiesPerRequest = 128;
constexpr std::size_t kBodyBlocks = 4096;

Task<bool> body_worker(Net& n, std::size_t first_chunk) {
    const PeerId server = n.server->node_id();
    for (std::size_t start = first_chunk * kBodiesPerRequest; start < kBodyBlocks;
         start += kInFlight * kBodiesPerRequest) {
        std::vector<Hash> hashes;
        for (std::size_t i = start; i < start + kBodiesPerRequest; ++i) hashes.push_back(n.blocks[i].header.hash);
        auto b = co_await n.client->get_bodies(server, std::move(hashes));
        if (!b || b->size() != kBodiesPerRequest) {
            std::fprintf(stderr, "bodies from %zu: %s\n", start, b ? "short answer" : b.error().message().c_str());
            co_return false;
        }
    }
    co_return true;
}

Task<bool> fetch_bodies(Net& n) {
    auto [a, b, c, d] =
        co_await (body_worker(n, 0) && body_worker(n, 1) && body_worker(n, 2) && body_worker(n, 3));
    co_return a && b && c && d;
}

void BM_Peers_FetchBodies(benchmark::State& state) {
    Net& n = net();
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < kBodyBlocks; ++i) bytes += encode(n.blocks[i].body).size();
    for (auto _ : state) {
        if (!n.run([&] { return fetch_bodies(n); })) state.SkipWithError("body fetch failed");
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBodyBlocks));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_Peers_FetchBodies)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hypasis::p2p::peers
