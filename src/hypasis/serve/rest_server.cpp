#include "hypasis/serve/rest_server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <map>
#include <utility>

#include "hypasis/core/common/log.hpp"
#include "hypasis/serve/error.hpp"
#include "hypasis/serve/router.hpp"

namespace hypasis::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using p2p::kUseTuple;
using p2p::Task;

struct RestServer::Impl : std::enable_shared_from_this<Impl> {
    Impl(p2p::Executor ex, ApiBackend backend, RestServerOptions opts)
        : executor(std::move(ex)),
          acceptor(executor),
          options(std::move(opts)),
          router(std::move(backend), RouterOptions{options.token, options.default_gap_limit, options.max_gap_limit},
                 [this] { return counters(); }) {}

    ServerStats counters() const noexcept {
        ServerStats s;
        s.connections_accepted = accepted.load(std::memory_order_relaxed);
        s.connections_rejected = rejected.load(std::memory_order_relaxed);
        s.connections_active = active.load(std::memory_order_relaxed);
        s.requests = requests.load(std::memory_order_relaxed);
        s.timeouts = timeouts.load(std::memory_order_relaxed);
        s.bad_requests = bad_requests.load(std::memory_order_relaxed);
        return s;
    }

    Task<void> accept_loop();
    Task<void> session(tcp::socket socket, uint64_t id);
    Task<void> close_gracefully(beast::tcp_stream& stream);
    void close_all();

    p2p::Executor executor;
    tcp::acceptor acceptor;
    RestServerOptions options;
    Router router;
    bool started{false};

    // Executor-only state.
    bool stopping{false};
    uint64_t next_id{0};
    std::map<uint64_t, beast::tcp_stream*> sessions;

    std::atomic<uint64_t> accepted{0};
    std::atomic<uint64_t> rejected{0};
    std::atomic<uint64_t> active{0};
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> timeouts{0};
    std::atomic<uint64_t> bad_requests{0};
};

