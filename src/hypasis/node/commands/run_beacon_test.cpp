// `hypasis run --checkpoint beacon:URL --trusted-root ROOT`, in process: a local Beacon API server (127.0.0.1, port
// 0) serves helios's real mainnet light-client data; run verifies the finalized execution block with the light
// client, logs it, keeps the finalized root in the new datadir, and then (no peer serves mainnet here) stops at the
// bootstrap deadline naming that block. A tampered finality update stops start-up before any datadir exists.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <thread>

#include "hypasis/beacon/beacon_source.hpp"
#include "hypasis/beacon/test_api_server.hpp"
#include "hypasis/core/common/log.hpp"
#include "hypasis/node/commands/datadir.hpp"
#include "hypasis/node/commands/run_command.hpp"
#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

constexpr std::string_view kRoot = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
constexpr uint64_t kNowSlot = 7109432;

class RunBeaconTest : public testing::StoreCommandTest {
  protected:
    void SetUp() override {
        StoreCommandTest::SetUp();
        std::string why;
        const auto p = test::fixture("helios/ethereum/testdata/bootstrap.json", why);
        if (!p) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        const auto dir = p->parent_path();
        bootstrap_ = test::read_file(dir / "bootstrap.json");
        updates_ = test::read_file(dir / "updates.json");
        finality_ = test::read_file(dir / "finality.json");
        optimistic_ = test::read_file(dir / "optimistic.json");
        const auto block = test::read_json(dir / "blocks" / "7109344.json");
        const auto& payload = block.at("data").at("message").at("body").at("execution_payload");
        block_number_ = std::string(payload.at("block_number").as_string());
        block_hash_ = std::string(payload.at("block_hash").as_string());
    }

    void TearDown() override {
        // Stop the server's thread first: the server is then destroyed while nothing runs its handlers (as the
        // beacon module's tests do), and its pending coroutines go with io_.
        work_.reset();
        io_.stop();
        if (io_thread_.joinable()) io_thread_.join();
        server_.reset();
        StoreCommandTest::TearDown();
    }

    /// Starts the server on its own thread with the helios routes; `finality` replaces the finality update.
    void serve(const std::string& finality) {
        server_ = std::make_unique<beacon::testing::TestApiServer>(io_.get_executor());
        auto& r = server_->routes();
        r["/eth/v1/beacon/light_client/bootstrap/" + std::string(kRoot)] = {200, bootstrap_, {}};
        r["/eth/v1/beacon/light_client/updates?start_period=862&count=6"] = {200, updates_, {}};
        r["/eth/v1/beacon/light_client/finality_update"] = {200, finality, {}};
        r["/eth/v1/beacon/light_client/optimistic_update"] = {200, optimistic_, {}};
        server_->start();
        io_thread_ = std::thread([this] { io_.run(); });
    }

    RunOptions options() const {
        RunOptions o;
        o.datadir = datadir_;
        o.chain.chain = "mainnet";
        o.port = 0;
        o.no_discovery = true;
        o.no_api = true;
        o.checkpoint = "beacon:" + server_->url();
        o.trusted_root = std::string(kRoot);
        o.allow_stale_checkpoint = true;  // the fixture is from 2023
        o.beacon_now = beacon::ChainConfig::mainnet().time_at_slot(kNowSlot);
        o.bootstrap_timeout = 1;
        o.scrub_rate = 0;
        return o;
    }

    /// run_node with its streams captured; its log lines go to its err stream.
    testing::Outcome run(const RunOptions& o, std::string& logs) {
        RunHooks hooks;
        hooks.handle_signals = false;
        auto outcome = testing::capture([&](std::FILE* out, std::FILE* err) { return run_node(o, out, err, hooks); });
        log::set_options(log::Options{});  // run pointed the log at its err stream, now closed
        logs = outcome.err;
        return outcome;
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    std::thread io_thread_;
    std::unique_ptr<beacon::testing::TestApiServer> server_;
    std::string bootstrap_, updates_, finality_, optimistic_;
    std::string block_number_, block_hash_;
};

TEST_F(RunBeaconTest, VerifiesTheFinalizedBlockAndKeepsTheRootInTheDatadir) {
    serve(finality_);
    std::string logs;
    const auto r = run(options(), logs);
    // Verified by the sync committee, logged once, with the counts of that rule.
    std::size_t verified_lines = 0;
    for (std::size_t at = logs.find("msg=\"checkpoint verified\""); at != std::string::npos;
         at = logs.find("msg=\"checkpoint verified\"", at + 1)) {
        ++verified_lines;
    }
    EXPECT_EQ(verified_lines, 1u) << logs;
    EXPECT_NE(logs.find("block=" + block_number_), std::string::npos) << logs;
    EXPECT_NE(logs.find("rule=eth-sync-committee"), std::string::npos) << logs;
    EXPECT_NE(logs.find("validators=512"), std::string::npos) << logs;
    // No peer serves mainnet here: bootstrap stops at its deadline, naming the verified block.
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(logs.find("no peer served header " + block_hash_ + " of block " + block_number_), std::string::npos)
        << logs;
    // The light client's finalized root went into the new datadir (a restart resumes from it).
    auto store = open_block_store(datadir_, StoreAccess::kExisting);
    ASSERT_TRUE(store) << store.error();
    const std::string key = beacon::BeaconSource::store_key(beacon::ChainConfig::mainnet());
    auto rec = (*store)->get_record(ByteView(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
    ASSERT_TRUE(rec.has_value());
    EXPECT_TRUE(rec->has_value()) << "no " << key << " record";
}

TEST_F(RunBeaconTest, ATamperedFinalityUpdateStopsStartUpAndCreatesNothing) {
    // Another signature: still a valid encoding, but not the committee's.
    std::string tampered = finality_;
    const auto at = tampered.find("\"sync_committee_signature\"");
    ASSERT_NE(at, std::string::npos);
    const auto hex = tampered.find("0x", at);
    ASSERT_NE(hex, std::string::npos);
    const auto sig = finality_.substr(hex, 2 + 192);
    const auto other = updates_.find("\"sync_committee_signature\"");
    ASSERT_NE(other, std::string::npos);
    tampered.replace(hex, sig.size(), updates_.substr(updates_.find("0x", other), 2 + 192));
    ASSERT_NE(tampered, finality_);
    serve(tampered);
    std::string logs;
    const auto r = run(options(), logs);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("was refused"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(datadir_)) << "a refused checkpoint must leave nothing behind";
    EXPECT_EQ(logs.find("msg=\"checkpoint verified\""), std::string::npos) << logs;
}

TEST_F(RunBeaconTest, BeaconOptionsAreCheckedBeforeAnythingIsWritten) {
    serve(finality_);
    std::string logs;
    auto o = options();
    o.trusted_root.clear();
    auto r = run(o, logs);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("needs --trusted-root"), std::string::npos) << r.err;
    o = options();
    o.validators = "validators.json";
    r = run(o, logs);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--validators is not used with a beacon: source"), std::string::npos) << r.err;
    o = options();
    o.chain.chain = "sepolia";
    r = run(o, logs);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("Ethereum mainnet's beacon chain"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(datadir_));
}

}  // namespace
}  // namespace hypasis::node
