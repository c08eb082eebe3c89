// RLPx frames: arbitrary bytes fed to the frame decoder with fixed secrets, and, since a fuzzer cannot forge MACs,
// also sealed as frame-data by the matching encoder so that the message decoder (RLP id, snappy) behind the MACs
// is reached. Round trip: any payload through encode_message -> decoder -> decode_message comes back unchanged.
#include <cstdint>

#include "fuzz_check.hpp"
#include "hypasis/p2p/rlpx/frame.hpp"
#include "hypasis/p2p/rlpx/protocol.hpp"

namespace {

using namespace hypasis;
using namespace hypasis::p2p::rlpx;

constexpr std::size_t kMaxFrame = 1 << 16;

// Matching sessions from fixed handshake outputs (no ECDH needed: derive_secrets is pure).
struct Sessions {
    Secrets initiator, recipient;
    Sessions() {
        Hash eph{}, ni{}, nr{};
        eph.fill(0x11);
        ni.fill(0x22);
        nr.fill(0x33);
        const uint8_t auth[3] = {1, 2, 3}, ack[3] = {4, 5, 6};
        initiator = derive_secrets(true, eph, ni, nr, ByteView{auth, 3}, ByteView{ack, 3}, crypto::PublicKey{});
        recipient = derive_secrets(false, eph, ni, nr, ByteView{auth, 3}, ByteView{ack, 3}, crypto::PublicKey{});
    }
};

const Sessions& sessions() {
    static const Sessions s;
    return s;
}

// Decodes consecutive frames from `wire` until the input or the stream breaks.
void decode_stream(FrameDecoder& dec, Bytes wire, bool snappy) {
    std::size_t at = 0;
    while (wire.size() - at >= kFrameHeaderSize) {
        auto size = dec.decode_header(ByteView{wire}.subspan(at, kFrameHeaderSize));
        if (!size) return;
        FUZZ_CHECK(*size <= kMaxFrame);
        at += kFrameHeaderSize;
        const std::size_t body = frame_body_size(*size);
        if (wire.size() - at < body) return;
        auto frame = dec.decode_body(std::span<uint8_t>{wire.data() + at, body}, *size);
        if (!frame) return;
        at += body;
        auto msg = decode_message(*frame, snappy, kMaxFrame);
        if (msg) FUZZ_CHECK(msg->payload.size() <= kMaxFrame);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0 || size > kMaxFrame) return 0;
    const bool snappy = (data[0] & 1) != 0;
    const ByteView in{data + 1, size - 1};

    // 1. Raw bytes as received frames.
    {
        FrameDecoder dec(sessions().recipient, kMaxFrame);
        decode_stream(dec, Bytes(in.begin(), in.end()), snappy);
    }
    // 2. The bytes as authenticated frame-data: exercises the message-id and snappy decoders.
    {
        FrameEncoder enc(sessions().initiator);
        FrameDecoder dec(sessions().recipient, kMaxFrame);
        Bytes wire;
        enc.encode(in, {}, wire);
        auto hsize = dec.decode_header(ByteView{wire}.first(kFrameHeaderSize));
        FUZZ_CHECK(hsize.has_value() && *hsize == in.size());
        auto frame = dec.decode_body(std::span<uint8_t>{wire.data() + kFrameHeaderSize,
                                                        wire.size() - kFrameHeaderSize},
                                     *hsize);
        FUZZ_CHECK(frame.has_value());
        FUZZ_CHECK(std::equal(frame->begin(), frame->end(), in.begin(), in.end()));
        (void)decode_message(*frame, snappy, kMaxFrame);
    }
    // 3. Round trip of a message with the bytes as payload, twice in a row (the MAC states must stay in step).
    {
        FrameEncoder enc(sessions().initiator);
        FrameDecoder dec(sessions().recipient, kMaxFrame * 2);
        const uint64_t code = in.empty() ? 0 : in[0];
        Bytes wire, scratch;
        for (int i = 0; i < 2; ++i) {
            FUZZ_CHECK(encode_message(enc, code + i, in, snappy, kMaxFrame, scratch, wire).has_value());
        }
        std::size_t at = 0;
        for (int i = 0; i < 2; ++i) {
            auto fsize = dec.decode_header(ByteView{wire}.subspan(at, kFrameHeaderSize));
            FUZZ_CHECK(fsize.has_value());
            at += kFrameHeaderSize;
            const std::size_t body = frame_body_size(*fsize);
            auto frame = dec.decode_body(std::span<uint8_t>{wire.data() + at, body}, *fsize);
            FUZZ_CHECK(frame.has_value());
            at += body;
            auto msg = decode_message(*frame, snappy, kMaxFrame);
            FUZZ_CHECK(msg.has_value());
            FUZZ_CHECK(msg->code == code + static_cast<uint64_t>(i));
            FUZZ_CHECK(std::equal(msg->payload.begin(), msg->payload.end(), in.begin(), in.end()));
        }
        FUZZ_CHECK(at == wire.size());
    }
    return 0;
}
