#pragma once
/// One block-store write in preparation (internal to block_store/): the kv batch, the range-tracker mutations
/// already applied in memory (reverted unless the batch committed), and the numbers whose cache entries must go.
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

/// Sorted, coalesced runs of `nums`, which must be sorted and unique: {3, 4, 5, 9} -> [3, 6), [9, 10).
inline std::vector<Range> runs_of(const std::vector<uint64_t>& nums) {
    std::vector<Range> out;
    for (const uint64_t n : nums) {
        if (!out.empty() && out.back().end == n) {
            ++out.back().end;
        } else {
            out.push_back(Range{n, n + 1});
        }
    }
    return out;
}

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

    /// Transaction-index work that follows this write (tx_indexer.hpp): blocks whose stored bodies go (with their
    /// transactions' hashes, unindexed BEFORE the batch commits) and new bodies (indexed AFTER it commits).
    struct IndexJob {
        uint64_t block_num{0};
        std::vector<Hash> txn_hashes;
    };
    std::vector<IndexJob> unindex;
    std::vector<IndexJob> index;

    WriteBatch batch;
    std::vector<uint64_t> touched;

  private:
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
    bool committed_{false};
};

}  // namespace hypasis::storage::detail
