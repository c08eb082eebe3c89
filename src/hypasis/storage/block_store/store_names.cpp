#include <string>
#include <string_view>

#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::storage {

std::string_view to_string(StoreErrc c) noexcept {
    switch (c) {
        case StoreErrc::kCorrupted:
            return "corrupted";
        case StoreErrc::kMalformedRecord:
            return "malformed record";
        case StoreErrc::kSchemaMismatch:
            return "schema mismatch";
        case StoreErrc::kLocked:
            return "locked";
        case StoreErrc::kNotFound:
            return "not found";
        case StoreErrc::kInvalidInput:
            return "invalid input";
        case StoreErrc::kKv:
            break;
    }
    return "storage error";
}

std::string to_string(const StoreError& e) {
    std::string out(to_string(e.code));
    if (e.block_num) out += ": block " + std::to_string(*e.block_num);
    if (!e.what.empty()) out += ": " + e.what;
    return out;
}

std::string_view to_string(LookupStatus s) noexcept {
    switch (s) {
        case LookupStatus::kFound:
            return "found";
        case LookupStatus::kMissingInGap:
            return "missing in gap";
        case LookupStatus::kBeyondHead:
            return "beyond head";
        case LookupStatus::kUnknownHash:
            break;
    }
    return "unknown hash";
}

}  // namespace hypasis::storage
