#pragma once
/// A block's body and receipts against its header, and the transactions' signatures: what both pipelines run once
/// bodies or receipts are fetched for a header that is already trusted (DESIGN.md §3). A header commits to its body
/// and receipts only through roots, so these checks are what makes fetched data trustworthy.
///
/// Costs: validate_body and validate_receipts hash every item once (streaming roots, body_roots.hpp), about a
/// microsecond per kilobyte; validate_block_senders does one secp256k1 recovery per transaction (~32 µs each here),
/// by far the most expensive check, which is why it is separate.
///
/// All functions are noexcept and thread-safe (they touch only their arguments). The root builders allocate scratch
/// buffers up to the largest item's size; as everywhere in core, running out of memory there ends the process.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/types/transaction.hpp"
#include "hypasis/core/validation/error.hpp"

namespace hypasis::validation {

/// Checks that `body` is the body `header` commits to, in this order:
/// 1. transactionsRoot over the transactions (Yellow Paper §4.3.2): kTransactionsRootMismatch;
/// 2. ommersHash = keccak(rlp(ommers)) (Yellow Paper §4.3.2): kOmmersHashMismatch;
/// 3. withdrawals present iff the header has a withdrawals root, and the root matches (EIP-4895):
///    kWithdrawalsMissing, kWithdrawalsUnexpected, kWithdrawalsRootMismatch;
/// 4. blob gas (EIP-4844): the header's blob_gas_used equals 2^17 × the number of blob versioned hashes over all
///    type-3 transactions (kBlobGasUsedMismatch); without blob_gas_used no type-3 transaction may appear
///    (kBlobTransactionUnexpected).
/// Whether the header itself carries the right fields for its fork is validate_header's job.
Expected<void, BodyError> validate_body(const BlockHeader& header, const BlockBody& body) noexcept;

/// The blob gas the transactions use: 2^17 per blob versioned hash of each type-3 transaction (EIP-4844
/// get_total_blob_gas), saturating at 2^64 - 1.
uint64_t total_blob_gas(std::span<const Transaction> txns) noexcept;

/// Checks a block's receipts against its header, in this order:
/// 1. the last receipt's cumulative gas equals gas_used (0 for no receipts) (Yellow Paper §4.3.1): kGasUsedMismatch;
/// 2. the OR of the receipts' blooms equals logsBloom (Yellow Paper §4.3.1): kLogsBloomMismatch;
/// 3. receiptsRoot over the consensus encodings (EIP-2718): kReceiptsRootMismatch.
/// Each receipt's stored bloom is used. Receipts decoded from eth/69 slim form have it recomputed from their logs
/// by the decoder; for eth/68 receipts the root commits to the bloom as received, so a bloom that does not match
/// its logs changes the root.
Expected<void, BodyError> validate_receipts(const BlockHeader& header, std::span<const Receipt> receipts) noexcept;

/// Why validate_block_senders rejected a transaction: which one, which rule, and for kInvalidSignature the
/// underlying TxnError.
struct SenderFailure {
    std::size_t index{0};  ///< Position of the first failing transaction in the body.
    BodyError error{BodyError::kInvalidSignature};
    std::optional<TxnError> cause;  ///< Set for kInvalidSignature.

    friend bool operator==(const SenderFailure&, const SenderFailure&) = default;
};

/// Recovers every transaction's sender under `spec`'s rules at `header`'s number and timestamp, and returns the
/// senders in body order. For each transaction in order, stopping at the first failure:
/// 1. its type must be active: EIP-2930 from Berlin, EIP-1559 from London, EIP-4844 from Cancun, EIP-7702 from
///    Prague (kTxnTypeNotActive). Bor chains carry no blob transactions.
/// 2. its chain id must be the chain's: typed transactions always, legacy ones when they use EIP-155, which must
///    be active (Spurious Dragon) (kInvalidChainId). Legacy transactions with v = 27/28 carry no chain id.
/// 3. its signature must recover, with a low s from Homestead on (EIP-2) (kInvalidSignature, cause set).
/// Returns the senders, or the first failure with its index.
Expected<std::vector<Address>, SenderFailure> validate_block_senders(const chain::ChainSpec& spec,
                                                                     const BlockHeader& header,
                                                                     const BlockBody& body) noexcept;

}  // namespace hypasis::validation
