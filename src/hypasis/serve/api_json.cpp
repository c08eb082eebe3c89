#include "hypasis/serve/api_json.hpp"

#include "hypasis/checkpoint/checkpoint_json.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <cmath>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::serve {
namespace {

namespace json = boost::json;

json::value opt(std::optional<uint64_t> x) { return x ? json::value(*x) : json::value(nullptr); }
json::value opt(std::optional<double> x) { return x ? json_number(*x) : json::value(nullptr); }

json::object budget_json(const sync::BudgetStatus& b) {
    json::object o;
    o["share"] = json_number(b.share);
    o["limitPerSecond"] = json_number(b.limit_per_second);
    o["used"] = b.used;
    o["borrowed"] = b.borrowed;
    o["waits"] = b.waits;
    return o;
}

// Done fraction of the work between `from` and `to` when at `at`, in the direction of travel.
json::value fraction(uint64_t from, uint64_t to, uint64_t at) {
    if (from == to) return 1.0;
    const bool up = to > from;
    const uint64_t total = up ? to - from : from - to;
    uint64_t done = 0;
    if (up)
        done = at <= from ? 0 : std::min(at - from, total);
    else
        done = at >= from ? 0 : std::min(from - at, total);
    return static_cast<double>(done) / static_cast<double>(total);
}

std::string endpoint_text(const boost::asio::ip::tcp::endpoint& ep) {
    const auto addr = ep.address();
    std::string host = addr.to_string();
    if (addr.is_v6()) host = "[" + host + "]";
    return host + ":" + std::to_string(ep.port());
}

}  // namespace

json::value json_number(double x) { return std::isfinite(x) ? json::value(x) : json::value(nullptr); }

json::object direction_json(const sync::DirectionStatus& d, sync::Direction direction, std::optional<uint64_t> anchor) {
    json::object o;
    o["state"] = d.state;
    o["height"] = opt(d.height);
    o["target"] = opt(d.target);
    o["remaining"] = d.remaining;
    o["etaSeconds"] = opt(d.eta_seconds);
    if (anchor && d.height && d.target) {
        // Forward climbs from the anchor to the tip; backward descends from the anchor to the history limit.
        o["progress"] = direction == sync::Direction::kForward
                            ? fraction(*anchor, std::max(*anchor, *d.target), *d.height)
                            : fraction(*anchor, std::min(*anchor, *d.target), *d.height);
    } else {
        o["progress"] = nullptr;
    }
    o["blocks"] = d.blocks;
    o["bodies"] = d.bodies;
    o["receipts"] = d.receipts;
    o["bytes"] = d.bytes;
    o["requests"] = d.requests;
    o["failedRequests"] = d.failed_requests;
    o["blocksPerSecond"] = json_number(d.blocks_per_second);
    o["bytesPerSecond"] = json_number(d.bytes_per_second);
    json::object budget;
    budget["bandwidth"] = budget_json(d.bandwidth);
    budget["cpu"] = budget_json(d.cpu);
    o["budget"] = std::move(budget);
    return o;
}

json::object status_json(const sync::SyncStatus& s, std::optional<PeerCounts> peers) {
    json::object o;
    o["phase"] = std::string(sync::to_string(s.phase));
    o["ready"] = s.ready;
    o["error"] = s.error.empty() ? json::value(nullptr) : json::value(s.error);
    o["historyMode"] = s.history_mode;
    o["backwardPaused"] = s.backward_paused;
    if (s.anchor_number) {
        json::object a;
        a["number"] = *s.anchor_number;
        a["hash"] = to_hex(s.anchor_hash);
        o["anchor"] = std::move(a);
    } else {
        o["anchor"] = nullptr;
    }
    if (s.tip_number) {
        json::object t;
        t["number"] = *s.tip_number;
        t["hash"] = to_hex(s.tip_hash);
        o["tip"] = std::move(t);
    } else {
        o["tip"] = nullptr;
    }
    json::object lag;
    lag["blocks"] = s.tip_lag_blocks;
    lag["seconds"] = json_number(s.tip_lag_seconds);
    o["tipLag"] = std::move(lag);
    o["forward"] = direction_json(s.forward, sync::Direction::kForward, s.anchor_number);
    o["backward"] = direction_json(s.backward, sync::Direction::kBackward, s.anchor_number);
    if (peers) {
        json::object p;
        p["connected"] = peers->connected;
        p["banned"] = peers->banned;
        o["peers"] = std::move(p);
    } else {
        o["peers"] = nullptr;
    }
    o["gapsTracked"] = s.gaps.size();
    return o;
}

