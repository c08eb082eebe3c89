#pragma once
/// Structured logs: one line per event, in logfmt (`ts=… level=info module=sync msg="gap filled" first=0 end=100`)
/// or JSON Lines (`{"ts":"…","level":"info","module":"sync","msg":"gap filled","first":"0","end":"100"}`).
/// Every line is written with one fwrite under a mutex, so lines from several threads never interleave.
///
/// Libraries log only notable events (a peer penalised, a gap filled, a phase change), never one line per block.
/// The process chooses the level, format and sink once at start-up (set_options); the defaults are info, logfmt
/// and stderr. Thread-safe.
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace hypasis::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kLogfmt, kJson };

/// "debug", "info", "warn", "error".
std::string_view to_string(Level level) noexcept;
/// Parses the names above; nullopt for anything else.
std::optional<Level> level_from_string(std::string_view s) noexcept;

struct Options {
    Level level{Level::kInfo};
    Format format{Format::kLogfmt};
    std::FILE* sink{stderr};  ///< Not owned; must stay open while logging.
};

/// Replaces the process-wide options.
void set_options(const Options& options) noexcept;
/// Whether a line at `level` would be written (to skip building expensive fields).
bool enabled(Level level) noexcept;

/// One key=value pair. Values are text; numbers go through the integer/double constructors.
struct Field {
    std::string_view key;
    std::string value;
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const std::string& v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(v) {}
    Field(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)) {}
    Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)) {}
    Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
    Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}
    Field(std::string_view k, double v);
    Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
};

/// Formats one line (without writing it): the timestamp is UTC with milliseconds. Exposed for tests.
std::string format_line(Format format, std::string_view timestamp, Level level, std::string_view module,
                        std::string_view msg, std::initializer_list<Field> fields);

/// Writes one line if `level` is enabled. Never throws (a line that cannot be built is dropped).
void write(Level level, std::string_view module, std::string_view msg, std::initializer_list<Field> fields = {}) noexcept;

inline void debug(std::string_view module, std::string_view msg, std::initializer_list<Field> f = {}) noexcept {
    write(Level::kDebug, module, msg, f);
}
inline void info(std::string_view module, std::string_view msg, std::initializer_list<Field> f = {}) noexcept {
    write(Level::kInfo, module, msg, f);
}
inline void warn(std::string_view module, std::string_view msg, std::initializer_list<Field> f = {}) noexcept {
    write(Level::kWarn, module, msg, f);
}
inline void error(std::string_view module, std::string_view msg, std::initializer_list<Field> f = {}) noexcept {
    write(Level::kError, module, msg, f);
}

}  // namespace hypasis::log
