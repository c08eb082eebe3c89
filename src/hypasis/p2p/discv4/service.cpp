#include "hypasis/p2p/discv4/service.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::p2p::discv4 {

namespace asio = boost::asio;
using asio::ip::udp;

struct Service::Pending {
    Pending(const Executor& ex, const NodeId& f, const IpAddress& a, PacketType t, const Hash& h)
        : from(f), ip(a), type(t), hash(h), timer(ex) {}
    NodeId from;
    IpAddress ip;
    PacketType type;
    Hash hash;  ///< Pong: the ping hash; ENRResponse: the request hash; others: unused
    asio::steady_timer timer;
    Clock::time_point deadline{};
    std::optional<Message> reply;
    std::vector<Node> nodes;  ///< NEIGHBOURS gathered so far
    bool done{false};
    bool stopped{false};
};

namespace {

/// Rethrows into io_context::run(): an exception escaping a service coroutine is a bug, and must be loud.
void rethrow(const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
}

IpAddress to_ip(const asio::ip::address& a) {
    if (a.is_v4()) {
        const auto b = a.to_v4().to_bytes();
        return *IpAddress::from_bytes(ByteView{b.data(), b.size()});
    }
    const auto b = a.to_v6().to_bytes();
    return *IpAddress::from_bytes(ByteView{b.data(), b.size()});
}

std::optional<udp::endpoint> to_udp(const Endpoint& e) {
    if (e.ip.is_v4()) {
        asio::ip::address_v4::bytes_type b;
        std::copy(e.ip.bytes().begin(), e.ip.bytes().end(), b.begin());
        return udp::endpoint(asio::ip::address_v4(b), e.udp);
    }
    if (e.ip.is_v6()) {
        asio::ip::address_v6::bytes_type b;
        std::copy(e.ip.bytes().begin(), e.ip.bytes().end(), b.begin());
        return udp::endpoint(asio::ip::address_v6(b), e.udp);
    }
    return std::nullopt;
}

Hash distance_key(const Hash& target_hash, const NodeId& id) {
    Hash h = crypto::keccak256(id);
    for (std::size_t i = 0; i < h.size(); ++i) h[i] ^= target_hash[i];
    return h;
}

/// discv4.md relay check, simplified: a node on a public address may not point us at loopback or unspecified
/// addresses (that would turn us into a tool against our own host).
bool relay_ok(const IpAddress& sender, const IpAddress& node) {
    if (node.is_unspecified()) return false;
    if (node.is_loopback() && !sender.is_loopback()) return false;
    return true;
}

}  // namespace

Expected<std::unique_ptr<Service>, Discv4Error> Service::create(Executor executor, ServiceConfig config) {
    auto pub = crypto::public_key(config.key);
    if (!pub) return unexpected(Discv4Error::kInvalidKey);
    auto ip = IpAddress::parse(config.listen_address);
    if (!ip) return unexpected(Discv4Error::kBindFailed);
    Endpoint local{*ip, config.listen_port, config.tcp_port};
    auto ep = to_udp(local);
    if (!ep) return unexpected(Discv4Error::kBindFailed);
    boost::system::error_code ec;
    udp::socket socket(executor);
    socket.open(ep->protocol(), ec);
    if (!ec) socket.bind(*ep, ec);
    if (ec) return unexpected(Discv4Error::kBindFailed);
    local.udp = socket.local_endpoint(ec).port();
    if (ec) return unexpected(Discv4Error::kBindFailed);

    EnrBuilder builder(config.enr_seq);
    if (!ip->is_unspecified()) builder.set_ip(*ip);
    builder.set_udp(local.udp);
    if (config.tcp_port != 0) builder.set_tcp(config.tcp_port);
    auto enr = builder.sign(config.key);
    if (!enr) return unexpected(enr.error());
    return std::unique_ptr<Service>(
        new Service(std::move(executor), std::move(config), std::move(socket), std::move(*enr), *pub, local));
}

Service::Service(Executor executor, ServiceConfig config, udp::socket socket, Enr enr, NodeId id, Endpoint local)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      socket_(std::move(socket)),
      enr_(std::move(enr)),
      id_(id),
      local_(local),
      table_(id, config_.max_bonds),
      limiter_(config_.rate_per_second, config_.rate_burst, config_.rate_max_sources) {}

