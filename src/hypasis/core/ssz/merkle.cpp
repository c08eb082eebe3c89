#include "hypasis/core/ssz/merkle.hpp"

#include <array>
#include <bit>
#include <vector>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/sha256.hpp"

namespace hypasis::ssz {
namespace {

using crypto::sha256_pair;

struct ZeroHashes {
    std::array<Hash, kMaxDepth + 1> levels{};
    ZeroHashes() noexcept {
        for (unsigned d = 1; d <= kMaxDepth; ++d) levels[d] = sha256_pair(levels[d - 1], levels[d - 1]);
    }
};

// ceil(log2(n)) for n >= 1, 0 for n <= 1.
unsigned ceil_log2(uint64_t n) noexcept { return n <= 1 ? 0 : static_cast<unsigned>(std::bit_width(n - 1)); }

}  // namespace

const Hash& zero_hash(unsigned depth) noexcept {
    HYPASIS_ASSERT(depth <= kMaxDepth);
    static const ZeroHashes zeros;
    return zeros.levels[depth];
}

Hash merkleize(std::span<const Hash> chunks, uint64_t limit) noexcept {
    HYPASIS_ASSERT(limit >= chunks.size());
    const unsigned depth = ceil_log2(limit);
    if (chunks.empty()) return zero_hash(depth);
    if (depth == 0) return chunks[0];
    // One pass per level over a scratch copy; an odd tail is paired with the zero subtree of that level.
    // Small trees (every light-client container) stay on the stack.
    std::array<Hash, 64> small;
    std::vector<Hash> large;
    Hash* layer = small.data();
    if (chunks.size() > small.size()) {
        large.assign(chunks.begin(), chunks.end());
        layer = large.data();
    } else {
        std::copy(chunks.begin(), chunks.end(), small.begin());
    }
    std::size_t n = chunks.size();
    for (unsigned d = 0; d < depth; ++d) {
        const std::size_t pairs = n / 2;
        for (std::size_t i = 0; i < pairs; ++i) layer[i] = sha256_pair(layer[2 * i], layer[2 * i + 1]);
        if (n % 2 == 1) {
            layer[pairs] = sha256_pair(layer[n - 1], zero_hash(d));
            n = pairs + 1;
        } else {
            n = pairs;
        }
    }
    return layer[0];
}

Hash mix_in_length(const Hash& root, uint64_t length) noexcept { return sha256_pair(root, uint64_chunk(length)); }

Hash uint64_chunk(uint64_t x) noexcept {
    Hash h{};
    for (std::size_t i = 0; i < 8; ++i, x >>= 8) h[i] = static_cast<uint8_t>(x);
    return h;
}


Hash byte_vector_root(ByteView bytes) noexcept {
    // Every light-client byte vector (pubkey 48, signature 96, bloom 256) fits 64 chunks on the stack.
    std::array<Hash, 64> small{};
    std::vector<Hash> large;
    const std::size_t n = (bytes.size() + 31) / 32;
    Hash* chunks = small.data();
    if (n > small.size()) {
        large.assign(n, Hash{});
        chunks = large.data();
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) chunks[i / 32][i % 32] = bytes[i];
    if (n == 0) return Hash{};
    return merkleize(std::span<const Hash>(chunks, n));
}

Hash byte_list_root(ByteView bytes, uint64_t limit) noexcept {
    HYPASIS_ASSERT(bytes.size() <= limit);
    std::array<Hash, 64> small{};
    std::vector<Hash> large;
    const std::size_t n = (bytes.size() + 31) / 32;
    Hash* chunks = small.data();
    if (n > small.size()) {
        large.assign(n, Hash{});
        chunks = large.data();
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) chunks[i / 32][i % 32] = bytes[i];
    return mix_in_length(merkleize(std::span<const Hash>(chunks, n), (limit + 31) / 32), bytes.size());
}

bool is_valid_merkle_branch(const Hash& leaf, std::span<const Hash> branch, unsigned depth, uint64_t index,
                            const Hash& root) noexcept {
    if (branch.size() < depth || depth > kMaxDepth) return false;
    if (depth < 64 && (index >> depth) != 0) return false;
    Hash value = leaf;
    for (unsigned i = 0; i < depth; ++i) {
        value = ((index >> i) & 1) ? sha256_pair(branch[i], value) : sha256_pair(value, branch[i]);
    }
    return value == root;
}

unsigned gindex_depth(uint64_t gindex) noexcept {
    HYPASIS_ASSERT(gindex >= 1);
    return static_cast<unsigned>(std::bit_width(gindex)) - 1;
}

bool is_valid_normalized_merkle_branch(const Hash& leaf, std::span<const Hash> branch, uint64_t gindex,
                                       const Hash& root) noexcept {
    if (gindex == 0) return false;
    const unsigned depth = gindex_depth(gindex);
    if (branch.size() < depth) return false;
    const std::size_t extra = branch.size() - depth;
    for (std::size_t i = 0; i < extra; ++i) {
        if (branch[i] != Hash{}) return false;
    }
    const uint64_t index = gindex - (uint64_t{1} << depth);
    return is_valid_merkle_branch(leaf, branch.subspan(extra), depth, index, root);
}

}  // namespace hypasis::ssz
