#include "hypasis/node/commands/run_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/checkpoint/registry.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/common/log.hpp"
#include "hypasis/node/commands/datadir.hpp"
#include "hypasis/node/commands/run_config.hpp"
#include "hypasis/node/commands/sync_setup.hpp"
#include "hypasis/node/devp2p/node_key.hpp"
#include "hypasis/node/devp2p/store_ban_store.hpp"
#include "hypasis/node/devp2p/store_block_provider.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/discv4/service.hpp"
#include "hypasis/p2p/peers/peer_manager.hpp"
#include "hypasis/serve/api_backend.hpp"
#include "hypasis/serve/rest_server.hpp"
#include "hypasis/serve/token.hpp"
#include "hypasis/sync/bootstrap.hpp"
#include "hypasis/sync/engine.hpp"
#include "hypasis/sync/scrubber.hpp"

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
    void update(const std::vector<PeerInfo>& now, uint64_t sessions_total) {
        uint64_t appeared = 0;
        std::map<PeerId, PeerInfo> next;
        for (const auto& p : now) next.emplace(p.peer_id, p);
        for (const auto& [id, p] : next) {
            if (known_.count(id) != 0) continue;
            ++appeared;
            log::info("p2p", "peer connected",
                      {{"peer", short_id(id)}, {"direction", p.inbound ? "inbound" : "outbound"},
                       {"endpoint", endpoint_text(p.endpoint)}, {"eth", static_cast<unsigned>(p.version)},
                       {"client", p.client_id}});
        }
        for (const auto& [id, p] : known_) {
            if (next.count(id) != 0) continue;
            log::info("p2p", "peer disconnected",
                      {{"peer", short_id(id)}, {"endpoint", endpoint_text(p.endpoint)},
                       {"served", p.requests_served}});
        }
        known_ = std::move(next);
        const uint64_t unseen = sessions_total > seen_ + appeared ? sessions_total - seen_ - appeared : 0;
        if (unseen > 0) log::info("p2p", "short sessions came and went between two peer snapshots", {{"count", unseen}});
        seen_ = std::max(seen_ + appeared + unseen, sessions_total);
    }

  private:
    uint64_t seen_{0};
    std::map<PeerId, PeerInfo> known_;
};

/// The engine as the REST API sees it: the engine once bootstrap has anchored it, a bootstrapping (or failed)
/// status before. Thread-safe: the API calls it from its own thread.
class EngineHandle final : public sync::SyncControl {
  public:
    explicit EngineHandle(std::string history_mode) : history_mode_(std::move(history_mode)) {}

    void set_engine(sync::SyncEngine* engine) {
        std::lock_guard lock(mutex_);
        engine_ = engine;
        if (engine_ && paused_) engine_->pause_backward();
    }
    void set_phase(sync::Phase phase, std::string error = {}) {
        std::lock_guard lock(mutex_);
        phase_ = phase;
        error_ = std::move(error);
    }
    sync::SyncStatus status() const override {
        std::lock_guard lock(mutex_);
        if (engine_ && phase_ != sync::Phase::kStopping) return engine_->status();
        sync::SyncStatus s;
        s.phase = phase_;
        s.error = error_;
        s.history_mode = history_mode_;
        s.backward_paused = paused_;
        return s;
    }
    void pause_backward() override {
        std::lock_guard lock(mutex_);
        paused_ = true;
        if (engine_) engine_->pause_backward();
    }
    void resume_backward() override {
        std::lock_guard lock(mutex_);
        paused_ = false;
        if (engine_) engine_->resume_backward();
    }

  private:
    mutable std::mutex mutex_;
    sync::SyncEngine* engine_{nullptr};
    sync::Phase phase_{sync::Phase::kStarting};
    std::string error_;
    std::string history_mode_;
    bool paused_{false};
};