json::object gaps_json(std::span<const storage::Range> gaps, std::span<const sync::GapStatus> tracked,
                       std::size_t limit) {
    uint64_t blocks = 0;
    for (const auto& g : gaps) blocks += g.size();
    json::array list;
    const std::size_t shown = std::min(limit, gaps.size());
    list.reserve(shown);
    for (std::size_t i = 0; i < shown; ++i) {
        const storage::Range g = gaps[gaps.size() - 1 - i];  // newest first
        json::object e;
        e["first"] = g.first;
        e["end"] = g.end;
        e["size"] = g.size();
        // The engine's entry for this gap: the one whose original extent holds what is still missing of it.
        const auto match = std::find_if(tracked.begin(), tracked.end(), [&](const sync::GapStatus& t) {
            return t.first <= g.first && g.end <= t.end && t.first < t.end;
        });
        if (match != tracked.end()) {
            e["filled"] = match->filled;
            e["etaSeconds"] = opt(match->eta_seconds);
        }
        list.push_back(std::move(e));
    }
    json::object o;
    o["count"] = gaps.size();
    o["blocks"] = blocks;
    o["truncated"] = shown < gaps.size();
    o["gaps"] = std::move(list);
    return o;
}

json::object peer_json(const p2p::peers::PeerInfo& p, p2p::Clock::time_point now) {
    json::object o;
    o["id"] = to_hex(p.peer_id);
    o["endpoint"] = endpoint_text(p.endpoint);
    o["client"] = p.client_id;
    o["version"] = static_cast<int>(p.version);
    o["inbound"] = p.inbound;
    o["trusted"] = p.trusted;
    o["static"] = p.is_static;
    json::object head;
    head["number"] = opt(p.head_number);
    head["hash"] = to_hex(p.head_hash);
    o["head"] = std::move(head);
    if (p.earliest && p.latest) {
        json::object r;
        r["earliest"] = *p.earliest;
        r["latest"] = *p.latest;
        o["range"] = std::move(r);
    } else {
        o["range"] = nullptr;
    }
    o["reputation"] = p.reputation;
    o["penalties"] = p.penalties;
    o["lastPenalty"] = p.last_penalty.empty() ? json::value(nullptr) : json::value(p.last_penalty);
    json::object rates;
    rates["headers"] = json_number(p.header_rate);
    rates["bodies"] = json_number(p.body_rate);
    rates["receipts"] = json_number(p.receipt_rate);
    o["rates"] = std::move(rates);
    o["rttMs"] = json_number(static_cast<double>(p.rtt.count()) / 1000.0);
    o["inFlight"] = p.in_flight;
    o["requestsServed"] = p.requests_served;
    const auto connected = p.connected_at == p2p::Clock::time_point{} || now < p.connected_at
                               ? std::chrono::seconds(0)
                               : std::chrono::duration_cast<std::chrono::seconds>(now - p.connected_at);
    o["connectedSeconds"] = static_cast<int64_t>(connected.count());
    return o;
}

json::object ban_json(const p2p::peers::Ban& b, p2p::peers::WallClock::time_point now) {
    json::object o;
    o["id"] = to_hex(b.peer_id);
    o["ip"] = b.ip && !b.ip->empty() ? json::value(b.ip->to_string()) : json::value(nullptr);
    o["reason"] = b.reason;
    if (b.until) {
        o["until"] =
            static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(b.until->time_since_epoch()).count());
        const auto left =
            *b.until > now ? std::chrono::duration_cast<std::chrono::seconds>(*b.until - now) : std::chrono::seconds(0);
        o["expiresInSeconds"] = static_cast<int64_t>(left.count());
    } else {
        o["until"] = nullptr;
        o["expiresInSeconds"] = nullptr;
    }
    return o;
}

json::object checkpoint_json(const checkpoint::RegistryEntry& e) {
    json::object o = checkpoint::verified_checkpoint_json(e.checkpoint);
    o["source"] = e.source;
    o["verifiedAt"] = e.verified_at;
    o["revoked"] = e.revoked;
    o["current"] = e.current;
    return o;
}

}  // namespace hypasis::serve
