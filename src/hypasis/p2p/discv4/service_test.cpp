// The UDP service, over 127.0.0.1 only: every socket binds 127.0.0.1 port 0 and every packet goes to 127.0.0.1.
// Every wait is bounded in wall time; the packet expirations use an injected, fixed clock.
#include "hypasis/p2p/discv4/service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::p2p::discv4 {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;

constexpr uint64_t kNow = 1'700'000'000;

crypto::SecretKey key_of(uint32_t n) {
    return crypto::keccak256(ByteView{reinterpret_cast<const uint8_t*>(&n), sizeof(n)});
}

ServiceConfig config_of(uint32_t n) {
    ServiceConfig c;
    c.key = key_of(n);
    c.listen_address = "127.0.0.1";
    c.listen_port = 0;
    c.tcp_port = 30303;
    c.request_timeout = 300ms;
    c.neighbours_wait = 50ms;
    c.unix_now = [] { return kNow; };
    return c;
}

class Discv4Service : public ::testing::Test {
  protected:
    ~Discv4Service() override {
        for (auto& s : services_) s->stop();
        io_.restart();
        io_.run_for(2s);  // lets every coroutine see the stop and finish
    }

    Service& make(ServiceConfig c) {
        auto s = Service::create(io_.get_executor(), std::move(c));
        EXPECT_TRUE(s) << to_string(s.error());
        services_.push_back(std::move(*s));
        services_.back()->start();
        return *services_.back();
    }
    Service& make(uint32_t n) { return make(config_of(n)); }

    /// Runs a task to completion, bounded by `limit` of wall time.
    template <class T>
    std::optional<T> run(Task<T> task, std::chrono::milliseconds limit = 10s) {
        std::optional<T> out;
        asio::co_spawn(io_, std::move(task), [&](std::exception_ptr e, T v) {
            if (e) std::rethrow_exception(e);
            out = std::move(v);
        });
        const auto deadline = Clock::now() + limit;
        io_.restart();
        while (!out && Clock::now() < deadline) io_.run_one_for(20ms);
        return out;
    }

    /// Runs the executor for a while (bounded), e.g. to let packets be processed.
    void pump(std::chrono::milliseconds d) {
        io_.restart();
        io_.run_for(d);
    }

    asio::io_context io_;
    std::vector<std::unique_ptr<Service>> services_;
};

/// A raw UDP socket on 127.0.0.1 that speaks discv4 by hand, to observe the service's behaviour packet by packet.
class RawPeer {
  public:
    RawPeer(asio::io_context& io, uint32_t key) : key_(key_of(key)), socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        socket_.non_blocking(true);
    }
    NodeId id() const { return *crypto::public_key(key_); }
    uint16_t port() const { return socket_.local_endpoint().port(); }

    Hash send(const Service& to, const Message& m) {
        const Bytes bytes = *encode_packet(m, key_);
        const Endpoint e = to.local_endpoint();
        socket_.send_to(asio::buffer(bytes), udp::endpoint(asio::ip::make_address("127.0.0.1"), e.udp));
        Hash h;
        std::copy_n(bytes.begin(), 32, h.begin());
        return h;
    }

    /// Everything received so far, raw (non-blocking reads).
    std::vector<Bytes> drain() {
        std::vector<Bytes> out;
        std::array<uint8_t, 2048> buf{};
        for (int i = 0; i < 10'000; ++i) {
            boost::system::error_code ec;
            udp::endpoint from;
            const std::size_t n = socket_.receive_from(asio::buffer(buf), from, 0, ec);
            if (ec) break;
            out.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
        }
        return out;
    }

  private:
    crypto::SecretKey key_;
    udp::socket socket_;
};

Ping ping_from(const RawPeer& p, const Service& to) {
    return Ping{kPingVersion, {IpAddress::v4(127, 0, 0, 1), p.port(), 0}, to.local_endpoint(), kNow + 20, std::nullopt};
}

