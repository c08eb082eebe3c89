#include "hypasis/storage/ranges/range_tracker.hpp"

#include <algorithm>
#include <iterator>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::storage {

std::string to_string(Range r) {
    return "[" + std::to_string(r.first) + ", " + std::to_string(r.end) + ")";
}

std::string_view to_string(DataKind k) noexcept {
    switch (k) {
        case DataKind::kHeaders:
            return "headers";
        case DataKind::kBodies:
            return "bodies";
        case DataKind::kReceipts:
            return "receipts";
    }
    return "unknown";
}

std::string_view to_string(RangeRecordError e) noexcept {
    switch (e) {
        case RangeRecordError::kWrongPrefix:
            return "wrong prefix";
        case RangeRecordError::kBadKeyLength:
            return "bad key length";
        case RangeRecordError::kUnknownKind:
            return "unknown data kind";
        case RangeRecordError::kBadValueLength:
            return "bad value length";
        case RangeRecordError::kEmptyRange:
            return "empty range";
        case RangeRecordError::kOverlapping:
            return "overlapping ranges";
        case RangeRecordError::kAdjacent:
            return "adjacent ranges not merged";
    }
    return "unknown range record error";
}

std::string to_string(const RangeLoadError& e) {
    std::string out(to_string(e.code));
    out += ": ";
    out += to_string(e.record);
    if (e.code == RangeRecordError::kOverlapping || e.code == RangeRecordError::kAdjacent) {
        out += " and ";
        out += to_string(e.conflict);
    }
    return out;
}

namespace {

// Lexicographic (first, end) order. Every list in a delta is sorted by `first` with distinct firsts, so it is also
// sorted in this order, which the set algorithms below need.
bool range_less(const Range& a, const Range& b) noexcept {
    return a.first != b.first ? a.first < b.first : a.end < b.end;
}

std::vector<Range> minus(const std::vector<Range>& a, const std::vector<Range>& b) {
    std::vector<Range> out;
    out.reserve(a.size());
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), range_less);
    return out;
}

std::vector<Range> merged(const std::vector<Range>& a, const std::vector<Range>& b) {
    std::vector<Range> out;
    out.reserve(a.size() + b.size());
    std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), range_less);
    return out;
}

}  // namespace

RangeDelta compose(const RangeDelta& first, const RangeDelta& second) {
    // With S0 -(first)-> S1 -(second)-> S2: an interval of first.added that second removes never reached S2, and an
    // interval of first.removed that second re-adds was in S0 and is in S2. What is left is exactly S0 \ S2 and
    // S2 \ S0.
    RangeDelta out;
    out.removed = merged(minus(first.removed, second.added), minus(second.removed, first.added));
    out.added = merged(minus(first.added, second.removed), minus(second.added, first.removed));
    return out;
}

RangeDelta RangeTracker::add(Range r) {
    RangeDelta delta;
    if (r.empty()) return delta;

    // The first interval that overlaps r or touches it from below: the last one starting at or before r.first if
    // it reaches r.first, else the one after it.
    auto it = map_.upper_bound(r.first);
    if (it != map_.begin()) {
        auto prev = it;
        --prev;
        if (prev.value() >= r.first) it = prev;
    }
    if (it != map_.end() && it.key() <= r.first && it.value() >= r.end) return delta;  // already present

    // Read-only pass: the intervals r merges with (they touch or overlap r) and the merged result. Most adds merge
    // with at most two (fill a gap between them), so room for two saves a reallocation.
    delta.removed.reserve(2);
    Range merged_range = r;
    const bool keeps_first_key = it != map_.end() && it.key() <= r.first && it.value() >= r.first;
    const auto first_affected = it;
    for (; it != map_.end() && it.key() <= r.end; ++it) {
        merged_range.first = std::min(merged_range.first, it.key());
        merged_range.end = std::max(merged_range.end, it.value());
        delta.removed.push_back(Range{it.key(), it.value()});
    }
    delta.added.reserve(1);

    // Mutation: everything that can throw comes first, so a std::bad_alloc leaves the tracker as it was.
    if (keeps_first_key) {
        // The merged interval starts where the first affected one did: update its end in place.
        map_.assign(first_affected, merged_range.end);
        for (std::size_t j = 1; j < delta.removed.size(); ++j) (void)map_.erase(delta.removed[j].first);
    } else {
        const bool inserted = map_.insert(merged_range.first, merged_range.end);
        HYPASIS_ASSERT(inserted);  // r.first lies strictly between two interval keys
        for (const Range& old : delta.removed) (void)map_.erase(old.first);
    }
    for (const Range& old : delta.removed) block_count_ -= old.size();
    block_count_ += merged_range.size();
    delta.added.push_back(merged_range);
    return delta;
}

