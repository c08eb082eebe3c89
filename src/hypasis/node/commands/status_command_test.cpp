#include "hypasis/node/commands/status_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <string>

#include "hypasis/serve/api_json.hpp"
#include "hypasis/serve/test_support_test.hpp"

namespace hypasis::node {
namespace {

// Captures what a command writes to a FILE*.
class Capture {
  public:
    Capture() : file_(std::tmpfile()) {}
    ~Capture() { std::fclose(file_); }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;
    std::FILE* file() { return file_; }
    std::string text() {
        std::fflush(file_);
        std::rewind(file_);
        std::string s;
        char buf[4096];
        std::size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) s.append(buf, n);
        return s;
    }

  private:
    std::FILE* file_;
};

serve::ApiBackend backend(sync::SyncStatus s = serve::test::known_status()) {
    serve::ApiBackend b;
    b.status = [s] { return s; };
    b.peers = [] { return std::vector<p2p::peers::PeerInfo>(4); };
    b.bans = [] { return std::vector<p2p::peers::Ban>(1); };
    return b;
}

StatusCommandOptions options_for(uint16_t port) {
    StatusCommandOptions o;
    o.api = "http://127.0.0.1:" + std::to_string(port);
    o.timeout_seconds = 3;
    o.interval_seconds = 0.05;
    return o;
}

TEST(StatusCommand, OnceShowsTheHeightsRatesAndEtas) {
    serve::test::ServerThread srv(backend(), {});
    StatusCommandOptions o = options_for(srv.port());
    o.once = true;
    Capture out, err;
    EXPECT_EQ(run_status(o, out.file(), err.file(), ProgressMode::kLines), 0);
    const std::string text = out.text();
    EXPECT_EQ(err.text(), "");
    EXPECT_NE(text.find("running, ready"), std::string::npos) << text;
    EXPECT_NE(text.find("anchor 1000"), std::string::npos) << text;
    EXPECT_NE(text.find("tip 1500, lag 2 blocks (24 s)"), std::string::npos) << text;  // 24.5 s rounds to even
    EXPECT_NE(text.find("peers 4 (1 banned)"), std::string::npos) << text;
    EXPECT_NE(text.find("block 1498 of 1500"), std::string::npos) << text;
    EXPECT_NE(text.find("block 750 down to 0"), std::string::npos) << text;
    EXPECT_NE(text.find(" 99.6%"), std::string::npos) << text;  // 498 / 500
    EXPECT_NE(text.find(" 25.0%"), std::string::npos) << text;
    EXPECT_NE(text.find("12.5 blocks/s"), std::string::npos) << text;
    EXPECT_NE(text.find("50.0 blocks/s"), std::string::npos) << text;
    EXPECT_NE(text.find("4.1 kB/s"), std::string::npos) << text;
    EXPECT_NE(text.find("ETA 15s"), std::string::npos) << text;
    EXPECT_EQ(text.find("\x1b["), std::string::npos);  // plain lines: no escapes
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

TEST(StatusCommand, JsonOncePrintsTheApiDocument) {
    serve::test::ServerThread srv(backend(), {});
    StatusCommandOptions o = options_for(srv.port());
    o.once = true;
    o.json = true;
    Capture out, err;
    EXPECT_EQ(run_status(o, out.file(), err.file(), ProgressMode::kLines), 0);
    const auto v = boost::json::parse(out.text());
    EXPECT_EQ(v.at("forward").at("height"), 1498);
    EXPECT_EQ(v.at("backward").at("height"), 750);
}

TEST(StatusCommand, LiveModeOnATerminalRedrawsInPlace) {
    serve::test::ServerThread srv(backend(), {});
    StatusCommandOptions o = options_for(srv.port());
    o.max_polls = 3;
    Capture out, err;
    EXPECT_EQ(run_status(o, out.file(), err.file(), ProgressMode::kBar), 0);
    const std::string text = out.text();
    std::size_t ups = 0;
    for (std::size_t p = text.find("\x1b[3F"); p != std::string::npos; p = text.find("\x1b[3F", p + 1)) ++ups;
    EXPECT_EQ(ups, 2u);  // the second and third snapshots go back over the previous one
    EXPECT_NE(text.find("[#######################-]"), std::string::npos) << text;  // 99.6% of 24 cells
    EXPECT_NE(text.find("[######------------------]"), std::string::npos) << text;  // 25% of 24 cells
}

TEST(StatusCommand, PausedBackwardAndUnknownValuesShowAsSuch) {
    sync::SyncStatus s;
    s.phase = sync::Phase::kBootstrapping;
    s.backward_paused = true;
    s.backward.state = "idle";
    const auto lines = format_status(serve::status_json(s, std::nullopt), 10);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_NE(lines[0].find("bootstrapping, not ready"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("tip unknown"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find("[----------]"), std::string::npos) << lines[1];
    EXPECT_NE(lines[1].find("block - of -"), std::string::npos) << lines[1];
    EXPECT_NE(lines[1].find("ETA -"), std::string::npos) << lines[1];
    EXPECT_NE(lines[2].find("idle (paused)"), std::string::npos) << lines[2];
}

TEST(StatusCommand, EtaFormatting) {
    EXPECT_EQ(format_eta(std::nullopt), "-");
    EXPECT_EQ(format_eta(-1.0), "-");
    EXPECT_EQ(format_eta(0.4), "0s");
    EXPECT_EQ(format_eta(59.6), "1m00s");
    EXPECT_EQ(format_eta(187), "3m07s");
    EXPECT_EQ(format_eta(3900), "1h05m");
}

TEST(StatusCommand, AClosedPortIsAClearErrorAndExit1) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const uint16_t port = a.local_endpoint().port();
    a.close();
    StatusCommandOptions o = options_for(port);
    o.once = true;
    Capture out, err;
    EXPECT_EQ(run_status(o, out.file(), err.file(), ProgressMode::kLines), 1);
    const std::string e = err.text();
    EXPECT_NE(e.find("http://127.0.0.1:" + std::to_string(port)), std::string::npos) << e;
    EXPECT_NE(e.find("unreachable"), std::string::npos) << e;
    EXPECT_EQ(out.text(), "");
}

// A node restarted under a live watch: the watch says so, waits, and resumes when the API answers again on the
// same port (it used to exit at the first failed poll).
TEST(StatusCommand, LiveModeWaitsForANodeThatRestarts) {
    std::atomic<int> first_calls{0};
    serve::ApiBackend first = backend();
    const auto status = first.status;
    first.status = [&first_calls, status] {
        ++first_calls;
        return status();
    };
    auto srv = std::make_unique<serve::test::ServerThread>(first, serve::RestServerOptions{});
    const uint16_t port = srv->port();
    StatusCommandOptions o = options_for(port);
    o.interval_seconds = 1.0;  // the old server is gone long before the second poll
    o.wait_seconds = 20;
    o.max_polls = 2;
    Capture out, err;
    int code = -1;
    std::thread watch([&] { code = run_status(o, out.file(), err.file(), ProgressMode::kLines); });
    for (int i = 0; i < 2000 && first_calls.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(first_calls.load(), 1);
    srv.reset();  // the node stops
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // at least one failed poll
    serve::RestServerOptions again_options;
    again_options.address = "127.0.0.1";
    again_options.port = port;
    serve::RestServerThread again(backend(), again_options);  // ... and comes back on the same port
    ASSERT_TRUE(again.start().has_value());
    watch.join();
    EXPECT_EQ(code, 0);
    const std::string e = err.text();
    EXPECT_NE(e.find("unreachable; waiting up to 20 s"), std::string::npos) << e;
    EXPECT_NE(e.find("answers again"), std::string::npos) << e;
    const std::string text = out.text();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6) << text;  // two snapshots of three lines
}

TEST(StatusCommand, LiveModeGivesUpWhenTheWaitRunsOut) {
    auto srv = std::make_unique<serve::test::ServerThread>(backend(), serve::RestServerOptions{});
    StatusCommandOptions o = options_for(srv->port());
    o.wait_seconds = 0.3;
    o.interval_seconds = 0.05;
    Capture out, err;
    int code = -1;
    std::thread watch([&] { code = run_status(o, out.file(), err.file(), ProgressMode::kLines); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a few snapshots
    srv.reset();
    watch.join();
    EXPECT_EQ(code, 1);
    const std::string e = err.text();
    EXPECT_NE(e.find("waiting up to 0.3 s"), std::string::npos) << e;
    EXPECT_NE(e.find("is `hypasis run` running"), std::string::npos) << e;
}

TEST(StatusCommand, ANodeThatDoesNotAnswerTimesOut) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});  // never accepts
    StatusCommandOptions o = options_for(a.local_endpoint().port());
    o.once = true;
    o.timeout_seconds = 0.3;
    Capture out, err;
    EXPECT_EQ(run_status(o, out.file(), err.file(), ProgressMode::kLines), 1);
    EXPECT_NE(err.text().find("not answering"), std::string::npos) << err.text();
}

TEST(StatusCommand, AnApiWithoutStatusAndABadUrlAreErrors) {
    serve::test::ServerThread srv(serve::ApiBackend{}, {});  // no engine: /api/v1/status is 503
    StatusCommandOptions o = options_for(srv.port());
    o.once = true;
    Capture out, err;
    EXPECT_EQ(run_status(o, out.file(), err.file(), ProgressMode::kLines), 1);
    EXPECT_NE(err.text().find("answered 503: sync status not available"), std::string::npos) << err.text();

    StatusCommandOptions bad;
    bad.api = "https://127.0.0.1:1";
    Capture out2, err2;
    EXPECT_EQ(run_status(bad, out2.file(), err2.file(), ProgressMode::kLines), 2);
    EXPECT_NE(err2.text().find("--api"), std::string::npos);
}

TEST(StatusCommand, RegistersWithItsOptions) {
    CLI::App app;
    int exit_code = -1;
    add_status_command(app, exit_code);
    CLI::App* cmd = app.get_subcommand("status");
    ASSERT_NE(cmd, nullptr);
    EXPECT_NE(cmd->get_option("--api"), nullptr);
    EXPECT_NE(cmd->get_option("--once"), nullptr);
    EXPECT_NE(cmd->get_option("--json"), nullptr);
    EXPECT_NE(cmd->get_option("--interval"), nullptr);
    EXPECT_THROW(app.parse("status --interval 0", false), CLI::ParseError);  // must be positive
}

}  // namespace
}  // namespace hypasis::node
