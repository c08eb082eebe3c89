// BackwardSyncer against real PeerManagers on 127.0.0.1 serving the generated test chain (p2p test harness), over
// a real BlockStore in a temporary directory. A recording decorator around the PeerManager counts and records
// requests; a small fake PeerService is used only where a fault must be injected precisely (empty answers).
#include "hypasis/sync/backward_syncer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "hypasis/p2p/peers/test_harness.hpp"
#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/block_store/test_support.hpp"
#include "hypasis/sync/budgeted_peers.hpp"

namespace hypasis::sync {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using p2p::peers::HeadersRequest;
using p2p::peers::MemoryBlockProvider;
using p2p::peers::Misbehaviour;
using p2p::peers::PeerId;
using p2p::peers::PeerInfo;
using p2p::peers::PeerManager;
using p2p::peers::PeerService;
using p2p::peers::testing::eventually;
using p2p::peers::testing::kChainLength;
using p2p::peers::testing::node_config;
using p2p::peers::testing::run_scenario;
using p2p::peers::testing::sleep_for;
using p2p::peers::testing::start_node;
using p2p::peers::testing::stop_node;
using p2p::peers::testing::test_chain;
using storage::BlockStore;
using storage::DataKind;
using storage::LookupStatus;
using storage::Range;

constexpr uint64_t kTop = kChainLength - 1;  // the trusted block the store starts with

// Forwards to a real PeerService, recording what was asked; optionally delays each request.
class RecordingPeers final : public PeerService {
  public:
    explicit RecordingPeers(PeerService& inner, std::chrono::milliseconds delay = 0ms) : inner_(inner), delay_(delay) {}

    std::vector<PeerInfo> peers() const override { return inner_.peers(); }
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId peer, HeadersRequest r) override {
        {
            std::lock_guard lock(mutex_);
            const uint64_t origin = std::get<uint64_t>(r.origin);
            headers_.push_back({peer, Range{origin + 1 - r.amount, origin + 1}});
            ++requests_;
        }
        if (delay_ > 0ms) co_await sleep_for(delay_);
        co_return co_await inner_.get_headers(peer, r);
    }
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId peer, std::vector<Hash> h) override {
        {
            std::lock_guard lock(mutex_);
            ++requests_;
        }
        if (delay_ > 0ms) co_await sleep_for(delay_);
        co_return co_await inner_.get_bodies(peer, std::move(h));
    }
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(PeerId peer,
                                                                                    std::vector<Hash> h) override {
        {
            std::lock_guard lock(mutex_);
            ++requests_;
        }
        if (delay_ > 0ms) co_await sleep_for(delay_);
        co_return co_await inner_.get_receipts(peer, std::move(h));
    }
    void report(const PeerId& peer, Misbehaviour what) override {
        {
            std::lock_guard lock(mutex_);
            reports_.emplace_back(peer, what);
        }
        inner_.report(peer, what);
    }

    std::vector<std::pair<PeerId, Range>> header_requests() const {
        std::lock_guard lock(mutex_);
        return headers_;
    }
    std::size_t requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    bool reported(const PeerId& peer, Misbehaviour what) const {
        std::lock_guard lock(mutex_);
        for (const auto& [p, w] : reports_) {
            if (p == peer && w == what) return true;
        }
        return false;
    }

  private:
    PeerService& inner_;
    std::chrono::milliseconds delay_;
    mutable std::mutex mutex_;
    std::vector<std::pair<PeerId, Range>> headers_;
    std::size_t requests_{0};
    std::vector<std::pair<PeerId, Misbehaviour>> reports_;
};

// Serving nodes and one client node, all on the scenario's io_context.
struct Net {
    std::vector<std::unique_ptr<MemoryBlockProvider>> providers;
    std::vector<std::unique_ptr<PeerManager>> servers;
    std::unique_ptr<PeerManager> client;

    Task<void> connect(std::size_t i) {
        client->add_peer(servers[i]->enode());
        const PeerId id = servers[i]->node_id();
        EXPECT_TRUE(co_await eventually([&] {
            for (const auto& p : client->peers()) {
                if (p.peer_id == id) return true;
            }
            return false;
        }));
    }
    Task<void> stop() {
        co_await stop_node(*client);
        for (auto& s : servers) co_await stop_node(*s);
    }
};

