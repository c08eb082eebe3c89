#include "hypasis/p2p/rlpx/frame.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "hypasis/p2p/rlpx/ecies.hpp"
#include "hypasis/p2p/rlpx/scripted_random.hpp"

// Counts heap allocations in this test binary so that "rejected before allocation" is asserted, not assumed.
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace hypasis::p2p::rlpx {
namespace {

// A pair of matching sessions from a real (deterministic) handshake.
struct Pair {
    Secrets initiator, recipient;
    Pair() {
        const auto key_i = generate_secret_key(scripted_random({}, 21));
        const auto key_r = generate_secret_key(scripted_random({}, 22));
        Initiator init(key_i, crypto::public_key(key_r).value(), scripted_random({}, 23));
        Recipient rec(key_r, scripted_random({}, 24));
        const Bytes auth = init.auth().value();
        EXPECT_TRUE(rec.receive_auth(auth).value().complete);
        const Bytes ack = rec.ack().value();
        EXPECT_TRUE(init.receive_ack(ack).value().complete);
        initiator = init.secrets();
        recipient = rec.secrets();
    }
};

Bytes pattern(std::size_t n, uint8_t seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 31);
    return b;
}

// Decodes one frame from the start of `wire`, returning the frame-data or the error.
Expected<Bytes, RlpxError> decode_one(FrameDecoder& dec, Bytes wire) {
    if (wire.size() < kFrameHeaderSize) return unexpected(RlpxError::kMalformedMessage);
    auto size = dec.decode_header(ByteView{wire}.first(kFrameHeaderSize));
    if (!size) return unexpected(size.error());
    const std::size_t body = frame_body_size(*size);
    EXPECT_EQ(wire.size(), kFrameHeaderSize + body);
    auto data = dec.decode_body(std::span<uint8_t>{wire.data() + kFrameHeaderSize, body}, *size);
    if (!data) return unexpected(data.error());
    return Bytes(data->begin(), data->end());
}

TEST(Frame, RoundTripSizesBothDirections) {
    Pair p;
    FrameEncoder enc_i(p.initiator), enc_r(p.recipient);
    FrameDecoder dec_i(p.initiator), dec_r(p.recipient);
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 33u, 1000u, 1u << 20}) {
        SCOPED_TRACE(n);
        const Bytes head = pattern(n / 3, 1), tail = pattern(n - n / 3, 2);
        Bytes wire;
        enc_i.encode(head, tail, wire);
        EXPECT_EQ(wire.size(), kFrameHeaderSize + frame_body_size(n));
        EXPECT_EQ(wire.size() % 16, 0u);
        auto got = decode_one(dec_r, wire);
        ASSERT_TRUE(got.has_value()) << to_string(got.error());
        Bytes want = head;
        want.insert(want.end(), tail.begin(), tail.end());
        EXPECT_EQ(*got, want);
        Bytes back;
        enc_r.encode(tail, head, back);
        auto got_back = decode_one(dec_i, back);
        ASSERT_TRUE(got_back.has_value());
        EXPECT_EQ(got_back->size(), n);
    }
}

TEST(Frame, SameFrameTwiceEncryptsDifferently) {
    Pair p;
    FrameEncoder enc(p.initiator);
    const Bytes data = pattern(40, 3);
    Bytes a, b;
    enc.encode(data, {}, a);
    enc.encode(data, {}, b);
    EXPECT_NE(a, b);  // continuous keystream and MAC state
    FrameDecoder dec(p.recipient);
    EXPECT_EQ(decode_one(dec, a).value(), data);
    EXPECT_EQ(decode_one(dec, b).value(), data);
    // Replaying the first frame now fails: the MAC state has moved on.
    auto replay = decode_one(dec, a);
    ASSERT_FALSE(replay.has_value());
    EXPECT_EQ(replay.error(), RlpxError::kBadHeaderMac);
}

// Flips every bit position class: header ciphertext, header MAC, frame ciphertext (data and padding), frame MAC.
TEST(Frame, FlippedBitsAreTypedErrors) {
    const Bytes data = pattern(40, 4);  // 48 bytes padded: body = 48 + 16
    struct Case {
        std::size_t offset;
        RlpxError want;
    } cases[] = {{0, RlpxError::kBadHeaderMac},  {5, RlpxError::kBadHeaderMac},  {16, RlpxError::kBadHeaderMac},
                 {31, RlpxError::kBadHeaderMac}, {32, RlpxError::kBadFrameMac},  {70, RlpxError::kBadFrameMac},
                 {79, RlpxError::kBadFrameMac},  {80, RlpxError::kBadFrameMac},  {95, RlpxError::kBadFrameMac}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.offset);
        Pair p;
        FrameEncoder enc(p.initiator);
        FrameDecoder dec(p.recipient);
        Bytes wire;
        enc.encode(data, {}, wire);
        ASSERT_EQ(wire.size(), 96u);
        wire[c.offset] ^= 0x04;
        auto got = decode_one(dec, wire);
        ASSERT_FALSE(got.has_value());
        EXPECT_EQ(got.error(), c.want);
    }
}

TEST(Frame, OversizedHeaderRejectedWithoutAllocating) {
    Pair p;
    FrameEncoder enc(p.initiator);
    FrameDecoder dec(p.recipient, /*max_frame_size=*/1024);
    Bytes wire;
    enc.encode(pattern(1025, 5), {}, wire);
    const std::size_t before = g_allocations.load();
    auto size = dec.decode_header(ByteView{wire}.first(kFrameHeaderSize));
    const std::size_t after = g_allocations.load();
    ASSERT_FALSE(size.has_value());
    EXPECT_EQ(size.error(), RlpxError::kFrameTooLarge);
    EXPECT_EQ(after, before);
    EXPECT_EQ(dec.max_frame_size(), 1024u);

    // Exactly at the limit passes, also without allocating.
    Pair q;
    FrameEncoder enc2(q.initiator);
    FrameDecoder dec2(q.recipient, 1024);
    Bytes ok;
    enc2.encode(pattern(1024, 6), {}, ok);
    const std::size_t before2 = g_allocations.load();
    auto size2 = dec2.decode_header(ByteView{ok}.first(kFrameHeaderSize));
    EXPECT_EQ(g_allocations.load(), before2);
    ASSERT_TRUE(size2.has_value());
    EXPECT_EQ(*size2, 1024u);
}

TEST(Frame, MaxFrameSizeIsClampedTo24Bits) {
    Pair p;
    FrameDecoder dec(p.recipient, std::size_t{1} << 30);
    EXPECT_EQ(dec.max_frame_size(), kMaxFrameSize);
    EXPECT_EQ(frame_body_size(0), 16u);
    EXPECT_EQ(frame_body_size(1), 32u);
    EXPECT_EQ(frame_body_size(16), 32u);
    EXPECT_EQ(frame_body_size(17), 48u);
}

}  // namespace
}  // namespace hypasis::p2p::rlpx
