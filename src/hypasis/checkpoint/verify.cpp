#include "hypasis/checkpoint/verify.hpp"

#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::checkpoint {
namespace {

// k·x as (carry word, low 256 bits), exact for small k: the comparisons below must not wrap.
std::pair<uint64_t, U256> times(const U256& x, unsigned k) noexcept {
    uint64_t carry = 0;
    U256 acc{};
    for (unsigned i = 0; i < k; ++i) {
        const auto [sum, c] = U256::add(acc, x);
        acc = sum;
        carry += c ? 1 : 0;
    }
    return {carry, acc};
}

bool greater(const std::pair<uint64_t, U256>& a, const std::pair<uint64_t, U256>& b) noexcept {
    if (a.first != b.first) return a.first > b.first;
    return a.second > b.second;
}

bool is_stake_rule(QuorumRule r) noexcept { return r == QuorumRule::kGeneric || r == QuorumRule::kPolygon; }

std::string_view rule_formula(QuorumRule r) noexcept {
    switch (r) {
        case QuorumRule::kGeneric:
            return "signed stake × 3 > total × 2";
        case QuorumRule::kEthSyncCommittee:
            return "participants × 3 ≥ committee size × 2";
        case QuorumRule::kPolygon:
            return "signed stake ≥ ⌊2/3 · total⌋ + 1";
        case QuorumRule::kBscCount:
            return "voters ≥ ⌈2/3 · validators⌉";
    }
    return "?";
}

VerifyError error(VerifyErrc code, std::string signature = {}, std::string signer = {}, std::string detail = {}) {
    VerifyError e;
    e.code = code;
    e.signature = std::move(signature);
    e.signer = std::move(signer);
    e.detail = std::move(detail);
    return e;
}

std::string indexed(const char* form, std::size_t i) { return std::string(form) + "[" + std::to_string(i) + "]"; }

// Marks validator `index` as a signer; false when it already was one.
bool take(std::vector<uint8_t>& seen, std::size_t index) {
    if (seen[index] != 0) return false;
    seen[index] = 1;
    return true;
}

}  // namespace

std::string_view to_string(VerifyErrc e) noexcept {
    switch (e) {
        case VerifyErrc::kWrongChain:
            return "wrong chain";
        case VerifyErrc::kNoSignatures:
            return "no signatures";
        case VerifyErrc::kUnknownSigner:
            return "unknown signer";
        case VerifyErrc::kSchemeMismatch:
            return "signature scheme mismatch";
        case VerifyErrc::kDuplicateSigner:
            return "duplicate signer";
        case VerifyErrc::kBadBitfield:
            return "bad signer bitfield";
        case VerifyErrc::kInsufficientStake:
            return "insufficient stake";
        case VerifyErrc::kInsufficientSigners:
            return "insufficient signers";
        case VerifyErrc::kMalformedSignature:
            return "malformed signature";
        case VerifyErrc::kHighS:
            return "high-s signature";
        case VerifyErrc::kBadSignature:
            return "bad signature";
    }
    return "unknown";
}

std::string_view code_name(VerifyErrc e) noexcept {
    switch (e) {
        case VerifyErrc::kWrongChain:
            return "wrong-chain";
        case VerifyErrc::kNoSignatures:
            return "no-signatures";
        case VerifyErrc::kUnknownSigner:
            return "unknown-signer";
        case VerifyErrc::kSchemeMismatch:
            return "scheme-mismatch";
        case VerifyErrc::kDuplicateSigner:
            return "duplicate-signer";
        case VerifyErrc::kBadBitfield:
            return "bad-bitfield";
        case VerifyErrc::kInsufficientStake:
            return "insufficient-stake";
        case VerifyErrc::kInsufficientSigners:
            return "insufficient-signers";
        case VerifyErrc::kMalformedSignature:
            return "malformed-signature";
        case VerifyErrc::kHighS:
            return "high-s";
        case VerifyErrc::kBadSignature:
            return "bad-signature";
    }
    return "unknown";
}

std::string to_string(const VerifyError& e) {
    std::string s(to_string(e.code));
    if (!e.signature.empty() || !e.signer.empty() || !e.detail.empty()) s += ":";
    if (!e.signature.empty()) s += " " + e.signature;
    if (!e.signer.empty()) s += " " + e.signer;
    if (!e.detail.empty()) s += (e.signature.empty() && e.signer.empty() ? " " : ", ") + e.detail;
    return s;
}

U256 quorum_threshold(QuorumRule rule, const U256& total) noexcept {
    // total = 3q + r. ⌊2·total/3⌋ = 2q + ⌊2r/3⌋ and ⌈2·total/3⌉ = 2q + ⌈2r/3⌉, both without forming 2·total.
    const auto [q, r] = U256::divmod(total, U256{3});
    const U256 two_q = q + q;  // q ≤ (2^256 - 1) / 3, so no wrap
    switch (rule) {
        case QuorumRule::kGeneric:
        case QuorumRule::kPolygon:
            // Least s with 3s > 2·total (generic) = least s with s ≥ ⌊2·total/3⌋ + 1 (polygon): they coincide.
            return two_q + U256{r == U256{2} ? 1u : 0u} + U256{1};
        case QuorumRule::kEthSyncCommittee:
        case QuorumRule::kBscCount:
            // Least p with 3p ≥ 2n = ⌈2n/3⌉ (both count rules coincide too).
            return two_q + (r.is_zero() ? U256{0} : U256{r == U256{1} ? 1u : 2u});
    }
    return U256{};
}

