#pragma once
/// The one error type of the discv4 layer (packets, ENR, enode URLs, the UDP service), with a
/// `std::error_category` so that the layers above can carry it in a `std::error_code` (STYLE.md, "Errors").
#include <string_view>
#include <system_error>

namespace hypasis::p2p::discv4 {

enum class [[nodiscard]] Discv4Error {
    // Packet codec (devp2p discv4.md, "Wire Protocol"; EIP-8).
    kPacketTooLarge = 1,    ///< More than 1280 bytes (checked before anything else).
    kPacketTooShort,        ///< Shorter than hash || signature || type (98 bytes).
    kBadHash,               ///< The leading hash is not keccak256(signature || type || data).
    kBadSignature,          ///< No public key recovers from the signature.
    kUnknownPacketType,     ///< A type other than 1..6 (EIP-8: such packets are discarded).
    kMalformedPacket,       ///< The packet data is not the RLP the type requires.
    kBadEndpoint,           ///< An endpoint whose IP is not 0, 4 or 16 bytes, or whose port exceeds 65535.
    kExpired,               ///< The expiration timestamp is in the past.
    // ENR (EIP-778, devp2p enr.md).
    kEnrTooLarge,           ///< A record over 300 bytes.
    kEnrMalformed,          ///< Not an RLP list [signature, seq, k, v, ...] with string keys.
    kEnrUnsortedKeys,       ///< Keys are not in ascending byte order.
    kEnrDuplicateKey,       ///< The same key appears twice.
    kEnrUnsupportedScheme,  ///< The "id" key is missing or is not "v4".
    kEnrMissingPublicKey,   ///< The v4 scheme's "secp256k1" key is missing or not a valid compressed point.
    kEnrBadSignature,       ///< The signature does not verify against the record's key.
    kEnrBadText,            ///< The text form is not "enr:" followed by unpadded base64url.
    kEnrWrongNode,          ///< A record that verifies, but belongs to another node id than the one asked.
    // enode URLs.
    kEnodeBadScheme,        ///< Does not start with "enode://".
    kEnodeBadId,            ///< The node id is not 128 hex digits of a valid public key.
    kEnodeBadHost,          ///< The host is not a literal IPv4 or bracketed IPv6 address (no DNS here).
    kEnodeBadPort,          ///< A missing, non-numeric or out-of-range TCP or discovery port.
    kEnodeBadQuery,         ///< A query other than "discport=N".
    // UDP service.
    kDestinationNotAllowed,  ///< A send to a non-loopback address while the service is loopback-only.
    kTimeout,                ///< No reply before the deadline.
    kTooManyPending,         ///< The bounded pending-reply table is full.
    kStopped,                ///< The service was stopped (or never started).
    kSendFailed,             ///< The socket refused the datagram.
    kBindFailed,             ///< The configured address could not be bound.
    kInvalidKey,             ///< The node's secret key is not a valid secp256k1 scalar.
};

/// A short, stable, human-readable name of the error ("packet too large", ...).
std::string_view to_string(Discv4Error e) noexcept;

/// The category of Discv4Error values inside a std::error_code (name "hypasis.discv4").
const std::error_category& discv4_category() noexcept;

/// Wraps an error for layers that carry std::error_code.
std::error_code make_error_code(Discv4Error e) noexcept;

}  // namespace hypasis::p2p::discv4

template <>
struct std::is_error_code_enum<hypasis::p2p::discv4::Discv4Error> : std::true_type {};