// Starts one server per provider and a client; connects the first `connected` servers.
Task<std::unique_ptr<Net>> start_net(std::vector<std::unique_ptr<MemoryBlockProvider>> providers,
                                     std::size_t connected) {
    auto ex = co_await asio::this_coro::executor;
    auto net = std::make_unique<Net>();
    net->providers = std::move(providers);
    uint8_t seed = 20;
    for (auto& p : net->providers) net->servers.push_back(start_node(ex, node_config(seed++, p.get())));
    net->client = start_node(ex, node_config(60));
    for (std::size_t i = 0; i < connected; ++i) co_await net->connect(i);
    co_return net;
}

std::vector<std::unique_ptr<MemoryBlockProvider>> honest(std::size_t n) {
    std::vector<std::unique_ptr<MemoryBlockProvider>> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(p2p::peers::testing::make_provider());
    return out;
}

BackwardConfig small_config(HistoryMode mode) {
    BackwardConfig c;
    c.mode = mode;
    c.initial_batch = 16;
    c.min_batch = 4;
    c.max_batch = 64;
    c.max_parallel_batches = 6;
    c.idle_poll = 20ms;
    c.failure_cooldown = 100ms;
    return c;
}

void seed_headers(BlockStore& store, uint64_t first, uint64_t end) {
    std::vector<SealedHeader> hs;
    for (uint64_t n = first; n < end; ++n) hs.push_back(test_chain().blocks[n].header);
    ASSERT_TRUE(store.put_headers(hs));
}

// Runs the syncer until it reports "done" (or `limit`), then stops it and waits for run() to return.
Task<bool> run_until_done(BackwardSyncer& s, std::chrono::milliseconds limit = 15s) {
    auto ex = co_await asio::this_coro::executor;
    bool finished = false;
    asio::co_spawn(ex, s.run(), [&](std::exception_ptr e) {
        finished = true;
        EXPECT_FALSE(e);
    });
    const bool done = co_await eventually([&] { return s.status().state == "done"; }, limit);
    s.stop();
    EXPECT_TRUE(co_await eventually([&] { return finished; }, 5s));
    co_return done;
}

Bytes receipts_bytes(const std::vector<Receipt>& r) { return encode_receipts(r, ReceiptForm::kEth68); }

// Every block in [first, end) is stored exactly as generated, for the kinds `mode` keeps (and only those).
void expect_stored(const BlockStore& store, uint64_t first, uint64_t end, HistoryMode mode) {
    const auto& c = test_chain();
    for (uint64_t n = first; n < end; ++n) {
        auto h = store.get_header(n);
        ASSERT_TRUE(h && h->found()) << "header " << n;
        ASSERT_EQ((*h)->rlp, c.blocks[n].header.rlp) << "header " << n;
        if (mode == HistoryMode::kHeaders) {
            EXPECT_NE(store.status(DataKind::kBodies, n), LookupStatus::kFound) << n;
        } else {
            auto b = store.get_block(n);
            ASSERT_TRUE(b && b->found()) << "block " << n;
            ASSERT_EQ(encode(**b), encode(c.blocks[n])) << "block " << n;
        }
        if (mode == HistoryMode::kFull) {
            auto r = store.get_receipts(n);
            ASSERT_TRUE(r && r->found()) << "receipts " << n;
            ASSERT_EQ(receipts_bytes(**r), receipts_bytes(c.receipts[n])) << "receipts " << n;
        } else {
            EXPECT_NE(store.status(DataKind::kReceipts, n), LookupStatus::kFound) << n;
        }
    }
}

class FillModes : public ::testing::TestWithParam<HistoryMode> {};

