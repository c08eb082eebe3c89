#include "hypasis/core/validation/error.hpp"

namespace hypasis::validation {

std::string_view to_string(HeaderError e) noexcept {
    switch (e) {
        case HeaderError::kNumberMismatch: return "block number is not parent number + 1";
        case HeaderError::kParentHashMismatch: return "parent hash mismatch";
        case HeaderError::kTimestampNotIncreasing: return "timestamp not after parent";
        case HeaderError::kGasUsedAboveLimit: return "gas used above gas limit";
        case HeaderError::kGasLimitTooHigh: return "gas limit above 2^63-1";
        case HeaderError::kGasLimitOutOfBounds: return "gas limit outside parent bounds";
        case HeaderError::kGasLimitBelowMinimum: return "gas limit below 5000";
        case HeaderError::kBaseFeeMismatch: return "base fee mismatch";
        case HeaderError::kParentBaseFeeMissing: return "parent base fee missing";
        case HeaderError::kBaseFeeMissing: return "base fee missing";
        case HeaderError::kBaseFeeUnexpected: return "base fee before london";
        case HeaderError::kWithdrawalsRootMissing: return "withdrawals root missing";
        case HeaderError::kWithdrawalsRootUnexpected: return "withdrawals root unexpected";
        case HeaderError::kBlobGasFieldsMissing: return "blob gas fields missing";
        case HeaderError::kBlobGasFieldsUnexpected: return "blob gas fields unexpected";
        case HeaderError::kParentBeaconRootMissing: return "parent beacon block root missing";
        case HeaderError::kParentBeaconRootUnexpected: return "parent beacon block root unexpected";
        case HeaderError::kRequestsHashMissing: return "requests hash missing";
        case HeaderError::kRequestsHashUnexpected: return "requests hash unexpected";
        case HeaderError::kBlobGasUsedNotMultiple: return "blob gas used not a multiple of 2^17";
        case HeaderError::kBlobGasUsedAboveMax: return "blob gas used above maximum";
        case HeaderError::kExcessBlobGasMismatch: return "excess blob gas mismatch";
        case HeaderError::kMissingBlobSchedule: return "no blob schedule for timestamp";
        case HeaderError::kExtraDataTooLong: return "extra data longer than 32 bytes";
        case HeaderError::kDifficultyNotZero: return "difficulty not zero after merge";
        case HeaderError::kNonceNotZero: return "nonce not zero after merge";
        case HeaderError::kOmmersHashNotEmpty: return "ommers hash not empty after merge";
    }
    return "unknown header error";
}

std::string_view to_string(BodyError e) noexcept {
    switch (e) {
        case BodyError::kTransactionsRootMismatch: return "transactions root mismatch";
        case BodyError::kOmmersHashMismatch: return "ommers hash mismatch";
        case BodyError::kWithdrawalsMissing: return "withdrawals missing";
        case BodyError::kWithdrawalsUnexpected: return "withdrawals unexpected";
        case BodyError::kWithdrawalsRootMismatch: return "withdrawals root mismatch";
        case BodyError::kBlobGasUsedMismatch: return "blob gas used mismatch";
        case BodyError::kBlobTransactionUnexpected: return "blob transaction before cancun";
        case BodyError::kReceiptsRootMismatch: return "receipts root mismatch";
        case BodyError::kLogsBloomMismatch: return "logs bloom mismatch";
        case BodyError::kGasUsedMismatch: return "cumulative gas used mismatch";
        case BodyError::kInvalidSignature: return "invalid transaction signature";
        case BodyError::kInvalidChainId: return "invalid transaction chain id";
        case BodyError::kTxnTypeNotActive: return "transaction type not active";
    }
    return "unknown body error";
}

}  // namespace hypasis::validation
