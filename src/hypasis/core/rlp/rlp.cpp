#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis::rlp {

std::string_view to_string(DecodingError e) noexcept {
    switch (e) {
        case DecodingError::kInputTooShort: return "input too short";
        case DecodingError::kInputTooLong: return "input too long (trailing bytes)";
        case DecodingError::kLeadingZero: return "leading zero";
        case DecodingError::kNonCanonicalSize: return "non-canonical size";
        case DecodingError::kUnexpectedList: return "unexpected list";
        case DecodingError::kUnexpectedString: return "unexpected string";
        case DecodingError::kOverflow: return "integer overflow";
        case DecodingError::kUnexpectedLength: return "unexpected length";
        case DecodingError::kListLengthMismatch: return "list length mismatch";
        case DecodingError::kTooLarge: return "too large";
        case DecodingError::kTooDeep: return "nesting too deep";
        case DecodingError::kUnsupportedType: return "unsupported transaction type";
    }
    return "unknown RLP error";
}

// ---- decoding ----

Expected<Header, DecodingError> decode_header(ByteView& in) noexcept {
    if (in.empty()) return unexpected(DecodingError::kInputTooShort);
    const uint8_t b = in[0];
    Header h;
    if (b < 0x80) {
        h.payload_length = 1;  // the byte is its own payload: do not consume it
        return h;
    }
    if (b <= 0xb7) {
        h.payload_length = b - 0x80u;
        in = in.subspan(1);
        if (h.payload_length == 1) {
            if (in.empty()) return unexpected(DecodingError::kInputTooShort);
            if (in[0] < 0x80) return unexpected(DecodingError::kNonCanonicalSize);
        }
    } else if (b < 0xc0 || b > 0xf7) {
        h.list = b >= 0xc0;
        const std::size_t len_of_len = b - (h.list ? 0xf7u : 0xb7u);
        in = in.subspan(1);
        if (in.size() < len_of_len) return unexpected(DecodingError::kInputTooShort);
        if (in[0] == 0) return unexpected(DecodingError::kLeadingZero);
        uint64_t len = 0;
        for (std::size_t i = 0; i < len_of_len; ++i) len = (len << 8) | in[i];
        in = in.subspan(len_of_len);
        if (len < 56) return unexpected(DecodingError::kNonCanonicalSize);
        h.payload_length = static_cast<std::size_t>(len);
        if (len > in.size()) return unexpected(DecodingError::kInputTooShort);
    } else {
        h.list = true;
        h.payload_length = b - 0xc0u;
        in = in.subspan(1);
    }
    if (h.payload_length > in.size()) return unexpected(DecodingError::kInputTooShort);
    return h;
}

Expected<ByteView, DecodingError> decode_string(ByteView& in) noexcept {
    auto h = decode_header(in);
    if (!h) return unexpected(h.error());
    if (h->list) return unexpected(DecodingError::kUnexpectedList);
    ByteView s = in.first(h->payload_length);
    in = in.subspan(h->payload_length);
    return s;
}

Expected<ByteView, DecodingError> decode_list(ByteView& in) noexcept {
    auto h = decode_header(in);
    if (!h) return unexpected(h.error());
    if (!h->list) return unexpected(DecodingError::kUnexpectedString);
    ByteView s = in.first(h->payload_length);
    in = in.subspan(h->payload_length);
    return s;
}

Expected<ByteView, DecodingError> decode_raw_item(ByteView& in) noexcept {
    const ByteView start = in;
    auto h = decode_header(in);
    if (!h) return unexpected(h.error());
    in = in.subspan(h->payload_length);
    return start.first(start.size() - in.size());
}

Expected<std::size_t, DecodingError> count_items(ByteView payload, std::size_t max_items) noexcept {
    std::size_t n = 0;
    while (!payload.empty()) {
        if (n == max_items) return unexpected(DecodingError::kTooLarge);
        auto item = decode_raw_item(payload);
        if (!item) return unexpected(item.error());
        ++n;
    }
    return n;
}

Expected<uint64_t, DecodingError> decode_u64(ByteView& in) noexcept {
    auto s = decode_string(in);
    if (!s) return unexpected(s.error());
    if (s->size() > 8) return unexpected(DecodingError::kOverflow);
    if (!s->empty() && (*s)[0] == 0) return unexpected(DecodingError::kLeadingZero);
    uint64_t x = 0;
    for (uint8_t b : *s) x = (x << 8) | b;
    return x;
}

