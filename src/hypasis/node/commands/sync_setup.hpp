#pragma once
/// What `hypasis run` needs before it may sync: the validator set and checkpoint source named by its options,
/// checked against the chain, and the parsing of human-sized quantities in flags ("20MiB").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/checkpoint/source.hpp"
#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/expected.hpp"

namespace hypasis::node {

/// Parses a byte rate: a non-negative number with an optional unit, B, KB/MB/GB (powers of 1000) or KiB/MiB/GiB
/// (powers of 1024), with or without "/s": "0" (unlimited), "500000", "20MiB", "1.5 MB/s". nullopt for anything
/// else (negative, unknown unit, trailing garbage, beyond 2^53).
std::optional<double> parse_byte_rate(std::string_view text) noexcept;

/// The validator set file and checkpoint source of `run --checkpoint URI --validators FILE`.
struct SyncInputs {
    checkpoint::ValidatorSet validators;
    std::unique_ptr<checkpoint::CheckpointSource> source;
};

/// Reads the validator set (JSON, at most checkpoint::kMaxJsonBytes), checks that it is for `spec`'s chain id, and
/// builds the source for `uri`. `validators` must outlive the returned source's use (a multi: source keeps a
/// pointer). Errors are one line for people naming the file or URI.
Expected<SyncInputs, std::string> load_sync_inputs(const std::string& uri, const std::string& validators_path,
                                                   const chain::ChainSpec& spec,
                                                   const checkpoint::HttpOptions& http = {});

}  // namespace hypasis::node
