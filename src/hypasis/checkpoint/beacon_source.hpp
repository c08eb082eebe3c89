#pragma once
/// The interface of the Ethereum beacon light-client source; its implementation (and its configuration,
/// beacon::BeaconSourceConfig) is beacon::BeaconSource in src/hypasis/beacon/.
///
/// It follows the consensus specs' altair light-client sync protocol over the standard Beacon API:
/// - bootstrap from a trusted block root: GET /eth/v1/beacon/light_client/bootstrap/{block_root}, checked against
///   the root (current_sync_committee branch);
/// - sync committee periods: GET /eth/v1/beacon/light_client/updates?start_period=&count=;
/// - finality: GET /eth/v1/beacon/light_client/finality_update.
/// The finalized header's execution payload header (Capella and later) becomes the Checkpoint: chain id from the
/// configuration, block_num, block_hash, state_root and timestamp from the payload. Its signature is the sync
/// committee's aggregate over the beacon header's signing root, not over checkpoint_digest(), so this source
/// verifies it itself and exposes the verification record (last_verified()).
#include "hypasis/checkpoint/source.hpp"
#include "hypasis/checkpoint/verify.hpp"

namespace hypasis::checkpoint {

class BeaconLightClientSource : public CheckpointSource {
  public:
    /// The latest finalized execution block as a Checkpoint, once the light client has verified the finality
    /// update (sync committee participants × 3 ≥ 512 × 2, QuorumRule::kEthSyncCommittee, and the Merkle branches).
    Task<Expected<Checkpoint, SourceError>> fetch() override = 0;

    /// The verification record of the last fetch(): rule kEthSyncCommittee, signers = participants, validators =
    /// committee size. Errors: kUnverified when the last fetch failed verification.
    virtual Expected<VerifiedCheckpoint, SourceError> last_verified() const = 0;
};

}  // namespace hypasis::checkpoint
