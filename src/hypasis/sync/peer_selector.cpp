#include "hypasis/sync/peer_selector.hpp"

#include <algorithm>
#include <tuple>

namespace hypasis::sync {

namespace {

constexpr std::size_t kind_index(storage::DataKind k) noexcept { return static_cast<std::size_t>(k); }

// Stats of peers beyond this many are dropped (oldest entries are those not seen; bounded memory).
constexpr std::size_t kMaxTrackedPeers = 1024;

}  // namespace

PeerSelector::PeerSelector(PeerSelectorConfig config) : config_(config) {
    config_.min_batch = std::max<uint64_t>(1, config_.min_batch);
    config_.max_batch = std::clamp<uint64_t>(config_.max_batch, config_.min_batch, 1024);
    config_.initial_batch = std::clamp(config_.initial_batch, config_.min_batch, config_.max_batch);
    config_.max_in_flight = std::max<std::size_t>(1, config_.max_in_flight);
}

PeerSelector::Stats& PeerSelector::stats(const p2p::peers::PeerId& peer) {
    auto it = stats_.find(peer);
    if (it != stats_.end()) return it->second;
    if (stats_.size() >= kMaxTrackedPeers) {
        // Drop an idle entry (not in flight) to stay bounded.
        for (auto i = stats_.begin(); i != stats_.end(); ++i) {
            if (i->second.in_flight == 0) {
                stats_.erase(i);
                break;
            }
        }
    }
    Stats s;
    s.batch[kind_index(storage::DataKind::kHeaders)] = config_.initial_batch;
    const uint64_t item_batch = std::max(config_.min_batch, config_.initial_batch / 4);
    s.batch[kind_index(storage::DataKind::kBodies)] = item_batch;
    s.batch[kind_index(storage::DataKind::kReceipts)] = item_batch;
    return stats_.emplace(peer, s).first->second;
}

uint64_t PeerSelector::batch_size(const p2p::peers::PeerId& peer, storage::DataKind kind) const {
    auto it = stats_.find(peer);
    if (it != stats_.end()) return it->second.batch[kind_index(kind)];
    return kind == storage::DataKind::kHeaders ? config_.initial_batch
                                               : std::max(config_.min_batch, config_.initial_batch / 4);
}

bool PeerSelector::cooling(const p2p::peers::PeerId& peer, p2p::Clock::time_point now) const {
    auto it = stats_.find(peer);
    return it != stats_.end() && now < it->second.cooldown_until;
}

std::optional<PeerChoice> PeerSelector::pick(std::span<const p2p::peers::PeerInfo> peers, storage::Range need,
                                             storage::DataKind kind, p2p::Clock::time_point now) {
    if (need.empty()) return std::nullopt;
    const uint64_t top = need.end - 1;
    const p2p::peers::PeerInfo* best = nullptr;
    std::tuple<int, double, int64_t, int64_t> best_key{};
    for (const auto& p : peers) {
        if (p.earliest || p.latest) {
            if (p.earliest.value_or(0) > top || p.latest.value_or(0) < top) continue;
        } else if (p.head_number && *p.head_number < top) {
            continue;
        }
        if (cooling(p.peer_id, now)) continue;
        auto it = stats_.find(p.peer_id);
        const std::size_t ours = it == stats_.end() ? 0 : it->second.in_flight;
        if (ours >= config_.max_in_flight) continue;
        double rate = kind == storage::DataKind::kHeaders  ? p.header_rate
                      : kind == storage::DataKind::kBodies ? p.body_rate
                                                           : p.receipt_rate;
        if (it != stats_.end()) rate = std::max(rate, it->second.rate[kind_index(kind)]);
        // Higher is better for every element (RTT and in-flight negated; unknown RTT ranks as 1 s).
        const int64_t rtt = p.rtt.count() > 0 ? p.rtt.count() : 1'000'000;
        const std::tuple<int, double, int64_t, int64_t> key{p.reputation / 16, rate, -rtt,
                                                            -static_cast<int64_t>(ours)};
        if (!best || key > best_key) {
            best = &p;
            best_key = key;
        }
    }
    if (!best) return std::nullopt;
    uint64_t first = need.first;
    if (best->earliest) first = std::max(first, *best->earliest);
    const uint64_t size = batch_size(best->peer_id, kind);
    if (need.end - first > size) first = need.end - size;
    return PeerChoice{best->peer_id, storage::Range{first, need.end}};
}

void PeerSelector::on_start(const p2p::peers::PeerId& peer) { ++stats(peer).in_flight; }

void PeerSelector::on_finish(const p2p::peers::PeerId& peer) {
    auto& s = stats(peer);
    if (s.in_flight > 0) --s.in_flight;
}

void PeerSelector::on_answer(const p2p::peers::PeerId& peer, storage::DataKind kind, uint64_t asked, uint64_t got,
                             std::chrono::microseconds elapsed, p2p::Clock::time_point now) {
    auto& s = stats(peer);
    auto& batch = s.batch[kind_index(kind)];
    s.failures = 0;
    s.cooldown_until = now;
    const double secs = std::max(1e-6, std::chrono::duration<double>(elapsed).count());
    const double rate = static_cast<double>(got) / secs;
    auto& ewma = s.rate[kind_index(kind)];
    ewma = ewma == 0 ? rate : 0.7 * ewma + 0.3 * rate;
    const bool slow = elapsed > config_.slow_answer;
    if (got >= asked && !slow) {
        // Grow only when the answer filled the current batch (asked may be smaller at a gap's end).
        if (asked >= batch) batch = std::min(config_.max_batch, batch + std::max<uint64_t>(1, batch / 2));
    } else {
        batch = std::max(config_.min_batch, batch / 2);
    }
}

void PeerSelector::on_failure(const p2p::peers::PeerId& peer, storage::DataKind kind, p2p::Clock::time_point now) {
    auto& s = stats(peer);
    auto& batch = s.batch[kind_index(kind)];
    batch = std::max(config_.min_batch, batch / 2);
    s.failures = std::min(s.failures + 1, 6u);
    s.cooldown_until = now + config_.failure_cooldown * (1u << (s.failures - 1));
}

}  // namespace hypasis::sync
