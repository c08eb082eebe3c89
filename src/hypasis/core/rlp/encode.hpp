#pragma once
/// RLP encoding (Yellow Paper, Appendix B). Always produces the canonical form. Appends to `out`; the only
/// failure is std::bad_alloc.
#include <cstddef>
#include <cstdint>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/u256.hpp"

namespace hypasis::rlp {

/// Length of the header for a string or list payload of `payload_length` bytes.
std::size_t header_length(std::size_t payload_length) noexcept;
/// Length of the full encoding of the string `s`.
std::size_t string_length(ByteView s) noexcept;
/// Length of the full encoding of the integer `x`.
std::size_t u64_length(uint64_t x) noexcept;

/// Appends a list header for a payload of `payload_length` bytes; the caller appends the payload after it.
void encode_list_header(Bytes& out, std::size_t payload_length);
/// Appends a string item.
void encode_string(Bytes& out, ByteView s);
/// Appends an integer (big-endian, no leading zeros; zero is the empty string).
void encode_u64(Bytes& out, uint64_t x);
void encode_u256(Bytes& out, const U256& x);
/// Appends a list whose payload is `payload` (already-encoded elements).
void encode_list(Bytes& out, ByteView payload);
/// Returns a list wrapping `payload`.
Bytes wrap_list(ByteView payload);

template <std::size_t N>
void encode_fixed(Bytes& out, const FixedBytes<N>& b) {
    encode_string(out, ByteView{b.data(), N});
}

}  // namespace hypasis::rlp
