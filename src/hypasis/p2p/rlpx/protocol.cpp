#include "hypasis/p2p/rlpx/protocol.hpp"

#include <snappy.h>

#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::p2p::rlpx {
namespace {

// Skips the remaining elements of a list payload; each must still be one well-formed RLP item.
bool skip_items(ByteView p) noexcept {
    while (!p.empty()) {
        if (!rlp::decode_raw_item(p)) return false;
    }
    return true;
}

Expected<Capability, RlpxError> decode_capability(ByteView& in) noexcept {
    auto list = rlp::decode_list(in);
    if (!list) return unexpected(RlpxError::kInvalidHello);
    ByteView p = *list;
    auto name = rlp::decode_string(p);
    if (!name || name->size() > kMaxCapabilityNameSize) return unexpected(RlpxError::kInvalidHello);
    auto version = rlp::decode_u64(p);
    if (!version || !skip_items(p)) return unexpected(RlpxError::kInvalidHello);
    return Capability{std::string(name->begin(), name->end()), *version};
}

}  // namespace

Bytes encode_hello(const Hello& hello) {
    Bytes caps;
    for (const Capability& c : hello.capabilities) {
        Bytes one;
        rlp::encode_string(one, as_bytes(c.name));
        rlp::encode_u64(one, c.version);
        rlp::encode_list(caps, one);
    }
    Bytes payload;
    rlp::encode_u64(payload, hello.protocol_version);
    rlp::encode_string(payload, as_bytes(hello.client_id));
    rlp::encode_list(payload, caps);
    rlp::encode_u64(payload, hello.listen_port);
    rlp::encode_fixed(payload, hello.node_id);
    return rlp::wrap_list(payload);
}

Expected<Hello, RlpxError> decode_hello(ByteView payload) noexcept {
    ByteView in = payload;
    auto list = rlp::decode_list(in);
    if (!list || !in.empty()) return unexpected(RlpxError::kInvalidHello);
    ByteView p = *list;
    Hello hello;
    auto version = rlp::decode_u64(p);
    if (!version) return unexpected(RlpxError::kInvalidHello);
    hello.protocol_version = *version;
    auto client = rlp::decode_string(p);
    if (!client || client->size() > kMaxClientIdSize) return unexpected(RlpxError::kInvalidHello);
    hello.client_id.assign(client->begin(), client->end());
    auto caps = rlp::decode_list(p);
    if (!caps) return unexpected(RlpxError::kInvalidHello);
    auto count = rlp::count_items(*caps, kMaxCapabilities);
    if (!count) return unexpected(RlpxError::kInvalidHello);
    hello.capabilities.reserve(*count);
    for (ByteView c = *caps; !c.empty();) {
        auto cap = decode_capability(c);
        if (!cap) return unexpected(cap.error());
        hello.capabilities.push_back(std::move(*cap));
    }
    auto port = rlp::decode_u64(p);
    if (!port || *port > 0xffff) return unexpected(RlpxError::kInvalidHello);
    hello.listen_port = static_cast<uint16_t>(*port);
    auto node = rlp::decode_fixed<64>(p);
    if (!node || !skip_items(p)) return unexpected(RlpxError::kInvalidHello);
    hello.node_id = *node;
    return hello;
}

Bytes encode_disconnect(DisconnectReason reason) {
    Bytes payload;
    rlp::encode_u64(payload, static_cast<uint64_t>(reason));
    return rlp::wrap_list(payload);
}

Expected<DisconnectReason, RlpxError> decode_disconnect(ByteView payload) noexcept {
    ByteView in = payload;
    auto header = rlp::decode_header(in);
    if (!header) return unexpected(RlpxError::kInvalidDisconnect);
    in = payload;
    Expected<uint64_t, rlp::DecodingError> reason = unexpected(rlp::DecodingError::kInputTooShort);
    if (header->list) {
        auto list = rlp::decode_list(in);
        if (!list) return unexpected(RlpxError::kInvalidDisconnect);
        ByteView p = *list;
        reason = rlp::decode_u64(p);
        if (reason && !skip_items(p)) return unexpected(RlpxError::kInvalidDisconnect);
    } else {
        reason = rlp::decode_u64(in);
    }
    if (!reason || !in.empty() || *reason > 0xff) return unexpected(RlpxError::kInvalidDisconnect);
    return static_cast<DisconnectReason>(*reason);
}

Expected<void, RlpxError> encode_message(FrameEncoder& encoder, uint64_t code, ByteView payload, bool snappy,
                                         std::size_t max_message_size, Bytes& scratch, Bytes& out) {
    if (payload.size() > max_message_size) return unexpected(RlpxError::kMessageTooLarge);
    Bytes head;
    head.reserve(9);
    rlp::encode_u64(head, code);
    ByteView data = payload;
    if (snappy) {
        scratch.resize(snappy::MaxCompressedLength(payload.size()));
        std::size_t n = 0;
        snappy::RawCompress(reinterpret_cast<const char*>(payload.data()), payload.size(),
                            reinterpret_cast<char*>(scratch.data()), &n);
        data = ByteView{scratch.data(), n};
    }
    if (head.size() + data.size() > kMaxFrameSize) return unexpected(RlpxError::kMessageTooLarge);
    encoder.encode(head, data, out);
    return {};
}

Expected<Message, RlpxError> decode_message(ByteView frame_data, bool snappy, std::size_t max_message_size) noexcept {
    ByteView in = frame_data;
    auto code = rlp::decode_u64(in);
    if (!code) return unexpected(RlpxError::kMalformedMessage);
    Message msg;
    msg.code = *code;
    if (!snappy) {
        if (in.size() > max_message_size) return unexpected(RlpxError::kMessageTooLarge);
        msg.payload.assign(in.begin(), in.end());
        return msg;
    }
    const char* compressed = reinterpret_cast<const char*>(in.data());
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(compressed, in.size(), &length)) return unexpected(RlpxError::kBadSnappy);
    if (length > max_message_size) return unexpected(RlpxError::kMessageTooLarge);
    msg.payload.resize(length);
    if (!snappy::RawUncompress(compressed, in.size(), reinterpret_cast<char*>(msg.payload.data()))) {
        return unexpected(RlpxError::kBadSnappy);
    }
    return msg;
}

}  // namespace hypasis::p2p::rlpx
