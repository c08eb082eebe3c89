#pragma once
/// Test-only helpers shared by the p2p_test files: a generated chain served from memory, node configs bound to
/// 127.0.0.1:0 with short deadlines, a bounded scenario runner, and a raw RLPx "attacker" that speaks eth by hand.
/// Not part of the library (header only, included by *_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/p2p/eth/status.hpp"
#include "hypasis/p2p/peers/ban_store.hpp"
#include "hypasis/p2p/peers/memory_block_provider.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"
#include "hypasis/p2p/rlpx/connection.hpp"
#include "hypasis/test_util/chain_generator.hpp"

namespace hypasis::p2p::peers::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// A generated chain of `kChainLength` blocks (0..kChainLength-1) with receipts, built once per process.
inline constexpr std::size_t kChainLength = 300;

struct TestChain {
    chain::ChainSpec spec;
    std::vector<Block> blocks;
    std::vector<std::vector<Receipt>> receipts;  // per block; genesis has none
};

inline const TestChain& test_chain() {
    static const TestChain chain = [] {
        test::ChainGenerator gen;
        TestChain c{gen.spec(), {gen.genesis()}, {{}}};
        for (std::size_t i = 1; i < kChainLength; ++i) {
            auto b = gen.next();
            c.blocks.push_back(std::move(b.block));
            c.receipts.push_back(std::move(b.receipts));
        }
        return c;
    }();
    return chain;
}

/// A provider holding blocks [0, end) of the test chain.
inline std::unique_ptr<MemoryBlockProvider> make_provider(std::size_t end = kChainLength) {
    auto p = std::make_unique<MemoryBlockProvider>();
    const auto& c = test_chain();
    for (std::size_t i = 0; i < end; ++i) p->add(c.blocks[i], c.receipts[i]);
    return p;
}

inline crypto::SecretKey test_key(uint8_t seed) {
    crypto::SecretKey k{};
    k[0] = 0x11;
    k[31] = seed;
    k[15] = static_cast<uint8_t>(seed * 7 + 1);
    return k;
}

inline crypto::PublicKey public_of(const crypto::SecretKey& k) { return crypto::public_key(k).value(); }

inline eth::LocalChainView chain_view() {
    const auto& c = test_chain();
    return eth::LocalChainView::from_spec(c.spec, 0, c.blocks[0].header.header.timestamp);
}

inline rlpx::ConnectionLimits short_connection_limits() {
    rlpx::ConnectionLimits l;
    l.handshake_timeout = 2s;
    l.idle_timeout = 5s;
    l.ping_interval = 2s;
    l.disconnect_timeout = 300ms;
    return l;
}

/// A manager config on 127.0.0.1:0 with short deadlines and loopback exempt from the subnet cap.
inline PeerManagerConfig node_config(uint8_t seed, BlockProvider* provider = nullptr, BanStore* bans = nullptr) {
    PeerManagerConfig c;
    c.node_key = test_key(seed);
    c.client_id = "hypasis-test/" + std::to_string(seed);
    c.session.chain = chain_view();
    c.session.status_timeout = 1s;
    c.session.request_timeout = 2s;
    c.connection = short_connection_limits();
    c.subnet_exempt_loopback = true;
    c.dial_interval = 20ms;
    c.dial_backoff_initial = 100ms;
    c.dial_backoff_max = 1s;
    c.provider = provider;
    c.ban_store = bans;
    c.serving_threads = 1;
    return c;
}

/// Runs `scenario` on a fresh io_context, bounded in time; fails the test if it does not finish.
template <class F>
void run_scenario(F&& scenario, std::chrono::milliseconds limit = 20s) {
    asio::io_context ctx;
    bool done = false;
    std::exception_ptr error;
    asio::co_spawn(ctx, scenario(ctx.get_executor()), [&](std::exception_ptr e) {
        done = true;
        error = e;
    });
    ctx.run_for(limit);
    ASSERT_TRUE(done) << "scenario did not finish within its time limit";
    if (error) std::rethrow_exception(error);
}

