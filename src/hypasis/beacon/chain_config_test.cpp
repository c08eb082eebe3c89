// Fork digests, before and after Fulu's blob-parameter mixing (fulu/beacon-chain.md compute_fork_digest, EIP-7892),
// against values published outside this project:
// - consensus-specs tests/core/pyspec/eth2spec/test/fulu/validator/test_compute_fork_digest.py (commit 353e4073):
//   minimal-preset fork versions, ELECTRA_FORK_EPOCH 9, FULU_FORK_EPOCH 100 and a six-entry BLOB_SCHEDULE. That
//   version of the test predates the spec's `if epoch < FULU_FORK_EPOCH: return base_digest[:4]` guard, so its
//   pre-Fulu expectations are the mixed formula applied to Electra's version (checked here on the explicit form);
// - prysm config/params TestEntryWithForkDigest: the same configuration under the current (guarded) rule, so its
//   pre-Fulu expectations are Electra's base digest;
// - mainnet digests as clients publish them: prysm's p2p topic test (/eth2/ad532ceb/..., /eth2/afcaaba0/...,
//   /eth2/cc2c5cdb/data_column_sidecar_0), Nethermind's BeaconChain ForkDigestTests (phase0 b5303f2a, capella
//   bba4da96, deneb 6a95a1a9, BPO1 cb0d1acc, BPO2 8c9f62fe), and the Deneb digest that portal-spec-tests' mainnet
//   light-client fixtures carry as their context bytes.
#include "hypasis/beacon/chain_config.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::beacon {
namespace {

FixedBytes<4> digest(std::string_view hex) { return *fixed_from_hex<4>(hex); }

Hash filled(uint8_t b) {
    Hash h;
    h.fill(b);
    return h;
}

// The spec test's configuration (on the minimal preset's fork versions 0xNN000001).
ChainConfig spec_test_config(const Hash& gvr) {
    ChainConfig c = ChainConfig::minimal(gvr);
    c.fork_epochs = {0, 0, 0, 0, 0, 9, 100};
    c.blob_schedule = {{9, 9}, {100, 100}, {150, 175}, {200, 200}, {250, 275}, {300, 300}};
    return c;
}

TEST(ForkDigest, FuluSpecTestVectors) {
    const ChainConfig c = spec_test_config(Hash{});
    const std::pair<uint64_t, std::string_view> cases[] = {
        {100, "0x44a571e8"}, {101, "0x44a571e8"}, {150, "0x1171afca"}, {199, "0x1171afca"}, {200, "0x427a30ab"},
        {201, "0x427a30ab"}, {250, "0xd5310ef1"}, {299, "0xd5310ef1"}, {300, "0x51d229f7"}, {301, "0x51d229f7"},
    };
    for (const auto& [epoch, want] : cases) EXPECT_EQ(c.fork_digest_at_epoch(epoch), digest(want)) << epoch;
    EXPECT_EQ(spec_test_config(filled(1)).fork_digest_at_epoch(100), digest("0xbfe98545"));
    EXPECT_EQ(spec_test_config(filled(2)).fork_digest_at_epoch(100), digest("0x9b7e4788"));
    EXPECT_EQ(spec_test_config(filled(3)).fork_digest_at_epoch(100), digest("0x8b5ce4af"));
}

TEST(ForkDigest, BeforeFuluTheBaseDigestApplies) {
    // prysm's vectors for the guarded rule: epochs 9..99 are Electra's, unmixed.
    for (uint64_t epoch : {9, 10, 11, 99}) {
        EXPECT_EQ(spec_test_config(Hash{}).fork_digest_at_epoch(epoch), digest("0x97b2c268")) << epoch;
    }
    EXPECT_EQ(spec_test_config(filled(1)).fork_digest_at_epoch(9), digest("0x4a5c3011"));
    EXPECT_EQ(spec_test_config(filled(2)).fork_digest_at_epoch(9), digest("0xe8332b52"));
    EXPECT_EQ(spec_test_config(filled(3)).fork_digest_at_epoch(9), digest("0x0e38e75e"));
    // The consensus-specs test (pre-guard) mixed Electra's version with the {9, 9} entry: the explicit form.
    const Version electra{5, 0, 0, 1};
    EXPECT_EQ(compute_fork_digest(electra, Hash{}, {9, 9}), digest("0x39f8e7c3"));
    EXPECT_EQ(compute_fork_digest(electra, filled(1), {9, 9}), digest("0xe41615ba"));
    EXPECT_EQ(compute_fork_digest(electra, filled(2), {9, 9}), digest("0x46790ef9"));
    EXPECT_EQ(compute_fork_digest(electra, filled(3), {9, 9}), digest("0xa072c2f5"));
}

TEST(ForkDigest, MainnetDigestsAcrossForksAndBlobParameterForks) {
    const ChainConfig c = ChainConfig::mainnet();
    const std::pair<uint64_t, std::string_view> cases[] = {
        {0, "0xb5303f2a"},
        {74240, "0xafcaaba0"},
        {194048, "0xbba4da96"},
        {269568, "0x6a95a1a9"},
        {364032, "0xad532ceb"},
        {411391, "0xad532ceb"},
        {411392, "0xcc2c5cdb"},  // Fulu: Electra's blob parameters
                                 // {364032, 9} until the first BPO
                                 // entry
        {412671, "0xcc2c5cdb"},
        {412672, "0xcb0d1acc"},  // BPO1: 15 blobs
        {419071, "0xcb0d1acc"},
        {419072, "0x8c9f62fe"},  // BPO2: 21 blobs
        {500000, "0x8c9f62fe"},
    };
    for (const auto& [epoch, want] : cases) EXPECT_EQ(c.fork_digest_at_epoch(epoch), digest(want)) << epoch;
}

TEST(ForkDigest, DigestsMapBackToForks) {
    const ChainConfig c = ChainConfig::mainnet();
    EXPECT_EQ(c.fork_of_digest(digest("0xb5303f2a")), ssz::Fork::kPhase0);
    EXPECT_EQ(c.fork_of_digest(digest("0xafcaaba0")), ssz::Fork::kAltair);
    EXPECT_EQ(c.fork_of_digest(digest("0xbba4da96")), ssz::Fork::kCapella);
    EXPECT_EQ(c.fork_of_digest(digest("0x6a95a1a9")), ssz::Fork::kDeneb);
    EXPECT_EQ(c.fork_of_digest(digest("0xad532ceb")), ssz::Fork::kElectra);
    EXPECT_EQ(c.fork_of_digest(digest("0xcc2c5cdb")), ssz::Fork::kFulu);
    EXPECT_EQ(c.fork_of_digest(digest("0xcb0d1acc")), ssz::Fork::kFulu);
    EXPECT_EQ(c.fork_of_digest(digest("0x8c9f62fe")), ssz::Fork::kFulu);
    // Fulu's version under the pre-Fulu formula is no digest of this chain at any epoch.
    EXPECT_EQ(c.fork_of_digest(compute_fork_digest(c.fork_versions[6], c.genesis_validators_root)), std::nullopt);
    EXPECT_EQ(c.fork_of_digest(digest("0xdeadbeef")), std::nullopt);
    // Another chain's digest: mainnet's Deneb digest under a different genesis validators root.
    ChainConfig other = c;
    other.genesis_validators_root[0] ^= 1;
    EXPECT_EQ(other.fork_of_digest(digest("0x6a95a1a9")), std::nullopt);
    // An unscheduled fork never matches.
    other = c;
    other.fork_epochs[6] = kFarFutureEpoch;
    EXPECT_EQ(other.fork_of_digest(digest("0xcc2c5cdb")), std::nullopt);
    EXPECT_EQ(other.fork_digest_at_epoch(419072), digest("0xad532ceb"));  // still Electra, unmixed
}

TEST(ForkDigest, PortalFixtureContextBytesAreMainnetDeneb) {
    HYPASIS_FIXTURE_OR_SKIP(path, "portal-spec-tests/beacon_chain/light_client/deneb/bootstrap.yaml");
    const std::string text = test::read_file(path);
    const auto at = text.find("content_value:");
    ASSERT_NE(at, std::string::npos);
    const auto hex = text.find("0x", at);
    ASSERT_NE(hex, std::string::npos);
    const auto prefix = fixed_from_hex<4>(text.substr(hex, 10));
    ASSERT_TRUE(prefix.has_value());
    EXPECT_EQ(*prefix, digest("0x6a95a1a9"));
    EXPECT_EQ(ChainConfig::mainnet().fork_of_digest(*prefix), ssz::Fork::kDeneb);
}

TEST(BlobParameters, ScheduleLookupFollowsGetBlobParameters) {
    const ChainConfig c = ChainConfig::mainnet();
    EXPECT_EQ(c.blob_parameters_at_epoch(411392), (BlobParameters{364032, 9}));  // no entry yet: Electra's
    EXPECT_EQ(c.blob_parameters_at_epoch(412671), (BlobParameters{364032, 9}));
    EXPECT_EQ(c.blob_parameters_at_epoch(412672), (BlobParameters{412672, 15}));
    EXPECT_EQ(c.blob_parameters_at_epoch(419071), (BlobParameters{412672, 15}));
    EXPECT_EQ(c.blob_parameters_at_epoch(419072), (BlobParameters{419072, 21}));
    // The schedule need not be sorted ("SHOULD be sorted"): the greatest epoch not after the query wins.
    ChainConfig shuffled = c;
    shuffled.blob_schedule = {{419072, 21}, {412672, 15}};
    EXPECT_EQ(shuffled.blob_parameters_at_epoch(420000), (BlobParameters{419072, 21}));
    EXPECT_EQ(shuffled.blob_parameters_at_epoch(415000), (BlobParameters{412672, 15}));
    EXPECT_EQ(shuffled.fork_digest_at_epoch(415000), digest("0xcb0d1acc"));
}

}  // namespace
}  // namespace hypasis::beacon
