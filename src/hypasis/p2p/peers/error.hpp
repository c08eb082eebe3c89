#pragma once
/// Errors of the peers layer (sessions, requests, peer manager), and the one place that maps any error a session
/// ends with (RLPx, eth, peers) to the devp2p disconnect reason we send (STYLE.md, "Errors").
#include <string_view>
#include <system_error>

#include "hypasis/p2p/rlpx/error.hpp"

namespace hypasis::p2p::peers {

/// Why a session, a request or a connection attempt failed in the peers layer. Errors of the layers below travel
/// unchanged in std::error_code (rlpx_category, disconnect_category, eth_category).
enum class [[nodiscard]] PeerError {
    // --- requests (PeerService) ---
    kUnknownPeer = 1,       ///< No active session with that peer id.
    kTimeout,               ///< The peer did not answer a request within the request timeout.
    kTooManyInFlight,       ///< The per-peer in-flight request cap is reached, and the wait for a slot timed out.
    kSessionClosed,         ///< The session ended before the response arrived (the peer left or was dropped).
    kStopped,               ///< The peer manager is stopped.
    kInvalidRequest,        ///< A request we were asked to send is invalid (no hashes, amount 0, too many items).
    // --- peer misbehaviour seen by a session ---
    kStatusTimeout,         ///< The peer did not send its Status within the handshake deadline.
    kUnexpectedStatus,      ///< A second Status after the handshake, or another message before Status.
    kUnsolicitedResponse,   ///< A response whose request id matches no request in flight.
    kTooManyItems,          ///< A response with more items than the request asked for.
    kResponseTooLarge,      ///< A response far above the soft size limit (more than 2x; caps/eth.md 2 MiB).
    kMismatchedResponse,    ///< Headers that do not follow the request (origin, skip, direction).
    kRequestFlood,          ///< The peer sent requests faster than we serve them and overflowed its queue.
    kAnnouncementFlood,     ///< Too many announcements/transactions messages per second.
    kReputation,            ///< The peer's reputation fell below the ban threshold.
    // --- admission (peer manager) ---
    kBanned,                ///< The peer id (or its IP) is banned.
    kTooManyPeers,          ///< max_peers reached.
    kTooManyInbound,        ///< max_inbound reached.
    kSubnetFull,            ///< max_per_subnet24 peers from the same /24 (IPv4) or /64 (IPv6) already connected.
    kAlreadyConnected,      ///< A session with that peer id already exists.
    kNoEthCapability,       ///< The peer shares no eth version with us (e.g. snap only).
};

/// A short, stable, human-readable name ("request timeout", ...).
std::string_view to_string(PeerError e) noexcept;

/// The category of PeerError inside std::error_code (name "peers").
const std::error_category& peer_category() noexcept;
std::error_code make_error_code(PeerError e) noexcept;

/// The one place that maps the error a session ends with to the reason of the Disconnect we send:
/// - eth decoding errors, kVersionMismatch, kInvalidBlockRange, kUnexpectedStatus, kUnsolicitedResponse,
///   kTooManyItems, kResponseTooLarge, kMismatchedResponse, kRequestFlood, kAnnouncementFlood: kProtocolBreach;
/// - network id, genesis and ForkID mismatches, kNoEthCapability, kReputation, kBanned: kUselessPeer;
/// - kTooManyPeers, kTooManyInbound, kSubnetFull: kTooManyPeers; kAlreadyConnected: kAlreadyConnected;
/// - kStatusTimeout, kTimeout: kSubprotocolReason (a subprotocol deadline, not a p2p Ping timeout);
/// - kStopped: kClientQuitting;
/// - an RlpxError: rlpx::disconnect_reason_for(); anything else: kSubprotocolReason.
rlpx::DisconnectReason disconnect_reason_for(const std::error_code& ec) noexcept;

}  // namespace hypasis::p2p::peers

template <>
struct std::is_error_code_enum<hypasis::p2p::peers::PeerError> : std::true_type {};
