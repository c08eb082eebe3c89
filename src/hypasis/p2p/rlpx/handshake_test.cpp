#include "hypasis/p2p/rlpx/handshake.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/rlpx/ecies.hpp"
#include "hypasis/p2p/rlpx/scripted_random.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::p2p::rlpx {
namespace {

Bytes hex(std::string_view s) {
    auto b = from_hex(s);
    EXPECT_TRUE(b.has_value()) << s;
    return b.value_or(Bytes{});
}

template <std::size_t N>
FixedBytes<N> fixed(std::string_view s) {
    return to_fixed<N>(hex(s));
}

crypto::PublicKey pub(const crypto::SecretKey& k) { return crypto::public_key(k).value(); }

Hash first_digest_with(crypto::Keccak256 mac, std::string_view extra) {
    mac.update(as_bytes(extra));
    return mac.digest();
}

// The EIP-8 test vectors ("Test Vectors" section of EIP-8): static, ephemeral keys and nonces of nodes A and B.
struct Eip8 {
    crypto::SecretKey key_a{}, key_b{}, eph_a{}, eph_b{};
    Hash nonce_a{}, nonce_b{};
    Bytes auth[3], ack[3];
    Hash aes{}, mac{}, ingress_foo{};
    Bytes hello;
};

bool load(const std::filesystem::path& path, Eip8& v) {
    const auto json = test::read_json(path).as_object();
    const auto& keys = json.at("keys").as_object();
    const auto& packets = json.at("packets").as_object();
    const auto& derived = json.at("derived_for_auth2_ack2_at_B").as_object();
    auto str = [](const boost::json::value& x) { return std::string(x.as_string()); };
    v.key_a = fixed<32>(str(keys.at("Static Key A")));
    v.key_b = fixed<32>(str(keys.at("Static Key B")));
    v.eph_a = fixed<32>(str(keys.at("Ephemeral Key A")));
    v.eph_b = fixed<32>(str(keys.at("Ephemeral Key B")));
    v.nonce_a = fixed<32>(str(keys.at("Nonce A")));
    v.nonce_b = fixed<32>(str(keys.at("Nonce B")));
    for (int i = 0; i < 3; ++i) {
        v.auth[i] = hex(str(packets.at("Auth" + std::to_string(i + 1))));
        v.ack[i] = hex(str(packets.at("Ack" + std::to_string(i + 1))));
    }
    v.aes = fixed<32>(str(derived.at("aes-secret")));
    v.mac = fixed<32>(str(derived.at("mac-secret")));
    v.ingress_foo = fixed<32>(str(derived.at("ingress-mac(\"foo\")")));
    return true;
}

#define LOAD_EIP8(v)                                                                      \
    HYPASIS_FIXTURE_OR_SKIP(path_, "eips/eip-8-vectors.extracted.json");                  \
    Eip8 v;                                                                               \
    ASSERT_TRUE(load(path_, v))

// Node B receives each of A's auth messages (Auth1 legacy, Auth2 EIP-8, Auth3 EIP-8 with version 56 and extra
// list elements). With B's ephemeral key and nonce fixed, the derived secrets must equal the EIP's values (they
// depend only on the ephemeral keys and nonces, which are the same for all three).
TEST(HandshakeVectors, RecipientDecryptsAuth1To3) {
    LOAD_EIP8(v);
    for (int i = 0; i < 3; ++i) {
        SCOPED_TRACE("Auth" + std::to_string(i + 1));
        Recipient b(v.key_b, scripted_random({to_bytes(v.eph_b), to_bytes(v.nonce_b)}));
        auto r = b.receive_auth(v.auth[i]);
        ASSERT_TRUE(r.has_value()) << to_string(r.error());
        EXPECT_TRUE(r->complete);
        EXPECT_EQ(r->bytes, v.auth[i].size());
        EXPECT_EQ(b.remote_eip8(), i != 0);
        EXPECT_EQ(b.remote_id(), pub(v.key_a));
        auto ack = b.ack();
        ASSERT_TRUE(ack.has_value());
        EXPECT_EQ(to_hex(b.secrets().aes), to_hex(v.aes));
        EXPECT_EQ(to_hex(b.secrets().mac), to_hex(v.mac));
        EXPECT_EQ(b.secrets().remote_id, pub(v.key_a));
        if (i == 1) {
            EXPECT_EQ(to_hex(first_digest_with(b.secrets().ingress_mac, "foo")), to_hex(v.ingress_foo));
        }
        // The ack answers in the form of the auth: legacy acks have their fixed size.
        if (i == 0) {
            EXPECT_EQ(ack->size(), kLegacyAckSize);
        } else {
            EXPECT_NE(ack->size(), kLegacyAckSize);
        }
    }
}

// Node A receives Ack1 (legacy), Ack2 (EIP-8) and Ack3 (EIP-8, version 57, extra elements).
TEST(HandshakeVectors, InitiatorDecryptsAck1To3) {
    LOAD_EIP8(v);
    for (int i = 0; i < 3; ++i) {
        SCOPED_TRACE("Ack" + std::to_string(i + 1));
        Initiator a(v.key_a, pub(v.key_b), scripted_random({to_bytes(v.eph_a), to_bytes(v.nonce_a)}));
        ASSERT_TRUE(a.auth().has_value());
        auto r = a.receive_ack(v.ack[i]);
        ASSERT_TRUE(r.has_value()) << to_string(r.error());
        EXPECT_TRUE(r->complete);
        EXPECT_EQ(r->bytes, v.ack[i].size());
        EXPECT_EQ(to_hex(a.secrets().aes), to_hex(v.aes));
        EXPECT_EQ(to_hex(a.secrets().mac), to_hex(v.mac));
    }
}

// The ack MAC state depends on the exact ack bytes: at A, ingress = keccak((mac ^ nonce-A) || Ack2), which is
// B's egress state had B sent Ack2. derive_secrets on the vector inputs must give B's documented ingress-mac.
TEST(HandshakeVectors, DeriveSecretsDirectly) {
    LOAD_EIP8(v);
    const Hash ephemeral = crypto::ecdh_x(pub(v.eph_a), v.eph_b).value();
    const Secrets at_b = derive_secrets(false, ephemeral, v.nonce_a, v.nonce_b, v.auth[1], v.ack[1], pub(v.key_a));
    EXPECT_EQ(to_hex(at_b.aes), to_hex(v.aes));
    EXPECT_EQ(to_hex(at_b.mac), to_hex(v.mac));
    EXPECT_EQ(to_hex(first_digest_with(at_b.ingress_mac, "foo")), to_hex(v.ingress_foo));
    const Secrets at_a = derive_secrets(true, ephemeral, v.nonce_a, v.nonce_b, v.auth[1], v.ack[1], pub(v.key_b));
    // A's egress is B's ingress, and B's egress is A's ingress.
    EXPECT_EQ(first_digest_with(at_a.egress_mac, "foo"), first_digest_with(at_b.ingress_mac, "foo"));
    EXPECT_EQ(first_digest_with(at_a.ingress_mac, "bar"), first_digest_with(at_b.egress_mac, "bar"));
    // A different nonce changes everything.
    Hash other = v.nonce_a;
    other[0] ^= 1;
    EXPECT_NE(derive_secrets(false, ephemeral, other, v.nonce_b, v.auth[1], v.ack[1], pub(v.key_a)).aes, v.aes);
}

// Bytes arrive in pieces: the state machine asks for exactly what it needs and completes on the last byte.
TEST(HandshakeVectors, IncrementalFeeding) {
    LOAD_EIP8(v);
    for (int i = 0; i < 2; ++i) {
        Recipient b(v.key_b, scripted_random({to_bytes(v.eph_b), to_bytes(v.nonce_b)}));
        const Bytes& wire = v.auth[i];
        std::size_t have = 0;
        int calls = 0;
        for (;;) {
            auto r = b.receive_auth(ByteView{wire}.first(have));
            ASSERT_TRUE(r.has_value()) << to_string(r.error());
            if (r->complete) {
                EXPECT_EQ(r->bytes, wire.size());
                break;
            }
            ASSERT_GT(r->bytes, have);
            ASSERT_LE(r->bytes, wire.size());
            have = r->bytes;
            ASSERT_LT(++calls, 5);
        }
        // Extra bytes after the message (the first frame) are not consumed.
        Recipient b2(v.key_b, scripted_random({}));
        Bytes more = wire;
        more.insert(more.end(), {1, 2, 3});
        auto r = b2.receive_auth(more);
        ASSERT_TRUE(r.has_value());
        EXPECT_TRUE(r->complete);
        EXPECT_EQ(r->bytes, wire.size());
    }
}

void round_trip(bool eip8) {
    const crypto::SecretKey key_i = generate_secret_key(scripted_random({}, 1));
    const crypto::SecretKey key_r = generate_secret_key(scripted_random({}, 2));
    Initiator init(key_i, pub(key_r), scripted_random({}, 3), eip8);
    Recipient rec(key_r, scripted_random({}, 4));
    auto auth = init.auth();
    ASSERT_TRUE(auth.has_value());
    if (!eip8) {
        EXPECT_EQ(auth->size(), kLegacyAuthSize);
    }
    auto got = rec.receive_auth(*auth);
    ASSERT_TRUE(got.has_value()) << to_string(got.error());
    ASSERT_TRUE(got->complete);
    EXPECT_EQ(rec.remote_eip8(), eip8);
    EXPECT_EQ(rec.remote_id(), pub(key_i));
    auto ack = rec.ack();
    ASSERT_TRUE(ack.has_value());
    auto done = init.receive_ack(*ack);
    ASSERT_TRUE(done.has_value()) << to_string(done.error());
    ASSERT_TRUE(done->complete);
    const Secrets& a = init.secrets();
    const Secrets& b = rec.secrets();
    EXPECT_EQ(a.aes, b.aes);
    EXPECT_EQ(a.mac, b.mac);
    EXPECT_EQ(a.remote_id, pub(key_r));
    EXPECT_EQ(b.remote_id, pub(key_i));
    EXPECT_EQ(a.egress_mac.digest(), b.ingress_mac.digest());
    EXPECT_EQ(a.ingress_mac.digest(), b.egress_mac.digest());
    EXPECT_NE(a.egress_mac.digest(), a.ingress_mac.digest());
}

TEST(Handshake, RoundTripEip8) { round_trip(true); }
TEST(Handshake, RoundTripLegacy) { round_trip(false); }

TEST(Handshake, OversizedPrefixRejectedFromTwoBytes) {
    Recipient rec(generate_secret_key(scripted_random({}, 5)), scripted_random({}, 6));
    const uint8_t prefix[2] = {0x08, 0x01};  // 2049 > kMaxHandshakeSize
    auto r = rec.receive_auth(ByteView{prefix, 2});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), RlpxError::kHandshakeTooLarge);
    const uint8_t small[2] = {0x00, 0x10};  // below the ECIES overhead
    Recipient rec2(generate_secret_key(scripted_random({}, 5)), scripted_random({}, 6));
    auto r2 = rec2.receive_auth(ByteView{small, 2});
    ASSERT_FALSE(r2.has_value());
    EXPECT_EQ(r2.error(), RlpxError::kEciesTooShort);
    // Exactly at the cap is only a request for more bytes.
    const uint8_t cap[2] = {0x08, 0x00};
    Recipient rec3(generate_secret_key(scripted_random({}, 5)), scripted_random({}, 6));
    auto r3 = rec3.receive_auth(ByteView{cap, 2});
    ASSERT_TRUE(r3.has_value());
    EXPECT_FALSE(r3->complete);
    EXPECT_EQ(r3->bytes, 2 + kMaxHandshakeSize);
}

