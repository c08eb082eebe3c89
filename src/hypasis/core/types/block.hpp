#pragma once
/// Block bodies and whole blocks, and their strict RLP codecs.
///
/// - A body is the eth wire form `[txs, ommers]` before Shanghai and `[txs, ommers, withdrawals]` from Shanghai
///   on (eth/66+ BlockBodies elements; EIP-4895). In `txs`, a legacy transaction is an RLP list and a typed one
///   an RLP string holding type || payload (EIP-2718).
/// - A block is `[header, txs, ommers]` or `[header, txs, ommers, withdrawals]`: the form geth writes to
///   exported chain files (blocks concatenated, no framing) and eth's NewBlock carries.
///
/// Decoded parts keep their received bytes (SealedHeader::rlp, Transaction::encoded) and decoding is strict, so
/// encode() of a decoded body or block reproduces the input byte for byte.
///
/// Not checked here, because it needs the header or the chain's fork schedule (core/validation does it): that
/// withdrawals are present iff the header has withdrawals_root, and every body root against the header.
/// All functions are thread-safe: they touch only their arguments.
#include <cstddef>
#include <optional>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/rlp/error.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/transaction.hpp"
#include "hypasis/core/types/withdrawal.hpp"

namespace hypasis {

/// Default cap on the transactions of one body: 65,536 transfers need 1.37 G gas, far above any Ethereum,
/// Polygon PoS or BSC gas limit (tens to ~150 M), so no valid block reaches it.
inline constexpr std::size_t kMaxBodyTransactions = std::size_t{1} << 16;
/// Default cap on ommers: a block has at most two (Yellow Paper §11.1; none at all after the merge, EIP-3675).
/// Each ommer is a full header to decode and hash, so extra ones are refused before any work is done on them.
inline constexpr std::size_t kMaxBodyOmmers = 2;
/// Default cap on withdrawals: the consensus specs allow 16 per payload (MAX_WITHDRAWALS_PER_PAYLOAD, Capella);
/// the cap leaves room for other presets while still bounding the work.
inline constexpr std::size_t kMaxBodyWithdrawals = std::size_t{1} << 10;

/// Per-call caps on the number of elements of a body's lists. Each list is counted (by walking its item headers,
/// without decoding the elements) and checked before its vector is allocated; a list beyond its cap fails with
/// kTooLarge. The input's own size bounds memory anyway; these caps bound the work of decoding, hashing and
/// signature recovery that a single message can demand.
struct BodyLimits {
    std::size_t max_transactions{kMaxBodyTransactions};
    std::size_t max_ommers{kMaxBodyOmmers};
    std::size_t max_withdrawals{kMaxBodyWithdrawals};
};

/// The contents of a block other than its header.
struct BlockBody {
    std::vector<Transaction> transactions;
    std::vector<SealedHeader> ommers;                    ///< "uncles"
    std::optional<std::vector<Withdrawal>> withdrawals;  ///< nullopt: the body has no withdrawals list (pre-Shanghai).

    friend bool operator==(const BlockBody&, const BlockBody&) = default;
};

/// A header and its body.
struct Block {
    SealedHeader header;
    BlockBody body;

    friend bool operator==(const Block&, const Block&) = default;
};

/// Decodes one body `[txs, ommers, withdrawals?]` from the front of `in` and advances `in` past it.
/// Errors: kUnexpectedString when the body or one of its lists is not a list; kListLengthMismatch when the body
/// has fewer than 2 or more than 3 elements; kTooLarge when a list exceeds its cap in `limits` (or on out of
/// memory); any error of decode_transaction_item(), decode_header_item() (ommers) or decode_withdrawal_item().
/// noexcept.
Expected<BlockBody, rlp::DecodingError> decode_body_item(ByteView& in, const BodyLimits& limits = {}) noexcept;

/// Decodes a body that must span the whole input (kInputTooLong on trailing bytes). Same errors otherwise.
Expected<BlockBody, rlp::DecodingError> decode_body(ByteView rlp, const BodyLimits& limits = {}) noexcept;

/// Decodes one block `[header, txs, ommers, withdrawals?]` from the front of `in` and advances `in` past it, so
/// a geth chain file is read by calling this until `in` is empty. kListLengthMismatch when the block has fewer
/// than 3 or more than 4 elements; otherwise the errors of decode_header_item() and decode_body_item().
/// noexcept.
Expected<Block, rlp::DecodingError> decode_block_item(ByteView& in, const BodyLimits& limits = {}) noexcept;

/// Decodes a block that must span the whole input (kInputTooLong on trailing bytes). Same errors otherwise.
Expected<Block, rlp::DecodingError> decode_block(ByteView rlp, const BodyLimits& limits = {}) noexcept;

/// Exact size of encode(body). noexcept.
std::size_t encoded_length(const BlockBody& body) noexcept;
/// Appends the body list to `out`: each transaction in body-element form from its `encoded` bytes (a legacy
/// list as-is, a typed one wrapped in an RLP string), each ommer's `rlp` bytes, then the withdrawals list if
/// present. Transactions and ommers must therefore be sealed (decoded, or passed through seal()).
/// Throws only std::bad_alloc.
void encode_to(Bytes& out, const BlockBody& body);
/// The body list as a new buffer. Throws only std::bad_alloc.
Bytes encode(const BlockBody& body);

/// Exact size of encode(block). noexcept.
std::size_t encoded_length(const Block& block) noexcept;
/// Appends the block list to `out`: block.header.rlp, then the body's elements as encode_to(BlockBody) writes
/// them. Throws only std::bad_alloc.
void encode_to(Bytes& out, const Block& block);
/// The block list as a new buffer. Throws only std::bad_alloc.
Bytes encode(const Block& block);

}  // namespace hypasis
