// Whole blocks as in a geth chain file ([header, txs, ommers, withdrawals?]): accepted blocks re-encode byte for
// byte; bodies decoded on their own agree with the block's.
#include <algorithm>

#include "fuzz_check.hpp"
#include "hypasis/core/types/block.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace hypasis;
    auto block = decode_block(ByteView{data, size});
    if (!block) return 0;
    const Bytes again = encode(*block);
    FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
    const Bytes body = encode(block->body);
    auto body_again = decode_body(body);
    FUZZ_CHECK(body_again && *body_again == block->body);
    return 0;
}
