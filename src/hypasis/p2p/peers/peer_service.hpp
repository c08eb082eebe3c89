#pragma once
/// PeerService: what sync (a later layer) asks of the devp2p peer pool. Sync engines are written and tested
/// against this interface and fakes of it (DESIGN §1); PeerManager (peer_manager.hpp) is the real one.
///
/// Thread-safety (every implementation): peers() and report() may be called from any thread. The request
/// coroutines may be awaited from any executor: they run on the service's own executor and complete back on
/// the caller's. Any number of requests may be outstanding; each peer bounds its own in-flight requests.
///
/// Errors are std::error_code: PeerError (peers/error.hpp) for the layer's own failures (kUnknownPeer, kTimeout,
/// kSessionClosed, kStopped, kTooManyInFlight, kInvalidRequest, and the misbehaviour codes when a response was
/// rejected), or an EthError when the response failed to decode. A rejected response has already cost the peer
/// reputation; the caller only reports what it alone can detect (report()).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/eth/types.hpp"
#include "hypasis/p2p/peers/error.hpp"

namespace hypasis::p2p::peers {

/// The 64-byte node id (STYLE.md glossary: peer_id).
using PeerId = crypto::PublicKey;

/// What sync (or anyone) can report about a peer after checking its data. Each has a reputation penalty
/// (reputation.hpp); kProtocolViolation and kInvalidData also disconnect the peer.
enum class Misbehaviour {
    kInvalidData,        ///< Data that fails validation (bad linkage, roots, signatures): a lying peer.
    kProtocolViolation,  ///< Bytes or behaviour the protocol forbids (undecodable, unsolicited, over-long).
    kUselessResponse,    ///< An empty or short answer for data the peer claims to have (its range / head).
    kTimeout,            ///< A request that was not answered in time.
    kRequestFlood,       ///< Requests beyond what we serve per peer.
};

/// A short, stable name ("invalid data", ...).
std::string_view to_string(Misbehaviour m) noexcept;

/// A snapshot of one connected peer (a copy; it does not change after peers() returns).
struct PeerInfo {
    PeerId peer_id{};
    boost::asio::ip::tcp::endpoint endpoint;  ///< The remote TCP endpoint.
    eth::EthVersion version{eth::EthVersion::kEth69};  ///< The negotiated eth version.
    std::string client_id;                    ///< From the peer's RLPx Hello.
    bool inbound{false};                      ///< The peer dialed us.
    bool trusted{false};                      ///< In the trusted list (bypasses the peer caps).
    bool is_static{false};                    ///< In the static list (redialed with backoff when it drops).

    /// The peer's head as last known: its Status, then eth/69 BlockRangeUpdate or eth/68 NewBlockHashes /
    /// NewBlock. Announcements are recorded, never trusted: sync must verify what it fetches.
    Hash head_hash{};
    /// The head's number when known (eth/69 always; eth/68 only after an announcement named it).
    std::optional<uint64_t> head_number;
    /// eth/69 only: the block range the peer serves, [earliest, latest] (both inclusive, as in EIP-7642).
    std::optional<uint64_t> earliest;
    std::optional<uint64_t> latest;

    int reputation{0};                        ///< Current score, after decay (reputation.hpp; 0 is neutral).
    /// Penalties recorded against this peer id since start (kept across reconnects, like the score), and the
    /// last one's kind ("invalid data", ...; empty when none). Rewards raise the score again; these do not fade.
    uint64_t penalties{0};
    std::string last_penalty;
    double header_rate{0};                    ///< Headers per second while a header request is in flight (EWMA).
    double body_rate{0};                      ///< Bodies per second (EWMA).
    double receipt_rate{0};                   ///< Receipt lists per second (EWMA).
    std::chrono::microseconds rtt{0};         ///< Request round-trip time (EWMA); 0 until the first response.
    std::size_t in_flight{0};                 ///< Our requests to it that await a response now.
    uint64_t requests_served{0};              ///< Its requests we answered.
    Clock::time_point connected_at{};
};

/// A GetBlockHeaders request without its request id (the session assigns ids). Semantics as caps/eth.md:
/// `amount` headers starting at `origin`, `skip` blocks between consecutive ones, descending when `reverse`.
struct HeadersRequest {
    eth::HeaderOrigin origin{uint64_t{0}};
    uint64_t amount{0};  ///< 1..1024 (kInvalidRequest otherwise).
    uint64_t skip{0};
    bool reverse{false};
    friend bool operator==(const HeadersRequest&, const HeadersRequest&) = default;
};

/// The devp2p peer pool as sync sees it.
class PeerService {
  public:
    virtual ~PeerService() = default;

    /// A snapshot of the active peers (those past the Status handshake). Thread-safe.
    virtual std::vector<PeerInfo> peers() const = 0;

    /// Sends GetBlockHeaders to `peer` and returns the headers, each decoded and hashed (SealedHeader keeps the
    /// received bytes). The response may hold fewer headers than asked (even none); more is rejected
    /// (kTooManyItems), and so are headers that do not follow the request: the first one must be the origin
    /// (by number or hash) and each next number must step by skip + 1 in the requested direction
    /// (kMismatchedResponse). Linkage (parent hashes) is NOT checked here: that is sync's validation.
    virtual Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId peer,
                                                                                  HeadersRequest request) = 0;

    /// Sends GetBlockBodies for `hashes` (1..1024) and returns the bodies in order. Fewer than asked is allowed
    /// (a prefix of the request, per caps/eth.md); more is kTooManyItems. Matching each body to its header's
    /// roots is sync's job.
    virtual Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId peer,
                                                                              std::vector<Hash> hashes) = 0;

    /// Sends GetReceipts for `hashes` (1..1024) and returns each block's receipts (decoded from the negotiated
    /// form: eth/68 with blooms, eth/69 slim with blooms recomputed). Same count rules as get_bodies.
    virtual Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(
        PeerId peer, std::vector<Hash> hashes) = 0;

    /// Records sync-detected misbehaviour: lowers the peer's reputation (and disconnects for
    /// kInvalidData / kProtocolViolation; bans once the score falls below the threshold). Unknown or
    /// disconnected peers still get the penalty recorded (bounded memory). Thread-safe.
    virtual void report(const PeerId& peer, Misbehaviour what) = 0;
};

}  // namespace hypasis::p2p::peers
