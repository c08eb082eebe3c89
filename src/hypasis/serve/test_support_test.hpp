#pragma once
// Test support for serve's tests (and node's status command test): a RestServer on 127.0.0.1 port 0 running on its
// own io_context thread, a blocking HTTP client with a socket timeout, and a backend with known values.
// Named *_test.hpp so that it is never part of the library.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "hypasis/serve/api_backend.hpp"
#include "hypasis/serve/rest_server.hpp"
#include "hypasis/serve/rest_server_thread.hpp"

namespace hypasis::serve::test {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

/// A server on 127.0.0.1, port 0, on its own thread (RestServerThread). Stops and joins in the destructor.
class ServerThread {
  public:
    ServerThread(ApiBackend backend, RestServerOptions options)
        : thread_(std::move(backend), on_loopback_any_port(std::move(options))) {
        auto started = thread_.start();
        if (!started) ADD_FAILURE() << "server did not start: " << started.error().message();
    }
    RestServer& server() { return thread_.server(); }
    tcp::endpoint endpoint() const { return thread_.local_endpoint(); }
    uint16_t port() const { return thread_.local_endpoint().port(); }

  private:
    static RestServerOptions on_loopback_any_port(RestServerOptions o) {
        o.address = "127.0.0.1";
        o.port = 0;
        return o;
    }
    RestServerThread thread_;
};

/// A connected blocking socket whose reads and writes give up after `timeout` (so a broken server fails the test
/// instead of hanging it).
inline tcp::socket connect(net::io_context& io, const tcp::endpoint& ep,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    tcp::socket s(io);
    s.connect(ep);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return s;
}

/// One request on a new connection (Connection: close). Fails the test on a transport error.
inline http::response<http::string_body> request(const tcp::endpoint& ep, http::verb verb, const std::string& target,
                                                 const std::map<std::string, std::string>& headers = {},
                                                 const std::string& body = {}) {
    net::io_context io;
    auto s = connect(io, ep);
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.keep_alive(false);
    req.body() = body;
    req.prepare_payload();
    http::write(s, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    boost::system::error_code ec;
    http::read(s, buffer, res, ec);
    EXPECT_FALSE(ec) << ec.message();
    return res;
}

inline http::response<http::string_body> get(const tcp::endpoint& ep, const std::string& target) {
    return request(ep, http::verb::get, target);
}

/// The body as JSON (a parse failure fails the test and gives null).
inline boost::json::value body_json(const http::response<http::string_body>& res) {
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    EXPECT_FALSE(ec) << "not JSON: " << res.body();
    return v;
}

/// A SyncStatus with distinct, known values in every field the API shows.
inline sync::SyncStatus known_status() {
    sync::SyncStatus s;
    s.phase = sync::Phase::kRunning;
    s.ready = true;
    s.history_mode = "full";
    s.backward_paused = false;
    s.anchor_number = 1000;
    s.anchor_hash.fill(0xaa);
    s.tip_number = 1500;
    s.tip_hash.fill(0xbb);
    s.tip_lag_blocks = 2;
    s.tip_lag_seconds = 24.5;
    s.forward.state = "syncing";
    s.forward.blocks = 498;
    s.forward.bodies = 497;
    s.forward.receipts = 496;
    s.forward.bytes = 123456;
    s.forward.requests = 40;
    s.forward.failed_requests = 1;
    s.forward.blocks_per_second = 12.5;
    s.forward.bytes_per_second = 2048;
    s.forward.height = 1498;
    s.forward.target = 1500;
    s.forward.remaining = 2;
    s.forward.eta_seconds = 0.16;
    s.forward.bandwidth = {0.7, 700000, 90000, 1000, 3};
    s.forward.cpu = {0.7, 0, 2500000, 0, 0};
    s.backward.state = "syncing";
    s.backward.blocks = 250;
    s.backward.bytes = 654321;
    s.backward.requests = 9;
    s.backward.failed_requests = 4;
    s.backward.blocks_per_second = 50;
    s.backward.bytes_per_second = 4096;
    s.backward.height = 750;
    s.backward.target = 0;
    s.backward.remaining = 750;
    s.backward.eta_seconds = 15;
    s.backward.bandwidth = {0.3, 300000, 80000, 20000, 11};
    s.backward.cpu = {0.3, 0, 1500000, 500000, 2};
    s.gaps = {sync::GapStatus{storage::DataKind::kHeaders, 500, 750, 0, 15.0},
              sync::GapStatus{storage::DataKind::kHeaders, 100, 200, 25, 20.0},
              // A bodies entry over a range a header gap also covers: it must not lend its ETA to that gap.
              sync::GapStatus{storage::DataKind::kBodies, 1200, 1210, 0, 3.0},
              sync::GapStatus{storage::DataKind::kBodies, 880, 960, 0, 9.0}};
    return s;
}

}  // namespace hypasis::serve::test
