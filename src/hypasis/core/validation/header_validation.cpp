#include "hypasis/core/validation/header_validation.hpp"

#include "hypasis/core/validation/base_fee.hpp"
#include "hypasis/core/validation/blob_gas.hpp"
#include "hypasis/core/validation/body_roots.hpp"

namespace hypasis::validation {

using chain::Consensus;

namespace {

// Ethereum's own engines, whose headers follow every rule of the Yellow Paper and the EIPs.
bool is_ethereum(Consensus c) noexcept {
    return c == Consensus::kEthash || c == Consensus::kClique || c == Consensus::kBeacon;
}

}  // namespace

Expected<void, HeaderError> check_fork_fields(const chain::ChainSpec& spec, const BlockHeader& header) noexcept {
    const uint64_t number = header.number;
    const uint64_t time = header.timestamp;
    const Consensus engine = spec.config.consensus;
    // Bor headers never carry the post-London fields, whichever Ethereum forks Polygon adopted (Bor's verifyHeader
    // rejects withdrawals, blob fields, a beacon root and a requests hash).
    const bool bor = engine == Consensus::kBor;
    const bool parlia = engine == Consensus::kParlia;

    // EIP-1559: base_fee_per_gas from London on.
    const bool london = spec.is_london(number);
    if (london && !header.base_fee_per_gas) return unexpected(HeaderError::kBaseFeeMissing);
    if (!london && header.base_fee_per_gas) return unexpected(HeaderError::kBaseFeeUnexpected);

    const bool cancun = !bor && spec.is_cancun(number, time);
    // EIP-4895: withdrawals_root from Shanghai on. BSC adopted Shanghai without withdrawals and added the (always
    // empty) withdrawals root together with the blob fields at its Cancun fork (bsc parlia verifyHeader).
    const bool shanghai = parlia ? cancun : !bor && spec.is_shanghai(number, time);
    if (shanghai && !header.withdrawals_root) return unexpected(HeaderError::kWithdrawalsRootMissing);
    if (!shanghai && header.withdrawals_root) return unexpected(HeaderError::kWithdrawalsRootUnexpected);

    // EIP-4844: blob_gas_used and excess_blob_gas from Cancun on.
    if (cancun && (!header.blob_gas_used || !header.excess_blob_gas)) {
        return unexpected(HeaderError::kBlobGasFieldsMissing);
    }
    if (!cancun && (header.blob_gas_used || header.excess_blob_gas)) {
        return unexpected(HeaderError::kBlobGasFieldsUnexpected);
    }
    // EIP-4788: parent_beacon_block_root from Cancun on; on BSC from its later Bohr fork (a zero hash there), so BSC
    // headers between Cancun and Bohr have 19 fields.
    const bool beacon_root = parlia ? spec.is_active(chain::Fork::kBohr, number, time) : cancun;
    if (beacon_root && !header.parent_beacon_block_root) return unexpected(HeaderError::kParentBeaconRootMissing);
    if (!beacon_root && header.parent_beacon_block_root) return unexpected(HeaderError::kParentBeaconRootUnexpected);

    // EIP-7685: requests_hash from Prague on.
    const bool prague = !bor && spec.is_prague(number, time);
    if (prague && !header.requests_hash) return unexpected(HeaderError::kRequestsHashMissing);
    if (!prague && header.requests_hash) return unexpected(HeaderError::kRequestsHashUnexpected);
    return {};
}

Expected<U256, HeaderError> expected_base_fee(const chain::ChainSpec& spec, const BlockHeader& parent) noexcept {
    // EIP-1559: the fork block's base fee is INITIAL_BASE_FEE; its parent has none.
    if (!spec.is_london(parent.number)) return U256{kInitialBaseFee};
    if (!parent.base_fee_per_gas) return unexpected(HeaderError::kParentBaseFeeMissing);
    return next_base_fee(*parent.base_fee_per_gas, parent.gas_used, parent.gas_limit / kElasticityMultiplier,
                         kBaseFeeChangeDenominator);
}

Expected<uint64_t, HeaderError> expected_excess_blob_gas(const chain::ChainSpec& spec, const BlockHeader& parent,
                                                         uint64_t child_timestamp) noexcept {
    const uint64_t child_number = parent.number == ~uint64_t{0} ? parent.number : parent.number + 1;
    // The child's schedule, also across a fork boundary (EIP-7691: the Prague block already uses Prague's target).
    const auto params = spec.blob_params_at(child_timestamp);
    if (!params) return unexpected(HeaderError::kMissingBlobSchedule);
    const bool eip7918 = spec.config.is_osaka(child_number, child_timestamp);
    if (eip7918 && !parent.base_fee_per_gas) return unexpected(HeaderError::kParentBaseFeeMissing);
    const auto excess = calc_excess_blob_gas(BlobParent::of(parent), *params, eip7918);
    if (!excess) return unexpected(HeaderError::kExcessBlobGasMismatch);
    return *excess;
}

Expected<void, HeaderError> validate_header(const chain::ChainSpec& spec, const SealedHeader& parent,
                                            const BlockHeader& header) noexcept {
    return validate_header(spec, parent.header, parent.hash, header);
}

Expected<void, HeaderError> validate_header(const chain::ChainSpec& spec, const BlockHeader& parent,
                                            const Hash& parent_hash, const BlockHeader& header) noexcept {
    // Yellow Paper §4.3.4: H_i = P(H)_Hi + 1 and H_p = KEC(RLP(P(H))).
    if (parent.number == ~uint64_t{0} || header.number != parent.number + 1) {
        return unexpected(HeaderError::kNumberMismatch);
    }
    if (header.parent_hash != parent_hash) return unexpected(HeaderError::kParentHashMismatch);

    const Consensus consensus = spec.config.consensus_at(header.number, header.timestamp);
    const bool ethereum = is_ethereum(consensus);

    // Yellow Paper §4.3.4: H_s > P(H)_Hs. Clique, Bor and Parlia bound the gap by their block period, which is
    // consensus-specific and out of scope here; sub-second Parlia blocks share a timestamp in seconds, so for those
    // engines only a decreasing timestamp is rejected.
    const bool strict_time = consensus == Consensus::kEthash || consensus == Consensus::kBeacon;
    if (strict_time ? header.timestamp <= parent.timestamp : header.timestamp < parent.timestamp) {
        return unexpected(HeaderError::kTimestampNotIncreasing);
    }

    // Yellow Paper §4.3.4: ‖H_x‖ <= 32. Clique (EIP-225), Bor and Parlia put signer data in extraData and check
    // their own, longer layouts in consensus code that is not part of this module.
    if (strict_time && header.extra_data.size() > kMaxExtraDataSize) {
        return unexpected(HeaderError::kExtraDataTooLong);
    }

    // Yellow Paper §4.3.4: H_g <= H_l.
    if (header.gas_used > header.gas_limit) return unexpected(HeaderError::kGasUsedAboveLimit);

    // Yellow Paper §4.3.4 gas limit bounds. EIP-1559: at the London block the parent's limit counts twice over, so
    // that the gas target stays where the pre-London limit was. Parlia checks the bound itself, against the parent's
    // own limit, with a divisor of 256 until Lorentz and 1024 from it (bsc parlia verifyCascadingFields).
    const bool parlia = consensus == Consensus::kParlia;
    uint64_t parent_gas_limit = parent.gas_limit;
    const bool london = spec.is_london(header.number);
    if (london && !parlia && !spec.is_london(parent.number)) {
        parent_gas_limit = parent_gas_limit > kMaxGasLimit ? ~uint64_t{0} : parent_gas_limit * kElasticityMultiplier;
    }
    const bool parlia_wide = parlia && !spec.is_active(chain::Fork::kLorentz, header.number, header.timestamp);
    const uint64_t divisor = parlia_wide ? kParliaGasLimitBoundDivisor : kGasLimitBoundDivisor;
    if (auto ok = check_gas_limit(parent_gas_limit, header.gas_limit, divisor); !ok) return ok;

    if (auto ok = check_fork_fields(spec, header); !ok) return ok;

    // EIP-3675: after the merge a header has no proof of work and no ommers.
    if (consensus == Consensus::kBeacon) {
        if (!header.difficulty.is_zero()) return unexpected(HeaderError::kDifficultyNotZero);
        if (header.nonce != FixedBytes<8>{}) return unexpected(HeaderError::kNonceNotZero);
        if (header.ommers_hash != kEmptyOmmersHash) return unexpected(HeaderError::kOmmersHashNotEmpty);
    }

    // EIP-1559 base fee, Ethereum's formula only (see the header's notes on Bor and Parlia).
    if (london && ethereum) {
        const auto expected = expected_base_fee(spec, parent);
        if (!expected) return unexpected(expected.error());
        if (*header.base_fee_per_gas != *expected) return unexpected(HeaderError::kBaseFeeMismatch);
    }

    // EIP-4844 blob gas. check_fork_fields has established that both fields are present exactly when Cancun is.
    if (header.blob_gas_used) {
        const auto params = spec.blob_params_at(header.timestamp);
        if (!params) return unexpected(HeaderError::kMissingBlobSchedule);
        const uint64_t used = *header.blob_gas_used;
        if (used % kGasPerBlob != 0) return unexpected(HeaderError::kBlobGasUsedNotMultiple);
        if (U256{used} > U256{params->max} * U256{kGasPerBlob}) return unexpected(HeaderError::kBlobGasUsedAboveMax);
        const auto expected = expected_excess_blob_gas(spec, parent, header.timestamp);
        if (!expected) return unexpected(expected.error());
        if (*header.excess_blob_gas != *expected) return unexpected(HeaderError::kExcessBlobGasMismatch);
    }
    return {};
}

}  // namespace hypasis::validation
