#include "hypasis/p2p/rlpx/handshake.hpp"

#include <algorithm>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/rlpx/ecies.hpp"

namespace hypasis::p2p::rlpx {
namespace {

constexpr std::size_t kLegacyAuthPlain = kLegacyAuthSize - kEciesOverhead;  // 194
constexpr std::size_t kLegacyAckPlain = kLegacyAckSize - kEciesOverhead;    // 97

Hash xor32(const Hash& a, const Hash& b) noexcept {
    Hash out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(a[i] ^ b[i]);
    return out;
}

Hash keccak_concat(ByteView a, ByteView b) noexcept {
    crypto::Keccak256 h;
    h.update(a);
    h.update(b);
    return h.finalize();
}

// A located, decrypted handshake message.
struct Located {
    Bytes plain;
    bool eip8{false};
    std::size_t wire_size{0};
};

// Finds and decrypts one auth or ack at the start of `buf`. Returns the bytes still needed (nullopt result)
// through `need`. Legacy is tried first when the first byte is 0x04 (an uncompressed ECIES key), as EIP-8 asks; an
// EIP-8 prefix starting with 0x04 means 1024+ bytes, so waiting for the legacy size first never overreads.
Expected<std::optional<Located>, RlpxError> locate(ByteView buf, std::size_t legacy_size,
                                                   const crypto::SecretKey& key, std::size_t& need) noexcept {
    if (buf.size() < 2) {
        need = 2;
        return std::optional<Located>{};
    }
    if (buf[0] == 0x04) {
        if (buf.size() < legacy_size) {
            need = legacy_size;
            return std::optional<Located>{};
        }
        if (auto plain = ecies_decrypt(key, buf.first(legacy_size), {}); plain) {
            return std::optional<Located>{Located{std::move(*plain), false, legacy_size}};
        }
    }
    const std::size_t size = (static_cast<std::size_t>(buf[0]) << 8) | buf[1];
    if (size > kMaxHandshakeSize) return unexpected(RlpxError::kHandshakeTooLarge);
    if (size < kEciesOverhead) return unexpected(RlpxError::kEciesTooShort);
    if (buf.size() < 2 + size) {
        need = 2 + size;
        return std::optional<Located>{};
    }
    auto plain = ecies_decrypt(key, buf.subspan(2, size), buf.first(2));
    if (!plain) return unexpected(plain.error());
    return std::optional<Located>{Located{std::move(*plain), true, 2 + size}};
}

// Appends the EIP-8 wire form: 2-byte size || ECIES(body || padding) with the size as shared-mac-data.
Expected<Bytes, RlpxError> seal_eip8(const crypto::PublicKey& to, Bytes body, const RandomSource& rng) {
    FixedBytes<2> r{};
    rng(r);
    // At least 100 bytes of padding, so that an EIP-8 message is never mistaken for a legacy one by size alone.
    const std::size_t padding = 100 + ((static_cast<std::size_t>(r[0]) << 8 | r[1]) % 200);
    body.resize(body.size() + padding, 0);
    const std::size_t size = body.size() + kEciesOverhead;
    HYPASIS_ASSERT(size <= kMaxHandshakeSize);
    const uint8_t prefix[2] = {static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)};
    auto sealed = ecies_encrypt(to, body, ByteView{prefix, 2}, rng);
    if (!sealed) return unexpected(sealed.error());
    Bytes out;
    out.reserve(2 + sealed->size());
    out.insert(out.end(), prefix, prefix + 2);
    out.insert(out.end(), sealed->begin(), sealed->end());
    return out;
}

crypto::PublicKey public_of(const crypto::SecretKey& k) noexcept {
    auto p = crypto::public_key(k);
    HYPASIS_ASSERT(p.has_value());
    return *p;
}

// Decodes an EIP-8 auth body [sig, initiator-pubk, initiator-nonce, auth-vsn, ...] followed by padding.
struct AuthBody {
    FixedBytes<65> sig{};
    crypto::PublicKey pubk{};
    Hash nonce{};
};

Expected<AuthBody, RlpxError> decode_auth_eip8(ByteView in) noexcept {
    auto list = rlp::decode_list(in);  // Bytes after the list are padding and are ignored.
    if (!list) return unexpected(RlpxError::kInvalidAuth);
    ByteView p = *list;
    AuthBody out;
    auto sig = rlp::decode_fixed<65>(p);
    if (!sig) return unexpected(RlpxError::kInvalidAuth);
    auto pubk = rlp::decode_fixed<64>(p);
    if (!pubk) return unexpected(RlpxError::kInvalidAuth);
    auto nonce = rlp::decode_fixed<32>(p);
    if (!nonce) return unexpected(RlpxError::kInvalidAuth);
    if (!rlp::decode_u64(p)) return unexpected(RlpxError::kInvalidAuth);  // auth-vsn: any value is accepted
    while (!p.empty()) {  // EIP-8: extra elements are allowed, but must still be well-formed items.
        if (!rlp::decode_raw_item(p)) return unexpected(RlpxError::kInvalidAuth);
    }
    out.sig = *sig;
    out.pubk = *pubk;
    out.nonce = *nonce;
    return out;
}

struct AckBody {
    crypto::PublicKey ephemeral{};
    Hash nonce{};
};

Expected<AckBody, RlpxError> decode_ack_eip8(ByteView in) noexcept {
    auto list = rlp::decode_list(in);
    if (!list) return unexpected(RlpxError::kInvalidAck);
    ByteView p = *list;
    auto eph = rlp::decode_fixed<64>(p);
    if (!eph) return unexpected(RlpxError::kInvalidAck);
    auto nonce = rlp::decode_fixed<32>(p);
    if (!nonce) return unexpected(RlpxError::kInvalidAck);
    if (!rlp::decode_u64(p)) return unexpected(RlpxError::kInvalidAck);  // ack-vsn: any value is accepted
    while (!p.empty()) {
        if (!rlp::decode_raw_item(p)) return unexpected(RlpxError::kInvalidAck);
    }
    return AckBody{*eph, *nonce};
}

}  // namespace

