#include "hypasis/node/commands/db_command.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hypasis/node/commands/block_inspect.hpp"
#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

namespace fs = std::filesystem;

namespace bj = boost::json;
using storage::DataKind;
using storage::Range;
using storage::RangeTracker;
using testing::generated_chain;
using testing::Outcome;
using testing::slice;

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

RangeTracker tracker_of(std::initializer_list<Range> ranges) {
    RangeTracker t;
    for (Range r : ranges) (void)t.add(r);
    return t;
}

TEST(DbGapsFormat, JsonListsIntervalsGapsBelowAndCounts) {
    const bj::object o = gaps_to_json(tracker_of({{5, 10}, {20, 30}}));
    EXPECT_EQ(
        bj::serialize(o),
        R"({"head":29,"storedBlocks":15,"missingBlocks":15,"stored":[{"first":5,"end":10},{"first":20,"end":30}],)"
        R"("gaps":[{"first":0,"end":5},{"first":10,"end":20}]})");
    const bj::object empty = gaps_to_json(RangeTracker{});
    EXPECT_EQ(bj::serialize(empty), R"({"head":null,"storedBlocks":0,"missingBlocks":0,"stored":[],"gaps":[]})");
}

TEST(DbGapsFormat, TableAlternatesRowsAndCapsThem) {
    const RangeTracker t = tracker_of({{5, 10}, {20, 30}});
    const std::string table = gaps_table(DataKind::kHeaders, t, 100);
    EXPECT_EQ(table,
              "headers: 15 stored in 2 ranges, 15 missing in 2 gaps, head 29\n"
              "  gap     [0, 5)                                      5\n"
              "  stored  [5, 10)                                     5\n"
              "  gap     [10, 20)                                   10\n"
              "  stored  [20, 30)                                   10\n");
    const std::string capped = gaps_table(DataKind::kBodies, t, 3);
    EXPECT_CONTAINS(capped, "  gap     [10, 20)");
    EXPECT_EQ(capped.find("[20, 30)"), std::string::npos);
    EXPECT_CONTAINS(capped, "  … 1 more row (--all shows every one)\n");
    EXPECT_EQ(gaps_table(DataKind::kReceipts, RangeTracker{}, 100), "receipts: nothing stored\n");
    EXPECT_EQ(gaps_table(DataKind::kHeaders, tracker_of({{0, 7}}), 100),
              "headers: 7 stored in 1 range, 0 missing in 0 gaps, head 6\n"
              "  stored  [0, 7)                                      7\n");
}

