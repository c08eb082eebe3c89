#pragma once
/// `hypasis p2p fetch ENODE --from N --count C [--bodies] [--receipts] [--out FILE] (--chain NAME | --genesis FILE)
/// [--eth 68|69] [--window W] [--timeout MS] [--nodekey FILE] [--quiet]`: downloads blocks [N, N + C) from one peer
/// over eth/68 or eth/69 (the highest both offer), verifies them, and writes a geth-style chain file.
///
/// - **Session**: RLPx handshake, Hello, and a Status exchange validated like any session (network id, genesis,
///   EIP-2124 fork id at our genesis), through p2p/peers' dial_session. The connection line names the client id
///   and the eth version.
/// - **Requests**: headers in batches of at most 1024 (one GetBlockHeaders by number per batch; a shorter answer
///   is continued from where it stopped), then the batch's bodies (GetBlockBodies of at most 128 hashes) and
///   receipts (GetReceipts of at most 128), with `--window` batches (default 4) in flight at once: the session
///   keeps up to 8 requests in flight, so several batches overlap on the wire. Batches are written in order; a
///   batch is fetched at most `--window` batches ahead of the writer, so memory is bounded by the window.
/// - **Verification**, each failure naming the block and the peer: every header's parent hash is the previous
///   header's hash (within and across batches); block 0, when fetched, must be the chain's genesis (hash); with
///   --bodies, validate_body (transactions root, ommers hash, withdrawals root, blob gas); with --receipts,
///   validate_receipts (gas used, logs bloom, receipts root). A fetch from N > 0 is anchored only in the peer's
///   own header N: nothing local vouches for it, and the output says so.
/// - **Output**: `--out FILE` needs `--bodies` (a chain file holds whole blocks, and an empty body is valid only
///   for a header that commits to one, so writing headers with empty bodies would produce invalid blocks). It is
///   written as FILE.tmp, fsync'd and renamed, so FILE is either complete or absent; `-` writes to stdout.
///   Receipts are verified but not written (chain files carry none). Without --out the fetch verifies only (the
///   headers mode of the benchmark).
/// - **Deadlines**: the handshake and the Status within --timeout; each request within --timeout of being sent
///   (the session's request deadline). A peer that stops answering ends the fetch with an error, never a hang.
/// - **Progress** on stderr (redrawn on a terminal, a line every 5 s otherwise, --quiet for the summary only),
///   then `hypasis: p2p fetch: <blocks>, <MB> in <s> (<blocks/s>, <MB/s>)`; exit 0, or 1 on any failure.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "hypasis/node/commands/chain_options.hpp"
#include "hypasis/node/commands/p2p_command.hpp"
#include "hypasis/node/commands/progress.hpp"

namespace hypasis::node {

struct FetchOptions {
    P2pToolOptions tool;
    ChainOptions chain;
    uint64_t from{0};
    uint64_t count{0};
    bool bodies{false};
    bool receipts{false};
    std::string out;                       ///< empty: verify only; "-": stdout
    std::optional<unsigned> eth_version;   ///< 68 or 69; nullopt offers both
    std::size_t window{4};                 ///< batches in flight
    std::size_t batch{1024};               ///< headers per batch (1..1024)
    std::optional<ProgressMode> progress;  ///< nullopt: detect from `err`
};

/// Runs the command. Blocks go to `out` for "-"; messages, progress and the summary go to `err`. Returns the exit
/// code. Throws std::runtime_error for an unusable --chain/--genesis, std::bad_alloc.
int run_p2p_fetch(const FetchOptions& opts, std::FILE* out, std::FILE* err);

/// Adds `fetch` under `p2p`.
void add_p2p_fetch_command(CLI::App& p2p, int& exit_code);

}  // namespace hypasis::node
