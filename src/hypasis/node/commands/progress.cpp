#include "hypasis/node/commands/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <utility>

namespace hypasis::node {
namespace {

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Rates are only meaningful once a little time has passed; before that they would be noise (or infinite).
double per_second(uint64_t n, std::chrono::nanoseconds elapsed) {
    const double s = seconds(elapsed);
    return s < 1e-3 ? 0.0 : static_cast<double>(n) / s;
}

std::string printf_string(const char* fmt, double a, double b = 0, double c = 0) {
    char buf[128];
    const int n = std::snprintf(buf, sizeof buf, fmt, a, b, c);
    return std::string(buf, n < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

}  // namespace

ProgressMode detect_progress_mode(std::FILE* stream) noexcept {
    return ::isatty(::fileno(stream)) == 1 ? ProgressMode::kBar : ProgressMode::kLines;
}

std::string format_progress(const ProgressState& s, std::size_t bar_width) {
    std::string out(s.label);
    if (s.total_bytes && *s.total_bytes > 0) {
        const double fraction = std::min(1.0, static_cast<double>(s.bytes) / static_cast<double>(*s.total_bytes));
        if (bar_width > 0) {
            const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar_width));
            out += " [" + std::string(filled, '#') + std::string(bar_width - filled, '-') + "]";
        }
        out += printf_string(" %3.0f%%", fraction * 100.0);
    }
    if (s.current) out += "  block " + std::to_string(*s.current);
    out += "  " + std::to_string(s.items) + " blocks";
    out += printf_string("  %.0f blocks/s  %.1f MB/s", per_second(s.items, s.elapsed),
                         per_second(s.bytes, s.elapsed) / 1e6);
    return out;
}

std::string format_summary(const ProgressState& s) {
    return std::to_string(s.items) + (s.items == 1 ? " block, " : " blocks, ") +
           printf_string("%.1f MB in %.2f s (", static_cast<double>(s.bytes) / 1e6, seconds(s.elapsed)) +
           printf_string("%.0f blocks/s, %.1f MB/s)", per_second(s.items, s.elapsed),
                         per_second(s.bytes, s.elapsed) / 1e6);
}

ProgressReporter::ProgressReporter(std::FILE* out, ProgressMode mode, std::string label, Now now)
    : out_(out), mode_(mode), label_(std::move(label)), now_(now ? std::move(now) : Now(&Clock::now)) {
    start_ = now_();
    last_draw_ = start_;
}

ProgressState ProgressReporter::state() const {
    ProgressState s;
    s.label = label_;
    s.items = items_;
    s.bytes = bytes_;
    s.total_bytes = total_bytes_;
    s.current = current_;
    s.elapsed = now_() - start_;
    return s;
}

void ProgressReporter::update(uint64_t items, uint64_t bytes, std::optional<uint64_t> current) {
    items_ = items;
    bytes_ = bytes;
    current_ = current;
    if (mode_ == ProgressMode::kQuiet) return;
    const Clock::time_point t = now_();
    const auto interval =
        mode_ == ProgressMode::kBar ? std::chrono::nanoseconds(kBarInterval) : std::chrono::nanoseconds(kLineInterval);
    if (t - last_draw_ < interval) return;
    last_draw_ = t;
    ProgressState s = state();
    s.elapsed = t - start_;
    draw(s);
}

void ProgressReporter::draw(const ProgressState& s) {
    if (mode_ == ProgressMode::kBar) {
        // "\r" back to the start of the line, the text, then erase whatever a longer previous line left (EL, CSI K).
        const std::string line = "\r" + format_progress(s, kBarWidth) + "\x1b[K";
        std::fwrite(line.data(), 1, line.size(), out_);
        drawn_ = true;
    } else {
        const std::string line = "hypasis: " + format_progress(s, 0) + "\n";
        std::fwrite(line.data(), 1, line.size(), out_);
    }
    std::fflush(out_);
}

void ProgressReporter::clear_line() {
    if (!drawn_) return;
    std::fputs("\r\x1b[K", out_);
    std::fflush(out_);
    drawn_ = false;
}

void ProgressReporter::finish(std::string_view prefix) {
    clear_line();
    const std::string line = "hypasis: " + label_ + ": " + std::string(prefix) + format_summary(state()) + "\n";
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
}

}  // namespace hypasis::node