Service::~Service() { stop(); }

void Service::start() {
    if (started_ || stopped_) return;
    started_ = true;
    ++own_tasks_;
    asio::co_spawn(executor_, receive_loop(), [this](std::exception_ptr e) {
        --own_tasks_;
        rethrow(e);
    });
}

Task<void> Service::shutdown() {
    stop();
    asio::steady_timer tick(executor_);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (own_tasks_ > 0 && Clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(1));
        (void)co_await tick.async_wait(kUseTuple);
    }
}

void Service::stop() {
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ec;
    socket_.close(ec);
    for (Pending& p : pending_) {
        p.stopped = true;
        p.timer.cancel();
    }
}

uint64_t Service::expiration() const {
    const uint64_t now = config_.unix_now
                             ? config_.unix_now()
                             : static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                         std::chrono::system_clock::now().time_since_epoch())
                                                         .count());
    return now + config_.expiration_window_s;
}

bool Service::destination_allowed(const IpAddress& ip) const noexcept {
    if (ip.empty() || ip.is_unspecified()) return false;
    return config_.allow_non_loopback || ip.is_loopback();
}

Task<Expected<Hash, Discv4Error>> Service::send(const Endpoint& to, const Message& message) {
    // The one place that writes to the socket: the destination guard comes before encoding or sending.
    if (!destination_allowed(to.ip)) {
        ++stats_.refused_destination;
        co_return unexpected(Discv4Error::kDestinationNotAllowed);
    }
    if (stopped_) co_return unexpected(Discv4Error::kStopped);
    auto ep = to_udp(to);
    if (!ep) co_return unexpected(Discv4Error::kDestinationNotAllowed);
    auto bytes = encode_packet(message, config_.key);
    if (!bytes) co_return unexpected(bytes.error());
    Hash hash;
    std::memcpy(hash.data(), bytes->data(), 32);
    auto [ec, n] = co_await socket_.async_send_to(asio::buffer(*bytes), *ep, kUseTuple);
    if (ec || n != bytes->size()) co_return unexpected(stopped_ ? Discv4Error::kStopped : Discv4Error::kSendFailed);
    ++stats_.sent;
    co_return hash;
}

Expected<std::list<Service::Pending>::iterator, Discv4Error> Service::add_pending(const NodeId& from,
                                                                                  const IpAddress& ip,
                                                                                  PacketType type, const Hash& hash) {
    if (stopped_) return unexpected(Discv4Error::kStopped);
    if (pending_.size() >= config_.max_pending) return unexpected(Discv4Error::kTooManyPending);
    pending_.emplace_back(executor_, from, ip, type, hash);
    auto it = std::prev(pending_.end());
    it->deadline = Clock::now() + config_.request_timeout;
    return it;
}

Task<Expected<void, Discv4Error>> Service::wait(std::list<Pending>::iterator p) {
    // The timer is both the deadline and the wake-up signal: the receive path cancels it when a reply arrives
    // (or shortens the deadline of a split NEIGHBOURS answer), stop() cancels it too.
    for (;;) {
        p->timer.expires_at(p->deadline);
        auto [ec] = co_await p->timer.async_wait(kUseTuple);
        if (p->done) co_return Expected<void, Discv4Error>{};
        if (p->stopped) co_return unexpected(Discv4Error::kStopped);
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none) co_return unexpected(Discv4Error::kStopped);
        if (!ec || Clock::now() >= p->deadline) {
            if (p->type == PacketType::kNeighbours && !p->nodes.empty()) co_return Expected<void, Discv4Error>{};
            co_return unexpected(Discv4Error::kTimeout);
        }
    }
}

