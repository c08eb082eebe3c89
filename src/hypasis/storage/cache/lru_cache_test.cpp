#include "hypasis/storage/cache/lru_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <list>
#include <map>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::storage {
namespace {

using IntCache = LruCache<uint64_t, int>;

std::shared_ptr<const int> val(int v) { return std::make_shared<const int>(v); }

// ---- basic behaviour -------------------------------------------------------------------------------------------

TEST(LruCache, EmptyCacheMissesAndCounts) {
    IntCache c(100);
    EXPECT_EQ(c.get(1), nullptr);
    EXPECT_FALSE(c.contains(1));
    EXPECT_FALSE(c.erase(1));
    const CacheStats s = c.stats();
    EXPECT_EQ(s.hits, 0u);
    EXPECT_EQ(s.misses, 1u);
    EXPECT_EQ(s.entries, 0u);
    EXPECT_EQ(s.bytes, 0u);
    EXPECT_EQ(s.capacity_bytes, 100u);
}

TEST(LruCache, GetReturnsTheStoredObject) {
    IntCache c(100);
    auto v = val(42);
    EXPECT_TRUE(c.put(7, v, 10));
    auto got = c.get(7);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got.get(), v.get());  // the same object, not a copy
    EXPECT_EQ(*got, 42);
    const CacheStats s = c.stats();
    EXPECT_EQ(s.hits, 1u);
    EXPECT_EQ(s.misses, 0u);
    EXPECT_EQ(s.insertions, 1u);
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 10u);
}

TEST(LruCache, GetMakesTheEntryMostRecentlyUsed) {
    IntCache c(30);
    c.put(1, val(1), 10);
    c.put(2, val(2), 10);
    c.put(3, val(3), 10);
    ASSERT_NE(c.get(1), nullptr);  // order now 1, 3, 2 (most recent first)
    c.put(4, val(4), 10);          // evicts 2
    EXPECT_TRUE(c.contains(1));
    EXPECT_FALSE(c.contains(2));
    EXPECT_TRUE(c.contains(3));
    EXPECT_TRUE(c.contains(4));
    c.put(5, val(5), 10);  // evicts 3
    EXPECT_FALSE(c.contains(3));
    EXPECT_TRUE(c.contains(1));
    EXPECT_EQ(c.stats().evictions, 2u);
}

TEST(LruCache, ContainsDoesNotReorderOrCount) {
    IntCache c(20);
    c.put(1, val(1), 10);
    c.put(2, val(2), 10);
    EXPECT_TRUE(c.contains(1));  // must not save 1 from eviction
    c.put(3, val(3), 10);
    EXPECT_FALSE(c.contains(1));
    EXPECT_TRUE(c.contains(2));
    EXPECT_EQ(c.stats().hits, 0u);
    EXPECT_EQ(c.stats().misses, 0u);
}

TEST(LruCache, EvictsFromTheLeastRecentlyUsedEndUntilWithinCapacity) {
    IntCache c(100);
    for (uint64_t k = 1; k <= 10; ++k) c.put(k, val(static_cast<int>(k)), 10);
    EXPECT_EQ(c.stats().bytes, 100u);
    EXPECT_TRUE(c.put(11, val(11), 35));  // needs 35 bytes: 1, 2, 3 and 4 go (40 bytes), 5 stays
    for (uint64_t k = 1; k <= 4; ++k) EXPECT_FALSE(c.contains(k)) << k;
    for (uint64_t k = 5; k <= 11; ++k) EXPECT_TRUE(c.contains(k)) << k;
    const CacheStats s = c.stats();
    EXPECT_EQ(s.evictions, 4u);
    EXPECT_EQ(s.bytes, 95u);
    EXPECT_EQ(s.entries, 7u);
}

TEST(LruCache, ItemOfExactlyTheCapacityFitsAndEvictsEverythingElse) {
    IntCache c(100);
    for (uint64_t k = 1; k <= 5; ++k) c.put(k, val(1), 20);
    EXPECT_TRUE(c.put(99, val(99), 100));
    const CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 100u);
    EXPECT_EQ(s.evictions, 5u);
    EXPECT_EQ(*c.get(99), 99);
}

