#pragma once
/// The gap-aware block store (DESIGN §4, issue #3): headers, bodies and receipts by block number, with indexes by
/// block hash and transaction hash, one range tracker per data kind, a hot cache of decoded blocks, and integrity
/// checks on every read. The schema, the atomicity argument and what a crash can and cannot do are in
/// storage/README.md.
///
/// Contracts shared by every method:
/// - **Atomic writes.** Each write method builds ONE kv WriteBatch holding the rows, the hash_to_num entries and
///   the range-tracker records, so after a crash either all of it is on disk or none of it is. The trackers on
///   disk always describe exactly the rows on disk.
/// - **The transaction index follows the writes.** It is written by a background thread into its own database
///   (`<datadir>/tx_index`) with its own tracker of indexed bodies, usually milliseconds after the block write
///   returns; find_transaction() misses a transaction until then (wait_for_txn_index() waits). A crash in between
///   is repaired on open, which indexes every stored body that is not. Why, and the argument that the index never
///   points at a body that is not stored: tx_indexer.hpp.
/// - **Writes trust their input's own invariants** (a SealedHeader's hash is keccak of its rlp; a decoded body
///   re-encodes to the bytes received): callers validate linkage and roots before storing (sync and import do).
///   The store checks only what keeps it consistent: bodies and receipts need their header stored (or written
///   in the same call), and numbers must line up.
/// - **Checked reads.** A header read from disk is re-hashed (keccak) and compared with the hash stored beside it
///   and with the number or hash asked for; a body is checked against its header's transactions root, ommers hash
///   and withdrawals root; receipts against its receipts root, logs bloom and gas used. A failure returns
///   StoreError{kCorrupted, block_num, what}, never data, and the store repairs itself in one batch: the bad rows
///   are deleted and the block leaves the trackers, so it then reads as kMissingInGap and shows in gaps().
/// - **Gap-aware answers.** A number is kFound, kMissingInGap (at or below the kind's highest stored block, but
///   not stored) or kBeyondHead (above the highest stored block, or the kind has nothing stored).
///
/// Thread-safety: every method may be called from any number of threads. Writes (and the repair after a failed
/// integrity check) are serialised by an exclusive lock; reads share it, so they run in parallel with each other
/// and wait only while a write batch commits. Hot-cache hits take only the cache's own mutex.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/types/transaction.hpp"
#include "hypasis/storage/cache/lru_cache.hpp"
#include "hypasis/storage/kv/kv.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::storage {

/// The schema version this code writes and reads (meta key "schema_version", be32). See storage/README.md.
inline constexpr uint32_t kSchemaVersion = 2;  // 2: the transaction index moved to <datadir>/tx_index

/// What went wrong in the block store.
enum class [[nodiscard]] StoreErrc{
    kCorrupted = 1,    ///< A stored row failed its integrity check (block_num says which). It has been removed.
    kMalformedRecord,  ///< A meta record (range tracker, schema version) does not decode, found on open.
    kSchemaMismatch,   ///< The database was written with another schema version.
    kLocked,           ///< Another process (or another open in this one) has the datadir open.
    kNotFound,         ///< No database at the path, and StoreOptions::kv.create_if_missing is off.
    kInvalidInput,     ///< A write's arguments are inconsistent (message and block_num say how); nothing written.
    kKv,               ///< Any other failure of the kv layer (kv_code keeps its code).
};

/// A short, stable name of the code ("corrupted", "locked", …).
std::string_view to_string(StoreErrc c) noexcept;

/// A block-store failure.
struct StoreError {
    StoreErrc code{StoreErrc::kKv};
    /// The block concerned: always set for kCorrupted; set for kInvalidInput when one block is at fault.
    std::optional<uint64_t> block_num;
    /// For people: what failed ("header hash mismatch", "transactions root mismatch", RocksDB's text, …).
    std::string what;
    /// The kv layer's code when the failure came from it (kKv, kLocked, kNotFound, and a kCorrupted found by a
    /// RocksDB checksum).
    std::optional<KvErrc> kv_code;
};

/// "corrupted: block 123: header hash mismatch" and the like.
std::string to_string(const StoreError& e);

/// The three answers of a gap-aware read, plus the one answer a by-hash read may give.
enum class LookupStatus : uint8_t {
    kFound,         ///< The value is stored (and passed its integrity checks).
    kMissingInGap,  ///< At or below the highest stored block of its kind, but not stored: a gap to fill.
    kBeyondHead,    ///< Above the highest stored block of its kind (or nothing of that kind is stored).
    kUnknownHash,   ///< By-hash reads only: no block or transaction with that hash is indexed.
};

/// "found", "missing in gap", "beyond head" or "unknown hash".
std::string_view to_string(LookupStatus s) noexcept;

/// The answer of a read. `value` is set iff status is kFound; it is shared with the hot cache and immutable.
template <class T>
struct Lookup {
    LookupStatus status{LookupStatus::kBeyondHead};
    std::shared_ptr<const T> value;

