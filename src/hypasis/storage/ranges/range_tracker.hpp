#pragma once
/// The range tracker: which block numbers of one data kind (headers, bodies or receipts) are stored, as a set of
/// coalesced half-open intervals `[first, end)`.
///
/// - Memory, and the persisted records, are proportional to the number of intervals, never to the number of
///   blocks: 10M contiguous headers are one interval, one tree entry, one meta record.
/// - Every mutation returns a RangeDelta: the exact intervals whose records must be deleted and written. The
///   block store writes a delta (through range_codec.hpp) into the same kv WriteBatch as the data it describes,
///   so the tracker on disk and the data commit atomically (DESIGN §4).
/// - Block numbers are uint64 and ranges are half-open, so `end` can be at most UINT64_MAX and the largest block
///   that can be tracked is kMaxTrackedBlock = UINT64_MAX - 1. Block UINT64_MAX is never contained; a range
///   cannot name it. No chain comes within many orders of magnitude of that limit.
///
/// Thread-safety: a RangeTracker is a plain value. Const member functions may run concurrently with each other;
/// any mutation needs exclusive access (the block store guards its trackers with its own lock).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/storage/ranges/btree_u64_map.hpp"

namespace hypasis::storage {

/// The largest block number a tracker can hold (`end` is exclusive and at most UINT64_MAX).
inline constexpr uint64_t kMaxTrackedBlock = UINT64_MAX - 1;

/// A half-open range of block numbers `[first, end)`. A range with `end <= first` is empty.
struct Range {
    uint64_t first{0};
    uint64_t end{0};

    /// True when the range holds no block (`end <= first`).
    [[nodiscard]] constexpr bool empty() const noexcept { return end <= first; }
    /// The number of blocks in the range (0 when empty).
    [[nodiscard]] constexpr uint64_t size() const noexcept { return empty() ? 0 : end - first; }
    /// True when `block_num` lies in `[first, end)`.
    [[nodiscard]] constexpr bool contains(uint64_t block_num) const noexcept {
        return block_num >= first && block_num < end;
    }

    friend constexpr bool operator==(const Range&, const Range&) = default;
};

/// "[first, end)", for messages and test output.
std::string to_string(Range r);

/// The kinds of block data that each have their own tracker (and their own persisted records).
enum class DataKind : uint8_t { kHeaders = 0, kBodies = 1, kReceipts = 2 };

/// The number of DataKind values (for arrays indexed by kind).
inline constexpr std::size_t kDataKindCount = 3;

/// "headers", "bodies" or "receipts".
std::string_view to_string(DataKind k) noexcept;

/// Why persisted range records were rejected: the first five while decoding one record (range_codec.hpp), the
/// last two while checking a whole set (RangeTracker::from_records).
enum class [[nodiscard]] RangeRecordError {
    kWrongPrefix = 1,  ///< The key does not start with the range-record prefix.
    kBadKeyLength,     ///< The key is not prefix + kind byte + 8-byte first.
    kUnknownKind,      ///< The kind byte is not a DataKind.
    kBadValueLength,   ///< The value is not an 8-byte big-endian end.
    kEmptyRange,       ///< end <= first.
    kOverlapping,      ///< Two records share a block.
    kAdjacent,         ///< Two records touch (one's end is the other's first) yet were not merged.
};

/// A short, stable, human-readable name of the error ("wrong prefix", ...).
std::string_view to_string(RangeRecordError e) noexcept;

/// A rejected record set: what is wrong, the offending record and, for kOverlapping and kAdjacent, the record it
/// conflicts with (`conflict` is empty otherwise).
struct RangeLoadError {
    RangeRecordError code{RangeRecordError::kEmptyRange};
    Range record;
    Range conflict;

