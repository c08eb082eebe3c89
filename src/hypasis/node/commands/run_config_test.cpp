#include "hypasis/node/commands/run_config.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace hypasis::node {
namespace {

class RunConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("hypasis-run-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        cmd_.add_option("--port", port_)->check(CLI::Range(0, 65535));
        cmd_.add_option("--static-peer", peers_);
        cmd_.add_flag("--no-discovery", no_discovery_);
        cmd_.add_option("--datadir", datadir_);
        cmd_.add_option("--share", share_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& text) {
        const auto p = dir_ / "hypasis.toml";
        std::ofstream(p) << text;
        return p.string();
    }
    Expected<void, std::string> load(const std::string& text, std::vector<std::string> argv = {}) {
        std::vector<const char*> args{"run"};
        for (const auto& a : argv) args.push_back(a.c_str());
        cmd_.parse(static_cast<int>(args.size()), args.data());
        const auto path = write(text);
        auto entries = read_config_file(path);
        if (!entries) return unexpected(entries.error());
        return apply_config(cmd_, *entries, sections_, path);
    }

    std::filesystem::path dir_;
    CLI::App cmd_{"run"};
    std::map<std::string, std::string> sections_{
        {"port", "p2p"}, {"static-peer", "p2p"}, {"no-discovery", "p2p"}, {"datadir", ""}, {"share", "budget"}};
    int port_{30303};
    std::vector<std::string> peers_;
    bool no_discovery_{false};
    std::string datadir_{"default"};
    double share_{0.7};
};

TEST_F(RunConfigTest, FileSetsEveryKindOfValue) {
    ASSERT_TRUE(load("datadir = \"/tmp/x\"\n[p2p]\nport = 4000\nstatic-peer = [\"a\", \"b\"]\nno-discovery = true\n"
                     "[budget]\nshare = 0.25\n"));
    EXPECT_EQ(datadir_, "/tmp/x");
    EXPECT_EQ(port_, 4000);
    EXPECT_EQ(peers_, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(no_discovery_);
    EXPECT_DOUBLE_EQ(share_, 0.25);
}

TEST_F(RunConfigTest, CommandLineOverridesTheFile) {
    ASSERT_TRUE(load("[p2p]\nport = 4000\n", {"--port", "5000"}));
    EXPECT_EQ(port_, 5000);
}

TEST_F(RunConfigTest, UnknownKeyWrongSectionAndBadValuesAreErrorsWithTheLine) {
    auto r = load("[p2p]\nport = 1\nprot = 2\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find(":3: p2p.prot: unknown key"), std::string::npos) << r.error();

    r = load("port = 1\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("belongs in [p2p]"), std::string::npos) << r.error();

    r = load("[p2p]\nport = 70000\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("p2p.port"), std::string::npos) << r.error();

    r = load("[p2p]\nport = [1, 2]\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("one value"), std::string::npos) << r.error();

    r = load("[p2p.deep]\nport = 1\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("nest only one level"), std::string::npos) << r.error();

    r = load("[p2p]\nport = \n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("hypasis.toml:2:"), std::string::npos) << r.error();
}

TEST_F(RunConfigTest, MissingAndOversizedFiles) {
    EXPECT_FALSE(read_config_file((dir_ / "absent.toml").string()));
    const auto big = dir_ / "big.toml";
    std::ofstream(big) << std::string(kMaxConfigFileBytes + 10, '#');
    auto r = read_config_file(big.string());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace hypasis::node
