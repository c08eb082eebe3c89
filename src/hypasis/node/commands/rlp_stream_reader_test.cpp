#include "hypasis/node/commands/rlp_stream_reader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::node {
namespace {

using rlp::DecodingError;

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File stream_of(const Bytes& bytes) {
    File f(std::tmpfile());
    EXPECT_TRUE(f);
    if (!bytes.empty()) {
        EXPECT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f.get()), bytes.size());
    }
    std::rewind(f.get());
    return f;
}

Bytes string_item(std::size_t n, uint8_t fill) {
    Bytes out;
    rlp::encode_string(out, Bytes(n, fill));
    return out;
}

TEST(RlpStreamReader, ReadsEveryItemWithItsOffset) {
    // A one-byte item, a short string, a list, and a 3 MiB string that spans several reads.
    std::vector<Bytes> items = {{0x05}, string_item(10, 0xaa), rlp::wrap_list(string_item(60, 0xbb)),
                                string_item(3u << 20, 0xcc), {0xc0}};
    Bytes all;
    for (const auto& i : items) all.insert(all.end(), i.begin(), i.end());
    File f = stream_of(all);
    RlpStreamReader reader(f.get(), 4u << 20);
    uint64_t offset = 0;
    for (const auto& want : items) {
        auto got = reader.next();
        ASSERT_TRUE(got);
        ASSERT_TRUE(got->has_value());
        EXPECT_EQ(Bytes((*got)->begin(), (*got)->end()), want);
        EXPECT_EQ(reader.item_offset(), offset);
        offset += want.size();
    }
    auto end = reader.next();
    ASSERT_TRUE(end);
    EXPECT_FALSE(end->has_value());
}

TEST(RlpStreamReader, EmptyStreamIsACleanEnd) {
    File f = stream_of({});
    RlpStreamReader reader(f.get(), 100);
    auto got = reader.next();
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->has_value());
}

TEST(RlpStreamReader, TruncatedPayloadIsInputTooShortAtTheItemStart) {
    Bytes all = string_item(3, 0x11);
    const Bytes second = rlp::wrap_list(string_item(100, 0x22));
    all.insert(all.end(), second.begin(), second.end() - 1);  // the last byte is missing
    File f = stream_of(all);
    RlpStreamReader reader(f.get(), 1000);
    ASSERT_TRUE(reader.next());
    auto got = reader.next();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().rlp, DecodingError::kInputTooShort);
    EXPECT_EQ(got.error().io_errno, 0);
    EXPECT_EQ(reader.item_offset(), 4u);
    EXPECT_EQ(got.error().message(1000), "input too short");
}

TEST(RlpStreamReader, TruncatedLengthBytesIsInputTooShort) {
    File f = stream_of({0xf9, 0x01});  // a long list whose two length bytes are cut after one
    RlpStreamReader reader(f.get(), 1000);
    auto got = reader.next();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().rlp, DecodingError::kInputTooShort);
}

TEST(RlpStreamReader, AnnouncedSizeAboveTheCapIsRefusedBeforeReading) {
    // A list announcing 2^40 bytes; the stream holds only its header.
    File f = stream_of({0xfd, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00});
    RlpStreamReader reader(f.get(), 1u << 20);
    auto got = reader.next();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().rlp, DecodingError::kTooLarge);
    EXPECT_EQ(got.error().announced_size, (uint64_t{1} << 40) + 7);  // 7 header bytes
    EXPECT_EQ(got.error().message(1u << 20), "item of 1099511627783 bytes exceeds the cap of 1048576 bytes");
}

TEST(RlpStreamReader, LargestLengthDoesNotWrap) {
    // Eight length bytes of 0xff: header + payload overflows 64 bits and must still count as too large.
    File f = stream_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    RlpStreamReader reader(f.get(), SIZE_MAX - 1);
    auto got = reader.next();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().rlp, DecodingError::kTooLarge);
}

TEST(RlpStreamReader, ItemExactlyAtTheCapIsAccepted) {
    const Bytes item = string_item(100, 0x33);  // 102 bytes with its header
    File f = stream_of(item);
    RlpStreamReader at_cap(f.get(), item.size());
    auto got = at_cap.next();
    ASSERT_TRUE(got);
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->size(), item.size());

    File g = stream_of(item);
    RlpStreamReader below(g.get(), item.size() - 1);
    auto refused = below.next();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().rlp, DecodingError::kTooLarge);
}

}  // namespace
}  // namespace hypasis::node
