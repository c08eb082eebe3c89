#include "hypasis/checkpoint/verify.hpp"

#include <blst.h>
#include <gtest/gtest.h>

#include <set>

#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::checkpoint {
namespace {

using testing::bls_key;
using testing::bls_set;
using testing::ecdsa_address;
using testing::ecdsa_key;
using testing::ecdsa_set;
using testing::first;
using testing::sample_checkpoint;
using testing::sign_bls_aggregate;
using testing::sign_ecdsa;

std::vector<U256> stakes(std::initializer_list<uint64_t> s) { return std::vector<U256>(s.begin(), s.end()); }

VerifyErrc code_of(const Expected<VerifiedCheckpoint, VerifyError>& r) {
    EXPECT_FALSE(r.has_value());
    return r ? VerifyErrc{} : r.error().code;
}

// ---- quorum boundaries, each rule at its own boundary ----

// Stakes 100, 100, 1, 99 (total 300): validators 0 and 1 hold exactly 2/3; adding validator 2 adds the smallest unit.
TEST(Quorum, GenericExactlyTwoThirdsFailsOneUnitMorePasses) {
    const ValidatorSet set = ecdsa_set(stakes({100, 100, 1, 99}), QuorumRule::kGeneric);
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1});
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kInsufficientStake);
    EXPECT_EQ(r.error().signed_amount, U256{200});
    EXPECT_EQ(r.error().total, U256{300});
    EXPECT_EQ(r.error().required, U256{201});
    EXPECT_NE(to_string(r.error()).find("signed 200 of 300"), std::string::npos) << to_string(r.error());

    sign_ecdsa(c, {2});
    const auto ok = verify(c, set);
    ASSERT_TRUE(ok.has_value()) << to_string(ok.error());
    EXPECT_EQ(ok->signed_stake, U256{201});
    EXPECT_EQ(ok->total_stake, U256{300});
    EXPECT_EQ(ok->signers, 3u);
}

TEST(Quorum, PolygonExactlyTwoThirdsFailsOneUnitMorePasses) {
    const ValidatorSet set = ecdsa_set(stakes({100, 100, 1, 99}), QuorumRule::kPolygon);
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1});
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kInsufficientStake);
    EXPECT_EQ(r.error().required, U256{201});  // ⌊2/3 · 300⌋ + 1
    sign_ecdsa(c, {2});
    EXPECT_TRUE(verify(c, set).has_value());
}

// Total 301: ⌊602/3⌋ + 1 = 201 for Polygon; 3s > 602 needs s = 201 for generic.
TEST(Quorum, StakeRulesWhenTotalIsNotAMultipleOfThree) {
    for (QuorumRule rule : {QuorumRule::kGeneric, QuorumRule::kPolygon}) {
        const ValidatorSet set = ecdsa_set(stakes({100, 100, 1, 100}), rule);
        Checkpoint c = sample_checkpoint();
        sign_ecdsa(c, {0, 1});
        EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kInsufficientStake) << to_string(rule);
        sign_ecdsa(c, {2});
        EXPECT_TRUE(verify(c, set).has_value()) << to_string(rule);
    }
}

