#pragma once
/// `hypasis chain info (--chain NAME | --genesis FILE) [--head N] [--time T]`: prints what Hypasis knows of a
/// chain as one indented JSON object, so that an operator can check a custom genesis.json (its genesis hash, its
/// fork schedule, the EIP-2124 fork id peers will see) before pointing a node at it.
///
/// Output, on stdout (keys in this order):
///   {"name": "mainnet", "chainId": 1, "networkId": 1, "consensus": "ethash",
///    "genesisHash": "0x…",
///    "genesis": {…},                 header_to_json() of the genesis header; absent when the spec has none
///                                    (Polygon, BSC: only their genesis hash is built in)
///    "forks": [{"name": "homestead", "block": 1150000}, …, {"name": "shanghai", "timestamp": 1681338455}, …],
///    "blobSchedule": {"cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477}, …},  when any
///    "head": {"number": 0, "timestamp": 0},
///    "forkId": {"hash": "0xfc64ec04", "next": 1150000}}
///
/// - `consensus` is the engine the chain starts with (core/chain's to_string(Consensus)); an Ethereum chain that
///   merged later still says "ethash" or "clique", as in its genesis.json.
/// - `forks` lists every scheduled fork: block forks by block number, then timestamp forks by timestamp (the order
///   EIP-2124 and EIP-6122 count them in); forks at the same point keep the chain module's Fork order. Names are
///   geth's config field names without the Block/Time suffix. A fork that does not count for the fork id (Bor's
///   nested `bor` forks) carries `"inForkId": false`.
/// - `blobSchedule` is keyed by fork name, like geth's config.blobSchedule, in Fork order.
/// - `forkId` is EIP-2124's (with EIP-6122 timestamp forks) for a head at `head` = (--head, --time). Each
///   defaults to the genesis: block 0 and the genesis timestamp. The two are independent inputs, since a block's
///   timestamp cannot be derived from its number: past the first timestamp fork give both.
///
/// Exit codes: 0 on success; 1 when the chain cannot be resolved (unknown --chain name; --genesis file missing,
/// unreadable, larger than kMaxGenesisFileBytes or not a valid genesis.json), with the one line that
/// resolve_chain_options() describes, `hypasis: <reason>`, on stderr; 1 when stdout cannot be written.
#include <cstdint>
#include <cstdio>
#include <optional>

#include <boost/json/object.hpp>
#include <CLI/CLI.hpp>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/node/commands/chain_options.hpp"

namespace hypasis::node {

struct ChainInfoOptions {
    ChainOptions chain;            ///< Exactly one of --chain / --genesis (enforced by the CLI wiring).
    std::optional<uint64_t> head;  ///< --head: the head block number for the fork id; default 0.
    std::optional<uint64_t> time;  ///< --time: the head timestamp for the fork id; default the genesis time.
};

/// The JSON object described in the file comment for `spec`, with the fork id at (head_number, head_time).
/// Throws only std::bad_alloc. Thread-safe (reads `spec` only).
boost::json::object chain_info_json(const chain::ChainSpec& spec, uint64_t head_number, uint64_t head_time);

/// Runs the command: resolves the chain, writes the pretty JSON and a newline to `out`, and returns the exit code
/// described in the file comment, writing the error line to `err`. Throws only std::bad_alloc.
int run_chain_info(const ChainInfoOptions& opts, std::FILE* out, std::FILE* err);

/// Adds `chain` with its `info` subcommand to `app`. The callback stores the exit code in `exit_code`, which must
/// outlive the parse.
void add_chain_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
