#pragma once
/// Block headers (Yellow Paper §4.3) with every fork's optional trailing fields, and their strict RLP codec.
///
/// A header received from a peer or a file is kept as a SealedHeader: the decoded fields, the exact bytes that
/// were received, and keccak256 of those bytes. The hash is never recomputed from re-encoded fields, so a
/// header that decodes is always identified by what was actually sent.
///
/// Field layout of the RLP list, in order (the optional fields form a contiguous suffix):
///
/// | fields | fork                                    | added                                            |
/// |--------|-----------------------------------------|--------------------------------------------------|
/// | 15     | Frontier .. Berlin                      | parent_hash .. nonce (Yellow Paper §4.3)         |
/// | 16     | London (EIP-1559)                       | base_fee_per_gas                                 |
/// | 17     | Shanghai (EIP-4895)                     | withdrawals_root                                 |
/// | 19     | BSC from Cancun until Bohr (EIP-4844)   | blob_gas_used, excess_blob_gas (always together) |
/// | 20     | Cancun (EIP-4844 + EIP-4788)            | parent_beacon_block_root                         |
/// | 21     | Prague (EIP-7685)                       | requests_hash                                    |
///
/// Any other count (below 15, 18, above 21) is rejected with kListLengthMismatch. Which count a given block
/// must carry depends on the chain's fork schedule and is checked by core/validation, not here.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis {

/// The decoded fields of a block header. A plain value type: copyable, comparable, no invariants of its own.
/// An optional field is std::nullopt when the header does not carry it (the header predates that fork).
struct BlockHeader {
    Hash parent_hash{};
    Hash ommers_hash{};  ///< keccak256 of the RLP list of ommer headers ("sha3Uncles").
    Address beneficiary{};
    Hash state_root{};
    Hash transactions_root{};
    Hash receipts_root{};
    Bloom logs_bloom{};
    U256 difficulty{};
    uint64_t number{0};
    uint64_t gas_limit{0};
    uint64_t gas_used{0};
    uint64_t timestamp{0};
    Bytes extra_data;                              ///< Unbounded here; per-chain limits are validation's job.
    Hash mix_hash{};                               ///< prev_randao after the merge (EIP-4399).
    FixedBytes<8> nonce{};                         ///< Zero after the merge (EIP-3675).
    std::optional<U256> base_fee_per_gas;          ///< EIP-1559 (London).
    std::optional<Hash> withdrawals_root;          ///< EIP-4895 (Shanghai).
    std::optional<uint64_t> blob_gas_used;         ///< EIP-4844 (Cancun); present iff excess_blob_gas is.
    std::optional<uint64_t> excess_blob_gas;       ///< EIP-4844 (Cancun).
    std::optional<Hash> parent_beacon_block_root;  ///< EIP-4788 (Cancun).
    std::optional<Hash> requests_hash;             ///< EIP-7685 (Prague).

    friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

/// A header as received: decoded fields, the exact RLP bytes, and keccak256 of those bytes.
/// Invariant (kept by every function here that returns one): hash == keccak256(rlp) and rlp decodes to header.
/// Code that edits `header` afterwards must call seal() again.
struct SealedHeader {
    BlockHeader header;
    Bytes rlp;
    Hash hash{};

    friend bool operator==(const SealedHeader&, const SealedHeader&) = default;
};

/// Number of RLP list elements `h` encodes to: 15 plus its present optional fields. Assumes the optional fields
/// form a contiguous suffix (true of every decoded header); see header_fields_contiguous().
std::size_t field_count(const BlockHeader& h) noexcept;

/// True when the present optional fields form a contiguous suffix of the layout above, with blob_gas_used and
/// excess_blob_gas both present or both absent. encode() of a header for which this is false still writes the
/// present fields in order, but the result will not decode to the same header.
bool header_fields_contiguous(const BlockHeader& h) noexcept;

/// Decodes one header whose RLP must span the whole of `rlp` (trailing bytes: kInputTooLong).
///
/// Strict: canonical RLP only (rlp/decode.hpp), fixed sizes enforced (hashes 32 bytes, address 20, bloom 256,
/// nonce 8; otherwise kUnexpectedLength), integers canonical (kLeadingZero) and within their type (kOverflow:
/// numbers, gas and blob gas fields are 64-bit; difficulty and base fee are 256-bit), a list where a string is
/// expected (kUnexpectedList) and vice versa (kUnexpectedString), a field count outside {15, 16, 17, 19, 20, 21}
/// (kListLengthMismatch). extra_data has no size limit here. An input longer than `max_size` bytes is rejected
/// with kTooLarge before anything is copied. Out of memory is reported as kTooLarge.
/// noexcept; thread-safe (touches only its arguments).
Expected<SealedHeader, rlp::DecodingError> decode_header(ByteView rlp, std::size_t max_size = SIZE_MAX) noexcept;

/// Like decode_header(), but reads one header item from the front of `in` and advances `in` past it; bytes after
/// the item are left for the caller. On error `in` is left at an unspecified position. `max_size` bounds the
/// header item's encoded size (kTooLarge).
Expected<SealedHeader, rlp::DecodingError> decode_header_item(ByteView& in, std::size_t max_size = SIZE_MAX) noexcept;

/// Canonical RLP of `h`: the base fields, then each present optional field in order.
/// Throws only std::bad_alloc.
Bytes encode(const BlockHeader& h);

/// Appends the canonical RLP of `h` to `out`. Throws only std::bad_alloc.
void encode_to(Bytes& out, const BlockHeader& h);

/// Exact size in bytes of encode(h). noexcept.
std::size_t encoded_length(const BlockHeader& h) noexcept;

/// keccak256(encode(h)): the block hash of a header built in code. Throws only std::bad_alloc.
Hash hash_of(const BlockHeader& h);

/// Encodes and hashes `h` into a SealedHeader. Throws only std::bad_alloc.
SealedHeader seal(BlockHeader h);

}  // namespace hypasis
