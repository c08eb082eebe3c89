#pragma once
/// EthSession: the eth/68 or eth/69 protocol over one RLPx connection (devp2p caps/eth.md, EIP-2481, EIP-7642).
///
/// Life cycle:
/// 1. establish(): picks the negotiated eth version, sends our Status at once (ethereumjs drops a peer whose
///    Status has not completed within 5 s), waits for the peer's Status within `status_timeout`, checks it with
///    eth::validate_status. Any failure sends Disconnect (disconnect_reason_for) and returns the error.
/// 2. start(): runs one reader loop and one serving loop until the session ends. The reader dispatches
///    responses to pending requests by request id, queues the peer's requests for the server (bounded), records
///    BlockRangeUpdate / NewBlockHashes / NewBlock as head information (never trusted), and ignores tx-pool
///    messages within a rate bound.
/// 3. It ends on a peer Disconnect, a connection error, a protocol violation (we send Disconnect with the mapped
///    reason), or close(). `on_closed` is then called once with the reason.
///
/// Our requests: at most `max_in_flight` at a time per session (others wait for a slot, up to the request
/// timeout), each with a deadline, ids from a per-session counter. A response must not hold more items than
/// asked (kTooManyItems, checked by counting RLP items before any decoding) nor exceed `max_response_bytes`
/// (kResponseTooLarge). A response to an unknown id is kUnsolicitedResponse, except for ids that timed out
/// recently (a late answer is dropped quietly). Each of these is a protocol violation: penalty and disconnect.
///
/// Serving: each request from the peer is decoded, queued (at most `serve_queue` waiting; one more is
/// kRequestFlood: the request is dropped and the peer penalised), and answered one at a time through the Server
/// (provider calls on the pool). A session without a Server answers every request with an empty list.
///
/// Threading: a session runs on its connection's executor (single-threaded, or a strand) and is not thread-safe,
/// except info(), which may be called from any thread. The request coroutines may be awaited from another
/// executor only through PeerManager (which hops executors); called directly they must run on the session's.
/// Lifetime: sessions are shared_ptr-owned; the loops keep the session alive until they end.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/eth/message.hpp"
#include "hypasis/p2p/eth/status.hpp"
#include "hypasis/p2p/peers/block_provider.hpp"
#include "hypasis/p2p/peers/error.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/p2p/peers/server.hpp"
#include "hypasis/p2p/rlpx/connection.hpp"

