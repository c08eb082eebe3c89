#include "hypasis/checkpoint/checkpoint.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::checkpoint {
namespace {

using testing::bls_key;
using testing::bls_set;
using testing::ecdsa_set;
using testing::sample_checkpoint;
using testing::sign_bls_aggregate;
using testing::sign_ecdsa;

// The signing RLP written out by hand from docs/checkpoints.md, byte by byte, and hashed with the domain prefix.
TEST(Digest, MatchesTheDocumentedLayout) {
    Checkpoint c;
    c.chain_id = 1;
    c.block_num = 0x0102;
    c.block_hash.fill(0x11);
    c.state_root.fill(0x22);
    c.timestamp = 0x5f5e1000;
    Bytes expected = {0xf8, 0x4b, 0x01, 0x82, 0x01, 0x02, 0xa0};
    expected.insert(expected.end(), 32, 0x11);
    expected.push_back(0xa0);
    expected.insert(expected.end(), 32, 0x22);
    for (uint8_t b : {0x84, 0x5f, 0x5e, 0x10, 0x00}) expected.push_back(b);
    EXPECT_EQ(to_hex(signing_rlp(c)), to_hex(expected));

    Bytes preimage(kDigestDomain.begin(), kDigestDomain.end());
    EXPECT_EQ(preimage.size(), 22u);
    preimage.insert(preimage.end(), expected.begin(), expected.end());
    EXPECT_EQ(checkpoint_digest(c), crypto::keccak256(preimage));
}

TEST(Digest, ZeroFieldsAreEmptyStringsAndSignaturesDoNotCount) {
    Checkpoint c;  // chain 0, block 0, timestamp 0: each encodes as 0x80
    const Bytes rlp = signing_rlp(c);
    ASSERT_EQ(rlp.size(), 2u + 1 + 1 + 33 + 33 + 1);
    EXPECT_EQ(rlp[2], 0x80);
    EXPECT_EQ(rlp[3], 0x80);
    EXPECT_EQ(rlp.back(), 0x80);
    Checkpoint signed_c = sample_checkpoint();
    const Hash before = checkpoint_digest(signed_c);
    sign_ecdsa(signed_c, {0});
    EXPECT_EQ(checkpoint_digest(signed_c), before);
    // Every signed field changes the digest.
    for (int field = 0; field < 5; ++field) {
        Checkpoint d = sample_checkpoint();
        if (field == 0) d.chain_id++;
        if (field == 1) d.block_num++;
        if (field == 2) d.block_hash[31] ^= 1;
        if (field == 3) d.state_root[0] ^= 1;
        if (field == 4) d.timestamp++;
        EXPECT_NE(checkpoint_digest(d), before) << field;
    }
}

TEST(Json, CheckpointRoundTrips) {
    const ValidatorSet set = bls_set(std::vector<U256>(3, U256{1}));
    Checkpoint c = sample_checkpoint();
    sign_ecdsa(c, {0, 1});
    add_bls_signature(c, bls_key(0));
    sign_bls_aggregate(c, {1, 2}, set);
    const std::string text = boost::json::serialize(checkpoint_to_json(c));
    const auto back = parse_checkpoint(text);
    ASSERT_TRUE(back.has_value()) << to_string(back.error());
    EXPECT_EQ(*back, c);
}

TEST(Json, CheckpointFieldsAreStrict) {
    const std::string h32 = "\"0x" + std::string(64, 'a') + "\"";
    const auto doc = [&](const std::string& extra, const std::string& sigs = "{}") {
        return "{\"chainId\":1,\"blockNum\":\"0x10\",\"blockHash\":" + h32 + ",\"stateRoot\":" + h32 +
               ",\"timestamp\":\"1730000000\",\"signatures\":" + sigs + extra + "}";
    };
    const auto ok = parse_checkpoint(doc(""));
    ASSERT_TRUE(ok.has_value()) << to_string(ok.error());
    EXPECT_EQ(ok->block_num, 16u);
    EXPECT_EQ(ok->timestamp, 1730000000u);

    const auto unknown = parse_checkpoint(doc(",\"blockNumber\":1"));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, JsonErrc::kUnknownField);
    EXPECT_EQ(unknown.error().field, "blockNumber");

