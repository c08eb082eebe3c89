#include "hypasis/storage/kv/kv.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace hypasis::storage {
namespace {

/// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("hypasis-kv-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

KvOptions small_options() {
    KvOptions o;
    o.block_cache_bytes = 8 << 20;
    o.write_buffer_bytes = 4 << 20;
    return o;
}

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::unique_ptr<Database> open_ok(const std::filesystem::path& p, const KvOptions& o = small_options()) {
    auto db = Database::open(p, o);
    EXPECT_TRUE(db) << (db ? "" : db.error().message);
    return db ? std::move(*db) : nullptr;
}

TEST(KvNames, ColumnsAndCodesHaveStableNames) {
    EXPECT_EQ(column_name(Column::kHeaders), "headers");
    EXPECT_EQ(column_name(Column::kBodies), "bodies");
    EXPECT_EQ(column_name(Column::kReceipts), "receipts");
    EXPECT_EQ(column_name(Column::kHashToNum), "hash_to_num");
    EXPECT_EQ(column_name(Column::kTxIndex), "tx_index");
    EXPECT_EQ(column_name(Column::kMeta), "meta");
    EXPECT_EQ(to_string(KvErrc::kLocked), "locked");
    EXPECT_EQ(to_string(KvErrc::kCorruption), "corruption");
    EXPECT_EQ(to_string(KvErrc::kNotFound), "not found");
    EXPECT_EQ(to_string(Compression::kZstd), "zstd");
    const auto c = default_compression();
    EXPECT_EQ(c[static_cast<std::size_t>(Column::kBodies)], Compression::kZstd);
    EXPECT_EQ(c[static_cast<std::size_t>(Column::kReceipts)], Compression::kZstd);
    EXPECT_EQ(c[static_cast<std::size_t>(Column::kHashToNum)], Compression::kNone);
}

TEST(Kv, PutGetDeleteAcrossColumns) {
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    WriteBatch batch;
    EXPECT_TRUE(batch.empty());
    for (std::size_t i = 0; i < kColumnCount; ++i) {
        batch.put(static_cast<Column>(i), b("key"), b("value-" + std::to_string(i)));
    }
    EXPECT_EQ(batch.count(), kColumnCount);
    ASSERT_TRUE(db->write(std::move(batch), Durability::kSync));
    // The same key is distinct in each column.
    for (std::size_t i = 0; i < kColumnCount; ++i) {
        auto v = db->get(static_cast<Column>(i), b("key"));
        ASSERT_TRUE(v);
        ASSERT_TRUE(*v);
        EXPECT_EQ(**v, b("value-" + std::to_string(i)));
    }
    auto missing = db->get(Column::kHeaders, b("nope"));
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);

    WriteBatch del;
    del.del(Column::kBodies, b("key"));
    del.del(Column::kBodies, b("never-there"));  // deleting an absent key is fine
    ASSERT_TRUE(db->write(std::move(del), Durability::kBuffered));
    EXPECT_FALSE(*db->get(Column::kBodies, b("key")));
    EXPECT_TRUE(*db->get(Column::kHeaders, b("key")));
}

TEST(Kv, OperationsInABatchApplyInOrder) {
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    WriteBatch batch;
    batch.put(Column::kMeta, b("a"), b("1"));
    batch.del(Column::kMeta, b("a"));
    batch.put(Column::kMeta, b("b"), b("1"));
    batch.put(Column::kMeta, b("b"), b("2"));
    batch.del(Column::kMeta, b("c"));
    batch.put(Column::kMeta, b("c"), b("3"));
    ASSERT_TRUE(db->write(std::move(batch), Durability::kSync));
    EXPECT_FALSE(*db->get(Column::kMeta, b("a")));
    EXPECT_EQ(**db->get(Column::kMeta, b("b")), b("2"));
    EXPECT_EQ(**db->get(Column::kMeta, b("c")), b("3"));
}

TEST(Kv, EmptyValuesAndBinaryKeysRoundTrip) {
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    const Bytes key{0x00, 0xff, 0x00};
    WriteBatch batch;
    batch.put(Column::kTxIndex, key, Bytes{});
    ASSERT_TRUE(db->write(std::move(batch), Durability::kSync));
    auto v = db->get(Column::kTxIndex, key);
    ASSERT_TRUE(v && *v);
    EXPECT_TRUE((*v)->empty());
}

TEST(Kv, DataSurvivesReopen) {
    TempDir dir;
    {
        auto db = open_ok(dir.path());
        ASSERT_TRUE(db);
        WriteBatch batch;
        for (uint64_t n = 0; n < 1000; ++n) batch.put(Column::kHeaders, be64(n), be64(n * 7));
        ASSERT_TRUE(db->write(std::move(batch), Durability::kSync));
        // Half of it flushed to an SST, half left in the WAL only.
        ASSERT_TRUE(db->flush());
        WriteBatch more;
        for (uint64_t n = 1000; n < 2000; ++n) more.put(Column::kHeaders, be64(n), be64(n * 7));
        ASSERT_TRUE(db->write(std::move(more), Durability::kBuffered));
    }
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    for (uint64_t n : {0ULL, 999ULL, 1000ULL, 1999ULL}) {
        auto v = db->get(Column::kHeaders, be64(n));
        ASSERT_TRUE(v && *v) << n;
        EXPECT_EQ(**v, to_bytes(be64(n * 7)));
    }
}

