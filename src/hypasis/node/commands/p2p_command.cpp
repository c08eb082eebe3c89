#include "hypasis/node/commands/p2p_command.hpp"

#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <openssl/rand.h>

#include "hypasis/core/chain/fork_id.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/pretty.hpp"
#include "hypasis/node/commands/p2p_fetch.hpp"
#include "hypasis/node/devp2p/node_key.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/discv4/service.hpp"
#include "hypasis/p2p/eth/status.hpp"
#include "hypasis/p2p/rlpx/connection.hpp"

namespace hypasis::node {
namespace {

namespace asio = boost::asio;
namespace rlpx = p2p::rlpx;
using Ms = std::chrono::duration<double, std::milli>;

/// Runs `task` on a fresh single-threaded io_context until it and everything it started complete.
template <class T>
T run_on_fresh_context(std::function<p2p::Task<T>(p2p::Executor)> task) {
    asio::io_context ioc(1);
    std::optional<T> result;
    std::exception_ptr failure;
    asio::co_spawn(ioc, task(ioc.get_executor()), [&](std::exception_ptr e, T value) {
        if (e) failure = e;
        else result.emplace(std::move(value));
    });
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
}

asio::ip::tcp::endpoint tcp_endpoint(const p2p::discv4::Enode& node) {
    return {asio::ip::make_address(node.endpoint.ip.to_string()), node.endpoint.tcp};
}

rlpx::ConnectionLimits tool_limits(std::chrono::milliseconds timeout) {
    rlpx::ConnectionLimits limits;
    limits.handshake_timeout = timeout;
    limits.idle_timeout = timeout;
    limits.ping_interval = timeout;  // no keepalive Ping inside one tool step
    limits.disconnect_timeout = std::min(timeout, std::chrono::milliseconds(1000));
    return limits;
}

rlpx::Hello tool_hello(const std::vector<unsigned>& versions) {
    rlpx::Hello hello;
    hello.client_id = "hypasis-p2p-tool";
    for (const unsigned v : versions) hello.capabilities.push_back({"eth", v});
    return hello;
}

std::string caps_text(const std::vector<rlpx::Capability>& caps) {
    std::string s;
    for (const auto& c : caps) s += (s.empty() ? "" : ", ") + c.name + "/" + std::to_string(c.version);
    return s;
}

boost::json::array caps_json(const std::vector<rlpx::Capability>& caps) {
    boost::json::array a;
    for (const auto& c : caps) a.emplace_back(c.name + "/" + std::to_string(c.version));
    return a;
}

// ---- ping --------------------------------------------------------------------------------------------------------

struct PingResult {
    int exit_code{0};
};

// Arguments by reference: they live in the caller's frame, which outlives the io_context run (and GCC 12 cannot
// copy some aggregate parameters into a coroutine frame).
p2p::Task<PingResult> ping_task(p2p::Executor ex, const PingOptions& opts, const p2p::discv4::Enode& node,
                                const crypto::SecretKey& key, std::FILE* out, std::FILE* err) {
    PingResult result;
    const std::string who = p2p::discv4::format_enode(node);
    if (opts.udp) {
        p2p::discv4::ServiceConfig dc;
        dc.key = key;
        const bool v6 = node.endpoint.ip.is_v6();
        const bool loopback = node.endpoint.ip.is_loopback();
        dc.listen_address = loopback ? (v6 ? "::1" : "127.0.0.1") : (v6 ? "::" : "0.0.0.0");
        dc.listen_port = 0;
        dc.allow_non_loopback = !loopback;  // the operator named this node; talk to it and nothing else
        dc.request_timeout = opts.tool.timeout;
        auto service = p2p::discv4::Service::create(ex, std::move(dc));
        if (!service) {
            std::fprintf(err, "hypasis: p2p ping: %s: discv4: %s\n", who.c_str(),
                         std::string(p2p::discv4::to_string(service.error())).c_str());
            result.exit_code = 1;
        } else {
            (*service)->start();
            const auto started = p2p::Clock::now();
            p2p::discv4::Node target;  // a named local: GCC 12 miscompiles aggregate temporaries in co_await
            target.id = node.id;
            target.endpoint = node.endpoint;
            auto pong = co_await (*service)->ping(target);
            const Ms rtt = p2p::Clock::now() - started;
            if (pong) {
                std::fprintf(out, "discv4: PONG from %s:%u in %.2f ms", node.endpoint.ip.to_string().c_str(),
                             static_cast<unsigned>(node.endpoint.udp), rtt.count());
                if (pong->enr_seq) std::fprintf(out, " (ENR seq %llu)", static_cast<unsigned long long>(*pong->enr_seq));
                std::fprintf(out, "\n");
            } else {
                std::fprintf(err, "hypasis: p2p ping: %s: discv4 PING: %s\n", who.c_str(),
                             std::string(p2p::discv4::to_string(pong.error())).c_str());
                result.exit_code = 1;
            }
            co_await (*service)->shutdown();  // the receive loop must end before the service goes
        }
    }
    if (opts.rlpx) {
        const auto started = p2p::Clock::now();
        const auto endpoint = tcp_endpoint(node);
        rlpx::Hello hello = tool_hello({68, 69});  // named: GCC 12 mishandles such temporaries in co_await
        auto conn = co_await rlpx::Connection::dial(ex, endpoint, node.id, key, std::move(hello),
                                                    tool_limits(opts.tool.timeout));
        const Ms took = p2p::Clock::now() - started;
        if (conn) {
            const auto& remote = (*conn)->remote_hello();
            std::fprintf(out, "rlpx: handshake and Hello with %s:%u in %.2f ms: client \"%s\", p2p v%llu, %s\n",
                         node.endpoint.ip.to_string().c_str(), static_cast<unsigned>(node.endpoint.tcp), took.count(),
                         remote.client_id.c_str(), static_cast<unsigned long long>(remote.protocol_version),
                         caps_text(remote.capabilities).c_str());
            co_await (*conn)->disconnect(rlpx::DisconnectReason::kClientQuitting);
        } else {
            std::fprintf(err, "hypasis: p2p ping: %s: RLPx handshake: %s\n", who.c_str(),
                         conn.error().message().c_str());
            result.exit_code = 1;
        }
    }
    co_return result;
}

// ---- status ------------------------------------------------------------------------------------------------------

struct StatusResult {
    int exit_code{1};
};

boost::json::object status_json(const p2p::eth::Status& s, p2p::eth::EthVersion version) {
    boost::json::object o;
    o["version"] = s.version;
    o["networkId"] = s.network_id;
    o["genesis"] = to_hex(s.genesis_hash);
    boost::json::object fork;
    fork["hash"] = to_hex(s.fork_id.hash);
    fork["next"] = s.fork_id.next;
    o["forkId"] = std::move(fork);
    if (version == p2p::eth::EthVersion::kEth69) {
        o["earliest"] = s.earliest;
        o["latest"] = s.latest;
        o["head"] = to_hex(s.head_hash);
    } else {
        o["head"] = to_hex(s.head_hash);
        o["td"] = s.td.to_quantity();
    }
    return o;
}

p2p::Task<StatusResult> status_task(p2p::Executor ex, const P2pStatusOptions& opts, const p2p::discv4::Enode& node,
                                    const crypto::SecretKey& key, const std::optional<chain::ChainSpec>& spec,
                                    std::FILE* out, std::FILE* err) {
    StatusResult result;
    const std::string who = p2p::discv4::format_enode(node);
    std::vector<unsigned> versions = {69, 68};
    if (opts.eth_version) versions = {*opts.eth_version};
    const auto endpoint = tcp_endpoint(node);
    rlpx::Hello hello = tool_hello(versions);
    auto conn = co_await rlpx::Connection::dial(ex, endpoint, node.id, key, std::move(hello),
                                                tool_limits(opts.tool.timeout));
    if (!conn) {
        std::fprintf(err, "hypasis: p2p status: %s: RLPx handshake: %s\n", who.c_str(), conn.error().message().c_str());
        co_return result;
    }
    rlpx::Connection& c = **conn;
    const rlpx::SharedCapability* eth = nullptr;
    for (const auto& sc : c.shared_capabilities()) {
        if (sc.capability.name == "eth") eth = &sc;
    }
    if (eth == nullptr) {
        std::fprintf(err, "hypasis: p2p status: %s: the peer shares no eth version with us (it offers: %s)\n",
                     who.c_str(), caps_text(c.remote_hello().capabilities).c_str());
        co_await c.disconnect(rlpx::DisconnectReason::kUselessPeer);
        co_return result;
    }
    const auto version = static_cast<p2p::eth::EthVersion>(eth->capability.version);
    const uint64_t offset = eth->offset;

    std::optional<p2p::eth::LocalChainView> view;
    if (spec) {
        const uint64_t genesis_time = spec->genesis_header ? spec->genesis_header->timestamp : 0;
        view = p2p::eth::LocalChainView::from_spec(*spec, 0, genesis_time);
        p2p::eth::Status ours;
        ours.version = eth->capability.version;
        ours.network_id = spec->network_id;
        ours.td = spec->genesis_header ? spec->genesis_header->difficulty : U256{};
        ours.head_hash = spec->genesis_hash;
        ours.genesis_hash = spec->genesis_hash;
        ours.fork_id = chain::fork_id_at(*spec, 0, genesis_time);
        const Bytes payload = p2p::eth::encode_status(version, ours);
        if (auto ec = co_await c.write(offset + p2p::eth::msg::kStatus, payload); ec) {
            std::fprintf(err, "hypasis: p2p status: %s: sending our Status: %s\n", who.c_str(), ec.message().c_str());
            co_return result;
        }
    }
    auto msg = co_await c.read();  // bounded by the connection's idle deadline (--timeout)
    if (!msg) {
        std::fprintf(err, "hypasis: p2p status: %s: waiting for its Status: %s\n", who.c_str(),
                     msg.error().message().c_str());
        co_return result;
    }
    if (msg->code != offset + p2p::eth::msg::kStatus) {
        std::fprintf(err, "hypasis: p2p status: %s: its first eth message is code %llu, not Status\n", who.c_str(),
                     static_cast<unsigned long long>(msg->code - offset));
        co_await c.disconnect(rlpx::DisconnectReason::kProtocolBreach);
        co_return result;
    }
    auto status = p2p::eth::decode_status(version, msg->payload);
    if (!status) {
        std::fprintf(err, "hypasis: p2p status: %s: its Status does not decode: %s\n", who.c_str(),
                     std::string(p2p::eth::to_string(status.error())).c_str());
        co_await c.disconnect(rlpx::DisconnectReason::kProtocolBreach);
        co_return result;
    }
    boost::json::object o;
    o["enode"] = who;
    o["clientId"] = c.remote_hello().client_id;
    o["capabilities"] = caps_json(c.remote_hello().capabilities);
    o["eth"] = eth->capability.version;
    o["status"] = status_json(*status, version);
    result.exit_code = 0;
    if (view) {
        auto ok = p2p::eth::validate_status(*view, version, *status);
        if (ok) {
            o["compatible"] = true;
        } else {
            o["incompatible"] = std::string(p2p::eth::to_string(ok.error()));
            result.exit_code = 2;
        }
    }
    std::fprintf(out, "%s\n", json::serialize_pretty(o).c_str());
    co_await c.disconnect(rlpx::DisconnectReason::kClientQuitting);
    co_return result;
}

Expected<p2p::discv4::Enode, std::string> parse_tool_enode(const std::string& url) {
    auto node = p2p::discv4::parse_enode(url);
    if (!node) return unexpected(url + ": " + std::string(p2p::discv4::to_string(node.error())));
    return *node;
}

void add_tool_options(CLI::App& cmd, P2pToolOptions& opts) {
    cmd.add_option("ENODE", opts.enode, "The node: enode://<id>@<ip>:<port>[?discport=<udp port>]")->required();
    cmd.add_option("--nodekey", opts.nodekey, "Our node key file (64 hex digits); default: a fresh random key");
    cmd.add_option_function<unsigned>(
           "--timeout", [&opts](unsigned ms) { opts.timeout = std::chrono::milliseconds(ms); },
           "Deadline of each network step, in milliseconds (default 5000)")
        ->check(CLI::Range(1u, 600'000u));
}

}  // namespace

Expected<crypto::SecretKey, std::string> tool_node_key(const std::string& nodekey) {
    if (!nodekey.empty()) {
        auto key = load_node_key(nodekey);
        if (!key) return unexpected(key.error());
        return key->secret;
    }
    crypto::SecretKey secret{};
    for (int attempt = 0; attempt < 8; ++attempt) {
        if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) break;
        if (crypto::public_key(secret)) return secret;
    }
    return unexpected(std::string("cannot generate a node key: the system random source failed"));
}

int run_p2p_ping(const PingOptions& opts, std::FILE* out, std::FILE* err) {
    auto node = parse_tool_enode(opts.tool.enode);
    if (!node) {
        std::fprintf(err, "hypasis: p2p ping: %s\n", node.error().c_str());
        return 1;
    }
    auto key = tool_node_key(opts.tool.nodekey);
    if (!key) {
        std::fprintf(err, "hypasis: p2p ping: %s\n", key.error().c_str());
        return 1;
    }
    return run_on_fresh_context<PingResult>([&](p2p::Executor ex) {
               return ping_task(ex, opts, *node, *key, out, err);
           }).exit_code;
}

int run_p2p_status(const P2pStatusOptions& opts, std::FILE* out, std::FILE* err) {
    std::optional<chain::ChainSpec> spec;
    if (has_chain(opts.chain)) spec = resolve_chain_options(opts.chain);
    auto node = parse_tool_enode(opts.tool.enode);
    if (!node) {
        std::fprintf(err, "hypasis: p2p status: %s\n", node.error().c_str());
        return 1;
    }
    auto key = tool_node_key(opts.tool.nodekey);
    if (!key) {
        std::fprintf(err, "hypasis: p2p status: %s\n", key.error().c_str());
        return 1;
    }
    return run_on_fresh_context<StatusResult>([&](p2p::Executor ex) {
               return status_task(ex, opts, *node, *key, spec, out, err);
           }).exit_code;
}

void add_p2p_commands(CLI::App& app, int& exit_code) {
    auto* p2p = app.add_subcommand("p2p", "devp2p tools: ping, status and fetch against one node");
    p2p->require_subcommand(1);

    auto ping = std::make_shared<PingOptions>();
    auto* ping_cmd = p2p->add_subcommand("ping", "discv4 PING/PONG round trip, then an RLPx handshake and Hello");
    add_tool_options(*ping_cmd, ping->tool);
    ping_cmd->add_flag("!--no-udp", ping->udp, "Skip the discv4 PING");
    ping_cmd->add_flag("!--no-rlpx", ping->rlpx, "Skip the RLPx handshake");
    ping_cmd->callback([ping, &exit_code] { exit_code = run_p2p_ping(*ping, stdout, stderr); });

    auto status = std::make_shared<P2pStatusOptions>();
    auto* status_cmd = p2p->add_subcommand("status", "Print the node's eth Status as JSON");
    add_tool_options(*status_cmd, status->tool);
    add_chain_options(*status_cmd, status->chain, false);
    status_cmd->add_option_function<unsigned>(
                  "--eth", [status](unsigned v) { status->eth_version = v; }, "Offer only this eth version (68 or 69)")
        ->check(CLI::IsMember({68u, 69u}));
    status_cmd->callback([status, &exit_code] { exit_code = run_p2p_status(*status, stdout, stderr); });

    add_p2p_fetch_command(*p2p, exit_code);
}

}  // namespace hypasis::node
