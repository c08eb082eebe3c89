#include "hypasis/core/trie/trie.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/trie/hash_builder.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::trie {
namespace {

namespace json = boost::json;

// ethereum/tests TrieTests strings: "0x"-prefixed ones are hex, any other is the raw bytes of the string.
Bytes fixture_bytes(const json::string& s) {
    const std::string_view v(s);
    if (v.starts_with("0x")) {
        auto b = from_hex(v);
        EXPECT_TRUE(b.has_value()) << "bad hex in fixture: " << v;
        return b ? *b : Bytes{};
    }
    return to_bytes(as_bytes(v));
}

struct Operation {
    Bytes key;
    std::optional<Bytes> value;  // nullopt: delete
};

// The operations of one case: "in" is either an ordered list of [key, value-or-null] pairs or an object.
std::vector<Operation> operations(const json::value& in) {
    std::vector<Operation> ops;
    if (in.is_array()) {
        for (const auto& pair : in.as_array()) {
            const auto& kv = pair.as_array();
            Operation op{fixture_bytes(kv.at(0).as_string()), std::nullopt};
            if (!kv.at(1).is_null()) op.value = fixture_bytes(kv.at(1).as_string());
            ops.push_back(std::move(op));
        }
    } else {
        for (const auto& [k, v] : in.as_object()) {
            ops.push_back({fixture_bytes(json::string(k)), fixture_bytes(v.as_string())});
        }
    }
    return ops;
}

Hash expected_root(const json::value& tc) { return *fixed_from_hex<32>(tc.at("root").as_string()); }

template <class T>
void apply(T& trie, const std::vector<Operation>& ops) {
    for (const auto& op : ops) {
        if (op.value) {
            trie.put(op.key, *op.value);
        } else {
            trie.erase(op.key);
        }
    }
}

// The final contents after applying `ops` in order, keyed by the trie key (hashed for a secure trie).
std::map<Bytes, Bytes> final_state(const std::vector<Operation>& ops, bool secure) {
    std::map<Bytes, Bytes> state;
    for (const auto& op : ops) {
        Bytes key = op.key;
        if (secure) {
            const Hash h = crypto::keccak256(op.key);
            key.assign(h.begin(), h.end());
        }
        if (op.value && !op.value->empty()) {
            state[key] = *op.value;
        } else {
            state.erase(key);
        }
    }
    return state;
}

Hash streamed_root(const std::map<Bytes, Bytes>& state) {
    HashBuilder hb;
    for (const auto& [k, v] : state) EXPECT_TRUE(hb.add(k, v).has_value());
    return hb.root();
}

// Runs every case of one TrieTests file: the ordered operations through Trie (or SecureTrie), any-order files
// also reversed and shuffled, and the final state through HashBuilder in sorted key order.
void run_fixture_file(const std::filesystem::path& path, bool secure, bool any_order) {
    const auto cases = test::read_json(path).as_object();
    ASSERT_GT(cases.size(), 0u);
    std::mt19937 rng(7);
    for (const auto& [name, tc] : cases) {
        SCOPED_TRACE(std::string(name));
        auto ops = operations(tc.at("in"));
        const Hash want = expected_root(tc);
        std::vector<std::vector<Operation>> orders{ops};
        if (any_order) {
            orders.emplace_back(ops.rbegin(), ops.rend());
            std::shuffle(ops.begin(), ops.end(), rng);
            orders.push_back(ops);
        }
        for (const auto& order : orders) {
            if (secure) {
                SecureTrie t;
                apply(t, order);
                EXPECT_EQ(to_hex(t.root()), to_hex(want));
            } else {
                Trie t;
                apply(t, order);
                EXPECT_EQ(to_hex(t.root()), to_hex(want));
            }
        }
        EXPECT_EQ(to_hex(streamed_root(final_state(orders.front(), secure))), to_hex(want));
    }
}

TEST(TrieFixtures, TrieTest) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/TrieTests/trietest.json");
    run_fixture_file(path, /*secure=*/false, /*any_order=*/false);
}

TEST(TrieFixtures, TrieAnyOrder) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/TrieTests/trieanyorder.json");
    run_fixture_file(path, /*secure=*/false, /*any_order=*/true);
}

TEST(TrieFixtures, TrieTestSecure) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/TrieTests/trietest_secureTrie.json");
    run_fixture_file(path, /*secure=*/true, /*any_order=*/false);
}

TEST(TrieFixtures, TrieAnyOrderSecure) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/TrieTests/trieanyorder_secureTrie.json");
    run_fixture_file(path, /*secure=*/true, /*any_order=*/true);
}

TEST(TrieFixtures, HexEncodedSecureTrie) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/TrieTests/hex_encoded_securetrie_test.json");
    run_fixture_file(path, /*secure=*/true, /*any_order=*/true);
}

