#include "hypasis/p2p/rlpx/connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "hypasis/p2p/rlpx/ecies.hpp"
#include "hypasis/p2p/rlpx/scripted_random.hpp"

namespace hypasis::p2p::rlpx {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using ConnResult = Expected<std::unique_ptr<Connection>, std::error_code>;

// Runs one test scenario coroutine on a fresh io_context, bounded in time.
template <class F>
void run_scenario(F&& scenario, std::chrono::milliseconds limit = 10s) {
    asio::io_context ctx;
    bool done = false;
    std::exception_ptr error;
    asio::co_spawn(ctx, scenario(), [&](std::exception_ptr e) {
        done = true;
        error = e;
    });
    ctx.run_for(limit);
    ASSERT_TRUE(done) << "scenario did not finish within its time limit";
    if (error) std::rethrow_exception(error);
}

Task<void> sleep(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(kUseTuple);
}

struct Node {
    crypto::SecretKey key;
    crypto::PublicKey id;
    Hello hello;
    explicit Node(uint64_t seed, std::vector<Capability> caps = {{"eth", 68}, {"eth", 69}})
        : key(generate_secret_key(scripted_random({}, seed))), id(crypto::public_key(key).value()) {
        hello.client_id = "hypasis-test/" + std::to_string(seed);
        hello.capabilities = std::move(caps);
        hello.listen_port = 30303;
    }
};

ConnectionLimits short_limits() {
    ConnectionLimits l;
    l.handshake_timeout = 2s;
    l.idle_timeout = 2s;
    l.ping_interval = 1s;
    l.disconnect_timeout = 300ms;
    return l;
}

tcp::endpoint loopback(uint16_t port) { return {asio::ip::address_v4::loopback(), port}; }

// Accepts one TCP connection and runs the RLPx recipient side on it.
Task<ConnResult> accept_one(tcp::acceptor& acceptor, const Node& node, ConnectionLimits limits) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) co_return unexpected(std::error_code(ec));
    co_return co_await Connection::accept(std::move(socket), node.key, node.hello, std::move(limits));
}

Bytes payload_of(std::size_t n, uint8_t seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + (i / 7));
    return b;
}

TEST(Connection, HandshakeMessagesBothWaysAndDisconnectReason) {
    const Node server(41, {{"eth", 68}, {"eth", 69}, {"snap", 1}}), client(42, {{"eth", 68}, {"eth", 69}});
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        const auto port = acceptor.local_endpoint().port();
        auto [s, c] = co_await (accept_one(acceptor, server, short_limits()) &&
                                Connection::dial(ex, loopback(port), server.id, client.key, client.hello,
                                                 short_limits()));
        EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
        EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message());
        if (!s || !c) co_return;
        Connection& sc = **s;
        Connection& cc = **c;
        EXPECT_EQ(sc.remote_id(), client.id);
        EXPECT_EQ(cc.remote_id(), server.id);
        EXPECT_EQ(sc.remote_hello().client_id, client.hello.client_id);
        EXPECT_EQ(cc.remote_hello().capabilities, server.hello.capabilities);
        EXPECT_EQ(cc.remote_endpoint().port(), port);
        EXPECT_TRUE(sc.snappy() && cc.snappy());
        EXPECT_EQ(cc.shared_capabilities(), (std::vector<SharedCapability>{{{"eth", 69}, 0x10, 18}}));

        // Client to server, then server to client, including a large message.
        const Bytes small = payload_of(100, 1), big = payload_of(1 << 20, 2);
        EXPECT_FALSE(co_await cc.write(0x13, small));
        auto m1 = co_await sc.read();
        EXPECT_TRUE(m1.has_value());
        if (m1) {
            EXPECT_EQ(*m1, (Message{0x13, small}));
        }
        auto [w, m2] = co_await (sc.write(0x14, big) && cc.read());
        EXPECT_FALSE(w);
        EXPECT_TRUE(m2.has_value());
        if (m2) {
            EXPECT_EQ(*m2, (Message{0x14, big}));
        }

        // Several concurrent writers: all messages arrive intact, none interleaved.
        auto writers = co_await (cc.write(0x20, payload_of(5000, 3)) && cc.write(0x21, payload_of(7, 4)) &&
                                 cc.write(0x22, payload_of(70000, 5)));
        EXPECT_FALSE(std::get<0>(writers) || std::get<1>(writers) || std::get<2>(writers));
        std::vector<uint64_t> codes;
        for (int i = 0; i < 3; ++i) {
            auto m = co_await sc.read();
            EXPECT_TRUE(m.has_value());
            if (!m) co_return;
            codes.push_back(m->code);
            const std::size_t want = m->code == 0x20 ? 5000 : m->code == 0x21 ? 7 : 70000;
            EXPECT_EQ(m->payload, payload_of(want, static_cast<uint8_t>(m->code - 0x20 + 3)));
        }
        std::sort(codes.begin(), codes.end());
        EXPECT_EQ(codes, (std::vector<uint64_t>{0x20, 0x21, 0x22}));

        // The server disconnects while the client is reading: the client sees the reason.
        auto client_read = co_await (cc.read() && sc.disconnect(DisconnectReason::kTooManyPeers));
        EXPECT_FALSE(client_read.has_value());
        if (!client_read) {
            EXPECT_EQ(disconnect_reason(client_read.error()), DisconnectReason::kTooManyPeers)
                << client_read.error().message();
        }
        EXPECT_FALSE(sc.is_open());
        EXPECT_FALSE(cc.is_open());
        EXPECT_EQ(co_await sc.write(0x10, small), make_error_code(RlpxError::kClosed));
    });
}

