// SSZ merkleization and the light-client containers' codec. The real-data round trips (portal-spec-tests,
// helios, consensus-spec minimal) are in beacon/, which knows the fork digests.
#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/sha256.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/core/ssz/merkle.hpp"

namespace hypasis::ssz {
namespace {

using crypto::sha256_pair;

Hash h(uint8_t b) {
    Hash x{};
    x.fill(b);
    return x;
}

TEST(Merkle, ZeroHashesAreHashesOfZeroSubtrees) {
    // zero_hash(1) = sha256(64 zero bytes), a constant every SSZ implementation lists.
    EXPECT_EQ(to_hex(zero_hash(1)), "0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
    EXPECT_EQ(zero_hash(0), Hash{});
    EXPECT_EQ(zero_hash(5), sha256_pair(zero_hash(4), zero_hash(4)));
}

TEST(Merkle, MerkleizePadsToTheLimit) {
    const std::array<Hash, 3> chunks{h(1), h(2), h(3)};
    const Hash four = sha256_pair(sha256_pair(h(1), h(2)), sha256_pair(h(3), Hash{}));
    EXPECT_EQ(merkleize(chunks), four);
    // A limit of 8 adds a zero subtree of depth 2 on the right.
    EXPECT_EQ(merkleize(chunks, 8), sha256_pair(four, zero_hash(2)));
    EXPECT_EQ(merkleize(std::span<const Hash>(chunks.data(), 1)), h(1));
    EXPECT_EQ(merkleize(std::span<const Hash>{}, 16), zero_hash(4));
    // More chunks than the stack scratch (64) takes the heap path.
    std::vector<Hash> many(100, h(7));
    std::vector<Hash> level(many);
    level.resize(128, Hash{});
    while (level.size() > 1) {
        std::vector<Hash> up;
        for (std::size_t i = 0; i < level.size(); i += 2) up.push_back(sha256_pair(level[i], level[i + 1]));
        level = up;
    }
    EXPECT_EQ(merkleize(many), level[0]);
}

TEST(Merkle, ByteVectorsAndLists) {
    FixedBytes<48> key{};
    key.fill(0xab);
    Hash lo{}, hi{};
    std::fill(lo.begin(), lo.end(), 0xab);
    std::fill(hi.begin(), hi.begin() + 16, 0xab);
    EXPECT_EQ(byte_vector_root(key), sha256_pair(lo, hi));
    // ByteList[32] "0x0102": one chunk, limit one chunk, mixed with length 2.
    const Bytes extra{1, 2};
    Hash chunk{};
    chunk[0] = 1;
    chunk[1] = 2;
    Hash len{};
    len[0] = 2;
    EXPECT_EQ(byte_list_root(extra, 32), sha256_pair(chunk, len));
    EXPECT_EQ(byte_list_root({}, 32), sha256_pair(Hash{}, Hash{}));
}

TEST(Merkle, BranchVerification) {
    // A depth-3 tree of 8 leaves; prove leaf 5.
    std::array<Hash, 8> leaves{};
    for (uint8_t i = 0; i < 8; ++i) leaves[i] = h(static_cast<uint8_t>(i + 1));
    const Hash root = merkleize(leaves);
    const Hash n45 = sha256_pair(leaves[4], leaves[5]);
    const Hash n67 = sha256_pair(leaves[6], leaves[7]);
    const Hash n03 = sha256_pair(sha256_pair(leaves[0], leaves[1]), sha256_pair(leaves[2], leaves[3]));
    (void)n45;
    const std::array<Hash, 3> branch{leaves[4], n67, n03};
    EXPECT_TRUE(is_valid_merkle_branch(leaves[5], branch, 3, 5, root));
    EXPECT_FALSE(is_valid_merkle_branch(leaves[5], branch, 3, 4, root));
    EXPECT_FALSE(is_valid_merkle_branch(leaves[4], branch, 3, 5, root));
    EXPECT_FALSE(is_valid_merkle_branch(leaves[5], std::span<const Hash>(branch.data(), 2), 3, 5, root));
    EXPECT_FALSE(is_valid_merkle_branch(leaves[5], branch, 3, 13, root));  // index beyond the depth
    // gindex of leaf 5 at depth 3 is 8 + 5 = 13; a normalized branch may carry leading zeros.
    EXPECT_TRUE(is_valid_normalized_merkle_branch(leaves[5], branch, 13, root));
    const std::array<Hash, 4> padded{Hash{}, leaves[4], n67, n03};
    EXPECT_TRUE(is_valid_normalized_merkle_branch(leaves[5], padded, 13, root));
    const std::array<Hash, 4> dirty{h(9), leaves[4], n67, n03};
    EXPECT_FALSE(is_valid_normalized_merkle_branch(leaves[5], dirty, 13, root));
    EXPECT_FALSE(is_valid_normalized_merkle_branch(leaves[5], branch, 0, root));
    EXPECT_EQ(gindex_depth(105), 6u);
    EXPECT_EQ(gindex_depth(169), 7u);
}

LightClientHeader sample_header(Fork form, uint8_t seed) {
    LightClientHeader hd = empty_header(form);
    hd.beacon.slot = 1000 + seed;
    hd.beacon.proposer_index = 7;
    hd.beacon.parent_root = h(seed);
    hd.beacon.state_root = h(static_cast<uint8_t>(seed + 1));
    hd.beacon.body_root = h(static_cast<uint8_t>(seed + 2));
    if (has_execution(form)) {
        hd.execution.block_number = 17'000'000 + seed;
        hd.execution.extra_data = {0xde, 0xad, seed};
        hd.execution.logs_bloom.fill(seed);
        hd.execution.base_fee_per_gas_le[0] = 9;
        if (form >= Fork::kDeneb) hd.execution.blob_gas_used = 131072;
        for (auto& b : hd.execution_branch) b = h(seed);
    }
    return hd;
}

LightClientUpdate sample_update(Fork form, std::size_t committee) {
    LightClientUpdate u;
    u.fork = form;
    u.attested_header = sample_header(form, 3);
    u.next_sync_committee = empty_sync_committee(committee);
    u.next_sync_committee.pubkeys[1].fill(0x11);
    u.next_sync_committee_branch.assign(sync_committee_branch_length(form), h(4));
    u.finalized_header = sample_header(form, 5);
    u.finality_branch.assign(finality_branch_length(form), h(6));
    u.sync_aggregate.bits.assign(committee / 8, 0xf0);
    u.sync_aggregate.signature.fill(0x22);
    u.signature_slot = 1234;
    return u;
}

TEST(LightClientSsz, RoundTripsEveryForm) {
    for (Fork form : {Fork::kAltair, Fork::kBellatrix, Fork::kCapella, Fork::kDeneb, Fork::kElectra, Fork::kFulu}) {
        SCOPED_TRACE(std::string(to_string(form)));
        const LightClientUpdate u = sample_update(form, 32);
        const Bytes enc = encode(u);
        auto back = decode_update(enc, form, 32);
        ASSERT_TRUE(back.has_value()) << to_string(back.error());
        EXPECT_EQ(*back, u);
        EXPECT_EQ(hash_tree_root(*back), hash_tree_root(u));

        LightClientBootstrap b{form, u.attested_header, u.next_sync_committee, u.next_sync_committee_branch};
        auto b2 = decode_bootstrap(encode(b), form, 32);
        ASSERT_TRUE(b2.has_value());
        EXPECT_EQ(*b2, b);

        LightClientFinalityUpdate f{form, u.attested_header, u.finalized_header, u.finality_branch, u.sync_aggregate,
                                    u.signature_slot};
        auto f2 = decode_finality_update(encode(f), form, 32);
        ASSERT_TRUE(f2.has_value());
        EXPECT_EQ(*f2, f);

        LightClientOptimisticUpdate o{form, u.attested_header, u.sync_aggregate, u.signature_slot};
        auto o2 = decode_optimistic_update(encode(o), form, 32);
        ASSERT_TRUE(o2.has_value());
        EXPECT_EQ(*o2, o);
    }
}

TEST(LightClientSsz, FormChangesLayoutAndRoot) {
    const LightClientHeader capella = sample_header(Fork::kCapella, 1);
    LightClientHeader deneb = capella;
    deneb.fork = Fork::kDeneb;
    EXPECT_EQ(encode(deneb).size(), encode(capella).size() + 16);
    EXPECT_NE(hash_tree_root(deneb), hash_tree_root(capella));
    // An altair header's root is its beacon header's root (a one-field container).
    const LightClientHeader altair = sample_header(Fork::kAltair, 1);
    EXPECT_EQ(hash_tree_root(altair), hash_tree_root(altair.beacon));
    EXPECT_EQ(encode(altair).size(), 112u);
}

TEST(LightClientSsz, RejectsMalformedInput) {
    const LightClientUpdate u = sample_update(Fork::kDeneb, 32);
    const Bytes enc = encode(u);
    // The last field is variable: one byte less is a shorter extra_data (valid, but a different update), four
    // bytes less cut into the payload header's fixed part.
    auto shorter = decode_update(ByteView(enc).first(enc.size() - 1), Fork::kDeneb, 32);
    ASSERT_TRUE(shorter.has_value());
    EXPECT_NE(*shorter, u);
    EXPECT_EQ(decode_update(ByteView(enc).first(enc.size() - 4), Fork::kDeneb, 32).error(), SszError::kInputTooShort);
    EXPECT_EQ(decode_update(ByteView(enc).first(10), Fork::kDeneb, 32).error(), SszError::kInputTooShort);
    Bytes bad = enc;
    bad[0] ^= 1;  // the first offset no longer points at the end of the fixed part
    EXPECT_EQ(decode_update(bad, Fork::kDeneb, 32).error(), SszError::kBadOffset);
    // The same bytes as the wrong form or committee size do not decode.
    EXPECT_FALSE(decode_update(enc, Fork::kCapella, 32).has_value());
    EXPECT_FALSE(decode_update(enc, Fork::kDeneb, 64).has_value());
    EXPECT_EQ(decode_update(enc, Fork::kDeneb, 12).error(), SszError::kBadCommitteeSize);
    EXPECT_EQ(decode_update(enc, Fork::kPhase0, 32).error(), SszError::kUnsupportedFork);

    const Bytes header = encode(u.attested_header.beacon);
    Bytes longer = header;
    longer.push_back(0);
    EXPECT_EQ(decode_beacon_block_header(longer).error(), SszError::kInputTooLong);

    LightClientHeader hd = sample_header(Fork::kCapella, 1);
    hd.execution.extra_data.assign(33, 1);
    EXPECT_EQ(decode_light_client_header(encode(hd), Fork::kCapella).error(), SszError::kExtraDataTooLong);
}

TEST(LightClientSsz, ForkNames) {
    EXPECT_EQ(fork_from_string("electra"), Fork::kElectra);
    EXPECT_EQ(to_string(Fork::kFulu), "fulu");
    EXPECT_FALSE(fork_from_string("Capella").has_value());
    EXPECT_EQ(sync_committee_branch_length(Fork::kElectra), 6u);
    EXPECT_EQ(finality_branch_length(Fork::kDeneb), 6u);
}

}  // namespace
}  // namespace hypasis::ssz
