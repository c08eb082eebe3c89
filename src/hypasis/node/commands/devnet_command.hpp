#pragma once
/// `hypasis devnet [--dir D] [--blocks N] [--seed S] [--txn-rounds R] [--calldata-bytes B] [--withdrawals W]
/// [--block-interval SECONDS] [--validators V] [--validator-scheme ecdsa|bls] [--checkpoint-at C] [--bad-checkpoint]
/// [--peers K | --peers PROFILE,PROFILE,...] [--port P] [--slow-latency-ms MS] [--slow-bandwidth BYTES_PER_S]
/// [--flaky-period-ms MS] [--lie-ahead N] [--datadir D2]`: a local network in one command (devnet/net/devnet.hpp).
///
/// - **stdout**: what a user needs, once everything listens: the chain, the paths of genesis.json, chain.rlp,
///   validators.json, checkpoint.json and devnet.json, each peer's profile and enode URL, and the exact
///   `hypasis run` line that points a node at the devnet (D2 is its datadir, default D/hypasis-data).
/// - **stderr**: progress (every 10th block) and the stop.
/// - Profiles: honest, slow, flaky, withholding, invalid, lying (devnet/net/faulty_provider.hpp). Everything binds
///   127.0.0.1; discovery is off.
/// - Runs until SIGINT or SIGTERM, then stops every peer cleanly (exit 0). A bad option is one line on stderr
///   naming it, exit 1, before anything is written.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "hypasis/core/common/expected.hpp"

#include "hypasis/devnet/net/devnet.hpp"

namespace hypasis::node {

struct DevnetCommandOptions {
    std::string dir{"hypasis-devnet"};
    uint64_t blocks{1000};
    uint64_t seed{1};
    /// The genesis timestamp (Unix seconds); nullopt: now - 12 s x blocks, so that the checkpoint is recent (a
    /// node refuses checkpoints older than 14 days) and the initial head is at the wall clock.
    std::optional<uint64_t> genesis_time;
    /// The fork schedule, "shanghai=N,cancun=N,prague=N" (any subset; a fork left out is active from genesis).
    std::string forks;
    std::size_t txn_rounds{1};
    std::size_t calldata_bytes{64};
    std::size_t withdrawals{2};
    double block_interval_s{2.0};  ///< 0: a static chain
    std::optional<uint64_t> checkpoint_at;
    bool bad_checkpoint{false};
    uint64_t checkpoint_every{0};  ///< rewrite checkpoint.json at every N-th produced block; 0: never
    std::size_t validators{4};
    std::string validator_scheme{"ecdsa"};
    std::string peers{"4"};
    uint16_t port{0};
    uint64_t slow_latency_ms{200};
    uint64_t slow_bandwidth{uint64_t{1} << 20};  ///< bytes per second; 0: no cap
    uint64_t flaky_period_ms{5000};
    uint64_t lie_ahead{1000};
    std::string datadir;  ///< for the printed `hypasis run` line; empty: <dir>/hypasis-data
};

/// A fork schedule by block number (0 = from genesis).
struct ForkSchedule {
    uint64_t shanghai{0};
    uint64_t cancun{0};
    uint64_t prague{0};
};

/// Parses "shanghai=N,cancun=N,prague=N" (any subset, any order); forks must be ordered shanghai <= cancun <=
/// prague. Errors are one line for people.
Expected<ForkSchedule, std::string> parse_fork_schedule(std::string_view text);

/// Hooks for running the devnet in-process (tests). `on_started` is called once everything listens, with the
/// devnet and a function that requests the same clean stop as SIGTERM (callable from any thread).
struct DevnetHooks {
    std::function<void(const devnet::Devnet& devnet, std::function<void()> request_stop)> on_started;
    bool handle_signals{true};
};

/// The DevnetOptions the command options stand for, or the one-line reason they are refused. Throws only
/// std::bad_alloc.
Expected<devnet::DevnetOptions, std::string> to_devnet_options(const DevnetCommandOptions& opts);

/// Runs the devnet until stopped. Returns the exit code: 0 after a clean stop, 1 for bad options or a start-up
/// failure (one line on `err`). Throws only std::bad_alloc.
int run_devnet(const DevnetCommandOptions& opts, std::FILE* out, std::FILE* err, const DevnetHooks& hooks = {});

/// Adds `devnet` to `app`. The callback stores the exit code in `exit_code`, which must outlive the parse.
void add_devnet_command(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
