#pragma once
/// One established RLPx session over TCP (Boost.Asio, C++20 coroutines): the ECIES handshake, the Hello exchange,
/// then framed, MAC-checked, snappy-compressed messages, with Ping/Pong keepalive and Disconnect handled inside.
///
/// Threading: a Connection is not thread-safe. Every member must be called from coroutines running on the
/// socket's executor (a single-threaded io_context, or a strand when the io_context runs on several threads).
/// Within that rule, one reader coroutine (looping on read()) and any number of writer coroutines (write(),
/// disconnect()) may use the connection at the same time: writes are serialized by the connection, in arrival
/// order, with a bounded number of waiters. The object must outlive every read()/write()/disconnect() call on it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/rlpx/capability.hpp"
#include "hypasis/p2p/rlpx/error.hpp"
#include "hypasis/p2p/rlpx/frame.hpp"
#include "hypasis/p2p/rlpx/protocol.hpp"
#include "hypasis/p2p/rlpx/random.hpp"

namespace hypasis::p2p::rlpx {

/// Deadlines and bounds of one connection. The defaults follow the spec's limits and what other clients expect
/// (ethereumjs drops a peer that has not finished its handshake within a few seconds).
struct ConnectionLimits {
    /// The whole handshake: TCP connect (dial), auth/ack, and the Hello exchange.
    std::chrono::milliseconds handshake_timeout{5000};
    /// read() fails with kIdleTimeout when nothing at all arrives for this long while it is pending (the clock
    /// restarts when read() is called, so time spent between reads never counts against the peer).
    std::chrono::milliseconds idle_timeout{30000};
    /// After this long without receiving anything, a pending read() sends a Ping (once per silence).
    std::chrono::milliseconds ping_interval{15000};
    /// A single frame's socket write; on expiry the connection is closed (a half-written frame cannot be resumed).
    std::chrono::milliseconds write_timeout{10000};
    /// How long disconnect() tries to deliver its Disconnect and to see the peer close.
    std::chrono::milliseconds disconnect_timeout{1000};
    /// The largest frame-size accepted from the peer (checked on the authenticated header, before allocating).
    std::size_t max_frame_size{kMaxFrameSize};
    /// The largest message-data, after decompression, accepted or sent (checked before allocating).
    std::size_t max_message_size{kMaxMessageSize};
    /// Writers that may wait behind the one currently writing; one more fails with kWriteQueueFull.
    std::size_t max_pending_writes{256};
    /// Send the legacy (pre-EIP-8) auth when dialing. Received messages are accepted in both forms regardless.
    bool legacy_auth{false};
    /// The handshake's randomness; empty means system_random().
    RandomSource random;
};

/// One established RLPx session (after the handshake and the Hello exchange).
class Connection {
  public:
    /// Connects to `endpoint`, runs the handshake as initiator towards `remote_id`, and exchanges Hellos.
    /// `local_hello.node_id` is replaced by the public key of `local_key`. Errors: socket errors; RlpxError
    /// (kHandshakeTimeout when the deadline passes; handshake, framing and Hello errors, see below); a
    /// disconnect_category() code when the peer sent Disconnect instead of Hello. A failed Hello check sends
    /// Disconnect with the matching reason (disconnect_reason_for) before returning the error.
    static Task<Expected<std::unique_ptr<Connection>, std::error_code>> dial(
        Executor executor, boost::asio::ip::tcp::endpoint endpoint, const crypto::PublicKey& remote_id,
        const crypto::SecretKey& local_key, Hello local_hello, ConnectionLimits limits = {});

    /// Runs the handshake as recipient on an accepted socket, then exchanges Hellos. Same errors as dial().
    static Task<Expected<std::unique_ptr<Connection>, std::error_code>> accept(
        boost::asio::ip::tcp::socket socket, const crypto::SecretKey& local_key, Hello local_hello,
        ConnectionLimits limits = {});

