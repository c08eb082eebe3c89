#pragma once
/// `hypasis block inspect [FILE...]`: decodes RLP blocks (one, or many concatenated as in a geth chain file) and
/// prints each as geth's eth_getBlockByNumber(n, true) JSON plus a "checks" object (body roots against the
/// header, sender recovery).
///
/// Output, on stdout:
/// - exactly one block in all inputs: that block's JSON object;
/// - zero or several blocks: a JSON array of them (so `[]` for empty input);
/// - with --ndjson: one compact JSON object per line, whatever the count (for streaming into jq or a script).
/// The single-object case lets `hypasis block inspect block.rlp | jq .hash` work on the common one-block input;
/// a script that cannot know the count up front uses --ndjson. Blocks are written as they are decoded; on a
/// malformed block the blocks before it stay written (an array is closed, so stdout stays valid JSON).
///
/// Exit codes: 0 when every block decodes (even if checks fail); 2 with --strict when any check failed; 1 when a
/// file cannot be read or a block is malformed, with one line on stderr naming the file, the block's index in
/// that file (from 0), its byte offset and the RLP error:
///   hypasis: block inspect: chain.rlp: block #3 at byte 12345: input too short
///
/// Reading is streamed: memory holds one block at a time, each capped by --max-block-bytes (checked from the
/// block's RLP header before its bytes are read).
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <CLI/CLI.hpp>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/node/commands/chain_options.hpp"

namespace hypasis::node {

/// Default cap on one block's RLP: 128 MiB. A 30M-gas Ethereum block holds at most ~7.5 MB of calldata (4 gas
/// per zero byte, EIP-2028) and BSC's ~140M gas about 35 MB, so no real block comes near it.
inline constexpr std::size_t kDefaultMaxBlockBytes = std::size_t{128} << 20;

struct BlockInspectOptions {
    std::vector<std::string> files;  ///< Paths; "-" (or none at all) is stdin.
    bool ndjson{false};
    bool strict{false};
    std::size_t max_block_bytes{kDefaultMaxBlockBytes};
    ChainOptions chain;
};

/// One decoded block, encoded for output.
struct InspectedBlock {
    boost::json::object json;  ///< block_to_json(kFull) plus "checks".
    bool checks_ok{true};      ///< Every check in json["checks"] passed.
};

/// Recovers the senders, computes the body roots and builds the block's JSON with its "checks" object:
///   {"ok": bool,
///    "transactionsRoot": {"header": h, "computed": c, "ok": h == c},
///    "ommersHash": {...},
///    "withdrawalsRoot": {...}  (header/computed null when absent; ok when both absent or both equal),
///    "senders": {"ok": bool, "failed": [{"index": i, "hash": "0x…", "error": "…"}]}}
/// `require_low_s` applies EIP-2 (Homestead) to legacy signatures. Throws only std::bad_alloc.
InspectedBlock inspect_block(const Block& block, bool require_low_s);

/// Runs the command: reads every input, writes blocks to `out` and errors to `err` (one line each), and returns
/// the exit code described above. `spec`, when given, supplies the Homestead rule for sender recovery; without
/// it low s is required in every block (true of every chain after its first blocks; pass the chain for
/// pre-Homestead mainnet blocks). Throws only std::bad_alloc.
int run_block_inspect(const BlockInspectOptions& opts, const chain::ChainSpec* spec, std::FILE* out, std::FILE* err);

/// Adds `block` with its `inspect` subcommand to `app`. The callback stores the exit code in `exit_code`;
/// `exit_code` must outlive the parse. A bad --chain/--genesis throws std::runtime_error from the callback.
void add_block_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
