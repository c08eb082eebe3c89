#include "hypasis/storage/block_store/block_store.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/storage/block_store/row_checks.hpp"
#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/block_store/staging.hpp"
#include "hypasis/storage/block_store/tx_indexer.hpp"
#include "hypasis/storage/ranges/range_codec.hpp"

namespace hypasis::storage {

using detail::check_body_row;
using detail::check_header_row;
using detail::check_receipts_row;
using detail::idx;
using detail::kAllKinds;
using detail::runs_of;
using detail::Staging;

namespace {

/// Above this many touched numbers a write clears the hot cache instead of erasing entries one by one.
constexpr std::size_t kCacheClearThreshold = 4096;

/// One entry of the hot cache: a block's verified header and, when has_body, its verified body.
struct CachedBlock {
    Block block;
    bool has_body{false};
};

/// The cache charge of an entry: decoded values hold each transaction's encoded bytes and, separately, its
/// parsed fields and data, so about twice the RLP, plus the fixed size of every object.
std::size_t cache_charge(const CachedBlock& c) noexcept {
    std::size_t bytes = sizeof(CachedBlock) + 2 * c.block.header.rlp.size();
    if (c.has_body) {
        const BlockBody& b = c.block.body;
        bytes += 2 * encoded_length(b) + b.transactions.size() * sizeof(Transaction) +
                 b.ommers.size() * sizeof(SealedHeader) +
                 (b.withdrawals ? b.withdrawals->size() * sizeof(Withdrawal) : 0);
    }
    return bytes;
}

/// A row that failed its integrity check. `kind` is the row's kind: a bad header also takes its body and receipts
/// with it (they cannot be checked without it).
struct Corruption {
    DataKind kind{DataKind::kHeaders};
    std::string what;
    std::optional<KvErrc> kv_code;
};

/// Why a read under the shared lock failed: a corruption to repair (under the exclusive lock), or another error.
struct ReadFailure {
    std::optional<Corruption> corruption;
    StoreError error;
};

StoreError from_kv(const KvError& e, StoreErrc code = StoreErrc::kKv) {
    return StoreError{code, std::nullopt, e.message, e.code};
}

ReadFailure corrupt(DataKind kind, std::string what, std::optional<KvErrc> kv_code = std::nullopt) {
    return ReadFailure{Corruption{kind, std::move(what), kv_code}, StoreError{}};
}

/// A failed kv read of a row: a RocksDB checksum failure is corruption of that row; anything else is an error.
ReadFailure read_failure(DataKind kind, const KvError& e) {
    if (e.code == KvErrc::kCorruption) return corrupt(kind, e.message, e.code);
    return ReadFailure{std::nullopt, from_kv(e)};
}

StoreError invalid_input(std::string what, std::optional<uint64_t> block_num = std::nullopt) {
    return StoreError{StoreErrc::kInvalidInput, block_num, std::move(what), std::nullopt};
}

Hash hash_at(ByteView v) noexcept { return to_fixed<32>(v.first(32)); }

template <class T>
Lookup<T> found(const std::shared_ptr<const CachedBlock>& entry, const T* part) {
    return Lookup<T>{LookupStatus::kFound, std::shared_ptr<const T>(entry, part)};
}


}  // namespace

// ---- Impl ------------------------------------------------------------------------------------------------------

struct BlockStore::Impl {
    Impl(std::unique_ptr<Database> database, const StoreOptions& opts)
        : db(std::move(database)), options(opts), cache(opts.cache_bytes) {}

    std::unique_ptr<Database> db;
    StoreOptions options;
    /// Guards `trackers` and orders cache fills against writes: reads hold it shared from the row read to the
    /// cache fill, writes hold it exclusively from the first tracker change to the cache invalidation.
    mutable std::shared_mutex mutex;
    std::array<RangeTracker, kDataKindCount> trackers;
    mutable LruCache<uint64_t, CachedBlock> cache;
    std::atomic<uint64_t> corruptions{0};
    /// Declared last so that it is destroyed first: its thread reads the members above.
    std::unique_ptr<detail::TxIndexer> txindex;

    // ---- tracker queries (lock held by the caller) ----

    LookupStatus status_locked(DataKind kind, uint64_t n) const noexcept {
        const RangeTracker& t = trackers[idx(kind)];
        if (t.contains(n)) return LookupStatus::kFound;
        const auto hi = t.highest();
        return (!hi || n > *hi) ? LookupStatus::kBeyondHead : LookupStatus::kMissingInGap;
    }

    // ---- reads under the shared lock ----

    Expected<Lookup<CachedBlock>, ReadFailure> read_header_locked(uint64_t n) const {
        const LookupStatus st = status_locked(DataKind::kHeaders, n);
        if (st != LookupStatus::kFound) return Lookup<CachedBlock>{st, nullptr};
        auto row = db->get(Column::kHeaders, schema::num_key(n));
        if (!row) return unexpected(read_failure(DataKind::kHeaders, row.error()));
        if (!*row) return unexpected(corrupt(DataKind::kHeaders, "header row missing, yet the tracker holds it"));
        auto header = check_header_row(n, **row);
        if (!header) return unexpected(corrupt(DataKind::kHeaders, std::move(header.error())));
        auto entry = std::make_shared<CachedBlock>();
        entry->block.header = std::move(*header);
        cache.put(n, entry, cache_charge(*entry));
        return Lookup<CachedBlock>{LookupStatus::kFound, std::move(entry)};
    }

