#pragma once
/// Signing checkpoints, for devnets and tests (`hypasis checkpoint sign`). Production checkpoints are signed by the
/// chain's validators with their own software; these functions produce exactly what verify() checks.
///
/// All functions are pure and thread-safe; they throw only std::bad_alloc.
#include <span>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/bls.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::checkpoint {

enum class [[nodiscard]] SignErrc{
    kInvalidKey = 1,  ///< An ECDSA secret key that is zero or not below the group order.
    kNotInSet,        ///< A key whose validator is not in the set (aggregate signing needs its bit position).
    kNoKeys,          ///< Nothing to sign with.
};

std::string_view to_string(SignErrc e) noexcept;

/// Appends one ECDSA signature by `key` over checkpoint_digest(c): signer = the key's address, signature =
/// r || s || v with low s and v in {27, 28} (the form ethers serializes). kInvalidKey for a bad key.
Expected<void, SignErrc> add_ecdsa_signature(Checkpoint& c, const crypto::SecretKey& key);

/// Appends one per-validator BLS signature by `key` over checkpoint_digest(c).
void add_bls_signature(Checkpoint& c, const crypto::BlsSecretKey& key);

/// Sets c.bls_aggregate: the aggregate of each key's signature over the digest, with the bits of the keys'
/// validators in `set` (kNotInSet when a key's public key is not a BLS validator of the set; kNoKeys when empty).
Expected<void, SignErrc> set_bls_aggregate(Checkpoint& c, std::span<const crypto::BlsSecretKey> keys,
                                           const ValidatorSet& set);

}  // namespace hypasis::checkpoint
