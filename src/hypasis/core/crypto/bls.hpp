#pragma once
/// BLS signatures on BLS12-381 as Ethereum's consensus layer uses them (consensus specs, phase0 "BLS
/// signatures"; draft-irtf-cfrg-bls-signature-05): the minimal-pubkey-size variant, with public keys in G1
/// (48 bytes compressed) and signatures in G2 (96 bytes compressed), and the proof-of-possession ciphersuite
/// `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`. Built on blst's C API (blst.h), which stays out of this header.
///
/// Parsing is the expensive, validating step: BlsPublicKey and BlsSignature hold *decompressed, subgroup-checked
/// affine points*, so a value of either type is always valid and the verify functions never decompress or
/// re-check anything. Decompressing and checking one public key costs ~50 µs (512 keys: ~25 ms) while verifying
/// an aggregate over 512 already-parsed keys costs ~1.1 ms: callers that see the same keys repeatedly (a sync
/// committee, a validator set) must parse them once and keep the parsed values.
///
/// Every function is noexcept and thread-safe (blst keeps no global mutable state; the types are immutable
/// values). Bytes from peers or files are never asserted on: they get a BlsError.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"

namespace hypasis::crypto {

enum class [[nodiscard]] BlsError {
    kBadEncoding = 1,     ///< Wrong length, inconsistent flag bits (ZCash serialization), or a coordinate >= p.
    kNotOnCurve,          ///< The decoded x has no y on the curve.
    kNotInGroup,          ///< On the curve but outside the prime-order subgroup G1 or G2.
    kInfinityPublicKey,   ///< The identity used as a public key (KeyValidate rejects it), or an aggregate of keys
                          ///< that sums to the identity.
    kInvalidSecretKey,    ///< Not 32 bytes, zero, or not below the group order r.
    kShortKeyMaterial,    ///< KeyGen's input keying material is shorter than 32 bytes.
    kEmptyInput,          ///< No keys, messages or signatures where the spec requires at least one.
    kLengthMismatch,      ///< The numbers of keys and messages differ.
    kVerificationFailed,  ///< Well-formed inputs, but the pairing equation does not hold.
};

/// A short, stable, human-readable name of the error.
std::string_view to_string(BlsError e) noexcept;

/// The domain separation tag of Ethereum's signatures (the POP ciphersuite, draft-irtf-cfrg-bls-signature-05
/// §4.2.3). Every sign and verify function below uses it.
inline constexpr std::string_view kBlsPopDst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

struct BlsInternal;  // bls.cpp's bridge to blst's point types.

/// A public key: a point of G1 other than the identity, decompressed and subgroup-checked. Plain value,
/// trivially copyable, 96 bytes, always valid.
class BlsPublicKey {
  public:
    static constexpr std::size_t kSize = 48;  ///< Compressed encoding size.

    /// KeyValidate (draft-irtf-cfrg-bls-signature-05 §2.5) of a 48-byte compressed point: kBadEncoding,
    /// kNotOnCurve, kInfinityPublicKey (the encoding 0xc0 00..00 is well-formed but not a usable key) or
    /// kNotInGroup. Costs a decompression (a square root) and a subgroup check: parse once and keep the result.
    static Expected<BlsPublicKey, BlsError> parse(ByteView compressed) noexcept;

    /// The 48-byte compressed encoding (the form parse() accepts).
    FixedBytes<kSize> serialize() const noexcept;

    friend bool operator==(const BlsPublicKey& a, const BlsPublicKey& b) noexcept;

  private:
    friend struct BlsInternal;
    BlsPublicKey() noexcept = default;
    uint64_t point_[12];  ///< blst_p1_affine: x and y, 6 limbs each.
};

/// A signature: a point of G2, decompressed and subgroup-checked. The identity is a valid signature encoding
/// (it aggregates to itself); it simply never verifies against a real key. Plain value, 192 bytes.
class BlsSignature {
  public:
    static constexpr std::size_t kSize = 96;  ///< Compressed encoding size.

    /// signature_to_point plus signature_subgroup_check (draft-irtf-cfrg-bls-signature-05 §2.8 and §3.3) of a
    /// 96-byte compressed point: kBadEncoding, kNotOnCurve or kNotInGroup.
    static Expected<BlsSignature, BlsError> parse(ByteView compressed) noexcept;

    /// The 96-byte compressed encoding.
    FixedBytes<kSize> serialize() const noexcept;

    /// True for the identity (encoded 0xc0 00..00).
    bool is_infinity() const noexcept;

    friend bool operator==(const BlsSignature& a, const BlsSignature& b) noexcept;

  private:
    friend struct BlsInternal;
    BlsSignature() noexcept = default;
    uint64_t point_[24];  ///< blst_p2_affine: x and y in Fp2, 12 limbs each.
};

/// A secret key: a scalar in [1, r). The destructor wipes it. Copyable; copies are wiped independently.
class BlsSecretKey {
  public:
    static constexpr std::size_t kSize = 32;

    /// Parses the 32-byte big-endian form; kInvalidSecretKey when the length is not 32 or the value is 0 or >= r.
    static Expected<BlsSecretKey, BlsError> from_bytes(ByteView big_endian) noexcept;

    /// The 32-byte big-endian form. The caller owns the copy of the secret.
    FixedBytes<kSize> to_bytes() const noexcept;

