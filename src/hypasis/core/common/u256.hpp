#pragma once
/// U256: unsigned 256-bit integer for balances, difficulty, fees and stake sums.
///
/// Arithmetic wraps modulo 2^256 like the EVM, and `checked_*` variants return nullopt on overflow for places
/// where wrapping would be a bug (stake sums, fee math on untrusted headers). All operations are noexcept.
/// Rejected alternative: boost::multiprecision's checked integers report overflow by throwing, and core never
/// throws on data.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis {

class U256 {
public:
    constexpr U256() noexcept = default;
    constexpr U256(uint64_t x) noexcept : limbs_{x, 0, 0, 0} {}  // NOLINT(google-explicit-constructor)
    /// Limbs are little-endian: l0 is the least significant 64 bits.
    constexpr U256(uint64_t l0, uint64_t l1, uint64_t l2, uint64_t l3) noexcept : limbs_{l0, l1, l2, l3} {}

    /// From big-endian bytes of any length up to 32; nullopt when longer.
    static std::optional<U256> from_be(ByteView be) noexcept;
    /// Parses "0x…" hex or decimal text; nullopt on overflow or a stray character.
    static std::optional<U256> from_string(std::string_view s) noexcept;

    /// The 32-byte big-endian form.
    FixedBytes<32> to_be32() const noexcept;
    /// The minimal big-endian form, no leading zeros; empty for zero (the RLP integer encoding).
    Bytes to_be_minimal() const;
    /// Decimal text.
    std::string to_string() const;
    /// JSON-RPC quantity: "0x" plus the shortest hex, "0x0" for zero.
    std::string to_quantity() const;

    constexpr uint64_t limb(int i) const noexcept { return limbs_[i]; }
    constexpr bool is_zero() const noexcept { return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
    /// True when the value fits in 64 bits.
    constexpr bool fits_u64() const noexcept { return (limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
    /// Number of significant bits (0 for zero).
    int bit_length() const noexcept;

    friend constexpr bool operator==(const U256& a, const U256& b) noexcept = default;
    friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) noexcept {
        for (int i = 3; i >= 0; --i) {
            if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
        }
        return std::strong_ordering::equal;
    }

    friend U256 operator+(const U256& a, const U256& b) noexcept { return add(a, b).first; }
    friend U256 operator-(const U256& a, const U256& b) noexcept;
    friend U256 operator*(const U256& a, const U256& b) noexcept;
    /// Division by zero yields zero (EVM semantics); callers that must not divide by zero check first.
    friend U256 operator/(const U256& a, const U256& b) noexcept { return divmod(a, b).first; }
    friend U256 operator%(const U256& a, const U256& b) noexcept { return divmod(a, b).second; }
    friend U256 operator<<(const U256& a, unsigned n) noexcept;
    friend U256 operator>>(const U256& a, unsigned n) noexcept;

    U256& operator+=(const U256& b) noexcept { return *this = *this + b; }
    U256& operator-=(const U256& b) noexcept { return *this = *this - b; }

    /// Sum and carry-out.
    static std::pair<U256, bool> add(const U256& a, const U256& b) noexcept;
    /// Quotient and remainder; both zero when b is zero.
    static std::pair<U256, U256> divmod(const U256& a, const U256& b) noexcept;

    static std::optional<U256> checked_add(const U256& a, const U256& b) noexcept;
    static std::optional<U256> checked_sub(const U256& a, const U256& b) noexcept;
    static std::optional<U256> checked_mul(const U256& a, const U256& b) noexcept;

private:
    uint64_t limbs_[4]{};
};

}  // namespace hypasis