// Exactly the thresholds on the figures, including totals whose doubles and triples overflow 256 bits.
TEST(Quorum, ExactFor256BitStakes) {
    const U256 max = *U256::from_string("0x" + std::string(64, 'f'));
    const U256 two_thirds = *U256::from_string("0x" + std::string(64, 'a'));  // (2^256 - 1) · 2/3, exact
    const U256 one_more = two_thirds + U256{1};
    for (QuorumRule rule : {QuorumRule::kGeneric, QuorumRule::kPolygon}) {
        EXPECT_FALSE(quorum_reached(rule, two_thirds, max, 0, 0)) << to_string(rule);
        EXPECT_TRUE(quorum_reached(rule, one_more, max, 0, 0)) << to_string(rule);
        EXPECT_EQ(quorum_threshold(rule, max), one_more);
        EXPECT_TRUE(quorum_reached(rule, max, max, 0, 0));
    }
    // 2^255 as the total: 2/3 of it is not an integer; ⌊2^256 / 3⌋ = 0x5555...55 (63 fives and a 5), + 1.
    const U256 half = U256{1} << 255;
    const U256 floor_two_thirds = *U256::from_string("0x" + std::string(64, '5'));
    EXPECT_FALSE(quorum_reached(QuorumRule::kGeneric, floor_two_thirds, half, 0, 0));
    EXPECT_TRUE(quorum_reached(QuorumRule::kGeneric, floor_two_thirds + U256{1}, half, 0, 0));
    EXPECT_FALSE(quorum_reached(QuorumRule::kPolygon, floor_two_thirds, half, 0, 0));
    EXPECT_TRUE(quorum_reached(QuorumRule::kPolygon, floor_two_thirds + U256{1}, half, 0, 0));
}

TEST(Quorum, StakeTotalOverflowIsRefusedWhenTheSetIsBuilt) {
    std::vector<Validator> v;
    for (uint32_t i = 0; i < 2; ++i) {
        v.push_back({SignatureScheme::kEcdsa, ecdsa_address(i), std::nullopt, U256{1} << 255});
    }
    const auto set = ValidatorSet::create(1, QuorumRule::kGeneric, v);
    ASSERT_FALSE(set.has_value());
    EXPECT_EQ(set.error().code, ValidatorSetErrc::kStakeOverflow);
    EXPECT_EQ(set.error().index, 1u);
}

// Consensus specs: participants × 3 ≥ 512 × 2, so 342 of 512 pass and 341 fail (BLS aggregate, as on mainnet).
TEST(Quorum, EthSyncCommittee512) {
    std::vector<U256> equal(512, U256{1});
    const ValidatorSet set = bls_set(equal, QuorumRule::kEthSyncCommittee);
    Checkpoint c = sample_checkpoint();
    sign_bls_aggregate(c, first(341), set);
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kInsufficientSigners);
    EXPECT_EQ(r.error().signed_amount, U256{341});
    EXPECT_EQ(r.error().required, U256{342});
    Checkpoint c2 = sample_checkpoint();
    sign_bls_aggregate(c2, first(342), set);
    const auto ok = verify(c2, set);
    ASSERT_TRUE(ok.has_value()) << to_string(ok.error());
    EXPECT_EQ(ok->signers, 342u);
}

// With a committee divisible by three, exactly 2/3 passes (≥), one fewer fails; stake plays no part.
TEST(Quorum, EthSyncCommitteeExactlyTwoThirdsPassesByCount) {
    const ValidatorSet set = ecdsa_set(stakes({0, 0, 1'000'000, 1, 1, 1}), QuorumRule::kEthSyncCommittee);
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1, 3});
    EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kInsufficientSigners);
    sign_ecdsa(c, {4});
    EXPECT_TRUE(verify(c, set).has_value());
}

// Parlia: voters ≥ ⌈2/3 · n⌉: 21 validators need 14, 22 need 15; stake does not count.
TEST(Quorum, BscByCount) {
    std::vector<U256> s21(21, U256{1});
    s21[20] = U256{1'000'000'000};  // a whale that does not vote
    const ValidatorSet set21 = ecdsa_set(s21, QuorumRule::kBscCount);
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, first(13));
    const auto r = verify(c, set21);
    ASSERT_EQ(code_of(r), VerifyErrc::kInsufficientSigners);
    EXPECT_EQ(r.error().required, U256{14});
    sign_ecdsa(c, {13});
    EXPECT_TRUE(verify(c, set21).has_value());

    const ValidatorSet set22 = ecdsa_set(std::vector<U256>(22, U256{1}), QuorumRule::kBscCount);
    Checkpoint d = sample_checkpoint();
    sign_ecdsa(d, first(14));
    EXPECT_EQ(code_of(verify(d, set22)), VerifyErrc::kInsufficientSigners);
    sign_ecdsa(d, {14});
    EXPECT_TRUE(verify(d, set22).has_value());
}