TEST(Handshake, TamperedAndWrongKey) {
    LOAD_EIP8(v);
    for (int i = 0; i < 3; ++i) {
        Bytes bad = v.auth[i];
        bad[bad.size() / 2] ^= 0x01;
        Recipient b(v.key_b, scripted_random({}));
        auto r = b.receive_auth(bad);
        if (i == 0) {
            // A legacy message that fails to decrypt is then read as an EIP-8 prefix 0x04xx: more bytes wanted.
            ASSERT_TRUE(r.has_value());
            EXPECT_FALSE(r->complete);
        } else {
            ASSERT_FALSE(r.has_value());
            EXPECT_EQ(r.error(), RlpxError::kEciesBadMac);
        }
        Recipient wrong(v.key_a, scripted_random({}));
        auto w = wrong.receive_auth(v.auth[i == 0 ? 1 : i]);
        ASSERT_FALSE(w.has_value());
        EXPECT_EQ(w.error(), RlpxError::kEciesBadMac);
    }
    // A changed size prefix changes the authenticated data.
    Bytes bad_prefix = v.ack[1];
    Initiator a(v.key_a, pub(v.key_b), scripted_random({to_bytes(v.eph_a), to_bytes(v.nonce_a)}));
    ASSERT_TRUE(a.auth().has_value());
    bad_prefix[1] = static_cast<uint8_t>(bad_prefix[1] - 1);
    auto r = a.receive_ack(bad_prefix);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), RlpxError::kEciesBadMac);
}

