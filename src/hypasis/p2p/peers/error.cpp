#include "hypasis/p2p/peers/error.hpp"

#include <string>

#include "hypasis/p2p/eth/error.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"

namespace hypasis::p2p::peers {

std::string_view to_string(PeerError e) noexcept {
    switch (e) {
        case PeerError::kUnknownPeer: return "unknown peer";
        case PeerError::kTimeout: return "request timeout";
        case PeerError::kTooManyInFlight: return "too many requests in flight";
        case PeerError::kSessionClosed: return "session closed";
        case PeerError::kStopped: return "peer manager stopped";
        case PeerError::kInvalidRequest: return "invalid request";
        case PeerError::kStatusTimeout: return "status timeout";
        case PeerError::kUnexpectedStatus: return "unexpected status";
        case PeerError::kUnsolicitedResponse: return "unsolicited response";
        case PeerError::kTooManyItems: return "response has more items than requested";
        case PeerError::kResponseTooLarge: return "response too large";
        case PeerError::kMismatchedResponse: return "response does not match the request";
        case PeerError::kRequestFlood: return "request flood";
        case PeerError::kAnnouncementFlood: return "announcement flood";
        case PeerError::kReputation: return "reputation below threshold";
        case PeerError::kBanned: return "banned";
        case PeerError::kTooManyPeers: return "too many peers";
        case PeerError::kTooManyInbound: return "too many inbound peers";
        case PeerError::kSubnetFull: return "too many peers from the subnet";
        case PeerError::kAlreadyConnected: return "already connected";
        case PeerError::kNoEthCapability: return "no shared eth version";
    }
    return "unknown peer error";
}

std::string_view to_string(Misbehaviour m) noexcept {
    switch (m) {
        case Misbehaviour::kInvalidData: return "invalid data";
        case Misbehaviour::kProtocolViolation: return "protocol violation";
        case Misbehaviour::kUselessResponse: return "useless response";
        case Misbehaviour::kTimeout: return "timeout";
        case Misbehaviour::kRequestFlood: return "request flood";
    }
    return "unknown misbehaviour";
}

namespace {

class PeerCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "peers"; }
    std::string message(int value) const override { return std::string(to_string(static_cast<PeerError>(value))); }
};

}  // namespace

const std::error_category& peer_category() noexcept {
    static const PeerCategory category;
    return category;
}

std::error_code make_error_code(PeerError e) noexcept { return {static_cast<int>(e), peer_category()}; }

rlpx::DisconnectReason disconnect_reason_for(const std::error_code& ec) noexcept {
    using rlpx::DisconnectReason;
    if (ec.category() == peer_category()) {
        switch (static_cast<PeerError>(ec.value())) {
            case PeerError::kUnexpectedStatus:
            case PeerError::kUnsolicitedResponse:
            case PeerError::kTooManyItems:
            case PeerError::kResponseTooLarge:
            case PeerError::kMismatchedResponse:
            case PeerError::kRequestFlood:
            case PeerError::kAnnouncementFlood: return DisconnectReason::kProtocolBreach;
            case PeerError::kNoEthCapability:
            case PeerError::kReputation:
            case PeerError::kBanned: return DisconnectReason::kUselessPeer;
            case PeerError::kTooManyPeers:
            case PeerError::kTooManyInbound:
            case PeerError::kSubnetFull: return DisconnectReason::kTooManyPeers;
            case PeerError::kAlreadyConnected: return DisconnectReason::kAlreadyConnected;
            case PeerError::kStopped: return DisconnectReason::kClientQuitting;
            default: return DisconnectReason::kSubprotocolReason;
        }
    }
    if (ec.category() == eth::eth_category()) {
        const auto e = static_cast<eth::EthError>(ec.value());
        if (eth::is_protocol_violation(e)) return DisconnectReason::kProtocolBreach;
        return DisconnectReason::kUselessPeer;  // another network, genesis or fork
    }
    if (ec.category() == rlpx::rlpx_category()) {
        return rlpx::disconnect_reason_for(static_cast<rlpx::RlpxError>(ec.value()));
    }
    if (auto r = rlpx::disconnect_reason(ec)) return *r;
    return DisconnectReason::kSubprotocolReason;
}

}  // namespace hypasis::p2p::peers
