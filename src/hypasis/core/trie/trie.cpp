#include "hypasis/core/trie/trie.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/trie/node.hpp"

namespace hypasis::trie {

struct Trie::Node {
    enum class Kind : uint8_t { kLeaf, kExtension, kBranch };

    explicit Node(Kind k) noexcept : kind(k) {}

    Kind kind;
    bool dirty{true};             ///< `ref` is stale: this node or a descendant changed since root() last ran.
    detail::NodeRef ref;          ///< This node's reference in its parent, valid when !dirty.
    Bytes path;                   ///< Leaf, extension: the nibbles this node covers (non-empty for an extension).
    Bytes value;                  ///< Leaf: its value. Branch: the value of the key ending here (empty = none).
    std::unique_ptr<Node> child;  ///< Extension: its child, always a branch.
    std::array<std::unique_ptr<Node>, 16> children;  ///< Branch: one slot per next nibble.
};

// The recursive algorithms. Each takes ownership of a subtree and returns the subtree that replaces it, kept in
// canonical form, and reports through `changed` whether anything changed (so unchanged paths keep their cached
// references).
struct Trie::Updater {
    using Kind = Node::Kind;
    using NodePtr = std::unique_ptr<Node>;

    static NodePtr make_leaf(ByteView path, ByteView value) {
        auto n = std::make_unique<Node>(Kind::kLeaf);
        n->path.assign(path.begin(), path.end());
        n->value.assign(value.begin(), value.end());
        return n;
    }

    static NodePtr make_extension(ByteView path, NodePtr child) {
        auto n = std::make_unique<Node>(Kind::kExtension);
        n->path.assign(path.begin(), path.end());
        n->child = std::move(child);
        return n;
    }

    // Drops the first `count` nibbles of a leaf's or extension's path (it moves below a new branch).
    static void drop_front(Node& n, std::size_t count) {
        n.path.erase(n.path.begin(), n.path.begin() + static_cast<std::ptrdiff_t>(count));
        n.dirty = true;
    }

    // Puts a leaf or extension one level below a new branch at its first differing nibble; an extension over
    // a single nibble disappears, its branch child taking the slot.
    static void hang_below(Node& branch, NodePtr n, std::size_t common) {
        const uint8_t slot = n->path[common];
        if (n->kind == Kind::kExtension && n->path.size() == common + 1) {
            branch.children[slot] = std::move(n->child);
        } else {
            drop_front(*n, common + 1);
            branch.children[slot] = std::move(n);
        }
    }

    // Splits a leaf or extension `n` whose path shares only `common` nibbles with `key`, which it does not
    // contain: a branch at the divergence, reached through an extension over the common part when it is not empty.
    static NodePtr split(NodePtr n, ByteView key, ByteView value, std::size_t common) {
        auto branch = std::make_unique<Node>(Kind::kBranch);
        if (n->kind == Kind::kLeaf && common == n->path.size()) {
            branch->value = std::move(n->value);  // the old key ends at the branch
        } else {
            hang_below(*branch, std::move(n), common);
        }
        if (common == key.size()) {
            branch->value.assign(value.begin(), value.end());
        } else {
            branch->children[key[common]] = make_leaf(key.subspan(common + 1), value);
        }
        if (common == 0) return branch;
        return make_extension(key.first(common), std::move(branch));
    }

    static NodePtr insert(NodePtr n, ByteView key, ByteView value, bool& changed, bool& added) {
        if (!n) {
            changed = added = true;
            return make_leaf(key, value);
        }
        switch (n->kind) {
            case Kind::kLeaf: {
                const std::size_t common = detail::common_prefix(n->path, key);
                if (common == n->path.size() && common == key.size()) {
                    if (std::equal(n->value.begin(), n->value.end(), value.begin(), value.end())) return n;
                    n->value.assign(value.begin(), value.end());
                    n->dirty = changed = true;
                    return n;
                }
                changed = added = true;
                return split(std::move(n), key, value, common);
            }
            case Kind::kExtension: {
                const std::size_t common = detail::common_prefix(n->path, key);
                if (common == n->path.size()) {
                    n->child = insert(std::move(n->child), key.subspan(common), value, changed, added);
                    if (changed) n->dirty = true;
                    return n;
                }
                changed = added = true;
                return split(std::move(n), key, value, common);
            }
            case Kind::kBranch: {
                if (key.empty()) {
                    if (std::equal(n->value.begin(), n->value.end(), value.begin(), value.end())) return n;
                    added = n->value.empty();
                    n->value.assign(value.begin(), value.end());
                    n->dirty = changed = true;
                    return n;
                }
                NodePtr& slot = n->children[key[0]];
                slot = insert(std::move(slot), key.subspan(1), value, changed, added);
                if (changed) n->dirty = true;
                return n;
            }
        }
        return n;
    }

    // Prepends `prefix` to the path of a leaf or extension.
    static NodePtr prepend(ByteView prefix, NodePtr n) {
        n->path.insert(n->path.begin(), prefix.begin(), prefix.end());
        n->dirty = true;
        return n;
    }

    // An extension whose branch child may have collapsed into a leaf or an extension absorbs it.
    static NodePtr normalize_extension(NodePtr n) {
        HYPASIS_ASSERT(n->child != nullptr);  // a branch loses one entry at a time and keeps at least one
        if (n->child->kind == Kind::kBranch) return n;
        return prepend(n->path, std::move(n->child));
    }

