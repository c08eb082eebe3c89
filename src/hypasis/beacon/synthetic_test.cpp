// The light client on a synthetic chain with our own 32-key committee (minimal preset, altair forms): this is
// where participation can sit exactly at, and just below, 2/3 with a valid signature, and where the force-update
// rule can be driven.
#include <gtest/gtest.h>

#include <map>

#include "hypasis/beacon/light_client.hpp"
#include "hypasis/core/crypto/sha256.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"

namespace hypasis::beacon {
namespace {

constexpr std::size_t kSize = 32;

// A depth-6 beacon-state tree (64 leaves, gindices 64..127) with some nodes forced to given values.
struct StateTree {
    std::array<Hash, 128> node{};
    explicit StateTree(const std::map<uint64_t, Hash>& forced) {
        for (uint64_t g = 127; g >= 1; --g) {
            if (auto it = forced.find(g); it != forced.end()) {
                node[g] = it->second;
            } else if (g >= 64) {
                node[g].fill(static_cast<uint8_t>(g));
            } else {
                node[g] = crypto::sha256_pair(node[2 * g], node[2 * g + 1]);
            }
        }
    }
    const Hash& root() const { return node[1]; }
    std::vector<Hash> branch(uint64_t g) const {
        std::vector<Hash> b;
        for (; g > 1; g >>= 1) b.push_back(node[g ^ 1]);
        return b;
    }
};

ChainConfig altair_config() {
    Hash gvr{};
    gvr.fill(0x42);
    ChainConfig c = ChainConfig::minimal(gvr);
    for (std::size_t f = 3; f < c.fork_epochs.size(); ++f) c.fork_epochs[f] = kFarFutureEpoch;  // altair forms only
    return c;
}

class Synthetic : public ::testing::Test {
  protected:
    void SetUp() override {
        for (std::size_t i = 0; i < kSize; ++i) {
            Bytes ikm(32, 0x33);
            ikm[0] = static_cast<uint8_t>(i);
            keys_.push_back(*crypto::bls_keygen(ikm));
            pubs_.push_back(crypto::bls_sk_to_pk(keys_.back()));
            committee_.pubkeys.push_back(pubs_.back().serialize());
        }
        committee_.aggregate_pubkey = crypto::bls_aggregate_public_keys(pubs_)->serialize();
    }

    ssz::LightClientHeader header(uint64_t slot, const Hash& state_root) const {
        ssz::LightClientHeader h = ssz::empty_header(Fork::kAltair);
        h.beacon.slot = slot;
        h.beacon.proposer_index = slot % 7;
        h.beacon.state_root = state_root;
        h.beacon.body_root.fill(static_cast<uint8_t>(slot));
        return h;
    }

    // The bootstrap at `slot` with the committee under gindex 54.
    ssz::LightClientBootstrap bootstrap(uint64_t slot) const {
        const StateTree tree({{54, ssz::hash_tree_root(committee_)}});
        return {Fork::kAltair, header(slot, tree.root()), committee_, tree.branch(54)};
    }

    // An update attesting `attested_slot`, finalizing `finalized_slot`, carrying the (same) committee as next, signed
    // at attested_slot + 1 by the first `signers` members.
    ssz::LightClientUpdate update(uint64_t attested_slot, uint64_t finalized_slot, std::size_t signers) const {
        const ssz::LightClientHeader finalized = header(finalized_slot, Hash{});
        const StateTree tree({{105, ssz::hash_tree_root(finalized.beacon)}, {55, ssz::hash_tree_root(committee_)}});
        ssz::LightClientUpdate u;
        u.fork = Fork::kAltair;
        u.attested_header = header(attested_slot, tree.root());
        u.next_sync_committee = committee_;
        u.next_sync_committee_branch = tree.branch(55);
        u.finalized_header = finalized;
        u.finality_branch = tree.branch(105);
        u.signature_slot = attested_slot + 1;
        u.sync_aggregate.bits.assign(kSize / 8, 0);
        const ChainConfig c = altair_config();
        const Hash domain = compute_domain(kDomainSyncCommittee, c.fork_version_at_epoch(c.epoch_at_slot(attested_slot)),
                                           c.genesis_validators_root);
        const Hash root = compute_signing_root(ssz::hash_tree_root(u.attested_header.beacon), domain);
        std::vector<crypto::BlsSignature> sigs;
        for (std::size_t i = 0; i < signers; ++i) {
            u.sync_aggregate.bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
            sigs.push_back(crypto::bls_sign(keys_[i], root));
        }
        u.sync_aggregate.signature = crypto::bls_aggregate_signatures(sigs)->serialize();
        return u;
    }

