// StoreBlockProvider over a real BlockStore: a generated chain with receipts, gaps, an empty store, the served
// range, total difficulty, and the receipts re-encoded in both wire forms.
#include "hypasis/node/devp2p/store_block_provider.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/node/commands/store_test_support.hpp"
#include "hypasis/test_util/chain_generator.hpp"

namespace hypasis::node {
namespace {

using testing::StoreCommandTest;

class StoreBlockProviderTest : public StoreCommandTest {
  protected:
    void SetUp() override {
        StoreCommandTest::SetUp();
        test::ChainGenerator gen;
        spec_ = gen.spec();
        blocks_.push_back(gen.genesis());
        receipts_.emplace_back();
        for (int i = 1; i < 40; ++i) {
            auto b = gen.next();
            blocks_.push_back(b.block);
            receipts_.push_back(b.receipts);
        }
        storage::StoreOptions o;
        o.kv.create_if_missing = true;
        auto s = storage::BlockStore::open(datadir_, o);
        ASSERT_TRUE(s.has_value());
        store_ = std::move(*s);
    }
    void put(std::size_t first, std::size_t end, bool with_receipts) {
        ASSERT_TRUE(store_->put_blocks(std::span<const Block>(blocks_).subspan(first, end - first)).has_value());
        if (with_receipts) {
            ASSERT_TRUE(store_->put_receipts(first, std::span(receipts_).subspan(first, end - first)).has_value());
        }
    }
    StoreBlockProvider provider() {
        return StoreBlockProvider(*store_, spec_, [this](const std::string& line) { log_.push_back(line); });
    }

