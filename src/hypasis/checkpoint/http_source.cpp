#include "hypasis/checkpoint/http_source.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include "hypasis/checkpoint/checkpoint_json.hpp"

namespace hypasis::checkpoint {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using p2p::kUseTuple;

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

struct Target {
    bool https{false};
    std::string host;
    std::string port;
    std::string path;
};

std::optional<Target> parse_url(std::string_view url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return std::nullopt;
    Target t;
    if (u->scheme() == "https") {
        t.https = true;
    } else if (u->scheme() != "http") {
        return std::nullopt;
    }
    t.host = std::string(u->host_address());
    if (t.host.empty()) return std::nullopt;
    t.port = u->has_port() ? std::string(u->port()) : (t.https ? "443" : "80");
    t.path = std::string(u->encoded_target());
    if (t.path.empty()) t.path = "/";
    return t;
}

class Failure {
  public:
    explicit Failure(const std::string& source) : source_(source) {}
    Unexpected<SourceError> operator()(SourceErrc code, std::string detail) const {
        return unexpected(SourceError{code, source_, std::move(detail)});
    }

  private:
    const std::string& source_;
};

// Maps a stream error of the exchange (after connect) to a source error.
SourceError stream_error(const std::string& source, const boost::system::error_code& ec, const HttpOptions& o,
                         const char* step) {
    if (ec == beast::error::timeout) {
        return {SourceErrc::kTimeout, source,
                std::string("no complete response within ") + std::to_string(o.timeout.count()) + " ms (while " + step +
                    ")"};
    }
    if (ec == http::error::body_limit) {
        return {SourceErrc::kBodyTooLarge, source,
                "the body is larger than the cap of " + std::to_string(o.max_body_bytes) + " bytes"};
    }
    if (ec == http::error::header_limit) {
        return {SourceErrc::kBodyTooLarge, source,
                "the headers are larger than the cap of " + std::to_string(kMaxHeaderBytes) + " bytes"};
    }
    return {SourceErrc::kIo, source, std::string(step) + ": " + ec.message()};
}

template <class Stream>
Task<Expected<HttpResponse, SourceError>> exchange(Stream& stream, const Target& t, const HttpOptions& o,
                                                   const std::string& source, const std::string& accept) {
    http::request<http::empty_body> req{http::verb::get, t.path, 11};
    req.set(http::field::host, t.host);
    req.set(http::field::user_agent, "hypasis");
    req.set(http::field::accept, accept);
    req.set(http::field::connection, "close");
    auto [wec, written] = co_await http::async_write(stream, req, kUseTuple);
    (void)written;
    if (wec) co_return unexpected(stream_error(source, wec, o, "sending the request"));

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(o.max_body_bytes);
    parser.header_limit(kMaxHeaderBytes);
    auto [rec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    (void)read;
    if (rec) co_return unexpected(stream_error(source, rec, o, "reading the response"));
    auto res = parser.release();
    if (res.result() != http::status::ok) {
        co_return unexpected(SourceError{SourceErrc::kHttpStatus, source,
                                         "HTTP status " + std::to_string(res.result_int()) + ", expected 200"});
    }
    HttpResponse out;
    out.body = std::move(res.body());
    for (const auto& field : res) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    co_return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

const std::string* HttpResponse::header(std::string_view name) const noexcept {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) return &v;
    }
    return nullptr;
}

std::string HttpResponse::media_type() const {
    const std::string* v = header("content-type");
    if (!v) return {};
    std::string_view t(*v);
    t = t.substr(0, t.find(';'));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    std::string out(t);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

HttpSource::HttpSource(std::string url, HttpOptions options) : url_(std::move(url)), options_(std::move(options)) {}

Task<Expected<std::string, SourceError>> HttpSource::get_body() {
    auto r = co_await get("application/json");
    if (!r) co_return unexpected(std::move(r.error()));
    co_return std::move(r->body);
}

Task<Expected<HttpResponse, SourceError>> HttpSource::get(std::string accept) {
    using namespace boost::asio::experimental::awaitable_operators;
    const Failure fail(url_);
    const auto target = parse_url(url_);
    if (!target) co_return fail(SourceErrc::kBadUri, "not an http:// or https:// URL with a host");

    const auto ex = co_await net::this_coro::executor;
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    const auto timeout_text = "no complete response within " + std::to_string(options_.timeout.count()) + " ms";

    // The resolver is not a beast stream, so its deadline is a timer raced against it.
    tcp::resolver resolver(ex);
    net::steady_timer timer(ex);
    timer.expires_at(deadline);
    auto resolved =
        co_await (resolver.async_resolve(target->host, target->port, kUseTuple) || timer.async_wait(kUseTuple));
    if (resolved.index() == 1) co_return fail(SourceErrc::kTimeout, timeout_text + " (while resolving)");
    auto [rec, endpoints] = std::get<0>(std::move(resolved));
    if (rec) co_return fail(SourceErrc::kResolve, target->host + ": " + rec.message());

    // From here on beast::tcp_stream enforces the deadline on every operation (it closes the socket when due).
    beast::tcp_stream tcp_stream(ex);
    tcp_stream.expires_at(deadline);
    auto [cec, endpoint] = co_await tcp_stream.async_connect(endpoints, kUseTuple);
    (void)endpoint;
    if (cec == beast::error::timeout) co_return fail(SourceErrc::kTimeout, timeout_text + " (while connecting)");
    if (cec) co_return fail(SourceErrc::kConnect, target->host + ":" + target->port + ": " + cec.message());

    if (!target->https) co_return co_await exchange(tcp_stream, *target, options_, url_, accept);

    ssl::context ctx(ssl::context::tls_client);
    boost::system::error_code ctx_ec;
    ctx.set_verify_mode(ssl::verify_peer, ctx_ec);
    if (!ctx_ec) {
        if (options_.ca_file.empty()) {
            ctx.set_default_verify_paths(ctx_ec);
        } else {
            ctx.load_verify_file(options_.ca_file, ctx_ec);
        }
    }
    if (ctx_ec) co_return fail(SourceErrc::kTls, "cannot load the trust anchors: " + ctx_ec.message());
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), ctx);
    // SNI (not for IP literals, RFC 6066 §3), and the name the certificate must carry.
    boost::system::error_code ip_ec;
    (void)net::ip::make_address(target->host, ip_ec);
    if (ip_ec && SSL_set_tlsext_host_name(stream.native_handle(), target->host.c_str()) != 1) {
        co_return fail(SourceErrc::kTls, "cannot set SNI");
    }
    stream.set_verify_callback(ssl::host_name_verification(target->host), ctx_ec);
    if (ctx_ec) co_return fail(SourceErrc::kTls, "cannot set host verification: " + ctx_ec.message());
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kUseTuple);
    if (hec == beast::error::timeout)
        co_return fail(SourceErrc::kTimeout, timeout_text + " (during the TLS handshake)");
    if (hec) {
        const long verify = SSL_get_verify_result(stream.native_handle());
        std::string why = hec.message();
        if (verify != X509_V_OK)
            why = std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
        co_return fail(SourceErrc::kTls, why);
    }
    co_return co_await exchange(stream, *target, options_, url_, accept);
}

Task<Expected<Checkpoint, SourceError>> HttpSource::fetch() {
    auto body = co_await get_body();
    if (!body) co_return unexpected(std::move(body.error()));
    auto c = parse_checkpoint(*body);
    if (!c) co_return unexpected(SourceError{SourceErrc::kMalformed, url_, to_string(c.error())});
    co_return std::move(*c);
}

}  // namespace hypasis::checkpoint
