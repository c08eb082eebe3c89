#pragma once
/// Reads successive top-level RLP items from a stream, such as the blocks of a geth chain file (`geth export`
/// writes the block lists back to back, with no framing) or a pipe.
///
/// Memory is bounded by the largest single item, never by the stream: each item's size is read from its RLP
/// header and checked against a cap before its bytes are read, so a file of any size is streamed and a
/// corrupted length cannot make the reader allocate more than the cap. Only the outer header is looked at here;
/// the caller decodes the item (strictly) from the returned view, which reports every other malformation.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis::node {

/// Why the next item could not be read.
struct StreamError {
    /// kInputTooShort: the stream ended inside the item (truncated input); kTooLarge: the item's header
    /// announces more than the cap. Meaningless when `io_errno` is non-zero.
    rlp::DecodingError rlp{rlp::DecodingError::kInputTooShort};
    int io_errno{0};  ///< Non-zero: reading the stream failed with this errno.
    uint64_t announced_size{0};  ///< For kTooLarge: the item size (header included) the header announced.

    /// "input too short", "item of N bytes exceeds the cap of M bytes", or the strerror text.
    std::string message(std::size_t cap) const;
};

/// Not thread-safe: one reader per stream, used from one thread. Does not own or close the FILE.
class RlpStreamReader {
public:
    /// `in` must be open for reading; `max_item_bytes` caps one item, header included.
    RlpStreamReader(std::FILE* in, std::size_t max_item_bytes) noexcept;

    /// The next whole item (header and payload) as a view into the reader's buffer, valid until the next call;
    /// nullopt at the clean end of the stream (no byte left). After an error the reader must not be used again.
    /// Out of memory while growing the buffer is reported as kTooLarge.
    Expected<std::optional<ByteView>, StreamError> next() noexcept;

    /// The stream offset of the first byte of the item last returned by next(), or of the item next() failed
    /// on.
    uint64_t item_offset() const noexcept { return item_offset_; }

    std::size_t max_item_bytes() const noexcept { return max_item_bytes_; }

private:
    // Makes at least `n` unconsumed bytes available, reading more as needed; false at end of stream or on a read
    // error (io_errno_ set).
    bool fill(std::size_t n) noexcept;

    std::FILE* in_;
    std::size_t max_item_bytes_;
    Bytes buf_;
    std::size_t begin_{0};  // first unconsumed byte in buf_
    std::size_t end_{0};    // one past the last valid byte in buf_
    uint64_t consumed_{0};  // stream offset of buf_[begin_]
    uint64_t item_offset_{0};
    int io_errno_{0};
    bool oom_{false};
};

}  // namespace hypasis::node