TEST(LruCache, ReplacingAKeyAdjustsTheByteCount) {
    IntCache c(100);
    c.put(1, val(1), 10);
    c.put(2, val(2), 20);
    EXPECT_TRUE(c.put(1, val(100), 50));
    CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 2u);
    EXPECT_EQ(s.bytes, 70u);
    EXPECT_EQ(s.insertions, 3u);
    EXPECT_EQ(*c.get(1), 100);
    EXPECT_TRUE(c.put(1, val(101), 5));  // shrinking
    EXPECT_EQ(c.stats().bytes, 25u);
    // Growing a replaced entry evicts others, never the entry itself (it is the most recent).
    EXPECT_TRUE(c.put(1, val(102), 90));
    s = c.stats();
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 90u);
    EXPECT_EQ(s.evictions, 1u);
    EXPECT_FALSE(c.contains(2));
    EXPECT_EQ(*c.get(1), 102);
}

TEST(LruCache, ReplacementMakesTheEntryMostRecentlyUsed) {
    IntCache c(30);
    c.put(1, val(1), 10);
    c.put(2, val(2), 10);
    c.put(3, val(3), 10);
    c.put(1, val(11), 10);  // order 1, 3, 2
    c.put(4, val(4), 10);
    EXPECT_FALSE(c.contains(2));
    EXPECT_TRUE(c.contains(1));
}

TEST(LruCache, ItemLargerThanTheCapacityIsNotCachedAndIsCounted) {
    IntCache c(100);
    c.put(1, val(1), 60);
    EXPECT_FALSE(c.put(2, val(2), 101));
    CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 1u);
    EXPECT_EQ(s.insertions, 1u);
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 60u);
    EXPECT_EQ(s.evictions, 0u);  // nothing was evicted for an item that cannot fit anyway
    EXPECT_TRUE(c.contains(1));
    EXPECT_FALSE(c.contains(2));
    EXPECT_FALSE(c.put(3, val(3), SIZE_MAX));
    EXPECT_EQ(c.stats().rejected, 2u);
}

TEST(LruCache, OversizedReplacementRemovesTheStaleEntry) {
    IntCache c(100);
    c.put(1, val(1), 10);
    c.put(2, val(2), 10);
    EXPECT_FALSE(c.put(1, val(111), 1000));
    EXPECT_FALSE(c.contains(1));  // the old value is stale: it must not be served
    EXPECT_EQ(c.get(1), nullptr);
    const CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 10u);
    EXPECT_EQ(s.rejected, 1u);
    EXPECT_EQ(s.evictions, 0u);
}

TEST(LruCache, NullValueIsRejectedAndRemovesTheStaleEntry) {
    IntCache c(100);
    EXPECT_FALSE(c.put(1, nullptr, 10));
    EXPECT_EQ(c.stats().entries, 0u);
    c.put(1, val(1), 10);
    EXPECT_FALSE(c.put(1, nullptr, 10));
    EXPECT_FALSE(c.contains(1));
    const CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 2u);
    EXPECT_EQ(s.bytes, 0u);
}

TEST(LruCache, ZeroCapacityCachesNothing) {
    IntCache c(0);
    EXPECT_FALSE(c.put(1, val(1), 10));
    EXPECT_FALSE(c.put(2, val(2), 0));  // even a zero-byte item is charged one byte
    EXPECT_EQ(c.get(1), nullptr);
    EXPECT_EQ(c.get(2), nullptr);
    const CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 2u);
    EXPECT_EQ(s.misses, 2u);
    EXPECT_EQ(s.entries, 0u);
    EXPECT_EQ(s.bytes, 0u);
}

TEST(LruCache, ZeroByteItemsAreChargedOneByteSoTheirNumberIsBounded) {
    IntCache c(5);
    for (uint64_t k = 0; k < 100; ++k) EXPECT_TRUE(c.put(k, val(1), 0));
    const CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 5u);
    EXPECT_EQ(s.bytes, 5u);
    EXPECT_EQ(s.evictions, 95u);
    for (uint64_t k = 95; k < 100; ++k) EXPECT_TRUE(c.contains(k));
}