    /// The verified header of block n for checking its body or receipts (`kind`): from `known` when the cache
    /// had it, else read. A header missing from the tracker is corruption of `kind`'s row (it has no header to
    /// be checked against).
    Expected<std::shared_ptr<const CachedBlock>, ReadFailure> header_for(
        DataKind kind, uint64_t n, std::shared_ptr<const CachedBlock> known) const {
        if (known) return known;
        if (!trackers[idx(DataKind::kHeaders)].contains(n)) {
            return unexpected(corrupt(kind, std::string(to_string(kind)) + " row stored without its header"));
        }
        auto h = read_header_locked(n);
        if (!h) return unexpected(std::move(h.error()));
        return std::move(h->value);
    }

    Expected<Lookup<CachedBlock>, ReadFailure> read_block_locked(uint64_t n,
                                                                 std::shared_ptr<const CachedBlock> known) const {
        const LookupStatus st = status_locked(DataKind::kBodies, n);
        if (st != LookupStatus::kFound) return Lookup<CachedBlock>{st, nullptr};
        auto header = header_for(DataKind::kBodies, n, std::move(known));
        if (!header) return unexpected(std::move(header.error()));
        auto row = db->get(Column::kBodies, schema::num_key(n));
        if (!row) return unexpected(read_failure(DataKind::kBodies, row.error()));
        if (!*row) return unexpected(corrupt(DataKind::kBodies, "body row missing, yet the tracker holds it"));
        auto body = check_body_row((*header)->block.header, **row);
        if (!body) return unexpected(corrupt(DataKind::kBodies, std::move(body.error())));
        auto entry = std::make_shared<CachedBlock>();
        entry->block.header = (*header)->block.header;
        entry->block.body = std::move(*body);
        entry->has_body = true;
        cache.put(n, entry, cache_charge(*entry));
        return Lookup<CachedBlock>{LookupStatus::kFound, std::move(entry)};
    }

    Expected<Lookup<std::vector<Receipt>>, ReadFailure> read_receipts_locked(
        uint64_t n, std::shared_ptr<const CachedBlock> known) const {
        const LookupStatus st = status_locked(DataKind::kReceipts, n);
        if (st != LookupStatus::kFound) return Lookup<std::vector<Receipt>>{st, nullptr};
        auto header = header_for(DataKind::kReceipts, n, std::move(known));
        if (!header) return unexpected(std::move(header.error()));
        auto row = db->get(Column::kReceipts, schema::num_key(n));
        if (!row) return unexpected(read_failure(DataKind::kReceipts, row.error()));
        if (!*row) return unexpected(corrupt(DataKind::kReceipts, "receipts row missing, yet the tracker holds it"));
        auto receipts = check_receipts_row((*header)->block.header, **row);
        if (!receipts) return unexpected(corrupt(DataKind::kReceipts, std::move(receipts.error())));
        return Lookup<std::vector<Receipt>>{LookupStatus::kFound,
                                            std::make_shared<const std::vector<Receipt>>(std::move(*receipts))};
    }

    // ---- read entry points (take the locks) ----

    template <class T>
    Expected<T, StoreError> finish(uint64_t n, Expected<T, ReadFailure>&& r) {
        if (r) return std::move(*r);
        if (r.error().corruption) return unexpected(repair(n, std::move(*r.error().corruption)));
        return unexpected(std::move(r.error().error));
    }

    Expected<Lookup<CachedBlock>, StoreError> header_entry(uint64_t n) {
        if (auto hit = cache.get(n)) return Lookup<CachedBlock>{LookupStatus::kFound, std::move(hit)};
        Expected<Lookup<CachedBlock>, ReadFailure> r;
        {
            std::shared_lock lock(mutex);
            r = read_header_locked(n);
        }
        return finish(n, std::move(r));
    }

    Expected<Lookup<CachedBlock>, StoreError> block_entry(uint64_t n) {
        auto hit = cache.get(n);
        if (hit && hit->has_body) return Lookup<CachedBlock>{LookupStatus::kFound, std::move(hit)};
        Expected<Lookup<CachedBlock>, ReadFailure> r;
        {
            std::shared_lock lock(mutex);
            // A header-only entry seen before taking the lock may have been replaced since (a write erases it
            // under the exclusive lock): take it again under the lock, so the body is checked against the header
            // that is stored now. (This counts a second cache hit for such reads.)
            if (hit) hit = cache.get(n);
            if (hit && hit->has_body) {
                r = Lookup<CachedBlock>{LookupStatus::kFound, std::move(hit)};
            } else {
                r = read_block_locked(n, std::move(hit));
            }
        }
        return finish(n, std::move(r));
    }

    Expected<Lookup<std::vector<Receipt>>, StoreError> receipts(uint64_t n) {
        Expected<Lookup<std::vector<Receipt>>, ReadFailure> r;
        {
            std::shared_lock lock(mutex);
            // Only a cached entry whose block is still stored may stand in for the header (checked under the lock).
            std::shared_ptr<const CachedBlock> known;
            if (cache.contains(n)) known = cache.get(n);
            r = read_receipts_locked(n, std::move(known));
        }
        return finish(n, std::move(r));
    }

