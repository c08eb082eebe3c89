#pragma once
/// Internal helpers shared by the eth codec's .cpp files: reading the fixed parts of a message with EthError
/// results, and writing `[request-id, [...]]` envelopes. Not part of the public API.
#include <cstddef>
#include <cstdint>
#include <new>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/eth/error.hpp"

namespace hypasis::p2p::eth::wire {

/// Opens a payload's outer list, which must span the whole payload (kTrailingBytes otherwise).
inline Expected<ByteView, EthError> open_message(ByteView payload) noexcept {
    ByteView in = payload;
    auto body = rlp::decode_list(in);
    if (!body) return unexpected(from_rlp(body.error()));
    if (!in.empty()) return unexpected(EthError::kTrailingBytes);
    return *body;
}

/// A message's list ended before all its fields: a shape error (the list is too short), not truncated RLP.
inline Expected<void, EthError> need_field(ByteView in) noexcept {
    if (in.empty()) return unexpected(EthError::kWrongShape);
    return {};
}

/// Reads a nested list and returns its payload.
inline Expected<ByteView, EthError> read_list(ByteView& in) noexcept {
    if (in.empty()) return unexpected(EthError::kWrongShape);
    auto body = rlp::decode_list(in);
    if (!body) return unexpected(from_rlp(body.error()));
    return *body;
}

/// Succeeds when a list's payload has been fully read; extra elements are a shape error (eth messages have fixed
/// field counts).
inline Expected<void, EthError> end_of_list(ByteView rest) noexcept {
    if (!rest.empty()) return unexpected(EthError::kWrongShape);
    return {};
}

/// Reads the EIP-2481 request id (a 64-bit integer; kRequestIdTooLarge when wider).
inline Expected<uint64_t, EthError> read_request_id(ByteView& in) noexcept {
    if (in.empty()) return unexpected(EthError::kWrongShape);
    auto id = rlp::decode_u64(in);
    if (!id) {
        return unexpected(id.error() == rlp::DecodingError::kOverflow ? EthError::kRequestIdTooLarge
                                                                      : from_rlp(id.error()));
    }
    return *id;
}

inline Expected<uint64_t, EthError> read_u64(ByteView& in) noexcept {
    if (in.empty()) return unexpected(EthError::kWrongShape);
    auto x = rlp::decode_u64(in);
    if (!x) return unexpected(from_rlp(x.error()));
    return *x;
}

inline Expected<Hash, EthError> read_hash(ByteView& in) noexcept {
    if (in.empty()) return unexpected(EthError::kWrongShape);
    auto h = rlp::decode_fixed<32>(in);
    if (!h) return unexpected(from_rlp(h.error()));
    return *h;
}

/// Counts a list payload's items without decoding them; kTooManyItems beyond `max_items`.
inline Expected<std::size_t, EthError> count(ByteView list_payload, std::size_t max_items) noexcept {
    auto n = rlp::count_items(list_payload, max_items);
    if (!n) return unexpected(from_rlp(n.error()));
    return *n;
}

/// Size of the list item wrapping a payload of `payload_length` bytes.
inline std::size_t list_size(std::size_t payload_length) noexcept {
    return rlp::header_length(payload_length) + payload_length;
}

/// Starts `[request-id, [` + inner payload: reserves the exact total and writes both list headers and the id; the
/// caller appends exactly `inner_length` bytes after.
inline void begin_request_list(Bytes& out, uint64_t request_id, std::size_t inner_length) {
    const std::size_t outer = rlp::u64_length(request_id) + list_size(inner_length);
    out.reserve(out.size() + list_size(outer));
    rlp::encode_list_header(out, outer);
    rlp::encode_u64(out, request_id);
    rlp::encode_list_header(out, inner_length);
}

inline void append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

}  // namespace hypasis::p2p::eth::wire
