#include "hypasis/core/trie/node.hpp"

#include <algorithm>
#include <cstring>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::trie::detail {

namespace {

// Length of the hex-prefix form of a path of `nibbles` nibbles: one flag byte (which also carries the first
// nibble when the count is odd), then the remaining nibbles packed two per byte.
std::size_t hex_prefix_length(std::size_t nibbles) noexcept { return nibbles / 2 + 1; }

// Length of the RLP string item holding the hex-prefix form. A one-byte hex prefix is always below 0x80 (the
// flag nibble is at most 3), so it is its own encoding.
std::size_t hex_prefix_item_length(std::size_t nibbles) noexcept {
    const std::size_t len = hex_prefix_length(nibbles);
    return len == 1 ? 1 : rlp::header_length(len) + len;
}

// Appends an RLP string header for a payload of `len` bytes (len >= 2 here, so the one-byte form never applies).
void append_string_header(Bytes& out, std::size_t len) {
    if (len < 56) {
        out.push_back(static_cast<uint8_t>(0x80 + len));
        return;
    }
    const std::size_t len_of_len = rlp::header_length(len) - 1;
    out.push_back(static_cast<uint8_t>(0xb7 + len_of_len));
    for (std::size_t i = len_of_len; i-- > 0;) out.push_back(static_cast<uint8_t>(len >> (8 * i)));
}

// Appends the hex-prefix encoding of `path` (Yellow Paper, Appendix C) as an RLP string item.
void append_hex_prefix_item(Bytes& out, ByteView path, bool leaf) {
    const std::size_t len = hex_prefix_length(path.size());
    if (len > 1) append_string_header(out, len);
    const bool odd = (path.size() % 2) != 0;
    const uint8_t flag = static_cast<uint8_t>((leaf ? 2 : 0) + (odd ? 1 : 0));
    std::size_t i = 0;
    if (odd) {
        out.push_back(static_cast<uint8_t>((flag << 4) | path[0]));
        i = 1;
    } else {
        out.push_back(static_cast<uint8_t>(flag << 4));
    }
    for (; i < path.size(); i += 2) out.push_back(static_cast<uint8_t>((path[i] << 4) | path[i + 1]));
}

}  // namespace

NodeRef make_ref(ByteView rlp, std::size_t& keccak_calls) noexcept {
    NodeRef ref;
    if (rlp.size() < 32) {
        ref.size = static_cast<uint8_t>(rlp.size());
        std::memcpy(ref.bytes.data(), rlp.data(), rlp.size());
        return ref;
    }
    const Hash h = crypto::keccak256(rlp);
    ++keccak_calls;
    ref.size = 33;
    ref.bytes[0] = 0xa0;
    std::memcpy(ref.bytes.data() + 1, h.data(), h.size());
    return ref;
}

Hash root_hash(const NodeRef& ref, std::size_t& keccak_calls) noexcept {
    if (ref.size == 33) {
        Hash h;
        std::memcpy(h.data(), ref.bytes.data() + 1, h.size());
        return h;
    }
    ++keccak_calls;
    return crypto::keccak256(ref.view());
}

void encode_leaf(Bytes& out, ByteView path, ByteView value) {
    out.clear();
    rlp::encode_list_header(out, hex_prefix_item_length(path.size()) + rlp::string_length(value));
    append_hex_prefix_item(out, path, /*leaf=*/true);
    rlp::encode_string(out, value);
}

void encode_extension(Bytes& out, ByteView path, ByteView child_ref) {
    out.clear();
    rlp::encode_list_header(out, hex_prefix_item_length(path.size()) + child_ref.size());
    append_hex_prefix_item(out, path, /*leaf=*/false);
    out.insert(out.end(), child_ref.begin(), child_ref.end());
}

void encode_branch(Bytes& out, std::span<const ByteView, 16> children, ByteView value) {
    out.clear();
    std::size_t payload = rlp::string_length(value);
    for (const ByteView& c : children) payload += c.empty() ? 1 : c.size();
    rlp::encode_list_header(out, payload);
    for (const ByteView& c : children) {
        if (c.empty()) {
            out.push_back(0x80);
        } else {
            out.insert(out.end(), c.begin(), c.end());
        }
    }
    rlp::encode_string(out, value);
}

void append_nibbles(Bytes& out, ByteView bytes) {
    out.reserve(out.size() + 2 * bytes.size());
    for (uint8_t b : bytes) {
        out.push_back(static_cast<uint8_t>(b >> 4));
        out.push_back(static_cast<uint8_t>(b & 0x0f));
    }
}

std::size_t common_prefix(ByteView a, ByteView b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    std::size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

}  // namespace hypasis::trie::detail
