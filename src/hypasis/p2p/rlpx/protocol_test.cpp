#include "hypasis/p2p/rlpx/protocol.hpp"

#include <gtest/gtest.h>
#include <snappy.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/rlpx/ecies.hpp"
#include "hypasis/p2p/rlpx/scripted_random.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::p2p::rlpx {
namespace {

Hello sample_hello() {
    Hello h;
    h.client_id = "hypasis/v0.1/linux-amd64";
    h.capabilities = {{"eth", 68}, {"eth", 69}, {"snap", 1}};
    h.listen_port = 30303;
    for (std::size_t i = 0; i < h.node_id.size(); ++i) h.node_id[i] = static_cast<uint8_t>(i + 1);
    return h;
}

TEST(Hello, RoundTrip) {
    const Hello h = sample_hello();
    auto d = decode_hello(encode_hello(h));
    ASSERT_TRUE(d.has_value()) << to_string(d.error());
    EXPECT_EQ(*d, h);
}

// EIP-8 "RLPx Hello with a newer version and additional list elements": it must decode, the extras ignored.
// The field values were read from the hex with an independent (Python) RLP reader.
TEST(Hello, Eip8VectorWithExtraElements) {
    HYPASIS_FIXTURE_OR_SKIP(path, "eips/eip-8-vectors.extracted.json");
    const auto json = test::read_json(path).as_object();
    const Bytes raw = from_hex(std::string(json.at("hello_v22_extra_elements").as_string())).value();
    auto h = decode_hello(raw);
    ASSERT_TRUE(h.has_value()) << to_string(h.error());
    EXPECT_EQ(h->protocol_version, 55u);
    EXPECT_EQ(h->client_id, "kneth/v0.91/plan9");
    ASSERT_EQ(h->capabilities.size(), 2u);
    EXPECT_EQ(h->capabilities[0], (Capability{"eth", 61}));
    EXPECT_EQ(h->capabilities[1], (Capability{"mork", 22}));
    EXPECT_EQ(h->listen_port, 9999);
    EXPECT_EQ(to_hex(h->node_id).substr(0, 18), "0xfda1cff674c90c9a");
    EXPECT_EQ(h->node_id[63], 0x77);
}

TEST(Hello, Malformed) {
    const Bytes good = encode_hello(sample_hello());
    auto bad = [](const Bytes& b) {
        auto r = decode_hello(b);
        return !r.has_value() && r.error() == RlpxError::kInvalidHello;
    };
    // Truncated anywhere.
    for (std::size_t n = 0; n < good.size(); ++n) EXPECT_TRUE(bad(Bytes(good.begin(), good.begin() + n))) << n;
    // Trailing bytes after the list.
    Bytes trailing = good;
    trailing.push_back(0x80);
    EXPECT_TRUE(bad(trailing));
    // A string instead of a list.
    Bytes as_string;
    rlp::encode_string(as_string, Bytes(10, 1));
    EXPECT_TRUE(bad(as_string));

    auto build = [](auto&& mutate) {
        Bytes caps, one;
        rlp::encode_string(one, as_bytes("eth"));
        rlp::encode_u64(one, 68);
        rlp::encode_list(caps, one);
        Bytes fields[5];
        rlp::encode_u64(fields[0], 5);
        rlp::encode_string(fields[1], as_bytes("x"));
        rlp::encode_list(fields[2], caps);
        rlp::encode_u64(fields[3], 30303);
        rlp::encode_fixed(fields[4], crypto::PublicKey{});
        mutate(fields);
        Bytes payload;
        for (const Bytes& f : fields) payload.insert(payload.end(), f.begin(), f.end());
        return rlp::wrap_list(payload);
    };
    EXPECT_FALSE(bad(build([](Bytes*) {})));  // the baseline is valid
    EXPECT_TRUE(bad(build([](Bytes* f) { f[3].clear(), rlp::encode_u64(f[3], 65536); })));  // port out of range
    EXPECT_TRUE(bad(build([](Bytes* f) { f[4].clear(), rlp::encode_string(f[4], Bytes(65, 4)); })));  // 65-byte id
    EXPECT_TRUE(bad(build([](Bytes* f) { f[2].clear(), rlp::encode_string(f[2], as_bytes("eth")); })));  // caps
    EXPECT_TRUE(bad(build([](Bytes* f) { f[0].clear(), rlp::encode_string(f[0], Bytes{0, 5}); })));  // leading 0
    EXPECT_TRUE(bad(build([](Bytes* f) { f[4].clear(); })));  // missing node id
    EXPECT_TRUE(bad(build([](Bytes* f) {
        f[1].clear(), rlp::encode_string(f[1], Bytes(kMaxClientIdSize + 1, 'a'));
    })));
    EXPECT_TRUE(bad(build([](Bytes* f) {
        Bytes caps;
        for (std::size_t i = 0; i <= kMaxCapabilities; ++i) {
            Bytes one;
            rlp::encode_string(one, as_bytes("eth"));
            rlp::encode_u64(one, i);
            rlp::encode_list(caps, one);
        }
        f[2].clear(), rlp::encode_list(f[2], caps);
    })));
    // Extra elements in a capability entry and after the node id are tolerated.
    EXPECT_FALSE(bad(build([](Bytes* f) {
        Bytes caps, one;
        rlp::encode_string(one, as_bytes("eth"));
        rlp::encode_u64(one, 68);
        rlp::encode_string(one, as_bytes("future"));
        rlp::encode_list(caps, one);
        f[2].clear(), rlp::encode_list(f[2], caps);
        rlp::encode_u64(f[4], 7);
    })));
}

TEST(Disconnect, AllReasonsRoundTrip) {
    for (int r = 0; r <= 0x10; ++r) {
        const auto reason = static_cast<DisconnectReason>(r);
        auto d = decode_disconnect(encode_disconnect(reason));
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(*d, reason);
        const bool defined = r <= 0x0b || r == 0x10;
        EXPECT_EQ(to_string(reason) != "unknown reason", defined) << r;
        const std::error_code ec = make_error_code(reason);
        EXPECT_TRUE(static_cast<bool>(ec));  // reason 0 is still an error
        EXPECT_EQ(disconnect_reason(ec), reason);
    }
    EXPECT_EQ(to_string(DisconnectReason::kTooManyPeers), "too many peers");
    EXPECT_EQ(to_string(DisconnectReason::kUselessPeer), "useless peer");
    EXPECT_EQ(encode_disconnect(DisconnectReason::kTooManyPeers), (Bytes{0xc1, 0x04}));
    EXPECT_EQ(encode_disconnect(DisconnectReason::kRequested), (Bytes{0xc1, 0x80}));
    EXPECT_FALSE(disconnect_reason(make_error_code(RlpxError::kClosed)).has_value());
}

TEST(Disconnect, TolerantAndMalformedForms) {
    EXPECT_EQ(decode_disconnect(Bytes{0x08}).value(), DisconnectReason::kClientQuitting);       // bare integer
    EXPECT_EQ(decode_disconnect(Bytes{0xc2, 0x03, 0x80}).value(), DisconnectReason::kUselessPeer);  // extra item
    for (const Bytes& b : {Bytes{}, Bytes{0xc0}, Bytes{0xc2, 0x04}, Bytes{0xc3, 0x82, 0x01, 0x00},
                           Bytes{0xc1, 0xc0}, Bytes{0xc1, 0x04, 0x00}, Bytes{0x81, 0x04}}) {
        auto d = decode_disconnect(b);
        ASSERT_FALSE(d.has_value()) << to_hex(b);
        EXPECT_EQ(d.error(), RlpxError::kInvalidDisconnect);
    }
}

struct Codec {
    Secrets a, b;
    Codec() {
        const auto key_i = generate_secret_key(scripted_random({}, 31));
        const auto key_r = generate_secret_key(scripted_random({}, 32));
        Initiator init(key_i, crypto::public_key(key_r).value(), scripted_random({}, 33));
        Recipient rec(key_r, scripted_random({}, 34));
        EXPECT_TRUE(rec.receive_auth(init.auth().value()).value().complete);
        EXPECT_TRUE(init.receive_ack(rec.ack().value()).value().complete);
        a = init.secrets();
        b = rec.secrets();
    }
};

TEST(Messages, RoundTripSnappyOnAndOff) {
    for (bool snappy : {false, true}) {
        Codec c;
        FrameEncoder enc(c.a);
        FrameDecoder dec(c.b);
        for (std::size_t n : {0u, 1u, 100u, 70000u}) {
            Bytes payload(n);
            for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<uint8_t>((i / 50) & 0xff);
            for (uint64_t code : {0x00u, 0x10u, 0x21u, 0x1234u}) {
                Bytes wire, scratch;
                ASSERT_TRUE(encode_message(enc, code, payload, snappy, kMaxMessageSize, scratch, wire).has_value());
                auto size = dec.decode_header(ByteView{wire}.first(kFrameHeaderSize));
                ASSERT_TRUE(size.has_value());
                auto data = dec.decode_body({wire.data() + kFrameHeaderSize, wire.size() - kFrameHeaderSize}, *size);
                ASSERT_TRUE(data.has_value());
                if (snappy && n == 70000) {
                    EXPECT_LT(*size, n / 10);  // compressible data really got compressed
                }
                auto msg = decode_message(*data, snappy);
                ASSERT_TRUE(msg.has_value()) << to_string(msg.error());
                EXPECT_EQ(msg->code, code);
                EXPECT_EQ(msg->payload, payload);
            }
        }
    }
}

TEST(Messages, SizeLimitsAndCorruption) {
    Codec c;
    FrameEncoder enc(c.a);
    Bytes wire, scratch;
    const Bytes big(2000, 1);
    auto too_big = encode_message(enc, 0x10, big, true, 1000, scratch, wire);
    ASSERT_FALSE(too_big.has_value());
    EXPECT_EQ(too_big.error(), RlpxError::kMessageTooLarge);
    EXPECT_TRUE(wire.empty());  // nothing was framed, the egress state did not move

    // A snappy "length bomb": a 5-byte varint header announcing 4 GiB - 1, then almost nothing.
    const Bytes bomb = {0x10, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
    auto b = decode_message(bomb, true, kMaxMessageSize);
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error(), RlpxError::kMessageTooLarge);
    // Just over a lowered limit, with a real compressed stream.
    std::string compressed;
    const std::string plain(5000, 'x');
    snappy::Compress(plain.data(), plain.size(), &compressed);
    Bytes frame_data = {0x10};
    frame_data.insert(frame_data.end(), compressed.begin(), compressed.end());
    EXPECT_EQ(decode_message(frame_data, true, 4999).error(), RlpxError::kMessageTooLarge);
    EXPECT_EQ(decode_message(frame_data, true, 5000).value().payload.size(), 5000u);
    // Uncompressed messages are bounded too.
    EXPECT_EQ(decode_message(frame_data, false, 10).error(), RlpxError::kMessageTooLarge);
    // Corrupt snappy: the header promises 5000 bytes that the stream does not deliver.
    Bytes corrupt = frame_data;
    corrupt.resize(corrupt.size() - 3);
    EXPECT_EQ(decode_message(corrupt, true).error(), RlpxError::kBadSnappy);
    EXPECT_EQ(decode_message(Bytes{0x10}, true).error(), RlpxError::kBadSnappy);  // no snappy data at all
    // No message id / a non-canonical id / a list as id.
    EXPECT_EQ(decode_message(Bytes{}, false).error(), RlpxError::kMalformedMessage);
    EXPECT_EQ(decode_message(Bytes{0x81, 0x05}, false).error(), RlpxError::kMalformedMessage);
    EXPECT_EQ(decode_message(Bytes{0xc0}, false).error(), RlpxError::kMalformedMessage);
}

TEST(Errors, CategoriesAndMapping) {
    const std::error_code ec = RlpxError::kBadFrameMac;
    EXPECT_EQ(ec.category(), rlpx_category());
    EXPECT_EQ(ec.message(), "bad frame MAC");
    EXPECT_STREQ(rlpx_category().name(), "rlpx");
    EXPECT_EQ(disconnect_reason_for(RlpxError::kNoSharedCapability), DisconnectReason::kUselessPeer);
    EXPECT_EQ(disconnect_reason_for(RlpxError::kUnexpectedIdentity), DisconnectReason::kUnexpectedIdentity);
    EXPECT_EQ(disconnect_reason_for(RlpxError::kIncompatibleVersion), DisconnectReason::kIncompatibleVersion);
    EXPECT_EQ(disconnect_reason_for(RlpxError::kBadFrameMac), DisconnectReason::kProtocolBreach);
    EXPECT_EQ(disconnect_reason_for(RlpxError::kIdleTimeout), DisconnectReason::kPingTimeout);
    for (int e = 1; e <= static_cast<int>(RlpxError::kClosed); ++e) {
        EXPECT_NE(to_string(static_cast<RlpxError>(e)), "unknown RLPx error") << e;
    }
}

}  // namespace
}  // namespace hypasis::p2p::rlpx
