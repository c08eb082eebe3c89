#pragma once
/// Ethereum Node Records (EIP-778, devp2p enr.md) with the "v4" identity scheme.
///
/// A record is the RLP list `[signature, seq, k1, v1, k2, v2, ...]` of at most 300 bytes, keys sorted and unique.
/// The v4 scheme signs keccak256(rlp([seq, k1, v1, ...])) with secp256k1; the signature is the 64-byte r || s
/// (no recovery id), and the public key is the 33-byte compressed point under the key "secp256k1".
///
/// An `Enr` object only exists verified: decoding checks size, structure, key order, the scheme and the
/// signature; building one signs it. Values of every key, known or not, are kept as their raw RLP items, so a
/// decoded record re-encodes to exactly the bytes it came from.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"
#include "hypasis/p2p/discv4/error.hpp"

namespace hypasis::p2p::discv4 {

/// EIP-778: "The maximum encoded size of a node record is 300 bytes."
inline constexpr std::size_t kMaxEnrSize = 300;

/// A verified v4 node record. Immutable; safe to share between threads for reading.
class Enr {
  public:
    /// One key and its value's raw RLP item (a string or a list: e.g. "eth" carries a list).
    using Pair = std::pair<std::string, Bytes>;

    [[nodiscard]] uint64_t seq() const noexcept { return seq_; }
    /// The pairs in ascending key order.
    [[nodiscard]] const std::vector<Pair>& pairs() const noexcept { return pairs_; }
    /// The raw RLP item of `key`'s value, or nullopt when the key is absent.
    [[nodiscard]] std::optional<ByteView> get(std::string_view key) const noexcept;

    /// The signer's public key (the "secp256k1" entry, decompressed): the discv4 node id.
    [[nodiscard]] const NodeId& public_key() const noexcept { return public_key_; }
    /// The node address of enr.md's v4 scheme: keccak256 of the 64-byte public key.
    [[nodiscard]] Hash node_address() const noexcept;
    /// The 64-byte r || s signature.
    [[nodiscard]] const FixedBytes<64>& signature() const noexcept { return signature_; }

    /// Typed accessors of the predefined keys (enr.md, "Key/Value Pairs"). Each returns nullopt when the key
    /// is absent *or* its value is not of the key's type (wrong length, a list, a port above 65535): an odd
    /// value from a peer is not an error of the whole record, it is just unusable.
    [[nodiscard]] std::optional<std::string> id() const;
    [[nodiscard]] std::optional<IpAddress> ip() const noexcept;   ///< "ip", 4 bytes
    [[nodiscard]] std::optional<IpAddress> ip6() const noexcept;  ///< "ip6", 16 bytes
    [[nodiscard]] std::optional<uint16_t> tcp() const noexcept;
    [[nodiscard]] std::optional<uint16_t> udp() const noexcept;
    [[nodiscard]] std::optional<uint16_t> tcp6() const noexcept;
    [[nodiscard]] std::optional<uint16_t> udp6() const noexcept;

    /// The canonical RLP encoding (at most 300 bytes).
    [[nodiscard]] const Bytes& encoded() const noexcept { return encoded_; }
    /// The text form: "enr:" followed by the unpadded base64url of the encoding.
    [[nodiscard]] std::string to_text() const;

    friend bool operator==(const Enr& a, const Enr& b) noexcept { return a.encoded_ == b.encoded_; }

  private:
    friend Expected<Enr, Discv4Error> decode_enr(ByteView in) noexcept;
    friend class EnrBuilder;

    uint64_t seq_{0};
    std::vector<Pair> pairs_;
    FixedBytes<64> signature_{};
    NodeId public_key_{};
    Bytes encoded_;
};

/// Decodes and verifies a record. Errors, in the order checked: kEnrTooLarge (over 300 bytes, before any parsing),
/// kEnrMalformed (not a canonical RLP list of a signature, a seq and key/value pairs with string keys, or trailing
/// bytes), kEnrUnsortedKeys / kEnrDuplicateKey, kEnrUnsupportedScheme ("id" absent or not "v4"),
/// kEnrMissingPublicKey, kEnrBadSignature (not 64 bytes, or not made by the record's key). noexcept; thread-safe.
Expected<Enr, Discv4Error> decode_enr(ByteView in) noexcept;

/// Parses the text form "enr:<base64url, no padding>" and decodes it. kEnrBadText for a missing prefix, a
/// character outside the base64url alphabet, padding, an impossible length or non-zero trailing bits (so that
/// the text form is canonical); then the errors of decode_enr.
Expected<Enr, Discv4Error> parse_enr_text(std::string_view text) noexcept;

/// Unpadded base64url (RFC 4648 §5), as the ENR text form uses it.
std::string base64url_encode(ByteView in);
/// Strict inverse of base64url_encode; nullopt on any deviation (see parse_enr_text).
std::optional<Bytes> base64url_decode(std::string_view in);

/// Builds and signs a v4 record. Not thread-safe (a plain value).
class EnrBuilder {
  public:
    explicit EnrBuilder(uint64_t seq = 1) : seq_(seq) {}

    EnrBuilder& seq(uint64_t s) {
        seq_ = s;
        return *this;
    }
    /// Sets a key to a raw RLP item (the caller encodes it). Replaces an earlier value of the same key.
    EnrBuilder& set_raw(std::string key, Bytes rlp_item);
    /// Sets "ip" for an IPv4 address, "ip6" for an IPv6 one; an empty address sets nothing.
    EnrBuilder& set_ip(const IpAddress& ip);
    EnrBuilder& set_tcp(uint16_t port);
    EnrBuilder& set_udp(uint16_t port);
    EnrBuilder& set_tcp6(uint16_t port);
    EnrBuilder& set_udp6(uint16_t port);

    /// Adds "id" = "v4" and "secp256k1" = the key's compressed public key, then signs. Errors: kInvalidKey;
    /// kEnrTooLarge when the record would exceed 300 bytes.
    [[nodiscard]] Expected<Enr, Discv4Error> sign(const crypto::SecretKey& key) const;

  private:
    uint64_t seq_;
    std::map<std::string, Bytes> entries_;  ///< std::string orders as unsigned bytes, as EIP-778 sorts keys.
};

}  // namespace hypasis::p2p::discv4
