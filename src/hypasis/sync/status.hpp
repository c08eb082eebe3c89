#pragma once
/// What the sync engine shows the outside world (the REST API, metrics, `hypasis status`), and the one control it
/// accepts from there (pause and resume of the backward side). A snapshot is a plain copy: it never changes after
/// status() returns, and building one takes a lock only briefly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::sync {

/// The two pipelines (labels `direction="forward|backward"` in metrics).
enum class Direction { kForward, kBackward };

/// "forward" / "backward".
constexpr std::string_view to_string(Direction d) noexcept { return d == Direction::kForward ? "forward" : "backward"; }

/// Where the engine is in its life.
enum class Phase {
    kStarting,       ///< Not yet bootstrapping (opening the store, starting peers).
    kBootstrapping,  ///< Fetching and verifying the checkpoint and its header.
    kRunning,        ///< Anchored: forward and backward pipelines run (ready).
    kStopping,       ///< Shutting down.
    kFailed,         ///< Stopped by an error (SyncStatus::error says which).
};

/// "starting", "bootstrapping", "running", "stopping", "failed".
constexpr std::string_view to_string(Phase p) noexcept {
    switch (p) {
        case Phase::kStarting: return "starting";
        case Phase::kBootstrapping: return "bootstrapping";
        case Phase::kRunning: return "running";
        case Phase::kStopping: return "stopping";
        case Phase::kFailed: return "failed";
    }
    return "unknown";
}

/// A token bucket's view (bandwidth) or the worker pool's (CPU) for one direction.
struct BudgetStatus {
    double share{0};              ///< Configured share of the total, 0..1 (0.7 forward, 0.3 backward by default).
    double limit_per_second{0};   ///< Configured total × share (bytes/s for bandwidth; 0 = unlimited).
    uint64_t used{0};             ///< Bytes charged (bandwidth) or microseconds of work (CPU), since start.
    uint64_t borrowed{0};         ///< Of `used`, what came from the other direction's unused share.
    uint64_t waits{0};            ///< Times a request waited for budget.
};

/// One pipeline's progress.
struct DirectionStatus {
    /// "idle", "syncing", "paused", "done" (backward reached its history limit), "waiting" (no usable peer).
    std::string state{"idle"};
    uint64_t blocks{0};              ///< Blocks (headers) stored by this direction since start.
    uint64_t bodies{0};              ///< Bodies stored since start.
    uint64_t receipts{0};            ///< Receipt lists stored since start.
    uint64_t bytes{0};               ///< Response bytes received since start.
    uint64_t requests{0};            ///< Requests sent since start.
    uint64_t failed_requests{0};     ///< Requests that failed or were rejected (bad data, timeout).
    double blocks_per_second{0};     ///< Recent rate (moving average over the last seconds).
    double bytes_per_second{0};      ///< Recent rate.
    /// Forward: the highest stored block. Backward: the lowest block of the contiguous run that ends at the anchor.
    std::optional<uint64_t> height;
    /// Forward: the tip it follows. Backward: the history limit (0 = genesis).
    std::optional<uint64_t> target;
    /// Blocks left to the target and the time to get there at the current rate (no ETA while the rate is 0).
    uint64_t remaining{0};
    std::optional<double> eta_seconds;
    BudgetStatus bandwidth;
    BudgetStatus cpu;
};

/// One missing range [first, end) below the anchor, as the backward side sees it, in the pass under way: headers
/// first, then bodies, then receipts (as the history mode asks).
struct GapStatus {
    storage::DataKind kind{storage::DataKind::kHeaders};  ///< What is missing in it.
    uint64_t first{0};
    uint64_t end{0};
    uint64_t filled{0};                ///< Headers pass: blocks of it filled since this run found it (else 0).
    std::optional<double> eta_seconds; ///< At the pass's current rate, counting the gaps filled before it.
};

/// The whole engine.
struct SyncStatus {
    Phase phase{Phase::kStarting};
    bool ready{false};          ///< Anchored and serving (readyz).
    std::string error;          ///< Why phase is kFailed.
    std::string history_mode;   ///< "headers", "bodies" or "full".
    bool backward_paused{false};

    /// The trusted anchor (the verified checkpoint's block), once bootstrapped.
    std::optional<uint64_t> anchor_number;
    Hash anchor_hash{};
    /// The tip forward follows, and how far the stored head is behind it.
    std::optional<uint64_t> tip_number;
    Hash tip_hash{};
    uint64_t tip_lag_blocks{0};
    double tip_lag_seconds{0};  ///< Now minus the stored head's timestamp, when the tip is known (else 0).

    DirectionStatus forward;
    DirectionStatus backward;
    std::vector<GapStatus> gaps;  ///< Newest first, at most a bounded number (the REST API reads the store for all).
};

/// What the REST API may do to the engine. Thread-safe: called from the API's threads.
class SyncControl {
  public:
    virtual ~SyncControl() = default;
    /// A snapshot.
    virtual SyncStatus status() const = 0;
    /// Pauses the backward side: no new requests start (requests in flight finish and are stored). Idempotent.
    virtual void pause_backward() = 0;
    /// Resumes it. Idempotent.
    virtual void resume_backward() = 0;
};

}  // namespace hypasis::sync
