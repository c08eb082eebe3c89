#pragma once
/// A scripted Beacon API server for tests and benchmarks only (not part of the library: nothing in it is compiled
/// unless a test includes it). It listens on 127.0.0.1, port 0, on the caller's executor and answers GETs from a
/// route table: exact target → (status, body, delay), sent as application/json. Unknown targets get 404. Each
/// connection serves one request (the client sends Connection: close).
///
/// SSZ: a target may also have an SszRoute. It is served instead of the JSON route when the request's Accept
/// header names application/octet-stream (the client's preference order is not weighed: a test server), with its
/// own Content-Type and, when set, an Eth-Consensus-Version header. A server without SSZ routes is a JSON-only
/// server. The helpers below build SSZ bodies from decoded fixtures (core/ssz encoders) and the updates route's
/// response_chunk framing (beacon-APIs updates.yaml).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/beacon/chain_config.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/p2p/common/task.hpp"

namespace hypasis::beacon::testing {

struct Route {
    unsigned status{200};
    std::string body;
    std::chrono::milliseconds delay{0};
};

/// The SSZ form of a route's answer.
struct SszRoute {
    std::string body;
    std::optional<std::string> consensus_version;  ///< The Eth-Consensus-Version header, when sent.
    std::string content_type{"application/octet-stream"};
    unsigned status{200};
    bool regardless_of_accept{false};  ///< Served even to a request that did not ask for SSZ (a misbehaving server).
};

inline std::string as_body(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

/// One response_chunk of the updates route: uint64_le(4 + payload size) || context || payload.
inline std::string response_chunk(const FixedBytes<4>& context, ByteView payload) {
    const uint64_t len = 4 + payload.size();
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
    out += as_body(context);
    out += as_body(payload);
    return out;
}

/// The SSZ body of an updates answer: one chunk per update, its context the chain's fork digest at the attested
/// header's epoch (beacon-APIs updates.yaml).
inline std::string ssz_updates_body(const std::vector<ssz::LightClientUpdate>& updates, const ChainConfig& chain) {
    std::string out;
    for (const auto& u : updates) {
        const auto digest = chain.fork_digest_at_epoch(chain.epoch_at_slot(u.attested_header.beacon.slot));
        out += response_chunk(digest, ssz::encode(u));
    }
    return out;
}

class TestApiServer {
  public:
    explicit TestApiServer(const boost::asio::any_io_executor& ex)
        : acceptor_(ex, {boost::asio::ip::make_address("127.0.0.1"), 0}) {}

    /// Starts accepting (call once). The server stops when the executor's context stops.
    void start() { boost::asio::co_spawn(acceptor_.get_executor(), accept_loop(), boost::asio::detached); }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    /// Routes by exact request target (path and query).
    std::map<std::string, Route>& routes() { return routes_; }
    /// SSZ answers by exact request target, for requests that accept application/octet-stream.
    std::map<std::string, SszRoute>& ssz_routes() { return ssz_routes_; }
    std::size_t requests() const { return requests_; }
    /// How many requests were answered from ssz_routes().
    std::size_t ssz_answers() const { return ssz_answers_; }
    /// The Accept header of each request, in order ("" when absent).
    const std::vector<std::string>& accepts() const { return accepts_; }
    void stop() {
        boost::system::error_code ec;
        acceptor_.close(ec);
    }

  private:
    p2p::Task<> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(p2p::kUseTuple);
            if (ec) co_return;
            boost::asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), boost::asio::detached);
        }
    }

    p2p::Task<> serve(boost::asio::ip::tcp::socket socket) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        http::request<http::empty_body> req;
        auto [rec, n] = co_await http::async_read(socket, buffer, req, p2p::kUseTuple);
        (void)n;
        if (rec) co_return;
        ++requests_;
        const std::string accept(req[http::field::accept]);
        accepts_.push_back(accept);
        const auto it = routes_.find(std::string(req.target()));
        Route route = it == routes_.end() ? Route{404, "{\"code\":404,\"message\":\"not found\"}", {}} : it->second;
        std::string content_type = "application/json";
        std::optional<std::string> version;
        if (const auto s = ssz_routes_.find(std::string(req.target()));
            s != ssz_routes_.end() &&
            (s->second.regardless_of_accept || accept.find("application/octet-stream") != std::string::npos)) {
            ++ssz_answers_;
            route.status = s->second.status;
            route.body = s->second.body;
            content_type = s->second.content_type;
            version = s->second.consensus_version;
        }
        if (route.delay.count() > 0) {
            boost::asio::steady_timer timer(socket.get_executor());
            timer.expires_after(route.delay);
            auto [tec] = co_await timer.async_wait(p2p::kUseTuple);
            (void)tec;
        }
        http::response<http::string_body> res{static_cast<http::status>(route.status), 11};
        if (!content_type.empty()) res.set(http::field::content_type, content_type);
        if (version) res.set("Eth-Consensus-Version", *version);
        res.body() = std::move(route.body);
        res.prepare_payload();
        auto [wec, w] = co_await http::async_write(socket, res, p2p::kUseTuple);
        (void)wec;
        (void)w;
        boost::system::error_code ignored;
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    }

    boost::asio::ip::tcp::acceptor acceptor_;
    std::map<std::string, Route> routes_;
    std::map<std::string, SszRoute> ssz_routes_;
    std::size_t requests_{0};
    std::size_t ssz_answers_{0};
    std::vector<std::string> accepts_;
};

}  // namespace hypasis::beacon::testing
