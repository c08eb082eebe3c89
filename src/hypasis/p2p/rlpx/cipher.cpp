#include "hypasis/p2p/rlpx/cipher.hpp"

#include <openssl/evp.h>

#include <climits>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::p2p::rlpx {

void detail::CipherCtxFree::operator()(evp_cipher_ctx_st* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }

AesCtr::AesCtr(ByteView key, const FixedBytes<16>& iv) noexcept : ctx_(EVP_CIPHER_CTX_new()) {
    HYPASIS_ASSERT(ctx_ != nullptr);
    HYPASIS_ASSERT(key.size() == 16 || key.size() == 32);
    const EVP_CIPHER* cipher = key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    HYPASIS_ASSERT(EVP_EncryptInit_ex(ctx_.get(), cipher, nullptr, key.data(), iv.data()) == 1);
}

void AesCtr::apply(std::span<uint8_t> data) noexcept {
    while (!data.empty()) {
        const std::size_t n = std::min<std::size_t>(data.size(), INT_MAX / 2);
        int out_len = 0;
        HYPASIS_ASSERT(EVP_EncryptUpdate(ctx_.get(), data.data(), &out_len, data.data(), static_cast<int>(n)) == 1);
        HYPASIS_ASSERT(static_cast<std::size_t>(out_len) == n);
        data = data.subspan(n);
    }
}

AesBlock::AesBlock(const Hash& key) noexcept : ctx_(EVP_CIPHER_CTX_new()) {
    HYPASIS_ASSERT(ctx_ != nullptr);
    HYPASIS_ASSERT(EVP_EncryptInit_ex(ctx_.get(), EVP_aes_256_ecb(), nullptr, key.data(), nullptr) == 1);
    HYPASIS_ASSERT(EVP_CIPHER_CTX_set_padding(ctx_.get(), 0) == 1);
}

FixedBytes<16> AesBlock::encrypt(const FixedBytes<16>& block) noexcept {
    FixedBytes<16> out{};
    int out_len = 0;
    HYPASIS_ASSERT(EVP_EncryptUpdate(ctx_.get(), out.data(), &out_len, block.data(), 16) == 1);
    HYPASIS_ASSERT(out_len == 16);
    return out;
}

}  // namespace hypasis::p2p::rlpx
