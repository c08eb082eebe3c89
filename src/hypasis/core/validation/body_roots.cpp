#include "hypasis/core/validation/body_roots.hpp"

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/trie/ordered_root.hpp"

namespace hypasis::validation {

BodyRoots compute_body_roots(const BlockBody& body) {
    BodyRoots roots;
    roots.transactions_root = compute_transactions_root(body.transactions);
    roots.ommers_hash = compute_ommers_hash(body.ommers);
    if (body.withdrawals) roots.withdrawals_root = compute_withdrawals_root(*body.withdrawals);
    return roots;
}

Hash compute_transactions_root(std::span<const Transaction> txns) {
    // The items are already in memory in canonical form: hand out views, copy nothing.
    return trie::ordered_trie_root(txns.size(), [txns](std::size_t i) { return ByteView{txns[i].encoded}; });
}

Hash compute_ommers_hash(std::span<const SealedHeader> ommers) {
    std::size_t payload = 0;
    for (const auto& o : ommers) payload += o.rlp.size();
    Bytes list_header;
    rlp::encode_list_header(list_header, payload);
    crypto::Keccak256 hasher;
    hasher.update(list_header);
    for (const auto& o : ommers) hasher.update(o.rlp);
    return hasher.finalize();
}

Hash compute_withdrawals_root(std::span<const Withdrawal> withdrawals) {
    // ordered_trie_root needs each view only until its next call, so one scratch buffer serves every item.
    Bytes scratch;
    return trie::ordered_trie_root(withdrawals.size(), [&](std::size_t i) {
        scratch.clear();
        encode_to(scratch, withdrawals[i]);
        return ByteView{scratch};
    });
}

Hash compute_receipts_root(std::span<const Receipt> receipts) {
    Bytes scratch;
    return trie::ordered_trie_root(receipts.size(), [&](std::size_t i) {
        scratch = encode_for_trie(receipts[i]);
        return ByteView{scratch};
    });
}

}  // namespace hypasis::validation
