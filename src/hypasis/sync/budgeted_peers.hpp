#pragma once
/// BudgetedPeerService: a PeerService decorator for one Direction. Before each request it waits for the
/// direction's bandwidth budget (Budget::acquire); after the response it charges the bytes received and counts
/// requests, failures and bytes for DirectionStatus. The engine hands the forward syncer a forward decorator and
/// the backward syncer a backward one over the same PeerManager.
///
/// Bytes charged: the exact RLP of each header; encoded_length() of each body; for receipts, an estimate of the
/// eth/69 slim encoding (type, status and gas, plus each log's address, topics and data) computed without
/// re-encoding, because receipts arrive decoded and re-encoding them would cost more than the estimate is off.
///
/// **Hold.** While held (hold(true): the engine holds backward's service while backward is paused, and both on
/// stop), no request goes out: one that arrives, or that is still waiting for its budget, returns
/// `std::errc::operation_canceled` at once without reaching the inner service and is not counted. Callers treat
/// that error as "not sent" (the peer did nothing wrong) and ask again later.
///
/// Thread-safety: as PeerService (any thread); counters() and hold() are thread-safe. `inner` and `budget` must outlive it.
#include <atomic>
#include <cstdint>
#include <system_error>
#include <vector>

#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/sync/budget.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::sync {

class BudgetedPeerService final : public p2p::peers::PeerService {
  public:
    BudgetedPeerService(p2p::peers::PeerService& inner, Budget& budget, Direction direction) noexcept
        : inner_(inner), budget_(budget), direction_(direction) {}

    /// What went through this decorator since construction.
    struct Counters {
        uint64_t requests{0};         ///< Requests sent (counted after the budget let them start).
        uint64_t failed_requests{0};  ///< Requests that returned an error (timeouts, rejected responses, ...).
        uint64_t bytes{0};            ///< Response bytes charged.
    };
    /// Thread-safe.
    Counters counters() const noexcept;

    Direction direction() const noexcept { return direction_; }

    /// Holds (true) or lets go (false) every request not yet sent; see the file comment. Thread-safe.
    void hold(bool on) noexcept { held_.store(on); }
    bool held() const noexcept { return held_.load(); }
    /// True for the error a held request returns.
    static bool not_sent(const std::error_code& ec) noexcept { return ec == std::errc::operation_canceled; }

    std::vector<p2p::peers::PeerInfo> peers() const override { return inner_.peers(); }
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(
        p2p::peers::PeerId peer, p2p::peers::HeadersRequest request) override;
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(p2p::peers::PeerId peer,
                                                                      std::vector<Hash> hashes) override;
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(
        p2p::peers::PeerId peer, std::vector<Hash> hashes) override;
    void report(const p2p::peers::PeerId& peer, p2p::peers::Misbehaviour what) override { inner_.report(peer, what); }

    /// The estimate charged for one block's receipts (see the file comment).
    static uint64_t estimated_size(const std::vector<Receipt>& receipts) noexcept;

  private:
    void count(bool ok, uint64_t bytes) noexcept;
    /// Waits for the budget; false when held (before or during the wait).
    Task<bool> may_send(uint64_t expected_bytes);

    p2p::peers::PeerService& inner_;
    Budget& budget_;
    Direction direction_;
    std::atomic<uint64_t> requests_{0};
    std::atomic<uint64_t> failed_{0};
    std::atomic<uint64_t> bytes_{0};
    std::atomic<bool> held_{false};
};

}  // namespace hypasis::sync
