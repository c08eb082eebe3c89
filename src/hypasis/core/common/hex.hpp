#pragma once
/// Hexadecimal text for bytes and numbers, as Ethereum's JSON-RPC writes it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis {

/// Lower-case hex of `v`, with a "0x" prefix when `prefix` is true. Empty input gives "0x" (or "").
std::string to_hex(ByteView v, bool prefix = true);

/// Parses hex with an optional "0x"/"0X" prefix. Upper and lower case are accepted. An odd digit count is
/// accepted only when `allow_odd` is set (then a leading zero is implied). Returns nullopt on any non-hex
/// character or on an odd length that is not allowed. Never throws except std::bad_alloc.
std::optional<Bytes> from_hex(std::string_view s, bool allow_odd = false);

/// Parses hex into exactly N bytes; nullopt when the decoded length is not N.
template <std::size_t N>
std::optional<FixedBytes<N>> fixed_from_hex(std::string_view s) {
    auto b = from_hex(s);
    if (!b || b->size() != N) return std::nullopt;
    return to_fixed<N>(*b);
}

/// A "quantity" as JSON-RPC writes it: "0x" then the shortest lower-case hex, "0x0" for zero.
std::string to_quantity(uint64_t x);

/// Parses a JSON-RPC quantity or a plain decimal string into 64 bits. Returns nullopt on overflow, an empty
/// string, or a stray character. Leading zeros are accepted (geth's genesis files carry them).
std::optional<uint64_t> parse_u64(std::string_view s) noexcept;

}  // namespace hypasis
