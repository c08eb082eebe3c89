#pragma once
/// Encoders and strict decoders of each eth message payload except Status and BlockRangeUpdate (status.hpp).
///
/// A payload is the RLP list a message carries after its code (before snappy compression). Decoding is strict:
/// canonical RLP only, exact list shapes (EIP-8's tolerance of extra list elements applies to RLPx handshake
/// packets and Hello, not to eth messages, whose every element is fixed by caps/eth.md), the whole payload must
/// be consumed (kTrailingBytes), and every list is bounded by Limits before it is allocated. Nested headers,
/// bodies, blocks and receipts are decoded by core/types and keep their received bytes, so encoding a decoded
/// message reproduces its payload byte for byte.
///
/// Decoders are noexcept and report bad input with an EthError (out of memory is reported as kTooManyItems);
/// encoders fail only with std::bad_alloc. Everything is thread-safe: functions touch only their arguments.
#include <span>
#include <vector>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/eth/error.hpp"
#include "hypasis/p2p/eth/types.hpp"

namespace hypasis::p2p::eth {

// ---------------------------------------------------------------------------------------------------------------
// Fast serving encoders: responses assembled from already-encoded items (stored rows), with one allocation and no
// decoding. Each item must be one complete RLP item in the form the message carries; that is the caller's
// invariant (rows come from our own store) and is not checked.

/// BlockHeaders `[request-id, [header₁, ...]]` from raw header RLP lists.
Bytes encode_block_headers(uint64_t request_id, std::span<const ByteView> header_rlps);
/// BlockBodies `[request-id, [body₁, ...]]` from raw body lists `[txs, ommers, withdrawals?]`.
Bytes encode_block_bodies(uint64_t request_id, std::span<const ByteView> body_rlps);
/// Receipts `[request-id, [list₁, ...]]` from each block's raw receipt list, already in the negotiated version's
/// form (core's encode_receipts(receipts, receipt_form(version))).
Bytes encode_receipts(uint64_t request_id, std::span<const ByteView> receipt_lists);
/// Any `[request-id, [item₁, ...]]` from raw items (the three above are this function).
Bytes encode_request_id_list(uint64_t request_id, std::span<const ByteView> items);

/// A response split into its raw items without decoding them: for a server or a store that keeps rows as
/// received, and for cheap inspection. Views point into the decoded payload, which must outlive them.
struct RawItems {
    uint64_t request_id{0};
    std::vector<ByteView> items;  ///< Each a complete RLP item (header included).
};

/// Splits `[request-id, [item₁, ...]]` into its items, each checked only to be one well-formed RLP item. At most
/// `max_items` items (kTooManyItems, before allocating). Errors: the shape errors of decode_block_headers.
Expected<RawItems, EthError> decode_raw_items(ByteView payload, std::size_t max_items) noexcept;

// ---------------------------------------------------------------------------------------------------------------
// Per-message codecs. Each decoder takes the whole payload.

/// GetBlockHeaders. Origin: a 32-byte string is a hash; a string of at most 8 bytes is a canonical number;
/// any other length is kInvalidField. `reverse` must be 0 or 1 (kValueOverflow for larger). The amount is kept
/// as sent (see serve_count()).
Expected<GetBlockHeaders, EthError> decode_get_block_headers(ByteView payload) noexcept;
Bytes encode(const GetBlockHeaders& m);

/// BlockHeaders: at most limits.max_headers headers, each decoded by core (decode_header_item) and hashed.
Expected<BlockHeaders, EthError> decode_block_headers(ByteView payload, const Limits& limits) noexcept;
Bytes encode(const BlockHeaders& m);

/// GetBlockBodies, GetReceipts, GetPooledTransactions: at most limits.max_hashes 32-byte hashes.
Expected<GetBlockBodies, EthError> decode_get_block_bodies(ByteView payload, const Limits& limits) noexcept;
Expected<GetReceipts, EthError> decode_get_receipts(ByteView payload, const Limits& limits) noexcept;
Expected<GetPooledTransactions, EthError> decode_get_pooled_transactions(ByteView payload,
                                                                         const Limits& limits) noexcept;
Bytes encode(const HashesRequest& m);

/// BlockBodies: at most limits.max_bodies bodies, each within limits.body.
Expected<BlockBodies, EthError> decode_block_bodies(ByteView payload, const Limits& limits) noexcept;
Bytes encode(const BlockBodies& m);

/// Receipts in `form`: at most limits.max_receipt_lists lists of at most limits.max_receipts_per_block receipts.
Expected<Receipts, EthError> decode_receipts(ByteView payload, ReceiptForm form, const Limits& limits) noexcept;
Bytes encode(const Receipts& m, ReceiptForm form);

/// NewBlockHashes: at most limits.max_announcements entries, each exactly `[hash, number]`.
Expected<NewBlockHashes, EthError> decode_new_block_hashes(ByteView payload, const Limits& limits) noexcept;
Bytes encode(const NewBlockHashes& m);

/// NewBlock `[block, td]`, the block within limits.body.
Expected<NewBlock, EthError> decode_new_block(ByteView payload, const Limits& limits) noexcept;
Bytes encode(const NewBlock& m);

/// Transactions: at most limits.max_transactions items, each a well-formed RLP item (not decoded further).
Expected<Transactions, EthError> decode_transactions(ByteView payload, const Limits& limits) noexcept;
Bytes encode(const Transactions& m);

/// PooledTransactions: as Transactions, after a request id.
Expected<PooledTransactions, EthError> decode_pooled_transactions(ByteView payload, const Limits& limits) noexcept;
Bytes encode(const PooledTransactions& m);

/// NewPooledTransactionHashes (eth/68 form): the three lists must have equal lengths (kInvalidField), at most
/// limits.max_announcements each; sizes are 32-bit (kValueOverflow).
Expected<NewPooledTransactionHashes, EthError> decode_new_pooled_transaction_hashes(ByteView payload,
                                                                                    const Limits& limits) noexcept;
Bytes encode(const NewPooledTransactionHashes& m);

}  // namespace hypasis::p2p::eth
