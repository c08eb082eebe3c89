#pragma once
/// The forward/backward split of bandwidth and validation CPU (DESIGN §7.4, issue #7 "Budgets").
///
/// **Bandwidth** is two token buckets in bytes, refilled at total × share per second (forward 0.7, backward 0.3
/// by default) and holding at most one second of their rate. A request may start while its direction's bucket is
/// positive; the response's real size is charged afterwards (charge()), so a bucket can go into debt and the next
/// request of that direction waits until the debt is repaid. Borrowing moves tokens between the buckets at
/// acquire() time:
/// - either side may take the other's tokens only above a reserve of half of the other's bucket: a busy side
///   spends tokens as soon as it has any, so only an idle (or lightly used) side has tokens up there. So forward
///   never has fewer than its reserve because of backward and never waits behind backward work, and a saturated
///   backward side keeps its share against a forward side that wants more.
/// total_bytes_per_second == 0 means unlimited: acquire() never waits; usage is still counted.
///
/// **CPU** is a pool of cpu_threads workers with two queues. A free worker always takes a forward job first. It
/// takes a backward job only while fewer than max(1, round(threads × (1 - cpu_forward_share))) backward jobs run,
/// unless the forward side is idle (no forward job queued or running), in which case backward may use every
/// worker (that use is counted as borrowed).
///
/// Thread-safety: every member may be called from any thread. acquire() and run_cpu() complete on the awaiting
/// coroutine's executor.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "hypasis/p2p/common/task.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::sync {

using p2p::Clock;
using p2p::Executor;
using p2p::Task;

struct BudgetConfig {
    double total_bytes_per_second{0};  ///< 0 = unlimited bandwidth.
    double forward_share{0.7};         ///< Backward gets 1 - forward_share. Clamped to [0, 1].
    std::size_t cpu_threads{1};        ///< Validation worker threads (at least 1).
    double cpu_forward_share{0.7};     ///< Backward's CPU share is 1 - this. Clamped to [0, 1].
    bool allow_borrow{true};           ///< Backward may use forward's unused tokens (and vice versa).
};

class Budget {
  public:
    /// Starts the CPU workers. Throws std::system_error when a thread cannot start.
    explicit Budget(BudgetConfig config);
    /// Runs the jobs still queued, then joins the CPU workers.
    ~Budget();
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;

    const BudgetConfig& config() const noexcept { return config_; }

    /// Waits (asynchronously, on the caller's executor) until `direction` may spend: its bucket is positive, or
    /// tokens could be borrowed (see the file comment; borrowing moves up to `expected_bytes`). Forward never
    /// waits behind backward work. Charge the response afterwards with charge(). Returns at once when unlimited.
    /// `cancel` (optional, may be set from any thread) ends the wait early: it is read before each step of at most
    /// 20 ms. Returns true when the direction may spend, false when cancelled (nothing was taken).
    Task<bool> acquire(Direction direction, uint64_t expected_bytes, const std::atomic<bool>* cancel = nullptr);

    /// Subtracts `bytes` from the direction's bucket (it may go negative) and counts them as used.
    void charge(Direction direction, uint64_t bytes) noexcept;

    /// Runs fn() on the priority pool (forward jobs first; backward limited to its share unless forward is idle)
    /// and resumes the caller on its own executor with the result (or fn's exception, rethrown there). fn must be
    /// safe to run on another thread; it is moved into the pool.
    /// GCC 12: name the callable first (`auto job = [...] {...}; co_await run_cpu(d, std::move(job));`). A lambda
    /// temporary with non-trivially-destructible captures (a std::string, a vector, an optional<SealedHeader>)
    /// written inside a co_await expression is destroyed twice by GCC 12's coroutine lowering, which corrupts the
    /// heap (seen in this module's tests; captures of references and pointers are unaffected).
    template <class F>
    Task<std::invoke_result_t<F>> run_cpu(Direction direction, F fn);

    /// Thread-safe snapshots.
    BudgetStatus bandwidth(Direction d) const;
    BudgetStatus cpu(Direction d) const;

    /// The number of backward jobs that may run at once while forward is busy (>= 1).
    std::size_t backward_cpu_slots() const noexcept { return backward_slots_; }

  private:
    struct Job {
        virtual ~Job() = default;
        virtual void run() noexcept = 0;
    };
    template <class H, class F>
    struct JobImpl;

    struct Bucket {
        double rate{0};
        double capacity{0};
        double tokens{0};
        BudgetStatus status;
    };

    static std::size_t index(Direction d) noexcept { return d == Direction::kForward ? 0 : 1; }
    /// Refills both buckets to `now`. Caller holds mutex_.
    void refill(Clock::time_point now) noexcept;
    /// Either may proceed (nullopt) or returns how long to wait. Counts borrowing. Caller holds mutex_.
    std::optional<std::chrono::microseconds> try_spend(Direction d, uint64_t expected_bytes) noexcept;
    void submit(Direction d, std::unique_ptr<Job> job);
    void worker() noexcept;

    BudgetConfig config_;
    bool unlimited_{true};

    mutable std::mutex mutex_;
    Bucket buckets_[2];
    Clock::time_point refilled_at_;

    std::mutex cpu_mutex_;
    std::condition_variable cpu_cv_;
    std::deque<std::unique_ptr<Job>> queues_[2];
    std::size_t running_[2]{0, 0};
    std::size_t backward_slots_{1};
    bool stopping_{false};
    std::vector<std::thread> workers_;
    // CPU counters (read by cpu(); written under cpu_mutex_ or atomically).
    std::atomic<uint64_t> cpu_used_us_[2]{0, 0};
    std::atomic<uint64_t> cpu_borrowed_us_[2]{0, 0};
    std::atomic<uint64_t> cpu_waits_[2]{0, 0};

    friend struct BudgetTestAccess;
};

// ---- run_cpu ----

template <class H, class F>
struct Budget::JobImpl final : Budget::Job {
    using R = std::invoke_result_t<F>;
    using Slot = std::conditional_t<std::is_void_v<R>, std::monostate, std::optional<R>>;
    JobImpl(H h, F f, Slot* slot, std::exception_ptr* error)
        : work(boost::asio::make_work_guard(h)), handler(std::move(h)), fn(std::move(f)), out(slot), err(error) {}
    void run() noexcept override {
        try {
            if constexpr (std::is_void_v<R>) {
                fn();
            } else {
                out->emplace(fn());
            }
        } catch (...) {
            *err = std::current_exception();
        }
        // Resume the awaiting coroutine on its own executor.
        auto ex = boost::asio::get_associated_executor(handler);
        boost::asio::post(ex, std::move(handler));
        work.reset();
    }
    // Keeps the caller's executor counting this job as outstanding work until its handler is posted.
    boost::asio::executor_work_guard<boost::asio::associated_executor_t<H>> work;
    H handler;
    F fn;
    Slot* out;
    std::exception_ptr* err;
};

template <class F>
Task<std::invoke_result_t<F>> Budget::run_cpu(Direction direction, F fn) {
    using R = std::invoke_result_t<F>;
    using Slot = std::conditional_t<std::is_void_v<R>, std::monostate, std::optional<R>>;
    Slot slot{};
    std::exception_ptr error;
    co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
        [this, direction, &fn, &slot, &error](auto handler) {
            using Handler = decltype(handler);
            submit(direction,
                   std::make_unique<JobImpl<Handler, F>>(std::move(handler), std::move(fn), &slot, &error));
        },
        boost::asio::use_awaitable);
    if (error) std::rethrow_exception(error);
    if constexpr (!std::is_void_v<R>) co_return std::move(*slot);
}

}  // namespace hypasis::sync
