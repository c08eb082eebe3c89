#include "hypasis/core/crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::crypto {
namespace {

// FIPS 180-2 Appendix B (one block, two blocks) and the NIST CAVP/FIPS 180-4 example messages.
constexpr const char* kTwoBlockMsg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* kLongMsg =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

TEST(Sha256, NistVectors) {
    EXPECT_EQ(to_hex(sha256({})), "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256(as_bytes("abc"))), "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256(as_bytes(kTwoBlockMsg))),
              "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(to_hex(sha256(as_bytes(kLongMsg))), "0xcf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    const std::string million(1000000, 'a');
    EXPECT_EQ(to_hex(sha256(as_bytes(million))), "0xcdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalMatchesOneShot) {
    Sha256 h;
    const std::string million(1000000, 'a');
    // Uneven pieces that straddle the 64-byte block size.
    std::size_t at = 0;
    for (std::size_t piece = 1; at < million.size(); piece = piece * 3 % 1000 + 1) {
        const std::size_t n = std::min(piece, million.size() - at);
        h.update(as_bytes(std::string_view(million).substr(at, n)));
        at += n;
    }
    EXPECT_EQ(to_hex(h.finalize()), "0xcdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // finalize() started a new message.
    h.update(as_bytes("abc"));
    EXPECT_EQ(to_hex(h.finalize()), "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(h.finalize(), sha256({}));
}

TEST(Sha256, CopyForksAndMoveTransfers) {
    Sha256 a;
    a.update(as_bytes("ab"));
    Sha256 b = a;
    a.update(as_bytes("c"));
    b.update(as_bytes("x"));
    EXPECT_EQ(a.finalize(), sha256(as_bytes("abc")));
    EXPECT_EQ(b.finalize(), sha256(as_bytes("abx")));
    a.update(as_bytes("a"));
    Sha256 c = std::move(a);
    c.update(as_bytes("bc"));
    EXPECT_EQ(c.finalize(), sha256(as_bytes("abc")));
    Sha256 d;
    d.update(as_bytes("zz"));
    d = c;  // copy-assignment replaces d's state with c's (empty after finalize)
    d.update(as_bytes("abc"));
    EXPECT_EQ(d.finalize(), sha256(as_bytes("abc")));
}

// The SSZ zero-subtree roots (consensus specs, "Merkleization"): zerohashes[i+1] = sha256(zh[i] || zh[i]).
TEST(Sha256, PairGivesSszZeroHashes) {
    const Hash zero{};
    const Hash z1 = sha256_pair(zero, zero);
    EXPECT_EQ(to_hex(z1), "0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
    const Hash z2 = sha256_pair(z1, z1);
    EXPECT_EQ(to_hex(z2), "0xdb56114e00fdd4c1f85c892bf35ac9a89289aaecb1ebd0a96cde606a748b5d71");
    // Order matters: the pair is left || right.
    Hash one{};
    one[31] = 1;
    Bytes cat(one.begin(), one.end());
    cat.insert(cat.end(), zero.begin(), zero.end());
    EXPECT_EQ(sha256_pair(one, zero), sha256(cat));
    EXPECT_NE(sha256_pair(one, zero), sha256_pair(zero, one));
}

TEST(Sha256, ConcurrentThreadsGetCorrectDigests) {
    // Every thread has its own cached context; interleaved use must not mix states.
    std::vector<std::thread> threads;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &wrong] {
            for (int i = 0; i < 2000; ++i) {
                if (to_hex(sha256(as_bytes(t % 2 == 0 ? "abc" : kTwoBlockMsg))) !=
                    (t % 2 == 0 ? "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                                : "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")) {
                    ++wrong[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace hypasis::crypto
