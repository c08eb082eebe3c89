// Hand-worked cases for RangeTracker: every expectation below was worked out on paper from the half-open interval
// semantics, not produced by the code under test. The randomised comparison against a bitmap model is in
// range_tracker_property_test.cpp.
#include "hypasis/storage/ranges/range_tracker.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace hypasis::storage {
namespace {

using Ranges = std::vector<Range>;

RangeTracker make(const Ranges& rs) {
    RangeTracker t;
    for (const Range& r : rs) (void)t.add(r);
    return t;
}

TEST(Range, BasicsAndToString) {
    EXPECT_TRUE((Range{5, 5}).empty());
    EXPECT_TRUE((Range{6, 5}).empty());
    EXPECT_EQ((Range{6, 5}).size(), 0u);
    EXPECT_EQ((Range{5, 9}).size(), 4u);
    EXPECT_TRUE((Range{5, 9}).contains(5));
    EXPECT_FALSE((Range{5, 9}).contains(9));
    EXPECT_EQ(to_string(Range{3, 7}), "[3, 7)");
    EXPECT_EQ(to_string(DataKind::kBodies), "bodies");
}

TEST(RangeTracker, EmptyTracker) {
    RangeTracker t;
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.size(), 0u);
    EXPECT_FALSE(t.contains(0));
    EXPECT_FALSE(t.highest());
    EXPECT_FALSE(t.lowest());
    EXPECT_FALSE(t.contiguous_suffix());
    EXPECT_EQ(t.gaps({3, 9}), (Ranges{{3, 9}}));
    EXPECT_EQ(t.next_gap(10, 4), (Range{4, 10}));
    EXPECT_EQ(t.block_count(), 0u);
}

TEST(RangeTracker, AdjacentRangesMerge) {
    RangeTracker t;
    RangeDelta d1 = t.add({0, 10});
    EXPECT_EQ(d1.removed, Ranges{});
    EXPECT_EQ(d1.added, (Ranges{{0, 10}}));
    RangeDelta d2 = t.add({10, 20});
    EXPECT_EQ(d2.removed, (Ranges{{0, 10}}));
    EXPECT_EQ(d2.added, (Ranges{{0, 20}}));
    EXPECT_EQ(t.to_vector(), (Ranges{{0, 20}}));
    // Touching from above merges too.
    (void)t.add({30, 40});
    RangeDelta d3 = t.add({25, 30});
    EXPECT_EQ(d3.removed, (Ranges{{30, 40}}));
    EXPECT_EQ(d3.added, (Ranges{{25, 40}}));
    EXPECT_EQ(t.to_vector(), (Ranges{{0, 20}, {25, 40}}));
    EXPECT_EQ(t.block_count(), 35u);
}

TEST(RangeTracker, AddBridgesManyIntervals) {
    RangeTracker t = make({{0, 2}, {4, 6}, {8, 10}, {12, 14}, {20, 30}});
    ASSERT_EQ(t.size(), 5u);
    RangeDelta d = t.add({1, 12});  // touches [12,14) at 12
    EXPECT_EQ(d.removed, (Ranges{{0, 2}, {4, 6}, {8, 10}, {12, 14}}));
    EXPECT_EQ(d.added, (Ranges{{0, 14}}));
    EXPECT_EQ(t.to_vector(), (Ranges{{0, 14}, {20, 30}}));
    EXPECT_EQ(t.block_count(), 24u);
}

TEST(RangeTracker, AddAlreadyPresentOrEmptyIsNoOp) {
    RangeTracker t = make({{10, 20}});
    EXPECT_TRUE(t.add({12, 18}).empty());
    EXPECT_TRUE(t.add({10, 20}).empty());
    EXPECT_TRUE(t.add({15, 15}).empty());
    EXPECT_TRUE(t.add({30, 25}).empty());
    EXPECT_TRUE(t.remove({40, 50}).empty());
    EXPECT_TRUE(t.remove({20, 30}).empty());  // [20,30) holds nothing: 20 is the exclusive end
    EXPECT_TRUE(t.remove({15, 12}).empty());
    EXPECT_EQ(t.to_vector(), (Ranges{{10, 20}}));
}

TEST(RangeTracker, AddOverlappingBelowExtendsDownward) {
    RangeTracker t = make({{10, 20}});
    RangeDelta d = t.add({5, 15});
    EXPECT_EQ(d.removed, (Ranges{{10, 20}}));
    EXPECT_EQ(d.added, (Ranges{{5, 20}}));
}

