#pragma once
/// Transaction receipts and logs, in the three wire forms they travel in, plus their blooms.
///
/// Forms:
/// - **consensus** (the receiptsRoot trie value, EIP-2718): rlp([status, cumulative_gas, bloom, logs]) for
///   legacy, type || rlp([...]) for typed receipts;
/// - **eth/68 element** (a Receipts (0x10) message): the legacy list as-is, a typed receipt as an RLP string
///   wrapping its consensus bytes (devp2p caps/eth.md, "Receipt Encoding and Validity");
/// - **eth/69 slim** (EIP-7642): rlp([tx_type, status, cumulative_gas, logs]) for every type, no bloom. The
///   bloom is recomputed from the logs when decoding.
/// `status` is the EIP-658 status (0 or 1) or, before Byzantium, a 32-byte post-transaction state root.
///
/// Decoding is strict (canonical RLP, exact field counts) and noexcept; encoding fails only with std::bad_alloc.
/// All functions are thread-safe: they touch only their arguments.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/rlp/error.hpp"
#include "hypasis/core/types/transaction.hpp"

namespace hypasis {

/// One log entry (Yellow Paper §4.3.1): the emitting contract, up to four topics, and opaque data.
struct Log {
    Address address{};
    std::vector<Hash> topics;
    Bytes data;
    friend bool operator==(const Log&, const Log&) = default;
};

/// A transaction receipt.
struct Receipt {
    TxnType type{TxnType::kLegacy};
    /// EIP-658 status: true for 1. False for 0, and also when post_state is set (pre-Byzantium receipts carry no
    /// status).
    bool success{false};
    /// Pre-Byzantium (before EIP-658): the intermediate state root in place of the status.
    std::optional<Hash> post_state;
    uint64_t cumulative_gas_used{0};
    /// As received in the consensus and eth/68 forms; recomputed from `logs` for the slim form.
    Bloom bloom{};
    std::vector<Log> logs;
    friend bool operator==(const Receipt&, const Receipt&) = default;
};

/// The LOG0..LOG4 opcodes emit at most four topics; a log with more cannot exist (kTooLarge).
inline constexpr std::size_t kMaxLogTopics = 4;
/// Default cap on receipts in one block's list: every transaction costs at least 21,000 gas, so this allows
/// blocks of over 1.3 billion gas.
inline constexpr std::size_t kMaxReceiptsPerBlock = std::size_t{1} << 16;

/// Which wire form a list of receipts is in.
enum class ReceiptForm {
    kEth68,  ///< legacy lists and string-wrapped typed receipts, with blooms
    kSlim,   ///< eth/69 (EIP-7642), no blooms
};

/// Decodes consensus bytes (a receiptsRoot trie value): a legacy RLP list or type || rlp(fields); the input must
/// hold exactly one receipt. Errors: the strict decoder's; kUnsupportedType for a type byte other than 1-4 (a
/// first byte 0x80-0xbf is kUnexpectedString); kListLengthMismatch for a field count other than 4;
/// kUnexpectedLength for a status that is neither a 0/1 integer nor 32 bytes, or a wrong-sized bloom, address or
/// topic; kOverflow for a status integer above 1; kTooLarge for more than kMaxLogTopics topics.
Expected<Receipt, rlp::DecodingError> decode_receipt(ByteView consensus) noexcept;

/// Decodes one element of an eth/68 Receipts list and advances `in` past it. Same errors as decode_receipt,
/// plus kInputTooLong for bytes left in a typed receipt's string after its list.
Expected<Receipt, rlp::DecodingError> decode_receipt_item(ByteView& in) noexcept;

/// Decodes one eth/69 slim receipt [tx_type, status, cumulative_gas, logs] and advances `in` past it; the bloom
/// is computed from the logs. Errors as decode_receipt; kUnsupportedType for a tx_type above 4.
Expected<Receipt, rlp::DecodingError> decode_slim_receipt(ByteView& in) noexcept;

/// Decodes one block's receipt list (the whole of `list` must be one RLP list) in the given form. At most
/// `max_receipts` elements (kTooLarge beyond); the vector grows only with elements actually present.
Expected<std::vector<Receipt>, rlp::DecodingError> decode_receipts(
    ByteView list, ReceiptForm form, std::size_t max_receipts = kMaxReceiptsPerBlock) noexcept;

/// The consensus encoding: the value stored under rlp(index) in the receipts trie. Uses `bloom` as stored.
Bytes encode_for_trie(const Receipt& receipt);

/// The eth/68 Receipts element form: the legacy list, or a typed receipt wrapped as an RLP string.
Bytes encode_receipt_item(const Receipt& receipt);

/// The eth/69 slim element form [tx_type, status, cumulative_gas, logs].
Bytes encode_slim(const Receipt& receipt);

/// One block's receipt list in the given wire form.
Bytes encode_receipts(const std::vector<Receipt>& receipts, ReceiptForm form);

/// The bloom of a receipt's logs: each log's address and each of its topics (Yellow Paper §4.3.1).
Bloom logs_bloom(const std::vector<Log>& logs) noexcept;

/// The OR of the receipts' blooms: a block header's logsBloom.
Bloom block_bloom(const std::vector<Receipt>& receipts) noexcept;

}  // namespace hypasis
