#pragma once
/// The one error type of the devnet library: what went wrong while building or starting a devnet.
#include <string>
#include <string_view>

namespace hypasis::devnet {

enum class [[nodiscard]] DevnetErrc {
    kBadOptions = 1,  ///< An option out of range or inconsistent (detail names it).
    kBadProfile,      ///< A --peers entry that is not a known fault profile.
    kGenesis,         ///< The chain's genesis.json cannot be written (genesis_file.hpp says why).
    kValidators,      ///< The validator set or the checkpoint cannot be made.
    kIo,              ///< A file under the devnet directory cannot be written.
    kListen,          ///< A peer cannot listen (port in use, ...).
    kState,           ///< start() twice, or a call that needs a started devnet.
};

/// "bad options", "bad profile", ...
std::string_view to_string(DevnetErrc e) noexcept;

struct DevnetError {
    DevnetErrc code{DevnetErrc::kBadOptions};
    std::string detail;
};

/// "bad profile: 'hnoest' (known: honest, slow, flaky, withholding, invalid, lying)" and the like.
std::string to_string(const DevnetError& e);

}  // namespace hypasis::devnet
