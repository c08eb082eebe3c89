#pragma once
/// The sync-committee light client of the consensus specs (altair/light-client/sync-protocol.md, with the
/// capella, deneb and electra modifications): a LightClientStore bootstrapped from a trusted block root and
/// advanced by LightClientUpdates whose sync-committee signatures it verifies.
///
/// Every rule of validate_light_client_update is applied before the store is touched, so an update that is refused
/// leaves the store exactly as it was (the tests compare stores). process_light_client_update,
/// apply_light_client_update, is_better_update, the safety threshold and process_light_client_store_force_update
/// follow the spec line by line.
///
/// Sync-committee keys are decompressed and subgroup-checked once per committee (about 25 ms for 512 keys) and kept
/// in a small cache, so verifying an update costs one FastAggregateVerify (about 1.1 ms).
///
/// Not thread-safe: the key cache is mutated by const validation, and copies of a LightClient share it, so a
/// LightClient and its copies stay on one thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "hypasis/beacon/chain_config.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/bls.hpp"
#include "hypasis/core/ssz/light_client_types.hpp"

namespace hypasis::beacon {

using ssz::LightClientBootstrap;
using ssz::LightClientFinalityUpdate;
using ssz::LightClientHeader;
using ssz::LightClientOptimisticUpdate;
using ssz::LightClientUpdate;
using ssz::SyncCommittee;

/// Why a bootstrap or an update is refused. Each names the spec assertion that failed.
enum class [[nodiscard]] LightClientError {
    kBadHeader = 1,                 ///< is_valid_light_client_header: the execution branch does not lead to the
                                    ///< body root, or fields of a later fork are set before it.
    kTrustedRootMismatch,           ///< The bootstrap header's root is not the trusted block root.
    kBadSyncCommitteeBranch,        ///< A current/next sync committee branch does not lead to the state root.
    kCommitteeSizeMismatch,         ///< A committee or bitvector is not SYNC_COMMITTEE_SIZE long.
    kTooFewParticipants,            ///< Fewer than MIN_SYNC_COMMITTEE_PARTICIPANTS bits set.
    kBadSlotOrder,                  ///< Not current_slot >= signature_slot > attested slot >= finalized slot.
    kUnknownPeriod,                 ///< The signature period is neither the store's nor (when known) the next.
    kIrrelevant,                    ///< Neither newer than the finalized header nor bringing the next committee.
    kUnexpectedFinalizedHeader,     ///< No finality branch, yet a non-empty finalized header.
    kBadFinalityBranch,             ///< The finality branch does not lead to the attested state root.
    kUnexpectedNextSyncCommittee,   ///< No next-committee branch, yet a non-empty next committee.
    kNextSyncCommitteeMismatch,     ///< The next committee differs from the one the store already knows.
    kBadSignature,                  ///< The aggregate signature is malformed or does not verify.
    kBadCommitteeKey,               ///< A committee public key does not parse (KeyValidate).
    kInsufficientParticipation,     ///< A finality update below 2/3 participation where finality was required.
};

/// A short, stable name ("bad signature").
std::string_view to_string(LightClientError e) noexcept;

/// LightClientStore (sync-protocol.md). `next_sync_committee` is nullopt where the spec holds SyncCommittee().
struct LightClientStore {
    LightClientHeader finalized_header;
    SyncCommittee current_sync_committee;
    std::optional<SyncCommittee> next_sync_committee;
    std::optional<LightClientUpdate> best_valid_update;
    LightClientHeader optimistic_header;
    uint64_t previous_max_active_participants{0};
    uint64_t current_max_active_participants{0};
    friend bool operator==(const LightClientStore&, const LightClientStore&) = default;
};

/// What an accepted update changed.
struct UpdateResult {
    std::size_t participants{0};
    bool finalized_advanced{false};       ///< The finalized header moved forward (or the committees rotated).
    bool optimistic_advanced{false};
    bool next_committee_learned{false};
    bool stored_as_best{false};           ///< Kept as best_valid_update (for a later force update).
};

class LightClient {
  public:
    /// initialize_light_client_store: checks the bootstrap header, that its root is `trusted_block_root`, and the
    /// current-committee branch. Throws only std::bad_alloc.
    static Expected<LightClient, LightClientError> bootstrap(ChainConfig config, const Hash& trusted_block_root,
                                                             const LightClientBootstrap& bootstrap);

    /// Resumes from a store that this class produced earlier (persisted by the caller).
    LightClient(ChainConfig config, LightClientStore store);

    /// validate_light_client_update against the current store; touches nothing but the key cache.
    Expected<std::size_t, LightClientError> validate_update(const LightClientUpdate& update,
                                                            uint64_t current_slot) const;

    /// process_light_client_update. On error the store is unchanged. Throws only std::bad_alloc.
    Expected<UpdateResult, LightClientError> process_update(const LightClientUpdate& update, uint64_t current_slot);

    /// process_light_client_finality_update. With `require_supermajority`, an otherwise valid update with
    /// participants × 3 < committee size × 2 is refused (kInsufficientParticipation) and the store is unchanged,
    /// instead of only feeding best_valid_update (the checkpoint source wants finality, not progress).
    Expected<UpdateResult, LightClientError> process_finality_update(const LightClientFinalityUpdate& update,
                                                                     uint64_t current_slot,
                                                                     bool require_supermajority = false);

    /// process_light_client_optimistic_update.
    Expected<UpdateResult, LightClientError> process_optimistic_update(const LightClientOptimisticUpdate& update,
                                                                       uint64_t current_slot);

    /// process_light_client_store_force_update: true when the timeout had passed and best_valid_update was applied.
    bool force_update(uint64_t current_slot);

    const LightClientStore& store() const noexcept { return store_; }
    const ChainConfig& config() const noexcept { return config_; }
    /// The period of the finalized header (the store's period).
    uint64_t period() const noexcept { return config_.period_at_slot(store_.finalized_header.beacon.slot); }

    /// get_lc_execution_root: the payload header's root in the form of the header's slot's fork (zero before
    /// Capella).
    Hash execution_root(const LightClientHeader& header) const noexcept;
    /// is_valid_light_client_header.
    bool is_valid_header(const LightClientHeader& header) const noexcept;

  private:
    struct KeyCache;
    LightClient(ChainConfig config, LightClientStore store, std::shared_ptr<KeyCache> keys);
    Expected<const std::vector<crypto::BlsPublicKey>*, LightClientError> committee_keys(
        const SyncCommittee& committee) const;
    void apply_update(const LightClientUpdate& update);

    ChainConfig config_;
    LightClientStore store_;
    std::shared_ptr<KeyCache> keys_;
};

}  // namespace hypasis::beacon
