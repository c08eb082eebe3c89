// The REST API over real HTTP on 127.0.0.1: every route's JSON from a backend with known values, the bearer token,
// the error statuses, the limits and deadlines, keep-alive and the connection cap.
#include "hypasis/serve/rest_server.hpp"

#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <limits>
#include <stdexcept>
#include <thread>

#include "hypasis/serve/error.hpp"
#include "hypasis/serve/test_support_test.hpp"

namespace hypasis::serve {
namespace {

using namespace hypasis::serve::test;
namespace json = boost::json;
using storage::DataKind;
using storage::Range;

struct Calls {
    std::atomic<int> pause{0};
    std::atomic<int> resume{0};
};

p2p::peers::PeerInfo known_peer() {
    p2p::peers::PeerInfo p;
    p.peer_id.fill(0x11);
    p.endpoint = tcp::endpoint(net::ip::make_address("10.1.2.3"), 30303);
    p.version = p2p::eth::EthVersion::kEth69;
    p.client_id = "Geth/v1.14.0";
    p.inbound = true;
    p.head_hash.fill(0x22);
    p.head_number = 1499;
    p.earliest = 0;
    p.latest = 1499;
    p.reputation = -40;
    p.penalties = 3;
    p.last_penalty = "invalid data";
    p.header_rate = 1000.5;
    p.body_rate = 200;
    p.receipt_rate = 100;
    p.rtt = std::chrono::microseconds(2500);
    p.in_flight = 3;
    p.requests_served = 7;
    p.connected_at = p2p::Clock::now() - std::chrono::seconds(90);
    return p;
}

std::vector<p2p::peers::Ban> known_bans() {
    p2p::peers::Ban temp;
    temp.peer_id.fill(0x33);
    temp.ip = p2p::discv4::IpAddress::v4(10, 9, 9, 9);
    temp.until = p2p::peers::WallClock::now() + std::chrono::hours(1);
    temp.reason = "invalid data: headers do not link";
    p2p::peers::Ban forever;
    forever.peer_id.fill(0x44);
    forever.reason = "reputation";
    return {temp, forever};
}

checkpoint::RegistryEntry known_checkpoint() {
    checkpoint::RegistryEntry e;
    e.checkpoint.checkpoint.chain_id = 1;
    e.checkpoint.checkpoint.block_num = 1000;
    e.checkpoint.checkpoint.block_hash.fill(0xaa);
    e.checkpoint.checkpoint.state_root.fill(0xcc);
    e.checkpoint.checkpoint.timestamp = 1700000000;
    e.checkpoint.digest.fill(0xdd);
    e.checkpoint.rule = checkpoint::QuorumRule::kGeneric;
    e.checkpoint.signed_stake = U256(700);
    e.checkpoint.total_stake = U256(900);
    e.checkpoint.signers = 7;
    e.checkpoint.validators = 9;
    e.source = "file:/tmp/ckpt.json";
    e.verified_at = 1700000100;
    e.current = true;
    return e;
}

// Header gaps (ascending): [100,175) is what is left of the engine's [100,200); [500,750) is the engine's own;
// [900,950) is unknown to it. Bodies: one gap.
std::vector<Range> known_gaps(DataKind kind) {
    if (kind == DataKind::kHeaders) return {{100, 175}, {500, 750}, {900, 950}};
    if (kind == DataKind::kBodies) return {{1200, 1210}};
    return {};
}

ApiBackend known_backend(Calls* calls, sync::SyncStatus status = known_status()) {
    ApiBackend b;
    b.status = [status] { return status; };
    b.peers = [] { return std::vector<p2p::peers::PeerInfo>{known_peer()}; };
    b.bans = [] { return known_bans(); };
    b.peer_stats = [] {
        p2p::peers::PeerManagerStats s;
        s.sessions = 12;
        s.bans = 2;
        s.misbehaviours = 9;
        s.dial_failures = 4;
        return s;
    };
    b.gaps = known_gaps;
    b.store_stats = [] {
        storage::StoreStats s;
        s.cache.hits = 30;
        s.cache.misses = 10;
        s.cache.entries = 5;
        s.cache.bytes = 5000;
        s.corruptions_found = 1;
        return s;
    };
    b.checkpoints = []() -> Expected<std::vector<checkpoint::RegistryEntry>, std::string> {
        return std::vector<checkpoint::RegistryEntry>{known_checkpoint()};
    };
    if (calls != nullptr) {
        b.pause = [calls] { ++calls->pause; };
        b.resume = [calls] { ++calls->resume; };
    }
    return b;
}

RestServerOptions with_token(std::string token = "s3cret-token-0123456789") {
    RestServerOptions o;
    o.token = std::move(token);
    return o;
}

// ---- routes ----

TEST(RestServer, StatusShowsEveryFieldOfTheSnapshot) {
    ServerThread srv(known_backend(nullptr), {});
    const auto res = get(srv.endpoint(), "/api/v1/status");
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    const json::object o = body_json(res).as_object();
    EXPECT_EQ(o.at("phase"), "running");
    EXPECT_EQ(o.at("ready"), true);
    EXPECT_TRUE(o.at("error").is_null());
    EXPECT_EQ(o.at("historyMode"), "full");
    EXPECT_EQ(o.at("backwardPaused"), false);
    EXPECT_EQ(o.at("anchor").at("number"), 1000);
    EXPECT_EQ(o.at("anchor").at("hash"), json::value("0x" + std::string(64, 'a')));
    EXPECT_EQ(o.at("tip").at("number"), 1500);
    EXPECT_EQ(o.at("tip").at("hash"), json::value("0x" + std::string(64, 'b')));
    EXPECT_EQ(o.at("tipLag").at("blocks"), 2);
    EXPECT_DOUBLE_EQ(o.at("tipLag").at("seconds").as_double(), 24.5);
    EXPECT_EQ(o.at("peers").at("connected"), 1);
    EXPECT_EQ(o.at("peers").at("banned"), 2);
    EXPECT_EQ(o.at("gapsTracked"), 4);

    const auto& f = o.at("forward").as_object();
    EXPECT_EQ(f.at("state"), "syncing");
    EXPECT_EQ(f.at("height"), 1498);
    EXPECT_EQ(f.at("target"), 1500);
    EXPECT_EQ(f.at("remaining"), 2);
    EXPECT_DOUBLE_EQ(f.at("etaSeconds").as_double(), 0.16);
    EXPECT_DOUBLE_EQ(f.at("progress").as_double(), 498.0 / 500.0);  // (1498 - 1000) / (1500 - 1000)
    EXPECT_EQ(f.at("blocks"), 498);
    EXPECT_EQ(f.at("bodies"), 497);
    EXPECT_EQ(f.at("receipts"), 496);
    EXPECT_EQ(f.at("bytes"), 123456);
    EXPECT_EQ(f.at("requests"), 40);
    EXPECT_EQ(f.at("failedRequests"), 1);
    EXPECT_DOUBLE_EQ(f.at("blocksPerSecond").as_double(), 12.5);
    EXPECT_DOUBLE_EQ(f.at("bytesPerSecond").as_double(), 2048);
    const auto& fb = f.at("budget").at("bandwidth").as_object();
    EXPECT_DOUBLE_EQ(fb.at("share").as_double(), 0.7);
    EXPECT_DOUBLE_EQ(fb.at("limitPerSecond").as_double(), 700000);
    EXPECT_EQ(fb.at("used"), 90000);
    EXPECT_EQ(fb.at("borrowed"), 1000);
    EXPECT_EQ(fb.at("waits"), 3);
    EXPECT_EQ(f.at("budget").at("cpu").at("used"), 2500000);

    const auto& b = o.at("backward").as_object();
    EXPECT_EQ(b.at("height"), 750);
    EXPECT_EQ(b.at("target"), 0);
    EXPECT_EQ(b.at("remaining"), 750);
    EXPECT_DOUBLE_EQ(b.at("etaSeconds").as_double(), 15);
    EXPECT_DOUBLE_EQ(b.at("progress").as_double(), 250.0 / 1000.0);  // (1000 - 750) / (1000 - 0)
    EXPECT_EQ(b.at("failedRequests"), 4);
    EXPECT_EQ(b.at("budget").at("bandwidth").at("borrowed"), 20000);
    EXPECT_EQ(b.at("budget").at("cpu").at("borrowed"), 500000);
}

TEST(RestServer, StatusBeforeBootstrapHasNullsNotZeros) {
    sync::SyncStatus s;  // starting: nothing known yet
    s.forward.blocks_per_second = std::numeric_limits<double>::quiet_NaN();
    ApiBackend b;
    b.status = [s] { return s; };
    ServerThread srv(std::move(b), {});
    const json::object o = body_json(get(srv.endpoint(), "/api/v1/status")).as_object();
    EXPECT_EQ(o.at("phase"), "starting");
    EXPECT_TRUE(o.at("anchor").is_null());
    EXPECT_TRUE(o.at("tip").is_null());
    EXPECT_TRUE(o.at("peers").is_null());
    EXPECT_TRUE(o.at("forward").at("height").is_null());
    EXPECT_TRUE(o.at("forward").at("etaSeconds").is_null());
    EXPECT_TRUE(o.at("forward").at("progress").is_null());
    EXPECT_TRUE(o.at("forward").at("blocksPerSecond").is_null());  // NaN is not JSON
}

TEST(RestServer, GapsAreNewestFirstBoundedWithTotalsAndEngineEtas) {
    ServerThread srv(known_backend(nullptr), {});
    const json::object o = body_json(get(srv.endpoint(), "/api/v1/gaps?limit=2")).as_object();
    EXPECT_EQ(o.at("limit"), 2);
    EXPECT_EQ(o.at("historyMode"), "full");
    const auto& h = o.at("headers").as_object();
    EXPECT_EQ(h.at("count"), 3);
    EXPECT_EQ(h.at("blocks"), 75 + 250 + 50);
    EXPECT_EQ(h.at("truncated"), true);
    const auto& list = h.at("gaps").as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("first"), 900);  // newest first
    EXPECT_EQ(list[0].at("end"), 950);
    EXPECT_EQ(list[0].at("size"), 50);
    EXPECT_FALSE(list[0].as_object().contains("etaSeconds"));  // the engine does not track it
    EXPECT_EQ(list[1].at("first"), 500);
    EXPECT_DOUBLE_EQ(list[1].at("etaSeconds").as_double(), 15.0);
    EXPECT_EQ(list[1].at("filled"), 0);

