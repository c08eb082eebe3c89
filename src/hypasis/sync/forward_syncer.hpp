#pragma once
/// The forward pipeline (DESIGN §7.2, issue #7 item 3): follows the chain tip from the stored head upward.
///
/// Each round (every `poll`, or at once after a round that stored something):
/// 1. **Plan.** The stored head H is the highest stored header (the anchor at first). The target is the highest head
///    announced by a usable peer (PeerInfo::head_number), capped at H + lookahead. Announcements are never trusted:
///    they only choose whom to ask. When no peer announces anything above H, one peer (round-robin) is probed for
///    H + 1 anyway (at most every probe_interval), so a peer whose announcements are rate-limited (eth/69
///    BlockRangeUpdate) or absent (eth/68) is still followed within one probe interval.
/// 2. **Headers.** (H, target] is split into chunks, each asked of a different peer that announces it, in
///    parallel (look-ahead across peers). Chunks are applied in order: the first must link to H, each next to the
///    last accepted header; every header must pass validate_header against its parent (check_headers_ascending,
///    on the budget's forward CPU pool). A chunk that does not link to H is a reorg candidate (below). A chunk
///    that breaks linkage inside itself or fails validate_header gets its peer reported (kInvalidData).
/// 3. **Bodies and receipts.** Bodies are fetched for the accepted headers in every mode (the tip is served whole,
///    and a reorg replaces whole blocks): from the peer that served the headers first, then any other; checked
///    against the roots and the transactions' signatures (validate_block_senders) and stored with put_blocks, the
///    prefix that has its bodies. In kFull mode receipts are fetched, checked against receipts_root and stored with
///    put_receipts, best effort (a block stored without its receipts is a receipts gap the backward side fills).
/// 4. **Reorgs.** When a peer's H + 1 does not name our H as its parent, its headers [floor - 1, H] are fetched in
///    reverse to find the fork point F (the highest block where its chain and ours agree). floor is the lowest
///    replaceable block: max(anchor + 1, H + 1 - reorg_window, trusted tip + 1 when the stored chain contains the
///    trusted tip). With F + 1 >= floor and the peer's branch above F strictly longer than ours, the branch is
///    fetched, validated like any chunk, and applied with ONE replace_canonical_from(F + 1, blocks) (atomic: the
///    store never shows a mix of branches). A branch that forks below the window, or that does not agree with
///    our chain anywhere in it, is refused and its peer reported (kInvalidData).
/// 5. **Lying peers.** A peer that announces a head >= the block asked but answers with nothing is reported
///    (kUselessResponse). Every reported or failing peer is avoided for a backoff (doubling from 1 s to 30 s).
/// 6. **Trusted tip.** set_trusted_tip(number, hash): a header at that number with another hash is refused
///    (kInvalidData), and once the stored chain holds the trusted block no reorg may replace it.
///
/// Store writes run on a private one-thread pool and are awaited (RocksDB blocks; STYLE.md Async). Memory is
/// bounded by lookahead (at most `lookahead` headers, bodies and receipt lists in flight, plus the reorg window).
///
/// Threading: construction, run() and every coroutine run on the executor given at construction (single-threaded:
/// one io_context thread or a strand). stop(), set_trusted_tip(), tip(), status() and set_head_changed() are
/// thread-safe. The head_changed callback runs on the executor after each store write that moved the head; it must
/// not block (PeerManager::notify_head_changed() is fine).
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/sync/budget.hpp"
#include "hypasis/sync/fetch.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::sync {

struct ForwardConfig {
    HistoryMode mode{HistoryMode::kFull};
    /// Blocks fetched ahead of the stored head at most (one round; bounds memory).
    std::size_t lookahead{64};
    /// Unfinalized window: how many of the newest stored blocks a reorg may replace.
    uint64_t reorg_window{64};
    /// Pause between rounds that stored nothing: how often peers' announced heads are looked at (no network).
    std::chrono::milliseconds poll{20};
    /// When no peer announces a head above ours, one peer is asked for what follows it at most this often (for
    /// peers whose announcements are rate-limited or absent).
    std::chrono::milliseconds probe_interval{100};
    /// Blocks per header request at most (split further across peers).
    std::size_t max_chunk{64};
};

