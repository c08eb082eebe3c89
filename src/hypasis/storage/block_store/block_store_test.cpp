#include "hypasis/storage/block_store/block_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/validation/body_roots.hpp"
#include "hypasis/core/validation/test_blocks.hpp"
#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/block_store/test_chain.hpp"
#include "hypasis/storage/block_store/test_support.hpp"

namespace hypasis::storage {

// gtest prints statuses and codes by name.
inline void PrintTo(LookupStatus s, std::ostream* os) { *os << to_string(s); }
inline void PrintTo(StoreErrc c, std::ostream* os) { *os << to_string(c); }
inline void PrintTo(const Range& r, std::ostream* os) { *os << to_string(r); }

namespace {

using testing::blocks_of;
using testing::make_block;
using testing::make_blocks;
using testing::open_store;
using testing::receipts_of;
using testing::SyntheticOptions;
using testing::TempDir;

std::vector<SealedHeader> headers_of(const std::vector<testing::SyntheticBlock>& blocks) {
    std::vector<SealedHeader> out;
    for (const auto& b : blocks) out.push_back(b.block.header);
    return out;
}

std::vector<BlockBody> bodies_of(const std::vector<testing::SyntheticBlock>& blocks) {
    std::vector<BlockBody> out;
    for (const auto& b : blocks) out.push_back(b.block.body);
    return out;
}

#define ASSERT_OK(expr)                                                           \
    do {                                                                          \
        auto ok_ = (expr);                                                        \
        ASSERT_TRUE(ok_) << #expr << ": " << (ok_ ? "" : to_string(ok_.error())); \
    } while (0)

/// The status of a read that must not fail.
template <class T>
LookupStatus status_of(const Expected<Lookup<T>, StoreError>& r) {
    EXPECT_TRUE(r) << (r ? "" : to_string(r.error()));
    return r ? r->status : LookupStatus::kUnknownHash;
}

TEST(StoreNames, CodesAndStatusesHaveStableNames) {
    EXPECT_EQ(to_string(StoreErrc::kCorrupted), "corrupted");
    EXPECT_EQ(to_string(StoreErrc::kLocked), "locked");
    EXPECT_EQ(to_string(LookupStatus::kMissingInGap), "missing in gap");
    EXPECT_EQ(to_string(LookupStatus::kBeyondHead), "beyond head");
    const StoreError e{StoreErrc::kCorrupted, 42, "header hash mismatch", std::nullopt};
    EXPECT_EQ(to_string(e), "corrupted: block 42: header hash mismatch");
}

// ---- real mainnet blocks ---------------------------------------------------------------------------------------

TEST(BlockStore, MainnetFixtureBlocksRoundTripByteForByte) {
    HYPASIS_FIXTURE_OR_SKIP(fixture_dir, validation::testing::kBlockDataDir);
    const auto fixtures = validation::testing::load_fixture_blocks(fixture_dir);
    ASSERT_EQ(fixtures.size(), validation::testing::kFixtureBlockCount);
    TempDir dir;
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        std::vector<Block> blocks;
        for (const auto& f : fixtures) blocks.push_back(Block{f.header, f.body});
        ASSERT_OK(store->put_blocks(blocks));
        for (const auto& f : fixtures) {
            ASSERT_OK(store->put_receipts(f.number, std::span<const std::vector<Receipt>>(&f.receipts, 1)));
        }
    }
    const uint64_t first = fixtures.front().number;
    const uint64_t last = fixtures.back().number;
    // Read back from a fresh open (nothing cached), twice: the second pass is served by the hot cache.
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    for (int pass = 0; pass < 2; ++pass) {
        SCOPED_TRACE("pass " + std::to_string(pass));
        std::size_t txns = 0;
        for (const auto& f : fixtures) {
            SCOPED_TRACE("block " + std::to_string(f.number));
            // The bytes as the fixture file holds them.
            const auto yaml = test::read_flat_yaml(fixture_dir / ("block-data-" + std::to_string(f.number) + ".yaml"));
            const auto header_rlp = from_hex(yaml.at("header"));
            const auto body_rlp = from_hex(yaml.at("body"));
            ASSERT_TRUE(header_rlp && body_rlp);

            auto block = store->get_block(f.number);
            ASSERT_TRUE(block) << to_string(block.error());
            ASSERT_EQ(block->status, LookupStatus::kFound);
            EXPECT_EQ((*block)->header.rlp, *header_rlp);
            EXPECT_EQ(encode((*block)->body), *body_rlp);
            EXPECT_EQ(**block, (Block{f.header, f.body}));

            auto by_hash = store->get_header_by_hash(f.header.hash);
            ASSERT_TRUE(by_hash && by_hash->found());
            EXPECT_EQ((*by_hash)->header.number, f.number);

            store->wait_for_txn_index();
            for (std::size_t i = 0; i < f.body.transactions.size(); ++i) {
                const auto& txn = f.body.transactions[i];
                auto found = store->find_transaction(txn.hash);
                ASSERT_TRUE(found) << to_string(found.error());
                ASSERT_EQ(found->status, LookupStatus::kFound) << to_hex(txn.hash);
                EXPECT_EQ((*found)->block_num, f.number);
                EXPECT_EQ((*found)->index, i);
                EXPECT_EQ((*found)->block_hash, f.header.hash);
                EXPECT_EQ((*found)->txn.encoded, txn.encoded);
                ++txns;
            }

            auto receipts = store->get_receipts(f.number);
            ASSERT_TRUE(receipts) << to_string(receipts.error());
            ASSERT_EQ(receipts->status, LookupStatus::kFound);
            EXPECT_EQ(**receipts, f.receipts);
        }
        EXPECT_GT(txns, 1000u);
    }
    EXPECT_GT(store->stats().cache.hits, 0u);

