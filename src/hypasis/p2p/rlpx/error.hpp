#pragma once
/// The RLPx layer's errors (handshake, framing, base protocol, connection) and the devp2p disconnect reasons, both
/// carried in `std::error_code` so that the layers above can pass them along unchanged (STYLE.md, "Errors").
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace hypasis::p2p::rlpx {

/// Why an RLPx operation failed. Every value describes bad input from a peer or a local limit; none of them is a
/// program bug (those abort through HYPASIS_ASSERT).
enum class [[nodiscard]] RlpxError {
    // Handshake (RLPx "Initial Handshake", EIP-8).
    kHandshakeTooLarge = 1,  ///< The auth/ack size prefix exceeds kMaxHandshakeSize (checked before allocating).
    kEciesTooShort,          ///< An ECIES message is shorter than its fixed overhead (113 bytes).
    kEciesInvalidKey,        ///< The ECIES ephemeral public key is not a point on secp256k1.
    kEciesBadMac,            ///< The ECIES HMAC does not verify: wrong recipient key or tampered bytes.
    kInvalidAuth,            ///< The decrypted auth body is malformed (length, RLP, field sizes).
    kInvalidAck,             ///< The decrypted ack body is malformed.
    kInvalidSignature,       ///< The auth signature does not recover to a valid ephemeral key.
    kInvalidPublicKey,       ///< A public key in auth/ack is not a point on the curve.
    // Framing (RLPx "Framing").
    kFrameTooLarge,          ///< The header's frame size exceeds the configured maximum (checked before allocating).
    kBadHeaderMac,           ///< The header MAC does not verify.
    kBadFrameMac,            ///< The frame MAC does not verify.
    // Messages (RLPx "Message Encoding", "p2p Capability").
    kMalformedMessage,       ///< The frame data has no valid RLP message id, or the payload is not valid RLP.
    kMessageTooLarge,        ///< A (decompressed) message exceeds the configured maximum.
    kBadSnappy,              ///< The snappy-compressed payload is corrupt.
    kInvalidHello,           ///< The Hello message is malformed.
    kInvalidDisconnect,      ///< The Disconnect message is malformed.
    kUnexpectedMessage,      ///< The first message after the handshake is neither Hello nor Disconnect.
    kIncompatibleVersion,    ///< The remote Hello's p2p protocol version is below 5.
    kNullIdentity,           ///< The remote Hello's node id is all zeros.
    kUnexpectedIdentity,     ///< The remote Hello's node id differs from the key proven in the handshake.
    kSelfConnection,         ///< The remote node id is our own.
    kNoSharedCapability,     ///< No capability is shared with the remote node ("useless peer").
    // Connection.
    kHandshakeTimeout,       ///< The handshake plus Hello exchange exceeded its deadline.
    kIdleTimeout,            ///< Nothing was received within the idle deadline (keepalive pings unanswered).
    kWriteTimeout,           ///< A write did not complete within its deadline.
    kWriteQueueFull,         ///< Too many writers are already waiting on this connection.
    kClosed,                 ///< The connection was closed locally (disconnect() or destruction).
};

/// A short, stable, human-readable name ("bad frame MAC", ...).
std::string_view to_string(RlpxError e) noexcept;

/// The category of RlpxError values inside std::error_code (name "rlpx").
const std::error_category& rlpx_category() noexcept;
std::error_code make_error_code(RlpxError e) noexcept;

/// Reasons carried by the p2p Disconnect message (RLPx spec, "Disconnect (0x01)"). The wire value is the enum
/// value; values the spec does not define (0x0c..0x0f, 0x11..) still decode and print as "unknown reason".
enum class DisconnectReason : uint8_t {
    kRequested = 0x00,                ///< Disconnect requested.
    kTcpError = 0x01,                 ///< TCP sub-system error.
    kProtocolBreach = 0x02,           ///< Breach of protocol, e.g. a malformed message, bad RLP, ...
    kUselessPeer = 0x03,              ///< Useless peer.
    kTooManyPeers = 0x04,             ///< Too many peers.
    kAlreadyConnected = 0x05,         ///< Already connected.
    kIncompatibleVersion = 0x06,      ///< Incompatible P2P protocol version.
    kNullIdentity = 0x07,             ///< Null node identity received.
    kClientQuitting = 0x08,           ///< Client quitting.
    kUnexpectedIdentity = 0x09,       ///< Unexpected identity in handshake.
    kSelfConnection = 0x0a,           ///< Identity is the same as this node (connected to itself).
    kPingTimeout = 0x0b,              ///< Ping timeout.
    kSubprotocolReason = 0x10,        ///< Some other reason specific to a subprotocol.
};

/// The spec's wording, shortened ("too many peers", ...); "unknown reason" for an undefined value.
std::string_view to_string(DisconnectReason r) noexcept;

/// The category of "the remote peer disconnected with reason R" (name "rlpx.disconnect"). The error value is
/// 0x100 + R, so that reason 0x00 ("requested") is still a non-zero, i.e. failing, error_code.
const std::error_category& disconnect_category() noexcept;
std::error_code make_error_code(DisconnectReason r) noexcept;

/// The reason carried by an error_code made from a DisconnectReason; nullopt for any other error.
std::optional<DisconnectReason> disconnect_reason(const std::error_code& ec) noexcept;

/// The one place that maps a local RLPx failure to the reason we send in our Disconnect (RLPx spec wording).
DisconnectReason disconnect_reason_for(RlpxError e) noexcept;

}  // namespace hypasis::p2p::rlpx

template <>
struct std::is_error_code_enum<hypasis::p2p::rlpx::RlpxError> : std::true_type {};
template <>
struct std::is_error_code_enum<hypasis::p2p::rlpx::DisconnectReason> : std::true_type {};
