#include "hypasis/core/validation/blob_gas.hpp"

namespace hypasis::validation {

std::optional<U256> fake_exponential(const U256& factor, const U256& numerator, const U256& denominator) noexcept {
    if (denominator.is_zero()) return std::nullopt;
    auto accum = U256::checked_mul(factor, denominator);
    if (!accum) return std::nullopt;
    U256 output;
    // Each term is the previous one times numerator / (denominator × i), truncated, as in EIP-4844's reference code.
    // The loop ends because the terms shrink once i exceeds numerator / denominator.
    for (uint64_t i = 1; !accum->is_zero(); ++i) {
        const auto sum = U256::checked_add(output, *accum);
        if (!sum) return std::nullopt;
        output = *sum;
        const auto next = U256::checked_mul(*accum, numerator);
        const auto divisor = U256::checked_mul(denominator, U256{i});
        if (!next || !divisor) return std::nullopt;
        *accum = *next / *divisor;
    }
    return output / denominator;
}

std::optional<U256> blob_base_fee(uint64_t excess_blob_gas, uint64_t update_fraction) noexcept {
    return fake_exponential(U256{kMinBaseFeePerBlobGas}, U256{excess_blob_gas}, U256{update_fraction});
}

BlobParent BlobParent::of(const BlockHeader& parent) noexcept {
    BlobParent p;
    p.excess_blob_gas = parent.excess_blob_gas.value_or(0);
    p.blob_gas_used = parent.blob_gas_used.value_or(0);
    p.base_fee_per_gas = parent.base_fee_per_gas.value_or(U256{});
    return p;
}

namespace {

// EIP-7918: is the reserve price BLOB_BASE_COST × base_fee above the price of one blob, 2^17 × blob base fee?
// A blob price beyond 256 bits is above any reserve price; a reserve price beyond 256 bits is above any blob price
// that fits.
bool reserve_price_dominates(const BlobParent& parent, uint64_t update_fraction) noexcept {
    const auto fee = blob_base_fee(parent.excess_blob_gas, update_fraction);
    if (!fee) return false;
    const auto blob_price = U256::checked_mul(*fee, U256{kGasPerBlob});
    if (!blob_price) return false;
    const auto reserve = U256::checked_mul(parent.base_fee_per_gas, U256{kBlobBaseCost});
    if (!reserve) return true;
    return *reserve > *blob_price;
}

}  // namespace

std::optional<uint64_t> calc_excess_blob_gas(const BlobParent& parent, const chain::BlobParams& params,
                                             bool eip7918) noexcept {
    const uint64_t excess = parent.excess_blob_gas;
    const uint64_t used = parent.blob_gas_used;
    if (excess > ~uint64_t{0} - used) return std::nullopt;
    // 256-bit arithmetic: blob counts come from a spec (a genesis.json may hold anything), so target × 2^17 and
    // used × (max - target) are not bounded by 64 bits.
    const U256 target_gas = U256{params.target} * U256{kGasPerBlob};
    if (U256{excess + used} < target_gas) return 0;
    if (eip7918 && params.max != 0 && params.max >= params.target &&
        reserve_price_dominates(parent, params.base_fee_update_fraction)) {
        // Rebalanced so that the largest possible increase stays what it was (EIP-7918): used × (max - target) / max.
        // scaled <= used, so excess + scaled cannot wrap (checked above).
        const U256 scaled = U256{used} * U256{params.max - params.target} / U256{params.max};
        return excess + scaled.limb(0);
    }
    return (U256{excess + used} - target_gas).limb(0);
}

}  // namespace hypasis::validation
