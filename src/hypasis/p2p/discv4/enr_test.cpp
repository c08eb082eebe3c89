#include "hypasis/p2p/discv4/enr.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/discv4/enode.hpp"

namespace hypasis::p2p::discv4 {
namespace {

// EIP-778 / enr.md, "Test Vectors": the example record and its private key.
constexpr std::string_view kExampleText =
    "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlw"
    "hH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8";
constexpr std::string_view kExampleKey = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
constexpr std::string_view kExampleNodeAddress = "0xa448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7";

crypto::SecretKey example_key() { return *fixed_from_hex<32>(kExampleKey); }

Bytes str(std::string_view s) {
    Bytes out;
    rlp::encode_string(out, as_bytes(s));
    return out;
}
Bytes num(uint64_t x) {
    Bytes out;
    rlp::encode_u64(out, x);
    return out;
}

/// Signs arbitrary pairs in the given order (the builder always sorts): to craft records that break the rules
/// while carrying a valid signature.
Bytes sign_raw(uint64_t seq, const std::vector<std::pair<std::string, Bytes>>& pairs, const crypto::SecretKey& key) {
    Bytes content;
    rlp::encode_u64(content, seq);
    for (const auto& [k, v] : pairs) {
        rlp::encode_string(content, as_bytes(k));
        content.insert(content.end(), v.begin(), v.end());
    }
    const auto sig = *crypto::sign(crypto::keccak256(rlp::wrap_list(content)), key);
    Bytes payload;
    rlp::encode_fixed(payload, sig.rs);
    payload.insert(payload.end(), content.begin(), content.end());
    return rlp::wrap_list(payload);
}

Bytes compressed_key(const crypto::SecretKey& k) {
    Bytes out;
    rlp::encode_fixed(out, crypto::compress(*crypto::public_key(k)));
    return out;
}

TEST(Enr, Eip778ExampleDecodesAndVerifies) {
    auto enr = parse_enr_text(kExampleText);
    ASSERT_TRUE(enr) << to_string(enr.error());
    EXPECT_EQ(enr->seq(), 1u);
    EXPECT_EQ(enr->id(), "v4");
    EXPECT_EQ(enr->ip(), IpAddress::v4(127, 0, 0, 1));
    EXPECT_EQ(enr->udp(), 30303);
    EXPECT_FALSE(enr->tcp());
    EXPECT_FALSE(enr->ip6());
    EXPECT_EQ(to_hex(enr->node_address()), kExampleNodeAddress);
    EXPECT_EQ(enr->public_key(), *crypto::public_key(example_key()));
    EXPECT_EQ(to_hex(crypto::compress(enr->public_key())),
              "0x03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138");
    EXPECT_EQ(enr->to_text(), kExampleText);
    auto again = decode_enr(enr->encoded());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->encoded(), enr->encoded());
}

TEST(Enr, SigningTheExampleContentReproducesIt) {
    // RFC 6979 signing is deterministic, so the same content and key give the EIP's exact record.
    auto enr = EnrBuilder(1).set_ip(IpAddress::v4(127, 0, 0, 1)).set_udp(30303).sign(example_key());
    ASSERT_TRUE(enr);
    EXPECT_EQ(enr->to_text(), kExampleText);
}

TEST(Enr, BuilderRoundTripsAndKeepsUnknownKeys) {
    const crypto::SecretKey key = *fixed_from_hex<32>("0x" + std::string(63, '0') + "7");
    Bytes list_value = rlp::wrap_list(num(5));  // like "eth" = [[fork hash, next]]: a list value
    auto enr = EnrBuilder(42)
                   .set_ip(*IpAddress::parse("127.0.0.9"))
                   .set_ip(*IpAddress::parse("::1"))
                   .set_tcp(30303)
                   .set_udp(30301)
                   .set_tcp6(1)
                   .set_udp6(2)
                   .set_raw("zz", list_value)
                   .set_raw("eth", str("x"))
                   .sign(key);
    ASSERT_TRUE(enr);
    auto back = parse_enr_text(enr->to_text());
    ASSERT_TRUE(back) << to_string(back.error());
    EXPECT_EQ(back->encoded(), enr->encoded());
    EXPECT_EQ(back->seq(), 42u);
    EXPECT_EQ(back->ip(), IpAddress::parse("127.0.0.9"));
    EXPECT_EQ(back->ip6(), IpAddress::parse("::1"));
    EXPECT_EQ(back->tcp(), 30303);
    EXPECT_EQ(back->udp(), 30301);
    EXPECT_EQ(back->tcp6(), 1);
    EXPECT_EQ(back->udp6(), 2);
    ASSERT_TRUE(back->get("zz"));
    EXPECT_EQ(to_bytes(*back->get("zz")), list_value);
    // Keys come out sorted.
    for (std::size_t i = 1; i < back->pairs().size(); ++i) EXPECT_LT(back->pairs()[i - 1].first, back->pairs()[i].first);
    EXPECT_EQ(back->public_key(), *crypto::public_key(key));
}

TEST(Enr, RejectsOversizedRecords) {
    const auto key = example_key();
    EXPECT_EQ(EnrBuilder(1).set_raw("big", str(std::string(250, 'x'))).sign(key).error(), Discv4Error::kEnrTooLarge);
    EXPECT_TRUE(EnrBuilder(1).set_raw("big", str(std::string(150, 'x'))).sign(key));
    // A validly signed record of 301+ bytes is still refused, before any parsing.
    const Bytes big = sign_raw(1, {{"big", str(std::string(200, 'x'))}, {"id", str("v4")},
                                   {"secp256k1", compressed_key(key)}},
                               key);
    ASSERT_GT(big.size(), kMaxEnrSize);
    EXPECT_EQ(decode_enr(big).error(), Discv4Error::kEnrTooLarge);
}

TEST(Enr, RejectsKeyOrderSchemeAndSignatureViolations) {
    const auto key = example_key();
    const Bytes pk = compressed_key(key);
    const Bytes good = sign_raw(1, {{"id", str("v4")}, {"secp256k1", pk}, {"udp", num(1)}}, key);
    ASSERT_TRUE(decode_enr(good));

    EXPECT_EQ(decode_enr(sign_raw(1, {{"secp256k1", pk}, {"id", str("v4")}}, key)).error(),
              Discv4Error::kEnrUnsortedKeys);
    EXPECT_EQ(decode_enr(sign_raw(1, {{"id", str("v4")}, {"id", str("v4")}, {"secp256k1", pk}}, key)).error(),
              Discv4Error::kEnrDuplicateKey);
    EXPECT_EQ(decode_enr(sign_raw(1, {{"id", str("v5")}, {"secp256k1", pk}}, key)).error(),
              Discv4Error::kEnrUnsupportedScheme);
    EXPECT_EQ(decode_enr(sign_raw(1, {{"secp256k1", pk}}, key)).error(), Discv4Error::kEnrUnsupportedScheme);
    EXPECT_EQ(decode_enr(sign_raw(1, {{"id", str("v4")}}, key)).error(), Discv4Error::kEnrMissingPublicKey);
    Bytes not_a_point(34, 0);
    not_a_point[0] = 0xa1;
    not_a_point[1] = 0x05;
    EXPECT_EQ(decode_enr(sign_raw(1, {{"id", str("v4")}, {"secp256k1", not_a_point}}, key)).error(),
              Discv4Error::kEnrMissingPublicKey);

    // Signed by another key than the one in the record.
    const crypto::SecretKey other = *fixed_from_hex<32>("0x" + std::string(63, '0') + "9");
    EXPECT_EQ(decode_enr(sign_raw(1, {{"id", str("v4")}, {"secp256k1", pk}}, other)).error(),
              Discv4Error::kEnrBadSignature);
    // A flipped bit in the signature of the EIP example.
    auto example = *parse_enr_text(kExampleText);
    Bytes flipped = example.encoded();
    flipped[10] ^= 0x01;
    EXPECT_EQ(decode_enr(flipped).error(), Discv4Error::kEnrBadSignature);
    // A changed value under the same signature.
    Bytes changed = example.encoded();
    changed.back() ^= 0x01;  // the udp port
    EXPECT_EQ(decode_enr(changed).error(), Discv4Error::kEnrBadSignature);
}

TEST(Enr, RejectsMalformedRlpAndText) {
    const Bytes good = parse_enr_text(kExampleText)->encoded();
    Bytes trailing = good;
    trailing.push_back(0x00);
    EXPECT_EQ(decode_enr(trailing).error(), Discv4Error::kEnrMalformed);
    EXPECT_EQ(decode_enr(ByteView{good}.first(good.size() - 1)).error(), Discv4Error::kEnrMalformed);
    EXPECT_EQ(decode_enr(Bytes{0x80}).error(), Discv4Error::kEnrMalformed);
    EXPECT_EQ(decode_enr(Bytes{0xc0}).error(), Discv4Error::kEnrMalformed);
    // A key without a value.
    const auto key = example_key();
    Bytes payload;
    rlp::encode_fixed(payload, FixedBytes<64>{});
    rlp::encode_u64(payload, 1);
    rlp::encode_string(payload, as_bytes("id"));
    EXPECT_EQ(decode_enr(rlp::wrap_list(payload)).error(), Discv4Error::kEnrMalformed);
    // A list as a key.
    Bytes list_key;
    rlp::encode_fixed(list_key, FixedBytes<64>{});
    rlp::encode_u64(list_key, 1);
    rlp::encode_list(list_key, Bytes{});
    rlp::encode_u64(list_key, 1);
    EXPECT_EQ(decode_enr(rlp::wrap_list(list_key)).error(), Discv4Error::kEnrMalformed);
    (void)key;

    const std::string text(kExampleText);
    EXPECT_EQ(parse_enr_text("enx:" + text.substr(4)).error(), Discv4Error::kEnrBadText);
    EXPECT_EQ(parse_enr_text(text + "=").error(), Discv4Error::kEnrBadText);
    EXPECT_EQ(parse_enr_text(text.substr(0, 20) + "+" + text.substr(21)).error(), Discv4Error::kEnrBadText);
    // 134 bytes end in a 3-character group with 2 unused bits ("8" = 0b111100); "9" sets one: not canonical.
    EXPECT_EQ(parse_enr_text(text.substr(0, text.size() - 1) + "9").error(), Discv4Error::kEnrBadText);
    EXPECT_EQ(parse_enr_text("enr:" + std::string(401, 'A')).error(), Discv4Error::kEnrTooLarge);
}

TEST(Enr, Base64UrlMatchesRfc4648) {
    // RFC 4648 §10 test vectors (base64url and base64 agree on these), without padding.
    EXPECT_EQ(base64url_encode(as_bytes("")), "");
    EXPECT_EQ(base64url_encode(as_bytes("f")), "Zg");
    EXPECT_EQ(base64url_encode(as_bytes("fo")), "Zm8");
    EXPECT_EQ(base64url_encode(as_bytes("foo")), "Zm9v");
    EXPECT_EQ(base64url_encode(as_bytes("foob")), "Zm9vYg");
    EXPECT_EQ(base64url_encode(as_bytes("fooba")), "Zm9vYmE");
    EXPECT_EQ(base64url_encode(as_bytes("foobar")), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode(Bytes{0xfb, 0xff}), "-_8");
    EXPECT_EQ(base64url_decode("-_8"), (Bytes{0xfb, 0xff}));
    EXPECT_EQ(base64url_decode("Zm9vYmE"), to_bytes(as_bytes("fooba")));
    EXPECT_FALSE(base64url_decode("Z"));
    EXPECT_FALSE(base64url_decode("Zh"));  // 'h' leaves non-zero trailing bits
}

// ---- enode URLs -------------------------------------------------------------------------------------------------

constexpr std::string_view kId =
    "ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be00812"
    "904767bf5ccd1fc7f";

TEST(Enode, ParsesAndFormats) {
    const std::string url = "enode://" + std::string(kId) + "@127.0.0.1:30303";
    auto e = parse_enode(url);
    ASSERT_TRUE(e) << to_string(e.error());
    EXPECT_EQ(to_hex(e->id, false), kId);
    EXPECT_EQ(e->endpoint, (Endpoint{IpAddress::v4(127, 0, 0, 1), 30303, 30303}));
    EXPECT_EQ(format_enode(*e), url);

    const std::string with_disc = "enode://" + std::string(kId) + "@127.0.0.1:30303?discport=30301";
    auto d = parse_enode(with_disc);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->endpoint.udp, 30301);
    EXPECT_EQ(d->endpoint.tcp, 30303);
    EXPECT_EQ(format_enode(*d), with_disc);

