#include "hypasis/beacon/light_client.hpp"

#include <algorithm>

#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/core/ssz/merkle.hpp"

namespace hypasis::beacon {
namespace {

// Generalized indices (altair and electra light-client sync-protocol.md, capella for the payload).
constexpr uint64_t kFinalizedRootGindex = 105;
constexpr uint64_t kCurrentSyncCommitteeGindex = 54;
constexpr uint64_t kNextSyncCommitteeGindex = 55;
constexpr uint64_t kFinalizedRootGindexElectra = 169;
constexpr uint64_t kCurrentSyncCommitteeGindexElectra = 86;
constexpr uint64_t kNextSyncCommitteeGindexElectra = 87;
constexpr uint64_t kExecutionPayloadGindex = 25;

bool is_zero_branch(const std::vector<Hash>& branch) noexcept {
    return std::all_of(branch.begin(), branch.end(), [](const Hash& h) { return h == Hash{}; });
}

// is_sync_committee_update / is_finality_update.
bool is_sync_committee_update(const LightClientUpdate& u) noexcept { return !is_zero_branch(u.next_sync_committee_branch); }
bool is_finality_update(const LightClientUpdate& u) noexcept { return !is_zero_branch(u.finality_branch); }

// The spec's LightClientHeader() comparison: every field default, whatever the form.
bool is_empty_header(const LightClientHeader& h) noexcept { return h == ssz::empty_header(h.fork); }

}  // namespace

std::string_view to_string(LightClientError e) noexcept {
    switch (e) {
        case LightClientError::kBadHeader: return "invalid light-client header";
        case LightClientError::kTrustedRootMismatch: return "bootstrap does not match the trusted block root";
        case LightClientError::kBadSyncCommitteeBranch: return "bad sync committee branch";
        case LightClientError::kCommitteeSizeMismatch: return "sync committee size mismatch";
        case LightClientError::kTooFewParticipants: return "too few sync committee participants";
        case LightClientError::kBadSlotOrder: return "bad slot order";
        case LightClientError::kUnknownPeriod: return "update from an unknown sync committee period";
        case LightClientError::kIrrelevant: return "update is not newer and brings no next committee";
        case LightClientError::kUnexpectedFinalizedHeader: return "finalized header without a finality branch";
        case LightClientError::kBadFinalityBranch: return "bad finality branch";
        case LightClientError::kUnexpectedNextSyncCommittee: return "next sync committee without a branch";
        case LightClientError::kNextSyncCommitteeMismatch: return "next sync committee differs from the known one";
        case LightClientError::kBadSignature: return "bad sync committee signature";
        case LightClientError::kBadCommitteeKey: return "invalid sync committee public key";
        case LightClientError::kInsufficientParticipation: return "participation below 2/3 for a finalized update";
    }
    return "unknown light-client error";
}

// Parsed keys of the last few committees seen (current and next, plus one spare across a rotation).
struct LightClient::KeyCache {
    struct Entry {
        std::vector<ssz::BlsPubkeyBytes> raw;
        std::vector<crypto::BlsPublicKey> parsed;
    };
    std::vector<Entry> entries;  // most recent last, at most kMax
    static constexpr std::size_t kMax = 3;
};

LightClient::LightClient(ChainConfig config, LightClientStore store)
    : LightClient(std::move(config), std::move(store), std::make_shared<KeyCache>()) {}

LightClient::LightClient(ChainConfig config, LightClientStore store, std::shared_ptr<KeyCache> keys)
    : config_(std::move(config)), store_(std::move(store)), keys_(std::move(keys)) {}

Hash LightClient::execution_root(const LightClientHeader& header) const noexcept {
    const uint64_t epoch = config_.epoch_at_slot(header.beacon.slot);
    if (epoch >= config_.fork_epochs[static_cast<std::size_t>(Fork::kDeneb)]) {
        return ssz::hash_tree_root(header.execution, Fork::kDeneb);
    }
    if (epoch >= config_.fork_epochs[static_cast<std::size_t>(Fork::kCapella)]) {
        return ssz::hash_tree_root(header.execution, Fork::kCapella);
    }
    return Hash{};
}

bool LightClient::is_valid_header(const LightClientHeader& header) const noexcept {
    if (!ssz::has_execution(header.fork)) return true;  // altair: any beacon header
    const uint64_t epoch = config_.epoch_at_slot(header.beacon.slot);
    if (epoch < config_.fork_epochs[static_cast<std::size_t>(Fork::kDeneb)]) {
        if (header.execution.blob_gas_used != 0 || header.execution.excess_blob_gas != 0) return false;
    }
    if (epoch < config_.fork_epochs[static_cast<std::size_t>(Fork::kCapella)]) {
        return header.execution == ssz::ExecutionPayloadHeader{} &&
               header.execution_branch == std::array<Hash, ssz::kExecutionBranchLength>{};
    }
    return ssz::is_valid_merkle_branch(execution_root(header), header.execution_branch,
                                       ssz::gindex_depth(kExecutionPayloadGindex),
                                       kExecutionPayloadGindex - 16, header.beacon.body_root);
}

Expected<LightClient, LightClientError> LightClient::bootstrap(ChainConfig config, const Hash& trusted_block_root,
                                                               const LightClientBootstrap& b) {
    LightClient client(std::move(config), LightClientStore{});
    if (!client.is_valid_header(b.header)) return unexpected(LightClientError::kBadHeader);
    if (ssz::hash_tree_root(b.header.beacon) != trusted_block_root) {
        return unexpected(LightClientError::kTrustedRootMismatch);
    }
    if (b.current_sync_committee.pubkeys.size() != client.config_.preset.sync_committee_size) {
        return unexpected(LightClientError::kCommitteeSizeMismatch);
    }
    const bool electra = client.config_.fork_at_slot(b.header.beacon.slot) >= Fork::kElectra;
    if (!ssz::is_valid_normalized_merkle_branch(
            ssz::hash_tree_root(b.current_sync_committee), b.current_sync_committee_branch,
            electra ? kCurrentSyncCommitteeGindexElectra : kCurrentSyncCommitteeGindex, b.header.beacon.state_root)) {
        return unexpected(LightClientError::kBadSyncCommitteeBranch);
    }
    client.store_.finalized_header = b.header;
    client.store_.current_sync_committee = b.current_sync_committee;
    client.store_.optimistic_header = b.header;
    return client;
}

Expected<const std::vector<crypto::BlsPublicKey>*, LightClientError> LightClient::committee_keys(
    const SyncCommittee& committee) const {
    auto& entries = keys_->entries;
    for (auto& e : entries) {
        if (e.raw == committee.pubkeys) return &e.parsed;
    }
    KeyCache::Entry entry;
    entry.raw = committee.pubkeys;
    entry.parsed.reserve(committee.pubkeys.size());
    for (const auto& k : committee.pubkeys) {
        auto parsed = crypto::BlsPublicKey::parse(k);
        if (!parsed) return unexpected(LightClientError::kBadCommitteeKey);
        entry.parsed.push_back(*parsed);
    }
    if (entries.size() == KeyCache::kMax) entries.erase(entries.begin());
    entries.push_back(std::move(entry));
    return &entries.back().parsed;
}

Expected<std::size_t, LightClientError> LightClient::validate_update(const LightClientUpdate& update,
                                                                     uint64_t current_slot) const {
    const Preset& preset = config_.preset;
    const ssz::SyncAggregate& aggregate = update.sync_aggregate;
    if (aggregate.size() != preset.sync_committee_size ||
        update.next_sync_committee.pubkeys.size() != preset.sync_committee_size) {
        return unexpected(LightClientError::kCommitteeSizeMismatch);
    }
    const std::size_t participants = aggregate.participants();
    if (participants < preset.min_sync_committee_participants) {
        return unexpected(LightClientError::kTooFewParticipants);
    }
    if (!is_valid_header(update.attested_header)) return unexpected(LightClientError::kBadHeader);

    const uint64_t attested_slot = update.attested_header.beacon.slot;
    const uint64_t finalized_slot = update.finalized_header.beacon.slot;
    if (!(current_slot >= update.signature_slot && update.signature_slot > attested_slot &&
          attested_slot >= finalized_slot)) {
        return unexpected(LightClientError::kBadSlotOrder);
    }
    const uint64_t store_period = config_.period_at_slot(store_.finalized_header.beacon.slot);
    const uint64_t signature_period = config_.period_at_slot(update.signature_slot);
    const bool next_known = store_.next_sync_committee.has_value();
    if (next_known ? (signature_period != store_period && signature_period != store_period + 1)
                   : signature_period != store_period) {
        return unexpected(LightClientError::kUnknownPeriod);
    }

    const uint64_t attested_period = config_.period_at_slot(attested_slot);
    const bool has_next_committee =
        !next_known && is_sync_committee_update(update) && attested_period == store_period;
    if (!(attested_slot > store_.finalized_header.beacon.slot || has_next_committee)) {
        return unexpected(LightClientError::kIrrelevant);
    }

    const bool electra = config_.fork_at_slot(attested_slot) >= Fork::kElectra;
    if (!is_finality_update(update)) {
        if (!is_empty_header(update.finalized_header)) return unexpected(LightClientError::kUnexpectedFinalizedHeader);
    } else {
        Hash finalized_root{};
        if (finalized_slot == 0) {  // GENESIS_SLOT
            if (!is_empty_header(update.finalized_header)) {
                return unexpected(LightClientError::kUnexpectedFinalizedHeader);
            }
        } else {
            if (!is_valid_header(update.finalized_header)) return unexpected(LightClientError::kBadHeader);
            finalized_root = ssz::hash_tree_root(update.finalized_header.beacon);
        }
        if (!ssz::is_valid_normalized_merkle_branch(finalized_root, update.finality_branch,
                                                    electra ? kFinalizedRootGindexElectra : kFinalizedRootGindex,
                                                    update.attested_header.beacon.state_root)) {
            return unexpected(LightClientError::kBadFinalityBranch);
        }
    }

    if (!is_sync_committee_update(update)) {
        if (!update.next_sync_committee.is_zero()) return unexpected(LightClientError::kUnexpectedNextSyncCommittee);
    } else {
        if (attested_period == store_period && next_known && update.next_sync_committee != *store_.next_sync_committee) {
            return unexpected(LightClientError::kNextSyncCommitteeMismatch);
        }
        if (!ssz::is_valid_normalized_merkle_branch(
                ssz::hash_tree_root(update.next_sync_committee), update.next_sync_committee_branch,
                electra ? kNextSyncCommitteeGindexElectra : kNextSyncCommitteeGindex,
                update.attested_header.beacon.state_root)) {
            return unexpected(LightClientError::kBadSyncCommitteeBranch);
        }
    }

    const SyncCommittee& committee =
        signature_period == store_period ? store_.current_sync_committee : *store_.next_sync_committee;
    auto keys = committee_keys(committee);
    if (!keys) return unexpected(keys.error());
    std::vector<const crypto::BlsPublicKey*> signers;
    signers.reserve(participants);
    for (std::size_t i = 0; i < preset.sync_committee_size; ++i) {
        if (aggregate.bit(i)) signers.push_back(&(**keys)[i]);
    }
    const uint64_t fork_version_slot = std::max<uint64_t>(update.signature_slot, 1) - 1;
    const Version& version = config_.fork_version_at_epoch(config_.epoch_at_slot(fork_version_slot));
    const Hash domain = compute_domain(kDomainSyncCommittee, version, config_.genesis_validators_root);
    const Hash signing_root = compute_signing_root(ssz::hash_tree_root(update.attested_header.beacon), domain);
    auto signature = crypto::BlsSignature::parse(aggregate.signature);
    if (!signature) return unexpected(LightClientError::kBadSignature);
    if (!crypto::bls_fast_aggregate_verify(std::span<const crypto::BlsPublicKey* const>(signers), signing_root,
                                           *signature)) {
        return unexpected(LightClientError::kBadSignature);
    }
    return participants;
}

namespace {

// is_better_update.
bool is_better_update(const ChainConfig& config, const LightClientUpdate& a, const LightClientUpdate& b) noexcept {
    const std::size_t max_active = a.sync_aggregate.size();
    const std::size_t a_active = a.sync_aggregate.participants();
    const std::size_t b_active = b.sync_aggregate.participants();
    const bool a_super = a_active * 3 >= max_active * 2;
    const bool b_super = b_active * 3 >= max_active * 2;
    if (a_super != b_super) return a_super;
    if (!a_super && a_active != b_active) return a_active > b_active;

    const auto relevant = [&](const LightClientUpdate& u) {
        return is_sync_committee_update(u) &&
               config.period_at_slot(u.attested_header.beacon.slot) == config.period_at_slot(u.signature_slot);
    };
    if (relevant(a) != relevant(b)) return relevant(a);
    const bool a_final = is_finality_update(a);
    if (a_final != is_finality_update(b)) return a_final;
    if (a_final) {
        const auto committee_final = [&](const LightClientUpdate& u) {
            return config.period_at_slot(u.finalized_header.beacon.slot) ==
                   config.period_at_slot(u.attested_header.beacon.slot);
        };
        if (committee_final(a) != committee_final(b)) return committee_final(a);
    }
    if (a_active != b_active) return a_active > b_active;
    if (a.attested_header.beacon.slot != b.attested_header.beacon.slot) {
        return a.attested_header.beacon.slot < b.attested_header.beacon.slot;
    }
    return a.signature_slot < b.signature_slot;
}

}  // namespace

void LightClient::apply_update(const LightClientUpdate& update) {
    const uint64_t store_period = config_.period_at_slot(store_.finalized_header.beacon.slot);
    const uint64_t finalized_period = config_.period_at_slot(update.finalized_header.beacon.slot);
    if (!store_.next_sync_committee) {
        // The spec asserts finalized_period == store_period here; validate_update and the callers guarantee it.
        if (finalized_period != store_period) return;
        store_.next_sync_committee = update.next_sync_committee;
    } else if (finalized_period == store_period + 1) {
        store_.current_sync_committee = std::move(*store_.next_sync_committee);
        store_.next_sync_committee = update.next_sync_committee;
        store_.previous_max_active_participants = store_.current_max_active_participants;
        store_.current_max_active_participants = 0;
    }
    if (update.finalized_header.beacon.slot > store_.finalized_header.beacon.slot) {
        store_.finalized_header = update.finalized_header;
        if (store_.finalized_header.beacon.slot > store_.optimistic_header.beacon.slot) {
            store_.optimistic_header = store_.finalized_header;
        }
    }
}

Expected<UpdateResult, LightClientError> LightClient::process_update(const LightClientUpdate& update,
                                                                     uint64_t current_slot) {
    auto valid = validate_update(update, current_slot);
    if (!valid) return unexpected(valid.error());
    UpdateResult r;
    r.participants = *valid;
    const bool had_next = store_.next_sync_committee.has_value();

    if (!store_.best_valid_update || is_better_update(config_, update, *store_.best_valid_update)) {
        store_.best_valid_update = update;
        r.stored_as_best = true;
    }
    store_.current_max_active_participants = std::max<uint64_t>(store_.current_max_active_participants, r.participants);
    const uint64_t safety_threshold =
        std::max(store_.previous_max_active_participants, store_.current_max_active_participants) / 2;
    if (r.participants > safety_threshold &&
        update.attested_header.beacon.slot > store_.optimistic_header.beacon.slot) {
        store_.optimistic_header = update.attested_header;
        r.optimistic_advanced = true;
    }
    const bool has_finalized_next_committee =
        !store_.next_sync_committee && is_sync_committee_update(update) && is_finality_update(update) &&
        config_.period_at_slot(update.finalized_header.beacon.slot) ==
            config_.period_at_slot(update.attested_header.beacon.slot);
    if (r.participants * 3 >= update.sync_aggregate.size() * 2 &&
        (update.finalized_header.beacon.slot > store_.finalized_header.beacon.slot || has_finalized_next_committee)) {
        apply_update(update);
        store_.best_valid_update.reset();
        r.stored_as_best = false;
        r.finalized_advanced = true;
    }
    r.next_committee_learned = !had_next && store_.next_sync_committee.has_value();
    return r;
}

Expected<UpdateResult, LightClientError> LightClient::process_finality_update(const LightClientFinalityUpdate& update,
                                                                              uint64_t current_slot,
                                                                              bool require_supermajority) {
    const LightClientUpdate full = ssz::to_update(update);
    if (require_supermajority) {
        auto valid = validate_update(full, current_slot);
        if (!valid) return unexpected(valid.error());
        if (*valid * 3 < full.sync_aggregate.size() * 2) {
            return unexpected(LightClientError::kInsufficientParticipation);
        }
    }
    return process_update(full, current_slot);
}

Expected<UpdateResult, LightClientError> LightClient::process_optimistic_update(
    const LightClientOptimisticUpdate& update, uint64_t current_slot) {
    return process_update(ssz::to_update(update), current_slot);
}

bool LightClient::force_update(uint64_t current_slot) {
    if (!(current_slot > store_.finalized_header.beacon.slot + config_.preset.update_timeout() &&
          store_.best_valid_update)) {
        return false;
    }
    LightClientUpdate best = std::move(*store_.best_valid_update);
    if (best.finalized_header.beacon.slot <= store_.finalized_header.beacon.slot) {
        best.finalized_header = best.attested_header;
    }
    apply_update(best);
    store_.best_valid_update.reset();
    return true;
}

}  // namespace hypasis::beacon
