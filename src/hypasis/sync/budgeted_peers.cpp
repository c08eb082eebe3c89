#include "hypasis/sync/budgeted_peers.hpp"

namespace hypasis::sync {

namespace {

// What a request is expected to bring back, for borrowing (Budget::acquire). Rough typical sizes.
constexpr uint64_t kHeaderEstimate = 600;
constexpr uint64_t kBodyEstimate = 16 * 1024;
constexpr uint64_t kReceiptsEstimate = 16 * 1024;

}  // namespace

BudgetedPeerService::Counters BudgetedPeerService::counters() const noexcept {
    return Counters{requests_.load(std::memory_order_relaxed), failed_.load(std::memory_order_relaxed),
                    bytes_.load(std::memory_order_relaxed)};
}

void BudgetedPeerService::count(bool ok, uint64_t bytes) noexcept {
    if (!ok) failed_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
    budget_.charge(direction_, bytes);
}

Task<bool> BudgetedPeerService::may_send(uint64_t expected_bytes) {
    const bool ok = co_await budget_.acquire(direction_, expected_bytes, &held_);
    if (!ok || held_.load()) co_return false;
    requests_.fetch_add(1, std::memory_order_relaxed);
    co_return true;
}

uint64_t BudgetedPeerService::estimated_size(const std::vector<Receipt>& receipts) noexcept {
    uint64_t n = 4;
    for (const auto& r : receipts) {
        n += 16;
        for (const auto& l : r.logs) n += 26 + 33 * l.topics.size() + l.data.size();
    }
    return n;
}

Task<Expected<std::vector<SealedHeader>, std::error_code>> BudgetedPeerService::get_headers(
    p2p::peers::PeerId peer, p2p::peers::HeadersRequest request) {
    const uint64_t expected = request.amount * kHeaderEstimate;
    const bool send = co_await may_send(expected);
    if (!send) co_return unexpected(std::make_error_code(std::errc::operation_canceled));
    auto r = co_await inner_.get_headers(peer, request);
    uint64_t bytes = 0;
    if (r) {
        for (const auto& h : *r) bytes += h.rlp.size();
    }
    count(r.has_value(), bytes);
    co_return r;
}

Task<Expected<std::vector<BlockBody>, std::error_code>> BudgetedPeerService::get_bodies(p2p::peers::PeerId peer,
                                                                                       std::vector<Hash> hashes) {
    const uint64_t expected = hashes.size() * kBodyEstimate;
    const bool send = co_await may_send(expected);
    if (!send) co_return unexpected(std::make_error_code(std::errc::operation_canceled));
    auto r = co_await inner_.get_bodies(peer, std::move(hashes));
    uint64_t bytes = 0;
    if (r) {
        for (const auto& b : *r) bytes += encoded_length(b);
    }
    count(r.has_value(), bytes);
    co_return r;
}

Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> BudgetedPeerService::get_receipts(
    p2p::peers::PeerId peer, std::vector<Hash> hashes) {
    const uint64_t expected = hashes.size() * kReceiptsEstimate;
    const bool send = co_await may_send(expected);
    if (!send) co_return unexpected(std::make_error_code(std::errc::operation_canceled));
    auto r = co_await inner_.get_receipts(peer, std::move(hashes));
    uint64_t bytes = 0;
    if (r) {
        for (const auto& list : *r) bytes += estimated_size(list);
    }
    count(r.has_value(), bytes);
    co_return r;
}

}  // namespace hypasis::sync
