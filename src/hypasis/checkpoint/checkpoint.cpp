#include "hypasis/checkpoint/checkpoint.hpp"

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::checkpoint {

std::string_view to_string(SignatureScheme s) noexcept {
    switch (s) {
        case SignatureScheme::kEcdsa:
            return "ecdsa";
        case SignatureScheme::kBls:
            return "bls";
    }
    return "unknown";
}

std::string_view to_string(QuorumRule r) noexcept {
    switch (r) {
        case QuorumRule::kGeneric:
            return "generic";
        case QuorumRule::kEthSyncCommittee:
            return "eth-sync-committee";
        case QuorumRule::kPolygon:
            return "polygon";
        case QuorumRule::kBscCount:
            return "bsc";
    }
    return "unknown";
}

std::optional<QuorumRule> quorum_rule_from_string(std::string_view s) noexcept {
    for (QuorumRule r :
         {QuorumRule::kGeneric, QuorumRule::kEthSyncCommittee, QuorumRule::kPolygon, QuorumRule::kBscCount}) {
        if (s == to_string(r)) return r;
    }
    return std::nullopt;
}

Bytes signing_rlp(const Checkpoint& c) {
    Bytes payload;
    payload.reserve(2 * 33 + 3 * 9);
    rlp::encode_u64(payload, c.chain_id);
    rlp::encode_u64(payload, c.block_num);
    rlp::encode_fixed(payload, c.block_hash);
    rlp::encode_fixed(payload, c.state_root);
    rlp::encode_u64(payload, c.timestamp);
    return rlp::wrap_list(payload);
}

Hash checkpoint_digest(const Checkpoint& c) {
    crypto::Keccak256 k;
    k.update(as_bytes(kDigestDomain));
    k.update(signing_rlp(c));
    return k.finalize();
}

std::string_view to_string(ValidatorSetErrc e) noexcept {
    switch (e) {
        case ValidatorSetErrc::kEmpty:
            return "empty validator set";
        case ValidatorSetErrc::kTooMany:
            return "too many validators";
        case ValidatorSetErrc::kDuplicateValidator:
            return "duplicate validator";
        case ValidatorSetErrc::kStakeOverflow:
            return "stake total overflows 256 bits";
        case ValidatorSetErrc::kMissingKey:
            return "BLS validator without a key";
    }
    return "unknown";
}

std::string to_string(const ValidatorSetError& e) {
    std::string s(to_string(e.code));
    if (e.index) s += ": validator " + std::to_string(*e.index);
    return s;
}

Expected<ValidatorSet, ValidatorSetError> ValidatorSet::create(uint64_t chain_id, QuorumRule rule,
                                                               std::vector<Validator> validators) {
    if (validators.empty()) return unexpected(ValidatorSetError{ValidatorSetErrc::kEmpty, std::nullopt});
    if (validators.size() > kMaxValidators) {
        return unexpected(ValidatorSetError{ValidatorSetErrc::kTooMany, std::nullopt});
    }
    ValidatorSet set;
    set.chain_id_ = chain_id;
    set.rule_ = rule;
    for (std::size_t i = 0; i < validators.size(); ++i) {
        const Validator& v = validators[i];
        const auto total = U256::checked_add(set.total_stake_, v.stake);
        if (!total) return unexpected(ValidatorSetError{ValidatorSetErrc::kStakeOverflow, i});
        set.total_stake_ = *total;
        bool inserted = false;
        if (v.scheme == SignatureScheme::kEcdsa) {
            inserted = set.by_address_.emplace(v.address, i).second;
        } else {
            if (!v.bls_key) return unexpected(ValidatorSetError{ValidatorSetErrc::kMissingKey, i});
            inserted = set.by_bls_key_.emplace(v.bls_key->serialize(), i).second;
        }
        if (!inserted) return unexpected(ValidatorSetError{ValidatorSetErrc::kDuplicateValidator, i});
    }
    set.validators_ = std::move(validators);
    return set;
}

std::optional<std::size_t> ValidatorSet::find_ecdsa(const Address& a) const noexcept {
    const auto it = by_address_.find(a);
    if (it == by_address_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::size_t> ValidatorSet::find_bls(const FixedBytes<48>& key) const noexcept {
    const auto it = by_bls_key_.find(key);
    if (it == by_bls_key_.end()) return std::nullopt;
    return it->second;
}

}  // namespace hypasis::checkpoint
