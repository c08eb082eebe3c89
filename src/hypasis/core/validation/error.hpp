#pragma once
/// Errors of header and block validation. Each code names the rule that failed; the rule's source (Yellow Paper
/// section or EIP) is cited beside it. Every code is a property of the input (or, for kMissingBlobSchedule, of the
/// chain spec), never a failure of Hypasis itself. Data from peers gets these codes; nothing is asserted on it.
#include <string_view>

namespace hypasis::validation {

/// Why a header is not a valid child of its parent (validate_header, validate_linkage and the rule functions).
enum class [[nodiscard]] HeaderError{
    // Linkage (Yellow Paper §4.3.4).
    kNumberMismatch = 1,      ///< H_i != P(H)_Hi + 1.
    kParentHashMismatch,      ///< H_p != KEC(RLP(P(H))): the parent hash is not the parent's block hash.
    kTimestampNotIncreasing,  ///< H_s <= P(H)_Hs (or H_s < P(H)_Hs where a chain allows equal timestamps).
    // Gas (Yellow Paper §4.3.4, EIP-1559, EIP-1985).
    kGasUsedAboveLimit,     ///< H_g > H_l.
    kGasLimitTooHigh,       ///< H_l > 2^63 - 1 (EIP-1985).
    kGasLimitOutOfBounds,   ///< |H_l - P(H)_Hl| >= P(H)_Hl / 1024 (doubled parent at London; BSC: / 256 pre-Lorentz).
    kGasLimitBelowMinimum,  ///< H_l < 5000.
    // EIP-1559 base fee.
    kBaseFeeMismatch,       ///< base_fee_per_gas differs from the value computed from the parent.
    kParentBaseFeeMissing,  ///< The parent is past London but carries no base fee (a malformed parent).
    // Fork-field presence: a field is required exactly from the fork that introduced it.
    kBaseFeeMissing,              ///< London (EIP-1559) is active but base_fee_per_gas is absent.
    kBaseFeeUnexpected,           ///< base_fee_per_gas present before London.
    kWithdrawalsRootMissing,      ///< Shanghai (EIP-4895) is active but withdrawals_root is absent.
    kWithdrawalsRootUnexpected,   ///< withdrawals_root present before Shanghai (or on a chain without withdrawals).
    kBlobGasFieldsMissing,        ///< Cancun (EIP-4844) is active but blob_gas_used / excess_blob_gas are absent.
    kBlobGasFieldsUnexpected,     ///< blob_gas_used or excess_blob_gas present before Cancun.
    kParentBeaconRootMissing,     ///< Cancun (EIP-4788) is active but parent_beacon_block_root is absent.
    kParentBeaconRootUnexpected,  ///< parent_beacon_block_root present before Cancun.
    kRequestsHashMissing,         ///< Prague (EIP-7685) is active but requests_hash is absent.
    kRequestsHashUnexpected,      ///< requests_hash present before Prague.
    // EIP-4844 blob gas (with EIP-7691 / EIP-7840 / EIP-7892 blob schedules and EIP-7918 from Osaka).
    kBlobGasUsedNotMultiple,  ///< blob_gas_used is not a multiple of GAS_PER_BLOB (2^17).
    kBlobGasUsedAboveMax,     ///< blob_gas_used > max blobs per block × GAS_PER_BLOB for the header's timestamp.
    kExcessBlobGasMismatch,   ///< excess_blob_gas differs from calc_excess_blob_gas(parent).
    kMissingBlobSchedule,     ///< The chain spec activates Cancun but has no blob parameters for this timestamp.
    // Yellow Paper §4.3.4 and EIP-3675 (the merge).
    kExtraDataTooLong,    ///< More than 32 bytes of extraData on a chain that limits it.
    kDifficultyNotZero,   ///< Post-merge header with a non-zero difficulty (EIP-3675).
    kNonceNotZero,        ///< Post-merge header with a non-zero nonce (EIP-3675).
    kOmmersHashNotEmpty,  ///< Post-merge header whose ommers hash is not keccak(rlp([])) (EIP-3675).
};

/// A short, stable, human-readable name of the rule ("parent hash mismatch", …).
std::string_view to_string(HeaderError e) noexcept;

/// Why a body (or a receipt list) does not match its header, or a transaction in it is invalid.
enum class [[nodiscard]] BodyError{
    // Body against header (Yellow Paper §4.3.2 and §11.1; EIP-4895; EIP-4844).
    kTransactionsRootMismatch = 1,  ///< transactionsRoot of the body differs from the header's.
    kOmmersHashMismatch,            ///< keccak(rlp(ommers)) differs from the header's ommers hash.
    kWithdrawalsMissing,            ///< The header has a withdrawals root but the body no withdrawals list.
    kWithdrawalsUnexpected,         ///< The body has a withdrawals list but the header no withdrawals root.
    kWithdrawalsRootMismatch,       ///< withdrawalsRoot of the body differs from the header's.
    kBlobGasUsedMismatch,           ///< Sum of blobs × 2^17 over type-3 transactions differs from blob_gas_used.
    kBlobTransactionUnexpected,     ///< A type-3 transaction in a block whose header has no blob_gas_used.
    // Receipts against header (Yellow Paper §4.3.1, EIP-2718, EIP-658).
    kReceiptsRootMismatch,  ///< receiptsRoot of the receipts differs from the header's.
    kLogsBloomMismatch,     ///< The OR of the receipts' blooms differs from the header's logs bloom.
    kGasUsedMismatch,       ///< The last receipt's cumulative gas differs from the header's gas_used.
    // Transactions (validate_block_senders).
    kInvalidSignature,  ///< The signature yields no sender (see SenderFailure::cause; EIP-2 low s).
    kInvalidChainId,    ///< Chain id differs from the chain's, or EIP-155 used before Spurious Dragon.
    kTxnTypeNotActive,  ///< A transaction type before the fork that introduced it (EIP-2718 family).
};

/// A short, stable, human-readable name of the rule ("transactions root mismatch", …).
std::string_view to_string(BodyError e) noexcept;

}  // namespace hypasis::validation