    friend bool operator==(const RangeLoadError&, const RangeLoadError&) = default;
};

/// "overlapping ranges: [8, 12) and [5, 10)", for messages.
std::string to_string(const RangeLoadError& e);

/// The change a mutation made to a tracker's interval set, as whole intervals.
///
/// `removed` lists intervals that no longer exist (their records must be deleted, keyed by their `first`);
/// `added` lists the intervals that now exist and did not before (their records must be written). Both are
/// sorted by `first`, and no interval appears in both. An interval that only changed its end appears in both
/// lists under the same `first` (old end removed, new end added): writing the delta must therefore delete
/// before it puts, which write_delta() in range_codec.hpp does (and it skips the redundant delete).
struct RangeDelta {
    std::vector<Range> removed;
    std::vector<Range> added;

    /// True when the mutation changed nothing.
    [[nodiscard]] bool empty() const noexcept { return removed.empty() && added.empty(); }

    friend bool operator==(const RangeDelta&, const RangeDelta&) = default;
};

/// The net delta of applying `first` and then `second` to the same tracker. Intervals that `second` removes
/// after `first` added them (or re-adds after `first` removed them) cancel out, so that the result, written once,
/// takes the records from the state before `first` straight to the state after `second`. Useful for a reorg:
/// compose(tracker.remove(...), tracker.add(...)) goes into one WriteBatch. Throws only std::bad_alloc.
RangeDelta compose(const RangeDelta& first, const RangeDelta& second);

/// A set of coalesced intervals: sorted, non-overlapping and non-adjacent (`[0,10)` plus `[10,20)` is stored as
/// `[0,20)`). It is a B+tree from `first` to `end` (btree_u64_map.hpp); why that, and not a std::map, a sorted
/// vector or a bitmap, is in README.md. Costs are for n intervals; k is the number of intervals an operation
/// touches or reports.
class RangeTracker {
  public:
    /// Iterates the intervals in ascending order, yielding Range by value. Invalidated by any mutation of the
    /// tracker.
    class ConstIterator {
      public:
        using iterator_category = std::bidirectional_iterator_tag;
        using value_type = Range;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = Range;

        ConstIterator() = default;
        Range operator*() const noexcept { return Range{it_.key(), it_.value()}; }
        ConstIterator& operator++() noexcept {
            ++it_;
            return *this;
        }
        ConstIterator operator++(int) noexcept {
            ConstIterator old = *this;
            ++it_;
            return old;
        }
        ConstIterator& operator--() noexcept {
            --it_;
            return *this;
        }
        ConstIterator operator--(int) noexcept {
            ConstIterator old = *this;
            --it_;
            return old;
        }
        friend bool operator==(const ConstIterator&, const ConstIterator&) = default;

      private:
        friend class RangeTracker;
        explicit ConstIterator(detail::BTreeU64Map::Iter it) noexcept : it_(it) {}
        detail::BTreeU64Map::Iter it_{};
    };

    /// An ordered, non-owning view of the intervals (valid until the tracker is mutated or destroyed).
    class IntervalView {
      public:
        [[nodiscard]] ConstIterator begin() const noexcept { return begin_; }
        [[nodiscard]] ConstIterator end() const noexcept { return end_; }

      private:
        friend class RangeTracker;
        IntervalView(ConstIterator b, ConstIterator e) noexcept : begin_(b), end_(e) {}
        ConstIterator begin_;
        ConstIterator end_;
    };

    RangeTracker() = default;

    /// Rebuilds a tracker from persisted intervals (decoded with decode_range_record() in range_codec.hpp), in any
    /// order. A consistent record set is always fully coalesced, so an empty range (kEmptyRange), two ranges that
    /// overlap (kOverlapping) or two that touch without being merged (kAdjacent) mean the records are corrupt:
    /// the error names the offending record and the one it conflicts with, and the caller must report it rather
    /// than guess. O(n log n); input sorted by `first` (the order a kv prefix scan yields) packs the tree's nodes
    /// full. Throws only std::bad_alloc.
    static Expected<RangeTracker, RangeLoadError> from_records(std::span<const Range> records);

    // ---- mutations ----

    /// Marks every block of `r` as present, merging with overlapping and adjacent intervals. Returns the delta;
    /// empty when `r` is empty or already fully present. O((k + 1) log n) for k intervals merged away, amortised
    /// O(log n) (an interval is merged away at most once after the add that created it). Extending an interval
    /// at its end (forward sync) changes no tree node. Throws only std::bad_alloc, and then the tracker is
    /// unchanged.
    RangeDelta add(Range r);

