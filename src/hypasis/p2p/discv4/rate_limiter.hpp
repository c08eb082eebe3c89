#pragma once
/// A token bucket per source IP, bounded in the number of sources it remembers. Pure: time is passed in.
#include <chrono>
#include <cstddef>
#include <map>

#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"

namespace hypasis::p2p::discv4 {

/// Not thread-safe: use it from one executor.
class RateLimiter {
  public:
    /// `per_second` tokens refill each second up to `burst`; at most `max_sources` buckets are kept. When that many
    /// sources are tracked, buckets that have refilled completely are forgotten first (they carry no state); if
    /// none has, every new source shares one overflow bucket, so an address-spraying flood cannot grow memory
    /// nor crowd out the sources already tracked.
    RateLimiter(double per_second, double burst, std::size_t max_sources) noexcept
        : per_second_(per_second), burst_(burst), max_sources_(max_sources) {}

    /// Takes one token from `source`'s bucket; false when it is empty (drop the packet).
    bool allow(const IpAddress& source, Clock::time_point now);

    /// The number of sources tracked (at most max_sources).
    [[nodiscard]] std::size_t tracked() const noexcept { return buckets_.size(); }

  private:
    struct Bucket {
        double tokens{0};
        Clock::time_point last{};
    };
    bool take(Bucket& b, Clock::time_point now) noexcept;
    [[nodiscard]] bool is_full(const Bucket& b, Clock::time_point now) const noexcept;

    double per_second_;
    double burst_;
    std::size_t max_sources_;
    std::map<IpAddress, Bucket> buckets_;
    Bucket overflow_{};
    bool overflow_started_{false};
};

}  // namespace hypasis::p2p::discv4