namespace hypasis::p2p::peers {

/// Deadlines and bounds of one eth session.
struct SessionConfig {
    /// Our chain: network id, genesis and fork filter, to build our Status and judge the peer's.
    /// head_number/head_time are raised to our ChainHead when that is higher (the ForkID depends on them).
    /// Every caller sets it (LocalChainView::from_spec); left at its default (network 0, zero genesis) it matches
    /// only another peer that also left it unset, so a forgotten setting fails the Status check, never silently.
    eth::LocalChainView chain{0, Hash{}, chain::ForkFilter(Hash{}, chain::ForkList{}), 0, 0};
    /// The peer's Status must arrive within this long after the RLPx handshake (ours is sent at once).
    std::chrono::milliseconds status_timeout{5000};
    /// Deadline of one of our requests, from the moment it is written.
    std::chrono::milliseconds request_timeout{5000};
    /// Our requests in flight per session; more wait for a slot (within request_timeout: kTooManyInFlight).
    std::size_t max_in_flight{8};
    /// Requests waiting for a slot at most; beyond, a request fails at once with kTooManyInFlight.
    std::size_t max_waiting_requests{64};
    /// A response larger than this is kResponseTooLarge (twice the 2 MiB soft limit plus one large item).
    std::size_t max_response_bytes{std::size_t{8} << 20};
    /// Decoding caps (p2p/eth Limits); response caps are further lowered to what each request asked.
    eth::Limits limits{};
    /// The peer's requests waiting to be served at most (the one being served is not counted).
    std::size_t serve_queue{16};
    /// Tx-pool messages and announcements per second from the peer (token bucket) and burst; beyond, each
    /// message is kAnnouncementFlood (penalty; dropped).
    double announce_rate{50};
    double announce_burst{200};
    /// eth/69: we send BlockRangeUpdate when our latest moved by at least this many blocks (or earliest moved)
    /// and at least range_update_interval passed since the last one (caps/eth.md recommends not more than once
    /// per epoch of 32 blocks).
    uint64_t range_update_blocks{32};
    std::chrono::milliseconds range_update_interval{std::chrono::seconds(12)};
    /// Recently timed-out request ids remembered, so a late answer is not taken as unsolicited.
    std::size_t late_ids{64};
};

/// What a session reports to its owner. Callbacks run on the session's executor and must not block.
struct SessionHooks {
    /// The peer misbehaved (`why` is the error). Called before the session closes when it is a violation.
    std::function<void(Misbehaviour what, std::error_code why)> on_misbehaviour;
    /// A valid, non-empty response arrived (for the reputation reward).
    std::function<void()> on_good_response;
    /// The session ended, once, with the reason (our error, or the peer's disconnect reason code).
    std::function<void(std::error_code why)> on_closed;
};

class EthSession : public std::enable_shared_from_this<EthSession> {
  public:
    /// Runs the Status handshake over an established RLPx connection (see the file comment). Must be awaited on
    /// the connection's executor, which becomes the session's. `server` may be null
    /// (requests are then answered empty); when set it must outlive the session. `inbound` is recorded in info().
    /// Errors: kNoEthCapability; kStatusTimeout; kUnexpectedStatus (another message first); an EthError from
    /// decoding or validate_status; connection errors (including the peer's Disconnect reason).
    static Task<Expected<std::shared_ptr<EthSession>, std::error_code>> establish(
        std::unique_ptr<rlpx::Connection> connection, bool inbound, SessionConfig config, ChainHead our_head,
        Server* server, SessionHooks hooks);

    ~EthSession();
    EthSession(const EthSession&) = delete;
    EthSession& operator=(const EthSession&) = delete;

    /// Starts the reader and serving loops on the connection's executor. Call once, after establish().
    void start();

    /// Ends the session: fails pending requests with kSessionClosed, sends Disconnect(reason) and closes.
    /// Idempotent. on_closed reports make_error_code(PeerError::kStopped) when reason is kClientQuitting,
    /// else the code `why` (default: the reason as a disconnect_category code).
    void close(rlpx::DisconnectReason reason, std::error_code why = {});

    /// Completes once both loops have ended (bounded by the connection's disconnect deadline after close()).
    Task<void> wait_closed();

    [[nodiscard]] bool is_open() const noexcept { return !closing_; }
    [[nodiscard]] eth::EthVersion version() const noexcept { return version_; }
    [[nodiscard]] const PeerId& peer_id() const noexcept { return peer_id_; }
    /// The peer's Status as received in the handshake.
    [[nodiscard]] const eth::Status& remote_status() const noexcept { return remote_status_; }
    /// The Status we sent.
    [[nodiscard]] const eth::Status& local_status() const noexcept { return local_status_; }
    [[nodiscard]] rlpx::Connection& connection() noexcept { return *connection_; }
    /// The error the session ended with (empty while open).
    [[nodiscard]] std::error_code close_reason() const noexcept { return close_reason_; }

    /// A snapshot (reputation left 0: the manager fills it). Thread-safe.
    [[nodiscard]] PeerInfo info() const;

    /// Requests (see PeerService for the result rules). Must run on the session's executor.
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(HeadersRequest request);
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(std::vector<Hash> hashes);
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(std::vector<Hash> hashes);

    /// Our chain head moved: on eth/69 sends BlockRangeUpdate when the rules in SessionConfig allow (a skipped
    /// update is sent later by a later call). Must run on the session's executor (it spawns the write).
    void notify_head(const ChainHead& head);
    /// How many BlockRangeUpdate messages we sent (tests).
    [[nodiscard]] uint64_t range_updates_sent() const noexcept { return range_updates_sent_; }

