// Hostile peers against a PeerManager on 127.0.0.1: each ends in a disconnect (with the reason we send) and/or a
// penalty, repeated offences in a persisted ban, and the node keeps serving others.
#include <gtest/gtest.h>

#include <random>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "hypasis/p2p/eth/codec.hpp"
#include "hypasis/p2p/rlpx/frame.hpp"
#include "hypasis/p2p/rlpx/handshake.hpp"
#include "hypasis/p2p/rlpx/protocol.hpp"
#include "hypasis/p2p/rlpx/random.hpp"
#include "hypasis/p2p/peers/test_harness.hpp"

namespace hypasis::p2p::peers {
namespace {

using namespace testing;
using namespace boost::asio::experimental::awaitable_operators;
using boost::asio::ip::tcp;
using rlpx::DisconnectReason;

PeerManagerConfig hostile_config(uint8_t seed, BlockProvider* provider = nullptr, BanStore* bans = nullptr) {
    auto c = node_config(seed, provider, bans);
    c.session.status_timeout = 300ms;
    c.session.request_timeout = 300ms;
    c.session.serve_queue = 4;
    c.reputation.decay_per_second = 0;  // exact scores in assertions
    c.connection.max_frame_size = 64 * 1024;
    return c;
}

std::optional<DisconnectReason> reason_of(const std::error_code& ec) { return rlpx::disconnect_reason(ec); }

// A client manager connected to `server`, for "the node keeps serving others".
Task<bool> honest_fetch(PeerManager& client, const PeerId& server_id) {
    auto h = co_await client.get_headers(server_id, {uint64_t{1}, 50, 0, false});
    co_return h.has_value() && h->size() == 50 && h->front().hash == test_chain().blocks[1].header.hash;
}

struct Case {
    eth::EthVersion version;
    uint64_t code;
};

TEST(Hostile, MalformedRlpInEveryMessageTypeIsAViolation) {
    using eth::EthVersion;
    const std::vector<Case> cases = {
        {EthVersion::kEth69, 0x00}, {EthVersion::kEth69, 0x02}, {EthVersion::kEth69, 0x03},
        {EthVersion::kEth69, 0x04}, {EthVersion::kEth69, 0x05}, {EthVersion::kEth69, 0x06},
        {EthVersion::kEth69, 0x08}, {EthVersion::kEth69, 0x09}, {EthVersion::kEth69, 0x0a},
        {EthVersion::kEth69, 0x0f}, {EthVersion::kEth69, 0x10}, {EthVersion::kEth69, 0x11},
        {EthVersion::kEth68, 0x01}, {EthVersion::kEth68, 0x07}, {EthVersion::kEth68, 0x10},
        // Codes the version does not define: removed (GetNodeData), never assigned, eth/68's missing 0x11.
        {EthVersion::kEth69, 0x0d}, {EthVersion::kEth69, 0x0b}, {EthVersion::kEth68, 0x11},
        {EthVersion::kEth69, 0x01}, {EthVersion::kEth69, 0x07},
    };
    auto provider = make_provider(20);
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(20, provider.get()));
        uint8_t seed = 100;
        for (const auto& c : cases) {
            SCOPED_TRACE("eth/" + std::to_string(static_cast<int>(c.version)) + " code " + std::to_string(c.code));
            auto a = co_await Attacker::connect(*node, seed++, static_cast<uint64_t>(c.version));
            EXPECT_TRUE(a.has_value());
            if (!a) continue;
            EXPECT_TRUE((co_await a->handshake(c.version)).has_value());
            Bytes truncated(2);  // a list announcing 3 bytes, holding 1 (no initializer list: see harness note)
            truncated[0] = 0xc3;
            truncated[1] = 0x01;
            EXPECT_FALSE(co_await a->send(c.code, truncated));
            const auto ended = co_await a->until_closed();
            EXPECT_EQ(reason_of(ended), DisconnectReason::kProtocolBreach) << ended.message();
            const PeerId id = public_of(a->key);
            EXPECT_TRUE(co_await eventually([&] { return node->reputation(id) == -50; }))
                << node->reputation(id);
            EXPECT_FALSE(node->is_banned(id));  // one offence: penalty, not yet a ban
        }
        EXPECT_EQ(node->stats().misbehaviours, cases.size());
        co_await stop_node(*node);
    });
}

