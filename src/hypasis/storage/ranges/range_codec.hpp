#pragma once
/// How a RangeTracker is persisted: one record per interval in the kv `meta` column.
///
///   key   = "rng/" || kind (1 byte) || be64(first)      (13 bytes)
///   value = be64(end)                                   (8 bytes)
///
/// - Big-endian numbers make the keys of one kind sort by `first`, so a prefix scan over range_key_prefix(kind)
///   returns the intervals in order, the order in which RangeTracker::from_records() packs its tree full.
/// - The prefix keeps the records apart from everything else in `meta` (checkpoints, sync cursors, bans).
/// - A mutation's RangeDelta becomes record deletes and puts through write_delta(), which the block store points
///   at the same WriteBatch as the data, so the records and the data commit together.
///
/// Nothing here touches RocksDB; RangeRecordSink is the seam. All functions are thread-safe (they touch only
/// their arguments).
#include <array>
#include <cstddef>
#include <cstdint>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::storage {

/// The fixed prefix of every range record key.
inline constexpr std::array<uint8_t, 4> kRangeKeyPrefix{'r', 'n', 'g', '/'};
/// The size of a range record key: prefix, kind byte, be64(first).
inline constexpr std::size_t kRangeKeySize = kRangeKeyPrefix.size() + 1 + 8;
/// The size of a range record value: be64(end).
inline constexpr std::size_t kRangeValueSize = 8;

using RangeKey = FixedBytes<kRangeKeySize>;
using RangeKindPrefix = FixedBytes<kRangeKeyPrefix.size() + 1>;

/// The key of the record for the interval of `kind` that starts at `first`.
RangeKey range_key(DataKind kind, uint64_t first) noexcept;

/// The value of the record for an interval that ends (exclusively) at `end`.
FixedBytes<kRangeValueSize> range_value(uint64_t end) noexcept;

/// The key prefix shared by every record of `kind`: scan keys in [range_key_prefix(kind), range_key_upper(kind))
/// to load them all.
RangeKindPrefix range_key_prefix(DataKind kind) noexcept;

/// The exclusive upper bound of the keys of `kind` (the prefix of the next kind byte).
RangeKindPrefix range_key_upper(DataKind kind) noexcept;

/// One decoded record.
struct RangeRecord {
    DataKind kind{DataKind::kHeaders};
    Range range;

    friend bool operator==(const RangeRecord&, const RangeRecord&) = default;
};

/// Decodes one record read back from the store. Errors, checked in this order: kWrongPrefix (also for a key shorter
/// than the prefix), kBadKeyLength, kUnknownKind, kBadValueLength, kEmptyRange (end <= first). Never reads outside
/// the views.
Expected<RangeRecord, RangeRecordError> decode_range_record(ByteView key, ByteView value) noexcept;

/// Where write_delta() sends record writes: the block store adapts its kv WriteBatch (meta column) to it; tests
/// use a std::map. The views are valid only during the call; an implementation must copy them.
class RangeRecordSink {
  public:
    virtual ~RangeRecordSink() = default;
    /// Writes (or overwrites) one record.
    virtual void put(ByteView key, ByteView value) = 0;
    /// Deletes one record (a missing record is not an error).
    virtual void del(ByteView key) = 0;
};

/// Sends the record changes of `delta` for `kind` to `sink`: a delete for each removed interval whose `first` is
/// not re-added, then a put for each added interval. Applied in order to a record set that matched the tracker
/// before the mutation, it leaves the record set matching the tracker after it. Throws what the sink throws.
void write_delta(DataKind kind, const RangeDelta& delta, RangeRecordSink& sink);

}  // namespace hypasis::storage
