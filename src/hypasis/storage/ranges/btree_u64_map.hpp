#pragma once
/// An ordered map from uint64 to uint64, as a B+tree: the container under RangeTracker (first -> end).
///
/// Why not std::map: at one million intervals a std::map is 64 MB of 64-byte nodes, and a lookup chases ~20
/// pointers, the deep ones cache and TLB misses: 1.2-1.6 µs per contains() measured here, over the 1 µs budget.
/// A B+tree with 64 keys per node is 4 levels deep at 1M entries, keeps keys in contiguous arrays (one binary
/// search per node over 512 bytes): ~0.1 µs per contains(), and ~17 bytes per entry when filled in key order.
/// The cost is this file: a small, single-purpose tree with no allocator or comparator parameters.
///
/// - Leaves hold up to kLeafCap entries and are linked both ways for iteration; inner nodes hold up to kInnerCap
///   separators. A separator s between children i and i+1 satisfies keys(child i) < s <= keys(child i+1).
/// - Occupancy: every node but the root and the rightmost node of each level holds at least a quarter of its
///   capacity. Appending past the largest key splits the rightmost node unevenly (full left, one entry right), so
///   data loaded in key order packs nodes full.
/// - insert() and erase() are O(log n) and allocate or free at most O(log n) nodes. insert() allocates every node
///   it may need before changing anything, so on std::bad_alloc the map is unchanged (strong guarantee).
/// - Iterators are invalidated by every insert() and erase() (nodes split, merge and borrow); assign() keeps them.
///
/// Thread-safety: a value type; const members may run concurrently, mutations need exclusive access.
#include <array>
#include <cstddef>
#include <cstdint>

namespace hypasis::storage::detail {

class BTreeU64Map {
  public:
    static constexpr int kLeafCap = 64;
    static constexpr int kInnerCap = 64;  ///< separators; an inner node has up to kInnerCap + 1 children
    static constexpr int kLeafMin = kLeafCap / 4;
    static constexpr int kInnerMin = kInnerCap / 4;

  private:
    struct Node {
        bool leaf;
        int n;  // entries in a leaf, separators in an inner node
    };
    // One spare slot in each array lets a node overflow by one before it is split.
    struct Leaf : Node {
        std::array<uint64_t, kLeafCap + 1> keys;
        std::array<uint64_t, kLeafCap + 1> values;
        Leaf* prev;
        Leaf* next;
    };
    struct Inner : Node {
        std::array<uint64_t, kInnerCap + 1> keys;
        std::array<Node*, kInnerCap + 2> children;
    };

  public:
    /// A position: an entry, or end(). Bidirectional; --end() is the last entry.
    class Iter {
      public:
        Iter() = default;
        [[nodiscard]] uint64_t key() const noexcept { return leaf_->keys[static_cast<std::size_t>(i_)]; }
        [[nodiscard]] uint64_t value() const noexcept { return leaf_->values[static_cast<std::size_t>(i_)]; }
        Iter& operator++() noexcept;
        Iter& operator--() noexcept;
        friend bool operator==(const Iter& a, const Iter& b) noexcept { return a.leaf_ == b.leaf_ && a.i_ == b.i_; }

      private:
        friend class BTreeU64Map;
        Iter(const BTreeU64Map* map, const Leaf* leaf, int i) noexcept : map_(map), leaf_(leaf), i_(i) {}
        const BTreeU64Map* map_{nullptr};
        const Leaf* leaf_{nullptr};  // nullptr: end()
        int i_{0};
    };

    BTreeU64Map() = default;
    ~BTreeU64Map();
    BTreeU64Map(const BTreeU64Map& other);
    BTreeU64Map& operator=(const BTreeU64Map& other);
    BTreeU64Map(BTreeU64Map&& other) noexcept;
    BTreeU64Map& operator=(BTreeU64Map&& other) noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    [[nodiscard]] Iter begin() const noexcept { return Iter(this, first_leaf_, 0); }
    [[nodiscard]] Iter end() const noexcept { return Iter(this, nullptr, 0); }
    /// The first entry with key >= k, or end().
    [[nodiscard]] Iter lower_bound(uint64_t k) const noexcept;
    /// The first entry with key > k, or end().
    [[nodiscard]] Iter upper_bound(uint64_t k) const noexcept;
    /// The entry with key k, or end().
    [[nodiscard]] Iter find(uint64_t k) const noexcept;

    /// Inserts (k, v). Returns false, changing nothing, when k is already present. Throws only std::bad_alloc,
    /// and then the map is unchanged.
    bool insert(uint64_t k, uint64_t v);
    /// Erases the entry with key k. Returns false when there is none. Never allocates.
    bool erase(uint64_t k) noexcept;
    /// Overwrites the value of the entry at `it` (not end()). Keeps every iterator valid.
    void assign(const Iter& it, uint64_t v) noexcept;
    /// Erases everything.
    void clear() noexcept;

    /// Checks the structure (key order, separator bounds, equal leaf depth, leaf links, counts, occupancy as
    /// documented above). O(n); for tests.
    [[nodiscard]] bool check_invariants() const noexcept;
    /// Bytes of the nodes currently allocated (node sizes only, not allocator overhead).
    [[nodiscard]] std::size_t node_bytes() const noexcept;

    friend bool operator==(const BTreeU64Map& a, const BTreeU64Map& b) noexcept;

  private:
    static constexpr int kMaxHeight = 40;  // far above log_17(2^64) ~ 16, the height bound at minimum fan-out

    static void destroy(Node* node, int height) noexcept;
    Node* clone(const Node* node, int height, Leaf*& last_leaf);
    const Leaf* descend(uint64_t k) const noexcept;
    /// The inner nodes from the root down to the leaf that holds or would hold `k`, with the child index taken at
    /// each level: insert and erase split or rebalance along it.
    struct Path {
        std::array<Inner*, kMaxHeight> nodes{};
        std::array<int, kMaxHeight> index{};
        int depth{0};
    };
    Leaf* descend(uint64_t k, Path& path) noexcept;
    // Repair an under-full child c of `parent` by borrowing from a sibling or merging with one. They return true
    // on a merge, when the parent lost a separator and may be under-full in turn.
    bool fix_leaf(Inner* parent, int c) noexcept;
    bool fix_inner(Inner* parent, int c) noexcept;
    void fix_upward(Inner* const* path, const int* index, int depth) noexcept;

    Node* root_{nullptr};
    Leaf* first_leaf_{nullptr};
    Leaf* last_leaf_{nullptr};
    std::size_t size_{0};
    int height_{0};  // inner levels above the leaves: 0 when the root is a leaf
    std::size_t leaves_{0};
    std::size_t inners_{0};
};

}  // namespace hypasis::storage::detail
