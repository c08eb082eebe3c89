#pragma once
/// The `--chain NAME | --genesis FILE` pair shared by every subcommand that needs a chain.
#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "hypasis/core/chain/chain_spec.hpp"

namespace hypasis::node {

/// Cap on a genesis.json read by --genesis: far above mainnet's (under 1 MiB) and test networks with large
/// allocs, while bounding what a mistaken path (a chain file, a device) can make us read.
inline constexpr std::size_t kMaxGenesisFileBytes = std::size_t{256} << 20;

struct ChainOptions {
    std::string chain;    ///< a built-in chain name, or empty
    std::string genesis;  ///< a geth genesis.json path, or empty
};

/// Adds `--chain` and `--genesis` (mutually exclusive) to `cmd`. With `required`, one of them must be given.
void add_chain_options(CLI::App& cmd, ChainOptions& opts, bool required);

/// True when either option was given.
inline bool has_chain(const ChainOptions& opts) noexcept { return !opts.chain.empty() || !opts.genesis.empty(); }

/// Resolves the options to a chain spec: the built-in one, or one built from the genesis file (read whole, at
/// most kMaxGenesisFileBytes). Throws std::runtime_error with a message naming the problem (unknown chain, with
/// the list of built-in names; unreadable or oversized file; bad genesis field, by its JSON path; neither or both
/// options given); this runs at start-up only.
chain::ChainSpec resolve_chain_options(const ChainOptions& opts);

}  // namespace hypasis::node