bool quorum_reached(QuorumRule rule, const U256& signed_stake, const U256& total_stake, uint64_t signers,
                    uint64_t validators) noexcept {
    switch (rule) {
        case QuorumRule::kGeneric:
            return greater(times(signed_stake, 3), times(total_stake, 2));
        case QuorumRule::kEthSyncCommittee:
            return U256{signers} * U256{3} >= U256{validators} * U256{2};  // 66-bit products: U256 cannot wrap
        case QuorumRule::kPolygon: {
            const auto [q, r] = U256::divmod(total_stake, U256{3});
            const U256 floor_two_thirds = q + q + U256{r == U256{2} ? 1u : 0u};
            return signed_stake > floor_two_thirds;  // ≥ ⌊2/3·total⌋ + 1
        }
        case QuorumRule::kBscCount:
            return U256{signers} >= (U256{validators} * U256{2} + U256{2}) / U256{3};  // ≥ ⌈2n/3⌉
    }
    return false;
}

Expected<VerifiedCheckpoint, VerifyError> verify(const Checkpoint& c, const ValidatorSet& set) {
    if (c.chain_id != set.chain_id()) {
        return unexpected(error(VerifyErrc::kWrongChain, {}, {},
                                "checkpoint is for chain " + std::to_string(c.chain_id) + ", the validator set for " +
                                    std::to_string(set.chain_id())));
    }
    if (c.ecdsa_signatures.empty() && c.bls_signatures.empty() && !c.bls_aggregate) {
        return unexpected(error(VerifyErrc::kNoSignatures));
    }

    // ---- 3. who signs: names, schemes, bitfield, duplicates ----
    std::vector<uint8_t> seen(set.size(), 0);
    U256 signed_stake{};
    std::size_t signers = 0;
    const auto count = [&](std::size_t index) {
        signed_stake += set.validators()[index].stake;  // partial sums of a set whose total fits: no wrap
        ++signers;
    };
    std::vector<std::size_t> ecdsa_index(c.ecdsa_signatures.size());
    for (std::size_t i = 0; i < c.ecdsa_signatures.size(); ++i) {
        const auto& s = c.ecdsa_signatures[i];
        const auto index = set.find_ecdsa(s.signer);
        if (!index) return unexpected(error(VerifyErrc::kUnknownSigner, indexed("ecdsa", i), to_hex(s.signer)));
        if (!take(seen, *index)) {
            return unexpected(error(VerifyErrc::kDuplicateSigner, indexed("ecdsa", i), to_hex(s.signer)));
        }
        ecdsa_index[i] = *index;
        count(*index);
    }
    std::vector<std::size_t> bls_index(c.bls_signatures.size());
    for (std::size_t i = 0; i < c.bls_signatures.size(); ++i) {
        const auto& s = c.bls_signatures[i];
        const auto index = set.find_bls(s.signer);
        if (!index) return unexpected(error(VerifyErrc::kUnknownSigner, indexed("bls", i), to_hex(s.signer)));
        if (!take(seen, *index)) {
            return unexpected(error(VerifyErrc::kDuplicateSigner, indexed("bls", i), to_hex(s.signer)));
        }
        bls_index[i] = *index;
        count(*index);
    }
    std::vector<const crypto::BlsPublicKey*> aggregate_keys;
    if (c.bls_aggregate) {
        const Bytes& bits = c.bls_aggregate->signers_bitfield;
        const std::size_t n = set.size();
        if (bits.size() != (n + 7) / 8) {
            return unexpected(error(VerifyErrc::kBadBitfield, "aggregate", {},
                                    std::to_string(bits.size()) + " bytes for " + std::to_string(n) +
                                        " validators, expected " + std::to_string((n + 7) / 8)));
        }
        if (n % 8 != 0 && (bits.back() >> (n % 8)) != 0) {
            return unexpected(error(VerifyErrc::kBadBitfield, "aggregate", {}, "bits set beyond the last validator"));
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (((bits[i / 8] >> (i % 8)) & 1) == 0) continue;
            const Validator& v = set.validators()[i];
            const std::string where = "aggregate bit " + std::to_string(i);
            if (v.scheme != SignatureScheme::kBls) {
                return unexpected(
                    error(VerifyErrc::kSchemeMismatch, where, to_hex(v.address), "the bit names an ECDSA validator"));
            }
            if (!take(seen, i)) {
                return unexpected(error(VerifyErrc::kDuplicateSigner, where, to_hex(v.bls_key->serialize())));
            }
            aggregate_keys.push_back(&*v.bls_key);
            count(i);
        }
        if (aggregate_keys.empty()) {
            return unexpected(error(VerifyErrc::kBadBitfield, "aggregate", {}, "no bit is set"));
        }
    }

    // ---- 4. quorum, before any signature work ----
    const QuorumRule rule = set.rule();
    if (!quorum_reached(rule, signed_stake, set.total_stake(), signers, set.size())) {
        VerifyError e;
        if (is_stake_rule(rule)) {
            e.code = VerifyErrc::kInsufficientStake;
            e.signed_amount = signed_stake;
            e.total = set.total_stake();
            e.detail = "signed " + signed_stake.to_string() + " of " + set.total_stake().to_string() + " staked";
        } else {
            e.code = VerifyErrc::kInsufficientSigners;
            e.signed_amount = U256{signers};
            e.total = U256{set.size()};
            e.detail = std::to_string(signers) + " of " + std::to_string(set.size()) + " validators signed";
        }
        e.required = quorum_threshold(rule, e.total);
        e.detail += ", needs at least " + e.required.to_string() + " (" + std::string(to_string(rule)) + ": " +
                    std::string(rule_formula(rule)) + ")";
        return unexpected(std::move(e));
    }

    // ---- 5. signatures over the digest ----
    const Hash digest = checkpoint_digest(c);
    for (std::size_t i = 0; i < c.ecdsa_signatures.size(); ++i) {
        const auto& s = c.ecdsa_signatures[i];
        crypto::RecoverableSignature sig;
        std::copy_n(s.signature.begin(), 64, sig.rs.begin());
        const uint8_t v = s.signature[64];
        if (v > 1 && v != 27 && v != 28) {
            return unexpected(error(VerifyErrc::kMalformedSignature, indexed("ecdsa", i), to_hex(s.signer),
                                    "v is " + std::to_string(v) + ", not 0, 1, 27 or 28"));
        }
        sig.recovery_id = static_cast<uint8_t>(v >= 27 ? v - 27 : v);
        const auto recovered = crypto::recover_address(digest, sig, true);
        if (!recovered) {
            const VerifyErrc code = recovered.error() == crypto::SecpError::kHighS ? VerifyErrc::kHighS
                                    : recovered.error() == crypto::SecpError::kRecoveryFailed
                                        ? VerifyErrc::kBadSignature
                                        : VerifyErrc::kMalformedSignature;
            return unexpected(
                error(code, indexed("ecdsa", i), to_hex(s.signer), std::string(crypto::to_string(recovered.error()))));
        }
        if (*recovered != s.signer) {
            return unexpected(error(VerifyErrc::kBadSignature, indexed("ecdsa", i), to_hex(s.signer),
                                    "it recovers to " + to_hex(*recovered)));
        }
    }

    if (!c.bls_signatures.empty()) {
        std::vector<crypto::BlsSignature> sigs;
        sigs.reserve(c.bls_signatures.size());
        for (std::size_t i = 0; i < c.bls_signatures.size(); ++i) {
            auto sig = crypto::BlsSignature::parse(c.bls_signatures[i].signature);
            if (!sig) {
                return unexpected(error(VerifyErrc::kMalformedSignature, indexed("bls", i),
                                        to_hex(c.bls_signatures[i].signer),
                                        std::string(crypto::to_string(sig.error()))));
            }
            sigs.push_back(*sig);
        }
        std::vector<crypto::BlsSignatureSet> batch;
        batch.reserve(sigs.size());
        for (std::size_t i = 0; i < sigs.size(); ++i) {
            batch.push_back({&*set.validators()[bls_index[i]].bls_key, digest, &sigs[i]});
        }
        if (!crypto::bls_batch_verify(batch)) {
            // Single out the culprit for the report.
            for (std::size_t i = 0; i < sigs.size(); ++i) {
                if (!crypto::bls_verify(*batch[i].public_key, digest, sigs[i])) {
                    return unexpected(
                        error(VerifyErrc::kBadSignature, indexed("bls", i), to_hex(c.bls_signatures[i].signer)));
                }
            }
            return unexpected(error(VerifyErrc::kBadSignature, "bls", {}, "the batch does not verify"));
        }
    }

    if (c.bls_aggregate) {
        auto sig = crypto::BlsSignature::parse(c.bls_aggregate->signature);
        if (!sig) {
            return unexpected(
                error(VerifyErrc::kMalformedSignature, "aggregate", {}, std::string(crypto::to_string(sig.error()))));
        }
        const auto ok = crypto::bls_fast_aggregate_verify(std::span<const crypto::BlsPublicKey* const>(aggregate_keys),
                                                          digest, *sig);
        if (!ok) {
            return unexpected(error(VerifyErrc::kBadSignature, "aggregate", {},
                                    "FastAggregateVerify over " + std::to_string(aggregate_keys.size()) +
                                        " keys: " + std::string(crypto::to_string(ok.error()))));
        }
    }

    VerifiedCheckpoint out;
    out.checkpoint = c;
    out.digest = digest;
    out.rule = rule;
    out.signed_stake = signed_stake;
    out.total_stake = set.total_stake();
    out.signers = signers;
    out.validators = set.size();
    return out;
}

}  // namespace hypasis::checkpoint