class DbTest : public testing::StoreCommandTest {
  protected:
    void store_with_hole() {
        const auto& chain = generated_chain(1, 3'000);
        const Outcome r = import(
            {write_chain("low.rlp", slice(chain, 0, 1'000)), write_chain("high.rlp", slice(chain, 2'000, 3'000))});
        ASSERT_EQ(r.code, 0) << r.err;
    }
    Outcome gaps(bool json) {
        DbGapsOptions o;
        o.datadir = datadir_;
        o.json = json;
        return testing::capture([&](std::FILE* out, std::FILE* err) { return run_db_gaps(o, out, err); });
    }
    Outcome get(uint64_t n, bool json) {
        DbGetOptions o;
        o.datadir = datadir_;
        o.block_num = n;
        o.json = json;
        return testing::capture([&](std::FILE* out, std::FILE* err) { return run_db_get(o, out, err); });
    }
    // `hypasis block inspect` of one block's RLP.
    Outcome inspect(ByteView block_rlp) {
        BlockInspectOptions o;
        o.files = {write_bytes("one.rlp", block_rlp).string()};
        return testing::capture(
            [&](std::FILE* out, std::FILE* err) { return run_block_inspect(o, nullptr, out, err); });
    }
};

TEST_F(DbTest, GapsAfterImportingWithAHole) {
    store_with_hole();
    const Outcome j = gaps(true);
    ASSERT_EQ(j.code, 0) << j.err;
    const bj::value v = bj::parse(j.out);
    for (const char* kind : {"headers", "bodies"}) {
        SCOPED_TRACE(kind);
        const auto& k = v.at(kind);
        EXPECT_EQ(k.at("head"), 2999);
        EXPECT_EQ(k.at("storedBlocks"), 2000);
        EXPECT_EQ(k.at("missingBlocks"), 1000);
        EXPECT_EQ(bj::serialize(k.at("stored")), R"([{"first":0,"end":1000},{"first":2000,"end":3000}])");
        EXPECT_EQ(bj::serialize(k.at("gaps")), R"([{"first":1000,"end":2000}])");
    }
    EXPECT_TRUE(v.at("receipts").at("head").is_null());

    const Outcome t = gaps(false);
    ASSERT_EQ(t.code, 0) << t.err;
    EXPECT_CONTAINS(t.out, "headers: 2000 stored in 2 ranges, 1000 missing in 1 gap, head 2999\n");
    EXPECT_CONTAINS(t.out, "bodies: 2000 stored in 2 ranges, 1000 missing in 1 gap, head 2999\n");
    EXPECT_CONTAINS(t.out, "receipts: nothing stored\n");
}

TEST_F(DbTest, GetMissingAndBeyondTheHead) {
    store_with_hole();
    const Outcome missing = get(1'500, true);
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.out, "");
    EXPECT_EQ(missing.err, "hypasis: db get: block 1500 is missing (in the gap [1000, 2000))\n");
    const Outcome edge = get(1'999, false);
    EXPECT_EQ(edge.err, "hypasis: db get: block 1999 is missing (in the gap [1000, 2000))\n");
    const Outcome beyond = get(5'000, false);
    EXPECT_EQ(beyond.code, 1);
    EXPECT_EQ(beyond.err, "hypasis: db get: block 5000 is beyond the head 2999\n");
}

// db get --json prints exactly what block inspect prints for the same block's RLP, checks included.
TEST_F(DbTest, GetJsonEqualsBlockInspect) {
    store_with_hole();
    const auto& chain = generated_chain(1, 3'000);
    for (uint64_t n : {0, 1, 999, 2'000, 2'999}) {
        SCOPED_TRACE("block " + std::to_string(n));
        const Outcome g = get(n, true);
        ASSERT_EQ(g.code, 0) << g.err;
        const Outcome i = inspect(encode(chain[n]));
        ASSERT_EQ(i.code, 0) << i.err;
        EXPECT_EQ(g.out, i.out);
        EXPECT_EQ(bj::parse(g.out).at("checks").at("ok"), true);
    }
    const Outcome human = get(999, false);
    ASSERT_EQ(human.code, 0) << human.err;
    EXPECT_EQ(human.out.rfind("block 999 " + to_hex(chain[999].header.hash) + "\n", 0), 0u) << human.out;
    EXPECT_CONTAINS(human.out, "  transactions 5\n");
    EXPECT_CONTAINS(human.out, "  withdrawals  2\n");
    EXPECT_CONTAINS(human.out, "  checks       ok\n");
}

TEST_F(DbTest, GetJsonEqualsBlockInspectForMainnetBlocks) {
    HYPASIS_FIXTURE_OR_SKIP(data, "portal-spec-tests/history/block_data");
    Bytes file;
    for (uint64_t n : testing::kFixtureBlocks) {
        const Bytes b = testing::portal_block(data, n);
        file.insert(file.end(), b.begin(), b.end());
    }
    ASSERT_EQ(import({write_bytes("mainnet.rlp", file)}).code, 0);
    for (uint64_t n : testing::kFixtureBlocks) {
        SCOPED_TRACE("block " + std::to_string(n));
        const Outcome g = get(n, true);
        ASSERT_EQ(g.code, 0) << g.err;
        const Outcome i = inspect(testing::portal_block(data, n));
        EXPECT_EQ(g.out, i.out);
    }
    const Outcome between = get(17'034'871, false);
    EXPECT_EQ(between.err, "hypasis: db get: block 17034871 is missing (in the gap [17034871, 17062257))\n");
    const Outcome below = get(5, false);
    EXPECT_EQ(below.err, "hypasis: db get: block 5 is missing (in the gap [0, 14764013))\n");
}

TEST_F(DbTest, MissingDatadirAndLockedDatadir) {
    const Outcome none = gaps(false);
    EXPECT_EQ(none.code, 1);
    EXPECT_EQ(none.err,
              "hypasis: db gaps: no Hypasis database in " + datadir_ + " (import blocks first, or check --datadir)\n");
    EXPECT_FALSE(fs::exists(datadir_));

    ASSERT_EQ(import({write_chain("a.rlp", slice(generated_chain(1, 10), 0, 10))}).code, 0);
    auto held = open_store();
    ASSERT_NE(held, nullptr);
    const Outcome locked = get(1, false);
    EXPECT_EQ(locked.code, 1);
    EXPECT_CONTAINS(locked.err, "hypasis: db get: the datadir " + datadir_ + " is in use by another process");
}

}  // namespace
}  // namespace hypasis::node
