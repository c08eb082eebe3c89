#pragma once
/// The block store's row formats (storage/README.md has the table). Pure byte layout, no I/O; the block store and
/// its tests use these so that the layout is written down once.
///
/// | column      | key                 | value                                              |
/// |-------------|---------------------|----------------------------------------------------|
/// | headers     | be64(block_num)     | block hash (32) || header RLP as received          |
/// | bodies      | be64(block_num)     | body RLP `[txs, ommers, withdrawals?]` as received |
/// | receipts    | be64(block_num)     | receipt list in eth/69 slim form (EIP-7642)        |
/// | hash_to_num | block hash (32)     | be64(block_num)                                    |
/// | tx_index    | txn hash (32)       | be64(block_num) || be32(index in body)             |
/// | meta        | "schema_version"    | be32(kSchemaVersion)                               |
/// | meta        | range_key(kind, f)  | be64(end) (ranges/range_codec.hpp)                 |
///
/// All functions are noexcept (or throw only std::bad_alloc where they return Bytes) and thread-safe.
#include <cstdint>
#include <optional>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::storage::schema {

/// The meta key of the schema version record.
inline constexpr std::string_view kSchemaVersionKey{"schema_version"};

/// The size of a block-number key and of a hash_to_num value.
inline constexpr std::size_t kNumSize = 8;
/// The size of a tx_index value.
inline constexpr std::size_t kTxIndexValueSize = 12;

/// The key of block `block_num` in headers, bodies and receipts.
inline FixedBytes<8> num_key(uint64_t block_num) noexcept { return be64(block_num); }

/// Reads a big-endian 64-bit number; nullopt unless `v` is exactly 8 bytes.
inline std::optional<uint64_t> read_be64(ByteView v) noexcept {
    if (v.size() != 8) return std::nullopt;
    uint64_t x = 0;
    for (const uint8_t b : v) x = (x << 8) | b;
    return x;
}

/// The value of a tx_index entry.
inline FixedBytes<kTxIndexValueSize> tx_index_value(uint64_t block_num, uint32_t index) noexcept {
    FixedBytes<kTxIndexValueSize> out{};
    const auto n = be64(block_num);
    for (std::size_t i = 0; i < 8; ++i) out[i] = n[i];
    for (std::size_t i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(index >> (8 * (3 - i)));
    return out;
}

/// A decoded tx_index value.
struct TxIndexValue {
    uint64_t block_num{0};
    uint32_t index{0};
};

/// Decodes a tx_index value; nullopt unless it is exactly 12 bytes.
inline std::optional<TxIndexValue> read_tx_index_value(ByteView v) noexcept {
    if (v.size() != kTxIndexValueSize) return std::nullopt;
    TxIndexValue out;
    out.block_num = *read_be64(v.first(8));
    for (std::size_t i = 8; i < 12; ++i) out.index = (out.index << 8) | v[i];
    return out;
}

/// The header row: hash || rlp. Throws only std::bad_alloc.
inline void header_row(Bytes& out, const Hash& hash, ByteView rlp) {
    out.clear();
    out.reserve(hash.size() + rlp.size());
    out.insert(out.end(), hash.begin(), hash.end());
    out.insert(out.end(), rlp.begin(), rlp.end());
}

/// The be32 schema version value.
inline FixedBytes<4> schema_version_value(uint32_t version) noexcept {
    return {static_cast<uint8_t>(version >> 24), static_cast<uint8_t>(version >> 16),
            static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version)};
}

}  // namespace hypasis::storage::schema
