#include "hypasis/node/commands/rlp_stream_reader.hpp"

#include <cerrno>
#include <cstring>
#include <new>

namespace hypasis::node {
namespace {

// Reads are at least this large, so small items are not read a few bytes at a time.
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

// The length of the RLP header that starts with `b`: the prefix byte plus its length-of-length bytes
// (Yellow Paper, Appendix B).
std::size_t header_size(uint8_t b) noexcept {
    if (b >= 0xf8) return 1 + static_cast<std::size_t>(b - 0xf7);
    if (b >= 0xc0) return 1;
    if (b >= 0xb8) return 1 + static_cast<std::size_t>(b - 0xb7);
    return 1;
}

}  // namespace

std::string StreamError::message(std::size_t cap) const {
    if (io_errno != 0) return std::string("read error: ") + std::strerror(io_errno);
    if (rlp == rlp::DecodingError::kTooLarge && announced_size != 0) {
        return "item of " + std::to_string(announced_size) + " bytes exceeds the cap of " + std::to_string(cap) +
               " bytes";
    }
    return std::string(rlp::to_string(rlp));
}

RlpStreamReader::RlpStreamReader(std::FILE* in, std::size_t max_item_bytes) noexcept
    : in_(in), max_item_bytes_(max_item_bytes) {}

bool RlpStreamReader::fill(std::size_t n) noexcept {
    while (end_ - begin_ < n) {
        // Move what is left to the front, then grow to hold the whole request (plus a chunk) if needed.
        if (begin_ > 0) {
            std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        const std::size_t want = std::max(n, end_ + kReadChunk);
        if (buf_.size() < want) {
            try {
                buf_.resize(want);
            } catch (const std::bad_alloc&) {
                oom_ = true;
                return false;
            }
        }
        const std::size_t got = std::fread(buf_.data() + end_, 1, buf_.size() - end_, in_);
        end_ += got;
        if (got == 0) {
            if (std::ferror(in_) != 0) io_errno_ = errno != 0 ? errno : EIO;
            return end_ - begin_ >= n;
        }
    }
    return true;
}

Expected<std::optional<ByteView>, StreamError> RlpStreamReader::next() noexcept {
    item_offset_ = consumed_;
    auto fail = [this](rlp::DecodingError e, uint64_t announced = 0) {
        StreamError err;
        err.rlp = oom_ ? rlp::DecodingError::kTooLarge : e;
        err.io_errno = io_errno_;
        err.announced_size = announced;
        return unexpected(err);
    };

    if (!fill(1)) {
        if (io_errno_ != 0 || oom_) return fail(rlp::DecodingError::kInputTooShort);
        return std::optional<ByteView>{};  // clean end: no byte left
    }
    const std::size_t head = header_size(buf_[begin_]);
    if (!fill(head)) return fail(rlp::DecodingError::kInputTooShort);

    // Payload length: short forms carry it in the prefix byte, long forms in big-endian length bytes (at most 8;
    // a value that cannot be represented is certainly above the cap).
    const uint8_t b = buf_[begin_];
    uint64_t payload = 0;
    if (b < 0x80) {
        payload = 0;  // the byte is its own encoding
    } else if (b <= 0xb7) {
        payload = b - 0x80u;
    } else if (b < 0xc0 || b >= 0xf8) {
        for (std::size_t i = 1; i < head; ++i) payload = (payload << 8) | buf_[begin_ + i];
    } else {
        payload = b - 0xc0u;
    }
    const uint64_t total = payload > UINT64_MAX - head ? UINT64_MAX : payload + head;
    if (total > max_item_bytes_) return fail(rlp::DecodingError::kTooLarge, total);

    const auto size = static_cast<std::size_t>(total);
    if (!fill(size)) return fail(rlp::DecodingError::kInputTooShort);
    ByteView item{buf_.data() + begin_, size};
    begin_ += size;
    consumed_ += size;
    return std::optional<ByteView>{item};
}

}  // namespace hypasis::node
