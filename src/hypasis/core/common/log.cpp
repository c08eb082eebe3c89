#include "hypasis/core/common/log.hpp"

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <ctime>
#include <mutex>

namespace hypasis::log {
namespace {

std::mutex g_mutex;
Options g_options;
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

bool needs_quotes(std::string_view v) noexcept {
    if (v.empty()) return true;
    for (const char c : v) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
    }
    return false;
}

/// Appends `v` quoted and escaped (JSON string rules, which logfmt readers also accept).
void append_quoted(std::string& out, std::string_view v) {
    out += '"';
    for (const char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_logfmt(std::string& out, std::string_view key, std::string_view value) {
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    if (needs_quotes(value)) {
        append_quoted(out, value);
    } else {
        out += value;
    }
}

void append_json(std::string& out, std::string_view key, std::string_view value) {
    out += out.size() > 1 ? "," : "";
    append_quoted(out, key);
    out += ':';
    append_quoted(out, value);
}

std::string now_utc() {
    const auto now = std::chrono::system_clock::now();
    const auto secs = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    value = buf;
}

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::kDebug: return "debug";
        case Level::kInfo: return "info";
        case Level::kWarn: return "warn";
        case Level::kError: return "error";
    }
    return "info";
}

std::optional<Level> level_from_string(std::string_view s) noexcept {
    for (const Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
        if (s == to_string(l)) return l;
    }
    return std::nullopt;
}

void set_options(const Options& options) noexcept {
    std::lock_guard lock(g_mutex);
    g_options = options;
    g_level.store(static_cast<int>(options.level), std::memory_order_relaxed);
}

bool enabled(Level level) noexcept { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

std::string format_line(Format format, std::string_view timestamp, Level level, std::string_view module,
                        std::string_view msg, std::initializer_list<Field> fields) {
    std::string out;
    if (format == Format::kJson) {
        out = "{";
        append_json(out, "ts", timestamp);
        append_json(out, "level", to_string(level));
        append_json(out, "module", module);
        append_json(out, "msg", msg);
        for (const auto& f : fields) append_json(out, f.key, f.value);
        out += "}\n";
        return out;
    }
    append_logfmt(out, "ts", timestamp);
    append_logfmt(out, "level", to_string(level));
    append_logfmt(out, "module", module);
    append_logfmt(out, "msg", msg);
    for (const auto& f : fields) append_logfmt(out, f.key, f.value);
    out += '\n';
    return out;
}

void write(Level level, std::string_view module, std::string_view msg, std::initializer_list<Field> fields) noexcept {
    if (!enabled(level)) return;
    try {
        Format format;
        {
            std::lock_guard lock(g_mutex);
            format = g_options.format;
        }
        const auto line = format_line(format, now_utc(), level, module, msg, fields);
        std::lock_guard lock(g_mutex);
        std::fwrite(line.data(), 1, line.size(), g_options.sink);
        std::fflush(g_options.sink);
    } catch (...) {
        // Out of memory while formatting: the line is dropped; logging never takes the process down.
    }
}

}  // namespace hypasis::log
