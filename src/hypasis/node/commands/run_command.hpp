#pragma once
/// `hypasis run [--config FILE] --datadir D (--chain NAME | --genesis FILE) [--checkpoint URI --validators FILE |
/// --checkpoint beacon:URL[,URL...] --trusted-root ROOT] [options]`: the daemon. It serves the store to devp2p peers (eth/68 and eth/69, discv4 on the same port) and,
/// once anchored, syncs: the forward pipeline follows the tip, the backward one fills history below the anchor,
/// under one bandwidth and CPU budget (sync/README.md). The REST API, metrics and dashboard run on their own
/// thread. `run --help` lists every option with its config-file section (run_config.hpp).
///
/// - **Start-up**, in order, each failure one line and exit 1: the config file, then the options (log level and
///   format, addresses, enode URLs, history mode, byte rate, shares); the validator set (for the chain's id) and
///   the checkpoint source (sync_setup.hpp; a beacon: source needs no validator set: its light client verifies);
///   for a datadir that does not exist yet, the checkpoint is fetched, verified (> 2/3 of the stake, or of the
///   sync committee) and checked for freshness *before* the datadir is created, so a bad checkpoint leaves nothing
///   behind; the store; the store's block 0 must be the chain's genesis; the stored anchor is read (a restart
///   needs no checkpoint); the node key; the API token; the TCP listener; discv4; the REST API.
/// - **Sync** runs when a checkpoint was given or an anchor is stored. Bootstrap fetches the checkpoint's header
///   from the peers within --bootstrap-timeout; a failure stops the node with exit 1 and the typed reason.
/// - **stdout** gets exactly one line, first: `enode://<id>@<ip>:<port>` (flushed), so a script can read it.
///   Everything else goes to stderr as structured logs (logfmt or JSON lines, core/common/log.hpp).
/// - **Listen addresses**: 127.0.0.1 for devp2p and the API unless told otherwise: serving beyond the machine
///   is a decision the operator makes explicitly.
/// - **Node key**: <datadir>/nodekey, generated on first run (mode 0600); **API token**: <datadir>/api-token
///   (0600), required as `Authorization: Bearer` by POST /api/v1/sync/pause and /resume.
/// - **Stop**: SIGINT or SIGTERM stops sync, closes every session with Disconnect(client quitting), stops
///   discovery and the API, syncs the store and exits 0. A second signal exits at once; so may `kill -9`: every
///   write is one atomic batch, and the trackers commit with the data, so a restart resumes where it stopped.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hypasis/node/commands/chain_options.hpp"

namespace hypasis::node {

struct RunOptions {
    std::string config;  ///< --config FILE (TOML; flags override it)
    std::string datadir;
    ChainOptions chain;
    std::string log_level{"info"};      ///< debug, info, warn, error
    std::string log_format{"logfmt"};   ///< logfmt or json
    std::string listen{"127.0.0.1"};
    uint16_t port{30303};
    std::string nodekey;                    ///< empty: <datadir>/nodekey
    std::vector<std::string> static_peers;  ///< enode URLs
    std::vector<std::string> bootnodes;     ///< enode URLs
    std::size_t max_peers{50};
    bool no_discovery{false};
    /// Loopback peers count against the /24 subnet cap unless this is set. The daemon sets it when it listens on a
    /// loopback address (every local peer shares 127.0.0.0/24; a cap there would only hurt local setups).
    bool exempt_loopback_from_subnet_cap{true};

    // --- sync (active when a checkpoint is given, or the store already holds an anchor) ---
    std::string checkpoint;        ///< checkpoint source URI (file:, http(s):, multi:, beacon:)
    std::string validators;        ///< validator set JSON the checkpoint is verified against (not for beacon:)
    std::string trusted_root;      ///< beacon: the trusted beacon block root the light client starts from
    std::optional<uint64_t> beacon_now;  ///< beacon: unix seconds to use as now (hidden; tests)
    bool allow_stale_checkpoint{false};  ///< accept a checkpoint (or beacon trusted root) older than 14 days
    unsigned bootstrap_timeout{120};  ///< seconds to find a peer serving the checkpoint's header
    unsigned checkpoint_refresh{60};  ///< seconds between re-reads of the source for a newer trusted tip (0: off)
    std::string history{"full"};   ///< headers | bodies | full
    uint64_t history_limit{0};     ///< lowest block backward fills
    std::string bandwidth{"0"};    ///< total download budget (bytes/s with units; 0 = unlimited)
    double forward_share{0.7};     ///< forward's share of bandwidth and validation CPU
    std::size_t cpu_threads{1};    ///< validation worker threads
    std::size_t lookahead{64};     ///< forward: blocks requested ahead of the stored head
    uint64_t reorg_window{64};     ///< forward: blocks above the anchor a reorg may replace
    std::size_t parallel_batches{8};  ///< backward: batches in flight
    uint64_t scrub_rate{500};      ///< scrubber: stored blocks re-verified per second (0 = off)
    double scrub_interval{24};     ///< scrubber: hours between the end of a pass and the next

    // --- REST API ---
    bool no_api{false};
    std::string api_listen{"127.0.0.1"};
    uint16_t api_port{8555};
    std::string api_token_file;    ///< empty: <datadir>/api-token (created, 0600)
};

/// Hooks for running the daemon in-process (tests). `on_started` is called once serving, with the enode URL and a
/// function that requests the same clean stop as SIGTERM (callable from any thread).
struct RunHooks {
    std::function<void(const std::string& enode, std::function<void()> request_stop)> on_started;
    bool handle_signals{true};
};

/// Runs the daemon until stopped. Returns the exit code (0 after a clean stop, 1 on a start-up failure). Throws
/// std::runtime_error for an unusable --chain/--genesis (as every command does), std::bad_alloc.
int run_node(const RunOptions& opts, std::FILE* out, std::FILE* err, const RunHooks& hooks = {});

/// Each `run` option's section in the TOML config file (run_config.hpp), by long name without dashes: every
/// option but --config, --help and hidden test options has one, and its --help text starts with "[section]".
const std::map<std::string, std::string>& run_config_sections();

/// Adds `run` to `app`. The callback stores the exit code in `exit_code`, which must outlive the parse.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