TEST(Hostile, RepeatedOffencesBanPersistedRefusedAndReloaded) {
    MemoryBanStore store;
    auto provider = make_provider(60);
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(21, provider.get(), &store));
        auto honest = start_node(ex, node_config(22));
        honest->add_peer(node->enode());
        EXPECT_TRUE(co_await eventually([&] { return honest->peers().size() == 1; }));
        const PeerId attacker_id = public_of(test_key(150));
        for (int i = 0; i < 2; ++i) {
            auto a = co_await Attacker::connect(*node, 150);
            EXPECT_TRUE(a.has_value());
            if (!a) co_return;
            EXPECT_TRUE((co_await a->handshake()).has_value());
            const Bytes unsolicited = eth::encode_block_headers(999, {});
            EXPECT_FALSE(co_await a->send(eth::msg::kBlockHeaders, unsolicited));
            const auto ended = co_await a->until_closed();
            EXPECT_EQ(reason_of(ended), DisconnectReason::kProtocolBreach) << ended.message();
        }
        EXPECT_TRUE(node->is_banned(attacker_id));
        EXPECT_TRUE(co_await eventually([&] { return store.find(attacker_id).has_value(); }));
        const auto stored = store.find(attacker_id);
        if (stored) {
            EXPECT_TRUE(stored->until.has_value());
            EXPECT_FALSE(stored->ip.has_value());  // loopback is never banned by address
            EXPECT_NE(stored->reason.find("unsolicited"), std::string::npos) << stored->reason;
        }
        // Refused on reconnect, after the RLPx handshake (the id is known only then).
        auto again = co_await Attacker::connect(*node, 150);
        if (again) {
            const auto ended = co_await again->until_closed();
            EXPECT_EQ(reason_of(ended), DisconnectReason::kUselessPeer) << ended.message();
        }
        EXPECT_EQ(node->stats().refused_banned, 1u);
        // The node still serves the honest peer.
        EXPECT_TRUE(co_await honest_fetch(*honest, node->node_id()));
        co_await stop_node(*honest);
        co_await stop_node(*node);

        // A restarted node reloads the ban from the store and refuses the peer at once.
        auto restarted = start_node(ex, hostile_config(23, provider.get(), &store));
        EXPECT_TRUE(restarted->is_banned(attacker_id));
        auto after = co_await Attacker::connect(*restarted, 150);
        if (after) {
            const auto ended = co_await after->until_closed();
            EXPECT_EQ(reason_of(ended), DisconnectReason::kUselessPeer) << ended.message();
        }
        EXPECT_EQ(restarted->stats().refused_banned, 1u);
        co_await stop_node(*restarted);
    });
}

TEST(Hostile, WrongChainStatusIsRefusedWithoutPenalty) {
    struct Bad {
        const char* name;
        std::function<void(eth::Status&)> edit;
        DisconnectReason reason;
        int penalty;
    };
    const std::vector<Bad> bads = {
        {"genesis", [](eth::Status& s) { s.genesis_hash[0] ^= 1; }, DisconnectReason::kUselessPeer, 0},
        {"network id", [](eth::Status& s) { s.network_id += 1; }, DisconnectReason::kUselessPeer, 0},
        {"fork id", [](eth::Status& s) { s.fork_id.hash = {1, 2, 3, 4}; }, DisconnectReason::kUselessPeer, 0},
        {"version", [](eth::Status& s) { s.version = 68; }, DisconnectReason::kProtocolBreach, -50},
        {"range", [](eth::Status& s) { s.earliest = 10; }, DisconnectReason::kProtocolBreach, -50},
    };
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(24));
        uint8_t seed = 160;
        for (const auto& b : bads) {
            SCOPED_TRACE(b.name);
            auto a = co_await Attacker::connect(*node, seed++);
            EXPECT_TRUE(a.has_value());
            if (!a) continue;
            auto status = good_status(eth::EthVersion::kEth69);
            b.edit(status);
            auto ours = co_await a->handshake(eth::EthVersion::kEth69, status);
            EXPECT_TRUE(ours.has_value());  // our Status is sent first, before we judge theirs
            const auto ended = co_await a->until_closed();
            EXPECT_EQ(reason_of(ended), b.reason) << ended.message();
            const PeerId id = public_of(a->key);
            EXPECT_TRUE(co_await eventually([&] { return node->reputation(id) == b.penalty; }));
            EXPECT_TRUE(node->peers().empty());
        }
        EXPECT_TRUE(co_await eventually([&] { return node->stats().handshake_failures == bads.size(); }));
        EXPECT_EQ(node->stats().sessions, 0u);
        co_await stop_node(*node);
    });
}

