#pragma once
/// e2store records (nimbus-eth2 docs/e2store.md): the type-length-value framing of .e2s, .era and .era1 files.
///
/// Each record is an 8-byte header, then `length` bytes of data:
///
///     type: 2 bytes | length: uint32 little-endian | reserved: 2 bytes, must be zero
///
/// This is pure parsing of bytes already in memory: no file I/O, no snappy (era1 entries are snappy-framed;
/// decompressing them is the era1 reader's job). Functions are noexcept and thread-safe.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"

namespace hypasis::e2store {

/// Why an e2store record was rejected. Input comes from files and the network: never asserted on.
enum class [[nodiscard]] E2StoreError {
    kTruncatedHeader = 1,  ///< Fewer than 8 bytes remain where a record header should start.
    kTruncatedData,        ///< The header announces more data than the input holds.
    kReservedNotZero,      ///< The reserved field is not zero (the spec requires 0).
    kTooLarge,             ///< The announced length exceeds the caller's bound.
};

/// A short, stable, human-readable name of the error.
std::string_view to_string(E2StoreError e) noexcept;

/// Size of a record header.
inline constexpr std::size_t kHeaderSize = 8;

/// A record type as the specs write it: the first type byte is the high byte, so "0x6532" is the bytes
/// 0x65 0x32 ("e2") in the file. Types whose first byte is 0x80 or above are application-specific.
using EntryType = uint16_t;

inline constexpr EntryType kEmpty = 0x0000;
inline constexpr EntryType kVersion = 0x6532;  ///< "e2"; data empty; first record of era and era1 files.
/// era1 (eth-clients/e2store-format-specs, formats/era1.md).
inline constexpr EntryType kCompressedHeader = 0x0300;
inline constexpr EntryType kCompressedBody = 0x0400;
inline constexpr EntryType kCompressedReceipts = 0x0500;
inline constexpr EntryType kTotalDifficulty = 0x0600;
inline constexpr EntryType kAccumulator = 0x0700;
inline constexpr EntryType kBlockIndex = 0x6632;  ///< "f2"

/// One record. `data` views the input it was read from; the input must outlive it.
struct Entry {
    EntryType type{kEmpty};
    ByteView data;
};

/// Reads the record at the front of `in` and advances `in` past it (header and data). Records of any type are
/// returned; skipping unknown ones is the caller's choice. A length above `max_length` is rejected with
/// kTooLarge before anything else is read. On error `in` is unchanged.
Expected<Entry, E2StoreError> read_entry(ByteView& in, std::size_t max_length = SIZE_MAX) noexcept;

/// Appends one record to `out`. Precondition: data.size() fits in 32 bits (checked; a larger one is a bug in the
/// caller). Throws only std::bad_alloc.
void write_entry(Bytes& out, EntryType type, ByteView data);

}  // namespace hypasis::e2store
