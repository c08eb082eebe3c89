// The B+tree under RangeTracker, against std::map as the reference: random inserts and erases (enough entries for
// three levels; the 1M-interval RangeTracker test reaches four), lookups, iteration both ways, copies and moves, with the structural check after batches.
// Seeds are printed; HYPASIS_RANGES_SEED=<n> reruns one.
#include "hypasis/storage/ranges/btree_u64_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <utility>
#include <vector>

namespace hypasis::storage::detail {
namespace {

using Ref = std::map<uint64_t, uint64_t>;

uint64_t seed_or(uint64_t fallback) {
    if (const char* env = std::getenv("HYPASIS_RANGES_SEED")) return std::strtoull(env, nullptr, 10);
    return fallback;
}

void expect_same(const BTreeU64Map& t, const Ref& ref) {
    ASSERT_TRUE(t.check_invariants());
    ASSERT_EQ(t.size(), ref.size());
    auto it = t.begin();
    for (const auto& [k, v] : ref) {
        ASSERT_NE(it, t.end());
        ASSERT_EQ(it.key(), k);
        ASSERT_EQ(it.value(), v);
        ++it;
    }
    ASSERT_EQ(it, t.end());
    // And backwards from end().
    auto back = t.end();
    for (auto r = ref.rbegin(); r != ref.rend(); ++r) {
        --back;
        ASSERT_EQ(back.key(), r->first);
    }
    ASSERT_EQ(back, t.begin());
}

void expect_bounds(const BTreeU64Map& t, const Ref& ref, uint64_t k) {
    auto lb = t.lower_bound(k);
    auto rlb = ref.lower_bound(k);
    ASSERT_EQ(lb == t.end(), rlb == ref.end()) << k;
    if (rlb != ref.end()) {
        ASSERT_EQ(lb.key(), rlb->first);
    }
    auto ub = t.upper_bound(k);
    auto rub = ref.upper_bound(k);
    ASSERT_EQ(ub == t.end(), rub == ref.end()) << k;
    if (rub != ref.end()) {
        ASSERT_EQ(ub.key(), rub->first);
    }
    auto f = t.find(k);
    ASSERT_EQ(f == t.end(), ref.count(k) == 0) << k;
    if (f != t.end()) {
        ASSERT_EQ(f.value(), ref.at(k));
    }
}

TEST(BTreeU64Map, EmptyMap) {
    BTreeU64Map t;
    EXPECT_TRUE(t.empty());
    EXPECT_EQ(t.begin(), t.end());
    EXPECT_EQ(t.lower_bound(5), t.end());
    EXPECT_EQ(t.upper_bound(5), t.end());
    EXPECT_FALSE(t.erase(5));
    EXPECT_TRUE(t.check_invariants());
    EXPECT_EQ(t.node_bytes(), 0u);
}

TEST(BTreeU64Map, DuplicateInsertAndMissingErase) {
    BTreeU64Map t;
    EXPECT_TRUE(t.insert(10, 1));
    EXPECT_FALSE(t.insert(10, 2));
    EXPECT_EQ(t.find(10).value(), 1u);
    EXPECT_FALSE(t.erase(11));
    EXPECT_TRUE(t.erase(10));
    EXPECT_TRUE(t.empty());
    EXPECT_TRUE(t.check_invariants());
}

TEST(BTreeU64Map, InOrderLoadPacksLeavesFull) {
    BTreeU64Map t;
    Ref ref;
    constexpr uint64_t kN = 200'000;
    for (uint64_t k = 0; k < kN; ++k) {
        ASSERT_TRUE(t.insert(3 * k, k));
        ref.emplace(3 * k, k);
    }
    expect_same(t, ref);
    // Full leaves: about kN / kLeafCap of them, so about sizeof(Leaf) / kLeafCap bytes per entry (~17).
    const double per_entry = static_cast<double>(t.node_bytes()) / static_cast<double>(kN);
    EXPECT_LT(per_entry, 18.0);
    // Reverse order (every insert lands at the front) still gives a valid tree.
    BTreeU64Map r;
    for (uint64_t k = kN; k-- > 0;) ASSERT_TRUE(r.insert(k, k));
    EXPECT_TRUE(r.check_invariants());
    EXPECT_EQ(r.size(), kN);
}

TEST(BTreeU64Map, RandomInsertEraseMatchesStdMap) {
    const uint64_t seed = seed_or(std::random_device{}());
    std::printf("[ SEED     ] btree random: seed=%llu (rerun with HYPASIS_RANGES_SEED=%llu)\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    BTreeU64Map t;
    Ref ref;
    // Keys from a range twice the live count, so that inserts and erases both hit often. Phase 1 grows to
    // ~270k entries (three levels), phase 2 mixes, phase 3 drains to empty.
    constexpr uint64_t kKeys = 600'000;
    auto step = [&](bool insert) {
        const uint64_t k = rng() % kKeys;
        if (insert) {
            const uint64_t v = rng();
            ASSERT_EQ(t.insert(k, v), ref.emplace(k, v).second);
        } else {
            ASSERT_EQ(t.erase(k), ref.erase(k) == 1);
        }
    };
    for (int i = 0; i < 350'000; ++i) {
        step(rng() % 10 < 8);
        if (HasFatalFailure()) return;
        if (i % 50'000 == 0) {
            ASSERT_TRUE(t.check_invariants()) << i;
        }
    }
    expect_same(t, ref);
    for (int i = 0; i < 200'000; ++i) {
        step(rng() % 2 == 0);
        if (HasFatalFailure()) return;
        if (i % 997 == 0) {
            for (int j = 0; j < 8; ++j) expect_bounds(t, ref, rng() % (kKeys + 10));
        }
        if (i % 50'000 == 0) {
            ASSERT_TRUE(t.check_invariants()) << i;
        }
    }
    expect_same(t, ref);

    // Copies are deep and equal; moves leave the source empty.
    BTreeU64Map copy = t;
    ASSERT_TRUE(copy.check_invariants());
    ASSERT_TRUE(copy == t);
    (void)copy.erase(copy.begin().key());
    ASSERT_FALSE(copy == t);
    expect_same(t, ref);
    BTreeU64Map moved = std::move(copy);
    ASSERT_TRUE(moved.check_invariants());
    ASSERT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    copy = moved;
    ASSERT_TRUE(copy == moved);

    // Drain in random order.
    std::vector<uint64_t> keys;
    for (const auto& [k, v] : ref) keys.push_back(k);
    std::shuffle(keys.begin(), keys.end(), rng);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        ASSERT_TRUE(t.erase(keys[i]));
        ref.erase(keys[i]);
        if (i % 20'000 == 0) {
            ASSERT_TRUE(t.check_invariants()) << i;
            expect_bounds(t, ref, keys[i]);
        }
    }
    EXPECT_TRUE(t.empty());
    EXPECT_TRUE(t.check_invariants());
    EXPECT_EQ(t.node_bytes(), 0u);
}

TEST(BTreeU64Map, EraseSweepsKeepStructure) {
    // Erasing long runs of consecutive keys, as RangeTracker does when one add bridges many intervals, drives
    // merges all the way up and collapses the root.
    BTreeU64Map t;
    Ref ref;
    for (uint64_t k = 0; k < 100'000; ++k) {
        (void)t.insert(k, k);
        ref.emplace(k, k);
    }
    for (uint64_t k = 10'000; k < 90'000; ++k) {
        ASSERT_TRUE(t.erase(k));
        ref.erase(k);
    }
    expect_same(t, ref);
    for (uint64_t k = 99'999; k >= 5; --k) {
        if (ref.erase(k) == 1) {
            ASSERT_TRUE(t.erase(k));
        }
    }
    expect_same(t, ref);
    EXPECT_EQ(t.size(), 5u);
}

TEST(BTreeU64Map, AssignKeepsIterators) {
    BTreeU64Map t;
    for (uint64_t k = 0; k < 1000; ++k) (void)t.insert(k, k);
    auto it = t.find(500);
    t.assign(it, 77);
    EXPECT_EQ(it.value(), 77u);
    EXPECT_EQ(t.find(500).value(), 77u);
    ++it;
    EXPECT_EQ(it.key(), 501u);
}

}  // namespace
}  // namespace hypasis::storage::detail