RangeDelta RangeTracker::remove(Range r) {
    RangeDelta delta;
    if (r.empty()) return delta;

    // The first interval that shares a block with r.
    auto it = map_.upper_bound(r.first);
    if (it != map_.begin()) {
        auto prev = it;
        --prev;
        if (prev.value() > r.first) it = prev;
    }
    const auto first_hit = it;
    for (; it != map_.end() && it.key() < r.end; ++it) delta.removed.push_back(Range{it.key(), it.value()});
    if (delta.removed.empty()) return delta;
    delta.added.reserve(2);

    // Only the first interval can keep a piece below r, and only the last one a piece above it.
    const Range lowest_hit = delta.removed.front();
    const Range highest_hit = delta.removed.back();
    const bool left_piece = lowest_hit.first < r.first;
    const bool right_piece = highest_hit.end > r.end;

    // The first hit keeps its key when a piece of it stays below r: trim its end in place, through the iterator
    // that still points at it. Then the insert, the only step that can throw: it changes nothing when it throws,
    // so undoing the trim restores the tracker. No interval starts at r.end: the one that would is not hit by r,
    // yet highest_hit contains r.end.
    if (left_piece) map_.assign(first_hit, r.first);
    if (right_piece) {
        try {
            const bool inserted = map_.insert(r.end, highest_hit.end);
            HYPASIS_ASSERT(inserted);
        } catch (...) {
            if (left_piece) map_.assign(first_hit, lowest_hit.end);
            throw;
        }
    }
    for (std::size_t j = left_piece ? 1 : 0; j < delta.removed.size(); ++j) (void)map_.erase(delta.removed[j].first);

    for (const Range& old : delta.removed) block_count_ -= old.size();
    if (left_piece) delta.added.push_back(Range{lowest_hit.first, r.first});
    if (right_piece) delta.added.push_back(Range{r.end, highest_hit.end});
    for (const Range& piece : delta.added) block_count_ += piece.size();
    return delta;
}

void RangeTracker::revert(const RangeDelta& delta) {
    for (const Range& r : delta.added) {
        auto it = map_.find(r.first);
        HYPASIS_ASSERT(it != map_.end() && it.value() == r.end);
        block_count_ -= r.size();
        (void)map_.erase(r.first);
    }
    for (const Range& r : delta.removed) {
        const bool inserted = map_.insert(r.first, r.end);
        HYPASIS_ASSERT(inserted);
        block_count_ += r.size();
    }
}

RangeDelta RangeTracker::clear() {
    RangeDelta delta;
    delta.removed = to_vector();
    map_.clear();
    block_count_ = 0;
    return delta;
}

bool RangeTracker::contains(uint64_t block_num) const noexcept {
    auto it = map_.upper_bound(block_num);
    if (it == map_.begin()) return false;
    --it;
    return block_num < it.value();
}

bool RangeTracker::contains_all(Range r) const noexcept {
    if (r.empty()) return true;
    auto holder = interval_containing(r.first);
    return holder && holder->end >= r.end;
}

std::optional<Range> RangeTracker::interval_containing(uint64_t block_num) const noexcept {
    auto it = map_.upper_bound(block_num);
    if (it == map_.begin()) return std::nullopt;
    --it;
    if (block_num >= it.value()) return std::nullopt;
    return Range{it.key(), it.value()};
}