TEST(Kv, ForEachHonoursBoundsOrderAndEarlyStop) {
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    WriteBatch batch;
    for (uint64_t n = 0; n < 100; ++n) batch.put(Column::kBodies, be64(n), b(std::to_string(n)));
    batch.put(Column::kHeaders, be64(50), b("other column"));
    ASSERT_TRUE(db->write(std::move(batch), Durability::kSync));

    std::vector<uint64_t> seen;
    auto collect = [&](ByteView key, ByteView) {
        uint64_t x = 0;
        for (uint8_t c : key) x = (x << 8) | c;
        seen.push_back(x);
        return true;
    };
    ASSERT_TRUE(db->for_each(Column::kBodies, be64(10), be64(20), collect));
    ASSERT_EQ(seen.size(), 10u);
    EXPECT_EQ(seen.front(), 10u);
    EXPECT_EQ(seen.back(), 19u);

    seen.clear();
    ASSERT_TRUE(db->for_each(Column::kBodies, {}, {}, collect));
    EXPECT_EQ(seen.size(), 100u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

    seen.clear();
    ASSERT_TRUE(db->for_each_reverse(Column::kBodies, be64(10), be64(20), collect));
    ASSERT_EQ(seen.size(), 10u);
    EXPECT_EQ(seen.front(), 19u);
    EXPECT_EQ(seen.back(), 10u);

    int visits = 0;
    ASSERT_TRUE(db->for_each(Column::kBodies, {}, {}, [&](ByteView, ByteView) { return ++visits < 3; }));
    EXPECT_EQ(visits, 3);
}

// The index columns have their own memtables (hash_to_num a hash-bucketed one with a prefix extractor, kv.cpp); point
// reads and ordered scans must still work, from the memtable, from SST files, and across both.
class KvIndexColumn : public ::testing::TestWithParam<Column> {};

TEST_P(KvIndexColumn, ReadsAndScansInKeyOrderFromMemtableAndFiles) {
    const Column column = GetParam();
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    std::map<Bytes, Bytes> model;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    auto random_key = [&] {
        Bytes k(32);
        for (auto& c : k) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            c = static_cast<uint8_t>(x);
        }
        return k;
    };
    for (int round = 0; round < 2; ++round) {
        WriteBatch batch;
        for (uint64_t i = 0; i < 3000; ++i) {
            const Bytes k = random_key();
            const auto v = be64(i + 10000 * static_cast<uint64_t>(round));
            batch.put(column, k, v);
            model[k] = to_bytes(v);
        }
        ASSERT_TRUE(db->write(std::move(batch), Durability::kBuffered));
        if (round == 0) {
            ASSERT_TRUE(db->flush());  // round 0 in an SST file, round 1 in the memtable
        }
    }
    for (const auto& [k, v] : model) {
        auto got = db->get(column, k);
        ASSERT_TRUE(got && *got);
        ASSERT_EQ(**got, v);
    }
    std::vector<Bytes> keys;
    ASSERT_TRUE(db->for_each(column, {}, {}, [&](ByteView k, ByteView) {
        keys.push_back(to_bytes(k));
        return true;
    }));
    ASSERT_EQ(keys.size(), model.size());
    auto it = model.begin();
    for (const auto& k : keys) EXPECT_EQ(k, (it++)->first);
    // A bounded scan across the middle of the key space.
    const Bytes lower{0x40};
    const Bytes upper{0x80};
    std::size_t in_range = 0;
    for (const auto& [k, v] : model) in_range += (k >= lower && k < upper) ? 1 : 0;
    std::size_t seen = 0;
    ASSERT_TRUE(db->for_each(column, lower, upper, [&](ByteView k, ByteView) {
        EXPECT_GE(to_bytes(k), lower);
        EXPECT_LT(to_bytes(k), upper);
        ++seen;
        return true;
    }));
    EXPECT_EQ(seen, in_range);
    EXPECT_GT(seen, 1000u);
}

INSTANTIATE_TEST_SUITE_P(IndexColumns, KvIndexColumn, ::testing::Values(Column::kHashToNum, Column::kTxIndex),
                         [](const auto& p) { return std::string(column_name(p.param)); });

TEST(Kv, SecondOpenOfTheSameDirectoryIsLocked) {
    TempDir dir;
    auto first = open_ok(dir.path());
    ASSERT_TRUE(first);
    auto second = Database::open(dir.path(), small_options());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, KvErrc::kLocked) << second.error().message;
    EXPECT_NE(second.error().message.find(dir.path().string()), std::string::npos) << second.error().message;
    EXPECT_NE(second.error().message.find("already open"), std::string::npos) << second.error().message;
    first.reset();
    EXPECT_TRUE(Database::open(dir.path(), small_options()));
}