TEST(Quorum, ZeroStakeValidatorsAddNothing) {
    const ValidatorSet set = ecdsa_set(stakes({0, 0, 0, 100, 50}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1, 2, 4});  // 4 of 5 signers, 50 of 150 stake
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kInsufficientStake);
    EXPECT_EQ(r.error().signed_amount, U256{50});
    sign_ecdsa(c, {3});
    EXPECT_TRUE(verify(c, set).has_value());

    // A set where nobody has stake can never reach quorum under a stake rule.
    const ValidatorSet nothing = ecdsa_set(stakes({0, 0}));
    Checkpoint d = sample_checkpoint();
    sign_ecdsa(d, {0, 1});
    const auto none = verify(d, nothing);
    ASSERT_EQ(code_of(none), VerifyErrc::kInsufficientStake);
    EXPECT_EQ(none.error().required, U256{1});
}

TEST(Quorum, SingleValidatorHoldingEverything) {
    const ValidatorSet set = ecdsa_set(stakes({1000, 0, 0, 0}));
    Checkpoint alone = sample_checkpoint();
    sign_ecdsa(alone, {0});
    EXPECT_TRUE(verify(alone, set).has_value());
    Checkpoint others = sample_checkpoint();
    sign_ecdsa(others, {1, 2, 3});
    EXPECT_EQ(code_of(verify(others, set)), VerifyErrc::kInsufficientStake);
}

TEST(Quorum, ThousandValidators) {
    const ValidatorSet set = ecdsa_set(std::vector<U256>(1000, U256{32}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, first(666));  // 666 × 3 = 1998 < 2000
    EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kInsufficientStake);
    sign_ecdsa(c, {666});  // 667 × 3 = 2001 > 2000
    const auto ok = verify(c, set);
    ASSERT_TRUE(ok.has_value()) << to_string(ok.error());
    EXPECT_EQ(ok->signed_stake, U256{667 * 32});
    EXPECT_EQ(ok->validators, 1000u);
}

// ---- attacks ----

TEST(Attack, DuplicateEcdsaSignature) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1});
    c.ecdsa_signatures.push_back(c.ecdsa_signatures[0]);
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kDuplicateSigner);
    EXPECT_EQ(r.error().signature, "ecdsa[2]");
    EXPECT_EQ(r.error().signer, to_hex(ecdsa_address(0)));
}

TEST(Attack, DuplicateBlsSignerAcrossForms) {
    const ValidatorSet set = bls_set(std::vector<U256>(3, U256{1}));
    Checkpoint c = sample_checkpoint();
    sign_bls_aggregate(c, {0, 1}, set);
    add_bls_signature(c, bls_key(1));
    EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kDuplicateSigner);
    Checkpoint d = sample_checkpoint();
    add_bls_signature(d, bls_key(2));
    add_bls_signature(d, bls_key(2));
    EXPECT_EQ(code_of(verify(d, set)), VerifyErrc::kDuplicateSigner);
}

TEST(Attack, SignatureByKeyOutsideTheSet) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1, 99});  // validator 99 is not in the set; its signature itself is valid
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kUnknownSigner);
    EXPECT_EQ(r.error().signer, to_hex(ecdsa_address(99)));

    // The outsider claims to be validator 2: the signature recovers to the outsider.
    Checkpoint d = sample_checkpoint();
    sign_ecdsa(d, {0, 1, 99});
    d.ecdsa_signatures[2].signer = ecdsa_address(2);
    const auto bad = verify(d, set);
    ASSERT_EQ(code_of(bad), VerifyErrc::kBadSignature);
    EXPECT_EQ(bad.error().signature, "ecdsa[2]");

    const ValidatorSet bset = bls_set(std::vector<U256>(3, U256{1}));
    Checkpoint b = sample_checkpoint();
    add_bls_signature(b, bls_key(0));
    add_bls_signature(b, bls_key(1));
    add_bls_signature(b, bls_key(7));
    EXPECT_EQ(code_of(verify(b, bset)), VerifyErrc::kUnknownSigner);
}

