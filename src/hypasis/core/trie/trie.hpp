#pragma once
/// The Merkle-Patricia trie of the Yellow Paper (Appendix D): an in-memory, mutable map from byte keys to byte
/// values whose root hash commits to its whole contents. For the root of an ordered list (transactions,
/// receipts, withdrawals) use ordered_root.hpp instead: it streams and never builds the trie.
#include <cstddef>
#include <memory>
#include <optional>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::trie {

/// The root of the empty trie: keccak256(rlp("")) = keccak256(0x80).
inline constexpr Hash kEmptyRoot{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

/// A general in-memory Merkle-Patricia trie.
///
/// Keys are arbitrary byte strings (any length, and one key may be a prefix of another); values are non-empty
/// byte strings: putting an empty value deletes the key, as in Ethereum. Nodes are kept in canonical form (no
/// branch with fewer than two entries, no extension followed by an extension or a leaf), so the root depends
/// only on the set of entries, never on the order of operations.
///
/// Node references follow the Yellow Paper: a node whose RLP is shorter than 32 bytes is inlined in its parent,
/// any other is referred to by its keccak256; the root is always hashed.
///
/// Complexity, for a key of k nibbles: put(), erase() and get() walk one path, O(k) steps plus the copy of the
/// key and value. Each node caches its reference; put() and erase() invalidate only the nodes on the path they
/// touch, so root() re-encodes and re-hashes only those: after m changes, O(m·k) node encodings (at most one
/// keccak each); with no change, root() costs one keccak at most (none when the root node is 32 bytes or more).
/// Memory is O(total size of keys and values). Recursion depth is bounded by the longest key's nibble count.
///
/// Errors: no function fails on any input; those that allocate throw only std::bad_alloc.
///
/// Thread-safety: none. get(), size() and empty() may run concurrently with each other, but root(), although
/// const, updates the hash cache, so it must not run concurrently with any other call on the same trie.
class Trie {
  public:
    Trie() noexcept;
    ~Trie();
    Trie(Trie&& other) noexcept;
    Trie& operator=(Trie&& other) noexcept;
    Trie(const Trie&) = delete;
    Trie& operator=(const Trie&) = delete;

    /// Sets key -> value, replacing any previous value. An empty value erases the key instead.
    void put(ByteView key, ByteView value);

    /// Removes the key; does nothing if it is absent.
    void erase(ByteView key);

    /// The value at `key`, or nullopt when it is absent.
    std::optional<Bytes> get(ByteView key) const;

    /// The root hash; kEmptyRoot for an empty trie. Re-hashes only what changed since the previous call.
    Hash root() const;

    /// The number of keys present.
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    /// Removes every entry.
    void clear() noexcept;

    /// The number of keccak256 calls root() has made since construction. For benchmarks and metrics.
    std::size_t keccak_calls() const noexcept { return keccak_calls_; }

  private:
    struct Node;
    struct Updater;

    std::unique_ptr<Node> root_;
    std::size_t size_{0};
    mutable std::size_t keccak_calls_{0};
    mutable Bytes scratch_;  ///< Reused buffer for node encodings in root().
};

/// A "secure" trie (Yellow Paper §4.1, the state and storage tries): every key is replaced by keccak256(key)
/// before it reaches the underlying Trie. Used for state roots: key = address, value = RLP([nonce, balance,
/// storageRoot, codeHash]); and for storage roots: key = the 32-byte slot, value = RLP(the slot's value as a
/// minimal big-endian integer). Encoding the values is the caller's job. Same contracts as Trie, plus one
/// keccak per put(), erase() and get() for the key.
class SecureTrie {
  public:
    /// Sets keccak256(key) -> value; an empty value erases.
    void put(ByteView key, ByteView value);
    /// Removes keccak256(key); does nothing if it is absent.
    void erase(ByteView key);
    /// The value at keccak256(key), or nullopt.
    std::optional<Bytes> get(ByteView key) const;
    /// The root hash; kEmptyRoot when empty.
    Hash root() const { return trie_.root(); }
    std::size_t size() const noexcept { return trie_.size(); }
    bool empty() const noexcept { return trie_.empty(); }
    void clear() noexcept { trie_.clear(); }

  private:
    Trie trie_;
};

}  // namespace hypasis::trie
