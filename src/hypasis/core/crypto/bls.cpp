#include "hypasis/core/crypto/bls.hpp"

#include <blst.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>
#include <type_traits>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::crypto {

// The public types store blst's affine points as raw limbs so that blst.h stays out of the header. blst's
// limb_t is uint64_t and its points are plain arrays of limbs, so the layouts are identical and a contiguous
// array of BlsPublicKey is a contiguous array of blst_p1_affine.
static_assert(std::is_same_v<limb_t, uint64_t>);
static_assert(sizeof(BlsPublicKey) == sizeof(blst_p1_affine) && std::is_standard_layout_v<BlsPublicKey>);
static_assert(sizeof(BlsSignature) == sizeof(blst_p2_affine) && std::is_standard_layout_v<BlsSignature>);
static_assert(sizeof(BlsSecretKey) == sizeof(blst_scalar));
static_assert(std::is_trivially_copyable_v<BlsPublicKey> && std::is_trivially_copyable_v<BlsSignature>);

struct BlsInternal {
    static const blst_p1_affine* p1(const BlsPublicKey& k) noexcept {
        return reinterpret_cast<const blst_p1_affine*>(k.point_);
    }
    static const blst_p2_affine* p2(const BlsSignature& s) noexcept {
        return reinterpret_cast<const blst_p2_affine*>(s.point_);
    }
    static BlsPublicKey make_public_key(const blst_p1_affine& p) noexcept {
        BlsPublicKey k;
        std::memcpy(k.point_, &p, sizeof(p));
        return k;
    }
    static BlsSignature make_signature(const blst_p2_affine& p) noexcept {
        BlsSignature s;
        std::memcpy(s.point_, &p, sizeof(p));
        return s;
    }
    static BlsSecretKey make_secret_key(const blst_scalar& sc) noexcept {
        BlsSecretKey k;
        std::memcpy(k.scalar_, sc.b, sizeof(k.scalar_));
        return k;
    }
    static void load_scalar(const BlsSecretKey& k, blst_scalar& out) noexcept {
        std::memcpy(out.b, k.scalar_, sizeof(out.b));
    }
    static void wipe(BlsSecretKey& k) noexcept { OPENSSL_cleanse(k.scalar_, sizeof(k.scalar_)); }
};

namespace {

const byte* pop_dst() noexcept { return reinterpret_cast<const byte*>(kBlsPopDst.data()); }

// Wipes a scalar copied onto the stack when it goes out of scope.
struct ScopedScalar {
    blst_scalar value{};
    ScopedScalar() noexcept = default;
    ScopedScalar(const ScopedScalar&) = delete;
    ScopedScalar& operator=(const ScopedScalar&) = delete;
    ~ScopedScalar() { OPENSSL_cleanse(&value, sizeof(value)); }
};

BlsError from_blst(BLST_ERROR e) noexcept {
    switch (e) {
        case BLST_POINT_NOT_ON_CURVE:
            return BlsError::kNotOnCurve;
        case BLST_POINT_NOT_IN_GROUP:
            return BlsError::kNotInGroup;
        case BLST_PK_IS_INFINITY:
            return BlsError::kInfinityPublicKey;
        case BLST_VERIFY_FAIL:
            return BlsError::kVerificationFailed;
        case BLST_BAD_SCALAR:
            return BlsError::kInvalidSecretKey;
        default:
            return BlsError::kBadEncoding;
    }
}

// blst's pairing context is opaque and sized at run time (3192 bytes in blst 0.3.10). A fixed stack buffer
// avoids a heap allocation per verification; the assert catches a future blst that needs more.
struct PairingBuffer {
    alignas(64) unsigned char bytes[4096];
    blst_pairing* ctx() noexcept {
        HYPASIS_ASSERT(blst_pairing_sizeof() <= sizeof(bytes));
        return reinterpret_cast<blst_pairing*>(bytes);
    }
};

// Sums of keys use blst's batched affine addition (blst_p1s_add: an addition tree with one shared inversion per
// level), which is several times faster than adding the points one by one. It takes an array of pointers and
// copies the points into an alloca'd scratch of 144 bytes per point, so sums run in chunks of at most kSumChunk
// keys (a sync committee's 512 in one chunk, ~74 KB of stack), with the partial sums added in Jacobian form.
constexpr std::size_t kSumChunk = 512;

void add_chunk(blst_p1& out, bool first, const blst_p1_affine* const* points, std::size_t n) noexcept {
    if (first) {
        blst_p1s_add(&out, points, n);
        return;
    }
    blst_p1 part;
    blst_p1s_add(&part, points, n);
    blst_p1_add_or_double(&out, &out, &part);
}

// The sum of a non-empty contiguous array of keys.
void sum_keys(blst_p1& out, std::span<const BlsPublicKey> keys) noexcept {
    for (std::size_t at = 0; at < keys.size(); at += kSumChunk) {
        const std::size_t n = keys.size() - at < kSumChunk ? keys.size() - at : kSumChunk;
        // blst's pointer-array convention: {first, nullptr} means "n points stored contiguously from first".
        const blst_p1_affine* points[2] = {BlsInternal::p1(keys[at]), nullptr};
        add_chunk(out, at == 0, points, n);
    }
}

// The sum of a non-empty array of pointers to keys.
void sum_keys(blst_p1& out, std::span<const BlsPublicKey* const> keys) noexcept {
    const blst_p1_affine* points[kSumChunk];
    for (std::size_t at = 0; at < keys.size(); at += kSumChunk) {
        const std::size_t n = keys.size() - at < kSumChunk ? keys.size() - at : kSumChunk;
        for (std::size_t i = 0; i < n; ++i) {
            HYPASIS_ASSERT(keys[at + i] != nullptr);
            points[i] = BlsInternal::p1(*keys[at + i]);
        }
        add_chunk(out, at == 0, points, n);
    }
}

// e(agg, H(message)) == e(G1, sig) for an aggregate key already summed in Jacobian form. The key and signature
// are known to be in their groups (checked at parse time), so blst is told to skip its own group checks, which
// blst_core_verify_pk_in_g1 would repeat on every call.
Expected<void, BlsError> verify_aggregate(const blst_p1& agg, ByteView message, const BlsSignature& sig) noexcept {
    if (blst_p1_is_inf(&agg)) return unexpected(BlsError::kInfinityPublicKey);
    blst_p1_affine pk;
    blst_p1_to_affine(&pk, &agg);
    PairingBuffer buf;
    blst_pairing* ctx = buf.ctx();
    blst_pairing_init(ctx, true, pop_dst(), kBlsPopDst.size());
    const BLST_ERROR e = blst_pairing_chk_n_aggr_pk_in_g1(ctx, &pk, false, BlsInternal::p2(sig), false, message.data(),
                                                          message.size(), nullptr, 0);
    if (e != BLST_SUCCESS) return unexpected(from_blst(e));
    blst_pairing_commit(ctx);
    if (!blst_pairing_finalverify(ctx, nullptr)) return unexpected(BlsError::kVerificationFailed);
    return {};
}

}  // namespace