TEST(LruCache, EraseRemovesAndIsNotAnEviction) {
    IntCache c(100);
    c.put(1, val(1), 10);
    c.put(2, val(2), 20);
    EXPECT_TRUE(c.erase(1));
    EXPECT_FALSE(c.erase(1));
    EXPECT_FALSE(c.contains(1));
    const CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 20u);
    EXPECT_EQ(s.evictions, 0u);
    // The freed slot is reused and the list stays intact.
    c.put(3, val(3), 10);
    c.put(4, val(4), 70);  // exactly full
    c.put(5, val(5), 1);   // evicts 2 (least recent)
    EXPECT_FALSE(c.contains(2));
    EXPECT_TRUE(c.contains(3));
    EXPECT_TRUE(c.contains(4));
}

TEST(LruCache, ClearEmptiesButKeepsCountersAndStaysUsable) {
    IntCache c(100);
    for (uint64_t k = 0; k < 10; ++k) c.put(k, val(1), 10);
    ASSERT_NE(c.get(3), nullptr);
    c.clear();
    CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 0u);
    EXPECT_EQ(s.bytes, 0u);
    EXPECT_EQ(s.insertions, 10u);
    EXPECT_EQ(s.hits, 1u);
    EXPECT_EQ(s.evictions, 0u);
    EXPECT_FALSE(c.contains(3));
    EXPECT_TRUE(c.put(3, val(3), 50));
    EXPECT_EQ(*c.get(3), 3);
    EXPECT_EQ(c.stats().bytes, 50u);
}

TEST(LruCache, ShrinkingTheCapacityEvictsLeastRecentlyUsed) {
    IntCache c(100);
    for (uint64_t k = 1; k <= 10; ++k) c.put(k, val(1), 10);
    ASSERT_NE(c.get(1), nullptr);
    c.set_capacity(30);  // keeps 1, 10, 9
    CacheStats s = c.stats();
    EXPECT_EQ(s.capacity_bytes, 30u);
    EXPECT_EQ(s.bytes, 30u);
    EXPECT_EQ(s.evictions, 7u);
    EXPECT_TRUE(c.contains(1));
    EXPECT_TRUE(c.contains(9));
    EXPECT_TRUE(c.contains(10));
    EXPECT_FALSE(c.contains(8));
    c.set_capacity(0);
    EXPECT_EQ(c.stats().entries, 0u);
    c.set_capacity(1000);
    EXPECT_TRUE(c.put(1, val(1), 999));
}

TEST(LruCache, WorksWithStringKeys) {
    LruCache<std::string, std::string> c(10);
    c.put("a", std::make_shared<const std::string>("alpha"), 4);
    c.put("b", std::make_shared<const std::string>("beta"), 4);
    ASSERT_NE(c.get("a"), nullptr);
    c.put("c", std::make_shared<const std::string>("gamma"), 4);  // evicts b
    EXPECT_EQ(*c.get("a"), "alpha");
    EXPECT_EQ(c.get("b"), nullptr);
    EXPECT_EQ(*c.get("c"), "gamma");
}

// ---- value lifetime --------------------------------------------------------------------------------------------

struct Tracked {
    explicit Tracked(std::atomic<int>* live_count) : live(live_count) { live->fetch_add(1); }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;
    ~Tracked() { live->fetch_sub(1); }
    std::atomic<int>* live;
    int payload{1234};
};

TEST(LruCache, AReadersValueSurvivesEviction) {
    std::atomic<int> live{0};
    LruCache<uint64_t, Tracked> c(10);
    c.put(1, std::make_shared<const Tracked>(&live), 10);
    std::shared_ptr<const Tracked> reader = c.get(1);
    ASSERT_NE(reader, nullptr);
    c.put(2, std::make_shared<const Tracked>(&live), 10);  // evicts 1
    EXPECT_FALSE(c.contains(1));
    EXPECT_EQ(live.load(), 2);  // 1 is still alive for the reader
    EXPECT_EQ(reader->payload, 1234);
    EXPECT_EQ(reader.use_count(), 1);  // the cache no longer holds it
    reader.reset();
    EXPECT_EQ(live.load(), 1);
    c.erase(2);
    EXPECT_EQ(live.load(), 0);
}

