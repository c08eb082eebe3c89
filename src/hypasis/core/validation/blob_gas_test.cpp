#include "hypasis/core/validation/blob_gas.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/validation/header_validation.hpp"
#include "hypasis/core/validation/test_blocks.hpp"

namespace hypasis::validation {
namespace {

using chain::BlobParams;

constexpr uint64_t kGpb = kGasPerBlob;

// Expected values below were worked out by hand with EIP-4844's reference fake_exponential and calc_excess_blob_gas
// (and EIP-7918's version), not with this code.

TEST(BlobGas, FakeExponentialValues) {
    const auto fe = [](uint64_t f, uint64_t n, uint64_t d) { return fake_exponential(U256{f}, U256{n}, U256{d}); };
    EXPECT_EQ(fe(1, 0, 1), U256{1});
    EXPECT_EQ(fe(38493, 0, 1000), U256{38493});  // e^0 = 1
    EXPECT_EQ(fe(0, 1234, 2345), U256{0});
    EXPECT_EQ(fe(1, 2, 1), U256{6});   // e^2 = 7.39, but the truncated series gives 6
    EXPECT_EQ(fe(1, 4, 2), U256{6});   // same exponent, other scale
    EXPECT_EQ(fe(1, 3, 1), U256{16});  // e^3 = 20.1
    EXPECT_EQ(fe(1, 6, 2), U256{18});
    EXPECT_EQ(fe(1, 15, 3), U256{143});  // e^5 = 148.4
    EXPECT_EQ(fe(1, 50'000'000, 2'225'652), U256{5'709'098'764});
    EXPECT_EQ(fe(1, 3'338'477, 3'338'477), U256{2});           // e^1 with Cancun's update fraction
    EXPECT_EQ(fe(1, 10 * 3'338'477, 3'338'477), U256{22026});  // e^10 = 22026.47
    EXPECT_FALSE(fe(1, 5, 0));                                 // zero denominator
    // A result far beyond 256 bits is reported, not wrapped.
    EXPECT_FALSE(fake_exponential(U256{1}, U256{~uint64_t{0}}, U256{3'338'477}));
}

TEST(BlobGas, BlobBaseFeeAtKnownExcess) {
    // MIN_BASE_FEE_PER_BLOB_GAS at zero excess, for every schedule.
    EXPECT_EQ(blob_base_fee(0, chain::kCancunBlobParams.base_fee_update_fraction), U256{1});
    EXPECT_EQ(blob_base_fee(0, chain::kBpo2BlobParams.base_fee_update_fraction), U256{1});
    // Excess blob gas of mainnet blocks 22162263 (Cancun rules) and 22431084 (Prague rules).
    EXPECT_EQ(blob_base_fee(27'918'336, 3'338'477), U256{4283});
    EXPECT_EQ(blob_base_fee(50'462'720, 5'007'716), U256{23789});
    // The same excess is much dearer under Cancun's faster update fraction.
    EXPECT_EQ(blob_base_fee(50'593'792, 3'338'477), U256{3'816'148});
    EXPECT_EQ(blob_base_fee(50'593'792, 5'007'716), U256{24420});
}

TEST(BlobGas, Eip4844ExcessBlobGas) {
    const BlobParams cancun = chain::kCancunBlobParams;  // target 3, max 6
    const auto calc = [&](uint64_t excess, uint64_t used) {
        return calc_excess_blob_gas(BlobParent{excess, used, U256{}}, cancun, false);
    };
    EXPECT_EQ(calc(0, 0), 0u);                          // first Cancun block: the parent has no blob fields
    EXPECT_EQ(calc(0, 3 * kGpb), 0u);                   // exactly at target
    EXPECT_EQ(calc(0, 6 * kGpb), 3 * kGpb);             // full block: excess grows by the target
    EXPECT_EQ(calc(2 * kGpb, 0), 0u);                   // below target: floors at 0
    EXPECT_EQ(calc(10 * kGpb, 1 * kGpb), 8 * kGpb);     // 10 + 1 - 3
    EXPECT_EQ(calc(50'593'792, 655'360), 50'855'936u);  // mainnet 22431083's values under Cancun's target
    // Prague's target 6 (EIP-7691): the value mainnet block 22431084 carries.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{50'593'792, 655'360, U256{}}, chain::kPragueBlobParams, false),
              50'462'720u);
    // Sums beyond 64 bits cannot match any header.
    EXPECT_FALSE(calc(~uint64_t{0}, kGpb));
    // BlobParent::of: missing fields count as zero.
    BlockHeader pre_cancun;
    pre_cancun.base_fee_per_gas = U256{7};
    const BlobParent p = BlobParent::of(pre_cancun);
    EXPECT_EQ(p.excess_blob_gas, 0u);
    EXPECT_EQ(p.blob_gas_used, 0u);
    EXPECT_EQ(p.base_fee_per_gas, U256{7});
}

TEST(BlobGas, Eip7918ReservePrice) {
    const BlobParams osaka = chain::kOsakaBlobParams;  // target 6, max 9, fraction 5007716
    const U256 gwei{1'000'000'000};
    // Blob price 2^17 × fake_exponential(1, 10 × 2^17, 5007716) = 2^17 × 1 is far below the reserve price
    // 2^13 × 1 gwei: the target is not subtracted, and used × (9 - 6) / 9 is added instead.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{10 * kGpb, 3 * kGpb, gwei}, osaka, true), 11 * kGpb);
    // Without EIP-7918 (before Osaka): 10 + 3 - 6 blobs.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{10 * kGpb, 3 * kGpb, gwei}, osaka, false), 7 * kGpb);
    // A high blob price (excess 200,000,000): the original formula.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{200'000'000, 9 * kGpb, gwei}, osaka, true), 200'393'216u);
    // Below the target, 0 whatever the prices.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{0, 5 * kGpb, gwei}, osaka, true), 0u);
    // A reserve price equal to the blob price is not above it: base fee 16 gives 2^13 × 16 = 2^17 × 1.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{10 * kGpb, 3 * kGpb, U256{16}}, osaka, true), 7 * kGpb);
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{10 * kGpb, 3 * kGpb, U256{17}}, osaka, true), 11 * kGpb);
    // BPO1 (target 10, max 15): used × 5 / 15.
    EXPECT_EQ(calc_excess_blob_gas(BlobParent{10 * kGpb, 3 * kGpb, gwei}, chain::kBpo1BlobParams, true), 11 * kGpb);
}

// The mainnet spec picks the child's schedule and switches EIP-7918 on at Osaka.
TEST(BlobGas, MainnetScheduleAcrossOsakaAndBpo1) {
    const chain::ChainSpec* mainnet = chain::builtin_chain("mainnet");
    ASSERT_NE(mainnet, nullptr);
    constexpr uint64_t kOsakaTime = 1764798551;  // go-ethereum params/config.go, MainnetChainConfig.OsakaTime
    constexpr uint64_t kBpo1Time = 1765290071;   // MainnetChainConfig.BPO1Time
    BlockHeader parent;
    parent.number = 23'000'000;
    parent.timestamp = kOsakaTime - 12;
    parent.base_fee_per_gas = U256{1'000'000'000};
    parent.excess_blob_gas = 10 * kGpb;
    parent.blob_gas_used = 3 * kGpb;
    // Last Prague block's child at Osaka: EIP-7918 applies from the fork block on.
    EXPECT_EQ(expected_excess_blob_gas(*mainnet, parent, kOsakaTime - 1).value(), 7 * kGpb);
    EXPECT_EQ(expected_excess_blob_gas(*mainnet, parent, kOsakaTime).value(), 11 * kGpb);
    // A high-priced parent across BPO1: the child's target of 10 blobs is subtracted.
    parent.excess_blob_gas = 300'000'000;
    parent.blob_gas_used = 15 * kGpb;
    EXPECT_EQ(expected_excess_blob_gas(*mainnet, parent, kBpo1Time - 1).value(), 300'000'000 + 9 * kGpb);
    EXPECT_EQ(expected_excess_blob_gas(*mainnet, parent, kBpo1Time).value(), 300'000'000 + 5 * kGpb);
    // EIP-7918 needs the parent's base fee.
    parent.base_fee_per_gas.reset();
    EXPECT_EQ(expected_excess_blob_gas(*mainnet, parent, kBpo1Time).error(), HeaderError::kParentBaseFeeMissing);
    // Before Cancun there is no schedule.
    EXPECT_EQ(expected_excess_blob_gas(*mainnet, parent, 1'700'000'000).error(), HeaderError::kMissingBlobSchedule);
}

}  // namespace
}  // namespace hypasis::validation