TEST(Attack, SignatureOverADifferentDigest) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}));
    Checkpoint other = sample_checkpoint(1, 21'000'001);
    sign_ecdsa(other, {2});
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1});
    c.ecdsa_signatures.push_back(other.ecdsa_signatures[0]);
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kBadSignature);
    EXPECT_EQ(r.error().signature, "ecdsa[2]");

    const ValidatorSet bset = bls_set(std::vector<U256>(3, U256{1}));
    Checkpoint b_other = sample_checkpoint(1, 21'000'001);
    add_bls_signature(b_other, bls_key(1));
    Checkpoint b = sample_checkpoint();
    add_bls_signature(b, bls_key(0));
    b.bls_signatures.push_back(b_other.bls_signatures[0]);
    add_bls_signature(b, bls_key(2));
    const auto rb = verify(b, bset);
    ASSERT_EQ(code_of(rb), VerifyErrc::kBadSignature);
    EXPECT_EQ(rb.error().signature, "bls[1]");
}

TEST(Attack, OtherChainId) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}), QuorumRule::kGeneric, 1);
    // A checkpoint of chain 5, validly signed by the same keys: refused by chain id.
    Checkpoint c5 = sample_checkpoint(5);
    sign_ecdsa(c5, {0, 1, 2});
    EXPECT_EQ(code_of(verify(c5, set)), VerifyErrc::kWrongChain);
    // Its signatures replayed on the same block under chain 1: the digest binds the chain id.
    Checkpoint c1 = sample_checkpoint(1);
    c1.ecdsa_signatures = c5.ecdsa_signatures;
    EXPECT_EQ(code_of(verify(c1, set)), VerifyErrc::kBadSignature);
}

// s' = n - s and the flipped recovery id give a second valid signature of the same key (EIP-2 forbids it).
TEST(Attack, HighSEcdsaIsRefused) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1, 2});
    ASSERT_TRUE(verify(c, set).has_value());
    const U256 n = *U256::from_string("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    FixedBytes<65>& sig = c.ecdsa_signatures[1].signature;
    const U256 s = *U256::from_be(ByteView(sig).subspan(32, 32));
    const auto high = (n - s).to_be32();
    std::copy(high.begin(), high.end(), sig.begin() + 32);
    sig[64] = static_cast<uint8_t>(sig[64] == 27 ? 28 : 27);
    const auto r = verify(c, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kHighS);
    EXPECT_EQ(r.error().signature, "ecdsa[1]");
}

TEST(Attack, MalformedEcdsaSignatures) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1, 2});
    Checkpoint bad_v = c;
    bad_v.ecdsa_signatures[0].signature[64] = 5;
    EXPECT_EQ(code_of(verify(bad_v, set)), VerifyErrc::kMalformedSignature);
    Checkpoint zero_r = c;
    std::fill_n(zero_r.ecdsa_signatures[0].signature.begin(), 32, 0);
    EXPECT_EQ(code_of(verify(zero_r, set)), VerifyErrc::kMalformedSignature);
}