std::string_view to_string(BlsError e) noexcept {
    switch (e) {
        case BlsError::kBadEncoding:
            return "bad BLS point encoding";
        case BlsError::kNotOnCurve:
            return "BLS point not on the curve";
        case BlsError::kNotInGroup:
            return "BLS point not in the prime-order subgroup";
        case BlsError::kInfinityPublicKey:
            return "BLS public key is the point at infinity";
        case BlsError::kInvalidSecretKey:
            return "invalid BLS secret key";
        case BlsError::kShortKeyMaterial:
            return "BLS key material shorter than 32 bytes";
        case BlsError::kEmptyInput:
            return "empty BLS input";
        case BlsError::kLengthMismatch:
            return "BLS keys and messages differ in number";
        case BlsError::kVerificationFailed:
            return "BLS signature verification failed";
    }
    return "unknown BLS error";
}

// --- BlsPublicKey -----------------------------------------------------------------------------------------------

Expected<BlsPublicKey, BlsError> BlsPublicKey::parse(ByteView compressed) noexcept {
    if (compressed.size() != kSize) return unexpected(BlsError::kBadEncoding);
    blst_p1_affine p;
    // blst_p1_uncompress checks the flag bits, x < p, and that x is on the curve; not the subgroup.
    const BLST_ERROR e = blst_p1_uncompress(&p, compressed.data());
    if (e != BLST_SUCCESS) return unexpected(from_blst(e));
    if (blst_p1_affine_is_inf(&p)) return unexpected(BlsError::kInfinityPublicKey);
    if (!blst_p1_affine_in_g1(&p)) return unexpected(BlsError::kNotInGroup);
    return BlsInternal::make_public_key(p);
}

FixedBytes<BlsPublicKey::kSize> BlsPublicKey::serialize() const noexcept {
    FixedBytes<kSize> out;
    blst_p1_affine_compress(out.data(), BlsInternal::p1(*this));
    return out;
}

bool operator==(const BlsPublicKey& a, const BlsPublicKey& b) noexcept {
    return blst_p1_affine_is_equal(BlsInternal::p1(a), BlsInternal::p1(b));
}

// --- BlsSignature -----------------------------------------------------------------------------------------------