TEST(Hostile, StatusNeverSentTimesOut) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(25));
        auto a = co_await Attacker::connect(*node, 170);
        EXPECT_TRUE(a.has_value());
        if (!a) co_return co_await stop_node(*node);
        const auto start = Clock::now();
        auto theirs = co_await a->conn->read();  // the node's Status arrives at once
        EXPECT_TRUE(theirs.has_value() && theirs->code == 0x10);
        const auto ended = co_await a->until_closed();
        const auto waited = Clock::now() - start;
        EXPECT_EQ(reason_of(ended), DisconnectReason::kSubprotocolReason) << ended.message();
        EXPECT_GE(waited, 250ms);
        EXPECT_LT(waited, 2s);
        EXPECT_TRUE(co_await eventually([&] { return node->stats().handshake_failures == 1; }));
        co_await stop_node(*node);
    });
}

// Regression: a Status that arrives in the same TCP segment as the Hello is already buffered when the session
// starts waiting for it, so the read completes before the Status watchdog starts; the watchdog was then never
// cancelled, and the session was dropped when it fired although the Status had arrived. This client writes its
// Hello and Status frames with one write, right after the handshake.
TEST(Hostile, StatusInTheSameSegmentAsHelloIsAccepted) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, node_config(27));  // status_timeout 1 s
        const crypto::SecretKey key = test_key(172);
        tcp::socket socket(ex);
        auto [cec] = co_await socket.async_connect(node->local_endpoint(), kUseTuple);
        EXPECT_FALSE(cec);
        if (cec) co_return co_await stop_node(*node);
        rlpx::Initiator initiator(key, node->node_id(), rlpx::system_random());
        const Bytes auth = initiator.auth().value();
        auto [wec, wn] = co_await boost::asio::async_write(socket, boost::asio::buffer(auth), kUseTuple);
        EXPECT_FALSE(wec);
        Bytes in;
        bool acked = false;
        for (int i = 0; i < 100 && !acked; ++i) {
            std::array<uint8_t, 4096> buf{};
            auto [rec, n] = co_await socket.async_read_some(boost::asio::buffer(buf), kUseTuple);
            if (rec) break;
            in.insert(in.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
            auto r = initiator.receive_ack(in);
            EXPECT_TRUE(r.has_value());
            if (!r) break;
            acked = r->complete;
        }
        EXPECT_TRUE(acked);
        if (!acked) co_return co_await stop_node(*node);

        rlpx::FrameEncoder encoder(initiator.secrets());
        rlpx::Hello hello;
        hello.client_id = "same-segment";
        hello.capabilities.push_back(rlpx::Capability{"eth", 69});
        hello.node_id = public_of(key);
        Bytes frames, scratch;
        const Bytes hello_rlp = rlpx::encode_hello(hello);
        EXPECT_TRUE(rlpx::encode_message(encoder, 0x00, hello_rlp, false, 1 << 20, scratch, frames));
        const Bytes status = eth::encode_status(eth::EthVersion::kEth69, good_status(eth::EthVersion::kEth69));
        EXPECT_TRUE(rlpx::encode_message(encoder, 0x10 + eth::msg::kStatus, status, true, 1 << 20, scratch, frames));
        auto [fec, fn] = co_await boost::asio::async_write(socket, boost::asio::buffer(frames), kUseTuple);
        EXPECT_FALSE(fec);

        // Established well before the 1 s Status deadline, and still connected after it.
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 1; }, 600ms));
        co_await sleep_for(1500ms);
        EXPECT_EQ(node->peers().size(), 1u);
        socket.close();
        co_await stop_node(*node);
    });
}

TEST(Hostile, OversizedFrameIsAViolation) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(26));
        auto a = co_await Attacker::connect(*node, 171);
        EXPECT_TRUE(a.has_value());
        if (!a) co_return co_await stop_node(*node);
        EXPECT_TRUE((co_await a->handshake()).has_value());
        Bytes big(100 * 1024);
        std::mt19937 rng(7);
        for (auto& b : big) b = static_cast<uint8_t>(rng());  // incompressible: the frame stays > 64 KiB
        EXPECT_FALSE(co_await a->send(eth::msg::kTransactions, big));
        const auto ended = co_await a->until_closed();
        EXPECT_EQ(reason_of(ended), DisconnectReason::kProtocolBreach) << ended.message();
        const PeerId id = public_of(a->key);
        EXPECT_TRUE(co_await eventually([&] { return node->reputation(id) == -50; })) << node->reputation(id);
        co_await stop_node(*node);
    });
}

// Forwards one TCP connection to `target`, flipping one byte of the client's next write when asked.
struct CorruptingProxy {
    tcp::acceptor acceptor;
    tcp::endpoint target;
    bool corrupt_next{false};

