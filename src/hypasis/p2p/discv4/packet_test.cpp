#include "hypasis/p2p/discv4/packet.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::p2p::discv4 {
namespace {

// EIP-8, "Test Vectors / RLPx Discovery Protocol": the packets are signed with this node key.
constexpr std::string_view kEip8Key = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
// All four packets carry this expiration (2006-01-02T22:04:05Z).
constexpr uint64_t kEip8Expiration = 1136239445;

// The discovery packets of the EIP-8 text, verbatim (spec facts; the shared fixture holds only the RLPx ones).
constexpr std::string_view kPingV4 =
    "e9614ccfd9fc3e74360018522d30e1419a143407ffcce748de3e22116b7e8dc92ff74788c0b6663a"
    "aa3d67d641936511c8f8d6ad8698b820a7cf9e1be7155e9a241f556658c55428ec0563514365799a"
    "4be2be5a685a80971ddcfa80cb422cdd0101ec04cb847f000001820cfa8215a8d790000000000000"
    "000000000000000000018208ae820d058443b9a3550102";
constexpr std::string_view kPingV555 =
    "577be4349c4dd26768081f58de4c6f375a7a22f3f7adda654d1428637412c3d7fe917cadc56d4e5e"
    "7ffae1dbe3efffb9849feb71b262de37977e7c7a44e677295680e9e38ab26bee2fcbae207fba3ff3"
    "d74069a50b902a82c9903ed37cc993c50001f83e82022bd79020010db83c4d001500000000abcdef"
    "12820cfa8215a8d79020010db885a308d313198a2e037073488208ae82823a8443b9a355c5010203"
    "040531b9019afde696e582a78fa8d95ea13ce3297d4afb8ba6433e4154caa5ac6431af1b80ba7602"
    "3fa4090c408f6b4bc3701562c031041d4702971d102c9ab7fa5eed4cd6bab8f7af956f7d565ee191"
    "7084a95398b6a21eac920fe3dd1345ec0a7ef39367ee69ddf092cbfe5b93e5e568ebc491983c09c7"
    "6d922dc3";
constexpr std::string_view kPong =
    "09b2428d83348d27cdf7064ad9024f526cebc19e4958f0fdad87c15eb598dd61d08423e0bf66b206"
    "9869e1724125f820d851c136684082774f870e614d95a2855d000f05d1648b2d5945470bc187c2d2"
    "216fbe870f43ed0909009882e176a46b0102f846d79020010db885a308d313198a2e037073488208"
    "ae82823aa0fbc914b16819237dcd8801d7e53f69e9719adecb3cc0e790c57e91ca4461c9548443b9"
    "a355c6010203c2040506a0c969a58f6f9095004c0177a6b47f451530cab38966a25cca5cb58f0555"
    "42124e";
constexpr std::string_view kFindNode =
    "c7c44041b9f7c7e41934417ebac9a8e1a4c6298f74553f2fcfdcae6ed6fe53163eb3d2b52e39fe91"
    "831b8a927bf4fc222c3902202027e5e9eb812195f95d20061ef5cd31d502e47ecb61183f74a504fe"
    "04c51e73df81f25c4d506b26db4517490103f84eb840ca634cae0d49acb401d8a4c6b6fe8c55b70d"
    "115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be0081290476"
    "7bf5ccd1fc7f8443b9a35582999983999999280dc62cc8255c73471e0a61da0c89acdc0e035e260a"
    "dd7fc0c04ad9ebf3919644c91cb247affc82b69bd2ca235c71eab8e49737c937a2c396";
constexpr std::string_view kNeighbours =
    "c679fc8fe0b8b12f06577f2e802d34f6fa257e6137a995f6f4cbfc9ee50ed3710faf6e66f932c4c8"
    "d81d64343f429651328758b47d3dbc02c4042f0fff6946a50f4a49037a72bb550f3a7872363a83e1"
    "b9ee6469856c24eb4ef80b7535bcf99c0004f9015bf90150f84d846321163782115c82115db84031"
    "55e1427f85f10a5c9a7755877748041af1bcd8d474ec065eb33df57a97babf54bfd2103575fa8291"
    "15d224c523596b401065a97f74010610fce76382c0bf32f84984010203040101b840312c55512422"
    "cf9b8a4097e9a6ad79402e87a15ae909a4bfefa22398f03d20951933beea1e4dfa6f968212385e82"
    "9f04c2d314fc2d4e255e0d3bc08792b069dbf8599020010db83c4d001500000000abcdef12820d05"
    "820d05b84038643200b172dcfef857492156971f0e6aa2c538d8b74010f8e140811d53b98c765dd2"
    "d96126051913f44582e8c199ad7c6d6819e9a56483f637feaac9448aacf8599020010db885a308d3"
    "13198a2e037073488203e78203e8b8408dcab8618c3253b558d459da53bd8fa68935a719aff8b811"
    "197101a4b2b47dd2d47295286fc00cc081bb542d760717d1bdd6bec2c37cd72eca367d6dd3b9df73"
    "8443b9a355010203b525a138aa34383fec3d2719a0";

Bytes hex(std::string_view h) { return *from_hex(h); }
IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }
NodeId node_id(std::string_view h) { return *fixed_from_hex<64>(h); }