    /// Reads block n's stored rows from disk (never from the cache), checking each as a read does; a failing row
    /// is repaired as a read would repair it. kNotFound-like answers (not stored) are fine.
    Expected<void, StoreError> verify(uint64_t n) {
        Expected<Lookup<CachedBlock>, ReadFailure> h;
        {
            std::shared_lock lock(mutex);
            h = read_header_locked(n);
        }
        auto header = finish(n, std::move(h));
        if (!header) return unexpected(std::move(header.error()));
        if (!header->found()) return {};
        Expected<Lookup<CachedBlock>, ReadFailure> b;
        {
            std::shared_lock lock(mutex);
            b = read_block_locked(n, header->value);
        }
        if (auto body = finish(n, std::move(b)); !body) return unexpected(std::move(body.error()));
        Expected<Lookup<std::vector<Receipt>>, ReadFailure> r;
        {
            std::shared_lock lock(mutex);
            r = read_receipts_locked(n, header->value);
        }
        if (auto receipts = finish(n, std::move(r)); !receipts) return unexpected(std::move(receipts.error()));
        return {};
    }

    // ---- repair ----

    /// Under the exclusive lock: does block n's row of `kind` still fail its check while its tracker holds it?
    /// (A writer may have replaced or removed it since the failed read.)
    bool still_corrupt_locked(uint64_t n, DataKind kind) const {
        if (!trackers[idx(kind)].contains(n)) return false;
        if (!trackers[idx(DataKind::kHeaders)].contains(n)) return true;
        auto hrow = db->get(Column::kHeaders, schema::num_key(n));
        if (!hrow || !*hrow) return true;
        auto header = check_header_row(n, **hrow);
        if (!header) return true;
        if (kind == DataKind::kHeaders) return false;
        const Column col = kind == DataKind::kBodies ? Column::kBodies : Column::kReceipts;
        auto row = db->get(col, schema::num_key(n));
        if (!row || !*row) return true;
        if (kind == DataKind::kBodies) return !check_body_row(*header, **row);
        return !check_receipts_row(*header, **row);
    }

    /// Deletes `key` from hash_to_num when its entry points at block n (or is malformed), so that an entry
    /// another block owns is never removed.
    void drop_index_entry(Staging& s, Column col, const Hash& key, uint64_t n) const {
        auto v = db->get(col, key);
        if (!v || !*v) return;
        const std::optional<uint64_t> at = schema::read_be64(**v);
        if (!at || *at == n) s.batch.del(col, key);
    }

    /// Stages the removal of block n's header row and its hash_to_num entries (under the stored hash and under
    /// keccak of the stored RLP: after a bit flip either may be the real one). With `track`, also takes n out of
    /// the headers tracker.
    void drop_header(Staging& s, uint64_t n, bool track) const {
        const auto key = schema::num_key(n);
        auto row = db->get(Column::kHeaders, key);
        if (row && *row && (*row)->size() >= 32) {
            const ByteView r = **row;
            const Hash stored = hash_at(r);
            drop_index_entry(s, Column::kHashToNum, stored, n);
            if (r.size() > 32) {
                const Hash actual = crypto::keccak256(r.subspan(32));
                if (actual != stored) drop_index_entry(s, Column::kHashToNum, actual, n);
            }
        }
        s.batch.del(Column::kHeaders, key);
        if (track) s.remove(DataKind::kHeaders, Range{n, n + 1});
        s.touched.push_back(n);
    }

    /// Stages the removal of block n's body row, and the unindexing of its transactions (a body that no longer
    /// decodes leaves its entries behind; lookups find them stale).
    void drop_body(Staging& s, uint64_t n, bool track) const {
        const auto key = schema::num_key(n);
        auto row = db->get(Column::kBodies, key);
        Staging::IndexJob job{n, {}};
        if (row && *row) {
            if (auto body = decode_body(**row)) {
                for (const auto& txn : body->transactions) job.txn_hashes.push_back(txn.hash);
            }
        }
        s.unindex.push_back(std::move(job));
        s.batch.del(Column::kBodies, key);
        if (track) s.remove(DataKind::kBodies, Range{n, n + 1});
        s.touched.push_back(n);
    }

    void drop_receipts(Staging& s, uint64_t n, bool track) const {
        s.batch.del(Column::kReceipts, schema::num_key(n));
        if (track) s.remove(DataKind::kReceipts, Range{n, n + 1});
    }

    void drop_block(Staging& s, uint64_t n) const {
        drop_header(s, n, true);
        drop_body(s, n, true);
        drop_receipts(s, n, true);
    }

    StoreError repair(uint64_t n, Corruption c) {
        std::string what = std::string(to_string(c.kind)) + " row: " + c.what;
        {
            std::unique_lock lock(mutex);
            if (still_corrupt_locked(n, c.kind)) {
                Staging s(trackers);
                if (c.kind == DataKind::kHeaders) {
                    drop_block(s, n);
                } else if (c.kind == DataKind::kBodies) {
                    drop_body(s, n, true);
                } else {
                    drop_receipts(s, n, true);
                }
                // The repair is made durable: after a restart the block must still read as a gap.
                if (auto w = commit(s, Durability::kSync); !w)
                    what += " (the repair write failed: " + w.error().what + ")";
            }
            cache.erase(n);
        }
        corruptions.fetch_add(1, std::memory_order_relaxed);
        return StoreError{StoreErrc::kCorrupted, n, std::move(what), c.kv_code};
    }