    CorruptingProxy(const Executor& ex, tcp::endpoint to) : acceptor(ex, {boost::asio::ip::address_v4::loopback(), 0}), target(to) {}

    Task<void> pump(tcp::socket& from, tcp::socket& to, bool client_side) {
        std::vector<uint8_t> buf(64 * 1024);
        for (int i = 0; i < 100000; ++i) {
            auto [ec, n] = co_await from.async_read_some(boost::asio::buffer(buf), kUseTuple);
            if (ec) break;
            if (client_side && corrupt_next) {
                buf[0] ^= 0x01;  // the next frame's header: its MAC no longer verifies
                corrupt_next = false;
            }
            auto [wec, w] = co_await boost::asio::async_write(to, boost::asio::buffer(buf.data(), n), kUseTuple);
            if (wec) break;
        }
    }

    Task<void> run_one() {
        auto [ec, client] = co_await acceptor.async_accept(kUseTuple);
        if (ec) co_return;
        tcp::socket upstream(acceptor.get_executor());
        auto [cec] = co_await upstream.async_connect(target, kUseTuple);
        if (cec) co_return;
        co_await (pump(client, upstream, true) || pump(upstream, client, false));
    }
};

TEST(Hostile, BadMacIsAViolation) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(27));
        CorruptingProxy proxy(ex, node->local_endpoint());
        boost::asio::co_spawn(ex, proxy.run_one(), boost::asio::detached);
        Attacker a;
        a.key = test_key(172);
        rlpx::Hello hello;
        hello.client_id = "attacker";
        hello.capabilities = {{"eth", 69}};
        auto conn = co_await rlpx::Connection::dial(ex, proxy.acceptor.local_endpoint(), node->node_id(), a.key,
                                                    hello, short_connection_limits());
        EXPECT_TRUE(conn.has_value());
        if (!conn) co_return co_await stop_node(*node);
        a.conn = std::move(*conn);
        EXPECT_TRUE((co_await a.handshake()).has_value());
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 1; }));
        proxy.corrupt_next = true;
        const Bytes tx_hashes = eth::encode(eth::NewPooledTransactionHashes{});
        EXPECT_FALSE(co_await a.send(eth::msg::kNewPooledTransactionHashes, tx_hashes));
        const auto ended = co_await a.until_closed();
        EXPECT_EQ(reason_of(ended), DisconnectReason::kProtocolBreach) << ended.message();
        const PeerId id = public_of(a.key);
        EXPECT_TRUE(co_await eventually([&] { return node->reputation(id) == -50; })) << node->reputation(id);
        co_await stop_node(*node);
    });
}

// The attacker answers the node's next GetBlockHeaders with `count` headers.
Task<void> answer_headers(Attacker& a, std::size_t count) {
    auto m = co_await a.conn->read();
    if (!m) co_return;
    auto req = eth::decode_get_block_headers(m->payload);
    if (!req) co_return;
    std::vector<ByteView> rows;
    for (std::size_t i = 0; i < count; ++i) rows.push_back(test_chain().blocks[1 + i].header.rlp);
    const Bytes reply = eth::encode_block_headers(req->request_id, rows);
    co_await a.send(eth::msg::kBlockHeaders, reply);
}

TEST(Hostile, ResponseWithMoreItemsThanAskedIsAViolation) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(28));
        auto a = co_await Attacker::connect(*node, 173);
        EXPECT_TRUE(a.has_value());
        if (!a) co_return co_await stop_node(*node);
        EXPECT_TRUE((co_await a->handshake()).has_value());
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 1; }));
        const PeerId id = public_of(a->key);
        auto result = co_await (node->get_headers(id, {uint64_t{1}, 2, 0, false}) && answer_headers(*a, 3));
        EXPECT_FALSE(result.has_value());
        if (!result) {
            EXPECT_EQ(result.error(), PeerError::kTooManyItems) << result.error().message();
        }
        const auto ended = co_await a->until_closed();
        EXPECT_EQ(reason_of(ended), DisconnectReason::kProtocolBreach) << ended.message();
        EXPECT_TRUE(co_await eventually([&] { return node->reputation(id) == -50; }));
        co_await stop_node(*node);
    });
}

