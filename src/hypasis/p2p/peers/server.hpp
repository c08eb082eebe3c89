#pragma once
/// The eth server: builds the response payloads to GetBlockHeaders, GetBlockBodies and GetReceipts from a
/// BlockProvider, within protocol limits, without decoding or re-encoding the stored items (p2p/eth's raw-item
/// encoders assemble `[request-id, [item, ...]]` from the stored RLP).
///
/// Blocking: provider calls block, so every request is computed on the server's pool executor (a small
/// boost::asio::thread_pool owned by the peer manager) and awaited; the awaiting coroutine resumes on its own
/// executor. The work of one request is bounded before the provider is called: at most `max_*` items and about
/// `soft_response_bytes` of encoded items (the item that crosses the soft limit is still included, as geth does).
/// Per-peer fairness (one request at a time per peer, a bounded queue) is the session's job.
///
/// Thread-safety: a Server is immutable after construction; its methods may be called concurrently from any
/// executor. The provider must outlive it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/eth/types.hpp"
#include "hypasis/p2p/peers/block_provider.hpp"

namespace hypasis::p2p::peers {

/// Bounds on what one request may make us read and send (caps/eth.md "soft limits").
struct ServingLimits {
    std::size_t max_headers{1024};  ///< geth's maxHeadersServe; GetBlockHeaders amounts are clamped to it.
    std::size_t max_bodies{1024};   ///< Bodies per response (the byte limit usually binds first).
    std::size_t max_receipts{1024}; ///< Receipt lists per response.
    std::size_t soft_response_bytes{eth::kSoftResponseBytes};  ///< 2 MiB.
};

/// The block numbers a GetBlockHeaders by number asks for, clamped to `max` items: origin, origin ± (skip + 1),
/// ... Stops (returns fewer) where the next number would go below 0 or above 2^64 - 1. Pure; thread-safe.
std::vector<uint64_t> header_numbers(uint64_t origin, uint64_t amount, uint64_t skip, bool reverse,
                                     std::size_t max);

class Server {
  public:
    /// `provider` must outlive the server; `pool` is where provider calls run.
    Server(BlockProvider& provider, Executor pool, ServingLimits limits = {}) noexcept
        : provider_(provider), pool_(std::move(pool)), limits_(limits) {}

    /// The BlockHeaders payload answering `req`: canonical headers from the origin (a hash resolves to its
    /// number first; an unknown hash gives an empty answer), stopping at the first missing one.
    Task<Bytes> headers(eth::GetBlockHeaders req);

    /// The BlockBodies payload answering `req`: bodies of the requested hashes in order, stopping at the first
    /// unknown one (a prefix, which caps/eth.md allows), within the count and byte limits.
    Task<Bytes> bodies(eth::GetBlockBodies req);

    /// The Receipts payload answering `req` in `form` (eth/68: kEth68; eth/69: kSlim), as bodies().
    Task<Bytes> receipts(eth::GetReceipts req, ReceiptForm form);

    /// The same three, synchronously on the calling thread (they block on the provider). For the pool, the
    /// benchmark and tests.
    Bytes headers_now(const eth::GetBlockHeaders& req);
    Bytes bodies_now(const eth::GetBlockBodies& req);
    Bytes receipts_now(const eth::GetReceipts& req, ReceiptForm form);

    [[nodiscard]] BlockProvider& provider() const noexcept { return provider_; }
    [[nodiscard]] const ServingLimits& limits() const noexcept { return limits_; }

  private:
    BlockProvider& provider_;
    Executor pool_;
    ServingLimits limits_;
};

}  // namespace hypasis::p2p::peers
