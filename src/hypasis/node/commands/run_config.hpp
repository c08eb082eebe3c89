#pragma once
/// The daemon's TOML configuration file (`hypasis run --config hypasis.toml`).
///
/// Every key is a `run` flag's long name, in the section that flag belongs to (run --help lists both):
///
///     [p2p]
///     port = 30303
///     static-peer = ["enode://…@127.0.0.1:30304"]
///     [budget]
///     bandwidth = "20MiB"
///
/// Flags on the command line override the file, key by key. A key that is not a flag, a key in the wrong
/// section, a nested table or a value of an unsupported type is an error naming the file, the line and the key:
/// a typo must not silently fall back to a default. Values are converted and validated exactly as the flag
/// would be (the same ranges and checks).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hypasis/core/common/expected.hpp"

namespace hypasis::node {

/// Cap on a configuration file: far above any real one, bounding what a mistaken path can make us read.
inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{1} << 20;

/// One key of the file, flattened: values as text (a TOML array gives several), with where it was written.
struct ConfigEntry {
    std::string section;  ///< "" for top-level keys
    std::string key;
    std::vector<std::string> values;
    int line{0};
};

/// Reads and parses `path` (at most kMaxConfigFileBytes). Errors: unreadable or oversized file, TOML syntax (with
/// line and column), tables nested more than one level, values other than strings, integers, floats, booleans
/// and arrays of those.
Expected<std::vector<ConfigEntry>, std::string> read_config_file(const std::string& path);

/// Applies `entries` to `cmd`'s options that were not given on the command line. `sections` maps each flag's
/// long name (without dashes) to its section. Errors name the file (`path`), the line and the key.
Expected<void, std::string> apply_config(CLI::App& cmd, const std::vector<ConfigEntry>& entries,
                                         const std::map<std::string, std::string>& sections, const std::string& path);

}  // namespace hypasis::node
