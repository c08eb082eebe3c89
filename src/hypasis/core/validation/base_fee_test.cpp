#include "hypasis/core/validation/base_fee.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/validation/test_blocks.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::validation {
namespace {

// ethereumjs' EIP-1559 base fee vectors: parent base fee, parent gas used and parent gas target, and the child's
// base fee. Every vector must match.
TEST(BaseFee, EthereumjsVectors) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereumjs/block-testdata/eip1559baseFee.json");
    const auto json = test::read_json(path);
    std::size_t checked = 0;
    for (const auto& v : json.as_array()) {
        const auto& o = v.as_object();
        const auto num = [&](const char* key) { return static_cast<uint64_t>(o.at(key).to_number<int64_t>()); };
        const U256 got = next_base_fee(U256{num("parentBaseFee")}, num("parentGasUsed"), num("parentTargetGasUsed"));
        EXPECT_EQ(got, U256{num("expectedBaseFee")})
            << "vector " << checked << ": parent " << num("parentBaseFee") << " used " << num("parentGasUsed")
            << " target " << num("parentTargetGasUsed") << " got " << got.to_string();
        ++checked;
    }
    EXPECT_EQ(checked, 50u);
}

TEST(BaseFee, RulesOfEip1559ByHand) {
    const U256 gwei{1'000'000'000};
    // At target: unchanged.
    EXPECT_EQ(next_base_fee(gwei, 15'000'000, 15'000'000), gwei);
    // Full block: +1/8.
    EXPECT_EQ(next_base_fee(gwei, 30'000'000, 15'000'000), U256{1'125'000'000});
    // Empty block: -1/8.
    EXPECT_EQ(next_base_fee(gwei, 0, 15'000'000), U256{875'000'000});
    // The increase is at least 1 wei, even when the formula truncates to 0.
    EXPECT_EQ(next_base_fee(U256{7}, 15'000'001, 15'000'000), U256{8});
    // A decrease may truncate to 0 and may reach 0.
    EXPECT_EQ(next_base_fee(U256{7}, 14'999'999, 15'000'000), U256{7});
    EXPECT_EQ(next_base_fee(U256{1}, 0, 15'000'000), U256{1});  // 1 - 1/8 truncates to a change of 0
    EXPECT_EQ(next_base_fee(U256{8}, 0, 15'000'000), U256{7});
    // A zero target (impossible on a real chain) does not divide by zero.
    EXPECT_EQ(next_base_fee(gwei, 100, 0), gwei);
    // Huge base fees: the increase saturates rather than wrapping.
    const U256 max{~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};
    EXPECT_EQ(next_base_fee(max, 30'000'000, 15'000'000), max);
    EXPECT_LT(next_base_fee(max, 0, 15'000'000), max);
}

TEST(GasLimit, BoundsAreStrictAtParentOver1024) {
    constexpr uint64_t parent = 30'000'000;
    constexpr uint64_t bound = parent / 1024;  // 29296
    EXPECT_TRUE(check_gas_limit(parent, parent));
    EXPECT_TRUE(check_gas_limit(parent, parent + bound - 1));
    EXPECT_TRUE(check_gas_limit(parent, parent - bound + 1));
    EXPECT_EQ(check_gas_limit(parent, parent + bound).error(), HeaderError::kGasLimitOutOfBounds);
    EXPECT_EQ(check_gas_limit(parent, parent - bound).error(), HeaderError::kGasLimitOutOfBounds);
    // BSC's divisor of 256 allows larger steps.
    EXPECT_TRUE(check_gas_limit(parent, parent + bound, kParliaGasLimitBoundDivisor));
    EXPECT_TRUE(check_gas_limit(parent, parent + parent / 256 - 1, kParliaGasLimitBoundDivisor));
    EXPECT_EQ(check_gas_limit(parent, parent + parent / 256, kParliaGasLimitBoundDivisor).error(),
              HeaderError::kGasLimitOutOfBounds);
}

TEST(GasLimit, MinimumAndMaximum) {
    EXPECT_TRUE(check_gas_limit(5000, 5000));
    EXPECT_EQ(check_gas_limit(5002, 4999).error(), HeaderError::kGasLimitBelowMinimum);  // within bounds, too low
    EXPECT_EQ(check_gas_limit(kMaxGasLimit, kMaxGasLimit + 1).error(), HeaderError::kGasLimitTooHigh);
    EXPECT_TRUE(check_gas_limit(kMaxGasLimit, kMaxGasLimit));
    EXPECT_EQ(to_string(HeaderError::kGasLimitOutOfBounds), "gas limit outside parent bounds");
}

}  // namespace
}  // namespace hypasis::validation