// Regression: the configured UDP port was ignored (the socket always bound port 0), so `hypasis run` answered
// discovery on a random port instead of its listening port.
TEST_F(Discv4Service, BindsTheConfiguredUdpPort) {
    uint16_t port = 0;
    {
        asio::ip::udp::socket probe(io_, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }  // released: the service binds it next
    ServiceConfig c = config_of(7);
    c.listen_port = port;
    Service& s = make(c);
    EXPECT_EQ(s.self().endpoint.udp, port);
    Service& other = make(8);
    auto pong = run(other.ping(s.self()));
    ASSERT_TRUE(pong);
    EXPECT_TRUE(*pong);
}

// Regression: destroying a Service right after stop() left its receive loop to resume on freed memory (caught by
// ASan in `hypasis p2p ping`). shutdown() waits for the service's own tasks, so destroying it next is safe.
TEST(Discv4ServiceLifetime, DestroyingRightAfterShutdownIsSafe) {
    asio::io_context io;
    bool done = false;
    asio::co_spawn(
        io,
        [&]() -> Task<void> {
            auto s = Service::create(io.get_executor(), config_of(9));
            EXPECT_TRUE(s);
            if (!s) co_return;
            (*s)->start();
            co_await (*s)->shutdown();
            EXPECT_EQ((*s)->pending(), 0u);
            s->reset();  // destroyed here; the io_context keeps running afterwards
            done = true;
        },
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    io.run_for(5s);
    EXPECT_TRUE(done);
}

TEST_F(Discv4Service, PingPongBondsBothWays) {
    Service& a = make(1);
    Service& b = make(2);
    auto pong = run(a.ping(b.self()));
    ASSERT_TRUE(pong);
    ASSERT_TRUE(*pong) << to_string(pong->error());
    EXPECT_EQ((*pong)->enr_seq, b.enr().seq());
    EXPECT_EQ((*pong)->to.udp, a.local_endpoint().udp);
    EXPECT_TRUE(a.table().is_bonded(b.id(), IpAddress::v4(127, 0, 0, 1), Clock::now()));
    EXPECT_TRUE(a.table().find(b.id()));
    // b pings back the unknown node that pinged it; after that b holds an endpoint proof for a too.
    for (int i = 0; i < 50 && !b.table().is_bonded(a.id(), IpAddress::v4(127, 0, 0, 1), Clock::now()); ++i) pump(10ms);
    EXPECT_TRUE(b.table().is_bonded(a.id(), IpAddress::v4(127, 0, 0, 1), Clock::now()));
    EXPECT_EQ(a.pending(), 0u);
}

TEST_F(Discv4Service, FindNodeIsAnsweredOnlyAfterBonding) {
    Service& b = make(2);
    for (uint32_t n = 100; n < 105; ++n) b.table().add(Node{*crypto::public_key(key_of(n)), {IpAddress::v4(127, 0, 0, 1), 1, 1}});
    RawPeer c(io_, 3);
    // Not bonded: FINDNODE is dropped, nothing comes back (no amplification).
    c.send(b, FindNode{c.id(), kNow + 20});
    pump(150ms);
    EXPECT_TRUE(c.drain().empty());
    EXPECT_EQ(b.stats().dropped_unsolicited, 1u);

    // Bond: our PING gets a PONG and b pings back; answer that PING.
    const Hash ping_hash = c.send(b, ping_from(c, b));
    pump(150ms);
    bool got_pong = false;
    for (const Bytes& raw : c.drain()) {
        auto p = decode_packet(raw, kNow);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->sender, b.id());
        if (auto* pong = std::get_if<Pong>(&p->message)) {
            got_pong = pong->ping_hash == ping_hash;
        } else if (std::holds_alternative<Ping>(p->message)) {
            c.send(b, Pong{{IpAddress::v4(127, 0, 0, 1), b.local_endpoint().udp, 0}, p->hash, kNow + 20, 1});
        }
    }
    EXPECT_TRUE(got_pong);
    pump(100ms);
    ASSERT_TRUE(b.table().is_bonded(c.id(), IpAddress::v4(127, 0, 0, 1), Clock::now()));

    c.send(b, FindNode{c.id(), kNow + 20});
    pump(150ms);
    std::size_t nodes = 0;
    for (const Bytes& raw : c.drain()) {
        auto p = decode_packet(raw, kNow);
        ASSERT_TRUE(p);
        if (auto* n = std::get_if<Neighbours>(&p->message)) nodes += n->nodes.size();
    }
    EXPECT_EQ(nodes, 6u);  // the five nodes added, and b's ping-back put c itself in its table
}

TEST_F(Discv4Service, NeighboursAreSplitUnder1280Bytes) {
    Service& b = make(2);
    for (uint32_t n = 100; n < 160; ++n) {
        b.table().add(Node{*crypto::public_key(key_of(n)), {IpAddress::v4(127, 0, 0, static_cast<uint8_t>(n)), 1, 1}});
    }
    ASSERT_GE(b.table().size(), 16u);
    RawPeer c(io_, 3);
    c.send(b, ping_from(c, b));
    pump(150ms);
    for (const Bytes& raw : c.drain()) {
        auto p = decode_packet(raw, kNow);
        ASSERT_TRUE(p);
        if (std::holds_alternative<Ping>(p->message)) {
            c.send(b, Pong{{IpAddress::v4(127, 0, 0, 1), b.local_endpoint().udp, 0}, p->hash, kNow + 20, 1});
        }
    }
    pump(100ms);
    c.send(b, FindNode{c.id(), kNow + 20});
    pump(150ms);
    std::size_t packets = 0, nodes = 0;
    for (const Bytes& raw : c.drain()) {
        EXPECT_LE(raw.size(), kMaxPacketSize);
        auto p = decode_packet(raw, kNow);
        ASSERT_TRUE(p);
        if (auto* n = std::get_if<Neighbours>(&p->message)) {
            ++packets;
            nodes += n->nodes.size();
        }
    }
    EXPECT_EQ(nodes, kMaxNeighbours);
    EXPECT_GE(packets, 2u);
}

TEST_F(Discv4Service, ServiceFindNodeBondsFirst) {
    Service& a = make(1);
    Service& b = make(2);
    const Node extra{*crypto::public_key(key_of(77)), {IpAddress::v4(127, 0, 0, 1), 7, 7}};
    b.table().add(extra);
    auto nodes = run(a.find_node(b.self(), extra.id));
    ASSERT_TRUE(nodes);
    ASSERT_TRUE(*nodes) << to_string(nodes->error());
    EXPECT_NE(std::find((*nodes)->begin(), (*nodes)->end(), extra), (*nodes)->end());
}

TEST_F(Discv4Service, EnrRequestReturnsTheVerifiedRecord) {
    Service& a = make(1);
    Service& b = make(2);
    auto enr = run(a.request_enr(b.self()));
    ASSERT_TRUE(enr);
    ASSERT_TRUE(*enr) << to_string(enr->error());
    EXPECT_EQ((*enr)->encoded(), b.enr().encoded());
    EXPECT_EQ((*enr)->public_key(), b.id());
    EXPECT_EQ((*enr)->udp(), b.local_endpoint().udp);
    EXPECT_EQ((*enr)->tcp(), 30303);
    EXPECT_EQ((*enr)->ip(), IpAddress::v4(127, 0, 0, 1));
}

TEST_F(Discv4Service, RepliesFromAnotherNodeIdAreNotAccepted) {
    // b answers at its address, but we ask it as if it were node 9: the pong comes from the wrong id and is
    // not accepted as a reply, so nothing bonds and the request times out instead of trusting it.
    Service& a = make(1);
    Service& b = make(2);
    Node impostor = b.self();
    impostor.id = *crypto::public_key(key_of(9));
    auto enr = run(a.request_enr(impostor));
    ASSERT_TRUE(enr);
    EXPECT_EQ(enr->error(), Discv4Error::kTimeout);
    EXPECT_GE(a.stats().dropped_unsolicited, 1u);
}

TEST_F(Discv4Service, LookupOverEightNodesFindsTheTarget) {
    constexpr uint32_t kNodes = 8;
    std::vector<Service*> s;
    for (uint32_t i = 0; i < kNodes; ++i) s.push_back(&make(10 + i));
    // A chain: each node knows only the next one, so the target is found only by iterating.
    for (uint32_t i = 1; i + 1 < kNodes; ++i) s[i]->table().add(s[i + 1]->self());
    ServiceConfig c = config_of(100);
    c.bootnodes = {s[1]->self()};
    c.lookup_alpha = 3;
    Service& seeker = make(c);
    auto found = run(seeker.lookup(s[kNodes - 1]->id()), 20s);
    ASSERT_TRUE(found);
    const auto it = std::find_if(found->begin(), found->end(), [&](const Node& n) { return n.id == s[kNodes - 1]->id(); });
    EXPECT_NE(it, found->end());
    EXPECT_LE(found->size(), kMaxNeighbours);
}

TEST_F(Discv4Service, TimesOutWhenTheNodeIsDown) {
    Service& a = make(1);
    Node gone;
    {
        auto b = Service::create(io_.get_executor(), config_of(2));
        ASSERT_TRUE(b);
        gone = (*b)->self();
        (*b)->stop();
    }  // the port is closed now; nothing answers there
    const auto t0 = Clock::now();
    auto pong = run(a.ping(gone));
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->error(), Discv4Error::kTimeout);
    EXPECT_LT(Clock::now() - t0, 5s);
    auto nodes = run(a.find_node(gone, gone.id));
    ASSERT_TRUE(nodes);
    EXPECT_EQ(nodes->error(), Discv4Error::kTimeout);
    EXPECT_EQ(a.pending(), 0u);
}

