#pragma once
/// BackwardSyncer: fills history below what the store already trusts (DESIGN §7.3, issue #7 "Backward syncer").
///
/// **What it fills.** Every header gap in [history_limit, highest stored header) — the gap's upper neighbour is
/// always a stored (trusted) header — newest gap first. A range the store dropped after an integrity failure
/// becomes such a gap and is fetched again. Once no header gap is left, and by history mode, the bodies and then
/// the receipts of stored headers in that range that lack them, newest first.
///
/// **Headers.** A gap is cut from the top into batches [lo, hi), each requested as GetBlockHeaders(origin hi-1,
/// reverse) from a peer chosen by PeerSelector (eth/69 range, reputation, throughput; batch size adapted per
/// peer). Up to max_parallel_batches are outstanding at once (in flight, or answered and waiting). A batch is
/// accepted only when it is the one just below the trusted frontier: then check_headers_descending (fetch.hpp)
/// checks hash linkage to the frontier header and validate_header on every pair, and put_headers stores it (the
/// tracker commits with the rows). Batches below wait in memory for the one above, bounded by
/// max_parallel_batches × max_batch headers. A short answer keeps its top part and re-queues the rest.
///
/// **Bodies / receipts** are matched to their stored (trusted) headers' roots (check_bodies / check_receipts)
/// and stored as they arrive with put_bodies / put_receipts; no ordering is needed.
///
/// **Bad peers.** Data that fails a check is reported as Misbehaviour::kInvalidData; an empty answer for a range
/// the peer's eth/69 range claims is kUselessResponse. Request errors were already penalised by the peer layer.
/// The range goes back to the queue and the peer cools down (PeerSelector), so another peer completes it.
///
/// **Budget.** Validation and store writes run on Budget's CPU pool as backward jobs (run_cpu); the bandwidth
/// budget is applied by the PeerService given (the engine passes a BudgetedPeerService for kBackward).
///
/// **Pause / stop.** While paused no new request starts; answers in flight are still checked and stored. A request
/// the PeerService returns as not sent (BudgetedPeerService::not_sent: held while waiting for bandwidth) is asked
/// again later, without blame or a failure count. stop() ends run() once its requests in flight have returned
/// (each has the PeerService's timeout).
///
/// **Durability.** Progress is the store: every decision is recomputed from its trackers, so a restart (a new
/// syncer over the same store) continues where the last one stopped and never asks for a stored block.
///
/// Threading: run() and everything it spawns run on `executor`, which must not run handlers concurrently (one
/// io_context thread or a strand). stop(), pause(), resume(), paused(), status() and gaps() are thread-safe.
/// The store, peers, budget and spec must outlive the syncer.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/sync/budget.hpp"
#include "hypasis/sync/fetch.hpp"
#include "hypasis/sync/peer_selector.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::sync {

struct BackwardConfig {
    HistoryMode mode{HistoryMode::kFull};
    uint64_t history_limit{0};                 ///< Lowest block to fill (0 = genesis).
    std::size_t max_parallel_batches{8};       ///< Batches outstanding at once (in flight or waiting).
    uint64_t initial_batch{192}, min_batch{32}, max_batch{1024};
    std::chrono::milliseconds idle_poll{200};  ///< Re-check interval when there is no gap or no peer.
    std::size_t max_in_flight_per_peer{2};     ///< Our requests outstanding to one peer at once.
    std::chrono::milliseconds failure_cooldown{500};  ///< A peer that failed is avoided this long (doubling).
    std::size_t max_reported_gaps{64};         ///< gaps() returns at most this many.
};

class BackwardSyncer {
  public:
    BackwardSyncer(Executor executor, storage::BlockStore& store, p2p::peers::PeerService& peers, Budget& budget,
                   const chain::ChainSpec& spec, BackwardConfig config);
    ~BackwardSyncer();
    BackwardSyncer(const BackwardSyncer&) = delete;
    BackwardSyncer& operator=(const BackwardSyncer&) = delete;