Expected<BlsSignature, BlsError> BlsSignature::parse(ByteView compressed) noexcept {
    if (compressed.size() != kSize) return unexpected(BlsError::kBadEncoding);
    blst_p2_affine p;
    const BLST_ERROR e = blst_p2_uncompress(&p, compressed.data());
    if (e != BLST_SUCCESS) return unexpected(from_blst(e));
    if (!blst_p2_affine_in_g2(&p)) return unexpected(BlsError::kNotInGroup);
    return BlsInternal::make_signature(p);
}

FixedBytes<BlsSignature::kSize> BlsSignature::serialize() const noexcept {
    FixedBytes<kSize> out;
    blst_p2_affine_compress(out.data(), BlsInternal::p2(*this));
    return out;
}

bool BlsSignature::is_infinity() const noexcept { return blst_p2_affine_is_inf(BlsInternal::p2(*this)); }

bool operator==(const BlsSignature& a, const BlsSignature& b) noexcept {
    return blst_p2_affine_is_equal(BlsInternal::p2(a), BlsInternal::p2(b));
}

// --- BlsSecretKey -----------------------------------------------------------------------------------------------

Expected<BlsSecretKey, BlsError> BlsSecretKey::from_bytes(ByteView big_endian) noexcept {
    if (big_endian.size() != kSize) return unexpected(BlsError::kInvalidSecretKey);
    ScopedScalar sc;
    blst_scalar_from_bendian(&sc.value, big_endian.data());
    if (!blst_sk_check(&sc.value)) return unexpected(BlsError::kInvalidSecretKey);  // 0 < sk < r
    return BlsInternal::make_secret_key(sc.value);
}

FixedBytes<BlsSecretKey::kSize> BlsSecretKey::to_bytes() const noexcept {
    ScopedScalar sc;
    BlsInternal::load_scalar(*this, sc.value);
    FixedBytes<kSize> out;
    blst_bendian_from_scalar(out.data(), &sc.value);
    return out;
}

BlsSecretKey::~BlsSecretKey() { BlsInternal::wipe(*this); }

// --- Operations -------------------------------------------------------------------------------------------------

Expected<BlsSecretKey, BlsError> bls_keygen(ByteView ikm, ByteView key_info) noexcept {
    if (ikm.size() < 32) return unexpected(BlsError::kShortKeyMaterial);
    ScopedScalar sc;
    // blst_keygen is the draft-04+ KeyGen (salt = H(salt) before every attempt, IKM || I2OSP(0, 1)).
    blst_keygen(&sc.value, ikm.data(), ikm.size(), key_info.data(), key_info.size());
    if (!blst_sk_check(&sc.value)) return unexpected(BlsError::kInvalidSecretKey);  // unreachable by the spec
    return BlsInternal::make_secret_key(sc.value);
}

BlsPublicKey bls_sk_to_pk(const BlsSecretKey& sk) noexcept {
    ScopedScalar sc;
    BlsInternal::load_scalar(sk, sc.value);
    blst_p1 p;
    blst_sk_to_pk_in_g1(&p, &sc.value);
    blst_p1_affine a;
    blst_p1_to_affine(&a, &p);
    return BlsInternal::make_public_key(a);
}

BlsSignature bls_sign(const BlsSecretKey& sk, ByteView message) noexcept {
    blst_p2 h;
    blst_hash_to_g2(&h, message.data(), message.size(), pop_dst(), kBlsPopDst.size(), nullptr, 0);
    ScopedScalar sc;
    BlsInternal::load_scalar(sk, sc.value);
    blst_p2 s;
    blst_sign_pk_in_g1(&s, &h, &sc.value);
    blst_p2_affine a;
    blst_p2_to_affine(&a, &s);
    return BlsInternal::make_signature(a);
}

Expected<void, BlsError> bls_verify(const BlsPublicKey& pk, ByteView message, const BlsSignature& sig) noexcept {
    blst_p1 p;
    blst_p1_from_affine(&p, BlsInternal::p1(pk));
    return verify_aggregate(p, message, sig);
}

Expected<BlsSignature, BlsError> bls_aggregate_signatures(std::span<const BlsSignature> sigs) noexcept {
    if (sigs.empty()) return unexpected(BlsError::kEmptyInput);
    blst_p2 sum;
    blst_p2_from_affine(&sum, BlsInternal::p2(sigs[0]));
    for (std::size_t i = 1; i < sigs.size(); ++i) blst_p2_add_or_double_affine(&sum, &sum, BlsInternal::p2(sigs[i]));
    blst_p2_affine a;
    blst_p2_to_affine(&a, &sum);
    return BlsInternal::make_signature(a);
}

