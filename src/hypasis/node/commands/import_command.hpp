#pragma once
/// `hypasis import [--datadir D] FILE...`: stores the blocks of geth-style chain files (block RLP lists back to
/// back, as `geth export` and `hypasis export` write them) in the block store.
///
/// What is checked before a block is stored (a failure stops the import, see below):
/// - it decodes strictly (decode_block_item), and the file does not end inside it;
/// - its body matches its header: transactions root, ommers hash, withdrawals root, blob gas (validate_body);
/// - linkage to its neighbours wherever this import knows them (earlier in the input, or stored): when block
///   n - 1 is known, block n must name it as its parent; when block n + 1 is known, it must name block n;
/// - a block already known under its number must be the same block (same hash): it is skipped, so importing a
///   file twice, or again after a kill, is harmless. A different block there is an error naming the number;
///   replacing canonical blocks (a reorg) is not import's job.
/// Blocks may come in any order and a file may hold any blocks (geth's export writes consecutive ones; a file of
/// scattered blocks such as test fixtures works too). Blocks not adjacent to stored data are stored, and the space
/// between shows as a gap.
///
/// Durability and restarts: blocks are written in batches (batch_blocks blocks or batch_bytes of RLP, whichever
/// comes first, and at the end of each file), each one atomic WriteBatch of rows and tracker records written with
/// Durability::kSync. A kill at any moment leaves every acknowledged batch stored and nothing of the others, so
/// running the same import again completes it.
///
/// Failures: the batch in progress (blocks before the bad one, all checked) is written first, then one line on
/// `err` names the file, the block number, where it is in the file and the reason, e.g.
///   hypasis: import: chain.rlp: block 1234 (item #1234 at byte 5678901): transactions root mismatch
/// and the exit code is 1. Everything imported before stays stored and readable.
///
/// Progress goes to `err`: a redrawn bar on a terminal, a line every few seconds otherwise, and one summary line
/// at the end (also after a failure).
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/node/commands/block_inspect.hpp"
#include "hypasis/node/commands/progress.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::node {

struct ImportOptions {
    std::string datadir;
    std::vector<std::string> files;  ///< Paths; "-" is stdin.
    std::size_t batch_blocks{1000};
    std::size_t batch_bytes{std::size_t{32} << 20};
    std::size_t max_block_bytes{kDefaultMaxBlockBytes};
    std::optional<ProgressMode> progress;  ///< nullopt: detect from `err` (bar on a terminal).
};

/// What an import did.
struct ImportStats {
    uint64_t blocks{0};   ///< blocks read and checked
    uint64_t written{0};  ///< of those, newly stored
    uint64_t skipped{0};  ///< of those, already stored (same hash) and left alone
    uint64_t bytes{0};    ///< RLP bytes read
    std::optional<uint64_t> lowest;
    std::optional<uint64_t> highest;
};

/// The outcome of import_files.
struct ImportResult {
    ImportStats stats;
    bool ok{true};  ///< false after a failure (its line has been written)
};

/// Imports every file of `opts.files` into `store`, in order, reporting progress to `progress` and a failure's
/// line to `err` (opts.datadir and opts.progress are not used here). Throws only std::bad_alloc.
ImportResult import_files(storage::BlockStore& store, const ImportOptions& opts, ProgressReporter& progress,
                          std::FILE* err);

/// Runs the command: opens the store in opts.datadir (creating it), imports, and prints the summary. Returns the
/// exit code: 0 when every file was imported, 1 otherwise. Throws only std::bad_alloc.
int run_import(const ImportOptions& opts, std::FILE* err);

/// Adds `import` to `app`. The callback stores the exit code in `exit_code`, which must outlive the parse.
void add_import_command(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
