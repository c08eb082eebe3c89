#include "hypasis/node/commands/devnet_command.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::node {
namespace {

namespace asio = boost::asio;

/// Progress goes to stderr every this many blocks.
constexpr uint64_t kProgressEvery = 10;
/// Longest block interval accepted (a day): beyond, the option is surely a unit mistake.
constexpr double kMaxIntervalSeconds = 86'400;

void print_summary(const devnet::Devnet& d, const std::string& datadir, std::FILE* out) {
    const auto& o = d.options();
    const auto& p = d.paths();
    const auto head = d.head();
    std::fprintf(out, "hypasis devnet: chain id %llu, genesis %s, blocks [0, %llu], ",
                 static_cast<unsigned long long>(d.spec().chain_id()), to_hex(d.spec().genesis_hash).c_str(),
                 static_cast<unsigned long long>(head.number));
    if (o.block_interval.count() > 0) {
        std::fprintf(out, "a new block every %.3g s\n", static_cast<double>(o.block_interval.count()) / 1000.0);
    } else {
        std::fprintf(out, "static chain\n");
    }
    const auto& ck = d.checkpoint();
    std::size_t signers = ck.ecdsa_signatures.size();
    if (ck.bls_aggregate) {
        for (uint8_t b : ck.bls_aggregate->signers_bitfield) signers += static_cast<std::size_t>(std::popcount(b));
    }
    std::fprintf(out, "  genesis     %s\n", p.genesis.c_str());
    std::fprintf(out, "  chain       %s (the initial chain)\n", p.chain.c_str());
    std::fprintf(out, "  validators  %s (%zu %s validators)\n", p.validators.c_str(), d.validators().set.size(),
                 std::string(checkpoint::to_string(o.validators.scheme)).c_str());
    std::fprintf(out, "  checkpoint  %s (block %llu %s, signed by %zu of %zu validators: %s)\n",
                 p.checkpoint.c_str(), static_cast<unsigned long long>(ck.block_num), to_hex(ck.block_hash).c_str(),
                 signers, d.validators().set.size(),
                 o.bad_checkpoint ? "INSUFFICIENT, at most 2/3 of the stake" : "more than 2/3 of the stake");
    std::fprintf(out, "  devnet.json %s (kept up to date with the head)\n", p.info.c_str());
    std::fprintf(out, "peers (127.0.0.1, discovery off):\n");
    for (const auto& peer : d.peers()) {
        std::fprintf(out, "  %-11s %s\n", std::string(devnet::to_string(peer.profile)).c_str(), peer.enode.c_str());
    }
    std::fprintf(out, "run Hypasis against it:\n  %s\n", d.run_command(datadir).c_str());
    std::fflush(out);
}

}  // namespace

Expected<ForkSchedule, std::string> parse_fork_schedule(std::string_view text) {
    ForkSchedule out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        const std::string_view item = text.substr(pos, end - pos);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) return unexpected("expected fork=block, got \"" + std::string(item) + "\"");
        const std::string_view name = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        uint64_t block = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), block);
        if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
            return unexpected("not a block number: \"" + std::string(value) + "\"");
        }
        if (name == "shanghai") {
            out.shanghai = block;
        } else if (name == "cancun") {
            out.cancun = block;
        } else if (name == "prague") {
            out.prague = block;
        } else {
            return unexpected("unknown fork \"" + std::string(name) + "\" (shanghai, cancun or prague)");
        }
        pos = end + 1;
    }
    if (out.shanghai > out.cancun || out.cancun > out.prague) {
        return unexpected(std::string("forks must come in order: shanghai <= cancun <= prague"));
    }
    return out;
}

