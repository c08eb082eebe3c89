#include "hypasis/p2p/rlpx/error.hpp"

#include <string>

namespace hypasis::p2p::rlpx {

std::string_view to_string(RlpxError e) noexcept {
    switch (e) {
        case RlpxError::kHandshakeTooLarge: return "handshake message too large";
        case RlpxError::kEciesTooShort: return "ECIES message too short";
        case RlpxError::kEciesInvalidKey: return "ECIES invalid ephemeral key";
        case RlpxError::kEciesBadMac: return "ECIES bad MAC";
        case RlpxError::kInvalidAuth: return "invalid auth message";
        case RlpxError::kInvalidAck: return "invalid ack message";
        case RlpxError::kInvalidSignature: return "invalid auth signature";
        case RlpxError::kInvalidPublicKey: return "invalid public key";
        case RlpxError::kFrameTooLarge: return "frame too large";
        case RlpxError::kBadHeaderMac: return "bad header MAC";
        case RlpxError::kBadFrameMac: return "bad frame MAC";
        case RlpxError::kMalformedMessage: return "malformed message";
        case RlpxError::kMessageTooLarge: return "message too large";
        case RlpxError::kBadSnappy: return "corrupt snappy payload";
        case RlpxError::kInvalidHello: return "invalid Hello";
        case RlpxError::kInvalidDisconnect: return "invalid Disconnect";
        case RlpxError::kUnexpectedMessage: return "unexpected message before Hello";
        case RlpxError::kIncompatibleVersion: return "incompatible p2p version";
        case RlpxError::kNullIdentity: return "null node identity";
        case RlpxError::kUnexpectedIdentity: return "unexpected identity in Hello";
        case RlpxError::kSelfConnection: return "connected to self";
        case RlpxError::kNoSharedCapability: return "no shared capability";
        case RlpxError::kHandshakeTimeout: return "handshake timeout";
        case RlpxError::kIdleTimeout: return "idle timeout";
        case RlpxError::kWriteTimeout: return "write timeout";
        case RlpxError::kWriteQueueFull: return "write queue full";
        case RlpxError::kClosed: return "connection closed";
    }
    return "unknown RLPx error";
}

std::string_view to_string(DisconnectReason r) noexcept {
    switch (r) {
        case DisconnectReason::kRequested: return "disconnect requested";
        case DisconnectReason::kTcpError: return "TCP sub-system error";
        case DisconnectReason::kProtocolBreach: return "breach of protocol";
        case DisconnectReason::kUselessPeer: return "useless peer";
        case DisconnectReason::kTooManyPeers: return "too many peers";
        case DisconnectReason::kAlreadyConnected: return "already connected";
        case DisconnectReason::kIncompatibleVersion: return "incompatible P2P protocol version";
        case DisconnectReason::kNullIdentity: return "null node identity received";
        case DisconnectReason::kClientQuitting: return "client quitting";
        case DisconnectReason::kUnexpectedIdentity: return "unexpected identity in handshake";
        case DisconnectReason::kSelfConnection: return "identity is the same as this node";
        case DisconnectReason::kPingTimeout: return "ping timeout";
        case DisconnectReason::kSubprotocolReason: return "subprotocol-specific reason";
    }
    return "unknown reason";
}

namespace {

class RlpxCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "rlpx"; }
    std::string message(int v) const override { return std::string(to_string(static_cast<RlpxError>(v))); }
};

constexpr int kDisconnectBase = 0x100;

class DisconnectCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "rlpx.disconnect"; }
    std::string message(int v) const override {
        return "peer disconnected: " + std::string(to_string(static_cast<DisconnectReason>(v - kDisconnectBase)));
    }
};

}  // namespace

const std::error_category& rlpx_category() noexcept {
    static const RlpxCategory c;
    return c;
}

std::error_code make_error_code(RlpxError e) noexcept { return {static_cast<int>(e), rlpx_category()}; }

const std::error_category& disconnect_category() noexcept {
    static const DisconnectCategory c;
    return c;
}

std::error_code make_error_code(DisconnectReason r) noexcept {
    return {kDisconnectBase + static_cast<int>(r), disconnect_category()};
}

std::optional<DisconnectReason> disconnect_reason(const std::error_code& ec) noexcept {
    if (ec.category() != disconnect_category()) return std::nullopt;
    return static_cast<DisconnectReason>(ec.value() - kDisconnectBase);
}

DisconnectReason disconnect_reason_for(RlpxError e) noexcept {
    switch (e) {
        case RlpxError::kIncompatibleVersion: return DisconnectReason::kIncompatibleVersion;
        case RlpxError::kNullIdentity: return DisconnectReason::kNullIdentity;
        case RlpxError::kUnexpectedIdentity: return DisconnectReason::kUnexpectedIdentity;
        case RlpxError::kSelfConnection: return DisconnectReason::kSelfConnection;
        case RlpxError::kNoSharedCapability: return DisconnectReason::kUselessPeer;
        case RlpxError::kIdleTimeout: return DisconnectReason::kPingTimeout;
        case RlpxError::kHandshakeTimeout:
        case RlpxError::kWriteTimeout:
        case RlpxError::kWriteQueueFull: return DisconnectReason::kTcpError;
        case RlpxError::kClosed: return DisconnectReason::kRequested;
        default: return DisconnectReason::kProtocolBreach;
    }
}

}  // namespace hypasis::p2p::rlpx
