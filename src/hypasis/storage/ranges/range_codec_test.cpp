// The persisted form of a tracker: the record layout (checked against bytes written out by hand from the layout in
// range_codec.hpp), every decode error, and write_delta()'s deletes and puts.
#include "hypasis/storage/ranges/range_codec.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hypasis::storage {
namespace {

Bytes bytes_of(std::initializer_list<int> v) {
    Bytes out;
    for (int x : v) out.push_back(static_cast<uint8_t>(x));
    return out;
}

// A recording sink: the operations in order, plus the resulting record set.
class RecordingSink final : public RangeRecordSink {
  public:
    void put(ByteView key, ByteView value) override {
        ops.emplace_back("put", to_bytes(key));
        records[to_bytes(key)] = to_bytes(value);
    }
    void del(ByteView key) override {
        ops.emplace_back("del", to_bytes(key));
        records.erase(to_bytes(key));
    }
    std::vector<std::pair<std::string, Bytes>> ops;
    std::map<Bytes, Bytes> records;
};

Bytes key_bytes(DataKind kind, uint64_t first) {
    const RangeKey k = range_key(kind, first);
    return Bytes(k.begin(), k.end());
}

TEST(RangeCodec, KeyAndValueLayout) {
    // "rng/" = 72 6e 67 2f, then the kind byte, then be64(first).
    EXPECT_EQ(key_bytes(DataKind::kBodies, 0x0102030405060708ULL),
              bytes_of({0x72, 0x6e, 0x67, 0x2f, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
    EXPECT_EQ(key_bytes(DataKind::kHeaders, 0), bytes_of({0x72, 0x6e, 0x67, 0x2f, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    const auto v = range_value(0x1122334455667788ULL);
    EXPECT_EQ(Bytes(v.begin(), v.end()), bytes_of({0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}));
    const auto p = range_key_prefix(DataKind::kReceipts);
    EXPECT_EQ(Bytes(p.begin(), p.end()), bytes_of({0x72, 0x6e, 0x67, 0x2f, 0x02}));
    const auto u = range_key_upper(DataKind::kReceipts);
    EXPECT_EQ(Bytes(u.begin(), u.end()), bytes_of({0x72, 0x6e, 0x67, 0x2f, 0x03}));
}

TEST(RangeCodec, KeysOfAKindSortByFirstAndStayInsideTheirPrefix) {
    for (DataKind kind : {DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts}) {
        const RangeKindPrefix lower_prefix = range_key_prefix(kind);
        const RangeKindPrefix upper_prefix = range_key_upper(kind);
        const Bytes lower(lower_prefix.begin(), lower_prefix.end());
        const Bytes upper(upper_prefix.begin(), upper_prefix.end());
        Bytes prev;
        for (uint64_t first : std::vector<uint64_t>{0, 1, 255, 256, 65536, uint64_t{1} << 40, UINT64_MAX - 1, UINT64_MAX}) {
            const Bytes k = key_bytes(kind, first);
            EXPECT_LE(lower, k);
            EXPECT_LT(k, upper);
            if (!prev.empty()) {
                EXPECT_LT(prev, k) << first;
            }
            prev = k;
        }
    }
}

TEST(RangeCodec, RoundTrip) {
    for (DataKind kind : {DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts}) {
        for (Range r : {Range{0, 1}, Range{17, 1'000'000}, Range{UINT64_MAX - 1, UINT64_MAX}}) {
            const auto k = range_key(kind, r.first);
            const auto v = range_value(r.end);
            auto rec = decode_range_record(k, v);
            ASSERT_TRUE(rec) << to_string(rec.error());
            EXPECT_EQ(rec->kind, kind);
            EXPECT_EQ(rec->range, r);
        }
    }
}

TEST(RangeCodec, DecodeErrors) {
    const Bytes good_key = key_bytes(DataKind::kHeaders, 10);
    const Bytes good_value = bytes_of({0, 0, 0, 0, 0, 0, 0, 20});
    ASSERT_TRUE(decode_range_record(good_key, good_value));

    Bytes wrong_prefix = good_key;
    wrong_prefix[0] = 'R';
    EXPECT_EQ(decode_range_record(wrong_prefix, good_value).error(), RangeRecordError::kWrongPrefix);
    EXPECT_EQ(decode_range_record(bytes_of({0x72, 0x6e}), good_value).error(), RangeRecordError::kWrongPrefix);
    EXPECT_EQ(decode_range_record(Bytes{}, good_value).error(), RangeRecordError::kWrongPrefix);

    Bytes short_key(good_key.begin(), good_key.end() - 1);
    EXPECT_EQ(decode_range_record(short_key, good_value).error(), RangeRecordError::kBadKeyLength);
    Bytes long_key = good_key;
    long_key.push_back(0);
    EXPECT_EQ(decode_range_record(long_key, good_value).error(), RangeRecordError::kBadKeyLength);

    Bytes bad_kind = good_key;
    bad_kind[4] = 3;
    EXPECT_EQ(decode_range_record(bad_kind, good_value).error(), RangeRecordError::kUnknownKind);
    bad_kind[4] = 0xff;
    EXPECT_EQ(decode_range_record(bad_kind, good_value).error(), RangeRecordError::kUnknownKind);

    EXPECT_EQ(decode_range_record(good_key, bytes_of({0, 0, 0, 0, 0, 0, 20})).error(),
              RangeRecordError::kBadValueLength);
    EXPECT_EQ(decode_range_record(good_key, bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 20})).error(),
              RangeRecordError::kBadValueLength);
    EXPECT_EQ(decode_range_record(good_key, Bytes{}).error(), RangeRecordError::kBadValueLength);

    EXPECT_EQ(decode_range_record(good_key, bytes_of({0, 0, 0, 0, 0, 0, 0, 10})).error(),
              RangeRecordError::kEmptyRange);
    EXPECT_EQ(decode_range_record(good_key, bytes_of({0, 0, 0, 0, 0, 0, 0, 9})).error(),
              RangeRecordError::kEmptyRange);
    EXPECT_EQ(to_string(RangeRecordError::kAdjacent), "adjacent ranges not merged");
}

TEST(RangeCodec, WriteDeltaSkipsDeleteOfAReusedKey) {
    RangeTracker t;
    RecordingSink sink;
    write_delta(DataKind::kBodies, t.add({10, 20}), sink);
    ASSERT_EQ(sink.ops.size(), 1u);
    EXPECT_EQ(sink.ops[0], std::make_pair(std::string("put"), key_bytes(DataKind::kBodies, 10)));

    // Growing at the end keeps the key: one put that overwrites, no delete.
    sink.ops.clear();
    write_delta(DataKind::kBodies, t.add({20, 30}), sink);
    ASSERT_EQ(sink.ops.size(), 1u);
    EXPECT_EQ(sink.ops[0].first, "put");
    EXPECT_EQ(sink.records.at(key_bytes(DataKind::kBodies, 10)), bytes_of({0, 0, 0, 0, 0, 0, 0, 30}));

    // Growing downward moves the key: delete the old one, put the new one.
    sink.ops.clear();
    write_delta(DataKind::kBodies, t.add({5, 10}), sink);
    ASSERT_EQ(sink.ops.size(), 2u);
    EXPECT_EQ(sink.ops[0], std::make_pair(std::string("del"), key_bytes(DataKind::kBodies, 10)));
    EXPECT_EQ(sink.ops[1], std::make_pair(std::string("put"), key_bytes(DataKind::kBodies, 5)));
    ASSERT_EQ(sink.records.size(), 1u);
    EXPECT_EQ(sink.records.at(key_bytes(DataKind::kBodies, 5)), bytes_of({0, 0, 0, 0, 0, 0, 0, 30}));

    // A split: the lower piece reuses the key, the upper one is new.
    sink.ops.clear();
    write_delta(DataKind::kBodies, t.remove({12, 15}), sink);
    ASSERT_EQ(sink.ops.size(), 2u);
    EXPECT_EQ(sink.ops[0], std::make_pair(std::string("put"), key_bytes(DataKind::kBodies, 5)));
    EXPECT_EQ(sink.ops[1], std::make_pair(std::string("put"), key_bytes(DataKind::kBodies, 15)));
    EXPECT_EQ(sink.records.at(key_bytes(DataKind::kBodies, 5)), bytes_of({0, 0, 0, 0, 0, 0, 0, 12}));
    EXPECT_EQ(sink.records.at(key_bytes(DataKind::kBodies, 15)), bytes_of({0, 0, 0, 0, 0, 0, 0, 30}));

    // An empty delta writes nothing.
    sink.ops.clear();
    write_delta(DataKind::kBodies, t.add({6, 8}), sink);
    EXPECT_TRUE(sink.ops.empty());
}

TEST(RangeCodec, KindsDoNotCollide) {
    RecordingSink sink;
    RangeTracker headers;
    RangeTracker bodies;
    write_delta(DataKind::kHeaders, headers.add({0, 10}), sink);
    write_delta(DataKind::kBodies, bodies.add({0, 5}), sink);
    ASSERT_EQ(sink.records.size(), 2u);
    for (const auto& [key, value] : sink.records) {
        auto rec = decode_range_record(key, value);
        ASSERT_TRUE(rec);
        EXPECT_EQ(rec->range, rec->kind == DataKind::kHeaders ? (Range{0, 10}) : (Range{0, 5}));
    }
}

}  // namespace
}  // namespace hypasis::storage
