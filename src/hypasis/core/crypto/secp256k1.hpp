#pragma once
/// secp256k1 ECDSA and ECDH over libsecp256k1 (with its recovery and ECDH modules).
///
/// All functions are noexcept and thread-safe: they share one immutable, randomized library context that is
/// created on first use.
#include <cstdint>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"

namespace hypasis::crypto {

enum class [[nodiscard]] SecpError {
    kInvalidSignature = 1,  ///< r or s is zero or not below the group order.
    kHighS,                 ///< s is above n/2 where EIP-2 (Homestead) requires the low form.
    kInvalidRecoveryId,     ///< recovery id not in {0, 1} (or {0..3} where allowed).
    kRecoveryFailed,        ///< no public key recovers from this signature and message.
    kInvalidPrivateKey,     ///< zero or not below the group order.
    kInvalidPublicKey,      ///< not a point on the curve.
};

std::string_view to_string(SecpError e) noexcept;

using SecretKey = FixedBytes<32>;
/// An uncompressed public key without the 0x04 prefix: X || Y, 64 bytes (the devp2p node id form).
using PublicKey = FixedBytes<64>;

/// A signature with its recovery id: r || s (64 bytes) and y-parity.
struct RecoverableSignature {
    FixedBytes<64> rs{};
    uint8_t recovery_id{0};
    friend bool operator==(const RecoverableSignature&, const RecoverableSignature&) = default;
};

/// Signs a 32-byte digest deterministically (RFC 6979). The result always has a low s.
Expected<RecoverableSignature, SecpError> sign(const Hash& digest, const SecretKey& key) noexcept;

/// Recovers the signer's public key. With `require_low_s`, a high s is rejected with kHighS (EIP-2); r and s
/// must both be in [1, n) in any case.
Expected<PublicKey, SecpError> recover(const Hash& digest, const RecoverableSignature& sig,
                                       bool require_low_s = true) noexcept;

/// Recovers the signer's address: the last 20 bytes of keccak256(public key).
Expected<Address, SecpError> recover_address(const Hash& digest, const RecoverableSignature& sig,
                                             bool require_low_s = true) noexcept;

/// Verifies a low-s signature against a public key.
bool verify(const Hash& digest, const FixedBytes<64>& rs, const PublicKey& key) noexcept;

/// The public key of a secret key.
Expected<PublicKey, SecpError> public_key(const SecretKey& key) noexcept;

/// The address of a public key.
Address to_address(const PublicKey& key) noexcept;

/// Parses a 33-byte compressed or 65-byte uncompressed SEC1 key into the 64-byte form.
Expected<PublicKey, SecpError> parse_public_key(ByteView sec1) noexcept;
/// The 33-byte compressed SEC1 form (discv4 ENR "secp256k1" entry).
FixedBytes<33> compress(const PublicKey& key) noexcept;

/// ECDH as RLPx uses it: the X coordinate of key·point, unhashed (RLPx spec, "ecdh.agree").
Expected<Hash, SecpError> ecdh_x(const PublicKey& point, const SecretKey& key) noexcept;

}  // namespace hypasis::crypto