Secrets derive_secrets(bool initiator, const Hash& ephemeral_key, const Hash& initiator_nonce,
                       const Hash& recipient_nonce, ByteView auth, ByteView ack,
                       const crypto::PublicKey& remote_id) noexcept {
    Secrets s;
    s.remote_id = remote_id;
    const Hash nonce_hash = keccak_concat(recipient_nonce, initiator_nonce);
    const Hash shared = keccak_concat(ephemeral_key, nonce_hash);
    s.aes = keccak_concat(ephemeral_key, shared);
    s.mac = keccak_concat(ephemeral_key, s.aes);
    // Initiator: egress = (mac ^ recipient-nonce) || auth, ingress = (mac ^ initiator-nonce) || ack.
    // Recipient: egress = (mac ^ initiator-nonce) || ack, ingress = (mac ^ recipient-nonce) || auth.
    const Hash with_recipient = xor32(s.mac, recipient_nonce);
    const Hash with_initiator = xor32(s.mac, initiator_nonce);
    crypto::Keccak256& auth_mac = initiator ? s.egress_mac : s.ingress_mac;
    crypto::Keccak256& ack_mac = initiator ? s.ingress_mac : s.egress_mac;
    auth_mac.update(with_recipient);
    auth_mac.update(auth);
    ack_mac.update(with_initiator);
    ack_mac.update(ack);
    return s;
}

Initiator::Initiator(const crypto::SecretKey& static_key, const crypto::PublicKey& remote_id, RandomSource rng,
                     bool eip8)
    : static_key_(static_key), remote_id_(remote_id), rng_(std::move(rng)), eip8_(eip8) {
    ephemeral_key_ = generate_secret_key(rng_);
    rng_(nonce_);
}

Expected<Bytes, RlpxError> Initiator::auth() {
    HYPASIS_ASSERT(auth_.empty());
    auto static_shared = crypto::ecdh_x(remote_id_, static_key_);
    if (!static_shared) return unexpected(RlpxError::kInvalidPublicKey);
    auto sig = crypto::sign(xor32(*static_shared, nonce_), ephemeral_key_);
    HYPASIS_ASSERT(sig.has_value());
    FixedBytes<65> sig_bytes{};
    std::copy(sig->rs.begin(), sig->rs.end(), sig_bytes.begin());
    sig_bytes[64] = sig->recovery_id;
    const crypto::PublicKey own = public_of(static_key_);

    Expected<Bytes, RlpxError> wire;
    if (eip8_) {
        Bytes payload;
        rlp::encode_fixed(payload, sig_bytes);
        rlp::encode_fixed(payload, own);
        rlp::encode_fixed(payload, nonce_);
        rlp::encode_u64(payload, kHandshakeVersion);
        wire = seal_eip8(remote_id_, rlp::wrap_list(payload), rng_);
    } else {
        Bytes plain;
        plain.reserve(kLegacyAuthPlain);
        plain.insert(plain.end(), sig_bytes.begin(), sig_bytes.end());
        const Hash eph_hash = crypto::keccak256(public_of(ephemeral_key_));
        plain.insert(plain.end(), eph_hash.begin(), eph_hash.end());
        plain.insert(plain.end(), own.begin(), own.end());
        plain.insert(plain.end(), nonce_.begin(), nonce_.end());
        plain.push_back(0x00);  // token flag: no session token
        wire = ecies_encrypt(remote_id_, plain, {}, rng_);
    }
    if (!wire) return wire;
    auth_ = *wire;
    return wire;
}