    /// Runs until stop(): fills gaps as described in the file comment, then polls every idle_poll for new ones
    /// (state "done" when everything down to history_limit is stored). Returns after stop(), once its requests
    /// in flight have ended. Call once. Never throws on peer or store errors (a store write error is logged and
    /// the range retried after idle_poll).
    Task<void> run();
    /// Makes run() return. Thread-safe, idempotent.
    void stop();
    /// No new request starts until resume(). Thread-safe, idempotent.
    void pause();
    void resume();
    bool paused() const noexcept { return paused_.load(std::memory_order_relaxed); }

    /// Thread-safe snapshot. state: "idle" (nothing stored yet / not started), "syncing", "paused", "waiting" (work
    /// left but no eligible peer), "done" (nothing left down to history_limit in this mode).
    DirectionStatus status() const;
    /// The missing ranges of the pass under way, newest first, at most max_reported_gaps, each with its kind and an
    /// ETA at the pass's current rate: headers in [history_limit, highest stored header) (with blocks filled this
    /// run) while headers are missing, then bodies, then receipts in [history_limit, highest header]. Thread-safe
    /// (reads the store's trackers).
    std::vector<GapStatus> gaps() const;

    /// Counters for tests (thread-safe).
    struct Counters {
        uint64_t headers{0}, bodies{0}, receipts{0};  ///< Items stored.
        uint64_t requests{0}, failed_requests{0}, bytes{0};
        uint64_t rejected_batches{0};  ///< Answers whose data failed a check.
        uint64_t reports{0};           ///< PeerService::report calls.
    };
    Counters counters() const;

  private:
    struct Batch;
    /// What check_and_store found: bad data (the peer's fault), a store failure, or neither (stored).
    struct Outcome {
        std::optional<FetchError> bad;
        std::optional<storage::StoreError> store_error;
    };
    /// On the CPU pool: the stored headers of `r` (stops at the first missing one).
    std::vector<SealedHeader> read_headers(storage::Range r) const;
    /// On the CPU pool: checks an answered batch (against `child` for headers) and stores it.
    Outcome check_and_store(const Batch& b, const SealedHeader* child) const;

    Task<void> fill(storage::DataKind kind, storage::Range gap);
    Task<void> fetch(std::shared_ptr<Batch> batch);
    Task<void> idle(std::chrono::milliseconds d);
    void wake() noexcept;  // on the executor
    void post_wake();      // from any thread
    void set_state(const char* state);
    /// The next range to fill and its kind, newest first; nullopt when nothing is left.
    std::optional<std::pair<storage::DataKind, storage::Range>> next_work() const;
    void record_stored(storage::DataKind kind, uint64_t n);

    Executor executor_;
    storage::BlockStore& store_;
    p2p::peers::PeerService& peers_;
    Budget& budget_;
    const chain::ChainSpec& spec_;
    BackwardConfig config_;
    PeerSelector selector_;

    // The loop's wake-up: shared so that a wake posted from another thread never outlives it.
    struct Waker {
        explicit Waker(const Executor& ex) : timer(ex) {}
        boost::asio::steady_timer timer;
        bool woken{false};  // an event arrived since the loop last looked (executor-only)
    };
    std::shared_ptr<Waker> waker_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> paused_{false};
    std::size_t tasks_in_flight_{0};  // spawned fetch() coroutines not yet finished (executor-only)

    mutable std::mutex mutex_;  // guards everything below
    std::string state_{"idle"};
    Counters counters_;
    storage::DataKind phase_{storage::DataKind::kHeaders};
    std::optional<storage::Range> current_gap_;  // the header gap being filled, as first found
    uint64_t current_filled_{0};
    struct Sample {
        Clock::time_point at;
        uint64_t items;
        uint64_t bytes;
    };
    std::deque<Sample> samples_;  // (time, cumulative items of the phase's kind, bytes), last ~10 s
};

}  // namespace hypasis::sync