class ForwardSyncer {
  public:
    /// `store`, `peers`, `budget` and `spec` must outlive the syncer. run() reads the anchor record (bootstrap.hpp):
    /// blocks at or below the anchor are never replaced (without a record, the head found at start plays that
    /// part). Nothing starts before run().
    ForwardSyncer(Executor executor, storage::BlockStore& store, p2p::peers::PeerService& peers, Budget& budget,
                  const chain::ChainSpec& spec, ForwardConfig config);
    ~ForwardSyncer();
    ForwardSyncer(const ForwardSyncer&) = delete;
    ForwardSyncer& operator=(const ForwardSyncer&) = delete;

    /// Follows the tip until stop(). Must be awaited on the executor. Returns at once when the store holds no
    /// header (nothing to follow from: bootstrap first). Throws only std::bad_alloc.
    Task<void> run();
    /// Ends run() at its next await point (in-flight requests finish first). Thread-safe, idempotent.
    void stop();

    /// A trusted tip (from a checkpoint or beacon source): never accept a chain contradicting it. Thread-safe.
    void set_trusted_tip(uint64_t number, Hash hash);
    /// The tip followed: the highest header validated to link to the stored chain, or the trusted tip when
    /// higher; nullopt before run() has read the store. Thread-safe.
    std::optional<uint64_t> tip() const;
    Hash tip_hash() const;
    /// The stored head's timestamp (Unix seconds), for the tip lag in seconds; nullopt before run() read it.
    /// Thread-safe.
    std::optional<uint64_t> head_timestamp() const;
    /// Thread-safe snapshot. `bytes`/`requests` count what this syncer saw (the engine may replace them with the
    /// budgeted service's counters).
    DirectionStatus status() const;
    /// Called with the new head number after each write that moved the head. Thread-safe to set.
    void set_head_changed(std::function<void(uint64_t)> callback);

  private:
    struct Chunk;
    struct PeerState {
        Clock::time_point avoid_until{};
        std::chrono::milliseconds backoff{0};
    };

    Task<bool> round();
    Task<bool> handle_reorg(const p2p::peers::PeerInfo& peer);
    Task<std::optional<std::vector<Block>>> complete_blocks(std::vector<SealedHeader> headers,
                                                            const std::vector<p2p::peers::PeerId>& served_by,
                                                            std::vector<std::vector<Receipt>>& receipts);
    Task<bool> store_blocks(std::vector<SealedHeader> headers, std::vector<Block> blocks,
                            std::vector<std::vector<Receipt>> receipts, std::optional<uint64_t> replace_from);
    Task<void> sleep(std::chrono::milliseconds d);

    std::vector<p2p::peers::PeerInfo> usable_peers();
    void penalise(const p2p::peers::PeerId& peer, p2p::peers::Misbehaviour what);
    void avoid(const p2p::peers::PeerId& peer);
    void good(const p2p::peers::PeerId& peer);
    uint64_t floor_block() const;
    bool contradicts_trusted_tip(const SealedHeader& h) const;
    void note_tip(const SealedHeader& h);
    void set_state(const char* state);
    void count_request(bool failed, uint64_t bytes);

    Executor executor_;
    storage::BlockStore& store_;
    p2p::peers::PeerService& peers_;
    Budget& budget_;
    const chain::ChainSpec& spec_;
    uint64_t anchor_block_{0};
    ForwardConfig config_;
    boost::asio::thread_pool io_pool_{1};
    boost::asio::steady_timer wake_;
    std::atomic<bool> stopped_{false};

    // Executor-only state.
    std::optional<SealedHeader> head_;  // the stored head
    std::map<p2p::peers::PeerId, PeerState> peer_state_;
    std::size_t probe_cursor_{0};
    Clock::time_point last_probe_{};

    // Shared state.
    mutable std::mutex mutex_;
    DirectionStatus status_;
    std::optional<std::pair<uint64_t, Hash>> trusted_tip_;
    std::optional<uint64_t> tip_;
    std::optional<uint64_t> head_timestamp_;
    Hash tip_hash_{};
    std::function<void(uint64_t)> head_changed_;
    std::deque<std::pair<Clock::time_point, uint64_t>> rate_samples_;  // (time, blocks stored so far)
    std::deque<std::pair<Clock::time_point, uint64_t>> byte_samples_;
};

}  // namespace hypasis::sync
