#include "hypasis/sync/engine.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <iostream>

#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/p2p/peers/test_harness.hpp"
#include "hypasis/storage/block_store/test_support.hpp"

namespace hypasis::sync {
namespace {

using namespace std::chrono_literals;
using p2p::peers::PeerManager;
using p2p::peers::testing::test_chain;
namespace asio = boost::asio;
namespace ptest = p2p::peers::testing;
namespace ctest = checkpoint::testing;

constexpr uint64_t kAnchor = 200;
constexpr uint64_t kServed = 260;  // blocks [0, kServed) are served at start; the tip then grows

p2p::peers::PeerManagerConfig eager_config(uint8_t seed, p2p::peers::BlockProvider* provider = nullptr) {
    auto c = ptest::node_config(seed, provider);
    c.session.range_update_blocks = 1;
    c.session.range_update_interval = 0ms;
    return c;
}

// Not built inside a coroutine: GCC 12 rejects initializer lists there ("array used as initializer").
checkpoint::ValidatorSet validators() {
    return ctest::ecdsa_set({U256{1}, U256{1}, U256{1}}, checkpoint::QuorumRule::kGeneric,
                            test_chain().spec.chain_id());
}

class FixedSource final : public checkpoint::CheckpointSource {
  public:
    explicit FixedSource(checkpoint::Checkpoint c) : c_(std::move(c)) {}
    const std::string& name() const noexcept override { return name_; }
    Task<Expected<checkpoint::Checkpoint, checkpoint::SourceError>> fetch() override { co_return c_; }

  private:
    std::string name_{"test:fixed"};
    checkpoint::Checkpoint c_;
};

/// Two servers sharing one growing chain, a client node, a store, and the engine once anchored.
struct World {
    std::unique_ptr<p2p::peers::MemoryBlockProvider> provider = ptest::make_provider(kServed);
    std::unique_ptr<PeerManager> server_a;
    std::unique_ptr<PeerManager> server_b;
    std::unique_ptr<PeerManager> client;
    storage::testing::TempDir dir;
    std::unique_ptr<storage::BlockStore> store = storage::testing::open_store(dir.path());
    std::unique_ptr<SyncEngine> engine;
    bool finished{false};

    /// Starts the network and bootstraps for real: verify the checkpoint, fetch and check its header, anchor.
    Task<bool> start(Executor ex, bool paused, double bytes_per_second = 0) {
        server_a = ptest::start_node(ex, eager_config(1, provider.get()));
        server_b = ptest::start_node(ex, eager_config(2, provider.get()));
        client = ptest::start_node(ex, eager_config(3));
        client->add_peer(server_a->enode());
        client->add_peer(server_b->enode());
        EXPECT_TRUE(co_await ptest::eventually([&] { return client->peers().size() == 2; }));

        const auto set = validators();
        const SealedHeader& h = test_chain().blocks[kAnchor].header;
        checkpoint::Checkpoint c;
        c.chain_id = test_chain().spec.chain_id();
        c.block_num = kAnchor;
        c.block_hash = h.hash;
        c.state_root = h.header.state_root;
        c.timestamp = h.header.timestamp;
        ctest::sign_ecdsa(c, ctest::first(3));
        FixedSource source(c);
        auto verified = co_await fetch_verified_checkpoint(source, set);
        EXPECT_TRUE(verified.has_value());
        if (!verified) co_return false;
        AnchorOptions options;
        auto anchor = co_await anchor_checkpoint(*store, *client, *verified, p2p::Clock::now() + 5s, options);
        EXPECT_TRUE(anchor.has_value()) << (anchor ? "" : to_string(anchor.error()));
        if (!anchor) co_return false;

        EngineConfig config;
        config.backward.idle_poll = 50ms;
        config.budget.total_bytes_per_second = bytes_per_second;
        engine = std::make_unique<SyncEngine>(ex, *store, *client, test_chain().spec, *anchor, config);
        if (paused) engine->pause_backward();
        engine->set_head_changed([](uint64_t) {});
        asio::co_spawn(ex, engine->run(), [this](std::exception_ptr e) {
            EXPECT_FALSE(e) << "engine run threw";
            finished = true;
        });
        co_return true;
    }

    /// Adds block n to the served chain and announces it.
    void grow(uint64_t n) {
        provider->add(test_chain().blocks[n], test_chain().receipts[n]);
        server_a->notify_head_changed();
        server_b->notify_head_changed();
    }

    std::optional<uint64_t> head() const { return store->head(storage::DataKind::kHeaders); }

