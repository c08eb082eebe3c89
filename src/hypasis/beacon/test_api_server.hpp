#pragma once
/// A scripted Beacon API server for tests and benchmarks only (not part of the library: nothing in it is compiled
/// unless a test includes it). It listens on 127.0.0.1, port 0, on the caller's executor and answers GETs from a
/// route table: exact target → (status, body, delay). Unknown targets get 404. Each connection serves one request
/// (the client sends Connection: close).
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "hypasis/p2p/common/task.hpp"

namespace hypasis::beacon::testing {

struct Route {
    unsigned status{200};
    std::string body;
    std::chrono::milliseconds delay{0};
};

class TestApiServer {
  public:
    explicit TestApiServer(const boost::asio::any_io_executor& ex)
        : acceptor_(ex, {boost::asio::ip::make_address("127.0.0.1"), 0}) {}

    /// Starts accepting (call once). The server stops when the executor's context stops.
    void start() {
        boost::asio::co_spawn(acceptor_.get_executor(), accept_loop(), boost::asio::detached);
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    /// Routes by exact request target (path and query).
    std::map<std::string, Route>& routes() { return routes_; }
    std::size_t requests() const { return requests_; }
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
        const auto it = routes_.find(std::string(req.target()));
        Route route = it == routes_.end() ? Route{404, "{\"code\":404,\"message\":\"not found\"}", {}} : it->second;
        if (route.delay.count() > 0) {
            boost::asio::steady_timer timer(socket.get_executor());
            timer.expires_after(route.delay);
            auto [tec] = co_await timer.async_wait(p2p::kUseTuple);
            (void)tec;
        }
        http::response<http::string_body> res{static_cast<http::status>(route.status), 11};
        res.set(http::field::content_type, "application/json");
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
    std::size_t requests_{0};
};

}  // namespace hypasis::beacon::testing
