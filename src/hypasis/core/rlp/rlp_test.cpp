#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::rlp {
namespace {

namespace json = boost::json;

// Big-endian bytes of a decimal number of any size (the vectors hold one above 2^256).
Bytes decimal_to_be(const std::string& dec) {
    Bytes be;  // little-endian while building
    for (char c : dec) {
        unsigned carry = static_cast<unsigned>(c - '0');
        for (auto& b : be) {
            const unsigned v = b * 10u + carry;
            b = static_cast<uint8_t>(v & 0xff);
            carry = v >> 8;
        }
        for (; carry != 0; carry >>= 8) be.push_back(static_cast<uint8_t>(carry & 0xff));
    }
    return Bytes(be.rbegin(), be.rend());
}

// Encodes a value from the ethereum/tests RLP JSON: strings, integers, "#bigint" strings and nested lists.
Bytes encode_json(const json::value& v) {
    Bytes out;
    if (v.is_string()) {
        const std::string s(v.as_string());
        if (!s.empty() && s[0] == '#') {
            encode_string(out, decimal_to_be(s.substr(1)));
        } else {
            encode_string(out, as_bytes(s));
        }
    } else if (v.is_int64() || v.is_uint64()) {
        encode_u64(out, v.is_int64() ? static_cast<uint64_t>(v.as_int64()) : v.as_uint64());
    } else if (v.is_array()) {
        Bytes payload;
        for (const auto& e : v.as_array()) {
            const Bytes enc = encode_json(e);
            payload.insert(payload.end(), enc.begin(), enc.end());
        }
        encode_list(out, payload);
    } else {
        ADD_FAILURE() << "unsupported JSON value in vector";
    }
    return out;
}

// Checks that the decoded tree has the structure and contents described by `v`.
void expect_matches(const Item& item, const json::value& v) {
    if (v.is_array()) {
        ASSERT_TRUE(item.list);
        ASSERT_EQ(item.items.size(), v.as_array().size());
        for (std::size_t i = 0; i < item.items.size(); ++i) expect_matches(item.items[i], v.as_array()[i]);
        return;
    }
    ASSERT_FALSE(item.list);
    Bytes expected;
    if (v.is_string() && !v.as_string().empty() && v.as_string()[0] == '#') {
        expected = decimal_to_be(std::string(v.as_string()).substr(1));
    } else if (v.is_string()) {
        expected = to_bytes(as_bytes(v.as_string()));
    } else {
        expected = U256(v.is_int64() ? static_cast<uint64_t>(v.as_int64()) : v.as_uint64()).to_be_minimal();
    }
    EXPECT_EQ(to_bytes(item.payload), expected);
}

TEST(Rlp, EthereumTestsValidVectors) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/RLPTests/rlptest.json");
    const auto tests = test::read_json(path).as_object();
    ASSERT_GT(tests.size(), 20u);
    for (const auto& [name, tc] : tests) {
        SCOPED_TRACE(std::string(name));
        const Bytes expected = *from_hex(tc.at("out").as_string());
        EXPECT_EQ(to_hex(encode_json(tc.at("in"))), to_hex(expected));
        auto tree = decode_tree(expected);
        ASSERT_TRUE(tree) << to_string(tree.error());
        expect_matches(*tree, tc.at("in"));
    }
}

TEST(Rlp, EthereumTestsInvalidVectors) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/RLPTests/invalidRLPTest.json");
    const auto tests = test::read_json(path).as_object();
    ASSERT_GT(tests.size(), 10u);
    for (const auto& [name, tc] : tests) {
        SCOPED_TRACE(std::string(name));
        const auto bytes = from_hex(tc.at("out").as_string());
        ASSERT_TRUE(bytes);
        // Every vector must be rejected as a tree; the integer-only cases are also checked as integers.
        auto tree = decode_tree(*bytes);
        ByteView in = *bytes;
        auto as_int = decode_u256(in);
        EXPECT_FALSE(tree && as_int && in.empty()) << "accepted invalid input " << tc.at("out").as_string();
        EXPECT_FALSE(tree) << "tree decoder accepted " << tc.at("out").as_string();
    }
}

TEST(Rlp, TypedErrors) {
    auto err = [](const char* hex) {
        auto r = decode_tree(*from_hex(hex));
        return r ? DecodingError{} : r.error();
    };
    EXPECT_EQ(err("0x"), DecodingError::kInputTooShort);
    EXPECT_EQ(err("0x83aabb"), DecodingError::kInputTooShort);
    EXPECT_EQ(err("0x8100"), DecodingError::kNonCanonicalSize);                 // byte < 0x80 wrapped
    EXPECT_EQ(err("0xb80161"), DecodingError::kNonCanonicalSize);               // long form for 1 byte
    EXPECT_EQ(err("0xb90000"), DecodingError::kLeadingZero);                    // length with leading zero
    EXPECT_EQ(err("0xc0c0"), DecodingError::kInputTooLong);                     // trailing bytes
    EXPECT_EQ(err("0xbf0f000000000000021111"), DecodingError::kInputTooShort);  // huge length, no data
    const Bytes zero_bytes{0x00};
    ByteView zero = zero_bytes;
    EXPECT_EQ(decode_u64(zero).error(), DecodingError::kLeadingZero);
    Bytes enc;
    encode_string(enc, Bytes(9, 0x01));
    ByteView nine = enc;
    EXPECT_EQ(decode_u64(nine).error(), DecodingError::kOverflow);
    Bytes h20;
    encode_string(h20, Bytes(20, 0xaa));
    ByteView h20_view = h20;
    EXPECT_EQ(decode_fixed<32>(h20_view).error(), DecodingError::kUnexpectedLength);
}

TEST(Rlp, DepthAndCountBounds) {
    Bytes nested = {0xc0};
    for (int i = 0; i < 100; ++i) nested = wrap_list(nested);
    EXPECT_EQ(decode_tree(nested, 64).error(), DecodingError::kTooDeep);
    EXPECT_TRUE(decode_tree(nested, 128));
    Bytes many;
    for (int i = 0; i < 50; ++i) encode_u64(many, 1);
    EXPECT_EQ(decode_tree(wrap_list(many), 64, 10).error(), DecodingError::kTooLarge);
}

TEST(Rlp, CountItems) {
    Bytes payload;
    for (int i = 0; i < 5; ++i) encode_u64(payload, 1000);
    EXPECT_EQ(count_items(payload, 5), 5u);
    EXPECT_EQ(count_items(payload, 4).error(), DecodingError::kTooLarge);
    EXPECT_EQ(count_items({}, 0), 0u);
    payload.pop_back();  // the last item is now truncated
    EXPECT_EQ(count_items(payload, 10).error(), DecodingError::kInputTooShort);
}

TEST(Rlp, IntegerRoundTrip) {
    for (uint64_t x : {0ull, 1ull, 0x7full, 0x80ull, 0xffull, 0x100ull, 0xffffffffffffffffull}) {
        Bytes enc;
        encode_u64(enc, x);
        EXPECT_EQ(enc.size(), u64_length(x));
        ByteView in = enc;
        auto d = decode_u64(in);
        ASSERT_TRUE(d);
        EXPECT_EQ(*d, x);
        EXPECT_TRUE(in.empty());
    }
}

}  // namespace
}  // namespace hypasis::rlp