    // The trackers hold the fixture numbers, coalesced (three pairs are consecutive: the fork boundaries), and the
    // gaps are exactly the spaces between them.
    std::vector<Range> expected;
    for (const auto& f : fixtures) {
        if (!expected.empty() && expected.back().end == f.number) {
            ++expected.back().end;
        } else {
            expected.push_back(Range{f.number, f.number + 1});
        }
    }
    ASSERT_EQ(expected.size(), 9u);
    std::vector<Range> expected_gaps;
    for (std::size_t i = 0; i + 1 < expected.size(); ++i)
        expected_gaps.push_back({expected[i].end, expected[i + 1].first});
    for (const DataKind kind : {DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts}) {
        SCOPED_TRACE(std::string(to_string(kind)));
        EXPECT_EQ(store->tracker(kind).to_vector(), expected);
        EXPECT_EQ(store->gaps(kind, Range{first, last + 1}), expected_gaps);
        EXPECT_EQ(store->head(kind), last);
    }
    EXPECT_EQ(status_of(store->get_header(first + 1)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_header(0)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_block(last - 1)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_header(last + 1)), LookupStatus::kBeyondHead);
    EXPECT_EQ(status_of(store->get_receipts(last + 1)), LookupStatus::kBeyondHead);
    EXPECT_EQ(status_of(store->get_header_by_hash(Hash{0x01})), LookupStatus::kUnknownHash);
    EXPECT_EQ(status_of(store->find_transaction(Hash{0x02})), LookupStatus::kUnknownHash);
}

// ---- gap-aware answers -----------------------------------------------------------------------------------------

TEST(BlockStore, FoundMissingInGapAndBeyondHeadAreDistinct) {
    TempDir dir;
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    // Nothing stored: everything is beyond the (absent) head.
    EXPECT_EQ(status_of(store->get_header(0)), LookupStatus::kBeyondHead);
    EXPECT_EQ(status_of(store->get_block(5)), LookupStatus::kBeyondHead);
    EXPECT_EQ(status_of(store->get_receipts(0)), LookupStatus::kBeyondHead);
    EXPECT_EQ(store->head(DataKind::kHeaders), std::nullopt);
    EXPECT_EQ(store->contiguous_suffix(DataKind::kHeaders), std::nullopt);
    EXPECT_EQ(status_of(store->get_header(UINT64_MAX)), LookupStatus::kBeyondHead);

    const auto chain = make_blocks(10, 10);  // 10..19
    ASSERT_OK(store->put_headers(headers_of(chain)));
    auto h = store->get_header(15);
    ASSERT_TRUE(h);
    ASSERT_EQ(h->status, LookupStatus::kFound);
    EXPECT_EQ((*h)->hash, chain[5].block.header.hash);
    EXPECT_EQ(status_of(store->get_header(9)), LookupStatus::kMissingInGap);  // below the head, not stored
    EXPECT_EQ(status_of(store->get_header(0)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_header(19)), LookupStatus::kFound);
    EXPECT_EQ(status_of(store->get_header(20)), LookupStatus::kBeyondHead);  // above the highest header
    EXPECT_EQ(status_of(store->get_body(15)), LookupStatus::kBeyondHead);    // no body stored at all

    // Bodies 12..14 only.
    const std::vector<BlockBody> bodies{chain[2].block.body, chain[3].block.body, chain[4].block.body};
    ASSERT_OK(store->put_bodies(12, bodies));
    EXPECT_EQ(status_of(store->get_body(13)), LookupStatus::kFound);
    EXPECT_EQ(status_of(store->get_body(11)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_block(15)), LookupStatus::kBeyondHead);
    auto block = store->get_block(14);
    ASSERT_TRUE(block && block->found());
    EXPECT_EQ(**block, chain[4].block);

    // Receipts 10..11.
    const auto receipts = receipts_of(chain);
    ASSERT_OK(store->put_receipts(10, std::span(receipts).first(2)));
    auto r = store->get_receipts(11);
    ASSERT_TRUE(r && r->found());
    EXPECT_EQ(**r, chain[1].receipts);
    EXPECT_EQ(status_of(store->get_receipts(12)), LookupStatus::kBeyondHead);
    EXPECT_EQ(status_of(store->get_receipts(9)), LookupStatus::kMissingInGap);

    // A second run far above turns the space in between into a gap.
    ASSERT_OK(store->put_blocks(blocks_of(make_blocks(30, 2))));
    EXPECT_EQ(status_of(store->get_header(25)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_body(25)), LookupStatus::kMissingInGap);
    EXPECT_EQ(store->head(DataKind::kHeaders), 31u);
    EXPECT_EQ(store->head(DataKind::kBodies), 31u);
    EXPECT_EQ(store->head(DataKind::kReceipts), 11u);
    EXPECT_EQ(store->contiguous_suffix(DataKind::kHeaders), (Range{30, 32}));
    EXPECT_EQ(store->contiguous_suffix(DataKind::kReceipts), (Range{10, 12}));
    EXPECT_EQ(store->contiguous_suffix(DataKind::kHeaders), store->tracker(DataKind::kHeaders).contiguous_suffix());
    EXPECT_EQ(store->gaps(DataKind::kHeaders, Range{0, 40}), (std::vector<Range>{{0, 10}, {20, 30}, {32, 40}}));
    EXPECT_EQ(store->gaps(DataKind::kBodies, Range{0, 40}), (std::vector<Range>{{0, 12}, {15, 30}, {32, 40}}));
    EXPECT_EQ(store->status(DataKind::kBodies, 20), LookupStatus::kMissingInGap);
    EXPECT_EQ(store->status(DataKind::kBodies, 32), LookupStatus::kBeyondHead);
    EXPECT_EQ(store->status(DataKind::kReceipts, 10), LookupStatus::kFound);

    // by hash: a header whose number is stored, and a transaction whose body is not.
    auto by_hash = store->get_header_by_hash(chain[7].block.header.hash);
    ASSERT_TRUE(by_hash && by_hash->found());
    EXPECT_EQ((*by_hash)->header.number, 17u);
    store->wait_for_txn_index();
    EXPECT_EQ(status_of(store->find_transaction(chain[3].block.body.transactions[1].hash)), LookupStatus::kFound);
    EXPECT_EQ(status_of(store->find_transaction(chain[7].block.body.transactions[0].hash)),
              LookupStatus::kUnknownHash);  // body 17 was never stored, so its transactions are not indexed
}

TEST(BlockStore, TrackersAndDataSurviveReopen) {
    TempDir dir;
    const auto chain = make_blocks(100, 50);
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        ASSERT_OK(store->put_blocks(blocks_of(chain), Durability::kBuffered));
        const auto receipts = receipts_of(chain);
        ASSERT_OK(store->put_receipts(120, std::span(receipts).subspan(20, 10), Durability::kBuffered));
        ASSERT_OK(store->sync());
    }
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    EXPECT_EQ(store->tracker(DataKind::kHeaders).to_vector(), (std::vector<Range>{{100, 150}}));
    EXPECT_EQ(store->tracker(DataKind::kBodies).to_vector(), (std::vector<Range>{{100, 150}}));
    EXPECT_EQ(store->tracker(DataKind::kReceipts).to_vector(), (std::vector<Range>{{120, 130}}));
    for (const auto& b : chain) {
        auto got = store->get_block(b.block.header.header.number);
        ASSERT_TRUE(got && got->found());
        EXPECT_EQ(**got, b.block);
    }
}

