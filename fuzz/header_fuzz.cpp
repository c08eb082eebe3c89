// Block headers from peers: any accepted header re-encodes to exactly the received bytes (so its hash is the
// hash of what was received), and re-decoding the encoding gives the same fields.
#include <algorithm>

#include "fuzz_check.hpp"
#include "hypasis/core/types/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace hypasis;
    auto sealed = decode_header(ByteView{data, size}, 1 << 16);
    if (!sealed) return 0;
    const Bytes again = encode(sealed->header);
    FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
    FUZZ_CHECK(hash_of(sealed->header) == sealed->hash);
    auto twice = decode_header(again);
    FUZZ_CHECK(twice && twice->header == sealed->header);
    return 0;
}
