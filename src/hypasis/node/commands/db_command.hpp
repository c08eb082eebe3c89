#pragma once
/// `hypasis db gaps` and `hypasis db get N`: what the block store holds, for operators and scripts.
///
/// `db gaps [--datadir D] [--json] [--all]`: for each data kind (headers, bodies, receipts) the stored intervals,
/// the gaps between them and below the lowest one down to block 0, the counts and the head. All ranges are
/// half-open `[first, end)`. The table shows at most kDefaultGapRows rows per kind unless --all; the JSON always
/// has every interval:
///   {"headers": {"head": 2999 | null, "storedBlocks": 2000, "missingBlocks": 1000,
///                "stored": [{"first": 0, "end": 1000}, {"first": 2000, "end": 3000}],
///                "gaps": [{"first": 1000, "end": 2000}]},
///    "bodies": {...}, "receipts": {...}}
/// missingBlocks counts the gaps' blocks (those below the head), never the unbounded space above it.
///
/// `db get [--datadir D] N [--json]`: block N read through the store's checked path. With --json, exactly what
/// `hypasis block inspect` prints for that block's RLP (block JSON plus "checks"; the same code builds it);
/// without, a short summary. A block that is not there exits 1 with "block N is missing (in the gap [a, b))" or
/// "block N is beyond the head H"; a corrupted one exits 1 with the store's reason (the store has removed it, so
/// it now shows in `db gaps`).
///
/// Both open the store without creating it: a wrong --datadir is reported, not turned into an empty database.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::node {

/// Rows per kind in the `db gaps` table without --all.
inline constexpr std::size_t kDefaultGapRows = 100;

struct DbGapsOptions {
    std::string datadir;
    bool json{false};
    bool all{false};
};

struct DbGetOptions {
    std::string datadir;
    uint64_t block_num{0};
    bool json{false};
};

/// One kind's entry of the `db gaps` JSON (see above). Throws only std::bad_alloc.
boost::json::object gaps_to_json(const storage::RangeTracker& tracker);

/// One kind's section of the `db gaps` table: a heading line ("headers: 2000 stored in 2 ranges, 1000 missing in
/// 1 gap, head 2999", or "headers: nothing stored"), then one row per interval and gap in block order, at most
/// `max_rows` of them followed by a line saying how many were left out. Throws only std::bad_alloc.
std::string gaps_table(storage::DataKind kind, const storage::RangeTracker& tracker, std::size_t max_rows);

/// Runs `db gaps`; output to `out`, failures to `err`. Returns the exit code (0, or 1 when the store cannot be
/// opened). Throws only std::bad_alloc.
int run_db_gaps(const DbGapsOptions& opts, std::FILE* out, std::FILE* err);

/// Runs `db get`; output to `out`, failures to `err`. Returns 0 when the block was printed, 1 otherwise.
/// Throws only std::bad_alloc.
int run_db_get(const DbGetOptions& opts, std::FILE* out, std::FILE* err);

/// Adds `db` with its `gaps` and `get` subcommands to `app`. Callbacks store the exit code in `exit_code`, which
/// must outlive the parse.
void add_db_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