// ---- writes ----------------------------------------------------------------------------------------------------

TEST(BlockStore, RewritingTheSameBlocksIsIdempotent) {
    TempDir dir;
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    const auto chain = make_blocks(0, 20);
    ASSERT_OK(store->put_blocks(blocks_of(chain)));
    ASSERT_OK(store->put_receipts(0, receipts_of(chain)));
    ASSERT_OK(store->put_blocks(blocks_of(chain)));    // an import run twice
    ASSERT_OK(store->put_headers(headers_of(chain)));  // and headers again
    const auto bodies = bodies_of(chain);
    ASSERT_OK(store->put_bodies(5, std::span(bodies).subspan(5, 5)));
    for (const DataKind kind : {DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts}) {
        EXPECT_EQ(store->tracker(kind).to_vector(), (std::vector<Range>{{0, 20}})) << to_string(kind);
    }
    store->wait_for_txn_index();
    for (const auto& b : chain) {
        const uint64_t n = b.block.header.header.number;
        auto r = store->get_receipts(n);
        ASSERT_TRUE(r && r->found()) << n;  // receipts survive a rewrite of the same block
        for (const auto& txn : b.block.body.transactions) {
            EXPECT_EQ(status_of(store->find_transaction(txn.hash)), LookupStatus::kFound);
        }
    }
}

