#pragma once
/// Scrubber: a background pass that re-reads every stored block from disk (BlockStore::verify_block, past the hot
/// cache) so that damage done behind the store's back — a flipped bit on disk, a torn sector — is found even for
/// blocks nobody asks for. A damaged block is removed by the store in the same step, so it shows up as a gap and
/// the backward syncer fetches it again: detection and repair need no operator.
///
/// Pacing: at most `blocks_per_second` blocks, read in small batches on the given executor (each verify is one
/// to three point reads), then a pause of `pass_interval` before the next pass. Passes walk the headers tracker's
/// intervals from the newest block down (recent data is the most served). A pass that finds damage logs each
/// block once.
///
/// Threading: run() and stop() on the executor; counters() from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>

#include <boost/asio/steady_timer.hpp>

#include "hypasis/p2p/common/task.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::sync {

using p2p::Executor;
using p2p::Task;

struct ScrubberConfig {
    /// 0 turns the scrubber off. 500 blocks/s is at most ~1,500 point reads a second: a mainnet-size store (~23M
    /// blocks) takes about 13 hours per pass, in the background of a node that serves and syncs.
    uint64_t blocks_per_second{500};
    std::chrono::milliseconds start_delay{std::chrono::seconds(5)};  ///< Before the first pass.
    /// Between the end of a pass and the start of the next: the store is re-read about once a day and a half.
    std::chrono::milliseconds pass_interval{std::chrono::hours(24)};
    uint64_t batch{64};                                          ///< Blocks verified between two timer waits.
};

struct ScrubberCounters {
    uint64_t passes{0};           ///< Completed passes.
    uint64_t blocks_checked{0};   ///< Blocks verified since start.
    uint64_t corrupt_found{0};    ///< Damaged blocks found (and removed) since start.
    uint64_t errors{0};           ///< Reads that failed for other reasons (I/O).
};

class Scrubber {
  public:
    Scrubber(Executor executor, storage::BlockStore& store, ScrubberConfig config);

    /// Runs passes until stop(). Returns at once when blocks_per_second is 0.
    Task<void> run();
    /// Ends run() at its next step. Call on the executor.
    void stop();
    /// Thread-safe.
    [[nodiscard]] ScrubberCounters counters() const noexcept;

  private:
    Task<bool> sleep(std::chrono::milliseconds d);  // false when stopped
    Task<void> pass();

    storage::BlockStore& store_;
    ScrubberConfig config_;
    boost::asio::steady_timer timer_;
    bool stopped_{false};
    std::atomic<uint64_t> passes_{0}, checked_{0}, corrupt_{0}, errors_{0};
};

}  // namespace hypasis::sync
