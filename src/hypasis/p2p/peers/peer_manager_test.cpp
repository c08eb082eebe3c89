// Peer manager admission (peer, inbound, subnet caps; trusted; duplicates), dial backoff, ban reload, report().
#include "hypasis/p2p/peers/peer_manager.hpp"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>

#include "hypasis/p2p/peers/test_harness.hpp"

namespace hypasis::p2p::peers {
namespace {

using namespace testing;
using boost::asio::ip::tcp;
using rlpx::DisconnectReason;

DialConfig dial_config(uint8_t seed) {
    DialConfig dc;
    dc.node_key = test_key(seed);
    dc.session.chain = chain_view();
    dc.connection = short_connection_limits();
    return dc;
}

using SessionResult = Expected<std::shared_ptr<EthSession>, std::error_code>;

Task<SessionResult> join(Executor ex, const PeerManager& node, uint8_t seed) {
    const discv4::Enode target = node.enode();
    co_return co_await dial_session(ex, target, dial_config(seed));
}

Task<void> close_all(std::vector<std::shared_ptr<EthSession>>& sessions) {
    for (auto& s : sessions) {
        s->close(DisconnectReason::kClientQuitting);
        co_await s->wait_closed();
    }
}

TEST(PeerManager, InboundCapAndMaxPeers) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto cfg = node_config(40);
        cfg.max_inbound = 2;
        cfg.max_peers = 10;
        auto node = start_node(ex, cfg);
        std::vector<std::shared_ptr<EthSession>> kept;
        for (uint8_t seed = 41; seed <= 42; ++seed) {
            auto s = co_await join(ex, *node, seed);
            EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
            if (s) kept.push_back(*s);
        }
        auto third = co_await join(ex, *node, 43);
        EXPECT_FALSE(third.has_value());
        if (!third) {
            EXPECT_EQ(rlpx::disconnect_reason(third.error()), DisconnectReason::kTooManyPeers);
        }
        EXPECT_EQ(node->stats().refused_caps, 1u);
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 2; }));
        co_await close_all(kept);
        co_await stop_node(*node);

        auto cfg2 = node_config(44);
        cfg2.max_inbound = 10;
        cfg2.max_peers = 1;
        auto small = start_node(ex, cfg2);
        auto first = co_await join(ex, *small, 45);
        EXPECT_TRUE(first.has_value());
        auto second = co_await join(ex, *small, 46);
        EXPECT_FALSE(second.has_value());
        if (!second) {
            EXPECT_EQ(rlpx::disconnect_reason(second.error()), DisconnectReason::kTooManyPeers);
        }
        if (first) {
            (*first)->close(DisconnectReason::kClientQuitting);
            co_await (*first)->wait_closed();
        }
        // Once the first leaves, there is room again.
        EXPECT_TRUE(co_await eventually([&] { return small->peers().empty(); }));
        auto third_try = co_await join(ex, *small, 46);
        EXPECT_TRUE(third_try.has_value());
        if (third_try) {
            (*third_try)->close(DisconnectReason::kClientQuitting);
            co_await (*third_try)->wait_closed();
        }
        co_await stop_node(*small);
    });
}

TEST(PeerManager, SubnetCapWithAndWithoutLoopbackExemption) {
    run_scenario([&](Executor ex) -> Task<void> {
        for (int round = 0; round < 2; ++round) {  // no braced list in a coroutine (GCC 12)
            const bool exempt = round == 1;
            SCOPED_TRACE(exempt ? "loopback exempt" : "loopback counted as one /24");
            auto cfg = node_config(exempt ? 50 : 51);
            cfg.max_per_subnet24 = 2;
            cfg.subnet_exempt_loopback = exempt;
            auto node = start_node(ex, cfg);
            std::vector<std::shared_ptr<EthSession>> kept;
            std::size_t refused = 0;
            for (uint8_t seed = 52; seed <= 54; ++seed) {
                auto s = co_await join(ex, *node, seed);
                if (s) {
                    kept.push_back(*s);
                } else {
                    ++refused;
                    EXPECT_EQ(rlpx::disconnect_reason(s.error()), DisconnectReason::kTooManyPeers);
                }
            }
            EXPECT_EQ(refused, exempt ? 0u : 1u);
            const std::size_t want = exempt ? 3 : 2;
            EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == want; }));
            EXPECT_EQ(node->stats().refused_caps, exempt ? 0u : 1u);
            co_await close_all(kept);
            co_await stop_node(*node);
        }
    });
}

TEST(PeerManager, TrustedPeerBypassesCapsAndDuplicateIsRefused) {
    run_scenario([&](Executor ex) -> Task<void> {
        auto cfg = node_config(60);
        cfg.max_inbound = 1;
        // The trusted peer's endpoint is never listening (port 1): the node's dials to it fail, which is fine.
        discv4::Enode trusted;
        trusted.id = public_of(test_key(62));
        trusted.endpoint.ip = discv4::IpAddress::v4(127, 0, 0, 1);
        trusted.endpoint.tcp = trusted.endpoint.udp = 1;
        cfg.trusted_peers.push_back(trusted);
        auto node = start_node(ex, cfg);
        auto b = co_await join(ex, *node, 61);
        EXPECT_TRUE(b.has_value());
        auto c = co_await join(ex, *node, 62);  // over the inbound cap, but trusted
        EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message());
        EXPECT_TRUE(co_await eventually([&] { return node->peers().size() == 2; }));
        bool saw_trusted = false;
        for (const auto& p : node->peers()) saw_trusted = saw_trusted || (p.peer_id == trusted.id && p.trusted);
        EXPECT_TRUE(saw_trusted);
        // The same peer id again: refused as a duplicate.
        auto dup = co_await join(ex, *node, 61);
        EXPECT_FALSE(dup.has_value());
        if (!dup) {
            EXPECT_EQ(rlpx::disconnect_reason(dup.error()), DisconnectReason::kAlreadyConnected);
        }
        EXPECT_EQ(node->stats().refused_duplicate, 1u);
        std::vector<std::shared_ptr<EthSession>> kept;
        if (b) kept.push_back(*b);
        if (c) kept.push_back(*c);
        co_await close_all(kept);
        co_await stop_node(*node);
    });
}