// With ping_interval well under idle_timeout, a silent but live peer keeps the connection up: its reader answers
// our Pings, and we answer its own.
TEST(Connection, PingKeepalive) {
    const Node server(43), client(44);
    ConnectionLimits limits = short_limits();
    limits.ping_interval = 60ms;
    limits.idle_timeout = 250ms;
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        auto [s, c] = co_await (accept_one(acceptor, server, limits) &&
                                Connection::dial(ex, loopback(acceptor.local_endpoint().port()), server.id,
                                                 client.key, client.hello, limits));
        EXPECT_TRUE(s && c);
        if (!s || !c) co_return;
        Connection& sc = **s;
        Connection& cc = **c;
        const auto start = Clock::now();
        // The server reads, gets one message after 600 ms (> 2 x idle_timeout of silence), then disconnects.
        auto server_flow = [&]() -> Task<Expected<Message, std::error_code>> {
            auto m = co_await sc.read();
            co_await sc.disconnect(DisconnectReason::kClientQuitting);
            co_return m;
        };
        auto client_writer = [&]() -> Task<std::error_code> {
            co_await sleep(600ms);
            co_return co_await cc.write(0x10, payload_of(3, 9));
        };
        auto [server_msg, client_end, write_ec] = co_await (server_flow() && cc.read() && client_writer());
        EXPECT_FALSE(write_ec);
        EXPECT_TRUE(server_msg.has_value()) << (server_msg ? "" : server_msg.error().message());
        EXPECT_GE(Clock::now() - start, 600ms);
        EXPECT_FALSE(client_end.has_value());
        if (!client_end) {
            EXPECT_EQ(disconnect_reason(client_end.error()), DisconnectReason::kClientQuitting);
        }
    });
}

// A peer that stays connected but never reads cannot answer our Pings: the pending read ends at the idle deadline.
TEST(Connection, IdleTimeoutWhenPingsGoUnanswered) {
    const Node server(63), client(64);
    ConnectionLimits limits = short_limits();
    limits.ping_interval = 60ms;
    limits.idle_timeout = 250ms;
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        auto [s, c] = co_await (accept_one(acceptor, server, limits) &&
                                Connection::dial(ex, loopback(acceptor.local_endpoint().port()), server.id,
                                                 client.key, client.hello, limits));
        EXPECT_TRUE(s && c);
        if (!s || !c) co_return;
        const auto start = Clock::now();
        auto idle = co_await (*s)->read();
        const auto waited = Clock::now() - start;
        EXPECT_FALSE(idle.has_value());
        if (!idle) {
            EXPECT_EQ(idle.error(), make_error_code(RlpxError::kIdleTimeout));
        }
        EXPECT_GE(waited, 250ms);
        EXPECT_LT(waited, 2s);
        EXPECT_FALSE((*s)->is_open());
    });
}

