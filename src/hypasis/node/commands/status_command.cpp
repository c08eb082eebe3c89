#include "hypasis/node/commands/status_command.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cmath>
#include <iterator>
#include <memory>
#include <thread>

#include "hypasis/serve/api_client.hpp"
#include "hypasis/serve/error.hpp"
#include "hypasis/serve/rest_server.hpp"

namespace hypasis::node {
namespace {

namespace json = boost::json;

static_assert(serve::kDefaultApiPort == 8555, "StatusCommandOptions::api's default names the API's default port");

const json::value* field(const json::value& v, std::string_view key) {
    if (!v.is_object()) return nullptr;
    const auto* p = v.as_object().if_contains(key);
    return p == nullptr || p->is_null() ? nullptr : p;
}

std::optional<double> number(const json::value* v) {
    if (v == nullptr) return std::nullopt;
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    if (v->is_uint64()) return static_cast<double>(v->as_uint64());
    return std::nullopt;
}

std::optional<uint64_t> block(const json::value* v) {
    if (v == nullptr) return std::nullopt;
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0) return static_cast<uint64_t>(v->as_int64());
    return std::nullopt;
}

std::string text(const json::value* v) {
    if (v == nullptr || !v->is_string()) return "-";
    return std::string(v->as_string());
}

std::string fmt(const char* format, double x) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, format, x);
    return std::string(buf, n < 0 ? 0 : static_cast<std::size_t>(n));
}

std::string num_or_dash(std::optional<uint64_t> x) { return x ? std::to_string(*x) : "-"; }

std::string rate(std::optional<double> per_second, const char* unit) {
    if (!per_second || !std::isfinite(*per_second)) return std::string("- ") + unit;
    return fmt(*per_second >= 100 ? "%.0f " : "%.1f ", *per_second) + unit;
}

std::string byte_rate(std::optional<double> bytes_per_second) {
    if (!bytes_per_second || !std::isfinite(*bytes_per_second)) return "- B/s";
    double x = *bytes_per_second;
    const char* units[] = {"B/s", "kB/s", "MB/s", "GB/s"};
    std::size_t i = 0;
    while (x >= 1000 && i + 1 < std::size(units)) {
        x /= 1000;
        ++i;
    }
    return fmt(i == 0 ? "%.0f " : "%.1f ", x) + units[i];
}

std::string bar(std::optional<double> progress, std::size_t width) {
    if (width == 0) return {};
    const double p = progress && std::isfinite(*progress) ? std::min(1.0, std::max(0.0, *progress)) : 0.0;
    const auto filled = static_cast<std::size_t>(p * static_cast<double>(width) + 1e-9);
    return "[" + std::string(filled, '#') + std::string(width - filled, '-') + "]  ";
}

std::string direction_line(const json::value& status, bool forward, std::size_t bar_width) {
    const json::value* d = field(status, forward ? "forward" : "backward");
    const json::value empty;
    const json::value& dir = d != nullptr ? *d : empty;
    const auto progress = number(field(dir, "progress"));
    std::string line = forward ? "forward   " : "backward  ";
    line += bar(progress, bar_width);
    line += progress ? fmt("%5.1f%%", *progress * 100) : std::string("    -%");
    line += "  block " + num_or_dash(block(field(dir, "height")));
    line += (forward ? " of " : " down to ") + num_or_dash(block(field(dir, "target")));
    line += "  " + rate(number(field(dir, "blocksPerSecond")), "blocks/s");
    line += "  " + byte_rate(number(field(dir, "bytesPerSecond")));
    line += "  ETA " + format_eta(number(field(dir, "etaSeconds")));
    std::string state = text(field(dir, "state"));
    if (!forward) {
        const json::value* paused = field(status, "backwardPaused");
        if (paused != nullptr && paused->is_bool() && paused->as_bool() && state != "paused") state += " (paused)";
    }
    line += "  " + state;
    return line;
}

std::string summary_line(const json::value& status) {
    std::string line = "hypasis   " + text(field(status, "phase"));
    const json::value* ready = field(status, "ready");
    line += ready != nullptr && ready->is_bool() && ready->as_bool() ? ", ready" : ", not ready";
    if (const json::value* error = field(status, "error")) line += " (" + text(error) + ")";
    if (const json::value* anchor = field(status, "anchor"))
        line += "  anchor " + num_or_dash(block(field(*anchor, "number")));
    if (const json::value* tip = field(status, "tip")) {
        line += "  tip " + num_or_dash(block(field(*tip, "number")));
        if (const json::value* lag = field(status, "tipLag")) {
            line += ", lag " + num_or_dash(block(field(*lag, "blocks"))) + " blocks";
            if (const auto secs = number(field(*lag, "seconds"))) line += fmt(" (%.0f s)", *secs);
        }
    } else {
        line += "  tip unknown";
    }
    if (const json::value* peers = field(status, "peers")) {
        line += "  peers " + num_or_dash(block(field(*peers, "connected")));
        line += " (" + num_or_dash(block(field(*peers, "banned"))) + " banned)";
    }
    return line;
}

void write_line(std::FILE* out, const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), out);
    std::fputc('\n', out);
}

}  // namespace

