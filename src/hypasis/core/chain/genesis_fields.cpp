#include "hypasis/core/chain/genesis_fields.hpp"

#include <algorithm>

namespace hypasis::chain::detail {
namespace {

using Kind = JsonValue::Kind;

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool all_hex(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return hex_digit(c) >= 0; });
}

bool all_decimal(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_hex_prefix(std::string_view s) noexcept {
    return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/// Decodes an even number of hex digits (already checked to be hex) into `out`.
void decode_hex_digits(std::string_view s, uint8_t* out) noexcept {
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
        out[i / 2] = static_cast<uint8_t>((hex_digit(s[i]) << 4) | hex_digit(s[i + 1]));
    }
}

/// The text of a HexOrDecimal field: the string's contents, or the literal of a bare number (Go passes the raw
/// JSON token to UnmarshalText after removing quotes).
Parsed<std::string_view> hex_or_decimal_text(const JsonValue& v, std::string_view field) {
    if (v.kind != Kind::kString && v.kind != Kind::kNumber) return fail(ChainErrc::kWrongType, field);
    return std::string_view{v.text};
}

/// Parses digits (hex or decimal, already validated) into a U256; nullopt on overflow.
std::optional<U256> accumulate(std::string_view digits, unsigned base) noexcept {
    U256 r;
    for (char c : digits) {
        auto m = U256::checked_mul(r, U256{base});
        if (!m) return std::nullopt;
        auto a = U256::checked_add(*m, U256{static_cast<uint64_t>(hex_digit(c))});
        if (!a) return std::nullopt;
        r = *a;
    }
    return r;
}

}  // namespace

Unexpected<ChainError> fail(ChainErrc code, std::string_view field) {
    return unexpected(ChainError{code, std::string(field)});
}

std::string join(std::string_view prefix, std::string_view name) {
    std::string out(prefix);
    if (!out.empty()) out += '.';
    out += name;
    return out;
}

Parsed<uint64_t> hex_or_decimal_u64(const JsonValue& v, std::string_view field) {
    auto text = hex_or_decimal_text(v, field);
    if (!text) return unexpected(std::move(text.error()));
    std::string_view s = *text;
    if (s.empty()) return uint64_t{0};  // geth's math.ParseUint64("") is 0.
    unsigned base = 10;
    if (has_hex_prefix(s)) {
        s.remove_prefix(2);
        base = 16;
        if (s.empty() || !all_hex(s)) return fail(ChainErrc::kInvalidValue, field);
    } else if (!all_decimal(s)) {
        return fail(ChainErrc::kInvalidValue, field);
    }
    auto value = accumulate(s, base);
    if (!value || !value->fits_u64()) return fail(ChainErrc::kOutOfRange, field);
    return value->limb(0);
}

Parsed<U256> hex_or_decimal_u256(const JsonValue& v, std::string_view field) {
    auto text = hex_or_decimal_text(v, field);
    if (!text) return unexpected(std::move(text.error()));
    std::string_view s = *text;
    if (s.empty()) return U256{};  // geth's math.ParseBig256("") is 0.
    unsigned base = 10;
    if (has_hex_prefix(s)) {
        s.remove_prefix(2);
        base = 16;
        if (s.empty() || !all_hex(s)) return fail(ChainErrc::kInvalidValue, field);
        if (s.size() > 64) return fail(ChainErrc::kOutOfRange, field);  // geth: "too many hex digits".
    } else {
        if (!all_decimal(s)) return fail(ChainErrc::kInvalidValue, field);
        if (s.size() > 78) return fail(ChainErrc::kOutOfRange, field);
    }
    auto value = accumulate(s, base);
    if (!value) return fail(ChainErrc::kOutOfRange, field);
    return *value;
}

Parsed<Bytes> hex_bytes(const JsonValue& v, std::string_view field) {
    if (v.kind != Kind::kString) return fail(ChainErrc::kWrongType, field);
    std::string_view s = v.text;
    if (s.empty()) return Bytes{};  // hexutil accepts "" as no bytes.
    if (!has_hex_prefix(s)) return fail(ChainErrc::kInvalidValue, field);
    s.remove_prefix(2);
    if (s.size() % 2 != 0 || !all_hex(s)) return fail(ChainErrc::kInvalidValue, field);
    Bytes out(s.size() / 2);
    decode_hex_digits(s, out.data());
    return out;
}

Parsed<Bytes> prefixed_fixed_hex(const JsonValue& v, std::size_t n, std::string_view field) {
    if (v.kind != Kind::kString) return fail(ChainErrc::kWrongType, field);
    std::string_view s = v.text;
    if (!has_hex_prefix(s)) return fail(ChainErrc::kInvalidValue, field);
    s.remove_prefix(2);
    if (s.size() != 2 * n || !all_hex(s)) return fail(ChainErrc::kInvalidValue, field);
    Bytes out(n);
    decode_hex_digits(s, out.data());
    return out;
}

Parsed<Address> unprefixed_address(std::string_view s, std::string_view field) {
    if (has_hex_prefix(s)) s.remove_prefix(2);
    if (s.size() != 40 || !all_hex(s)) return fail(ChainErrc::kInvalidValue, field);
    Address a{};
    decode_hex_digits(s, a.data());
    return a;
}

Parsed<Hash> storage_word(std::string_view s, std::string_view field) {
    // geth trims only a lower-case "0x" here (bytes.TrimPrefix), so "0X…" fails on the 'X'.
    if (s.size() >= 2 && s[0] == '0' && s[1] == 'x') s.remove_prefix(2);
    if (s.size() > 64) return fail(ChainErrc::kOutOfRange, field);
    if (s.size() % 2 != 0 || !all_hex(s)) return fail(ChainErrc::kInvalidValue, field);
    Hash h{};
    decode_hex_digits(s, h.data() + (32 - s.size() / 2));
    return h;
}

Parsed<U256> config_u256(const JsonValue& v, std::string_view field) {
    if (v.kind != Kind::kNumber) return fail(ChainErrc::kWrongType, field);
    const std::string_view s = v.text;
    if (!s.empty() && s[0] == '-') return fail(ChainErrc::kOutOfRange, field);
    if (s.empty() || !all_decimal(s)) return fail(ChainErrc::kInvalidValue, field);  // fraction or exponent
    auto value = accumulate(s, 10);
    if (!value) return fail(ChainErrc::kOutOfRange, field);
    return *value;
}

Parsed<uint64_t> config_u64(const JsonValue& v, std::string_view field) {
    auto value = config_u256(v, field);
    if (!value) return unexpected(std::move(value.error()));
    if (!value->fits_u64()) return fail(ChainErrc::kOutOfRange, field);
    return value->limb(0);
}

}  // namespace hypasis::chain::detail
