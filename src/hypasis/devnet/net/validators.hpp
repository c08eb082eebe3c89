#pragma once
/// The devnet's validator set and its signed checkpoints, in the formats `hypasis checkpoint verify` and
/// `hypasis run --checkpoint file:… --validators …` read (checkpoint/checkpoint_json.hpp, docs/checkpoints.md).
///
/// Keys are derived from the seed (keccak of a label), so the same options give the same set on every run. Stakes
/// differ per validator (validator i has (i + 1) × kStakeUnit), so that "more than 2/3 of the stake" and "more than
/// 2/3 of the validators" are different things and a checker that counts heads instead of stake is caught:
/// the bad checkpoint is signed by a majority of validators holding at most 2/3 of the stake whenever the set
/// allows it.
///
/// Pure functions, thread-safe; they throw only std::bad_alloc. These keys are for local networks only.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/bls.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/devnet/net/error.hpp"

namespace hypasis::devnet {

/// Stake of validator 0; validator i has (i + 1) units (32 ether in wei, a nod to the beacon chain's deposit).
inline const U256 kStakeUnit = U256{32} * U256{1'000'000'000} * U256{1'000'000'000};

struct ValidatorOptions {
    std::size_t count{4};  ///< 1..1024
    checkpoint::SignatureScheme scheme{checkpoint::SignatureScheme::kEcdsa};
    uint64_t seed{1};
};

/// A validator set with its secret keys (the key of validator i at index i of the vector of its scheme).
struct DevnetValidators {
    checkpoint::ValidatorSet set;
    std::vector<crypto::SecretKey> ecdsa_keys;
    std::vector<crypto::BlsSecretKey> bls_keys;
};

/// The set of `options.count` validators for chain `chain_id` (quorum rule generic: signed stake × 3 > total × 2).
/// kBadOptions when count is 0 or above 1024.
Expected<DevnetValidators, DevnetError> make_validators(uint64_t chain_id, const ValidatorOptions& options);

/// Which signers a checkpoint gets.
enum class Quorum {
    kSufficient,    ///< The fewest validators, largest stakes first, whose stake is more than 2/3 of the total.
    kInsufficient,  ///< The most validators, smallest stakes first, whose stake is at most 2/3 (never empty).
};

/// The indices of the validators that sign under `quorum`. kValidators when kInsufficient is impossible (one
/// validator, or the smallest stake alone is above 2/3).
Expected<std::vector<std::size_t>, DevnetError> signers(const DevnetValidators& v, Quorum quorum);

/// A checkpoint of `header` (chain id, number, hash, state root, timestamp) signed by signers(v, quorum): ECDSA
/// signatures, or one BLS aggregate. Errors: those of signers().
Expected<checkpoint::Checkpoint, DevnetError> sign_checkpoint(const DevnetValidators& v, uint64_t chain_id,
                                                              const SealedHeader& header, Quorum quorum);

}  // namespace hypasis::devnet
