#include "hypasis/sync/forward_syncer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <iostream>

#include "hypasis/p2p/peers/test_harness.hpp"
#include "hypasis/storage/block_store/test_support.hpp"
#include "hypasis/sync/bootstrap.hpp"

namespace hypasis::sync {
namespace {

using namespace std::chrono_literals;
using p2p::peers::BlockProvider;
using p2p::peers::ChainHead;
using p2p::peers::MemoryBlockProvider;
using p2p::peers::PeerManager;
using p2p::peers::testing::test_chain;
namespace asio = boost::asio;
namespace ptest = p2p::peers::testing;

constexpr uint64_t kAnchor = 150;

/// Peers that announce every head change at once (the default eth/69 rate limit is one update per 12 s).
p2p::peers::PeerManagerConfig eager_config(uint8_t seed, BlockProvider* provider = nullptr) {
    auto c = ptest::node_config(seed, provider);
    c.session.range_update_blocks = 1;
    c.session.range_update_interval = 0ms;
    return c;
}

/// Blocks [from, end) of the test chain re-made on another branch (extra data "fork", parents relinked): the same
/// bodies and receipts, so every rule still passes, but other hashes.
std::vector<Block> make_fork(uint64_t from, uint64_t end) {
    std::vector<Block> out;
    Hash parent = test_chain().blocks[from - 1].header.hash;
    for (uint64_t n = from; n < end; ++n) {
        Block b = test_chain().blocks[n];
        BlockHeader h = b.header.header;
        h.parent_hash = parent;
        h.extra_data = Bytes{'f', 'o', 'r', 'k'};
        b.header = seal(h);
        parent = b.header.hash;
        out.push_back(std::move(b));
    }
    return out;
}

/// Stores the anchor block's header and the anchor record, as bootstrap does.
void anchor_store(storage::BlockStore& store, uint64_t n = kAnchor) {
    std::vector<SealedHeader> h{test_chain().blocks[n].header};
    ASSERT_TRUE(store.put_headers(h).has_value());
    ASSERT_TRUE(write_anchor(store, Anchor{n, test_chain().blocks[n].header.hash}).has_value());
}

Hash stored_hash(const storage::BlockStore& store, uint64_t n) {
    auto h = store.get_header(n);
    if (!h || !h->found()) return Hash{};
    return (*h)->hash;
}

/// A provider that serves a real chain but announces a head far above it, with a hash nobody has.
class LyingProvider final : public BlockProvider {
  public:
    explicit LyingProvider(std::unique_ptr<MemoryBlockProvider> inner) : inner_(std::move(inner)) {}
    ChainHead head() override {
        ChainHead h = inner_->head();
        h.latest += 1000;
        h.latest_hash.fill(0xee);
        return h;
    }
    std::optional<Bytes> header_rlp(uint64_t n) override { return inner_->header_rlp(n); }
    std::optional<uint64_t> block_number(const Hash& hash) override { return inner_->block_number(hash); }
    std::optional<Bytes> body_rlp(const Hash& hash) override { return inner_->body_rlp(hash); }
    std::optional<Bytes> receipts_rlp(const Hash& hash, ReceiptForm f) override {
        return inner_->receipts_rlp(hash, f);
    }

  private:
    std::unique_ptr<MemoryBlockProvider> inner_;
};

/// One syncing node (client PeerManager, store, budget, forward syncer) dialing the given servers.
struct Node {
    storage::testing::TempDir dir;
    std::unique_ptr<storage::BlockStore> store = storage::testing::open_store(dir.path());
    Budget budget{BudgetConfig{}};
    std::unique_ptr<PeerManager> client;
    std::unique_ptr<ForwardSyncer> syncer;
    bool finished{false};
    std::optional<std::pair<uint64_t, Hash>> trusted;
    std::function<void(uint64_t)> on_head;

