#pragma once
/// One block-store write in preparation (internal to block_store/): the kv batch, the range-tracker mutations
/// already applied in memory (reverted unless the batch committed), and the numbers whose cache entries must go.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/kv/kv.hpp"
#include "hypasis/storage/ranges/range_codec.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"

namespace hypasis::storage::detail {

constexpr std::size_t idx(DataKind k) noexcept { return static_cast<std::size_t>(k); }

constexpr std::array<DataKind, kDataKindCount> kAllKinds{DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts};

/// Adapts a kv WriteBatch's meta column to the range codec.
class MetaSink final : public RangeRecordSink {
  public:
    explicit MetaSink(WriteBatch& batch) noexcept : batch_(batch) {}
    void put(ByteView key, ByteView value) override { batch_.put(Column::kMeta, key, value); }
    void del(ByteView key) override { batch_.del(Column::kMeta, key); }

  private:
    WriteBatch& batch_;
};

/// One write in preparation: the batch, the tracker mutations already applied in memory (reverted by the
/// destructor unless the batch committed), and the block numbers whose cache entries must go.
class Staging {
  public:
    explicit Staging(std::array<RangeTracker, kDataKindCount>& trackers) noexcept : trackers_(trackers) {}
    Staging(const Staging&) = delete;
    Staging& operator=(const Staging&) = delete;
    ~Staging() {
        if (committed_) return;
        for (std::size_t k = 0; k < kDataKindCount; ++k) {
            for (auto it = deltas_[k].rbegin(); it != deltas_[k].rend(); ++it) trackers_[k].revert(*it);
        }
    }

    void add(DataKind kind, Range r) { record(kind, trackers_[idx(kind)].add(r)); }
    void remove(DataKind kind, Range r) { record(kind, trackers_[idx(kind)].remove(r)); }

    /// Appends the tracker records of every delta, in order, to the batch (applied in order, sequential deltas
    /// take the records from the state before the first to the state after the last).
    void write_deltas() {
        MetaSink sink(batch);
        for (const DataKind kind : kAllKinds) {
            for (const RangeDelta& d : deltas_[idx(kind)]) write_delta(kind, d, sink);
        }
    }

    void mark_committed() noexcept { committed_ = true; }

    /// Queues a put into tx_index. Its keys are random hashes, ~70-200 per block; add_index_puts() adds the queue to
    /// the batch sorted by key, because the memtable's skiplist then finds each insert position next to the
    /// previous one instead of searching from the top (kv/README.md: measured +20-25% full-block ingest).
    void index_put(Column column, const Hash& key, ByteView value) {
        IndexPut p{column, key, {}, static_cast<uint8_t>(value.size())};
        std::copy(value.begin(), value.end(), p.value.begin());
        index_puts_.push_back(p);
    }

    /// Appends the queued index puts to the batch, sorted by (column, key). The sort is stable, so a key queued
    /// twice keeps its order and the later put still wins. Removals were added to the batch before (pass 1).
    void add_index_puts() {
        // Sorts positions rather than the 48-byte entries; ties broken by position keep the queue order.
        std::vector<uint32_t> order(index_puts_.size());
        for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
            const IndexPut& x = index_puts_[a];
            const IndexPut& y = index_puts_[b];
            if (x.column != y.column) return x.column < y.column;
            if (x.key != y.key) return x.key < y.key;
            return a < b;
        });
        for (const uint32_t i : order) {
            const IndexPut& p = index_puts_[i];
            batch.put(p.column, p.key, ByteView(p.value.data(), p.value_size));
        }
        index_puts_.clear();
    }

    WriteBatch batch;
    std::vector<uint64_t> touched;

  private:
    struct IndexPut {
        Column column;
        Hash key;
        FixedBytes<schema::kTxIndexValueSize> value;
        uint8_t value_size;
    };

    void record(DataKind kind, RangeDelta d) {
        if (d.empty()) return;
        try {
            deltas_[idx(kind)].push_back(std::move(d));
        } catch (...) {
            trackers_[idx(kind)].revert(d);
            throw;
        }
    }

    std::array<RangeTracker, kDataKindCount>& trackers_;
    std::array<std::vector<RangeDelta>, kDataKindCount> deltas_;
    std::vector<IndexPut> index_puts_;
    bool committed_{false};
};

}  // namespace hypasis::storage::detail
