#pragma once
/// The discv4 packet codec (devp2p discv4.md, "Wire Protocol"; EIP-8; EIP-868). Pure: no I/O, no clock of its own.
///
///     packet = packet-header || packet-data
///     packet-header = hash || signature || packet-type
///     hash = keccak256(signature || packet-type || packet-data)
///     signature = sign(keccak256(packet-type || packet-data))   (65 bytes: r || s || recovery id)
///
/// EIP-8 forward compatibility: the Ping version is not validated, extra list elements are ignored (they must
/// still be well-formed RLP items), and bytes after the packet data's first RLP value are ignored. EIP-868 adds
/// an optional ENR sequence number after Ping's and Pong's expiration; it is read only when that element is a
/// canonical 64-bit integer, otherwise the element is an ignored extra (the EIP-8 vectors carry lists there).
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"
#include "hypasis/p2p/discv4/enr.hpp"
#include "hypasis/p2p/discv4/error.hpp"

namespace hypasis::p2p::discv4 {

/// discv4.md: "The maximum size of any packet is 1280 bytes."
inline constexpr std::size_t kMaxPacketSize = 1280;
/// hash (32) || signature (65) || packet-type (1).
inline constexpr std::size_t kPacketHeaderSize = 32 + 65 + 1;
/// The Ping version we send (discv4.md). Received versions are ignored (EIP-8).
inline constexpr uint64_t kPingVersion = 4;

enum class PacketType : uint8_t {
    kPing = 1,
    kPong = 2,
    kFindNode = 3,
    kNeighbours = 4,
    kEnrRequest = 5,
    kEnrResponse = 6,
};

/// Ping (0x01): `[version, from, to, expiration, enr-seq?, ...]`.
struct Ping {
    uint64_t version{kPingVersion};
    Endpoint from;
    Endpoint to;
    uint64_t expiration{0};           ///< Unix seconds.
    std::optional<uint64_t> enr_seq;  ///< EIP-868: the sender's current record sequence number.
    friend bool operator==(const Ping&, const Ping&) = default;
};

/// Pong (0x02): `[to, ping-hash, expiration, enr-seq?, ...]`.
struct Pong {
    Endpoint to;
    Hash ping_hash{};  ///< The hash of the Ping packet this answers.
    uint64_t expiration{0};
    std::optional<uint64_t> enr_seq;
    friend bool operator==(const Pong&, const Pong&) = default;
};

/// FindNode (0x03): `[target, expiration, ...]`; target is a 64-byte public key.
struct FindNode {
    NodeId target{};
    uint64_t expiration{0};
    friend bool operator==(const FindNode&, const FindNode&) = default;
};

/// Neighbours (0x04): `[[[ip, udp, tcp, node-id], ...], expiration, ...]`.
struct Neighbours {
    std::vector<Node> nodes;
    uint64_t expiration{0};
    friend bool operator==(const Neighbours&, const Neighbours&) = default;
};

/// ENRRequest (0x05, EIP-868): `[expiration, ...]`.
struct EnrRequest {
    uint64_t expiration{0};
    friend bool operator==(const EnrRequest&, const EnrRequest&) = default;
};

/// ENRResponse (0x06, EIP-868): `[request-hash, ENR, ...]`. The record is decoded and its signature verified
/// while decoding the packet; whether it belongs to the sender is the receiver's check.
struct EnrResponse {
    Hash request_hash{};
    Enr record;
    friend bool operator==(const EnrResponse&, const EnrResponse&) = default;
};

using Message = std::variant<Ping, Pong, FindNode, Neighbours, EnrRequest, EnrResponse>;

/// The wire type of a message.
PacketType type_of(const Message& m) noexcept;

/// A decoded, authenticated packet.
struct Packet {
    Message message;
    NodeId sender{};  ///< Recovered from the signature.
    Hash hash{};      ///< The packet's leading hash (a Pong's ping-hash / an ENRResponse's request-hash refer to it).
};

/// The NEIGHBOURS nodes a FINDNODE answer carries in total (Kademlia's k, discv4.md).
inline constexpr std::size_t kMaxNeighbours = 16;

/// Decodes and authenticates one datagram. Checks, in order (cheapest first, so that a flood of garbage costs
/// no public-key recovery): kPacketTooLarge (over 1280 bytes, before reading anything), kPacketTooShort,
/// kBadHash, kUnknownPacketType, kMalformedPacket / kBadEndpoint (and the ENR errors of an ENRResponse),
/// kExpired (expiration < `now_unix`; ENRResponse has no expiration), kBadSignature (no key recovers; a high s
/// is accepted, as libsecp256k1's recovery and geth accept it). noexcept; thread-safe.
Expected<Packet, Discv4Error> decode_packet(ByteView datagram, uint64_t now_unix) noexcept;

/// Encodes and signs a message. The result's first 32 bytes are its hash. kPacketTooLarge when the packet
/// would exceed 1280 bytes (e.g. a Neighbours with too many nodes: see split_neighbours); kBadEndpoint for an
/// endpoint or node without a 4- or 16-byte address where one is required; kInvalidKey for a bad key.
Expected<Bytes, Discv4Error> encode_packet(const Message& message, const crypto::SecretKey& key);

/// Splits `nodes` into as few Neighbours messages as possible such that each encoded packet is at most
/// 1280 bytes (a node entry is 79 bytes for IPv4 and 91 for IPv6, so 16 nodes never fit in one packet).
/// Nodes without a 4- or 16-byte address are skipped.
std::vector<Neighbours> split_neighbours(std::span<const Node> nodes, uint64_t expiration);

}  // namespace hypasis::p2p::discv4