    Task<void> start(Executor ex, const std::vector<PeerManager*>& servers, ForwardConfig config) {
        client = ptest::start_node(ex, eager_config(9));
        for (auto* s : servers) client->add_peer(s->enode());
        const std::size_t want = servers.size();
        EXPECT_TRUE(co_await ptest::eventually([&] { return client->peers().size() == want; }));
        syncer = std::make_unique<ForwardSyncer>(ex, *store, *client, budget, test_chain().spec, config);
        if (trusted) syncer->set_trusted_tip(trusted->first, trusted->second);
        if (on_head) syncer->set_head_changed(on_head);
        asio::co_spawn(ex, syncer->run(), [this](std::exception_ptr) { finished = true; });
    }
    Task<void> stop() {
        syncer->stop();
        EXPECT_TRUE(co_await ptest::eventually([&] { return finished; }, 10s));
        co_await ptest::stop_node(*client);
    }
    std::optional<uint64_t> head() const { return store->head(storage::DataKind::kHeaders); }
};

/// Every block in [first, end) is stored and equals `expected` (header, body and, in full mode, receipts).
void expect_stored(const storage::BlockStore& store, uint64_t first, uint64_t end,
                   const std::function<const Block&(uint64_t)>& expected, bool receipts) {
    for (uint64_t n = first; n < end; ++n) {
        auto b = store.get_block(n);
        ASSERT_TRUE(b.has_value() && b->found()) << "block " << n;
        EXPECT_EQ(**b, expected(n)) << "block " << n;
        if (receipts) {
            auto r = store.get_receipts(n);
            ASSERT_TRUE(r.has_value() && r->found()) << "receipts " << n;
            EXPECT_EQ(**r, test_chain().receipts[n]) << "receipts " << n;
        }
    }
}

TEST(ForwardSyncer, CatchesUpThenFollowsAGrowingChainWithinOneBlock) {
    std::vector<double> latencies_ms;
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            auto provider = ptest::make_provider(200);
            auto server = ptest::start_node(ex, eager_config(1, provider.get()));
            Node node;
            anchor_store(*node.store);
            uint64_t announced = 0;
            std::vector<PeerManager*> servers{server.get()};
            node.on_head = [&](uint64_t n) { announced = n; };
            co_await node.start(ex, servers, ForwardConfig{});
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(199); }, 10s));
            // The callback runs on the executor just after the write returns.
            EXPECT_TRUE(co_await ptest::eventually([&] { return announced == 199u; }, 2s));

            // The tip advances: one new block every 300 ms; each must be stored before the next one appears.
            for (uint64_t n = 200; n < 215; ++n) {
                provider->add(test_chain().blocks[n], test_chain().receipts[n]);
                const auto added = p2p::Clock::now();
                server->notify_head_changed();
                const bool stored =
                    co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(n); }, 2s);
                EXPECT_TRUE(stored) << "block " << n << " not stored";
                latencies_ms.push_back(std::chrono::duration<double, std::milli>(p2p::Clock::now() - added).count());
                co_await ptest::sleep_for(300ms - std::min<std::chrono::milliseconds>(
                                                      300ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                 p2p::Clock::now() - added)));
                EXPECT_LE(n - node.head().value_or(0), 1u);
            }
            const auto st = node.syncer->status();
            EXPECT_EQ(st.height, std::optional<uint64_t>(214));
            EXPECT_EQ(st.blocks, 64u);
            EXPECT_EQ(st.receipts, 64u);
            EXPECT_GT(st.requests, 0u);
            EXPECT_EQ(node.syncer->tip(), std::optional<uint64_t>(214));
            co_await node.stop();
            expect_stored(
                *node.store, kAnchor + 1, 215, [](uint64_t n) -> const Block& { return test_chain().blocks[n]; }, true);
            co_await ptest::stop_node(*server);
        },
        40s);
    ASSERT_FALSE(latencies_ms.empty());
    std::sort(latencies_ms.begin(), latencies_ms.end());
    std::cout << "[ forward ] block available at peer -> stored: p50 " << latencies_ms[latencies_ms.size() / 2]
              << " ms, max " << latencies_ms.back() << " ms over " << latencies_ms.size() << " blocks\n";
}

TEST(ForwardSyncer, ReorgInsideTheWindowIsAppliedAtomically) {
    const auto fork = make_fork(170, 186);  // blocks 170..185 of another branch
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            auto provider = ptest::make_provider(180);
            auto server = ptest::start_node(ex, eager_config(1, provider.get()));
            Node node;
            anchor_store(*node.store);
            std::vector<PeerManager*> servers{server.get()};
            co_await node.start(ex, servers, ForwardConfig{});
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(179); }, 10s));
            EXPECT_EQ(stored_hash(*node.store, 179), test_chain().blocks[179].header.hash);

            for (const auto& b : fork) provider->add(b, test_chain().receipts[b.header.header.number]);
            server->notify_head_changed();
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(185); }, 10s));
            co_await node.stop();
            expect_stored(
                *node.store, 170, 186, [&](uint64_t n) -> const Block& { return fork[n - 170]; }, true);
            expect_stored(
                *node.store, kAnchor + 1, 170, [](uint64_t n) -> const Block& { return test_chain().blocks[n]; }, true);
            // The old branch's hashes are gone from the index.
            auto old = node.store->get_header_by_hash(test_chain().blocks[175].header.hash);
            EXPECT_TRUE(old.has_value() && !old->found());
            co_await ptest::stop_node(*server);
        },
        30s);
}

