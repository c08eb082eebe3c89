#include "hypasis/core/crypto/keccak.hpp"

#include <bit>
#include <cstring>

// keccak-f[1600] written from "The Keccak reference" v3.0 (Bertoni, Daemen, Peeters, Van Assche) §1.2 and
// FIPS 202 §3.2: theta, rho, pi, chi, iota on 25 64-bit lanes, 24 rounds. Each round is written out lane by lane
// on named locals, with the lane-complementing transform; see permute_lanes() and README.md for why and figures.

#if defined(__GNUC__)
#define HYPASIS_KECCAK_INLINE inline __attribute__((always_inline))
#else
#define HYPASIS_KECCAK_INLINE inline
#endif

namespace hypasis::crypto {
namespace {

constexpr std::size_t kRate = Keccak256::kBlockSize;
constexpr std::size_t kRateLanes = kRate / 8;

// Iota's round constants RC[i] (FIPS 202 §3.2.5, Algorithm 5/6: bit 2^j - 1 of RC[i] is rc(j + 7i)).
constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000a, 0x000000008000808b, 0x800000000000008b, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

HYPASIS_KECCAK_INLINE uint64_t load_le64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

HYPASIS_KECCAK_INLINE void store_le64(uint8_t* p, uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

// One round, from the lanes named A<y><x> into E<y><x> (lane (x, y) of FIPS 202 is state word x + 5y).
//
// theta: C[x] = xor of column x; D[x] = C[x-1] ^ rotl(C[x+1], 1); every lane of column x gets D[x].
// rho and pi together: B[y][2x+3y] = rotl(A[x][y] ^ D[x], r[x][y]). Read backwards, the lane that lands on
// output position (X, Y) comes from source (x, y) = ((X + 3Y) mod 5, X); the offsets r[x][y] are those of
// FIPS 202 Table 2 (r = (t+1)(t+2)/2 mod 64 along the pi orbit of (1, 0)).
// chi, plane by plane: E[X][Y] = B[X][Y] ^ (~B[X+1][Y] & B[X+2][Y]); iota xors RC into lane (0, 0).
//
// Lane complementing ("Keccak implementation overview" v3.2 §2.2): inside permute_lanes() the six lanes
// (1,0) (2,0) (3,1) (2,2) (2,3) (0,4) are held complemented. theta, rho and pi are linear, so they carry the
// complements along; chi then needs, for each output lane, one of b0 ^ (b1 | b2), b0 ^ (b1 & b2) or a variant
// with one operand complemented, chosen so that the outputs come out with the same six lanes complemented. That
// is 5 NOTs per round instead of 25 (x86-64 without BMI has no and-not). The per-lane choices below were
// derived by exhaustive truth-table search over the 16 operator/complement combinations for each lane.
//
// Macros rather than functions so that every lane is a named local that the register allocator sees directly.
#define HYPASIS_KECCAK_PLANE_0(E, b0, b1, b2, b3, b4)   \
    do {                                                \
        const uint64_t x0 = (b0), x1 = (b1), x2 = (b2); \
        const uint64_t x3 = (b3), x4 = (b4);            \
        E##00 = x0 ^ (x1 | x2);                         \
        E##01 = x1 ^ (~x2 | x3);                        \
        E##02 = x2 ^ (x3 & x4);                         \
        E##03 = x3 ^ (x4 | x0);                         \
        E##04 = x4 ^ (x0 & x1);                         \
    } while (0)
#define HYPASIS_KECCAK_PLANE_1(E, b0, b1, b2, b3, b4)   \
    do {                                                \
        const uint64_t x0 = (b0), x1 = (b1), x2 = (b2); \
        const uint64_t x3 = (b3), x4 = (b4);            \
        E##10 = x0 ^ (x1 | x2);                         \
        E##11 = x1 ^ (x2 & x3);                         \
        E##12 = x2 ^ (x3 | ~x4);                        \
        E##13 = x3 ^ (x4 | x0);                         \
        E##14 = x4 ^ (x0 & x1);                         \
    } while (0)
#define HYPASIS_KECCAK_PLANE_2(E, b0, b1, b2, b3, b4)   \
    do {                                                \
        const uint64_t x0 = (b0), x1 = (b1), x2 = (b2); \
        const uint64_t x3 = (b3), x4 = (b4), n3 = ~x3;  \
        E##20 = x0 ^ (x1 | x2);                         \
        E##21 = x1 ^ (x2 & x3);                         \
        E##22 = x2 ^ (n3 & x4);                         \
        E##23 = n3 ^ (x4 | x0);                         \
        E##24 = x4 ^ (x0 & x1);                         \
    } while (0)
#define HYPASIS_KECCAK_PLANE_3(E, b0, b1, b2, b3, b4)   \
    do {                                                \
        const uint64_t x0 = (b0), x1 = (b1), x2 = (b2); \
        const uint64_t x3 = (b3), x4 = (b4), n3 = ~x3;  \
        E##30 = x0 ^ (x1 & x2);                         \
        E##31 = x1 ^ (x2 | x3);                         \
        E##32 = x2 ^ (n3 | x4);                         \
        E##33 = n3 ^ (x4 & x0);                         \
        E##34 = x4 ^ (x0 | x1);                         \
    } while (0)
#define HYPASIS_KECCAK_PLANE_4(E, b0, b1, b2, b3, b4)   \
    do {                                                \
        const uint64_t x0 = (b0), x1 = (b1), x2 = (b2); \
        const uint64_t x3 = (b3), x4 = (b4), n1 = ~x1;  \
        E##40 = x0 ^ (n1 & x2);                         \
        E##41 = n1 ^ (x2 | x3);                         \
        E##42 = x2 ^ (x3 & x4);                         \
        E##43 = x3 ^ (x4 | x0);                         \
        E##44 = x4 ^ (x0 & x1);                         \
    } while (0)

#define HYPASIS_KECCAK_ROUND(A, E, rc)                                                                             \
    do {                                                                                                           \
        const uint64_t c0 = A##00 ^ A##10 ^ A##20 ^ A##30 ^ A##40;                                                 \
        const uint64_t c1 = A##01 ^ A##11 ^ A##21 ^ A##31 ^ A##41;                                                 \
        const uint64_t c2 = A##02 ^ A##12 ^ A##22 ^ A##32 ^ A##42;                                                 \
        const uint64_t c3 = A##03 ^ A##13 ^ A##23 ^ A##33 ^ A##43;                                                 \
        const uint64_t c4 = A##04 ^ A##14 ^ A##24 ^ A##34 ^ A##44;                                                 \
        const uint64_t d0 = c4 ^ std::rotl(c1, 1);                                                                 \
        const uint64_t d1 = c0 ^ std::rotl(c2, 1);                                                                 \
        const uint64_t d2 = c1 ^ std::rotl(c3, 1);                                                                 \
        const uint64_t d3 = c2 ^ std::rotl(c4, 1);                                                                 \
        const uint64_t d4 = c3 ^ std::rotl(c0, 1);                                                                 \
        /* plane Y=0 from (0,0) (1,1) (2,2) (3,3) (4,4) */                                                         \
        HYPASIS_KECCAK_PLANE_0(E, A##00 ^ d0, std::rotl(A##11 ^ d1, 44), std::rotl(A##22 ^ d2, 43),                \
                               std::rotl(A##33 ^ d3, 21), std::rotl(A##44 ^ d4, 14));                              \
        E##00 ^= (rc);                                                                                             \
        /* plane Y=1 from (3,0) (4,1) (0,2) (1,3) (2,4) */                                                         \
        HYPASIS_KECCAK_PLANE_1(E, std::rotl(A##03 ^ d3, 28), std::rotl(A##14 ^ d4, 20), std::rotl(A##20 ^ d0, 3),  \
                               std::rotl(A##31 ^ d1, 45), std::rotl(A##42 ^ d2, 61));                              \
        /* plane Y=2 from (1,0) (2,1) (3,2) (4,3) (0,4) */                                                         \
        HYPASIS_KECCAK_PLANE_2(E, std::rotl(A##01 ^ d1, 1), std::rotl(A##12 ^ d2, 6), std::rotl(A##23 ^ d3, 25),   \
                               std::rotl(A##34 ^ d4, 8), std::rotl(A##40 ^ d0, 18));                               \
        /* plane Y=3 from (4,0) (0,1) (1,2) (2,3) (3,4) */                                                         \
        HYPASIS_KECCAK_PLANE_3(E, std::rotl(A##04 ^ d4, 27), std::rotl(A##10 ^ d0, 36), std::rotl(A##21 ^ d1, 10), \
                               std::rotl(A##32 ^ d2, 15), std::rotl(A##43 ^ d3, 56));                              \
        /* plane Y=4 from (2,0) (3,1) (4,2) (0,3) (1,4) */                                                         \
        HYPASIS_KECCAK_PLANE_4(E, std::rotl(A##02 ^ d2, 62), std::rotl(A##13 ^ d3, 55), std::rotl(A##24 ^ d4, 39), \
                               std::rotl(A##30 ^ d0, 41), std::rotl(A##41 ^ d1, 2));                               \
    } while (0)

// keccak-f[1600] on s[0..24]: the lanes are loaded into named locals (the six of the transform complemented),
// run through 24 rounds ping-ponging between the a.. and e.. sets, and stored back. Each round is fully
// unrolled; the rounds themselves run as 12 iterations of a two-round body. Unrolling all 24 rounds was tried
// and is 35% slower here: ~24 KB of straight-line code misses the decoded-instruction cache on every call.
HYPASIS_KECCAK_INLINE void permute_lanes(uint64_t* s) noexcept {
    uint64_t a00 = s[0], a01 = ~s[1], a02 = ~s[2], a03 = s[3], a04 = s[4];
    uint64_t a10 = s[5], a11 = s[6], a12 = s[7], a13 = ~s[8], a14 = s[9];
    uint64_t a20 = s[10], a21 = s[11], a22 = ~s[12], a23 = s[13], a24 = s[14];
    uint64_t a30 = s[15], a31 = s[16], a32 = ~s[17], a33 = s[18], a34 = s[19];
    uint64_t a40 = ~s[20], a41 = s[21], a42 = s[22], a43 = s[23], a44 = s[24];
    uint64_t e00, e01, e02, e03, e04, e10, e11, e12, e13, e14, e20, e21, e22, e23, e24;
    uint64_t e30, e31, e32, e33, e34, e40, e41, e42, e43, e44;
    for (std::size_t r = 0; r < 24; r += 2) {
        HYPASIS_KECCAK_ROUND(a, e, kRoundConstants[r]);
        HYPASIS_KECCAK_ROUND(e, a, kRoundConstants[r + 1]);
    }
    s[0] = a00, s[1] = ~a01, s[2] = ~a02, s[3] = a03, s[4] = a04;
    s[5] = a10, s[6] = a11, s[7] = a12, s[8] = ~a13, s[9] = a14;
    s[10] = a20, s[11] = a21, s[12] = ~a22, s[13] = a23, s[14] = a24;
    s[15] = a30, s[16] = a31, s[17] = ~a32, s[18] = a33, s[19] = a34;
    s[20] = ~a40, s[21] = a41, s[22] = a42, s[23] = a43, s[24] = a44;
}

#undef HYPASIS_KECCAK_ROUND
#undef HYPASIS_KECCAK_PLANE_0
#undef HYPASIS_KECCAK_PLANE_1
#undef HYPASIS_KECCAK_PLANE_2
#undef HYPASIS_KECCAK_PLANE_3
#undef HYPASIS_KECCAK_PLANE_4

// XORs `blocks` consecutive rate-sized blocks into the state, permuting after each. The state is copied into a
// local array for the duration so that the permutation works on locals, not through `state`.
void absorb_blocks(uint64_t* state, const uint8_t* data, std::size_t blocks) noexcept {
    uint64_t a[25];
    std::memcpy(a, state, sizeof(a));
    for (; blocks != 0; --blocks, data += kRate) {
        for (std::size_t i = 0; i < kRateLanes; ++i) a[i] ^= load_le64(data + 8 * i);
        permute_lanes(a);
    }
    std::memcpy(state, a, sizeof(a));
}

void permute(uint64_t* state) noexcept {
    uint64_t a[25];
    std::memcpy(a, state, sizeof(a));
    permute_lanes(a);
    std::memcpy(state, a, sizeof(a));
}

HYPASIS_KECCAK_INLINE void xor_byte(uint64_t* state, std::size_t offset, uint8_t b) noexcept {
    state[offset / 8] ^= static_cast<uint64_t>(b) << (8 * (offset % 8));
}

// XORs `n` bytes into the state starting at byte `offset` of the rate (offset + n <= kRate): single bytes up to
// a lane boundary, whole lanes, then single bytes again.
void xor_bytes(uint64_t* state, std::size_t offset, const uint8_t* p, std::size_t n) noexcept {
    for (; n != 0 && offset % 8 != 0; --n) xor_byte(state, offset++, *p++);
    for (; n >= 8; n -= 8, p += 8, offset += 8) state[offset / 8] ^= load_le64(p);
    for (; n != 0; --n) xor_byte(state, offset++, *p++);
}

HYPASIS_KECCAK_INLINE Hash squeeze(const uint64_t* state) noexcept {
    Hash out;
    for (std::size_t i = 0; i < 4; ++i) store_le64(out.data() + 8 * i, state[i]);
    return out;
}

}  // namespace

Hash keccak256(ByteView data) noexcept {
    uint64_t state[25] = {};
    const std::size_t full = data.size() / kRate;
    absorb_blocks(state, data.data(), full);
    // The last block: the 0..135 remaining bytes, then pad10*1 with Keccak's 0x01 first padding bit (when only
    // one padding byte fits, 0x01 and 0x80 share it as 0x81).
    const std::size_t tail = data.size() - full * kRate;
    xor_bytes(state, 0, data.data() + full * kRate, tail);
    xor_byte(state, tail, 0x01);
    xor_byte(state, kRate - 1, 0x80);
    permute(state);
    return squeeze(state);
}

void Keccak256::update(ByteView data) noexcept {
    const uint8_t* p = data.data();
    std::size_t n = data.size();
    if (offset_ != 0) {
        // Top up the block in progress; return if it is still not full.
        const std::size_t take = n < kRate - offset_ ? n : kRate - offset_;
        xor_bytes(state_, offset_, p, take);
        offset_ += take;
        p += take;
        n -= take;
        if (offset_ < kRate) return;
        permute(state_);
        offset_ = 0;
    }
    // Block-aligned here: whole blocks go straight through, the rest starts a new partial block.
    const std::size_t full = n / kRate;
    absorb_blocks(state_, p, full);
    xor_bytes(state_, 0, p + full * kRate, n - full * kRate);
    offset_ = n - full * kRate;
}

Hash Keccak256::finalize() noexcept {
    xor_byte(state_, offset_, 0x01);
    xor_byte(state_, kRate - 1, 0x80);
    permute(state_);
    const Hash out = squeeze(state_);
    reset();
    return out;
}

Hash Keccak256::digest() const noexcept {
    Keccak256 copy = *this;
    return copy.finalize();
}

void Keccak256::reset() noexcept {
    std::memset(state_, 0, sizeof(state_));
    offset_ = 0;
}

}  // namespace hypasis::crypto

#undef HYPASIS_KECCAK_INLINE