TEST(Connection, NoSharedCapabilityIsUselessPeer) {
    const Node server(45, {{"eth", 69}}), client(46, {{"eth", 68}});
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        auto [s, c] = co_await (accept_one(acceptor, server, short_limits()) &&
                                Connection::dial(ex, loopback(acceptor.local_endpoint().port()), server.id,
                                                 client.key, client.hello, short_limits()));
        EXPECT_FALSE(s.has_value());
        EXPECT_FALSE(c.has_value());
        // Each side either detects it itself or hears the other side's "useless peer".
        for (const ConnResult* r : {&s, &c}) {
            if (r->has_value()) continue;
            const std::error_code ec = r->error();
            EXPECT_TRUE(ec == make_error_code(RlpxError::kNoSharedCapability) ||
                        disconnect_reason(ec) == DisconnectReason::kUselessPeer)
                << ec.message();
        }
    });
}

TEST(Connection, DialWrongRemoteKeyFails) {
    const Node server(47), client(48), impostor(49);
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        // The client expects `impostor`; the server cannot decrypt an auth sealed to another key.
        auto [s, c] = co_await (accept_one(acceptor, server, short_limits()) &&
                                Connection::dial(ex, loopback(acceptor.local_endpoint().port()), impostor.id,
                                                 client.key, client.hello, short_limits()));
        EXPECT_FALSE(s.has_value());
        if (!s) {
            EXPECT_EQ(s.error(), make_error_code(RlpxError::kEciesBadMac));
        }
        EXPECT_FALSE(c.has_value());
    });
}

TEST(Connection, SilentPeerTimesOut) {
    const Node server(50), client(51);
    ConnectionLimits limits = short_limits();
    limits.handshake_timeout = 200ms;
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        // A raw TCP client that connects and never sends: accept() gives up at its deadline.
        tcp::socket raw(ex);
        const auto start = Clock::now();
        auto [s, connected] =
            co_await (accept_one(acceptor, server, limits) &&
                      raw.async_connect(loopback(acceptor.local_endpoint().port()), kUseTuple));
        EXPECT_FALSE(std::get<0>(connected));
        EXPECT_FALSE(s.has_value());
        if (!s) {
            EXPECT_EQ(s.error(), make_error_code(RlpxError::kHandshakeTimeout));
        }
        const auto took = Clock::now() - start;
        EXPECT_GE(took, 200ms);
        EXPECT_LT(took, 1500ms);

        // A server that accepts TCP but never answers: dial() gives up at its deadline too.
        tcp::socket accepted(ex);
        const auto start2 = Clock::now();
        auto [c, accepted_ec] =
            co_await (Connection::dial(ex, loopback(acceptor.local_endpoint().port()), server.id, client.key,
                                       client.hello, limits) &&
                      acceptor.async_accept(accepted, kUseTuple));
        EXPECT_FALSE(std::get<0>(accepted_ec));
        EXPECT_FALSE(c.has_value());
        if (!c) {
            EXPECT_EQ(c.error(), make_error_code(RlpxError::kHandshakeTimeout));
        }
        EXPECT_LT(Clock::now() - start2, 1500ms);
    });
}

// A peer speaking raw RLPx through the pure state machines, to send what a well-behaved Connection never would.
struct RawPeer {
    tcp::socket socket;
    std::optional<FrameEncoder> encoder;
    std::optional<FrameDecoder> decoder;

    explicit RawPeer(Executor ex) : socket(ex) {}

    Task<std::error_code> handshake(uint16_t port, const crypto::PublicKey& remote, const crypto::SecretKey& key) {
        auto [ec] = co_await socket.async_connect(loopback(port), kUseTuple);
        if (ec) co_return ec;
        Initiator init(key, remote, scripted_random({}, 60));
        const Bytes auth = init.auth().value();
        auto [wec, n] = co_await asio::async_write(socket, asio::buffer(auth), kUseTuple);
        if (wec) co_return wec;
        Bytes buf;
        for (;;) {
            auto r = init.receive_ack(buf);
            if (!r) co_return make_error_code(r.error());
            if (r->complete) break;
            const std::size_t have = buf.size();
            buf.resize(r->bytes);
            auto [rec, m] = co_await asio::async_read(socket, asio::buffer(buf.data() + have, buf.size() - have),
                                                      kUseTuple);
            if (rec) co_return rec;
        }
        encoder.emplace(init.secrets());
        decoder.emplace(init.secrets());
        co_return std::error_code{};
    }

