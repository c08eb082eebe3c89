// HttpSource::get(): the Accept header goes out as given, the response's headers come back, and media_type() /
// header() read them per RFC 9110 (case-insensitive names, parameters after ';'). Against a one-shot local server
// on 127.0.0.1 port 0 that records the request head.
#include "hypasis/checkpoint/http_source.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

namespace hypasis::checkpoint {
namespace {

namespace net = boost::asio;
using net::ip::tcp;

// Answers each connection with `response` after reading the request head, which it keeps.
class HeadRecorder {
  public:
    HeadRecorder(net::io_context& io, std::string response)
        : response_(std::move(response)), acceptor_(io, {net::ip::make_address("127.0.0.1"), 0}) {
        net::co_spawn(io, accept_loop(), net::detached);
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/eth/v1/x";
    }
    const std::string& head() const { return head_; }

  private:
    Task<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(p2p::kUseTuple);
            if (ec) co_return;
            head_.clear();
            auto [rec, n] =
                co_await net::async_read_until(socket, net::dynamic_buffer(head_), "\r\n\r\n", p2p::kUseTuple);
            (void)n;
            if (rec) continue;
            auto [wec, w] = co_await net::async_write(socket, net::buffer(response_), p2p::kUseTuple);
            (void)wec;
            (void)w;
        }
    }
    std::string response_;
    tcp::acceptor acceptor_;
    std::string head_;
};

Expected<HttpResponse, SourceError> get(net::io_context& io, const std::string& url, std::string accept) {
    HttpOptions o;
    o.timeout = std::chrono::milliseconds(2000);
    HttpSource s(url, o);
    auto fut = net::co_spawn(io, s.get(std::move(accept)), net::use_future);
    while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    return fut.get();
}

TEST(HttpSourceGet, SendsTheAcceptHeaderAndReturnsTheResponseHeaders) {
    net::io_context io;
    const std::string body("\x00\x01\x02\xff", 4);
    HeadRecorder server(io,
                        "HTTP/1.1 200 OK\r\nContent-Type: Application/Octet-Stream; charset=binary\r\n"
                        "eth-consensus-version: deneb\r\nContent-Length: 4\r\nConnection: close\r\n\r\n" +
                            body);
    const std::string accept = "application/octet-stream;q=1.0,application/json;q=0.9";
    auto r = get(io, server.url(), accept);
    ASSERT_TRUE(r.has_value()) << to_string(r.error());
    EXPECT_NE(server.head().find("\r\nAccept: " + accept + "\r\n"), std::string::npos) << server.head();
    EXPECT_EQ(r->body, body);  // binary bodies pass through unchanged
    EXPECT_EQ(r->media_type(), "application/octet-stream");
    const std::string* v = r->header("Eth-Consensus-Version");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(*v, "deneb");
    EXPECT_EQ(r->header("X-Not-There"), nullptr);
}

TEST(HttpSourceGet, GetBodyAsksForJsonAndMissingContentTypeIsEmpty) {
    net::io_context io;
    HeadRecorder server(io, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    HttpOptions o;
    o.timeout = std::chrono::milliseconds(2000);
    HttpSource s(server.url(), o);
    auto fut = net::co_spawn(io, s.get_body(), net::use_future);
    while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    auto body = fut.get();
    ASSERT_TRUE(body.has_value()) << to_string(body.error());
    EXPECT_EQ(*body, "{}");
    EXPECT_NE(server.head().find("\r\nAccept: application/json\r\n"), std::string::npos) << server.head();

    auto r = get(io, server.url(), "application/json");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->media_type(), "");
}

TEST(HttpSourceGet, NonOkStatusIsStillAnError) {
    net::io_context io;
    HeadRecorder server(io,
                        "HTTP/1.1 406 Not Acceptable\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                        "Connection: close\r\n\r\n{}");
    auto r = get(io, server.url(), "application/octet-stream");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kHttpStatus);
    EXPECT_NE(r.error().detail.find("406"), std::string::npos);
}

}  // namespace
}  // namespace hypasis::checkpoint