    // ---- writes (exclusive lock held by the caller) ----

    /// Commits the staged batch. Bodies that go are unindexed first and new bodies are queued for indexing after
    /// the commit (tx_indexer.hpp), so the index never claims a body that is not stored.
    Expected<void, StoreError> commit(Staging& s, Durability durability) {
        if (!s.unindex.empty()) {
            std::vector<uint64_t> nums;
            std::vector<std::vector<Hash>> hashes;
            for (auto& j : s.unindex) {
                nums.push_back(j.block_num);
                hashes.push_back(j.txn_hashes);
            }
            if (auto u = txindex->unindex(nums, hashes, durability); !u) return unexpected(from_kv(u.error()));
        }
        s.write_deltas();
        auto w = db->write(std::move(s.batch), durability);
        if (s.touched.size() > kCacheClearThreshold) {
            cache.clear();
        } else {
            for (const uint64_t n : s.touched) cache.erase(n);
        }
        if (!w) {
            // The bodies that were to go are still stored: index them again.
            for (auto& j : s.unindex) txindex->enqueue(j.block_num, std::move(j.txn_hashes));
            return unexpected(from_kv(w.error()));
        }
        s.mark_committed();
        for (auto& j : s.index) txindex->enqueue(j.block_num, std::move(j.txn_hashes));
        return {};
    }

    // New rows need no cache invalidation: a number is cached only while stored, and any change to a stored
    // block's header or body goes through drop_*(), which records it in `touched`.
    void put_header_rows(Staging& s, const SealedHeader& h) const {
        const uint64_t n = h.header.number;
        s.batch.put_concat(Column::kHeaders, schema::num_key(n), h.hash, h.rlp);  // schema::header_row
        s.batch.put(Column::kHashToNum, h.hash, schema::num_key(n));  // a hash memtable: order does not matter
    }

    void put_body_rows(Staging& s, uint64_t n, const Bytes& body_rlp, const BlockBody& body) const {
        s.batch.put(Column::kBodies, schema::num_key(n), body_rlp);
        Staging::IndexJob job{n, {}};
        job.txn_hashes.reserve(body.transactions.size());
        for (const Transaction& txn : body.transactions) job.txn_hashes.push_back(txn.hash);
        s.index.push_back(std::move(job));
    }

    /// Block n's stored header hash, when its row is readable and n is tracked.
    std::optional<Hash> stored_hash(uint64_t n) const {
        if (!trackers[idx(DataKind::kHeaders)].contains(n)) return std::nullopt;
        auto row = db->get(Column::kHeaders, schema::num_key(n));
        if (!row || !*row || (*row)->size() < 32) return std::nullopt;
        return hash_at(**row);
    }

    /// Pass 1 of a header write: a header that replaces a different stored one drops the old block entirely.
    void stage_replacement(Staging& s, const SealedHeader& h) const {
        const uint64_t n = h.header.number;
        if (!trackers[idx(DataKind::kHeaders)].contains(n)) return;
        const auto old = stored_hash(n);
        if (old && *old == h.hash) return;
        drop_block(s, n);
    }

    /// Pass 1 of a body write for block n: a stored body with other bytes is dropped (its tx_index entries too).
    void stage_body_replacement(Staging& s, uint64_t n, const Bytes& body_rlp) const {
        if (!trackers[idx(DataKind::kBodies)].contains(n)) return;
        auto row = db->get(Column::kBodies, schema::num_key(n));
        if (row && *row && **row == body_rlp) return;
        drop_body(s, n, true);
    }

    void cache_blocks(std::span<const Block> blocks) {
        if (blocks.size() > options.cache_on_write_max_blocks) return;
        for (const Block& b : blocks) {
            auto entry = std::make_shared<CachedBlock>(CachedBlock{b, true});
            const std::size_t charge = cache_charge(*entry);
            cache.put(b.header.header.number, std::move(entry), charge);
        }
    }

