#include "hypasis/p2p/eth/codec.hpp"

#include <new>
#include <utility>

#include "hypasis/p2p/eth/wire.hpp"

namespace hypasis::p2p::eth {

using wire::append;

namespace {

template <class T>
using Result = Expected<T, EthError>;

/// Reads `[request-id, [hash₁, ...]]` into `out` (at most max_hashes hashes).
Result<void> decode_hashes_request(ByteView payload, std::size_t max_hashes, HashesRequest& out) noexcept {
    auto body = wire::open_message(payload);
    if (!body) return unexpected(body.error());
    auto id = wire::read_request_id(*body);
    if (!id) return unexpected(id.error());
    auto list = wire::read_list(*body);
    if (!list) return unexpected(list.error());
    if (auto e = wire::end_of_list(*body); !e) return e;
    auto n = wire::count(*list, max_hashes);
    if (!n) return unexpected(n.error());
    out.request_id = *id;
    out.hashes.reserve(*n);
    for (ByteView in = *list; !in.empty();) {
        auto h = wire::read_hash(in);
        if (!h) return unexpected(h.error());
        out.hashes.push_back(*h);
    }
    return {};
}

/// Reads a list of opaque items (each one well-formed RLP item), at most `max_items`.
Result<void> read_opaque_items(ByteView list, std::size_t max_items, std::vector<Bytes>& out) noexcept {
    auto n = wire::count(list, max_items);  // also checks that every item's header is well formed
    if (!n) return unexpected(n.error());
    out.reserve(*n);
    for (ByteView in = list; !in.empty();) {
        auto item = rlp::decode_raw_item(in);
        if (!item) return unexpected(from_rlp(item.error()));
        out.emplace_back(item->begin(), item->end());
    }
    return {};
}

/// Sum of the item sizes, for exact reservation.
template <class Range, class Size>
std::size_t total_size(const Range& items, Size size_of) noexcept {
    std::size_t n = 0;
    for (const auto& x : items) n += size_of(x);
    return n;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Serving encoders.

Bytes encode_request_id_list(uint64_t request_id, std::span<const ByteView> items) {
    const std::size_t inner = total_size(items, [](ByteView b) { return b.size(); });
    Bytes out;
    wire::begin_request_list(out, request_id, inner);
    for (ByteView b : items) append(out, b);
    return out;
}

Bytes encode_block_headers(uint64_t request_id, std::span<const ByteView> header_rlps) {
    return encode_request_id_list(request_id, header_rlps);
}

Bytes encode_block_bodies(uint64_t request_id, std::span<const ByteView> body_rlps) {
    return encode_request_id_list(request_id, body_rlps);
}

Bytes encode_receipts(uint64_t request_id, std::span<const ByteView> receipt_lists) {
    return encode_request_id_list(request_id, receipt_lists);
}

Expected<RawItems, EthError> decode_raw_items(ByteView payload, std::size_t max_items) noexcept {
    try {
        auto body = wire::open_message(payload);
        if (!body) return unexpected(body.error());
        auto id = wire::read_request_id(*body);
        if (!id) return unexpected(id.error());
        auto list = wire::read_list(*body);
        if (!list) return unexpected(list.error());
        if (auto e = wire::end_of_list(*body); !e) return unexpected(e.error());
        auto n = wire::count(*list, max_items);
        if (!n) return unexpected(n.error());
        RawItems out;
        out.request_id = *id;
        out.items.reserve(*n);
        for (ByteView in = *list; !in.empty();) {
            auto item = rlp::decode_raw_item(in);
            if (!item) return unexpected(from_rlp(item.error()));
            out.items.push_back(*item);
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// GetBlockHeaders.

Expected<GetBlockHeaders, EthError> decode_get_block_headers(ByteView payload) noexcept {
    auto body = wire::open_message(payload);
    if (!body) return unexpected(body.error());
    auto id = wire::read_request_id(*body);
    if (!id) return unexpected(id.error());
    auto req = wire::read_list(*body);
    if (!req) return unexpected(req.error());
    if (auto e = wire::end_of_list(*body); !e) return unexpected(e.error());

    GetBlockHeaders out;
    out.request_id = *id;
    ByteView in = *req;
    if (auto e = wire::need_field(in); !e) return unexpected(e.error());
    auto origin = rlp::decode_string(in);
    if (!origin) return unexpected(from_rlp(origin.error()));
    if (origin->size() == 32) {
        out.origin = to_fixed<32>(*origin);
    } else if (origin->size() <= 8) {
        // `startblock: P`: a canonical integer (no leading zero byte).
        if (!origin->empty() && (*origin)[0] == 0) return unexpected(EthError::kMalformedRlp);
        uint64_t number = 0;
        for (uint8_t b : *origin) number = (number << 8) | b;
        out.origin = number;
    } else {
        return unexpected(EthError::kInvalidField);
    }
    auto amount = wire::read_u64(in);
    if (!amount) return unexpected(amount.error());
    auto skip = wire::read_u64(in);
    if (!skip) return unexpected(skip.error());
    if (auto e = wire::need_field(in); !e) return unexpected(e.error());
    auto reverse = rlp::decode_bool(in);
    if (!reverse) return unexpected(from_rlp(reverse.error()));
    if (auto e = wire::end_of_list(in); !e) return unexpected(e.error());
    out.amount = *amount;
    out.skip = *skip;
    out.reverse = *reverse;
    return out;
}

Bytes encode(const GetBlockHeaders& m) {
    Bytes inner;
    inner.reserve(64);
    if (const auto* number = std::get_if<uint64_t>(&m.origin)) {
        rlp::encode_u64(inner, *number);
    } else {
        rlp::encode_fixed(inner, std::get<Hash>(m.origin));
    }
    rlp::encode_u64(inner, m.amount);
    rlp::encode_u64(inner, m.skip);
    rlp::encode_u64(inner, m.reverse ? 1 : 0);
    Bytes out;
    wire::begin_request_list(out, m.request_id, inner.size());
    append(out, inner);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// BlockHeaders.

Expected<BlockHeaders, EthError> decode_block_headers(ByteView payload, const Limits& limits) noexcept {
    try {
        auto raw = decode_raw_items(payload, limits.max_headers);
        if (!raw) return unexpected(raw.error());
        BlockHeaders out;
        out.request_id = raw->request_id;
        out.headers.reserve(raw->items.size());
        for (ByteView item : raw->items) {
            auto h = decode_header(item);  // the item spans exactly one header
            if (!h) return unexpected(from_rlp(h.error()));
            out.headers.push_back(std::move(*h));
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const BlockHeaders& m) {
    const std::size_t inner = total_size(m.headers, [](const SealedHeader& h) { return h.rlp.size(); });
    Bytes out;
    wire::begin_request_list(out, m.request_id, inner);
    for (const SealedHeader& h : m.headers) append(out, h.rlp);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Hash-list requests.

Expected<GetBlockBodies, EthError> decode_get_block_bodies(ByteView payload, const Limits& limits) noexcept {
    try {
        GetBlockBodies out;
        if (auto r = decode_hashes_request(payload, limits.max_hashes, out); !r) return unexpected(r.error());
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Expected<GetReceipts, EthError> decode_get_receipts(ByteView payload, const Limits& limits) noexcept {
    try {
        GetReceipts out;
        if (auto r = decode_hashes_request(payload, limits.max_hashes, out); !r) return unexpected(r.error());
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Expected<GetPooledTransactions, EthError> decode_get_pooled_transactions(ByteView payload,
                                                                         const Limits& limits) noexcept {
    try {
        GetPooledTransactions out;
        if (auto r = decode_hashes_request(payload, limits.max_hashes, out); !r) return unexpected(r.error());
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const HashesRequest& m) {
    Bytes out;
    wire::begin_request_list(out, m.request_id, m.hashes.size() * 33);  // each hash: 0xa0 + 32 bytes
    for (const Hash& h : m.hashes) rlp::encode_fixed(out, h);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// BlockBodies.

Expected<BlockBodies, EthError> decode_block_bodies(ByteView payload, const Limits& limits) noexcept {
    try {
        auto raw = decode_raw_items(payload, limits.max_bodies);
        if (!raw) return unexpected(raw.error());
        BlockBodies out;
        out.request_id = raw->request_id;
        out.bodies.reserve(raw->items.size());
        for (ByteView item : raw->items) {
            auto b = decode_body(item, limits.body);
            if (!b) return unexpected(from_rlp(b.error()));
            out.bodies.push_back(std::move(*b));
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const BlockBodies& m) {
    const std::size_t inner = total_size(m.bodies, [](const BlockBody& b) { return encoded_length(b); });
    Bytes out;
    wire::begin_request_list(out, m.request_id, inner);
    for (const BlockBody& b : m.bodies) encode_to(out, b);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Receipts.

Expected<Receipts, EthError> decode_receipts(ByteView payload, ReceiptForm form, const Limits& limits) noexcept {
    try {
        auto raw = decode_raw_items(payload, limits.max_receipt_lists);
        if (!raw) return unexpected(raw.error());
        Receipts out;
        out.request_id = raw->request_id;
        out.receipts.reserve(raw->items.size());
        for (ByteView item : raw->items) {
            auto list = ::hypasis::decode_receipts(item, form, limits.max_receipts_per_block);
            if (!list) return unexpected(from_rlp(list.error()));
            out.receipts.push_back(std::move(*list));
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const Receipts& m, ReceiptForm form) {
    std::vector<Bytes> lists;
    lists.reserve(m.receipts.size());
    for (const auto& block : m.receipts) lists.push_back(::hypasis::encode_receipts(block, form));
    const std::size_t inner = total_size(lists, [](const Bytes& b) { return b.size(); });
    Bytes out;
    wire::begin_request_list(out, m.request_id, inner);
    for (const Bytes& b : lists) append(out, b);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// NewBlockHashes and NewBlock (eth/68).

Expected<NewBlockHashes, EthError> decode_new_block_hashes(ByteView payload, const Limits& limits) noexcept {
    try {
        auto body = wire::open_message(payload);
        if (!body) return unexpected(body.error());
        auto n = wire::count(*body, limits.max_announcements);
        if (!n) return unexpected(n.error());
        NewBlockHashes out;
        out.entries.reserve(*n);
        for (ByteView in = *body; !in.empty();) {
            auto entry = wire::read_list(in);
            if (!entry) return unexpected(entry.error());
            auto hash = wire::read_hash(*entry);
            if (!hash) return unexpected(hash.error());
            auto number = wire::read_u64(*entry);
            if (!number) return unexpected(number.error());
            if (auto e = wire::end_of_list(*entry); !e) return unexpected(e.error());
            out.entries.push_back({*hash, *number});
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const NewBlockHashes& m) {
    const auto entry_payload = [](const BlockAnnouncement& a) { return 33 + rlp::u64_length(a.number); };
    const std::size_t inner =
        total_size(m.entries, [&](const BlockAnnouncement& a) { return wire::list_size(entry_payload(a)); });
    Bytes out;
    out.reserve(wire::list_size(inner));
    rlp::encode_list_header(out, inner);
    for (const BlockAnnouncement& a : m.entries) {
        rlp::encode_list_header(out, entry_payload(a));
        rlp::encode_fixed(out, a.hash);
        rlp::encode_u64(out, a.number);
    }
    return out;
}

Expected<NewBlock, EthError> decode_new_block(ByteView payload, const Limits& limits) noexcept {
    try {
        auto body = wire::open_message(payload);
        if (!body) return unexpected(body.error());
        if (auto e = wire::need_field(*body); !e) return unexpected(e.error());
        auto block = decode_block_item(*body, limits.body);
        if (!block) return unexpected(from_rlp(block.error()));
        if (auto e = wire::need_field(*body); !e) return unexpected(e.error());
        auto td = rlp::decode_u256(*body);
        if (!td) return unexpected(from_rlp(td.error()));
        if (auto e = wire::end_of_list(*body); !e) return unexpected(e.error());
        return NewBlock{std::move(*block), *td};
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const NewBlock& m) {
    Bytes inner;
    inner.reserve(encoded_length(m.block) + 33);
    encode_to(inner, m.block);
    rlp::encode_u256(inner, m.td);
    Bytes out;
    rlp::encode_list(out, inner);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Transaction-pool messages (recognised and bounded, kept opaque).

Expected<Transactions, EthError> decode_transactions(ByteView payload, const Limits& limits) noexcept {
    try {
        auto body = wire::open_message(payload);
        if (!body) return unexpected(body.error());
        Transactions out;
        if (auto r = read_opaque_items(*body, limits.max_transactions, out.items); !r) return unexpected(r.error());
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const Transactions& m) {
    const std::size_t inner = total_size(m.items, [](const Bytes& b) { return b.size(); });
    Bytes out;
    out.reserve(wire::list_size(inner));
    rlp::encode_list_header(out, inner);
    for (const Bytes& b : m.items) append(out, b);
    return out;
}

Expected<PooledTransactions, EthError> decode_pooled_transactions(ByteView payload, const Limits& limits) noexcept {
    try {
        auto body = wire::open_message(payload);
        if (!body) return unexpected(body.error());
        auto id = wire::read_request_id(*body);
        if (!id) return unexpected(id.error());
        auto list = wire::read_list(*body);
        if (!list) return unexpected(list.error());
        if (auto e = wire::end_of_list(*body); !e) return unexpected(e.error());
        PooledTransactions out;
        out.request_id = *id;
        if (auto r = read_opaque_items(*list, limits.max_transactions, out.items); !r) return unexpected(r.error());
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const PooledTransactions& m) {
    const std::size_t inner = total_size(m.items, [](const Bytes& b) { return b.size(); });
    Bytes out;
    wire::begin_request_list(out, m.request_id, inner);
    for (const Bytes& b : m.items) append(out, b);
    return out;
}

Expected<NewPooledTransactionHashes, EthError> decode_new_pooled_transaction_hashes(ByteView payload,
                                                                                    const Limits& limits) noexcept {
    try {
        auto body = wire::open_message(payload);
        if (!body) return unexpected(body.error());
        if (auto e = wire::need_field(*body); !e) return unexpected(e.error());
        auto types = rlp::decode_string(*body);
        if (!types) return unexpected(from_rlp(types.error()));
        auto sizes = wire::read_list(*body);
        if (!sizes) return unexpected(sizes.error());
        auto hashes = wire::read_list(*body);
        if (!hashes) return unexpected(hashes.error());
        if (auto e = wire::end_of_list(*body); !e) return unexpected(e.error());
        if (types->size() > limits.max_announcements) return unexpected(EthError::kTooManyItems);
        auto n_sizes = wire::count(*sizes, limits.max_announcements);
        if (!n_sizes) return unexpected(n_sizes.error());
        auto n_hashes = wire::count(*hashes, limits.max_announcements);
        if (!n_hashes) return unexpected(n_hashes.error());
        if (*n_sizes != types->size() || *n_hashes != types->size()) return unexpected(EthError::kInvalidField);

        NewPooledTransactionHashes out;
        out.types.assign(types->begin(), types->end());
        out.sizes.reserve(*n_sizes);
        for (ByteView in = *sizes; !in.empty();) {
            auto s = wire::read_u64(in);
            if (!s) return unexpected(s.error());
            if (*s > UINT32_MAX) return unexpected(EthError::kValueOverflow);
            out.sizes.push_back(static_cast<uint32_t>(*s));
        }
        out.hashes.reserve(*n_hashes);
        for (ByteView in = *hashes; !in.empty();) {
            auto h = wire::read_hash(in);
            if (!h) return unexpected(h.error());
            out.hashes.push_back(*h);
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(EthError::kTooManyItems);
    }
}

Bytes encode(const NewPooledTransactionHashes& m) {
    const std::size_t sizes = total_size(m.sizes, [](uint32_t s) { return rlp::u64_length(s); });
    const std::size_t hashes = m.hashes.size() * 33;
    const std::size_t inner = rlp::string_length(m.types) + wire::list_size(sizes) + wire::list_size(hashes);
    Bytes out;
    out.reserve(wire::list_size(inner));
    rlp::encode_list_header(out, inner);
    rlp::encode_string(out, m.types);
    rlp::encode_list_header(out, sizes);
    for (uint32_t s : m.sizes) rlp::encode_u64(out, s);
    rlp::encode_list_header(out, hashes);
    for (const Hash& h : m.hashes) rlp::encode_fixed(out, h);
    return out;
}

}  // namespace hypasis::p2p::eth
