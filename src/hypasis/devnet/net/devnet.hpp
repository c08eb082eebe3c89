#pragma once
/// Devnet: a local Ethereum-like network in one object, for `hypasis devnet`, end-to-end tests and benchmarks.
///
/// start() does, in order (each failure is a DevnetError and leaves nothing running):
/// 1. generates blocks [0, blocks] with devnet::ChainGenerator (seeded; every fork through Prague at genesis);
/// 2. makes a validator set and a checkpoint of block checkpoint_at, signed by more than 2/3 of the stake (or, with
///    bad_checkpoint, by at most 2/3: validators.hpp);
/// 3. writes under `dir`: genesis.json (genesis_file.hpp: `hypasis run --genesis` rebuilds the generator's spec and
///    genesis hash exactly), chain.rlp (the initial chain, geth chain-file form), validators.json and
///    checkpoint.json (checkpoint/checkpoint_json.hpp forms), validator-keys.txt (the secret keys, one per line, as
///    `hypasis checkpoint sign --key-file` reads them), peers.txt (one enode per line) and devnet.json (below);
/// 4. starts one PeerManager per entry of `peers`, each listening on 127.0.0.1 (port `port + i`, or any free port
///    when `port` is 0), discovery off, serving the shared chain through a FaultyProvider with that entry's
///    profile; node keys derive from the seed, so enode URLs are stable across runs with the same options and ports;
/// 5. runs one network thread: every `block_interval` (0: never) it generates the next block, adds it to the shared
///    chain (so to every peer at once), calls notify_head_changed() on every manager (eth/69 BlockRangeUpdate on each
///    block: range_update_blocks 1, interval half the block interval) and rewrites devnet.json's `head` atomically
///    (temporary file + rename); every `flaky_period` it closes every session of each flaky peer.
///
/// devnet.json: {"chainId", "genesisHash", "genesisTimestamp", "forks": {"shanghai", "cancun", "prague"}, "dir", "genesis", "chain", "checkpoint", "validators", "validatorKeys",
/// "peersFile", "checkpointBlock", "checkpointHash", "checkpointQuorum": "sufficient"|"insufficient",
/// "blockIntervalMs", "peers": [{"enode", "profile", "port"}], "head": {"number", "hash"}, "runCommand"}.
/// Paths are absolute.
///
/// Threading: start() and stop() from one owning thread (not from on_block). head(), peers(), enodes(), blocks(),
/// receipts(), flaky_drops() and the accessors are thread-safe; connected() too, except concurrently with stop().
/// Throws only std::bad_alloc.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/devnet/chain/chain_generator.hpp"
#include "hypasis/devnet/net/error.hpp"
#include "hypasis/devnet/net/faulty_provider.hpp"
#include "hypasis/devnet/net/validators.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/peers/memory_block_provider.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"

namespace hypasis::devnet {

/// A block number and hash.
struct DevnetHead {
    uint64_t number{0};
    Hash hash{};
    friend bool operator==(const DevnetHead&, const DevnetHead&) = default;
};

struct DevnetOptions {
    /// Where the files go (created when missing; existing files are replaced).
    std::filesystem::path dir{"hypasis-devnet"};
    /// The initial head: blocks [0, blocks] are generated before the peers start. At least 1.
    uint64_t blocks{1000};
    /// Seed, transaction rounds, calldata size and withdrawals of the generated blocks.
    ChainGeneratorOptions chain;
    /// A new block this often; 0: a static chain.
    std::chrono::milliseconds block_interval{2000};
    /// The checkpoint's block (at most `blocks`); nullopt: blocks / 2.
    std::optional<uint64_t> checkpoint_at;
    /// Sign the checkpoint with at most 2/3 of the stake (for the bad-checkpoint test).
    bool bad_checkpoint{false};
    /// Every this many produced blocks, checkpoint.json is rewritten with a checkpoint of the new head (signed as
    /// the first one), so that a node re-reading its checkpoint source gets a newer trusted block. 0: never.
    uint64_t checkpoint_every{0};
    /// Validator count and scheme (the seed is taken from chain.seed).
    ValidatorOptions validators;
    /// One peer per entry (1..64).
    std::vector<PeerProfile> peers = std::vector<PeerProfile>(4, PeerProfile::kHonest);
    /// First port (peer i listens on port + i); 0: any free port for each.
    uint16_t port{0};
    FaultConfig faults;
    /// How often a flaky peer drops its sessions.
    std::chrono::milliseconds flaky_period{std::chrono::seconds(5)};
    /// Sessions per devnet peer at most (each peer serves with max_peers + 1 pool threads).
    std::size_t max_peers_per_node{8};
    /// Called on the network thread after each produced block is served by every peer. Must not block or call
    /// stop().
    std::function<void(const DevnetHead&)> on_block;
};

/// One running peer.
struct DevnetPeer {
    PeerProfile profile{PeerProfile::kHonest};
    std::string enode;
    uint16_t port{0};
    p2p::peers::PeerId node_id{};
};

/// The files start() writes.
struct DevnetPaths {
    std::filesystem::path dir, genesis, chain, checkpoint, validators, validator_keys, peers, info;
};

class Devnet {
  public:
    explicit Devnet(DevnetOptions options);
    /// Calls stop().
    ~Devnet();
    Devnet(const Devnet&) = delete;
    Devnet& operator=(const Devnet&) = delete;