    Expected<void, StoreError> write_blocks(uint64_t replace_from, bool replace, std::span<const Block> blocks,
                                            Durability durability);
    Expected<void, StoreError> write_headers(std::span<const SealedHeader> headers, Durability durability);
};

namespace {

/// Checks that the numbers are unique and trackable; returns them sorted.
template <class GetNum, class Items>
Expected<std::vector<uint64_t>, StoreError> sorted_unique_numbers(const Items& items, GetNum get_num) {
    std::vector<uint64_t> nums;
    nums.reserve(items.size());
    for (const auto& item : items) {
        const uint64_t n = get_num(item);
        if (n > kMaxTrackedBlock) return unexpected(invalid_input("block number out of range", n));
        nums.push_back(n);
    }
    std::sort(nums.begin(), nums.end());
    if (auto dup = std::adjacent_find(nums.begin(), nums.end()); dup != nums.end()) {
        return unexpected(invalid_input("block given twice in one write", *dup));
    }
    return nums;
}

}  // namespace

Expected<void, StoreError> BlockStore::Impl::write_blocks(uint64_t replace_from, bool replace,
                                                          std::span<const Block> blocks, Durability durability) {
    auto nums = sorted_unique_numbers(blocks, [](const Block& b) { return b.header.header.number; });
    if (!nums) return unexpected(std::move(nums.error()));
    std::vector<Bytes> bodies;
    bodies.reserve(blocks.size());
    for (const Block& b : blocks) bodies.push_back(encode(b.body));

    std::unique_lock lock(mutex);
    Staging s(trackers);
    // Pass 1: removals (they read the old rows, so they must come before any put of this batch).
    if (replace) {
        for (const DataKind kind : kAllKinds) {
            const RangeTracker& t = trackers[idx(kind)];
            const auto hi = t.highest();
            if (!hi || *hi < replace_from) continue;
            std::vector<uint64_t> present;
            for (const Range r : t.intervals()) {
                for (uint64_t n = std::max(r.first, replace_from); n < r.end; ++n) present.push_back(n);
            }
            for (const uint64_t n : present) {
                if (kind == DataKind::kHeaders) drop_header(s, n, false);
                if (kind == DataKind::kBodies) drop_body(s, n, false);
                if (kind == DataKind::kReceipts) drop_receipts(s, n, false);
            }
            s.remove(kind, Range{replace_from, kMaxTrackedBlock + 1});
        }
    } else {
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            stage_replacement(s, blocks[i].header);
            stage_body_replacement(s, blocks[i].header.header.number, bodies[i]);
        }
    }
    // Pass 2: the new rows and index entries, then the trackers.
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        put_header_rows(s, blocks[i].header);
        put_body_rows(s, blocks[i].header.header.number, bodies[i], blocks[i].body);
    }
    for (const Range r : runs_of(*nums)) {
        s.add(DataKind::kHeaders, r);
        s.add(DataKind::kBodies, r);
    }
    if (auto w = commit(s, durability); !w) return w;
    cache_blocks(blocks);
    return {};
}

Expected<void, StoreError> BlockStore::Impl::write_headers(std::span<const SealedHeader> headers,
                                                           Durability durability) {
    auto nums = sorted_unique_numbers(headers, [](const SealedHeader& h) { return h.header.number; });
    if (!nums) return unexpected(std::move(nums.error()));
    std::unique_lock lock(mutex);
    Staging s(trackers);
    for (const SealedHeader& h : headers) stage_replacement(s, h);
    for (const SealedHeader& h : headers) put_header_rows(s, h);
    for (const Range r : runs_of(*nums)) s.add(DataKind::kHeaders, r);
    return commit(s, durability);
}

// ---- BlockStore ------------------------------------------------------------------------------------------------

