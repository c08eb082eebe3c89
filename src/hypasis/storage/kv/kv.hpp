#pragma once
/// The key-value layer under the block store: one RocksDB database with one column family per kind of row
/// (DESIGN §4). This is the only code in Hypasis that includes RocksDB headers; every `rocksdb::Status` is mapped
/// to a KvError here and never leaves this layer.
///
/// What the layer guarantees:
/// - **Atomic batches.** A WriteBatch may touch any columns; write() applies all of it or none of it, also across
///   a crash (the batch is one WAL record; the WAL is always on).
/// - **Durability.** write(…, Durability::kSync) returns only after the WAL record is fsync'd: a write it
///   acknowledged survives a process kill and a power loss. Durability::kBuffered hands the record to the OS
///   before returning, so it survives a process kill (SIGKILL) but not a kernel crash or power loss.
/// - **Checked reads.** Block checksums are verified on every read and the database is opened with
///   paranoid checks, so bytes damaged on disk surface as KvErrc::kCorruption, never as data.
/// - **One process.** RocksDB's LOCK file keeps a second process (or a second open in this one) out: open()
///   reports KvErrc::kLocked.
///
/// The tuned options and the reason for each are in README.md beside this file.
///
/// Thread-safety: a Database may be used from any number of threads at once (get, write, for_each, compact and
/// the properties); RocksDB serialises writers internally. A WriteBatch is a plain value: one thread at a time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"

namespace hypasis::storage {

/// The column families. Each maps to a RocksDB column family of the name column_name() returns.
enum class Column : uint8_t {
    kHeaders = 0,    ///< be64(block_num) -> header row
    kBodies = 1,     ///< be64(block_num) -> body RLP
    kReceipts = 2,   ///< be64(block_num) -> receipts list
    kHashToNum = 3,  ///< block hash -> be64(block_num)
    kTxIndex = 4,    ///< txn hash -> be64(block_num) || be32(index)
    kMeta = 5,       ///< range-tracker records, schema version, and other small records
};

/// The number of Column values (for arrays indexed by column).
inline constexpr std::size_t kColumnCount = 6;

/// "headers", "bodies", "receipts", "hash_to_num", "tx_index" or "meta": the RocksDB column family name.
std::string_view column_name(Column c) noexcept;

/// What went wrong in the kv layer: one code per class of rocksdb::Status (and the lock clash).
enum class [[nodiscard]] KvErrc{
    kCorruption = 1,   ///< Stored bytes failed a checksum or a format check (on open or on read).
    kIoError,          ///< The file system failed (disk full, permissions, I/O error).
    kInvalidArgument,  ///< Bad options or an unusable path (for example a file where the directory should be).
    kNotSupported,     ///< The database uses a feature this build lacks (for example a compression library).
    kBusy,             ///< RocksDB asked to retry (busy, timed out, try again, aborted).
    kIncomplete,       ///< An operation could not finish (for example an iterator that hit a non-cached block).
    kShutdown,         ///< The database is shutting down.
    kLocked,           ///< Another process, or another open in this process, holds the database's LOCK file.
    kNotFound,         ///< open() without create_if_missing on a path that holds no database.
    kUnknown,          ///< Any other status (mapped rather than lost; the message keeps RocksDB's text).
};

/// A short, stable name of the code ("corruption", "locked", …).
std::string_view to_string(KvErrc c) noexcept;

/// A kv failure: the code, and a message for people (RocksDB's own text, with the path or column it concerns).
struct KvError {
    KvErrc code{KvErrc::kUnknown};
    std::string message;
};

/// When write() returns relative to the data reaching the disk.
enum class Durability : uint8_t {
    kBuffered,  ///< WAL record written to the OS, not fsync'd: survives a process crash, not a power loss.
    kSync,      ///< WAL fsync'd before write() returns: the write is acknowledged as durable.
};

/// Block compression of a column's SST files. kZstd compresses the last level (where ~90% of the data rests) with
/// zstd and the flushes and upper levels with lz4, so that ingest does not wait on zstd (README.md).
enum class Compression : uint8_t { kNone, kLz4, kZstd };

/// "none", "lz4" or "zstd".
std::string_view to_string(Compression c) noexcept;

/// The per-column compression this project uses (reasons in README.md): zstd for bodies and receipts, lz4 for
/// headers, none for hash_to_num and tx_index (random hashes do not compress) and meta (tiny).
std::array<Compression, kColumnCount> default_compression() noexcept;

/// Options of open(). The defaults suit a node; tests and benchmarks shrink the memory figures.
struct KvOptions {
    /// Create the database (and its directory) when `path` holds none. When false, a missing database is
    /// kNotFound.
    bool create_if_missing{true};
    /// Bytes of the block cache shared by every column (uncompressed data, index and filter blocks).
    std::size_t block_cache_bytes{std::size_t{256} << 20};
    /// Memtable size of the bodies and receipts columns; the small columns use a quarter of it.
    std::size_t write_buffer_bytes{std::size_t{64} << 20};
    /// Table files RocksDB keeps open. Bounded (not -1) so that open() does not read every file's footer and
    /// index: reopen time stays flat as the database grows.
    int max_open_files{512};
    /// Background flush and compaction threads.
    int max_background_jobs{2};
    /// Compression of each column's SST files, indexed by Column.
    std::array<Compression, kColumnCount> compression{default_compression()};
};

/// A set of puts and deletes over any columns, applied atomically by Database::write(). A plain value with no
/// tie to a database. Operations apply in the order they were added (a del after a put of the same key deletes
/// it). Methods throw only std::bad_alloc.
class WriteBatch {
  public:
    WriteBatch();
    ~WriteBatch();
    WriteBatch(WriteBatch&&) noexcept;
    WriteBatch& operator=(WriteBatch&&) noexcept;
    WriteBatch(const WriteBatch&) = delete;
    WriteBatch& operator=(const WriteBatch&) = delete;

