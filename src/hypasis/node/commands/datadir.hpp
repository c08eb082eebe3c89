#pragma once
/// The `--datadir DIR` option shared by every command that uses the block store (`import`, `export`, `db …`),
/// and opening the store there with one clear message per failure.
///
/// The default is kDefaultDatadir, relative to the working directory: a first `hypasis import chain.rlp` works
/// without flags and leaves its data where the operator can see it, rather than in a hidden folder of $HOME.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::node {

/// The datadir when --datadir is not given.
inline constexpr const char* kDefaultDatadir = "./hypasis-data";

/// Adds `--datadir DIR` to `cmd`, defaulting to kDefaultDatadir.
void add_datadir_option(CLI::App& cmd, std::string& datadir);

/// Whether opening may create a new, empty store.
enum class StoreAccess : uint8_t {
    kCreate,    ///< import: a missing datadir is created
    kExisting,  ///< export, db: a missing datadir is an error (never leave an empty database behind a typo)
};

/// Opens the block store in `datadir`. On failure returns one line for people (without the "hypasis: cmd: "
/// prefix) that names the datadir and says what to do:
/// - locked: "the datadir D is in use by another process (a running hypasis, or another import or export)";
/// - not found (kExisting): "no Hypasis database in D (import blocks first, or check --datadir)";
/// - anything else: "cannot open the datadir D: <store error>".
/// Throws only std::bad_alloc.
Expected<std::unique_ptr<storage::BlockStore>, std::string> open_block_store(const std::string& datadir,
                                                                             StoreAccess access);

/// Why block `block_num` cannot be read, judged by the tracker of `kind` (no I/O), for a message:
/// - "block N is missing (in the gap [a, b))" when blocks of `kind` are stored above it; [a, b) is the whole run
///   of missing blocks around it (a = 0 when nothing is stored below it);
/// - "block N is beyond the head H" when H is the highest stored block of `kind`;
/// - "block N is beyond the head (nothing is stored)" when no block of `kind` is stored.
/// Commands that read whole blocks pass DataKind::kBodies (a block is readable when its body is). Copies the
/// tracker (O(intervals)). Throws only std::bad_alloc.
std::string describe_absent_block(const storage::BlockStore& store, storage::DataKind kind, uint64_t block_num);

}  // namespace hypasis::node