BlockStore::BlockStore(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
BlockStore::~BlockStore() = default;

Expected<std::unique_ptr<BlockStore>, StoreError> BlockStore::open(const std::filesystem::path& path,
                                                                   const StoreOptions& options) {
    auto db = Database::open(path, options.kv);
    if (!db) {
        const KvErrc c = db.error().code;
        const StoreErrc code = c == KvErrc::kLocked     ? StoreErrc::kLocked
                               : c == KvErrc::kNotFound ? StoreErrc::kNotFound
                                                        : StoreErrc::kKv;
        return unexpected(from_kv(db.error(), code));
    }
    auto impl = std::make_unique<Impl>(std::move(*db), options);

    // Range records: one scan over the whole "rng/" prefix, so that a record with an unknown kind byte is seen.
    std::array<std::vector<Range>, kDataKindCount> records;
    std::optional<StoreError> bad;
    Bytes upper(kRangeKeyPrefix.begin(), kRangeKeyPrefix.end());
    ++upper.back();
    auto scan = impl->db->for_each(Column::kMeta, ByteView(kRangeKeyPrefix), upper, [&](ByteView key, ByteView value) {
        auto rec = decode_range_record(key, value);
        if (!rec) {
            bad = StoreError{
                StoreErrc::kMalformedRecord, std::nullopt,
                "range record " + to_hex(key) + " = " + to_hex(value) + ": " + std::string(to_string(rec.error())),
                std::nullopt};
            return false;
        }
        records[idx(rec->kind)].push_back(rec->range);
        return true;
    });
    if (!scan) return unexpected(from_kv(scan.error()));
    if (bad) return unexpected(std::move(*bad));
    bool any_records = false;
    for (const DataKind kind : kAllKinds) {
        auto t = RangeTracker::from_records(records[idx(kind)]);
        if (!t) {
            return unexpected(StoreError{StoreErrc::kMalformedRecord, std::nullopt,
                                         std::string(to_string(kind)) + " range records: " + to_string(t.error()),
                                         std::nullopt});
        }
        impl->trackers[idx(kind)] = std::move(*t);
        any_records = any_records || !records[idx(kind)].empty();
    }

    auto version = impl->db->get(Column::kMeta, as_bytes(schema::kSchemaVersionKey));
    if (!version) return unexpected(from_kv(version.error()));
    if (!*version) {
        if (any_records) {
            return unexpected(StoreError{StoreErrc::kMalformedRecord, std::nullopt,
                                         "the schema version record is missing but range records exist", std::nullopt});
        }
        WriteBatch b;
        b.put(Column::kMeta, as_bytes(schema::kSchemaVersionKey), schema::schema_version_value(kSchemaVersion));
        if (auto w = impl->db->write(std::move(b), Durability::kSync); !w) return unexpected(from_kv(w.error()));
    } else {
        const Bytes& v = **version;
        if (v.size() != 4) {
            return unexpected(StoreError{StoreErrc::kMalformedRecord, std::nullopt,
                                         "schema version record is " + std::to_string(v.size()) + " bytes, not 4",
                                         std::nullopt});
        }
        const uint32_t found_version = (uint32_t{v[0]} << 24) | (uint32_t{v[1]} << 16) | (uint32_t{v[2]} << 8) | v[3];
        if (found_version != kSchemaVersion) {
            return unexpected(StoreError{StoreErrc::kSchemaMismatch, std::nullopt,
                                         path.string() + " holds schema version " + std::to_string(found_version) +
                                             "; this build reads version " + std::to_string(kSchemaVersion),
                                         std::nullopt});
        }
    }
    // The transaction index lives in its own database beside the block data (tx_indexer.hpp says why).
    Impl* d = impl.get();
    auto load = [d](uint64_t n) -> std::optional<std::vector<Hash>> {
        std::shared_lock lock(d->mutex);
        if (!d->trackers[idx(DataKind::kBodies)].contains(n)) return std::nullopt;
        auto row = d->db->get(Column::kBodies, schema::num_key(n));
        if (!row || !*row) return std::nullopt;
        auto body = decode_body(**row);
        if (!body) return std::nullopt;  // the checked read reports it
        std::vector<Hash> hashes;
        hashes.reserve(body->transactions.size());
        for (const Transaction& txn : body->transactions) hashes.push_back(txn.hash);
        return hashes;
    };
    KvOptions index_kv = options.kv;
    index_kv.block_cache_bytes = options.kv.block_cache_bytes / 4;  // random point reads; bloom filters do most
    // The index is derived data: when it is missing from an existing store (a crash between creating the store
    // and creating it, or an operator who deleted it to rebuild), it is created and rebuilt, even by an open that
    // may not create a store.
    index_kv.create_if_missing = true;
    auto ix = detail::TxIndexer::open(path / "tx_index", index_kv, impl->trackers[idx(DataKind::kBodies)],
                                      std::move(load), options.max_pending_index_txns);
    if (!ix) {
        const StoreErrc code = ix.error().code == KvErrc::kLocked ? StoreErrc::kLocked : StoreErrc::kKv;
        StoreError e = from_kv(ix.error(), code);
        e.what = "transaction index: " + e.what;
        return unexpected(std::move(e));
    }
    impl->txindex = std::move(*ix);
    return std::unique_ptr<BlockStore>(new BlockStore(std::move(impl)));
}

Expected<void, StoreError> BlockStore::put_blocks(std::span<const Block> blocks, Durability durability) {
    if (blocks.empty()) return {};
    auto w = impl_->write_blocks(0, false, blocks, durability);
    impl_->txindex->wait_for_room();  // outside the store's lock: the indexer may need its shared side
    return w;
}

Expected<void, StoreError> BlockStore::put_headers(std::span<const SealedHeader> headers, Durability durability) {
    if (headers.empty()) return {};
    return impl_->write_headers(headers, durability);
}

Expected<void, StoreError> BlockStore::put_bodies(uint64_t first_block_num, std::span<const BlockBody> bodies,
                                                  Durability durability) {
    if (bodies.empty()) return {};
    if (first_block_num > kMaxTrackedBlock || bodies.size() - 1 > kMaxTrackedBlock - first_block_num) {
        return unexpected(invalid_input("block numbers out of range", first_block_num));
    }
    std::vector<Bytes> rlps;
    rlps.reserve(bodies.size());
    for (const BlockBody& b : bodies) rlps.push_back(encode(b));

    Impl& d = *impl_;
    std::unique_lock lock(d.mutex);
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        const uint64_t n = first_block_num + i;
        if (!d.trackers[idx(DataKind::kHeaders)].contains(n)) {
            return unexpected(invalid_input("body given for a block whose header is not stored", n));
        }
    }
    Staging s(d.trackers);
    for (std::size_t i = 0; i < bodies.size(); ++i) d.stage_body_replacement(s, first_block_num + i, rlps[i]);
    for (std::size_t i = 0; i < bodies.size(); ++i) d.put_body_rows(s, first_block_num + i, rlps[i], bodies[i]);
    s.add(DataKind::kBodies, Range{first_block_num, first_block_num + bodies.size()});
    auto w = d.commit(s, durability);
    lock.unlock();
    d.txindex->wait_for_room();  // outside the store's lock: the indexer may need its shared side
    return w;
}