    const json::object all = body_json(get(srv.endpoint(), "/api/v1/gaps")).as_object();
    const auto& every = all.at("headers").at("gaps").as_array();
    ASSERT_EQ(every.size(), 3u);
    EXPECT_EQ(every[2].at("first"), 100);
    EXPECT_EQ(every[2].at("end"), 175);
    EXPECT_EQ(every[2].at("filled"), 25);  // matched to the engine's [100, 200)
    EXPECT_DOUBLE_EQ(every[2].at("etaSeconds").as_double(), 20.0);
    EXPECT_EQ(all.at("bodies").at("count"), 1);
    EXPECT_EQ(all.at("bodies").at("gaps").at(0).at("first"), 1200);
    EXPECT_DOUBLE_EQ(all.at("bodies").at("gaps").at(0).at("etaSeconds").as_double(), 3.0);  // per kind
    EXPECT_EQ(all.at("receipts").at("count"), 0);
    EXPECT_EQ(all.at("headers").at("truncated"), false);

    const json::object bodies = body_json(get(srv.endpoint(), "/api/v1/gaps?kind=bodies")).as_object();
    EXPECT_TRUE(bodies.contains("bodies"));
    EXPECT_FALSE(bodies.contains("headers"));

    EXPECT_EQ(get(srv.endpoint(), "/api/v1/gaps?limit=0").result_int(), 400u);
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/gaps?limit=1001").result_int(), 400u);
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/gaps?limit=12x").result_int(), 400u);
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/gaps?kind=state").result_int(), 400u);
}

TEST(RestServer, GapsShowOnlyTheKindsTheHistoryModeFills) {
    sync::SyncStatus s = known_status();
    s.history_mode = "headers";
    ServerThread srv(known_backend(nullptr, s), {});
    const json::object o = body_json(get(srv.endpoint(), "/api/v1/gaps")).as_object();
    EXPECT_TRUE(o.contains("headers"));
    EXPECT_FALSE(o.contains("bodies"));
    EXPECT_FALSE(o.contains("receipts"));
}

TEST(RestServer, CheckpointsListTheRegistry) {
    ServerThread srv(known_backend(nullptr), {});
    const json::object o = body_json(get(srv.endpoint(), "/api/v1/checkpoints")).as_object();
    const auto& list = o.at("checkpoints").as_array();
    ASSERT_EQ(list.size(), 1u);
    const auto& c = list[0].as_object();
    EXPECT_EQ(c.at("chainId"), 1);
    EXPECT_EQ(c.at("blockNum"), 1000);
    EXPECT_EQ(c.at("blockHash"), json::value("0x" + std::string(64, 'a')));
    EXPECT_EQ(c.at("stateRoot"), json::value("0x" + std::string(64, 'c')));
    EXPECT_EQ(c.at("digest"), json::value("0x" + std::string(64, 'd')));
    EXPECT_EQ(c.at("timestamp"), 1700000000);
    EXPECT_EQ(c.at("rule"), "generic");
    EXPECT_EQ(c.at("signedStake"), "700");
    EXPECT_EQ(c.at("totalStake"), "900");
    EXPECT_EQ(c.at("signers"), 7);
    EXPECT_EQ(c.at("validators"), 9);
    EXPECT_EQ(c.at("source"), "file:/tmp/ckpt.json");
    EXPECT_EQ(c.at("verifiedAt"), 1700000100);
    EXPECT_EQ(c.at("revoked"), false);
    EXPECT_EQ(c.at("current"), true);
}

TEST(RestServer, CheckpointRegistryFailureIs500WithTheReason) {
    ApiBackend b;
    b.checkpoints = []() -> Expected<std::vector<checkpoint::RegistryEntry>, std::string> {
        return unexpected(std::string("corrupt record"));
    };
    ServerThread srv(std::move(b), {});
    const auto res = get(srv.endpoint(), "/api/v1/checkpoints");
    EXPECT_EQ(res.result_int(), 500u);
    EXPECT_NE(body_json(res).at("error").as_string().find("corrupt record"), json::string::npos);
}

TEST(RestServer, PeersShowConnectedAndBanned) {
    ServerThread srv(known_backend(nullptr), {});
    const json::object o = body_json(get(srv.endpoint(), "/api/v1/peers")).as_object();
    EXPECT_EQ(o.at("connected"), 1);
    const auto& p = o.at("peers").at(0).as_object();
    EXPECT_EQ(p.at("id"), json::value("0x" + std::string(128, '1')));
    EXPECT_EQ(p.at("endpoint"), "10.1.2.3:30303");
    EXPECT_EQ(p.at("client"), "Geth/v1.14.0");
    EXPECT_EQ(p.at("version"), 69);
    EXPECT_EQ(p.at("inbound"), true);
    EXPECT_EQ(p.at("head").at("number"), 1499);
    EXPECT_EQ(p.at("head").at("hash"), json::value("0x" + std::string(64, '2')));
    EXPECT_EQ(p.at("range").at("earliest"), 0);
    EXPECT_EQ(p.at("range").at("latest"), 1499);
    EXPECT_EQ(p.at("reputation"), -40);
    EXPECT_EQ(p.at("penalties"), 3);
    EXPECT_EQ(p.at("lastPenalty"), "invalid data");
    EXPECT_DOUBLE_EQ(p.at("rates").at("headers").as_double(), 1000.5);
    EXPECT_DOUBLE_EQ(p.at("rates").at("bodies").as_double(), 200);
    EXPECT_DOUBLE_EQ(p.at("rttMs").as_double(), 2.5);
    EXPECT_EQ(p.at("inFlight"), 3);
    EXPECT_EQ(p.at("requestsServed"), 7);
    EXPECT_GE(p.at("connectedSeconds").as_int64(), 90);
    EXPECT_LT(p.at("connectedSeconds").as_int64(), 200);

    const auto& banned = o.at("banned").as_array();
    ASSERT_EQ(banned.size(), 2u);
    EXPECT_EQ(banned[0].at("id"), json::value("0x" + std::string(128, '3')));
    EXPECT_EQ(banned[0].at("ip"), "10.9.9.9");
    EXPECT_EQ(banned[0].at("reason"), "invalid data: headers do not link");
    EXPECT_GT(banned[0].at("expiresInSeconds").as_int64(), 3500);
    EXPECT_LE(banned[0].at("expiresInSeconds").as_int64(), 3600);
    EXPECT_GT(banned[0].at("until").as_int64(), 1700000000);
    EXPECT_TRUE(banned[1].at("until").is_null());  // permanent
    EXPECT_TRUE(banned[1].at("ip").is_null());
    EXPECT_EQ(banned[1].at("reason"), "reputation");
}

TEST(RestServer, HealthzAndReadyz) {
    ServerThread ready(known_backend(nullptr), {});
    EXPECT_EQ(get(ready.endpoint(), "/healthz").result_int(), 200u);
    const auto r = get(ready.endpoint(), "/readyz");
    EXPECT_EQ(r.result_int(), 200u);
    EXPECT_EQ(body_json(r).at("ready"), true);

    sync::SyncStatus s = known_status();
    s.ready = false;
    s.phase = sync::Phase::kFailed;
    s.error = "checkpoint: insufficient stake";
    ServerThread failed(known_backend(nullptr, s), {});
    EXPECT_EQ(get(failed.endpoint(), "/healthz").result_int(), 200u);
    const auto nr = get(failed.endpoint(), "/readyz");
    EXPECT_EQ(nr.result_int(), 503u);
    EXPECT_EQ(body_json(nr).at("ready"), false);
    EXPECT_EQ(body_json(nr).at("error"), "checkpoint: insufficient stake");

    ServerThread none(ApiBackend{}, {});
    EXPECT_EQ(get(none.endpoint(), "/healthz").result_int(), 200u);
    EXPECT_EQ(get(none.endpoint(), "/readyz").result_int(), 503u);
}

TEST(RestServer, DashboardIsSelfContainedHtml) {
    ServerThread srv(known_backend(nullptr), {});
    const auto res = get(srv.endpoint(), "/");
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_NE(res["Content-Security-Policy"].find("default-src 'none'"), std::string::npos);
    const std::string& html = res.body();
    EXPECT_NE(html.find("/api/v1/status"), std::string::npos);
    EXPECT_NE(html.find("/api/v1/gaps"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);  // no external assets
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
}

// ---- the bearer token ----

TEST(RestServer, PauseWithoutOrWithAWrongTokenIs401AndNotCalled) {
    Calls calls;
    ServerThread srv(known_backend(&calls), with_token());
    const auto none = request(srv.endpoint(), http::verb::post, "/api/v1/sync/pause");
    EXPECT_EQ(none.result_int(), 401u);
    EXPECT_EQ(none[http::field::www_authenticate], "Bearer");
    EXPECT_TRUE(body_json(none).at("error").is_string());
    const auto wrong = request(srv.endpoint(), http::verb::post, "/api/v1/sync/pause",
                               {{"Authorization", "Bearer s3cret-token-0123456780"}});
    EXPECT_EQ(wrong.result_int(), 401u);
    const auto prefix =
        request(srv.endpoint(), http::verb::post, "/api/v1/sync/pause", {{"Authorization", "Bearer s3cret-token"}});
    EXPECT_EQ(prefix.result_int(), 401u);
    const auto basic = request(srv.endpoint(), http::verb::post, "/api/v1/sync/resume",
                               {{"Authorization", "Basic s3cret-token-0123456789"}});
    EXPECT_EQ(basic.result_int(), 401u);
    EXPECT_EQ(calls.pause, 0);
    EXPECT_EQ(calls.resume, 0);
}

TEST(RestServer, PauseAndResumeWithTheTokenCallTheBackend) {
    Calls calls;
    ServerThread srv(known_backend(&calls), with_token());
    const auto paused = request(srv.endpoint(), http::verb::post, "/api/v1/sync/pause",
                                {{"Authorization", "Bearer s3cret-token-0123456789"}});
    EXPECT_EQ(paused.result_int(), 200u);
    EXPECT_EQ(body_json(paused).at("backward"), "paused");
    EXPECT_EQ(calls.pause, 1);
    EXPECT_EQ(calls.resume, 0);
    const auto resumed = request(srv.endpoint(), http::verb::post, "/api/v1/sync/resume",
                                 {{"Authorization", "bearer  s3cret-token-0123456789 "}});  // scheme is case-blind
    EXPECT_EQ(resumed.result_int(), 200u);
    EXPECT_EQ(body_json(resumed).at("backward"), "resumed");
    EXPECT_EQ(calls.resume, 1);
}

TEST(RestServer, PauseByGetIs405AndNeverCalled) {
    Calls calls;
    ServerThread srv(known_backend(&calls), with_token());
    const auto res = request(srv.endpoint(), http::verb::get, "/api/v1/sync/pause",
                             {{"Authorization", "Bearer s3cret-token-0123456789"}});
    EXPECT_EQ(res.result_int(), 405u);
    EXPECT_EQ(res[http::field::allow], "POST");
    EXPECT_EQ(calls.pause, 0);
}

TEST(RestServer, WithoutAConfiguredTokenEveryPostIs401) {
    Calls calls;
    ServerThread srv(known_backend(&calls), with_token(""));
    const auto res = request(srv.endpoint(), http::verb::post, "/api/v1/sync/pause", {{"Authorization", "Bearer "}});
    EXPECT_EQ(res.result_int(), 401u);
    EXPECT_EQ(calls.pause, 0);
}

// ---- errors ----

TEST(RestServer, UnknownPathsMethodsAndBackendsGiveJsonErrors) {
    ApiBackend partial;
    partial.status = [] { return known_status(); };
    partial.gaps = [](DataKind) -> std::vector<Range> { throw std::runtime_error("store closed"); };
    ServerThread srv(std::move(partial), {});
    const auto nf = get(srv.endpoint(), "/api/v2/status");
    EXPECT_EQ(nf.result_int(), 404u);
    EXPECT_EQ(body_json(nf).at("error"), "no such route");
    const auto post = request(srv.endpoint(), http::verb::post, "/api/v1/status");
    EXPECT_EQ(post.result_int(), 405u);
    EXPECT_EQ(post[http::field::allow], "GET");
    EXPECT_EQ(request(srv.endpoint(), http::verb::delete_, "/metrics").result_int(), 405u);
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/peers").result_int(), 503u);        // no peer source
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/checkpoints").result_int(), 503u);  // no registry
    const auto thrown = get(srv.endpoint(), "/api/v1/gaps");
    EXPECT_EQ(thrown.result_int(), 500u);
    EXPECT_NE(body_json(thrown).at("error").as_string().find("store closed"), json::string::npos);
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/status").result_int(), 200u);  // still serving
}

// Sends raw bytes on a new connection and reads the answer until the server closes.
std::string raw_exchange(const tcp::endpoint& ep, const std::string& bytes) {
    net::io_context io;
    auto s = connect(io, ep);
    net::write(s, net::buffer(bytes));
    std::string out;
    char buf[4096];
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(net::buffer(buf), ec);
        out.append(buf, n);
        if (ec) break;
    }
    return out;
}

TEST(RestServer, MalformedRequestsGet400AndTheConnectionCloses) {
    ServerThread srv(known_backend(nullptr), {});
    EXPECT_TRUE(raw_exchange(srv.endpoint(), "HELLO\r\n\r\n").starts_with("HTTP/1.1 400"));
    EXPECT_TRUE(raw_exchange(srv.endpoint(), "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n").starts_with("HTTP/1.1 400"));
    // A target that is not origin-form parses as HTTP but is refused by the router.
    EXPECT_TRUE(raw_exchange(srv.endpoint(), "GET healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .starts_with("HTTP/1.1 400"));
    EXPECT_EQ(srv.server().stats().bad_requests, 2u);
}

TEST(RestServer, OversizedBodyGets413) {
    RestServerOptions o;
    o.max_body_bytes = 1024;
    Calls calls;
    o.token = "s3cret-token-0123456789";
    ServerThread srv(known_backend(&calls), o);
    // Refused on its Content-Length, before the body is read.
    const std::string reply = raw_exchange(srv.endpoint(),
                                           "POST /api/v1/sync/pause HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                           "s3cret-token-0123456789\r\nContent-Length: 5000\r\n\r\n" +
                                               std::string(5000, 'x'));
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
    EXPECT_NE(reply.find("\"error\""), std::string::npos);
    EXPECT_EQ(calls.pause, 0);
    // Chunked, so the size shows only as it arrives.
    const std::string chunked = raw_exchange(
        srv.endpoint(), "POST /api/v1/sync/pause HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
                            std::string(2048, 'y') + "\r\n0\r\n\r\n");
    EXPECT_TRUE(chunked.starts_with("HTTP/1.1 413")) << chunked;
}

TEST(RestServer, OversizedHeaderGets431WhileAnotherClientIsServed) {
    RestServerOptions o;
    o.max_header_bytes = 2048;
    ServerThread srv(known_backend(nullptr), o);
    const std::string reply = raw_exchange(
        srv.endpoint(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'z') + "\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 431")) << reply.substr(0, 100);
    EXPECT_EQ(get(srv.endpoint(), "/healthz").result_int(), 200u);
}

TEST(RestServer, SlowlorisIsCutAtTheReadDeadlineWhileOthersAreServed) {
    RestServerOptions o;
    o.read_timeout = std::chrono::milliseconds(400);
    ServerThread srv(known_backend(nullptr), o);
    net::io_context io;
    auto slow = connect(io, srv.endpoint());
    const auto start = std::chrono::steady_clock::now();
    const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    net::write(slow, net::buffer(head));
    // Keep trickling one byte every 50 ms, well within any per-read timeout, until the server hangs up.
    bool closed = false;
    std::chrono::steady_clock::duration cut_after{};
    for (int i = 0; i < 100 && !closed; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        boost::system::error_code ec;
        net::write(slow, net::buffer("a", 1), ec);
        if (ec) {
            closed = true;
            cut_after = std::chrono::steady_clock::now() - start;
            break;
        }
        if (i == 3) {
            // Meanwhile another client is served at once.
            EXPECT_EQ(get(srv.endpoint(), "/api/v1/status").result_int(), 200u);
        }
        // The server closes at the deadline: a non-blocking peek sees EOF or a reset.
        char c;
        const ssize_t n = ::recv(slow.native_handle(), &c, 1, MSG_DONTWAIT | MSG_PEEK);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            closed = true;
            cut_after = std::chrono::steady_clock::now() - start;
        }
    }
    ASSERT_TRUE(closed) << "the slow client was never cut off";
    EXPECT_GE(cut_after, std::chrono::milliseconds(350));
    EXPECT_LT(cut_after, std::chrono::seconds(3));
    EXPECT_EQ(srv.server().stats().timeouts, 1u);
}

TEST(RestServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    ServerThread srv(known_backend(nullptr), {});
    net::io_context io;
    auto s = connect(io, srv.endpoint());
    boost::beast::flat_buffer buffer;
    for (const char* target : {"/healthz", "/api/v1/status", "/metrics"}) {
        http::request<http::string_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "x");
        http::write(s, req);
        http::response<http::string_body> res;
        http::read(s, buffer, res);
        EXPECT_EQ(res.result_int(), 200u) << target;
        EXPECT_TRUE(res.keep_alive());
    }
    EXPECT_EQ(srv.server().stats().connections_accepted, 1u);
    EXPECT_EQ(srv.server().stats().requests, 3u);
}

