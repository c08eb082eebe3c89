#include "hypasis/core/common/u256.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"

namespace hypasis {
namespace {

const U256 kMax{~0ULL, ~0ULL, ~0ULL, ~0ULL};

TEST(U256, ParseAndPrint) {
    EXPECT_EQ(U256::from_string("0")->to_string(), "0");
    EXPECT_EQ(U256::from_string("0x0")->to_quantity(), "0x0");
    const char* max_dec = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    EXPECT_EQ(U256::from_string(max_dec), kMax);
    EXPECT_EQ(kMax.to_string(), max_dec);
    EXPECT_EQ(kMax.to_quantity(), "0x" + std::string(64, 'f'));
    EXPECT_FALSE(U256::from_string("115792089237316195423570985008687907853269984665640564039457584007913129639936"));
    EXPECT_FALSE(U256::from_string("0x1" + std::string(64, '0')));
    EXPECT_FALSE(U256::from_string("12x"));
    EXPECT_EQ(U256::from_string("10000000000000000000")->to_string(), "10000000000000000000");
    EXPECT_EQ(U256::from_string("100000000000000000000000000000000000000")->to_string(),
              "100000000000000000000000000000000000000");
}

TEST(U256, BigEndian) {
    const Bytes be = *from_hex("0x0102030405060708090a0b0c0d0e0f101112");
    const auto x = U256::from_be(be);
    ASSERT_TRUE(x);
    EXPECT_EQ(x->to_be_minimal(), be);
    EXPECT_EQ(to_hex(x->to_be32()), "0x" + std::string(28, '0') + "0102030405060708090a0b0c0d0e0f101112");
    EXPECT_TRUE(U256{}.to_be_minimal().empty());
    EXPECT_FALSE(U256::from_be(Bytes(33, 1)));
}

TEST(U256, ArithmeticWrapsAndChecks) {
    EXPECT_EQ(kMax + 1, U256{});
    EXPECT_EQ(U256{} - 1, kMax);
    EXPECT_FALSE(U256::checked_add(kMax, 1));
    EXPECT_FALSE(U256::checked_sub(1, 2));
    EXPECT_EQ(U256::checked_sub(5, 2), U256{3});
    EXPECT_FALSE(U256::checked_mul(U256{0, 0, 1, 0}, U256{0, 0, 1, 0}));
    EXPECT_EQ(U256::checked_mul(U256{0, 1, 0, 0}, U256{0, 1, 0, 0}), (U256{0, 0, 1, 0}));
    EXPECT_EQ(U256{~0ULL} * U256{~0ULL}, (U256{1, ~0ULL - 1, 0, 0}));
}

TEST(U256, Division) {
    const U256 a = *U256::from_string("0x123456789abcdef0123456789abcdef0123456789abcdef");
    const U256 b = *U256::from_string("0xfedcba9876543210fedcba9");
    auto [q, r] = U256::divmod(a, b);
    EXPECT_LT(r, b);
    EXPECT_EQ(q * b + r, a);
    EXPECT_EQ(U256{7} / U256{}, U256{});
    EXPECT_EQ((U256{0, 1, 0, 0} >> 1), U256{1ULL << 63});
    EXPECT_EQ((U256{1ULL << 63} << 1), (U256{0, 1, 0, 0}));
    EXPECT_EQ(kMax.bit_length(), 256);
    EXPECT_EQ(U256{1}.bit_length(), 1);
}

}  // namespace
}  // namespace hypasis
