#pragma once
/// The 2048-bit logs bloom filter (Yellow Paper §4.3.1, the function M3:2048).
///
/// Each item (a log's address or one of its topics) sets three bits: for i in {0, 2, 4}, the low 11 bits of
/// bytes [i, i+1] of keccak256(item), read big-endian, index a bit counted from the least significant end of the
/// 256-byte big-endian filter. All functions are noexcept, allocate nothing and are thread-safe.
#include "hypasis/core/common/bytes.hpp"

namespace hypasis {

/// Sets the three bits of `item` in `bloom`.
void bloom_add(Bloom& bloom, ByteView item) noexcept;

/// True when all three bits of `item` are set: the item may be present (false positives are possible; false
/// negatives are not). Used to skip blocks and receipts when filtering logs.
bool bloom_may_contain(const Bloom& bloom, ByteView item) noexcept;

/// ORs `other` into `into` (a block's bloom is the OR of its receipts' blooms).
void bloom_or(Bloom& into, const Bloom& other) noexcept;

}  // namespace hypasis