    Task<std::error_code> send_raw(const Bytes& wire) {
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(wire), kUseTuple);
        co_return ec;
    }

    Task<std::error_code> send(uint64_t code, ByteView payload, bool snappy) {
        Bytes wire, scratch;
        EXPECT_TRUE(encode_message(*encoder, code, payload, snappy, kMaxMessageSize, scratch, wire).has_value());
        co_return co_await send_raw(wire);
    }

    Task<Expected<Message, std::error_code>> receive(bool snappy) {
        Bytes header(kFrameHeaderSize);
        auto [ec, n] = co_await asio::async_read(socket, asio::buffer(header), kUseTuple);
        if (ec) co_return unexpected(std::error_code(ec));
        auto size = decoder->decode_header(header);
        if (!size) co_return unexpected(make_error_code(size.error()));
        Bytes body(frame_body_size(*size));
        auto [ec2, n2] = co_await asio::async_read(socket, asio::buffer(body), kUseTuple);
        if (ec2) co_return unexpected(std::error_code(ec2));
        auto data = decoder->decode_body(body, *size);
        if (!data) co_return unexpected(make_error_code(data.error()));
        auto msg = decode_message(*data, snappy);
        if (!msg) co_return unexpected(make_error_code(msg.error()));
        co_return std::move(*msg);
    }
};

// A Hello whose node id is not the key the handshake proved: the server disconnects with "unexpected identity".
TEST(Connection, HelloWithWrongNodeId) {
    const Node server(52), client(53), other(54);
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        RawPeer peer(ex);
        Hello lie = client.hello;
        lie.node_id = other.id;
        auto peer_side = [&]() -> Task<Expected<Message, std::error_code>> {
            if (auto ec = co_await peer.handshake(acceptor.local_endpoint().port(), server.id, client.key); ec) {
                co_return unexpected(ec);
            }
            EXPECT_FALSE(co_await peer.send(kHelloCode, encode_hello(lie), false));
            auto hello = co_await peer.receive(false);
            EXPECT_TRUE(hello && hello->code == kHelloCode);
            co_return co_await peer.receive(true);  // the Disconnect, compressed (both Hellos say v5)
        };
        auto [s, disconnect] = co_await (accept_one(acceptor, server, short_limits()) && peer_side());
        EXPECT_FALSE(s.has_value());
        if (!s) {
            EXPECT_EQ(s.error(), make_error_code(RlpxError::kUnexpectedIdentity));
        }
        EXPECT_TRUE(disconnect.has_value()) << (disconnect ? "" : disconnect.error().message());
        if (disconnect) {
            EXPECT_EQ(disconnect->code, kDisconnectCode);
            EXPECT_EQ(decode_disconnect(disconnect->payload).value(), DisconnectReason::kUnexpectedIdentity);
        }
    });
}

// Hostile frames: malformed Hello RLP, an oversized frame header, and a flipped MAC bit after the Hellos.
TEST(Connection, HostileFramesAreTypedErrors) {
    const Node server(55), client(56);
    ConnectionLimits limits = short_limits();
    limits.max_frame_size = 1 << 20;
    enum class Attack { kMalformedHello, kOversizedFrame, kBadMacAfterHello, kSnappyBomb };
    for (Attack attack : {Attack::kMalformedHello, Attack::kOversizedFrame, Attack::kBadMacAfterHello,
                          Attack::kSnappyBomb}) {
        SCOPED_TRACE(static_cast<int>(attack));
        run_scenario([&]() -> Task<void> {
            auto ex = co_await asio::this_coro::executor;
            tcp::acceptor acceptor(ex, loopback(0));
            RawPeer peer(ex);
            auto peer_side = [&]() -> Task<void> {
                if (co_await peer.handshake(acceptor.local_endpoint().port(), server.id, client.key)) co_return;
                if (attack == Attack::kMalformedHello) {
                    const Bytes bad = {0xc3, 0x05, 0x81};  // truncated list
                    co_await peer.send(kHelloCode, bad, false);
                } else if (attack == Attack::kOversizedFrame) {
                    Bytes wire;
                    peer.encoder->encode(payload_of((1 << 20) + 1, 7), {}, wire);
                    wire.resize(kFrameHeaderSize);  // only the (valid, authenticated) header is ever sent
                    co_await peer.send_raw(wire);
                } else {
                    Hello h = client.hello;
                    h.node_id = client.id;
                    co_await peer.send(kHelloCode, encode_hello(h), false);
                    Bytes wire, scratch;
                    if (attack == Attack::kSnappyBomb) {
                        Bytes frame_data = {0x10, 0xff, 0xff, 0xff, 0x7f, 0x00};  // claims 256 MiB
                        peer.encoder->encode(frame_data, {}, wire);
                    } else {
                        (void)encode_message(*peer.encoder, 0x10, payload_of(100, 8), true, kMaxMessageSize,
                                             scratch, wire);
                        wire[40] ^= 0x01;
                    }
                    co_await peer.send_raw(wire);
                }
                // Keep the socket open until the server has given up on it.
                co_await sleep(500ms);
            };
            auto server_side = [&]() -> Task<std::error_code> {
                auto s = co_await accept_one(acceptor, server, limits);
                if (!s) co_return s.error();
                auto m = co_await (*s)->read();
                co_return m ? std::error_code{} : m.error();
            };
            const std::error_code ec = co_await (server_side() && peer_side());
            const RlpxError want = attack == Attack::kMalformedHello   ? RlpxError::kInvalidHello
                                   : attack == Attack::kOversizedFrame ? RlpxError::kFrameTooLarge
                                   : attack == Attack::kSnappyBomb     ? RlpxError::kMessageTooLarge
                                                                       : RlpxError::kBadFrameMac;
            EXPECT_EQ(ec, make_error_code(want)) << ec.message();
        });
    }
}

