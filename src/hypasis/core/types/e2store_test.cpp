#include "hypasis/core/types/e2store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::e2store {
namespace {

// The Portal test file's records hold one raw header RLP each (an application-specific type, first byte >= 0x80).
constexpr EntryType kPortalHeaderRlp = 0xff00;

template <class T>
std::string err(const Expected<T, E2StoreError>& r) {
    return r ? std::string("ok") : std::string(to_string(r.error()));
}
std::string name(E2StoreError e) { return std::string(to_string(e)); }

TEST(E2Store, SpecExampleRecord) {
    // nimbus-eth2 docs/e2store.md: type [0x22, 0x32], length 4, content [1, 2, 3, 4].
    const Bytes file = {0x22, 0x32, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04};
    ByteView in = file;
    auto e = read_entry(in);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->type, 0x2232);
    EXPECT_EQ(to_bytes(e->data), (Bytes{1, 2, 3, 4}));
    EXPECT_TRUE(in.empty());
    Bytes written;
    write_entry(written, 0x2232, Bytes{1, 2, 3, 4});
    EXPECT_EQ(written, file);
}

TEST(E2Store, VersionRecordAndSequence) {
    // An era1 file starts with Version: the bytes "e2", a zero length and zero reserved bytes.
    Bytes file;
    write_entry(file, kVersion, {});
    EXPECT_EQ(file, (Bytes{'e', '2', 0, 0, 0, 0, 0, 0}));
    write_entry(file, kCompressedHeader, Bytes(300, 0xaa));
    write_entry(file, kBlockIndex, Bytes{9});
    ByteView in = file;
    std::vector<EntryType> types;
    while (!in.empty()) {
        auto e = read_entry(in);
        ASSERT_TRUE(e);
        types.push_back(e->type);
    }
    EXPECT_EQ(types, (std::vector<EntryType>{kVersion, kCompressedHeader, kBlockIndex}));
    EXPECT_EQ(file[8], 0x03);           // the first type byte of CompressedHeader is 0x03 (era1.md "0x0300")
    EXPECT_EQ(file[8 + 8 + 300], 'f');  // BlockIndex is "f2" on disk
}

TEST(E2Store, MalformedRecordsGetTypedErrors) {
    const Bytes good = {0x22, 0x32, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04};
    // Truncated header: every length below 8.
    for (std::size_t n = 0; n < kHeaderSize; ++n) {
        ByteView in = ByteView{good}.first(n);
        auto e = read_entry(in);
        ASSERT_FALSE(e);
        EXPECT_EQ(err(e), name(E2StoreError::kTruncatedHeader));
        EXPECT_EQ(in.size(), n);  // unchanged on error
    }
    // Truncated data.
    for (std::size_t n = kHeaderSize; n < good.size(); ++n) {
        ByteView in = ByteView{good}.first(n);
        EXPECT_EQ(err(read_entry(in)), name(E2StoreError::kTruncatedData));
    }
    // Reserved bytes must be zero.
    for (std::size_t i : {6u, 7u}) {
        Bytes bad = good;
        bad[i] = 1;
        ByteView in = bad;
        EXPECT_EQ(err(read_entry(in)), name(E2StoreError::kReservedNotZero));
    }
    // A huge length: truncated when the input is short, too large when over the caller's bound.
    const Bytes huge = {0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01};
    ByteView in = huge;
    EXPECT_EQ(err(read_entry(in)), name(E2StoreError::kTruncatedData));
    in = huge;
    EXPECT_EQ(err(read_entry(in, 1 << 20)), name(E2StoreError::kTooLarge));
    in = good;
    EXPECT_EQ(err(read_entry(in, 3)), name(E2StoreError::kTooLarge));
    in = good;
    EXPECT_TRUE(read_entry(in, 4));
    EXPECT_EQ(to_string(E2StoreError::kReservedNotZero), "e2store reserved field not zero");
}

// 1000001-1000010.e2s: ten consecutive Frontier-era headers, checked against the Portal content keys.
TEST(E2StoreFixtures, PortalHeadersFile) {
    HYPASIS_FIXTURE_OR_SKIP(e2s, "portal-spec-tests/history/headers/1000001-1000010.e2s");
    HYPASIS_FIXTURE_OR_SKIP(keys, "portal-spec-tests/history/headers_with_proof/1000001-1000010.json");
    const std::string file = test::read_file(e2s);
    const auto proofs = test::read_json(keys).as_object();
    ByteView in = as_bytes(file);
    std::vector<SealedHeader> headers;
    while (!in.empty()) {
        auto e = read_entry(in);
        ASSERT_TRUE(e) << to_string(e.error());
        ASSERT_EQ(e->type, kPortalHeaderRlp);
        auto h = decode_header(e->data);
        ASSERT_TRUE(h) << rlp::to_string(h.error());
        EXPECT_EQ(encode(h->header), to_bytes(e->data));
        headers.push_back(std::move(*h));
    }
    ASSERT_EQ(headers.size(), 10u);
    for (std::size_t i = 0; i < headers.size(); ++i) {
        const uint64_t n = 1000001 + i;
        SCOPED_TRACE(n);
        EXPECT_EQ(headers[i].header.number, n);
        EXPECT_EQ(field_count(headers[i].header), 15u);
        if (i > 0) {
            EXPECT_EQ(headers[i].header.parent_hash, headers[i - 1].hash);
        }
        const auto key = from_hex(std::string(proofs.at(std::to_string(n)).at("content_key").as_string()));
        ASSERT_TRUE(key);
        ASSERT_EQ(key->size(), 33u);
        EXPECT_EQ((*key)[0], 0x00);
        EXPECT_EQ(to_fixed<32>(ByteView{*key}.subspan(1)), headers[i].hash);
    }
    // The same file cut short inside its last record.
    ByteView cut = as_bytes(file).first(file.size() - 10);
    std::size_t ok = 0;
    for (;;) {
        auto e = read_entry(cut);
        if (!e) {
            EXPECT_EQ(err(e), name(E2StoreError::kTruncatedData));
            break;
        }
        ++ok;
    }
    EXPECT_EQ(ok, 9u);
}

}  // namespace
}  // namespace hypasis::e2store
