#pragma once
/// Test-only: deterministic validator keys and sets for the checkpoint tests and benchmarks. Included by
/// *_test.cpp and *_bench.cpp files only.
#include <string>
#include <vector>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/checkpoint/sign.hpp"
#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/bls.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::checkpoint::testing {

/// ECDSA secret key number `i` (keccak of a label: valid with overwhelming probability, checked).
inline crypto::SecretKey ecdsa_key(uint32_t i) {
    const std::string label = "hypasis test ecdsa key " + std::to_string(i);
    const crypto::SecretKey k = crypto::keccak256(as_bytes(label));
    HYPASIS_ASSERT(crypto::public_key(k).has_value());
    return k;
}

inline Address ecdsa_address(uint32_t i) { return crypto::to_address(*crypto::public_key(ecdsa_key(i))); }

/// BLS secret key number `i` (KeyGen from a 32-byte label).
inline crypto::BlsSecretKey bls_key(uint32_t i) {
    Bytes ikm(32, 0x42);
    for (int b = 0; b < 4; ++b) ikm[static_cast<std::size_t>(b)] = static_cast<uint8_t>(i >> (8 * b));
    return *crypto::bls_keygen(ikm);
}

/// A set of ECDSA validators 0..stakes.size()-1 with the given stakes.
inline ValidatorSet ecdsa_set(const std::vector<U256>& stakes, QuorumRule rule = QuorumRule::kGeneric,
                              uint64_t chain_id = 1) {
    std::vector<Validator> v;
    for (uint32_t i = 0; i < stakes.size(); ++i) {
        v.push_back({SignatureScheme::kEcdsa, ecdsa_address(i), std::nullopt, stakes[i]});
    }
    return *ValidatorSet::create(chain_id, rule, std::move(v));
}

/// A set of BLS validators 0..stakes.size()-1 with the given stakes.
inline ValidatorSet bls_set(const std::vector<U256>& stakes, QuorumRule rule = QuorumRule::kGeneric,
                            uint64_t chain_id = 1) {
    std::vector<Validator> v;
    for (uint32_t i = 0; i < stakes.size(); ++i) {
        v.push_back({SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(bls_key(i)), stakes[i]});
    }
    return *ValidatorSet::create(chain_id, rule, std::move(v));
}

/// A checkpoint with fixed, recognizable fields and no signatures.
inline Checkpoint sample_checkpoint(uint64_t chain_id = 1, uint64_t block_num = 21'000'000) {
    Checkpoint c;
    c.chain_id = chain_id;
    c.block_num = block_num;
    c.block_hash.fill(0xab);
    c.state_root.fill(0xcd);
    c.timestamp = 1'730'000'000;
    return c;
}

/// Adds ECDSA signatures of validators `signers` (key numbers).
inline Checkpoint& sign_ecdsa(Checkpoint& c, const std::vector<uint32_t>& signers) {
    for (uint32_t i : signers) HYPASIS_ASSERT(add_ecdsa_signature(c, ecdsa_key(i)).has_value());
    return c;
}

/// Sets a BLS aggregate of validators `signers` of `set`.
inline Checkpoint& sign_bls_aggregate(Checkpoint& c, const std::vector<uint32_t>& signers, const ValidatorSet& set) {
    std::vector<crypto::BlsSecretKey> keys;
    for (uint32_t i : signers) keys.push_back(bls_key(i));
    HYPASIS_ASSERT(set_bls_aggregate(c, keys, set).has_value());
    return c;
}

/// 0, 1, ..., n-1.
inline std::vector<uint32_t> first(uint32_t n) {
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < n; ++i) v.push_back(i);
    return v;
}

}  // namespace hypasis::checkpoint::testing
