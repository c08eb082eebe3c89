// eth wire messages: the first input byte picks the version (bit 7: eth/69, else eth/68) and the message code
// (bits 0-4, so unknown and removed codes are exercised too); the rest is the payload. Any payload that
// decode_message accepts must re-encode to itself byte for byte (strict decoding: one canonical form per message),
// and the decoded message must carry the code it was decoded under.
#include <algorithm>
#include <cstdint>

#include "fuzz_check.hpp"
#include "hypasis/p2p/eth/message.hpp"

namespace {

using namespace hypasis;
using namespace hypasis::p2p::eth;

// Small caps so that the fuzzer reaches the limit paths with short inputs.
Limits fuzz_limits() {
    Limits l;
    l.max_message_size = std::size_t{1} << 20;
    l.max_headers = 64;
    l.max_hashes = 64;
    l.max_bodies = 16;
    l.max_receipt_lists = 16;
    l.max_receipts_per_block = 256;
    l.max_transactions = 256;
    l.max_announcements = 256;
    return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const EthVersion version = (data[0] & 0x80) != 0 ? EthVersion::kEth69 : EthVersion::kEth68;
    const uint64_t code = data[0] & 0x1f;
    const ByteView payload{data + 1, size - 1};
    static const Limits limits = fuzz_limits();
    auto m = decode_message(version, code, payload, limits);
    if (!m) return 0;
    FUZZ_CHECK(message_code(*m) == code);
    auto again = encode_message(version, *m);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->size() == payload.size() && std::equal(again->begin(), again->end(), payload.begin()));
    return 0;
}
