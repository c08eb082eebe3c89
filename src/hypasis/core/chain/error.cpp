#include "hypasis/core/chain/error.hpp"

namespace hypasis::chain {

std::string_view to_string(ChainErrc e) noexcept {
    switch (e) {
        case ChainErrc::kInvalidJson:
            return "invalid JSON";
        case ChainErrc::kMissingField:
            return "missing field";
        case ChainErrc::kWrongType:
            return "wrong JSON type";
        case ChainErrc::kInvalidValue:
            return "invalid value";
        case ChainErrc::kOutOfRange:
            return "value out of range";
        case ChainErrc::kForkOrder:
            return "unsupported fork ordering";
        case ChainErrc::kMissingBlobSchedule:
            return "missing blobSchedule entry";
        case ChainErrc::kUnknownChain:
            return "unknown chain";
        case ChainErrc::kNoChainSource:
            return "no chain given (need a chain name or a genesis file)";
        case ChainErrc::kConflictingChainSources:
            return "both a chain name and a genesis file given";
    }
    return "unknown chain error";
}

std::string to_string(const ChainError& e) {
    std::string out(to_string(e.code));
    if (!e.field.empty()) {
        out += " at '";
        out += e.field;
        out += '\'';
    }
    return out;
}

}  // namespace hypasis::chain
