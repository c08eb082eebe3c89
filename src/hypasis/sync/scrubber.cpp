#include "hypasis/sync/scrubber.hpp"

#include <algorithm>
#include <vector>

#include "hypasis/core/common/log.hpp"

namespace hypasis::sync {

Scrubber::Scrubber(Executor executor, storage::BlockStore& store, ScrubberConfig config)
    : store_(store), config_(config), timer_(executor) {
    config_.batch = std::max<uint64_t>(config_.batch, 1);
}

void Scrubber::stop() {
    stopped_ = true;
    timer_.cancel();
}

ScrubberCounters Scrubber::counters() const noexcept {
    return {passes_.load(std::memory_order_relaxed), checked_.load(std::memory_order_relaxed),
            corrupt_.load(std::memory_order_relaxed), errors_.load(std::memory_order_relaxed)};
}

Task<bool> Scrubber::sleep(std::chrono::milliseconds d) {
    if (stopped_) co_return false;
    timer_.expires_after(d);
    auto [ec] = co_await timer_.async_wait(p2p::kUseTuple);
    (void)ec;
    const bool running = !stopped_;
    co_return running;
}

Task<void> Scrubber::run() {
    if (config_.blocks_per_second == 0) co_return;
    const bool started = co_await sleep(config_.start_delay);
    if (!started) co_return;
    while (!stopped_) {
        co_await pass();
        if (stopped_) break;
        passes_.fetch_add(1, std::memory_order_relaxed);
        const bool awake = co_await sleep(config_.pass_interval);
        if (!awake) break;
    }
}

Task<void> Scrubber::pass() {
    // A snapshot of the intervals: blocks written during the pass are checked by the next one; blocks removed
    // during it read as not stored, which verify_block accepts.
    const std::vector<storage::Range> ranges = store_.tracker(storage::DataKind::kHeaders).to_vector();
    const auto per_batch = std::chrono::microseconds(config_.batch * 1'000'000 / config_.blocks_per_second);
    for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
        uint64_t n = it->end;
        while (n > it->first) {
            const auto started = p2p::Clock::now();
            const uint64_t lo = n - std::min(config_.batch, n - it->first);
            for (uint64_t b = n; b > lo; --b) {
                auto r = store_.verify_block(b - 1);
                checked_.fetch_add(1, std::memory_order_relaxed);
                if (r) continue;
                if (r.error().code == storage::StoreErrc::kCorrupted) {
                    corrupt_.fetch_add(1, std::memory_order_relaxed);
                    log::warn("scrub", "damaged block removed; it will be fetched again",
                              {{"block", b - 1}, {"what", r.error().what}});
                } else {
                    errors_.fetch_add(1, std::memory_order_relaxed);
                    log::error("scrub", "cannot verify a block", {{"block", b - 1}, {"error", to_string(r.error())}});
                }
            }
            n = lo;
            const auto spent = std::chrono::duration_cast<std::chrono::microseconds>(p2p::Clock::now() - started);
            const auto wait = per_batch > spent ? per_batch - spent : std::chrono::microseconds(0);
            const bool go_on = co_await sleep(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
            if (!go_on) co_return;
        }
    }
}

}  // namespace hypasis::sync
