#include "hypasis/core/trie/hash_builder.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/trie/trie.hpp"

namespace hypasis::trie {
namespace {

TEST(HashBuilder, EmptyIsEmptyRoot) {
    HashBuilder hb;
    EXPECT_EQ(hb.root(), kEmptyRoot);
    EXPECT_EQ(hb.size(), 0u);
    HashBuilder only_empty_values;
    ASSERT_TRUE(only_empty_values.add(as_bytes("a"), {}).has_value());
    EXPECT_EQ(only_empty_values.size(), 0u);
    EXPECT_EQ(only_empty_values.root(), kEmptyRoot);
}

// A key with an odd number of nibbles: nibble path [1], value "a". Leaf RLP per the Yellow Paper (Appendix C
// hex prefix: flag 2 (leaf) + 1 (odd) in the high nibble, the single nibble in the low one): c2 31 61.
TEST(HashBuilder, OddNibblePathUsesHexPrefix) {
    HashBuilder hb;
    const Bytes path{0x1};
    ASSERT_TRUE(hb.add_nibbles(path, as_bytes("a")).has_value());
    const Bytes rlp{0xc2, 0x31, 0x61};
    EXPECT_EQ(hb.root(), crypto::keccak256(rlp));
}

TEST(HashBuilder, NibbleKeysMatchByteKeys) {
    HashBuilder by_bytes;
    HashBuilder by_nibbles;
    for (const char* k : {"abc", "abd", "b", "bcd"}) {
        ASSERT_TRUE(by_bytes.add(as_bytes(k), as_bytes(k)).has_value());
        Bytes nib;
        for (char c : std::string(k)) {
            nib.push_back(static_cast<uint8_t>(static_cast<uint8_t>(c) >> 4));
            nib.push_back(static_cast<uint8_t>(c & 0x0f));
        }
        ASSERT_TRUE(by_nibbles.add_nibbles(nib, as_bytes(k)).has_value());
    }
    EXPECT_EQ(by_bytes.root(), by_nibbles.root());
}

TEST(HashBuilder, RejectsKeysNotStrictlyIncreasing) {
    HashBuilder hb;
    ASSERT_TRUE(hb.add(as_bytes("dog"), as_bytes("puppy")).has_value());
    EXPECT_EQ(hb.add(as_bytes("dog"), as_bytes("again")).error(), HashBuilderError::kKeyNotIncreasing);
    EXPECT_EQ(hb.add(as_bytes("do"), as_bytes("verb")).error(), HashBuilderError::kKeyNotIncreasing);
    EXPECT_EQ(hb.add(as_bytes("cat"), as_bytes("x")).error(), HashBuilderError::kKeyNotIncreasing);
    EXPECT_EQ(hb.add(as_bytes(""), as_bytes("x")).error(), HashBuilderError::kKeyNotIncreasing);
    EXPECT_EQ(hb.add(as_bytes("cat"), {}).error(), HashBuilderError::kKeyNotIncreasing);
    // The refusals left the builder as it was.
    ASSERT_TRUE(hb.add(as_bytes("doge"), as_bytes("coin")).has_value());
    ASSERT_TRUE(hb.add(as_bytes("horse"), as_bytes("stallion")).has_value());
    Trie t;
    t.put(as_bytes("dog"), as_bytes("puppy"));
    t.put(as_bytes("doge"), as_bytes("coin"));
    t.put(as_bytes("horse"), as_bytes("stallion"));
    EXPECT_EQ(hb.size(), 3u);
    EXPECT_EQ(hb.root(), t.root());
}

TEST(HashBuilder, RejectsInvalidNibble) {
    HashBuilder hb;
    const Bytes bad{0x1, 0x10};
    EXPECT_EQ(hb.add_nibbles(bad, as_bytes("v")).error(), HashBuilderError::kInvalidNibble);
    EXPECT_EQ(hb.root(), kEmptyRoot);
}

TEST(HashBuilder, FinishedUntilReset) {
    HashBuilder hb;
    ASSERT_TRUE(hb.add(as_bytes("a"), as_bytes("1")).has_value());
    const Hash r = hb.root();
    EXPECT_EQ(hb.root(), r);  // idempotent
    EXPECT_EQ(hb.add(as_bytes("b"), as_bytes("2")).error(), HashBuilderError::kFinished);
    EXPECT_EQ(hb.add_nibbles(Bytes{1}, as_bytes("2")).error(), HashBuilderError::kFinished);
    hb.reset();
    EXPECT_EQ(hb.size(), 0u);
    EXPECT_EQ(hb.keccak_calls(), 0u);
    ASSERT_TRUE(hb.add(as_bytes("a"), as_bytes("1")).has_value());
    EXPECT_EQ(hb.root(), r);
}

TEST(HashBuilder, ErrorNames) {
    std::set<std::string_view> names;
    for (auto e :
         {HashBuilderError::kKeyNotIncreasing, HashBuilderError::kInvalidNibble, HashBuilderError::kFinished}) {
        EXPECT_FALSE(to_string(e).empty());
        names.insert(to_string(e));
    }
    EXPECT_EQ(names.size(), 3u);
}

// Differential: random sorted key sets, streamed through HashBuilder, against the general Trie. Keys come from a
// small alphabet so that they share long prefixes and often are prefixes of each other (branch values), include
// the empty key, and values include empty (skipped) and short ones (inlined nodes).
TEST(HashBuilder, MatchesTrieOnRandomSortedKeySets) {
    std::mt19937 rng(20260101);
    const std::vector<uint8_t> alphabet{0x00, 0x01, 0x0f, 0x10, 0x12, 0xf0, 0xff};
    std::size_t total_entries = 0;
    for (int round = 0; round < 400; ++round) {
        const std::size_t n = std::uniform_int_distribution<std::size_t>(0, round < 200 ? 12 : 300)(rng);
        const std::size_t max_len = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
        const std::size_t max_value = rng() % 2 == 0 ? 8 : 120;
        std::map<Bytes, Bytes> entries;
        for (std::size_t i = 0; i < n; ++i) {
            Bytes k(std::uniform_int_distribution<std::size_t>(0, max_len)(rng));
            for (auto& b : k) b = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
            Bytes v(std::uniform_int_distribution<std::size_t>(0, max_value)(rng));
            for (auto& b : v) b = static_cast<uint8_t>(rng());
            entries[k] = v;
        }
        HashBuilder hb;
        Trie t;
        for (const auto& [k, v] : entries) {
            ASSERT_TRUE(hb.add(k, v).has_value());
            t.put(k, v);
        }
        total_entries += t.size();
        ASSERT_EQ(hb.size(), t.size());
        ASSERT_EQ(to_hex(hb.root()), to_hex(t.root())) << "round " << round << ", " << entries.size() << " keys";
    }
    EXPECT_GT(total_entries, 10000u);
}

// The same on hashed 32-byte keys (the shape of state and storage tries).
TEST(HashBuilder, MatchesTrieOnHashedKeys) {
    for (std::size_t n : {1u, 2u, 16u, 17u, 300u, 2000u}) {
        std::map<Bytes, Bytes> entries;
        for (std::size_t i = 0; i < n; ++i) {
            const Hash k = crypto::keccak256(be64(i));
            entries[Bytes(k.begin(), k.end())] = Bytes(1 + i % 70, static_cast<uint8_t>(i));
        }
        HashBuilder hb;
        Trie t;
        for (const auto& [k, v] : entries) {
            ASSERT_TRUE(hb.add(k, v).has_value());
            t.put(k, v);
        }
        EXPECT_EQ(to_hex(hb.root()), to_hex(t.root())) << n << " keys";
    }
}

}  // namespace
}  // namespace hypasis::trie