Task<Expected<Pong, Discv4Error>> Service::ping(Node to) {
    if (!destination_allowed(to.endpoint.ip)) {
        ++stats_.refused_destination;
        co_return unexpected(Discv4Error::kDestinationNotAllowed);
    }
    Ping m;
    m.from = local_;
    m.to = to.endpoint;
    m.expiration = expiration();
    m.enr_seq = enr_.seq();
    // The pong must echo the hash of exactly this packet: encode once, register, then send.
    auto bytes = encode_packet(m, config_.key);
    if (!bytes) co_return unexpected(bytes.error());
    Hash hash;
    std::memcpy(hash.data(), bytes->data(), 32);
    auto p = add_pending(to.id, to.endpoint.ip, PacketType::kPong, hash);
    if (!p) co_return unexpected(p.error());
    auto ep = to_udp(to.endpoint);
    Expected<void, Discv4Error> result{};
    if (!ep) {
        result = unexpected(Discv4Error::kDestinationNotAllowed);
    } else {
        auto [ec, n] = co_await socket_.async_send_to(asio::buffer(*bytes), *ep, kUseTuple);
        if (ec || n != bytes->size()) {
            result = unexpected(stopped_ ? Discv4Error::kStopped : Discv4Error::kSendFailed);
        } else {
            ++stats_.sent;
            result = co_await wait(*p);
        }
    }
    std::optional<Message> reply = std::move((*p)->reply);
    pending_.erase(*p);
    if (!result) co_return unexpected(result.error());
    table_.add(to);
    co_return std::get<Pong>(*reply);
}

Task<Expected<void, Discv4Error>> Service::ensure_bond(const Node& to) {
    if (table_.pinged_us(to.id, to.endpoint.ip, Clock::now())) co_return Expected<void, Discv4Error>{};
    // Register for its ping-back before pinging, so that a ping arriving before our pong is not missed.
    auto waiter = add_pending(to.id, to.endpoint.ip, PacketType::kPing, Hash{});
    if (!waiter) co_return unexpected(waiter.error());
    auto pong = co_await ping(to);
    Expected<void, Discv4Error> result{};
    if (!pong) {
        result = unexpected(pong.error());
    } else if (!(*waiter)->done) {
        // Its ping-back may not come (it may already consider us proven); go on after the deadline either way.
        auto r = co_await wait(*waiter);
        if (!r && r.error() == Discv4Error::kStopped) result = r;
    }
    pending_.erase(*waiter);
    co_return result;
}

Task<Expected<std::vector<Node>, Discv4Error>> Service::find_node(Node to, NodeId target) {
    if (!destination_allowed(to.endpoint.ip)) {
        ++stats_.refused_destination;
        co_return unexpected(Discv4Error::kDestinationNotAllowed);
    }
    if (auto bonded = co_await ensure_bond(to); !bonded) co_return unexpected(bonded.error());
    auto p = add_pending(to.id, to.endpoint.ip, PacketType::kNeighbours, Hash{});
    if (!p) co_return unexpected(p.error());
    // Named, not a temporary inside the co_await expression: GCC 12 can destroy such temporaries twice.
    const Message request = FindNode{target, expiration()};
    auto sent = co_await send(to.endpoint, request);
    Expected<void, Discv4Error> result{};
    if (!sent) {
        result = unexpected(sent.error());
    } else {
        result = co_await wait(*p);
    }
    std::vector<Node> nodes = std::move((*p)->nodes);
    pending_.erase(*p);
    if (!result) co_return unexpected(result.error());
    co_return nodes;
}

Task<Expected<Enr, Discv4Error>> Service::request_enr(Node to) {
    if (!destination_allowed(to.endpoint.ip)) {
        ++stats_.refused_destination;
        co_return unexpected(Discv4Error::kDestinationNotAllowed);
    }
    if (auto bonded = co_await ensure_bond(to); !bonded) co_return unexpected(bonded.error());
    const Message m = EnrRequest{expiration()};
    auto bytes = encode_packet(m, config_.key);
    if (!bytes) co_return unexpected(bytes.error());
    Hash hash;
    std::memcpy(hash.data(), bytes->data(), 32);
    auto p = add_pending(to.id, to.endpoint.ip, PacketType::kEnrResponse, hash);
    if (!p) co_return unexpected(p.error());
    auto sent = co_await send(to.endpoint, m);  // re-encoding is deterministic (RFC 6979): same hash
    Expected<void, Discv4Error> result{};
    if (!sent) {
        result = unexpected(sent.error());
    } else {
        HYPASIS_ASSERT(*sent == hash);
        result = co_await wait(*p);
    }
    std::optional<Message> reply = std::move((*p)->reply);
    pending_.erase(*p);
    if (!result) co_return unexpected(result.error());
    Enr record = std::get<EnrResponse>(*reply).record;
    if (record.public_key() != to.id) co_return unexpected(Discv4Error::kEnrWrongNode);
    co_return record;
}

