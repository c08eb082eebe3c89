#pragma once
/// Beacon-chain withdrawals as the execution layer carries them (EIP-4895, Shanghai): the RLP list
/// [index, validator_index, address, amount] in a block body, and the list of them.
///
/// Decoding is strict (canonical RLP, exactly four fields, 64-bit integers, a 20-byte address), so a decoded
/// withdrawal re-encodes to the same bytes. All functions are thread-safe: they touch only their arguments.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis {

/// One withdrawal (EIP-4895). Every integer is a uint64 in the consensus specs (Capella `Withdrawal`).
struct Withdrawal {
    uint64_t index{0};            ///< Global, monotonically increasing withdrawal index.
    uint64_t validator_index{0};  ///< Index of the validator in the beacon state.
    Address address{};            ///< Recipient of the withdrawn Ether.
    uint64_t amount{0};           ///< In Gwei, not Wei (EIP-4895).

    friend bool operator==(const Withdrawal&, const Withdrawal&) = default;
};

/// Decodes one withdrawal item from the front of `in` and advances `in` past it.
/// Errors: kUnexpectedString (not a list), kListLengthMismatch (not exactly four fields), kLeadingZero /
/// kOverflow (integers not canonical or above 64 bits), kUnexpectedLength (address not 20 bytes), and the
/// truncation errors of the RLP decoder. noexcept; does not allocate.
Expected<Withdrawal, rlp::DecodingError> decode_withdrawal_item(ByteView& in) noexcept;

/// Decodes a withdrawal that must span the whole input (kInputTooLong on trailing bytes).
Expected<Withdrawal, rlp::DecodingError> decode_withdrawal(ByteView rlp) noexcept;

/// Decodes an RLP list of withdrawals from the front of `in` and advances `in` past it. The number of elements
/// is counted (without decoding them) and checked against `max_items` before the vector is allocated:
/// kTooLarge beyond it. Out of memory is reported as kTooLarge. noexcept.
Expected<std::vector<Withdrawal>, rlp::DecodingError> decode_withdrawals_item(ByteView& in,
                                                                              std::size_t max_items) noexcept;

/// Exact size of the RLP encoding of `w`. noexcept.
std::size_t encoded_length(const Withdrawal& w) noexcept;
/// Appends the canonical RLP of `w` to `out`. Throws only std::bad_alloc.
void encode_to(Bytes& out, const Withdrawal& w);
/// The canonical RLP of `w`. Throws only std::bad_alloc.
Bytes encode(const Withdrawal& w);

/// Exact size of the RLP list of `ws`. noexcept.
std::size_t encoded_length(const std::vector<Withdrawal>& ws) noexcept;
/// Appends the RLP list of `ws` to `out`. Throws only std::bad_alloc.
void encode_to(Bytes& out, const std::vector<Withdrawal>& ws);

}  // namespace hypasis
