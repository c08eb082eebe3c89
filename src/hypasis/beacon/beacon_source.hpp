#pragma once
/// The `beacon:` checkpoint source (DESIGN §6): the sync-committee light client over the Beacon API, yielding the
/// verified finalized execution block as a Checkpoint and a verified optimistic head for forward sync's tip.
///
/// It implements checkpoint::BeaconLightClientSource (checkpoint/beacon_source.hpp). One fetch():
/// 1. bootstraps, once, from the latest finalized root persisted in the block store (key
///    "beacon/<chain>/finalized", so a restart needs no new trust input) or else from the configured trusted root;
///    the bootstrap must hash to that root, and its slot must be younger than the weak-subjectivity bound
///    (`max_trusted_age`) unless `allow_old_trusted_root` is set;
/// 2. catches up period by period with /updates (at most 128 per request) up to the clock's period;
/// 3. applies /finality_update, requiring 2/3 participation, and /optimistic_update (a failure of the optimistic
///    update alone does not fail the fetch);
/// 4. persists the verified finalized root.
/// Endpoints are tried in order; an endpoint whose answer fails transport, parsing or verification is recorded
/// (faults()) with the typed reason, and the next one is asked. The client state is only ever changed by verified
/// data (LightClient's guarantee).
///
/// The Checkpoint carries no signatures: the sync committee's aggregate signs the beacon header, not
/// checkpoint_digest(), so this source is its own verifier and last_verified() is the record (rule
/// kEthSyncCommittee, signers = participants, validators = committee size; digest = the finalized beacon root).
///
/// Not thread-safe: one fetch at a time; fetch() runs on the awaiting coroutine's executor.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/beacon/api_client.hpp"
#include "hypasis/beacon/chain_config.hpp"
#include "hypasis/beacon/light_client.hpp"
#include "hypasis/checkpoint/beacon_source.hpp"

namespace hypasis::storage {
class BlockStore;
}

namespace hypasis::beacon {

struct BeaconSourceConfig {
    ChainConfig chain = ChainConfig::mainnet();
    std::vector<std::string> endpoints;  ///< Beacon API base URLs, tried in order.
    Hash trusted_block_root{};           ///< The weak-subjectivity root (used when nothing is persisted).
    checkpoint::HttpOptions http;
    /// Content negotiation with every endpoint (api_client.hpp): SSZ where offered, else JSON, by default.
    Encoding encoding{Encoding::kPreferSsz};
    /// Refuse a trusted root whose block is older than this (Helios's default max checkpoint age is two weeks).
    std::chrono::seconds max_trusted_age{std::chrono::hours(24 * 14)};
    bool allow_old_trusted_root{false};
    /// Unix seconds now; the system clock when unset (tests inject a clock).
    std::function<uint64_t()> now;
};

/// The verification record of a fetch: what was verified, by how many of the committee, from where.
struct BeaconValidation {
    uint64_t finalized_slot{0};
    Hash finalized_root{};  ///< hash_tree_root of the finalized beacon header.
    uint64_t attested_slot{0};
    uint64_t signature_slot{0};
    std::size_t participants{0};
    std::size_t committee_size{0};
    uint64_t period{0};  ///< The sync-committee period of the committee that signed.
    std::string endpoint;
};

/// One bad answer, attributed to the endpoint that gave it.
struct EndpointFault {
    std::string endpoint;
    SourceError error;
    /// Why a 200 answer was refused for its content (media type, SSZ framing, consensus version, ...), when it
    /// was; verification failures have error.code kUnverified instead.
    std::optional<AnswerError> answer;
};

class BeaconSource final : public checkpoint::BeaconLightClientSource {
  public:
    /// `store` (nullable) persists the latest finalized root; it must outlive the source. Throws only
    /// std::bad_alloc.
    BeaconSource(BeaconSourceConfig config, storage::BlockStore* store);

    /// Persists the finalized root in `store` from now on (nullable; it must outlive the source), starting with the
    /// one already verified, if any. For a daemon that verifies its first checkpoint before its store exists.
    /// Returns false when that first write failed (also recorded in faults()). Not thread-safe (as fetch()).
    bool attach_store(storage::BlockStore* store);

    /// "beacon:" and the endpoints, comma-separated.
    const std::string& name() const noexcept override { return name_; }

    /// Syncs as the header comment says and returns the finalized execution block. Errors: kBadUri (no
    /// endpoints), kUnverified (every endpoint's answers were refused, or the trusted root is too old: detail
    /// says which, and faults() has each), or the transport error of the last endpoint when none answered.
    Task<Expected<checkpoint::Checkpoint, SourceError>> fetch() override;

    Expected<checkpoint::VerifiedCheckpoint, SourceError> last_verified() const override;

    /// The verified optimistic head's execution block (chain id, number, hash, state root, time), or nullopt
    /// before the first successful fetch.
    std::optional<checkpoint::Checkpoint> optimistic_head() const;
    /// The record of the last successful fetch.
    const std::optional<BeaconValidation>& validation() const noexcept { return validation_; }
    /// Bad answers since construction, oldest first (at most 256 kept).
    const std::vector<EndpointFault>& faults() const noexcept { return faults_; }
    /// The light client, once bootstrapped.
    const LightClient* client() const noexcept { return client_ ? &*client_ : nullptr; }

    /// The persisted record's key for a chain ("beacon/<name>/finalized"): 32-byte root || 8-byte slot (BE).
    static std::string store_key(const ChainConfig& chain);

  private:
    uint64_t now() const;
    void fault(const std::string& endpoint, SourceError e, std::optional<AnswerError> answer = std::nullopt);
    void fault(const std::string& endpoint, const ApiError& e) { fault(endpoint, e.error, e.answer); }
    Task<Expected<void, SourceError>> ensure_bootstrapped();
    Task<void> catch_up();
    Task<Expected<void, SourceError>> finalize();
    /// Writes validation_'s finalized root and slot to store_ (when both are set); false when the write failed.
    bool persist();
    checkpoint::Checkpoint to_checkpoint(const ssz::LightClientHeader& h) const;

    BeaconSourceConfig config_;
    storage::BlockStore* store_;
    std::string name_;
    std::vector<BeaconApiClient> apis_;
    std::optional<LightClient> client_;
    std::optional<BeaconValidation> validation_;
    std::optional<SourceError> last_error_;
    std::vector<EndpointFault> faults_;
};

}  // namespace hypasis::beacon
