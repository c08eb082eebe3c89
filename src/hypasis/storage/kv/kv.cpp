#include "hypasis/storage/kv/kv.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/status.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <system_error>
#include <utility>
#include <vector>

namespace hypasis::storage {

namespace {

constexpr std::array<std::string_view, kColumnCount> kColumnNames{"headers",     "bodies",   "receipts",
                                                                  "hash_to_num", "tx_index", "meta"};

rocksdb::Slice slice(ByteView v) noexcept { return {reinterpret_cast<const char*>(v.data()), v.size()}; }

ByteView view(const rocksdb::Slice& s) noexcept { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

bool contains(std::string_view haystack, std::string_view needle) noexcept {
    return haystack.find(needle) != std::string_view::npos;
}

// The one place a rocksdb::Status becomes a KvError. `context` says what was being done ("open /x", "get headers").
KvError map_status(const rocksdb::Status& s, std::string_view context) {
    KvError e;
    e.message = std::string(context) + ": " + s.ToString();
    using Code = rocksdb::Status::Code;
    switch (s.code()) {
        case Code::kCorruption:
            e.code = KvErrc::kCorruption;
            break;
        case Code::kIOError: {
            // RocksDB reports a held LOCK file as an IO error: "While lock file: <db>/LOCK: Resource temporarily
            // unavailable" from another process, "lock hold by current process" from a second open in this one.
            const std::string text = s.ToString();
            if (contains(text, "lock hold by current process") || contains(text, "While lock file") ||
                contains(text, "/LOCK:")) {
                e.code = KvErrc::kLocked;
                e.message = std::string(context) +
                            ": the database is already open (another hypasis process, or another open in this "
                            "one, holds its LOCK file); stop it first. RocksDB said: " +
                            text;
            } else {
                e.code = KvErrc::kIoError;
            }
            break;
        }
        case Code::kInvalidArgument:
            e.code = contains(s.ToString(), "does not exist (create_if_missing is false)") ? KvErrc::kNotFound
                                                                                           : KvErrc::kInvalidArgument;
            break;
        case Code::kNotSupported:
            e.code = KvErrc::kNotSupported;
            break;
        case Code::kBusy:
        case Code::kTimedOut:
        case Code::kTryAgain:
        case Code::kAborted:
        case Code::kMergeInProgress:
            e.code = KvErrc::kBusy;
            break;
        case Code::kIncomplete:
            e.code = KvErrc::kIncomplete;
            break;
        case Code::kShutdownInProgress:
        case Code::kColumnFamilyDropped:
            e.code = KvErrc::kShutdown;
            break;
        default:
            e.code = KvErrc::kUnknown;
            break;
    }
    return e;
}

rocksdb::CompressionType to_rocksdb(Compression c) noexcept {
    switch (c) {
        case Compression::kLz4:
            return rocksdb::kLZ4Compression;
        case Compression::kZstd:
            return rocksdb::kZSTD;
        case Compression::kNone:
            break;
    }
    return rocksdb::kNoCompression;
}

// Column options; the reason for each choice is in README.md.
rocksdb::ColumnFamilyOptions column_options(Column c, const KvOptions& options,
                                            const std::shared_ptr<rocksdb::Cache>& cache) {
    rocksdb::ColumnFamilyOptions cf;
    cf.compaction_style = rocksdb::kCompactionStyleLevel;
    cf.level_compaction_dynamic_level_bytes = true;
    cf.num_levels = 7;
    cf.compression = to_rocksdb(options.compression[static_cast<std::size_t>(c)]);
    cf.bottommost_compression = cf.compression;
    // kZstd: zstd where data comes to rest (the last level, ~90% of it with dynamic level sizes); lz4 on the upper
    // levels and none on L0, whose files are short-lived, so ingest does not wait on compression in the background
    // (measured: block ingest +12% for lz4 above the last level, +10% more for an uncompressed L0).
    if (cf.compression == rocksdb::kZSTD) {
        cf.compression = rocksdb::kLZ4Compression;
        cf.compression_per_level.assign(static_cast<std::size_t>(cf.num_levels), rocksdb::kLZ4Compression);
        cf.compression_per_level[0] = rocksdb::kNoCompression;
    }

    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.format_version = 5;
    table.checksum = rocksdb::kXXH3;
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;

    const bool big = c == Column::kBodies || c == Column::kReceipts;
    cf.write_buffer_size =
        big ? options.write_buffer_bytes : std::max<std::size_t>(options.write_buffer_bytes / 4, 1 << 20);
    cf.max_write_buffer_number = 3;
    cf.target_file_size_base = big ? 128u << 20 : 64u << 20;
    cf.max_bytes_for_level_base = big ? 512u << 20 : 256u << 20;

    switch (c) {
        case Column::kBodies:
        case Column::kReceipts:
            table.block_size = 16 * 1024;
            break;
        case Column::kHashToNum:
        case Column::kTxIndex:
            table.block_size = 4 * 1024;
            table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10.0));
            table.whole_key_filtering = true;
            table.optimize_filters_for_memory = true;
            // Keys are uniformly random hashes. Small memtables (2 MiB at the defaults) stay in cache. hash_to_num
            // gets one key per block, spread thin over the key space: a skiplist would pay a full search per
            // insert, so it uses a hash-bucketed memtable (buckets on the first two key bytes, a tiny skiplist in
            // each). tx_index gets ~70-200 keys per block, which the block store adds to a batch sorted, so in a
            // plain skiplist each insert starts from the previous one, and the flush needs no sort; a hash memtable
            // would have to sort them all again at flush time. Measured choices are in README.md.
            if (c == Column::kHashToNum) {
                cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(2));
                cf.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 14));
            }
            cf.write_buffer_size = std::max<std::size_t>(options.write_buffer_bytes / 32, 1 << 20);
            cf.max_write_buffer_number = 4;
            // Random keys overlap every file of the next level, so each L0 compaction rewrites all of it: compact
            // more small L0 files at once, into a smaller first level (measured +15% header ingest).
            cf.level0_file_num_compaction_trigger = 8;
            cf.max_bytes_for_level_base = 64u << 20;
            break;
        case Column::kHeaders:
        case Column::kMeta:
            table.block_size = 4 * 1024;
            break;
    }
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cf;
}

}  // namespace

