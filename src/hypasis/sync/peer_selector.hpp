#pragma once
/// PeerSelector: which peer gets the next backward batch, and how large that batch is for it.
///
/// - **Coverage.** An eth/69 peer is eligible for a batch [first, end) fetched top-down when its announced range
///   [earliest, latest] (EIP-7642, both inclusive) holds end - 1; the batch is then clipped to start at earliest.
///   An eth/68 peer has no range: it is eligible when its head number is unknown or at least end - 1.
/// - **Ranking.** Among eligible peers that are not cooling down after a failure and have fewer than
///   max_in_flight of our requests outstanding: highest reputation band first (reputation / 16, so small
///   differences do not dominate), then the higher measured rate for the kind (PeerInfo header_rate / body_rate /
///   receipt_rate, or our own measurement), then the lower RTT, then fewer of our requests in flight.
/// - **Batch size** per peer and kind, multiplicative: a full answer faster than slow_answer grows it ×1.5 (up to
///   max_batch); a short, slow or failed answer halves it (down to min_batch).
/// - **Failures** (errors, empty or bad answers) put the peer on cooldown for failure_cooldown, doubled for each
///   consecutive failure (up to 32×), so a peer that just failed is avoided while others exist.
///
/// Not thread-safe: the backward syncer uses it from its own executor only.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::sync {

struct PeerSelectorConfig {
    uint64_t initial_batch{192};
    uint64_t min_batch{32};
    uint64_t max_batch{1024};
    std::size_t max_in_flight{2};  ///< Our outstanding requests per peer.
    std::chrono::milliseconds failure_cooldown{500};
    std::chrono::milliseconds slow_answer{2000};  ///< An answer slower than this shrinks the batch.
};

/// A peer chosen for a batch: who, and the part of the requested range it should be asked for.
struct PeerChoice {
    p2p::peers::PeerId peer_id{};
    storage::Range range;  ///< [first, end) clipped to the peer's coverage and its batch size (top kept).
};

class PeerSelector {
  public:
    explicit PeerSelector(PeerSelectorConfig config);

    /// The best peer for the top of `need` (non-empty) for data of `kind`, or nullopt when none is eligible.
    std::optional<PeerChoice> pick(std::span<const p2p::peers::PeerInfo> peers, storage::Range need,
                                   storage::DataKind kind, p2p::Clock::time_point now);

    /// The current batch size for `peer` and `kind` (initial_batch for a peer never seen; bodies and receipts
    /// start at a quarter of it, since each item is far larger than a header).
    uint64_t batch_size(const p2p::peers::PeerId& peer, storage::DataKind kind) const;

    /// A request to `peer` starts (counts toward max_in_flight).
    void on_start(const p2p::peers::PeerId& peer);
    /// It answered `got` of `asked` items in `elapsed` (got may be 0: treat as a failure with on_failure instead).
    void on_answer(const p2p::peers::PeerId& peer, storage::DataKind kind, uint64_t asked, uint64_t got,
                   std::chrono::microseconds elapsed, p2p::Clock::time_point now);
    /// The request failed or its data was rejected: shrink the batch and start (or extend) the cooldown.
    void on_failure(const p2p::peers::PeerId& peer, storage::DataKind kind, p2p::Clock::time_point now);
    /// A request that started ended (after on_answer or on_failure, or when dropped).
    void on_finish(const p2p::peers::PeerId& peer);

    /// True while `peer` is cooling down after a failure.
    bool cooling(const p2p::peers::PeerId& peer, p2p::Clock::time_point now) const;

  private:
    struct Stats {
        std::array<uint64_t, storage::kDataKindCount> batch{};
        std::array<double, storage::kDataKindCount> rate{};  ///< Items/s (EWMA) of our own answers.
        std::size_t in_flight{0};
        unsigned failures{0};
        p2p::Clock::time_point cooldown_until{};
    };
    Stats& stats(const p2p::peers::PeerId& peer);

    PeerSelectorConfig config_;
    std::map<p2p::peers::PeerId, Stats> stats_;
};

}  // namespace hypasis::sync
