#pragma once
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of EIP-2124 fork identifiers.
///
/// Written here rather than taken from zlib: the fork id needs a few hundred bytes of checksum per chain, and a
/// 1 KiB table is simpler than a new dependency.
#include <cstdint>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::chain {

/// CRC-32/IEEE of `data`, continuing from `crc` (the result of a previous call, or 0 to start), so that
/// crc32_ieee(b, crc32_ieee(a)) == crc32_ieee(a || b), like Go's crc32.Update. noexcept, thread-safe.
uint32_t crc32_ieee(ByteView data, uint32_t crc = 0) noexcept;

}  // namespace hypasis::chain
