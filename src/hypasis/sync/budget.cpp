#include "hypasis/sync/budget.hpp"

#include <algorithm>
#include <cmath>

#include <boost/asio/steady_timer.hpp>

namespace hypasis::sync {

namespace {

double clamp01(double v) noexcept { return std::isnan(v) ? 0.0 : std::clamp(v, 0.0, 1.0); }

// Longest single sleep of a waiting acquire(): it re-checks at least this often (borrowable tokens may appear).
constexpr std::chrono::microseconds kMaxWaitSlice{20'000};
// A bucket never holds less than this (so one large response can always start once the debt is repaid).
constexpr double kMinCapacity = 64 * 1024;

}  // namespace

Budget::Budget(BudgetConfig config) : config_(config) {
    config_.forward_share = clamp01(config_.forward_share);
    config_.cpu_forward_share = clamp01(config_.cpu_forward_share);
    config_.cpu_threads = std::max<std::size_t>(1, config_.cpu_threads);
    if (!(config_.total_bytes_per_second > 0) || !std::isfinite(config_.total_bytes_per_second)) {
        config_.total_bytes_per_second = 0;
    }
    unlimited_ = config_.total_bytes_per_second == 0;

    const double shares[2] = {config_.forward_share, 1.0 - config_.forward_share};
    for (std::size_t i = 0; i < 2; ++i) {
        Bucket& b = buckets_[i];
        b.rate = config_.total_bytes_per_second * shares[i];
        b.capacity = unlimited_ ? 0 : std::max(b.rate, kMinCapacity);
        b.tokens = b.capacity;
        b.status.share = shares[i];
        b.status.limit_per_second = b.rate;
    }
    refilled_at_ = Clock::now();

    const double backward_cpu = 1.0 - config_.cpu_forward_share;
    backward_slots_ = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::lround(static_cast<double>(config_.cpu_threads) * backward_cpu)));
    workers_.reserve(config_.cpu_threads);
    for (std::size_t i = 0; i < config_.cpu_threads; ++i) workers_.emplace_back([this] { worker(); });
}

Budget::~Budget() {
    {
        std::lock_guard lock(cpu_mutex_);
        stopping_ = true;
    }
    cpu_cv_.notify_all();
    for (auto& t : workers_) t.join();
}

// ---- bandwidth ----

void Budget::refill(Clock::time_point now) noexcept {
    const double dt = std::chrono::duration<double>(now - refilled_at_).count();
    if (dt <= 0) return;
    refilled_at_ = now;
    for (auto& b : buckets_) b.tokens = std::min(b.capacity, b.tokens + b.rate * dt);
}

std::optional<std::chrono::microseconds> Budget::try_spend(Direction d, uint64_t expected_bytes) noexcept {
    Bucket& own = buckets_[index(d)];
    if (own.tokens > 0) return std::nullopt;
    Bucket& other = buckets_[index(d == Direction::kForward ? Direction::kBackward : Direction::kForward)];
    if (config_.allow_borrow) {
        const double need = std::max<double>(1.0, static_cast<double>(expected_bytes)) - own.tokens;
        // Only tokens above half of the lender's bucket count as unused: a side that is busy spends its tokens
        // as soon as they are positive, so its bucket never gets there, and the lender keeps that reserve.
        const double spare = other.tokens - other.capacity / 2;
        if (spare >= need) {
            other.tokens -= need;
            own.tokens += need;
            own.status.borrowed += static_cast<uint64_t>(need);
            return std::nullopt;
        }
    }
    if (own.rate <= 0) return kMaxWaitSlice;  // a zero share: only borrowing can let it through
    const double seconds = (1.0 - own.tokens) / own.rate;
    const auto wait = std::chrono::microseconds(static_cast<int64_t>(std::ceil(seconds * 1e6)));
    return std::clamp(wait, std::chrono::microseconds{1}, kMaxWaitSlice);
}

Task<bool> Budget::acquire(Direction direction, uint64_t expected_bytes, const std::atomic<bool>* cancel) {
    if (unlimited_) co_return cancel == nullptr || !cancel->load();
    std::optional<boost::asio::steady_timer> timer;
    bool counted = false;
    for (;;) {
        if (cancel != nullptr && cancel->load()) co_return false;
        std::optional<std::chrono::microseconds> wait;
        {
            std::lock_guard lock(mutex_);
            refill(Clock::now());
            wait = try_spend(direction, expected_bytes);
            if (wait && !counted) {
                ++buckets_[index(direction)].status.waits;
                counted = true;
            }
        }
        if (!wait) co_return true;
        if (!timer) timer.emplace(co_await boost::asio::this_coro::executor);
        timer->expires_after(*wait);
        co_await timer->async_wait(p2p::kUseTuple);
    }
}

void Budget::charge(Direction direction, uint64_t bytes) noexcept {
    std::lock_guard lock(mutex_);
    Bucket& b = buckets_[index(direction)];
    b.status.used += bytes;
    if (unlimited_) return;
    refill(Clock::now());
    b.tokens -= static_cast<double>(bytes);
}

BudgetStatus Budget::bandwidth(Direction d) const {
    std::lock_guard lock(mutex_);
    return buckets_[index(d)].status;
}

// ---- CPU ----

BudgetStatus Budget::cpu(Direction d) const {
    const std::size_t i = index(d);
    BudgetStatus s;
    s.share = d == Direction::kForward ? config_.cpu_forward_share : 1.0 - config_.cpu_forward_share;
    s.limit_per_second = 1e6 * static_cast<double>(config_.cpu_threads) * s.share;  // µs of work per second
    s.used = cpu_used_us_[i].load(std::memory_order_relaxed);
    s.borrowed = cpu_borrowed_us_[i].load(std::memory_order_relaxed);
    s.waits = cpu_waits_[i].load(std::memory_order_relaxed);
    return s;
}

void Budget::submit(Direction d, std::unique_ptr<Job> job) {
    const std::size_t i = index(d);
    {
        std::lock_guard lock(cpu_mutex_);
        const std::size_t busy = running_[0] + running_[1];
        if (busy >= workers_.size() || !queues_[i].empty()) cpu_waits_[i].fetch_add(1, std::memory_order_relaxed);
        queues_[i].push_back(std::move(job));
    }
    cpu_cv_.notify_one();
}

void Budget::worker() noexcept {
    std::unique_lock lock(cpu_mutex_);
    for (;;) {
        std::unique_ptr<Job> job;
        std::size_t dir = 0;
        bool borrowed = false;
        cpu_cv_.wait(lock, [&] {
            borrowed = false;
            if (!queues_[0].empty()) {
                dir = 0;
                return true;
            }
            if (!queues_[1].empty()) {
                const bool forward_idle = running_[0] == 0;
                if (running_[1] < backward_slots_ || forward_idle) {
                    borrowed = running_[1] >= backward_slots_;
                    dir = 1;
                    return true;
                }
            }
            return stopping_ && queues_[0].empty() && queues_[1].empty();
        });
        if (queues_[dir].empty()) return;  // stopping and drained
        job = std::move(queues_[dir].front());
        queues_[dir].pop_front();
        ++running_[dir];
        lock.unlock();
        const auto start = Clock::now();
        job->run();
        job.reset();
        const auto us = static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
        cpu_used_us_[dir].fetch_add(us, std::memory_order_relaxed);
        if (borrowed) cpu_borrowed_us_[dir].fetch_add(us, std::memory_order_relaxed);
        lock.lock();
        --running_[dir];
        // A finished job may unblock a backward job that was held back for its share.
        cpu_cv_.notify_all();
    }
}

}  // namespace hypasis::sync
