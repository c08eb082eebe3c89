#pragma once
/// Thin RAII wrappers over OpenSSL 3's EVP ciphers for the RLPx constructions: AES-CTR as a keystream that
/// continues across calls (ECIES uses AES-128-CTR, framing AES-256-CTR) and one-block AES-256-ECB (the frame MAC
/// "seed" encryption). OpenSSL running out of memory or refusing a standard cipher is not a data error: it aborts
/// through HYPASIS_ASSERT.
#include <cstdint>
#include <memory>
#include <span>

#include "hypasis/core/common/bytes.hpp"

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX.

namespace hypasis::p2p::rlpx {

namespace detail {
struct CipherCtxFree {
    void operator()(evp_cipher_ctx_st* ctx) const noexcept;
};
}  // namespace detail

/// AES in counter mode (NIST SP 800-38A) with a 16- or 32-byte key and a 16-byte initial counter block. The
/// keystream position carries over between apply() calls, so a byte stream may be processed in any pieces.
/// Movable, not copyable; one object must not be used by two threads at once.
class AesCtr {
  public:
    /// `key` is 16 (AES-128) or 32 (AES-256) bytes; anything else is a program bug (asserts).
    AesCtr(ByteView key, const FixedBytes<16>& iv) noexcept;

    /// XORs the next `data.size()` keystream bytes into `data` in place (encryption and decryption are the same).
    void apply(std::span<uint8_t> data) noexcept;

  private:
    std::unique_ptr<evp_cipher_ctx_st, detail::CipherCtxFree> ctx_;
};

/// AES-256 applied to single 16-byte blocks (ECB, no padding). Movable, not copyable; not thread-safe.
class AesBlock {
  public:
    explicit AesBlock(const Hash& key) noexcept;

    /// Returns AES-256-Encrypt(key, block).
    FixedBytes<16> encrypt(const FixedBytes<16>& block) noexcept;

  private:
    std::unique_ptr<evp_cipher_ctx_st, detail::CipherCtxFree> ctx_;
};

}  // namespace hypasis::p2p::rlpx
