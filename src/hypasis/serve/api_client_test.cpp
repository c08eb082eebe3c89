#include "hypasis/serve/api_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "hypasis/serve/error.hpp"
#include "hypasis/serve/rest_server.hpp"
#include "hypasis/serve/test_support_test.hpp"

namespace hypasis::serve {
namespace {

TEST(ApiUrl, ParsesTheFormsOperatorsType) {
    auto u = parse_api_url("http://127.0.0.1:9000");
    ASSERT_TRUE(u);
    EXPECT_EQ(*u, (ApiUrl{"127.0.0.1", 9000, ""}));
    EXPECT_EQ(*parse_api_url("http://localhost"), (ApiUrl{"localhost", kDefaultApiPort, ""}));
    EXPECT_EQ(*parse_api_url("127.0.0.1:8600/"), (ApiUrl{"127.0.0.1", 8600, ""}));
    EXPECT_EQ(*parse_api_url("http://[::1]:8555/hypasis/"), (ApiUrl{"::1", 8555, "/hypasis"}));
    EXPECT_EQ(to_string(*parse_api_url("http://[::1]:8555/hypasis/")), "http://[::1]:8555/hypasis");
    EXPECT_EQ(to_string(ApiUrl{"127.0.0.1", 1, ""}), "http://127.0.0.1:1");
    for (const char* bad :
         {"https://127.0.0.1:8555", "http://", "http://:80", "http://h:0", "http://h:65536", "http://h:80x",
          "http://h:", "http://[::1", "http://[::1]x", "http://h/?q=1", "ftp://h", "http://user@h"}) {
        const auto r = parse_api_url(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), make_error_code(ServeError::kBadUrl)) << bad;
    }
}

TEST(ApiClient, GetsFromARealServer) {
    ApiBackend b;
    b.status = [] { return test::known_status(); };
    test::ServerThread srv(std::move(b), {});
    const ApiUrl url{"127.0.0.1", srv.port(), ""};
    const auto r = http_get(url, "/api/v1/status", std::chrono::seconds(5));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200u);
    EXPECT_NE(r->body.find("\"phase\":\"running\""), std::string::npos);
    const auto nf = http_get(url, "/nope", std::chrono::seconds(5));
    ASSERT_TRUE(nf);
    EXPECT_EQ(nf->status, 404u);
    const auto small = http_get(url, "/", std::chrono::seconds(5), 100);  // the dashboard is larger
    ASSERT_FALSE(small);
    EXPECT_EQ(small.error(), make_error_code(ServeError::kResponseTooLarge));
}

TEST(ApiClient, AClosedPortIsUnreachable) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const uint16_t port = a.local_endpoint().port();
    a.close();  // nothing listens there now
    const auto r = http_get(ApiUrl{"127.0.0.1", port, ""}, "/healthz", std::chrono::seconds(2));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(ServeError::kUnreachable));
}

TEST(ApiClient, AServerThatNeverAnswersTimesOut) {
    boost::asio::io_context io;
    // Listening (the kernel completes the handshake) but never accepting or answering.
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto start = std::chrono::steady_clock::now();
    const auto r =
        http_get(ApiUrl{"127.0.0.1", a.local_endpoint().port(), ""}, "/healthz", std::chrono::milliseconds(300));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(ServeError::kTimeout));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace hypasis::serve