Expected<void, StoreError> BlockStore::put_receipts(uint64_t first_block_num,
                                                    std::span<const std::vector<Receipt>> receipts,
                                                    Durability durability) {
    if (receipts.empty()) return {};
    if (first_block_num > kMaxTrackedBlock || receipts.size() - 1 > kMaxTrackedBlock - first_block_num) {
        return unexpected(invalid_input("block numbers out of range", first_block_num));
    }
    std::vector<Bytes> rows;
    rows.reserve(receipts.size());
    for (const auto& list : receipts) rows.push_back(encode_receipts(list, ReceiptForm::kSlim));

    Impl& d = *impl_;
    std::unique_lock lock(d.mutex);
    for (std::size_t i = 0; i < receipts.size(); ++i) {
        const uint64_t n = first_block_num + i;
        if (!d.trackers[idx(DataKind::kHeaders)].contains(n)) {
            return unexpected(invalid_input("receipts given for a block whose header is not stored", n));
        }
    }
    Staging s(d.trackers);
    for (std::size_t i = 0; i < receipts.size(); ++i) {
        s.batch.put(Column::kReceipts, schema::num_key(first_block_num + i), rows[i]);
    }
    s.add(DataKind::kReceipts, Range{first_block_num, first_block_num + receipts.size()});
    return d.commit(s, durability);
}

Expected<void, StoreError> BlockStore::replace_canonical_from(uint64_t first_block_num, std::span<const Block> blocks,
                                                              Durability durability) {
    if (first_block_num > kMaxTrackedBlock)
        return unexpected(invalid_input("block number out of range", first_block_num));
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const uint64_t want = first_block_num + i;
        if (blocks[i].header.header.number != want) {
            return unexpected(invalid_input("replacement blocks must be numbered " + std::to_string(first_block_num) +
                                                ", " + std::to_string(first_block_num + 1) + ", ...; got block " +
                                                std::to_string(blocks[i].header.header.number) + " at position " +
                                                std::to_string(i),
                                            want));
        }
    }
    auto w = impl_->write_blocks(first_block_num, true, blocks, durability);
    impl_->txindex->wait_for_room();
    return w;
}

Expected<void, StoreError> BlockStore::sync() {
    if (auto s = impl_->db->sync_wal(); !s) return unexpected(from_kv(s.error()));
    return {};
}

Expected<Lookup<SealedHeader>, StoreError> BlockStore::get_header(uint64_t block_num) const {
    auto e = impl_->header_entry(block_num);
    if (!e) return unexpected(std::move(e.error()));
    if (!e->found()) return Lookup<SealedHeader>{e->status, nullptr};
    return found(e->value, &e->value->block.header);
}

Expected<Lookup<SealedHeader>, StoreError> BlockStore::get_header_by_hash(const Hash& hash) const {
    Impl& d = *impl_;
    auto v = d.db->get(Column::kHashToNum, hash);
    if (!v) return unexpected(from_kv(v.error()));
    if (!*v) return Lookup<SealedHeader>{LookupStatus::kUnknownHash, nullptr};
    const Bytes seen = **v;
    const auto n = schema::read_be64(seen);
    if (n) {
        auto e = d.header_entry(*n);
        if (!e) return unexpected(std::move(e.error()));
        if (!e->found()) return Lookup<SealedHeader>{e->status, nullptr};
        if (e->value->block.header.hash == hash) return found(e->value, &e->value->block.header);
    }
    // A malformed entry, or one that points at a block with another hash: delete it if it is still the same entry
    // and the block at that number still does not have this hash.
    {
        std::unique_lock lock(d.mutex);
        auto again = d.db->get(Column::kHashToNum, hash);
        if (again && *again && **again == seen && (!n || d.stored_hash(*n) != hash)) {
            WriteBatch b;
            b.del(Column::kHashToNum, hash);
            (void)d.db->write(std::move(b), Durability::kBuffered);  // best effort: a stale entry is harmless
        }
    }
    return Lookup<SealedHeader>{LookupStatus::kUnknownHash, nullptr};
}

Expected<Lookup<BlockBody>, StoreError> BlockStore::get_body(uint64_t block_num) const {
    auto e = impl_->block_entry(block_num);
    if (!e) return unexpected(std::move(e.error()));
    if (!e->found()) return Lookup<BlockBody>{e->status, nullptr};
    return found(e->value, &e->value->block.body);
}

Expected<Lookup<Block>, StoreError> BlockStore::get_block(uint64_t block_num) const {
    auto e = impl_->block_entry(block_num);
    if (!e) return unexpected(std::move(e.error()));
    if (!e->found()) return Lookup<Block>{e->status, nullptr};
    return found(e->value, &e->value->block);
}

Expected<void, StoreError> BlockStore::verify_block(uint64_t block_num) const {
    return impl_->verify(block_num);
}

Expected<Lookup<std::vector<Receipt>>, StoreError> BlockStore::get_receipts(uint64_t block_num) const {
    return impl_->receipts(block_num);
}