Expected<BlsPublicKey, BlsError> bls_aggregate_public_keys(std::span<const BlsPublicKey> keys) noexcept {
    if (keys.empty()) return unexpected(BlsError::kEmptyInput);
    blst_p1 sum;
    sum_keys(sum, keys);
    if (blst_p1_is_inf(&sum)) return unexpected(BlsError::kInfinityPublicKey);
    blst_p1_affine a;
    blst_p1_to_affine(&a, &sum);
    return BlsInternal::make_public_key(a);
}

Expected<void, BlsError> bls_aggregate_verify(std::span<const BlsPublicKey> keys, std::span<const ByteView> messages,
                                              const BlsSignature& sig) noexcept {
    if (keys.empty()) return unexpected(BlsError::kEmptyInput);
    if (messages.size() != keys.size()) return unexpected(BlsError::kLengthMismatch);
    PairingBuffer buf;
    blst_pairing* ctx = buf.ctx();
    blst_pairing_init(ctx, true, pop_dst(), kBlsPopDst.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        // The signature goes in once, with the first pair. Group checks were done by parse().
        const BLST_ERROR e = blst_pairing_chk_n_aggr_pk_in_g1(ctx, BlsInternal::p1(keys[i]), false,
                                                              i == 0 ? BlsInternal::p2(sig) : nullptr, false,
                                                              messages[i].data(), messages[i].size(), nullptr, 0);
        if (e != BLST_SUCCESS) return unexpected(from_blst(e));
    }
    blst_pairing_commit(ctx);
    if (!blst_pairing_finalverify(ctx, nullptr)) return unexpected(BlsError::kVerificationFailed);
    return {};
}

Expected<void, BlsError> bls_fast_aggregate_verify(std::span<const BlsPublicKey> keys, ByteView message,
                                                   const BlsSignature& sig) noexcept {
    if (keys.empty()) return unexpected(BlsError::kEmptyInput);
    blst_p1 sum;
    sum_keys(sum, keys);
    return verify_aggregate(sum, message, sig);
}

Expected<void, BlsError> bls_fast_aggregate_verify(std::span<const BlsPublicKey* const> keys, ByteView message,
                                                   const BlsSignature& sig) noexcept {
    if (keys.empty()) return unexpected(BlsError::kEmptyInput);
    blst_p1 sum;
    sum_keys(sum, keys);
    return verify_aggregate(sum, message, sig);
}

Expected<void, BlsError> bls_batch_verify(std::span<const BlsSignatureSet> sets) noexcept {
    if (sets.empty()) return unexpected(BlsError::kEmptyInput);
    for (const auto& s : sets) HYPASIS_ASSERT(s.public_key != nullptr && s.signature != nullptr);
    if (sets.size() == 1) return bls_verify(*sets[0].public_key, sets[0].message, *sets[0].signature);

    PairingBuffer buf;
    blst_pairing* ctx = buf.ctx();
    blst_pairing_init(ctx, true, pop_dst(), kBlsPopDst.size());
    for (const auto& s : sets) {
        // A fresh 64-bit scalar per set, forced odd so that it is never zero (a zero would drop the set).
        uint8_t r[8];
        if (RAND_bytes(r, sizeof(r)) != 1) {
            // No randomness: fall back to verifying every set on its own, which is what the batch means anyway.
            for (const auto& t : sets) {
                if (auto ok = bls_verify(*t.public_key, t.message, *t.signature); !ok) return ok;
            }
            return {};
        }
        r[0] |= 1;  // blst scalars are little-endian
        const BLST_ERROR e = blst_pairing_chk_n_mul_n_aggr_pk_in_g1(ctx, BlsInternal::p1(*s.public_key), false,
                                                                    BlsInternal::p2(*s.signature), false, r, 64,
                                                                    s.message.data(), s.message.size(), nullptr, 0);
        if (e != BLST_SUCCESS) return unexpected(from_blst(e));
    }
    blst_pairing_commit(ctx);
    if (!blst_pairing_finalverify(ctx, nullptr)) return unexpected(BlsError::kVerificationFailed);
    return {};
}

BlsG2Coordinates bls_hash_to_g2(ByteView message, ByteView dst) noexcept {
    blst_p2 h;
    blst_hash_to_g2(&h, message.data(), message.size(), dst.data(), dst.size(), nullptr, 0);
    blst_p2_affine a;
    blst_p2_to_affine(&a, &h);
    BlsG2Coordinates out;
    blst_bendian_from_fp(out.x_c0.data(), &a.x.fp[0]);
    blst_bendian_from_fp(out.x_c1.data(), &a.x.fp[1]);
    blst_bendian_from_fp(out.y_c0.data(), &a.y.fp[0]);
    blst_bendian_from_fp(out.y_c1.data(), &a.y.fp[1]);
    return out;
}

}  // namespace hypasis::crypto