Expected<devnet::DevnetOptions, std::string> to_devnet_options(const DevnetCommandOptions& opts) {
    devnet::DevnetOptions o;
    if (opts.dir.empty()) return unexpected(std::string("--dir is empty"));
    o.dir = opts.dir;
    if (opts.blocks == 0) return unexpected(std::string("--blocks must be at least 1"));
    o.blocks = opts.blocks;
    o.chain.seed = opts.seed;
    if (opts.genesis_time) {
        o.chain.genesis_timestamp = *opts.genesis_time;
    } else {
        const auto now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count());
        o.chain.genesis_timestamp = now > 12 * opts.blocks ? now - 12 * opts.blocks : 0;
    }
    if (opts.txn_rounds > chain::kPragueBlobParams.max) {
        return unexpected("--txn-rounds must be at most " + std::to_string(chain::kPragueBlobParams.max) +
                          " (each round carries a blob transaction)");
    }
    o.chain.txn_rounds_per_block = opts.txn_rounds;
    if (!opts.forks.empty()) {
        auto schedule = parse_fork_schedule(opts.forks);
        if (!schedule) return unexpected("--forks " + opts.forks + ": " + schedule.error());
        o.chain.shanghai_block = schedule->shanghai;
        o.chain.cancun_block = schedule->cancun;
        o.chain.prague_block = schedule->prague;
        if (o.chain.cancun_block != o.chain.prague_block && opts.txn_rounds > chain::kCancunBlobParams.max) {
            return unexpected("--txn-rounds must be at most " + std::to_string(chain::kCancunBlobParams.max) +
                              " while Cancun's blob limit applies (before --forks prague=)");
        }
    }
    if (opts.calldata_bytes > (std::size_t{1} << 16)) {
        return unexpected(std::string("--calldata-bytes must be at most 65536"));
    }
    o.chain.calldata_bytes = opts.calldata_bytes;
    if (opts.withdrawals > 1024) return unexpected(std::string("--withdrawals must be at most 1024"));
    o.chain.withdrawals_per_block = opts.withdrawals;
    if (!std::isfinite(opts.block_interval_s) || opts.block_interval_s < 0 ||
        opts.block_interval_s > kMaxIntervalSeconds) {
        return unexpected(std::string("--block-interval must be between 0 and 86400 seconds"));
    }
    o.block_interval = std::chrono::milliseconds(static_cast<int64_t>(std::llround(opts.block_interval_s * 1000)));
    if (opts.block_interval_s > 0 && o.block_interval.count() == 0) {
        return unexpected(std::string("--block-interval must be 0 or at least 0.001 seconds"));
    }
    if (opts.checkpoint_at && *opts.checkpoint_at > opts.blocks) {
        return unexpected("--checkpoint-at " + std::to_string(*opts.checkpoint_at) +
                          " is above the initial head (--blocks " + std::to_string(opts.blocks) + ")");
    }
    o.checkpoint_at = opts.checkpoint_at;
    o.bad_checkpoint = opts.bad_checkpoint;
    o.checkpoint_every = opts.checkpoint_every;
    if (opts.validators == 0 || opts.validators > 1024) return unexpected(std::string("--validators must be 1..1024"));
    if (opts.bad_checkpoint && opts.validators < 2) {
        return unexpected(std::string("--bad-checkpoint needs at least 2 validators"));
    }
    o.validators.count = opts.validators;
    if (opts.validator_scheme == "ecdsa") {
        o.validators.scheme = checkpoint::SignatureScheme::kEcdsa;
    } else if (opts.validator_scheme == "bls") {
        o.validators.scheme = checkpoint::SignatureScheme::kBls;
    } else {
        return unexpected("--validator-scheme " + opts.validator_scheme + ": expected ecdsa or bls");
    }
    auto peers = devnet::parse_peer_profiles(opts.peers);
    if (!peers) return unexpected("--peers " + opts.peers + ": " + peers.error().detail);
    o.peers = std::move(*peers);
    if (opts.port != 0 && uint32_t{opts.port} + o.peers.size() - 1 > 65535) {
        return unexpected("--port " + std::to_string(opts.port) + " leaves no room for " +
                          std::to_string(o.peers.size()) + " peers");
    }
    o.port = opts.port;
    o.faults.slow_latency = std::chrono::milliseconds(opts.slow_latency_ms);
    o.faults.slow_bytes_per_second = opts.slow_bandwidth;
    o.faults.lie_ahead = opts.lie_ahead;
    if (opts.flaky_period_ms == 0) return unexpected(std::string("--flaky-period-ms must be at least 1"));
    o.flaky_period = std::chrono::milliseconds(opts.flaky_period_ms);
    return o;
}