TEST(Kv, MissingDatabaseWithoutCreateIsNotFound) {
    TempDir dir;
    KvOptions o = small_options();
    o.create_if_missing = false;
    auto db = Database::open(dir.path(), o);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, KvErrc::kNotFound) << db.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir.path()));
}

TEST(Kv, AFileInPlaceOfTheDirectoryIsAnError) {
    TempDir dir;
    std::filesystem::create_directories(dir.path());
    const auto file = dir.path() / "not-a-dir";
    std::ofstream(file) << "x";
    auto db = Database::open(file, small_options());
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, KvErrc::kIoError) << db.error().message;
}

// Bytes damaged inside an SST data block are caught by the block checksum on read: kCorruption, never data.
TEST(Kv, DamagedSstBlockReadsAsCorruption) {
    TempDir dir;
    KvOptions o = small_options();
    o.compression.fill(Compression::kNone);  // so that the value bytes are findable in the file
    o.block_cache_bytes = 1 << 20;
    const std::string marker(64, 'Q');
    {
        auto db = open_ok(dir.path(), o);
        ASSERT_TRUE(db);
        WriteBatch batch;
        for (uint64_t n = 0; n < 10; ++n) batch.put(Column::kBodies, be64(n), b(marker + std::to_string(n)));
        ASSERT_TRUE(db->write(std::move(batch), Durability::kSync));
        ASSERT_TRUE(db->compact(Column::kBodies));
        auto bytes = db->sst_bytes(Column::kBodies);
        ASSERT_TRUE(bytes);
        EXPECT_GT(*bytes, 0u);
    }
    // Flip one byte of the marker in the bodies SST file (the only file holding it).
    bool flipped = false;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        if (entry.path().extension() != ".sst") continue;
        std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const auto at = content.find(marker);
        if (at == std::string::npos) continue;
        f.seekp(static_cast<std::streamoff>(at + 5));
        f.put('R');
        flipped = true;
    }
    ASSERT_TRUE(flipped);
    // Opening reads no data block (table files are opened lazily), so the damage shows on the first read.
    auto db = Database::open(dir.path(), o);
    ASSERT_TRUE(db) << db.error().message;
    auto v = (*db)->get(Column::kBodies, be64(3));
    ASSERT_FALSE(v) << "damaged data was returned";
    EXPECT_EQ(v.error().code, KvErrc::kCorruption) << v.error().message;
    std::size_t rows = 0;
    auto scan = (*db)->for_each(Column::kBodies, {}, {}, [&](ByteView, ByteView) {
        ++rows;
        return true;
    });
    ASSERT_FALSE(scan);
    EXPECT_EQ(scan.error().code, KvErrc::kCorruption);
}

TEST(Kv, CompactionShrinksCompressibleColumns) {
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    WriteBatch batch;
    const Bytes value(4000, 0x42);  // very compressible
    for (uint64_t n = 0; n < 500; ++n) {
        batch.put(Column::kBodies, be64(n), value);
        batch.put(Column::kHashToNum, be64(n), value);
    }
    ASSERT_TRUE(db->write(std::move(batch), Durability::kBuffered));
    ASSERT_TRUE(db->compact(Column::kBodies));
    ASSERT_TRUE(db->compact(Column::kHashToNum));
    const uint64_t zstd = *db->sst_bytes(Column::kBodies);
    const uint64_t none = *db->sst_bytes(Column::kHashToNum);
    EXPECT_GT(none, 500u * 4000u);  // stored as is
    EXPECT_LT(zstd * 20, none);     // zstd makes it tiny
}

TEST(Kv, ConcurrentReadersAndWritersSeeWholeBatches) {
    TempDir dir;
    auto db = open_ok(dir.path());
    ASSERT_TRUE(db);
    std::atomic<bool> stop{false};
    std::atomic<int> torn{0};
    // Each batch sets the same round number in two columns. A reader that reads bodies and then headers can never
    // see headers behind bodies (that would be half a batch), and never sees a round go backwards.
    std::thread writer([&] {
        for (uint64_t round = 1; round <= 2000; ++round) {
            WriteBatch batch;
            batch.put(Column::kHeaders, b("round"), be64(round));
            batch.put(Column::kBodies, b("round"), be64(round));
            ASSERT_TRUE(db->write(std::move(batch), Durability::kBuffered));
        }
        stop = true;
    });
    std::thread reader([&] {
        uint64_t last = 0;
        while (!stop) {
            auto bodies = db->get(Column::kBodies, b("round"));
            auto headers = db->get(Column::kHeaders, b("round"));
            if (!bodies || !headers || !*bodies || !*headers) continue;
            uint64_t hb = 0, bb = 0;
            for (uint8_t c : **headers) hb = (hb << 8) | c;
            for (uint8_t c : **bodies) bb = (bb << 8) | c;
            if (hb < bb || bb < last) ++torn;
            last = bb;
        }
    });
    writer.join();
    reader.join();
    EXPECT_EQ(torn.load(), 0);
    EXPECT_EQ(**db->get(Column::kBodies, b("round")), to_bytes(be64(2000)));
}

}  // namespace
}  // namespace hypasis::storage