TEST(RangeTracker, RemoveSplitsAndTrims) {
    RangeTracker t = make({{0, 100}});
    RangeDelta d = t.remove({40, 60});
    EXPECT_EQ(d.removed, (Ranges{{0, 100}}));
    EXPECT_EQ(d.added, (Ranges{{0, 40}, {60, 100}}));
    EXPECT_EQ(t.to_vector(), (Ranges{{0, 40}, {60, 100}}));
    EXPECT_FALSE(t.contains(40));
    EXPECT_FALSE(t.contains(59));
    EXPECT_TRUE(t.contains(39));
    EXPECT_TRUE(t.contains(60));

    RangeDelta trim = t.remove({90, 200});
    EXPECT_EQ(trim.removed, (Ranges{{60, 100}}));
    EXPECT_EQ(trim.added, (Ranges{{60, 90}}));

    RangeDelta wipe = t.remove({0, 40});
    EXPECT_EQ(wipe.removed, (Ranges{{0, 40}}));
    EXPECT_EQ(wipe.added, Ranges{});
    EXPECT_EQ(t.to_vector(), (Ranges{{60, 90}}));
    EXPECT_EQ(t.block_count(), 30u);
}

TEST(RangeTracker, RemoveAcrossSeveralIntervals) {
    RangeTracker t = make({{0, 10}, {20, 30}, {40, 50}, {60, 70}});
    RangeDelta d = t.remove({5, 65});
    EXPECT_EQ(d.removed, (Ranges{{0, 10}, {20, 30}, {40, 50}, {60, 70}}));
    EXPECT_EQ(d.added, (Ranges{{0, 5}, {65, 70}}));
    EXPECT_EQ(t.to_vector(), (Ranges{{0, 5}, {65, 70}}));
}

TEST(RangeTracker, ContainsAndIntervalContaining) {
    RangeTracker t = make({{5, 10}, {20, 21}});
    EXPECT_FALSE(t.contains(4));
    EXPECT_TRUE(t.contains(5));
    EXPECT_TRUE(t.contains(9));
    EXPECT_FALSE(t.contains(10));
    EXPECT_TRUE(t.contains(20));
    EXPECT_FALSE(t.contains(21));
    EXPECT_EQ(t.interval_containing(7), (Range{5, 10}));
    EXPECT_FALSE(t.interval_containing(15));
    EXPECT_TRUE(t.contains_all({6, 10}));
    EXPECT_FALSE(t.contains_all({6, 11}));
    EXPECT_FALSE(t.contains_all({4, 6}));
    EXPECT_TRUE(t.contains_all({100, 100}));
}

TEST(RangeTracker, Gaps) {
    RangeTracker t = make({{10, 20}, {30, 40}, {50, 60}});
    EXPECT_EQ(t.gaps({0, 70}), (Ranges{{0, 10}, {20, 30}, {40, 50}, {60, 70}}));
    EXPECT_EQ(t.gaps({15, 55}), (Ranges{{20, 30}, {40, 50}}));
    EXPECT_EQ(t.gaps({12, 18}), Ranges{});
    EXPECT_EQ(t.gaps({20, 30}), (Ranges{{20, 30}}));
    EXPECT_EQ(t.gaps({25, 26}), (Ranges{{25, 26}}));
    EXPECT_EQ(t.gaps({10, 60}), (Ranges{{20, 30}, {40, 50}}));
    EXPECT_EQ(t.gaps({5, 5}), Ranges{});
    EXPECT_EQ(t.gaps({0, 70}, 2), (Ranges{{0, 10}, {20, 30}}));
    EXPECT_EQ(t.gaps({0, 70}, 0), Ranges{});
}