TEST_P(FillModes, FillsFromGenesisFromThreePeersByteForByte) {
    const HistoryMode mode = GetParam();
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, kTop, kTop + 1);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(3), 3);
        RecordingPeers rec(*net->client);
        BudgetedPeerService peers(rec, budget, Direction::kBackward);
        BackwardSyncer syncer(ex, *store, peers, budget, test_chain().spec, small_config(mode));
        EXPECT_EQ(syncer.gaps().size(), 1u);
        EXPECT_TRUE(co_await run_until_done(syncer));
        expect_stored(*store, 0, kTop, mode);
        if (mode != HistoryMode::kHeaders) expect_stored(*store, kTop, kTop + 1, mode);  // the seed's body too

        // Batches went to more than one peer.
        std::set<PeerId> used;
        for (const auto& [p, r] : rec.header_requests()) used.insert(p);
        EXPECT_GE(used.size(), 2u);
        // The decorator counted what went through it and charged the backward budget.
        const auto st = syncer.status();
        const auto counted = peers.counters();
        EXPECT_EQ(counted.requests, rec.requests());
        EXPECT_EQ(counted.requests, syncer.counters().requests);
        EXPECT_EQ(counted.bytes, syncer.counters().bytes);
        EXPECT_EQ(budget.bandwidth(Direction::kBackward).used, counted.bytes);
        EXPECT_EQ(budget.bandwidth(Direction::kForward).used, 0u);
        EXPECT_EQ(st.state, "done");
        EXPECT_EQ(st.blocks, kTop);
        EXPECT_EQ(st.bodies, mode == HistoryMode::kHeaders ? 0u : kTop + 1);
        EXPECT_EQ(st.receipts, mode == HistoryMode::kFull ? kTop + 1 : 0u);
        EXPECT_EQ(st.height, 0u);
        EXPECT_EQ(st.target, 0u);
        EXPECT_EQ(st.remaining, 0u);
        EXPECT_GT(budget.cpu(Direction::kBackward).used, 0u);
        EXPECT_TRUE(syncer.gaps().empty());
        // Once done, the rate falls instead of showing its last value forever (it did before a fix).
        if (st.blocks_per_second > 0) {
            co_await sleep_for(500ms);
            EXPECT_LT(syncer.status().blocks_per_second, st.blocks_per_second);
        }
        co_await net->stop();
    });
}

INSTANTIATE_TEST_SUITE_P(BackwardSyncer, FillModes,
                         ::testing::Values(HistoryMode::kHeaders, HistoryMode::kBodies, HistoryMode::kFull),
                         [](const auto& param_info) { return std::string(to_string(param_info.param)); });

TEST(BackwardSyncer, FillsSeveralHolesNewestFirst) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, 250, kTop + 1);
    seed_headers(*store, 100, 150);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(2), 2);
        RecordingPeers rec(*net->client);
        BackwardSyncer syncer(ex, *store, rec, budget, test_chain().spec, small_config(HistoryMode::kHeaders));
        const auto gaps = syncer.gaps();
        EXPECT_EQ(gaps.size(), 2u);
        if (gaps.size() == 2) {
            EXPECT_EQ(gaps[0].first, 150u);
            EXPECT_EQ(gaps[0].end, 250u);
            EXPECT_EQ(gaps[1].first, 0u);
            EXPECT_EQ(gaps[1].end, 100u);
        }
        EXPECT_TRUE(co_await run_until_done(syncer));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kHeaders);
        // Every request for the newer hole came before any request for the older one.
        const auto reqs = rec.header_requests();
        std::size_t last_new = 0, first_old = reqs.size();
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            const Range r = reqs[i].second;
            EXPECT_TRUE((r.first >= 150 && r.end <= 250) || r.end <= 100) << to_string(r);
            if (r.first >= 150) last_new = i;
            if (r.end <= 100 && first_old == reqs.size()) first_old = i;
        }
        EXPECT_LT(last_new, first_old);
        EXPECT_EQ(syncer.counters().headers, 200u);
        co_await net->stop();
    });
}

TEST(BackwardSyncer, ResumeOverTheSameStoreRefetchesNothingPresent) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, kTop, kTop + 1);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(2), 2);
        std::vector<Range> present;
        {
            RecordingPeers slow(*net->client, 20ms);
            BackwardSyncer first(ex, *store, slow, budget, test_chain().spec, small_config(HistoryMode::kHeaders));
            bool finished = false;
            asio::co_spawn(ex, first.run(), [&](std::exception_ptr) { finished = true; });
            EXPECT_TRUE(co_await eventually([&] { return first.counters().headers >= 100; }));
            first.stop();
            EXPECT_TRUE(co_await eventually([&] { return finished; }));
            present = store->tracker(DataKind::kHeaders).to_vector();
        }
        uint64_t have = 0;
        for (const Range r : present) have += r.size();
        EXPECT_GE(have, 101u);
        EXPECT_LT(have, kTop + 1);  // stopped part-way

        RecordingPeers rec(*net->client);
        BackwardSyncer second(ex, *store, rec, budget, test_chain().spec, small_config(HistoryMode::kHeaders));
        EXPECT_TRUE(co_await run_until_done(second));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kHeaders);
        for (const auto& [p, r] : rec.header_requests()) {
            for (const Range have_r : present) {
                EXPECT_TRUE(r.end <= have_r.first || r.first >= have_r.end)
                    << "refetched " << to_string(r) << " inside " << to_string(have_r);
            }
        }
        EXPECT_EQ(second.counters().headers, kTop + 1 - have);
        co_await net->stop();
    });
}

