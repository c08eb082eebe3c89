#pragma once
/// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not SHA3-256's 0x06).
#include "hypasis/core/common/bytes.hpp"

namespace hypasis::crypto {

/// keccak256(data). noexcept, thread-safe, no allocation.
Hash keccak256(ByteView data) noexcept;

}  // namespace hypasis::crypto