TEST(Hostile, HeadersNotMatchingTheRequestAreAViolation) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(29));
        auto a = co_await Attacker::connect(*node, 174);
        EXPECT_TRUE(a.has_value());
        if (!a) co_return co_await stop_node(*node);
        EXPECT_TRUE((co_await a->handshake()).has_value());
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 1; }));
        const PeerId id = public_of(a->key);
        // Asks from block 5; the attacker answers from block 1.
        auto result = co_await (node->get_headers(id, {uint64_t{5}, 3, 0, false}) && answer_headers(*a, 3));
        EXPECT_FALSE(result.has_value());
        if (!result) {
            EXPECT_EQ(result.error(), PeerError::kMismatchedResponse);
        }
        EXPECT_TRUE(co_await eventually([&] { return node->reputation(id) == -50; }));
        co_await stop_node(*node);
    });
}

TEST(Hostile, SlowlorisTimesOutWithPenaltyAndOthersAreUnaffected) {
    auto provider = make_provider(60);
    run_scenario([&](Executor ex) -> Task<void> {
        auto server = start_node(ex, node_config(30, provider.get()));
        auto node = start_node(ex, hostile_config(31));
        node->add_peer(server->enode());
        auto a = co_await Attacker::connect(*node, 175);
        EXPECT_TRUE(a.has_value());
        if (!a) co_return;
        EXPECT_TRUE((co_await a->handshake()).has_value());
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 2; }));
        const PeerId slow = public_of(a->key);

        // The attacker reads our request and never answers. Meanwhile a request to the honest peer completes.
        Clock::time_point slow_done{}, fast_done{};
        auto slow_request = [&]() -> Task<Expected<std::vector<SealedHeader>, std::error_code>> {
            auto r = co_await node->get_headers(slow, {uint64_t{1}, 10, 0, false});
            slow_done = Clock::now();
            co_return r;
        };
        auto fast_request = [&]() -> Task<bool> {
            co_await sleep_for(20ms);  // sent after the slow one is in flight
            const bool ok = co_await honest_fetch(*node, server->node_id());
            fast_done = Clock::now();
            co_return ok;
        };
        auto [slow_result, fast_ok] = co_await (slow_request() && fast_request());
        EXPECT_FALSE(slow_result.has_value());
        if (!slow_result) {
            EXPECT_EQ(slow_result.error(), PeerError::kTimeout);
        }
        EXPECT_TRUE(fast_ok);
        EXPECT_LT(fast_done, slow_done);
        EXPECT_EQ(node->reputation(slow), -10);
        // A timeout is a penalty, not a disconnect: the peer stays until its score reaches the threshold.
        EXPECT_EQ(node->peers().size(), 2u);
        // A late answer to the timed-out id (the request still sits unread in the attacker's socket) is dropped
        // quietly: no unsolicited-response violation, no disconnect.
        co_await answer_headers(*a, 1);
        co_await sleep_for(100ms);
        EXPECT_EQ(node->reputation(slow), -10);
        EXPECT_EQ(node->peers().size(), 2u);
        co_await stop_node(*node);
        co_await stop_node(*server);
    });
}

TEST(Hostile, RequestFloodIsBoundedPenalisedAndBanned) {
    MemoryBanStore store;
    auto provider = make_provider();
    run_scenario([&](Executor ex) -> Task<void> {
        auto node = start_node(ex, hostile_config(32, provider.get(), &store));
        auto honest = start_node(ex, node_config(33));
        honest->add_peer(node->enode());
        EXPECT_TRUE(co_await eventually([&] { return honest->peers().size() == 1; }));
        auto a = co_await Attacker::connect(*node, 176);
        EXPECT_TRUE(a.has_value());
        if (!a) co_return;
        EXPECT_TRUE((co_await a->handshake()).has_value());
        const PeerId id = public_of(a->key);

        auto flood = [&]() -> Task<void> {
            for (uint64_t i = 1; i <= 300; ++i) {
                const Bytes req = eth::encode(eth::GetBlockHeaders{i, uint64_t{0}, 1024, 0, false});
                if (co_await a->send(eth::msg::kGetBlockHeaders, req)) break;  // disconnected
            }
        };
        auto [ended, served] = co_await (a->until_closed() && (flood() && honest_fetch(*honest, node->node_id())));
        EXPECT_EQ(reason_of(ended), DisconnectReason::kUselessPeer) << ended.message();
        EXPECT_TRUE(served);
        EXPECT_TRUE(node->is_banned(id));
        EXPECT_GE(node->stats().misbehaviours, 10u);
        EXPECT_TRUE(co_await eventually([&] { return store.find(id).has_value(); }));
        // Still serving others after the flood.
        EXPECT_TRUE(co_await honest_fetch(*honest, node->node_id()));
        co_await stop_node(*honest);
        co_await stop_node(*node);
    });
}

}  // namespace
}  // namespace hypasis::p2p::peers
