#include "hypasis/p2p/eth/error.hpp"

#include <string>

namespace hypasis::p2p::eth {

std::string_view to_string(EthError e) noexcept {
    switch (e) {
        case EthError::kMalformedRlp:
            return "malformed rlp";
        case EthError::kWrongShape:
            return "wrong message shape";
        case EthError::kTrailingBytes:
            return "trailing bytes";
        case EthError::kValueOverflow:
            return "integer overflow";
        case EthError::kRequestIdTooLarge:
            return "request id too large";
        case EthError::kInvalidField:
            return "invalid field";
        case EthError::kTooManyItems:
            return "too many items";
        case EthError::kMessageTooLarge:
            return "message too large";
        case EthError::kUnknownMessage:
            return "unknown message code";
        case EthError::kMessageNotInVersion:
            return "message not in negotiated eth version";
        case EthError::kVersionMismatch:
            return "protocol version mismatch";
        case EthError::kNetworkIdMismatch:
            return "network id mismatch";
        case EthError::kGenesisMismatch:
            return "genesis mismatch";
        case EthError::kForkIdRemoteStale:
            return "fork id rejected: remote stale";
        case EthError::kForkIdIncompatible:
            return "fork id rejected: incompatible or local stale";
        case EthError::kInvalidBlockRange:
            return "invalid block range";
    }
    return "unknown eth error";
}

bool is_protocol_violation(EthError e) noexcept {
    switch (e) {
        case EthError::kNetworkIdMismatch:
        case EthError::kGenesisMismatch:
        case EthError::kForkIdRemoteStale:
        case EthError::kForkIdIncompatible:
            return false;
        default:
            return true;
    }
}

namespace {

class EthCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "eth"; }
    std::string message(int ev) const override { return std::string(to_string(static_cast<EthError>(ev))); }
};

}  // namespace

const std::error_category& eth_category() noexcept {
    static const EthCategory category;
    return category;
}

std::error_code make_error_code(EthError e) noexcept { return {static_cast<int>(e), eth_category()}; }

EthError from_rlp(rlp::DecodingError e) noexcept {
    using rlp::DecodingError;
    switch (e) {
        case DecodingError::kInputTooShort:
        case DecodingError::kLeadingZero:
        case DecodingError::kNonCanonicalSize:
        case DecodingError::kTooDeep:
            return EthError::kMalformedRlp;
        case DecodingError::kInputTooLong:
            return EthError::kTrailingBytes;
        case DecodingError::kUnexpectedList:
        case DecodingError::kUnexpectedString:
        case DecodingError::kListLengthMismatch:
            return EthError::kWrongShape;
        case DecodingError::kOverflow:
            return EthError::kValueOverflow;
        case DecodingError::kUnexpectedLength:
        case DecodingError::kUnsupportedType:
            return EthError::kInvalidField;
        case DecodingError::kTooLarge:
            return EthError::kTooManyItems;
    }
    return EthError::kMalformedRlp;
}

}  // namespace hypasis::p2p::eth
