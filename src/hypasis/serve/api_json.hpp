#pragma once
/// The JSON bodies of the REST API (DESIGN §8), as pure functions of the backend's values so that tests check them
/// field by field. Keys are camelCase, as in every other JSON Hypasis prints (`hypasis db gaps --json`, JSON-RPC).
/// Block numbers and counters are JSON integers; hashes and peer ids are 0x-prefixed lower-case hex; an unknown
/// value (no tip yet, no rate yet so no ETA) is null, never 0. Non-finite doubles become null.
///
/// Every function throws only std::bad_alloc.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "hypasis/checkpoint/registry.hpp"
#include "hypasis/p2p/peers/ban_store.hpp"
#include "hypasis/p2p/peers/peer_service.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::serve {

/// Peer counts shown by /api/v1/status (null there when the node has no peer source).
struct PeerCounts {
    std::size_t connected{0};
    std::size_t banned{0};
};

/// A double as JSON: null when not finite.
boost::json::value json_number(double x);

/// One direction: {"state", "height", "target", "remaining", "etaSeconds", "progress" (0..1 or null), "blocks",
/// "bodies", "receipts", "bytes", "requests", "failedRequests", "blocksPerSecond", "bytesPerSecond",
/// "budget": {"bandwidth": {...}, "cpu": {...}}} where a budget is {"share", "limitPerSecond", "used", "borrowed",
/// "waits"}. progress: forward = (height - anchor) / (target - anchor); backward = (anchor - height) /
/// (anchor - target); 1 when there is nothing to do, null without an anchor or a height.
boost::json::object direction_json(const sync::DirectionStatus& d, sync::Direction direction,
                                   std::optional<uint64_t> anchor);

/// GET /api/v1/status: {"phase", "ready", "error" (null unless failed), "historyMode", "backwardPaused",
/// "anchor": {"number", "hash"} | null, "tip": {"number", "hash"} | null, "tipLag": {"blocks", "seconds"},
/// "forward": direction_json, "backward": direction_json, "peers": {"connected", "banned"} | null,
/// "gapsTracked": the number of gaps the engine reports}.
boost::json::object status_json(const sync::SyncStatus& s, std::optional<PeerCounts> peers);

/// One kind's section of GET /api/v1/gaps: {"count": every gap, "blocks": their total size, "truncated": bool,
/// "gaps": at most `limit` gaps, newest (highest) first, each {"first", "end", "size"} plus, when one of
/// `tracked` (the engine's SyncStatus::gaps) contains it, "filled" and "etaSeconds" from that entry}.
/// `gaps` must be ascending (as ApiBackend::gaps returns them).
boost::json::object gaps_json(std::span<const storage::Range> gaps, std::span<const sync::GapStatus> tracked,
                              std::size_t limit);

/// One connected peer: {"id", "endpoint" ("ip:port", IPv6 in brackets), "client", "version" (68 | 69),
/// "inbound", "trusted", "static", "head": {"number" | null, "hash"}, "range": {"earliest", "latest"} | null,
/// "reputation", "rates": {"headers", "bodies", "receipts"} (items/s), "rttMs", "inFlight", "requestsServed",
/// "connectedSeconds"}.
boost::json::object peer_json(const p2p::peers::PeerInfo& p, p2p::Clock::time_point now);

/// One ban: {"id", "ip" | null, "reason", "until" (Unix seconds) | null (permanent), "expiresInSeconds" | null}.
boost::json::object ban_json(const p2p::peers::Ban& b, p2p::peers::WallClock::time_point now);

/// GET /api/v1/checkpoints: one entry: {"chainId", "blockNum", "blockHash", "stateRoot", "timestamp", "digest",
/// "rule", "signedStake", "totalStake" (decimal strings: they are U256), "signers", "validators", "source",
/// "verifiedAt", "revoked", "current"}.
boost::json::object checkpoint_json(const checkpoint::RegistryEntry& e);

}  // namespace hypasis::serve