// A provider whose headers above genesis are altered (resealed): nothing it serves links.
std::unique_ptr<MemoryBlockProvider> unlinked_provider() {
    auto p = std::make_unique<MemoryBlockProvider>();
    const auto& c = test_chain();
    p->add(c.blocks[0], c.receipts[0]);
    for (std::size_t i = 1; i < kChainLength; ++i) {
        Block b = c.blocks[i];
        BlockHeader h = b.header.header;
        h.extra_data = Bytes{0xba, 0xd0};
        b.header = seal(h);
        p->add(b, c.receipts[i]);
    }
    return p;
}

// A provider with the right headers but each body swapped with its neighbour's.
std::unique_ptr<MemoryBlockProvider> wrong_bodies_provider() {
    auto p = std::make_unique<MemoryBlockProvider>();
    const auto& c = test_chain();
    for (std::size_t i = 0; i < kChainLength; ++i) {
        Block b = c.blocks[i];
        b.body = c.blocks[i + 1 < kChainLength ? i + 1 : 1].body;
        p->add(b, c.receipts[i]);
    }
    return p;
}

TEST(BackwardSyncer, UnlinkedHeadersAreReportedAndTheBatchCompletesFromAnHonestPeer) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, kTop, kTop + 1);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        std::vector<std::unique_ptr<MemoryBlockProvider>> providers;
        providers.push_back(unlinked_provider());
        providers.push_back(p2p::peers::testing::make_provider());
        auto net = co_await start_net(std::move(providers), 1);  // only the liar at first
        const PeerId liar = net->servers[0]->node_id();
        RecordingPeers rec(*net->client);
        BackwardSyncer syncer(ex, *store, rec, budget, test_chain().spec, small_config(HistoryMode::kHeaders));
        bool finished = false;
        asio::co_spawn(ex, syncer.run(), [&](std::exception_ptr) { finished = true; });
        EXPECT_TRUE(co_await eventually([&] { return rec.reported(liar, Misbehaviour::kInvalidData); }));
        EXPECT_EQ(store->status(DataKind::kHeaders, kTop - 1), LookupStatus::kMissingInGap);  // nothing accepted
        co_await net->connect(1);
        EXPECT_TRUE(co_await eventually([&] { return syncer.status().state == "done"; }, 15s));
        syncer.stop();
        EXPECT_TRUE(co_await eventually([&] { return finished; }));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kHeaders);
        EXPECT_GE(syncer.counters().rejected_batches, 1u);
        // The peer layer acted on the report: the liar lost reputation, or was disconnected and banned.
        EXPECT_TRUE(net->client->reputation(liar) < 0 || net->client->is_banned(liar));
        EXPECT_GE(net->client->stats().misbehaviours, 1u);
        co_await net->stop();
    });
}

TEST(BackwardSyncer, BodiesNotMatchingRootsAreReportedAndRefetched) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, 0, kTop + 1);  // headers done: only bodies are fetched
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        std::vector<std::unique_ptr<MemoryBlockProvider>> providers;
        providers.push_back(wrong_bodies_provider());
        providers.push_back(p2p::peers::testing::make_provider());
        auto net = co_await start_net(std::move(providers), 1);
        const PeerId liar = net->servers[0]->node_id();
        RecordingPeers rec(*net->client);
        BackwardSyncer syncer(ex, *store, rec, budget, test_chain().spec, small_config(HistoryMode::kBodies));
        bool finished = false;
        asio::co_spawn(ex, syncer.run(), [&](std::exception_ptr) { finished = true; });
        EXPECT_TRUE(co_await eventually([&] { return rec.reported(liar, Misbehaviour::kInvalidData); }));
        EXPECT_EQ(store->head(DataKind::kBodies), std::nullopt);  // nothing accepted from the liar
        co_await net->connect(1);
        EXPECT_TRUE(co_await eventually([&] { return syncer.status().state == "done"; }, 15s));
        syncer.stop();
        EXPECT_TRUE(co_await eventually([&] { return finished; }));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kBodies);
        EXPECT_GE(syncer.counters().rejected_batches, 1u);
        co_await net->stop();
    });
}

