#include "hypasis/core/common/u256.hpp"

#include <algorithm>

namespace hypasis {

__extension__ using u128 = unsigned __int128;  // gcc and clang both provide it on x86-64

std::optional<U256> U256::from_be(ByteView be) noexcept {
    if (be.size() > 32) return std::nullopt;
    U256 r;
    for (std::size_t i = 0; i < be.size(); ++i) {
        const std::size_t bit = (be.size() - 1 - i) * 8;
        r.limbs_[bit / 64] |= static_cast<uint64_t>(be[i]) << (bit % 64);
    }
    return r;
}

std::optional<U256> U256::from_string(std::string_view s) noexcept {
    const bool is_hex = s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (is_hex) s.remove_prefix(2);
    if (s.empty()) return std::nullopt;
    const U256 base = is_hex ? 16 : 10;
    U256 r;
    for (char c : s) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (is_hex && c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (is_hex && c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return std::nullopt;
        }
        auto m = checked_mul(r, base);
        if (!m) return std::nullopt;
        auto a = checked_add(*m, static_cast<uint64_t>(d));
        if (!a) return std::nullopt;
        r = *a;
    }
    return r;
}

FixedBytes<32> U256::to_be32() const noexcept {
    FixedBytes<32> out{};
    for (int i = 0; i < 32; ++i) {
        const int bit = (31 - i) * 8;
        out[static_cast<std::size_t>(i)] = static_cast<uint8_t>(limbs_[bit / 64] >> (bit % 64));
    }
    return out;
}

Bytes U256::to_be_minimal() const {
    const auto full = to_be32();
    auto first = std::find_if(full.begin(), full.end(), [](uint8_t b) { return b != 0; });
    return Bytes(first, full.end());
}

int U256::bit_length() const noexcept {
    for (int i = 3; i >= 0; --i) {
        if (limbs_[i] != 0) return i * 64 + (64 - __builtin_clzll(limbs_[i]));
    }
    return 0;
}

std::string U256::to_string() const {
    if (is_zero()) return "0";
    std::string out;
    U256 x = *this;
    // Peel off 19 decimal digits at a time: 10^19 is the largest power of ten under 2^64.
    constexpr uint64_t kChunk = 10000000000000000000ULL;
    while (!x.is_zero()) {
        auto [q, r] = divmod(x, kChunk);
        uint64_t part = r.limbs_[0];
        const bool last = q.is_zero();
        for (int i = 0; i < 19 && (!last || part != 0); ++i) {
            out += static_cast<char>('0' + part % 10);
            part /= 10;
        }
        x = q;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::string U256::to_quantity() const {
    if (is_zero()) return "0x0";
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "0x";
    bool started = false;
    for (int i = 63; i >= 0; --i) {
        const int d = static_cast<int>((limbs_[i / 16] >> ((i % 16) * 4)) & 0xf);
        if (d != 0) started = true;
        if (started) out += kDigits[d];
    }
    return out;
}

std::pair<U256, bool> U256::add(const U256& a, const U256& b) noexcept {
    U256 r;
    uint64_t carry = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 s = static_cast<u128>(a.limbs_[i]) + b.limbs_[i] + carry;
        r.limbs_[i] = static_cast<uint64_t>(s);
        carry = static_cast<uint64_t>(s >> 64);
    }
    return {r, carry != 0};
}

U256 operator-(const U256& a, const U256& b) noexcept {
    U256 r;
    uint64_t borrow = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 d = static_cast<u128>(a.limbs_[i]) - b.limbs_[i] - borrow;
        r.limbs_[i] = static_cast<uint64_t>(d);
        borrow = static_cast<uint64_t>(d >> 64) & 1;
    }
    return r;
}

U256 operator*(const U256& a, const U256& b) noexcept {
    U256 r;
    for (int i = 0; i < 4; ++i) {
        uint64_t carry = 0;
        for (int j = 0; i + j < 4; ++j) {
            const u128 p = static_cast<u128>(a.limbs_[i]) * b.limbs_[j] + r.limbs_[i + j] + carry;
            r.limbs_[i + j] = static_cast<uint64_t>(p);
            carry = static_cast<uint64_t>(p >> 64);
        }
    }
    return r;
}

U256 operator<<(const U256& a, unsigned n) noexcept {
    if (n >= 256) return {};
    U256 r;
    const unsigned limb_shift = n / 64;
    const unsigned bit_shift = n % 64;
    for (int i = 3; i >= static_cast<int>(limb_shift); --i) {
        const int src = i - static_cast<int>(limb_shift);
        uint64_t v = a.limbs_[src] << bit_shift;
        if (bit_shift != 0 && src > 0) v |= a.limbs_[src - 1] >> (64 - bit_shift);
        r.limbs_[i] = v;
    }
    return r;
}

U256 operator>>(const U256& a, unsigned n) noexcept {
    if (n >= 256) return {};
    U256 r;
    const unsigned limb_shift = n / 64;
    const unsigned bit_shift = n % 64;
    for (int i = 0; i + static_cast<int>(limb_shift) < 4; ++i) {
        const int src = i + static_cast<int>(limb_shift);
        uint64_t v = a.limbs_[src] >> bit_shift;
        if (bit_shift != 0 && src < 3) v |= a.limbs_[src + 1] << (64 - bit_shift);
        r.limbs_[i] = v;
    }
    return r;
}

std::pair<U256, U256> U256::divmod(const U256& a, const U256& b) noexcept {
    if (b.is_zero()) return {U256{}, U256{}};
    if (a < b) return {U256{}, a};
    if (a.fits_u64() && b.fits_u64()) return {U256{a.limbs_[0] / b.limbs_[0]}, U256{a.limbs_[0] % b.limbs_[0]}};
    // Shift-subtract long division. Not on a hot path: fee math and stake sums only.
    U256 q;
    U256 r;
    for (int i = a.bit_length() - 1; i >= 0; --i) {
        r = r << 1;
        r.limbs_[0] |= (a.limbs_[i / 64] >> (i % 64)) & 1;
        if (r >= b) {
            r = r - b;
            q.limbs_[i / 64] |= uint64_t{1} << (i % 64);
        }
    }
    return {q, r};
}

std::optional<U256> U256::checked_add(const U256& a, const U256& b) noexcept {
    auto [s, carry] = add(a, b);
    if (carry) return std::nullopt;
    return s;
}

std::optional<U256> U256::checked_sub(const U256& a, const U256& b) noexcept {
    if (a < b) return std::nullopt;
    return a - b;
}

std::optional<U256> U256::checked_mul(const U256& a, const U256& b) noexcept {
    if (a.is_zero() || b.is_zero()) return U256{};
    if (a.bit_length() + b.bit_length() > 257) return std::nullopt;
    const U256 p = a * b;
    if (p / b != a) return std::nullopt;
    return p;
}

}  // namespace hypasis