TEST(PeerManager, DialBackoffGrowsExponentially) {
    run_scenario([&](Executor ex) -> Task<void> {
        // A listener that accepts and closes at once: every dial fails in the RLPx handshake.
        tcp::acceptor sink(ex, {boost::asio::ip::address_v4::loopback(), 0});
        std::vector<Clock::time_point> attempts;
        auto accept_and_close = [&]() -> Task<void> {
            for (int i = 0; i < 100; ++i) {
                auto [ec, socket] = co_await sink.async_accept(kUseTuple);
                if (ec) co_return;
                attempts.push_back(Clock::now());
            }
        };
        boost::asio::co_spawn(ex, accept_and_close(), boost::asio::detached);

        auto cfg = node_config(70);
        cfg.listen = false;
        cfg.dial_interval = 5ms;
        cfg.dial_backoff_initial = 50ms;
        cfg.dial_backoff_max = 400ms;
        discv4::Enode target;
        target.id = public_of(test_key(71));
        target.endpoint.ip = discv4::IpAddress::v4(127, 0, 0, 1);
        target.endpoint.tcp = target.endpoint.udp = sink.local_endpoint().port();
        cfg.static_peers.push_back(target);
        auto node = start_node(ex, cfg);
        co_await sleep_for(1400ms);
        co_await stop_node(*node);
        boost::system::error_code ignored;
        sink.close(ignored);

        // Expected attempts at about 0, 50, 150, 350, 750, 1150 ms: at least 5 and far fewer than without backoff.
        EXPECT_GE(attempts.size(), 5u);
        EXPECT_LE(attempts.size(), 7u);
        for (std::size_t i = 1; i < attempts.size(); ++i) {
            const auto expected = std::min<int64_t>(50 << (i - 1), 400);
            const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(attempts[i] - attempts[i - 1]);
            EXPECT_GE(gap.count(), expected - 5) << "gap " << i;
        }
        EXPECT_EQ(node->stats().dial_failures, attempts.size());
    });
}

TEST(PeerManager, BansReloadedOnStartAndExpiredOnesErased) {
    MemoryBanStore store;
    const auto now = WallClock::now();
    Ban active{public_of(test_key(80)), std::nullopt, now + std::chrono::hours(1), "test: active"};
    Ban expired{public_of(test_key(81)), discv4::IpAddress::v4(10, 0, 0, 1), now - std::chrono::seconds(1),
                "test: expired"};
    Ban permanent{public_of(test_key(82)), std::nullopt, std::nullopt, "test: permanent"};
    store.save(active);
    store.save(expired);
    store.save(permanent);
    run_scenario([&](Executor ex) -> Task<void> {
        auto cfg = node_config(83, nullptr, &store);
        cfg.wall_clock = [now] { return now; };
        auto node = start_node(ex, cfg);
        EXPECT_TRUE(node->is_banned(active.peer_id));
        EXPECT_TRUE(node->is_banned(permanent.peer_id));
        EXPECT_FALSE(node->is_banned(expired.peer_id));
        EXPECT_EQ(store.size(), 2u);
        EXPECT_EQ(node->bans().size(), 2u);
        // Refused on accept.
        auto s = co_await join(ex, *node, 80);
        EXPECT_FALSE(s.has_value());
        if (!s) {
            EXPECT_EQ(rlpx::disconnect_reason(s.error()), DisconnectReason::kUselessPeer);
        }
        EXPECT_EQ(node->stats().refused_banned, 1u);
        co_await stop_node(*node);
    });
}

TEST(PeerManager, ReportInvalidDataDisconnectsAndPenalises) {
    auto provider = make_provider(20);
    run_scenario([&](Executor ex) -> Task<void> {
        auto server = start_node(ex, node_config(90, provider.get()));
        auto client_cfg = node_config(91);
        client_cfg.dial_backoff_initial = 10s;  // no redial within the test
        auto client = start_node(ex, client_cfg);
        client->add_peer(server->enode());
        EXPECT_TRUE(co_await eventually([&] { return client->peers().size() == 1; }));
        EXPECT_EQ(client->peers().at(0).penalties, 0u);
        client->report(server->node_id(), Misbehaviour::kUselessResponse);
        EXPECT_EQ(client->reputation(server->node_id()), -5);
        EXPECT_EQ(client->peers().size(), 1u);  // a small penalty does not disconnect
        EXPECT_EQ(client->peers().at(0).penalties, 1u);
        EXPECT_EQ(client->peers().at(0).last_penalty, "useless response");
        client->report(server->node_id(), Misbehaviour::kInvalidData);
        EXPECT_TRUE(co_await eventually([&] { return server->peers().empty(); }));
        EXPECT_LE(client->reputation(server->node_id()), -64);
        auto gone = co_await client->get_headers(server->node_id(), {uint64_t{1}, 1, 0, false});
        EXPECT_FALSE(gone.has_value());
        auto unknown = co_await client->get_headers(public_of(test_key(99)), {uint64_t{1}, 1, 0, false});
        EXPECT_EQ(unknown.error(), PeerError::kUnknownPeer);
        co_await stop_node(*client);
        co_await stop_node(*server);
    });
}

}  // namespace
}  // namespace hypasis::p2p::peers