Expected<U256, DecodingError> decode_u256(ByteView& in) noexcept {
    auto s = decode_string(in);
    if (!s) return unexpected(s.error());
    if (s->size() > 32) return unexpected(DecodingError::kOverflow);
    if (!s->empty() && (*s)[0] == 0) return unexpected(DecodingError::kLeadingZero);
    return *U256::from_be(*s);
}

Expected<bool, DecodingError> decode_bool(ByteView& in) noexcept {
    auto x = decode_u64(in);
    if (!x) return unexpected(x.error());
    if (*x > 1) return unexpected(DecodingError::kOverflow);
    return *x == 1;
}

namespace {

Expected<void, DecodingError> decode_tree_into(ByteView& in, Item& out, std::size_t depth, std::size_t max_depth,
                                               std::size_t& budget) noexcept {
    if (budget == 0) return unexpected(DecodingError::kTooLarge);
    --budget;
    auto h = decode_header(in);
    if (!h) return unexpected(h.error());
    out.list = h->list;
    out.payload = in.first(h->payload_length);
    in = in.subspan(h->payload_length);
    if (!out.list) return {};
    if (depth >= max_depth) return unexpected(DecodingError::kTooDeep);
    ByteView p = out.payload;
    while (!p.empty()) {
        out.items.emplace_back();
        auto r = decode_tree_into(p, out.items.back(), depth + 1, max_depth, budget);
        if (!r) return r;
    }
    return {};
}

}  // namespace

Expected<Item, DecodingError> decode_tree(ByteView in, std::size_t max_depth, std::size_t max_items) noexcept {
    try {
        Item root;
        std::size_t budget = max_items;
        auto r = decode_tree_into(in, root, 0, max_depth, budget);
        if (!r) return unexpected(r.error());
        if (!in.empty()) return unexpected(DecodingError::kInputTooLong);
        return root;
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

// ---- encoding ----

namespace {

std::size_t be_length(uint64_t x) noexcept {
    std::size_t n = 0;
    while (x != 0) {
        ++n;
        x >>= 8;
    }
    return n;
}

void append_be(Bytes& out, uint64_t x, std::size_t n) {
    for (std::size_t i = n; i > 0; --i) out.push_back(static_cast<uint8_t>(x >> ((i - 1) * 8)));
}

void encode_header(Bytes& out, bool list, std::size_t payload_length) {
    const uint8_t short_base = list ? 0xc0 : 0x80;
    if (payload_length < 56) {
        out.push_back(static_cast<uint8_t>(short_base + payload_length));
    } else {
        const std::size_t n = be_length(payload_length);
        out.push_back(static_cast<uint8_t>(short_base + 55 + n));
        append_be(out, payload_length, n);
    }
}

}  // namespace

std::size_t header_length(std::size_t payload_length) noexcept {
    return payload_length < 56 ? 1 : 1 + be_length(payload_length);
}

std::size_t string_length(ByteView s) noexcept {
    if (s.size() == 1 && s[0] < 0x80) return 1;
    return header_length(s.size()) + s.size();
}

std::size_t u64_length(uint64_t x) noexcept {
    if (x < 0x80) return 1;
    return 1 + be_length(x);
}

void encode_list_header(Bytes& out, std::size_t payload_length) { encode_header(out, true, payload_length); }

void encode_string(Bytes& out, ByteView s) {
    if (s.size() == 1 && s[0] < 0x80) {
        out.push_back(s[0]);
        return;
    }
    encode_header(out, false, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

void encode_u64(Bytes& out, uint64_t x) {
    if (x == 0) {
        out.push_back(0x80);
    } else if (x < 0x80) {
        out.push_back(static_cast<uint8_t>(x));
    } else {
        const std::size_t n = be_length(x);
        out.push_back(static_cast<uint8_t>(0x80 + n));
        append_be(out, x, n);
    }
}

void encode_u256(Bytes& out, const U256& x) {
    const Bytes be = x.to_be_minimal();
    encode_string(out, be);
}

void encode_list(Bytes& out, ByteView payload) {
    encode_header(out, true, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
}

Bytes wrap_list(ByteView payload) {
    Bytes out;
    out.reserve(header_length(payload.size()) + payload.size());
    encode_list(out, payload);
    return out;
}

}  // namespace hypasis::rlp
