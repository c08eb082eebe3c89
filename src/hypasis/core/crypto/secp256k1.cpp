#include "hypasis/core/crypto/secp256k1.hpp"

#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>

#include <cstring>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::crypto {
namespace {

// One context for the whole process. Signing, verification and recovery only read it after creation, which
// libsecp256k1 documents as safe to share between threads.
const secp256k1_context* context() noexcept {
    static const secp256k1_context* ctx = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
        HYPASIS_ASSERT(c != nullptr);
        // Blinding against side channels. A fixed seed is still a blinding; randomness would be better but
        // must not make a core function fallible.
        unsigned char seed[32] = {0x68, 0x79, 0x70, 0x61, 0x73, 0x69, 0x73};
        HYPASIS_ASSERT(secp256k1_context_randomize(c, seed) == 1);
        return c;
    }();
    return ctx;
}

// The group order n, and n/2, big-endian.
constexpr uint8_t kHalfOrder[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                    0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

bool is_high_s(const uint8_t* s) noexcept { return std::memcmp(s, kHalfOrder, 32) > 0; }

PublicKey serialize(const secp256k1_pubkey& pk) noexcept {
    uint8_t buf[65];
    size_t len = sizeof(buf);
    secp256k1_ec_pubkey_serialize(context(), buf, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    PublicKey out;
    std::memcpy(out.data(), buf + 1, 64);
    return out;
}

bool parse64(const PublicKey& key, secp256k1_pubkey& out) noexcept {
    uint8_t buf[65];
    buf[0] = 0x04;
    std::memcpy(buf + 1, key.data(), 64);
    return secp256k1_ec_pubkey_parse(context(), &out, buf, sizeof(buf)) == 1;
}

}  // namespace

std::string_view to_string(SecpError e) noexcept {
    switch (e) {
        case SecpError::kInvalidSignature: return "invalid signature (r or s out of range)";
        case SecpError::kHighS: return "signature s value is above n/2 (EIP-2)";
        case SecpError::kInvalidRecoveryId: return "invalid recovery id";
        case SecpError::kRecoveryFailed: return "public key recovery failed";
        case SecpError::kInvalidPrivateKey: return "invalid private key";
        case SecpError::kInvalidPublicKey: return "invalid public key";
    }
    return "unknown secp256k1 error";
}

Expected<RecoverableSignature, SecpError> sign(const Hash& digest, const SecretKey& key) noexcept {
    if (secp256k1_ec_seckey_verify(context(), key.data()) != 1) return unexpected(SecpError::kInvalidPrivateKey);
    secp256k1_ecdsa_recoverable_signature sig;
    if (secp256k1_ecdsa_sign_recoverable(context(), &sig, digest.data(), key.data(), nullptr, nullptr) != 1) {
        return unexpected(SecpError::kInvalidPrivateKey);
    }
    RecoverableSignature out;
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), out.rs.data(), &recid, &sig);
    out.recovery_id = static_cast<uint8_t>(recid);
    return out;
}

Expected<PublicKey, SecpError> recover(const Hash& digest, const RecoverableSignature& sig,
                                       bool require_low_s) noexcept {
    if (sig.recovery_id > 3) return unexpected(SecpError::kInvalidRecoveryId);
    if (require_low_s && is_high_s(sig.rs.data() + 32)) return unexpected(SecpError::kHighS);
    secp256k1_ecdsa_recoverable_signature parsed;
    // parse_compact rejects r or s >= n; zero values are rejected by recover below.
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &parsed, sig.rs.data(), sig.recovery_id) !=
        1) {
        return unexpected(SecpError::kInvalidSignature);
    }
    static constexpr uint8_t kZero[32] = {};
    if (std::memcmp(sig.rs.data(), kZero, 32) == 0 || std::memcmp(sig.rs.data() + 32, kZero, 32) == 0) {
        return unexpected(SecpError::kInvalidSignature);
    }
    secp256k1_pubkey pk;
    if (secp256k1_ecdsa_recover(context(), &pk, &parsed, digest.data()) != 1) {
        return unexpected(SecpError::kRecoveryFailed);
    }
    return serialize(pk);
}

Expected<Address, SecpError> recover_address(const Hash& digest, const RecoverableSignature& sig,
                                             bool require_low_s) noexcept {
    auto pk = recover(digest, sig, require_low_s);
    if (!pk) return unexpected(pk.error());
    return to_address(*pk);
}

bool verify(const Hash& digest, const FixedBytes<64>& rs, const PublicKey& key) noexcept {
    secp256k1_pubkey pk;
    if (!parse64(key, pk)) return false;
    secp256k1_ecdsa_signature sig;
    if (secp256k1_ecdsa_signature_parse_compact(context(), &sig, rs.data()) != 1) return false;
    return secp256k1_ecdsa_verify(context(), &sig, digest.data(), &pk) == 1;
}

Expected<PublicKey, SecpError> public_key(const SecretKey& key) noexcept {
    secp256k1_pubkey pk;
    if (secp256k1_ec_pubkey_create(context(), &pk, key.data()) != 1) return unexpected(SecpError::kInvalidPrivateKey);
    return serialize(pk);
}

Address to_address(const PublicKey& key) noexcept {
    const Hash h = keccak256(key);
    Address out;
    std::memcpy(out.data(), h.data() + 12, 20);
    return out;
}

Expected<PublicKey, SecpError> parse_public_key(ByteView sec1) noexcept {
    secp256k1_pubkey pk;
    if (secp256k1_ec_pubkey_parse(context(), &pk, sec1.data(), sec1.size()) != 1) {
        return unexpected(SecpError::kInvalidPublicKey);
    }
    return serialize(pk);
}

FixedBytes<33> compress(const PublicKey& key) noexcept {
    FixedBytes<33> out{};
    secp256k1_pubkey pk;
    if (!parse64(key, pk)) return out;
    size_t len = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &len, &pk, SECP256K1_EC_COMPRESSED);
    return out;
}

namespace {
int copy_x(unsigned char* output, const unsigned char* x32, const unsigned char* /*y32*/, void* /*data*/) {
    std::memcpy(output, x32, 32);
    return 1;
}
}  // namespace

Expected<Hash, SecpError> ecdh_x(const PublicKey& point, const SecretKey& key) noexcept {
    secp256k1_pubkey pk;
    if (!parse64(point, pk)) return unexpected(SecpError::kInvalidPublicKey);
    Hash out;
    if (secp256k1_ecdh(context(), out.data(), &pk, key.data(), copy_x, nullptr) != 1) {
        return unexpected(SecpError::kInvalidPrivateKey);
    }
    return out;
}

}  // namespace hypasis::crypto
