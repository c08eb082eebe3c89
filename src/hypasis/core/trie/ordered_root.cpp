#include "hypasis/core/trie/ordered_root.hpp"

#include <algorithm>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::trie {

namespace {

// Index 0's key sorts after those of indices 1..127 and before those of 128 and up.
constexpr std::size_t kFirstMultiByteKey = 128;

// Adds rlp(index) -> item. The callers generate indices in sorted-key order, so a refusal is a bug here.
void add_indexed(HashBuilder& builder, Bytes& key, std::size_t index, ByteView item) {
    key.clear();
    rlp::encode_u64(key, index);
    const auto added = builder.add(key, item);
    HYPASIS_ASSERT(added.has_value());
}

}  // namespace

void OrderedRootBuilder::add(ByteView item) {
    HYPASIS_ASSERT(!finished_);  // a caller bug: add() after root() without reset()
    const std::size_t index = count_++;
    if (index == 0) {
        first_.assign(item.begin(), item.end());
        return;
    }
    if (index == kFirstMultiByteKey) feed(0, first_);
    feed(index, item);
}

void OrderedRootBuilder::feed(std::size_t index, ByteView item) {
    if (index == 0) first_fed_ = true;
    add_indexed(builder_, key_, index, item);
}

Hash OrderedRootBuilder::root() {
    if (count_ > 0 && !first_fed_) feed(0, first_);
    finished_ = true;
    return builder_.root();
}

void OrderedRootBuilder::reset() noexcept {
    builder_.reset();
    first_.clear();
    count_ = 0;
    first_fed_ = false;
    finished_ = false;
}

Hash ordered_trie_root(std::size_t count, const std::function<ByteView(std::size_t)>& value_at) {
    HashBuilder builder;
    Bytes key;
    const std::size_t single_byte_end = std::min(count, kFirstMultiByteKey);
    for (std::size_t i = 1; i < single_byte_end; ++i) add_indexed(builder, key, i, value_at(i));
    if (count > 0) add_indexed(builder, key, 0, value_at(0));
    for (std::size_t i = kFirstMultiByteKey; i < count; ++i) add_indexed(builder, key, i, value_at(i));
    return builder.root();
}

Hash ordered_trie_root(std::span<const Bytes> values) {
    return ordered_trie_root(values.size(), [values](std::size_t i) { return ByteView{values[i]}; });
}

}  // namespace hypasis::trie