    BlsSecretKey(const BlsSecretKey& other) noexcept = default;
    BlsSecretKey& operator=(const BlsSecretKey& other) noexcept = default;
    ~BlsSecretKey();

  private:
    friend struct BlsInternal;
    BlsSecretKey() noexcept = default;
    uint8_t scalar_[32];  ///< blst_scalar: little-endian.
};

/// KeyGen (draft-irtf-cfrg-bls-signature-05 §2.3, identical to EIP-2333's HKDF_mod_r): HKDF-SHA-256 from the
/// input keying material, with the salt "BLS-SIG-KEYGEN-SALT-" hashed on each attempt until the key is non-zero.
/// `ikm` must hold at least 32 bytes of secret entropy (kShortKeyMaterial otherwise); `key_info` is optional.
[[nodiscard]] Expected<BlsSecretKey, BlsError> bls_keygen(ByteView ikm, ByteView key_info = {}) noexcept;

/// SkToPk: the public key sk·G1.
[[nodiscard]] BlsPublicKey bls_sk_to_pk(const BlsSecretKey& sk) noexcept;

/// Sign: sk·hash_to_G2(message) with the POP ciphersuite's DST. Deterministic.
[[nodiscard]] BlsSignature bls_sign(const BlsSecretKey& sk, ByteView message) noexcept;

/// Verify (CoreVerify): e(pk, H(message)) == e(G1, sig). kVerificationFailed when it does not hold.
[[nodiscard]] Expected<void, BlsError> bls_verify(const BlsPublicKey& pk, ByteView message,
                                                  const BlsSignature& sig) noexcept;

/// Aggregate: the sum of the signatures. kEmptyInput for none (the spec's Aggregate is undefined on n = 0).
[[nodiscard]] Expected<BlsSignature, BlsError> bls_aggregate_signatures(std::span<const BlsSignature> sigs) noexcept;

/// The sum of the public keys (the aggregate key of FastAggregateVerify). kEmptyInput for none,
/// kInfinityPublicKey if they cancel out. Useful to aggregate a fixed set once and then call bls_verify().
[[nodiscard]] Expected<BlsPublicKey, BlsError> bls_aggregate_public_keys(std::span<const BlsPublicKey> keys) noexcept;

/// AggregateVerify of the POP ciphersuite (draft-irtf-cfrg-bls-signature-05 §3.3.4, which is CoreAggregateVerify):
/// `sig` aggregates one signature per (keys[i], messages[i]). The POP scheme does not require the messages to be
/// distinct (proofs of possession already defeat rogue keys), so duplicates are accepted, as in the consensus
/// specs. kEmptyInput for no keys, kLengthMismatch when the counts differ, kVerificationFailed otherwise.
[[nodiscard]] Expected<void, BlsError> bls_aggregate_verify(std::span<const BlsPublicKey> keys,
                                                            std::span<const ByteView> messages,
                                                            const BlsSignature& sig) noexcept;

/// FastAggregateVerify (§3.3.4): every key signed the same `message`, `sig` is the aggregate. The keys are summed
/// straight from their parsed affine form (no decompression, no subgroup re-check), then one two-pairing check
/// runs. kEmptyInput for no keys, kInfinityPublicKey if the keys cancel out, kVerificationFailed otherwise.
[[nodiscard]] Expected<void, BlsError> bls_fast_aggregate_verify(std::span<const BlsPublicKey> keys, ByteView message,
                                                                 const BlsSignature& sig) noexcept;

/// As above over keys held elsewhere (e.g. the participants of a sync committee picked out of the committee's
/// cached keys). Every pointer must be non-null (a null one is a programming error and aborts).
[[nodiscard]] Expected<void, BlsError> bls_fast_aggregate_verify(std::span<const BlsPublicKey* const> keys,
                                                                 ByteView message, const BlsSignature& sig) noexcept;

/// One (public key, message, signature) triple of a batch. The pointed-to values must outlive the call.
struct BlsSignatureSet {
    const BlsPublicKey* public_key;
    ByteView message;
    const BlsSignature* signature;
};

/// Batch verification: succeeds iff every set verifies on its own (consensus-spec tests' batch_verify). Checks
/// one random linear combination: sum(r_i·e(pk_i, H(m_i))) against e(G1, sum(r_i·sig_i)) with 64-bit non-zero
/// r_i from OpenSSL's RAND_bytes, so forged sets whose errors cancel out are caught except with probability
/// 2^-64; if the RNG fails, each set is verified separately instead. kEmptyInput for no sets. Every pointer must
/// be non-null.
[[nodiscard]] Expected<void, BlsError> bls_batch_verify(std::span<const BlsSignatureSet> sets) noexcept;

/// The affine coordinates of a G2 point; an Fp2 element is c0 + c1·u, each Fp value 48 bytes big-endian.
struct BlsG2Coordinates {
    FixedBytes<48> x_c0{}, x_c1{}, y_c0{}, y_c1{};
    friend bool operator==(const BlsG2Coordinates&, const BlsG2Coordinates&) = default;
};

/// hash_to_curve for G2 (RFC 9380 §3, suite BLS12381G2_XMD:SHA-256_SSWU_RO_) with any domain separation tag; a
/// tag over 255 bytes is first reduced as RFC 9380 §5.3.3 says. Exposed for the hash_to_G2 test vectors.
[[nodiscard]] BlsG2Coordinates bls_hash_to_g2(ByteView message, ByteView dst) noexcept;

}  // namespace hypasis::crypto
