#include "hypasis/core/common/hex.hpp"

#include <gtest/gtest.h>

namespace hypasis {
namespace {

TEST(Hex, RoundTrip) {
    const Bytes b{0x00, 0x01, 0xab, 0xff};
    EXPECT_EQ(to_hex(b), "0x0001abff");
    EXPECT_EQ(to_hex(b, false), "0001abff");
    EXPECT_EQ(from_hex("0x0001ABff"), b);
    EXPECT_EQ(from_hex("0001abff"), b);
    EXPECT_EQ(to_hex(Bytes{}), "0x");
    EXPECT_EQ(from_hex("0x"), Bytes{});
}

TEST(Hex, RejectsBadInput) {
    EXPECT_FALSE(from_hex("0x0g"));
    EXPECT_FALSE(from_hex("0x123"));
    EXPECT_EQ(from_hex("0x123", true), (Bytes{0x01, 0x23}));
    EXPECT_FALSE(fixed_from_hex<2>("0x010203"));
    EXPECT_EQ(fixed_from_hex<2>("0x0102"), (FixedBytes<2>{1, 2}));
}

TEST(Hex, Quantities) {
    EXPECT_EQ(to_quantity(0), "0x0");
    EXPECT_EQ(to_quantity(0x1a2b), "0x1a2b");
    EXPECT_EQ(to_quantity(UINT64_MAX), "0xffffffffffffffff");
    EXPECT_EQ(parse_u64("0x1a2b"), 0x1a2bu);
    EXPECT_EQ(parse_u64("6699"), 6699u);
    EXPECT_EQ(parse_u64("0x0000ff"), 255u);
    EXPECT_EQ(parse_u64("0xffffffffffffffff"), UINT64_MAX);
    EXPECT_FALSE(parse_u64("0x10000000000000000"));
    EXPECT_FALSE(parse_u64("18446744073709551616"));
    EXPECT_FALSE(parse_u64(""));
    EXPECT_FALSE(parse_u64("0x"));
    EXPECT_FALSE(parse_u64("12a"));
}

}  // namespace
}  // namespace hypasis
