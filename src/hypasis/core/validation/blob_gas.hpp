#pragma once
/// EIP-4844 blob gas accounting as pure functions: fake_exponential, the blob base fee and the excess blob gas a
/// header must carry, including EIP-7918's reserve price (Osaka). Blob counts per block and the update fraction come
/// from the chain's blob schedule (EIP-7840; EIP-7691 raised them in Prague, EIP-7892 lets BPO forks change them);
/// the schedule in force is the one of the *child* header's timestamp, also at a fork boundary, as geth's
/// CalcExcessBlobGas(config, parent, headTimestamp) does.
///
/// All functions are noexcept, allocate nothing and are thread-safe.
#include <cstdint>
#include <optional>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/header.hpp"

namespace hypasis::validation {

/// EIP-4844: blob gas per blob (2^17 bytes, one gas each).
inline constexpr uint64_t kGasPerBlob = uint64_t{1} << 17;
/// EIP-4844: MIN_BASE_FEE_PER_BLOB_GAS.
inline constexpr uint64_t kMinBaseFeePerBlobGas = 1;
/// EIP-7918: BLOB_BASE_COST, the execution gas whose price is a blob's reserve price.
inline constexpr uint64_t kBlobBaseCost = uint64_t{1} << 13;

/// EIP-4844 fake_exponential: factor × e^(numerator / denominator), approximated by the Taylor series with integer
/// division exactly as the EIP's reference code (numerator_accum = numerator_accum × numerator / (denominator × i),
/// summed while positive, then divided by denominator).
///
/// Returns nullopt when an intermediate product does not fit in 256 bits. For a numerator below 2^64 (an excess
/// blob gas) that implies a result of at least 2^192 / denominator, over 2^160 wei per blob gas for any real update
/// fraction: no block can pay it, and callers treat nullopt as "higher than anything". A zero denominator yields
/// nullopt too.
std::optional<U256> fake_exponential(const U256& factor, const U256& numerator, const U256& denominator) noexcept;

/// The blob base fee of a block with `excess_blob_gas` (EIP-4844 get_base_fee_per_blob_gas):
/// fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess_blob_gas, update_fraction). nullopt as fake_exponential.
std::optional<U256> blob_base_fee(uint64_t excess_blob_gas, uint64_t update_fraction) noexcept;

/// The parent's view that calc_excess_blob_gas needs. A parent before Cancun has neither blob field and counts as
/// zero for both, so the first Cancun block's excess blob gas is 0 (EIP-4844).
struct BlobParent {
    uint64_t excess_blob_gas{0};
    uint64_t blob_gas_used{0};
    U256 base_fee_per_gas;  ///< Needed only for EIP-7918.

    /// The values carried by `parent` (missing fields count as zero).
    static BlobParent of(const BlockHeader& parent) noexcept;
};

/// The excess blob gas a header must carry, from its parent (EIP-4844 calc_excess_blob_gas), with `params` the blob
/// parameters in force at the *header's* timestamp:
/// - parent.excess + parent.used < target × 2^17: 0;
/// - with `eip7918` (Osaka and later), when BLOB_BASE_COST × parent.base_fee > 2^17 × blob_base_fee(parent.excess,
///   params.base_fee_update_fraction): parent.excess + parent.used × (max - target) / max;
/// - otherwise parent.excess + parent.used - target × 2^17.
/// nullopt when the sum exceeds 2^64 - 1 (parent fields no valid chain produces; the header cannot match).
std::optional<uint64_t> calc_excess_blob_gas(const BlobParent& parent, const chain::BlobParams& params,
                                             bool eip7918) noexcept;

}  // namespace hypasis::validation
