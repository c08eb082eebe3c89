#pragma once
/// Progress reporting for long-running commands (`hypasis import`, later `export` and `status`): a single
/// redrawn bar line on a terminal, a plain line every few seconds otherwise (logs, pipes, CI), and one summary
/// line at the end either way.
///
/// The reporter never decides what is shown: the caller passes counters to update(), and the text comes from
/// format_progress() / format_summary(), pure functions of a ProgressState that tests check directly. Time comes
/// from an injected clock, so the rate limiting is testable without sleeping.
///
/// Not thread-safe: one reporter per command, used from the thread that does the work.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace hypasis::node {

/// How progress is shown.
enum class ProgressMode : uint8_t {
    kBar,    ///< One line redrawn in place ("\r" + erase to end of line), at most every bar_interval.
    kLines,  ///< A plain line every line_interval, for files and pipes.
    kQuiet,  ///< Only the summary.
};

/// kBar when `stream` is a terminal (isatty), kLines otherwise.
ProgressMode detect_progress_mode(std::FILE* stream) noexcept;

/// The counters a report is made of.
struct ProgressState {
    std::string_view label;               ///< e.g. "import"
    uint64_t items{0};                    ///< blocks processed so far
    uint64_t bytes{0};                    ///< input bytes processed so far
    std::optional<uint64_t> total_bytes;  ///< known input size, for a percentage and a bar
    std::optional<uint64_t> current;      ///< the block number last processed
    std::chrono::nanoseconds elapsed{0};
};

/// "import [#######-------------]  35%  block 3499  3500 blocks  7012 blocks/s  9.1 MB/s" with a bar of
/// `bar_width` cells when total_bytes is known and bar_width > 0; without the bar and the percentage otherwise.
/// Rates are 0 until some time has passed. MB are 10^6 bytes.
std::string format_progress(const ProgressState& s, std::size_t bar_width);

/// "10000 blocks, 12.3 MB in 1.23 s (8130 blocks/s, 10.0 MB/s)".
std::string format_summary(const ProgressState& s);

/// Draws progress on a stream at a bounded rate.
class ProgressReporter {
  public:
    using Clock = std::chrono::steady_clock;
    using Now = std::function<Clock::time_point()>;

    static constexpr std::chrono::milliseconds kBarInterval{100};
    static constexpr std::chrono::milliseconds kLineInterval{5000};
    static constexpr std::size_t kBarWidth = 24;

    /// Reports to `out` (not owned; usually stderr) under `label`. `now` defaults to Clock::now; the start time is
    /// taken here.
    ProgressReporter(std::FILE* out, ProgressMode mode, std::string label, Now now = {});

    /// Sets the input size (enables the percentage and the bar).
    void set_total_bytes(std::optional<uint64_t> total) noexcept { total_bytes_ = total; }

    /// Records the counters and draws if the mode's interval has passed since the last draw. Cheap when it does
    /// not draw (one clock read).
    void update(uint64_t items, uint64_t bytes, std::optional<uint64_t> current);

    /// Erases the bar (in kBar mode) so that a message can be printed on a clean line; the next update redraws.
    void clear_line();

    /// The state as of the last update, with the elapsed time now.
    ProgressState state() const;

    /// Erases the bar, then writes "hypasis: <label>: <prefix><format_summary()>" and a newline.
    void finish(std::string_view prefix = {});

  private:
    void draw(const ProgressState& s);

    std::FILE* out_;
    ProgressMode mode_;
    std::string label_;
    Now now_;
    Clock::time_point start_;
    Clock::time_point last_draw_;
    bool drawn_{false};  // a bar line is on screen
    uint64_t items_{0};
    uint64_t bytes_{0};
    std::optional<uint64_t> total_bytes_;
    std::optional<uint64_t> current_;
};

}  // namespace hypasis::node
