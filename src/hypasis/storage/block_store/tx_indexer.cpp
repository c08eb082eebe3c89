#include "hypasis/storage/block_store/tx_indexer.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/storage/block_store/staging.hpp"
#include "hypasis/storage/ranges/range_codec.hpp"

namespace hypasis::storage::detail {

namespace {

/// The indexed tracker's records use the kBodies kind byte: in this database they mean "bodies whose
/// transactions are indexed".
constexpr DataKind kIndexedKind = DataKind::kBodies;

/// One index batch holds at most this many entries, so that a bulk import's backlog is written in pieces that
/// each leave the lock quickly (and a bigger sorted batch gains little more locality in the memtable).
constexpr std::size_t kMaxBatchTxns = 64 * 1024;
/// Blocks re-indexed from disk per batch.
constexpr std::size_t kReindexBatchBlocks = 64;



}  // namespace

TxIndexer::TxIndexer(std::unique_ptr<Database> db, BodyHashes load, std::size_t max_pending_txns)
    : db_(std::move(db)), load_(std::move(load)), max_pending_txns_(std::max<std::size_t>(max_pending_txns, 1)) {}

Expected<std::unique_ptr<TxIndexer>, KvError> TxIndexer::open(const std::filesystem::path& path,
                                                              const KvOptions& options, const RangeTracker& bodies,
                                                              BodyHashes load, std::size_t max_pending_txns) {
    auto db = Database::open(path, options);
    if (!db) return unexpected(std::move(db.error()));
    std::unique_ptr<TxIndexer> ix(new TxIndexer(std::move(*db), std::move(load), max_pending_txns));

    std::vector<Range> records;
    std::optional<KvError> bad;
    const auto lower = range_key_prefix(kIndexedKind);
    const auto upper = range_key_upper(kIndexedKind);
    auto scan = ix->db_->for_each(Column::kMeta, lower, upper, [&](ByteView key, ByteView value) {
        auto rec = decode_range_record(key, value);
        if (!rec) {
            bad = KvError{KvErrc::kCorruption, "tx_index range record " + to_hex(key) + ": " +
                                                   std::string(to_string(rec.error()))};
            return false;
        }
        records.push_back(rec->range);
        return true;
    });
    if (!scan) return unexpected(std::move(scan.error()));
    if (bad) return unexpected(std::move(*bad));
    auto tracker = RangeTracker::from_records(records);
    if (!tracker) return unexpected(KvError{KvErrc::kCorruption, "tx_index range records: " + to_string(tracker.error())});
    ix->indexed_ = std::move(*tracker);

    // Indexed ranges whose bodies are gone (dropped after a crash cut unindex() short is impossible, since unindex
    // runs first; but a block store restored from an older backup can get here): forget them. Their entries stay
    // until a lookup finds them stale.
    WriteBatch fix;
    MetaSink sink(fix);
    const std::vector<Range> indexed_intervals(ix->indexed_.intervals().begin(), ix->indexed_.intervals().end());
    for (const Range r : indexed_intervals) {
        for (const Range orphan : bodies.gaps(r)) write_delta(kIndexedKind, ix->indexed_.remove(orphan), sink);
    }
    if (!fix.empty()) {
        if (auto w = ix->db_->write(std::move(fix), Durability::kSync); !w) return unexpected(std::move(w.error()));
    }
    // Stored bodies not indexed yet (a crash came between a block batch and its index batch): index them again.
    for (const Range r : bodies.intervals()) {
        for (const Range missing : ix->indexed_.gaps(r)) {
            ix->reindex_.push_back(missing);
            ix->reindex_blocks_ += missing.end - missing.first;
        }
    }
    ix->thread_ = std::thread([p = ix.get()] { p->run(); });
    return ix;
}

TxIndexer::~TxIndexer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void TxIndexer::enqueue(uint64_t block_num, std::vector<Hash> txn_hashes) {
    {
        std::lock_guard lock(mutex_);
        queued_txns_ += txn_hashes.size();
        queue_.push_back(Job{block_num, std::move(txn_hashes)});
    }
    work_cv_.notify_one();
}

void TxIndexer::wait_for_room() {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [this] { return queued_txns_ <= max_pending_txns_ || stopping_; });
}

bool TxIndexer::take(std::unique_lock<std::mutex>& lock, std::vector<Job>& jobs, std::vector<uint64_t>& reload) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty() || !reindex_.empty(); });
    if (!queue_.empty()) {
        std::size_t txns = 0;
        while (!queue_.empty() && (jobs.empty() || txns + queue_.front().hashes.size() <= kMaxBatchTxns)) {
            txns += queue_.front().hashes.size();
            jobs.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        return true;
    }
    if (stopping_) return false;  // re-index work is left for the next open (it recomputes it)
    // Newest first, like the backward pipeline: the most recent history is the most asked for.
    Range& r = reindex_.back();
    while (reload.size() < kReindexBatchBlocks && r.end > r.first) reload.push_back(--r.end);
    if (r.end == r.first) reindex_.pop_back();
    return true;
}

void TxIndexer::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        std::vector<Job> jobs;
        std::vector<uint64_t> reload;
        if (!take(lock, jobs, reload)) break;
        busy_ = true;
        if (!reload.empty()) {
            lock.unlock();
            // Outside every lock: load_ takes the block store's shared lock, and a block-store writer holding its
            // exclusive lock may be waiting in unindex() for this thread.
            for (const uint64_t n : reload) {
                if (auto hashes = load_(n)) jobs.push_back(Job{n, std::move(*hashes)});
            }
            lock.lock();
            reindex_blocks_ -= reload.size();
        }
        if (!jobs.empty()) write_jobs(lock, jobs);
        busy_ = false;
        idle_cv_.notify_all();
    }
    busy_ = false;
    idle_cv_.notify_all();
}

