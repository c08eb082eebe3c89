#pragma once
/// Keccak-256 as Ethereum uses it: Keccak[c=512] with the original multi-rate padding 0x01 ... 0x80, not
/// FIPS 202 SHA3-256's domain-separated 0x06. keccak-f[1600] is our own, hand-unrolled (see README.md).
#include <cstddef>
#include <cstdint>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::crypto {

/// keccak256(data). noexcept, thread-safe (no shared state), no allocation.
Hash keccak256(ByteView data) noexcept;

/// Incremental Keccak-256: update() any number of times, then finalize().
///
/// The object is a plain value (208 bytes, trivially copyable): copying it forks the hash state, so a caller can
/// take the digest of a running prefix and keep absorbing (RLPx's ingress/egress MACs do exactly that), either
/// with digest() or by copying and finalizing the copy. One object must not be used by two threads at once;
/// distinct objects are independent.
class Keccak256 {
  public:
    /// The rate of Keccak-256 in bytes (1600 - 2*256 bits): input is absorbed in blocks of this size.
    static constexpr std::size_t kBlockSize = 136;

    Keccak256() noexcept = default;

    /// Absorbs `data`. No allocation.
    void update(ByteView data) noexcept;

    /// Pads, squeezes and returns the digest of everything absorbed since construction or the last
    /// finalize()/reset(); the object is then reset to the empty state, ready for a new message.
    Hash finalize() noexcept;

    /// The digest of everything absorbed so far, leaving the state untouched (a copy is finalized).
    [[nodiscard]] Hash digest() const noexcept;

    /// Back to the empty state.
    void reset() noexcept;

  private:
    uint64_t state_[25]{};   ///< The 5x5 lanes, lane (x, y) at index x + 5y, as little-endian numbers.
    std::size_t offset_{0};  ///< Bytes absorbed into the current block, in [0, kBlockSize).
};

}  // namespace hypasis::crypto
