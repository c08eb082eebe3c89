#include "hypasis/p2p/peers/memory_block_provider.hpp"

namespace hypasis::p2p::peers {

void MemoryBlockProvider::add(const Block& block, const std::vector<Receipt>& receipts) {
    Row row;
    row.hash = block.header.hash;
    row.timestamp = block.header.header.timestamp;
    row.header = block.header.rlp;
    row.body = encode(block.body);
    row.receipts_eth68 = encode_receipts(receipts, ReceiptForm::kEth68);
    row.receipts_slim = encode_receipts(receipts, ReceiptForm::kSlim);
    const uint64_t n = block.header.header.number;
    std::lock_guard lock(mutex_);
    if (auto old = by_number_.find(n); old != by_number_.end()) by_hash_.erase(old->second.hash);
    by_hash_[row.hash] = n;
    by_number_[n] = std::move(row);
}

void MemoryBlockProvider::set_total_difficulty(const U256& td) {
    std::lock_guard lock(mutex_);
    td_ = td;
}

std::size_t MemoryBlockProvider::calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

ChainHead MemoryBlockProvider::head() {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (by_number_.empty()) return {};
    const auto& [latest, row] = *by_number_.rbegin();
    return ChainHead{by_number_.begin()->first, latest, row.hash, row.timestamp, td_};
}

std::optional<Bytes> MemoryBlockProvider::header_rlp(uint64_t block_num) {
    std::lock_guard lock(mutex_);
    ++calls_;
    auto it = by_number_.find(block_num);
    if (it == by_number_.end()) return std::nullopt;
    return it->second.header;
}

std::size_t MemoryBlockProvider::header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                                             std::vector<Bytes>& out) {
    std::lock_guard lock(mutex_);
    ++calls_;
    std::size_t bytes = 0, n = 0;
    for (const uint64_t num : numbers) {
        if (bytes >= byte_budget) break;
        auto it = by_number_.find(num);
        if (it == by_number_.end()) break;
        bytes += it->second.header.size();
        out.push_back(it->second.header);
        ++n;
    }
    return n;
}

std::optional<uint64_t> MemoryBlockProvider::block_number(const Hash& hash) {
    std::lock_guard lock(mutex_);
    ++calls_;
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    return it->second;
}

std::optional<Bytes> MemoryBlockProvider::body_rlp(const Hash& hash) {
    std::lock_guard lock(mutex_);
    ++calls_;
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    return by_number_.at(it->second).body;
}

std::optional<Bytes> MemoryBlockProvider::receipts_rlp(const Hash& hash, ReceiptForm form) {
    std::lock_guard lock(mutex_);
    ++calls_;
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    const Row& row = by_number_.at(it->second);
    return form == ReceiptForm::kSlim ? row.receipts_slim : row.receipts_eth68;
}

}  // namespace hypasis::p2p::peers