/// Runs `task` to completion on a private io_context (start-up work before the node's own loop exists).
template <class T>
T run_blocking(p2p::Task<T> task) {
    asio::io_context ctx;
    std::optional<T> out;
    std::exception_ptr failure;
    asio::co_spawn(ctx, std::move(task), [&](std::exception_ptr e, T value) {
        if (e) {
            failure = e;
        } else {
            out.emplace(std::move(value));
        }
    });
    ctx.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

uint64_t unix_now() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

int run_node(const RunOptions& opts, std::FILE* out, std::FILE* err, const RunHooks& hooks) {
    const auto fail = [err](const std::string& line) {
        std::fprintf(err, "hypasis: run: %s\n", line.c_str());
        std::fflush(err);
        return 1;
    };
    {
        const auto level = log::level_from_string(opts.log_level);
        if (!level) return fail("--log-level " + opts.log_level + ": use debug, info, warn or error");
        if (opts.log_format != "logfmt" && opts.log_format != "json") {
            return fail("--log-format " + opts.log_format + ": use logfmt or json");
        }
        log::set_options({*level, opts.log_format == "json" ? log::Format::kJson : log::Format::kLogfmt, err});
    }
    const chain::ChainSpec spec = resolve_chain_options(opts.chain);

    boost::system::error_code addr_ec;
    const asio::ip::address listen_ip = asio::ip::make_address(opts.listen, addr_ec);
    if (addr_ec) return fail("--listen " + opts.listen + " is not an IP address");
    auto static_peers = parse_enodes(opts.static_peers, "--static-peer", err);
    auto bootnodes = parse_enodes(opts.bootnodes, "--bootnode", err);
    if (!static_peers || !bootnodes) return 1;
    if (opts.no_discovery && !bootnodes->empty()) return fail("--bootnode needs discovery (drop --no-discovery)");

    // Sync settings, all checked before anything is written.
    const auto history = sync::history_mode_from_string(opts.history);
    if (!history) return fail("--history " + opts.history + ": use headers, bodies or full");
    const auto bandwidth = parse_byte_rate(opts.bandwidth);
    if (!bandwidth) return fail("--bandwidth " + opts.bandwidth + ": not a byte rate (e.g. 0, 500000, 20MiB)");
    if (!(opts.forward_share > 0 && opts.forward_share < 1)) return fail("--forward-share must be in (0, 1)");
    std::optional<SyncInputs> inputs;
    if (!opts.checkpoint.empty()) {
        BeaconInputs beacon;
        beacon.trusted_root = opts.trusted_root;
        beacon.allow_old_root = opts.allow_stale_checkpoint;
        beacon.now = opts.beacon_now;
        auto loaded = load_sync_inputs(opts.checkpoint, opts.validators, spec, beacon);
        if (!loaded) return fail(loaded.error());
        inputs.emplace(std::move(*loaded));
    }

    // A checkpoint for a new datadir is fetched and verified before the datadir is created: a checkpoint that
    // fails verification leaves nothing behind.
    std::optional<checkpoint::VerifiedCheckpoint> verified;
    checkpoint::FreshnessPolicy freshness;
    freshness.allow_stale = opts.allow_stale_checkpoint;
    const auto fetch_checkpoint = [&]() -> bool {
        log::info("sync", "fetching the checkpoint", {{"source", inputs->source->name()}});
        auto got = run_blocking(fetch_verified(*inputs));
        if (!got) {
            fail("the checkpoint from " + inputs->source->name() + " was refused: " + sync::to_string(got.error()));
            return false;
        }
        if (auto fresh = checkpoint::check_freshness(got->checkpoint, unix_now(), freshness); !fresh) {
            fail("the checkpoint from " + inputs->source->name() + " was refused: " +
                 checkpoint::to_string(fresh.error()));
            return false;
        }
        verified = std::move(*got);
        return true;
    };
    const bool fresh_datadir = !std::filesystem::exists(opts.datadir);
    if (inputs && fresh_datadir && !fetch_checkpoint()) return 1;

    auto opened = open_block_store(opts.datadir, StoreAccess::kCreate);
    if (!opened) return fail(opened.error());
    storage::BlockStore& store = **opened;
    // The beacon light client keeps its latest finalized root in the store from now on (a restart resumes there).
    if (inputs && inputs->beacon && !inputs->beacon->attach_store(&store)) {
        log::warn("sync", "cannot keep the beacon light client's finalized root in the datadir",
                  {{"datadir", opts.datadir}});
    }
    {
        auto genesis = store.get_header(0);
        if (!genesis) {
            return fail("cannot read block 0 in " + opts.datadir + ": " + storage::to_string(genesis.error()));
        }
        if (genesis->found() && (*genesis)->hash != spec.genesis_hash) {
            return fail("the datadir " + opts.datadir + " holds another chain: its block 0 is " +
                        to_hex((*genesis)->hash) + ", the genesis of " + spec.name + " is " +
                        to_hex(spec.genesis_hash));
        }
    }
    auto stored_anchor = sync::read_anchor(store);
    if (!stored_anchor) return fail("cannot read the sync anchor: " + sync::to_string(stored_anchor.error()));
    if (*stored_anchor) {
        log::info("sync", "resuming from the stored anchor",
                  {{"block", (*stored_anchor)->block_num}, {"hash", to_hex((*stored_anchor)->block_hash)}});
    } else if (inputs && !verified && !fetch_checkpoint()) {
        return 1;
    }
    const bool syncing = stored_anchor->has_value() || verified.has_value();

    const std::filesystem::path key_path =
        opts.nodekey.empty() ? std::filesystem::path(opts.datadir) / kNodeKeyFile : std::filesystem::path(opts.nodekey);
    auto key = opts.nodekey.empty() ? load_or_create_node_key(key_path) : load_node_key(key_path);
    if (!key) return fail(key.error());
    if (!key->warning.empty()) log::warn("node", key->warning);
    if (key->created) log::info("node", "generated a new node key", {{"path", key_path.string()}});

    std::string api_token;
    const std::filesystem::path token_path = opts.api_token_file.empty()
                                                 ? std::filesystem::path(opts.datadir) / "api-token"
                                                 : std::filesystem::path(opts.api_token_file);
    if (!opts.no_api) {
        auto token = serve::load_or_create_token(token_path);
        if (!token) return fail("API token " + token_path.string() + ": " + serve::to_string(token.error()));
        api_token = std::move(*token);
    }

    uint16_t port = opts.port;
    if (port == 0) {
        auto picked = pick_port(listen_ip);
        if (!picked) return fail(picked.error());
        port = *picked;
    }

    asio::io_context ioc(1);
    auto line_log = [](const std::string& line) { log::warn("store", line); };
    StoreBlockProvider provider(store, spec, line_log);
    StoreBanStore ban_store(store, line_log);
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
            return fail("cannot start discovery on UDP " + opts.listen + ":" + std::to_string(port) + ": " +
                        std::string(p2p::discv4::to_string(created.error())));
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
        return fail(e.what());
    }
    if (auto started = manager->start(); !started) {
        manager->stop();
        if (discovery) discovery->stop();
        ioc.run();  // drain what the manager and the service started
        return fail("cannot listen on TCP " + opts.listen + ":" + std::to_string(port) + ": " +
                    started.error().message());
    }
    if (discovery) discovery->start();

    // The sync engine, once anchored; the REST API reads it through the handle from its own thread.
    EngineHandle handle(std::string(sync::to_string(*history)));
    sync::EngineConfig ec;
    ec.mode = *history;
    ec.budget.total_bytes_per_second = *bandwidth;
    ec.budget.forward_share = opts.forward_share;
    ec.budget.cpu_forward_share = opts.forward_share;
    ec.budget.cpu_threads = std::max<std::size_t>(opts.cpu_threads, 1);
    ec.forward.mode = *history;
    ec.forward.lookahead = std::max<std::size_t>(opts.lookahead, 1);
    ec.forward.reorg_window = opts.reorg_window;
    ec.backward.mode = *history;
    ec.backward.history_limit = opts.history_limit;
    ec.backward.max_parallel_batches = std::max<std::size_t>(opts.parallel_batches, 1);
    std::optional<sync::SyncEngine> engine;
    sync::ScrubberConfig scrub_config;
    scrub_config.blocks_per_second = opts.scrub_rate;
    scrub_config.pass_interval = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double, std::ratio<3600>>(opts.scrub_interval));
    sync::Scrubber scrubber(ioc.get_executor(), store, scrub_config);
    int exit_code = 0;

    // The REST API on a thread of its own, so that a slow client or a RocksDB read never delays p2p or sync.
    asio::io_context api_ioc(1);
    std::optional<serve::RestServer> api;
    std::thread api_thread;
    if (!opts.no_api) {
        serve::BackendSources sources;
        sources.control = &handle;
        sources.manager = &*manager;
        sources.store = &store;
        sources.history_limit = opts.history_limit;
        serve::RestServerOptions so;
        so.address = opts.api_listen;
        so.port = opts.api_port;
        so.token = api_token;
        api.emplace(api_ioc.get_executor(), serve::make_backend(sources), so);
        if (auto started = api->start(); !started) {
            manager->stop();
            if (discovery) discovery->stop();
            ioc.run();
            return fail("cannot start the REST API on " + opts.api_listen + ":" + std::to_string(opts.api_port) +
                        ": " + started.error().message() + " (--api-port 0 picks a free port, --no-api turns it off)");
        }
        api_thread = std::thread([&api_ioc] { api_ioc.run(); });
    }

    // Shutdown: the first request stops sync, the manager and discovery and lets every task end; a second one (a
    // second signal) exits at once.
    bool stopping = false;
    asio::steady_timer peer_timer(ioc);
    asio::steady_timer refresh_timer(ioc);
    asio::signal_set signals(ioc);
    if (hooks.handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
    }
    std::function<void(const char*)> begin_stop = [&](const char* why) {
        if (stopping) {
            // Every store write is one atomic batch, so exiting without closing the store loses nothing; waiting
            // for sessions is what the operator asked us to skip.
            log::warn("node", "exiting now", {{"why", std::string(why) + " again"}});
            std::_Exit(1);
        }
        stopping = true;
        log::info("node", "stopping", {{"why", why}});
        handle.set_phase(sync::Phase::kStopping);
        if (engine) engine->stop();
        scrubber.stop();
        manager->stop();
        if (discovery) discovery->stop();
        peer_timer.cancel();
        refresh_timer.cancel();
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
        signals.async_wait([&](const boost::system::error_code& ec2, int sig) {
            if (ec2) return;
            begin_stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
            arm_signals();
        });
    };
    arm_signals();

    // Peers connecting and leaving. (Our head reaches them through the engine's head-changed callback below.)
    PeerLog peer_log;
    asio::co_spawn(
        ioc,
        [&]() -> p2p::Task<void> {
            while (!stopping) {
                peer_log.update(manager->peers(), manager->stats().sessions);
                peer_timer.expires_after(kPeerLogInterval);
                auto [ec2] = co_await peer_timer.async_wait(p2p::kUseTuple);
                (void)ec2;
            }
            peer_log.update({}, manager->stats().sessions);
        },
        asio::detached);

    // The checkpoint source, re-read every --checkpoint-refresh seconds: a newer verified checkpoint becomes the
    // forward side's trusted tip (a chain that contradicts it is refused) and is recorded in the registry.
    const auto refresh_trusted_tip = [&](uint64_t above) -> p2p::Task<void> {
        uint64_t trusted = above;
        while (!stopping) {
            refresh_timer.expires_after(std::chrono::seconds(opts.checkpoint_refresh));
            auto [ec2] = co_await refresh_timer.async_wait(p2p::kUseTuple);
            if (ec2 || stopping || !engine) break;
            auto got = co_await fetch_verified(*inputs);
            if (stopping || !engine) break;
            if (!got) {
                log::warn("sync", "checkpoint refresh refused", {{"error", sync::to_string(got.error())}});
                continue;
            }
            const auto& c = got->checkpoint;
            if (c.block_num <= trusted) continue;
            checkpoint::CheckpointRegistry registry(store);
            if (auto added = registry.add(*got, inputs->source->name(), unix_now(), freshness); !added) {
                log::warn("sync", "checkpoint refresh refused", {{"error", checkpoint::to_string(added.error())}});
                continue;
            }
            trusted = c.block_num;
            engine->set_trusted_tip(c.block_num, c.block_hash);
            log::info("sync", "trusted tip from a newer checkpoint", {{"block", c.block_num}, {"hash", to_hex(c.block_hash)}});
        }
    };

    if (syncing) {
        handle.set_phase(sync::Phase::kBootstrapping);
        asio::co_spawn(
            ioc,
            [&]() -> p2p::Task<void> {
                sync::Anchor anchor;
                if (*stored_anchor) {
                    anchor = **stored_anchor;
                } else {
                    log::info("sync", "fetching the checkpoint's header from peers",
                              {{"block", verified->checkpoint.block_num},
                               {"timeout_s", static_cast<unsigned>(opts.bootstrap_timeout)}});
                    checkpoint::CheckpointRegistry registry(store);
                    sync::AnchorOptions ao;
                    ao.registry = &registry;
                    ao.source_name = inputs->source->name();
                    ao.now = unix_now();
                    ao.freshness = freshness;
                    const auto deadline = p2p::Clock::now() + std::chrono::seconds(opts.bootstrap_timeout);
                    auto anchored = co_await sync::anchor_checkpoint(store, *manager, *verified, deadline, ao);
                    if (stopping) co_return;
                    if (!anchored) {
                        const std::string why = sync::to_string(anchored.error());
                        log::error("sync", "bootstrap failed", {{"error", why}});
                        handle.set_phase(sync::Phase::kFailed, why);
                        exit_code = 1;
                        begin_stop("bootstrap failed");
                        co_return;
                    }
                    anchor = *anchored;
                }
                manager->notify_head_changed();
                engine.emplace(ioc.get_executor(), store, *manager, spec, anchor, ec);
                // Our Status head and eth/69 BlockRangeUpdate follow each block forward stores.
                engine->set_head_changed([&manager](uint64_t) { manager->notify_head_changed(); });
                handle.set_engine(&*engine);
                handle.set_phase(sync::Phase::kRunning);
                asio::co_spawn(ioc, scrubber.run(), asio::detached);
                if (inputs && opts.checkpoint_refresh > 0) {
                    asio::co_spawn(ioc, refresh_trusted_tip(anchor.block_num), asio::detached);
                }
                co_await engine->run();
                handle.set_engine(nullptr);
            },
            asio::detached);
    }

    // Printed only now, once SIGINT/SIGTERM are handled: a script may signal us as soon as it reads the enode.
    // The enode carries the UDP port when discv4 did not get the TCP port (then `?discport=` tells peers where to
    // ping; see the discv4 note in node/README.md).
    p2p::discv4::Enode self = manager->enode();
    self.endpoint.udp = discovery ? discovery->local_endpoint().udp : self.endpoint.tcp;
    const std::string enode = p2p::discv4::format_enode(self);
    if (discovery && self.endpoint.udp != port) {
        log::warn("p2p", "discv4 is on another UDP port than RLPx (the enode says so with discport)",
                  {{"udp", static_cast<unsigned>(self.endpoint.udp)}, {"tcp", static_cast<unsigned>(port)}});
    }
    std::fprintf(out, "%s\n", enode.c_str());
    std::fflush(out);
    if (store.head(storage::DataKind::kBodies)) {
        log::info("p2p", "serving the store",
                  {{"chain", spec.name}, {"datadir", opts.datadir}, {"earliest", head.earliest},
                   {"latest", head.latest}, {"head", to_hex(head.latest_hash)}});
    } else {
        log::info("p2p", "serving the store (empty: announcing genesis)",
                  {{"chain", spec.name}, {"datadir", opts.datadir}, {"genesis", to_hex(spec.genesis_hash)}});
    }
    log::info("p2p", "listening",
              {{"address", opts.listen}, {"port", static_cast<unsigned>(port)},
               {"transports", discovery ? "rlpx eth/68+69 over tcp, discv4 over udp" : "rlpx eth/68+69 over tcp"},
               {"discovery_lookups", !bootnodes->empty()}});
    if (api) {
        log::info("api", "REST API and dashboard",
                  {{"url", api->url()}, {"dashboard", api->url() + "/"}, {"metrics", api->url() + "/metrics"},
                   {"token_file", token_path.string()}});
    }
    if (!syncing) log::info("sync", "not syncing: no --checkpoint given and no anchor stored (serving only)");

    if (hooks.on_started) {
        hooks.on_started(enode, [&ioc, &begin_stop] { asio::post(ioc, [&begin_stop] { begin_stop("stop requested"); }); });
    }
    ioc.run();

    if (api) {
        api->stop();
        api_thread.join();
        api.reset();
    }
    const auto stats = manager->stats();
    engine.reset();
    manager.reset();
    discovery.reset();
    if (auto synced = store.sync(); !synced) return fail("cannot sync the store: " + storage::to_string(synced.error()));
    log::info("node", "stopped",
              {{"sessions", stats.sessions}, {"handshake_failures", stats.handshake_failures}, {"bans", stats.bans}});
    return exit_code;
}