TEST(BackwardSyncer, PausedSyncerSendsNoRequests) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, kTop, kTop + 1);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(2), 2);
        RecordingPeers rec(*net->client, 30ms);
        auto cfg = small_config(HistoryMode::kHeaders);
        cfg.initial_batch = cfg.min_batch = cfg.max_batch = 8;
        cfg.max_parallel_batches = 2;
        BackwardSyncer syncer(ex, *store, rec, budget, test_chain().spec, cfg);
        syncer.pause();  // paused before it starts: nothing at all
        bool finished = false;
        asio::co_spawn(ex, syncer.run(), [&](std::exception_ptr) { finished = true; });
        co_await sleep_for(300ms);
        EXPECT_EQ(rec.requests(), 0u);
        EXPECT_EQ(syncer.status().state, "paused");
        syncer.resume();
        EXPECT_FALSE(syncer.paused());
        EXPECT_TRUE(co_await eventually([&] { return rec.requests() >= 6; }));
        syncer.pause();
        EXPECT_TRUE(syncer.paused());
        co_await sleep_for(200ms);  // requests in flight finish (and are stored)
        const std::size_t at_pause = rec.requests();
        const uint64_t stored_at_pause = syncer.counters().headers;
        co_await sleep_for(500ms);
        EXPECT_EQ(rec.requests(), at_pause);
        EXPECT_EQ(syncer.counters().headers, stored_at_pause);
        EXPECT_EQ(syncer.status().state, "paused");
        EXPECT_LT(stored_at_pause, kTop);
        syncer.resume();
        EXPECT_TRUE(co_await eventually([&] { return syncer.status().state == "done"; }, 15s));
        syncer.stop();
        EXPECT_TRUE(co_await eventually([&] { return finished; }));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kHeaders);
        co_await net->stop();
    });
}

TEST(BackwardSyncer, HistoryLimitIsRespected) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, kTop, kTop + 1);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(2), 2);
        RecordingPeers rec(*net->client);
        auto cfg = small_config(HistoryMode::kFull);
        cfg.history_limit = 120;
        BackwardSyncer syncer(ex, *store, rec, budget, test_chain().spec, cfg);
        EXPECT_TRUE(co_await run_until_done(syncer));
        expect_stored(*store, 120, kTop + 1, HistoryMode::kFull);
        EXPECT_EQ(store->status(DataKind::kHeaders, 119), LookupStatus::kMissingInGap);
        EXPECT_NE(store->status(DataKind::kBodies, 119), LookupStatus::kFound);
        EXPECT_NE(store->status(DataKind::kReceipts, 119), LookupStatus::kFound);
        for (const auto& [p, r] : rec.header_requests()) EXPECT_GE(r.first, 120u);
        EXPECT_EQ(syncer.status().target, 120u);
        EXPECT_EQ(syncer.status().height, 120u);
        co_await net->stop();
    });
}

TEST(BackwardSyncer, CorruptedRangeDroppedByTheStoreIsFetchedAgain) {
    storage::testing::TempDir dir;
    {
        auto store = storage::testing::open_store(dir.path());
        ASSERT_TRUE(store);
        seed_headers(*store, kTop, kTop + 1);
        Budget budget(BudgetConfig{});
        run_scenario([&](Executor ex) -> Task<void> {
            auto net = co_await start_net(honest(2), 2);
            BackwardSyncer syncer(ex, *store, *net->client, budget, test_chain().spec,
                                  small_config(HistoryMode::kHeaders));
            EXPECT_TRUE(co_await run_until_done(syncer));
            co_await net->stop();
        });
    }
    {
        // Damage rows 150..154 behind the store's back.
        auto raw = storage::testing::open_raw(dir.path());
        ASSERT_TRUE(raw);
        storage::WriteBatch b;
        for (uint64_t n = 150; n < 155; ++n) b.del(storage::Column::kHeaders, storage::schema::num_key(n));
        ASSERT_TRUE(raw->write(std::move(b), storage::Durability::kSync));
    }
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    for (uint64_t n = 150; n < 155; ++n) {
        auto r = store->get_header(n);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, storage::StoreErrc::kCorrupted);
    }
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(2), 2);
        RecordingPeers rec(*net->client);
        BackwardSyncer syncer(ex, *store, rec, budget, test_chain().spec, small_config(HistoryMode::kHeaders));
        const auto gaps = syncer.gaps();
        EXPECT_EQ(gaps.size(), 1u);
        if (!gaps.empty()) {
            EXPECT_EQ(gaps[0].first, 150u);
            EXPECT_EQ(gaps[0].end, 155u);
        }
        EXPECT_TRUE(co_await run_until_done(syncer));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kHeaders);
        EXPECT_EQ(syncer.counters().headers, 5u);
        for (const auto& [p, r] : rec.header_requests()) EXPECT_TRUE(r.first >= 150 && r.end <= 155) << to_string(r);
        co_await net->stop();
    });
}

