#include "hypasis/p2p/rlpx/random.hpp"

#include <openssl/rand.h>

#include <climits>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::p2p::rlpx {

RandomSource system_random() {
    return [](std::span<uint8_t> out) {
        while (!out.empty()) {
            const std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
            HYPASIS_ASSERT(RAND_bytes(out.data(), static_cast<int>(n)) == 1);
            out = out.subspan(n);
        }
    };
}

}  // namespace hypasis::p2p::rlpx
