#pragma once
/// ApiBackend: everything the REST API reads from the running node, and the two things it may do to it, as a struct
/// of callbacks. The API never holds the engine, the peer manager or the store itself: the node fills the callbacks
/// (make_backend() below does it for the usual objects), and tests fill them with known values. This keeps serve/
/// on the interfaces of sync/, p2p/ and storage/ (DESIGN §1) and lets one test exercise every route without a
/// node.
///
/// Every callback is optional: an empty std::function means "this node has no such thing", and the routes that
/// need it answer 503 {"error": "... not available"} (metrics simply leave those families out). `status` is the
/// exception that readyz needs: without it the node is never ready.
///
/// Threading: the server calls the callbacks from its own executor's thread, one request at a time per
/// connection and possibly from several connections in turn (never two at once when the executor is a single
/// thread, as the node runs it). They must be thread-safe with respect to the node's other threads. They may
/// block briefly (a RocksDB read for the gaps or the checkpoints): the server's thread is its own, never a p2p or
/// sync thread. A callback that throws gives a 500 JSON error for that request; it never reaches the server.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/checkpoint/registry.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/peers/ban_store.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::serve {

struct ApiBackend {
    /// The engine's snapshot (sync::SyncControl::status()). /api/v1/status, /readyz, /metrics, the per-gap ETAs.
    std::function<sync::SyncStatus()> status;
    /// Connected peers (PeerService::peers()). /api/v1/peers, peer counts in status and metrics.
    std::function<std::vector<p2p::peers::PeerInfo>()> peers;
    /// Active bans (PeerManager::bans()). /api/v1/peers "banned", metrics.
    std::function<std::vector<p2p::peers::Ban>()> bans;
    /// The peer manager's counters (PeerManager::stats()), for metrics.
    std::function<p2p::peers::PeerManagerStats()> peer_stats;
    /// Every missing range of `kind` that sync is expected to fill, ascending, as [first, end): for the usual store,
    /// the gaps of the kind inside [history_limit, highest stored header + 1). /api/v1/gaps, metrics.
    std::function<std::vector<storage::Range>(storage::DataKind kind)> gaps;
    /// The store's counters (BlockStore::stats(): cache hits and misses, corruptions). Metrics.
    std::function<storage::StoreStats()> store_stats;
    /// Every verified checkpoint, newest first (CheckpointRegistry::list()), or the registry's error message.
    std::function<Expected<std::vector<checkpoint::RegistryEntry>, std::string>()> checkpoints;
    /// Pause and resume of the backward side (SyncControl::pause_backward / resume_backward). Idempotent.
    std::function<void()> pause;
    std::function<void()> resume;
};

/// The objects make_backend() reads. Every pointer may be null (the matching callbacks stay empty); each one that
/// is set must outlive the server.
struct BackendSources {
    sync::SyncControl* control{nullptr};        ///< status, pause, resume
    p2p::peers::PeerService* peers{nullptr};    ///< peers (used when `manager` is null)
    p2p::peers::PeerManager* manager{nullptr};  ///< peers, bans, peer_stats
    storage::BlockStore* store{nullptr};        ///< gaps, store_stats, checkpoints (a CheckpointRegistry per call)
    /// The lowest block sync fills (the history limit); gaps below it are not reported.
    uint64_t history_limit{0};
};

/// A backend over the usual objects:
/// - gaps(kind) = store.gaps(kind, [history_limit, head(headers) + 1)): bodies and receipts are due wherever a
///   header is stored (the router leaves out the kinds the SyncStatus history mode does not fill);
/// - checkpoints() builds a CheckpointRegistry over the store for each call and lists it (read only: the registry
///   itself is not thread-safe, but its list() only reads the store, which is).
/// Throws only std::bad_alloc.
ApiBackend make_backend(const BackendSources& sources);

}  // namespace hypasis::serve
