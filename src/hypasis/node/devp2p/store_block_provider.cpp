#include "hypasis/node/devp2p/store_block_provider.hpp"

#include <cstdio>
#include <utility>

#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/receipt.hpp"

namespace hypasis::node {

StoreBlockProvider::StoreBlockProvider(storage::BlockStore& store, const chain::ChainSpec& spec,
                                       std::function<void(const std::string&)> log)
    : store_(store),
      genesis_hash_(spec.genesis_hash),
      terminal_td_(spec.config.terminal_total_difficulty),
      log_(std::move(log)) {
    if (spec.genesis_header) {
        genesis_time_ = spec.genesis_header->timestamp;
        genesis_difficulty_ = spec.genesis_header->difficulty;
    }
    if (!log_) log_ = [](const std::string& line) { std::fprintf(stderr, "hypasis: %s\n", line.c_str()); };
}

void StoreBlockProvider::report(const storage::StoreError& e, const char* what) {
    {
        const std::lock_guard lock(mutex_);
        ++read_errors_;
    }
    log_(std::string("serving ") + what + ": " + storage::to_string(e));
}

uint64_t StoreBlockProvider::read_errors() const noexcept {
    const std::lock_guard lock(mutex_);
    return read_errors_;
}

// Called with mutex_ held.
U256 StoreBlockProvider::total_difficulty_at(uint64_t latest) {
    const bool all_headers_from_genesis =
        latest <= kMaxSummedHeaders && store_.gaps(storage::DataKind::kHeaders, {0, latest + 1}, 1).empty();
    if (!all_headers_from_genesis) return terminal_td_.value_or(td_num_ ? td_ : genesis_difficulty_);
    if (td_num_ && *td_num_ > latest) td_num_.reset();  // the head went back (a rollback): sum again
    uint64_t next = td_num_ ? *td_num_ + 1 : 0;
    U256 td = td_num_ ? td_ : U256{};
    for (; next <= latest; ++next) {
        auto h = store_.get_header(next);
        if (!h || !h->found()) {
            if (!h) log_("serving total difficulty: " + storage::to_string(h.error()));
            return terminal_td_.value_or(td);
        }
        td += (*h)->header.difficulty;
    }
    td_ = td;
    td_num_ = latest;
    return td;
}

p2p::peers::ChainHead StoreBlockProvider::head() {
    const std::optional<uint64_t> key = store_.head(storage::DataKind::kBodies);
    const std::lock_guard lock(mutex_);
    if (cached_ && cached_head_key_ == key) return *cached_;

    p2p::peers::ChainHead head;
    head.latest_hash = genesis_hash_;
    head.latest_time = genesis_time_;
    head.total_difficulty = genesis_difficulty_;
    const auto suffix = store_.contiguous_suffix(storage::DataKind::kBodies);
    if (suffix && !suffix->empty()) {
        auto h = store_.get_header(suffix->end - 1);
        if (h && h->found()) {
            head.earliest = suffix->first;
            head.latest = suffix->end - 1;
            head.latest_hash = (*h)->hash;
            head.latest_time = (*h)->header.timestamp;
            head.total_difficulty = total_difficulty_at(head.latest);
        } else if (!h) {
            ++read_errors_;
            log_("serving head: " + storage::to_string(h.error()));
            return head;  // not cached: the store has repaired itself, the next call sees the new suffix
        }
    }
    cached_ = head;
    cached_head_key_ = key;
    return head;
}

std::optional<Bytes> StoreBlockProvider::header_rlp(uint64_t block_num) {
    auto h = store_.get_header(block_num);
    if (!h) {
        report(h.error(), "a header");
        return std::nullopt;
    }
    if (!h->found()) return std::nullopt;
    return (*h)->rlp;
}

std::size_t StoreBlockProvider::header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                                            std::vector<Bytes>& out) {
    std::size_t bytes = 0;
    std::size_t n = 0;
    for (const uint64_t num : numbers) {
        if (bytes >= byte_budget) break;
        auto h = store_.get_header(num);
        if (!h) {
            report(h.error(), "headers");
            break;
        }
        if (!h->found()) break;
        bytes += (*h)->rlp.size();
        out.push_back((*h)->rlp);
        ++n;
    }
    return n;
}

std::optional<uint64_t> StoreBlockProvider::block_number(const Hash& hash) {
    auto h = store_.get_header_by_hash(hash);
    if (!h) {
        report(h.error(), "a header by hash");
        return std::nullopt;
    }
    if (!h->found()) return std::nullopt;
    return (*h)->header.number;
}

std::optional<Bytes> StoreBlockProvider::body_rlp(const Hash& hash) {
    const auto num = block_number(hash);
    if (!num) return std::nullopt;
    // get_block, not get_body: the header read with the body proves the number still holds this hash (a reorg
    // between the two reads would otherwise pair the hash with another block's body).
    auto block = store_.get_block(*num);
    if (!block) {
        report(block.error(), "a body");
        return std::nullopt;
    }
    if (!block->found() || (*block)->header.hash != hash) return std::nullopt;
    return encode((*block)->body);
}

std::optional<Bytes> StoreBlockProvider::receipts_rlp(const Hash& hash, ReceiptForm form) {
    const auto num = block_number(hash);
    if (!num) return std::nullopt;
    auto receipts = store_.get_receipts(*num);
    if (!receipts) {
        report(receipts.error(), "receipts");
        return std::nullopt;
    }
    if (!receipts->found()) return std::nullopt;
    return encode_receipts(**receipts, form);
}

}  // namespace hypasis::node