std::string format_eta(std::optional<double> seconds) {
    if (!seconds || !std::isfinite(*seconds) || *seconds < 0) return "-";
    const auto total = static_cast<uint64_t>(std::llround(*seconds));
    const uint64_t h = total / 3600;
    const uint64_t m = total % 3600 / 60;
    const uint64_t s = total % 60;
    char buf[48];
    int n = 0;
    if (h > 0)
        n = std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(h),
                          static_cast<unsigned long long>(m));
    else if (m > 0)
        n = std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(m),
                          static_cast<unsigned long long>(s));
    else
        n = std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
    return std::string(buf, n < 0 ? 0 : static_cast<std::size_t>(n));
}

std::vector<std::string> format_status(const json::value& status, std::size_t bar_width) {
    return {summary_line(status), direction_line(status, true, bar_width), direction_line(status, false, bar_width)};
}

int run_status(const StatusCommandOptions& opts, std::FILE* out, std::FILE* err, std::optional<ProgressMode> mode) {
    const auto url = serve::parse_api_url(opts.api);
    if (!url) {
        std::fprintf(err, "hypasis: status: --api %s: expected http://HOST:PORT\n", opts.api.c_str());
        return 2;
    }
    const std::string where = serve::to_string(*url);
    const bool tty = (mode ? *mode : detect_progress_mode(out)) == ProgressMode::kBar;
    const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.001, opts.timeout_seconds) * 1000));
    const auto interval = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.01, opts.interval_seconds) * 1000));
    const auto wait = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, opts.wait_seconds) * 1000));
    bool drawn = false;
    std::size_t shown = 0;
    bool lost = false;  // the API stopped answering in live mode, at lost_since
    std::chrono::steady_clock::time_point lost_since{};
    for (;;) {
        const auto reply = serve::http_get(*url, "/api/v1/status", timeout);
        if (!reply) {
            const bool timed_out = reply.error() == serve::ServeError::kTimeout;
            const char* how = timed_out ? "not answering" : "unreachable";
            const auto now = std::chrono::steady_clock::now();
            const bool live = !opts.once && shown > 0;
            if (live && !lost && wait.count() > 0) {
                // The node may be restarting: say so once, and keep polling until --wait runs out.
                lost = true;
                lost_since = now;
                drawn = false;  // the next snapshot starts below this line instead of redrawing over it
                std::fprintf(err, "hypasis: status: the API at %s is %s; waiting up to %g s for it\n", where.c_str(),
                             how, opts.wait_seconds);
                std::fflush(err);
            }
            if (!lost || now - lost_since >= wait) {
                std::fprintf(err,
                             "hypasis: status: the API at %s is %s (%s); is `hypasis run` running with its API on?\n",
                             where.c_str(), how, reply.error().message().c_str());
                return 1;
            }
            std::this_thread::sleep_for(interval);
            continue;
        }
        if (lost) {
            lost = false;
            std::fprintf(err, "hypasis: status: the API at %s answers again\n", where.c_str());
            std::fflush(err);
        }
        boost::system::error_code ec;
        const json::value status = json::parse(reply->body, ec);
        if (reply->status != 200) {
            const json::value* e = ec ? nullptr : field(status, "error");
            std::fprintf(err, "hypasis: status: the API at %s answered %u: %s\n", where.c_str(), reply->status,
                         e != nullptr ? text(e).c_str() : "no reason given");
            return 1;
        }
        if (ec || !status.is_object() || field(status, "phase") == nullptr) {
            std::fprintf(err, "hypasis: status: the API at %s did not send the status JSON\n", where.c_str());
            return 1;
        }
        if (opts.json) {
            write_line(out, reply->body);
        } else {
            const auto lines = format_status(status, ProgressReporter::kBarWidth);
            // On a terminal, go back up over the previous snapshot (CPL) and redraw each line (EL erases the rest).
            if (tty && drawn) std::fprintf(out, "\x1b[%zuF", lines.size());
            for (const auto& l : lines) write_line(out, tty ? l + "\x1b[K" : l);
            drawn = tty;
        }
        std::fflush(out);
        ++shown;
        if (opts.once || (opts.max_polls && shown >= *opts.max_polls)) return 0;
        std::this_thread::sleep_for(interval);
    }
}

void add_status_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<StatusCommandOptions>();
    CLI::App* cmd = app.add_subcommand("status", "Live forward and backward sync progress from a node's REST API");
    cmd->add_option("--api", opts->api, "The node's REST API: http://HOST:PORT")->capture_default_str();
    cmd->add_flag("--once", opts->once, "Print one snapshot and exit");
    cmd->add_flag("--json", opts->json, "Print the API's status JSON (one document per line)");
    cmd->add_option("--interval", opts->interval_seconds, "Seconds between polls in live mode")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--timeout", opts->timeout_seconds, "Deadline of each request, in seconds")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--wait", opts->wait_seconds,
                    "Live mode: seconds to keep polling a node whose API stopped answering (0: exit at once)")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    cmd->callback([opts, &exit_code]() { exit_code = run_status(*opts, stdout, stderr); });
}

}  // namespace hypasis::node
