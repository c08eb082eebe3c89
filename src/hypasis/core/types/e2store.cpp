#include "hypasis/core/types/e2store.hpp"

#include <limits>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::e2store {

std::string_view to_string(E2StoreError e) noexcept {
    switch (e) {
        case E2StoreError::kTruncatedHeader: return "truncated e2store record header";
        case E2StoreError::kTruncatedData: return "truncated e2store record data";
        case E2StoreError::kReservedNotZero: return "e2store reserved field not zero";
        case E2StoreError::kTooLarge: return "e2store record too large";
    }
    return "unknown e2store error";
}

Expected<Entry, E2StoreError> read_entry(ByteView& in, std::size_t max_length) noexcept {
    if (in.size() < kHeaderSize) return unexpected(E2StoreError::kTruncatedHeader);
    const auto type = static_cast<EntryType>((in[0] << 8) | in[1]);
    const uint64_t length =
        uint64_t{in[2]} | (uint64_t{in[3]} << 8) | (uint64_t{in[4]} << 16) | (uint64_t{in[5]} << 24);
    if (length > max_length) return unexpected(E2StoreError::kTooLarge);
    if (in[6] != 0 || in[7] != 0) return unexpected(E2StoreError::kReservedNotZero);
    if (length > in.size() - kHeaderSize) return unexpected(E2StoreError::kTruncatedData);
    Entry e{type, in.subspan(kHeaderSize, static_cast<std::size_t>(length))};
    in = in.subspan(kHeaderSize + static_cast<std::size_t>(length));
    return e;
}

void write_entry(Bytes& out, EntryType type, ByteView data) {
    HYPASIS_ASSERT(data.size() <= std::numeric_limits<uint32_t>::max());
    const auto n = static_cast<uint32_t>(data.size());
    const uint8_t header[kHeaderSize] = {
        static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type),      // type, as written in the specs
        static_cast<uint8_t>(n),         static_cast<uint8_t>(n >> 8),    // length, little-endian
        static_cast<uint8_t>(n >> 16),   static_cast<uint8_t>(n >> 24),
        0,                               0};                              // reserved
    out.insert(out.end(), header, header + kHeaderSize);
    out.insert(out.end(), data.begin(), data.end());
}

}  // namespace hypasis::e2store
