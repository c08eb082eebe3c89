#pragma once
/// Roots of ordered lists: transactionsRoot, receiptsRoot and withdrawalsRoot (Yellow Paper §4.3 and EIP-4895).
/// The list is the trie {rlp(i) -> item i}, where item i is already encoded: a transaction's canonical EIP-2718
/// bytes (legacy: its RLP list; typed: type || payload), a receipt's consensus encoding, a withdrawal's RLP.
///
/// The keys rlp(i) do not sort in index order: rlp(0) = 0x80 sorts after rlp(1..127) = 0x01..0x7f, while indices
/// from 128 on (0x81 xx, 0x82 xx xx, ...) sort in index order after 0x80. So the sorted key order is
///     1, 2, ..., min(n, 128) - 1, then 0, then 128, 129, ..., n - 1,
/// and these builders feed a HashBuilder in that order. Nothing but the current trie path (and item 0, which
/// OrderedRootBuilder must hold until item 127 has gone by) is kept in memory.
///
/// An empty item is skipped, as Trie::put treats an empty value as a deletion (real list items are never empty).
/// All functions throw only std::bad_alloc, from the reused buffers growing to the largest item size.
#include <cstddef>
#include <functional>
#include <span>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/trie/hash_builder.hpp"
#include "hypasis/core/trie/trie.hpp"

namespace hypasis::trie {

/// Streaming builder for items that arrive one by one in list order (for example while walking a block body's
/// transaction list). Item 0 is copied and held until its key's turn; every other item is consumed at once.
/// Not thread-safe: one builder belongs to one thread at a time.
class OrderedRootBuilder {
  public:
    OrderedRootBuilder() = default;

    /// Appends the next item (index size()). The view need only be valid during the call. Precondition: root()
    /// has not been called since construction or reset() (a broken precondition aborts via HYPASIS_ASSERT).
    void add(ByteView item);

    /// Finishes and returns the root: kEmptyRoot for an empty list. Calling it again returns the same root.
    Hash root();

    /// Forgets every item (keeping allocated buffers) to build another root.
    void reset() noexcept;

    /// The number of items added.
    std::size_t size() const noexcept { return count_; }

    /// keccak256 calls made so far for this root (see HashBuilder::keccak_calls).
    std::size_t keccak_calls() const noexcept { return builder_.keccak_calls(); }

  private:
    void feed(std::size_t index, ByteView item);

    HashBuilder builder_;
    Bytes first_;  ///< Item 0, held until items 1..127 have been fed.
    Bytes key_;    ///< Scratch: rlp(index).
    std::size_t count_{0};
    bool first_fed_{false};
    bool finished_{false};
};

/// The root of the list of `count` items where item i is value_at(i). value_at is called exactly once per index,
/// in sorted-key order (1..min(count,128)-1, 0, 128..count-1, see above), and its view need only stay valid until
/// the next call. Nothing is copied but the previous item.
Hash ordered_trie_root(std::size_t count, const std::function<ByteView(std::size_t)>& value_at);

/// The root of a list of already-encoded items.
Hash ordered_trie_root(std::span<const Bytes> values);

}  // namespace hypasis::trie
