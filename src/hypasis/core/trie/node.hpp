#pragma once
/// Internal to core/trie: the byte forms of Merkle-Patricia trie nodes (Yellow Paper, Appendix D), shared by the
/// general Trie and the streaming HashBuilder so that both produce the same bytes by construction. Not part of
/// the public API: include trie.hpp or ordered_root.hpp instead.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::trie::detail {

/// How a node appears inside its parent (Yellow Paper, Appendix D, the function c(J, i)): the node's own RLP when
/// that is shorter than 32 bytes (an "inlined" node), otherwise the RLP string of keccak256 of it (0xa0 followed
/// by the 32-byte hash, 33 bytes). size == 0 means "no node" (an empty branch slot, written as 0x80).
struct NodeRef {
    uint8_t size{0};
    std::array<uint8_t, 33> bytes{};

    ByteView view() const noexcept { return {bytes.data(), size}; }
    bool empty() const noexcept { return size == 0; }
};

/// The reference of a node whose full RLP is `rlp`. Hashes (and increments `keccak_calls`) only when the RLP
/// is 32 bytes or longer. noexcept, no allocation.
NodeRef make_ref(ByteView rlp, std::size_t& keccak_calls) noexcept;

/// The root hash of a trie whose root node has the reference `ref`. The root is always hashed, even when its
/// RLP is short: a reference that is already a hash is returned as it is, an inlined one (the node's full RLP) is
/// hashed here.
Hash root_hash(const NodeRef& ref, std::size_t& keccak_calls) noexcept;

/// Each encoder clears `out` and writes the full RLP of one node into it. `path` holds nibbles (one per byte,
/// each 0..15), written with the hex-prefix encoding (Yellow Paper, Appendix C). Throw only std::bad_alloc
/// (when `out` must grow; a reused buffer stops allocating once it has reached the largest node size).
///
/// Leaf: [HP(path, leaf), value].
void encode_leaf(Bytes& out, ByteView path, ByteView value);
/// Extension: [HP(path, extension), child]. `path` is not empty; `child_ref` is the child's NodeRef bytes.
void encode_extension(Bytes& out, ByteView path, ByteView child_ref);
/// Branch: [c0, ..., c15, value]. An empty child view is written as the empty string 0x80; an empty value
/// means "no value here".
void encode_branch(Bytes& out, std::span<const ByteView, 16> children, ByteView value);

/// Appends the nibbles of `bytes` (high nibble first) to `out`.
void append_nibbles(Bytes& out, ByteView bytes);

/// Length of the common prefix of two nibble paths.
std::size_t common_prefix(ByteView a, ByteView b) noexcept;

}  // namespace hypasis::trie::detail