void TxIndexer::write_jobs(std::unique_lock<std::mutex>& lock, std::vector<Job>& jobs) {
    // Under the lock: the tracker mutation (and its records) is based on the current state, and writing_ keeps
    // unindex() from mutating the tracker until this batch has landed or been reverted.
    std::vector<uint64_t> nums;
    nums.reserve(jobs.size());
    std::size_t txns = 0;
    for (const Job& j : jobs) {
        nums.push_back(j.block_num);
        txns += j.hashes.size();
    }
    std::sort(nums.begin(), nums.end());
    nums.erase(std::unique(nums.begin(), nums.end()), nums.end());
    WriteBatch batch;
    MetaSink sink(batch);
    std::vector<RangeDelta> deltas;
    for (const Range r : runs_of(nums)) {
        deltas.push_back(indexed_.add(r));
        write_delta(kIndexedKind, deltas.back(), sink);
    }
    writing_ = true;
    lock.unlock();

    // Sorted keys: each memtable insert then starts next to the previous one (kv/README.md).
    struct Entry {
        const Hash* hash;
        uint64_t block_num;
        uint32_t index;
    };
    std::vector<Entry> entries;
    entries.reserve(txns);
    for (const Job& j : jobs) {
        for (std::size_t i = 0; i < j.hashes.size(); ++i) {
            entries.push_back(Entry{&j.hashes[i], j.block_num, static_cast<uint32_t>(i)});
        }
    }
    // Stable: when a block was queued twice, the later job's entry for a shared hash is put last and wins.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return *a.hash < *b.hash; });
    for (const Entry& e : entries) batch.put(Column::kTxIndex, *e.hash, schema::tx_index_value(e.block_num, e.index));
    auto w = db_->write(std::move(batch), Durability::kBuffered);

    lock.lock();
    writing_ = false;
    queued_txns_ -= std::min(queued_txns_, txns);
    if (w) {
        indexed_txns_ += txns;
    } else {
        // The blocks stay unindexed; the next open finds them in the bodies tracker and indexes them again.
        for (auto it = deltas.rbegin(); it != deltas.rend(); ++it) indexed_.revert(*it);
        ++write_failures_;
    }
}

Expected<void, KvError> TxIndexer::unindex(std::span<const uint64_t> block_nums,
                                           std::span<const std::vector<Hash>> old_hashes, Durability durability) {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [this] { return !writing_; });
    // Queued work for these numbers describes bodies that are about to go.
    for (auto it = queue_.begin(); it != queue_.end();) {
        if (std::find(block_nums.begin(), block_nums.end(), it->block_num) != block_nums.end()) {
            queued_txns_ -= std::min(queued_txns_, it->hashes.size());
            it = queue_.erase(it);
        } else {
            ++it;
        }
    }
    WriteBatch batch;
    MetaSink sink(batch);
    std::vector<RangeDelta> deltas;
    for (std::size_t i = 0; i < block_nums.size(); ++i) {
        const uint64_t n = block_nums[i];
        if (!indexed_.contains(n)) continue;
        if (i < old_hashes.size()) {
            for (const Hash& h : old_hashes[i]) {
                auto v = db_->get(Column::kTxIndex, h);
                if (!v) return unexpected(std::move(v.error()));
                if (!*v) continue;
                const auto at = schema::read_tx_index_value(**v);
                if (!at || at->block_num == n) batch.del(Column::kTxIndex, h);  // never another block's entry
            }
        }
        deltas.push_back(indexed_.remove(Range{n, n + 1}));
        write_delta(kIndexedKind, deltas.back(), sink);
    }
    if (batch.empty()) return {};
    auto w = db_->write(std::move(batch), durability);
    if (!w) {
        for (auto it = deltas.rbegin(); it != deltas.rend(); ++it) indexed_.revert(*it);
        return unexpected(std::move(w.error()));
    }
    return {};
}

Expected<std::optional<schema::TxIndexValue>, KvError> TxIndexer::lookup(const Hash& txn_hash) const {
    auto v = db_->get(Column::kTxIndex, txn_hash);
    if (!v) return unexpected(std::move(v.error()));
    if (!*v) return std::optional<schema::TxIndexValue>{};
    return schema::read_tx_index_value(**v);
}

void TxIndexer::drop_stale(const Hash& txn_hash, const schema::TxIndexValue& seen) {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [this] { return !writing_; });
    auto v = db_->get(Column::kTxIndex, txn_hash);
    if (!v || !*v) return;
    const auto now = schema::read_tx_index_value(**v);
    if (now && (now->block_num != seen.block_num || now->index != seen.index)) return;
    WriteBatch b;
    b.del(Column::kTxIndex, txn_hash);
    (void)db_->write(std::move(b), Durability::kBuffered);  // best effort: a stale entry is harmless
}

void TxIndexer::wait_idle() {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [this] { return (queue_.empty() && reindex_.empty() && !busy_) || !thread_.joinable(); });
}

RangeTracker TxIndexer::indexed() const {
    std::lock_guard lock(mutex_);
    return indexed_;
}

TxIndexStats TxIndexer::stats() const {
    std::lock_guard lock(mutex_);
    TxIndexStats s;
    s.pending_blocks = queue_.size() + reindex_blocks_;
    s.indexed_txns = indexed_txns_;
    s.write_failures = write_failures_;
    return s;
}

}  // namespace hypasis::storage::detail