TEST(BlockStore, BadWriteArgumentsAreRejectedAndWriteNothing) {
    TempDir dir;
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    const auto chain = make_blocks(0, 10);
    ASSERT_OK(store->put_headers(std::vector<SealedHeader>{chain[0].block.header, chain[1].block.header}));

    // A body or receipts for a block without a stored header.
    auto body = store->put_bodies(1, bodies_of(chain));  // 1 is fine, 2 has no header
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().code, StoreErrc::kInvalidInput);
    EXPECT_EQ(body.error().block_num, 2u);
    EXPECT_TRUE(store->tracker(DataKind::kBodies).empty());
    const auto lists = receipts_of(chain);
    auto receipts = store->put_receipts(5, std::span(lists).first(1));
    ASSERT_FALSE(receipts);
    EXPECT_EQ(receipts.error().code, StoreErrc::kInvalidInput);
    EXPECT_EQ(receipts.error().block_num, 5u);
    EXPECT_TRUE(store->tracker(DataKind::kReceipts).empty());

    // The same block twice in one write.
    std::vector<Block> twice{chain[3].block, chain[4].block, chain[3].block};
    auto dup = store->put_blocks(twice);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, StoreErrc::kInvalidInput);
    EXPECT_EQ(dup.error().block_num, 3u);
    EXPECT_EQ(status_of(store->get_header(4)), LookupStatus::kBeyondHead);

    // Replacement blocks that are not numbered from the replacement point.
    auto bad_reorg = store->replace_canonical_from(1, blocks_of(make_blocks(2, 2)));
    ASSERT_FALSE(bad_reorg);
    EXPECT_EQ(bad_reorg.error().code, StoreErrc::kInvalidInput);
    EXPECT_EQ(store->tracker(DataKind::kHeaders).to_vector(), (std::vector<Range>{{0, 2}}));

    // A number no tracker can hold.
    SyntheticOptions o;
    o.txns_per_block = 0;
    auto top = make_block(UINT64_MAX, o);
    auto too_high = store->put_headers(std::vector<SealedHeader>{top.block.header});
    ASSERT_FALSE(too_high);
    EXPECT_EQ(too_high.error().code, StoreErrc::kInvalidInput);
}

