#include "hypasis/p2p/eth/message.hpp"

#include <type_traits>

namespace hypasis::p2p::eth {

namespace {

template <class T>
constexpr uint64_t code_of() noexcept {
    if constexpr (std::is_same_v<T, Status>)
        return msg::kStatus;
    else if constexpr (std::is_same_v<T, NewBlockHashes>)
        return msg::kNewBlockHashes;
    else if constexpr (std::is_same_v<T, Transactions>)
        return msg::kTransactions;
    else if constexpr (std::is_same_v<T, GetBlockHeaders>)
        return msg::kGetBlockHeaders;
    else if constexpr (std::is_same_v<T, BlockHeaders>)
        return msg::kBlockHeaders;
    else if constexpr (std::is_same_v<T, GetBlockBodies>)
        return msg::kGetBlockBodies;
    else if constexpr (std::is_same_v<T, BlockBodies>)
        return msg::kBlockBodies;
    else if constexpr (std::is_same_v<T, NewBlock>)
        return msg::kNewBlock;
    else if constexpr (std::is_same_v<T, NewPooledTransactionHashes>)
        return msg::kNewPooledTransactionHashes;
    else if constexpr (std::is_same_v<T, GetPooledTransactions>)
        return msg::kGetPooledTransactions;
    else if constexpr (std::is_same_v<T, PooledTransactions>)
        return msg::kPooledTransactions;
    else if constexpr (std::is_same_v<T, GetReceipts>)
        return msg::kGetReceipts;
    else if constexpr (std::is_same_v<T, Receipts>)
        return msg::kReceipts;
    else if constexpr (std::is_same_v<T, BlockRangeUpdate>)
        return msg::kBlockRangeUpdate;
    else
        static_assert(sizeof(T) == 0, "not an eth message");
}

/// Lifts a typed decoder's result into the variant.
template <class T>
Expected<EthMessage, EthError> lift(Expected<T, EthError>&& r) noexcept {
    if (!r) return unexpected(r.error());
    return EthMessage{std::in_place_type<T>, std::move(*r)};
}

bool is_known_code(uint64_t code) noexcept {
    return code <= msg::kPooledTransactions || code == msg::kGetNodeData || code == msg::kNodeData ||
           (code >= msg::kGetReceipts && code <= msg::kBlockRangeUpdate);
}

}  // namespace

uint64_t message_code(const EthMessage& m) noexcept {
    return std::visit([](const auto& x) { return code_of<std::decay_t<decltype(x)>>(); }, m);
}

bool message_in_version(EthVersion version, uint64_t code) noexcept {
    if (!is_known_code(code) || code == msg::kGetNodeData || code == msg::kNodeData) return false;
    switch (code) {
        case msg::kNewBlockHashes:
        case msg::kNewBlock:
            return version == EthVersion::kEth68;
        case msg::kBlockRangeUpdate:
            return version == EthVersion::kEth69;
        default:
            return true;
    }
}

Expected<EthMessage, EthError> decode_message(EthVersion version, uint64_t code, ByteView payload,
                                              const Limits& limits) noexcept {
    if (payload.size() > limits.max_message_size) return unexpected(EthError::kMessageTooLarge);
    if (!is_known_code(code)) return unexpected(EthError::kUnknownMessage);
    if (!message_in_version(version, code)) return unexpected(EthError::kMessageNotInVersion);
    switch (code) {
        case msg::kStatus:
            return lift(decode_status(version, payload));
        case msg::kNewBlockHashes:
            return lift(decode_new_block_hashes(payload, limits));
        case msg::kTransactions:
            return lift(decode_transactions(payload, limits));
        case msg::kGetBlockHeaders:
            return lift(decode_get_block_headers(payload));
        case msg::kBlockHeaders:
            return lift(decode_block_headers(payload, limits));
        case msg::kGetBlockBodies:
            return lift(decode_get_block_bodies(payload, limits));
        case msg::kBlockBodies:
            return lift(decode_block_bodies(payload, limits));
        case msg::kNewBlock:
            return lift(decode_new_block(payload, limits));
        case msg::kNewPooledTransactionHashes:
            return lift(decode_new_pooled_transaction_hashes(payload, limits));
        case msg::kGetPooledTransactions:
            return lift(decode_get_pooled_transactions(payload, limits));
        case msg::kPooledTransactions:
            return lift(decode_pooled_transactions(payload, limits));
        case msg::kGetReceipts:
            return lift(decode_get_receipts(payload, limits));
        case msg::kReceipts:
            return lift(decode_receipts(payload, receipt_form(version), limits));
        case msg::kBlockRangeUpdate:
            return lift(decode_block_range_update(payload));
        default:
            return unexpected(EthError::kUnknownMessage);
    }
}

Expected<Bytes, EthError> encode_message(EthVersion version, const EthMessage& m) {
    if (!message_in_version(version, message_code(m))) return unexpected(EthError::kMessageNotInVersion);
    return std::visit(
        [version](const auto& x) -> Bytes {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Status>) {
                return encode_status(version, x);
            } else if constexpr (std::is_same_v<T, Receipts>) {
                return encode(x, receipt_form(version));
            } else {
                return encode(x);
            }
        },
        m);
}

}  // namespace hypasis::p2p::eth
