#pragma once
/// The eth message envelope: decode any message by (version, code), encode any message for a version.
/// Used by the session layer and by fuzz/eth_message_fuzz.cpp.
///
/// Which codes each version accepts (relative to the capability offset):
/// | code | message                    | eth/68 | eth/69 |
/// |------|----------------------------|--------|--------|
/// | 0x00 | Status                     | yes    | yes (EIP-7642 layout) |
/// | 0x01 | NewBlockHashes             | yes    | no  (kMessageNotInVersion) |
/// | 0x02 | Transactions               | yes    | yes |
/// | 0x03 | GetBlockHeaders            | yes    | yes |
/// | 0x04 | BlockHeaders               | yes    | yes |
/// | 0x05 | GetBlockBodies             | yes    | yes |
/// | 0x06 | BlockBodies                | yes    | yes |
/// | 0x07 | NewBlock                   | yes    | no  (kMessageNotInVersion) |
/// | 0x08 | NewPooledTransactionHashes | yes (EIP-5793 form) | yes |
/// | 0x09 | GetPooledTransactions      | yes    | yes |
/// | 0x0a | PooledTransactions         | yes    | yes |
/// | 0x0d | GetNodeData                | no: removed in eth/67 (kMessageNotInVersion) | no |
/// | 0x0e | NodeData                   | no: removed in eth/67 (kMessageNotInVersion) | no |
/// | 0x0f | GetReceipts                | yes    | yes |
/// | 0x10 | Receipts                   | yes (consensus form) | yes (slim form) |
/// | 0x11 | BlockRangeUpdate           | no  (kMessageNotInVersion) | yes |
/// Any other code, and 0x0b/0x0c (never assigned since eth/63), is kUnknownMessage.
/// NewBlock and NewBlockHashes on eth/69: EIP-3675 deprecated both at the merge and caps/eth.md keeps their codes
/// assigned, but geth and reth give them no handler on eth/69; we follow the implementations (see README).
#include <cstdint>
#include <variant>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/eth/codec.hpp"
#include "hypasis/p2p/eth/error.hpp"
#include "hypasis/p2p/eth/status.hpp"
#include "hypasis/p2p/eth/types.hpp"

namespace hypasis::p2p::eth {

/// Any eth message.
using EthMessage = std::variant<Status, NewBlockHashes, Transactions, GetBlockHeaders, BlockHeaders, GetBlockBodies,
                                BlockBodies, NewBlock, NewPooledTransactionHashes, GetPooledTransactions,
                                PooledTransactions, GetReceipts, Receipts, BlockRangeUpdate>;

/// The message code of a message's type (relative to the capability offset).
uint64_t message_code(const EthMessage& m) noexcept;

/// Whether `version` defines `code` (the table above).
bool message_in_version(EthVersion version, uint64_t code) noexcept;

/// Decodes the payload of message `code` received on a session of `version`. Checks, in order: the payload size
/// (kMessageTooLarge), the code (kUnknownMessage, kMessageNotInVersion), then the message's own decoder with
/// `limits`. Never allocates beyond the limits; noexcept; thread-safe.
Expected<EthMessage, EthError> decode_message(EthVersion version, uint64_t code, ByteView payload,
                                              const Limits& limits = {}) noexcept;

/// Encodes `m` for a session of `version` (Status and Receipts take the version's layout). kMessageNotInVersion
/// when the version does not define the message. Throws only std::bad_alloc.
Expected<Bytes, EthError> encode_message(EthVersion version, const EthMessage& m);

}  // namespace hypasis::p2p::eth
