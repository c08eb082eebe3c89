#include "hypasis/core/validation/body_roots.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/trie/trie.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/validation/test_blocks.hpp"

namespace hypasis::validation {
namespace {

TEST(BodyRoots, EmptyListsHaveTheWellKnownRoots) {
    // keccak(rlp([])) = keccak(0xc0) and keccak(rlp("")) = keccak(0x80), the constants every empty body carries.
    const Bytes empty_list{0xc0};
    EXPECT_EQ(kEmptyOmmersHash, crypto::keccak256(empty_list));
    EXPECT_EQ(to_hex(kEmptyOmmersHash), "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
    const BodyRoots roots = compute_body_roots(BlockBody{});
    EXPECT_EQ(roots.transactions_root, trie::kEmptyRoot);
    EXPECT_EQ(roots.ommers_hash, kEmptyOmmersHash);
    EXPECT_FALSE(roots.withdrawals_root);
    BlockBody with_empty_withdrawals;
    with_empty_withdrawals.withdrawals.emplace();
    EXPECT_EQ(compute_body_roots(with_empty_withdrawals).withdrawals_root, trie::kEmptyRoot);
    EXPECT_EQ(compute_receipts_root({}), trie::kEmptyRoot);
}

// Every root of all 12 mainnet fixture blocks equals what the header commits to. Receipts come from the eth/69 slim
// form, so the receipts root also proves that the recomputed blooms and the consensus re-encoding are right.
TEST(BodyRoots, AllMainnetFixtureBlocksMatchTheirHeaders) {
    HYPASIS_FIXTURE_OR_SKIP(dir, testing::kBlockDataDir);
    const auto blocks = testing::load_fixture_blocks(dir);
    std::size_t checked = 0;
    std::size_t with_withdrawals = 0;
    for (const auto& b : blocks) {
        SCOPED_TRACE("block " + std::to_string(b.number));
        const BlockHeader& h = b.header.header;
        const BodyRoots roots = compute_body_roots(b.body);
        EXPECT_EQ(to_hex(roots.transactions_root), to_hex(h.transactions_root));
        EXPECT_EQ(to_hex(roots.ommers_hash), to_hex(h.ommers_hash));
        ASSERT_EQ(roots.withdrawals_root.has_value(), h.withdrawals_root.has_value());
        if (h.withdrawals_root) {
            EXPECT_EQ(to_hex(*roots.withdrawals_root), to_hex(*h.withdrawals_root));
            ++with_withdrawals;
        }
        EXPECT_EQ(to_hex(compute_receipts_root(b.receipts)), to_hex(h.receipts_root));
        EXPECT_EQ(block_bloom(b.receipts), h.logs_bloom);
        // The single-list helpers agree with the aggregate.
        EXPECT_EQ(compute_transactions_root(b.body.transactions), roots.transactions_root);
        EXPECT_EQ(compute_ommers_hash(b.body.ommers), roots.ommers_hash);
        ++checked;
    }
    EXPECT_EQ(checked, testing::kFixtureBlockCount);
    EXPECT_EQ(with_withdrawals, 8u);  // 17034870 (first Shanghai block) and the seven after it
}

TEST(BodyRoots, RootsChangeWhenTheBodyChanges) {
    HYPASIS_FIXTURE_OR_SKIP(dir, testing::kBlockDataDir);
    const auto blocks = testing::load_fixture_blocks(dir);
    const auto* b = testing::find_block(blocks, 14764013);  // London, PoW, one ommer
    ASSERT_NE(b, nullptr);
    BlockBody body = b->body;
    body.transactions.pop_back();
    EXPECT_NE(compute_transactions_root(body.transactions), b->header.header.transactions_root);
    body.ommers.clear();
    EXPECT_EQ(compute_ommers_hash(body.ommers), kEmptyOmmersHash);
    EXPECT_NE(b->header.header.ommers_hash, kEmptyOmmersHash);
    // Swapping two transactions keeps the set but not the order: the root commits to the order.
    BlockBody swapped = b->body;
    std::swap(swapped.transactions[0], swapped.transactions[1]);
    EXPECT_NE(compute_transactions_root(swapped.transactions), b->header.header.transactions_root);
}

}  // namespace
}  // namespace hypasis::validation
