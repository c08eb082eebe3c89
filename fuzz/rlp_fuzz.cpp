// Strict RLP: any accepted input re-encodes to itself, and the scalar decoders agree with the tree decoder.
#include <cstdint>

#include "fuzz_check.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace {

using namespace hypasis;

Bytes reencode(const rlp::Item& item) {
    Bytes out;
    if (!item.list) {
        rlp::encode_string(out, item.payload);
        return out;
    }
    Bytes payload;
    for (const auto& child : item.items) {
        const Bytes enc = reencode(child);
        payload.insert(payload.end(), enc.begin(), enc.end());
    }
    rlp::encode_list(out, payload);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteView in{data, size};
    auto tree = rlp::decode_tree(in, 32, 4096);
    if (tree) {
        const Bytes again = reencode(*tree);
        FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
    }
    ByteView scalar = in;
    if (auto x = rlp::decode_u256(scalar); x && scalar.empty()) {
        Bytes enc;
        rlp::encode_u256(enc, *x);
        FUZZ_CHECK(enc.size() == size && std::equal(enc.begin(), enc.end(), data));
    }
    return 0;
}