std::vector<Range> RangeTracker::gaps(Range within, std::size_t max_gaps) const {
    std::vector<Range> out;
    if (within.empty() || max_gaps == 0) return out;

    uint64_t cursor = within.first;  // the lowest block not yet known to be present or reported
    auto it = map_.upper_bound(within.first);
    if (it != map_.begin()) {
        auto prev = it;
        --prev;
        if (prev.value() > cursor) cursor = prev.value();
    }
    for (; it != map_.end() && it.key() < within.end && cursor < within.end; ++it) {
        if (it.key() > cursor) {
            out.push_back(Range{cursor, it.key()});
            if (out.size() == max_gaps) return out;
        }
        cursor = it.value();
    }
    if (cursor < within.end) out.push_back(Range{cursor, within.end});
    return out;
}

std::optional<Range> RangeTracker::next_gap(uint64_t below, uint64_t floor) const noexcept {
    if (floor >= below) return std::nullopt;
    const uint64_t top = below - 1;  // the highest block of [floor, below)

    auto it = map_.upper_bound(top);  // the first interval starting above top
    uint64_t gap_end = below;
    if (it != map_.begin()) {
        auto prev = it;
        --prev;
        if (prev.value() > top) {
            // top is present: the gap ends where its interval starts.
            if (prev.key() <= floor) return std::nullopt;
            gap_end = prev.key();
            it = prev;
        }
    }
    // `it` is now the first interval at or above gap_end; the one before it (if any) ends below gap_end, since
    // intervals never touch.
    uint64_t gap_first = 0;
    if (it != map_.begin()) {
        --it;
        gap_first = it.value();
    }
    return Range{std::max(gap_first, floor), gap_end};
}

std::optional<Range> RangeTracker::contiguous_suffix() const noexcept {
    if (map_.empty()) return std::nullopt;
    auto last = map_.end();
    --last;
    return Range{last.key(), last.value()};
}

std::optional<uint64_t> RangeTracker::highest() const noexcept {
    if (map_.empty()) return std::nullopt;
    auto last = map_.end();
    --last;
    return last.value() - 1;
}

std::optional<uint64_t> RangeTracker::lowest() const noexcept {
    if (map_.empty()) return std::nullopt;
    return map_.begin().key();
}

std::vector<Range> RangeTracker::to_vector() const {
    std::vector<Range> out;
    out.reserve(map_.size());
    for (auto it = map_.begin(); it != map_.end(); ++it) out.push_back(Range{it.key(), it.value()});
    return out;
}

Expected<RangeTracker, RangeLoadError> RangeTracker::from_records(std::span<const Range> records) {
    RangeTracker t;
    for (const Range& r : records) {
        if (r.empty()) return unexpected(RangeLoadError{RangeRecordError::kEmptyRange, r, Range{}});

        // The neighbours r would sit between. In key order (a prefix scan) that is always the last interval.
        auto next = t.map_.lower_bound(r.first);
        const bool has_prev = next != t.map_.begin();
        Range prev{};
        if (has_prev) {
            auto p = next;
            --p;
            prev = Range{p.key(), p.value()};
        }
        const bool has_next = next != t.map_.end();
        const Range after = has_next ? Range{next.key(), next.value()} : Range{};

        if (has_prev && prev.end > r.first) return unexpected(RangeLoadError{RangeRecordError::kOverlapping, r, prev});
        if (has_next && after.first < r.end) {
            return unexpected(RangeLoadError{RangeRecordError::kOverlapping, r, after});
        }
        if (has_prev && prev.end == r.first) return unexpected(RangeLoadError{RangeRecordError::kAdjacent, r, prev});
        if (has_next && after.first == r.end) return unexpected(RangeLoadError{RangeRecordError::kAdjacent, r, after});

        const bool inserted = t.map_.insert(r.first, r.end);
        HYPASIS_ASSERT(inserted);  // an equal key would have been reported as overlapping
        t.block_count_ += r.size();
    }
    return t;
}

}  // namespace hypasis::storage
