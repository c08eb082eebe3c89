#include "hypasis/p2p/rlpx/connection.hpp"

#include <algorithm>
#include <cstring>
#include <variant>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/p2p/rlpx/handshake.hpp"

namespace hypasis::p2p::rlpx {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t kInitialReadBuffer = 64 * 1024;

bool is_zero(const crypto::PublicKey& k) noexcept {
    return std::all_of(k.begin(), k.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

Connection::Connection(tcp::socket socket, const crypto::SecretKey& local_key, Hello local_hello,
                       ConnectionLimits limits)
    : socket_(std::move(socket)),
      local_key_(local_key),
      local_hello_(std::move(local_hello)),
      limits_(std::move(limits)),
      write_wake_(socket_.get_executor()),
      reader_done_(socket_.get_executor()) {
    write_wake_.expires_at(asio::steady_timer::time_point::max());
    reader_done_.expires_at(asio::steady_timer::time_point::max());
    if (!limits_.random) limits_.random = system_random();
    auto own = crypto::public_key(local_key_);
    HYPASIS_ASSERT(own.has_value());  // the node's own key is configuration, checked at start-up
    local_hello_.node_id = *own;
}

Connection::~Connection() { close(); }

Task<Expected<std::unique_ptr<Connection>, std::error_code>> Connection::dial(
    Executor executor, tcp::endpoint endpoint, const crypto::PublicKey& remote_id, const crypto::SecretKey& local_key,
    Hello local_hello, ConnectionLimits limits) {
    std::unique_ptr<Connection> conn(
        new Connection(tcp::socket(executor), local_key, std::move(local_hello), std::move(limits)));
    Connection& c = *conn;
    co_return co_await finish(std::move(conn), c.run_dial(endpoint, remote_id));
}

Task<Expected<std::unique_ptr<Connection>, std::error_code>> Connection::accept(tcp::socket socket,
                                                                                const crypto::SecretKey& local_key,
                                                                                Hello local_hello,
                                                                                ConnectionLimits limits) {
    std::unique_ptr<Connection> conn(
        new Connection(std::move(socket), local_key, std::move(local_hello), std::move(limits)));
    Connection& c = *conn;
    co_return co_await finish(std::move(conn), c.run_accept());
}

Task<Expected<std::unique_ptr<Connection>, std::error_code>> Connection::finish(std::unique_ptr<Connection> conn,
                                                                                Task<std::error_code> steps) {
    asio::steady_timer deadline(conn->socket_.get_executor(), conn->limits_.handshake_timeout);
    auto result = co_await (std::move(steps) || deadline.async_wait(kUseTuple));
    const std::error_code ec =
        result.index() == 1 ? make_error_code(RlpxError::kHandshakeTimeout) : std::get<0>(result);
    if (ec) {
        conn->close();
        co_return unexpected(ec);
    }
    co_return std::move(conn);
}

Task<std::error_code> Connection::run_dial(tcp::endpoint endpoint, crypto::PublicKey remote_id) {
    auto [connect_ec] = co_await socket_.async_connect(endpoint, kUseTuple);
    if (connect_ec) co_return connect_ec;
    endpoint_ = endpoint;
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    remote_id_ = remote_id;

    Initiator initiator(local_key_, remote_id, limits_.random, !limits_.legacy_auth);
    auto auth = initiator.auth();
    if (!auth) co_return auth.error();
    auto [write_ec, written] = co_await asio::async_write(socket_, asio::buffer(*auth), kUseTuple);
    if (write_ec) co_return write_ec;
    for (;;) {
        auto r = initiator.receive_ack(ByteView{read_buffer_.data(), read_end_});
        if (!r) co_return r.error();
        if (r->complete) {
            read_start_ = r->bytes;  // anything after the ack is the start of the first frame
            break;
        }
        if (auto ec = co_await fill(r->bytes, false); ec) co_return ec;
    }
    install(initiator.secrets());
    co_return co_await exchange_hello();
}

Task<std::error_code> Connection::run_accept() {
    boost::system::error_code endpoint_ec;
    endpoint_ = socket_.remote_endpoint(endpoint_ec);
    if (endpoint_ec) co_return endpoint_ec;
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);

    Recipient recipient(local_key_, limits_.random);
    for (;;) {
        auto r = recipient.receive_auth(ByteView{read_buffer_.data(), read_end_});
        if (!r) co_return r.error();
        if (r->complete) {
            read_start_ = r->bytes;
            break;
        }
        if (auto ec = co_await fill(r->bytes, false); ec) co_return ec;
    }
    auto ack = recipient.ack();
    if (!ack) co_return ack.error();
    auto [write_ec, written] = co_await asio::async_write(socket_, asio::buffer(*ack), kUseTuple);
    if (write_ec) co_return write_ec;
    remote_id_ = recipient.remote_id();
    install(recipient.secrets());
    co_return co_await exchange_hello();
}

void Connection::install(const Secrets& secrets) {
    encoder_.emplace(secrets);
    decoder_.emplace(secrets, limits_.max_frame_size);
}

Expected<std::vector<SharedCapability>, RlpxError> Connection::check_hello(const Hello& local, const Hello& remote,
                                                                          const crypto::PublicKey& handshake_id) {
    if (remote.protocol_version < kP2pVersion) return unexpected(RlpxError::kIncompatibleVersion);
    if (is_zero(remote.node_id)) return unexpected(RlpxError::kNullIdentity);
    if (remote.node_id != handshake_id) return unexpected(RlpxError::kUnexpectedIdentity);
    if (remote.node_id == local.node_id) return unexpected(RlpxError::kSelfConnection);
    auto shared = negotiate(local.capabilities, remote.capabilities);
    if (shared.empty()) return unexpected(RlpxError::kNoSharedCapability);
    return shared;
}

Task<std::error_code> Connection::exchange_hello() {
    const Bytes hello = encode_hello(local_hello_);
    if (auto ec = co_await send(kHelloCode, hello); ec) co_return ec;
    auto frame = co_await read_frame(false);
    if (!frame) co_return co_await fail(frame.error());
    // Before both Hellos are known nothing is compressed (RLPx spec: Hello is never compressed).
    auto msg = decode_message(*frame, false, limits_.max_message_size);
    if (!msg) co_return co_await fail(msg.error());
    if (msg->code == kDisconnectCode) {
        auto reason = decode_disconnect(msg->payload);
        close();
        co_return reason ? make_error_code(*reason) : make_error_code(reason.error());
    }
    if (msg->code != kHelloCode) co_return co_await fail(RlpxError::kUnexpectedMessage);
    auto remote = decode_hello(msg->payload);
    if (!remote) co_return co_await fail(remote.error());
    // The peer compresses everything after the Hellos, and reads our messages the same way, including a
    // Disconnect we send because its Hello failed a check.
    snappy_ = local_hello_.protocol_version >= kP2pVersion && remote->protocol_version >= kP2pVersion;
    auto shared = check_hello(local_hello_, *remote, remote_id_);
    if (!shared) co_return co_await fail(shared.error());
    remote_hello_ = std::move(*remote);
    shared_ = std::move(*shared);
    last_received_ = Clock::now();
    co_return std::error_code{};
}

Task<std::error_code> Connection::fail(std::error_code ec) {
    if (ec.category() == rlpx_category() && ec != RlpxError::kClosed) {
        co_await disconnect(disconnect_reason_for(static_cast<RlpxError>(ec.value())));
    } else {
        close();
    }
    co_return ec;
}

Task<std::error_code> Connection::read_some() {
    auto [ec, n] = co_await socket_.async_read_some(
        asio::buffer(read_buffer_.data() + read_end_, read_buffer_.size() - read_end_), kUseTuple);
    if (n > 0) {
        read_end_ += n;
        last_received_ = Clock::now();
        ping_sent_ = false;
    }
    co_return ec;
}

Task<std::error_code> Connection::fill(std::size_t n, bool keepalive) {
    if (read_end_ - read_start_ >= n) co_return std::error_code{};
    if (read_start_ > 0) {
        std::memmove(read_buffer_.data(), read_buffer_.data() + read_start_, read_end_ - read_start_);
        read_end_ -= read_start_;
        read_start_ = 0;
    }
    // n is bounded by the caller: kMaxHandshakeSize + 2, or a frame body whose size passed the frame limit.
    if (read_buffer_.size() < n) read_buffer_.resize(std::max(n, kInitialReadBuffer));
    while (read_end_ < n) {
        if (closed_) co_return make_error_code(RlpxError::kClosed);
        if (!keepalive) {  // the handshake runs under its own overall deadline
            if (auto ec = co_await read_some(); ec) co_return ec;
            continue;
        }
        const auto idle_at = last_received_ + limits_.idle_timeout;
        if (Clock::now() >= idle_at) co_return make_error_code(RlpxError::kIdleTimeout);
        const auto ping_at = last_received_ + limits_.ping_interval;
        asio::steady_timer timer(socket_.get_executor(), ping_sent_ ? idle_at : std::min(idle_at, ping_at));
        auto r = co_await (read_some() || timer.async_wait(kUseTuple));
        if (r.index() == 0) {
            if (auto ec = std::get<0>(r); ec) co_return ec;
            continue;
        }
        if (!ping_sent_ && Clock::now() >= ping_at) {
            ping_sent_ = true;
            const uint8_t empty = kEmptyList;
            if (auto ec = co_await send(kPingCode, ByteView{&empty, 1}); ec) co_return ec;
        }
    }
    co_return std::error_code{};
}

Task<Expected<std::span<uint8_t>, std::error_code>> Connection::read_frame(bool keepalive) {
    if (auto ec = co_await fill(kFrameHeaderSize, keepalive); ec) co_return unexpected(ec);
    auto size = decoder_->decode_header(ByteView{read_buffer_.data() + read_start_, kFrameHeaderSize});
    if (!size) co_return unexpected(make_error_code(size.error()));
    read_start_ += kFrameHeaderSize;
    const std::size_t body = frame_body_size(*size);  // allocation below is bounded by max_frame_size
    if (auto ec = co_await fill(body, keepalive); ec) co_return unexpected(ec);
    auto data = decoder_->decode_body(std::span<uint8_t>{read_buffer_.data() + read_start_, body}, *size);
    if (!data) co_return unexpected(make_error_code(data.error()));
    read_start_ += body;
    co_return *data;
}

Task<Expected<Message, std::error_code>> Connection::read() {
    HYPASIS_ASSERT(!reading_);
    reading_ = true;
    // The idle clock counts silence while a read is pending: a caller that paused between reads has not seen
    // what arrived meanwhile, so the pause must not count against the peer.
    const auto now = Clock::now();
    if (last_received_ < now) {
        last_received_ = now;
        ping_sent_ = false;
    }
    auto result = co_await read_loop();
    reading_ = false;
    if (!result) {
        const std::error_code ec = result.error();
        if (ec.category() == rlpx_category() && ec != RlpxError::kClosed) {
            co_await disconnect(disconnect_reason_for(static_cast<RlpxError>(ec.value())));
        } else {
            close();
        }
    }
    reader_done_.cancel();
    co_return result;
}

Task<Expected<Message, std::error_code>> Connection::read_loop() {
    for (;;) {
        if (closed_) co_return unexpected(make_error_code(RlpxError::kClosed));
        auto frame = co_await read_frame(true);
        if (!frame) co_return unexpected(frame.error());
        auto msg = decode_message(*frame, snappy_, limits_.max_message_size);
        if (!msg && snappy_ && msg.error() == RlpxError::kBadSnappy) {
            // Some clients send a Disconnect uncompressed even after the Hellos; accept that one message so.
            auto raw = decode_message(*frame, false, limits_.max_message_size);
            if (raw && raw->code == kDisconnectCode) msg = std::move(raw);
        }
        if (!msg) co_return unexpected(make_error_code(msg.error()));
        if (msg->code == kPingCode) {
            const uint8_t empty = kEmptyList;
            if (auto ec = co_await send(kPongCode, ByteView{&empty, 1}); ec) co_return unexpected(ec);
            continue;
        }
        if (msg->code == kDisconnectCode) {
            auto reason = decode_disconnect(msg->payload);
            close();
            co_return unexpected(reason ? make_error_code(*reason) : make_error_code(reason.error()));
        }
        if (msg->code < kBaseProtocolLength) continue;  // Pong, a repeated Hello, reserved ids: ignored
        co_return std::move(*msg);
    }
}

Task<std::error_code> Connection::write(uint64_t code, ByteView payload) {
    HYPASIS_ASSERT(code >= kBaseProtocolLength);
    co_return co_await send(code, payload);
}

Task<std::error_code> Connection::send(uint64_t code, ByteView payload) {
    if (closed_) co_return make_error_code(RlpxError::kClosed);
    if (writing_) {
        if (waiting_writers_ >= limits_.max_pending_writes) co_return make_error_code(RlpxError::kWriteQueueFull);
        ++waiting_writers_;
        while (writing_ && !closed_) {
            co_await write_wake_.async_wait(kUseTuple);
            auto state = co_await asio::this_coro::cancellation_state;
            if (state.cancelled() != asio::cancellation_type::none) {
                --waiting_writers_;
                co_return make_error_code(RlpxError::kClosed);
            }
        }
        --waiting_writers_;
        if (closed_) co_return make_error_code(RlpxError::kClosed);
    }
    writing_ = true;
    write_buffer_.clear();
    const bool compress = snappy_ && code != kHelloCode;
    auto encoded = encode_message(*encoder_, code, payload, compress, limits_.max_message_size, compress_scratch_,
                                  write_buffer_);
    std::error_code ec;
    if (!encoded) {
        ec = make_error_code(encoded.error());
    } else {
        asio::steady_timer timer(socket_.get_executor(), limits_.write_timeout);
        auto r = co_await (asio::async_write(socket_, asio::buffer(write_buffer_), kUseTuple) ||
                           timer.async_wait(kUseTuple));
        if (r.index() == 1) {
            ec = make_error_code(RlpxError::kWriteTimeout);
        } else if (auto write_ec = std::get<0>(std::get<0>(r)); write_ec) {
            ec = write_ec;
        }
        if (ec) close();  // a partly written frame leaves the egress stream unusable
    }
    writing_ = false;
    write_wake_.cancel();
    co_return ec;
}

Task<void> Connection::drain() {
    uint8_t sink[4096];
    for (;;) {
        auto [ec, n] = co_await socket_.async_read_some(asio::buffer(sink), kUseTuple);
        if (ec) co_return;
    }
}

Task<void> Connection::disconnect(DisconnectReason reason) {
    if (closed_) co_return;
    const auto deadline = Clock::now() + limits_.disconnect_timeout;
    if (encoder_) {
        const Bytes payload = encode_disconnect(reason);
        asio::steady_timer timer(socket_.get_executor(), deadline);
        co_await (send(kDisconnectCode, payload) || timer.async_wait(kUseTuple));
    }
    if (!closed_) {
        // Half-close and let the peer read our Disconnect and close its side: closing with unread input would
        // reset the connection and could destroy the Disconnect before the peer reads it.
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        asio::steady_timer timer(socket_.get_executor(), deadline);
        if (reading_) {
            co_await (reader_done_.async_wait(kUseTuple) || timer.async_wait(kUseTuple));
        } else {
            co_await (drain() || timer.async_wait(kUseTuple));
        }
    }
    close();
}

void Connection::close() noexcept {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    write_wake_.cancel();
    reader_done_.cancel();
}

}  // namespace hypasis::p2p::rlpx