    /// Hello checks (run by dial() and accept()): the remote's protocol version is >= 5 (kIncompatibleVersion),
    /// its node id is not zero (kNullIdentity), equals the handshake's key (kUnexpectedIdentity) and is not ours
    /// (kSelfConnection), and at least one capability is shared (kNoSharedCapability).
    static Expected<std::vector<SharedCapability>, RlpxError> check_hello(const Hello& local, const Hello& remote,
                                                                         const crypto::PublicKey& handshake_id);

    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    [[nodiscard]] const Hello& local_hello() const noexcept { return local_hello_; }
    [[nodiscard]] const Hello& remote_hello() const noexcept { return remote_hello_; }
    /// The remote node's static key, proven by the handshake (equal to remote_hello().node_id).
    [[nodiscard]] const crypto::PublicKey& remote_id() const noexcept { return remote_id_; }
    /// The remote TCP endpoint, captured when the connection was established.
    [[nodiscard]] const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept { return endpoint_; }
    /// The negotiated capabilities with their message-id offsets (non-empty).
    [[nodiscard]] const std::vector<SharedCapability>& shared_capabilities() const noexcept { return shared_; }
    /// Whether message-data is snappy-compressed (both Hellos say version >= 5).
    [[nodiscard]] bool snappy() const noexcept { return snappy_; }
    /// False once the connection was closed (by disconnect(), an error, or the peer).
    [[nodiscard]] bool is_open() const noexcept { return !closed_; }

    /// Reads the next capability message (code >= 0x10, payload decompressed). Ping is answered with Pong,
    /// Pong and other base-protocol messages are consumed silently; message codes are not checked against the
    /// shared capabilities (the layer above does that). While it waits, a Ping is sent after ping_interval of
    /// silence, and kIdleTimeout ends it after idle_timeout. A Disconnect from the peer ends it with
    /// make_error_code(reason) (see disconnect_reason()). A framing or message error (kBadHeaderMac,
    /// kBadFrameMac, kFrameTooLarge, kMessageTooLarge, kBadSnappy, kMalformedMessage) sends Disconnect
    /// (disconnect_reason_for) and closes before returning. Any error leaves the connection closed. At most one
    /// read() may be pending at a time. The payload is owned by the returned Message.
    Task<Expected<Message, std::error_code>> read();

    /// Sends one capability message. Precondition: code >= kBaseProtocolLength (base-protocol messages are sent by
    /// the connection itself). `payload` must stay valid until the call completes. Returns an empty error_code on
    /// success; kMessageTooLarge; kWriteQueueFull when max_pending_writes writers already wait; kWriteTimeout
    /// (the connection is then closed); kClosed; or a socket error (closed too).
    Task<std::error_code> write(uint64_t code, ByteView payload);

    /// Sends Disconnect(reason), best effort within disconnect_timeout, lets the peer close its side, then closes.
    /// Pending and later read()/write() calls fail. Calling it on a closed connection does nothing.
    Task<void> disconnect(DisconnectReason reason);

  private:
    Connection(boost::asio::ip::tcp::socket socket, const crypto::SecretKey& local_key, Hello local_hello,
               ConnectionLimits limits);

    Task<std::error_code> run_dial(boost::asio::ip::tcp::endpoint endpoint, crypto::PublicKey remote_id);
    Task<std::error_code> run_accept();
    Task<std::error_code> exchange_hello();
    static Task<Expected<std::unique_ptr<Connection>, std::error_code>> finish(std::unique_ptr<Connection> conn,
                                                                               Task<std::error_code> steps);

    Task<std::error_code> read_some();
    Task<std::error_code> fill(std::size_t n, bool keepalive);
    Task<Expected<std::span<uint8_t>, std::error_code>> read_frame(bool keepalive);
    Task<std::error_code> send(uint64_t code, ByteView payload);
    Task<Expected<Message, std::error_code>> read_loop();
    Task<std::error_code> fail(std::error_code ec);
    Task<void> drain();
    void install(const Secrets& secrets);
    void close() noexcept;

    boost::asio::ip::tcp::socket socket_;
    boost::asio::ip::tcp::endpoint endpoint_;
    crypto::SecretKey local_key_;
    Hello local_hello_;
    Hello remote_hello_;
    crypto::PublicKey remote_id_{};
    ConnectionLimits limits_;
    std::vector<SharedCapability> shared_;
    bool snappy_{false};
    bool closed_{false};

    std::optional<FrameEncoder> encoder_;
    std::optional<FrameDecoder> decoder_;

    // Read side: bytes [read_start_, read_end_) of read_buffer_ are received and not yet consumed.
    Bytes read_buffer_;
    std::size_t read_start_{0};
    std::size_t read_end_{0};
    bool reading_{false};
    bool ping_sent_{false};
    Clock::time_point last_received_{};

    // Write side: one writer at a time; others wait on write_wake_ (never expires, cancelled to wake them).
    Bytes write_buffer_;
    Bytes compress_scratch_;
    bool writing_{false};
    std::size_t waiting_writers_{0};
    boost::asio::steady_timer write_wake_;
    // Cancelled when the reader stops, so that disconnect() knows the peer's side is closed.
    boost::asio::steady_timer reader_done_;
};

}  // namespace hypasis::p2p::rlpx