Expected<Received, RlpxError> Initiator::receive_ack(ByteView buffered) {
    HYPASIS_ASSERT(!auth_.empty() && !secrets_);
    std::size_t need = 0;
    auto located = locate(buffered, kLegacyAckSize, static_key_, need);
    if (!located) return unexpected(located.error());
    if (!*located) return Received{false, need};
    const Located& msg = **located;
    AckBody body;
    if (msg.eip8) {
        auto b = decode_ack_eip8(msg.plain);
        if (!b) return unexpected(b.error());
        body = *b;
    } else {
        if (msg.plain.size() != kLegacyAckPlain) return unexpected(RlpxError::kInvalidAck);
        body.ephemeral = to_fixed<64>(ByteView{msg.plain}.first(64));
        body.nonce = to_fixed<32>(ByteView{msg.plain}.subspan(64, 32));
    }
    auto ephemeral_shared = crypto::ecdh_x(body.ephemeral, ephemeral_key_);
    if (!ephemeral_shared) return unexpected(RlpxError::kInvalidPublicKey);
    secrets_ = derive_secrets(true, *ephemeral_shared, nonce_, body.nonce, auth_, buffered.first(msg.wire_size),
                              remote_id_);
    return Received{true, msg.wire_size};
}

const Secrets& Initiator::secrets() const noexcept {
    HYPASIS_ASSERT(secrets_.has_value());
    return *secrets_;
}

Recipient::Recipient(const crypto::SecretKey& static_key, RandomSource rng)
    : static_key_(static_key), rng_(std::move(rng)) {
    ephemeral_key_ = generate_secret_key(rng_);
    rng_(nonce_);
}

Expected<Received, RlpxError> Recipient::receive_auth(ByteView buffered) {
    HYPASIS_ASSERT(!have_auth_);
    std::size_t need = 0;
    auto located = locate(buffered, kLegacyAuthSize, static_key_, need);
    if (!located) return unexpected(located.error());
    if (!*located) return Received{false, need};
    const Located& msg = **located;
    AuthBody body;
    if (msg.eip8) {
        auto b = decode_auth_eip8(msg.plain);
        if (!b) return unexpected(b.error());
        body = *b;
    } else {
        if (msg.plain.size() != kLegacyAuthPlain) return unexpected(RlpxError::kInvalidAuth);
        // sig (65) || keccak(ephemeral-pubk) (32, not checked: the signature proves the key) || pubk || nonce || flag
        const ByteView p{msg.plain};
        body.sig = to_fixed<65>(p.first(65));
        body.pubk = to_fixed<64>(p.subspan(97, 64));
        body.nonce = to_fixed<32>(p.subspan(161, 32));
    }
    auto static_shared = crypto::ecdh_x(body.pubk, static_key_);
    if (!static_shared) return unexpected(RlpxError::kInvalidPublicKey);
    crypto::RecoverableSignature sig;
    std::copy(body.sig.begin(), body.sig.begin() + 64, sig.rs.begin());
    sig.recovery_id = body.sig[64];
    if (sig.recovery_id > 1) return unexpected(RlpxError::kInvalidSignature);
    auto ephemeral = crypto::recover(xor32(*static_shared, body.nonce), sig, /*require_low_s=*/false);
    if (!ephemeral) return unexpected(RlpxError::kInvalidSignature);

    have_auth_ = true;
    remote_eip8_ = msg.eip8;
    remote_id_ = body.pubk;
    remote_ephemeral_ = *ephemeral;
    remote_nonce_ = body.nonce;
    auth_.assign(buffered.begin(), buffered.begin() + static_cast<std::ptrdiff_t>(msg.wire_size));
    return Received{true, msg.wire_size};
}

const crypto::PublicKey& Recipient::remote_id() const noexcept {
    HYPASIS_ASSERT(have_auth_);
    return remote_id_;
}

Expected<Bytes, RlpxError> Recipient::ack() {
    HYPASIS_ASSERT(have_auth_ && !secrets_);
    const crypto::PublicKey eph_pub = public_of(ephemeral_key_);
    Expected<Bytes, RlpxError> wire;
    if (remote_eip8_) {
        Bytes payload;
        rlp::encode_fixed(payload, eph_pub);
        rlp::encode_fixed(payload, nonce_);
        rlp::encode_u64(payload, kHandshakeVersion);
        wire = seal_eip8(remote_id_, rlp::wrap_list(payload), rng_);
    } else {
        Bytes plain;
        plain.reserve(kLegacyAckPlain);
        plain.insert(plain.end(), eph_pub.begin(), eph_pub.end());
        plain.insert(plain.end(), nonce_.begin(), nonce_.end());
        plain.push_back(0x00);
        wire = ecies_encrypt(remote_id_, plain, {}, rng_);
    }
    if (!wire) return wire;
    auto ephemeral_shared = crypto::ecdh_x(remote_ephemeral_, ephemeral_key_);
    if (!ephemeral_shared) return unexpected(RlpxError::kInvalidPublicKey);  // unreachable: recovered keys are valid
    secrets_ = derive_secrets(false, *ephemeral_shared, remote_nonce_, nonce_, auth_, *wire, remote_id_);
    return wire;
}

const Secrets& Recipient::secrets() const noexcept {
    HYPASIS_ASSERT(secrets_.has_value());
    return *secrets_;
}

}  // namespace hypasis::p2p::rlpx