TEST(Attack, BlsAggregateWithWrongBitfield) {
    const ValidatorSet set = bls_set(std::vector<U256>(10, U256{1}));
    Checkpoint c = sample_checkpoint();
    sign_bls_aggregate(c, first(7), set);
    ASSERT_TRUE(verify(c, set).has_value());

    Checkpoint swapped = c;  // claims validator 9 instead of validator 6
    swapped.bls_aggregate->signers_bitfield[0] =
        static_cast<uint8_t>(swapped.bls_aggregate->signers_bitfield[0] & ~0x40);
    swapped.bls_aggregate->signers_bitfield[1] =
        static_cast<uint8_t>(swapped.bls_aggregate->signers_bitfield[1] | 0x02);
    const auto r = verify(swapped, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kBadSignature);
    EXPECT_EQ(r.error().signature, "aggregate");

    Checkpoint extra = c;  // one bit more than signed: the pairing fails too
    extra.bls_aggregate->signers_bitfield[0] = static_cast<uint8_t>(extra.bls_aggregate->signers_bitfield[0] | 0x80);
    EXPECT_EQ(code_of(verify(extra, set)), VerifyErrc::kBadSignature);

    Checkpoint long_field = c;
    long_field.bls_aggregate->signers_bitfield.push_back(0);
    EXPECT_EQ(code_of(verify(long_field, set)), VerifyErrc::kBadBitfield);

    Checkpoint stray = c;  // bit 10 of a 10-validator set
    stray.bls_aggregate->signers_bitfield[1] = static_cast<uint8_t>(stray.bls_aggregate->signers_bitfield[1] | 0x04);
    EXPECT_EQ(code_of(verify(stray, set)), VerifyErrc::kBadBitfield);

    Checkpoint empty = c;
    std::fill(empty.bls_aggregate->signers_bitfield.begin(), empty.bls_aggregate->signers_bitfield.end(), 0);
    EXPECT_EQ(code_of(verify(empty, set)), VerifyErrc::kBadBitfield);

    Checkpoint garbage = c;
    garbage.bls_aggregate->signature.fill(0x11);
    EXPECT_EQ(code_of(verify(garbage, set)), VerifyErrc::kMalformedSignature);
}

TEST(Attack, AggregateBitOnAnEcdsaValidator) {
    std::vector<Validator> v;
    v.push_back({SignatureScheme::kEcdsa, ecdsa_address(0), std::nullopt, U256{1}});
    for (uint32_t i = 1; i < 4; ++i)
        v.push_back({SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(bls_key(i)), U256{1}});
    const ValidatorSet set = *ValidatorSet::create(1, QuorumRule::kGeneric, std::move(v));
    Checkpoint c = sample_checkpoint();
    sign_bls_aggregate(c, {1, 2, 3}, set);
    ASSERT_TRUE(verify(c, set).has_value());
    c.bls_aggregate->signers_bitfield[0] |= 0x01;
    EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kSchemeMismatch);
}

