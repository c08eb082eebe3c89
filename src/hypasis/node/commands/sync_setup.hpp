#pragma once
/// What `hypasis run` needs before it may sync: the validator set and checkpoint source named by its options,
/// checked against the chain, and the parsing of human-sized quantities in flags ("20MiB").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/beacon/beacon_source.hpp"
#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/checkpoint/source.hpp"
#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/sync/bootstrap.hpp"

namespace hypasis::node {

/// Parses a byte rate: a non-negative number with an optional unit, B, KB/MB/GB (powers of 1000) or KiB/MiB/GiB
/// (powers of 1024), with or without "/s": "0" (unlimited), "500000", "20MiB", "1.5 MB/s". nullopt for anything
/// else (negative, unknown unit, trailing garbage, beyond 2^53).
std::optional<double> parse_byte_rate(std::string_view text) noexcept;

/// What a `beacon:` source needs beyond its URI (`run --trusted-root`, ...).
struct BeaconInputs {
    std::string trusted_root;       ///< 0x + 64 hex: the weak-subjectivity beacon block root
    bool allow_old_root{false};     ///< accept a trusted root older than two weeks
    std::optional<uint64_t> now;    ///< unix seconds to use as now (tests); the system clock when unset
};

/// The checkpoint source of `run --checkpoint URI`, and what verifies it: the validator set of `--validators FILE`,
/// or, for `beacon:URL[,URL...]`, the sync committee the beacon light client follows (no validator set).
struct SyncInputs {
    /// Absent for a beacon: source. On the heap so that the struct can move: a multi: source keeps a reference.
    std::unique_ptr<const checkpoint::ValidatorSet> validators;
    std::unique_ptr<checkpoint::CheckpointSource> source;
    beacon::BeaconSource* beacon{nullptr};  ///< `source` itself when it is the beacon light client.
};

/// For file:, http(s): and multi: URIs: reads the validator set (JSON, at most checkpoint::kMaxJsonBytes), checks
/// that it is for `spec`'s chain id, and builds the source. For `beacon:URL[,URL...]` (Ethereum mainnet only, the
/// beacon chain whose configuration we carry): checks `beacon.trusted_root` and that no validator set was given,
/// and builds the light-client source. Errors are one line for people naming the file or URI.
Expected<SyncInputs, std::string> load_sync_inputs(const std::string& uri, const std::string& validators_path,
                                                   const chain::ChainSpec& spec, const BeaconInputs& beacon = {},
                                                   const checkpoint::HttpOptions& http = {});

/// Fetches the checkpoint of `in` and verifies it: against the validator set, or by the beacon light client's own
/// verification (sync::fetch_verified_checkpoint's two forms). Logs the verified checkpoint.
sync::Task<Expected<checkpoint::VerifiedCheckpoint, sync::BootstrapError>> fetch_verified(SyncInputs& in);

}  // namespace hypasis::node
