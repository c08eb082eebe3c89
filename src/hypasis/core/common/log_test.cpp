#include "hypasis/core/common/log.hpp"

#include <gtest/gtest.h>

namespace hypasis::log {
namespace {

TEST(Log, LogfmtQuotesOnlyWhatNeedsIt) {
    const auto line = format_line(Format::kLogfmt, "2026-01-02T03:04:05.006Z", Level::kWarn, "sync",
                                  "peer penalised", {{"peer", "ab12"}, {"why", "bad \"data\""}, {"n", uint64_t{7}}});
    EXPECT_EQ(line,
              "ts=2026-01-02T03:04:05.006Z level=warn module=sync msg=\"peer penalised\" peer=ab12 "
              "why=\"bad \\\"data\\\"\" n=7\n");
}

TEST(Log, JsonEscapesControlCharacters) {
    const auto line = format_line(Format::kJson, "t", Level::kInfo, "m", "a\nb", {{"k", std::string("\x01")}});
    EXPECT_EQ(line, "{\"ts\":\"t\",\"level\":\"info\",\"module\":\"m\",\"msg\":\"a\\nb\",\"k\":\"\\u0001\"}\n");
}

TEST(Log, LevelFilterAndParse) {
    EXPECT_EQ(level_from_string("warn"), Level::kWarn);
    EXPECT_FALSE(level_from_string("verbose").has_value());
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    set_options({Level::kWarn, Format::kLogfmt, f});
    EXPECT_FALSE(enabled(Level::kInfo));
    info("t", "dropped");
    warn("t", "kept", {{"x", 1}});
    std::fflush(f);
    std::rewind(f);
    char buf[256] = {};
    const auto n = std::fread(buf, 1, sizeof buf - 1, f);
    const std::string text(buf, n);
    EXPECT_EQ(text.find("dropped"), std::string::npos);
    EXPECT_NE(text.find("msg=kept x=1"), std::string::npos);
    set_options({});
    std::fclose(f);
}

}  // namespace
}  // namespace hypasis::log
