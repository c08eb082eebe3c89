#pragma once
/// EIP-2124 fork identifiers, with EIP-6122's timestamp forks: the `forkid` of the eth Status message and of the
/// `eth` ENR entry, and the rules for accepting or rejecting a peer's.
///
/// FORK_HASH = CRC32(genesis_hash || be64(fork_1) || … || be64(fork_k)) over the forks already passed, in
/// ascending order, block forks first, then timestamp forks. FORK_NEXT is the next fork not yet passed, or 0.
/// Which forks count (as geth's gatherForks):
///  - a fork at the same block or timestamp as another is counted once;
///  - block forks at block 0 are the genesis ruleset, not forks (EIP-2124);
///  - timestamp forks at or before the genesis timestamp are not forks (EIP-6122 as geth implements it);
///  - only forks with ForkActivation::in_fork_id (Bor's nested forks are left out, as Bor does).
#include <cstdint>
#include <string_view>
#include <vector>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis::chain {

/// A fork identifier. `hash` is the CRC32 checksum in big-endian byte order, as it goes on the wire.
struct ForkId {
    FixedBytes<4> hash{};
    uint64_t next{0};

    /// The checksum as a number (big-endian reading of `hash`).
    uint32_t checksum() const noexcept;
    /// A fork id from a checksum number and a next fork.
    static ForkId from_checksum(uint32_t checksum, uint64_t next) noexcept;

    friend bool operator==(const ForkId&, const ForkId&) = default;
};

/// Why a remote fork id is rejected (the names of geth's errors).
enum class [[nodiscard]] ForkIdError{
    /// The remote is on our chain but stopped at an older fork and does not know the one we passed next: its
    /// software needs an update (EIP-2124 rule 2 failed).
    kRemoteStale = 1,
    /// The remote is on another chain, or knows a fork we passed without applying it (rules 1a and 4): either we
    /// are incompatible or our own software is out of date.
    kLocalIncompatibleOrStale,
};

/// "remote needs update" or "local incompatible or needs update".
std::string_view to_string(ForkIdError e) noexcept;

/// geth's timestampThreshold (mainnet genesis time, 2015-07-30): a remote FORK_NEXT above it is read as a
/// timestamp when checking rule 1a during the block-to-time transition.
inline constexpr uint64_t kForkIdTimestampThreshold = 1438269973;

/// The forks of a chain that count for its fork id, each list sorted and free of duplicates.
struct ForkList {
    std::vector<uint64_t> by_block;
    std::vector<uint64_t> by_time;

    friend bool operator==(const ForkList&, const ForkList&) = default;
};

/// The fork id forks of `spec` under the rules in the file comment. Throws only std::bad_alloc.
ForkList gather_forks(const ChainSpec& spec);

/// Precomputed checksums of a chain, for repeated fork id computation and validation.
/// Immutable after construction: every const method is thread-safe.
class ForkFilter {
  public:
    /// From a chain spec (its genesis hash, genesis timestamp and forks). Throws only std::bad_alloc.
    explicit ForkFilter(const ChainSpec& spec);
    /// From a genesis hash and an already gathered fork list. Throws only std::bad_alloc.
    ForkFilter(const Hash& genesis_hash, ForkList forks);

    /// Our fork id when our head block has this number and timestamp.
    ForkId id_at(uint64_t head_number, uint64_t head_time) const noexcept;

    /// Whether a peer announcing `remote` may stay connected to us while our head is at (number, time): the
    /// EIP-2124 validation rules, with geth's handling of timestamp forks (EIP-6122). Success means connect.
    Expected<void, ForkIdError> validate(const ForkId& remote, uint64_t head_number, uint64_t head_time) const noexcept;

    const ForkList& forks() const noexcept { return forks_; }

  private:
    ForkList forks_;
    std::vector<uint32_t> sums_;  ///< sums_[0]: CRC32 of the genesis hash; sums_[i]: after the first i forks.
};

/// Our fork id for `spec` with the head at (number, timestamp). Throws only std::bad_alloc.
ForkId fork_id_at(const ChainSpec& spec, uint64_t head_number, uint64_t head_time);

/// EIP-2124 validation of a remote fork id against `spec` with our head at (number, timestamp). Throws only
/// std::bad_alloc; for many checks build one ForkFilter instead.
Expected<void, ForkIdError> validate_remote(const ChainSpec& spec, uint64_t head_number, uint64_t head_time,
                                            const ForkId& remote);

/// RLP([hash, next]) as in the eth Status message. Throws only std::bad_alloc.
Bytes encode(const ForkId& id);

/// Decodes RLP([hash (exactly 4 bytes), next (canonical uint64)]) spanning the whole input. Strict: bytes after
/// the list (kInputTooLong), a list of other than two elements (kListLengthMismatch), a hash that is not 4 bytes
/// (kUnexpectedLength), a non-canonical or overlong next (kLeadingZero, kOverflow). noexcept.
Expected<ForkId, rlp::DecodingError> decode_fork_id(ByteView rlp) noexcept;

}  // namespace hypasis::chain
