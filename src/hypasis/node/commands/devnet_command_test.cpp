// `hypasis devnet`: option errors (checked before anything is written or started) and one in-process run that
// prints the summary and stops cleanly. The devnet itself is tested in devnet/net/devnet_test.cpp.
#include "hypasis/node/commands/devnet_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

using testing::capture;

class DevnetCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("hypasis-devnet-cmd-" + std::to_string(::getpid()) + "-" + info->name());
        std::filesystem::remove_all(dir_);
        opts_ = DevnetCommandOptions{};
        opts_.dir = dir_.string();
        opts_.blocks = 8;
        opts_.block_interval_s = 0;
        opts_.peers = "1";
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    testing::Outcome run() {
        DevnetHooks hooks;
        hooks.handle_signals = false;
        hooks.on_started = [](const devnet::Devnet&, std::function<void()> stop) { stop(); };
        return capture([&](std::FILE* out, std::FILE* err) { return run_devnet(opts_, out, err, hooks); });
    }
    std::filesystem::path dir_;
    DevnetCommandOptions opts_;
};

TEST_F(DevnetCommandTest, BadProfileNameIsNamedWithTheKnownOnes) {
    opts_.peers = "honest,sneaky";
    const auto r = run();
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--peers honest,sneaky: 'sneaky' is not a fault profile"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("known: honest, slow, flaky, withholding, invalid, lying"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_FALSE(std::filesystem::exists(dir_)) << "nothing is written for bad options";
}

TEST_F(DevnetCommandTest, OtherOptionErrorsAreOneLineEach) {
    struct Case {
        std::function<void(DevnetCommandOptions&)> set;
        std::string message;
    };
    const std::vector<Case> cases{
        {[](auto& o) { o.peers = "0"; }, "--peers 0: a count must be 1..64"},
        {[](auto& o) { o.validator_scheme = "rsa"; }, "--validator-scheme rsa: expected ecdsa or bls"},
        {[](auto& o) { o.block_interval_s = -1; }, "--block-interval must be between 0 and 86400 seconds"},
        {[](auto& o) { o.checkpoint_at = 9; }, "--checkpoint-at 9 is above the initial head (--blocks 8)"},
        {[](auto& o) { o.blocks = 0; }, "--blocks must be at least 1"},
        {[](auto& o) { o.txn_rounds = 10; }, "--txn-rounds must be at most 9 (each round carries a blob transaction)"},
        {[](auto& o) {
             o.bad_checkpoint = true;
             o.validators = 1;
         },
         "--bad-checkpoint needs at least 2 validators"},
        {[](auto& o) {
             o.port = 65535;
             o.peers = "2";
         },
         "--port 65535 leaves no room for 2 peers"},
        {[](auto& o) { o.flaky_period_ms = 0; }, "--flaky-period-ms must be at least 1"},
        {[](auto& o) { o.forks = "cancun=5,shanghai=9"; },
         "--forks cancun=5,shanghai=9: forks must come in order: shanghai <= cancun <= prague"},
        {[](auto& o) { o.forks = "osaka=5"; }, "--forks osaka=5: unknown fork \"osaka\" (shanghai, cancun or prague)"},
        {[](auto& o) { o.forks = "prague=x"; }, "--forks prague=x: not a block number: \"x\""},
        {[](auto& o) {
             o.forks = "cancun=2,prague=4";
             o.txn_rounds = 7;
         },
         "--txn-rounds must be at most 6 while Cancun's blob limit applies (before --forks prague=)"},
    };
    for (const auto& c : cases) {
        SetUp();
        c.set(opts_);
        const auto r = run();
        EXPECT_EQ(r.code, 1) << c.message;
        EXPECT_EQ(r.err, "hypasis: devnet: " + c.message + "\n");
    }
}

TEST_F(DevnetCommandTest, PrintsWhatAUserNeedsAndStopsCleanly) {
    opts_.peers = "honest,lying";
    const auto r = run();
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("genesis     " + (std::filesystem::absolute(dir_) / "genesis.json").string()),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("lying       enode://"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("hypasis run --datadir "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" --checkpoint file:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("signed by 2 of 4 validators"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("stopped at head 8"), std::string::npos) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir_ / "devnet.json"));
}

TEST(DevnetCommandCli, RegisteredCommandReportsBadProfileAsNonZero) {
    CLI::App app("test");
    int exit_code = 0;
    add_devnet_command(app, exit_code);
    // `devnet --dir /nonexistent/devnet --peers honest,bogus`, in the reversed order CLI11's vector form takes.
    std::vector<std::string> args{"honest,bogus", "--peers", "/nonexistent/devnet", "--dir", "devnet"};
    app.parse(args);
    EXPECT_EQ(exit_code, 1);
}

}  // namespace
}  // namespace hypasis::node
