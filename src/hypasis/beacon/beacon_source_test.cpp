// The `beacon:` source end to end over HTTP: a local Beacon API server (127.0.0.1, port 0) serves helios's real
// mainnet data; the source bootstraps, catches up six periods, finalizes, persists, and attributes bad answers.
#include "hypasis/beacon/beacon_source.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "hypasis/beacon/test_api_server.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::beacon {
namespace {

constexpr std::string_view kRoot = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
constexpr uint64_t kNowSlot = 7109432;

struct Fixture {
    std::string bootstrap, updates, finality, optimistic;
    boost::json::value finalized_block;
};

class BeaconSourceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        const auto p = test::fixture("helios/ethereum/testdata/bootstrap.json", why);
        if (!p) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        const auto dir = p->parent_path();
        f_.bootstrap = test::read_file(dir / "bootstrap.json");
        f_.updates = test::read_file(dir / "updates.json");
        f_.finality = test::read_file(dir / "finality.json");
        f_.optimistic = test::read_file(dir / "optimistic.json");
        f_.finalized_block = test::read_json(dir / "blocks" / "7109344.json");
    }

    // A server with the real data at the routes the source will ask for.
    std::unique_ptr<testing::TestApiServer> good_server() {
        auto s = std::make_unique<testing::TestApiServer>(io_.get_executor());
        auto& r = s->routes();
        r["/eth/v1/beacon/light_client/bootstrap/" + std::string(kRoot)] = {200, f_.bootstrap, {}};
        r["/eth/v1/beacon/light_client/updates?start_period=862&count=6"] = {200, f_.updates, {}};
        r["/eth/v1/beacon/light_client/finality_update"] = {200, f_.finality, {}};
        r["/eth/v1/beacon/light_client/optimistic_update"] = {200, f_.optimistic, {}};
        s->start();
        return s;
    }

    BeaconSourceConfig config(std::vector<std::string> endpoints) {
        BeaconSourceConfig c;
        c.endpoints = std::move(endpoints);
        c.trusted_block_root = *fixed_from_hex<32>(kRoot);
        c.http.timeout = std::chrono::milliseconds(2000);
        const uint64_t now = c.chain.time_at_slot(kNowSlot);
        c.now = [now] { return now; };
        return c;
    }

    Expected<checkpoint::Checkpoint, SourceError> fetch(BeaconSource& source) {
        auto fut = boost::asio::co_spawn(io_, source.fetch(), boost::asio::use_future);
        io_.restart();
        while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io_.run_one();
        return fut.get();
    }

    void expect_helios_checkpoint(const checkpoint::Checkpoint& c) {
        const auto& payload = f_.finalized_block.at("data").at("message").at("body").at("execution_payload");
        EXPECT_EQ(c.chain_id, 1u);
        EXPECT_EQ(std::to_string(c.block_num), payload.at("block_number").as_string());
        EXPECT_EQ(to_hex(c.block_hash), payload.at("block_hash").as_string());
        EXPECT_EQ(to_hex(c.state_root), payload.at("state_root").as_string());
        EXPECT_EQ(std::to_string(c.timestamp), payload.at("timestamp").as_string());
    }

    boost::asio::io_context io_;
    Fixture f_;
};

TEST_F(BeaconSourceTest, EndToEndOverHttp) {
    auto server = good_server();
    BeaconSource source(config({server->url()}), nullptr);
    EXPECT_EQ(source.name(), "beacon:" + server->url());
    auto c = fetch(source);
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    expect_helios_checkpoint(*c);
    EXPECT_TRUE(source.faults().empty());

    const auto& v = source.validation();
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->finalized_slot, 7109344u);
    EXPECT_EQ(v->signature_slot, 7109431u);
    EXPECT_EQ(v->period, 867u);
    EXPECT_EQ(v->committee_size, 512u);
    EXPECT_GE(v->participants * 3, 512u * 2);
    auto rec = source.last_verified();
    ASSERT_TRUE(rec.has_value());
    EXPECT_EQ(rec->rule, checkpoint::QuorumRule::kEthSyncCommittee);
    EXPECT_EQ(rec->signers, v->participants);
    EXPECT_EQ(rec->validators, 512u);
    EXPECT_EQ(rec->checkpoint, *c);

    auto head = source.optimistic_head();
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->block_num, 17923113u);
}

TEST_F(BeaconSourceTest, GarbageAndSlowEndpointsAreAttributedAndSkipped) {
    auto good = good_server();
    testing::TestApiServer garbage(io_.get_executor());
    garbage.routes()["/eth/v1/beacon/light_client/bootstrap/" + std::string(kRoot)] = {200, "<html>nope", {}};
    garbage.start();
    testing::TestApiServer slow(io_.get_executor());
    slow.routes()["/eth/v1/beacon/light_client/bootstrap/" + std::string(kRoot)] = {
        200, f_.bootstrap, std::chrono::milliseconds(1500)};
    slow.start();

    auto cfg = config({garbage.url(), slow.url(), good->url()});
    cfg.http.timeout = std::chrono::milliseconds(300);
    BeaconSource source(cfg, nullptr);
    auto c = fetch(source);
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    expect_helios_checkpoint(*c);
    ASSERT_GE(source.faults().size(), 2u);
    EXPECT_EQ(source.faults()[0].endpoint, garbage.url());
    EXPECT_EQ(source.faults()[0].error.code, SourceErrc::kMalformed);
    EXPECT_EQ(source.faults()[1].endpoint, slow.url());
    EXPECT_EQ(source.faults()[1].error.code, SourceErrc::kTimeout);
}