crypto::SecretKey test_key(uint8_t n) {
    crypto::SecretKey k{};
    k[31] = n;
    k[0] = 0x11;
    return k;
}

NodeId public_of(const crypto::SecretKey& k) { return *crypto::public_key(k); }

/// Recomputes the leading hash after a test edited the signature, type or data.
void rehash(Bytes& packet) {
    const Hash h = crypto::keccak256(ByteView{packet}.subspan(32));
    std::memcpy(packet.data(), h.data(), 32);
}

/// Builds a signed packet from an arbitrary type byte and data (to craft malformed packets with valid hashes).
Bytes seal(uint8_t type, ByteView data, const crypto::SecretKey& key) {
    Bytes out(kPacketHeaderSize + data.size());
    std::copy(data.begin(), data.end(), out.begin() + kPacketHeaderSize);
    out[97] = type;
    auto sig = *crypto::sign(crypto::keccak256(ByteView{out}.subspan(97)), key);
    std::memcpy(out.data() + 32, sig.rs.data(), 64);
    out[96] = sig.recovery_id;
    rehash(out);
    return out;
}

TEST(Discv4Packet, Eip8VectorsDecode) {
    // The signing key of the discovery vectors is also the RLPx vectors' "Static Key B" in the shared fixture.
    HYPASIS_FIXTURE_OR_SKIP(path, "eips/eip-8-vectors.extracted.json");
    const auto json = test::read_json(path);
    ASSERT_EQ(std::string(json.at("keys").at("Static Key B").as_string()), kEip8Key);
    const NodeId want_sender = public_of(*fixed_from_hex<32>(kEip8Key));

    {
        auto p = decode_packet(hex(kPingV4), kEip8Expiration);
        ASSERT_TRUE(p) << to_string(p.error());
        EXPECT_EQ(p->sender, want_sender);
        const auto& m = std::get<Ping>(p->message);
        EXPECT_EQ(m.version, 4u);
        EXPECT_EQ(m.from, (Endpoint{ip("127.0.0.1"), 3322, 5544}));
        EXPECT_EQ(m.to, (Endpoint{ip("::1"), 2222, 3333}));
        EXPECT_EQ(m.expiration, kEip8Expiration);
        EXPECT_EQ(m.enr_seq, 1u);  // the first extra element reads as EIP-868's enr-seq; 0x02 is ignored
        EXPECT_EQ(to_hex(p->hash), "0x" + std::string(kPingV4.substr(0, 64)));
    }
    {
        auto p = decode_packet(hex(kPingV555), kEip8Expiration);
        ASSERT_TRUE(p) << to_string(p.error());
        EXPECT_EQ(p->sender, want_sender);
        const auto& m = std::get<Ping>(p->message);
        EXPECT_EQ(m.version, 555u);  // EIP-8: not validated
        EXPECT_EQ(m.from, (Endpoint{ip("2001:db8:3c4d:15::abcd:ef12"), 3322, 5544}));
        EXPECT_EQ(m.to, (Endpoint{ip("2001:db8:85a3:8d3:1319:8a2e:370:7348"), 2222, 33338}));
        EXPECT_EQ(m.expiration, kEip8Expiration);
        EXPECT_FALSE(m.enr_seq);  // the extra element is a list, not an enr-seq
    }
    {
        auto p = decode_packet(hex(kPong), kEip8Expiration);
        ASSERT_TRUE(p) << to_string(p.error());
        EXPECT_EQ(p->sender, want_sender);
        const auto& m = std::get<Pong>(p->message);
        EXPECT_EQ(m.to, (Endpoint{ip("2001:db8:85a3:8d3:1319:8a2e:370:7348"), 2222, 33338}));
        EXPECT_EQ(to_hex(m.ping_hash), "0xfbc914b16819237dcd8801d7e53f69e9719adecb3cc0e790c57e91ca4461c954");
        EXPECT_EQ(m.expiration, kEip8Expiration);
        EXPECT_FALSE(m.enr_seq);
    }
    {
        auto p = decode_packet(hex(kFindNode), kEip8Expiration);
        ASSERT_TRUE(p) << to_string(p.error());
        EXPECT_EQ(p->sender, want_sender);
        const auto& m = std::get<FindNode>(p->message);
        EXPECT_EQ(m.target, node_id("ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd31387574077f301b"
                                    "421bc84df7266c44e9e6d569fc56be00812904767bf5ccd1fc7f"));
        EXPECT_EQ(m.expiration, kEip8Expiration);
    }
    {
        auto p = decode_packet(hex(kNeighbours), kEip8Expiration);
        ASSERT_TRUE(p) << to_string(p.error());
        EXPECT_EQ(p->sender, want_sender);
        const auto& m = std::get<Neighbours>(p->message);
        ASSERT_EQ(m.nodes.size(), 4u);
        EXPECT_EQ(m.nodes[0].endpoint, (Endpoint{ip("99.33.22.55"), 4444, 4445}));
        EXPECT_EQ(m.nodes[0].id, node_id("3155e1427f85f10a5c9a7755877748041af1bcd8d474ec065eb33df57a97babf54bfd21035"
                                         "75fa829115d224c523596b401065a97f74010610fce76382c0bf32"));
        EXPECT_EQ(m.nodes[1].endpoint, (Endpoint{ip("1.2.3.4"), 1, 1}));
        EXPECT_EQ(m.nodes[2].endpoint, (Endpoint{ip("2001:db8:3c4d:15::abcd:ef12"), 3333, 3333}));
        EXPECT_EQ(m.nodes[3].endpoint, (Endpoint{ip("2001:db8:85a3:8d3:1319:8a2e:370:7348"), 999, 1000}));
        EXPECT_EQ(m.nodes[3].id, node_id("8dcab8618c3253b558d459da53bd8fa68935a719aff8b811197101a4b2b47dd2d4729528"
                                         "6fc00cc081bb542d760717d1bdd6bec2c37cd72eca367d6dd3b9df73"));
        EXPECT_EQ(m.expiration, kEip8Expiration);
    }
}

