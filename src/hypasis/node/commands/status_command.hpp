#pragma once
/// `hypasis status [--api URL] [--once] [--json] [--interval S] [--timeout S]`: the sync progress of a running
/// node, read from its REST API (GET /api/v1/status; serve/README.md).
///
/// - **Live** (default): polls every --interval seconds (default 2) until Ctrl-C. On a terminal it redraws three
///   lines in place: a summary (phase, anchor, tip and lag, peers), then a forward and a backward progress bar
///   with the block, the target, the rate, the download rate, the ETA and the state. When stdout is not a
///   terminal it prints the three lines once per poll instead (logs, pipes).
/// - **--once**: one snapshot, then exit 0.
/// - **--json**: the API's status JSON as received, one document per line (with --once, exactly one).
/// - **--api**: http://HOST:PORT of the node's API (default http://127.0.0.1:8555, serve::kDefaultApiPort).
/// - **Errors**: every request has a deadline (--timeout, default 5 s). An unreachable API, a timeout, a status
///   other than 200 or a body that is not the status JSON prints one clear line to stderr naming the URL and exits
///   1. A bad --api exits 2.
/// - **A node that goes away** (restarted, stopping) after live mode has shown a snapshot: one line on stderr says
///   so, and the watch polls on every --interval for up to --wait seconds (default 60; 0: exit at once); when the
///   API answers again the bars resume, otherwise it exits 1 with the error line above.
#include <CLI/CLI.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/node/commands/progress.hpp"

namespace hypasis::node {

struct StatusCommandOptions {
    std::string api{"http://127.0.0.1:8555"};
    bool once{false};
    bool json{false};
    double interval_seconds{2.0};
    double timeout_seconds{5.0};
    /// Live mode: how long to keep polling an API that stopped answering after a snapshot was shown.
    double wait_seconds{60.0};
    /// Live mode stops after this many snapshots (tests); nullopt: until interrupted.
    std::optional<std::size_t> max_polls;
};

/// The three lines of one snapshot (without line feeds), from the /api/v1/status JSON, with bars of `bar_width`
/// cells (0: no bar). Fields that are missing or null show as "-". Throws only std::bad_alloc.
std::vector<std::string> format_status(const boost::json::value& status, std::size_t bar_width);

/// "1h05m", "3m07s", "12s"; "-" for nullopt or a negative or non-finite value.
std::string format_eta(std::optional<double> seconds);

/// Runs the command: output to `out`, errors to `err`. `mode` overrides the terminal detection of `out`
/// (kBar: redraw in place; kLines: plain lines). Returns the exit code (0, 1 on an API failure, 2 on a bad --api).
int run_status(const StatusCommandOptions& opts, std::FILE* out, std::FILE* err, std::optional<ProgressMode> mode = {});

/// Adds `status` to `app`. The callback stores the exit code in `exit_code`, which must outlive the parse.
void add_status_command(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
