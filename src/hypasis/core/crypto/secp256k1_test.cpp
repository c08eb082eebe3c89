#include "hypasis/core/crypto/secp256k1.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::crypto {
namespace {

TEST(Keccak, KnownVectors) {
    EXPECT_EQ(to_hex(keccak256({})), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(to_hex(keccak256(as_bytes("abc"))),
              "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // keccak256(rlp([])) is the empty ommers hash in every post-merge header.
    EXPECT_EQ(to_hex(keccak256(Bytes{0xc0})), "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
}

TEST(Secp256k1, SignRecoverVerify) {
    const SecretKey key = *fixed_from_hex<32>("0x4646464646464646464646464646464646464646464646464646464646464646");
    // EIP-155's example key: its address is 0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F.
    const auto pub = public_key(key);
    ASSERT_TRUE(pub);
    EXPECT_EQ(to_hex(to_address(*pub)), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    const Hash digest = keccak256(as_bytes("hypasis"));
    const auto sig = sign(digest, key);
    ASSERT_TRUE(sig);
    EXPECT_EQ(recover(digest, *sig), *pub);
    EXPECT_TRUE(verify(digest, sig->rs, *pub));
    Hash other = digest;
    other[0] ^= 1;
    EXPECT_FALSE(verify(other, sig->rs, *pub));
    EXPECT_NE(recover(other, *sig), *pub);
}

TEST(Secp256k1, RejectsHighSAndZero) {
    const SecretKey key = *fixed_from_hex<32>("0x4646464646464646464646464646464646464646464646464646464646464646");
    const Hash digest = keccak256(as_bytes("high s"));
    auto sig = *sign(digest, key);
    // s' = n - s recovers the same key with the other parity, but EIP-2 forbids it.
    const auto n = *from_hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        const int d = n[static_cast<size_t>(i)] - sig.rs[32 + static_cast<size_t>(i)] - borrow;
        sig.rs[32 + static_cast<size_t>(i)] = static_cast<uint8_t>(d & 0xff);
        borrow = d < 0 ? 1 : 0;
    }
    sig.recovery_id ^= 1;
    EXPECT_EQ(recover(digest, sig).error(), SecpError::kHighS);
    EXPECT_EQ(recover(digest, sig, /*require_low_s=*/false), public_key(key));
    RecoverableSignature zero{};
    EXPECT_EQ(recover(digest, zero, false).error(), SecpError::kInvalidSignature);
    RecoverableSignature bad_id = sig;
    bad_id.recovery_id = 7;
    EXPECT_EQ(recover(digest, bad_id, false).error(), SecpError::kInvalidRecoveryId);
}

TEST(Secp256k1, EcdhIsSymmetric) {
    const SecretKey a = *fixed_from_hex<32>("0x0000000000000000000000000000000000000000000000000000000000000011");
    const SecretKey b = *fixed_from_hex<32>("0x0000000000000000000000000000000000000000000000000000000000000022");
    EXPECT_EQ(ecdh_x(*public_key(b), a), ecdh_x(*public_key(a), b));
    const auto compressed = compress(*public_key(a));
    EXPECT_EQ(parse_public_key(compressed), public_key(a));
    EXPECT_EQ(public_key(SecretKey{}).error(), SecpError::kInvalidPrivateKey);
}

}  // namespace
}  // namespace hypasis::crypto