  private:
    struct Pending;
    struct ServeItem;
    EthSession(Executor executor, std::unique_ptr<rlpx::Connection> connection, bool inbound, SessionConfig config,
               Server* server, SessionHooks hooks, eth::EthVersion version, uint64_t eth_offset);

    Task<Expected<Bytes, std::error_code>> request(uint64_t code, uint64_t request_id, Bytes payload,
                                                   uint64_t response_code, std::size_t max_items);
    Task<void> read_loop();
    Task<void> serve_loop();
    Task<void> write_async(uint64_t code, Bytes payload);
    std::error_code handle(uint64_t code, Bytes& payload);
    std::error_code handle_response(uint64_t code, Bytes& payload);
    std::error_code enqueue_request(eth::EthMessage message);
    bool take_announce_token();
    void misbehaved(Misbehaviour what, std::error_code why);
    void violation(std::error_code why);
    void finish(std::error_code why);
    void record_rate(uint64_t code, std::size_t items, Clock::duration elapsed);

    std::unique_ptr<rlpx::Connection> connection_;
    Executor executor_;
    SessionConfig config_;
    Server* server_;
    SessionHooks hooks_;
    eth::EthVersion version_;
    uint64_t offset_;  // the eth capability's first message id
    PeerId peer_id_{};
    eth::Status local_status_{};
    eth::Status remote_status_{};

    // Our requests.
    uint64_t next_request_id_{1};
    std::map<uint64_t, Pending*> pending_;
    std::size_t in_flight_{0};
    std::deque<boost::asio::steady_timer*> slot_waiters_;  // requests waiting for a slot, oldest first
    std::deque<uint64_t> late_ids_;

    // The peer's requests.
    std::deque<ServeItem> serve_queue_;
    boost::asio::steady_timer serve_wake_;

    // Announcement bucket.
    double announce_tokens_;
    Clock::time_point announce_refill_;

    // Our BlockRangeUpdate.
    std::optional<ChainHead> last_range_sent_;
    Clock::time_point last_range_time_{};
    uint64_t range_updates_sent_{0};

    bool closing_{false};
    bool started_{false};
    int loops_running_{0};
    std::error_code close_reason_;
    boost::asio::steady_timer closed_wake_;

    // info(): written on the executor, read from any thread.
    mutable std::mutex info_mutex_;
    PeerInfo info_;
};

/// What a single outbound session needs without a peer manager (the operator tools `hypasis p2p status` and
/// `p2p fetch`).
struct DialConfig {
    crypto::SecretKey node_key{};
    std::string client_id{"hypasis"};
    /// eth versions offered in Hello (both by default; the highest shared one is used).
    std::vector<eth::EthVersion> versions{eth::EthVersion::kEth69, eth::EthVersion::kEth68};
    SessionConfig session;
    /// Our head for our Status. Default: genesis (latest 0, latest_hash = chain.genesis_hash).
    std::optional<ChainHead> head;
    rlpx::ConnectionLimits connection;
    /// Answers the peer's requests when set (must outlive the session); otherwise they get empty answers.
    Server* server{nullptr};
};

/// Hello capabilities for `versions` ({"eth", v} each).
std::vector<rlpx::Capability> eth_capabilities(const std::vector<eth::EthVersion>& versions);

/// Dials `node` (RLPx handshake, Hello, eth Status) and starts the session. The caller owns the session: call
/// close() and await wait_closed() before the executor stops. `hooks` may be empty. Errors: those of
/// rlpx::Connection::dial and EthSession::establish. Must be awaited on `executor` (the session's executor).
Task<Expected<std::shared_ptr<EthSession>, std::error_code>> dial_session(Executor executor,
                                                                          const discv4::Enode& node,
                                                                          DialConfig config,
                                                                          SessionHooks hooks = {});

}  // namespace hypasis::p2p::peers