// ---- precise fault injection: a fake PeerService ----

// Two fake peers serving the test chain from memory: `empty` claims the whole range (eth/69) but answers nothing.
class FakePeers final : public PeerService {
  public:
    FakePeers() {
        for (uint64_t n = 0; n < kChainLength; ++n) by_hash_[test_chain().blocks[n].header.hash] = n;
        empty_[0] = 0xee;
        good_[0] = 0x90;
    }
    std::vector<PeerInfo> peers() const override {
        std::vector<PeerInfo> out;
        for (const auto& id : {empty_, good_}) {
            PeerInfo p;
            p.peer_id = id;
            p.earliest = 0;
            p.latest = kTop;
            p.head_number = kTop;
            // The liar looks faster, so it is picked first.
            p.header_rate = id == empty_ ? 1e6 : 1;
            p.body_rate = p.receipt_rate = p.header_rate;
            out.push_back(p);
        }
        return out;
    }
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId peer, HeadersRequest r) override {
        ++calls;
        std::vector<SealedHeader> out;
        const uint64_t origin = std::get<uint64_t>(r.origin);
        if (peer == good_) {
            for (uint64_t i = 0; i < r.amount && i <= origin; ++i) out.push_back(test_chain().blocks[origin - i].header);
        }
        co_return out;
    }
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId peer, std::vector<Hash> h) override {
        ++calls;
        std::vector<BlockBody> out;
        if (peer == good_) {
            for (const auto& x : h) out.push_back(test_chain().blocks[by_hash_.at(x)].body);
        }
        co_return out;
    }
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(PeerId peer,
                                                                                    std::vector<Hash> h) override {
        ++calls;
        std::vector<std::vector<Receipt>> out;
        if (peer == good_) {
            for (const auto& x : h) out.push_back(test_chain().receipts[by_hash_.at(x)]);
        }
        co_return out;
    }
    void report(const PeerId& peer, Misbehaviour what) override { reports.emplace_back(peer, what); }

    PeerId empty_{}, good_{};
    std::map<Hash, uint64_t> by_hash_;
    std::size_t calls{0};
    std::vector<std::pair<PeerId, Misbehaviour>> reports;
};

// One peer serving the test chain from memory that answers `body_batches` bodies requests and then times out.
class StallingPeers final : public PeerService {
  public:
    explicit StallingPeers(std::size_t body_batches) : left_(body_batches) {
        for (uint64_t n = 0; n < kChainLength; ++n) by_hash_[test_chain().blocks[n].header.hash] = n;
        id_[0] = 0x51;
    }
    std::vector<PeerInfo> peers() const override {
        PeerInfo p;
        p.peer_id = id_;
        p.earliest = 0;
        p.latest = kTop;
        p.head_number = kTop;
        return {p};
    }
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId, HeadersRequest) override {
        co_return unexpected(make_error_code(p2p::peers::PeerError::kTimeout));
    }
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId, std::vector<Hash> h) override {
        if (left_ == 0) co_return unexpected(make_error_code(p2p::peers::PeerError::kTimeout));
        --left_;
        std::vector<BlockBody> out;
        for (const auto& x : h) out.push_back(test_chain().blocks[by_hash_.at(x)].body);
        served += out.size();
        co_return out;
    }
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(PeerId,
                                                                                    std::vector<Hash>) override {
        co_return unexpected(make_error_code(p2p::peers::PeerError::kTimeout));
    }
    void report(const PeerId&, Misbehaviour) override {}
    bool stalled() const { return left_ == 0; }
    uint64_t served{0};  ///< Bodies answered.

  private:
    PeerId id_{};
    std::map<Hash, uint64_t> by_hash_;
    std::size_t left_;
};

