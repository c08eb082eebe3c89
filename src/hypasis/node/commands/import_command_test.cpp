#include "hypasis/node/commands/import_command.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "hypasis/node/commands/export_command.hpp"
#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

namespace fs = std::filesystem;

using storage::DataKind;
using storage::Range;
using testing::generated_chain;
using testing::Outcome;
using testing::slice;

class ImportTest : public testing::StoreCommandTest {
  protected:
    Outcome export_range(uint64_t from, uint64_t to, const fs::path& file) {
        ExportOptions o;
        o.datadir = datadir_;
        o.from = from;
        o.to = to;
        o.file = file.string();
        o.progress = ProgressMode::kQuiet;
        return testing::capture([&](std::FILE* out, std::FILE* err) { return run_export(o, out, err); });
    }
};

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

// The generated 10,000-block chain: import, export, byte-identical; throughput printed for the report.
TEST_F(ImportTest, GeneratedTenThousandBlocksRoundTrip) {
    const auto& chain = generated_chain(1, 10'000);
    const fs::path in = write_chain("chain.rlp", chain);
    const auto start = std::chrono::steady_clock::now();
    const Outcome r = import({in});
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_CONTAINS(r.err, "blocks [0, 10000): 10000 new, 0 already stored; 10000 blocks");
    const auto size = fs::file_size(in);
    std::printf("import of 10,000 generated blocks (%.1f MB): %.2f s, %.0f blocks/s, %.1f MB/s\n",
                static_cast<double>(size) / 1e6, secs, 10'000 / secs, static_cast<double>(size) / 1e6 / secs);

    EXPECT_EQ(intervals(DataKind::kHeaders), (std::vector<Range>{{0, 10'000}}));
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 10'000}}));
    EXPECT_TRUE(intervals(DataKind::kReceipts).empty());

    const fs::path out = dir_ / "out.rlp";
    const Outcome e = export_range(0, 9'999, out);
    ASSERT_EQ(e.code, 0) << e.err;
    EXPECT_TRUE(testing::read_bytes(out) == testing::read_bytes(in)) << "export differs from the imported file";
}

// The twelve real mainnet blocks (scattered numbers, every fork from London to Prague) in one file.
TEST_F(ImportTest, MainnetFixtureBlocksRoundTrip) {
    HYPASIS_FIXTURE_OR_SKIP(data, "portal-spec-tests/history/block_data");
    Bytes file;
    for (uint64_t n : testing::kFixtureBlocks) {
        const Bytes b = testing::portal_block(data, n);
        file.insert(file.end(), b.begin(), b.end());
    }
    const fs::path in = write_bytes("mainnet.rlp", file);
    const Outcome r = import({in});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_CONTAINS(r.err, "12 new, 0 already stored; 12 blocks");

    std::vector<Range> expected;
    for (uint64_t n : testing::kFixtureBlocks) {
        if (!expected.empty() && expected.back().end == n) {
            ++expected.back().end;  // 17034869-17034870 and the other adjacent pairs merge
        } else {
            expected.push_back({n, n + 1});
        }
    }
    EXPECT_EQ(intervals(DataKind::kBodies), expected);

    // Each block exports to exactly its input bytes.
    for (uint64_t n : testing::kFixtureBlocks) {
        SCOPED_TRACE("block " + std::to_string(n));
        const fs::path out = dir_ / ("b" + std::to_string(n) + ".rlp");
        const Outcome e = export_range(n, n, out);
        ASSERT_EQ(e.code, 0) << e.err;
        EXPECT_TRUE(testing::read_bytes(out) == testing::as_string(testing::portal_block(data, n)));
    }
    // And the adjacent pairs export as one file, in order.
    const fs::path pair = dir_ / "pair.rlp";
    ASSERT_EQ(export_range(22431083, 22431084, pair).code, 0);
    EXPECT_TRUE(testing::read_bytes(pair) == testing::as_string(testing::portal_block(data, 22431083)) +
                                                 testing::as_string(testing::portal_block(data, 22431084)));

    // Importing the same file again changes nothing.
    const Outcome again = import({in});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_CONTAINS(again.err, "0 new, 12 already stored");
}

TEST_F(ImportTest, ReimportIsIdempotentAndOverlapsAreSkipped) {
    const auto& chain = generated_chain(1, 1'000);
    const fs::path a = write_chain("a.rlp", slice(chain, 0, 600));
    const fs::path b = write_chain("b.rlp", slice(chain, 400, 1'000));
    ASSERT_EQ(import({a}).code, 0);
    const Outcome again = import({a});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_CONTAINS(again.err, "blocks [0, 600): 0 new, 600 already stored");
    const Outcome overlap = import({b});
    EXPECT_EQ(overlap.code, 0) << overlap.err;
    EXPECT_CONTAINS(overlap.err, "blocks [400, 1000): 400 new, 200 already stored");
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 1'000}}));

    const fs::path out = dir_ / "out.rlp";
    ASSERT_EQ(export_range(0, 999, out).code, 0);
    EXPECT_TRUE(testing::read_bytes(out) == testing::as_string(test::encode_chain(chain)));
}

// Ranges that are not adjacent are kept, with a gap between; filling the gap links both sides.
TEST_F(ImportTest, HolesShowAsGapsAndFillingThemLinksBothSides) {
    const auto& chain = generated_chain(1, 3'000);
    const fs::path low = write_chain("low.rlp", slice(chain, 0, 1'000));
    const fs::path high = write_chain("high.rlp", slice(chain, 2'000, 3'000));
    const Outcome r = import({high, low});  // any order
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(intervals(DataKind::kHeaders), (std::vector<Range>{{0, 1'000}, {2'000, 3'000}}));
    {
        auto store = open_store();
        ASSERT_NE(store, nullptr);
        EXPECT_EQ(store->gaps(DataKind::kBodies, Range{0, 3'000}), (std::vector<Range>{{1'000, 2'000}}));
    }
    const fs::path mid = write_chain("mid.rlp", slice(chain, 1'000, 2'000));
    ASSERT_EQ(import({mid}).code, 0);
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 3'000}}));
}

// A file cut inside a block: the message names the block after the last good one; everything before is stored.
TEST_F(ImportTest, TruncatedFileStopsAndKeepsWhatCameBefore) {
    const auto& chain = generated_chain(1, 100);
    Bytes bytes = test::encode_chain(slice(chain, 0, 100));
    const std::size_t cut = test::encode_chain(slice(chain, 0, 60)).size() + 100;  // inside block 60
    bytes.resize(cut);
    const fs::path in = write_bytes("cut.rlp", bytes);
    const Outcome r = import({in}, 16);  // several batches, and a partial one pending at the failure
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "cut.rlp: the block after block 59 (item #60 at byte ");
    EXPECT_CONTAINS(r.err, "the file ends inside this block (truncated)");
    EXPECT_CONTAINS(r.err, "stopped; blocks [0, 60): 60 new");
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 60}}));
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    const auto b = store->get_block(59);
    ASSERT_TRUE(b.has_value() && b->found());
    EXPECT_EQ((*b)->header.hash, chain[59].header.hash);
}

TEST_F(ImportTest, BlockThatDoesNotLinkStops) {
    const auto& chain = generated_chain(1, 100);
    const auto& other = generated_chain(2, 100);
    std::vector<Block> mixed(chain.begin(), chain.begin() + 50);
    mixed.insert(mixed.end(), other.begin() + 50, other.end());  // block 50 names another chain's block 49
    const fs::path in = write_chain("mixed.rlp", mixed);
    const Outcome r = import({in}, 16);
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "mixed.rlp: block 50 (item #50 at byte ");
    EXPECT_CONTAINS(r.err, "does not link to block 49 earlier in this import: its parent hash is " +
                               to_hex(other[49].header.hash) + " but block 49 is " + to_hex(chain[49].header.hash));
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 50}}));
}

TEST_F(ImportTest, BlockThatDoesNotLinkToStoredNeighboursStops) {
    const auto& chain = generated_chain(1, 200);
    const auto& other = generated_chain(2, 200);
    ASSERT_EQ(import({write_chain("a.rlp", slice(chain, 50, 100))}).code, 0);

    // Above the stored range: block 100 of another chain does not name the stored block 99.
    const Outcome above = import({write_chain("b.rlp", slice(other, 100, 120))});
    EXPECT_EQ(above.code, 1);
    EXPECT_CONTAINS(above.err, "b.rlp: block 100 (item #0 at byte 0): does not link to block 99 stored");

    // Below it: the stored block 50 does not name another chain's block 49 (blocks 40-48 are stored first).
    const Outcome below = import({write_chain("c.rlp", slice(other, 40, 50))});
    EXPECT_EQ(below.code, 1);
    EXPECT_CONTAINS(below.err, "c.rlp: block 49 (item #9 at byte ");
    EXPECT_CONTAINS(below.err,
                    "does not link to block 50 stored, whose parent hash is " + to_hex(chain[49].header.hash));
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{40, 49}, {50, 100}}));
}

TEST_F(ImportTest, DifferentBlockAtAStoredNumberIsRefused) {
    const auto& chain = generated_chain(1, 100);
    const auto& other = generated_chain(2, 100);
    ASSERT_EQ(import({write_chain("a.rlp", slice(chain, 0, 100))}).code, 0);
    const Outcome r = import({write_chain("b.rlp", slice(other, 10, 20))});
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "b.rlp: block 10 (item #0 at byte 0): differs from block 10 stored (" +
                               to_hex(chain[10].header.hash) + "; this one is " + to_hex(other[10].header.hash) +
                               "); import does not replace blocks");
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    const auto h = store->get_header(10);
    ASSERT_TRUE(h.has_value() && h->found());
    EXPECT_EQ((*h)->hash, chain[10].header.hash);
}

TEST_F(ImportTest, BadTransactionsRootStops) {
    const auto& chain = generated_chain(1, 100);
    std::vector<Block> blocks(chain.begin(), chain.end());
    // Block 70 claims another transactions root (resealed, so it still decodes; its parent link is intact).
    BlockHeader h = blocks[70].header.header;
    h.transactions_root[0] ^= 0xff;
    blocks[70].header = seal(h);
    const fs::path in = write_chain("badroot.rlp", blocks);
    const Outcome r = import({in}, 32);
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "badroot.rlp: block 70 (item #70 at byte ");
    EXPECT_CONTAINS(r.err, "body does not match the header: transactions root mismatch");
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 70}}));
}

TEST_F(ImportTest, MalformedBlockIsNamedByItsHeaderNumber) {
    const auto& chain = generated_chain(1, 10);
    Bytes bytes = test::encode_chain(slice(chain, 0, 5));
    // Block 5 with a body whose withdrawals list is a string: the header decodes, the block does not.
    Bytes list = chain[5].header.rlp;
    Bytes txs;
    for (const auto& t : chain[5].body.transactions) {
        const Bytes item = encode_body_item(t);
        txs.insert(txs.end(), item.begin(), item.end());
    }
    rlp::encode_list(list, txs);
    rlp::encode_list(list, {});
    rlp::encode_string(list, Bytes{1, 2, 3});
    const Bytes block = rlp::wrap_list(list);
    bytes.insert(bytes.end(), block.begin(), block.end());
    const Outcome r = import({write_bytes("bad.rlp", bytes)});
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "bad.rlp: block 5 (item #5 at byte ");
    EXPECT_CONTAINS(r.err, "malformed block: ");
    EXPECT_EQ(intervals(DataKind::kBodies), (std::vector<Range>{{0, 5}}));
}

TEST_F(ImportTest, MissingFileAndLockedDatadir) {
    const Outcome missing = import({dir_ / "nope.rlp"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_CONTAINS(missing.err, "nope.rlp: cannot open: No such file or directory");

    auto store = open_store();  // created by the run above; held open now
    ASSERT_NE(store, nullptr);
    const Outcome locked = import({write_chain("a.rlp", slice(generated_chain(1, 10), 0, 10))});
    EXPECT_EQ(locked.code, 1);
    EXPECT_CONTAINS(locked.err, "hypasis: import: the datadir " + datadir_ + " is in use by another process");
}

TEST_F(ImportTest, EmptyFileImportsNothing) {
    const Outcome r = import({write_bytes("empty.rlp", {})});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_CONTAINS(r.err, "0 new, 0 already stored; 0 blocks");
    EXPECT_TRUE(intervals(DataKind::kHeaders).empty());
}

}  // namespace
}  // namespace hypasis::node
