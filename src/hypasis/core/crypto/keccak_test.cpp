#include "hypasis/core/crypto/keccak.hpp"

#include <cryptopp/keccak.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <type_traits>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::crypto {
namespace {

// Bytes 0, 1, 2, ... (mod 256): distinct bytes catch lane-order and byte-order mistakes.
Bytes counting(std::size_t n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i);
    return b;
}

// Crypto++'s Keccak_256, an independent implementation with the same (original Keccak) padding.
Hash reference(ByteView data) {
    Hash out;
    CryptoPP::Keccak_256 h;
    h.Update(data.data(), data.size());
    h.Final(out.data());
    return out;
}

Hash incremental(ByteView data, std::initializer_list<std::size_t> cuts) {
    Keccak256 h;
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        h.update(data.subspan(at, cut - at));
        at = cut;
    }
    h.update(data.subspan(at));
    return h.finalize();
}

TEST(Keccak256, KnownVectors) {
    EXPECT_EQ(to_hex(keccak256({})), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(to_hex(keccak256(as_bytes("abc"))), "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    EXPECT_EQ(to_hex(Keccak256{}.finalize()), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

// Inputs on both sides of the 136-byte rate: 135 bytes leaves exactly one padding byte (0x81), 136 needs a whole
// padding block, 137 spills one byte, 272 is two full blocks plus a padding block. Expected digests were computed
// with @noble/hashes 2.x keccak_256 (an independent JavaScript implementation) over bytes 0, 1, 2, ...
TEST(Keccak256, RateBoundaryVectors) {
    const struct {
        std::size_t length;
        const char* digest;
    } cases[] = {
        {3, "0xf84a97f1f0a956e738abd85c2e0a5026f8874e3ec09c8f012159dfeeaab2b156"},
        {135, "0xcbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"},
        {136, "0x7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"},
        {137, "0xac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"},
        {272, "0xfdf2ec49e749960d3c8521a0219af8d03e30e2b3bf19bd16150ee0eaf133d66e"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.length);
        const Bytes msg = counting(c.length);
        EXPECT_EQ(to_hex(keccak256(msg)), c.digest);
        EXPECT_EQ(to_hex(reference(msg)), c.digest);  // the reference agrees with the published value
        Keccak256 h;
        for (uint8_t b : msg) h.update(ByteView(&b, 1));
        EXPECT_EQ(to_hex(h.finalize()), c.digest);
    }
}

TEST(Keccak256, IncrementalSplitsAroundBoundaries) {
    const Bytes msg = counting(300);
    const Hash want = reference(msg);
    EXPECT_EQ(incremental(msg, {}), want);
    EXPECT_EQ(incremental(msg, {0, 0, 136, 136}), want);
    EXPECT_EQ(incremental(msg, {135, 137}), want);
    EXPECT_EQ(incremental(msg, {1, 9, 17, 135, 136, 271, 272, 299}), want);
    EXPECT_EQ(incremental(msg, {7, 143, 279}), want);  // unaligned starts that cross lane and block boundaries
}

TEST(Keccak256, FinalizeResetsAndDigestDoesNot) {
    Keccak256 h;
    h.update(as_bytes("ab"));
    const Hash peek = h.digest();
    EXPECT_EQ(peek, keccak256(as_bytes("ab")));
    h.update(as_bytes("c"));  // digest() left the state alone
    EXPECT_EQ(h.finalize(), keccak256(as_bytes("abc")));
    // finalize() reset it: the next message starts from empty.
    h.update(as_bytes("abc"));
    EXPECT_EQ(h.finalize(), keccak256(as_bytes("abc")));
    h.update(as_bytes("junk"));
    h.reset();
    EXPECT_EQ(h.finalize(), keccak256({}));
}

TEST(Keccak256, CopyForksTheState) {
    static_assert(std::is_trivially_copyable_v<Keccak256>);
    const Bytes msg = counting(500);
    Keccak256 base;
    base.update(ByteView(msg).first(200));
    Keccak256 fork = base;
    base.update(ByteView(msg).subspan(200));
    fork.update(ByteView(msg).subspan(200, 100));
    EXPECT_EQ(base.finalize(), reference(msg));
    EXPECT_EQ(fork.finalize(), reference(ByteView(msg).first(300)));
}

// Differential test against Crypto++ over random lengths 0..2000, one-shot and with random incremental splits
// (including empty updates and many tiny ones).
TEST(Keccak256, DifferentialAgainstCryptoPP) {
    std::mt19937_64 rng(0x6b656363616bULL);
    int runs = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        const std::size_t len = rng() % 2001;
        Bytes msg(len);
        for (auto& b : msg) b = static_cast<uint8_t>(rng());
        const Hash want = reference(msg);
        ASSERT_EQ(keccak256(msg), want) << "one-shot, length " << len;

        Keccak256 h;
        std::size_t at = 0;
        while (at < len) {
            std::size_t chunk = (rng() % 4 == 0) ? rng() % 9 : rng() % (len - at + 1);
            chunk = std::min(chunk, len - at);
            h.update(ByteView(msg).subspan(at, chunk));
            at += chunk;
            if (rng() % 16 == 0) {
                ASSERT_EQ(h.digest(), reference(ByteView(msg).first(at))) << "prefix " << at << " of " << len;
            }
        }
        ASSERT_EQ(h.finalize(), want) << "incremental, length " << len;
        ++runs;
    }
    EXPECT_EQ(runs, 3000);
}

}  // namespace
}  // namespace hypasis::crypto
