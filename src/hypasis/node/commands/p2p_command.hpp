#pragma once
/// `hypasis p2p …`: operator tools for one remote devp2p node, in the spirit of geth's `devp2p` tool. Each opens
/// its own connection with a throw-away node key (or --nodekey FILE), talks to the one enode it is given, and
/// never listens for anyone else. Every network wait has a deadline (--timeout, default 5 s per step).
///
/// - `p2p ping ENODE`: a discv4 PING → PONG round trip (prints the RTT and the peer's ENR sequence number), then an
///   RLPx handshake and Hello exchange (prints the handshake time, the client id and the capabilities). Exit 0
///   when both answered, 1 otherwise (each step's result is printed either way). `--no-rlpx` / `--no-udp` skip a
///   step.
/// - `p2p status ENODE [--chain NAME | --genesis FILE]`: the peer's eth Status as one JSON object on stdout
///   (`version`, `networkId`, `genesis`, `forkId`, and `head` + `td` on eth/68 or `earliest`/`latest`/`head` on
///   eth/69, plus `clientId`, `capabilities`). With a chain, our Status is sent too and the peer's is judged as a
///   session would (`"compatible": true`, or `"incompatible": "<reason>"` and exit 2); without one the peer's
///   Status is only read. `--eth 68|69` offers one version only.
/// - `p2p fetch …`: see p2p_fetch.hpp.
///
/// Errors name the peer (its enode URL) and the step: "hypasis: p2p ping: enode://…: RLPx handshake: timed out".
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/node/commands/chain_options.hpp"

namespace hypasis::node {

/// Options every p2p tool shares.
struct P2pToolOptions {
    std::string enode;
    std::string nodekey;  ///< empty: a fresh random key per run
    std::chrono::milliseconds timeout{5000};
};

struct PingOptions {
    P2pToolOptions tool;
    bool udp{true};   ///< the discv4 round trip
    bool rlpx{true};  ///< the RLPx handshake + Hello
};

struct P2pStatusOptions {
    P2pToolOptions tool;
    ChainOptions chain;                  ///< optional
    std::optional<unsigned> eth_version;  ///< 68 or 69; nullopt offers both
};

/// Runs `p2p ping`. Returns the exit code. Throws only std::bad_alloc.
int run_p2p_ping(const PingOptions& opts, std::FILE* out, std::FILE* err);

/// Runs `p2p status`. Returns the exit code. Throws std::runtime_error for an unusable --chain/--genesis.
int run_p2p_status(const P2pStatusOptions& opts, std::FILE* out, std::FILE* err);

/// The tools' node key: --nodekey's file, or a fresh random key. An error is one line for people.
Expected<crypto::SecretKey, std::string> tool_node_key(const std::string& nodekey);

/// Adds `p2p ping`, `p2p status` and `p2p fetch` to `app`.
void add_p2p_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
