#pragma once
/// The beacon-chain containers of the light-client sync protocol, as SSZ defines them, from Altair to Fulu
/// (consensus specs: phase0 beacon-chain.md, altair/light-client/sync-protocol.md, capella/, deneb/ and electra/
/// light-client/sync-protocol.md, and the execution payload headers of capella/ and deneb/ beacon-chain.md).
///
/// One struct per container covers every fork: each top-level container and each LightClientHeader records the
/// fork whose SSZ *form* it has (`fork`), which decides its layout and its hash_tree_root:
/// - Altair and Bellatrix headers are the beacon header only; Capella on add the execution payload header and its
///   branch; Deneb on the payload header has blob_gas_used and excess_blob_gas (Electra and Fulu add nothing to
///   it: execution requests live in the block body).
/// - Electra's BeaconState has more than 32 fields, so from Electra the sync-committee branches are 6 long (not 5)
///   and the finality branch 7 (not 6).
/// The sync-committee size is a preset (512 mainnet, 32 minimal): the vectors here have whatever size was decoded
/// or built, and the decoder is told the size.
///
/// All types are plain values: copyable, comparable, no invariants beyond what the decoder checks.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::ssz {

/// The consensus forks, in order. Only kAltair and later have light-client containers.
enum class Fork : uint8_t { kPhase0 = 0, kAltair, kBellatrix, kCapella, kDeneb, kElectra, kFulu };

/// "phase0", "altair", ... "fulu" (the Beacon API's `version` and Eth-Consensus-Version values).
std::string_view to_string(Fork f) noexcept;
/// The inverse of to_string(Fork), case-sensitive; nullopt for anything else.
std::optional<Fork> fork_from_string(std::string_view s) noexcept;

/// True when the fork's LightClientHeader carries an execution payload header (Capella and later).
constexpr bool has_execution(Fork f) noexcept { return f >= Fork::kCapella; }
/// Length of current/next_sync_committee_branch in the fork's containers: 5, or 6 from Electra.
constexpr std::size_t sync_committee_branch_length(Fork f) noexcept { return f >= Fork::kElectra ? 6 : 5; }
/// Length of finality_branch in the fork's containers: 6, or 7 from Electra.
constexpr std::size_t finality_branch_length(Fork f) noexcept { return f >= Fork::kElectra ? 7 : 6; }
/// Length of execution_branch (floorlog2(EXECUTION_PAYLOAD_GINDEX = 25)).
inline constexpr std::size_t kExecutionBranchLength = 4;
/// MAX_EXTRA_DATA_BYTES.
inline constexpr std::size_t kMaxExtraDataBytes = 32;

using BlsPubkeyBytes = FixedBytes<48>;
using BlsSignatureBytes = FixedBytes<96>;

/// BeaconBlockHeader (phase0).
struct BeaconBlockHeader {
    uint64_t slot{0};
    uint64_t proposer_index{0};
    Hash parent_root{};
    Hash state_root{};
    Hash body_root{};
    friend bool operator==(const BeaconBlockHeader&, const BeaconBlockHeader&) = default;
};

/// ExecutionPayloadHeader, the union of Capella's and Deneb's fields (blob_gas_used and excess_blob_gas exist
/// from Deneb; for a Capella form they are zero and not part of the encoding or the root).
struct ExecutionPayloadHeader {
    Hash parent_hash{};
    Address fee_recipient{};
    Hash state_root{};
    Hash receipts_root{};
    Bloom logs_bloom{};
    Hash prev_randao{};
    uint64_t block_number{0};
    uint64_t gas_limit{0};
    uint64_t gas_used{0};
    uint64_t timestamp{0};
    Bytes extra_data;            ///< At most kMaxExtraDataBytes.
    Hash base_fee_per_gas_le{};  ///< uint256, little-endian as SSZ stores it.
    Hash block_hash{};
    Hash transactions_root{};
    Hash withdrawals_root{};
    uint64_t blob_gas_used{0};
    uint64_t excess_blob_gas{0};
    friend bool operator==(const ExecutionPayloadHeader&, const ExecutionPayloadHeader&) = default;
};