TEST_F(BeaconSourceTest, AForgedFinalityUpdateIsRefusedAndAttributed) {
    auto good = good_server();
    // The liar serves everything right except a finality update with one signature bit flipped.
    auto liar = good_server();
    auto forged = boost::json::parse(f_.finality);
    auto& sig = forged.at("data").at("sync_aggregate").at("sync_committee_signature").as_string();
    sig[20] = sig[20] == 'a' ? 'b' : 'a';
    liar->routes()["/eth/v1/beacon/light_client/finality_update"] = {200, boost::json::serialize(forged), {}};

    BeaconSource source(config({liar->url(), good->url()}), nullptr);
    auto c = fetch(source);
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    expect_helios_checkpoint(*c);
    ASSERT_EQ(source.faults().size(), 1u);
    EXPECT_EQ(source.faults()[0].endpoint, liar->url());
    EXPECT_EQ(source.faults()[0].error.code, SourceErrc::kUnverified);
    EXPECT_NE(source.faults()[0].error.detail.find("signature"), std::string::npos) << source.faults()[0].error.detail;
    EXPECT_EQ(source.validation()->endpoint, good->url());
}

TEST_F(BeaconSourceTest, BootstrapNotMatchingTheTrustedRootIsRefused) {
    auto server = good_server();
    auto cfg = config({server->url()});
    cfg.trusted_block_root[0] ^= 1;
    // The server answers the real bootstrap for any root (a lying server).
    server->routes()["/eth/v1/beacon/light_client/bootstrap/" + to_hex(cfg.trusted_block_root)] = {200, f_.bootstrap,
                                                                                                     {}};
    BeaconSource source(cfg, nullptr);
    auto c = fetch(source);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, SourceErrc::kUnverified);
    EXPECT_NE(c.error().detail.find("trusted block root"), std::string::npos) << c.error().detail;
    EXPECT_EQ(source.client(), nullptr);
    EXPECT_FALSE(source.last_verified().has_value());
}

TEST_F(BeaconSourceTest, WeakSubjectivityAgeIsEnforcedUnlessAllowed) {
    auto server = good_server();
    auto cfg = config({server->url()});
    // Bootstrap slot 7069376 is ~5.6 days before kNowSlot; a 5-day bound refuses it.
    cfg.max_trusted_age = std::chrono::hours(24 * 5);
    BeaconSource strict(cfg, nullptr);
    auto c = fetch(strict);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, SourceErrc::kUnverified);
    EXPECT_NE(c.error().detail.find("weak-subjectivity"), std::string::npos) << c.error().detail;
    EXPECT_EQ(strict.client(), nullptr);

    cfg.allow_old_trusted_root = true;
    BeaconSource allowed(cfg, nullptr);
    auto ok = fetch(allowed);
    ASSERT_TRUE(ok.has_value()) << checkpoint::to_string(ok.error());
}

TEST_F(BeaconSourceTest, PersistsTheFinalizedRootAndRestartsFromIt) {
    const auto dir = std::filesystem::temp_directory_path() / ("hypasis-beacon-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto store = storage::BlockStore::open(dir);
    ASSERT_TRUE(store.has_value());
    auto server = good_server();
    {
        BeaconSource source(config({server->url()}), store->get());
        ASSERT_TRUE(fetch(source).has_value());
        const Hash finalized = source.validation()->finalized_root;
        auto rec = (*store)->get_record(as_bytes(BeaconSource::store_key(ChainConfig::mainnet())));
        ASSERT_TRUE(rec.has_value() && rec->has_value());
        EXPECT_EQ(to_fixed<32>(ByteView(**rec).first(32)), finalized);
    }
    // A restart with no trusted root at all asks for the bootstrap of the persisted finalized root.
    auto cfg = config({server->url()});
    cfg.trusted_block_root = Hash{};
    BeaconSource restarted(cfg, store->get());
    auto c = fetch(restarted);
    ASSERT_FALSE(c.has_value());  // the fixtures hold no bootstrap for that root: 404
    ASSERT_FALSE(restarted.faults().empty());
    EXPECT_EQ(restarted.faults()[0].error.code, SourceErrc::kHttpStatus);
    EXPECT_NE(restarted.faults()[0].error.detail.find("/bootstrap/0x"), std::string::npos);
    EXPECT_EQ(restarted.faults()[0].error.detail.find(std::string(kRoot)), std::string::npos);
    store->reset();
    std::filesystem::remove_all(dir);
}

TEST_F(BeaconSourceTest, NoEndpoints) {
    BeaconSource source(config({}), nullptr);
    auto c = fetch(source);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, SourceErrc::kBadUri);
}

}  // namespace
}  // namespace hypasis::beacon