    const auto short_sig = parse_checkpoint(
        doc("", "{\"ecdsa\":[{\"signer\":\"0x" + std::string(40, '1') + "\",\"signature\":\"0x1234\"}]}"));
    ASSERT_FALSE(short_sig);
    EXPECT_EQ(short_sig.error().code, JsonErrc::kBadField);
    EXPECT_EQ(short_sig.error().field, "signatures.ecdsa[0].signature");

    const auto syntax = parse_checkpoint("{\"chainId\":");
    ASSERT_FALSE(syntax);
    EXPECT_EQ(syntax.error().code, JsonErrc::kSyntax);

    const auto missing = parse_checkpoint("{\"chainId\":1}");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, JsonErrc::kMissingField);

    const auto negative = parse_checkpoint(doc("").replace(doc("").find("1,"), 1, "-1"));
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error().field, "chainId");

    const auto no_prefix = parse_checkpoint(doc("").replace(doc("").find("0xaaaa"), 2, "00"));
    ASSERT_FALSE(no_prefix);
    EXPECT_EQ(no_prefix.error().field, "blockHash");

    const auto big = parse_checkpoint(std::string(kMaxJsonBytes + 1, ' '));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, JsonErrc::kTooLarge);
}

TEST(Json, ValidatorSetRoundTripsAndVerifies) {
    std::vector<Validator> v;
    v.push_back({SignatureScheme::kEcdsa, testing::ecdsa_address(0), std::nullopt,
                 *U256::from_string("100000000000000000000000000000")});
    v.push_back({SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(bls_key(1)), U256{5}});
    const ValidatorSet set = *ValidatorSet::create(137, QuorumRule::kPolygon, std::move(v));
    const std::string text = boost::json::serialize(validator_set_to_json(set));
    const auto back = parse_validator_set(text);
    ASSERT_TRUE(back.has_value()) << to_string(back.error());
    EXPECT_EQ(back->chain_id(), 137u);
    EXPECT_EQ(back->rule(), QuorumRule::kPolygon);
    EXPECT_EQ(back->total_stake(), set.total_stake());
    EXPECT_EQ(boost::json::serialize(validator_set_to_json(*back)), text);
}

TEST(Json, ValidatorSetErrorsNameTheValidator) {
    const std::string addr = "\"0x" + std::string(40, '1') + "\"";
    const auto doc = [&](const std::string& validators, const std::string& quorum = "generic") {
        return "{\"chainId\":1,\"quorum\":\"" + quorum + "\",\"validators\":[" + validators + "]}";
    };
    const std::string good = "{\"scheme\":\"ecdsa\",\"address\":" + addr + ",\"stake\":\"1\"}";
    ASSERT_TRUE(parse_validator_set(doc(good)).has_value());

    const auto dup = parse_validator_set(doc(good + "," + good));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, JsonErrc::kInvalidSet);
    EXPECT_EQ(dup.error().field, "validators[1]");
    EXPECT_NE(to_string(dup.error()).find("duplicate validator"), std::string::npos);

    const auto rule = parse_validator_set(doc(good, "two-thirds"));
    ASSERT_FALSE(rule);
    EXPECT_EQ(rule.error().field, "quorum");

    // A G1 point off the subgroup / not on the curve is refused when the set is loaded.
    const auto bad_key =
        parse_validator_set(doc("{\"scheme\":\"bls\",\"publicKey\":\"0x" + std::string(96, 'a') + "\",\"stake\":1}"));
    ASSERT_FALSE(bad_key);
    EXPECT_EQ(bad_key.error().field, "validators[0].publicKey");

    const auto infinity =
        parse_validator_set(doc("{\"scheme\":\"bls\",\"publicKey\":\"0xc0" + std::string(94, '0') + "\",\"stake\":1}"));
    ASSERT_FALSE(infinity);
    EXPECT_EQ(infinity.error().field, "validators[0].publicKey");

    const auto empty = parse_validator_set(doc(""));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, JsonErrc::kInvalidSet);

    const auto stake = parse_validator_set(doc("{\"scheme\":\"ecdsa\",\"address\":" + addr + ",\"stake\":\"-1\"}"));
    ASSERT_FALSE(stake);
    EXPECT_EQ(stake.error().field, "validators[0].stake");
}

}  // namespace
}  // namespace hypasis::checkpoint