// A peer that sends garbage gets an error, and the same acceptor then serves a well-behaved peer.
TEST(Connection, GarbageThenGoodPeerOnSameAcceptor) {
    const Node server(57), client(58);
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        const auto port = acceptor.local_endpoint().port();
        auto garbage_side = [&]() -> Task<void> {
            tcp::socket raw(ex);
            co_await raw.async_connect(loopback(port), kUseTuple);
            Bytes junk = payload_of(400, 9);
            junk[0] = 0x01;  // an EIP-8 size prefix of 0x01xx, then junk that fails ECIES
            co_await asio::async_write(raw, asio::buffer(junk), kUseTuple);
            co_await sleep(300ms);
        };
        auto bad = co_await (accept_one(acceptor, server, short_limits()) && garbage_side());
        EXPECT_FALSE(bad.has_value());
        if (!bad) {
            EXPECT_EQ(bad.error().category(), rlpx_category()) << bad.error().message();
        }
        auto [s, c] = co_await (accept_one(acceptor, server, short_limits()) &&
                                Connection::dial(ex, loopback(port), server.id, client.key, client.hello,
                                                 short_limits()));
        EXPECT_TRUE(s.has_value() && c.has_value());
        if (s && c) {
            EXPECT_FALSE(co_await (*c)->write(0x10, payload_of(10, 1)));
            auto m = co_await (*s)->read();
            EXPECT_TRUE(m.has_value());
        }
    });
}

TEST(Connection, LegacyAuthDial) {
    const Node server(59), client(60);
    ConnectionLimits limits = short_limits();
    limits.legacy_auth = true;
    run_scenario([&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        tcp::acceptor acceptor(ex, loopback(0));
        auto [s, c] = co_await (accept_one(acceptor, server, short_limits()) &&
                                Connection::dial(ex, loopback(acceptor.local_endpoint().port()), server.id,
                                                 client.key, client.hello, limits));
        EXPECT_TRUE(s.has_value() && c.has_value());
    });
}

TEST(Connection, CheckHello) {
    const Node a(61), b(62);
    Hello local = a.hello, remote = b.hello;
    local.node_id = a.id;
    remote.node_id = b.id;
    EXPECT_TRUE(Connection::check_hello(local, remote, b.id).has_value());
    Hello old = remote;
    old.protocol_version = 4;
    EXPECT_EQ(Connection::check_hello(local, old, b.id).error(), RlpxError::kIncompatibleVersion);
    Hello null = remote;
    null.node_id = {};
    EXPECT_EQ(Connection::check_hello(local, null, b.id).error(), RlpxError::kNullIdentity);
    EXPECT_EQ(Connection::check_hello(local, remote, a.id).error(), RlpxError::kUnexpectedIdentity);
    Hello self = remote;
    self.node_id = a.id;
    EXPECT_EQ(Connection::check_hello(local, self, a.id).error(), RlpxError::kSelfConnection);
    Hello useless = remote;
    useless.capabilities = {{"les", 4}};
    EXPECT_EQ(Connection::check_hello(local, useless, b.id).error(), RlpxError::kNoSharedCapability);
}

}  // namespace
}  // namespace hypasis::p2p::rlpx
