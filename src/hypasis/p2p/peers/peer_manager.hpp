#pragma once
/// PeerManager: the devp2p node the node layer creates. It listens for RLPx connections, dials static and trusted
/// peers (and, optionally, nodes found by discv4) with exponential backoff, runs one EthSession per peer, serves
/// peers from a BlockProvider, keeps reputation and bans, and implements PeerService for sync.
///
/// Admission (checked on accept after the RLPx handshake, when the peer id is known, and before dialing):
/// - banned peer ids are refused (and inbound connections from a banned non-loopback IP);
/// - a peer id already connected is refused (kAlreadyConnected);
/// - at most max_peers sessions, of which at most max_inbound inbound (kTooManyPeers / kTooManyInbound);
/// - at most max_per_subnet24 sessions per IPv4 /24 (IPv6: /64), an eclipse defence (kSubnetFull). Loopback
///   addresses are exempt only when subnet_exempt_loopback is set (tests turn it off to exercise the cap).
/// - trusted peers bypass the peer, inbound and subnet caps (never the ban check).
/// A refused connection gets Disconnect with disconnect_reason_for(error).
///
/// Reputation (reputation.hpp): penalties for protocol violations, invalid data, timeouts, floods; rewards for
/// good responses; decay over time. At or below the threshold the peer is disconnected and banned for
/// ban_duration; the ban is saved through the BanStore (on the serving pool) and reloaded by start().
///
/// Threading: construct, start(), stop() and every coroutine run on `executor`, which must be single-threaded
/// (one io_context thread, or a strand). peers(), report(), reputation(), is_banned(), bans(), stats(),
/// notify_head_changed() and the PeerService requests may be called from any thread (requests hop to the
/// manager's executor and complete on the caller's). Lifetime: call stop() and await wait_stopped() (or let the
/// io_context run until it completes) before destroying the manager.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/discv4/service.hpp"
#include "hypasis/p2p/peers/ban_store.hpp"
#include "hypasis/p2p/peers/block_provider.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/p2p/peers/reputation.hpp"
#include "hypasis/p2p/peers/server.hpp"
#include "hypasis/p2p/peers/session.hpp"

namespace hypasis::p2p::peers {

struct PeerManagerConfig {
    /// Where to listen for RLPx (TCP). Tests use 127.0.0.1 and port 0 (any free port; see local_endpoint()).
    std::string listen_address{"127.0.0.1"};
    uint16_t listen_port{0};
    /// False: do not listen (dial only).
    bool listen{true};
    /// Our static node key (its public key is our node id).
    crypto::SecretKey node_key{};
    /// The client id in our Hello.
    std::string client_id{"hypasis"};
    /// Offered eth versions (both by default; each session uses the highest one shared).
    std::vector<eth::EthVersion> versions{eth::EthVersion::kEth69, eth::EthVersion::kEth68};

    /// Our chain and per-session deadlines and bounds (SessionConfig::chain carries the network id, genesis and
    /// fork filter: eth::LocalChainView::from_spec(spec, head_number, head_time)).
    SessionConfig session;
    rlpx::ConnectionLimits connection;

    std::size_t max_peers{50};
    std::size_t max_inbound{30};
    std::size_t max_per_subnet24{4};
    /// Exempt loopback addresses from the subnet cap. Off by default: production never sees loopback peers
    /// except a local node, and tests turn it on or off explicitly.
    bool subnet_exempt_loopback{false};
    /// Handshakes (inbound + outbound) in progress at most; more inbound TCP connections are closed at once.
    std::size_t max_pending_handshakes{32};

    /// Dialed at start and redialed with backoff whenever they are not connected.
    std::vector<discv4::Enode> static_peers;
    /// Like static peers, and they bypass the peer caps.
    std::vector<discv4::Enode> trusted_peers;
    /// Exponential backoff between failed dials of one peer: initial, doubling, capped at max.
    std::chrono::milliseconds dial_backoff_initial{std::chrono::seconds(1)};
    std::chrono::milliseconds dial_backoff_max{std::chrono::minutes(5)};
    /// How often the dial loop looks for something to dial.
    std::chrono::milliseconds dial_interval{std::chrono::milliseconds(200)};
    /// Outbound dials in progress at most.
    std::size_t max_concurrent_dials{8};

    /// Serving: the provider (null: requests are answered empty), the limits, and the pool size for provider
    /// calls. The provider must outlive the manager.
    BlockProvider* provider{nullptr};
    ServingLimits serving;
    std::size_t serving_threads{2};

    /// Reputation, bans and their persistence (null: bans live in memory only). The store must outlive the
    /// manager.
    ReputationConfig reputation;
    std::chrono::seconds ban_duration{std::chrono::minutes(30)};
    BanStore* ban_store{nullptr};

    /// Optional discovery: when set, nodes from periodic discv4 lookups become dial candidates (non-static,
    /// dialed only while below max_peers - max_inbound outbound slots). Must run on the same executor.
    discv4::Service* discovery{nullptr};
    std::chrono::milliseconds discovery_interval{std::chrono::seconds(30)};
    std::size_t max_candidates{256};

    /// Wall clock for ban expiry (empty: system_clock). Tests inject one.
    std::function<WallClock::time_point()> wall_clock;
};

/// Counters for tests and metrics. Monotonic.
struct PeerManagerStats {
    uint64_t accepted{0};          ///< TCP connections accepted
    uint64_t dials{0};             ///< outbound dial attempts
    uint64_t dial_failures{0};
    uint64_t sessions{0};          ///< sessions that completed the Status handshake
    uint64_t refused_banned{0};
    uint64_t refused_caps{0};      ///< too many peers / inbound / subnet
    uint64_t refused_duplicate{0};
    uint64_t handshake_failures{0};  ///< RLPx or Status failed (including wrong chain)
    uint64_t bans{0};              ///< bans applied in this run
    uint64_t misbehaviours{0};     ///< penalties recorded
};

class PeerManager final : public PeerService {
  public:
    /// Does nothing on the network yet. Throws std::invalid_argument on an invalid node key.
    PeerManager(Executor executor, PeerManagerConfig config);
    ~PeerManager() override;
    PeerManager(const PeerManager&) = delete;
    PeerManager& operator=(const PeerManager&) = delete;