TEST(BlockStore, ReplaceCanonicalFromIsOneAtomicReorg) {
    TempDir dir;
    const auto old_chain = make_blocks(100, 50);  // 100..149
    SyntheticOptions fork_options;
    fork_options.salt = 7;
    auto fork = make_blocks(140, 5, fork_options);  // 140..144
    // A transaction of old block 141 moves into the new block 140: its index entry must end up pointing there.
    const Transaction moved = old_chain[41].block.body.transactions[0];
    {
        Block& b = fork[0].block;
        b.body.transactions.push_back(moved);
        BlockHeader h = b.header.header;
        h.transactions_root = validation::compute_transactions_root(b.body.transactions);
        b.header = seal(h);
    }
    {
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        ASSERT_OK(store->put_blocks(blocks_of(old_chain)));
        ASSERT_OK(store->put_receipts(100, receipts_of(old_chain)));
        ASSERT_OK(store->replace_canonical_from(140, blocks_of(fork)));
    }
    for (int reopen = 0; reopen < 2; ++reopen) {
        SCOPED_TRACE("open " + std::to_string(reopen));
        auto store = open_store(dir.path());
        ASSERT_TRUE(store);
        EXPECT_EQ(store->tracker(DataKind::kHeaders).to_vector(), (std::vector<Range>{{100, 145}}));
        EXPECT_EQ(store->tracker(DataKind::kBodies).to_vector(), (std::vector<Range>{{100, 145}}));
        EXPECT_EQ(store->tracker(DataKind::kReceipts).to_vector(), (std::vector<Range>{{100, 140}}));
        for (uint64_t n = 100; n < 140; ++n) {
            auto b = store->get_block(n);
            ASSERT_TRUE(b && b->found());
            EXPECT_EQ((*b)->header.hash, old_chain[n - 100].block.header.hash);
        }
        store->wait_for_txn_index();
        for (const auto& f : fork) {
            const uint64_t n = f.block.header.header.number;
            auto b = store->get_block(n);
            ASSERT_TRUE(b && b->found()) << n;
            EXPECT_EQ(**b, f.block);
            auto by_hash = store->get_header_by_hash(f.block.header.hash);
            ASSERT_TRUE(by_hash && by_hash->found());
            for (const auto& txn : f.block.body.transactions) {
                auto t = store->find_transaction(txn.hash);
                ASSERT_TRUE(t && t->found());
                EXPECT_EQ((*t)->block_num, n);
            }
        }
        for (uint64_t n = 140; n < 150; ++n) {
            const auto& old = old_chain[n - 100].block;
            EXPECT_EQ(status_of(store->get_header_by_hash(old.header.hash)), LookupStatus::kUnknownHash) << n;
            for (const auto& txn : old.body.transactions) {
                if (txn.hash == moved.hash) continue;
                EXPECT_EQ(status_of(store->find_transaction(txn.hash)), LookupStatus::kUnknownHash) << n;
            }
        }
        auto m = store->find_transaction(moved.hash);
        ASSERT_TRUE(m && m->found());
        EXPECT_EQ((*m)->block_num, 140u);
        EXPECT_EQ((*m)->index, fork[0].block.body.transactions.size() - 1);
        EXPECT_EQ(status_of(store->get_header(145)), LookupStatus::kBeyondHead);
        EXPECT_EQ(status_of(store->get_receipts(140)), LookupStatus::kBeyondHead);
        EXPECT_EQ(status_of(store->get_receipts(139)), LookupStatus::kFound);
    }
    // The old index entries are gone from disk, not merely recognised as stale on read.
    {
        auto raw = testing::open_raw(dir.path());
        ASSERT_TRUE(raw);
        auto index = testing::open_raw(dir.path() / "tx_index");
        ASSERT_TRUE(index);
        for (uint64_t n = 140; n < 150; ++n) {
            const auto& old = old_chain[n - 100].block;
            EXPECT_FALSE(*raw->get(Column::kHashToNum, old.header.hash)) << n;
            if (n >= 145) {
                EXPECT_FALSE(*raw->get(Column::kHeaders, schema::num_key(n))) << n;
            }
            for (const auto& txn : old.body.transactions) {
                if (txn.hash != moved.hash) {
                    EXPECT_FALSE(*index->get(Column::kTxIndex, txn.hash)) << n;
                }
            }
        }
        EXPECT_FALSE(*raw->get(Column::kReceipts, schema::num_key(140)));
    }
    // A pure rollback.
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    ASSERT_OK(store->replace_canonical_from(142, {}));
    EXPECT_EQ(store->head(DataKind::kHeaders), 141u);
    EXPECT_EQ(status_of(store->get_header_by_hash(fork[3].block.header.hash)), LookupStatus::kUnknownHash);
}