TEST(ForwardSyncer, ReorgBelowTheWindowIsRefusedAndThePeerPenalised) {
    const auto fork = make_fork(160, 195);  // forks 20 blocks below the head, window 8
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            auto provider = ptest::make_provider(180);
            auto server = ptest::start_node(ex, eager_config(1, provider.get()));
            Node node;
            anchor_store(*node.store);
            std::vector<PeerManager*> servers{server.get()};
            ForwardConfig config;
            config.reorg_window = 8;
            co_await node.start(ex, servers, config);
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(179); }, 10s));

            for (const auto& b : fork) provider->add(b, test_chain().receipts[b.header.header.number]);
            server->notify_head_changed();
            const auto server_id = server->node_id();
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.client->reputation(server_id) < 0; }, 5s));
            co_await ptest::sleep_for(500ms);
            EXPECT_EQ(node.head(), std::optional<uint64_t>(179));
            co_await node.stop();
            expect_stored(
                *node.store, kAnchor + 1, 180, [](uint64_t n) -> const Block& { return test_chain().blocks[n]; }, true);
            co_await ptest::stop_node(*server);
        },
        30s);
}

TEST(ForwardSyncer, LyingPeerIsPenalisedWhileAnHonestOneCompletes) {
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            auto honest_provider = ptest::make_provider(220);
            LyingProvider lying_provider(ptest::make_provider(160));
            auto honest = ptest::start_node(ex, eager_config(1, honest_provider.get()));
            auto liar = ptest::start_node(ex, eager_config(2, &lying_provider));
            Node node;
            anchor_store(*node.store);
            std::vector<PeerManager*> servers{honest.get(), liar.get()};
            co_await node.start(ex, servers, ForwardConfig{});
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(219); }, 15s));
            const auto liar_id = liar->node_id();
            const auto honest_id = honest->node_id();
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.client->reputation(liar_id) < 0; }, 5s));
            EXPECT_GE(node.client->reputation(honest_id), 0);
            // The lie never became the tip: only validated headers count.
            EXPECT_EQ(node.syncer->tip(), std::optional<uint64_t>(219));
            co_await node.stop();
            expect_stored(
                *node.store, kAnchor + 1, 220, [](uint64_t n) -> const Block& { return test_chain().blocks[n]; }, true);
            co_await ptest::stop_node(*liar);
            co_await ptest::stop_node(*honest);
        },
        40s);
}

TEST(ForwardSyncer, HeaderBreakingARuleIsRefusedAndThePeerPenalised) {
    // Block 160 with a base fee one wei off (EIP-1559), resealed, and its children relinked to it: every hash links,
    // so only validate_header can tell.
    std::vector<Block> bad;
    Hash parent = test_chain().blocks[159].header.hash;
    for (uint64_t n = 160; n < 170; ++n) {
        Block b = test_chain().blocks[n];
        BlockHeader h = b.header.header;
        h.parent_hash = parent;
        if (n == 160) h.base_fee_per_gas = *h.base_fee_per_gas + U256{1};
        b.header = seal(h);
        parent = b.header.hash;
        bad.push_back(std::move(b));
    }
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            auto provider = ptest::make_provider(160);
            for (const auto& b : bad) provider->add(b, test_chain().receipts[b.header.header.number]);
            auto server = ptest::start_node(ex, eager_config(1, provider.get()));
            Node node;
            anchor_store(*node.store);
            std::vector<PeerManager*> servers{server.get()};
            co_await node.start(ex, servers, ForwardConfig{});
            const auto server_id = server->node_id();
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.client->reputation(server_id) < 0; }, 5s));
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(159); }, 5s));
            co_await ptest::sleep_for(300ms);
            EXPECT_EQ(node.head(), std::optional<uint64_t>(159));  // the valid prefix only
            co_await node.stop();
            expect_stored(
                *node.store, kAnchor + 1, 160, [](uint64_t n) -> const Block& { return test_chain().blocks[n]; }, true);
            co_await ptest::stop_node(*server);
        },
        30s);
}

TEST(ForwardSyncer, TrustedTipContradictionIsRefused) {
    const auto fork = make_fork(170, 190);
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            // The peer serves only the other branch above 169; the trusted tip names our branch's block 175.
            auto provider = ptest::make_provider(170);
            for (const auto& b : fork) provider->add(b, test_chain().receipts[b.header.header.number]);
            auto server = ptest::start_node(ex, eager_config(1, provider.get()));
            Node node;
            anchor_store(*node.store);
            std::vector<PeerManager*> servers{server.get()};
            node.trusted = std::make_pair(uint64_t{175}, test_chain().blocks[175].header.hash);
            co_await node.start(ex, servers, ForwardConfig{});
            EXPECT_TRUE(co_await ptest::eventually([&] { return node.head() == std::optional<uint64_t>(174); }, 10s));
            co_await ptest::sleep_for(500ms);
            EXPECT_EQ(node.head(), std::optional<uint64_t>(174));  // 175 of the other branch is refused
            EXPECT_LT(node.client->reputation(server->node_id()), 0);
            co_await node.stop();
            co_await ptest::stop_node(*server);
        },
        30s);
}

}  // namespace
}  // namespace hypasis::sync
