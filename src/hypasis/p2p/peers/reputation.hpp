#pragma once
/// Peer reputation: an integer score per peer id that penalties lower, good responses raise a little, and that
/// decays linearly back towards 0 over time. Below the ban threshold the peer manager disconnects and bans.
///
/// Scores are kept by peer id (not per session), so reconnecting does not clear them; the table is bounded
/// (least recently touched entries with a score of 0 are dropped first, then the oldest).
///
/// Thread-safety: not thread-safe; the peer manager guards it with its mutex.
#include <chrono>
#include <cstddef>
#include <map>

#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"

namespace hypasis::p2p::peers {

struct ReputationConfig {
    /// A score at or below this bans the peer (the score range is [ban_threshold - 100, max_score]).
    int ban_threshold{-100};
    /// Good behaviour cannot buy more credit than this (a hostile peer must not bank points for later).
    int max_score{50};
    /// Points per second by which a score returns towards 0 (both from below and from above).
    double decay_per_second{0.5};
    /// Per-misbehaviour penalties (positive numbers, subtracted).
    int penalty_invalid_data{60};
    int penalty_protocol_violation{50};
    int penalty_useless_response{5};
    int penalty_timeout{10};
    int penalty_request_flood{10};
    /// Reward per valid, non-empty response.
    int reward_good_response{1};
    /// Peers remembered at most.
    std::size_t max_tracked{4096};
};

/// The penalty of `m` under `config` (a positive number).
int penalty_for(const ReputationConfig& config, Misbehaviour m) noexcept;

/// Scores by peer id, with lazy linear decay.
class ReputationTable {
  public:
    explicit ReputationTable(ReputationConfig config = {}) : config_(config) {}

    /// Adds `delta` (negative for a penalty) to the decayed score of `peer` at `now` and returns the new score,
    /// clamped to [ban_threshold - 100, max_score].
    int add(const PeerId& peer, int delta, Clock::time_point now);

    /// The decayed score of `peer` at `now` (0 when unknown).
    [[nodiscard]] int score(const PeerId& peer, Clock::time_point now) const;

    /// Whether the decayed score is at or below the ban threshold.
    [[nodiscard]] bool below_threshold(const PeerId& peer, Clock::time_point now) const {
        return score(peer, now) <= config_.ban_threshold;
    }

    /// Forgets `peer` (after a ban was applied, the ban itself keeps it out).
    void reset(const PeerId& peer) { entries_.erase(peer); }

    [[nodiscard]] const ReputationConfig& config() const noexcept { return config_; }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  private:
    struct Entry {
        double score{0};
        Clock::time_point updated{};
    };
    [[nodiscard]] double decayed(const Entry& e, Clock::time_point now) const noexcept;
    void evict_one(Clock::time_point now);

    ReputationConfig config_;
    std::map<PeerId, Entry> entries_;
};

}  // namespace hypasis::p2p::peers