TEST(BlockStore, APutOfADifferentHeaderReplacesTheOldBlock) {
    TempDir dir;
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    const auto chain = make_blocks(200, 5);
    ASSERT_OK(store->put_blocks(blocks_of(chain)));
    ASSERT_OK(store->put_receipts(200, receipts_of(chain)));
    SyntheticOptions other;
    other.salt = 3;
    const auto replacement = make_block(202, other);
    ASSERT_OK(store->put_headers(std::vector<SealedHeader>{replacement.block.header}));
    auto h = store->get_header(202);
    ASSERT_TRUE(h && h->found());
    EXPECT_EQ((*h)->hash, replacement.block.header.hash);
    // The old body and receipts belonged to the old header: they are gone, and so are its index entries.
    EXPECT_EQ(status_of(store->get_body(202)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_receipts(202)), LookupStatus::kMissingInGap);
    EXPECT_EQ(status_of(store->get_header_by_hash(chain[2].block.header.hash)), LookupStatus::kUnknownHash);
    store->wait_for_txn_index();
    EXPECT_EQ(status_of(store->find_transaction(chain[2].block.body.transactions[0].hash)), LookupStatus::kUnknownHash);
    // Its neighbours are untouched, and the old entries are gone from disk.
    {
        store.reset();
        auto raw = testing::open_raw(dir.path());
        ASSERT_TRUE(raw);
        EXPECT_FALSE(*raw->get(Column::kHashToNum, chain[2].block.header.hash));
        auto index = testing::open_raw(dir.path() / "tx_index");
        ASSERT_TRUE(index);
        for (const auto& txn : chain[2].block.body.transactions) {
            EXPECT_FALSE(*index->get(Column::kTxIndex, txn.hash));
        }
        EXPECT_TRUE(*index->get(Column::kTxIndex, chain[3].block.body.transactions[0].hash));
        index.reset();
        raw.reset();
        store = open_store(dir.path());
        ASSERT_TRUE(store);
    }
    EXPECT_EQ(status_of(store->get_block(201)), LookupStatus::kFound);
    EXPECT_EQ(status_of(store->get_receipts(203)), LookupStatus::kFound);
    // The new body can follow.
    ASSERT_OK(store->put_bodies(202, std::vector<BlockBody>{replacement.block.body}));
    EXPECT_EQ(status_of(store->get_block(202)), LookupStatus::kFound);
}

// ---- hot cache -------------------------------------------------------------------------------------------------

TEST(BlockStore, HotCacheCountsHitsAndIsInvalidatedByWrites) {
    TempDir dir;
    auto o = testing::small_store_options();
    o.cache_bytes = 64 << 10;  // a few dozen small blocks
    auto store = open_store(dir.path(), o);
    ASSERT_TRUE(store);
    const auto chain = make_blocks(0, 100);
    ASSERT_OK(store->put_blocks(blocks_of(chain)));  // bulk: not cached on write
    EXPECT_EQ(store->stats().cache.entries, 0u);

    ASSERT_TRUE(store->get_block(5));
    const auto after_miss = store->stats().cache;
    ASSERT_TRUE(store->get_block(5));
    ASSERT_TRUE(store->get_header(5));
    ASSERT_TRUE(store->get_body(5));
    const auto after_hits = store->stats().cache;
    EXPECT_EQ(after_hits.hits, after_miss.hits + 3);
    EXPECT_EQ(after_hits.misses, after_miss.misses);

    // A reorg of block 5 must not leave the old block in the cache (the new one is cached on write).
    SyntheticOptions fork;
    fork.salt = 9;
    const auto replacement = make_block(5, fork);
    ASSERT_OK(store->replace_canonical_from(5, std::vector<Block>{replacement.block}));
    auto b = store->get_block(5);
    ASSERT_TRUE(b && b->found());
    EXPECT_EQ((*b)->header.hash, replacement.block.header.hash);
    EXPECT_EQ(status_of(store->get_block(6)), LookupStatus::kBeyondHead);

    // Reading many blocks through a small cache evicts, and never exceeds the byte bound.
    for (uint64_t n = 0; n < 5; ++n) ASSERT_TRUE(store->get_block(n));
    ASSERT_OK(store->put_blocks(blocks_of(make_blocks(6, 94))));
    for (uint64_t n = 0; n < 100; ++n) ASSERT_TRUE(store->get_block(n));
    const auto s = store->stats().cache;
    EXPECT_GT(s.evictions, 0u);
    EXPECT_LE(s.bytes, s.capacity_bytes);
    EXPECT_EQ(s.capacity_bytes, o.cache_bytes);
}

