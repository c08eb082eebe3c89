#pragma once
/// Bootstrap (DESIGN §7.1, issue #7 item 2): fetch the latest checkpoint, verify it, fetch the header it names from
/// peers, check it, and record it as the trusted anchor. A restart reads the anchor back from the store instead.
///
/// The steps are split so that nothing is written before everything is checked:
/// - fetch_verified_checkpoint() touches no store: a checkpoint that fails verification writes nothing.
/// - anchor_checkpoint() fetches and checks the header (hash, number, state root, timestamp) before its first
///   write, then writes, in this order: the registry entry (optional), the header (put_headers), and the
///   `sync/anchor` record. A crash in between leaves a header without an anchor record, which the next start
///   simply bootstraps again (the writes are idempotent).
///
/// The anchor record (key "sync/anchor") is rlp([version = 1, block_num, block_hash]).
///
/// Threading: the coroutines run on the awaiting coroutine's executor. The store calls are short (one header, one
/// record) and run inline. read_anchor / write_anchor are blocking store calls, thread-safe as the store is.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/checkpoint/beacon_source.hpp"
#include "hypasis/checkpoint/registry.hpp"
#include "hypasis/checkpoint/source.hpp"
#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::sync {

using p2p::Executor;
using p2p::Task;

/// The store key of the anchor record.
inline constexpr std::string_view kAnchorRecordKey = "sync/anchor";

/// The trusted anchor: the verified checkpoint's block, stored at bootstrap.
struct Anchor {
    uint64_t block_num{0};
    Hash block_hash{};
    friend bool operator==(const Anchor&, const Anchor&) = default;
};

/// Why bootstrap stopped.
enum class [[nodiscard]] BootstrapErrc{
    kSource = 1,       ///< The checkpoint source gave no checkpoint (detail has the SourceError text).
    kVerify,           ///< The checkpoint failed verification (detail has the VerifyError: insufficient stake,
                       ///< wrong chain, bad signature, ...; `verify` has its code).
    kHeaderMismatch,   ///< The block the checkpoint names is not what it says: the header with that hash has another
                       ///< number, state root or timestamp, or the peers only served headers of another hash.
    kNoPeerAnswered,   ///< No peer served the checkpoint's header before the deadline.
    kAnchorConflict,   ///< The store already holds a different anchor (re-anchoring is not supported).
    kMalformedAnchor,  ///< The stored anchor record does not decode.
    kStore,            ///< The block store or the checkpoint registry failed (detail says which).
};

/// A short, stable name ("verification failed", "no peer answered", ...).
std::string_view to_string(BootstrapErrc e) noexcept;

/// A bootstrap failure.
struct BootstrapError {
    BootstrapErrc code{BootstrapErrc::kStore};
    std::string detail;                            ///< For people: the rest of the sentence.
    std::optional<checkpoint::VerifyErrc> verify;  ///< Set for kVerify.
    std::optional<checkpoint::SourceErrc> source;  ///< Set for kSource.
};

/// "verification failed: insufficient stake: signed 200 of 300, ..." and the like. Throws only std::bad_alloc.
std::string to_string(const BootstrapError& e);

/// Fetches the source's checkpoint and verifies it against `validators`. Writes nothing anywhere.
/// Errors: kSource (with the SourceError), kVerify (with the VerifyError). Throws only std::bad_alloc.
Task<Expected<checkpoint::VerifiedCheckpoint, BootstrapError>> fetch_verified_checkpoint(
    checkpoint::CheckpointSource& source, const checkpoint::ValidatorSet& validators);

/// The same for a source that verifies what it fetches (the beacon light client: the sync committee signs the
/// beacon header, not a checkpoint digest): its verification record is the result. A fetch the source refused
/// (SourceErrc::kUnverified) is kVerify; any other fetch failure is kSource. Writes nothing anywhere (the beacon
/// source may persist its own finalized root in the store it was given).
Task<Expected<checkpoint::VerifiedCheckpoint, BootstrapError>> fetch_verified_checkpoint(
    checkpoint::BeaconLightClientSource& source);

/// Optional parts of anchoring.
struct AnchorOptions {
    /// When set, the verified checkpoint is added to this registry (freshness checked at `now` against `freshness`)
    /// before anything else is written; a refusal (stale, revoked, ...) is kStore with the registry's reason, and
    /// nothing is written.
    checkpoint::CheckpointRegistry* registry{nullptr};
    std::string source_name{"bootstrap"};
    uint64_t now{0};  ///< Unix seconds for the freshness check (0: the system clock).
    checkpoint::FreshnessPolicy freshness{};
    /// Pause between rounds over the peers when none served the header (no peers yet, timeouts).
    std::chrono::milliseconds retry_interval{200};
};

/// Fetches the checkpoint's header by hash from the peers of `peers` (each peer in turn, rounds repeated until
/// `deadline`), checks that it hashes to block_hash and carries the checkpoint's number, state root and timestamp,
/// then stores it (put_headers), writes the anchor record and returns the anchor. A peer whose answer does not hash
/// to the requested block is reported (kInvalidData) and skipped. Bodies and receipts of the anchor block are left
/// to the backward side, which fills them for every stored header.
/// When the store already holds this same anchor, the header is still checked and the call succeeds (idempotent).
/// Errors: kHeaderMismatch (nothing written), kNoPeerAnswered (nothing written), kAnchorConflict, kMalformedAnchor,
/// kStore. Throws only std::bad_alloc.
Task<Expected<Anchor, BootstrapError>> anchor_checkpoint(storage::BlockStore& store, p2p::peers::PeerService& peers,
                                                         const checkpoint::VerifiedCheckpoint& checkpoint,
                                                         p2p::Clock::time_point deadline, AnchorOptions options);

/// The anchor recorded in `store`, or nullopt when there is none (a fresh store). Errors: kMalformedAnchor,
/// kStore. Blocking store I/O; thread-safe.
Expected<std::optional<Anchor>, BootstrapError> read_anchor(const storage::BlockStore& store);

/// Writes the anchor record (durably). Errors: kStore. Blocking store I/O; thread-safe.
Expected<void, BootstrapError> write_anchor(storage::BlockStore& store, const Anchor& anchor);

/// The record's bytes: rlp([1, block_num, block_hash]). Exposed for tests.
Bytes encode_anchor(const Anchor& anchor);
/// The inverse of encode_anchor; nullopt for anything else (strict: canonical RLP, version 1, no trailing bytes).
std::optional<Anchor> decode_anchor(ByteView bytes) noexcept;

}  // namespace hypasis::sync
