#pragma once
/// The roots a block header commits to and that are computed from a body or a receipt list:
/// transactionsRoot, ommersHash ("sha3Uncles"), withdrawalsRoot (Yellow Paper §4.3, EIP-4895) and receiptsRoot
/// (Yellow Paper §4.3.1, EIP-2718).
///
/// The three list roots are Merkle-Patricia roots of {rlp(i) -> item i}, built with the streaming
/// trie::OrderedRootBuilder (no trie is materialised). Items are:
/// - a transaction's canonical EIP-2718 bytes (`Transaction::encoded`: the legacy RLP list, or type || payload);
/// - a receipt's consensus encoding (encode_for_trie: uses the receipt's stored bloom, so a receipt decoded
///   from the eth/69 slim form, whose bloom the decoder recomputed from its logs, gives the same root);
/// - a withdrawal's RLP list.
/// The ommers hash is keccak256 of the RLP list of the ommer headers' received bytes (`SealedHeader::rlp`),
/// hashed as it streams, without building the list.
///
/// Functions throw only std::bad_alloc (from the builder's reused buffers, which grow to the largest item).
/// They touch only their arguments: thread-safe.
#include <optional>
#include <span>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/types/transaction.hpp"
#include "hypasis/core/types/withdrawal.hpp"

namespace hypasis::validation {

/// keccak256(rlp([])) = keccak256(0xc0): the ommers hash of a block without ommers, which every post-merge
/// header must carry (EIP-3675).
inline constexpr Hash kEmptyOmmersHash{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                       0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                       0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

/// The roots of one body, as its header should carry them.
struct BodyRoots {
    Hash transactions_root{};
    Hash ommers_hash{};
    /// Present iff the body has a withdrawals list (Shanghai and later; an empty list still has a root).
    std::optional<Hash> withdrawals_root;

    friend bool operator==(const BodyRoots&, const BodyRoots&) = default;
};

/// All roots of `body`. Each transaction must carry its `encoded` bytes and each ommer its `rlp` bytes (true of
/// anything decoded, or built and then sealed).
BodyRoots compute_body_roots(const BlockBody& body);

/// transactionsRoot over the transactions' canonical EIP-2718 bytes (`encoded`). trie::kEmptyRoot when empty.
Hash compute_transactions_root(std::span<const Transaction> txns);

/// ommersHash: keccak256 of the RLP list of the ommers' `rlp` bytes. kEmptyOmmersHash when empty.
Hash compute_ommers_hash(std::span<const SealedHeader> ommers);

/// withdrawalsRoot (EIP-4895) over each withdrawal's RLP. trie::kEmptyRoot when empty.
Hash compute_withdrawals_root(std::span<const Withdrawal> withdrawals);

/// receiptsRoot over each receipt's consensus encoding (encode_for_trie), with the receipt's stored bloom.
/// trie::kEmptyRoot when empty.
Hash compute_receipts_root(std::span<const Receipt> receipts);

}  // namespace hypasis::validation