TEST(RangeTracker, NextGapNewestFirst) {
    RangeTracker t = make({{0, 10}, {20, 30}, {50, 100}});
    // Below the head: the highest hole first.
    EXPECT_EQ(t.next_gap(100, 0), (Range{30, 50}));
    EXPECT_EQ(t.next_gap(50, 0), (Range{30, 50}));
    EXPECT_EQ(t.next_gap(45, 0), (Range{30, 45}));
    EXPECT_EQ(t.next_gap(30, 0), (Range{10, 20}));
    EXPECT_EQ(t.next_gap(25, 0), (Range{10, 20}));
    EXPECT_EQ(t.next_gap(10, 0), std::nullopt);
    // The floor clips and can hide gaps entirely.
    EXPECT_EQ(t.next_gap(100, 40), (Range{40, 50}));
    EXPECT_EQ(t.next_gap(30, 15), (Range{15, 20}));
    EXPECT_EQ(t.next_gap(30, 20), std::nullopt);
    EXPECT_EQ(t.next_gap(100, 60), std::nullopt);
    // Above the head everything is missing.
    EXPECT_EQ(t.next_gap(120, 0), (Range{100, 120}));
    EXPECT_EQ(t.next_gap(120, 110), (Range{110, 120}));
    // Empty window.
    EXPECT_EQ(t.next_gap(5, 5), std::nullopt);
    EXPECT_EQ(t.next_gap(5, 9), std::nullopt);
}

TEST(RangeTracker, SuffixHighestLowest) {
    RangeTracker t = make({{3, 7}, {10, 15}});
    EXPECT_EQ(t.contiguous_suffix(), (Range{10, 15}));
    EXPECT_EQ(t.highest(), 14u);
    EXPECT_EQ(t.lowest(), 3u);
    (void)t.add({7, 10});
    EXPECT_EQ(t.contiguous_suffix(), (Range{3, 15}));
}

TEST(RangeTracker, OrderedIteration) {
    RangeTracker t = make({{50, 60}, {0, 5}, {20, 30}});
    Ranges seen;
    for (Range r : t.intervals()) seen.push_back(r);
    EXPECT_EQ(seen, (Ranges{{0, 5}, {20, 30}, {50, 60}}));
    auto it = t.end();
    --it;
    EXPECT_EQ(*it, (Range{50, 60}));
}

TEST(RangeTracker, LimitsAtUint64Max) {
    RangeTracker t;
    // The top block that can be tracked is UINT64_MAX - 1, in the range [UINT64_MAX - 1, UINT64_MAX).
    RangeDelta d = t.add({kMaxTrackedBlock, UINT64_MAX});
    EXPECT_EQ(d.added, (Ranges{{UINT64_MAX - 1, UINT64_MAX}}));
    EXPECT_TRUE(t.contains(UINT64_MAX - 1));
    EXPECT_FALSE(t.contains(UINT64_MAX));
    EXPECT_EQ(t.highest(), UINT64_MAX - 1);
    EXPECT_EQ(t.next_gap(UINT64_MAX, UINT64_MAX - 10), (Range{UINT64_MAX - 10, UINT64_MAX - 1}));
    EXPECT_EQ(t.gaps({UINT64_MAX - 3, UINT64_MAX}), (Ranges{{UINT64_MAX - 3, UINT64_MAX - 1}}));
    (void)t.add({UINT64_MAX - 5, UINT64_MAX - 1});
    EXPECT_EQ(t.to_vector(), (Ranges{{UINT64_MAX - 5, UINT64_MAX}}));

    // Every representable block at once.
    RangeTracker all;
    (void)all.add({0, UINT64_MAX});
    EXPECT_EQ(all.block_count(), UINT64_MAX);
    EXPECT_TRUE(all.contains(0));
    EXPECT_TRUE(all.contains(UINT64_MAX - 1));
    EXPECT_FALSE(all.contains(UINT64_MAX));
    EXPECT_EQ(all.next_gap(UINT64_MAX, 0), std::nullopt);
    EXPECT_EQ(all.gaps({0, UINT64_MAX}), Ranges{});
    RangeDelta hole = all.remove({1, UINT64_MAX - 1});
    EXPECT_EQ(hole.added, (Ranges{{0, 1}, {UINT64_MAX - 1, UINT64_MAX}}));
    EXPECT_EQ(all.block_count(), 2u);
    EXPECT_EQ(all.next_gap(UINT64_MAX, 0), (Range{1, UINT64_MAX - 1}));
}

TEST(RangeTracker, RevertRestoresExactly) {
    RangeTracker t = make({{0, 10}, {20, 30}, {40, 50}});
    const RangeTracker before = t;
    RangeDelta d = t.add({5, 45});
    ASSERT_NE(t, before);
    t.revert(d);
    EXPECT_EQ(t, before);
    EXPECT_EQ(t.block_count(), before.block_count());

    RangeDelta r1 = t.remove({25, 42});
    RangeDelta r2 = t.add({100, 110});
    t.revert(r2);
    t.revert(r1);
    EXPECT_EQ(t, before);
}

