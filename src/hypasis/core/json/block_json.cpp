#include "hypasis/core/json/block_json.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::json {
namespace {

boost::json::string hex_data(ByteView v) { return boost::json::string(to_hex(v)); }

template <std::size_t N>
boost::json::string hex_data(const FixedBytes<N>& b) {
    return hex_data(ByteView{b.data(), N});
}

boost::json::string hex_quantity(uint64_t x) { return boost::json::string(to_quantity(x)); }
boost::json::string hex_quantity(const U256& x) { return boost::json::string(x.to_quantity()); }

// geth writes block and header objects from Go maps, whose keys encoding/json sorts byte-wise.
boost::json::object sorted(boost::json::object in) {
    std::vector<std::pair<std::string_view, boost::json::value*>> entries;
    entries.reserve(in.size());
    for (auto& kv : in) entries.emplace_back(kv.key(), &kv.value());
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    boost::json::object out;
    out.reserve(entries.size());
    for (auto& [key, value] : entries) out.emplace(key, std::move(*value));
    return out;
}

boost::json::array hash_array(std::span<const Hash> hashes) {
    boost::json::array out;
    out.reserve(hashes.size());
    for (const Hash& h : hashes) out.emplace_back(hex_data(h));
    return out;
}

// Fills the header fields into `out` (unsorted; callers sort once at the end).
void put_header_fields(boost::json::object& out, const SealedHeader& sealed) {
    const BlockHeader& h = sealed.header;
    out["number"] = hex_quantity(h.number);
    out["hash"] = hex_data(sealed.hash);
    out["parentHash"] = hex_data(h.parent_hash);
    out["nonce"] = hex_data(h.nonce);
    out["mixHash"] = hex_data(h.mix_hash);
    out["sha3Uncles"] = hex_data(h.ommers_hash);
    out["logsBloom"] = hex_data(h.logs_bloom);
    out["stateRoot"] = hex_data(h.state_root);
    out["miner"] = hex_data(h.beneficiary);
    out["difficulty"] = hex_quantity(h.difficulty);
    out["extraData"] = hex_data(h.extra_data);
    out["gasLimit"] = hex_quantity(h.gas_limit);
    out["gasUsed"] = hex_quantity(h.gas_used);
    out["timestamp"] = hex_quantity(h.timestamp);
    out["transactionsRoot"] = hex_data(h.transactions_root);
    out["receiptsRoot"] = hex_data(h.receipts_root);
    if (h.base_fee_per_gas) out["baseFeePerGas"] = hex_quantity(*h.base_fee_per_gas);
    if (h.withdrawals_root) out["withdrawalsRoot"] = hex_data(*h.withdrawals_root);
    if (h.blob_gas_used) out["blobGasUsed"] = hex_quantity(*h.blob_gas_used);
    if (h.excess_blob_gas) out["excessBlobGas"] = hex_quantity(*h.excess_blob_gas);
    if (h.parent_beacon_block_root) out["parentBeaconBlockRoot"] = hex_data(*h.parent_beacon_block_root);
    if (h.requests_hash) out["requestsHash"] = hex_data(*h.requests_hash);
}

bool has_fee_caps(TxnType t) noexcept {
    return t == TxnType::kDynamicFee || t == TxnType::kBlob || t == TxnType::kSetCode;
}

}  // namespace

boost::json::object header_to_json(const SealedHeader& header) {
    boost::json::object out;
    out.reserve(22);
    put_header_fields(out, header);
    return sorted(std::move(out));
}

boost::json::array access_list_to_json(std::span<const AccessListEntry> list) {
    boost::json::array out;
    out.reserve(list.size());
    for (const AccessListEntry& e : list) {
        boost::json::object entry;
        entry.reserve(2);
        entry["address"] = hex_data(e.address);
        entry["storageKeys"] = hash_array(e.storage_keys);
        out.emplace_back(std::move(entry));
    }
    return out;
}

boost::json::object authorization_to_json(const Authorization& auth) {
    boost::json::object out;
    out.reserve(6);
    out["chainId"] = hex_quantity(auth.chain_id);
    out["address"] = hex_data(auth.address);
    out["nonce"] = hex_quantity(auth.nonce);
    out["yParity"] = hex_quantity(uint64_t{auth.y_parity});
    out["r"] = hex_quantity(auth.r);
    out["s"] = hex_quantity(auth.s);
    return out;
}

boost::json::object withdrawal_to_json(const Withdrawal& w) {
    boost::json::object out;
    out.reserve(4);
    out["index"] = hex_quantity(w.index);
    out["validatorIndex"] = hex_quantity(w.validator_index);
    out["address"] = hex_data(w.address);
    out["amount"] = hex_quantity(w.amount);
    return out;
}

