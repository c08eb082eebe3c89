#include "hypasis/p2p/rlpx/ecies.hpp"

#include <gtest/gtest.h>

#include "hypasis/p2p/rlpx/scripted_random.hpp"

namespace hypasis::p2p::rlpx {
namespace {

struct Keys {
    crypto::SecretKey secret;
    crypto::PublicKey pub;
    explicit Keys(uint64_t seed) : secret(generate_secret_key(scripted_random({}, seed))) {
        pub = crypto::public_key(secret).value();
    }
};

TEST(Ecies, RoundTripSizes) {
    const Keys k(11);
    const auto rng = scripted_random({}, 12);
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 300u, 5000u}) {
        Bytes msg(n);
        for (std::size_t i = 0; i < n; ++i) msg[i] = static_cast<uint8_t>(i * 7);
        const uint8_t mac_data[2] = {1, 2};
        auto c = ecies_encrypt(k.pub, msg, ByteView{mac_data, 2}, rng);
        ASSERT_TRUE(c.has_value());
        EXPECT_EQ(c->size(), n + kEciesOverhead);
        EXPECT_EQ((*c)[0], 0x04);
        if (n >= 16) {
            EXPECT_FALSE(std::equal(msg.begin(), msg.end(), c->begin() + 81));  // really encrypted
        }
        auto p = ecies_decrypt(k.secret, *c, ByteView{mac_data, 2});
        ASSERT_TRUE(p.has_value()) << to_string(p.error());
        EXPECT_EQ(*p, msg);
        // The shared-mac-data is authenticated.
        auto wrong = ecies_decrypt(k.secret, *c, {});
        ASSERT_FALSE(wrong.has_value());
        EXPECT_EQ(wrong.error(), RlpxError::kEciesBadMac);
    }
}

TEST(Ecies, FixedRandomnessIsDeterministic) {
    const Keys k(13);
    const Bytes msg = {1, 2, 3};
    auto a = ecies_encrypt(k.pub, msg, {}, scripted_random({}, 99));
    auto b = ecies_encrypt(k.pub, msg, {}, scripted_random({}, 99));
    auto c = ecies_encrypt(k.pub, msg, {}, scripted_random({}, 98));
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(*a, *b);
    EXPECT_NE(*a, *c);
}

TEST(Ecies, EveryTamperedByteIsRejected) {
    const Keys k(14);
    const Bytes msg(40, 0x5a);
    const Bytes c = ecies_encrypt(k.pub, msg, {}, scripted_random({}, 15)).value();
    for (std::size_t i = 0; i < c.size(); ++i) {
        Bytes bad = c;
        bad[i] ^= 0x80;
        auto p = ecies_decrypt(k.secret, bad, {});
        ASSERT_FALSE(p.has_value()) << "byte " << i;
        // Byte 0 and the key bytes give an invalid key or a different shared secret; the rest fail the MAC.
        if (i == 0) {
            EXPECT_EQ(p.error(), RlpxError::kEciesInvalidKey);
        }
        if (i >= 65) {
            EXPECT_EQ(p.error(), RlpxError::kEciesBadMac);
        }
    }
}

TEST(Ecies, WrongKeyShortAndInvalid) {
    const Keys k(16), other(17);
    const Bytes c = ecies_encrypt(k.pub, Bytes{9, 9}, {}, scripted_random({}, 18)).value();
    auto wrong = ecies_decrypt(other.secret, c, {});
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error(), RlpxError::kEciesBadMac);
    auto short_ = ecies_decrypt(k.secret, ByteView{c}.first(kEciesOverhead - 1), {});
    ASSERT_FALSE(short_.has_value());
    EXPECT_EQ(short_.error(), RlpxError::kEciesTooShort);
    Bytes off_curve = c;
    std::fill(off_curve.begin() + 1, off_curve.begin() + 65, 0);
    auto inv = ecies_decrypt(k.secret, off_curve, {});
    ASSERT_FALSE(inv.has_value());
    EXPECT_EQ(inv.error(), RlpxError::kEciesInvalidKey);
    auto bad_to = ecies_encrypt(crypto::PublicKey{}, Bytes{1}, {}, scripted_random({}, 19));
    ASSERT_FALSE(bad_to.has_value());
    EXPECT_EQ(bad_to.error(), RlpxError::kInvalidPublicKey);
}

}  // namespace
}  // namespace hypasis::p2p::rlpx
