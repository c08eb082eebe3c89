#pragma once
/// The hot cache (DESIGN §4, tier 1): a least-recently-used map bounded in bytes, in front of the block store's
/// reads. It holds decoded values behind `std::shared_ptr<const Value>`, so a reader that got a value keeps it
/// alive after the cache has evicted it, and nothing is ever copied out.
///
/// Thread-safety: every method may be called concurrently from any number of threads; one internal mutex
/// serialises them. `get` takes the lock too, because a hit moves the entry to the front of the recency order.
///
/// Layout (see README.md for the measurements): entries live in one vector of slots linked into the recency list
/// by 32-bit indices, and an open-addressing hash index (linear probing, 8-byte buckets holding a hash tag and a
/// slot index) maps keys to slots. Rejected alternative: std::list plus std::unordered_map of list iterators, which
/// allocates two nodes per insertion and chases one more pointer per lookup.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::storage {

/// A consistent snapshot of a cache's counters, taken under its lock. Counters only grow (clear() does not reset
/// them); `entries`, `bytes` and `capacity_bytes` describe the moment of the snapshot.
struct CacheStats {
    uint64_t hits{0};               ///< get() calls that found their key.
    uint64_t misses{0};             ///< get() calls that did not.
    uint64_t evictions{0};          ///< Entries dropped from the least recently used end to make room.
    uint64_t insertions{0};         ///< put() calls that stored their value, new key or replacement.
    uint64_t rejected{0};           ///< put() calls not stored: larger than the capacity, null value, no memory.
    std::size_t entries{0};         ///< Entries held now.
    std::size_t bytes{0};           ///< Sum of the charges of the entries held now; never above capacity_bytes.
    std::size_t capacity_bytes{0};  ///< The byte bound.

    friend bool operator==(const CacheStats&, const CacheStats&) = default;
};

/// A map from Key to `shared_ptr<const Value>` bounded by the sum of the byte charges its caller gives, evicting
/// the least recently used entries first. "Used" means stored by put() or found by get().
///
/// Each entry is charged `max(bytes, 1)`: a zero-byte entry still costs one byte, so the number of entries is
/// bounded by the capacity and a zero-capacity cache stores nothing. The caller's `bytes` should be its estimate
/// of the value's memory; the cache's own bookkeeping (about 60 bytes per entry: a 32-byte slot, an 8-byte charge
/// and two or three 8-byte index buckets, for 8-byte keys) is not charged. The slot vector and the index keep
/// their size after entries leave, until clear().
///
/// Requirements: `Key` is default-constructible, copyable and equality-comparable; `Hash` is stateless (it is
/// default-constructed for each use); `Hash` and `Key`'s `==` do not throw (every method is noexcept, so a throw
/// from them terminates). Not copyable or movable (it owns a mutex).
///
/// Thread-safety: all methods, including the const ones, may be called concurrently on one object; each takes
/// the internal mutex for its whole duration, so every call is atomic with respect to the others.
template <class Key, class Value, class Hash = std::hash<Key>>
class LruCache {
  public:
    /// An empty cache holding at most `capacity_bytes` of charges. Allocates nothing until the first put.
    explicit LruCache(std::size_t capacity_bytes) noexcept : capacity_(capacity_bytes) {}

    LruCache(const LruCache&) = delete;
    LruCache& operator=(const LruCache&) = delete;
    ~LruCache() = default;

    /// Stores `value` under `key` with a charge of `max(bytes, 1)`, as the most recently used entry, replacing
    /// (and re-charging) any entry already under `key`; then evicts least recently used entries until the total
    /// is within the capacity. Returns true when the value was stored.
    ///
    /// Returns false, and counts the put in `rejected`, when the charge exceeds the whole capacity, when `value`
    /// is null, or when memory runs out while growing the cache (or moving or copying a key throws). In each of these
    /// cases an entry already under `key` is removed as well, because the caller has just said it is stale; the
    /// recency list and the index stay consistent. The values a put drops (replaced or evicted) are released
    /// after the lock is let go when there are at most eight of them, so that a heavy destructor does not stall
    /// other threads; beyond eight, the rest are released under the lock.
    bool put(Key key, std::shared_ptr<const Value> value, std::size_t bytes) noexcept;

    /// The value under `key`, or nullptr on a miss. A hit makes the entry the most recently used. Counts a hit or
    /// a miss. Never allocates.
    [[nodiscard]] std::shared_ptr<const Value> get(const Key& key) noexcept;

    /// Whether `key` is held, without counting a hit or miss and without changing the recency order.
    [[nodiscard]] bool contains(const Key& key) const noexcept;

