#pragma once
/// IP addresses and endpoints as discv4 carries them: raw 4- or 16-byte addresses, no sockets (the codec does no
/// I/O). The UDP service converts to and from Boost.Asio endpoints at its edge.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::p2p::discv4 {

/// A node id: the 64-byte uncompressed secp256k1 public key (devp2p "node ID"; STYLE.md's `peer_id`).
using NodeId = crypto::PublicKey;

/// An IPv4 or IPv6 address, or none (size 0: a peer that does not know its own address may send one).
class IpAddress {
  public:
    IpAddress() noexcept = default;
    /// An IPv4 address a.b.c.d.
    static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) noexcept;
    /// From raw bytes: 0, 4 or 16 bytes; nullopt for any other length.
    static std::optional<IpAddress> from_bytes(ByteView raw) noexcept;
    /// Parses dotted IPv4 or textual IPv6 (no brackets, no host names). nullopt when it is neither.
    static std::optional<IpAddress> parse(std::string_view text) noexcept;

    [[nodiscard]] bool is_v4() const noexcept { return size_ == 4; }
    [[nodiscard]] bool is_v6() const noexcept { return size_ == 16; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    /// The raw bytes (0, 4 or 16 of them).
    [[nodiscard]] ByteView bytes() const noexcept { return {bytes_.data(), size_}; }
    /// 127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104 (an IPv4-mapped loopback address).
    [[nodiscard]] bool is_loopback() const noexcept;
    /// 0.0.0.0 or :: (or empty).
    [[nodiscard]] bool is_unspecified() const noexcept;
    /// Dotted IPv4 or RFC 5952 IPv6 text; "" when empty.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const IpAddress& a, const IpAddress& b) noexcept {
        return a.size_ == b.size_ && a.bytes_ == b.bytes_;
    }
    friend bool operator<(const IpAddress& a, const IpAddress& b) noexcept {
        return a.size_ != b.size_ ? a.size_ < b.size_ : a.bytes_ < b.bytes_;
    }

  private:
    FixedBytes<16> bytes_{};  ///< Unused trailing bytes are zero, so that == compares whole arrays.
    uint8_t size_{0};
};

/// A discv4 endpoint: `[ip, udp-port, tcp-port]` (discv4.md, Ping packet).
struct Endpoint {
    IpAddress ip;
    uint16_t udp{0};
    uint16_t tcp{0};
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// A node as NEIGHBOURS lists it, and as the node table keeps it: `[ip, udp-port, tcp-port, node-id]`.
struct Node {
    NodeId id{};
    Endpoint endpoint;
    friend bool operator==(const Node&, const Node&) = default;
};

}  // namespace hypasis::p2p::discv4
