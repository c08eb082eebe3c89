#pragma once
/// `hypasis run --datadir D (--chain NAME | --genesis FILE) [--listen IP] [--port P] [--nodekey FILE]
/// [--static-peer ENODE]... [--max-peers N] [--no-discovery] [--bootnode ENODE]...`: the daemon. Today it serves
/// the blocks of its store to devp2p peers (eth/68 and eth/69) and answers discv4 PING on the same port; sync
/// comes later (issue #4 item 5).
///
/// - **Start-up**, in order, each failure one line and exit 1: the chain options; the store (created when
///   missing, since a daemon that will sync starts from an empty datadir); the store's block 0 must be the
///   chain's genesis ("the datadir D holds another chain"); the node key; the enode URLs; the TCP listener; the
///   discv4 UDP socket on the same port (so `admin_addPeer(enode)` pings what it dials).
/// - **stdout** gets exactly one line, first: `enode://<id>@<ip>:<port>` (flushed), so a script can read it.
///   Everything else (what is served, peers connecting and leaving, the stop) goes to stderr.
/// - **Listen address**: 127.0.0.1 unless --listen says otherwise: serving the world is a decision the operator
///   makes explicitly. With a non-loopback --listen, discv4 may also send to non-loopback addresses.
/// - **Node key**: <datadir>/nodekey, generated on first run (mode 0600), so the enode is stable across restarts;
///   --nodekey FILE uses an existing key instead (geth's format: 64 hex digits).
/// - **Discovery**: discv4 answers PING/PONG, FINDNODE and ENRRequest unless --no-discovery; it looks peers up
///   only when --bootnode is given (nodes found become dial candidates).
/// - **Stop**: SIGINT or SIGTERM closes every session with Disconnect(client quitting), stops discovery, lets
///   every task end, syncs the store and exits 0. A second signal exits at once (the store is still consistent:
///   every write it makes is one atomic batch). The store is only read while serving, except peer bans.
#include <cstdint>
#include <cstdio>
#include <functional>
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
    std::string checkpoint;        ///< checkpoint source URI (file:, http(s):, multi:)
    std::string validators;        ///< validator set JSON the checkpoint is verified against
    bool allow_stale_checkpoint{false};  ///< accept a checkpoint older than the freshness limit (14 days)
    unsigned bootstrap_timeout{120};  ///< seconds to find a peer serving the checkpoint's header
    std::string history{"full"};   ///< headers | bodies | full
    uint64_t history_limit{0};     ///< lowest block backward fills
    std::string bandwidth{"0"};    ///< total download budget (bytes/s with units; 0 = unlimited)
    double forward_share{0.7};     ///< forward's share of bandwidth and validation CPU
    std::size_t cpu_threads{1};    ///< validation worker threads
    std::size_t lookahead{64};     ///< forward: blocks requested ahead of the stored head
    uint64_t reorg_window{64};     ///< forward: blocks above the anchor a reorg may replace
    std::size_t parallel_batches{8};  ///< backward: batches in flight
    uint64_t scrub_rate{2000};     ///< scrubber: stored blocks re-verified per second (0 = off)

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

/// Adds `run` to `app`. The callback stores the exit code in `exit_code`, which must outlive the parse.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
