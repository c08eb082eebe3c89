#pragma once
/// A beacon chain's light-client parameters: the preset (consensus specs presets/{mainnet,minimal}), the fork
/// schedule, blob schedule and genesis validators root (configs/), and the signing helpers of phase0
/// beacon-chain.md (compute_fork_data_root, compute_fork_digest, compute_domain, compute_signing_root) with Fulu's
/// blob-parameter fork digest (fulu/beacon-chain.md, EIP-7892).
///
/// Plain values; every function is pure, noexcept and thread-safe.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/ssz/light_client_types.hpp"

namespace hypasis::beacon {

using ssz::Fork;
using Version = FixedBytes<4>;

inline constexpr uint64_t kFarFutureEpoch = std::numeric_limits<uint64_t>::max();
/// DOMAIN_SYNC_COMMITTEE (altair beacon-chain.md).
inline constexpr FixedBytes<4> kDomainSyncCommittee{0x07, 0x00, 0x00, 0x00};

/// The preset values the light client depends on.
struct Preset {
    uint64_t slots_per_epoch{32};
    uint64_t epochs_per_sync_committee_period{256};
    std::size_t sync_committee_size{512};
    uint64_t min_sync_committee_participants{1};

    /// UPDATE_TIMEOUT = SLOTS_PER_EPOCH * EPOCHS_PER_SYNC_COMMITTEE_PERIOD.
    uint64_t update_timeout() const noexcept { return slots_per_epoch * epochs_per_sync_committee_period; }

    static Preset mainnet() noexcept { return {}; }
    static Preset minimal() noexcept { return {8, 8, 32, 1}; }
};

/// BlobParameters / one BLOB_SCHEDULE entry (fulu/beacon-chain.md, EIP-7892): from `epoch` on, at most
/// `max_blobs_per_block` blobs per block.
struct BlobParameters {
    uint64_t epoch{0};
    uint64_t max_blobs_per_block{0};
    friend bool operator==(const BlobParameters&, const BlobParameters&) = default;
};

/// A chain: preset, genesis, and fork schedule (versions and activation epochs, kFarFutureEpoch when unscheduled).
struct ChainConfig {
    std::string name;
    Preset preset;
    uint64_t chain_id{1};  ///< The execution chain id that checkpoints carry.
    Hash genesis_validators_root{};
    uint64_t genesis_time{0};  ///< Unix seconds.
    uint64_t seconds_per_slot{12};
    /// Indexed by ssz::Fork (phase0 .. fulu).
    std::array<Version, 7> fork_versions{};
    std::array<uint64_t, 7> fork_epochs{};
    /// BLOB_SCHEDULE (any order; epochs distinct), and MAX_BLOBS_PER_BLOCK_ELECTRA, get_blob_parameters' fallback.
    std::vector<BlobParameters> blob_schedule;
    uint64_t max_blobs_per_block_electra{9};

    /// Ethereum mainnet (configs/mainnet.yaml: Fulu at epoch 411392; BLOB_SCHEDULE 412672 → 15, 419072 → 21).
    static ChainConfig mainnet();
    /// The minimal preset with every fork up to Deneb at epoch 0 and later ones unscheduled (the consensus-spec
    /// tests' minimal config), with the given genesis validators root.
    static ChainConfig minimal(const Hash& genesis_validators_root);

    uint64_t epoch_at_slot(uint64_t slot) const noexcept { return slot / preset.slots_per_epoch; }
    /// compute_sync_committee_period_at_slot.
    uint64_t period_at_slot(uint64_t slot) const noexcept {
        return epoch_at_slot(slot) / preset.epochs_per_sync_committee_period;
    }
    /// The first slot of a period.
    uint64_t period_start_slot(uint64_t period) const noexcept {
        return period * preset.epochs_per_sync_committee_period * preset.slots_per_epoch;
    }
    /// The latest fork active at `epoch`.
    Fork fork_at_epoch(uint64_t epoch) const noexcept;
    Fork fork_at_slot(uint64_t slot) const noexcept { return fork_at_epoch(epoch_at_slot(slot)); }
    /// compute_fork_version(epoch).
    const Version& fork_version_at_epoch(uint64_t epoch) const noexcept {
        return fork_versions[static_cast<std::size_t>(fork_at_epoch(epoch))];
    }
    /// The slot at a Unix time (0 before genesis).
    uint64_t slot_at_time(uint64_t unix_seconds) const noexcept {
        return unix_seconds <= genesis_time ? 0 : (unix_seconds - genesis_time) / seconds_per_slot;
    }
    /// The Unix time of a slot's start.
    uint64_t time_at_slot(uint64_t slot) const noexcept { return genesis_time + slot * seconds_per_slot; }
    /// get_blob_parameters(epoch) (fulu/beacon-chain.md): the schedule entry with the greatest epoch <= `epoch`, or
    /// {ELECTRA_FORK_EPOCH, MAX_BLOBS_PER_BLOCK_ELECTRA} when there is none.
    BlobParameters blob_parameters_at_epoch(uint64_t epoch) const noexcept;
    /// compute_fork_digest(genesis_validators_root, epoch) as of Fulu (fulu/beacon-chain.md): the base digest of
    /// the fork version at `epoch` before FULU_FORK_EPOCH; from it on, the fork data root XOR
    /// sha256(uint64_le(blob_parameters.epoch) || uint64_le(blob_parameters.max_blobs_per_block)), first 4 bytes.
    FixedBytes<4> fork_digest_at_epoch(uint64_t epoch) const noexcept;
    /// The fork whose digest is `digest` at some epoch of this chain, or nullopt: each scheduled fork's digest at its
    /// activation epoch and, from Fulu on, at each blob-schedule entry while that fork is active. A pre-Fulu fork
    /// also matches by its base digest when it shares its epoch with a later fork (so no epoch ever shows it, as
    /// in the minimal test config's forks at genesis). Unscheduled forks (kFarFutureEpoch) never match.
    std::optional<Fork> fork_of_digest(const FixedBytes<4>& digest) const noexcept;
};

/// compute_fork_data_root(version, genesis_validators_root).
Hash compute_fork_data_root(const Version& version, const Hash& genesis_validators_root) noexcept;
/// compute_fork_digest as phase0..electra define it: the first 4 bytes of the fork data root (the "base digest";
/// ChainConfig::fork_digest_at_epoch is the epoch-aware form that applies Fulu's rule).
FixedBytes<4> compute_fork_digest(const Version& version, const Hash& genesis_validators_root) noexcept;
/// Fulu's digest for given blob parameters: (fork data root XOR sha256(uint64_le(blob.epoch) ||
/// uint64_le(blob.max_blobs_per_block)))[:4].
FixedBytes<4> compute_fork_digest(const Version& version, const Hash& genesis_validators_root,
                                  const BlobParameters& blob) noexcept;
/// compute_domain(domain_type, fork_version, genesis_validators_root).
Hash compute_domain(const FixedBytes<4>& domain_type, const Version& version,
                    const Hash& genesis_validators_root) noexcept;
/// compute_signing_root: hash_tree_root(SigningData(object_root, domain)).
Hash compute_signing_root(const Hash& object_root, const Hash& domain) noexcept;

}  // namespace hypasis::beacon