TEST(Discv4Packet, Eip8VectorsExpireWithTheInjectedClock) {
    for (auto v : {kPingV4, kPingV555, kPong, kFindNode, kNeighbours}) {
        EXPECT_EQ(decode_packet(hex(v), kEip8Expiration + 1).error(), Discv4Error::kExpired);
    }
}

TEST(Discv4Packet, RoundTripEveryType) {
    const auto key = test_key(1);
    const NodeId me = public_of(key);
    auto enr = EnrBuilder(7).set_ip(ip("127.0.0.1")).set_udp(30303).sign(key);
    ASSERT_TRUE(enr);
    Hash h{};
    h[3] = 0x42;
    const std::vector<Message> messages = {
        Ping{4, {ip("127.0.0.1"), 30303, 30304}, {ip("::1"), 1, 2}, 1'700'000'020, 9},
        Ping{4, {IpAddress{}, 0, 0}, {ip("127.0.0.2"), 65535, 0}, 1'700'000'020, std::nullopt},
        Pong{{ip("127.0.0.1"), 5, 6}, h, 1'700'000'020, 3},
        Pong{{ip("127.0.0.1"), 5, 6}, h, 1'700'000'020, std::nullopt},
        FindNode{me, 1'700'000'020},
        Neighbours{{Node{me, {ip("127.0.0.1"), 1, 2}}, Node{me, {ip("::1"), 3, 4}}}, 1'700'000'020},
        Neighbours{{}, 1'700'000'020},
        EnrRequest{1'700'000'020},
        EnrResponse{h, *enr},
    };
    for (const Message& m : messages) {
        auto bytes = encode_packet(m, key);
        ASSERT_TRUE(bytes);
        EXPECT_LE(bytes->size(), kMaxPacketSize);
        auto back = decode_packet(*bytes, 1'700'000'000);
        ASSERT_TRUE(back) << to_string(back.error()) << " type " << int(type_of(m));
        EXPECT_EQ(back->message, m);
        EXPECT_EQ(back->sender, me);
        EXPECT_EQ(to_hex(back->hash), to_hex(ByteView{*bytes}.first(32)));
    }
}

TEST(Discv4Packet, RejectsBadHashSignatureAndSizes) {
    const auto key = test_key(2);
    const Bytes good = *encode_packet(EnrRequest{100}, key);
    ASSERT_TRUE(decode_packet(good, 0));

    Bytes bad_hash = good;
    bad_hash[0] ^= 1;
    EXPECT_EQ(decode_packet(bad_hash, 0).error(), Discv4Error::kBadHash);

    Bytes zero_r = good;  // r = 0 is no signature at all; the hash is recomputed so only the signature is wrong
    std::memset(zero_r.data() + 32, 0, 32);
    rehash(zero_r);
    EXPECT_EQ(decode_packet(zero_r, 0).error(), Discv4Error::kBadSignature);
    Bytes bad_recid = good;
    bad_recid[96] = 9;
    rehash(bad_recid);
    EXPECT_EQ(decode_packet(bad_recid, 0).error(), Discv4Error::kBadSignature);

    // A signature over other content recovers some other key: the sender changes, which is what the
    // receiver's checks (pending-reply matching, bonding) are keyed on.
    Bytes other_signer = good;
    other_signer[99] ^= 1;  // an expiration byte
    rehash(other_signer);
    auto p = decode_packet(other_signer, 0);
    if (p) {
        EXPECT_NE(p->sender, public_of(key));
    }

    EXPECT_EQ(decode_packet(ByteView{good}.first(kPacketHeaderSize - 1), 0).error(), Discv4Error::kPacketTooShort);
    Bytes truncated = good;
    truncated.pop_back();
    rehash(truncated);
    EXPECT_EQ(decode_packet(truncated, 0).error(), Discv4Error::kMalformedPacket);

    Bytes oversize(kMaxPacketSize + 1, 0);
    std::copy(good.begin(), good.end(), oversize.begin());
    EXPECT_EQ(decode_packet(oversize, 0).error(), Discv4Error::kPacketTooLarge);
    // An oversized packet with a valid hash and signature is rejected all the same, before anything else.
    Bytes padded_data = rlp::wrap_list(Bytes{0x05});
    padded_data.resize(kMaxPacketSize + 1 - kPacketHeaderSize, 0xaa);  // EIP-8 trailing data, but too much
    EXPECT_EQ(decode_packet(seal(5, padded_data, key), 0).error(), Discv4Error::kPacketTooLarge);
    // Trailing data within the limit is ignored (EIP-8).
    padded_data.resize(kMaxPacketSize - kPacketHeaderSize);
    EXPECT_TRUE(decode_packet(seal(5, padded_data, key), 0));
}

TEST(Discv4Packet, RejectsUnknownTypeMalformedRlpAndBadEndpoints) {
    const auto key = test_key(3);
    const Bytes enr_req = rlp::wrap_list(Bytes{0x05});
    EXPECT_TRUE(decode_packet(seal(5, enr_req, key), 0));
    EXPECT_EQ(decode_packet(seal(7, enr_req, key), 0).error(), Discv4Error::kUnknownPacketType);
    EXPECT_EQ(decode_packet(seal(0, enr_req, key), 0).error(), Discv4Error::kUnknownPacketType);

    // Not a list; a non-canonical integer; a list that ends inside an item; a missing field.
    EXPECT_EQ(decode_packet(seal(5, Bytes{0x05}, key), 0).error(), Discv4Error::kMalformedPacket);
    EXPECT_EQ(decode_packet(seal(5, Bytes{0xc2, 0x81, 0x05}, key), 0).error(), Discv4Error::kMalformedPacket);
    EXPECT_EQ(decode_packet(seal(5, Bytes{0xc3, 0x82, 0x05}, key), 0).error(), Discv4Error::kMalformedPacket);
    EXPECT_EQ(decode_packet(seal(3, rlp::wrap_list(Bytes{0x05}), key), 0).error(), Discv4Error::kMalformedPacket);
    // A malformed extra element is still malformed RLP (EIP-8 tolerates extra elements, not broken ones).
    EXPECT_EQ(decode_packet(seal(5, Bytes{0xc3, 0x05, 0x81, 0x01}, key), 0).error(), Discv4Error::kMalformedPacket);

    auto ping_with = [&](ByteView ip_bytes, uint64_t port) {
        Bytes ep;
        rlp::encode_string(ep, ip_bytes);
        rlp::encode_u64(ep, port);
        rlp::encode_u64(ep, 1);
        Bytes data;
        rlp::encode_u64(data, 4);
        rlp::encode_list(data, ep);
        rlp::encode_list(data, ep);
        rlp::encode_u64(data, 100);
        return seal(1, rlp::wrap_list(data), key);
    };
    const Bytes v4{127, 0, 0, 1};
    EXPECT_TRUE(decode_packet(ping_with(v4, 30303), 0));
    EXPECT_EQ(decode_packet(ping_with(Bytes{127, 0, 0, 1, 1}, 30303), 0).error(), Discv4Error::kBadEndpoint);
    EXPECT_EQ(decode_packet(ping_with(v4, 65536), 0).error(), Discv4Error::kBadEndpoint);
}

TEST(Discv4Packet, EnrResponseCarriesAVerifiedRecord) {
    const auto key = test_key(4);
    auto enr = *EnrBuilder(1).set_udp(1).sign(key);
    Bytes record = enr.encoded();
    record[5] ^= 1;  // inside the signature
    Bytes data;
    rlp::encode_fixed(data, Hash{});
    data.insert(data.end(), record.begin(), record.end());
    EXPECT_EQ(decode_packet(seal(6, rlp::wrap_list(data), key), 0).error(), Discv4Error::kEnrBadSignature);
}

TEST(Discv4Packet, NeighboursAreSplitUnder1280Bytes) {
    const auto key = test_key(5);
    std::vector<Node> nodes;
    for (uint8_t i = 0; i < 16; ++i) {
        const IpAddress addr = i % 2 ? ip("2001:db8::1") : IpAddress::v4(127, 0, 0, i);
        nodes.push_back(Node{public_of(test_key(static_cast<uint8_t>(100 + i))), {addr, 30303, 30303}});
    }
    EXPECT_EQ(encode_packet(Neighbours{nodes, 1'700'000'000}, key).error(), Discv4Error::kPacketTooLarge);
    const auto parts = split_neighbours(nodes, 1'700'000'000);
    ASSERT_GE(parts.size(), 2u);
    std::vector<Node> all;
    for (const auto& part : parts) {
        auto bytes = encode_packet(part, key);
        ASSERT_TRUE(bytes);
        EXPECT_LE(bytes->size(), kMaxPacketSize);
        all.insert(all.end(), part.nodes.begin(), part.nodes.end());
    }
    EXPECT_EQ(all, nodes);
    // As few packets as possible: the first part could not take the next node.
    Neighbours bigger = parts[0];
    bigger.nodes.push_back(parts[1].nodes[0]);
    EXPECT_EQ(encode_packet(bigger, key).error(), Discv4Error::kPacketTooLarge);
}

}  // namespace
}  // namespace hypasis::p2p::discv4
