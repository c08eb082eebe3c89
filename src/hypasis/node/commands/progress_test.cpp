#include "hypasis/node/commands/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace hypasis::node {
namespace {

using namespace std::chrono_literals;
using Clock = ProgressReporter::Clock;

std::string slurp(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
    return s;
}

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + what.size())) ++n;
    return n;
}

TEST(Progress, FormatWithBarAndRates) {
    ProgressState s;
    s.label = "import";
    s.items = 3500;
    s.bytes = 9'100'000;
    s.total_bytes = 26'000'000;  // 35%
    s.current = 3499;
    s.elapsed = 1s;
    EXPECT_EQ(format_progress(s, 20),
              "import [#######-------------]  35%  block 3499  3500 blocks  3500 blocks/s  9.1 MB/s");
    EXPECT_EQ(format_progress(s, 0), "import  35%  block 3499  3500 blocks  3500 blocks/s  9.1 MB/s");
}

TEST(Progress, FormatWithoutTotalOrTime) {
    ProgressState s;
    s.label = "import";
    s.items = 7;
    s.bytes = 100;
    EXPECT_EQ(format_progress(s, 20), "import  7 blocks  0 blocks/s  0.0 MB/s");
    s.total_bytes = 0;  // an empty file: no division by zero, no bar
    EXPECT_EQ(format_progress(s, 20), "import  7 blocks  0 blocks/s  0.0 MB/s");
    s.total_bytes = 50;  // more read than announced (a growing file): capped at 100%
    EXPECT_EQ(format_progress(s, 4), "import [####] 100%  7 blocks  0 blocks/s  0.0 MB/s");
}

TEST(Progress, Summary) {
    ProgressState s;
    s.items = 10000;
    s.bytes = 12'300'000;
    s.elapsed = 2s;
    EXPECT_EQ(format_summary(s), "10000 blocks, 12.3 MB in 2.00 s (5000 blocks/s, 6.2 MB/s)");
    s.items = 1;
    s.bytes = 0;
    s.elapsed = 0s;
    EXPECT_EQ(format_summary(s), "1 block, 0.0 MB in 0.00 s (0 blocks/s, 0.0 MB/s)");
}

// A fake clock drives the rate limits: lines mode draws once per 5 s, bar mode once per 100 ms.
class FakeClock {
  public:
    Clock::time_point now() const { return t_; }
    void advance(Clock::duration d) { t_ += d; }
    ProgressReporter::Now fn() {
        return [this] { return t_; };
    }

  private:
    Clock::time_point t_{Clock::time_point{} + 1000s};
};

TEST(Progress, LinesModeDrawsEveryFewSeconds) {
    FakeClock clock;
    std::FILE* out = std::tmpfile();
    ProgressReporter r(out, ProgressMode::kLines, "import", clock.fn());
    for (int i = 1; i <= 100; ++i) {  // 100 updates over 10 s
        clock.advance(100ms);
        r.update(static_cast<uint64_t>(i), 1000, static_cast<uint64_t>(i));
    }
    r.finish();
    const std::string text = slurp(out);
    std::fclose(out);
    EXPECT_EQ(count(text, "\n"), 3u) << text;  // at 5 s, at 10 s, and the summary
    EXPECT_EQ(count(text, "\r"), 0u);
    EXPECT_NE(text.find("hypasis: import  block 50  50 blocks  10 blocks/s"), std::string::npos) << text;
    EXPECT_NE(text.find("hypasis: import: 100 blocks, 0.0 MB in 10.00 s (10 blocks/s, 0.0 MB/s)\n"), std::string::npos)
        << text;
}

TEST(Progress, BarModeRedrawsInPlaceAndClearsBeforeTheSummary) {
    FakeClock clock;
    std::FILE* out = std::tmpfile();
    ProgressReporter r(out, ProgressMode::kBar, "import", clock.fn());
    r.set_total_bytes(1000);
    for (int i = 1; i <= 10; ++i) {
        clock.advance(50ms);  // every other update draws
        r.update(static_cast<uint64_t>(i), static_cast<uint64_t>(i) * 100, std::nullopt);
    }
    r.finish("done: ");
    const std::string text = slurp(out);
    std::fclose(out);
    EXPECT_EQ(count(text, "\r"), 6u) << text;  // 5 draws and one final erase
    EXPECT_EQ(count(text, "\n"), 1u) << text;  // only the summary ends a line
    EXPECT_NE(text.find("100%"), std::string::npos);
    EXPECT_EQ(text.rfind("\r\x1b[Khypasis: import: done: 10 blocks"), text.rfind('\r'));
}

TEST(Progress, QuietModeWritesOnlyTheSummary) {
    FakeClock clock;
    std::FILE* out = std::tmpfile();
    ProgressReporter r(out, ProgressMode::kQuiet, "export", clock.fn());
    for (int i = 0; i < 10; ++i) {
        clock.advance(10s);
        r.update(1, 1, 1);
    }
    r.finish();
    const std::string text = slurp(out);
    std::fclose(out);
    EXPECT_EQ(text, "hypasis: export: 1 block, 0.0 MB in 100.00 s (0 blocks/s, 0.0 MB/s)\n");
}

TEST(Progress, DetectsAFileAsNotATerminal) {
    std::FILE* f = std::tmpfile();
    EXPECT_EQ(detect_progress_mode(f), ProgressMode::kLines);
    std::fclose(f);
}

}  // namespace
}  // namespace hypasis::node