boost::json::object transaction_to_json(const Transaction& txn, const std::optional<Address>& from,
                                        const std::optional<TxnLocation>& location) {
    const TxnType type = txn.type;
    U256 gas_price = txn.gas_price;
    if (has_fee_caps(type)) {
        gas_price = (location && location->base_fee) ? effective_gas_price(txn, *location->base_fee)
                                                     : txn.max_fee_per_gas;
    }

    // Declaration order of geth's RPCTransaction; fields a type lacks are skipped as its `omitempty` does.
    boost::json::object out;
    out.reserve(24);
    if (location) {
        out["blockHash"] = hex_data(location->block_hash);
        out["blockNumber"] = hex_quantity(location->block_num);
    } else {
        out["blockHash"] = nullptr;
        out["blockNumber"] = nullptr;
    }
    out["from"] = hex_data(from.value_or(Address{}));
    out["gas"] = hex_quantity(txn.gas_limit);
    out["gasPrice"] = hex_quantity(gas_price);
    if (has_fee_caps(type)) {
        out["maxFeePerGas"] = hex_quantity(txn.max_fee_per_gas);
        out["maxPriorityFeePerGas"] = hex_quantity(txn.max_priority_fee_per_gas);
    }
    if (type == TxnType::kBlob) out["maxFeePerBlobGas"] = hex_quantity(txn.max_fee_per_blob_gas);
    out["hash"] = hex_data(txn.hash);
    out["input"] = hex_data(txn.data);
    out["nonce"] = hex_quantity(txn.nonce);
    if (txn.to) {
        out["to"] = hex_data(*txn.to);
    } else {
        out["to"] = nullptr;
    }
    if (location) {
        out["transactionIndex"] = hex_quantity(location->index);
    } else {
        out["transactionIndex"] = nullptr;
    }
    out["value"] = hex_quantity(txn.value);
    out["type"] = hex_quantity(uint64_t{static_cast<uint8_t>(type)});
    if (type != TxnType::kLegacy) out["accessList"] = access_list_to_json(txn.access_list);
    // Legacy: only an EIP-155 chain id (geth: "if a legacy transaction has an EIP-155 chain id, include it").
    if (txn.chain_id && (type != TxnType::kLegacy || *txn.chain_id != 0)) out["chainId"] = hex_quantity(*txn.chain_id);
    if (type == TxnType::kBlob && !txn.blob_versioned_hashes.empty()) {
        out["blobVersionedHashes"] = hash_array(txn.blob_versioned_hashes);
    }
    if (type == TxnType::kSetCode && !txn.authorization_list.empty()) {
        boost::json::array auths;
        auths.reserve(txn.authorization_list.size());
        for (const Authorization& a : txn.authorization_list) auths.emplace_back(authorization_to_json(a));
        out["authorizationList"] = std::move(auths);
    }
    out["v"] = hex_quantity(txn.v);
    out["r"] = hex_quantity(txn.r);
    out["s"] = hex_quantity(txn.s);
    if (type != TxnType::kLegacy) out["yParity"] = hex_quantity(uint64_t{txn.y_parity});
    return out;
}

boost::json::object block_to_json(const Block& block, TxnDetail detail,
                                  std::span<const std::optional<Address>> senders) {
    const SealedHeader& sealed = block.header;
    boost::json::object out;
    out.reserve(26);
    put_header_fields(out, sealed);
    out["size"] = hex_quantity(static_cast<uint64_t>(encoded_length(block)));

    const auto& txns = block.body.transactions;
    boost::json::array transactions;
    transactions.reserve(txns.size());
    for (std::size_t i = 0; i < txns.size(); ++i) {
        if (detail == TxnDetail::kHashes) {
            transactions.emplace_back(hex_data(txns[i].hash));
            continue;
        }
        const TxnLocation location{sealed.hash, sealed.header.number, static_cast<uint64_t>(i),
                                   sealed.header.base_fee_per_gas};
        const std::optional<Address> from = i < senders.size() ? senders[i] : std::nullopt;
        transactions.emplace_back(transaction_to_json(txns[i], from, location));
    }
    out["transactions"] = std::move(transactions);

    boost::json::array uncles;
    uncles.reserve(block.body.ommers.size());
    for (const SealedHeader& ommer : block.body.ommers) uncles.emplace_back(hex_data(ommer.hash));
    out["uncles"] = std::move(uncles);

    if (block.body.withdrawals) {
        boost::json::array withdrawals;
        withdrawals.reserve(block.body.withdrawals->size());
        for (const Withdrawal& w : *block.body.withdrawals) withdrawals.emplace_back(withdrawal_to_json(w));
        out["withdrawals"] = std::move(withdrawals);
    }
    return sorted(std::move(out));
}

}  // namespace hypasis::json