    bool history_complete() const {
        const storage::Range below{0, kAnchor + 1};
        return store->gaps(storage::DataKind::kHeaders, below).empty() &&
               store->gaps(storage::DataKind::kBodies, below).empty() &&
               store->gaps(storage::DataKind::kReceipts, below).empty();
    }

    Task<void> stop() {
        engine->stop();
        EXPECT_TRUE(co_await ptest::eventually([&] { return finished; }, 10s));
        co_await ptest::stop_node(*client);
        co_await ptest::stop_node(*server_b);
        co_await ptest::stop_node(*server_a);
    }
};

/// Every block of [0, end) is stored, equal to the generated chain, with its receipts.
void expect_chain(const storage::BlockStore& store, uint64_t end) {
    for (uint64_t n = 0; n < end; ++n) {
        auto b = store.get_block(n);
        ASSERT_TRUE(b.has_value() && b->found()) << "block " << n;
        EXPECT_EQ(**b, test_chain().blocks[n]) << "block " << n;
        auto r = store.get_receipts(n);
        ASSERT_TRUE(r.has_value() && r->found()) << "receipts " << n;
        EXPECT_EQ(**r, test_chain().receipts[n]) << "receipts " << n;
    }
}

TEST(SyncEngine, ForwardFollowsTheTipWhileBackwardFillsHistory) {
    constexpr uint64_t kEnd = 280;
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            World w;
            // A tight link (100 kB/s, 70/30): history takes seconds to fill, so both directions overlap.
            if (!co_await w.start(ex, false, 100'000)) co_return;
            EXPECT_TRUE(
                co_await ptest::eventually([&] { return w.head() == std::optional<uint64_t>(kServed - 1); }, 10s));
            auto st = w.engine->status();
            EXPECT_EQ(st.phase, Phase::kRunning);
            EXPECT_TRUE(st.ready);
            EXPECT_EQ(st.anchor_number, std::optional<uint64_t>(kAnchor));
            EXPECT_EQ(st.history_mode, "full");

            // The tip advances every 300 ms while the backward side works; forward keeps within one block.
            uint64_t worst_lag = 0;
            bool backward_busy_during_tip = false;
            for (uint64_t n = kServed; n < kEnd; ++n) {
                w.grow(n);
                if (!w.history_complete()) backward_busy_during_tip = true;
                const auto added = p2p::Clock::now();
                EXPECT_TRUE(co_await ptest::eventually([&] { return w.head() == std::optional<uint64_t>(n); }, 2s))
                    << "block " << n;
                const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(p2p::Clock::now() - added);
                if (spent < 300ms) co_await ptest::sleep_for(300ms - spent);
                worst_lag = std::max(worst_lag, n - w.head().value_or(0));
            }
            EXPECT_LE(worst_lag, 1u);
            EXPECT_TRUE(backward_busy_during_tip);
            EXPECT_TRUE(co_await ptest::eventually([&] { return w.history_complete(); }, 20s));

            st = w.engine->status();
            EXPECT_EQ(st.forward.height, std::optional<uint64_t>(kEnd - 1));
            EXPECT_EQ(st.tip_number, std::optional<uint64_t>(kEnd - 1));
            EXPECT_EQ(st.tip_lag_blocks, 0u);
            EXPECT_GT(st.tip_lag_seconds, 0.0);  // the generated chain's timestamps are in the past
            EXPECT_EQ(st.forward.blocks, kEnd - 1 - kAnchor);
            EXPECT_GT(st.forward.requests, 0u);
            EXPECT_GT(st.forward.bytes, 0u);
            EXPECT_GT(st.backward.requests, 0u);
            EXPECT_GT(st.backward.bytes, 0u);
            EXPECT_TRUE(st.gaps.empty());
            EXPECT_GT(st.forward.bandwidth.used, 0u);
            EXPECT_GT(st.backward.bandwidth.used, 0u);
            std::cout << "[ engine ] 100 kB/s link: forward " << st.forward.bandwidth.used << " B, backward "
                      << st.backward.bandwidth.used << " B (borrowed " << st.backward.bandwidth.borrowed
                      << "), worst tip lag " << worst_lag << " block(s)\n";
            co_await w.stop();
            EXPECT_EQ(w.engine->status().phase, Phase::kStopping);
            expect_chain(*w.store, kEnd);
        },
        60s);
}

TEST(SyncEngine, PausedBackwardMakesNoRequestsWhileForwardContinues) {
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            World w;
            if (!co_await w.start(ex, true)) co_return;
            EXPECT_TRUE(
                co_await ptest::eventually([&] { return w.head() == std::optional<uint64_t>(kServed - 1); }, 10s));
            for (uint64_t n = kServed; n < kServed + 5; ++n) {
                w.grow(n);
                EXPECT_TRUE(co_await ptest::eventually([&] { return w.head() == std::optional<uint64_t>(n); }, 2s));
            }
            auto st = w.engine->status();
            EXPECT_TRUE(st.backward_paused);
            EXPECT_EQ(st.backward.requests, 0u);
            EXPECT_EQ(w.engine->backward_counters().requests, 0u);
            EXPECT_EQ(w.store->status(storage::DataKind::kHeaders, kAnchor - 1), storage::LookupStatus::kMissingInGap);
            EXPECT_GT(st.forward.requests, 0u);

            w.engine->resume_backward();
            EXPECT_TRUE(co_await ptest::eventually([&] { return w.history_complete(); }, 20s));
            EXPECT_GT(w.engine->status().backward.requests, 0u);
            EXPECT_FALSE(w.engine->status().backward_paused);

            // Paused again: requests stop growing once those in flight are done, forward still moves.
            w.engine->pause_backward();
            co_await ptest::sleep_for(300ms);
            const uint64_t before = w.engine->status().backward.requests;
            for (uint64_t n = kServed + 5; n < kServed + 8; ++n) {
                w.grow(n);
                EXPECT_TRUE(co_await ptest::eventually([&] { return w.head() == std::optional<uint64_t>(n); }, 2s));
            }
            co_await ptest::sleep_for(300ms);
            EXPECT_EQ(w.engine->status().backward.requests, before);
            co_await w.stop();
            expect_chain(*w.store, kServed + 8);
        },
        60s);
}