Task<std::vector<Node>> Service::lookup(NodeId target) {
    struct Candidate {
        Node node;
        Hash distance;
        bool queried{false};
        bool answered{false};
    };
    const Hash target_hash = crypto::keccak256(target);
    std::vector<Candidate> candidates;
    auto consider = [&](const Node& n) {
        if (n.id == id_) return;
        for (const Candidate& c : candidates) {
            if (c.node.id == n.id) return;
        }
        candidates.push_back(Candidate{n, distance_key(target_hash, n.id)});
    };
    auto by_distance = [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; };
    for (const Node& n : table_.closest(target, kMaxNeighbours)) consider(n);
    for (const Node& n : config_.bootnodes) consider(n);

    const auto deadline = Clock::now() + config_.lookup_timeout;
    std::size_t queried = 0;
    for (std::size_t round = 0; round < config_.lookup_max_rounds && !stopped_; ++round) {
        if (Clock::now() >= deadline || queried >= config_.lookup_max_queried) break;
        std::sort(candidates.begin(), candidates.end(), by_distance);
        // Unqueried, reachable candidates are kept among the closest `lookup_max_candidates`; the rest are dropped
        // so that a hostile answer cannot grow the set.
        if (candidates.size() > config_.lookup_max_candidates) candidates.resize(config_.lookup_max_candidates);
        std::vector<std::size_t> batch;
        for (std::size_t i = 0; i < candidates.size() && batch.size() < config_.lookup_alpha; ++i) {
            if (candidates[i].queried) continue;
            candidates[i].queried = true;
            if (!destination_allowed(candidates[i].node.endpoint.ip)) continue;
            batch.push_back(i);
        }
        if (batch.empty()) break;
        queried += batch.size();

        // Query the batch in parallel; each find_node has its own deadlines, so the batch ends in bounded time.
        struct Join {
            explicit Join(const Executor& ex, std::size_t n) : timer(ex), results(n), remaining(n) {}
            asio::steady_timer timer;
            std::vector<std::optional<Expected<std::vector<Node>, Discv4Error>>> results;
            std::size_t remaining;
        };
        auto join = std::make_shared<Join>(executor_, batch.size());
        for (std::size_t j = 0; j < batch.size(); ++j) {
            asio::co_spawn(executor_, find_node(candidates[batch[j]].node, target),
                           [join, j](std::exception_ptr e, Expected<std::vector<Node>, Discv4Error> r) {
                               rethrow(e);
                               join->results[j] = std::move(r);
                               if (--join->remaining == 0) join->timer.cancel();
                           });
        }
        while (join->remaining > 0) {
            join->timer.expires_at(Clock::time_point::max());
            co_await join->timer.async_wait(kUseTuple);
        }
        for (std::size_t j = 0; j < batch.size(); ++j) {
            const auto& r = *join->results[j];
            if (!r) continue;
            candidates[batch[j]].answered = true;
            for (const Node& n : *r) consider(n);
        }
    }
    std::sort(candidates.begin(), candidates.end(), by_distance);
    std::vector<Node> out;
    for (const Candidate& c : candidates) {
        if (c.answered && out.size() < kMaxNeighbours) out.push_back(c.node);
    }
    co_return out;
}

Task<void> Service::receive_loop() {
    // One byte more than the largest valid packet, so that an oversized datagram is seen as such (the kernel
    // truncates it to the buffer) and rejected by decode_packet.
    std::array<uint8_t, kMaxPacketSize + 1> buffer{};
    while (!stopped_) {
        udp::endpoint from;
        auto [ec, n] = co_await socket_.async_receive_from(asio::buffer(buffer), from, kUseTuple);
        if (stopped_ || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) break;
        if (ec) continue;  // e.g. an ICMP error reported on the socket: not fatal for an unconnected socket
        ++stats_.received;
        co_await handle(ByteView{buffer.data(), n}, from);
    }
}