TEST_F(Discv4Service, LoopbackOnlyRefusesOtherDestinationsWithoutSending) {
    Service& a = make(1);
    // 192.0.2.1 is TEST-NET-1 (RFC 5737). The guard must refuse it before encoding; the socket is bound to
    // 127.0.0.1 as well, from which the kernel would not route it either.
    const Node outside{*crypto::public_key(key_of(5)), {IpAddress::v4(192, 0, 2, 1), 30303, 30303}};
    EXPECT_FALSE(a.destination_allowed(outside.endpoint.ip));
    EXPECT_TRUE(a.destination_allowed(IpAddress::v4(127, 1, 2, 3)));
    EXPECT_TRUE(a.destination_allowed(*IpAddress::parse("::1")));
    EXPECT_FALSE(a.destination_allowed(*IpAddress::parse("::ffff:10.0.0.1")));
    EXPECT_FALSE(a.destination_allowed(IpAddress::v4(0, 0, 0, 0)));
    const uint64_t sent_before = a.stats().sent;

    auto pong = run(a.ping(outside));
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->error(), Discv4Error::kDestinationNotAllowed);
    auto nodes = run(a.find_node(outside, outside.id));
    ASSERT_TRUE(nodes);
    EXPECT_EQ(nodes->error(), Discv4Error::kDestinationNotAllowed);
    auto enr = run(a.request_enr(outside));
    ASSERT_TRUE(enr);
    EXPECT_EQ(enr->error(), Discv4Error::kDestinationNotAllowed);
    EXPECT_EQ(a.stats().sent, sent_before);
    EXPECT_EQ(a.stats().refused_destination, 3u);
    EXPECT_EQ(a.pending(), 0u);

    // The configuration switch is what allows it (checked as a predicate only: nothing is sent).
    ServiceConfig open = config_of(6);
    open.allow_non_loopback = true;
    Service& b = make(open);
    EXPECT_TRUE(b.destination_allowed(outside.endpoint.ip));
    EXPECT_FALSE(b.destination_allowed(IpAddress{}));
}

