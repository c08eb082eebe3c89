#pragma once
/// SyncEngine: the coordinator of an anchored node (DESIGN §7, issue #7 item 2). It owns the budget, a budgeted
/// view of the peer pool per direction, the forward syncer and the backward syncer, runs both pipelines at once on
/// one executor (forward started first), and merges their state into one SyncStatus for the REST API and metrics.
///
/// Bootstrap happens before the engine exists (bootstrap.hpp): the node fetches and verifies the checkpoint,
/// anchors it (or reads the stored anchor on a restart) and then builds the engine with that Anchor. So the engine
/// starts in phase kRunning with ready = true once run() begins, and kFailed (with the reason) when the store holds
/// no header to follow from.
///
/// Wiring (what the engine builds from its arguments):
/// - Budget(config.budget): the 70/30 token buckets and the priority CPU pool;
/// - BudgetedPeerService(peers, budget, kForward) for the forward syncer and (…, kBackward) for the backward one,
///   so each side's bytes are charged to its own bucket and counted for its DirectionStatus;
/// - config.mode overrides forward.mode and backward.mode (one history mode for the node).
///
/// Threading: the constructor, run() and the syncers' coroutines run on `executor` (single-threaded: one
/// io_context thread or a strand). stop(), status(), pause_backward(), resume_backward(), set_trusted_tip() and
/// set_head_changed() are thread-safe (the REST API calls them from its own threads). The store, the peer service
/// and the spec must outlive the engine; destroy it only after run() has completed.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/sync/backward_syncer.hpp"
#include "hypasis/sync/bootstrap.hpp"
#include "hypasis/sync/budget.hpp"
#include "hypasis/sync/budgeted_peers.hpp"
#include "hypasis/sync/fetch.hpp"
#include "hypasis/sync/forward_syncer.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::sync {

struct EngineConfig {
    HistoryMode mode{HistoryMode::kFull};  ///< Overrides forward.mode and backward.mode.
    BudgetConfig budget;
    ForwardConfig forward;
    BackwardConfig backward;
};

class SyncEngine final : public SyncControl {
  public:
    /// Builds the budget, the budgeted peer views and both syncers; nothing runs before run(). Throws
    /// std::system_error when the budget's CPU threads cannot start.
    SyncEngine(Executor executor, storage::BlockStore& store, p2p::peers::PeerService& peers,
               const chain::ChainSpec& spec, Anchor anchor, EngineConfig config);
    ~SyncEngine() override;
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    /// Runs the forward and the backward pipelines concurrently (forward started first) until stop(); completes
    /// when both have ended. Must be awaited on the executor; call once. Sets phase kFailed (and returns at once)
    /// when the store holds no header. Throws only std::bad_alloc.
    Task<void> run();
    /// Stops both pipelines (phase kStopping until run() completes). Thread-safe, idempotent.
    void stop();

    // --- SyncControl ---
    /// Both directions (with their budgeted services' request and byte counters), the budgets, the tip and its
    /// lag (blocks, and seconds from the stored head's timestamp to now), and the backward side's gaps.
    SyncStatus status() const override;
    void pause_backward() override;
    void resume_backward() override;

    /// Forwarded to the forward syncer (thread-safe): a trusted tip, and the head-moved callback (e.g.
    /// PeerManager::notify_head_changed()).
    void set_trusted_tip(uint64_t number, Hash hash);
    void set_head_changed(std::function<void(uint64_t)> callback);

    /// The parts, for tests and metrics.
    ForwardSyncer& forward() noexcept { return *forward_; }
    BackwardSyncer& backward() noexcept { return *backward_; }
    Budget& budget() noexcept { return *budget_; }
    BudgetedPeerService::Counters forward_counters() const noexcept { return forward_peers_->counters(); }
    BudgetedPeerService::Counters backward_counters() const noexcept { return backward_peers_->counters(); }

  private:
    void set_phase(Phase phase, std::string error = {});

    Executor executor_;
    storage::BlockStore& store_;
    Anchor anchor_;
    EngineConfig config_;
    std::unique_ptr<Budget> budget_;
    std::unique_ptr<BudgetedPeerService> forward_peers_;
    std::unique_ptr<BudgetedPeerService> backward_peers_;
    std::unique_ptr<ForwardSyncer> forward_;
    std::unique_ptr<BackwardSyncer> backward_;
    std::atomic<bool> stopped_{false};

    mutable std::mutex mutex_;
    Phase phase_{Phase::kStarting};
    bool ready_{false};
    std::string error_;
};

}  // namespace hypasis::sync
