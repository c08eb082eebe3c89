#pragma once
/// StoreBlockProvider: the p2p server's BlockProvider (p2p/peers/block_provider.hpp) over the block store. p2p never
/// includes storage; this adapter is the seam, and the only place that decides what "our chain" means to peers.
///
/// - **Served range.** `head()` reports the highest contiguous run of stored bodies (the bodies tracker's
///   contiguous suffix) as [earliest, latest]: every block in it has its header and body, so an eth/69 peer that
///   trusts the range is never sent an empty answer for a block inside it. Blocks below a gap are still served
///   when asked for (by number or hash); they are only not advertised. Receipts are served when stored, but do not
///   shape the range: chain-file imports carry none, and a range that required them would be empty.
/// - **Empty store.** `head()` falls back to the genesis block of the chain (latest 0, the spec's genesis hash and
///   time), which is what a node with nothing but its genesis announces.
/// - **Total difficulty** (eth/68 Status only): summed from the stored headers [0, latest] when the store holds all
///   of them and latest is at most kMaxSummedHeaders (then extended incrementally as the head moves); otherwise the
///   chain's terminal total difficulty when it has one, else the sum so far. After the merge no client reads it
///   (EIP-3675), so the fallback costs nothing but keeps start-up bounded on a large store.
/// - **Receipts** are stored in eth/69 slim form and come back from the store with blooms recomputed; they are
///   re-encoded with core's encode_receipts in the form the session asks for (eth/68 with blooms, eth/69 slim).
/// - **Errors.** A read error (a corrupted row, which the store has already removed, or a kv failure) is reported
///   once per call to the `log` sink and answered as "not available" (nullopt), as the interface requires.
///
/// Thread-safety: every method may be called concurrently (the store's reads are thread-safe; head()'s cache has
/// its own mutex). The store must outlive the provider.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/p2p/peers/block_provider.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::node {

class StoreBlockProvider final : public p2p::peers::BlockProvider {
  public:
    /// Headers summed at most for the total difficulty (see the file comment): about a second of reads.
    static constexpr uint64_t kMaxSummedHeaders = 1'000'000;

    /// `log` receives one line per read failure (without a trailing newline); empty: stderr.
    StoreBlockProvider(storage::BlockStore& store, const chain::ChainSpec& spec,
                       std::function<void(const std::string&)> log = {});

    p2p::peers::ChainHead head() override;
    std::optional<Bytes> header_rlp(uint64_t block_num) override;
    std::optional<uint64_t> block_number(const Hash& hash) override;
    std::optional<Bytes> body_rlp(const Hash& hash) override;
    std::optional<Bytes> receipts_rlp(const Hash& hash, ReceiptForm form) override;
    std::size_t header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                            std::vector<Bytes>& out) override;

    /// Read failures reported so far (tests, metrics).
    [[nodiscard]] uint64_t read_errors() const noexcept;

  private:
    void report(const storage::StoreError& e, const char* what);
    U256 total_difficulty_at(uint64_t latest);

    storage::BlockStore& store_;
    Hash genesis_hash_;
    uint64_t genesis_time_{0};
    U256 genesis_difficulty_{};
    std::optional<U256> terminal_td_;
    std::function<void(const std::string&)> log_;

    mutable std::mutex mutex_;
    std::optional<p2p::peers::ChainHead> cached_;  // the head for cached_latest_body_ below
    std::optional<uint64_t> cached_head_key_;      // bodies head when cached_ was computed
    std::optional<uint64_t> td_num_;               // td_ is the total difficulty at block td_num_
    U256 td_{};
    uint64_t read_errors_{0};
};

}  // namespace hypasis::node
