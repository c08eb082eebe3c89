#include "hypasis/checkpoint/sign.hpp"

#include <algorithm>
#include <vector>

namespace hypasis::checkpoint {

std::string_view to_string(SignErrc e) noexcept {
    switch (e) {
        case SignErrc::kInvalidKey:
            return "invalid secret key";
        case SignErrc::kNotInSet:
            return "key not in the validator set";
        case SignErrc::kNoKeys:
            return "no keys";
    }
    return "unknown";
}

Expected<void, SignErrc> add_ecdsa_signature(Checkpoint& c, const crypto::SecretKey& key) {
    const auto pub = crypto::public_key(key);
    if (!pub) return unexpected(SignErrc::kInvalidKey);
    const auto sig = crypto::sign(checkpoint_digest(c), key);
    if (!sig) return unexpected(SignErrc::kInvalidKey);
    EcdsaSignature s;
    s.signer = crypto::to_address(*pub);
    std::copy(sig->rs.begin(), sig->rs.end(), s.signature.begin());
    s.signature[64] = static_cast<uint8_t>(27 + sig->recovery_id);
    c.ecdsa_signatures.push_back(s);
    return {};
}

void add_bls_signature(Checkpoint& c, const crypto::BlsSecretKey& key) {
    const Hash digest = checkpoint_digest(c);
    c.bls_signatures.push_back({crypto::bls_sk_to_pk(key).serialize(), crypto::bls_sign(key, digest).serialize()});
}

Expected<void, SignErrc> set_bls_aggregate(Checkpoint& c, std::span<const crypto::BlsSecretKey> keys,
                                           const ValidatorSet& set) {
    if (keys.empty()) return unexpected(SignErrc::kNoKeys);
    const Hash digest = checkpoint_digest(c);
    Bytes bits((set.size() + 7) / 8, 0);
    std::vector<crypto::BlsSignature> sigs;
    sigs.reserve(keys.size());
    for (const auto& key : keys) {
        const auto index = set.find_bls(crypto::bls_sk_to_pk(key).serialize());
        if (!index) return unexpected(SignErrc::kNotInSet);
        bits[*index / 8] = static_cast<uint8_t>(bits[*index / 8] | (1u << (*index % 8)));
        sigs.push_back(crypto::bls_sign(key, digest));
    }
    const auto aggregate = crypto::bls_aggregate_signatures(sigs);
    if (!aggregate) return unexpected(SignErrc::kNoKeys);
    c.bls_aggregate = BlsAggregateSignature{std::move(bits), aggregate->serialize()};
    return {};
}

}  // namespace hypasis::checkpoint