TEST(RestServer, ConnectionsAboveTheCapAreClosedAtOnce) {
    RestServerOptions o;
    o.max_connections = 2;
    ServerThread srv(known_backend(nullptr), o);
    net::io_context io;
    auto a = connect(io, srv.endpoint());
    auto b = connect(io, srv.endpoint());
    for (int i = 0; i < 200 && srv.server().stats().connections_active < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(srv.server().stats().connections_active, 2u);
    auto c = connect(io, srv.endpoint());
    char byte;
    boost::system::error_code ec;
    c.read_some(net::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    EXPECT_EQ(srv.server().stats().connections_rejected, 1u);
    // Once one closes, a new client is served again.
    a.close();
    for (int i = 0; i < 200 && srv.server().stats().connections_active > 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(get(srv.endpoint(), "/healthz").result_int(), 200u);
}

TEST(RestServer, StopClosesTheListenerAndOpenConnections) {
    auto srv = std::make_unique<ServerThread>(known_backend(nullptr), RestServerOptions{});
    const auto ep = srv->endpoint();
    net::io_context io;
    auto idle = connect(io, ep);
    for (int i = 0; i < 200 && srv->server().stats().connections_active < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    srv.reset();  // stop() and join: returns only because every coroutine ended
    char byte;
    boost::system::error_code ec;
    idle.read_some(net::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    tcp::socket again(io);
    again.connect(ep, ec);
    EXPECT_TRUE(ec) << "still listening";
}

TEST(RestServer, StartRefusesABadAddressAndABusyPort) {
    net::io_context io;
    RestServerOptions bad;
    bad.address = "localhost";  // host names are not accepted
    RestServer s1(io.get_executor(), {}, bad);
    ASSERT_FALSE(s1.start());
    EXPECT_EQ(s1.start().error(), make_error_code(ServeError::kBadAddress));

    RestServerOptions any;
    any.port = 0;
    RestServer s2(io.get_executor(), {}, any);
    ASSERT_TRUE(s2.start());
    EXPECT_EQ(s2.start().error(), make_error_code(ServeError::kAlreadyStarted));
    EXPECT_EQ(s2.url(), "http://127.0.0.1:" + std::to_string(s2.local_endpoint().port()));
    RestServerOptions same;
    same.port = s2.local_endpoint().port();
    RestServer s3(io.get_executor(), {}, same);
    const auto busy = s3.start();
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error(), std::errc::address_in_use);
    s2.stop();
    s3.stop();
    io.run();
}

}  // namespace
}  // namespace hypasis::serve
