#include "hypasis/p2p/peers/reputation.hpp"

#include <algorithm>
#include <cmath>

namespace hypasis::p2p::peers {

int penalty_for(const ReputationConfig& config, Misbehaviour m) noexcept {
    switch (m) {
        case Misbehaviour::kInvalidData: return config.penalty_invalid_data;
        case Misbehaviour::kProtocolViolation: return config.penalty_protocol_violation;
        case Misbehaviour::kUselessResponse: return config.penalty_useless_response;
        case Misbehaviour::kTimeout: return config.penalty_timeout;
        case Misbehaviour::kRequestFlood: return config.penalty_request_flood;
    }
    return config.penalty_protocol_violation;
}

double ReputationTable::decayed(const Entry& e, Clock::time_point now) const noexcept {
    if (now <= e.updated) return e.score;
    const double seconds = std::chrono::duration<double>(now - e.updated).count();
    const double step = seconds * config_.decay_per_second;
    if (e.score > 0) return std::max(0.0, e.score - step);
    return std::min(0.0, e.score + step);
}

int ReputationTable::add(const PeerId& peer, int delta, Clock::time_point now) {
    auto it = entries_.find(peer);
    if (it == entries_.end()) {
        if (entries_.size() >= config_.max_tracked) evict_one(now);
        it = entries_.emplace(peer, Entry{0, now}).first;
    }
    const double lo = static_cast<double>(config_.ban_threshold) - 100;
    const double hi = static_cast<double>(config_.max_score);
    it->second.score = std::clamp(decayed(it->second, now) + delta, lo, hi);
    it->second.updated = now;
    return static_cast<int>(std::lround(it->second.score));
}

int ReputationTable::score(const PeerId& peer, Clock::time_point now) const {
    auto it = entries_.find(peer);
    if (it == entries_.end()) return 0;
    return static_cast<int>(std::lround(decayed(it->second, now)));
}

void ReputationTable::evict_one(Clock::time_point now) {
    // Prefer an entry that has decayed back to neutral; otherwise the least recently updated one.
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (std::lround(decayed(it->second, now)) == 0) {
            victim = it;
            break;
        }
        if (victim == entries_.end() || it->second.updated < victim->second.updated) victim = it;
    }
    if (victim != entries_.end()) entries_.erase(victim);
}

}  // namespace hypasis::p2p::peers