TEST(LruCache, EveryDroppedValueIsReleasedEvenBeyondTheDeferredBuffer) {
    std::atomic<int> live{0};
    {
        LruCache<uint64_t, Tracked> c(100);
        for (uint64_t k = 0; k < 50; ++k) c.put(k, std::make_shared<const Tracked>(&live), 2);
        EXPECT_EQ(live.load(), 50);
        c.put(1000, std::make_shared<const Tracked>(&live), 100);  // one put evicts all 50
        EXPECT_EQ(live.load(), 1);
        EXPECT_EQ(c.stats().evictions, 50u);
        c.put(1000, std::make_shared<const Tracked>(&live), 100);  // the replaced value is released
        EXPECT_EQ(live.load(), 1);
        for (uint64_t k = 0; k < 20; ++k) c.put(k, std::make_shared<const Tracked>(&live), 1);
        EXPECT_EQ(live.load(), 20);
        c.clear();
        EXPECT_EQ(live.load(), 0);
        c.put(1, std::make_shared<const Tracked>(&live), 1);
    }
    EXPECT_EQ(live.load(), 0);  // the destructor releases what is left
}

// ---- allocation failure ----------------------------------------------------------------------------------------

// This test binary replaces the global operator new so that a test can make allocations fail: after
// g_skip_allocations more allocations succeed, the next g_fail_allocations fail. Only the tests below arm it, and
// only around the call under test.
std::atomic<int> g_skip_allocations{0};
std::atomic<int> g_fail_allocations{0};

bool take_one(std::atomic<int>& counter) noexcept {
    int n = counter.load();
    while (n > 0) {
        if (counter.compare_exchange_weak(n, n - 1)) return true;
    }
    return false;
}

bool should_fail_allocation() noexcept {
    if (g_fail_allocations.load() == 0) return false;
    if (take_one(g_skip_allocations)) return false;
    return take_one(g_fail_allocations);
}

// A key whose copies and moves can be made to throw, standing in for a heap-backed key whose copy fails.
std::atomic<bool> g_key_throws{false};

struct FragileKey {
    uint64_t v{0};
    FragileKey() = default;
    explicit FragileKey(uint64_t x) : v(x) {}
    FragileKey(const FragileKey& o) : v(o.v) {
        if (g_key_throws.load()) throw std::bad_alloc();
    }
    FragileKey& operator=(const FragileKey& o) {
        if (g_key_throws.load()) throw std::bad_alloc();
        v = o.v;
        return *this;
    }
    FragileKey(FragileKey&& o) : v(o.v) {  // NOLINT(performance-noexcept-move-constructor): throws on purpose
        if (g_key_throws.load()) throw std::bad_alloc();
    }
    FragileKey& operator=(FragileKey&& o) {  // NOLINT(performance-noexcept-move-constructor)
        if (g_key_throws.load()) throw std::bad_alloc();
        v = o.v;
        return *this;
    }
    ~FragileKey() = default;
    friend bool operator==(const FragileKey& a, const FragileKey& b) noexcept { return a.v == b.v; }
};

struct FragileKeyHash {
    std::size_t operator()(const FragileKey& k) const noexcept { return std::hash<uint64_t>{}(k.v); }
};

/// Checks that `c` (capacity 100, ten-byte entries) still behaves: fill past the capacity, check order and bytes.
template <class Cache, class MakeKey>
void expect_still_consistent(Cache& c, MakeKey make_key) {
    for (uint64_t k = 1000; k < 1010; ++k) ASSERT_TRUE(c.put(make_key(k), val(static_cast<int>(k)), 10));
    const CacheStats s = c.stats();
    EXPECT_EQ(s.entries, 10u);
    EXPECT_EQ(s.bytes, 100u);
    for (uint64_t k = 1000; k < 1010; ++k) {
        auto v = c.get(make_key(k));
        ASSERT_NE(v, nullptr) << k;
        EXPECT_EQ(*v, static_cast<int>(k));
    }
    ASSERT_TRUE(c.put(make_key(2000), val(2000), 10));  // evicts 1000, the least recently read
    EXPECT_FALSE(c.contains(make_key(1000)));
    EXPECT_TRUE(c.contains(make_key(1001)));
}

