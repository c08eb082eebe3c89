#pragma once
/// ECIES as RLPx uses it (RLPx spec, "ECIES Encryption"): secp256k1 ECDH (raw X coordinate), the NIST SP 800-56
/// concatenation KDF with SHA-256, AES-128-CTR and HMAC-SHA-256 over iv || ciphertext || shared-mac-data.
///
/// Wire form: 0x04 || R (64-byte ephemeral public key) || iv (16) || ciphertext || tag (32).
/// All functions are thread-safe (they touch only their arguments and the RandomSource they are given).
#include <cstddef>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/rlpx/error.hpp"
#include "hypasis/p2p/rlpx/random.hpp"

namespace hypasis::p2p::rlpx {

/// Bytes ECIES adds to a plaintext: 65 (0x04 || R) + 16 (iv) + 32 (HMAC tag).
inline constexpr std::size_t kEciesOverhead = 65 + 16 + 32;

/// Draws 32-byte candidates from `rng` until one is a valid secp256k1 secret key (in [1, n)), and returns it.
crypto::SecretKey generate_secret_key(const RandomSource& rng);

/// Encrypts `plaintext` to `recipient`. Draws from `rng`, in this order: the ephemeral secret key (as
/// generate_secret_key does), then the 16-byte IV. `shared_mac_data` is authenticated but not sent (EIP-8 passes
/// the 2-byte size prefix). Fails only with kInvalidPublicKey when `recipient` is not on the curve.
Expected<Bytes, RlpxError> ecies_encrypt(const crypto::PublicKey& recipient, ByteView plaintext,
                                         ByteView shared_mac_data, const RandomSource& rng);

/// Decrypts a message produced by ecies_encrypt for `key`. Errors: kEciesTooShort (below kEciesOverhead),
/// kEciesInvalidKey (R is not 0x04 || a curve point), kEciesBadMac (wrong key, wrong shared-mac-data or tampered
/// bytes; checked in constant time before anything is decrypted). The result has message.size() - kEciesOverhead
/// bytes.
Expected<Bytes, RlpxError> ecies_decrypt(const crypto::SecretKey& key, ByteView message,
                                         ByteView shared_mac_data) noexcept;

}  // namespace hypasis::p2p::rlpx
