#pragma once
/// What the eth server reads to answer peers: canonical headers, bodies and receipts, and our chain head.
///
/// Implemented by the node layer over the BlockStore (storage/), and in tests by MemoryBlockProvider
/// (memory_block_provider.hpp). p2p never includes storage: this interface is the seam.
///
/// Blocking: every method may block (RocksDB reads, disk). The server therefore never calls a provider on a
/// network thread: it runs the calls on its own small thread pool and awaits them, and it bounds the work of one
/// request (at most 1024 items and about 2 MiB of encoded data, caps/eth.md's soft limit) before calling.
///
/// Thread-safety: implementations must be thread-safe. The server calls them concurrently from its pool threads
/// (one request per peer at a time, several peers at once).
///
/// Errors: a provider never throws on missing data. "Not available" (unknown hash, a block outside the stored
/// range, a gap, a read error that the implementation has logged) is std::nullopt; the server then answers with
/// fewer items, which the protocol allows ("implementation-defined limits"). Exceptions other than
/// std::bad_alloc must not escape.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/receipt.hpp"

namespace hypasis::p2p::peers {

/// Our chain as we serve it. eth/69 Status and BlockRangeUpdate carry [earliest, latest, latest_hash]; eth/68
/// Status carries total_difficulty and latest_hash.
struct ChainHead {
    /// The earliest block whose header, body and receipts we serve (eth/69 `earliest`; 0 for a full history).
    uint64_t earliest{0};
    /// The latest block we serve (eth/69 `latest`).
    uint64_t latest{0};
    /// Hash of block `latest` (eth/68 `blockhash`, eth/69 `latestHash`).
    Hash latest_hash{};
    /// Timestamp of block `latest`: our ForkID is computed at (latest, latest_time) (EIP-2124, EIP-6122).
    uint64_t latest_time{0};
    /// Total difficulty at `latest`, for eth/68 Status only (meaningless after the merge, but still sent).
    U256 total_difficulty{};

    friend bool operator==(const ChainHead&, const ChainHead&) = default;
};

/// Read access to the canonical chain for serving. See the file comment for blocking and thread-safety.
class BlockProvider {
  public:
    virtual ~BlockProvider() = default;

    /// Our current head and served range. Called when a session starts (Status) and whenever the node layer
    /// signals that the head moved (PeerManager::notify_head_changed).
    virtual ChainHead head() = 0;

    /// The RLP of the canonical header with number `block_num` (the exact stored bytes, one RLP list), or
    /// nullopt when we do not have it.
    virtual std::optional<Bytes> header_rlp(uint64_t block_num) = 0;

    /// The number of the canonical block with hash `hash`, or nullopt when the hash is unknown or not canonical.
    virtual std::optional<uint64_t> block_number(const Hash& hash) = 0;

    /// The RLP of the body of block `hash`: `[txs, ommers, withdrawals?]` exactly as it goes on the wire in
    /// BlockBodies, or nullopt when we do not have it.
    virtual std::optional<Bytes> body_rlp(const Hash& hash) = 0;

    /// The receipt list of block `hash` encoded in `form` (core/types/receipt.hpp: ReceiptForm::kEth68 is the
    /// eth/68 element list with blooms, ReceiptForm::kSlim the eth/69 one), i.e. core's
    /// encode_receipts(receipts, form): one RLP list as it goes on the wire in Receipts. nullopt when we do not
    /// have the receipts of that block.
    virtual std::optional<Bytes> receipts_rlp(const Hash& hash, ReceiptForm form) = 0;

    /// Batch form of header_rlp for a run of numbers (what a GetBlockHeaders asks for). Appends to `out` the
    /// headers of `numbers` in order and stops at the first one missing, or once the bytes appended reach
    /// `byte_budget` (the header that crosses the budget is still appended). Returns how many were appended.
    /// The default calls header_rlp() per number; a store may override it with a multi-get or an iterator.
    virtual std::size_t header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                                    std::vector<Bytes>& out) {
        std::size_t bytes = 0, n = 0;
        for (const uint64_t num : numbers) {
            if (bytes >= byte_budget) break;
            auto h = header_rlp(num);
            if (!h) break;
            bytes += h->size();
            out.push_back(std::move(*h));
            ++n;
        }
        return n;
    }
};

}  // namespace hypasis::p2p::peers