    /// Removes the entry under `key`; returns whether there was one. Not counted as an eviction. The value is
    /// released after the lock is let go.
    bool erase(const Key& key) noexcept;

    /// Removes every entry and frees the cache's memory (outside the lock). Counters are kept.
    void clear() noexcept;

    /// Changes the byte bound; a smaller bound evicts least recently used entries at once (counted as evictions).
    void set_capacity(std::size_t capacity_bytes) noexcept;

    /// A consistent snapshot of the counters.
    [[nodiscard]] CacheStats stats() const noexcept;

  private:
    using Index = uint32_t;
    static constexpr Index kNone = std::numeric_limits<Index>::max();
    /// Slots are indexed by 32 bits and the index keeps at most half its buckets full; 2^31 entries is far beyond
    /// any byte budget a node would give the cache.
    static constexpr std::size_t kMaxEntries = std::size_t{1} << 31;
    static constexpr unsigned kMinTableBits = 4;

    /// One entry, linked into the doubly linked recency list by index. A free slot links into the free list
    /// through `next`. Aligned so that no slot straddles two cache lines: 32 bytes for an 8-byte key, when a hit
    /// reads the key, the value and the links from one half-line. The charge, needed only when an entry leaves or
    /// is replaced, lives in `charges_` for that reason (measured: ~8% faster hits than a 40-byte slot).
    static constexpr std::size_t kSlotAlign =
        sizeof(Key) + sizeof(std::shared_ptr<const Value>) + 2 * sizeof(Index) <= 32 ? 32 : 64;
    struct alignas(kSlotAlign) Slot {
        Key key{};
        std::shared_ptr<const Value> value;
        Index prev{kNone};  ///< Towards the most recently used end.
        Index next{kNone};  ///< Towards the least recently used end.
    };

    /// An index bucket: the high 32 bits of the key's mixed hash, and the slot (kNone when the bucket is empty).
    /// The tag decides the home bucket (its top `table_bits_` bits), so the index rehashes without reading keys,
    /// and it filters out almost every non-matching key before a slot is touched.
    struct Bucket {
        uint32_t tag{0};
        Index slot{kNone};
    };

    /// Values released by one call, destroyed after the lock is let go (declared before the lock guard).
    static constexpr std::size_t kDeferredReleases = 8;
    struct Releases {
        std::shared_ptr<const Value> values[kDeferredReleases];
        std::size_t count{0};
        void take(std::shared_ptr<const Value>&& v) noexcept {
            if (count < kDeferredReleases) {
                values[count++] = std::move(v);
            } else {
                v.reset();
            }
        }
    };

    /// The result of probing for a key: the bucket holding it, or the empty bucket where it would go.
    struct Probe {
        std::size_t bucket;
        bool found;
    };

    /// Fibonacci hashing: multiplies by 2^64/phi and keeps the high bits (the tag is the top 32, the home bucket
    /// the top table_bits_), which depend on every bit of the user's hash. std::hash is the identity on integers,
    /// and this spreads sequential block numbers evenly over the table. One multiply; the splitmix64 finaliser
    /// (two multiplies, three shifts) measured 2x slower on misses and slightly slower on hits (README.md).
    static uint64_t mix(uint64_t h) noexcept { return h * 0x9E3779B97F4A7C15ULL; }
    static uint32_t tag_of(const Key& key) noexcept {
        return static_cast<uint32_t>(mix(static_cast<uint64_t>(Hash{}(key))) >> 32);
    }
    std::size_t home_of(uint32_t tag) const noexcept { return tag >> (32 - table_bits_); }
    std::size_t mask() const noexcept { return (std::size_t{1} << table_bits_) - 1; }

    Probe probe(const Key& key, uint32_t tag) const noexcept;
    /// Empties bucket `b` and shifts later buckets of the same run back (deletion without tombstones).
    void erase_bucket(std::size_t b) noexcept;
    /// Makes room in the index for one more entry; false when the memory for a larger table is not available.
    bool reserve_one() noexcept;

    void unlink(Index i) noexcept;
    void link_front(Index i) noexcept;
    /// Removes slot `i` (found at bucket `b`, or looked up when `b` is kNoBucket) from the list and the index, and
    /// puts it on the free list; its value goes to `out`.
    void remove_slot(Index i, std::size_t b, Releases& out) noexcept;
    /// Evicts from the back until `bytes_ <= capacity_`.
    void evict_to_capacity(Releases& out) noexcept;

    static constexpr std::size_t kNoBucket = std::numeric_limits<std::size_t>::max();