TEST(Handshake, TruncatedInputAsksForMore) {
    LOAD_EIP8(v);
    Initiator a(v.key_a, pub(v.key_b), scripted_random({to_bytes(v.eph_a), to_bytes(v.nonce_a)}));
    ASSERT_TRUE(a.auth().has_value());
    auto r = a.receive_ack(ByteView{v.ack[1]}.first(v.ack[1].size() - 1));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->complete);
    EXPECT_EQ(r->bytes, v.ack[1].size());
    auto none = a.receive_ack({});
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(none->bytes, 2u);
}

// Well-encrypted EIP-8 messages whose bodies are wrong.
Bytes seal(const crypto::PublicKey& to, const Bytes& body) {
    const std::size_t size = body.size() + kEciesOverhead;
    const uint8_t prefix[2] = {static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)};
    Bytes out(prefix, prefix + 2);
    const Bytes sealed = ecies_encrypt(to, body, ByteView{prefix, 2}, scripted_random({}, 7)).value();
    out.insert(out.end(), sealed.begin(), sealed.end());
    return out;
}

TEST(Handshake, MalformedBodies) {
    const crypto::SecretKey key_r = generate_secret_key(scripted_random({}, 8));
    const crypto::SecretKey key_i = generate_secret_key(scripted_random({}, 9));
    // Not RLP at all.
    {
        Recipient rec(key_r, scripted_random({}));
        auto r = rec.receive_auth(seal(pub(key_r), Bytes(150, 0xff)));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), RlpxError::kInvalidAuth);
    }
    // A list with a 64-byte signature (must be 65).
    {
        Bytes payload;
        rlp::encode_string(payload, Bytes(64, 1));
        rlp::encode_fixed(payload, pub(key_i));
        rlp::encode_fixed(payload, Hash{});
        rlp::encode_u64(payload, 4);
        Recipient rec(key_r, scripted_random({}));
        auto r = rec.receive_auth(seal(pub(key_r), rlp::wrap_list(payload)));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), RlpxError::kInvalidAuth);
    }
    // A signature with recovery id 7.
    {
        Bytes payload;
        Bytes sig(65, 1);
        sig[64] = 7;
        rlp::encode_string(payload, sig);
        rlp::encode_fixed(payload, pub(key_i));
        rlp::encode_fixed(payload, Hash{});
        rlp::encode_u64(payload, 4);
        Recipient rec(key_r, scripted_random({}));
        auto r = rec.receive_auth(seal(pub(key_r), rlp::wrap_list(payload)));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), RlpxError::kInvalidSignature);
    }
    // An initiator key that is not a curve point.
    {
        Bytes payload;
        rlp::encode_string(payload, Bytes(65, 1));
        rlp::encode_fixed(payload, crypto::PublicKey{});
        rlp::encode_fixed(payload, Hash{});
        rlp::encode_u64(payload, 4);
        Recipient rec(key_r, scripted_random({}));
        auto r = rec.receive_auth(seal(pub(key_r), rlp::wrap_list(payload)));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), RlpxError::kInvalidPublicKey);
    }
    // An ack whose ephemeral key is not a curve point, and an ack missing its version.
    {
        Initiator init(key_i, pub(key_r), scripted_random({}));
        ASSERT_TRUE(init.auth().has_value());
        Bytes payload;
        rlp::encode_fixed(payload, crypto::PublicKey{});
        rlp::encode_fixed(payload, Hash{});
        rlp::encode_u64(payload, 4);
        auto r = init.receive_ack(seal(pub(key_i), rlp::wrap_list(payload)));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), RlpxError::kInvalidPublicKey);
    }
    {
        Initiator init(key_i, pub(key_r), scripted_random({}));
        ASSERT_TRUE(init.auth().has_value());
        Bytes payload;
        rlp::encode_fixed(payload, pub(key_r));
        rlp::encode_fixed(payload, Hash{});
        auto r = init.receive_ack(seal(pub(key_i), rlp::wrap_list(payload)));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error(), RlpxError::kInvalidAck);
    }
}

TEST(Handshake, AuthToInvalidRemoteKey) {
    Initiator init(generate_secret_key(scripted_random({}, 10)), crypto::PublicKey{}, scripted_random({}));
    auto auth = init.auth();
    ASSERT_FALSE(auth.has_value());
    EXPECT_EQ(auth.error(), RlpxError::kInvalidPublicKey);
}

}  // namespace
}  // namespace hypasis::p2p::rlpx