    chain::ChainSpec spec_;
    std::vector<Block> blocks_;
    std::vector<std::vector<Receipt>> receipts_;
    std::unique_ptr<storage::BlockStore> store_;
    std::vector<std::string> log_;
};

TEST_F(StoreBlockProviderTest, EmptyStoreAnnouncesGenesis) {
    auto p = provider();
    const auto head = p.head();
    EXPECT_EQ(head.earliest, 0u);
    EXPECT_EQ(head.latest, 0u);
    EXPECT_EQ(head.latest_hash, spec_.genesis_hash);
    EXPECT_EQ(head.latest_time, spec_.genesis_header->timestamp);
    EXPECT_FALSE(p.header_rlp(0).has_value());
    EXPECT_FALSE(p.block_number(spec_.genesis_hash).has_value());
    EXPECT_FALSE(p.body_rlp(spec_.genesis_hash).has_value());
    EXPECT_EQ(p.read_errors(), 0u);
}

TEST_F(StoreBlockProviderTest, ServesStoredHeadersBodiesAndHead) {
    put(0, 40, true);
    auto p = provider();
    const auto head = p.head();
    EXPECT_EQ(head.earliest, 0u);
    EXPECT_EQ(head.latest, 39u);
    EXPECT_EQ(head.latest_hash, blocks_[39].header.hash);
    EXPECT_EQ(head.latest_time, blocks_[39].header.header.timestamp);
    for (std::size_t n = 0; n < blocks_.size(); ++n) {
        const auto& b = blocks_[n];
        auto h = p.header_rlp(n);
        ASSERT_TRUE(h.has_value()) << n;
        EXPECT_EQ(*h, b.header.rlp) << n;  // the exact stored bytes
        EXPECT_EQ(p.block_number(b.header.hash), std::optional<uint64_t>(n));
        auto body = p.body_rlp(b.header.hash);
        ASSERT_TRUE(body.has_value()) << n;
        auto decoded = decode_body(*body);
        ASSERT_TRUE(decoded.has_value()) << n;
        EXPECT_EQ(*decoded, b.body) << n;
        EXPECT_TRUE(validation::validate_body(b.header.header, *decoded).has_value()) << n;
    }
    EXPECT_FALSE(p.header_rlp(40).has_value());
    Hash unknown{};
    unknown[0] = 0xab;
    EXPECT_FALSE(p.block_number(unknown).has_value());
    EXPECT_FALSE(p.body_rlp(unknown).has_value());
    EXPECT_FALSE(p.receipts_rlp(unknown, ReceiptForm::kSlim).has_value());
    EXPECT_TRUE(log_.empty());
}

TEST_F(StoreBlockProviderTest, ReceiptsInBothWireForms) {
    put(0, 40, true);
    auto p = provider();
    for (std::size_t n = 1; n < blocks_.size(); ++n) {
        const auto& header = blocks_[n].header;
        auto full = p.receipts_rlp(header.hash, ReceiptForm::kEth68);
        auto slim = p.receipts_rlp(header.hash, ReceiptForm::kSlim);
        ASSERT_TRUE(full && slim) << n;
        EXPECT_NE(*full, *slim) << n;  // eth/68 carries blooms, eth/69 does not
        EXPECT_LT(slim->size(), full->size()) << n;
        for (const auto& [bytes, form] : {std::pair{*full, ReceiptForm::kEth68}, std::pair{*slim, ReceiptForm::kSlim}}) {
            auto decoded = decode_receipts(bytes, form);
            ASSERT_TRUE(decoded.has_value()) << n;
            EXPECT_EQ(decoded->size(), receipts_[n].size()) << n;
            // The receipts root and bloom in the header are the independent check of both encodings.
            EXPECT_TRUE(validation::validate_receipts(header.header, *decoded).has_value()) << n;
        }
    }
}

TEST_F(StoreBlockProviderTest, ReceiptsAbsentWhenNotStored) {
    put(0, 40, false);
    auto p = provider();
    EXPECT_FALSE(p.receipts_rlp(blocks_[5].header.hash, ReceiptForm::kEth68).has_value());
    EXPECT_TRUE(p.body_rlp(blocks_[5].header.hash).has_value());
    EXPECT_EQ(p.head().latest, 39u);  // receipts do not shape the served range
}

TEST_F(StoreBlockProviderTest, RangeIsTheContiguousSuffixAcrossAGap) {
    put(0, 10, false);
    put(20, 40, false);
    auto p = provider();
    const auto head = p.head();
    EXPECT_EQ(head.earliest, 20u);
    EXPECT_EQ(head.latest, 39u);
    EXPECT_TRUE(p.header_rlp(5).has_value());    // below the gap: served when asked
    EXPECT_FALSE(p.header_rlp(15).has_value());  // in the gap
}

TEST_F(StoreBlockProviderTest, HeadFollowsNewBlocks) {
    put(0, 20, false);
    auto p = provider();
    EXPECT_EQ(p.head().latest, 19u);
    put(20, 30, false);
    EXPECT_EQ(p.head().latest, 29u);
    EXPECT_EQ(p.head().latest_hash, blocks_[29].header.hash);
}

TEST_F(StoreBlockProviderTest, TotalDifficultySumsOrFallsBackToTerminal) {
    // Generated blocks are post-merge (difficulty 0): the sum is the genesis difficulty.
    put(0, 40, false);
    {
        auto p = provider();
        EXPECT_EQ(p.head().total_difficulty, spec_.genesis_header->difficulty);
    }
    // Without block 0 the sum cannot be made: the chain's terminal total difficulty stands in.
    store_.reset();
    std::filesystem::remove_all(datadir_);
    storage::StoreOptions o;
    o.kv.create_if_missing = true;
    store_ = std::move(*storage::BlockStore::open(datadir_, o));
    put(10, 40, false);
    spec_.config.terminal_total_difficulty = U256{123456789};
    auto p = provider();
    EXPECT_EQ(p.head().earliest, 10u);
    EXPECT_EQ(p.head().total_difficulty, U256{123456789});
}

TEST_F(StoreBlockProviderTest, BatchHeadersStopAtGapAndBudget) {
    put(0, 10, false);
    auto p = provider();
    std::vector<Bytes> out;
    const uint64_t nums[] = {3, 4, 5, 12, 6};
    EXPECT_EQ(p.header_rlps(nums, SIZE_MAX, out), 3u);  // stops at the first missing one
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2], blocks_[5].header.rlp);
    out.clear();
    EXPECT_EQ(p.header_rlps(nums, 1, out), 1u);  // the header crossing the budget is still included
}

}  // namespace
}  // namespace hypasis::node
