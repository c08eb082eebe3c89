#include "hypasis/core/trie/ordered_root.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::trie {
namespace {

Bytes rlp_index(std::size_t i) {
    Bytes k;
    rlp::encode_u64(k, i);
    return k;
}

// The reference: the general trie with rlp(i) -> item i, inserted in list order.
Hash reference_root(const std::vector<Bytes>& items) {
    Trie t;
    for (std::size_t i = 0; i < items.size(); ++i) t.put(rlp_index(i), items[i]);
    return t.root();
}

std::vector<Bytes> random_items(std::mt19937& rng, std::size_t count, std::size_t min_size, std::size_t max_size) {
    std::vector<Bytes> items(count);
    for (auto& item : items) {
        item.resize(std::uniform_int_distribution<std::size_t>(min_size, max_size)(rng));
        for (auto& b : item) b = static_cast<uint8_t>(rng());
    }
    return items;
}

Hash streamed_root(const std::vector<Bytes>& items) {
    OrderedRootBuilder b;
    for (const auto& item : items) b.add(item);
    EXPECT_EQ(b.size(), items.size());
    return b.root();
}

TEST(OrderedRoot, EmptyListIsEmptyRoot) {
    EXPECT_EQ(ordered_trie_root(std::span<const Bytes>{}), kEmptyRoot);
    EXPECT_EQ(ordered_trie_root(0, [](std::size_t) { return ByteView{}; }), kEmptyRoot);
    OrderedRootBuilder b;
    EXPECT_EQ(b.root(), kEmptyRoot);
}

// Differential against the general trie, at the sizes where the key order changes shape (127/128/129: rlp(0)
// moves behind 0x7f and two-byte keys start) and with item sizes 0..200, so that empty items (skipped), short ones
// (inlined leaves and branches) and hashed ones all occur.
TEST(OrderedRoot, MatchesTrieOnRandomLists) {
    std::mt19937 rng(424242);
    for (std::size_t count : {0u, 1u, 2u, 127u, 128u, 129u, 200u, 300u, 1000u}) {
        for (int trial = 0; trial < 3; ++trial) {
            const auto items = random_items(rng, count, 0, 200);
            const std::string want = to_hex(reference_root(items));
            SCOPED_TRACE("count " + std::to_string(count) + ", trial " + std::to_string(trial));
            EXPECT_EQ(to_hex(streamed_root(items)), want);
            EXPECT_EQ(to_hex(ordered_trie_root(items)), want);
            EXPECT_EQ(to_hex(ordered_trie_root(count, [&](std::size_t i) { return ByteView{items[i]}; })), want);
        }
    }
}

// Tiny items make whole subtrees shorter than 32 bytes, so branches themselves get inlined in their parents.
TEST(OrderedRoot, MatchesTrieWithTinyItems) {
    std::mt19937 rng(99);
    for (std::size_t count : {1u, 2u, 3u, 16u, 17u, 127u, 128u, 129u, 255u, 256u, 257u, 1000u}) {
        const auto items = random_items(rng, count, 1, 3);
        EXPECT_EQ(to_hex(streamed_root(items)), to_hex(reference_root(items))) << count << " items";
    }
}

TEST(OrderedRoot, CallsValueAtOnceInSortedKeyOrder) {
    std::vector<std::size_t> seen;
    const Bytes item{0x01};
    (void)ordered_trie_root(131, [&](std::size_t i) {
        seen.push_back(i);
        return ByteView{item};
    });
    std::vector<std::size_t> want;
    for (std::size_t i = 1; i < 128; ++i) want.push_back(i);
    want.push_back(0);
    for (std::size_t i = 128; i < 131; ++i) want.push_back(i);
    EXPECT_EQ(seen, want);
}

TEST(OrderedRoot, BuilderRootIsIdempotentAndResettable) {
    std::mt19937 rng(5);
    const auto items = random_items(rng, 130, 1, 100);
    OrderedRootBuilder b;
    for (const auto& item : items) b.add(item);
    const Hash r = b.root();
    EXPECT_EQ(b.root(), r);
    EXPECT_GT(b.keccak_calls(), 0u);
    b.reset();
    EXPECT_EQ(b.size(), 0u);
    EXPECT_EQ(b.root(), kEmptyRoot);
    b.reset();
    for (const auto& item : items) b.add(item);
    EXPECT_EQ(b.root(), r);
}

// ---- real mainnet blocks (portal-spec-tests block data) ----

// The items of an RLP list as list-root inputs: a list element (legacy transaction, withdrawal) is taken whole, a
// string element (EIP-2718 typed transaction) by its payload, type byte || RLP.
std::vector<Bytes> list_items(ByteView list) {
    std::vector<Bytes> items;
    auto payload = rlp::decode_list(list);
    EXPECT_TRUE(payload.has_value());
    if (!payload) return items;
    ByteView p = *payload;
    while (!p.empty()) {
        ByteView peek = p;
        auto h = rlp::decode_header(peek);
        EXPECT_TRUE(h.has_value());
        if (!h) break;
        if (h->list) {
            auto raw = rlp::decode_raw_item(p);
            items.push_back(to_bytes(*raw));
        } else {
            auto s = rlp::decode_string(p);
            items.push_back(to_bytes(*s));
        }
    }
    return items;
}

struct BlockRoots {
    Hash transactions_root{};
    std::optional<Hash> withdrawals_root;
    std::vector<Bytes> transactions;
    std::optional<std::vector<Bytes>> withdrawals;
};

BlockRoots parse_block(const std::map<std::string, std::string>& yaml) {
    BlockRoots out;
    const Bytes header = *from_hex(yaml.at("header"));
    const Bytes body = *from_hex(yaml.at("body"));
    auto h = rlp::decode_tree(header);
    EXPECT_TRUE(h.has_value());
    if (!h) return out;
    // Header fields 4 and 16: transactionsRoot (Yellow Paper §4.3, H_t) and withdrawalsRoot (EIP-4895).
    out.transactions_root = to_fixed<32>(h->items.at(4).payload);
    if (h->items.size() > 16) out.withdrawals_root = to_fixed<32>(h->items.at(16).payload);
    ByteView b = body;
    auto body_payload = rlp::decode_list(b);
    EXPECT_TRUE(body_payload.has_value());
    ByteView fields = *body_payload;
    auto txs = rlp::decode_raw_item(fields);
    auto ommers = rlp::decode_raw_item(fields);
    EXPECT_TRUE(txs.has_value() && ommers.has_value());
    out.transactions = list_items(*txs);
    if (!fields.empty()) {
        auto withdrawals = rlp::decode_raw_item(fields);
        EXPECT_TRUE(withdrawals.has_value());
        out.withdrawals = list_items(*withdrawals);
    }
    return out;
}

TEST(OrderedRoot, MainnetBlockRoots) {
    const std::vector<std::string> blocks{"14764013", "15537393", "15547621", "17034869", "17034870", "17062257",
                                          "19426586", "19426587", "22162263", "22431083", "22431084", "22869878"};
    std::size_t checked = 0;
    std::size_t max_txs = 0;
    for (const auto& num : blocks) {
        SCOPED_TRACE("block " + num);
        HYPASIS_FIXTURE_OR_SKIP(path, "portal-spec-tests/history/block_data/block-data-" + num + ".yaml");
        const BlockRoots block = parse_block(test::read_flat_yaml(path));
        max_txs = std::max(max_txs, block.transactions.size());
        EXPECT_EQ(to_hex(ordered_trie_root(block.transactions)), to_hex(block.transactions_root));
        EXPECT_EQ(to_hex(streamed_root(block.transactions)), to_hex(block.transactions_root));
        ASSERT_EQ(block.withdrawals.has_value(), block.withdrawals_root.has_value());
        if (block.withdrawals) {
            EXPECT_EQ(to_hex(ordered_trie_root(*block.withdrawals)), to_hex(*block.withdrawals_root));
        }
        ++checked;
    }
    EXPECT_EQ(checked, blocks.size());
    EXPECT_GT(max_txs, 128u);  // at least one block exercises the rlp(0)-after-0x7f ordering
}

}  // namespace
}  // namespace hypasis::trie
