#include "hypasis/core/validation/body_validation.hpp"

#include "hypasis/core/types/bloom.hpp"
#include "hypasis/core/validation/blob_gas.hpp"
#include "hypasis/core/validation/body_roots.hpp"

namespace hypasis::validation {

uint64_t total_blob_gas(std::span<const Transaction> txns) noexcept {
    uint64_t total = 0;
    for (const auto& txn : txns) {
        if (txn.type != TxnType::kBlob) continue;
        // At most kMaxBlobHashes (2^10) hashes per decoded transaction, but a transaction built in code may hold more:
        // saturate rather than wrap, so that a wrapped sum can never match a header.
        const uint64_t n = txn.blob_versioned_hashes.size();
        if (n > (~uint64_t{0} - total) / kGasPerBlob) return ~uint64_t{0};
        total += n * kGasPerBlob;
    }
    return total;
}

Expected<void, BodyError> validate_body(const BlockHeader& header, const BlockBody& body) noexcept {
    if (compute_transactions_root(body.transactions) != header.transactions_root) {
        return unexpected(BodyError::kTransactionsRootMismatch);
    }
    if (compute_ommers_hash(body.ommers) != header.ommers_hash) return unexpected(BodyError::kOmmersHashMismatch);

    // EIP-4895: the withdrawals list travels in the body exactly when the header commits to one.
    if (header.withdrawals_root && !body.withdrawals) return unexpected(BodyError::kWithdrawalsMissing);
    if (!header.withdrawals_root && body.withdrawals) return unexpected(BodyError::kWithdrawalsUnexpected);
    if (body.withdrawals && compute_withdrawals_root(*body.withdrawals) != *header.withdrawals_root) {
        return unexpected(BodyError::kWithdrawalsRootMismatch);
    }

    // EIP-4844: assert block.header.blob_gas_used == get_total_blob_gas(block).
    const uint64_t blob_gas = total_blob_gas(body.transactions);
    if (!header.blob_gas_used) {
        for (const auto& txn : body.transactions) {
            if (txn.type == TxnType::kBlob) return unexpected(BodyError::kBlobTransactionUnexpected);
        }
    } else if (*header.blob_gas_used != blob_gas) {
        return unexpected(BodyError::kBlobGasUsedMismatch);
    }
    return {};
}

Expected<void, BodyError> validate_receipts(const BlockHeader& header, std::span<const Receipt> receipts) noexcept {
    const uint64_t cumulative = receipts.empty() ? 0 : receipts.back().cumulative_gas_used;
    if (cumulative != header.gas_used) return unexpected(BodyError::kGasUsedMismatch);
    Bloom bloom{};
    for (const auto& r : receipts) bloom_or(bloom, r.bloom);
    if (bloom != header.logs_bloom) return unexpected(BodyError::kLogsBloomMismatch);
    if (compute_receipts_root(receipts) != header.receipts_root) return unexpected(BodyError::kReceiptsRootMismatch);
    return {};
}

namespace {

// The fork that introduced each EIP-2718 transaction type.
bool type_active(const chain::ChainSpec& spec, TxnType type, uint64_t number, uint64_t time) noexcept {
    switch (type) {
        case TxnType::kLegacy: return true;
        case TxnType::kAccessList: return spec.config.is_berlin(number);               // EIP-2930
        case TxnType::kDynamicFee: return spec.is_london(number);                      // EIP-1559
        case TxnType::kBlob:                                                           // EIP-4844
            return spec.config.consensus != chain::Consensus::kBor && spec.is_cancun(number, time);
        case TxnType::kSetCode: return spec.is_prague(number, time);                   // EIP-7702
    }
    return false;
}

}  // namespace

Expected<std::vector<Address>, SenderFailure> validate_block_senders(const chain::ChainSpec& spec,
                                                                     const BlockHeader& header,
                                                                     const BlockBody& body) noexcept {
    const uint64_t number = header.number;
    const uint64_t time = header.timestamp;
    const bool eip155 = spec.is_active(chain::Fork::kEip155, number, time);
    const bool low_s = spec.config.is_homestead(number);  // EIP-2
    std::vector<Address> senders;
    senders.reserve(body.transactions.size());
    for (std::size_t i = 0; i < body.transactions.size(); ++i) {
        const Transaction& txn = body.transactions[i];
        if (!type_active(spec, txn.type, number, time)) {
            return unexpected(SenderFailure{i, BodyError::kTxnTypeNotActive, std::nullopt});
        }
        // EIP-155 (legacy) and EIP-2930 onwards (typed): the signed chain id must be this chain's.
        const bool legacy = txn.type == TxnType::kLegacy;
        const bool chain_id_ok = txn.chain_id ? (*txn.chain_id == spec.chain_id() && (!legacy || eip155)) : legacy;
        if (!chain_id_ok) return unexpected(SenderFailure{i, BodyError::kInvalidChainId, std::nullopt});
        auto sender = recover_sender(txn, low_s);
        if (!sender) return unexpected(SenderFailure{i, BodyError::kInvalidSignature, sender.error()});
        senders.push_back(*sender);
    }
    return senders;
}

}  // namespace hypasis::validation