TEST(Trie, EmptyRootIsKeccakOfEmptyString) {
    const uint8_t rlp_empty_string = 0x80;
    EXPECT_EQ(kEmptyRoot, crypto::keccak256(ByteView{&rlp_empty_string, 1}));
    EXPECT_EQ(to_hex(kEmptyRoot), "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    Trie t;
    EXPECT_EQ(t.root(), kEmptyRoot);
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(SecureTrie{}.root(), kEmptyRoot);
}

// A one-entry trie is a single leaf, hashed even though its RLP is short (Yellow Paper, Appendix D):
// key "a" = nibbles 6,1 -> hex prefix 0x20 0x61; value "b". RLP: c4 82 2061 62.
TEST(Trie, SingleShortLeafIsHashed) {
    Trie t;
    t.put(as_bytes("a"), as_bytes("b"));
    const Bytes rlp{0xc4, 0x82, 0x20, 0x61, 0x62};
    EXPECT_EQ(t.root(), crypto::keccak256(rlp));
    EXPECT_EQ(t.keccak_calls(), 1u);
}

TEST(Trie, PutGetOverwriteErase) {
    Trie t;
    t.put(as_bytes("dog"), as_bytes("puppy"));
    t.put(as_bytes("do"), as_bytes("verb"));
    t.put(as_bytes(""), as_bytes("empty key"));
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.get(as_bytes("dog")), to_bytes(as_bytes("puppy")));
    EXPECT_EQ(t.get(as_bytes("do")), to_bytes(as_bytes("verb")));
    EXPECT_EQ(t.get(as_bytes("")), to_bytes(as_bytes("empty key")));
    EXPECT_EQ(t.get(as_bytes("d")), std::nullopt);
    EXPECT_EQ(t.get(as_bytes("doge")), std::nullopt);
    EXPECT_EQ(t.get(as_bytes("cat")), std::nullopt);

    t.put(as_bytes("dog"), as_bytes("hound"));
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.get(as_bytes("dog")), to_bytes(as_bytes("hound")));

    const Hash before = t.root();
    t.erase(as_bytes("doge"));  // absent: no change
    t.erase(as_bytes("d"));
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.root(), before);

    t.put(as_bytes("do"), {});  // an empty value deletes
    EXPECT_EQ(t.get(as_bytes("do")), std::nullopt);
    EXPECT_EQ(t.size(), 2u);
    t.erase(as_bytes(""));
    t.erase(as_bytes("dog"));
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.root(), kEmptyRoot);

    t.put(as_bytes("x"), as_bytes("y"));
    t.clear();
    EXPECT_EQ(t.root(), kEmptyRoot);
    EXPECT_EQ(t.get(as_bytes("x")), std::nullopt);
}

TEST(Trie, MoveKeepsContents) {
    Trie a;
    a.put(as_bytes("k"), as_bytes("v"));
    const Hash r = a.root();
    Trie b(std::move(a));
    EXPECT_EQ(b.root(), r);
    Trie c;
    c = std::move(b);
    EXPECT_EQ(c.get(as_bytes("k")), to_bytes(as_bytes("v")));
}

TEST(Trie, UnchangedRootDoesNotRehashInternalNodes) {
    Trie t;
    for (int i = 0; i < 100; ++i) {
        const Hash k = crypto::keccak256(be64(static_cast<uint64_t>(i)));
        t.put(k, Bytes(40, static_cast<uint8_t>(i)));
    }
    const Hash r1 = t.root();
    const std::size_t calls = t.keccak_calls();
    EXPECT_EQ(t.root(), r1);
    EXPECT_EQ(t.keccak_calls(), calls);  // the root node is large, so its cached reference is its hash
    t.put(crypto::keccak256(be64(5)), Bytes(40, 0xee));
    const Hash r2 = t.root();
    EXPECT_NE(r2, r1);
    // Only the changed path is re-hashed: a handful of nodes, not the ~100 leaves and their branches.
    EXPECT_LE(t.keccak_calls() - calls, 6u);
}

// Random puts, overwrites and erases with root() taken between them (so stale cached references would show),
// checked against a fresh trie and a HashBuilder over the final contents, and every get() against a std::map.
TEST(Trie, RandomOperationsMatchRebuild) {
    std::mt19937 rng(12345);
    const std::vector<uint8_t> alphabet{0x00, 0x01, 0x10, 0x11, 0x7f, 0x80, 0xff};
    auto random_key = [&] {
        Bytes k(std::uniform_int_distribution<std::size_t>(0, 5)(rng));
        for (auto& b : k) b = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        return k;
    };
    auto random_value = [&] {
        Bytes v(std::uniform_int_distribution<std::size_t>(0, 48)(rng));
        for (auto& b : v) b = static_cast<uint8_t>(rng());
        return v;
    };
    for (int round = 0; round < 40; ++round) {
        Trie t;
        std::map<Bytes, Bytes> model;
        for (int step = 0; step < 300; ++step) {
            const Bytes k = random_key();
            if (rng() % 4 == 0) {
                t.erase(k);
                model.erase(k);
            } else {
                const Bytes v = random_value();
                t.put(k, v);
                if (v.empty()) {
                    model.erase(k);
                } else {
                    model[k] = v;
                }
            }
            if (step % 17 == 0) (void)t.root();
        }
        ASSERT_EQ(t.size(), model.size());
        for (const auto& [k, v] : model) ASSERT_EQ(t.get(k), v);
        Trie fresh;
        for (const auto& [k, v] : model) fresh.put(k, v);
        ASSERT_EQ(to_hex(t.root()), to_hex(fresh.root()));
        ASSERT_EQ(to_hex(t.root()), to_hex(streamed_root(model)));
    }
}

TEST(SecureTrie, KeysAreHashed) {
    SecureTrie s;
    Trie plain;
    s.put(as_bytes("alice"), as_bytes("one"));
    s.put(as_bytes("bob"), as_bytes("two"));
    plain.put(crypto::keccak256(as_bytes("alice")), as_bytes("one"));
    plain.put(crypto::keccak256(as_bytes("bob")), as_bytes("two"));
    EXPECT_EQ(s.root(), plain.root());
    EXPECT_EQ(s.get(as_bytes("alice")), to_bytes(as_bytes("one")));
    EXPECT_EQ(s.size(), 2u);
    s.erase(as_bytes("alice"));
    s.erase(as_bytes("bob"));
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.root(), kEmptyRoot);
}

}  // namespace
}  // namespace hypasis::trie
