// Two Hypasis nodes over real TCP on 127.0.0.1: negotiation, fetching, serving, BlockRangeUpdate.
#include "hypasis/p2p/peers/session.hpp"

#include <gtest/gtest.h>

#include "hypasis/p2p/peers/test_harness.hpp"

namespace hypasis::p2p::peers {
namespace {

using namespace testing;

std::vector<Hash> hashes_of(std::size_t first, std::size_t count) {
    std::vector<Hash> out;
    for (std::size_t i = first; i < first + count; ++i) out.push_back(test_chain().blocks[i].header.hash);
    return out;
}

// Connects `client` to `server` as a static peer and waits until both see each other.
Task<bool> connect_pair(PeerManager& server, PeerManager& client) {
    client.add_peer(server.enode());
    co_return co_await eventually([&] { return client.peers().size() == 1 && server.peers().size() == 1; });
}

TEST(Session, TwoNodesEth69FetchHeadersBodiesReceipts) {
    const auto& chain = test_chain();
    auto provider = make_provider();
    run_scenario([&](Executor ex) -> Task<void> {
        auto server = start_node(ex, node_config(1, provider.get()));
        auto client = start_node(ex, node_config(2));
        EXPECT_TRUE(co_await connect_pair(*server, *client));
        const auto peers = client->peers();
        EXPECT_EQ(peers.size(), 1u);
        if (peers.size() != 1) co_return co_await stop_node(*client);
        const PeerInfo info = peers[0];
        EXPECT_EQ(info.peer_id, server->node_id());
        EXPECT_EQ(info.version, eth::EthVersion::kEth69);
        EXPECT_FALSE(info.inbound);
        EXPECT_TRUE(info.is_static);
        EXPECT_EQ(info.client_id, "hypasis-test/1");
        EXPECT_EQ(info.latest, kChainLength - 1);
        EXPECT_EQ(info.earliest, 0u);
        EXPECT_EQ(info.head_hash, chain.blocks.back().header.hash);
        EXPECT_TRUE(server->peers().at(0).inbound);

        // By number.
        auto h = co_await client->get_headers(info.peer_id, {uint64_t{10}, 100, 0, false});
        EXPECT_TRUE(h.has_value()) << (h ? "" : h.error().message());
        if (h) {
            EXPECT_EQ(h->size(), 100u);
            for (std::size_t i = 0; i < h->size(); ++i) EXPECT_EQ((*h)[i].rlp, chain.blocks[10 + i].header.rlp);
        }
        // By hash, with skip, forward.
        auto hs = co_await client->get_headers(info.peer_id, {chain.blocks[5].header.hash, 10, 2, false});
        EXPECT_TRUE(hs.has_value());
        if (hs) {
            EXPECT_EQ(hs->size(), 10u);
            for (std::size_t i = 0; i < hs->size(); ++i) EXPECT_EQ((*hs)[i].hash, chain.blocks[5 + 3 * i].header.hash);
        }
        // Reverse, stopping at genesis (fewer than asked).
        auto hr = co_await client->get_headers(info.peer_id, {uint64_t{8}, 20, 1, true});
        EXPECT_TRUE(hr.has_value());
        if (hr) {
            EXPECT_EQ(hr->size(), 5u);  // 8, 6, 4, 2, 0
            for (std::size_t i = 0; i < hr->size() && i < 5; ++i) EXPECT_EQ((*hr)[i].header.number, 8 - 2 * i);
        }
        // Beyond the head: empty, not an error.
        auto beyond = co_await client->get_headers(info.peer_id, {uint64_t{kChainLength + 5}, 3, 0, false});
        EXPECT_TRUE(beyond.has_value() && beyond->empty());
        // Unknown hash: empty.
        auto unknown = co_await client->get_headers(info.peer_id, {Hash{0x42}, 3, 0, false});
        EXPECT_TRUE(unknown.has_value() && unknown->empty());

        // Bodies.
        auto bodies = co_await client->get_bodies(info.peer_id, hashes_of(1, 50));
        EXPECT_TRUE(bodies.has_value()) << (bodies ? "" : bodies.error().message());
        if (bodies) {
            EXPECT_EQ(bodies->size(), 50u);
            for (std::size_t i = 0; i < bodies->size(); ++i) {
                EXPECT_EQ(encode((*bodies)[i]), encode(chain.blocks[1 + i].body));
            }
        }
        // Receipts in the eth/69 slim form, blooms recomputed: equal to the source receipts.
        auto receipts = co_await client->get_receipts(info.peer_id, hashes_of(1, 20));
        EXPECT_TRUE(receipts.has_value()) << (receipts ? "" : receipts.error().message());
        if (receipts) {
            EXPECT_EQ(receipts->size(), 20u);
            for (std::size_t i = 0; i < receipts->size(); ++i) EXPECT_EQ((*receipts)[i], chain.receipts[1 + i]);
        }
        // An unknown hash in the middle: the answer is the prefix before it.
        auto partial_hashes = hashes_of(1, 3);
        partial_hashes.insert(partial_hashes.begin() + 2, Hash{0x99});
        auto partial = co_await client->get_bodies(info.peer_id, partial_hashes);
        EXPECT_TRUE(partial.has_value() && partial->size() == 2);

        // Measurements are filled in and reputation rose for good answers.
        const auto after = client->peers().at(0);
        EXPECT_GT(after.header_rate, 0);
        EXPECT_GT(after.body_rate, 0);
        EXPECT_GT(after.rtt.count(), 0);
        EXPECT_GT(after.reputation, 0);
        EXPECT_TRUE(co_await eventually([&] { return server->peers().at(0).requests_served == 8; }));

        co_await stop_node(*client);
        co_await stop_node(*server);
    });
}

TEST(Session, BlockRangeUpdateWhenServerHeadMoves) {
    const auto& chain = test_chain();
    auto provider = make_provider(200);
    run_scenario([&](Executor ex) -> Task<void> {
        auto cfg = node_config(3, provider.get());
        cfg.session.range_update_blocks = 1;
        cfg.session.range_update_interval = 0ms;
        auto server = start_node(ex, cfg);
        auto client = start_node(ex, node_config(4));
        EXPECT_TRUE(co_await connect_pair(*server, *client));
        EXPECT_EQ(client->peers().at(0).latest, 199u);

        for (std::size_t i = 200; i < kChainLength; ++i) provider->add(chain.blocks[i], chain.receipts[i]);
        server->notify_head_changed();
        EXPECT_TRUE(co_await eventually([&] {
            auto p = client->peers();
            return p.size() == 1 && p[0].latest == kChainLength - 1;
        }));
        const auto p = client->peers().at(0);
        EXPECT_EQ(p.head_hash, chain.blocks.back().header.hash);
        EXPECT_EQ(p.head_number, kChainLength - 1);
        EXPECT_EQ(server->session(client->node_id())->range_updates_sent(), 1u);
        // New blocks are served once announced.
        auto h = co_await client->get_headers(server->node_id(), {uint64_t{kChainLength - 1}, 1, 0, false});
        EXPECT_TRUE(h.has_value() && h->size() == 1 && h->front().hash == chain.blocks.back().header.hash);
        // An unchanged head sends nothing more.
        server->notify_head_changed();
        co_await sleep_for(100ms);
        EXPECT_EQ(server->session(client->node_id())->range_updates_sent(), 1u);

        co_await stop_node(*client);
        co_await stop_node(*server);
    });
}

TEST(Session, Eth68WhenOneSideOffersOnly68) {
    const auto& chain = test_chain();
    auto provider = make_provider();
    provider->set_total_difficulty(U256{1234});
    run_scenario([&](Executor ex) -> Task<void> {
        auto cfg = node_config(5, provider.get());
        cfg.versions = {eth::EthVersion::kEth68};
        auto server = start_node(ex, cfg);
        auto client = start_node(ex, node_config(6));
        EXPECT_TRUE(co_await connect_pair(*server, *client));
        const auto info = client->peers().at(0);
        EXPECT_EQ(info.version, eth::EthVersion::kEth68);
        EXPECT_FALSE(info.latest.has_value());  // eth/68 has no range
        EXPECT_EQ(info.head_hash, chain.blocks.back().header.hash);
        EXPECT_EQ(client->session(server->node_id())->remote_status().td, U256{1234});

        auto receipts = co_await client->get_receipts(info.peer_id, hashes_of(1, 10));
        EXPECT_TRUE(receipts.has_value()) << (receipts ? "" : receipts.error().message());
        if (receipts) {
            EXPECT_EQ(receipts->size(), 10u);
            for (std::size_t i = 0; i < receipts->size(); ++i) EXPECT_EQ((*receipts)[i], chain.receipts[1 + i]);
        }
        auto h = co_await client->get_headers(info.peer_id, {uint64_t{0}, 1024, 0, false});
        EXPECT_TRUE(h.has_value() && h->size() == kChainLength);
        co_await stop_node(*client);
        co_await stop_node(*server);
    });
}

TEST(Session, DialSessionForOperatorTools) {
    const auto& chain = test_chain();
    auto provider = make_provider();
    run_scenario([&](Executor ex) -> Task<void> {
        auto server = start_node(ex, node_config(7, provider.get()));
        DialConfig dc;
        dc.node_key = test_key(8);
        dc.session.chain = chain_view();
        dc.connection = short_connection_limits();
        auto s = co_await dial_session(ex, server->enode(), dc);
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
        if (!s) co_return co_await stop_node(*server);
        EXPECT_EQ((*s)->version(), eth::EthVersion::kEth69);
        EXPECT_EQ((*s)->remote_status().latest, kChainLength - 1);
        EXPECT_EQ((*s)->remote_status().genesis_hash, chain.blocks[0].header.hash);
        auto h = co_await (*s)->get_headers({uint64_t{1}, 5, 0, false});
        EXPECT_TRUE(h.has_value() && h->size() == 5);
        // Invalid requests are refused locally.
        auto zero = co_await (*s)->get_headers({uint64_t{1}, 0, 0, false});
        EXPECT_EQ(zero.error(), PeerError::kInvalidRequest);
        auto none = co_await (*s)->get_bodies({});
        EXPECT_EQ(none.error(), PeerError::kInvalidRequest);
        (*s)->close(rlpx::DisconnectReason::kClientQuitting);
        co_await (*s)->wait_closed();
        EXPECT_TRUE(co_await eventually([&] { return server->peers().empty(); }));
        auto after = co_await (*s)->get_headers({uint64_t{1}, 5, 0, false});
        EXPECT_EQ(after.error(), PeerError::kSessionClosed);
        co_await stop_node(*server);
    });
}

TEST(Session, DialSessionToWrongChainFails) {
    auto provider = make_provider(10);
    run_scenario([&](Executor ex) -> Task<void> {
        auto server = start_node(ex, node_config(9, provider.get()));
        DialConfig dc;
        dc.node_key = test_key(10);
        dc.session.chain = chain_view();
        dc.session.chain.network_id += 1;
        dc.connection = short_connection_limits();
        auto s = co_await dial_session(ex, server->enode(), dc);
        EXPECT_FALSE(s.has_value());
        if (!s) {
            EXPECT_EQ(s.error(), eth::EthError::kNetworkIdMismatch);
        }
        co_await stop_node(*server);
    });
}

}  // namespace
}  // namespace hypasis::p2p::peers
