#pragma once
/// JSON-RPC encoding of blocks, headers, transactions and withdrawals, in exactly the shape geth's
/// eth_getBlockByNumber / eth_getBlockByHash / eth_getTransactionByHash return (go-ethereum internal/ethapi:
/// RPCMarshalHeader, RPCMarshalBlock, RPCTransaction; core/types: Withdrawal, SetCodeAuthorization).
///
/// Value forms (Ethereum JSON-RPC "quantity" and "data"):
/// - quantities (numbers, gas, fees, v/r/s, indices) are "0x" + the shortest lower-case hex, "0x0" for zero;
/// - data (hashes, addresses, bloom, extraData, input, nonce) are "0x" + lower-case hex of every byte.
///
/// Key order follows the bytes geth writes, so that output can be compared with a plain text diff: block and
/// header objects are Go maps, which encoding/json writes with sorted keys; transactions, withdrawals, access-list
/// entries and authorizations are Go structs, written in declaration order.
///
/// Which transaction fields appear (geth's RPCTransaction, per EIP-2718 type):
/// | field                                 | 0 (legacy)            | 1 | 2 | 3 | 4 |
/// |---------------------------------------|-----------------------|---|---|---|---|
/// | chainId                               | only with EIP-155 v   | x | x | x | x |
/// | accessList, yParity                   |                       | x | x | x | x |
/// | maxFeePerGas, maxPriorityFeePerGas    |                       |   | x | x | x |
/// | maxFeePerBlobGas, blobVersionedHashes |                       |   |   | x |   |
/// | authorizationList                     |                       |   |   |   | x |
/// Every type has blockHash, blockNumber, from, gas, gasPrice, hash, input, nonce, to (null for a contract
/// creation), transactionIndex, value, type, v, r, s. For types 2-4 in a block, gasPrice is the effective price
/// min(maxFeePerGas, baseFee + maxPriorityFeePerGas) (EIP-1559); outside a block (or without a base fee) it is
/// maxFeePerGas, as geth does. Like geth (`omitempty` on slices), an empty blobVersionedHashes or
/// authorizationList is left out, while an empty accessList is written as [].
///
/// Deliberately absent: totalDifficulty (geth no longer returns it since the merge made it meaningless, and a
/// block alone cannot give it), and the proof-of-stake fields of non-Ethereum chains (Bor, Parlia) that geth
/// forks add.
///
/// Every function touches only its arguments and is thread-safe. None throws except std::bad_alloc: the inputs
/// are decoded values, so every field has a JSON form.
#include <cstdint>
#include <optional>
#include <span>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/transaction.hpp"
#include "hypasis/core/types/withdrawal.hpp"

namespace hypasis::json {

/// Where a transaction sits in the chain: the fields geth fills from the block that includes it.
struct TxnLocation {
    Hash block_hash{};
    uint64_t block_num{0};
    uint64_t index{0};
    /// The including block's base fee (EIP-1559), nullopt before London. Used for the effective gasPrice.
    std::optional<U256> base_fee;
};

/// How a block's "transactions" array is filled.
enum class TxnDetail : uint8_t {
    kHashes,  ///< Transaction hashes only (eth_getBlockByNumber(n, false)).
    kFull,    ///< Full transaction objects (eth_getBlockByNumber(n, true)).
};

/// The header's fields as geth's RPCMarshalHeader writes them: number, hash (the sealed hash, keccak of the
/// received bytes), parentHash, nonce, mixHash, sha3Uncles, logsBloom, stateRoot, miner, difficulty, extraData,
/// gasLimit, gasUsed, timestamp, transactionsRoot, receiptsRoot, and each optional fork field the header carries
/// (baseFeePerGas, withdrawalsRoot, blobGasUsed, excessBlobGas, parentBeaconBlockRoot, requestsHash), keys sorted.
boost::json::object header_to_json(const SealedHeader& header);

/// One transaction as geth's RPCTransaction. `from` is the recovered sender; the caller recovers it (recovery
/// needs the chain's rules, EIP-2 low s from Homestead on) and passes nullopt when recovery failed, which is
/// written as the zero address, as geth does when types.Sender fails. Without `location` (a pending
/// transaction) blockHash, blockNumber and transactionIndex are null and gasPrice of types 2-4 is maxFeePerGas.
boost::json::object transaction_to_json(const Transaction& txn, const std::optional<Address>& from,
                                        const std::optional<TxnLocation>& location);

/// One withdrawal (EIP-4895): {index, validatorIndex, address, amount}, amount in Gwei as carried.
boost::json::object withdrawal_to_json(const Withdrawal& w);

/// One EIP-7702 authorization: {chainId, address, nonce, yParity, r, s}.
boost::json::object authorization_to_json(const Authorization& auth);

/// The access list as [{address, storageKeys: [...]}, ...] (EIP-2930).
boost::json::array access_list_to_json(std::span<const AccessListEntry> list);

/// The whole block as geth's RPCMarshalBlock(block, inclTx=true, fullTx): header_to_json() plus size (the RLP
/// length of the block [header, txs, ommers, withdrawals?], as geth's Block.Size()), transactions, uncles
/// (ommer hashes) and, when the body has a withdrawals list, withdrawals.
///
/// With TxnDetail::kFull, `senders[i]` is transaction i's sender (nullopt when recovery failed; see
/// transaction_to_json()). A `senders` shorter than the transaction list leaves the remaining senders unknown
/// (zero address); it is ignored for TxnDetail::kHashes.
boost::json::object block_to_json(const Block& block, TxnDetail detail,
                                  std::span<const std::optional<Address>> senders = {});

}  // namespace hypasis::json