    ssz::LightClientFinalityUpdate finality(const ssz::LightClientUpdate& u) const {
        return {u.fork, u.attested_header, u.finalized_header, u.finality_branch, u.sync_aggregate, u.signature_slot};
    }

    std::vector<crypto::BlsSecretKey> keys_;
    std::vector<crypto::BlsPublicKey> pubs_;
    ssz::SyncCommittee committee_;
};

TEST_F(Synthetic, BootstrapAndTwoThirdsExactlyFinalizes) {
    const auto boot = bootstrap(8);
    auto client = LightClient::bootstrap(altair_config(), ssz::hash_tree_root(boot.header.beacon), boot);
    ASSERT_TRUE(client.has_value()) << to_string(client.error());
    // 22 of 32: 66 >= 64.
    auto r = client->process_update(update(20, 16, 22), 30);
    ASSERT_TRUE(r.has_value()) << to_string(r.error());
    EXPECT_TRUE(r->finalized_advanced);
    EXPECT_EQ(client->store().finalized_header.beacon.slot, 16u);
    EXPECT_EQ(client->store().optimistic_header.beacon.slot, 20u);
    EXPECT_TRUE(client->store().next_sync_committee.has_value());
}

TEST_F(Synthetic, JustBelowTwoThirdsIsRefusedForFinalityWithTheStoreUnchanged) {
    const auto boot = bootstrap(8);
    auto client = LightClient::bootstrap(altair_config(), ssz::hash_tree_root(boot.header.beacon), boot);
    ASSERT_TRUE(client.has_value());
    const auto u = update(20, 16, 21);  // 63 < 64, and the signature is valid
    ASSERT_TRUE(client->validate_update(u, 30).has_value());
    const LightClientStore before = client->store();
    auto r = client->process_finality_update(finality(u), 30, true);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), LightClientError::kInsufficientParticipation);
    EXPECT_TRUE(client->store() == before);
}

TEST_F(Synthetic, BelowTwoThirdsFeedsBestUpdateAndForceUpdateAppliesIt) {
    const auto boot = bootstrap(8);
    auto client = LightClient::bootstrap(altair_config(), ssz::hash_tree_root(boot.header.beacon), boot);
    ASSERT_TRUE(client.has_value());
    // The spec's own path: a valid sub-2/3 update is kept as best_valid_update and moves the optimistic header.
    auto r = client->process_update(update(20, 16, 21), 30);
    ASSERT_TRUE(r.has_value()) << to_string(r.error());
    EXPECT_FALSE(r->finalized_advanced);
    EXPECT_TRUE(r->stored_as_best);
    EXPECT_TRUE(r->optimistic_advanced);
    EXPECT_EQ(client->store().finalized_header.beacon.slot, 8u);
    // A better one (more participants) replaces it; a worse one does not.
    ASSERT_TRUE(client->process_update(update(21, 16, 10), 30).has_value());
    EXPECT_EQ(client->store().best_valid_update->sync_aggregate.participants(), 21u);
    // Before UPDATE_TIMEOUT (64 slots in minimal) nothing is forced; after it the best update is applied.
    EXPECT_FALSE(client->force_update(8 + 64));
    EXPECT_TRUE(client->force_update(8 + 65));
    EXPECT_EQ(client->store().finalized_header.beacon.slot, 16u);
    EXPECT_TRUE(client->store().next_sync_committee.has_value());
    EXPECT_FALSE(client->store().best_valid_update.has_value());
}

TEST_F(Synthetic, ForgedCommitteeKeyAndEmptyFinalizedHeaderRules) {
    const auto boot = bootstrap(8);
    auto client = LightClient::bootstrap(altair_config(), ssz::hash_tree_root(boot.header.beacon), boot);
    ASSERT_TRUE(client.has_value());
    // An update without a finality branch must carry an empty finalized header.
    auto u = update(20, 16, 32);
    u.finality_branch.assign(6, Hash{});
    const LightClientStore before = client->store();
    auto r = client->process_update(u, 30);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), LightClientError::kUnexpectedFinalizedHeader);
    // And without a committee branch, an empty committee.
    auto v = update(20, 16, 32);
    v.next_sync_committee_branch.assign(5, Hash{});
    r = client->process_update(v, 30);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), LightClientError::kUnexpectedNextSyncCommittee);
    EXPECT_TRUE(client->store() == before);
}

}  // namespace
}  // namespace hypasis::beacon