TEST_F(Discv4Service, RateLimitingDropsAFlood) {
    ServiceConfig c = config_of(2);
    c.rate_per_second = 1;
    c.rate_burst = 10;
    Service& b = make(c);
    RawPeer flood(io_, 3);
    constexpr int kPackets = 200;
    for (int i = 0; i < kPackets; ++i) flood.send(b, ping_from(flood, b));
    pump(300ms);
    std::size_t pongs = 0;
    for (const Bytes& raw : flood.drain()) {
        auto p = decode_packet(raw, kNow);
        if (p && std::holds_alternative<Pong>(p->message)) ++pongs;
    }
    EXPECT_LE(pongs, 12u);  // the burst, plus what refills during the run
    EXPECT_GE(pongs, 1u);
    EXPECT_GE(b.stats().dropped_rate_limited, static_cast<uint64_t>(kPackets - 12));
    EXPECT_EQ(b.stats().received, static_cast<uint64_t>(kPackets));
}

TEST_F(Discv4Service, InvalidAndExpiredPacketsAreDropped) {
    Service& b = make(2);
    RawPeer c(io_, 3);
    Ping stale = ping_from(c, b);
    stale.expiration = kNow - 1;
    c.send(b, stale);
    pump(100ms);
    EXPECT_TRUE(c.drain().empty());
    EXPECT_EQ(b.stats().dropped_invalid, 1u);
    // An unsolicited PONG is ignored.
    c.send(b, Pong{{IpAddress::v4(127, 0, 0, 1), b.local_endpoint().udp, 0}, Hash{}, kNow + 20, 1});
    pump(100ms);
    EXPECT_EQ(b.stats().dropped_unsolicited, 1u);
}

TEST_F(Discv4Service, StopCancelsPendingRequests) {
    Service& a = make(1);
    Node silent{*crypto::public_key(key_of(8)), {IpAddress::v4(127, 0, 0, 1), 9, 9}};  // port 9 (discard): no reply
    ServiceConfig slow = config_of(4);
    slow.request_timeout = 5s;
    Service& s = make(slow);
    (void)a;
    std::optional<Expected<Pong, Discv4Error>> out;
    asio::co_spawn(io_, s.ping(silent), [&](std::exception_ptr e, Expected<Pong, Discv4Error> r) {
        if (e) std::rethrow_exception(e);
        out = std::move(r);
    });
    pump(50ms);
    EXPECT_FALSE(out);
    EXPECT_EQ(s.pending(), 1u);
    s.stop();
    const auto t0 = Clock::now();
    io_.restart();
    while (!out && Clock::now() - t0 < 2s) io_.run_one_for(20ms);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->error(), Discv4Error::kStopped);
    EXPECT_EQ(s.pending(), 0u);
    auto after = run(s.ping(silent));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->error(), Discv4Error::kStopped);
}

}  // namespace
}  // namespace hypasis::p2p::discv4
