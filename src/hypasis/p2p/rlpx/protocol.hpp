#pragma once
/// The p2p base protocol (RLPx spec, "p2p Capability") and message encoding ("Message Encoding", snappy).
///
/// A message travels as frame-data = RLP(message-id) || message-data. Once both Hellos announce version >= 5,
/// message-data is snappy-compressed (the id never is, and Hello itself never is). Every decoder here is
/// noexcept, returns a typed RlpxError, bounds every size before allocating, and is thread-safe (pure).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/rlpx/capability.hpp"
#include "hypasis/p2p/rlpx/error.hpp"
#include "hypasis/p2p/rlpx/frame.hpp"

namespace hypasis::p2p::rlpx {

/// Base protocol message ids.
inline constexpr uint64_t kHelloCode = 0x00;
inline constexpr uint64_t kDisconnectCode = 0x01;
inline constexpr uint64_t kPingCode = 0x02;
inline constexpr uint64_t kPongCode = 0x03;

/// The p2p protocol version we announce; snappy is on when both sides announce at least this.
inline constexpr uint64_t kP2pVersion = 5;
/// The spec's limit on a message's (uncompressed) size: 16 MiB.
inline constexpr std::size_t kMaxMessageSize = std::size_t{16} << 20;
/// Bounds on Hello's fields (ours; the spec sets none). Real client ids are under 100 bytes, capability names
/// under 8, and clients announce a handful of capabilities.
inline constexpr std::size_t kMaxClientIdSize = 1024;
inline constexpr std::size_t kMaxCapabilityNameSize = 32;
inline constexpr std::size_t kMaxCapabilities = 64;

/// Hello (0x00): [protocolVersion, clientId, [[cap-name, cap-version], ...], listenPort, nodeId, ...].
struct Hello {
    uint64_t protocol_version{kP2pVersion};
    std::string client_id;
    std::vector<Capability> capabilities;
    uint16_t listen_port{0};       ///< 0 when not listening.
    crypto::PublicKey node_id{};   ///< The sender's static public key (64 bytes).
    friend bool operator==(const Hello&, const Hello&) = default;
};

/// The RLP of a Hello (message-data, never compressed).
Bytes encode_hello(const Hello& hello);

/// Decodes Hello message-data. Extra elements after nodeId, and after cap-version inside a capability, are
/// skipped (EIP-8) but must be well-formed RLP; bytes after the list are rejected. Error: kInvalidHello (bad RLP,
/// a field of the wrong type or size, listenPort above 65535, a bound above exceeded).
Expected<Hello, RlpxError> decode_hello(ByteView payload) noexcept;

/// The RLP of Disconnect (0x01) message-data: [reason].
Bytes encode_disconnect(DisconnectReason reason);

/// Decodes Disconnect message-data. Accepts [reason, ...] and, as some clients send it, a bare reason integer.
/// Error: kInvalidDisconnect (bad RLP, an empty list, a reason above 255).
Expected<DisconnectReason, RlpxError> decode_disconnect(ByteView payload) noexcept;

/// The message-data of Ping and Pong: the empty list.
inline constexpr uint8_t kEmptyList = 0xc0;

/// A decoded message: its id and its (decompressed) message-data.
struct Message {
    uint64_t code{0};
    Bytes payload;
    friend bool operator==(const Message&, const Message&) = default;
};

/// Seals message `code` with `payload` as message-data into one frame appended to `out`, snappy-compressing the
/// payload when `snappy`. `scratch` is a reusable buffer for the compressed form. Error: kMessageTooLarge when
/// the payload exceeds `max_message_size` or the frame-data would exceed kMaxFrameSize.
Expected<void, RlpxError> encode_message(FrameEncoder& encoder, uint64_t code, ByteView payload, bool snappy,
                                         std::size_t max_message_size, Bytes& scratch, Bytes& out);

/// Splits frame-data into id and message-data and decompresses it when `snappy`. The snappy length header is
/// checked against `max_message_size` before the output is allocated. Errors: kMalformedMessage (no canonical
/// RLP integer id), kMessageTooLarge, kBadSnappy.
Expected<Message, RlpxError> decode_message(ByteView frame_data, bool snappy,
                                            std::size_t max_message_size = kMaxMessageSize) noexcept;

}  // namespace hypasis::p2p::rlpx
