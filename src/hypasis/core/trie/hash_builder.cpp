#include "hypasis/core/trie/hash_builder.hpp"

#include <algorithm>

#include "hypasis/core/trie/trie.hpp"

namespace hypasis::trie {

std::string_view to_string(HashBuilderError e) noexcept {
    switch (e) {
        case HashBuilderError::kKeyNotIncreasing: return "key not strictly increasing";
        case HashBuilderError::kInvalidNibble: return "invalid nibble";
        case HashBuilderError::kFinished: return "builder already finished";
    }
    return "unknown hash builder error";
}

Expected<void, HashBuilderError> HashBuilder::add(ByteView key, ByteView value) {
    if (finished_) return unexpected(HashBuilderError::kFinished);
    key_.clear();
    detail::append_nibbles(key_, key);
    return add_checked(key_, value);
}

Expected<void, HashBuilderError> HashBuilder::add_nibbles(ByteView nibbles, ByteView value) {
    if (finished_) return unexpected(HashBuilderError::kFinished);
    if (std::any_of(nibbles.begin(), nibbles.end(), [](uint8_t n) { return n > 0x0f; })) {
        return unexpected(HashBuilderError::kInvalidNibble);
    }
    return add_checked(nibbles, value);
}

Expected<void, HashBuilderError> HashBuilder::add_checked(ByteView key, ByteView value) {
    std::size_t common = 0;
    if (has_prev_) {
        const ByteView prev = prev_key_;
        common = detail::common_prefix(prev, key);
        // `key` must sort strictly after `prev`: it differs at `common` with a larger nibble, or `prev` is a
        // proper prefix of it. Equal keys and keys that are prefixes of `prev` sort before or at it.
        const bool greater = common < key.size() && (common == prev.size() || key[common] > prev[common]);
        if (!greater) return unexpected(HashBuilderError::kKeyNotIncreasing);
    }
    if (value.empty()) return {};  // an absent entry, as in Trie::put
    if (has_prev_) settle(common, /*final=*/false);
    prev_key_.assign(key.begin(), key.end());
    prev_value_.assign(value.begin(), value.end());
    has_prev_ = true;
    ++count_;
    return {};
}

Hash HashBuilder::root() {
    if (finished_) return root_;
    finished_ = true;
    if (!has_prev_) {
        root_ = kEmptyRoot;
    } else {
        settle(0, /*final=*/true);
    }
    return root_;
}

void HashBuilder::reset() noexcept {
    open_ = 0;
    has_prev_ = false;
    finished_ = false;
    root_ = Hash{};
    count_ = 0;
    keccak_calls_ = 0;
}

HashBuilder::Frame& HashBuilder::push_frame(std::size_t depth) {
    if (open_ == frames_.size()) frames_.emplace_back();
    Frame& f = frames_[open_++];
    f.depth = depth;
    f.children.fill(detail::NodeRef{});
    f.value.clear();
    return f;
}

detail::NodeRef HashBuilder::leaf_ref(ByteView path, ByteView value) {
    detail::encode_leaf(scratch_, path, value);
    return detail::make_ref(scratch_, keccak_calls_);
}

detail::NodeRef HashBuilder::branch_ref(const Frame& f) {
    std::array<ByteView, 16> children;
    for (std::size_t i = 0; i < 16; ++i) children[i] = f.children[i].view();
    detail::encode_branch(scratch_, children, f.value);
    return detail::make_ref(scratch_, keccak_calls_);
}

// The open frames always have strictly increasing depths, and the deepest one is the branch under which the
// pending previous key hangs (its depth is the common prefix of the previous key and the one before it). A new key
// that shares `common` nibbles with the previous key needs a branch at depth `common`:
//  - deeper than every open frame: push it, and hang the previous entry in it (as its value when the previous key
//    ends exactly there);
//  - otherwise: hang the previous entry in the deepest frame, then close frames deeper than `common`, each into
//    the frame above it (through an extension over the nibbles between them), pushing a frame at `common` when
//    none exists there. No later key can reach a closed frame, because keys only grow.
void HashBuilder::settle(std::size_t common, bool final) {
    const ByteView key = prev_key_;
    if (!final && (open_ == 0 || frames_[open_ - 1].depth < common)) {
        Frame& f = push_frame(common);
        if (common == key.size()) {
            f.value.assign(prev_value_.begin(), prev_value_.end());
        } else {
            f.children[key[common]] = leaf_ref(key.subspan(common + 1), prev_value_);
        }
        return;
    }
    if (open_ == 0) {  // final, with a single entry: the root is one leaf over the whole key
        root_ = detail::root_hash(leaf_ref(key, prev_value_), keccak_calls_);
        return;
    }
    {
        Frame& top = frames_[open_ - 1];
        top.children[key[top.depth]] = leaf_ref(key.subspan(top.depth + 1), prev_value_);
    }
    while (open_ > 0) {
        const std::size_t depth = frames_[open_ - 1].depth;
        if (!final && depth <= common) break;
        detail::NodeRef ref = branch_ref(frames_[open_ - 1]);
        --open_;
        if (final && open_ == 0) {
            // The root is this branch, or an extension over the first `depth` nibbles leading to it. A reference
            // that is already a hash is the root hash itself (no second keccak); an inlined one is hashed.
            if (depth > 0) {
                detail::encode_extension(scratch_, key.first(depth), ref.view());
                ref = detail::make_ref(scratch_, keccak_calls_);
            }
            root_ = detail::root_hash(ref, keccak_calls_);
            return;
        }
        if (!final && (open_ == 0 || frames_[open_ - 1].depth < common)) push_frame(common);
        Frame& parent = frames_[open_ - 1];
        if (depth > parent.depth + 1) {
            detail::encode_extension(scratch_, key.subspan(parent.depth + 1, depth - parent.depth - 1), ref.view());
            ref = detail::make_ref(scratch_, keccak_calls_);
        }
        parent.children[key[parent.depth]] = ref;
    }
}

}  // namespace hypasis::trie