Task<void> Service::handle(ByteView datagram, udp::endpoint from) {
    const IpAddress ip = to_ip(from.address());
    const auto now = Clock::now();
    if (!limiter_.allow(ip, now)) {
        ++stats_.dropped_rate_limited;
        co_return;
    }
    const uint64_t now_unix = expiration() - config_.expiration_window_s;
    auto packet = decode_packet(datagram, now_unix);
    if (!packet) {
        ++stats_.dropped_invalid;
        co_return;
    }
    const NodeId& sender = packet->sender;
    if (sender == id_) {
        ++stats_.dropped_invalid;  // our own packet reflected back
        co_return;
    }
    auto find_pending = [&](PacketType type, const Hash* hash) -> Pending* {
        for (Pending& p : pending_) {
            if (p.done || p.type != type || p.from != sender || p.ip != ip) continue;
            if (hash != nullptr && p.hash != *hash) continue;
            return &p;
        }
        return nullptr;
    };

    switch (type_of(packet->message)) {
        case PacketType::kPing: {
            const Ping& req = std::get<Ping>(packet->message);
            table_.record_ping(sender, ip, now);
            const Endpoint to{ip, from.port(), req.from.tcp};
            const Message pong = Pong{to, packet->hash, expiration(), enr_.seq()};
            (void)co_await send(to, pong);
            if (Pending* w = find_pending(PacketType::kPing, nullptr)) {
                w->done = true;
                w->timer.cancel();
            }
            // Endpoint proof the other way round: ping back a node we have no fresh pong from, unless we already
            // are pinging it.
            const bool pinging = std::any_of(pending_.begin(), pending_.end(), [&](const Pending& p) {
                return p.type == PacketType::kPong && p.from == sender;
            });
            if (!table_.is_bonded(sender, ip, now) && !pinging && destination_allowed(ip)) {
                ++own_tasks_;
                asio::co_spawn(executor_, ping(Node{sender, to}),
                               [this](std::exception_ptr e, const Expected<Pong, Discv4Error>&) {
                                   --own_tasks_;
                                   rethrow(e);
                               });
            }
            break;
        }
        case PacketType::kPong: {
            const Pong& pong = std::get<Pong>(packet->message);
            Pending* p = find_pending(PacketType::kPong, &pong.ping_hash);
            if (p == nullptr) {
                ++stats_.dropped_unsolicited;
                break;
            }
            table_.record_pong(sender, ip, now);
            p->reply = packet->message;
            p->done = true;
            p->timer.cancel();
            break;
        }
        case PacketType::kFindNode: {
            if (!table_.is_bonded(sender, ip, now)) {
                ++stats_.dropped_unsolicited;  // discv4.md: no NEIGHBOURS without an endpoint proof
                break;
            }
            const FindNode& req = std::get<FindNode>(packet->message);
            const Endpoint to{ip, from.port(), 0};
            const auto closest = table_.closest(req.target, kMaxNeighbours);
            for (Neighbours& part : split_neighbours(closest, expiration())) {
                const Message reply = std::move(part);
                if (!co_await send(to, reply)) break;
            }
            break;
        }
        case PacketType::kNeighbours: {
            Pending* p = find_pending(PacketType::kNeighbours, nullptr);
            if (p == nullptr) {
                ++stats_.dropped_unsolicited;
                break;
            }
            for (const Node& n : std::get<Neighbours>(packet->message).nodes) {
                if (p->nodes.size() >= kMaxNeighbours) break;
                if (relay_ok(ip, n.endpoint.ip)) p->nodes.push_back(n);
            }
            if (p->nodes.size() >= kMaxNeighbours) {
                p->done = true;
            } else {
                p->deadline = std::min(p->deadline, now + config_.neighbours_wait);
            }
            p->timer.cancel();
            break;
        }
        case PacketType::kEnrRequest: {
            if (!table_.is_bonded(sender, ip, now)) {
                ++stats_.dropped_unsolicited;
                break;
            }
            const Endpoint to{ip, from.port(), 0};
            const Message reply = EnrResponse{packet->hash, enr_};
            (void)co_await send(to, reply);
            break;
        }
        case PacketType::kEnrResponse: {
            const EnrResponse& resp = std::get<EnrResponse>(packet->message);
            Pending* p = find_pending(PacketType::kEnrResponse, &resp.request_hash);
            if (p == nullptr) {
                ++stats_.dropped_unsolicited;
                break;
            }
            p->reply = packet->message;
            p->done = true;
            p->timer.cancel();
            break;
        }
    }
}

}  // namespace hypasis::p2p::discv4
