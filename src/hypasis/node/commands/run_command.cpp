#include "hypasis/node/commands/run_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/node/commands/datadir.hpp"
#include "hypasis/node/devp2p/node_key.hpp"
#include "hypasis/node/devp2p/store_ban_store.hpp"
#include "hypasis/node/devp2p/store_block_provider.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/discv4/service.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"

namespace hypasis::node {
namespace {

namespace asio = boost::asio;
using p2p::peers::PeerId;
using p2p::peers::PeerInfo;

/// How often the peer list is compared with the last one to log connects and disconnects. The manager has no
/// event hook, so a session shorter than this is only counted (see PeerLog).
constexpr std::chrono::milliseconds kPeerLogInterval{100};

std::string short_id(const PeerId& id) { return to_hex(ByteView(id.data(), 8), false); }

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
    const auto a = ep.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

/// Parses a list of enode URLs; on failure prints one line naming the option and returns nullopt.
std::optional<std::vector<p2p::discv4::Enode>> parse_enodes(const std::vector<std::string>& urls, const char* option,
                                                            std::FILE* err) {
    std::vector<p2p::discv4::Enode> out;
    for (const auto& url : urls) {
        auto node = p2p::discv4::parse_enode(url);
        if (!node) {
            std::fprintf(err, "hypasis: run: %s %s: %s\n", option, url.c_str(),
                         std::string(p2p::discv4::to_string(node.error())).c_str());
            return std::nullopt;
        }
        out.push_back(*node);
    }
    return out;
}

/// A port for both TCP and UDP when the operator asked for any (0): the kernel's free TCP port, released and then
/// bound again by both listeners (a race with another process is possible but harmless: start-up fails cleanly).
Expected<uint16_t, std::string> pick_port(const asio::ip::address& address) {
    asio::io_context ctx;
    boost::system::error_code ec;
    asio::ip::tcp::acceptor probe(ctx);
    asio::ip::tcp::endpoint ep(address, 0);
    probe.open(ep.protocol(), ec);
    if (!ec) probe.bind(ep, ec);
    if (ec) return unexpected("cannot find a free port on " + address.to_string() + ": " + ec.message());
    return probe.local_endpoint().port();
}

/// Logs connects and disconnects by comparing peers() snapshots (the manager has no event hook). Sessions that
/// began and ended between two snapshots are reported as a count, from the manager's session counter.
class PeerLog {
  public:
    explicit PeerLog(std::FILE* err) : err_(err) {}

    void update(const std::vector<PeerInfo>& now, uint64_t sessions_total) {
        uint64_t appeared = 0;
        std::map<PeerId, PeerInfo> next;
        for (const auto& p : now) next.emplace(p.peer_id, p);
        for (const auto& [id, p] : next) {
            if (known_.count(id) != 0) continue;
            ++appeared;
            std::fprintf(err_, "hypasis: run: peer %s connected: %s %s, eth/%u, \"%s\"\n", short_id(id).c_str(),
                         p.inbound ? "inbound from" : "outbound to", endpoint_text(p.endpoint).c_str(),
                         static_cast<unsigned>(p.version), p.client_id.c_str());
        }
        for (const auto& [id, p] : known_) {
            if (next.count(id) != 0) continue;
            std::fprintf(err_, "hypasis: run: peer %s disconnected (%s, served %llu requests)\n", short_id(id).c_str(),
                         endpoint_text(p.endpoint).c_str(), static_cast<unsigned long long>(p.requests_served));
        }
        known_ = std::move(next);
        const uint64_t unseen = sessions_total > seen_ + appeared ? sessions_total - seen_ - appeared : 0;
        if (unseen > 0) {
            std::fprintf(err_, "hypasis: run: %llu short session%s came and went between two peer snapshots\n",
                         static_cast<unsigned long long>(unseen), unseen == 1 ? "" : "s");
        }
        seen_ = std::max(seen_ + appeared + unseen, sessions_total);
    }

