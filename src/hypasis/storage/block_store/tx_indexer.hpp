#pragma once
/// The transaction index, written behind the block writes (internal to block_store/; storage/README.md has the
/// design and the crash argument).
///
/// Why it is separate: a block of ~70-200 transactions costs ~70-200 random-key memtable inserts (~1 µs each),
/// more than the block's own rows. Written in the block's own batch they halve full-block ingest; written here,
/// by one background thread into a second RocksDB instance (`<datadir>/tx_index`), they run on the other core,
/// in parallel with the next block batch (one instance would serialise them: its writers share one write path).
///
/// What keeps it consistent without a shared batch:
/// - The index database holds its own range tracker of "bodies whose transactions are indexed" (kind kBodies in
///   its meta column), written in the same batch as the entries. So the index database alone is always
///   self-consistent after a crash.
/// - Bodies are written first and indexed after: a crash in between leaves bodies that are stored but not
///   indexed; open() compares the two trackers and queues those blocks again (`reindex`).
/// - Before a stored body is dropped or replaced, its entries are deleted and its number leaves the indexed
///   tracker (`unindex`, synchronously, before the block batch), so the indexed tracker never claims a body that
///   is gone or different.
/// - Every lookup is verified against the stored body by the caller (the hash at that position must match), so
///   an entry that is stale despite all this (see reindex's race below) is never returned as data.
///
/// Thread-safety: every method may be called from any thread. enqueue() and unindex() are called by the block
/// store with its exclusive lock held; the indexer thread never takes that lock (it uses `load` for reindex
/// work, which takes the shared lock), so the two cannot deadlock.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/kv/kv.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::storage::detail {

/// Counters for stats().
struct TxIndexStats {
    uint64_t pending_blocks{0};  ///< Blocks stored but not indexed yet (queued or to re-index).
    uint64_t indexed_txns{0};    ///< Entries written since open.
    uint64_t write_failures{0};  ///< Index batches that failed (their blocks are re-indexed on the next open).
};

class TxIndexer {
  public:
    /// Reads the transaction hashes of stored block n's body, or nullopt when block n's body is not stored (or
    /// does not decode: the block store's checked read will report that). Called on the indexer thread.
    using BodyHashes = std::function<std::optional<std::vector<Hash>>(uint64_t block_num)>;

    /// Opens (or creates) the index database at `path`, loads its tracker, and starts the thread. `bodies` is the
    /// block store's bodies tracker at open: every stored body not yet indexed is queued for re-indexing through
    /// `load`, and indexed ranges without a body leave the indexed tracker. `max_pending_txns` bounds the hashes
    /// held in memory (wait_for_room() blocks writers above it). Throws only std::bad_alloc.
    static Expected<std::unique_ptr<TxIndexer>, KvError> open(const std::filesystem::path& path,
                                                              const KvOptions& options, const RangeTracker& bodies,
                                                              BodyHashes load, std::size_t max_pending_txns);

    /// Indexes everything still queued (it is acknowledged data), then stops the thread and closes the database.
    ~TxIndexer();
    TxIndexer(const TxIndexer&) = delete;
    TxIndexer& operator=(const TxIndexer&) = delete;

    /// Queues block n's transaction hashes (in body order) for indexing. Never blocks (see wait_for_room()).
    void enqueue(uint64_t block_num, std::vector<Hash> txn_hashes);

    /// Blocks while more than max_pending_txns hashes wait: writers call it after releasing their lock, so bulk
    /// ingest slows to the index's pace instead of growing memory without bound.
    void wait_for_room();

    /// Before block n's stored body (whose transactions are `old_hashes`) is dropped or replaced: waits for an
    /// index write in flight, forgets queued work for n, and when n is indexed deletes its entries that still
    /// point at n and takes n out of the indexed tracker, in one batch written with `durability`. On failure n
    /// stays indexed and the caller must not drop the body.
    [[nodiscard]] Expected<void, KvError> unindex(std::span<const uint64_t> block_nums,
                                                  std::span<const std::vector<Hash>> old_hashes,
                                                  Durability durability);

    /// The index entry of `txn_hash`, or nullopt when absent or malformed.
    [[nodiscard]] Expected<std::optional<schema::TxIndexValue>, KvError> lookup(const Hash& txn_hash) const;

    /// Deletes the entry of `txn_hash` if it still reads `seen` (best effort: a stale entry is harmless).
    void drop_stale(const Hash& txn_hash, const schema::TxIndexValue& seen);

    /// Blocks until nothing is queued and no write is in flight (tests, import, close).
    void wait_idle();

    /// A copy of the indexed tracker.
    [[nodiscard]] RangeTracker indexed() const;

    [[nodiscard]] TxIndexStats stats() const;

  private:
    struct Job {
        uint64_t block_num{0};
        std::vector<Hash> hashes;
    };

    TxIndexer(std::unique_ptr<Database> db, BodyHashes load, std::size_t max_pending_txns);
    void run();
    /// Takes the next batch of work under the lock; false when stopping with nothing left.
    bool take(std::unique_lock<std::mutex>& lock, std::vector<Job>& jobs, std::vector<uint64_t>& reload);
    /// Writes `jobs` (lock held on entry and on return; released during the write).
    void write_jobs(std::unique_lock<std::mutex>& lock, std::vector<Job>& jobs);

    std::unique_ptr<Database> db_;
    BodyHashes load_;
    std::size_t max_pending_txns_;

    mutable std::mutex mutex_;
    std::condition_variable work_cv_;  ///< The thread waits here for work.
    std::condition_variable idle_cv_;  ///< Writers wait here for room, unindex() and wait_idle() for quiet.
    RangeTracker indexed_;
    std::deque<Job> queue_;
    std::vector<Range> reindex_;  ///< Stored bodies to index from disk (from open), newest last.
    std::size_t queued_txns_{0};
    uint64_t reindex_blocks_{0};
    bool writing_{false};  ///< An index batch is being written: the tracker must not change under it.
    bool busy_{false};     ///< The thread holds work taken from the queue or the re-index list.
    bool stopping_{false};
    uint64_t indexed_txns_{0};
    uint64_t write_failures_{0};
    std::thread thread_;
};

}  // namespace hypasis::storage::detail
