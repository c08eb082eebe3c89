#pragma once
/// Errors of the eth wire protocol codec (devp2p caps/eth.md, eth/68 and eth/69).
#include <string_view>
#include <system_error>

#include "hypasis/core/rlp/error.hpp"

namespace hypasis::p2p::eth {

/// Why an eth message was rejected, or why a peer's Status is not acceptable.
///
/// The first group are decoding errors: the bytes a peer sent are not a valid message. The second group are
/// Status (handshake) outcomes. is_protocol_violation() says which ones a peer manager should penalise.
enum class [[nodiscard]] EthError{
    // --- decoding ---
    kMalformedRlp = 1,     ///< Not canonical RLP: truncated, leading zeros, non-canonical sizes, nested too deep.
    kWrongShape,           ///< A list where a string belongs or vice versa, or a list with the wrong field count.
    kTrailingBytes,        ///< Bytes after the message's list, or after an element inside a typed item.
    kValueOverflow,        ///< An integer wider than its field (e.g. a 9-byte block number).
    kRequestIdTooLarge,    ///< The EIP-2481 request id does not fit in 64 bits.
    kInvalidField,         ///< A field of the wrong fixed size (hash, bloom) or an impossible value (reverse = 2,
                           ///< an origin that is neither a hash nor a number, an unknown transaction type, or
                           ///< NewPooledTransactionHashes lists of different lengths).
    kTooManyItems,         ///< A list with more elements than Limits allows; checked before allocating.
    kMessageTooLarge,      ///< The payload exceeds Limits::max_message_size.
    kUnknownMessage,       ///< A message code that no eth version we speak defines.
    kMessageNotInVersion,  ///< A code defined by eth but not in the negotiated version (BlockRangeUpdate on eth/68;
                           ///< NewBlock, NewBlockHashes on eth/69).
    // --- Status validation ---
    kVersionMismatch,     ///< Status.version differs from the negotiated capability version.
    kNetworkIdMismatch,   ///< Another network id.
    kGenesisMismatch,     ///< Another genesis block.
    kForkIdRemoteStale,   ///< EIP-2124: the remote is on our chain but missed a fork we passed (rule 2).
    kForkIdIncompatible,  ///< EIP-2124: another chain, or a fork we do not know (rules 1a, 4).
    kInvalidBlockRange,   ///< eth/69: earliest > latest in Status or BlockRangeUpdate.
};

/// A short, stable, human-readable name ("malformed rlp", "fork id rejected: remote stale", ...).
std::string_view to_string(EthError e) noexcept;

/// Whether the error proves the peer broke the protocol (so the peer manager should penalise it and disconnect),
/// rather than merely being incompatible with us.
///
/// - Every decoding error is a violation: a conforming peer never sends bytes that fail to decode, never a list
///   over our documented caps (they are far above what any client sends), never a code its version lacks.
/// - kVersionMismatch and kInvalidBlockRange are violations: the peer contradicts itself.
/// - kNetworkIdMismatch, kGenesisMismatch and both ForkID rejections are not: the peer is honest but on another
///   chain or at another software version. Disconnect it (devp2p "useless peer" / "subprotocol error") without a
///   reputation penalty.
bool is_protocol_violation(EthError e) noexcept;

/// The error category of EthError ("eth"). A singleton; thread-safe.
const std::error_category& eth_category() noexcept;

/// Wraps an EthError in a std::error_code of eth_category().
std::error_code make_error_code(EthError e) noexcept;

/// Maps a strict-RLP or core type decoding error to the eth error that a message containing it gets.
EthError from_rlp(rlp::DecodingError e) noexcept;

}  // namespace hypasis::p2p::eth

template <>
struct std::is_error_code_enum<hypasis::p2p::eth::EthError> : std::true_type {};
