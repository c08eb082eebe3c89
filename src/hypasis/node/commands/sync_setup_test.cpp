#include "hypasis/node/commands/sync_setup.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace hypasis::node
