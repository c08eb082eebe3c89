#pragma once
/// A beacon chain's light-client parameters: the preset (consensus specs presets/{mainnet,minimal}), the fork
/// schedule and genesis validators root (configs/), and the signing helpers of phase0 beacon-chain.md
/// (compute_fork_data_root, compute_fork_digest, compute_domain, compute_signing_root).
///
/// Plain values; every function is pure, noexcept and thread-safe.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

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

    /// Ethereum mainnet (configs/mainnet.yaml; Fulu at epoch 411392).
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
    /// The fork whose compute_fork_digest(version, genesis_validators_root) is `digest` (pre-Fulu formula), or
    /// nullopt.
    std::optional<Fork> fork_of_digest(const FixedBytes<4>& digest) const noexcept;
};

/// compute_fork_data_root(version, genesis_validators_root).
Hash compute_fork_data_root(const Version& version, const Hash& genesis_validators_root) noexcept;
/// compute_fork_digest: the first 4 bytes of the fork data root (the phase0..electra formula; Fulu's blob-parameter
/// mixing is not applied: the light client never needs Fulu digests).
FixedBytes<4> compute_fork_digest(const Version& version, const Hash& genesis_validators_root) noexcept;
/// compute_domain(domain_type, fork_version, genesis_validators_root).
Hash compute_domain(const FixedBytes<4>& domain_type, const Version& version,
                    const Hash& genesis_validators_root) noexcept;
/// compute_signing_root: hash_tree_root(SigningData(object_root, domain)).
Hash compute_signing_root(const Hash& object_root, const Hash& domain) noexcept;

}  // namespace hypasis::beacon
