#pragma once
/// The gas limit and EIP-1559 base fee rules, as pure functions of explicit parameters. header_validation.hpp
/// applies them with a chain's parameters; they are public so that callers (block building in the devnet tools,
/// eth_feeHistory-style answers) and tests can use them on their own.
///
/// All functions are noexcept, allocate nothing and are thread-safe.
#include <cstdint>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/validation/error.hpp"

namespace hypasis::validation {

/// Yellow Paper §4.3.4 (and EIP-1559's gas limit check): a header's gas limit may differ from its parent's by
/// strictly less than parent / 1024.
inline constexpr uint64_t kGasLimitBoundDivisor = 1024;
/// BNB Smart Chain's Parlia engine let the gas limit move faster until its Lorentz fork: by less than parent / 256
/// (bsc consensus/parlia, gasLimitBoundDivisorBeforeLorentz); from Lorentz on it uses 1024.
inline constexpr uint64_t kParliaGasLimitBoundDivisor = 256;
/// Yellow Paper §4.3.4: H_l >= 5000.
inline constexpr uint64_t kMinGasLimit = 5000;
/// EIP-1985 caps the gas limit at 2^63 - 1 (geth's params.MaxGasLimit).
inline constexpr uint64_t kMaxGasLimit = (uint64_t{1} << 63) - 1;

/// EIP-1559 parameters.
inline constexpr uint64_t kElasticityMultiplier = 2;
inline constexpr uint64_t kBaseFeeChangeDenominator = 8;
/// The base fee of the first EIP-1559 block (INITIAL_BASE_FEE, 1 gwei).
inline constexpr uint64_t kInitialBaseFee = 1'000'000'000;

/// Checks `gas_limit` against `parent_gas_limit`: at most kMaxGasLimit, a change strictly below
/// parent_gas_limit / bound_divisor in either direction, and at least kMinGasLimit, checked in that order
/// (errors kGasLimitTooHigh, kGasLimitOutOfBounds, kGasLimitBelowMinimum).
/// At the London fork block the caller passes the parent's limit times kElasticityMultiplier (EIP-1559).
/// `bound_divisor` must be non-zero (a zero one is a caller bug and is treated as 1).
Expected<void, HeaderError> check_gas_limit(uint64_t parent_gas_limit, uint64_t gas_limit,
                                            uint64_t bound_divisor = kGasLimitBoundDivisor) noexcept;

/// The EIP-1559 base fee of a block whose parent had `parent_base_fee`, used `parent_gas_used` gas and had the gas
/// target `parent_gas_target` (parent gas limit / kElasticityMultiplier on Ethereum):
/// - used == target: the parent's base fee;
/// - used > target:  parent + max(1, parent * (used - target) / target / denominator);
/// - used < target:  parent - parent * (target - used) / target / denominator.
/// Integer division truncates, as in the EIP's reference code. Exact for every parent base fee below 2^192 (the
/// products are computed in 256 bits from 64-bit gas figures). Where a product would wrap, an increase saturates
/// at 2^256 - 1 and a decrease is computed as parent / target × (target - used) / denominator, which may round
/// differently. No real block gets near that: its fees would exceed the ether supply many times over.
/// A zero target or denominator (not a real chain) leaves the base fee unchanged.
U256 next_base_fee(const U256& parent_base_fee, uint64_t parent_gas_used, uint64_t parent_gas_target,
                   uint64_t denominator = kBaseFeeChangeDenominator) noexcept;

}  // namespace hypasis::validation
