#include "hypasis/devnet/net/validators.hpp"

#include <string>

#include "hypasis/checkpoint/sign.hpp"
#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::devnet {
namespace {

constexpr std::size_t kMaxValidators = 1024;

Hash key_material(uint64_t seed, std::size_t i, std::string_view scheme) {
    const std::string label = "hypasis devnet " + std::string(scheme) + " validator " + std::to_string(seed) + " " +
                              std::to_string(i);
    return crypto::keccak256(as_bytes(label));
}

DevnetError validator_error(std::string detail) { return {DevnetErrc::kValidators, std::move(detail)}; }

}  // namespace

Expected<DevnetValidators, DevnetError> make_validators(uint64_t chain_id, const ValidatorOptions& options) {
    if (options.count == 0 || options.count > kMaxValidators) {
        return unexpected(DevnetError{DevnetErrc::kBadOptions,
                                      "--validators must be 1.." + std::to_string(kMaxValidators)});
    }
    std::vector<checkpoint::Validator> validators;
    std::vector<crypto::SecretKey> ecdsa;
    std::vector<crypto::BlsSecretKey> bls;
    for (std::size_t i = 0; i < options.count; ++i) {
        const U256 stake = kStakeUnit * U256{i + 1};
        if (options.scheme == checkpoint::SignatureScheme::kEcdsa) {
            // keccak output is a valid secp256k1 key except with negligible probability; re-hash if not.
            crypto::SecretKey key = key_material(options.seed, i, "ecdsa");
            while (!crypto::public_key(key)) key = crypto::keccak256(key);
            validators.push_back({checkpoint::SignatureScheme::kEcdsa, crypto::to_address(*crypto::public_key(key)),
                                  std::nullopt, stake});
            ecdsa.push_back(key);
        } else {
            const Hash ikm = key_material(options.seed, i, "bls");
            auto key = crypto::bls_keygen(ikm);
            if (!key) return unexpected(validator_error("BLS key generation failed"));
            validators.push_back({checkpoint::SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(*key), stake});
            bls.push_back(*key);
        }
    }
    auto set = checkpoint::ValidatorSet::create(chain_id, checkpoint::QuorumRule::kGeneric, std::move(validators));
    if (!set) return unexpected(validator_error(checkpoint::to_string(set.error())));
    return DevnetValidators{std::move(*set), std::move(ecdsa), std::move(bls)};
}

Expected<std::vector<std::size_t>, DevnetError> signers(const DevnetValidators& v, Quorum quorum) {
    const auto& all = v.set.validators();
    const U256 total = v.set.total_stake();
    std::vector<std::size_t> out;
    U256 signed_stake{};
    if (quorum == Quorum::kSufficient) {
        // Stakes grow with the index: take the largest first.
        for (std::size_t i = all.size(); i-- > 0;) {
            out.push_back(i);
            signed_stake = signed_stake + all[i].stake;
            if (signed_stake * U256{3} > total * U256{2}) return out;
        }
        return unexpected(validator_error("the whole set does not reach the quorum"));
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        const U256 next = signed_stake + all[i].stake;
        if (next * U256{3} > total * U256{2}) break;
        signed_stake = next;
        out.push_back(i);
    }
    if (out.empty()) {
        return unexpected(validator_error("no signer set below the quorum exists (use at least 2 validators)"));
    }
    return out;
}

Expected<checkpoint::Checkpoint, DevnetError> sign_checkpoint(const DevnetValidators& v, uint64_t chain_id,
                                                              const SealedHeader& header, Quorum quorum) {
    auto who = signers(v, quorum);
    if (!who) return unexpected(std::move(who.error()));
    checkpoint::Checkpoint c;
    c.chain_id = chain_id;
    c.block_num = header.header.number;
    c.block_hash = header.hash;
    c.state_root = header.header.state_root;
    c.timestamp = header.header.timestamp;
    if (!v.ecdsa_keys.empty()) {
        for (std::size_t i : *who) {
            if (auto r = checkpoint::add_ecdsa_signature(c, v.ecdsa_keys[i]); !r) {
                return unexpected(validator_error(std::string(checkpoint::to_string(r.error()))));
            }
        }
    } else {
        std::vector<crypto::BlsSecretKey> keys;
        for (std::size_t i : *who) keys.push_back(v.bls_keys[i]);
        if (auto r = checkpoint::set_bls_aggregate(c, keys, v.set); !r) {
            return unexpected(validator_error(std::string(checkpoint::to_string(r.error()))));
        }
    }
    return c;
}

}  // namespace hypasis::devnet
