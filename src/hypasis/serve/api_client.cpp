#include "hypasis/serve/api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <optional>

#include "hypasis/p2p/common/task.hpp"
#include "hypasis/serve/error.hpp"
#include "hypasis/serve/rest_server.hpp"

namespace hypasis::serve {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using p2p::kUseTuple;
using p2p::Task;

Unexpected<std::error_code> fail(ServeError e) { return unexpected(make_error_code(e)); }

Task<Expected<ApiReply, std::error_code>> get(ApiUrl url, std::string target, std::chrono::milliseconds timeout,
                                              std::size_t max_body) {
    using namespace net::experimental::awaitable_operators;
    const auto ex = co_await net::this_coro::executor;
    const auto deadline = std::chrono::steady_clock::now() + timeout;

    // The resolver is not a beast stream: race it against a timer.
    tcp::resolver resolver(ex);
    net::steady_timer timer(ex);
    timer.expires_at(deadline);
    auto resolved =
        co_await (resolver.async_resolve(url.host, std::to_string(url.port), kUseTuple) || timer.async_wait(kUseTuple));
    if (resolved.index() == 1) co_return fail(ServeError::kTimeout);
    auto [rec, endpoints] = std::get<0>(std::move(resolved));
    if (rec) co_return fail(ServeError::kUnreachable);

    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);
    auto [cec, endpoint] = co_await stream.async_connect(endpoints, kUseTuple);
    if (cec == beast::error::timeout) co_return fail(ServeError::kTimeout);
    if (cec) co_return fail(ServeError::kUnreachable);

    http::request<http::empty_body> req{http::verb::get, url.base_path + target, 11};
    req.set(http::field::host, url.host + ":" + std::to_string(url.port));
    req.set(http::field::user_agent, "hypasis");
    req.set(http::field::accept, "application/json");
    req.keep_alive(false);
    auto [wec, written] = co_await http::async_write(stream, req, kUseTuple);
    if (wec == beast::error::timeout) co_return fail(ServeError::kTimeout);
    if (wec) co_return fail(ServeError::kUnreachable);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    parser.header_limit(64 * 1024);
    auto [ec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (ec == beast::error::timeout) co_return fail(ServeError::kTimeout);
    if (ec == http::error::body_limit) co_return fail(ServeError::kResponseTooLarge);
    if (ec) co_return fail(ServeError::kBadResponse);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    ApiReply reply;
    reply.status = parser.get().result_int();
    reply.body = std::move(parser.get().body());
    co_return reply;
}

}  // namespace

Expected<ApiUrl, std::error_code> parse_api_url(std::string_view text) {
    std::string_view rest = text;
    if (rest.starts_with("http://"))
        rest.remove_prefix(7);
    else if (rest.find("://") != std::string_view::npos)
        return fail(ServeError::kBadUrl);
    if (rest.find_first_of("?#") != std::string_view::npos) return fail(ServeError::kBadUrl);
    const auto slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);

    ApiUrl url;
    url.port = kDefaultApiPort;
    std::string_view host;
    std::string_view port;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return fail(ServeError::kBadUrl);
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return fail(ServeError::kBadUrl);
            port = after.substr(1);
            if (port.empty()) return fail(ServeError::kBadUrl);
        }
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return fail(ServeError::kBadUrl);
        }
    }
    if (host.empty() || host.find_first_of(" @") != std::string_view::npos) return fail(ServeError::kBadUrl);
    if (!port.empty()) {
        unsigned value = 0;
        const auto res = std::from_chars(port.data(), port.data() + port.size(), value);
        if (res.ec != std::errc{} || res.ptr != port.data() + port.size() || value == 0 || value > 65535)
            return fail(ServeError::kBadUrl);
        url.port = static_cast<uint16_t>(value);
    }
    url.host = std::string(host);
    url.base_path = std::string(path);
    return url;
}

std::string to_string(const ApiUrl& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port) + url.base_path;
}

Expected<ApiReply, std::error_code> http_get(const ApiUrl& url, std::string_view target,
                                             std::chrono::milliseconds timeout, std::size_t max_body_bytes) {
    net::io_context io;
    std::optional<Expected<ApiReply, std::error_code>> result;
    net::co_spawn(io, get(url, std::string(target), timeout, max_body_bytes),
                  [&](std::exception_ptr e, Expected<ApiReply, std::error_code> r) {
                      if (e) std::rethrow_exception(e);  // std::bad_alloc: leaves through io.run()
                      result = std::move(r);
                  });
    io.run();
    if (!result) return fail(ServeError::kBadResponse);
    return std::move(*result);
}

}  // namespace hypasis::serve