TEST(RangeTrackerDeathTest, RevertOfAForeignDeltaAborts) {
    RangeTracker t = make({{0, 10}});
    RangeDelta foreign;
    foreign.added.push_back({0, 11});
    EXPECT_DEATH(t.revert(foreign), "invariant broken");
}

TEST(RangeTracker, ClearReturnsEveryInterval) {
    RangeTracker t = make({{0, 10}, {20, 30}});
    RangeDelta d = t.clear();
    EXPECT_EQ(d.removed, (Ranges{{0, 10}, {20, 30}}));
    EXPECT_TRUE(d.added.empty());
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.block_count(), 0u);
}

TEST(RangeDelta, ComposeCancelsIntermediateIntervals) {
    RangeTracker t = make({{0, 10}, {20, 30}});
    // A reorg: drop the tip [25,30) then write a new tip [25,40).
    RangeDelta d1 = t.remove({25, 30});  // removed [20,30), added [20,25)
    RangeDelta d2 = t.add({25, 40});     // removed [20,25), added [20,40)
    RangeDelta net = compose(d1, d2);
    EXPECT_EQ(net.removed, (Ranges{{20, 30}}));
    EXPECT_EQ(net.added, (Ranges{{20, 40}}));

    // An add undone by a remove composes to nothing.
    RangeDelta a = t.add({100, 110});
    RangeDelta b = t.remove({100, 110});
    EXPECT_TRUE(compose(a, b).empty());

    // A remove undone by an add also composes to nothing.
    RangeDelta c = t.remove({0, 10});
    RangeDelta e = t.add({0, 10});
    EXPECT_TRUE(compose(c, e).empty());
}

TEST(RangeTracker, FromRecordsAcceptsCoalescedSetsInAnyOrder) {
    auto t = RangeTracker::from_records(Ranges{{50, 60}, {0, 5}, {20, 30}});
    ASSERT_TRUE(t) << to_string(t.error());
    EXPECT_EQ(t->to_vector(), (Ranges{{0, 5}, {20, 30}, {50, 60}}));
    EXPECT_EQ(t->block_count(), 25u);
    auto empty = RangeTracker::from_records({});
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(RangeTracker, FromRecordsRejectsInconsistentSets) {
    struct Case {
        Ranges records;
        RangeLoadError want;
    };
    const std::vector<Case> cases = {
        {{{0, 5}, {7, 7}}, {RangeRecordError::kEmptyRange, {7, 7}, {}}},
        {{{9, 3}}, {RangeRecordError::kEmptyRange, {9, 3}, {}}},
        {{{0, 5}, {4, 8}}, {RangeRecordError::kOverlapping, {4, 8}, {0, 5}}},
        {{{4, 8}, {0, 5}}, {RangeRecordError::kOverlapping, {0, 5}, {4, 8}}},
        {{{0, 5}, {0, 5}}, {RangeRecordError::kOverlapping, {0, 5}, {0, 5}}},
        {{{0, 5}, {0, 3}}, {RangeRecordError::kOverlapping, {0, 3}, {0, 5}}},
        {{{0, 100}, {200, 300}, {40, 50}}, {RangeRecordError::kOverlapping, {40, 50}, {0, 100}}},
        {{{0, 5}, {5, 8}}, {RangeRecordError::kAdjacent, {5, 8}, {0, 5}}},
        {{{5, 8}, {0, 5}}, {RangeRecordError::kAdjacent, {0, 5}, {5, 8}}},
        {{{0, 5}, {10, 20}, {5, 10}}, {RangeRecordError::kAdjacent, {5, 10}, {0, 5}}},
    };
    for (const Case& c : cases) {
        auto t = RangeTracker::from_records(c.records);
        ASSERT_FALSE(t) << "accepted " << c.records.size() << " records";
        EXPECT_EQ(t.error(), c.want) << to_string(t.error());
    }
}

TEST(RangeLoadError, Messages) {
    EXPECT_EQ(to_string(RangeLoadError{RangeRecordError::kOverlapping, {4, 8}, {0, 5}}),
              "overlapping ranges: [4, 8) and [0, 5)");
    EXPECT_EQ(to_string(RangeLoadError{RangeRecordError::kEmptyRange, {7, 7}, {}}), "empty range: [7, 7)");
}

}  // namespace
}  // namespace hypasis::storage
