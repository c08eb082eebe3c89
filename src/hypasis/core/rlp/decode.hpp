#pragma once
/// Strict RLP decoding (Yellow Paper, Appendix B).
///
/// Every function takes the input by reference and, on success, advances it past what it consumed; on failure
/// the input is left in an unspecified position and the caller must discard it. Nothing here allocates in
/// proportion to a length read from the input before checking that the input actually holds that many bytes.
/// All functions are noexcept and thread-safe (they touch only their arguments).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis::rlp {

/// The header of one RLP item.
struct Header {
    bool list{false};
    std::size_t payload_length{0};
};

/// Reads one item header and checks that its payload fits in the remaining input. Rejects non-canonical
/// lengths (leading zeros, long form below 56) and a single byte below 0x80 wrapped as a one-byte string.
Expected<Header, DecodingError> decode_header(ByteView& in) noexcept;

/// Reads a string item and returns its payload (a view into the input).
Expected<ByteView, DecodingError> decode_string(ByteView& in) noexcept;

/// Reads a list item and returns its payload, the concatenated encodings of its elements.
Expected<ByteView, DecodingError> decode_list(ByteView& in) noexcept;

/// Reads one whole item, string or list, and returns its full encoding (header included).
Expected<ByteView, DecodingError> decode_raw_item(ByteView& in) noexcept;

/// Reads a canonical unsigned integer: a string with no leading zero byte; zero is the empty string.
Expected<uint64_t, DecodingError> decode_u64(ByteView& in) noexcept;
Expected<U256, DecodingError> decode_u256(ByteView& in) noexcept;
/// A boolean-like integer that must be 0 or 1 (receipt status, y-parity).
Expected<bool, DecodingError> decode_bool(ByteView& in) noexcept;

/// Reads a string of exactly N bytes (hashes, addresses, blooms, nonces).
template <std::size_t N>
Expected<FixedBytes<N>, DecodingError> decode_fixed(ByteView& in) noexcept {
    auto s = decode_string(in);
    if (!s) return unexpected(s.error());
    if (s->size() != N) return unexpected(DecodingError::kUnexpectedLength);
    return to_fixed<N>(*s);
}

/// Reads a list of items, calling `fn(ByteView& element_input)` once per element with a view of the list's
/// payload; `fn` must consume exactly one element and return Expected<void, DecodingError>. Stops at the first
/// error. At most `max_items` elements are allowed (kTooLarge beyond).
template <class Fn>
Expected<void, DecodingError> decode_list_items(ByteView& in, Fn&& fn, std::size_t max_items = SIZE_MAX) noexcept {
    auto payload = decode_list(in);
    if (!payload) return unexpected(payload.error());
    ByteView p = *payload;
    std::size_t n = 0;
    while (!p.empty()) {
        if (++n > max_items) return unexpected(DecodingError::kTooLarge);
        Expected<void, DecodingError> r = fn(p);
        if (!r) return r;
    }
    return {};
}

/// Counts the items in a list payload (as returned by decode_list) by walking their headers, without decoding
/// them, so that a caller can size a vector once. kTooLarge as soon as the count would exceed `max_items`; the
/// header errors of a malformed item otherwise.
Expected<std::size_t, DecodingError> count_items(ByteView payload, std::size_t max_items) noexcept;

/// A decoded RLP tree, for generic inspection and tests. Views point into the decoded input.
struct Item {
    bool list{false};
    ByteView payload;          ///< For a string: its bytes. For a list: its raw payload.
    std::vector<Item> items;   ///< For a list: its elements.
};

/// Decodes exactly one item that must span the whole input, as a tree no deeper than `max_depth` and with at
/// most `max_items` nodes in total. Allocates nodes only for elements actually present in the input.
Expected<Item, DecodingError> decode_tree(ByteView in, std::size_t max_depth = 64,
                                          std::size_t max_items = 1u << 20) noexcept;

/// Succeeds when `in` is empty; otherwise kInputTooLong. Used to reject trailing bytes.
inline Expected<void, DecodingError> expect_end(ByteView in) noexcept {
    if (!in.empty()) return unexpected(DecodingError::kInputTooLong);
    return {};
}

}  // namespace hypasis::rlp
