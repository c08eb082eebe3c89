#include "hypasis/core/types/bloom.hpp"

#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis {
namespace {

// The byte index and bit mask of each of the item's three bits.
struct BloomBits {
    std::size_t byte[3];
    uint8_t mask[3];
};

BloomBits bloom_bits(ByteView item) noexcept {
    const Hash h = crypto::keccak256(item);
    BloomBits b{};
    for (std::size_t k = 0; k < 3; ++k) {
        const unsigned bit = ((static_cast<unsigned>(h[2 * k]) << 8) | h[2 * k + 1]) & 2047u;
        b.byte[k] = 255 - bit / 8;  // bit 0 is the least significant bit of the last byte
        b.mask[k] = static_cast<uint8_t>(1u << (bit % 8));
    }
    return b;
}

}  // namespace

void bloom_add(Bloom& bloom, ByteView item) noexcept {
    const BloomBits b = bloom_bits(item);
    for (std::size_t k = 0; k < 3; ++k) bloom[b.byte[k]] |= b.mask[k];
}

bool bloom_may_contain(const Bloom& bloom, ByteView item) noexcept {
    const BloomBits b = bloom_bits(item);
    for (std::size_t k = 0; k < 3; ++k) {
        if ((bloom[b.byte[k]] & b.mask[k]) == 0) return false;
    }
    return true;
}

void bloom_or(Bloom& into, const Bloom& other) noexcept {
    for (std::size_t i = 0; i < into.size(); ++i) into[i] |= other[i];
}

}  // namespace hypasis