    /// See the file comment. kState when called twice; kBadOptions, kGenesis, kValidators, kIo, kListen.
    Expected<void, DevnetError> start();

    /// Stops block production, wakes every withheld or slowed request, closes every session (Disconnect: client
    /// quitting), waits for every task and joins the network thread. Idempotent; a no-op before start().
    void stop();

    /// The current head (the newest block every peer serves).
    [[nodiscard]] DevnetHead head() const;
    [[nodiscard]] std::vector<DevnetPeer> peers() const;
    [[nodiscard]] std::vector<std::string> enodes() const;
    /// Blocks [first, min(end, head + 1)), copies.
    [[nodiscard]] std::vector<Block> blocks(uint64_t first = 0, uint64_t end = UINT64_MAX) const;
    /// The receipts of block `n` (empty for genesis and for unknown blocks).
    [[nodiscard]] std::vector<Receipt> receipts(uint64_t n) const;
    /// The sessions devnet peer `i` has now (who is connected to it), or empty for a bad index.
    [[nodiscard]] std::vector<p2p::peers::PeerInfo> connected(std::size_t i) const;
    /// Sessions closed by the flaky profile so far.
    [[nodiscard]] uint64_t flaky_drops() const noexcept { return flaky_drops_.load(); }

    /// Valid after a successful start().
    [[nodiscard]] const chain::ChainSpec& spec() const noexcept { return spec_; }
    [[nodiscard]] const checkpoint::Checkpoint& checkpoint() const noexcept { return checkpoint_; }
    [[nodiscard]] const DevnetValidators& validators() const noexcept { return *validators_; }
    [[nodiscard]] const DevnetPaths& paths() const noexcept { return paths_; }
    [[nodiscard]] const DevnetOptions& options() const noexcept { return options_; }

    /// The `hypasis run` line that points a node at this devnet, with `datadir` as its data directory.
    [[nodiscard]] std::string run_command(const std::string& datadir) const;

  private:
    Expected<void, DevnetError> generate();
    Expected<void, DevnetError> write_files();
    Expected<void, DevnetError> start_peers();
    Expected<void, DevnetError> write_info();
    void produce_block();
    p2p::Task<void> produce_loop();
    p2p::Task<void> flaky_loop();
    p2p::Task<void> shutdown_peers();

    DevnetOptions options_;
    DevnetPaths paths_;
    std::unique_ptr<ChainGenerator> generator_;  // network thread only, after start()
    chain::ChainSpec spec_;
    std::optional<DevnetValidators> validators_;
    checkpoint::Checkpoint checkpoint_;
    std::string genesis_text_;

    p2p::peers::MemoryBlockProvider chain_;  // shared by every peer (thread-safe)
    mutable std::mutex mutex_;
    std::vector<Block> blocks_;                  // under mutex_
    std::vector<std::vector<Receipt>> receipts_;  // under mutex_
    DevnetHead head_;                            // under mutex_
    std::vector<DevnetPeer> peers_;              // fixed after start()

    std::unique_ptr<boost::asio::io_context> ioc_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::vector<std::unique_ptr<FaultyProvider>> providers_;
    std::vector<std::unique_ptr<p2p::peers::PeerManager>> managers_;
    std::optional<boost::asio::steady_timer> block_timer_;
    std::optional<boost::asio::steady_timer> flaky_timer_;
    std::thread thread_;
    bool started_{false};
    bool stopping_{false};  // network thread
    std::atomic<bool> stopped_{false};
    std::atomic<uint64_t> flaky_drops_{0};
};

}  // namespace hypasis::devnet
