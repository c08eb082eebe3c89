#include "hypasis/core/types/block.hpp"

#include <new>
#include <utility>

#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis {

using rlp::DecodingError;

namespace {

// Decodes the RLP list at the front of `in` into `out`, with `decode_one(ByteView&)` per element. The elements
// are counted from their item headers first, so the vector is allocated once and only within `max_items`.
// May throw std::bad_alloc (the public entry points catch it).
template <class T, class DecodeOne>
Expected<void, DecodingError> decode_counted_list(ByteView& in, std::size_t max_items, std::vector<T>& out,
                                                  DecodeOne decode_one) {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    auto n = rlp::count_items(*payload, max_items);
    if (!n) return unexpected(n.error());
    out.reserve(*n);
    for (ByteView p = *payload; !p.empty();) {
        auto x = decode_one(p);
        if (!x) return unexpected(x.error());
        out.push_back(std::move(*x));
    }
    return {};
}

// Decodes the sequence `txs, ommers, withdrawals?` that makes up a body list's payload and the tail of a block
// list's payload. `p` must hold exactly those elements.
Expected<BlockBody, DecodingError> decode_body_elements(ByteView p, const BodyLimits& limits) {
    BlockBody body;
    if (p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    auto txs = decode_counted_list(p, limits.max_transactions, body.transactions,
                                   [](ByteView& q) noexcept { return decode_transaction_item(q); });
    if (!txs) return unexpected(txs.error());
    if (p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    auto ommers = decode_counted_list(p, limits.max_ommers, body.ommers,
                                      [](ByteView& q) noexcept { return decode_header_item(q); });
    if (!ommers) return unexpected(ommers.error());
    if (p.empty()) return body;
    auto withdrawals = decode_withdrawals_item(p, limits.max_withdrawals);
    if (!withdrawals) return unexpected(withdrawals.error());
    body.withdrawals = std::move(*withdrawals);
    if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    return body;
}

std::size_t txn_item_length(const Transaction& txn) noexcept {
    // A legacy transaction is its own RLP list; a typed one is wrapped in an RLP string (EIP-2718 body form).
    return txn.type == TxnType::kLegacy ? txn.encoded.size() : rlp::string_length(txn.encoded);
}

void encode_txn_item(Bytes& out, const Transaction& txn) {
    if (txn.type == TxnType::kLegacy) {
        out.insert(out.end(), txn.encoded.begin(), txn.encoded.end());
    } else {
        rlp::encode_string(out, txn.encoded);
    }
}

std::size_t txns_payload_length(const BlockBody& body) noexcept {
    std::size_t n = 0;
    for (const auto& txn : body.transactions) n += txn_item_length(txn);
    return n;
}

std::size_t ommers_payload_length(const BlockBody& body) noexcept {
    std::size_t n = 0;
    for (const auto& h : body.ommers) n += h.rlp.size();
    return n;
}

// Length of the elements `txs, ommers, withdrawals?` (without an enclosing list header).
std::size_t body_elements_length(const BlockBody& body) noexcept {
    const std::size_t txs = txns_payload_length(body);
    const std::size_t ommers = ommers_payload_length(body);
    std::size_t n = rlp::header_length(txs) + txs + rlp::header_length(ommers) + ommers;
    if (body.withdrawals) n += encoded_length(*body.withdrawals);
    return n;
}

void encode_body_elements(Bytes& out, const BlockBody& body) {
    rlp::encode_list_header(out, txns_payload_length(body));
    for (const auto& txn : body.transactions) encode_txn_item(out, txn);
    rlp::encode_list_header(out, ommers_payload_length(body));
    for (const auto& h : body.ommers) out.insert(out.end(), h.rlp.begin(), h.rlp.end());
    if (body.withdrawals) encode_to(out, *body.withdrawals);
}

}  // namespace

Expected<BlockBody, DecodingError> decode_body_item(ByteView& in, const BodyLimits& limits) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    try {
        return decode_body_elements(*payload, limits);
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<BlockBody, DecodingError> decode_body(ByteView rlp, const BodyLimits& limits) noexcept {
    auto body = decode_body_item(rlp, limits);
    if (!body) return body;
    if (!rlp.empty()) return unexpected(DecodingError::kInputTooLong);
    return body;
}

Expected<Block, DecodingError> decode_block_item(ByteView& in, const BodyLimits& limits) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    ByteView p = *payload;
    if (p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    auto header = decode_header_item(p);
    if (!header) return unexpected(header.error());
    try {
        auto body = decode_body_elements(p, limits);
        if (!body) return unexpected(body.error());
        return Block{std::move(*header), std::move(*body)};
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<Block, DecodingError> decode_block(ByteView rlp, const BodyLimits& limits) noexcept {
    auto block = decode_block_item(rlp, limits);
    if (!block) return block;
    if (!rlp.empty()) return unexpected(DecodingError::kInputTooLong);
    return block;
}

std::size_t encoded_length(const BlockBody& body) noexcept {
    const std::size_t n = body_elements_length(body);
    return rlp::header_length(n) + n;
}

void encode_to(Bytes& out, const BlockBody& body) {
    const std::size_t n = body_elements_length(body);
    out.reserve(out.size() + rlp::header_length(n) + n);
    rlp::encode_list_header(out, n);
    encode_body_elements(out, body);
}

Bytes encode(const BlockBody& body) {
    Bytes out;
    encode_to(out, body);
    return out;
}

std::size_t encoded_length(const Block& block) noexcept {
    const std::size_t n = block.header.rlp.size() + body_elements_length(block.body);
    return rlp::header_length(n) + n;
}

void encode_to(Bytes& out, const Block& block) {
    const std::size_t n = block.header.rlp.size() + body_elements_length(block.body);
    out.reserve(out.size() + rlp::header_length(n) + n);
    rlp::encode_list_header(out, n);
    out.insert(out.end(), block.header.rlp.begin(), block.header.rlp.end());
    encode_body_elements(out, block.body);
}

Bytes encode(const Block& block) {
    Bytes out;
    encode_to(out, block);
    return out;
}

}  // namespace hypasis
