#pragma once
/// The registry of verified checkpoints, persisted in the block store's meta records under "ckpt/"
/// (BlockStore::put_record). docs/checkpoints.md has the layout.
///
/// - add() stores a VerifiedCheckpoint with its validation record (rule, signed and total stake, signer count,
///   source, time of verification), after the freshness check.
/// - list() returns every stored checkpoint, newest first (by timestamp, then block number).
/// - current(chain) is the newest stored checkpoint of the chain that is not revoked.
/// - rollback(chain, block_num) makes an earlier checkpoint current again by revoking every newer one. The
///   revocations are one record per chain, written in one put, so a crash leaves the rollback either done or not;
///   a restart reads them back. A revoked checkpoint is refused by add() from then on (kRevoked): once an operator
///   has declared it compromised, no source can bring it back.
///
/// Records larger than the store's 64 KiB value limit (about 300 ECDSA signatures and up) are split into parts;
/// part 0, written last, carries the part count, so a crash in the middle of an add leaves an incomplete record
/// that list() skips.
///
/// Every method does blocking store I/O: call it from a storage thread, never a network thread (STYLE.md, Async).
/// Not thread-safe: one caller at a time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::checkpoint {

/// How old a checkpoint may be (compare Helios's --strict-checkpoint-age).
struct FreshnessPolicy {
    std::chrono::seconds max_age{std::chrono::hours(24 * 14)};  ///< Older is refused (kStale) unless allow_stale.
    bool allow_stale{false};                                    ///< The operator's explicit override.
    std::chrono::seconds max_future{std::chrono::minutes(15)};  ///< Clock skew allowed for a timestamp ahead of now.
};

enum class [[nodiscard]] RegistryErrc{
    kStore = 1,           ///< The block store failed (detail has its message).
    kCorrupt,             ///< A stored record does not decode.
    kStale,               ///< Older than FreshnessPolicy::max_age (detail has the ages).
    kFromFuture,          ///< Timestamp further ahead of now than max_future.
    kRevoked,             ///< add(): this checkpoint was revoked by a rollback.
    kNotFound,            ///< rollback(): no such checkpoint of that chain.
    kNotEarlier,          ///< rollback(): the target is not older than the current checkpoint.
    kTooManyRevocations,  ///< More revocations than one record holds (kMaxRevocations per chain).
};

std::string_view to_string(RegistryErrc e) noexcept;

struct RegistryError {
    RegistryErrc code{RegistryErrc::kStore};
    std::string detail;
};

std::string to_string(const RegistryError& e);

/// One stored checkpoint.
struct RegistryEntry {
    VerifiedCheckpoint checkpoint;
    std::string source;       ///< Where it came from (a URI, "cli", ...).
    uint64_t verified_at{0};  ///< Unix seconds.
    bool revoked{false};
    bool current{false};  ///< The current checkpoint of its chain.
};

/// Checks the age of `c` at `now` (Unix seconds) against `policy`: kStale or kFromFuture. noexcept but for the
/// message (std::bad_alloc).
Expected<void, RegistryError> check_freshness(const Checkpoint& c, uint64_t now, const FreshnessPolicy& policy);

class CheckpointRegistry {
  public:
    static constexpr std::size_t kMaxRevocations = 1600;  ///< 40 bytes each in one 64 KiB record.

    /// `store` must outlive the registry.
    explicit CheckpointRegistry(storage::BlockStore& store) noexcept : store_(store) {}

    /// Stores `v` (freshness checked at `now`, Unix seconds). Storing the same checkpoint again replaces its
    /// record. Errors: kStale, kFromFuture, kRevoked, kStore, kCorrupt (the revocation record).
    Expected<void, RegistryError> add(const VerifiedCheckpoint& v, std::string_view source, uint64_t now,
                                      const FreshnessPolicy& policy);

    /// Every stored checkpoint, newest first, with revoked and current flags. Errors: kStore, kCorrupt.
    Expected<std::vector<RegistryEntry>, RegistryError> list() const;

    /// The current checkpoint of `chain_id`, or nullopt when none is stored (or all are revoked).
    Expected<std::optional<RegistryEntry>, RegistryError> current(uint64_t chain_id) const;

    /// Makes the checkpoint of `chain_id` at `block_num` (with `block_hash` when given; required when two are
    /// stored at that number) current by revoking every newer one of that chain. Returns the new current entry.
    /// Errors: kNotFound, kNotEarlier (not older than the current one, or itself revoked), kTooManyRevocations,
    /// kStore, kCorrupt.
    Expected<RegistryEntry, RegistryError> rollback(uint64_t chain_id, uint64_t block_num,
                                                    std::optional<Hash> block_hash);

  private:
    Expected<std::vector<std::pair<uint64_t, Hash>>, RegistryError> revoked(uint64_t chain_id) const;
    storage::BlockStore& store_;
};

}  // namespace hypasis::checkpoint