    /// Marks every block of `r` as missing, trimming or splitting intervals (for corruption repair and reorgs).
    /// Returns the delta; empty when `r` is empty or holds no present block. O((k + 1) log n) for k intervals
    /// touched. Throws only std::bad_alloc, and then the tracker is unchanged.
    RangeDelta remove(Range r);

    /// Undoes a delta returned by the last mutation(s) (most recent first, or a composed delta): erases the
    /// intervals in `delta.added` and restores those in `delta.removed`. The block store calls it when the
    /// WriteBatch that carried the delta failed to commit, so memory matches disk again. Precondition: `delta`
    /// describes this tracker's latest change (checked: a mismatch is a programming error and aborts).
    /// O(k log n). Throws only std::bad_alloc (then the tracker is unspecified and must be reloaded).
    void revert(const RangeDelta& delta);

    /// Removes every interval. Returns the delta (every interval removed). Throws only std::bad_alloc.
    RangeDelta clear();

    // ---- queries (noexcept unless they return a vector) ----

    /// True when `block_num` is present. O(log n).
    [[nodiscard]] bool contains(uint64_t block_num) const noexcept;

    /// True when every block of `r` is present (true for an empty `r`). O(log n).
    [[nodiscard]] bool contains_all(Range r) const noexcept;

    /// The interval that holds `block_num`, or nullopt when the block is missing. O(log n).
    [[nodiscard]] std::optional<Range> interval_containing(uint64_t block_num) const noexcept;

    /// The missing ranges inside `within`, ascending, each clipped to `within`. At most `max_gaps` are returned
    /// (the lowest ones). O(log n + k) for k intervals inside `within`. Empty when `within` is empty or fully
    /// present. Throws only std::bad_alloc.
    [[nodiscard]] std::vector<Range> gaps(Range within, std::size_t max_gaps = SIZE_MAX) const;

    /// The next gap to fill, newest first: the highest run of missing blocks inside `[floor, below)`, clipped to
    /// it. nullopt when every block of `[floor, below)` is present or the range is empty. Backward sync calls it
    /// with `below` = the lowest block it has looked at so far. O(log n).
    [[nodiscard]] std::optional<Range> next_gap(uint64_t below, uint64_t floor) const noexcept;

    /// The highest interval (the largest contiguous run that ends at the highest present block), or nullopt when
    /// the tracker is empty. O(1).
    [[nodiscard]] std::optional<Range> contiguous_suffix() const noexcept;

    /// The highest present block, or nullopt when empty. O(1).
    [[nodiscard]] std::optional<uint64_t> highest() const noexcept;

    /// The lowest present block, or nullopt when empty. O(1).
    [[nodiscard]] std::optional<uint64_t> lowest() const noexcept;

    /// The intervals in ascending order. O(1) to create.
    [[nodiscard]] IntervalView intervals() const noexcept { return {begin(), end()}; }
    [[nodiscard]] ConstIterator begin() const noexcept { return ConstIterator(map_.begin()); }
    [[nodiscard]] ConstIterator end() const noexcept { return ConstIterator(map_.end()); }

    /// The intervals copied into a vector, ascending. O(n). Throws only std::bad_alloc.
    [[nodiscard]] std::vector<Range> to_vector() const;

    /// The number of intervals. O(1).
    [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
    /// True when no block is present.
    [[nodiscard]] bool empty() const noexcept { return map_.empty(); }
    /// The number of present blocks (the sum of the interval sizes; it cannot overflow, since every block is
    /// below UINT64_MAX). O(1).
    [[nodiscard]] uint64_t block_count() const noexcept { return block_count_; }

    friend bool operator==(const RangeTracker& a, const RangeTracker& b) noexcept { return a.map_ == b.map_; }

  private:
    // first -> end. Invariant: for consecutive entries a < b, a.end < b.first (no overlap, no adjacency), and
    // every entry has first < end.
    detail::BTreeU64Map map_;
    uint64_t block_count_{0};
};

}  // namespace hypasis::storage
