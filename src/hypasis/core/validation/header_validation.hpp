#pragma once
/// Full validation of a header against its parent under a chain's rules: what the forward pipeline runs on every
/// new header before it is trusted (DESIGN.md §3, "Full"). The rules and their sources:
///
/// | rule                                                         | source                         |
/// |--------------------------------------------------------------|--------------------------------|
/// | number = parent.number + 1                                   | Yellow Paper §4.3.4            |
/// | parent_hash = keccak(rlp(parent))                            | Yellow Paper §4.3.4            |
/// | timestamp > parent.timestamp                                 | Yellow Paper §4.3.4            |
/// | extra_data <= 32 bytes (Ethash and post-merge Ethereum)      | Yellow Paper §4.3.4            |
/// | gas_used <= gas_limit                                        | Yellow Paper §4.3.4            |
/// | gas_limit <= 2^63 - 1                                        | EIP-1985                       |
/// | abs(gas_limit - parent) < parent / 1024, gas_limit >= 5000   | Yellow Paper §4.3.4, EIP-1559  |
/// | fork fields present exactly from their fork                  | EIP-1559, 4895, 4844, 4788, 7685 |
/// | difficulty 0, nonce 0, ommers hash of [] after the merge     | EIP-3675                       |
/// | base fee exact (1 gwei at the London block)                  | EIP-1559                       |
/// | blob gas used a multiple of 2^17 and <= max; excess exact    | EIP-4844, 7691, 7840, 7892, 7918 |
///
/// Consensus-specific parts are not here: the proof-of-work seal and difficulty (ethash), Clique, Bor and Parlia
/// signatures and validator sets, and their longer extraData layouts. How each consensus kind is treated:
/// - Ethash, Clique, Beacon (Ethereum): every rule above; the extraData limit is not applied to Clique, whose
///   extraData holds a 32-byte vanity, the signer list and a 65-byte seal (EIP-225).
/// - Bor (Polygon PoS): linkage, gas (same 1024 divisor), base fee presence from London. Bor headers never carry
///   withdrawals, blob, beacon-root or requests fields (Bor's verifyHeader rejects them), so their presence is an
///   error whatever the fork schedule says. Not checked: the base fee value (Bor changed the formula: a larger
///   change denominator from Delhi, a gas target percentage from Dandeli, a ±5% band from Lisovo), the block
///   period (so timestamps need only not decrease here), and extraData (vanity, validator bytes, seal).
/// - Parlia (BNB Smart Chain): linkage, gas (bound divisor 256 before Lorentz and 1024 from it, and no doubling at
///   London: Parlia checks the bound against the parent's own limit), blob gas per the spec's schedule, and fork
///   fields as BSC placed them (bsc parlia verifyHeader): no withdrawals root at Shanghai but an empty one from
///   Cancun, with the blob fields; the parent beacon root from Bohr; the requests hash from Prague. Not checked:
///   the base fee value, the block period (blocks below a second apart share a timestamp in seconds, so
///   timestamps need only not decrease), and extraData.
///
/// All functions are noexcept, allocate nothing and are thread-safe.
#include <cstddef>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/validation/error.hpp"

namespace hypasis::validation {

/// Yellow Paper §4.3.4: ‖H_x‖ <= 32 bytes (Ethash and post-merge Ethereum).
inline constexpr std::size_t kMaxExtraDataSize = 32;

/// Validates `header` as the child of `parent` under `spec`'s rules, in the order of the table above; the first
/// broken rule is returned. `parent` is trusted (validated earlier, or the checkpoint anchor); its `hash` is the
/// block hash the child must name. Which forks apply is decided from each header's own number and timestamp.
/// Errors: the HeaderError code of the first broken rule (linkage, gas, fork fields, merge, base fee, blob gas);
/// kMissingBlobSchedule when the spec activates Cancun
/// without blob parameters for the header's timestamp (a broken spec, reported rather than guessed around).
Expected<void, HeaderError> validate_header(const chain::ChainSpec& spec, const SealedHeader& parent,
                                            const BlockHeader& header) noexcept;

/// The same, for a parent whose hash the caller holds separately (`parent_hash` must be keccak(rlp(parent))).
Expected<void, HeaderError> validate_header(const chain::ChainSpec& spec, const BlockHeader& parent,
                                            const Hash& parent_hash, const BlockHeader& header) noexcept;

/// Only the fork-field presence rule: which optional fields `header` must and must not carry under `spec` at its
/// own number and timestamp. Errors: the k...Missing / k...Unexpected codes. Needs no parent, so it also serves
/// headers checked by linkage alone.
Expected<void, HeaderError> check_fork_fields(const chain::ChainSpec& spec, const BlockHeader& header) noexcept;

/// The base fee the child of `parent` must carry under Ethereum's EIP-1559 rules: kInitialBaseFee when London is
/// not active at the parent (the child is the fork block), else next_base_fee(parent base fee, parent gas used,
/// parent gas limit / 2, 8). Error: kParentBaseFeeMissing when the parent is past London but has no base fee.
/// Precondition (not checked): London is active at the child.
Expected<U256, HeaderError> expected_base_fee(const chain::ChainSpec& spec, const BlockHeader& parent) noexcept;

/// The excess blob gas a child of `parent` with timestamp `child_timestamp` (and number parent.number + 1) must
/// carry under `spec`: calc_excess_blob_gas with the blob parameters in force at the child's timestamp, and with
/// EIP-7918 when Osaka is active at the child. Errors: kMissingBlobSchedule (no blob parameters at that
/// timestamp); kParentBaseFeeMissing (EIP-7918 needs the parent's base fee); kExcessBlobGasMismatch when the
/// parent's values overflow 64 bits (no child can match them).
Expected<uint64_t, HeaderError> expected_excess_blob_gas(const chain::ChainSpec& spec, const BlockHeader& parent,
                                                         uint64_t child_timestamp) noexcept;

}  // namespace hypasis::validation
