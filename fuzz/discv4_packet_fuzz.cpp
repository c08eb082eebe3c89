// discv4 datagrams from anyone on the network: decode_packet must never crash, and what it accepts must be within
// the protocol's bounds. An accepted message, re-encoded and signed with a fixed key, must decode to the same
// message (the codec is an inverse pair on everything it accepts).
#include <variant>

#include "fuzz_check.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/p2p/discv4/packet.hpp"

namespace {
using namespace hypasis;
using namespace hypasis::p2p::discv4;

bool endpoint_ok(const Endpoint& e) { return e.ip.empty() || e.ip.is_v4() || e.ip.is_v6(); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
    // Half of the inputs get their leading hash fixed up, so that mutations reach the RLP and signature checks
    // behind the hash check instead of all stopping there.
    Bytes fixed(input, input + size);
    if (size >= kPacketHeaderSize && size <= kMaxPacketSize && (input[size - 1] & 1) == 0) {
        const Hash h = crypto::keccak256(ByteView{fixed}.subspan(32));
        std::copy(h.begin(), h.end(), fixed.begin());
    }
    const uint8_t* data = fixed.data();
    auto packet = decode_packet(fixed, /*now_unix=*/0);
    if (!packet) return 0;
    FUZZ_CHECK(size <= kMaxPacketSize);
    FUZZ_CHECK(size >= kPacketHeaderSize);
    const auto type = static_cast<int>(type_of(packet->message));
    FUZZ_CHECK(type >= 1 && type <= 6 && type == data[97]);
    if (const auto* ping = std::get_if<Ping>(&packet->message)) {
        FUZZ_CHECK(endpoint_ok(ping->from) && endpoint_ok(ping->to));
    } else if (const auto* pong = std::get_if<Pong>(&packet->message)) {
        FUZZ_CHECK(endpoint_ok(pong->to));
    } else if (const auto* n = std::get_if<Neighbours>(&packet->message)) {
        FUZZ_CHECK(n->nodes.size() <= 17);  // 1280 bytes cannot hold more entries of at least 71 bytes
        for (const Node& node : n->nodes) FUZZ_CHECK(node.endpoint.ip.is_v4() || node.endpoint.ip.is_v6());
    } else if (const auto* r = std::get_if<EnrResponse>(&packet->message)) {
        FUZZ_CHECK(r->record.encoded().size() <= kMaxEnrSize);
    }
    crypto::SecretKey key{};
    key[31] = 1;
    auto again = encode_packet(packet->message, key);
    // Strict RLP decoding means every field re-encodes to the same length, and dropped extras only shrink the
    // packet: re-encoding what was accepted cannot exceed 1280 bytes.
    FUZZ_CHECK(again.has_value());
    auto back = decode_packet(*again, 0);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(back->message == packet->message);
    return 0;
}
