#include "hypasis/storage/ranges/range_codec.hpp"

#include <algorithm>

namespace hypasis::storage {

namespace {

uint64_t read_be64(const uint8_t* p) noexcept {
    uint64_t x = 0;
    for (std::size_t i = 0; i < 8; ++i) x = (x << 8) | p[i];
    return x;
}

RangeKindPrefix kind_prefix(uint8_t kind_byte) noexcept {
    RangeKindPrefix out{};
    std::copy(kRangeKeyPrefix.begin(), kRangeKeyPrefix.end(), out.begin());
    out[kRangeKeyPrefix.size()] = kind_byte;
    return out;
}

}  // namespace

RangeKey range_key(DataKind kind, uint64_t first) noexcept {
    RangeKey key{};
    const RangeKindPrefix prefix = kind_prefix(static_cast<uint8_t>(kind));
    std::copy(prefix.begin(), prefix.end(), key.begin());
    const FixedBytes<8> n = be64(first);
    std::copy(n.begin(), n.end(), key.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
    return key;
}

FixedBytes<kRangeValueSize> range_value(uint64_t end) noexcept { return be64(end); }

RangeKindPrefix range_key_prefix(DataKind kind) noexcept { return kind_prefix(static_cast<uint8_t>(kind)); }

RangeKindPrefix range_key_upper(DataKind kind) noexcept {
    // Kinds are small (0..2), so kind + 1 never wraps a byte.
    return kind_prefix(static_cast<uint8_t>(static_cast<uint8_t>(kind) + 1));
}

Expected<RangeRecord, RangeRecordError> decode_range_record(ByteView key, ByteView value) noexcept {
    if (key.size() < kRangeKeyPrefix.size() ||
        !std::equal(kRangeKeyPrefix.begin(), kRangeKeyPrefix.end(), key.begin())) {
        return unexpected(RangeRecordError::kWrongPrefix);
    }
    if (key.size() != kRangeKeySize) return unexpected(RangeRecordError::kBadKeyLength);
    const uint8_t kind_byte = key[kRangeKeyPrefix.size()];
    if (kind_byte >= kDataKindCount) return unexpected(RangeRecordError::kUnknownKind);
    if (value.size() != kRangeValueSize) return unexpected(RangeRecordError::kBadValueLength);

    RangeRecord rec;
    rec.kind = static_cast<DataKind>(kind_byte);
    rec.range.first = read_be64(key.data() + kRangeKeyPrefix.size() + 1);
    rec.range.end = read_be64(value.data());
    if (rec.range.empty()) return unexpected(RangeRecordError::kEmptyRange);
    return rec;
}

void write_delta(DataKind kind, const RangeDelta& delta, RangeRecordSink& sink) {
    // Both lists are sorted by `first`: walk them together and skip the delete of a key that is re-put anyway
    // (an interval that grew or shrank at its end keeps its key).
    auto added = delta.added.begin();
    for (const Range& r : delta.removed) {
        while (added != delta.added.end() && added->first < r.first) ++added;
        if (added != delta.added.end() && added->first == r.first) continue;
        const RangeKey key = range_key(kind, r.first);
        sink.del(key);
    }
    for (const Range& r : delta.added) {
        const RangeKey key = range_key(kind, r.first);
        const auto value = range_value(r.end);
        sink.put(key, value);
    }
}

}  // namespace hypasis::storage