Task<void> RestServer::Impl::accept_loop() {
    auto self = shared_from_this();  // the loop keeps the state alive past the server object
    net::steady_timer backoff(executor);
    while (!stopping) {
        auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
        if (stopping || ec == net::error::operation_aborted) break;
        if (ec) {
            // Out of file descriptors and the like: wait a little instead of spinning on the error.
            log::warn("serve", "accept failed", {{"error", ec.message()}});
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(kUseTuple);
            continue;
        }
        if (active.load(std::memory_order_relaxed) >= options.max_connections) {
            rejected.fetch_add(1, std::memory_order_relaxed);
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        accepted.fetch_add(1, std::memory_order_relaxed);
        active.fetch_add(1, std::memory_order_relaxed);
        net::co_spawn(executor, session(std::move(socket), next_id++), net::detached);
    }
}

Task<void> RestServer::Impl::close_gracefully(beast::tcp_stream& stream) {
    // Half-close, then read (and drop) what the client still sends for a moment, so that closing with unread
    // bytes does not reset the connection before the client has read our answer.
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.expires_after(std::chrono::milliseconds(500));
    std::array<char, 4096> scratch{};
    std::size_t drained = 0;
    while (drained < 256 * 1024) {
        auto [ec, n] = co_await stream.async_read_some(net::buffer(scratch), kUseTuple);
        if (ec) break;
        drained += n;
    }
    stream.socket().close(ignored);
}

Task<void> RestServer::Impl::session(tcp::socket socket, uint64_t id) {
    auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    sessions.emplace(id, &stream);
    // Room for one whole request; a client that pipelines more than that waits for the answers.
    beast::flat_buffer buffer(options.max_header_bytes + options.max_body_bytes + 4096);
    bool graceful = false;
    for (std::size_t served = 0; !stopping && served < options.max_requests_per_connection; ++served) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
        parser.body_limit(options.max_body_bytes);
        // One deadline for the whole request: a client that trickles bytes is cut at it, however steadily.
        stream.expires_after(options.read_timeout);
        auto [ec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
        if (ec == beast::error::timeout) {
            timeouts.fetch_add(1, std::memory_order_relaxed);
            break;
        }
        if (ec == http::error::end_of_stream || ec == http::error::partial_message || stopping) break;
        if (ec) {
            // Socket errors (reset, closed by stop()) end the connection silently; only HTTP parse errors get an
            // answer.
            if (ec.category() != http::make_error_code(http::error::end_of_stream).category()) break;
            // Input that is not a request we accept: answer once, then close.
            bad_requests.fetch_add(1, std::memory_order_relaxed);
            http::status status = http::status::bad_request;
            std::string message = "malformed request: " + ec.message();
            if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
                status = http::status::request_header_fields_too_large;
                message = "request headers over " + std::to_string(options.max_header_bytes) + " bytes";
            } else if (ec == http::error::body_limit) {
                status = http::status::payload_too_large;
                message = "request body over " + std::to_string(options.max_body_bytes) + " bytes";
            }
            HttpResponse res = Router::error(status, message, 11, false);
            stream.expires_after(options.write_timeout);
            auto [wec, written] = co_await http::async_write(stream, res, kUseTuple);
            if (wec == beast::error::timeout) timeouts.fetch_add(1, std::memory_order_relaxed);
            graceful = !wec;
            break;
        }
        HttpResponse res = router.handle(parser.get());
        requests.fetch_add(1, std::memory_order_relaxed);
        const bool last = !res.keep_alive() || served + 1 >= options.max_requests_per_connection;
        if (last) res.keep_alive(false);
        stream.expires_after(options.write_timeout);
        auto [wec, written] = co_await http::async_write(stream, res, kUseTuple);
        if (wec) {
            if (wec == beast::error::timeout) timeouts.fetch_add(1, std::memory_order_relaxed);
            break;
        }
        if (last) {
            graceful = true;
            break;
        }
    }
    if (graceful && !stopping) co_await close_gracefully(stream);
    boost::system::error_code ignored;
    stream.socket().close(ignored);
    sessions.erase(id);
    active.fetch_sub(1, std::memory_order_relaxed);
}

void RestServer::Impl::close_all() {
    stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& [id, stream] : sessions) stream->socket().close(ignored);
}

RestServer::RestServer(p2p::Executor executor, ApiBackend backend, RestServerOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(backend), std::move(options))) {}

RestServer::~RestServer() { stop(); }

Expected<void, std::error_code> RestServer::start() {
    if (impl_->started) return unexpected(make_error_code(ServeError::kAlreadyStarted));
    boost::system::error_code ec;
    const auto address = net::ip::make_address(impl_->options.address, ec);
    if (ec) return unexpected(make_error_code(ServeError::kBadAddress));
    const tcp::endpoint endpoint(address, impl_->options.port);
    auto& acceptor = impl_->acceptor;
    if (acceptor.open(endpoint.protocol(), ec); ec) return unexpected(std::error_code(ec));
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) return unexpected(std::error_code(ec));
    if (acceptor.bind(endpoint, ec); ec) {
        const std::error_code failed(ec);
        acceptor.close(ec);
        return unexpected(failed);
    }
    if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return unexpected(std::error_code(ec));
    local_endpoint_ = acceptor.local_endpoint(ec);
    if (ec) return unexpected(std::error_code(ec));
    impl_->started = true;
    net::co_spawn(impl_->executor, impl_->accept_loop(), net::detached);
    return {};
}

std::string RestServer::url() const {
    const auto addr = local_endpoint_.address();
    const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return "http://" + host + ":" + std::to_string(local_endpoint_.port());
}

void RestServer::stop() {
    net::post(impl_->executor, [impl = impl_] { impl->close_all(); });
}

ServerStats RestServer::stats() const noexcept { return impl_->counters(); }

}  // namespace hypasis::serve