const std::map<std::string, std::string>& run_config_sections() {
    static const std::map<std::string, std::string> m{
        {"datadir", "node"},          {"chain", "node"},           {"genesis", "node"},
        {"log-level", "node"},        {"log-format", "node"},      {"nodekey", "p2p"},
        {"listen", "p2p"},            {"port", "p2p"},             {"static-peer", "p2p"},
        {"max-peers", "p2p"},         {"no-discovery", "p2p"},     {"bootnode", "p2p"},
        {"checkpoint", "checkpoint"}, {"validators", "checkpoint"}, {"bootstrap-timeout", "checkpoint"},
        {"allow-stale-checkpoint", "checkpoint"}, {"checkpoint-refresh", "checkpoint"},
        {"trusted-root", "checkpoint"},
        {"history", "sync"},          {"history-limit", "sync"},   {"lookahead", "sync"},
        {"reorg-window", "sync"},     {"parallel-batches", "sync"}, {"scrub-rate", "sync"},
        {"scrub-interval", "sync"},
        {"bandwidth", "budget"},      {"forward-share", "budget"}, {"cpu-threads", "budget"},
        {"no-api", "api"},            {"api-listen", "api"},       {"api-port", "api"},
        {"api-token-file", "api"},
    };
    return m;
}

void add_run_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand(
        "run",
        "Run the node: bootstrap from a verified checkpoint, follow the tip and fill history from devp2p peers,\n"
        "serve the store over devp2p (eth/68, eth/69) and the REST API. Every option may also be set in the\n"
        "--config file, under the [section] shown in brackets; flags override the file.");
    cmd->add_option("--config", opts->config, "TOML config file (keys are these options' names, in their sections)");
    add_datadir_option(*cmd, opts->datadir);
    add_chain_options(*cmd, opts->chain, false);
    cmd->add_option("--log-level", opts->log_level, "[node] debug, info, warn or error")->capture_default_str();
    cmd->add_option("--log-format", opts->log_format, "[node] logfmt or json (one event per line, on stderr)")
        ->capture_default_str();
    cmd->add_option("--listen", opts->listen, "[p2p] IP address to listen on (TCP and UDP)")->capture_default_str();
    cmd->add_option("--port", opts->port, "[p2p] Port for RLPx (TCP) and discv4 (UDP); 0 picks a free one")
        ->capture_default_str();
    cmd->add_option("--nodekey", opts->nodekey,
                    "[p2p] Node key file (64 hex digits); default: DATADIR/nodekey, created");
    cmd->add_option("--static-peer", opts->static_peers, "[p2p] enode URL to keep connected (repeatable)");
    cmd->add_option("--max-peers", opts->max_peers, "[p2p] Maximum number of peers")->capture_default_str()
        ->check(CLI::Range(1, 10000));
    cmd->add_flag("--no-discovery", opts->no_discovery, "[p2p] Do not run discv4 (no UDP socket)");
    cmd->add_option("--bootnode", opts->bootnodes, "[p2p] enode URL to start discovery lookups from (repeatable)");
    cmd->add_option("--checkpoint", opts->checkpoint,
                    "[checkpoint] Checkpoint source to bootstrap from: file:PATH, http(s)://..., multi:K:URI|URI...,\n"
                    "or beacon:URL[,URL...] (Ethereum mainnet: the beacon light client over the Beacon API, with\n"
                    "--trusted-root); needed once: a restart resumes from the anchor stored in the datadir");
    cmd->add_option("--validators", opts->validators,
                    "[checkpoint] Validator set JSON the checkpoint must be signed by (> 2/3 of the stake);\n"
                    "not used with beacon:");
    cmd->add_option("--trusted-root", opts->trusted_root,
                    "[checkpoint] beacon: the finalized beacon block root (0x + 64 hex) the light client starts\n"
                    "from; at most 14 days old (weak subjectivity)");
    cmd->add_option("--beacon-now", opts->beacon_now, "Unix time the beacon light client uses as now (tests)")
        ->group("");
    cmd->add_flag("--allow-stale-checkpoint", opts->allow_stale_checkpoint,
                  "[checkpoint] Accept a checkpoint, or a beacon trusted root, older than 14 days (the operator's\n"
                  "explicit choice)");
    cmd->add_option("--checkpoint-refresh", opts->checkpoint_refresh,
                    "[checkpoint] Seconds between re-reads of the checkpoint source; a newer verified checkpoint\n"
                    "becomes the trusted tip that forward sync must agree with (0: off)")
        ->capture_default_str()->check(CLI::Range(0, 86400));
    cmd->add_option("--bootstrap-timeout", opts->bootstrap_timeout,
                    "[checkpoint] Seconds to find a peer serving the checkpoint's header")
        ->capture_default_str()->check(CLI::Range(1, 86400));
    cmd->add_option("--history", opts->history, "[sync] What backward sync fills: headers, bodies or full")
        ->capture_default_str();
    cmd->add_option("--history-limit", opts->history_limit, "[sync] Lowest block to fill (0 = genesis)")
        ->capture_default_str();
    cmd->add_option("--lookahead", opts->lookahead, "[sync] Forward: blocks requested ahead of the stored head")
        ->capture_default_str()->check(CLI::Range(1, 1024));
    cmd->add_option("--reorg-window", opts->reorg_window,
                    "[sync] Forward: how many blocks below the tip a reorg may replace")
        ->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_option("--parallel-batches", opts->parallel_batches, "[sync] Backward: batches in flight at most")
        ->capture_default_str()->check(CLI::Range(1, 256));
    cmd->add_option("--scrub-rate", opts->scrub_rate,
                    "[sync] Stored blocks re-verified from disk per second in the background (0 = off)")
        ->capture_default_str();
    cmd->add_option("--scrub-interval", opts->scrub_interval,
                    "[sync] Hours between the end of one scrub pass and the start of the next")
        ->capture_default_str()->check(CLI::Range(0.0, 24.0 * 365));
    cmd->add_option("--bandwidth", opts->bandwidth,
                    "[budget] Total download budget per second: 0 (unlimited), bytes, or with a unit (20MiB, 5MB)")
        ->capture_default_str();
    cmd->add_option("--forward-share", opts->forward_share,
                    "[budget] Forward's share of bandwidth and validation CPU; backward gets the rest and may\n"
                    "borrow what forward leaves unused")
        ->capture_default_str();
    cmd->add_option("--cpu-threads", opts->cpu_threads, "[budget] Validation worker threads")->capture_default_str()
        ->check(CLI::Range(1, 256));
    cmd->add_flag("--no-api", opts->no_api, "[api] Do not serve the REST API");
    cmd->add_option("--api-listen", opts->api_listen, "[api] IP address of the REST API")->capture_default_str();
    cmd->add_option("--api-port", opts->api_port, "[api] Port of the REST API; 0 picks a free one")
        ->capture_default_str();
    cmd->add_option("--api-token-file", opts->api_token_file,
                    "[api] Bearer token for POST /api/v1/sync/*; default: DATADIR/api-token (created, mode 0600)");
    cmd->callback([opts, cmd, &exit_code] {
        if (!opts->config.empty()) {
            auto entries = read_config_file(opts->config);
            if (!entries) {
                std::fprintf(stderr, "hypasis: run: %s\n", entries.error().c_str());
                exit_code = 1;
                return;
            }
            if (auto applied = apply_config(*cmd, *entries, run_config_sections(), opts->config); !applied) {
                std::fprintf(stderr, "hypasis: run: %s\n", applied.error().c_str());
                exit_code = 1;
                return;
            }
        }
        if (!has_chain(opts->chain)) {
            std::fprintf(stderr, "hypasis: run: --chain or --genesis is required (on the command line or in the "
                                 "config file's [node] section)\n");
            exit_code = 1;
            return;
        }
        exit_code = run_node(*opts, stdout, stderr);
    });
}

}  // namespace hypasis::node
