#pragma once
/// `hypasis export [--datadir D] [--from N] [--to M] FILE`: writes stored blocks N..M (both ends inclusive, as
/// `geth export FILE first last`) as a geth-style chain file: each block's RLP list back to back, byte for byte
/// as it was imported (the store keeps the received header and body bytes), so export ∘ import is the identity.
///
/// - --from defaults to 0 and --to to the highest block whose body is stored.
/// - Every block of the range must be stored with its body. A missing one is an error naming it and its gap,
///   found from the tracker before anything is written: "block 1500 is missing (in the gap [1000, 2000))".
/// - FILE is written as FILE.tmp, flushed and fsync'd, then renamed over FILE (and the directory fsync'd), so a
///   failure or a kill never leaves a partial FILE; a stale FILE.tmp is replaced. `-` writes to stdout instead
///   (no such guarantee there: a failure mid-way has already written the blocks before it).
/// - Exit codes: 0 on success, 1 on a missing block, an unreadable store, a corrupted block (which the store
///   reports and removes, so it then shows as a gap) or a write failure.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "hypasis/node/commands/progress.hpp"

namespace hypasis::node {

struct ExportOptions {
    std::string datadir;
    std::optional<uint64_t> from;          ///< nullopt: 0
    std::optional<uint64_t> to;            ///< nullopt: the bodies head
    std::string file;                      ///< a path, or "-" for `out`
    std::optional<ProgressMode> progress;  ///< nullopt: detect from `err`
};

/// Runs the command. Blocks go to `out` when opts.file is "-", else to the file; messages, progress and the
/// summary go to `err`. Returns the exit code. Throws only std::bad_alloc.
int run_export(const ExportOptions& opts, std::FILE* out, std::FILE* err);

/// Adds `export` to `app`. The callback stores the exit code in `exit_code`, which must outlive the parse.
void add_export_command(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
