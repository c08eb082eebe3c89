#include "hypasis/p2p/peers/server.hpp"

#include <algorithm>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hypasis/p2p/eth/codec.hpp"

namespace hypasis::p2p::peers {

std::vector<uint64_t> header_numbers(uint64_t origin, uint64_t amount, uint64_t skip, bool reverse,
                                     std::size_t max) {
    const uint64_t count = std::min<uint64_t>(amount, max);
    std::vector<uint64_t> out;
    out.reserve(static_cast<std::size_t>(count));
    // step = skip + 1 without overflow: a skip of 2^64 - 1 means "only the origin".
    const bool huge_step = skip == std::numeric_limits<uint64_t>::max();
    const uint64_t step = huge_step ? 0 : skip + 1;
    uint64_t n = origin;
    for (uint64_t i = 0; i < count; ++i) {
        out.push_back(n);
        if (huge_step) break;
        if (reverse) {
            if (n < step) break;
            n -= step;
        } else {
            if (n > std::numeric_limits<uint64_t>::max() - step) break;
            n += step;
        }
    }
    return out;
}

Bytes Server::headers_now(const eth::GetBlockHeaders& req) {
    std::optional<uint64_t> origin;
    if (const auto* num = std::get_if<uint64_t>(&req.origin)) {
        origin = *num;
    } else {
        origin = provider_.block_number(std::get<Hash>(req.origin));
    }
    std::vector<Bytes> rows;
    if (origin && req.amount > 0) {
        const auto numbers = header_numbers(*origin, req.amount, req.skip, req.reverse, limits_.max_headers);
        rows.reserve(numbers.size());
        provider_.header_rlps(numbers, limits_.soft_response_bytes, rows);
    }
    std::vector<ByteView> views(rows.begin(), rows.end());
    return eth::encode_block_headers(req.request_id, views);
}

namespace {

template <class Fetch>
Bytes serve_by_hash(uint64_t request_id, const std::vector<Hash>& hashes, std::size_t max_items,
                    std::size_t soft_bytes, Fetch&& fetch) {
    std::vector<Bytes> rows;
    rows.reserve(std::min(hashes.size(), max_items));
    std::size_t bytes = 0;
    for (const Hash& h : hashes) {
        if (rows.size() >= max_items || bytes >= soft_bytes) break;
        std::optional<Bytes> row = fetch(h);
        if (!row) break;  // answer a prefix: the requester matches responses to its hashes by position
        bytes += row->size();
        rows.push_back(std::move(*row));
    }
    std::vector<ByteView> views(rows.begin(), rows.end());
    return eth::encode_request_id_list(request_id, views);
}

}  // namespace

Bytes Server::bodies_now(const eth::GetBlockBodies& req) {
    return serve_by_hash(req.request_id, req.hashes, limits_.max_bodies, limits_.soft_response_bytes,
                         [this](const Hash& h) { return provider_.body_rlp(h); });
}

Bytes Server::receipts_now(const eth::GetReceipts& req, ReceiptForm form) {
    return serve_by_hash(req.request_id, req.hashes, limits_.max_receipts, limits_.soft_response_bytes,
                         [this, form](const Hash& h) { return provider_.receipts_rlp(h, form); });
}

// The lambdas are named locals rather than temporaries inside the co_await expression: GCC 12 destroys a
// temporary lambda with non-trivial captures twice when the full-expression suspends.
Task<Bytes> Server::headers(eth::GetBlockHeaders req) {
    auto work = [this, r = std::move(req)]() -> Task<Bytes> { co_return headers_now(r); };
    co_return co_await boost::asio::co_spawn(pool_, std::move(work), boost::asio::use_awaitable);
}

Task<Bytes> Server::bodies(eth::GetBlockBodies req) {
    auto work = [this, r = std::move(req)]() -> Task<Bytes> { co_return bodies_now(r); };
    co_return co_await boost::asio::co_spawn(pool_, std::move(work), boost::asio::use_awaitable);
}

Task<Bytes> Server::receipts(eth::GetReceipts req, ReceiptForm form) {
    auto work = [this, r = std::move(req), form]() -> Task<Bytes> { co_return receipts_now(r, form); };
    co_return co_await boost::asio::co_spawn(pool_, std::move(work), boost::asio::use_awaitable);
}

}  // namespace hypasis::p2p::peers