    /// Sets `key` to `value` in `column`. Both are copied.
    void put(Column column, ByteView key, ByteView value);
    /// Sets `key` to the concatenation `value_head || value_tail` (saves the caller a copy into a scratch buffer).
    void put_concat(Column column, ByteView key, ByteView value_head, ByteView value_tail);
    /// Deletes `key` from `column` (deleting an absent key is not an error).
    void del(Column column, ByteView key);
    /// Removes every operation.
    void clear() noexcept;

    /// The number of operations added.
    [[nodiscard]] std::size_t count() const noexcept;
    /// Bytes of keys and values added (a size hint for callers that split large batches).
    [[nodiscard]] std::size_t data_bytes() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return count() == 0; }

  private:
    friend class Database;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// An open RocksDB database with the six columns. Closing happens in the destructor (outstanding background
/// work is waited for; a write already acknowledged is never lost by closing).
class Database {
  public:
    /// Opens (or, with create_if_missing, creates) the database in directory `path`, creating any missing
    /// column family. Errors: kLocked when another process or another Database in this process has it open
    /// (the message says so and names the path); kNotFound when it does not exist and create_if_missing is
    /// off; kCorruption when its files fail their checks; kInvalidArgument, kIoError, kNotSupported as mapped
    /// from RocksDB. Throws only std::bad_alloc.
    static Expected<std::unique_ptr<Database>, KvError> open(const std::filesystem::path& path,
                                                             const KvOptions& options);

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// The value of `key` in `column`, or nullopt when absent. Errors: kCorruption when the block holding it
    /// fails its checksum; kIoError. Thread-safe. Throws only std::bad_alloc.
    [[nodiscard]] Expected<std::optional<Bytes>, KvError> get(Column column, ByteView key) const;

    /// Applies `batch` atomically with the given durability. An empty batch succeeds without I/O. On error
    /// nothing of the batch is applied. Thread-safe. Throws only std::bad_alloc.
    [[nodiscard]] Expected<void, KvError> write(WriteBatch&& batch, Durability durability);

    /// Receives one row: return true to continue, false to stop. The views are valid only during the call.
    using RowVisitor = std::function<bool(ByteView key, ByteView value)>;

    /// Visits the rows of `column` with `lower <= key < upper` in ascending key order (an empty `upper` means
    /// no upper bound; an empty `lower` starts at the first key). Sees a consistent snapshot taken at the call.
    /// Errors: kCorruption, kIoError found while iterating (rows already visited were valid). Thread-safe.
    /// Throws whatever `visit` throws, and std::bad_alloc.
    [[nodiscard]] Expected<void, KvError> for_each(Column column, ByteView lower, ByteView upper,
                                                   const RowVisitor& visit) const;

    /// Like for_each, in descending key order (from the highest key below `upper` down to `lower`).
    [[nodiscard]] Expected<void, KvError> for_each_reverse(Column column, ByteView lower, ByteView upper,
                                                           const RowVisitor& visit) const;

    /// Flushes every column's memtable to SST files and waits for it.
    [[nodiscard]] Expected<void, KvError> flush();

    /// fsyncs the WAL: every write that returned before this call becomes durable, as if written with kSync.
    /// Thread-safe.
    [[nodiscard]] Expected<void, KvError> sync_wal();

    /// Flushes `column` and compacts its whole key range down to the last level (for measuring disk use and
    /// for tests that need data in SST files). Blocks until done.
    [[nodiscard]] Expected<void, KvError> compact(Column column);

    /// Total bytes of `column`'s live SST files (after a flush and compact(), its on-disk footprint).
    [[nodiscard]] Expected<uint64_t, KvError> sst_bytes(Column column) const;

    /// The directory the database lives in.
    [[nodiscard]] const std::filesystem::path& path() const noexcept;

  private:
    struct Impl;
    explicit Database(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hypasis::storage
