#include "hypasis/core/common/hex.hpp"

namespace hypasis {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int nibble(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view strip_prefix(std::string_view s) noexcept {
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
    return s;
}

}  // namespace

std::string to_hex(ByteView v, bool prefix) {
    std::string out;
    out.reserve(v.size() * 2 + 2);
    if (prefix) out += "0x";
    for (uint8_t b : v) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0xf];
    }
    return out;
}

std::optional<Bytes> from_hex(std::string_view s, bool allow_odd) {
    s = strip_prefix(s);
    const bool odd = s.size() % 2 != 0;
    if (odd && !allow_odd) return std::nullopt;
    Bytes out((s.size() + 1) / 2);
    std::size_t in = 0;
    std::size_t pos = 0;
    if (odd) {
        const int lo = nibble(s[0]);
        if (lo < 0) return std::nullopt;
        out[pos++] = static_cast<uint8_t>(lo);
        in = 1;
    }
    for (; in < s.size(); in += 2) {
        const int hi = nibble(s[in]);
        const int lo = nibble(s[in + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[pos++] = static_cast<uint8_t>((hi << 4) | lo);
    }
    return out;
}

std::string to_quantity(uint64_t x) {
    if (x == 0) return "0x0";
    char buf[16];
    int n = 0;
    while (x != 0) {
        buf[n++] = kDigits[x & 0xf];
        x >>= 4;
    }
    std::string out = "0x";
    while (n > 0) out += buf[--n];
    return out;
}

std::optional<uint64_t> parse_u64(std::string_view s) noexcept {
    const bool is_hex = s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (is_hex) s.remove_prefix(2);
    if (s.empty()) return std::nullopt;
    const uint64_t base = is_hex ? 16 : 10;
    uint64_t x = 0;
    for (char c : s) {
        const int d = nibble(c);
        if (d < 0 || static_cast<uint64_t>(d) >= base) return std::nullopt;
        if (x > (UINT64_MAX - static_cast<uint64_t>(d)) / base) return std::nullopt;
        x = x * base + static_cast<uint64_t>(d);
    }
    return x;
}

}  // namespace hypasis