std::string_view column_name(Column c) noexcept { return kColumnNames[static_cast<std::size_t>(c)]; }

std::string_view to_string(KvErrc c) noexcept {
    switch (c) {
        case KvErrc::kCorruption:
            return "corruption";
        case KvErrc::kIoError:
            return "I/O error";
        case KvErrc::kInvalidArgument:
            return "invalid argument";
        case KvErrc::kNotSupported:
            return "not supported";
        case KvErrc::kBusy:
            return "busy";
        case KvErrc::kIncomplete:
            return "incomplete";
        case KvErrc::kShutdown:
            return "shutting down";
        case KvErrc::kLocked:
            return "locked";
        case KvErrc::kNotFound:
            return "not found";
        case KvErrc::kUnknown:
            break;
    }
    return "unknown";
}

std::string_view to_string(Compression c) noexcept {
    switch (c) {
        case Compression::kLz4:
            return "lz4";
        case Compression::kZstd:
            return "zstd";
        case Compression::kNone:
            break;
    }
    return "none";
}

std::array<Compression, kColumnCount> default_compression() noexcept {
    std::array<Compression, kColumnCount> out{};
    out[static_cast<std::size_t>(Column::kHeaders)] = Compression::kLz4;
    out[static_cast<std::size_t>(Column::kBodies)] = Compression::kZstd;
    out[static_cast<std::size_t>(Column::kReceipts)] = Compression::kZstd;
    out[static_cast<std::size_t>(Column::kHashToNum)] = Compression::kNone;
    out[static_cast<std::size_t>(Column::kTxIndex)] = Compression::kNone;
    out[static_cast<std::size_t>(Column::kMeta)] = Compression::kNone;
    return out;
}

// ---- WriteBatch ------------------------------------------------------------------------------------------------

// The batch records operations in an arena and replays them into a rocksdb::WriteBatch in write(): a
// rocksdb::WriteBatch needs the database's column family handles, and a WriteBatch here has no tie to a database.
struct WriteBatch::Impl {
    struct Op {
        Column column;
        bool is_delete;
        uint32_t key_size;
        uint32_t value_size;
    };
    std::vector<Op> ops;
    Bytes arena;  // key, then value, of each op in order
};

WriteBatch::WriteBatch() : impl_(std::make_unique<Impl>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::put(Column column, ByteView key, ByteView value) {
    if (!impl_) impl_ = std::make_unique<Impl>();
    impl_->arena.insert(impl_->arena.end(), key.begin(), key.end());
    impl_->arena.insert(impl_->arena.end(), value.begin(), value.end());
    impl_->ops.push_back({column, false, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())});
}

void WriteBatch::put_concat(Column column, ByteView key, ByteView value_head, ByteView value_tail) {
    if (!impl_) impl_ = std::make_unique<Impl>();
    Bytes& a = impl_->arena;
    a.insert(a.end(), key.begin(), key.end());
    a.insert(a.end(), value_head.begin(), value_head.end());
    a.insert(a.end(), value_tail.begin(), value_tail.end());
    impl_->ops.push_back({column, false, static_cast<uint32_t>(key.size()),
                          static_cast<uint32_t>(value_head.size() + value_tail.size())});
}

