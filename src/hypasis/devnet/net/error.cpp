#include "hypasis/devnet/net/error.hpp"

namespace hypasis::devnet {

std::string_view to_string(DevnetErrc e) noexcept {
    switch (e) {
        case DevnetErrc::kBadOptions: return "bad options";
        case DevnetErrc::kBadProfile: return "bad profile";
        case DevnetErrc::kGenesis: return "cannot write genesis.json";
        case DevnetErrc::kValidators: return "cannot make the validators or the checkpoint";
        case DevnetErrc::kIo: return "cannot write a file";
        case DevnetErrc::kListen: return "cannot listen";
        case DevnetErrc::kState: return "wrong state";
    }
    return "unknown devnet error";
}

std::string to_string(const DevnetError& e) {
    std::string s(to_string(e.code));
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

}  // namespace hypasis::devnet
