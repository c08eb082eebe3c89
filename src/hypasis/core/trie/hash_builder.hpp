#pragma once
/// HashBuilder: the root of a Merkle-Patricia trie (Yellow Paper, Appendix D) computed from entries given in
/// strictly increasing key order, without building the trie. Only the current path is kept: a stack of the
/// branches that the next key can still reach, plus the previous entry. A node is encoded, hashed and dropped as
/// soon as no later key can change it, so memory is O(key length × 16 references + the largest value), whatever
/// the number of entries.
///
/// This is the lower layer of OrderedRootBuilder (ordered_root.hpp). It also fits any root whose keys can be
/// produced sorted, such as a state root from keccak-hashed keys sorted beforehand.
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/trie/node.hpp"

namespace hypasis::trie {

/// Why HashBuilder::add refused an entry. The builder is unchanged after a refusal and may be used on.
enum class [[nodiscard]] HashBuilderError {
    kKeyNotIncreasing = 1,  ///< The key is equal to or sorts before the previous key (byte / nibble order).
    kInvalidNibble,         ///< add_nibbles() got a byte above 15.
    kFinished,              ///< root() was already called; call reset() to start a new trie.
};

/// A short, stable, human-readable name of the error.
std::string_view to_string(HashBuilderError e) noexcept;

/// Streaming Merkle-Patricia root over sorted keys.
///
/// Keys may have any length and any key may be a prefix of a later one (its value then sits in a branch), so the
/// result equals Trie's root for the same set of entries. An empty value is skipped, as Trie::put treats it as a
/// deletion: the trie holds no empty values.
///
/// Cost: each add() does O(key length) work plus the encoding and hashing of the nodes it closes; over a whole
/// trie every node is encoded and hashed exactly once, so the total is one keccak per node whose RLP is 32 bytes
/// or longer, plus one for the root. The previous value is copied (it cannot be encoded before the next key
/// fixes the length of its leaf's path); internal buffers are reused, so after warm-up add() does not allocate.
///
/// Errors: the functions below throw only std::bad_alloc. Not thread-safe: one builder belongs to one thread at a
/// time (distinct builders are independent).
class HashBuilder {
  public:
    HashBuilder() = default;

    /// Adds an entry whose key is given as bytes (each byte is two nibbles, high first). `value` is copied; the
    /// views need only be valid during the call. Fails with kKeyNotIncreasing unless `key` sorts strictly after
    /// the previous key, and with kFinished after root().
    Expected<void, HashBuilderError> add(ByteView key, ByteView value);

    /// Adds an entry whose key is given as nibbles, one per byte (each 0..15), for paths that are not a whole
    /// number of bytes. Same contract as add(), plus kInvalidNibble.
    Expected<void, HashBuilderError> add_nibbles(ByteView nibbles, ByteView value);

    /// Finishes the trie and returns its root: kEmptyRoot when nothing (or only empty values) was added. Calling
    /// it again returns the same root; add() then fails with kFinished until reset().
    Hash root();

    /// Forgets every entry (keeping allocated buffers) so the builder can compute another root.
    void reset() noexcept;

    /// The number of entries added (empty values excluded) since construction or reset().
    std::size_t size() const noexcept { return count_; }

    /// The number of keccak256 calls made since construction or reset(): one per node whose RLP is at least 32
    /// bytes, plus the root. For benchmarks and metrics.
    std::size_t keccak_calls() const noexcept { return keccak_calls_; }

  private:
    /// A branch still open at nibble depth `depth` of the current path: its children filled so far and its value.
    struct Frame {
        std::size_t depth{0};
        std::array<detail::NodeRef, 16> children{};
        Bytes value;
    };

    Expected<void, HashBuilderError> add_checked(ByteView nibbles, ByteView value);
    /// Places the pending previous entry and closes every branch deeper than `common` (the common prefix length
    /// of the previous key and the next one); with `final`, closes everything and sets root_.
    void settle(std::size_t common, bool final);
    Frame& push_frame(std::size_t depth);
    detail::NodeRef leaf_ref(ByteView path, ByteView value);
    detail::NodeRef branch_ref(const Frame& f);

    std::vector<Frame> frames_;  ///< frames_[0, open_) are open, deepest last; slots past open_ are kept for reuse.
    std::size_t open_{0};
    Bytes key_;         ///< Scratch: the nibbles of the key being added.
    Bytes prev_key_;    ///< Nibbles of the pending previous key (valid when has_prev_).
    Bytes prev_value_;  ///< Its value.
    Bytes scratch_;     ///< Scratch: the RLP of the node being encoded.
    bool has_prev_{false};
    bool finished_{false};
    Hash root_{};
    std::size_t count_{0};
    std::size_t keccak_calls_{0};
};

}  // namespace hypasis::trie