/// LightClientHeader. `execution` and `execution_branch` exist in the encoding from Capella on; in an Altair form
/// they are default.
struct LightClientHeader {
    Fork fork{Fork::kAltair};
    BeaconBlockHeader beacon;
    ExecutionPayloadHeader execution;
    std::array<Hash, kExecutionBranchLength> execution_branch{};
    friend bool operator==(const LightClientHeader&, const LightClientHeader&) = default;
};

/// SyncCommittee: SYNC_COMMITTEE_SIZE compressed public keys and their aggregate (not parsed here: see
/// crypto::BlsPublicKey for the costly, validating parse).
struct SyncCommittee {
    std::vector<BlsPubkeyBytes> pubkeys;
    BlsPubkeyBytes aggregate_pubkey{};
    /// True when every key and the aggregate are zero bytes (the spec's SyncCommittee() default).
    bool is_zero() const noexcept;
    friend bool operator==(const SyncCommittee&, const SyncCommittee&) = default;
};

/// SyncAggregate: a Bitvector[SYNC_COMMITTEE_SIZE] (bit i is byte i / 8, bit i % 8) and the aggregate signature.
struct SyncAggregate {
    Bytes bits;  ///< SYNC_COMMITTEE_SIZE / 8 bytes.
    BlsSignatureBytes signature{};
    /// The committee size the bits stand for.
    std::size_t size() const noexcept { return bits.size() * 8; }
    bool bit(std::size_t i) const noexcept { return (bits[i / 8] >> (i % 8)) & 1; }
    /// sum(sync_committee_bits).
    std::size_t participants() const noexcept;
    friend bool operator==(const SyncAggregate&, const SyncAggregate&) = default;
};

struct LightClientBootstrap {
    Fork fork{Fork::kAltair};
    LightClientHeader header;
    SyncCommittee current_sync_committee;
    std::vector<Hash> current_sync_committee_branch;
    friend bool operator==(const LightClientBootstrap&, const LightClientBootstrap&) = default;
};

struct LightClientUpdate {
    Fork fork{Fork::kAltair};
    LightClientHeader attested_header;
    SyncCommittee next_sync_committee;
    std::vector<Hash> next_sync_committee_branch;
    LightClientHeader finalized_header;
    std::vector<Hash> finality_branch;
    SyncAggregate sync_aggregate;
    uint64_t signature_slot{0};
    friend bool operator==(const LightClientUpdate&, const LightClientUpdate&) = default;
};

struct LightClientFinalityUpdate {
    Fork fork{Fork::kAltair};
    LightClientHeader attested_header;
    LightClientHeader finalized_header;
    std::vector<Hash> finality_branch;
    SyncAggregate sync_aggregate;
    uint64_t signature_slot{0};
    friend bool operator==(const LightClientFinalityUpdate&, const LightClientFinalityUpdate&) = default;
};

struct LightClientOptimisticUpdate {
    Fork fork{Fork::kAltair};
    LightClientHeader attested_header;
    SyncAggregate sync_aggregate;
    uint64_t signature_slot{0};
    friend bool operator==(const LightClientOptimisticUpdate&, const LightClientOptimisticUpdate&) = default;
};

/// A default (all-zero) header of the given form, the spec's LightClientHeader().
LightClientHeader empty_header(Fork form) noexcept;
/// A default (all-zero) committee of `size` keys, the spec's SyncCommittee().
SyncCommittee empty_sync_committee(std::size_t size);

/// The full update that a finality update stands for (empty next committee, zero branch), as
/// process_light_client_finality_update builds it. Throws only std::bad_alloc.
LightClientUpdate to_update(const LightClientFinalityUpdate& u);
/// The full update that an optimistic update stands for (no finality, no next committee; the empty committee is
/// sized by the aggregate's bits). Throws only std::bad_alloc.
LightClientUpdate to_update(const LightClientOptimisticUpdate& u);

}  // namespace hypasis::ssz
