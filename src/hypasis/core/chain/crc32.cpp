#include "hypasis/core/chain/crc32.hpp"

#include <array>

namespace hypasis::chain {
namespace {

constexpr std::array<uint32_t, 256> make_table() noexcept {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

}  // namespace

uint32_t crc32_ieee(ByteView data, uint32_t crc) noexcept {
    uint32_t c = ~crc;
    for (uint8_t b : data) c = kTable[(c ^ b) & 0xffu] ^ (c >> 8);
    return ~c;
}

}  // namespace hypasis::chain