void WriteBatch::del(Column column, ByteView key) {
    if (!impl_) impl_ = std::make_unique<Impl>();
    impl_->arena.insert(impl_->arena.end(), key.begin(), key.end());
    impl_->ops.push_back({column, true, static_cast<uint32_t>(key.size()), 0});
}

void WriteBatch::clear() noexcept {
    if (!impl_) return;
    impl_->ops.clear();
    impl_->arena.clear();
}

std::size_t WriteBatch::count() const noexcept { return impl_ ? impl_->ops.size() : 0; }

std::size_t WriteBatch::data_bytes() const noexcept { return impl_ ? impl_->arena.size() : 0; }

// ---- Database --------------------------------------------------------------------------------------------------

struct Database::Impl {
    std::filesystem::path path;
    std::shared_ptr<rocksdb::Cache> cache;
    std::unique_ptr<rocksdb::DB> db;
    std::array<rocksdb::ColumnFamilyHandle*, kColumnCount> columns{};
    rocksdb::ColumnFamilyHandle* default_column{nullptr};

    ~Impl() {
        if (!db) return;
        // Flushing the memtables on a clean close makes the next open fast (no WAL to replay). Errors are
        // ignored: the WAL still holds every acknowledged write.
        rocksdb::FlushOptions fo;
        fo.wait = true;
        std::vector<rocksdb::ColumnFamilyHandle*> all(columns.begin(), columns.end());
        if (all.front() != nullptr) db->Flush(fo, all).PermitUncheckedError();
        for (auto* h : columns) {
            if (h) db->DestroyColumnFamilyHandle(h);
        }
        if (default_column) db->DestroyColumnFamilyHandle(default_column);
        db->Close().PermitUncheckedError();
    }

    rocksdb::ColumnFamilyHandle* cf(Column c) const noexcept { return columns[static_cast<std::size_t>(c)]; }

    std::string context(std::string_view what, Column c) const {
        return std::string(what) + " " + std::string(column_name(c)) + " in " + path.string();
    }
};

