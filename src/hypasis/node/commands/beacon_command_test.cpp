// `hypasis checkpoint beacon` against a local Beacon API server (its own thread) serving helios's mainnet data.
#include "hypasis/node/commands/beacon_command.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "hypasis/beacon/chain_config.hpp"
#include "hypasis/beacon/test_api_server.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::node {
namespace {

constexpr const char* kRoot = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";

std::string slurp(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) s.append(buf, n);
    return s;
}

class BeaconCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        const auto p = test::fixture("helios/ethereum/testdata/bootstrap.json", why);
        if (!p) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        const auto dir = p->parent_path();
        server_ = std::make_unique<beacon::testing::TestApiServer>(io_.get_executor());
        auto& r = server_->routes();
        r[std::string("/eth/v1/beacon/light_client/bootstrap/") + kRoot] = {200, test::read_file(dir / "bootstrap.json"),
                                                                             {}};
        r["/eth/v1/beacon/light_client/updates?start_period=862&count=6"] = {200, test::read_file(dir / "updates.json"),
                                                                              {}};
        r["/eth/v1/beacon/light_client/finality_update"] = {200, test::read_file(dir / "finality.json"), {}};
        r["/eth/v1/beacon/light_client/optimistic_update"] = {200, test::read_file(dir / "optimistic.json"), {}};
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
        out_ = std::tmpfile();
        err_ = std::tmpfile();
    }
    void TearDown() override {
        if (thread_.joinable()) {
            io_.stop();
            thread_.join();
        }
        if (out_) std::fclose(out_);
        if (err_) std::fclose(err_);
    }
    BeaconCheckpointOptions options() {
        BeaconCheckpointOptions o;
        o.api = {server_->url()};
        o.trusted_root = kRoot;
        o.now = beacon::ChainConfig::mainnet().time_at_slot(7109432);
        return o;
    }

    boost::asio::io_context io_;
    std::unique_ptr<beacon::testing::TestApiServer> server_;
    std::thread thread_;
    std::FILE* out_{nullptr};
    std::FILE* err_{nullptr};
};

TEST_F(BeaconCommandTest, PrintsTheVerifiedFinalizedCheckpointAsJson) {
    auto o = options();
    o.json = true;
    ASSERT_EQ(run_checkpoint_beacon(o, out_, err_), 0) << slurp(err_);
    const auto v = boost::json::parse(slurp(out_));
    EXPECT_EQ(v.at("valid"), true);
    EXPECT_EQ(v.at("blockNum"), 17923026);
    EXPECT_EQ(v.at("blockHash"), "0xbc8499537876e5406c7a65e25f99063f1cd85a17014a3aa5ade38271b1fbf64f");
    EXPECT_EQ(v.at("finalizedSlot"), 7109344);
    EXPECT_EQ(v.at("period"), 867);
    EXPECT_EQ(v.at("committeeSize"), 512);
    EXPECT_EQ(v.at("optimistic").at("blockNum"), 17923113);
}

TEST_F(BeaconCommandTest, TextOutput) {
    ASSERT_EQ(run_checkpoint_beacon(options(), out_, err_), 0) << slurp(err_);
    const std::string text = slurp(out_);
    EXPECT_NE(text.find("verified: chain 1 block 17923026"), std::string::npos) << text;
}

TEST_F(BeaconCommandTest, RefusesAnUnmatchedRootAndRejectsBadInput) {
    auto o = options();
    o.json = true;
    o.trusted_root = std::string(kRoot).replace(2, 2, "00");
    server_->routes()["/eth/v1/beacon/light_client/bootstrap/" + o.trusted_root] =
        server_->routes()[std::string("/eth/v1/beacon/light_client/bootstrap/") + kRoot];
    EXPECT_EQ(run_checkpoint_beacon(o, out_, err_), 1);
    const auto v = boost::json::parse(slurp(out_));
    EXPECT_EQ(v.at("valid"), false);
    EXPECT_EQ(v.at("faults").as_array().size(), 1u);

    auto bad = options();
    bad.trusted_root = "0x1234";
    EXPECT_EQ(run_checkpoint_beacon(bad, out_, err_), 2);
    auto none = options();
    none.api.clear();
    EXPECT_EQ(run_checkpoint_beacon(none, out_, err_), 2);
}

TEST(BeaconSszTool, RootsOfJsonAndSsz) {
    ssz::BeaconBlockHeader h;
    h.slot = 7;
    h.body_root[0] = 1;
    const Bytes enc = ssz::encode(h);
    const auto file = std::filesystem::temp_directory_path() / ("hypasis-beacon-ssz-" + std::to_string(::getpid()));
    {
        std::ofstream f(file);
        f << R"([{"json":{"slot":"7","proposer_index":"0","parent_root":")" << to_hex(Hash{})
          << R"(","state_root":")" << to_hex(Hash{}) << R"(","body_root":")" << to_hex(h.body_root) << R"("},"ssz":")"
          << to_hex(enc) << R"("}])";
    }
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    BeaconSszOptions o{"BeaconBlockHeader", "deneb", "mainnet", file.string()};
    ASSERT_EQ(run_beacon_ssz(o, out, err), 0) << slurp(err);
    const auto v = boost::json::parse(slurp(out));
    EXPECT_EQ(v.at(0).at("jsonRoot").as_string(), to_hex(ssz::hash_tree_root(h)));
    EXPECT_EQ(v.at(0).at("sszRoot").as_string(), to_hex(ssz::hash_tree_root(h)));
    EXPECT_EQ(v.at(0).at("jsonSsz").as_string(), to_hex(enc));
    o.type = "Nope";
    ASSERT_EQ(run_beacon_ssz(o, out, err), 0);
    o.fork = "phase0";
    EXPECT_EQ(run_beacon_ssz(o, out, err), 2);
    std::fclose(out);
    std::fclose(err);
    std::filesystem::remove(file);
}

}  // namespace
}  // namespace hypasis::node
