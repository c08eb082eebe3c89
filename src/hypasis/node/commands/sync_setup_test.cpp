#include "hypasis/node/commands/sync_setup.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/core/json/pretty.hpp"

namespace hypasis::node {
namespace {

TEST(ParseByteRate, UnitsAndRefusals) {
    EXPECT_EQ(parse_byte_rate("0"), 0.0);
    EXPECT_EQ(parse_byte_rate("500000"), 500000.0);
    EXPECT_EQ(parse_byte_rate("20MiB"), 20.0 * 1024 * 1024);
    EXPECT_EQ(parse_byte_rate("1.5 MB/s"), 1.5e6);
    EXPECT_EQ(parse_byte_rate("2kib"), 2048.0);
    EXPECT_EQ(parse_byte_rate("3 GB"), 3e9);
    for (const char* bad : {"", "-1", "MiB", "10 parsecs", "1e3", "1.2.3", "10MiB/h", "99999999999999999999"}) {
        EXPECT_FALSE(parse_byte_rate(bad).has_value()) << bad;
    }
}

TEST(LoadSyncInputs, MissingOrUnreadableValidatorSetIsAClearError) {
    const auto spec = chain::ChainSpec{};
    auto r = load_sync_inputs("file:/nonexistent.json", "", spec);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("needs --validators"), std::string::npos) << r.error();
    r = load_sync_inputs("file:/nonexistent.json", "/nonexistent/validators.json", spec);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("cannot read the validator set"), std::string::npos) << r.error();
}

namespace ctest = checkpoint::testing;

void write_text(const std::filesystem::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary);
    f << text;
}

// Regression: SyncInputs held the validator set by value while a multi: source kept a reference to it, so moving
// the inputs (returning them, emplacing them) left the source pointing at a destroyed set (ASan: use after free).
TEST(LoadSyncInputs, AMultiSourceStillVerifiesAfterTheInputsMove) {
    const auto dir = std::filesystem::temp_directory_path() / ("hypasis-sync-setup-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const chain::ChainSpec spec{};
    const auto set = ctest::ecdsa_set({U256{1}, U256{1}, U256{1}}, checkpoint::QuorumRule::kGeneric, spec.chain_id());
    auto c = ctest::sample_checkpoint(spec.chain_id(), 1234);
    ctest::sign_ecdsa(c, ctest::first(3));
    write_text(dir / "validators.json", json::serialize_pretty(checkpoint::validator_set_to_json(set)));
    write_text(dir / "checkpoint.json", json::serialize_pretty(checkpoint::checkpoint_to_json(c)));
    const std::string file = "file:" + (dir / "checkpoint.json").string();

    auto loaded = load_sync_inputs("multi:2:" + file + "|" + file, (dir / "validators.json").string(), spec);
    ASSERT_TRUE(loaded) << loaded.error();
    std::optional<SyncInputs> moved;
    moved.emplace(std::move(*loaded));
    loaded = unexpected(std::string("overwritten"));  // whatever the first home held is gone
    SyncInputs again = std::move(*moved);
    moved.reset();
    ASSERT_NE(again.validators, nullptr);
    EXPECT_EQ(again.beacon, nullptr);

    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, fetch_verified(again), boost::asio::use_future);
    io.run();
    const auto verified = fut.get();
    ASSERT_TRUE(verified) << sync::to_string(verified.error());
    EXPECT_EQ(verified->checkpoint.block_num, 1234u);
    EXPECT_EQ(verified->signers, 3u);
    std::filesystem::remove_all(dir);
}

TEST(LoadSyncInputs, BeaconUrisAreCheckedWithClearErrors) {
    const auto* mainnet = chain::builtin_chain("mainnet");
    const auto* sepolia = chain::builtin_chain("sepolia");
    ASSERT_TRUE(mainnet && sepolia);
    BeaconInputs b;
    b.trusted_root = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
    const auto error_of = [](const Expected<SyncInputs, std::string>& r) { return r ? std::string() : r.error(); };

    auto ok = load_sync_inputs("beacon:http://127.0.0.1:1,https://127.0.0.1:2", "", *mainnet, b);
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_NE(ok->beacon, nullptr);
    EXPECT_EQ(ok->validators, nullptr);
    EXPECT_EQ(ok->source->name(), "beacon:http://127.0.0.1:1,https://127.0.0.1:2");

    EXPECT_NE(error_of(load_sync_inputs("beacon:http://127.0.0.1:1", "v.json", *mainnet, b))
                  .find("--validators is not used"), std::string::npos);
    EXPECT_NE(error_of(load_sync_inputs("beacon:http://127.0.0.1:1", "", *sepolia, b)).find("chain id 11155111"),
              std::string::npos);
    EXPECT_NE(error_of(load_sync_inputs("beacon:", "", *mainnet, b)).find("expected beacon:URL"), std::string::npos);
    EXPECT_NE(error_of(load_sync_inputs("beacon:ftp://x", "", *mainnet, b)).find("http:// or https://"),
              std::string::npos);
    EXPECT_NE(error_of(load_sync_inputs("beacon:http://127.0.0.1:1,", "", *mainnet, b)).find("http:// or https://"),
              std::string::npos);
    BeaconInputs bad = b;
    bad.trusted_root = "0x1234";
    EXPECT_NE(error_of(load_sync_inputs("beacon:http://127.0.0.1:1", "", *mainnet, bad)).find("not 0x + 64 hex"),
              std::string::npos);
    bad.trusted_root.clear();
    EXPECT_NE(error_of(load_sync_inputs("beacon:http://127.0.0.1:1", "", *mainnet, bad)).find("needs --trusted-root"),
              std::string::npos);
}

}  // namespace
}  // namespace hypasis::node
