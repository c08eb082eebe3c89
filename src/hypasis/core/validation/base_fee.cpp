#include "hypasis/core/validation/base_fee.hpp"

namespace hypasis::validation {

Expected<void, HeaderError> check_gas_limit(uint64_t parent_gas_limit, uint64_t gas_limit,
                                            uint64_t bound_divisor) noexcept {
    if (gas_limit > kMaxGasLimit) return unexpected(HeaderError::kGasLimitTooHigh);
    const uint64_t divisor = bound_divisor == 0 ? 1 : bound_divisor;
    const uint64_t diff = gas_limit > parent_gas_limit ? gas_limit - parent_gas_limit : parent_gas_limit - gas_limit;
    // Strict: a change of exactly parent / 1024 is already too much (geth: diff >= limit is an error).
    if (diff >= parent_gas_limit / divisor) return unexpected(HeaderError::kGasLimitOutOfBounds);
    if (gas_limit < kMinGasLimit) return unexpected(HeaderError::kGasLimitBelowMinimum);
    return {};
}

U256 next_base_fee(const U256& parent_base_fee, uint64_t parent_gas_used, uint64_t parent_gas_target,
                   uint64_t denominator) noexcept {
    if (parent_gas_used == parent_gas_target || parent_gas_target == 0 || denominator == 0) return parent_base_fee;
    const U256 kMax{~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};
    if (parent_gas_used > parent_gas_target) {
        const auto product = U256::checked_mul(parent_base_fee, U256{parent_gas_used - parent_gas_target});
        if (!product) return kMax;
        U256 delta = *product / U256{parent_gas_target} / U256{denominator};
        if (delta.is_zero()) delta = 1;  // the increase is at least 1 wei
        return U256::checked_add(parent_base_fee, delta).value_or(kMax);
    }
    const auto product = U256::checked_mul(parent_base_fee, U256{parent_gas_target - parent_gas_used});
    // A product that would wrap means a decrease of more than 2^256 / 2^64 / 8: the base fee is then huge, and the
    // decrease (at most 1/denominator of it) cannot take it below zero; compute it in the other order instead.
    const U256 delta = product ? *product / U256{parent_gas_target} / U256{denominator}
                               : parent_base_fee / U256{parent_gas_target} * U256{parent_gas_target - parent_gas_used} /
                                     U256{denominator};
    return delta > parent_base_fee ? U256{} : parent_base_fee - delta;
}

}  // namespace hypasis::validation