inline Task<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(kUseTuple);
}

/// Polls `cond` every 10 ms until it holds or `limit` passes; returns whether it held.
inline Task<bool> eventually(std::function<bool()> cond, std::chrono::milliseconds limit = 5s) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        if (cond()) co_return true;
        co_await sleep_for(10ms);
    }
    co_return cond();
}

/// Starts a manager and fails the test on error.
inline std::unique_ptr<PeerManager> start_node(const Executor& ex, PeerManagerConfig config) {
    auto m = std::make_unique<PeerManager>(ex, std::move(config));
    auto ok = m->start();
    EXPECT_TRUE(ok.has_value()) << (ok ? "" : ok.error().message());
    return m;
}

inline Task<void> stop_node(PeerManager& m) {
    m.stop();
    co_await m.wait_stopped();
}

inline boost::asio::ip::tcp::endpoint endpoint_of(const PeerManager& m) { return m.local_endpoint(); }

/// The Status a well-behaved peer of the test chain sends (head at genesis), for hand-made sessions.
inline eth::Status good_status(eth::EthVersion v) {
    const auto view = chain_view();
    eth::Status s;
    s.version = static_cast<uint64_t>(v);
    s.network_id = view.network_id;
    s.genesis_hash = view.genesis_hash;
    s.head_hash = view.genesis_hash;
    s.fork_id = view.fork_filter.id_at(0, view.head_time);
    s.earliest = 0;
    s.latest = 0;
    return s;
}

/// A raw RLPx client talking eth by hand: it can send anything.
struct Attacker {
    crypto::SecretKey key;
    std::unique_ptr<rlpx::Connection> conn;
    uint64_t offset{0x10};

    /// Dials `target` offering eth/`version` only. (A single value, not a braced list: GCC 12 rejects
    /// initializer lists in coroutine calls with "array used as initializer".)
    static Task<Expected<Attacker, std::error_code>> connect(const PeerManager& target, uint8_t seed,
                                                            uint64_t version = 69,
                                                            rlpx::ConnectionLimits limits = short_connection_limits()) {
        Attacker a;
        a.key = test_key(seed);
        rlpx::Hello hello;
        hello.client_id = "attacker";
        hello.capabilities.push_back(rlpx::Capability{"eth", version});
        auto ex = co_await asio::this_coro::executor;
        auto conn = co_await rlpx::Connection::dial(ex, target.local_endpoint(), target.node_id(), a.key, hello,
                                                    std::move(limits));
        if (!conn) co_return unexpected(conn.error());
        a.conn = std::move(*conn);
        co_return a;
    }

    Task<std::error_code> send(uint64_t code, ByteView payload) { return conn->write(offset + code, payload); }

    /// Sends a valid Status and reads the peer's.
    Task<Expected<eth::Status, std::error_code>> handshake(eth::EthVersion v = eth::EthVersion::kEth69,
                                                           std::optional<eth::Status> status = std::nullopt) {
        const auto s = status.value_or(good_status(v));
        const Bytes payload = eth::encode_status(v, s);
        if (auto ec = co_await send(eth::msg::kStatus, payload); ec) co_return unexpected(ec);
        auto m = co_await conn->read();
        if (!m) co_return unexpected(m.error());
        auto theirs = eth::decode_status(v, m->payload);
        if (!theirs) co_return unexpected(make_error_code(theirs.error()));
        co_return *theirs;
    }

    /// Reads (discarding messages) until the connection ends; returns the error it ended with. Bounded.
    Task<std::error_code> until_closed(std::size_t max_messages = 10000) {
        for (std::size_t i = 0; i < max_messages; ++i) {
            auto m = co_await conn->read();
            if (!m) co_return m.error();
        }
        co_return std::error_code{};
    }
};

}  // namespace hypasis::p2p::peers::testing
