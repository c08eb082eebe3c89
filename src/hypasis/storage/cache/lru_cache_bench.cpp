// The hot cache: hit lookups, misses and put+evict on a realistic population (100k recent blocks keyed by block
// number, values shared_ptr<const Block>), against a plain std::unordered_map::find on the same keys in the same
// run (the machine's limit for a hash lookup without recency tracking or locking) and against the textbook LRU
// (std::list + std::unordered_map of list iterators, behind the same kind of mutex) that lru_cache.hpp's layout
// was chosen over.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <random>
#include <unordered_map>
#include <vector>

#include "hypasis/core/types/block.hpp"
#include "hypasis/storage/cache/lru_cache.hpp"

namespace hypasis::storage {
namespace {

constexpr std::size_t kPopulation = 100'000;
constexpr uint64_t kFirstBlock = 21'000'000;   // keys are recent block numbers: kFirstBlock + i
constexpr std::size_t kBlockCharge = 120'000;  // a decoded mainnet block, roughly
constexpr std::size_t kCapacity = kPopulation * kBlockCharge;
constexpr std::size_t kLookups = std::size_t{1} << 20;  // a precomputed random key sequence, walked in a ring

using BlockCache = LruCache<uint64_t, Block>;

/// The population's values, built once: distinct heap blocks, so a hit touches a cold control block as it would
/// in a real cache.
const std::vector<std::shared_ptr<const Block>>& blocks() {
    static const auto values = [] {
        std::vector<std::shared_ptr<const Block>> v;
        v.reserve(kPopulation);
        for (std::size_t i = 0; i < kPopulation; ++i) {
            auto b = std::make_shared<Block>();
            b->header.header.number = kFirstBlock + i;
            v.push_back(std::move(b));
        }
        return v;
    }();
    return values;
}

/// Uniformly random keys, present ones (offset 0) or absent ones (offset kPopulation).
std::vector<uint64_t> random_keys(uint64_t offset, uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> keys(kLookups);
    for (auto& k : keys) k = kFirstBlock + offset + rng() % kPopulation;
    return keys;
}

std::unique_ptr<BlockCache> full_cache() {
    auto cache = std::make_unique<BlockCache>(kCapacity);
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) cache->put(kFirstBlock + i, v[i], kBlockCharge);
    return cache;
}

/// The textbook LRU the cache's layout was measured against: one std::list node per entry plus one
/// unordered_map node holding the list iterator, behind a std::mutex as the real cache must be. Benchmark-only.
class ListLru {
  public:
    explicit ListLru(std::size_t capacity) : capacity_(capacity) {}
    void put(uint64_t key, std::shared_ptr<const Block> value, std::size_t bytes) {
        std::lock_guard lock(mutex_);
        if (auto it = map_.find(key); it != map_.end()) {
            bytes_ -= it->second->bytes;
            list_.erase(it->second);
            map_.erase(it);
        }
        list_.push_front(Node{key, std::move(value), bytes});
        map_.emplace(key, list_.begin());
        bytes_ += bytes;
        while (bytes_ > capacity_) {
            bytes_ -= list_.back().bytes;
            map_.erase(list_.back().key);
            list_.pop_back();
        }
    }
    std::shared_ptr<const Block> get(uint64_t key) {
        std::lock_guard lock(mutex_);
        auto it = map_.find(key);
        if (it == map_.end()) return nullptr;
        list_.splice(list_.begin(), list_, it->second);
        return it->second->value;
    }

