#include "hypasis/p2p/discv4/rate_limiter.hpp"

#include <algorithm>

namespace hypasis::p2p::discv4 {

bool RateLimiter::take(Bucket& b, Clock::time_point now) noexcept {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.last = std::max(b.last, now);
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
}

bool RateLimiter::is_full(const Bucket& b, Clock::time_point now) const noexcept {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    return b.tokens + elapsed * per_second_ >= burst_;
}

bool RateLimiter::allow(const IpAddress& source, Clock::time_point now) {
    if (auto it = buckets_.find(source); it != buckets_.end()) return take(it->second, now);
    if (buckets_.size() >= max_sources_) {
        std::erase_if(buckets_, [&](const auto& kv) { return is_full(kv.second, now); });
    }
    if (buckets_.size() >= max_sources_) {
        if (!overflow_started_) {
            overflow_ = Bucket{burst_, now};
            overflow_started_ = true;
        }
        return take(overflow_, now);
    }
    auto [it, inserted] = buckets_.emplace(source, Bucket{burst_, now});
    (void)inserted;
    return take(it->second, now);
}

}  // namespace hypasis::p2p::discv4
