#pragma once
/// Byte containers shared by every module.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace hypasis {

/// Owned, growable bytes.
using Bytes = std::vector<uint8_t>;
/// A non-owning view of bytes. The viewed memory must outlive the view.
using ByteView = std::span<const uint8_t>;

/// A fixed-size byte string such as a hash or an address. Ordered and comparable as its big-endian bytes.
template <std::size_t N>
using FixedBytes = std::array<uint8_t, N>;

using Hash = FixedBytes<32>;     ///< A keccak-256 or SHA-256 digest.
using Address = FixedBytes<20>;  ///< An account address (the low 20 bytes of keccak(pubkey)).
using Bloom = FixedBytes<256>;   ///< A 2048-bit logs bloom (Yellow Paper §4.3.1).

/// Views a string's characters as bytes.
inline ByteView as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

/// Copies a view into owned bytes.
inline Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }

/// Copies exactly N bytes from `v` into a fixed array. Precondition: v.size() == N (callers check sizes of
/// untrusted input before calling).
template <std::size_t N>
FixedBytes<N> to_fixed(ByteView v) noexcept {
    FixedBytes<N> out{};
    if (v.size() == N) std::memcpy(out.data(), v.data(), N);
    return out;
}

/// Big-endian encoding of a 64-bit number into 8 bytes (storage keys sort in chain order with it).
inline FixedBytes<8> be64(uint64_t x) noexcept {
    FixedBytes<8> out{};
    for (int i = 7; i >= 0; --i, x >>= 8) out[static_cast<std::size_t>(i)] = static_cast<uint8_t>(x);
    return out;
}

}  // namespace hypasis
