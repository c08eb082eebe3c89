#pragma once
/// The discv4 UDP service (devp2p discv4.md) on Boost.Asio C++20 coroutines.
///
/// Server side: answers PING with PONG (carrying our ENR seq, EIP-868) and pings back nodes it has no endpoint
/// proof for; answers FINDNODE with up to 16 closest nodes, split into NEIGHBOURS packets of at most 1280 bytes,
/// and ENRRequest with ENRResponse, both only to bonded nodes (anti-amplification). Client side: ping, find_node,
/// request_enr, and an iterative Kademlia lookup.
///
/// Untrusted input: every datagram is rate-limited per source IP *before* it is decoded (decoding recovers a
/// public key, the expensive step), then decoded with decode_packet; replies are matched against a bounded
/// pending-reply table by sender id, IP and hash, and anything unmatched is dropped. Every wait has a deadline.
///
/// Destination guard: with `allow_non_loopback = false` (the default) the service sends nothing to an address
/// outside 127.0.0.0/8 and ::1: such a send fails with kDestinationNotAllowed before a byte is encoded. The guard
/// sits in the one function that writes to the socket.
///
/// Threading: a Service and its tasks must run on one single-threaded executor (one io_context thread, or a
/// strand). Not thread-safe. The Service must outlive every task it started: call stop() and let the executor
/// drain before destroying it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/discv4/enr.hpp"
#include "hypasis/p2p/discv4/error.hpp"
#include "hypasis/p2p/discv4/packet.hpp"
#include "hypasis/p2p/discv4/rate_limiter.hpp"
#include "hypasis/p2p/discv4/table.hpp"

namespace hypasis::p2p::discv4 {

struct ServiceConfig {
    crypto::SecretKey key{};              ///< The node key; its public key is our node id.
    std::string listen_address{"127.0.0.1"};
    uint16_t listen_port{0};              ///< 0: any free port (tests).
    uint16_t tcp_port{0};                 ///< The RLPx port we advertise in PING and our ENR.
    /// False (default): refuse to send to anything but loopback addresses. The node layer sets it for real networks.
    bool allow_non_loopback{false};
    std::vector<Node> bootnodes;          ///< Seeds of lookup().
    uint64_t enr_seq{1};                  ///< Our record's sequence number.

    std::chrono::milliseconds request_timeout{500};  ///< Deadline of one PING, FINDNODE or ENRRequest.
    /// After the first NEIGHBOURS of a FINDNODE answer, how long to wait for the rest (the answer is split).
    std::chrono::milliseconds neighbours_wait{100};
    uint64_t expiration_window_s{20};     ///< Expiration we stamp on packets: now + this.
    std::size_t max_pending{256};         ///< Bound of the pending-reply table.
    double rate_per_second{100};          ///< Inbound packets per second per source IP...
    double rate_burst{200};               ///< ...with this burst.
    std::size_t rate_max_sources{4096};   ///< Sources the rate limiter remembers.
    std::size_t max_bonds{4096};          ///< Nodes whose bonding state is remembered.

    std::size_t lookup_alpha{3};          ///< Kademlia's parallelism.
    std::size_t lookup_max_rounds{16};
    std::size_t lookup_max_queried{64};   ///< FINDNODEs one lookup sends at most.
    std::size_t lookup_max_candidates{64};  ///< Nodes one lookup keeps track of at most.
    std::chrono::milliseconds lookup_timeout{10'000};

    /// Unix seconds for packet expirations; empty: the system clock. Tests inject a fixed clock.
    std::function<uint64_t()> unix_now;
};

/// Counters, for tests and metrics. Monotonic.
struct ServiceStats {
    uint64_t received{0};              ///< datagrams read from the socket
    uint64_t sent{0};                  ///< datagrams written to the socket
    uint64_t dropped_rate_limited{0};
    uint64_t dropped_invalid{0};       ///< failed decode_packet (including expired)
    uint64_t dropped_unsolicited{0};   ///< replies with no pending request, or requests from unbonded nodes
    uint64_t refused_destination{0};   ///< sends refused by the loopback-only guard
};

class Service {
  public:
    /// Binds the UDP socket. Errors: kInvalidKey, kBindFailed (address unparsable or in use), kEnrTooLarge.
    /// Does not start receiving: call start().
    static Expected<std::unique_ptr<Service>, Discv4Error> create(Executor executor, ServiceConfig config);

    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;
    /// Calls stop(). Coroutines of this service still suspended must not be resumed afterwards: drain the
    /// executor after stop() and before destruction.
    ~Service();

