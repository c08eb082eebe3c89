// The transaction index written behind the block writes (tx_indexer.hpp): rebuilt from the bodies when its
// database is lost, bounded in memory, and never claiming a body that is not stored.
#include <filesystem>

#include <gtest/gtest.h>

#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/block_store/test_chain.hpp"
#include "hypasis/storage/block_store/test_support.hpp"
#include "hypasis/storage/ranges/range_codec.hpp"

namespace hypasis::storage {
namespace {

using testing::blocks_of;
using testing::make_blocks;
using testing::open_store;
using testing::TempDir;

LookupStatus status_of(const Expected<Lookup<TransactionInBlock>, StoreError>& r) {
    EXPECT_TRUE(r) << (r ? "" : to_string(r.error()));
    return r ? r->status : LookupStatus::kBeyondHead;
}

void expect_all_indexed(const BlockStore& store, const std::vector<testing::SyntheticBlock>& chain) {
    for (const auto& b : chain) {
        const uint64_t n = b.block.header.header.number;
        for (std::size_t i = 0; i < b.block.body.transactions.size(); ++i) {
            auto t = store.find_transaction(b.block.body.transactions[i].hash);
            ASSERT_TRUE(t && t->found()) << "block " << n << " txn " << i;
            EXPECT_EQ((*t)->block_num, n);
            EXPECT_EQ((*t)->index, i);
        }
    }
}

TEST(TxIndex, ALostIndexDatabaseIsRebuiltFromTheBodiesOnOpen) {
    TempDir dir;
    const auto chain = make_blocks(50, 120);
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->put_blocks(blocks_of(chain)));
        store->wait_for_txn_index();
        expect_all_indexed(*store, chain);
    }
    // What a crash between a block batch and its index batch leaves, at its largest: bodies without entries.
    std::filesystem::remove_all(dir.path() / "tx_index");
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    store->wait_for_txn_index();
    EXPECT_EQ(store->stats().txn_index_pending_blocks, 0u);
    expect_all_indexed(*store, chain);
}

// Regression: a store whose index database was never created (import killed right after creating the store)
// could not be opened by the read-only commands, which open without create_if_missing.
TEST(TxIndex, AMissingIndexIsCreatedEvenByAnOpenThatMayNotCreateTheStore) {
    TempDir dir;
    const auto chain = make_blocks(0, 20);
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->put_blocks(blocks_of(chain)));
    }
    std::filesystem::remove_all(dir.path() / "tx_index");
    StoreOptions o = testing::small_store_options();
    o.kv.create_if_missing = false;
    auto store = BlockStore::open(dir.path(), o);
    ASSERT_TRUE(store) << to_string(store.error());
    (*store)->wait_for_txn_index();
    expect_all_indexed(**store, chain);
}

TEST(TxIndex, APartlyLostIndexIsCompletedAndOrphanRecordsAreDropped) {
    TempDir dir;
    const auto chain = make_blocks(0, 40);
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->put_blocks(blocks_of(chain)));
    }
    {
        // Rewrite the index's tracker: blocks 10-19 unindexed (their entries deleted), and a record claiming
        // 100-110, where no body is stored.
        auto index = testing::open_raw(dir.path() / "tx_index");
        ASSERT_TRUE(index);
        WriteBatch b;
        b.del(Column::kMeta, range_key(DataKind::kBodies, 0));
        b.put(Column::kMeta, range_key(DataKind::kBodies, 0), range_value(10));
        b.put(Column::kMeta, range_key(DataKind::kBodies, 20), range_value(40));
        b.put(Column::kMeta, range_key(DataKind::kBodies, 100), range_value(110));
        for (uint64_t n = 10; n < 20; ++n) {
            for (const auto& txn : chain[n].block.body.transactions) b.del(Column::kTxIndex, txn.hash);
        }
        ASSERT_TRUE(index->write(std::move(b), Durability::kSync));
    }
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        store->wait_for_txn_index();
        expect_all_indexed(*store, chain);
    }
    auto index = testing::open_raw(dir.path() / "tx_index");
    ASSERT_TRUE(index);
    std::vector<Range> records;
    ASSERT_TRUE(index->for_each(Column::kMeta, range_key_prefix(DataKind::kBodies), range_key_upper(DataKind::kBodies),
                                [&](ByteView k, ByteView v) {
                                    auto rec = decode_range_record(k, v);
                                    EXPECT_TRUE(rec);
                                    if (rec) records.push_back(rec->range);
                                    return true;
                                }));
    EXPECT_EQ(records, (std::vector<Range>{{0, 40}}));
}

TEST(TxIndex, WritersWaitForTheIndexerAboveThePendingBound) {
    TempDir dir;
    StoreOptions o = testing::small_store_options();
    o.max_pending_index_txns = 8;  // about two blocks' worth: every put waits for the indexer
    auto store = open_store(dir.path(), o);
    ASSERT_TRUE(store);
    const auto chain = make_blocks(0, 60);
    const std::vector<Block> all = blocks_of(chain);
    for (std::size_t i = 0; i < chain.size(); i += 3) {
        const std::size_t len = std::min<std::size_t>(3, chain.size() - i);
        ASSERT_TRUE(store->put_blocks(std::span(all).subspan(i, len)));
        // The bound holds after every write: at most the bound plus the write's own blocks are pending.
        EXPECT_LE(store->stats().txn_index_pending_blocks, 8u + len);
    }
    store->wait_for_txn_index();
    expect_all_indexed(*store, chain);
}

TEST(TxIndex, AReplacedBodyIsUnindexedBeforeItGoes) {
    TempDir dir;
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    const auto chain = make_blocks(0, 10);
    ASSERT_TRUE(store->put_blocks(blocks_of(chain)));
    // Replace 5.. immediately, while their index batch may still be queued or in flight.
    testing::SyntheticOptions other;
    other.salt = 9;
    const auto fork = make_blocks(5, 5, other);
    ASSERT_TRUE(store->replace_canonical_from(5, blocks_of(fork)));
    store->wait_for_txn_index();
    for (uint64_t n = 5; n < 10; ++n) {
        for (const auto& txn : chain[n].block.body.transactions) {
            EXPECT_EQ(status_of(store->find_transaction(txn.hash)), LookupStatus::kUnknownHash) << n;
        }
    }
    expect_all_indexed(*store, fork);
    expect_all_indexed(*store, std::vector(chain.begin(), chain.begin() + 5));
}

}  // namespace
}  // namespace hypasis::storage