  private:
    struct Node {
        uint64_t key;
        std::shared_ptr<const Block> value;
        std::size_t bytes;
    };
    std::mutex mutex_;
    std::size_t capacity_;
    std::size_t bytes_{0};
    std::list<Node> list_;
    std::unordered_map<uint64_t, std::list<Node>::iterator> map_;
};

// ---- hits ------------------------------------------------------------------------------------------------------

void BM_LruCache_Hit(benchmark::State& state) {
    auto cache = full_cache();
    const auto keys = random_keys(0, 1);
    std::size_t at = 0;
    for (auto _ : state) {
        auto v = cache->get(keys[at]);
        benchmark::DoNotOptimize(v.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LruCache_Hit);

// The machine's limit: the same keys looked up in a plain std::unordered_map holding the same values.
void BM_UnorderedMap_Find(benchmark::State& state) {
    std::unordered_map<uint64_t, std::shared_ptr<const Block>> map;
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) map.emplace(kFirstBlock + i, v[i]);
    const auto keys = random_keys(0, 1);
    std::size_t at = 0;
    for (auto _ : state) {
        auto it = map.find(keys[at]);
        benchmark::DoNotOptimize(it->second.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnorderedMap_Find);

// The same, but also handing out a shared_ptr copy as any cache of shared values must (one atomic increment and
// decrement on the value's control block).
void BM_UnorderedMap_FindAndCopy(benchmark::State& state) {
    std::unordered_map<uint64_t, std::shared_ptr<const Block>> map;
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) map.emplace(kFirstBlock + i, v[i]);
    const auto keys = random_keys(0, 1);
    std::size_t at = 0;
    for (auto _ : state) {
        std::shared_ptr<const Block> copy = map.find(keys[at])->second;
        benchmark::DoNotOptimize(copy.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnorderedMap_FindAndCopy);

void BM_ListLru_Hit(benchmark::State& state) {
    ListLru lru(kCapacity);
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) lru.put(kFirstBlock + i, v[i], kBlockCharge);
    const auto keys = random_keys(0, 1);
    std::size_t at = 0;
    for (auto _ : state) {
        auto got = lru.get(keys[at]);
        benchmark::DoNotOptimize(got.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListLru_Hit);

// A working set that fits in the CPU caches: the 1,000 most recent blocks read over and over (a node following
// the tip). Shows the fixed cost of the lock and the list update without memory stalls.
void BM_LruCache_HitHot(benchmark::State& state) {
    auto cache = full_cache();
    std::mt19937_64 rng(5);
    std::vector<uint64_t> keys(kLookups);
    for (auto& k : keys) k = kFirstBlock + kPopulation - 1 - rng() % 1000;
    std::size_t at = 0;
    for (auto _ : state) {
        auto v = cache->get(keys[at]);
        benchmark::DoNotOptimize(v.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LruCache_HitHot);

// Hits from two threads at once on one cache: the single mutex's contention (this machine has two vCPUs).
void BM_LruCache_HitShared(benchmark::State& state) {
    static std::unique_ptr<BlockCache> cache;
    static std::vector<uint64_t> keys;
    if (state.thread_index() == 0) {
        cache = full_cache();
        keys = random_keys(0, 1);
    }
    // Google Benchmark starts the timed loop of every thread together, after thread 0's setup above.
    std::size_t at = static_cast<std::size_t>(state.thread_index()) * 7919;
    for (auto _ : state) {
        auto v = cache->get(keys[at]);
        benchmark::DoNotOptimize(v.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) cache.reset();
}
BENCHMARK(BM_LruCache_HitShared)->Threads(1)->Threads(2)->UseRealTime();

// ---- misses ----------------------------------------------------------------------------------------------------

void BM_LruCache_Miss(benchmark::State& state) {
    auto cache = full_cache();
    const auto keys = random_keys(kPopulation, 2);
    std::size_t at = 0;
    for (auto _ : state) {
        auto v = cache->get(keys[at]);
        benchmark::DoNotOptimize(v.get());
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LruCache_Miss);

void BM_UnorderedMap_Miss(benchmark::State& state) {
    std::unordered_map<uint64_t, std::shared_ptr<const Block>> map;
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) map.emplace(kFirstBlock + i, v[i]);
    const auto keys = random_keys(kPopulation, 2);
    std::size_t at = 0;
    for (auto _ : state) {
        auto it = map.find(keys[at]);
        benchmark::DoNotOptimize(it);
        at = (at + 1) & (kLookups - 1);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnorderedMap_Miss);

// ---- put + evict -----------------------------------------------------------------------------------------------

// The cache is full; every put is a new block number (the tip advancing) and evicts the least recently used one.
void BM_LruCache_PutEvict(benchmark::State& state) {
    auto cache = full_cache();
    const auto& v = blocks();
    uint64_t next = kFirstBlock + kPopulation;
    std::size_t at = 0;
    for (auto _ : state) {
        cache->put(next++, v[at], kBlockCharge);
        at = at + 1 == kPopulation ? 0 : at + 1;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["evictions"] = static_cast<double>(cache->stats().evictions);
}
BENCHMARK(BM_LruCache_PutEvict);

void BM_ListLru_PutEvict(benchmark::State& state) {
    ListLru lru(kCapacity);
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) lru.put(kFirstBlock + i, v[i], kBlockCharge);
    uint64_t next = kFirstBlock + kPopulation;
    std::size_t at = 0;
    for (auto _ : state) {
        lru.put(next++, v[at], kBlockCharge);
        at = at + 1 == kPopulation ? 0 : at + 1;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListLru_PutEvict);

// The same with new keys in random order (misses of a cache in front of random historical reads): here no layout
// gets the sequential-bucket locality that std::hash's identity gives unordered_map on consecutive numbers.
std::vector<uint64_t> random_new_keys() {
    std::mt19937_64 rng(3);
    std::vector<uint64_t> keys(kLookups);
    for (auto& k : keys) k = kFirstBlock + kPopulation + rng() % (uint64_t{1} << 40);
    return keys;
}

void BM_LruCache_PutEvictRandom(benchmark::State& state) {
    auto cache = full_cache();
    const auto& v = blocks();
    const auto keys = random_new_keys();
    std::size_t at = 0;
    for (auto _ : state) {
        cache->put(keys[at & (kLookups - 1)], v[at % kPopulation], kBlockCharge);
        ++at;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LruCache_PutEvictRandom);

void BM_ListLru_PutEvictRandom(benchmark::State& state) {
    ListLru lru(kCapacity);
    const auto& v = blocks();
    for (std::size_t i = 0; i < kPopulation; ++i) lru.put(kFirstBlock + i, v[i], kBlockCharge);
    const auto keys = random_new_keys();
    std::size_t at = 0;
    for (auto _ : state) {
        lru.put(keys[at & (kLookups - 1)], v[at % kPopulation], kBlockCharge);
        ++at;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListLru_PutEvictRandom);

}  // namespace
}  // namespace hypasis::storage