    /// Starts the receive loop on the executor. Idempotent.
    void start();
    /// Closes the socket and completes every pending request with kStopped. Idempotent; no request can be made
    /// afterwards (kStopped). The receive loop and the pings it spawned end on the executor afterwards: the
    /// Service must outlive them (run the executor until idle before destroying it, or await shutdown()).
    void stop();

    /// stop(), then waits (bounded: 5 s) until the receive loop and every task the service spawned itself have
    /// ended, so the Service may be destroyed right after. Call it from a coroutine on the service's executor.
    Task<void> shutdown();

    [[nodiscard]] const NodeId& id() const noexcept { return id_; }
    [[nodiscard]] const Enr& enr() const noexcept { return enr_; }
    /// Our bound endpoint (the real port when configured with 0).
    [[nodiscard]] Endpoint local_endpoint() const noexcept { return local_; }
    /// Our node as others should address it.
    [[nodiscard]] Node self() const noexcept { return Node{id_, local_}; }
    [[nodiscard]] Enode enode() const noexcept { return Enode{id_, local_}; }
    [[nodiscard]] NodeTable& table() noexcept { return table_; }
    [[nodiscard]] const ServiceStats& stats() const noexcept { return stats_; }
    /// Requests waiting for a reply right now.
    [[nodiscard]] std::size_t pending() const noexcept { return pending_.size(); }

    /// Sends PING and waits for the matching PONG until the request timeout. On success the node is bonded and
    /// added to the table. Errors: kDestinationNotAllowed (nothing sent), kTooManyPending, kTimeout, kStopped,
    /// kSendFailed.
    Task<Expected<Pong, Discv4Error>> ping(Node to);

    /// Sends FINDNODE(target) and gathers the NEIGHBOURS answer (up to 16 nodes). First makes sure `to` has an
    /// endpoint proof for us (it answers FINDNODE only then): if it has not pinged us in 12 hours, pings it and
    /// waits for its ping back. Errors: those of ping(), kTimeout when no NEIGHBOURS arrives.
    Task<Expected<std::vector<Node>, Discv4Error>> find_node(Node to, NodeId target);

    /// Sends ENRRequest and returns the record of the ENRResponse, verified (by decode_packet) and checked to
    /// belong to `to.id` (kEnrWrongNode otherwise). Bonds first, as find_node.
    Task<Expected<Enr, Discv4Error>> request_enr(Node to);

    /// An iterative Kademlia lookup (discv4.md, "Recursive lookup"): starts from the table's closest nodes and
    /// the bootnodes, queries `lookup_alpha` unqueried closest nodes at a time, and stops when no closer
    /// unqueried node remains, or at the round, query or time bound. Returns up to 16 nodes that answered,
    /// closest to keccak256(target) first. Never fails: an empty result means nothing answered.
    Task<std::vector<Node>> lookup(NodeId target);

    /// True when a send to `ip` is permitted by the configuration (loopback-only unless allow_non_loopback;
    /// never an empty or unspecified address).
    [[nodiscard]] bool destination_allowed(const IpAddress& ip) const noexcept;

  private:
    struct Pending;
    Service(Executor executor, ServiceConfig config, boost::asio::ip::udp::socket socket, Enr enr, NodeId id,
            Endpoint local);

    Task<void> receive_loop();
    Task<void> handle(ByteView datagram, boost::asio::ip::udp::endpoint from);
    Task<Expected<Hash, Discv4Error>> send(const Endpoint& to, const Message& message);
    Task<Expected<void, Discv4Error>> ensure_bond(const Node& to);
    Expected<std::list<Pending>::iterator, Discv4Error> add_pending(const NodeId& from, const IpAddress& ip,
                                                                    PacketType type, const Hash& hash);
    Task<Expected<void, Discv4Error>> wait(std::list<Pending>::iterator p);
    uint64_t expiration() const;

    Executor executor_;
    ServiceConfig config_;
    boost::asio::ip::udp::socket socket_;
    Enr enr_;
    NodeId id_;
    Endpoint local_;
    NodeTable table_;
    RateLimiter limiter_;
    ServiceStats stats_;
    std::list<Pending> pending_;
    bool started_{false};
    bool stopped_{false};
    /// Tasks the service spawned itself that have not ended (the receive loop, ping-backs): shutdown() waits for 0.
    std::size_t own_tasks_{0};
};

}  // namespace hypasis::p2p::discv4
