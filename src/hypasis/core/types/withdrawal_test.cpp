#include "hypasis/core/types/withdrawal.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hypasis/core/rlp/encode.hpp"

namespace hypasis {
namespace {

using rlp::DecodingError;

// The outcome of a decode as text, so that a failed check prints the error's name (and never reads the error of
// a success).
template <class T>
std::string err(const Expected<T, DecodingError>& r) {
    return r ? std::string("ok") : std::string(rlp::to_string(r.error()));
}
std::string name(DecodingError e) { return std::string(rlp::to_string(e)); }

Address filled(uint8_t b) {
    Address a;
    a.fill(b);
    return a;
}

// [1, 2, 0x11 * 20, 3]: payload 1 + 1 + 21 + 1 = 24 bytes, so the list header is 0xc0 + 24.
Bytes small_vector() {
    Bytes v = {0xd8, 0x01, 0x02, 0x94};
    v.insert(v.end(), 20, 0x11);
    v.push_back(0x03);
    return v;
}

TEST(Withdrawal, HandEncodedVector) {
    const Withdrawal w{1, 2, filled(0x11), 3};
    EXPECT_EQ(encode(w), small_vector());
    EXPECT_EQ(encoded_length(w), small_vector().size());
    auto d = decode_withdrawal(small_vector());
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, w);
}

TEST(Withdrawal, LargeValuesByHand) {
    // index 2^64-1 (8 bytes), validator 0 (the empty string), amount 32 ETH = 32e9 Gwei = 0x0773594000 (5 bytes);
    // payload 9 + 1 + 21 + 6 = 37 bytes, so the list header is 0xc0 + 37.
    const Withdrawal w{UINT64_MAX, 0, filled(0xab), 32000000000ull};
    Bytes v = {0xe5, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x94};
    v.insert(v.end(), 20, 0xab);
    for (uint8_t b : {0x85, 0x07, 0x73, 0x59, 0x40, 0x00}) v.push_back(b);
    ASSERT_EQ(v.size() - 1, 0xe5u - 0xc0u);
    EXPECT_EQ(encode(w), v);
    auto d = decode_withdrawal(v);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, w);
}

TEST(Withdrawal, MalformedInputIsRejected) {
    const auto with_payload = [](Bytes payload) { return rlp::wrap_list(payload); };
    Bytes address = {0x94};
    address.insert(address.end(), 20, 0x11);
    const auto cat = [](std::initializer_list<Bytes> parts) {
        Bytes out;
        for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
        return out;
    };
    // Three and five fields.
    EXPECT_EQ(err(decode_withdrawal(with_payload(cat({{0x01}, {0x02}, address})))),
              name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_withdrawal(with_payload(cat({{0x01}, {0x02}, address, {0x03}, {0x04}})))),
              name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_withdrawal(Bytes{0xc0})), name(DecodingError::kListLengthMismatch));
    // A 19-byte address.
    Bytes short_address = {0x93};
    short_address.insert(short_address.end(), 19, 0x11);
    EXPECT_EQ(err(decode_withdrawal(with_payload(cat({{0x01}, {0x02}, short_address, {0x03}})))),
              name(DecodingError::kUnexpectedLength));
    // Non-canonical and oversized integers.
    EXPECT_EQ(err(decode_withdrawal(with_payload(cat({{0x82, 0x00, 0x01}, {0x02}, address, {0x03}})))),
              name(DecodingError::kLeadingZero));
    EXPECT_EQ(err(decode_withdrawal(with_payload(cat({{0x01}, {0x81, 0x02}, address, {0x03}})))),
              name(DecodingError::kNonCanonicalSize));
    const Bytes nine_bytes = {0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(err(decode_withdrawal(with_payload(cat({{0x01}, {0x02}, address, nine_bytes})))),
              name(DecodingError::kOverflow));
    // Not a list; trailing bytes; truncated.
    EXPECT_EQ(err(decode_withdrawal(Bytes{0x80})), name(DecodingError::kUnexpectedString));
    Bytes trailing = small_vector();
    trailing.push_back(0x00);
    EXPECT_EQ(err(decode_withdrawal(trailing)), name(DecodingError::kInputTooLong));
    const Bytes v = small_vector();
    for (std::size_t n = 0; n < v.size(); ++n) {
        EXPECT_EQ(err(decode_withdrawal(ByteView{v}.first(n))), name(DecodingError::kInputTooShort)) << n;
    }
}

TEST(Withdrawal, ListsAreCappedAndRoundTrip) {
    std::vector<Withdrawal> ws;
    for (uint64_t i = 0; i < 16; ++i) ws.push_back({1000 + i, 7 * i, filled(static_cast<uint8_t>(i)), i * i});
    Bytes rlp;
    encode_to(rlp, ws);
    EXPECT_EQ(rlp.size(), encoded_length(ws));
    ByteView in = rlp;
    auto d = decode_withdrawals_item(in, 16);
    ASSERT_TRUE(d);
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(*d, ws);
    ByteView again = rlp;
    EXPECT_EQ(err(decode_withdrawals_item(again, 15)), name(DecodingError::kTooLarge));
    // An empty list.
    const Bytes empty = {0xc0};
    ByteView empty_in = empty;
    auto e = decode_withdrawals_item(empty_in, 0);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->empty());
    // A bad element inside the list.
    const Bytes bad = rlp::wrap_list(Bytes{0xc0});
    ByteView bad_in = bad;
    EXPECT_EQ(err(decode_withdrawals_item(bad_in, 16)), name(DecodingError::kListLengthMismatch));
}

}  // namespace
}  // namespace hypasis