Expected<Lookup<TransactionInBlock>, StoreError> BlockStore::find_transaction(const Hash& txn_hash) const {
    Impl& d = *impl_;
    auto v = d.txindex->lookup(txn_hash);
    if (!v) return unexpected(from_kv(v.error()));
    if (!*v) return Lookup<TransactionInBlock>{LookupStatus::kUnknownHash, nullptr};
    const schema::TxIndexValue loc = **v;
    auto e = d.block_entry(loc.block_num);
    if (!e) return unexpected(std::move(e.error()));
    if (!e->found()) return Lookup<TransactionInBlock>{e->status, nullptr};
    const Block& b = e->value->block;
    if (loc.index < b.body.transactions.size() && b.body.transactions[loc.index].hash == txn_hash) {
        auto out = std::make_shared<TransactionInBlock>();
        out->block_num = loc.block_num;
        out->index = loc.index;
        out->block_hash = b.header.hash;
        out->txn = b.body.transactions[loc.index];
        return Lookup<TransactionInBlock>{LookupStatus::kFound, std::move(out)};
    }
    // Stale: the body stored at that number does not hold this transaction there. Delete the entry if the body
    // still does not (checked under the lock: a writer may have stored one that does) and it is unchanged.
    {
        std::shared_lock lock(d.mutex);
        bool stale = true;
        if (d.trackers[idx(DataKind::kBodies)].contains(loc.block_num)) {
            auto row = d.db->get(Column::kBodies, schema::num_key(loc.block_num));
            if (row && *row) {
                auto body = decode_body(**row);
                stale = !body || loc.index >= body->transactions.size() ||
                        body->transactions[loc.index].hash != txn_hash;
            }
        }
        if (stale) d.txindex->drop_stale(txn_hash, loc);
    }
    return Lookup<TransactionInBlock>{LookupStatus::kUnknownHash, nullptr};
}

namespace {

std::optional<StoreError> check_record_key(ByteView key) {
    constexpr std::size_t kMaxKey = 256;
    if (key.empty() || key.size() > kMaxKey) return invalid_input("record keys must be 1-256 bytes");
    const auto starts_with = [&](ByteView prefix) {
        return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
    };
    if (starts_with(ByteView(kRangeKeyPrefix)) || starts_with(as_bytes(schema::kSchemaVersionKey))) {
        return invalid_input("record key uses a prefix reserved by the block store");
    }
    return std::nullopt;
}

}  // namespace

Expected<void, StoreError> BlockStore::put_record(ByteView key, ByteView value, Durability durability) {
    if (auto bad = check_record_key(key)) return unexpected(std::move(*bad));
    constexpr std::size_t kMaxValue = 64 * 1024;
    if (value.size() > kMaxValue) return unexpected(invalid_input("record values must be at most 64 KiB"));
    WriteBatch b;
    b.put(Column::kMeta, key, value);
    if (auto w = impl_->db->write(std::move(b), durability); !w) return unexpected(from_kv(w.error()));
    return {};
}

Expected<void, StoreError> BlockStore::delete_record(ByteView key, Durability durability) {
    if (auto bad = check_record_key(key)) return unexpected(std::move(*bad));
    WriteBatch b;
    b.del(Column::kMeta, key);
    if (auto w = impl_->db->write(std::move(b), durability); !w) return unexpected(from_kv(w.error()));
    return {};
}

Expected<std::optional<Bytes>, StoreError> BlockStore::get_record(ByteView key) const {
    if (auto bad = check_record_key(key)) return unexpected(std::move(*bad));
    auto v = impl_->db->get(Column::kMeta, key);
    if (!v) return unexpected(from_kv(v.error()));
    return std::move(*v);
}

Expected<std::vector<std::pair<Bytes, Bytes>>, StoreError> BlockStore::scan_records(ByteView prefix,
                                                                                    std::size_t max_records) const {
    if (auto bad = check_record_key(prefix)) return unexpected(std::move(*bad));
    // The exclusive upper bound: the prefix with its last byte below 0xff incremented, tail dropped.
    Bytes upper(prefix.begin(), prefix.end());
    while (!upper.empty() && upper.back() == 0xff) upper.pop_back();
    if (!upper.empty()) ++upper.back();
    std::vector<std::pair<Bytes, Bytes>> out;
    auto scan = impl_->db->for_each(Column::kMeta, prefix, upper, [&](ByteView k, ByteView v) {
        if (out.size() >= max_records) return false;
        out.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
        return true;
    });
    if (!scan) return unexpected(from_kv(scan.error()));
    return out;
}

RangeTracker BlockStore::tracker(DataKind kind) const {
    std::shared_lock lock(impl_->mutex);
    return impl_->trackers[idx(kind)];
}

std::vector<Range> BlockStore::gaps(DataKind kind, Range within, std::size_t max_gaps) const {
    std::shared_lock lock(impl_->mutex);
    return impl_->trackers[idx(kind)].gaps(within, max_gaps);
}

std::optional<uint64_t> BlockStore::head(DataKind kind) const {
    std::shared_lock lock(impl_->mutex);
    return impl_->trackers[idx(kind)].highest();
}

std::optional<Range> BlockStore::contiguous_suffix(DataKind kind) const {
    std::shared_lock lock(impl_->mutex);
    return impl_->trackers[idx(kind)].contiguous_suffix();
}

LookupStatus BlockStore::status(DataKind kind, uint64_t block_num) const {
    std::shared_lock lock(impl_->mutex);
    return impl_->status_locked(kind, block_num);
}

StoreStats BlockStore::stats() const {
    StoreStats s;
    s.cache = impl_->cache.stats();
    s.corruptions_found = impl_->corruptions.load(std::memory_order_relaxed);
    const auto ix = impl_->txindex->stats();
    s.txn_index_pending_blocks = ix.pending_blocks;
    s.txn_index_write_failures = ix.write_failures;
    return s;
}

void BlockStore::wait_for_txn_index() const { impl_->txindex->wait_idle(); }

const std::filesystem::path& BlockStore::path() const noexcept { return impl_->db->path(); }

}  // namespace hypasis::storage