    const std::string v6 = "enode://" + std::string(kId) + "@[::1]:30303";
    auto six = parse_enode(v6);
    ASSERT_TRUE(six);
    EXPECT_TRUE(six->endpoint.ip.is_v6());
    EXPECT_TRUE(six->endpoint.ip.is_loopback());
    EXPECT_EQ(format_enode(*six), v6);
}

TEST(Enode, RejectsWithTypedErrors) {
    const std::string id(kId);
    EXPECT_EQ(parse_enode("enr://" + id + "@127.0.0.1:1").error(), Discv4Error::kEnodeBadScheme);
    EXPECT_EQ(parse_enode("enode://" + id.substr(1) + "@127.0.0.1:1").error(), Discv4Error::kEnodeBadId);
    EXPECT_EQ(parse_enode("enode://" + id.substr(0, 127) + "g@127.0.0.1:1").error(), Discv4Error::kEnodeBadId);
    // 128 hex digits that are not a curve point.
    EXPECT_EQ(parse_enode("enode://" + std::string(128, '1') + "@127.0.0.1:1").error(), Discv4Error::kEnodeBadId);
    EXPECT_EQ(parse_enode("enode://" + id).error(), Discv4Error::kEnodeBadHost);
    EXPECT_EQ(parse_enode("enode://" + id + "@localhost:1").error(), Discv4Error::kEnodeBadHost);
    EXPECT_EQ(parse_enode("enode://" + id + "@::1:1").error(), Discv4Error::kEnodeBadHost);
    EXPECT_EQ(parse_enode("enode://" + id + "@127.0.0.1").error(), Discv4Error::kEnodeBadPort);
    EXPECT_EQ(parse_enode("enode://" + id + "@127.0.0.1:65536").error(), Discv4Error::kEnodeBadPort);
    EXPECT_EQ(parse_enode("enode://" + id + "@127.0.0.1:-1").error(), Discv4Error::kEnodeBadPort);
    EXPECT_EQ(parse_enode("enode://" + id + "@127.0.0.1:1?discport=x").error(), Discv4Error::kEnodeBadPort);
    EXPECT_EQ(parse_enode("enode://" + id + "@127.0.0.1:1?raft=1").error(), Discv4Error::kEnodeBadQuery);
}

}  // namespace
}  // namespace hypasis::p2p::discv4