// Once the headers are complete, gaps() describes the bodies pass: its kind and an ETA at the bodies rate (it
// used to report header gaps only, so later passes showed no per-gap progress).
TEST(BackwardSyncer, GapsFollowThePassUnderWayWithItsKindAndEta) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, 0, kTop + 1);  // every header, no body
    Budget budget(BudgetConfig{});
    StallingPeers peers(3);
    run_scenario([&](Executor ex) -> Task<void> {
        BackwardSyncer syncer(ex, *store, peers, budget, test_chain().spec, small_config(HistoryMode::kBodies));
        auto before = syncer.gaps();
        EXPECT_EQ(before.size(), 1u);
        if (!before.empty()) {
            EXPECT_EQ(before[0].kind, DataKind::kBodies);
            EXPECT_EQ(before[0].first, 0u);
            EXPECT_EQ(before[0].end, kTop + 1);
            EXPECT_FALSE(before[0].eta_seconds.has_value());  // no rate yet
        }
        bool finished = false;
        asio::co_spawn(ex, syncer.run(), [&](std::exception_ptr e) {
            finished = true;
            EXPECT_FALSE(e);
        });
        // Three batches stored, then the peer stalls: the rest is a bodies gap with an ETA.
        const bool stored = co_await eventually(
            [&] { return peers.stalled() && syncer.counters().bodies == peers.served; }, 10s);
        EXPECT_TRUE(stored) << syncer.counters().bodies << " bodies, " << syncer.counters().requests << " requests";
        const auto during = syncer.gaps();
        EXPECT_FALSE(during.empty());
        uint64_t missing = 0;
        for (const auto& g : during) {
            EXPECT_EQ(g.kind, DataKind::kBodies);
            EXPECT_TRUE(g.eta_seconds.has_value() && *g.eta_seconds > 0) << g.first;
            missing += g.end - g.first;
        }
        EXPECT_EQ(missing, kTop + 1 - syncer.counters().bodies);
        syncer.stop();
        EXPECT_TRUE(co_await eventually([&] { return finished; }, 5s));
    });
}

TEST(BackwardSyncer, EmptyAnswersForAClaimedRangeArePenalisedAndOthersServe) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    seed_headers(*store, kTop, kTop + 1);
    Budget budget(BudgetConfig{});
    FakePeers fake;
    run_scenario([&](Executor ex) -> Task<void> {
        BackwardSyncer syncer(ex, *store, fake, budget, test_chain().spec, small_config(HistoryMode::kFull));
        EXPECT_TRUE(co_await run_until_done(syncer));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kFull);
        std::size_t useless = 0;
        for (const auto& [p, w] : fake.reports) {
            EXPECT_EQ(p, fake.empty_);
            EXPECT_EQ(w, Misbehaviour::kUselessResponse);
            ++useless;
        }
        EXPECT_GE(useless, 1u);  // tried first (it looks fastest), then avoided while cooling down
        EXPECT_GE(syncer.status().failed_requests, useless);
    });
}

TEST(BackwardSyncer, WaitsWithoutPeersAndIdlesWithoutAStore) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    Budget budget(BudgetConfig{});
    run_scenario([&](Executor ex) -> Task<void> {
        auto net = co_await start_net(honest(1), 0);
        BackwardSyncer syncer(ex, *store, *net->client, budget, test_chain().spec, small_config(HistoryMode::kFull));
        bool finished = false;
        asio::co_spawn(ex, syncer.run(), [&](std::exception_ptr) { finished = true; });
        EXPECT_TRUE(co_await eventually([&] { return syncer.status().state == "idle"; }));
        seed_headers(*store, kTop, kTop + 1);  // anchored, but no peer
        EXPECT_TRUE(co_await eventually([&] { return syncer.status().state == "waiting"; }));
        EXPECT_GT(syncer.status().remaining, 0u);
        co_await net->connect(0);
        EXPECT_TRUE(co_await eventually([&] { return syncer.status().state == "done"; }, 15s));
        syncer.stop();
        EXPECT_TRUE(co_await eventually([&] { return finished; }));
        expect_stored(*store, 0, kTop + 1, HistoryMode::kFull);
        co_await net->stop();
    });
}

}  // namespace
}  // namespace hypasis::sync
