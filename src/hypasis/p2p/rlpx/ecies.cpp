#include "hypasis/p2p/rlpx/ecies.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/sha256.hpp"
#include "hypasis/p2p/rlpx/cipher.hpp"

namespace hypasis::p2p::rlpx {
namespace {

struct EciesKeys {
    FixedBytes<16> enc{};  ///< kE: the AES-128-CTR key.
    Hash mac{};            ///< sha256(kM): the HMAC-SHA-256 key.
};

// NIST SP 800-56 concatenation KDF with SHA-256 and an empty s1, for 32 bytes of output: a single round,
// sha256(counter = 1 as 4 big-endian bytes || Z). kE is the first half, kM the second (RLPx spec, "ECIES").
EciesKeys derive_keys(const Hash& shared_x) noexcept {
    uint8_t input[4 + 32] = {0, 0, 0, 1};
    std::copy(shared_x.begin(), shared_x.end(), input + 4);
    const Hash k = crypto::sha256(ByteView{input, sizeof(input)});
    EciesKeys out;
    std::copy(k.begin(), k.begin() + 16, out.enc.begin());
    out.mac = crypto::sha256(ByteView{k.data() + 16, 16});
    return out;
}

Hash hmac_tag(const Hash& key, ByteView iv_and_ciphertext, ByteView shared_mac_data) noexcept {
    // iv || c || s2 is at most a few KiB for handshake messages; one buffer keeps to OpenSSL's one-shot HMAC().
    Bytes data;
    data.reserve(iv_and_ciphertext.size() + shared_mac_data.size());
    data.insert(data.end(), iv_and_ciphertext.begin(), iv_and_ciphertext.end());
    data.insert(data.end(), shared_mac_data.begin(), shared_mac_data.end());
    Hash out{};
    unsigned int out_len = 0;
    HYPASIS_ASSERT(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
                        out.data(), &out_len) != nullptr);
    HYPASIS_ASSERT(out_len == out.size());
    return out;
}

}  // namespace

crypto::SecretKey generate_secret_key(const RandomSource& rng) {
    for (;;) {
        crypto::SecretKey k{};
        rng(k);
        if (crypto::public_key(k)) return k;
    }
}

Expected<Bytes, RlpxError> ecies_encrypt(const crypto::PublicKey& recipient, ByteView plaintext,
                                         ByteView shared_mac_data, const RandomSource& rng) {
    const crypto::SecretKey ephemeral = generate_secret_key(rng);
    auto shared = crypto::ecdh_x(recipient, ephemeral);
    if (!shared) return unexpected(RlpxError::kInvalidPublicKey);
    auto ephemeral_pub = crypto::public_key(ephemeral);
    HYPASIS_ASSERT(ephemeral_pub.has_value());
    const EciesKeys keys = derive_keys(*shared);

    Bytes out(kEciesOverhead + plaintext.size());
    out[0] = 0x04;
    std::copy(ephemeral_pub->begin(), ephemeral_pub->end(), out.begin() + 1);
    FixedBytes<16> iv{};
    rng(iv);
    std::copy(iv.begin(), iv.end(), out.begin() + 65);
    uint8_t* c = out.data() + 65 + 16;
    std::copy(plaintext.begin(), plaintext.end(), c);
    AesCtr aes(keys.enc, iv);
    aes.apply({c, plaintext.size()});
    const Hash tag = hmac_tag(keys.mac, ByteView{out.data() + 65, 16 + plaintext.size()}, shared_mac_data);
    std::copy(tag.begin(), tag.end(), out.end() - 32);
    return out;
}

Expected<Bytes, RlpxError> ecies_decrypt(const crypto::SecretKey& key, ByteView message,
                                         ByteView shared_mac_data) noexcept {
    if (message.size() < kEciesOverhead) return unexpected(RlpxError::kEciesTooShort);
    if (message[0] != 0x04) return unexpected(RlpxError::kEciesInvalidKey);
    const auto ephemeral_pub = to_fixed<64>(message.subspan(1, 64));
    auto shared = crypto::ecdh_x(ephemeral_pub, key);
    if (!shared) return unexpected(RlpxError::kEciesInvalidKey);
    const EciesKeys keys = derive_keys(*shared);

    const std::size_t body = message.size() - kEciesOverhead;
    const ByteView iv_and_c = message.subspan(65, 16 + body);
    const Hash tag = hmac_tag(keys.mac, iv_and_c, shared_mac_data);
    if (CRYPTO_memcmp(tag.data(), message.data() + message.size() - 32, 32) != 0) {
        return unexpected(RlpxError::kEciesBadMac);
    }
    Bytes plain(iv_and_c.begin() + 16, iv_and_c.end());
    AesCtr aes(keys.enc, to_fixed<16>(iv_and_c.first(16)));
    aes.apply(plain);
    return plain;
}

}  // namespace hypasis::p2p::rlpx