    mutable std::mutex mutex_;
    std::size_t capacity_;
    std::size_t bytes_{0};
    std::size_t entries_{0};
    std::vector<Slot> slots_;
    std::vector<std::size_t> charges_;  ///< charges_[i] is slot i's charge; the same size as slots_.
    std::unique_ptr<Bucket[]> table_;
    unsigned table_bits_{0};  ///< log2 of the table's size; 0 while there is no table.
    Index head_{kNone};       ///< Most recently used.
    Index tail_{kNone};       ///< Least recently used.
    Index free_{kNone};       ///< First free slot.
    uint64_t hits_{0};
    uint64_t misses_{0};
    uint64_t evictions_{0};
    uint64_t insertions_{0};
    uint64_t rejected_{0};
};

// ---- implementation --------------------------------------------------------------------------------------------

template <class Key, class Value, class Hash>
typename LruCache<Key, Value, Hash>::Probe LruCache<Key, Value, Hash>::probe(const Key& key,
                                                                             uint32_t tag) const noexcept {
    const std::size_t m = mask();
    for (std::size_t b = home_of(tag);; b = (b + 1) & m) {
        const Bucket& bucket = table_[b];
        if (bucket.slot == kNone) return {b, false};
        if (bucket.tag == tag && slots_[bucket.slot].key == key) return {b, true};
    }
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::erase_bucket(std::size_t b) noexcept {
    const std::size_t m = mask();
    std::size_t hole = b;
    for (std::size_t j = (hole + 1) & m;; j = (j + 1) & m) {
        const Bucket& next = table_[j];
        if (next.slot == kNone) break;
        // `next` may move back into the hole unless its home lies cyclically after the hole (in (hole, j]).
        const std::size_t home_distance = (j - home_of(next.tag)) & m;
        if (home_distance >= ((j - hole) & m)) {
            table_[hole] = next;
            hole = j;
        }
    }
    table_[hole] = Bucket{};
}

template <class Key, class Value, class Hash>
bool LruCache<Key, Value, Hash>::reserve_one() noexcept {
    const std::size_t size = table_bits_ == 0 ? 0 : std::size_t{1} << table_bits_;
    if (2 * (entries_ + 1) <= size) return true;
    const unsigned bits = table_bits_ == 0 ? kMinTableBits : table_bits_ + 1;
    std::unique_ptr<Bucket[]> grown(new (std::nothrow) Bucket[std::size_t{1} << bits]);
    if (!grown) return false;
    const std::size_t new_mask = (std::size_t{1} << bits) - 1;
    for (std::size_t b = 0; b < size; ++b) {
        const Bucket& old = table_[b];
        if (old.slot == kNone) continue;
        std::size_t at = old.tag >> (32 - bits);
        while (grown[at].slot != kNone) at = (at + 1) & new_mask;
        grown[at] = old;
    }
    table_ = std::move(grown);
    table_bits_ = bits;
    return true;
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::unlink(Index i) noexcept {
    Slot& s = slots_[i];
    if (s.prev != kNone) {
        slots_[s.prev].next = s.next;
    } else {
        head_ = s.next;
    }
    if (s.next != kNone) {
        slots_[s.next].prev = s.prev;
    } else {
        tail_ = s.prev;
    }
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::link_front(Index i) noexcept {
    Slot& s = slots_[i];
    s.prev = kNone;
    s.next = head_;
    if (head_ != kNone) {
        slots_[head_].prev = i;
    } else {
        tail_ = i;
    }
    head_ = i;
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::remove_slot(Index i, std::size_t b, Releases& out) noexcept {
    Slot& s = slots_[i];
    if (b == kNoBucket) {
        // Find the slot's bucket by its index: no key comparisons, and the slot is known to be indexed.
        const std::size_t m = mask();
        b = home_of(tag_of(s.key));
        while (table_[b].slot != i) {
            HYPASIS_ASSERT(table_[b].slot != kNone);
            b = (b + 1) & m;
        }
    }
    erase_bucket(b);
    unlink(i);
    bytes_ -= charges_[i];
    --entries_;
    out.take(std::move(s.value));
    s.prev = kNone;
    s.next = free_;
    free_ = i;
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::evict_to_capacity(Releases& out) noexcept {
    while (bytes_ > capacity_) {
        HYPASIS_ASSERT(tail_ != kNone);
        remove_slot(tail_, kNoBucket, out);
        ++evictions_;
    }
}

template <class Key, class Value, class Hash>
bool LruCache<Key, Value, Hash>::put(Key key, std::shared_ptr<const Value> value, std::size_t bytes) noexcept {
    const std::size_t charge = bytes == 0 ? 1 : bytes;
    const uint32_t tag = tag_of(key);
    Releases released;
    std::lock_guard lock(mutex_);
    Probe p = table_bits_ == 0 ? Probe{0, false} : probe(key, tag);
    if (!value || charge > capacity_) {
        if (p.found) remove_slot(table_[p.bucket].slot, p.bucket, released);
        ++rejected_;
        return false;
    }
    if (p.found) {
        const Index i = table_[p.bucket].slot;
        Slot& s = slots_[i];
        released.take(std::move(s.value));
        s.value = std::move(value);
        bytes_ = bytes_ - charges_[i] + charge;
        charges_[i] = charge;
        if (i != head_) {
            unlink(i);
            link_front(i);
        }
    } else {
        // Every step that can fail (growing the index, growing the slots, assigning the key) runs before the
        // entry is linked anywhere, so a failure leaves the cache exactly as it was.
        const std::size_t old_bits = table_bits_;
        if (entries_ >= kMaxEntries || !reserve_one()) {
            ++rejected_;
            return false;
        }
        if (table_bits_ != old_bits) p = probe(key, tag);
        const bool reuse = free_ != kNone;
        Index i = free_;
        try {
            if (!reuse) {
                slots_.emplace_back();
                charges_.push_back(0);
                i = static_cast<Index>(slots_.size() - 1);
            }
            slots_[i].key = std::move(key);
        } catch (...) {
            // Undo a growth: the slots are one longer when the charges' growth failed; both are when the key's
            // assignment failed (i is set only after both grew).
            if (!reuse && slots_.size() > charges_.size()) {
                slots_.pop_back();
            } else if (!reuse && i != kNone) {
                slots_.pop_back();
                charges_.pop_back();
            }
            ++rejected_;
            return false;
        }
        if (reuse) free_ = slots_[i].next;
        Slot& s = slots_[i];
        s.value = std::move(value);
        charges_[i] = charge;
        table_[p.bucket] = Bucket{tag, i};
        bytes_ += charge;
        ++entries_;
        link_front(i);
    }
    ++insertions_;
    evict_to_capacity(released);
    return true;
}

template <class Key, class Value, class Hash>
std::shared_ptr<const Value> LruCache<Key, Value, Hash>::get(const Key& key) noexcept {
    const uint32_t tag = tag_of(key);
    std::lock_guard lock(mutex_);
    const Probe p = table_bits_ == 0 ? Probe{0, false} : probe(key, tag);
    if (!p.found) {
        ++misses_;
        return nullptr;
    }
    ++hits_;
    const Index i = table_[p.bucket].slot;
    if (i != head_) {
        unlink(i);
        link_front(i);
    }
    return slots_[i].value;
}

template <class Key, class Value, class Hash>
bool LruCache<Key, Value, Hash>::contains(const Key& key) const noexcept {
    const uint32_t tag = tag_of(key);
    std::lock_guard lock(mutex_);
    return table_bits_ != 0 && probe(key, tag).found;
}

template <class Key, class Value, class Hash>
bool LruCache<Key, Value, Hash>::erase(const Key& key) noexcept {
    const uint32_t tag = tag_of(key);
    Releases released;
    std::lock_guard lock(mutex_);
    if (table_bits_ == 0) return false;
    const Probe p = probe(key, tag);
    if (!p.found) return false;
    remove_slot(table_[p.bucket].slot, p.bucket, released);
    return true;
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::clear() noexcept {
    std::vector<Slot> slots;
    std::vector<std::size_t> charges;
    std::unique_ptr<Bucket[]> table;
    {
        std::lock_guard lock(mutex_);
        slots.swap(slots_);
        charges.swap(charges_);
        table.swap(table_);
        table_bits_ = 0;
        head_ = tail_ = free_ = kNone;
        bytes_ = 0;
        entries_ = 0;
    }
    // The values and the memory are released here, outside the lock.
}

template <class Key, class Value, class Hash>
void LruCache<Key, Value, Hash>::set_capacity(std::size_t capacity_bytes) noexcept {
    Releases released;
    std::lock_guard lock(mutex_);
    capacity_ = capacity_bytes;
    evict_to_capacity(released);
}

template <class Key, class Value, class Hash>
CacheStats LruCache<Key, Value, Hash>::stats() const noexcept {
    std::lock_guard lock(mutex_);
    CacheStats s;
    s.hits = hits_;
    s.misses = misses_;
    s.evictions = evictions_;
    s.insertions = insertions_;
    s.rejected = rejected_;
    s.entries = entries_;
    s.bytes = bytes_;
    s.capacity_bytes = capacity_;
    return s;
}

}  // namespace hypasis::storage