int run_devnet(const DevnetCommandOptions& opts, std::FILE* out, std::FILE* err, const DevnetHooks& hooks) {
    auto options = to_devnet_options(opts);
    if (!options) {
        std::fprintf(err, "hypasis: devnet: %s\n", options.error().c_str());
        return 1;
    }
    options->on_block = [err](const devnet::DevnetHead& h) {
        if (h.number % kProgressEvery != 0) return;
        std::fprintf(err, "hypasis: devnet: head %llu %s\n", static_cast<unsigned long long>(h.number),
                     to_hex(h.hash).c_str());
        std::fflush(err);
    };

    // Signals are caught before the peers start, so a script that reads the summary may signal at once.
    asio::io_context ioc(1);
    asio::signal_set signals(ioc);
    if (hooks.handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
    }
    const char* stop_reason = "stop requested";
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (!ec) stop_reason = sig == SIGINT ? "SIGINT" : "SIGTERM";
    });

    devnet::Devnet d(std::move(*options));
    if (auto started = d.start(); !started) {
        std::fprintf(err, "hypasis: devnet: %s\n", devnet::to_string(started.error()).c_str());
        return 1;
    }
    const std::string datadir = opts.datadir.empty() ? (d.paths().dir / "hypasis-data").string() : opts.datadir;
    print_summary(d, datadir, out);
    if (hooks.on_started) {
        hooks.on_started(d, [&ioc, &signals] { asio::post(ioc, [&signals] { signals.cancel(); }); });
    }
    ioc.run();  // until a signal, or request_stop (which cancels the wait)

    std::fprintf(err, "hypasis: devnet: %s: stopping\n", stop_reason);
    d.stop();
    const auto head = d.head();
    std::fprintf(err, "hypasis: devnet: stopped at head %llu %s\n", static_cast<unsigned long long>(head.number),
                 to_hex(head.hash).c_str());
    return 0;
}

void add_devnet_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<DevnetCommandOptions>();
    auto* cmd = app.add_subcommand(
        "devnet", "Run a local devnet: a generated chain, a signed checkpoint and devp2p peers with fault profiles");
    cmd->add_option("--dir", opts->dir, "Directory for genesis.json, checkpoint.json, validators.json, devnet.json")
        ->capture_default_str();
    cmd->add_option("--blocks", opts->blocks, "Initial chain: blocks [0, N]")->capture_default_str();
    cmd->add_option("--seed", opts->seed, "Seed of the chain, validator and peer keys")->capture_default_str();
    cmd->add_option("--genesis-time", opts->genesis_time,
                    "Genesis timestamp (Unix seconds; blocks are 12 s apart); default: now - 12 s x blocks");
    cmd->add_option("--forks", opts->forks,
                    "Fork schedule by block: shanghai=N,cancun=N,prague=N (a fork left out: from genesis)");
    cmd->add_option("--txn-rounds", opts->txn_rounds, "Rounds of transactions per block (5 transactions each)")
        ->capture_default_str();
    cmd->add_option("--calldata-bytes", opts->calldata_bytes, "Random calldata bytes per transaction")
        ->capture_default_str();
    cmd->add_option("--withdrawals", opts->withdrawals, "Withdrawals per block")->capture_default_str();
    cmd->add_option("--block-interval", opts->block_interval_s, "Seconds between new blocks; 0: a static chain")
        ->capture_default_str();
    cmd->add_option("--validators", opts->validators, "Number of validators (validator i stakes (i+1) x 32 ETH)")
        ->capture_default_str();
    cmd->add_option("--validator-scheme", opts->validator_scheme, "ecdsa or bls")->capture_default_str();
    cmd->add_option("--checkpoint-at", opts->checkpoint_at, "Block of the checkpoint (default: blocks / 2)");
    cmd->add_flag("--bad-checkpoint", opts->bad_checkpoint, "Sign the checkpoint with at most 2/3 of the stake");
    cmd->add_option("--checkpoint-every", opts->checkpoint_every,
                    "Rewrite checkpoint.json with a checkpoint of the head every N produced blocks (0: never)")
        ->capture_default_str();
    cmd->add_option("--peers", opts->peers,
                    "K honest peers, or a list of profiles: honest,slow,flaky,withholding,invalid,lying")
        ->capture_default_str();
    cmd->add_option("--port", opts->port, "First peer's TCP port (peer i uses port + i); 0: any free port")
        ->capture_default_str();
    cmd->add_option("--slow-latency-ms", opts->slow_latency_ms, "slow: delay of each headers answer")
        ->capture_default_str();
    cmd->add_option("--slow-bandwidth", opts->slow_bandwidth, "slow: bytes per second served; 0: no cap")
        ->capture_default_str();
    cmd->add_option("--flaky-period-ms", opts->flaky_period_ms, "flaky: how often it drops its sessions")
        ->capture_default_str();
    cmd->add_option("--lie-ahead", opts->lie_ahead, "lying: how many blocks beyond its head it claims")
        ->capture_default_str();
    cmd->add_option("--datadir", opts->datadir, "Datadir in the printed `hypasis run` line (default: DIR/hypasis-data)");
    cmd->callback([opts, &exit_code] { exit_code = run_devnet(*opts, stdout, stderr); });
}

}  // namespace hypasis::node