// The rogue-key attack: an attacker who could add pk_r = a·G1 - Σ pk_honest to an aggregate would forge the
// honest validators' agreement with a·H(m) alone. Our aggregate can name only keys of the set (proof of
// possession assumed when they were admitted), so the forgery is refused in both signature forms.
TEST(Attack, RogueKeyAggregateIsRefused) {
    const ValidatorSet set = bls_set(std::vector<U256>(3, U256{1}));
    Checkpoint c = sample_checkpoint();
    const Hash digest = checkpoint_digest(c);

    // a = 7 (any scalar the attacker knows).
    FixedBytes<32> a_bytes{};
    a_bytes[31] = 7;
    const crypto::BlsSecretKey a = *crypto::BlsSecretKey::from_bytes(a_bytes);
    blst_scalar a_scalar;
    blst_scalar_from_bendian(&a_scalar, a_bytes.data());
    blst_p1 rogue;
    blst_sk_to_pk_in_g1(&rogue, &a_scalar);
    blst_p1 honest_sum;
    for (uint32_t i = 0; i < 3; ++i) {
        const auto compressed = crypto::bls_sk_to_pk(bls_key(i)).serialize();
        blst_p1_affine p;
        ASSERT_EQ(blst_p1_uncompress(&p, compressed.data()), BLST_SUCCESS);
        if (i == 0) {
            blst_p1_from_affine(&honest_sum, &p);
        } else {
            blst_p1_add_or_double_affine(&honest_sum, &honest_sum, &p);
        }
    }
    blst_p1_cneg(&honest_sum, true);
    blst_p1_add_or_double(&rogue, &rogue, &honest_sum);
    FixedBytes<48> rogue_bytes{};
    blst_p1_compress(rogue_bytes.data(), &rogue);
    const crypto::BlsPublicKey rogue_key = *crypto::BlsPublicKey::parse(rogue_bytes);
    const crypto::BlsSignature forged = crypto::bls_sign(a, digest);

    // The attack is real against a verifier that accepts any key list: FastAggregateVerify passes.
    std::vector<crypto::BlsPublicKey> with_rogue;
    for (uint32_t i = 0; i < 3; ++i) with_rogue.push_back(crypto::bls_sk_to_pk(bls_key(i)));
    with_rogue.push_back(rogue_key);
    ASSERT_TRUE(crypto::bls_fast_aggregate_verify(with_rogue, digest, forged).has_value());

    // Form 1: the rogue key named as a signer is not in the set.
    Checkpoint named = c;
    named.bls_signatures.push_back({rogue_bytes, forged.serialize()});
    named.bls_signatures.push_back({crypto::bls_sk_to_pk(bls_key(0)).serialize(), forged.serialize()});
    EXPECT_EQ(code_of(verify(named, set)), VerifyErrc::kUnknownSigner);

    // Form 2: the forged signature as the aggregate of all honest validators: the bitfield cannot name the rogue
    // key, and without it the pairing fails.
    Checkpoint aggregated = c;
    aggregated.bls_aggregate = BlsAggregateSignature{Bytes{0x07}, forged.serialize()};
    const auto r = verify(aggregated, set);
    ASSERT_EQ(code_of(r), VerifyErrc::kBadSignature);
    EXPECT_EQ(r.error().signature, "aggregate");
}

// ---- other refusals and precedence ----

TEST(Verify, NoSignatures) {
    const ValidatorSet set = ecdsa_set(stakes({1}));
    EXPECT_EQ(code_of(verify(sample_checkpoint(), set)), VerifyErrc::kNoSignatures);
}

// A checkpoint that cannot reach quorum is refused for that before any signature is checked.
TEST(Verify, QuorumIsCheckedBeforeSignatures) {
    const ValidatorSet set = ecdsa_set(stakes({1, 1, 1}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0});
    c.ecdsa_signatures[0].signature[10] ^= 1;
    EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kInsufficientStake);
}

TEST(Verify, MixedSchemesCountTogether) {
    std::vector<Validator> v;
    v.push_back({SignatureScheme::kEcdsa, ecdsa_address(0), std::nullopt, U256{10}});
    v.push_back({SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(bls_key(1)), U256{10}});
    v.push_back({SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(bls_key(2)), U256{10}});
    const ValidatorSet set = *ValidatorSet::create(1, QuorumRule::kGeneric, std::move(v));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0});
    add_bls_signature(c, bls_key(1));
    EXPECT_EQ(code_of(verify(c, set)), VerifyErrc::kInsufficientStake);
    sign_bls_aggregate(c, {2}, set);
    const auto ok = verify(c, set);
    ASSERT_TRUE(ok.has_value()) << to_string(ok.error());
    EXPECT_EQ(ok->signed_stake, U256{30});
}

TEST(Verify, EveryErrorHasADistinctName) {
    std::set<std::string_view> names, codes;
    for (int e = 1; e <= static_cast<int>(VerifyErrc::kBadSignature); ++e) {
        names.insert(to_string(static_cast<VerifyErrc>(e)));
        codes.insert(code_name(static_cast<VerifyErrc>(e)));
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(VerifyErrc::kBadSignature));
    EXPECT_EQ(codes.size(), static_cast<std::size_t>(VerifyErrc::kBadSignature));
    EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace hypasis::checkpoint