TEST(LruCacheAllocation, FailureToGrowTheIndexRejectsThePutAndKeepsTheCacheConsistent) {
    IntCache c(100);
    // The index starts at 16 buckets and grows when an entry would fill more than half: the 9th entry grows it.
    for (uint64_t k = 0; k < 8; ++k) ASSERT_TRUE(c.put(k, val(static_cast<int>(k)), 10));
    auto v = val(8);  // allocated before arming the failure
    g_fail_allocations = 1;
    const bool stored = c.put(8, v, 10);
    const int left = g_fail_allocations.exchange(0);
    EXPECT_EQ(left, 0);  // the put did try to allocate
    EXPECT_FALSE(stored);
    CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 1u);
    EXPECT_EQ(s.entries, 8u);
    EXPECT_EQ(s.bytes, 80u);
    EXPECT_FALSE(c.contains(8));
    for (uint64_t k = 0; k < 8; ++k) EXPECT_TRUE(c.contains(k)) << k;
    expect_still_consistent(c, [](uint64_t k) { return k; });
}

TEST(LruCacheAllocation, FailureToGrowTheSlotsRejectsThePutAndKeepsTheCacheConsistent) {
    IntCache c(100);
    ASSERT_TRUE(c.put(1, val(1), 10));  // one slot, vector capacity 1; the index has 16 buckets
    auto v = val(2);                    // allocated before arming the failure
    g_fail_allocations = 1;
    const bool stored = c.put(2, v, 10);  // needs a second slot: the vector must reallocate
    const int left = g_fail_allocations.exchange(0);
    EXPECT_EQ(left, 0);
    EXPECT_FALSE(stored);
    const CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 1u);
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 10u);
    EXPECT_FALSE(c.contains(2));
    EXPECT_EQ(*c.get(1), 1);
    expect_still_consistent(c, [](uint64_t k) { return k; });
}

TEST(LruCacheAllocation, FailureToGrowTheChargesUndoesTheSlotGrowth) {
    IntCache c(100);
    ASSERT_TRUE(c.put(1, val(1), 10));  // one slot and one charge, each in a vector of capacity 1
    auto v = val(2);
    g_skip_allocations = 1;  // the slots grow,
    g_fail_allocations = 1;  // then the charges cannot
    const bool stored = c.put(2, v, 10);
    const int left = g_fail_allocations.exchange(0);
    g_skip_allocations = 0;
    EXPECT_EQ(left, 0);
    EXPECT_FALSE(stored);
    const CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 1u);
    EXPECT_EQ(s.entries, 1u);
    EXPECT_EQ(s.bytes, 10u);
    EXPECT_FALSE(c.contains(2));
    expect_still_consistent(c, [](uint64_t k) { return k; });
}

TEST(LruCacheAllocation, FailureOnTheFirstPutLeavesAnEmptyWorkingCache) {
    IntCache c(100);
    auto v = val(1);
    g_fail_allocations = 1;
    const bool stored = c.put(1, v, 10);
    const int left = g_fail_allocations.exchange(0);
    EXPECT_EQ(left, 0);
    EXPECT_FALSE(stored);
    EXPECT_EQ(c.stats().entries, 0u);
    EXPECT_EQ(c.stats().rejected, 1u);
    EXPECT_EQ(c.get(1), nullptr);
    expect_still_consistent(c, [](uint64_t k) { return k; });
}

TEST(LruCacheAllocation, AThrowingKeyCopyRejectsThePutAndKeepsTheCacheConsistent) {
    LruCache<FragileKey, int, FragileKeyHash> c(100);
    // Eight entries: eight slots in a vector of capacity eight, and an index of 16 buckets, half full.
    for (uint64_t k = 0; k < 8; ++k) ASSERT_TRUE(c.put(FragileKey(k), val(static_cast<int>(k)), 10));
    ASSERT_TRUE(c.erase(FragileKey(2)));  // leaves a free slot to be reused
    // The keys are built in place as put's parameter (no copy or move before the call).
    g_key_throws = true;
    EXPECT_FALSE(c.put(FragileKey(100), val(100), 10));  // takes the free slot; moving the key in throws
    g_key_throws = false;
    ASSERT_TRUE(c.put(FragileKey(102), val(102), 10));  // the free slot again, now for real
    g_key_throws = true;
    EXPECT_FALSE(c.put(FragileKey(101), val(101), 10));  // the slots must grow: copying the old keys throws
    g_key_throws = false;
    const CacheStats s = c.stats();
    EXPECT_EQ(s.rejected, 2u);
    EXPECT_EQ(s.entries, 8u);
    EXPECT_EQ(s.bytes, 80u);
    EXPECT_FALSE(c.contains(FragileKey(100)));
    EXPECT_FALSE(c.contains(FragileKey(101)));
    EXPECT_TRUE(c.contains(FragileKey(102)));
    for (uint64_t k : {0, 1, 3, 4, 5, 6, 7}) EXPECT_TRUE(c.contains(FragileKey(k))) << k;
    expect_still_consistent(c, [](uint64_t k) { return FragileKey(k); });
}