Database::Database(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Database::~Database() = default;

Expected<std::unique_ptr<Database>, KvError> Database::open(const std::filesystem::path& path,
                                                            const KvOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->cache = rocksdb::NewLRUCache(std::max<std::size_t>(options.block_cache_bytes, 1 << 20));

    if (!options.create_if_missing) {
        // Checked here because RocksDB would create the directory (for its info log) before failing.
        std::error_code ec;
        if (!std::filesystem::exists(path / "CURRENT", ec)) {
            return unexpected(KvError{KvErrc::kNotFound,
                                      "open " + path.string() + ": no database there (and create_if_missing is off)"});
        }
    } else {
        // RocksDB creates only the last path component; a datadir like ~/.hypasis/mainnet needs its parents.
        std::error_code ec;
        std::filesystem::create_directories(path, ec);
        if (ec) return unexpected(KvError{KvErrc::kIoError, "create " + path.string() + ": " + ec.message()});
    }

    rocksdb::DBOptions db;
    db.create_if_missing = options.create_if_missing;
    db.create_missing_column_families = true;
    db.paranoid_checks = true;
    db.max_open_files = options.max_open_files;
    db.max_background_jobs = options.max_background_jobs;
    db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    db.max_total_wal_size = 4 * static_cast<uint64_t>(options.write_buffer_bytes);
    db.avoid_flush_during_recovery = true;
    db.db_write_buffer_size = 6 * options.write_buffer_bytes;
    db.bytes_per_sync = 1 << 20;
    db.skip_stats_update_on_db_open = true;
    db.max_file_opening_threads = 1;
    // Required by the hash memtable of hash_to_num. It only matters with several concurrent writers, and
    // the block store serialises its writers anyway.
    db.allow_concurrent_memtable_write = false;
    db.keep_log_file_num = 4;
    db.max_log_file_size = 16 << 20;
    db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    for (std::size_t i = 0; i < kColumnCount; ++i) {
        const auto c = static_cast<Column>(i);
        descriptors.emplace_back(std::string(column_name(c)), column_options(c, options, impl->cache));
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status s = rocksdb::DB::Open(db, path.string(), descriptors, &handles, &raw);
    if (!s.ok()) return unexpected(map_status(s, "open " + path.string()));
    impl->db.reset(raw);
    impl->default_column = handles[0];
    for (std::size_t i = 0; i < kColumnCount; ++i) impl->columns[i] = handles[i + 1];
    return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Expected<std::optional<Bytes>, KvError> Database::get(Column column, ByteView key) const {
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    rocksdb::PinnableSlice value;
    const rocksdb::Status s = impl_->db->Get(ro, impl_->cf(column), slice(key), &value);
    if (s.IsNotFound()) return std::optional<Bytes>{};
    if (!s.ok()) return unexpected(map_status(s, impl_->context("get from", column)));
    const ByteView v = view(value);
    return std::optional<Bytes>(Bytes(v.begin(), v.end()));
}

Expected<void, KvError> Database::write(WriteBatch&& batch, Durability durability) {
    if (!batch.impl_ || batch.impl_->ops.empty()) return {};
    const auto& ops = batch.impl_->ops;
    const Bytes& arena = batch.impl_->arena;
    // 12 bytes of header plus, per op, a tag, a column id and two varint lengths (at most ~16 bytes).
    rocksdb::WriteBatch wb(12 + arena.size() + ops.size() * 16);
    std::size_t at = 0;
    for (const auto& op : ops) {
        const rocksdb::Slice key(reinterpret_cast<const char*>(arena.data() + at), op.key_size);
        at += op.key_size;
        rocksdb::Status s;
        if (op.is_delete) {
            s = wb.Delete(impl_->cf(op.column), key);
        } else {
            const rocksdb::Slice value(reinterpret_cast<const char*>(arena.data() + at), op.value_size);
            at += op.value_size;
            s = wb.Put(impl_->cf(op.column), key, value);
        }
        if (!s.ok()) return unexpected(map_status(s, "batch " + std::string(column_name(op.column))));
    }
    rocksdb::WriteOptions wo;
    wo.sync = durability == Durability::kSync;
    wo.disableWAL = false;
    const rocksdb::Status s = impl_->db->Write(wo, &wb);
    if (!s.ok()) return unexpected(map_status(s, "write to " + impl_->path.string()));
    batch.clear();
    return {};
}

namespace {

Expected<void, KvError> iterate(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, ByteView lower, ByteView upper,
                                bool reverse, const Database::RowVisitor& visit, const std::string& context) {
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    ro.total_order_seek = true;  // hash_to_num has a prefix extractor; iteration here is always in key order
    const rocksdb::Slice lower_slice = slice(lower);
    const rocksdb::Slice upper_slice = slice(upper);
    if (!lower.empty()) ro.iterate_lower_bound = &lower_slice;
    if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro, cf));
    if (reverse) {
        it->SeekToLast();
    } else {
        it->SeekToFirst();
    }
    for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
        if (!visit(view(it->key()), view(it->value()))) return {};
    }
    if (!it->status().ok()) return unexpected(map_status(it->status(), context));
    return {};
}

}  // namespace

Expected<void, KvError> Database::for_each(Column column, ByteView lower, ByteView upper,
                                           const RowVisitor& visit) const {
    return iterate(*impl_->db, impl_->cf(column), lower, upper, false, visit, impl_->context("iterate", column));
}

Expected<void, KvError> Database::for_each_reverse(Column column, ByteView lower, ByteView upper,
                                                   const RowVisitor& visit) const {
    return iterate(*impl_->db, impl_->cf(column), lower, upper, true, visit, impl_->context("iterate", column));
}

Expected<void, KvError> Database::flush() {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    std::vector<rocksdb::ColumnFamilyHandle*> all(impl_->columns.begin(), impl_->columns.end());
    const rocksdb::Status s = impl_->db->Flush(fo, all);
    if (!s.ok()) return unexpected(map_status(s, "flush " + impl_->path.string()));
    return {};
}

Expected<void, KvError> Database::sync_wal() {
    const rocksdb::Status s = impl_->db->FlushWAL(/*sync=*/true);
    if (!s.ok()) return unexpected(map_status(s, "sync WAL of " + impl_->path.string()));
    return {};
}

Expected<void, KvError> Database::compact(Column column) {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    rocksdb::Status s = impl_->db->Flush(fo, impl_->cf(column));
    if (!s.ok()) return unexpected(map_status(s, impl_->context("flush", column)));
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    co.change_level = false;
    s = impl_->db->CompactRange(co, impl_->cf(column), nullptr, nullptr);
    if (!s.ok()) return unexpected(map_status(s, impl_->context("compact", column)));
    return {};
}

Expected<uint64_t, KvError> Database::sst_bytes(Column column) const {
    uint64_t bytes = 0;
    if (!impl_->db->GetIntProperty(impl_->cf(column), rocksdb::DB::Properties::kLiveSstFilesSize, &bytes)) {
        return unexpected(KvError{KvErrc::kNotSupported, impl_->context("live SST size of", column)});
    }
    return bytes;
}

const std::filesystem::path& Database::path() const noexcept { return impl_->path; }

}  // namespace hypasis::storage