  private:
    std::FILE* err_;
    uint64_t seen_{0};
    std::map<PeerId, PeerInfo> known_;
};

}  // namespace

int run_node(const RunOptions& opts, std::FILE* out, std::FILE* err, const RunHooks& hooks) {
    const chain::ChainSpec spec = resolve_chain_options(opts.chain);

    boost::system::error_code addr_ec;
    const asio::ip::address listen_ip = asio::ip::make_address(opts.listen, addr_ec);
    if (addr_ec) {
        std::fprintf(err, "hypasis: run: --listen %s is not an IP address\n", opts.listen.c_str());
        return 1;
    }
    auto static_peers = parse_enodes(opts.static_peers, "--static-peer", err);
    auto bootnodes = parse_enodes(opts.bootnodes, "--bootnode", err);
    if (!static_peers || !bootnodes) return 1;
    if (opts.no_discovery && !bootnodes->empty()) {
        std::fprintf(err, "hypasis: run: --bootnode needs discovery (drop --no-discovery)\n");
        return 1;
    }

    auto opened = open_block_store(opts.datadir, StoreAccess::kCreate);
    if (!opened) {
        std::fprintf(err, "hypasis: run: %s\n", opened.error().c_str());
        return 1;
    }
    storage::BlockStore& store = **opened;
    {
        auto genesis = store.get_header(0);
        if (!genesis) {
            std::fprintf(err, "hypasis: run: cannot read block 0 in %s: %s\n", opts.datadir.c_str(),
                         storage::to_string(genesis.error()).c_str());
            return 1;
        }
        if (genesis->found() && (*genesis)->hash != spec.genesis_hash) {
            std::fprintf(err,
                         "hypasis: run: the datadir %s holds another chain: its block 0 is %s, the genesis of %s is "
                         "%s\n",
                         opts.datadir.c_str(), to_hex((*genesis)->hash).c_str(), spec.name.c_str(),
                         to_hex(spec.genesis_hash).c_str());
            return 1;
        }
    }

    const std::filesystem::path key_path =
        opts.nodekey.empty() ? std::filesystem::path(opts.datadir) / kNodeKeyFile : std::filesystem::path(opts.nodekey);
    auto key = opts.nodekey.empty() ? load_or_create_node_key(key_path) : load_node_key(key_path);
    if (!key) {
        std::fprintf(err, "hypasis: run: %s\n", key.error().c_str());
        return 1;
    }
    if (!key->warning.empty()) std::fprintf(err, "hypasis: run: warning: %s\n", key->warning.c_str());
    if (key->created) std::fprintf(err, "hypasis: run: generated a new node key in %s\n", key_path.c_str());

    uint16_t port = opts.port;
    if (port == 0) {
        auto picked = pick_port(listen_ip);
        if (!picked) {
            std::fprintf(err, "hypasis: run: %s\n", picked.error().c_str());
            return 1;
        }
        port = *picked;
    }

    asio::io_context ioc(1);
    auto log = [err](const std::string& line) { std::fprintf(err, "hypasis: run: %s\n", line.c_str()); };
    StoreBlockProvider provider(store, spec, log);
    StoreBanStore ban_store(store, log);
    const p2p::peers::ChainHead head = provider.head();

    std::unique_ptr<p2p::discv4::Service> discovery;
    if (!opts.no_discovery) {
        p2p::discv4::ServiceConfig dc;
        dc.key = key->secret;
        dc.listen_address = opts.listen;
        dc.listen_port = port;
        dc.tcp_port = port;
        dc.allow_non_loopback = !listen_ip.is_loopback();
        for (const auto& b : *bootnodes) dc.bootnodes.push_back(p2p::discv4::Node{b.id, b.endpoint});
        auto created = p2p::discv4::Service::create(ioc.get_executor(), std::move(dc));
        if (!created) {
            std::fprintf(err, "hypasis: run: cannot start discovery on UDP %s:%u: %s\n", opts.listen.c_str(),
                         static_cast<unsigned>(port), std::string(p2p::discv4::to_string(created.error())).c_str());
            return 1;
        }
        discovery = std::move(*created);
    }

    p2p::peers::PeerManagerConfig pc;
    pc.listen_address = opts.listen;
    pc.listen_port = port;
    pc.node_key = key->secret;
    pc.client_id = "hypasis";
    pc.session.chain = p2p::eth::LocalChainView::from_spec(spec, head.latest, head.latest_time);
    pc.max_peers = std::max<std::size_t>(opts.max_peers, 1);
    pc.max_inbound = std::min(pc.max_inbound, pc.max_peers);
    pc.subnet_exempt_loopback = opts.exempt_loopback_from_subnet_cap && listen_ip.is_loopback();
    pc.static_peers = *static_peers;
    pc.provider = &provider;
    pc.ban_store = &ban_store;
    if (discovery && !bootnodes->empty()) pc.discovery = discovery.get();

    std::optional<p2p::peers::PeerManager> manager;
    try {
        manager.emplace(ioc.get_executor(), pc);
    } catch (const std::invalid_argument& e) {
        std::fprintf(err, "hypasis: run: %s\n", e.what());
        return 1;
    }
    if (auto started = manager->start(); !started) {
        std::fprintf(err, "hypasis: run: cannot listen on TCP %s:%u: %s\n", opts.listen.c_str(),
                     static_cast<unsigned>(port), started.error().message().c_str());
        manager->stop();
        if (discovery) discovery->stop();
        ioc.run();  // drain what the manager and the service started
        return 1;
    }
    if (discovery) discovery->start();

    // Shutdown: the first request stops the manager and discovery and lets every task end; a second one (a second
    // signal) stops the io_context at once.
    bool stopping = false;
    asio::steady_timer peer_timer(ioc);
    asio::signal_set signals(ioc);
    if (hooks.handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
    }
    std::function<void(const char*)> begin_stop = [&](const char* why) {
        if (stopping) {
            // Every store write is one atomic batch and the WAL is synced for bans, so exiting without closing
            // the store loses nothing; waiting for sessions is what the operator asked us to skip.
            std::fprintf(err, "hypasis: run: %s again: exiting now\n", why);
            std::fflush(err);
            std::_Exit(1);
        }
        stopping = true;
        std::fprintf(err, "hypasis: run: %s: stopping\n", why);
        manager->stop();
        if (discovery) discovery->stop();
        peer_timer.cancel();
        asio::co_spawn(
            ioc,
            [&]() -> p2p::Task<void> {
                co_await manager->wait_stopped();
                signals.clear();
                signals.cancel();
            },
            asio::detached);
    };
    std::function<void()> arm_signals = [&] {
        if (!hooks.handle_signals) return;
        signals.async_wait([&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            begin_stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
            arm_signals();
        });
    };
    arm_signals();

    PeerLog peer_log(err);
    asio::co_spawn(
        ioc,
        [&]() -> p2p::Task<void> {
            while (!stopping) {
                peer_log.update(manager->peers(), manager->stats().sessions);
                peer_timer.expires_after(kPeerLogInterval);
                auto [ec] = co_await peer_timer.async_wait(p2p::kUseTuple);
                (void)ec;
            }
            peer_log.update({}, manager->stats().sessions);
        },
        asio::detached);

    // Printed only now, once SIGINT/SIGTERM are handled: a script may signal us as soon as it reads the enode.
    // The enode carries the UDP port when discv4 did not get the TCP port (then `?discport=` tells peers where to
    // ping; see the discv4 note in node/README.md).
    p2p::discv4::Enode self = manager->enode();
    self.endpoint.udp = discovery ? discovery->local_endpoint().udp : self.endpoint.tcp;
    const std::string enode = p2p::discv4::format_enode(self);
    if (discovery && self.endpoint.udp != port) {
        std::fprintf(err, "hypasis: run: warning: discv4 is on UDP port %u, not %u (the enode says so with discport)\n",
                     static_cast<unsigned>(self.endpoint.udp), static_cast<unsigned>(port));
    }
    std::fprintf(out, "%s\n", enode.c_str());
    std::fflush(out);
    const auto bodies = store.tracker(storage::DataKind::kBodies);
    if (bodies.highest()) {
        std::fprintf(err, "hypasis: run: serving %s from %s: blocks [%llu, %llu] advertised (head %s)\n",
                     spec.name.c_str(), opts.datadir.c_str(), static_cast<unsigned long long>(head.earliest),
                     static_cast<unsigned long long>(head.latest), to_hex(head.latest_hash).c_str());
    } else {
        std::fprintf(err, "hypasis: run: serving %s from %s: the store is empty (announcing genesis %s)\n",
                     spec.name.c_str(), opts.datadir.c_str(), to_hex(spec.genesis_hash).c_str());
    }
    std::fprintf(err, "hypasis: run: listening on %s:%u (RLPx eth/68 + eth/69 over TCP%s)%s\n", opts.listen.c_str(),
                 static_cast<unsigned>(port), discovery ? ", discv4 over UDP" : "",
                 bootnodes->empty() ? "" : ", looking up peers from the bootnodes");
    std::fflush(err);

    if (hooks.on_started) {
        hooks.on_started(enode, [&ioc, &begin_stop] { asio::post(ioc, [&begin_stop] { begin_stop("stop requested"); }); });
    }
    ioc.run();

    const auto stats = manager->stats();
    manager.reset();
    discovery.reset();
    if (auto synced = store.sync(); !synced) {
        std::fprintf(err, "hypasis: run: cannot sync the store: %s\n", storage::to_string(synced.error()).c_str());
        return 1;
    }
    std::fprintf(err, "hypasis: run: stopped (%llu sessions, %llu handshake failures, %llu bans)\n",
                 static_cast<unsigned long long>(stats.sessions),
                 static_cast<unsigned long long>(stats.handshake_failures),
                 static_cast<unsigned long long>(stats.bans));
    return 0;
}

void add_run_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Run the node: serve the store's blocks over devp2p (eth/68, eth/69)");
    add_datadir_option(*cmd, opts->datadir);
    add_chain_options(*cmd, opts->chain, true);
    cmd->add_option("--listen", opts->listen, "IP address to listen on (TCP and UDP)")->capture_default_str();
    cmd->add_option("--port", opts->port, "Port for RLPx (TCP) and discv4 (UDP); 0 picks a free one")
        ->capture_default_str();
    cmd->add_option("--nodekey", opts->nodekey, "Node key file (64 hex digits); default: DATADIR/nodekey, created");
    cmd->add_option("--static-peer", opts->static_peers, "enode URL to keep connected (repeatable)");
    cmd->add_option("--max-peers", opts->max_peers, "Maximum number of peers")->capture_default_str()
        ->check(CLI::Range(1, 10000));
    cmd->add_flag("--no-discovery", opts->no_discovery, "Do not run discv4 (no UDP socket)");
    cmd->add_option("--bootnode", opts->bootnodes, "enode URL to start discovery lookups from (repeatable)");
    cmd->callback([opts, &exit_code] { exit_code = run_node(*opts, stdout, stderr); });
}

}  // namespace hypasis::node