// ---- random sequences against a plain reference model ---------------------------------------------------------

// The reference: a std::list in recency order (front = most recent) and a std::map from key to its list position
// and charge, written as plainly as possible.
class ReferenceLru {
  public:
    explicit ReferenceLru(std::size_t capacity) : capacity_(capacity) {}

    bool put(uint64_t key, int value, std::size_t bytes) {
        const std::size_t charge = std::max<std::size_t>(bytes, 1);
        if (charge > capacity_) {
            erase(key);
            ++rejected;
            return false;
        }
        erase(key);
        order_.push_front(key);
        entries_[key] = Entry{value, charge};
        bytes_ += charge;
        ++insertions;
        while (bytes_ > capacity_) {
            const uint64_t victim = order_.back();
            erase(victim);
            ++evictions;
        }
        return true;
    }
    std::optional<int> get(uint64_t key) {
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            ++misses;
            return std::nullopt;
        }
        ++hits;
        order_.remove(key);
        order_.push_front(key);
        return it->second.value;
    }
    bool erase(uint64_t key) {
        auto it = entries_.find(key);
        if (it == entries_.end()) return false;
        bytes_ -= it->second.charge;
        entries_.erase(it);
        order_.remove(key);
        return true;
    }
    void clear() {
        entries_.clear();
        order_.clear();
        bytes_ = 0;
    }
    void set_capacity(std::size_t capacity) {
        capacity_ = capacity;
        while (bytes_ > capacity_) {
            erase(order_.back());
            ++evictions;
        }
    }
    [[nodiscard]] bool contains(uint64_t key) const { return entries_.count(key) != 0; }
    [[nodiscard]] std::size_t bytes() const { return bytes_; }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] std::size_t capacity() const { return capacity_; }

    uint64_t hits{0}, misses{0}, evictions{0}, insertions{0}, rejected{0};

  private:
    struct Entry {
        int value;
        std::size_t charge;
    };
    std::size_t capacity_;
    std::size_t bytes_{0};
    std::list<uint64_t> order_;
    std::map<uint64_t, Entry> entries_;
};

template <class Hash = std::hash<uint64_t>>
void run_random_sequence(uint32_t seed, std::size_t capacity, uint64_t key_space, std::size_t max_bytes,
                         int operations) {
    std::mt19937_64 rng(seed);
    LruCache<uint64_t, int, Hash> cache(capacity);
    ReferenceLru ref(capacity);
    auto pick = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
    for (int op = 0; op < operations; ++op) {
        const uint64_t key = pick(key_space);
        const uint64_t what = pick(1000);
        if (what < 400) {
            // Mostly ordinary sizes; now and then zero or more than the whole capacity.
            auto bytes = static_cast<std::size_t>(pick(max_bytes + 1));
            if (what < 8) bytes = capacity + 1 + static_cast<std::size_t>(pick(10));
            const int value = static_cast<int>(pick(1u << 30));
            ASSERT_EQ(cache.put(key, val(value), bytes), ref.put(key, value, bytes)) << "op " << op;
        } else if (what < 850) {
            auto got = cache.get(key);
            auto want = ref.get(key);
            ASSERT_EQ(got != nullptr, want.has_value()) << "op " << op << " key " << key;
            if (got) {
                ASSERT_EQ(*got, *want) << "op " << op;
            }
        } else if (what < 997) {
            ASSERT_EQ(cache.erase(key), ref.erase(key)) << "op " << op;
        } else if (what < 998) {
            cache.clear();
            ref.clear();
        } else {
            const auto cap = static_cast<std::size_t>(pick(2 * capacity + 1));
            cache.set_capacity(cap);
            ref.set_capacity(cap);
        }
        const CacheStats s = cache.stats();
        ASSERT_EQ(s.bytes, ref.bytes()) << "op " << op;
        ASSERT_EQ(s.entries, ref.size()) << "op " << op;
        ASSERT_LE(s.bytes, s.capacity_bytes);
        if (op % 97 == 0) {
            // Full membership check now and then (contains() does not disturb the order).
            for (uint64_t k = 0; k < key_space; ++k) ASSERT_EQ(cache.contains(k), ref.contains(k)) << "op " << op;
        }
    }
    const CacheStats s = cache.stats();
    EXPECT_EQ(s.hits, ref.hits);
    EXPECT_EQ(s.misses, ref.misses);
    EXPECT_EQ(s.evictions, ref.evictions);
    EXPECT_EQ(s.insertions, ref.insertions);
    EXPECT_EQ(s.rejected, ref.rejected);
    EXPECT_EQ(s.capacity_bytes, ref.capacity());
    EXPECT_GT(s.evictions, 0u);  // the sequence did exercise eviction
    EXPECT_GT(s.hits, 0u);
}

