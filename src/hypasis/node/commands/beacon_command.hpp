#pragma once
/// `hypasis checkpoint beacon`: the Ethereum beacon light client from the command line (beacon/README.md).
///
/// - `checkpoint beacon --api URL [--api URL2 ...] --trusted-root ROOT [--json] [--datadir D] [--timeout-ms MS]
///   [--ca-file F] [--max-age-days N] [--allow-old-root]`: bootstraps from ROOT (or from the finalized root
///   persisted in D), catches up, verifies the finality and optimistic updates, and prints the verified finalized
///   checkpoint with its record (slot, participation, period, endpoint), the optimistic head, and every bad
///   answer with its endpoint. Exit 0 when verified; 1 when refused (a typed reason is printed); 2 on bad input.
/// - hidden `checkpoint beacon-ssz --type T --fork F [--preset mainnet|minimal] --input FILE`: reads a JSON array of
///   {"json": <Beacon API form of one T>, "ssz": "0x..."} and prints, for each, the hash_tree_root of the parsed
///   JSON, our SSZ encoding of it, and the root of the given SSZ decoded by us. The interop test
///   (tests/interop/ssz) compares them with @lodestar/types.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace hypasis::node {

struct BeaconCheckpointOptions {
    std::vector<std::string> api;
    std::string trusted_root;
    bool json{false};
    std::string datadir;
    uint64_t timeout_ms{10000};
    std::string ca_file;
    uint64_t max_age_days{14};
    bool allow_old_root{false};
    std::optional<uint64_t> now;  ///< Unix seconds; the system clock when unset (tests inject it).
};

struct BeaconSszOptions {
    std::string type;
    std::string fork;
    std::string preset{"mainnet"};
    std::string input;
};

/// Each runs its command, printing to `out` and `err`, and returns the exit code. Throw only std::bad_alloc.
int run_checkpoint_beacon(const BeaconCheckpointOptions& opts, std::FILE* out, std::FILE* err);
int run_beacon_ssz(const BeaconSszOptions& opts, std::FILE* out, std::FILE* err);

/// Adds `beacon` (and the hidden `beacon-ssz`) under the `checkpoint` subcommand of `app`, which
/// register_checkpoint_commands() must have added first (if it is absent, a `checkpoint` group is created). Callbacks
/// store the exit code in `exit_code`, which must outlive the parse.
void register_beacon_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