    [[nodiscard]] bool found() const noexcept { return status == LookupStatus::kFound; }
    /// Preconditions: found().
    const T& operator*() const noexcept { return *value; }
    const T* operator->() const noexcept { return value.get(); }
};

/// A transaction found through the tx_index, with where it sits.
struct TransactionInBlock {
    uint64_t block_num{0};
    uint32_t index{0};  ///< Position in the block's body.
    Hash block_hash{};
    Transaction txn;
};

/// Options of BlockStore::open().
struct StoreOptions {
    KvOptions kv;
    /// Byte bound of the hot cache of decoded blocks (charged at about twice a block's RLP size, see README.md).
    std::size_t cache_bytes{std::size_t{256} << 20};
    /// A put_blocks or replace_canonical_from of at most this many blocks (the forward pipeline at the tip) also
    /// puts them in the hot cache, so the newest blocks are served from memory; bulk writes (backfill, import)
    /// do not, so they do not flush the cache.
    std::size_t cache_on_write_max_blocks{4};
    /// Transaction hashes waiting for the background indexer, at most (~40 B each); above it, block writes wait
    /// for the indexer before returning.
    std::size_t max_pending_index_txns{std::size_t{1} << 20};
};

/// Counters for metrics.
struct StoreStats {
    CacheStats cache;               ///< The hot cache's counters.
    uint64_t corruptions_found{0};  ///< Integrity failures reported since open (each repaired).
    uint64_t txn_index_pending_blocks{0};  ///< Stored blocks whose transactions are not indexed yet.
    uint64_t txn_index_write_failures{0};  ///< Index batches that failed (re-indexed on the next open).
};

class BlockStore {
  public:
    /// Opens the store in directory `path` (created with options.kv.create_if_missing), loads the three range
    /// trackers from their meta records and writes the schema version into a new database.
    /// Errors: kLocked (another process has it open: the message names the path); kNotFound; kSchemaMismatch;
    /// kMalformedRecord (a tracker record with end <= first, a bad key or value length, overlapping or touching
    /// intervals: the message names the record); kKv for anything else. Throws only std::bad_alloc.
    static Expected<std::unique_ptr<BlockStore>, StoreError> open(const std::filesystem::path& path,
                                                                  const StoreOptions& options = {});

    ~BlockStore();
    BlockStore(const BlockStore&) = delete;
    BlockStore& operator=(const BlockStore&) = delete;

    // ---- writes: each is one atomic WriteBatch (rows + indexes + tracker records) ----

    /// Stores headers and bodies of `blocks` (any numbers, any order; duplicates within the call are
    /// kInvalidInput), with their hash_to_num entries (the tx_index follows), and adds them to the headers and bodies
    /// trackers. Storing a block that is already stored with the same hash rewrites identical rows (idempotent;
    /// its receipts stay). Storing a different block under a stored number replaces it: the old block's hash and
    /// transaction entries and its receipts are removed in the same batch. Throws only std::bad_alloc.
    [[nodiscard]] Expected<void, StoreError> put_blocks(std::span<const Block> blocks,
                                                        Durability durability = Durability::kSync);

    /// Stores headers (with their hash_to_num entries) and adds them to the headers tracker. A header that
    /// replaces a different one under the same number also drops that number's body and receipts (they belonged
    /// to the old header). Same rules as put_blocks otherwise.
    [[nodiscard]] Expected<void, StoreError> put_headers(std::span<const SealedHeader> headers,
                                                         Durability durability = Durability::kSync);

    /// Stores the bodies of blocks first_block_num, first_block_num + 1, … (the tx_index follows) and adds
    /// them to the bodies tracker. kInvalidInput (block_num set, nothing written) when a block's header is not
    /// stored.
    [[nodiscard]] Expected<void, StoreError> put_bodies(uint64_t first_block_num, std::span<const BlockBody> bodies,
                                                        Durability durability = Durability::kSync);

    /// Stores the receipt lists of blocks first_block_num, first_block_num + 1, … (eth/69 slim form on disk) and
    /// adds them to the receipts tracker. kInvalidInput when a block's header is not stored.
    [[nodiscard]] Expected<void, StoreError> put_receipts(uint64_t first_block_num,
                                                          std::span<const std::vector<Receipt>> receipts,
                                                          Durability durability = Durability::kSync);

    /// The atomic reorg of the tip window: every header, body and receipt list at and above `first_block_num`
    /// (with their hash_to_num and tx_index entries) is removed and `blocks` (headers and bodies) are written in
    /// their place, in one batch; the trackers and the hot cache follow. `blocks` must be numbered
    /// first_block_num, first_block_num + 1, … (kInvalidInput otherwise); it may be empty (pure rollback).
    /// Throws only std::bad_alloc.
    [[nodiscard]] Expected<void, StoreError> replace_canonical_from(uint64_t first_block_num,
                                                                    std::span<const Block> blocks,
                                                                    Durability durability = Durability::kSync);