    /// Loads the bans from the BanStore (erasing expired ones), binds the listener, and starts the accept, dial
    /// and (if configured) discovery loops. Errors: socket errors from bind/listen (address in use, ...).
    Expected<void, std::error_code> start();

    /// Stops accepting and dialing and closes every session with Disconnect(kClientQuitting). Idempotent.
    void stop();
    /// Completes when every loop and session has ended (call after stop()).
    Task<void> wait_stopped();

    /// The bound TCP endpoint (the real port when configured with 0). Valid after start().
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const noexcept { return local_endpoint_; }
    /// Our node id.
    [[nodiscard]] const PeerId& node_id() const noexcept { return node_id_; }
    /// enode://<id>@<listen ip>:<port>. Valid after start().
    [[nodiscard]] discv4::Enode enode() const;
    [[nodiscard]] std::string enode_url() const;

    /// Adds a static (or trusted) peer at run time; it is dialed by the dial loop. Must run on the executor.
    void add_peer(const discv4::Enode& node, bool trusted = false);

    /// Tells the manager that the provider's head moved: refreshes our Status head and the ForkID view, and
    /// sends BlockRangeUpdate to eth/69 peers (rate-limited per session). Thread-safe.
    void notify_head_changed();

    // --- PeerService ---
    std::vector<PeerInfo> peers() const override;
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId peer,
                                                                          HeadersRequest request) override;
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId peer,
                                                                      std::vector<Hash> hashes) override;
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(
        PeerId peer, std::vector<Hash> hashes) override;
    void report(const PeerId& peer, Misbehaviour what) override;

    /// The peer's current reputation score (0 when unknown). Thread-safe.
    [[nodiscard]] int reputation(const PeerId& peer) const;
    /// Whether `peer` is banned now. Thread-safe.
    [[nodiscard]] bool is_banned(const PeerId& peer) const;
    /// The active bans. Thread-safe.
    [[nodiscard]] std::vector<Ban> bans() const;
    [[nodiscard]] PeerManagerStats stats() const;
    /// The session of `peer`, if connected (for tests and tools). Must run on the executor.
    [[nodiscard]] std::shared_ptr<EthSession> session(const PeerId& peer) const;

  private:
    struct DialState;
    /// A reserved place of a peer (from admission to the end of its session).
    struct Slot {
        bool inbound{false};
        bool trusted{false};
        boost::asio::ip::address ip;
    };
    /// What any thread may read about a connected peer (under mutex_).
    struct SharedPeer {
        std::weak_ptr<EthSession> session;
        boost::asio::ip::address ip;
        bool trusted{false};
        bool is_static{false};
    };

    void spawn(Task<void> task);
    Task<void> accept_loop();
    Task<void> dial_loop();
    Task<void> discovery_loop();
    Task<void> handle_inbound(boost::asio::ip::tcp::socket socket);
    Task<void> dial(DialState& state);
    /// Runs the Status handshake and the session until it ends; true when the handshake succeeded.
    Task<bool> run_session(std::unique_ptr<rlpx::Connection> connection, bool inbound, bool trusted,
                           bool is_static);
    std::error_code admit(const PeerId& peer, const boost::asio::ip::address& ip, bool inbound, bool trusted) const;
    bool is_trusted(const PeerId& peer) const;
    void penalise(const PeerId& peer, Misbehaviour what, std::error_code why);
    void reward(const PeerId& peer);
    void ban_locked(const PeerId& peer, std::optional<boost::asio::ip::address> ip, std::string reason);
    void close_session(const PeerId& peer, rlpx::DisconnectReason reason, std::error_code why);
    ChainHead current_head() const;
    WallClock::time_point wall_now() const;
    rlpx::Hello local_hello() const;
    template <class T, class F>
    Task<Expected<T, std::error_code>> on_session(PeerId peer, F call);

    Executor executor_;
    PeerManagerConfig config_;
    PeerId node_id_{};
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint local_endpoint_;
    std::unique_ptr<boost::asio::thread_pool> pool_;
    std::unique_ptr<Server> server_;
    boost::asio::steady_timer stop_wake_;  // cancelled by stop() to wake the loops
    bool started_{false};
    std::atomic<bool> stopped_{false};
    int tasks_running_{0};
    boost::asio::steady_timer tasks_done_;

    // Executor-only state.
    std::map<PeerId, std::shared_ptr<EthSession>> sessions_;
    std::map<PeerId, Slot> slots_;
    std::vector<std::unique_ptr<DialState>> dial_states_;
    std::size_t pending_handshakes_{0};
    std::size_t active_dials_{0};

    // Shared state (any thread), under mutex_.
    mutable std::mutex mutex_;
    std::map<PeerId, SharedPeer> shared_;
    ReputationTable reputation_;
    /// Penalties per peer id since start, for PeerInfo (bounded like the reputation table: kMaxPenaltyRecords).
    struct PenaltyRecord {
        uint64_t count{0};
        Misbehaviour last{Misbehaviour::kInvalidData};
    };
    static constexpr std::size_t kMaxPenaltyRecords = 4096;
    std::map<PeerId, PenaltyRecord> penalties_;
    std::map<PeerId, Ban> bans_;
    ChainHead head_{};
    PeerManagerStats stats_;
};

}  // namespace hypasis::p2p::peers