// Regression (CI, e2e.sync.pause): on a tight link backward requests queue for bandwidth before they go out; a
// pause used to let those queued requests leave afterwards, seconds into the pause.
TEST(SyncEngine, PauseHoldsRequestsStillWaitingForBandwidth) {
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            World w;
            // 100 kB/s, backward 30 kB/s, bucket 64 KiB: the 200 headers put backward in debt, so its first bodies
            // request waits for tokens (about a second); pause while it waits.
            if (!co_await w.start(ex, false, 100'000)) co_return;
            EXPECT_TRUE(co_await ptest::eventually(
                [&] { return w.engine->status().backward.bandwidth.waits > 0; }, 10s));
            w.engine->pause_backward();
            const uint64_t at_pause = w.engine->status().backward.requests;
            co_await ptest::sleep_for(3s);
            const auto st = w.engine->status();
            EXPECT_EQ(st.backward.requests, at_pause) << "requests left the budget queue while paused";
            EXPECT_EQ(st.backward.state, "paused");
            EXPECT_EQ(st.backward.failed_requests, 0u) << "a held request is not a failed one";

            w.engine->resume_backward();
            EXPECT_TRUE(co_await ptest::eventually(
                [&] { return w.engine->status().backward.requests > at_pause; }, 20s));
            co_await w.stop();
        },
        60s);
}

// Regression: stop() used to wait for every request still queued for bandwidth, tens of seconds on a slow link.
TEST(SyncEngine, StopDoesNotWaitForBandwidth) {
    ptest::run_scenario(
        [&](Executor ex) -> Task<void> {
            World w;
            // 20 kB/s, backward 6 kB/s: the headers' debt alone takes ~10 s to repay.
            if (!co_await w.start(ex, false, 20'000)) co_return;
            EXPECT_TRUE(co_await ptest::eventually(
                [&] { return w.engine->status().backward.bandwidth.waits > 0; }, 10s));
            w.engine->stop();
            EXPECT_TRUE(co_await ptest::eventually([&] { return w.finished; }, 2s)) << "stop waited for bandwidth";
            co_await w.stop();
        },
        60s);
}

TEST(SyncEngine, EmptyStoreFailsWithAReason) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    ptest::run_scenario([&](Executor ex) -> Task<void> {
        auto client = ptest::start_node(ex, eager_config(7));
        SyncEngine engine(ex, *store, *client, test_chain().spec, Anchor{}, EngineConfig{});
        co_await engine.run();
        const auto st = engine.status();
        EXPECT_EQ(st.phase, Phase::kFailed);
        EXPECT_FALSE(st.ready);
        EXPECT_FALSE(st.error.empty());
        co_await ptest::stop_node(*client);
    });
}

}  // namespace
}  // namespace hypasis::sync