    // A branch left with a single entry collapses into a leaf or an extension.
    static NodePtr normalize_branch(NodePtr n) {
        std::size_t entries = n->value.empty() ? 0 : 1;
        std::size_t last = 16;
        for (std::size_t i = 0; i < 16; ++i) {
            if (n->children[i]) {
                ++entries;
                last = i;
            }
        }
        if (entries >= 2) return n;
        HYPASIS_ASSERT(entries == 1);  // a branch had two or more entries and lost one
        if (last == 16) return make_leaf({}, n->value);
        const uint8_t nibble = static_cast<uint8_t>(last);
        NodePtr only = std::move(n->children[last]);
        if (only->kind == Kind::kBranch) return make_extension(ByteView{&nibble, 1}, std::move(only));
        return prepend(ByteView{&nibble, 1}, std::move(only));
    }

    static NodePtr remove(NodePtr n, ByteView key, bool& removed) {
        if (!n) return n;
        switch (n->kind) {
            case Kind::kLeaf:
                if (!std::equal(n->path.begin(), n->path.end(), key.begin(), key.end())) return n;
                removed = true;
                return nullptr;
            case Kind::kExtension: {
                const std::size_t len = n->path.size();
                if (key.size() < len || !std::equal(n->path.begin(), n->path.end(), key.begin())) return n;
                n->child = remove(std::move(n->child), key.subspan(len), removed);
                if (!removed) return n;
                n->dirty = true;
                return normalize_extension(std::move(n));
            }
            case Kind::kBranch: {
                if (key.empty()) {
                    if (n->value.empty()) return n;
                    n->value.clear();
                    removed = true;
                } else {
                    NodePtr& slot = n->children[key[0]];
                    if (!slot) return n;
                    slot = remove(std::move(slot), key.subspan(1), removed);
                    if (!removed) return n;
                }
                n->dirty = true;
                return normalize_branch(std::move(n));
            }
        }
        return n;
    }

    // Brings `n`'s cached reference up to date, children first; they share `scratch` because a parent is encoded
    // only after all of its children are done with it.
    static void refresh(Node& n, Bytes& scratch, std::size_t& keccak_calls) {
        if (!n.dirty) return;
        switch (n.kind) {
            case Kind::kLeaf:
                detail::encode_leaf(scratch, n.path, n.value);
                break;
            case Kind::kExtension:
                refresh(*n.child, scratch, keccak_calls);
                detail::encode_extension(scratch, n.path, n.child->ref.view());
                break;
            case Kind::kBranch: {
                std::array<ByteView, 16> refs;
                for (std::size_t i = 0; i < 16; ++i) {
                    if (n.children[i]) {
                        refresh(*n.children[i], scratch, keccak_calls);
                        refs[i] = n.children[i]->ref.view();
                    }
                }
                detail::encode_branch(scratch, refs, n.value);
                break;
            }
        }
        n.ref = detail::make_ref(scratch, keccak_calls);
        n.dirty = false;
    }
};

Trie::Trie() noexcept = default;
Trie::~Trie() = default;
Trie::Trie(Trie&& other) noexcept = default;
Trie& Trie::operator=(Trie&& other) noexcept = default;

void Trie::put(ByteView key, ByteView value) {
    if (value.empty()) {
        erase(key);
        return;
    }
    Bytes nibbles;
    detail::append_nibbles(nibbles, key);
    bool changed = false;
    bool added = false;
    root_ = Updater::insert(std::move(root_), nibbles, value, changed, added);
    if (added) ++size_;
}

void Trie::erase(ByteView key) {
    Bytes nibbles;
    detail::append_nibbles(nibbles, key);
    bool removed = false;
    root_ = Updater::remove(std::move(root_), nibbles, removed);
    if (removed) --size_;
}

std::optional<Bytes> Trie::get(ByteView key) const {
    Bytes nibbles;
    detail::append_nibbles(nibbles, key);
    ByteView rest = nibbles;
    const Node* n = root_.get();
    while (n != nullptr) {
        switch (n->kind) {
            case Node::Kind::kLeaf:
                if (!std::equal(n->path.begin(), n->path.end(), rest.begin(), rest.end())) return std::nullopt;
                return n->value;
            case Node::Kind::kExtension:
                if (rest.size() < n->path.size() || !std::equal(n->path.begin(), n->path.end(), rest.begin())) {
                    return std::nullopt;
                }
                rest = rest.subspan(n->path.size());
                n = n->child.get();
                break;
            case Node::Kind::kBranch:
                if (rest.empty()) {
                    if (n->value.empty()) return std::nullopt;
                    return n->value;
                }
                n = n->children[rest[0]].get();
                rest = rest.subspan(1);
                break;
        }
    }
    return std::nullopt;
}

Hash Trie::root() const {
    if (!root_) return kEmptyRoot;
    Updater::refresh(*root_, scratch_, keccak_calls_);
    return detail::root_hash(root_->ref, keccak_calls_);
}

void Trie::clear() noexcept {
    root_.reset();
    size_ = 0;
}

void SecureTrie::put(ByteView key, ByteView value) {
    const Hash h = crypto::keccak256(key);
    trie_.put(h, value);
}

void SecureTrie::erase(ByteView key) {
    const Hash h = crypto::keccak256(key);
    trie_.erase(h);
}

std::optional<Bytes> SecureTrie::get(ByteView key) const {
    const Hash h = crypto::keccak256(key);
    return trie_.get(h);
}

}  // namespace hypasis::trie