// ---- thread-safety ---------------------------------------------------------------------------------------------

TEST(BlockStore, ReadersRunConcurrentlyWithWritersAndReorgs) {
    TempDir dir;
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    ASSERT_OK(store->put_blocks(blocks_of(make_blocks(0, 200))));
    SyntheticOptions fork;
    fork.salt = 1;
    std::vector<Hash> main_hashes, fork_hashes;
    for (uint64_t n = 0; n < 400; ++n) {
        main_hashes.push_back(make_block(n).block.header.hash);
        fork_hashes.push_back(make_block(n, fork).block.header.hash);
    }
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    auto reader = [&](uint64_t seed) {
        std::mt19937_64 rng(seed);
        while (!done) {
            const uint64_t n = rng() % 400;
            auto b = store->get_block(n);
            if (!b) {
                ++failures;
                continue;
            }
            if (b->found() && (*b)->header.hash != main_hashes[n] && (*b)->header.hash != fork_hashes[n]) ++failures;
        }
    };
    std::thread r1(reader, 1), r2(reader, 2);
    for (uint64_t first = 200; first < 400; first += 20) {
        ASSERT_OK(store->put_blocks(blocks_of(make_blocks(first, 20))));
        ASSERT_OK(store->replace_canonical_from(first + 15, blocks_of(make_blocks(first + 15, 5, fork))));
    }
    done = true;
    r1.join();
    r2.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(store->stats().corruptions_found, 0u);
    EXPECT_EQ(store->tracker(DataKind::kBodies).to_vector(), (std::vector<Range>{{0, 400}}));
}

}  // namespace
}  // namespace hypasis::storage

namespace hypasis::storage {
namespace {

TEST(BlockStoreRecords, OtherModulesRecordsPersistAndCannotTouchTheStoresOwn) {
    testing::TempDir dir;
    {
        auto store = testing::open_store(dir.path());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->put_record(as_bytes(std::string_view("ban/aa")), Bytes{1, 2}));
        ASSERT_TRUE(store->put_record(as_bytes(std::string_view("ban/bb")), Bytes{3}));
        ASSERT_TRUE(store->put_record(as_bytes(std::string_view("bao")), Bytes{4}));  // sorts right after "ban/"
        ASSERT_TRUE(store->delete_record(as_bytes(std::string_view("ban/bb"))));
        // The store's own records are out of reach, and sizes are bounded.
        auto own = store->put_record(as_bytes(std::string_view("rng/x")), Bytes{});
        ASSERT_FALSE(own);
        EXPECT_EQ(own.error().code, StoreErrc::kInvalidInput);
        EXPECT_FALSE(store->put_record(as_bytes(std::string_view("schema_version")), Bytes{0, 0, 0, 9}));
        EXPECT_FALSE(store->get_record(as_bytes(std::string_view("schema_version"))));
        EXPECT_FALSE(store->put_record(ByteView{}, Bytes{}));
        EXPECT_FALSE(store->put_record(as_bytes(std::string_view("big/")), Bytes(64 * 1024 + 1, 0)));
    }
    auto store = testing::open_store(dir.path());
    ASSERT_TRUE(store);
    auto bans = store->scan_records(as_bytes(std::string_view("ban/")));
    ASSERT_TRUE(bans);
    ASSERT_EQ(bans->size(), 1u);
    EXPECT_EQ((*bans)[0].first, to_bytes(as_bytes(std::string_view("ban/aa"))));
    EXPECT_EQ((*bans)[0].second, (Bytes{1, 2}));
    auto one = store->get_record(as_bytes(std::string_view("bao")));
    ASSERT_TRUE(one && *one);
    EXPECT_EQ(**one, Bytes{4});
    auto none = store->get_record(as_bytes(std::string_view("ban/bb")));
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace hypasis::storage