    /// Makes every write acknowledged so far durable (fsyncs the WAL): for callers that write with kBuffered
    /// and want a durable point, such as an import at its end.
    [[nodiscard]] Expected<void, StoreError> sync();

    // ---- gap-aware reads ----

    /// The header of block `block_num`. kCorrupted when the stored row fails its checks (then repaired).
    [[nodiscard]] Expected<Lookup<SealedHeader>, StoreError> get_header(uint64_t block_num) const;

    /// The header with this hash: kUnknownHash when no stored block has it; when the index names a number whose
    /// header is no longer stored, that number's status (kMissingInGap or kBeyondHead). A stale index entry (the
    /// stored header at that number has another hash) is deleted and reported as kUnknownHash.
    [[nodiscard]] Expected<Lookup<SealedHeader>, StoreError> get_header_by_hash(const Hash& hash) const;

    /// The body of block `block_num` (status from the bodies tracker), checked against its header.
    [[nodiscard]] Expected<Lookup<BlockBody>, StoreError> get_body(uint64_t block_num) const;

    /// Header and body of block `block_num` (status from the bodies tracker, which never holds a block whose
    /// header is missing). encode() of the value reproduces the imported block byte for byte.
    [[nodiscard]] Expected<Lookup<Block>, StoreError> get_block(uint64_t block_num) const;

    /// Re-reads block `block_num`'s stored header, body and receipts from disk, bypassing the hot cache, and
    /// checks them as reads do (the scrubber's read: a cached block would otherwise hide damage on disk). A damaged
    /// row is repaired exactly as a read repairs it and reported as kCorrupted; rows that are not stored are fine.
    [[nodiscard]] Expected<void, StoreError> verify_block(uint64_t block_num) const;

    /// The receipts of block `block_num` (status from the receipts tracker), checked against its header; blooms
    /// are recomputed from the logs.
    [[nodiscard]] Expected<Lookup<std::vector<Receipt>>, StoreError> get_receipts(uint64_t block_num) const;

    /// The transaction with this hash: kUnknownHash when not indexed; when its block's body is no longer stored,
    /// that block's status in the bodies tracker. A stale entry is deleted and reported as kUnknownHash.
    [[nodiscard]] Expected<Lookup<TransactionInBlock>, StoreError> find_transaction(const Hash& txn_hash) const;

    // ---- ranges ----

    /// A copy of the tracker of `kind` (O(intervals)); consistent with the data at the moment of the call.
    [[nodiscard]] RangeTracker tracker(DataKind kind) const;

    /// The missing ranges of `kind` inside `within`, ascending, at most `max_gaps`.
    [[nodiscard]] std::vector<Range> gaps(DataKind kind, Range within, std::size_t max_gaps = SIZE_MAX) const;

    /// The highest stored block of `kind`, or nullopt when none is stored.
    [[nodiscard]] std::optional<uint64_t> head(DataKind kind) const;

    /// The contiguous run of `kind` that ends at head(kind), or nullopt when none is stored. O(1), no copy: use it
    /// instead of tracker(kind).contiguous_suffix() on hot paths (status polls, Status messages).
    [[nodiscard]] std::optional<Range> contiguous_suffix(DataKind kind) const;

    /// The status a read of `block_num` of `kind` would have, from the tracker alone (no I/O).
    [[nodiscard]] LookupStatus status(DataKind kind, uint64_t block_num) const;

    // ---- records of other modules ----

    /// Small records that other modules own (peer bans, checkpoints, sync cursors) live in the meta column under
    /// a prefix of their own, e.g. "ban/" or "ckpt/". Keys must be 1-256 bytes, values at most 64 KiB, and keys
    /// must not start with the store's own "rng/" or "schema_version" (kInvalidInput, nothing written).
    [[nodiscard]] Expected<void, StoreError> put_record(ByteView key, ByteView value,
                                                        Durability durability = Durability::kSync);
    /// Deletes a record (absent is not an error). Same key rules as put_record().
    [[nodiscard]] Expected<void, StoreError> delete_record(ByteView key, Durability durability = Durability::kSync);
    /// The record under `key`, or nullopt.
    [[nodiscard]] Expected<std::optional<Bytes>, StoreError> get_record(ByteView key) const;
    /// The records whose keys start with `prefix` (non-empty), in key order, at most `max_records`.
    [[nodiscard]] Expected<std::vector<std::pair<Bytes, Bytes>>, StoreError> scan_records(
        ByteView prefix, std::size_t max_records = 65536) const;

    // ---- operations ----

    [[nodiscard]] StoreStats stats() const;

    /// Blocks until every body stored so far has its transactions indexed (find_transaction() sees them). The
    /// index is written behind the block writes, by a background thread, usually within milliseconds.
    void wait_for_txn_index() const;

    /// The datadir.
    [[nodiscard]] const std::filesystem::path& path() const noexcept;

  private:
    struct Impl;
    explicit BlockStore(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hypasis::storage