TEST(LruCacheModel, SmallKeySpaceManyCollisions) {
    for (uint32_t seed = 1; seed <= 4; ++seed) run_random_sequence(seed, 100, 40, 30, 40'000);
}

TEST(LruCacheModel, LargeKeySpaceTightCapacity) {
    for (uint32_t seed = 11; seed <= 13; ++seed) run_random_sequence(seed, 1000, 2000, 60, 40'000);
}

TEST(LruCacheModel, RoomyCapacityFewEvictions) { run_random_sequence(21, 10'000, 500, 40, 60'000); }

// A poor hash with only four distinct values: long interleaved probe runs in the index, so erasures must shift
// entries of several runs back correctly (and wrap around the table's end).
struct FourValueHash {
    std::size_t operator()(uint64_t k) const noexcept { return k % 4; }
};

TEST(LruCacheModel, PoorHashLongProbeRuns) {
    for (uint32_t seed = 31; seed <= 33; ++seed) run_random_sequence<FourValueHash>(seed, 400, 300, 20, 30'000);
}

// Every key hashes alike: one run holding every entry.
struct ConstantHash {
    std::size_t operator()(uint64_t) const noexcept { return 42; }
};

TEST(LruCacheModel, ConstantHashOneRun) { run_random_sequence<ConstantHash>(41, 300, 120, 10, 20'000); }

// ---- concurrency -----------------------------------------------------------------------------------------------

struct Tagged {
    uint64_t key;
    uint64_t check;
};

uint64_t check_of(uint64_t key) { return key * 0x9E3779B97F4A7C15ull ^ 0xabcdefull; }

TEST(LruCacheConcurrency, FourThreadsKeepTheBoundAndTheCounters) {
    constexpr std::size_t kCapacity = 4096;
    constexpr uint64_t kKeys = 1000;
    constexpr int kOpsPerThread = 200'000;
    LruCache<uint64_t, Tagged> cache(kCapacity);
    std::atomic<uint64_t> gets{0}, puts{0}, found{0}, wrong{0}, over{0};
    std::atomic<bool> go{false};
    auto worker = [&](uint32_t seed) {
        std::mt19937_64 rng(seed);
        uint64_t my_gets = 0, my_puts = 0, my_found = 0;
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < kOpsPerThread; ++i) {
            const uint64_t key = rng() % kKeys;
            const uint64_t what = rng() % 100;
            if (what < 60) {
                ++my_gets;
                if (auto v = cache.get(key)) {
                    ++my_found;
                    if (v->key != key || v->check != check_of(key)) wrong.fetch_add(1);
                }
            } else if (what < 90) {
                ++my_puts;
                cache.put(key, std::make_shared<const Tagged>(Tagged{key, check_of(key)}), 1 + rng() % 64);
            } else if (what < 99) {
                cache.erase(key);
            } else {
                const CacheStats s = cache.stats();
                if (s.bytes > s.capacity_bytes) over.fetch_add(1);
            }
        }
        gets += my_gets;
        puts += my_puts;
        found += my_found;
    };
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < 4; ++t) threads.emplace_back(worker, 100 + t);
    go = true;
    for (auto& t : threads) t.join();

    EXPECT_EQ(wrong.load(), 0u);  // no value was ever served under another key
    EXPECT_EQ(over.load(), 0u);   // no snapshot ever saw the bound exceeded
    const CacheStats s = cache.stats();
    EXPECT_EQ(s.hits + s.misses, gets.load());
    EXPECT_EQ(s.hits, found.load());
    EXPECT_EQ(s.insertions + s.rejected, puts.load());
    EXPECT_EQ(s.rejected, 0u);  // every charge (1..64) fits
    EXPECT_LE(s.bytes, kCapacity);
    EXPECT_GT(s.evictions, 0u);
    EXPECT_GT(s.hits, 0u);

    // At quiescence the entry count and byte sum must be exactly what erasing everything takes away.
    std::size_t erased = 0;
    for (uint64_t k = 0; k < kKeys; ++k) {
        if (cache.contains(k)) {
            auto v = cache.get(k);
            ASSERT_NE(v, nullptr);
            EXPECT_EQ(v->key, k);
        }
        erased += cache.erase(k) ? 1 : 0;
    }
    EXPECT_EQ(erased, s.entries);
    EXPECT_EQ(cache.stats().entries, 0u);
    EXPECT_EQ(cache.stats().bytes, 0u);
}

// ---- real blocks -----------------------------------------------------------------------------------------------

// The cache's intended use: decoded mainnet blocks shared between readers, keyed by block number.
TEST(LruCacheBlocks, HoldsDecodedMainnetBlocks) {
    const uint64_t numbers[] = {14764013, 15537393, 17034870, 19426587, 22431084};
    LruCache<uint64_t, Block> cache(std::size_t{1} << 30);
    std::map<uint64_t, std::size_t> sizes;
    for (uint64_t n : numbers) {
        HYPASIS_FIXTURE_OR_SKIP(path, "portal-spec-tests/history/block_data/block-data-" + std::to_string(n) + ".yaml");
        const auto yaml = test::read_flat_yaml(path);
        const auto header_rlp = from_hex(yaml.at("header"));
        const auto body_rlp = from_hex(yaml.at("body"));
        ASSERT_TRUE(header_rlp && body_rlp);
        auto header = decode_header(*header_rlp);
        auto body = decode_body(*body_rlp);
        ASSERT_TRUE(header.has_value());
        ASSERT_TRUE(body.has_value());
        ASSERT_EQ(header->header.number, n);
        sizes[n] = header_rlp->size() + body_rlp->size();
        EXPECT_TRUE(cache.put(n, std::make_shared<const Block>(Block{*header, *body}), sizes[n]));
    }
    std::size_t total = 0;
    for (const auto& [n, size] : sizes) total += size;
    EXPECT_EQ(cache.stats().bytes, total);
    for (uint64_t n : numbers) {
        auto b = cache.get(n);
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->header.header.number, n);
        EXPECT_EQ(b->header.hash, crypto::keccak256(b->header.rlp));
    }
    // Shrink below the two most recently read blocks' size: the oldest reads go first.
    cache.set_capacity(sizes[numbers[3]] + sizes[numbers[4]]);
    EXPECT_FALSE(cache.contains(numbers[0]));
    EXPECT_TRUE(cache.contains(numbers[3]));
    EXPECT_TRUE(cache.contains(numbers[4]));
}

}  // namespace
}  // namespace hypasis::storage

// Replaceable global allocation functions (see the allocation tests above). Allocation goes to malloc, which the
// matching operator delete frees. GCC cannot see that pairing when it inlines these into a new-expression and
// warns of a mismatch, wrongly: the pragma silences that one warning for these definitions only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
    if (hypasis::storage::should_fail_allocation()) throw std::bad_alloc();
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    if (hypasis::storage::should_fail_allocation()) return nullptr;
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& t) noexcept { return ::operator new(size, t); }
// Over-aligned types (the cache's slots are) come through the aligned forms.
void* operator new(std::size_t size, std::align_val_t align) {
    if (hypasis::storage::should_fail_allocation()) throw std::bad_alloc();
    const auto a = static_cast<std::size_t>(align);
    if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a + (size == 0 ? a : 0))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) { return ::operator new(size, align); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
