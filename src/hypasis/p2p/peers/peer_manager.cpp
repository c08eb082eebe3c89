#include "hypasis/p2p/peers/peer_manager.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/p2p/eth/error.hpp"

namespace hypasis::p2p::peers {

namespace asio = boost::asio;
using asio::ip::tcp;

struct PeerManager::DialState {
    discv4::Enode node;
    bool trusted{false};
    bool is_static{true};
    bool dialing{false};
    Clock::time_point next_attempt{};
    std::chrono::milliseconds backoff{0};
};

namespace {

// The subnet an address counts against: IPv4 /24, IPv6 /64 (IPv4-mapped IPv6 counts as IPv4).
Bytes subnet_of(const asio::ip::address& ip) {
    if (ip.is_v4()) {
        const auto b = ip.to_v4().to_bytes();
        return {4, b[0], b[1], b[2]};
    }
    const auto v6 = ip.to_v6();
    if (v6.is_v4_mapped()) {
        const auto b = asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes();
        return {4, b[0], b[1], b[2]};
    }
    const auto b = v6.to_bytes();
    return {6, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]};
}

bool is_loopback(const asio::ip::address& ip) {
    if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6()).is_loopback();
    }
    return ip.is_loopback();
}

std::optional<discv4::IpAddress> to_ip(const asio::ip::address& ip) {
    if (ip.is_v4()) {
        const auto b = ip.to_v4().to_bytes();
        return discv4::IpAddress::from_bytes(ByteView(b.data(), b.size()));
    }
    const auto b = ip.to_v6().to_bytes();
    return discv4::IpAddress::from_bytes(ByteView(b.data(), b.size()));
}

bool same_ip(const discv4::IpAddress& a, const asio::ip::address& b) {
    auto converted = to_ip(b);
    return converted && *converted == a;
}

}  // namespace

PeerManager::PeerManager(Executor executor, PeerManagerConfig config)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      acceptor_(executor_),
      stop_wake_(executor_),
      tasks_done_(executor_),
      reputation_(config_.reputation) {
    auto id = crypto::public_key(config_.node_key);
    if (!id) throw std::invalid_argument("peer manager: invalid node key");
    node_id_ = *id;
    pool_ = std::make_unique<asio::thread_pool>(std::max<std::size_t>(1, config_.serving_threads));
    if (config_.provider) server_ = std::make_unique<Server>(*config_.provider, pool_->get_executor(), config_.serving);
    head_ = ChainHead{0, 0, config_.session.chain.genesis_hash, 0, U256{}};
    for (const auto& n : config_.trusted_peers) add_peer(n, true);
    for (const auto& n : config_.static_peers) add_peer(n, false);
}

PeerManager::~PeerManager() {
    stopped_ = true;
    if (pool_) pool_->join();  // pending BanStore saves and provider calls finish before the store goes away
}

WallClock::time_point PeerManager::wall_now() const {
    return config_.wall_clock ? config_.wall_clock() : WallClock::now();
}

ChainHead PeerManager::current_head() const {
    std::lock_guard lock(mutex_);
    return head_;
}

rlpx::Hello PeerManager::local_hello() const {
    rlpx::Hello hello;
    hello.client_id = config_.client_id;
    hello.capabilities = eth_capabilities(config_.versions);
    hello.listen_port = local_endpoint_.port();
    hello.node_id = node_id_;
    return hello;
}

void PeerManager::spawn(Task<void> task) {
    ++tasks_running_;
    asio::co_spawn(executor_, std::move(task), [this](std::exception_ptr) {
        if (--tasks_running_ == 0) tasks_done_.cancel();
    });
}

Expected<void, std::error_code> PeerManager::start() {
    if (started_) return {};
    if (config_.ban_store) {
        const auto now = wall_now();
        std::lock_guard lock(mutex_);
        for (auto& b : config_.ban_store->load()) {
            if (b.active(now)) {
                bans_[b.peer_id] = std::move(b);
            } else {
                config_.ban_store->erase(b.peer_id);
            }
        }
    }
    if (config_.provider) {
        std::lock_guard lock(mutex_);
        head_ = config_.provider->head();
    }
    if (config_.listen) {
        boost::system::error_code ec;
        const auto address = asio::ip::make_address(config_.listen_address, ec);
        if (ec) return unexpected(std::error_code(ec));
        const tcp::endpoint ep(address, config_.listen_port);
        acceptor_.open(ep.protocol(), ec);
        if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) acceptor_.bind(ep, ec);
        if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            acceptor_.close();
            return unexpected(std::error_code(ec));
        }
        local_endpoint_ = acceptor_.local_endpoint(ec);
        spawn(accept_loop());
    }
    started_ = true;
    spawn(dial_loop());
    if (config_.discovery) spawn(discovery_loop());
    return {};
}

void PeerManager::stop() {
    if (stopped_.exchange(true)) return;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    stop_wake_.cancel();
    // Copy first: closing runs callbacks that may touch sessions_.
    auto sessions = sessions_;
    for (auto& [id, s] : sessions) s->close(rlpx::DisconnectReason::kClientQuitting);
}

Task<void> PeerManager::wait_stopped() {
    while (tasks_running_ > 0) {
        tasks_done_.expires_at(Clock::time_point::max());
        co_await tasks_done_.async_wait(kUseTuple);
    }
}

discv4::Enode PeerManager::enode() const {
    discv4::Enode e;
    e.id = node_id_;
    if (auto ip = discv4::IpAddress::parse(local_endpoint_.address().to_string())) e.endpoint.ip = *ip;
    e.endpoint.tcp = local_endpoint_.port();
    e.endpoint.udp = config_.discovery ? config_.discovery->local_endpoint().udp : local_endpoint_.port();
    return e;
}

std::string PeerManager::enode_url() const { return discv4::format_enode(enode()); }

void PeerManager::add_peer(const discv4::Enode& node, bool trusted) {
    for (auto& d : dial_states_) {
        if (d->node.id == node.id) {
            d->trusted = d->trusted || trusted;
            d->is_static = true;
            return;
        }
    }
    auto d = std::make_unique<DialState>();
    d->node = node;
    d->trusted = trusted;
    d->backoff = config_.dial_backoff_initial;
    dial_states_.push_back(std::move(d));
}

bool PeerManager::is_trusted(const PeerId& peer) const {
    return std::any_of(dial_states_.begin(), dial_states_.end(),
                       [&](const auto& d) { return d->trusted && d->node.id == peer; });
}

std::error_code PeerManager::admit(const PeerId& peer, const asio::ip::address& ip, bool inbound,
                                   bool trusted) const {
    {
        std::lock_guard lock(mutex_);
        const auto now = wall_now();
        auto it = bans_.find(peer);
        if (it != bans_.end() && it->second.active(now)) return make_error_code(PeerError::kBanned);
        if (inbound && !is_loopback(ip)) {
            for (const auto& [id, b] : bans_) {
                if (b.ip && b.active(now) && same_ip(*b.ip, ip)) return make_error_code(PeerError::kBanned);
            }
        }
    }
    if (slots_.count(peer) != 0) return make_error_code(PeerError::kAlreadyConnected);
    if (trusted) return {};
    if (slots_.size() >= config_.max_peers) return make_error_code(PeerError::kTooManyPeers);
    if (inbound) {
        const auto inbound_count =
            std::count_if(slots_.begin(), slots_.end(), [](const auto& s) { return s.second.inbound; });
        if (static_cast<std::size_t>(inbound_count) >= config_.max_inbound) {
            return make_error_code(PeerError::kTooManyInbound);
        }
    }
    if (!(config_.subnet_exempt_loopback && is_loopback(ip))) {
        const Bytes net = subnet_of(ip);
        const auto same = std::count_if(slots_.begin(), slots_.end(), [&](const auto& s) {
            return !s.second.trusted && subnet_of(s.second.ip) == net;
        });
        if (static_cast<std::size_t>(same) >= config_.max_per_subnet24) return make_error_code(PeerError::kSubnetFull);
    }
    return {};
}

Task<void> PeerManager::accept_loop() {
    while (!stopped_) {
        auto [ec, socket] = co_await acceptor_.async_accept(kUseTuple);
        if (stopped_) break;
        if (ec) {
            if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) break;
            // Transient (e.g. too many open files): back off briefly instead of spinning.
            asio::steady_timer pause(executor_, std::chrono::milliseconds(50));
            co_await pause.async_wait(kUseTuple);
            continue;
        }
        {
            std::lock_guard lock(mutex_);
            ++stats_.accepted;
        }
        if (pending_handshakes_ >= config_.max_pending_handshakes) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        spawn(handle_inbound(std::move(socket)));
    }
}

Task<void> PeerManager::handle_inbound(tcp::socket socket) {
    ++pending_handshakes_;
    rlpx::Hello hello = local_hello();
    auto conn = co_await rlpx::Connection::accept(std::move(socket), config_.node_key, std::move(hello),
                                                  config_.connection);
    --pending_handshakes_;
    if (!conn) {
        std::lock_guard lock(mutex_);
        ++stats_.handshake_failures;
        co_return;
    }
    const PeerId peer = (*conn)->remote_id();
    const bool trusted = is_trusted(peer);
    const auto ip = (*conn)->remote_endpoint().address();
    if (auto refused = admit(peer, ip, true, trusted); refused || stopped_) {
        if (stopped_) refused = make_error_code(PeerError::kStopped);
        {
            std::lock_guard lock(mutex_);
            if (refused == PeerError::kBanned) ++stats_.refused_banned;
            else if (refused == PeerError::kAlreadyConnected) ++stats_.refused_duplicate;
            else ++stats_.refused_caps;
        }
        co_await (*conn)->disconnect(disconnect_reason_for(refused));
        co_return;
    }
    slots_[peer] = Slot{true, trusted, ip};
    bool is_static = std::any_of(dial_states_.begin(), dial_states_.end(),
                                 [&](const auto& d) { return d->node.id == peer; });
    co_await run_session(std::move(*conn), true, trusted, is_static);
}

Task<bool> PeerManager::run_session(std::unique_ptr<rlpx::Connection> connection, bool inbound, bool trusted,
                                    bool is_static) {
    const PeerId peer = connection->remote_id();
    const auto ip = connection->remote_endpoint().address();
    SessionHooks hooks;
    hooks.on_misbehaviour = [this, peer](Misbehaviour what, std::error_code why) { penalise(peer, what, why); };
    hooks.on_good_response = [this, peer] { reward(peer); };
    const ChainHead head = current_head();
    auto session = co_await EthSession::establish(std::move(connection), inbound, config_.session, head,
                                                  server_.get(), std::move(hooks));
    if (!session) {
        slots_.erase(peer);
        {
            std::lock_guard lock(mutex_);
            ++stats_.handshake_failures;
        }
        const auto& ec = session.error();
        const bool violation = (ec.category() == eth::eth_category() &&
                                eth::is_protocol_violation(static_cast<eth::EthError>(ec.value()))) ||
                               ec == PeerError::kUnexpectedStatus;
        if (violation) penalise(peer, Misbehaviour::kProtocolViolation, ec);
        co_return false;
    }
    auto s = *session;
    sessions_[peer] = s;
    {
        std::lock_guard lock(mutex_);
        ++stats_.sessions;
        shared_[peer] = SharedPeer{s, ip, trusted, is_static};
    }
    s->start();
    if (stopped_) s->close(rlpx::DisconnectReason::kClientQuitting);
    co_await s->wait_closed();
    {
        std::lock_guard lock(mutex_);
        shared_.erase(peer);
    }
    sessions_.erase(peer);
    slots_.erase(peer);
    co_return true;
}

Task<void> PeerManager::dial_loop() {
    while (!stopped_) {
        const auto now = Clock::now();
        for (auto& d : dial_states_) {
            if (active_dials_ >= config_.max_concurrent_dials) break;
            if (d->dialing || now < d->next_attempt || slots_.count(d->node.id) != 0) continue;
            if (!d->is_static) {
                // Discovered candidates only fill outbound slots.
                const auto outbound = std::count_if(slots_.begin(), slots_.end(),
                                                    [](const auto& s) { return !s.second.inbound; });
                const std::size_t outbound_cap =
                    config_.max_peers > config_.max_inbound ? config_.max_peers - config_.max_inbound : 0;
                if (static_cast<std::size_t>(outbound) >= outbound_cap) continue;
            }
            d->dialing = true;
            spawn(dial(*d));
        }
        stop_wake_.expires_after(config_.dial_interval);
        co_await stop_wake_.async_wait(kUseTuple);
    }
}

Task<void> PeerManager::dial(DialState& d) {
    ++active_dials_;
    bool established = false;
    boost::system::error_code parse_error;
    const auto address = asio::ip::make_address(d.node.endpoint.ip.to_string(), parse_error);
    std::error_code refused = parse_error ? std::error_code(parse_error) : admit(d.node.id, address, false, d.trusted);
    if (!refused) {
        slots_[d.node.id] = Slot{false, d.trusted, address};
        {
            std::lock_guard lock(mutex_);
            ++stats_.dials;
        }
        rlpx::Hello hello = local_hello();
        const tcp::endpoint endpoint(address, d.node.endpoint.tcp);
        auto conn = co_await rlpx::Connection::dial(executor_, endpoint, d.node.id, config_.node_key, std::move(hello),
                                                    config_.connection);
        if (!conn) {
            slots_.erase(d.node.id);
            std::lock_guard lock(mutex_);
            ++stats_.dial_failures;
        } else if (stopped_) {
            slots_.erase(d.node.id);
            co_await (*conn)->disconnect(rlpx::DisconnectReason::kClientQuitting);
        } else {
            --active_dials_;  // the session is not a dial in progress
            established = co_await run_session(std::move(*conn), false, d.trusted, d.is_static);
            ++active_dials_;
        }
    }
    // Exponential backoff on failure; a session that ran resets it.
    if (established) {
        d.backoff = config_.dial_backoff_initial;
        d.next_attempt = Clock::now() + d.backoff;
    } else {
        d.next_attempt = Clock::now() + d.backoff;
        d.backoff = std::min(config_.dial_backoff_max, d.backoff * 2);
    }
    d.dialing = false;
    --active_dials_;
}

Task<void> PeerManager::discovery_loop() {
    uint64_t round = 0;
    while (!stopped_) {
        // A pseudo-random lookup target per round: keccak of our id and the round number.
        Bytes seed(node_id_.begin(), node_id_.end());
        const auto r = be64(round++);
        seed.insert(seed.end(), r.begin(), r.end());
        const Hash h = crypto::keccak256(seed);
        discv4::NodeId target{};
        std::copy(h.begin(), h.end(), target.begin());
        std::copy(h.begin(), h.end(), target.begin() + 32);
        auto found = co_await config_.discovery->lookup(target);
        for (const auto& n : found) {
            if (stopped_) break;
            if (n.id == node_id_ || n.endpoint.tcp == 0) continue;
            const std::size_t candidates = static_cast<std::size_t>(
                std::count_if(dial_states_.begin(), dial_states_.end(), [](const auto& d) { return !d->is_static; }));
            const bool known = std::any_of(dial_states_.begin(), dial_states_.end(),
                                           [&](const auto& d) { return d->node.id == n.id; });
            if (known || candidates >= config_.max_candidates) continue;
            auto d = std::make_unique<DialState>();
            d->node = discv4::Enode{n.id, n.endpoint};
            d->is_static = false;
            d->backoff = config_.dial_backoff_initial;
            dial_states_.push_back(std::move(d));
        }
        if (stopped_) break;
        stop_wake_.expires_after(config_.discovery_interval);
        co_await stop_wake_.async_wait(kUseTuple);
    }
}

void PeerManager::ban_locked(const PeerId& peer, std::optional<asio::ip::address> ip, std::string reason) {
    Ban b;
    b.peer_id = peer;
    if (ip && !is_loopback(*ip)) b.ip = to_ip(*ip);
    b.until = wall_now() + config_.ban_duration;
    b.reason = std::move(reason);
    bans_[peer] = b;
    ++stats_.bans;
    reputation_.reset(peer);
    if (config_.ban_store && !stopped_) {
        asio::post(pool_->get_executor(), [store = config_.ban_store, b] { store->save(b); });
    } else if (config_.ban_store) {
        config_.ban_store->save(b);
    }
}

void PeerManager::penalise(const PeerId& peer, Misbehaviour what, std::error_code why) {
    bool banned = false;
    {
        std::lock_guard lock(mutex_);
        ++stats_.misbehaviours;
        if (penalties_.size() >= kMaxPenaltyRecords && penalties_.count(peer) == 0) {
            penalties_.erase(penalties_.begin());  // bounded; an arbitrary old record goes
        }
        auto& record = penalties_[peer];
        ++record.count;
        record.last = what;
        const int score = reputation_.add(peer, -penalty_for(reputation_.config(), what), Clock::now());
        if (score <= reputation_.config().ban_threshold) {
            std::optional<asio::ip::address> ip;
            if (auto it = shared_.find(peer); it != shared_.end()) ip = it->second.ip;
            std::string reason(to_string(what));
            if (why) reason += ": " + why.message();
            ban_locked(peer, ip, std::move(reason));
            banned = true;
        }
    }
    if (banned) {
        close_session(peer, rlpx::DisconnectReason::kUselessPeer, make_error_code(PeerError::kReputation));
    } else if (what == Misbehaviour::kInvalidData || what == Misbehaviour::kProtocolViolation) {
        close_session(peer, rlpx::DisconnectReason::kProtocolBreach, why ? why : make_error_code(PeerError::kReputation));
    }
}

void PeerManager::reward(const PeerId& peer) {
    std::lock_guard lock(mutex_);
    reputation_.add(peer, reputation_.config().reward_good_response, Clock::now());
}

void PeerManager::close_session(const PeerId& peer, rlpx::DisconnectReason reason, std::error_code why) {
    // Posted: the caller may be inside the session's own callback, or on another thread (report()).
    asio::post(executor_, [this, peer, reason, why] {
        auto it = sessions_.find(peer);
        if (it != sessions_.end()) it->second->close(reason, why);
    });
}

void PeerManager::report(const PeerId& peer, Misbehaviour what) { penalise(peer, what, {}); }

void PeerManager::notify_head_changed() {
    if (!config_.provider || stopped_) return;
    asio::post(pool_->get_executor(), [this] {
        const ChainHead head = config_.provider->head();
        asio::post(executor_, [this, head] {
            {
                std::lock_guard lock(mutex_);
                head_ = head;
            }
            for (auto& [id, s] : sessions_) s->notify_head(head);
        });
    });
}

std::vector<PeerInfo> PeerManager::peers() const {
    std::vector<PeerInfo> out;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (const auto& [id, sp] : shared_) {
        auto s = sp.session.lock();
        if (!s) continue;
        PeerInfo info = s->info();
        info.trusted = sp.trusted;
        info.is_static = sp.is_static;
        info.reputation = reputation_.score(id, now);
        if (auto pen = penalties_.find(id); pen != penalties_.end()) {
            info.penalties = pen->second.count;
            info.last_penalty = std::string(to_string(pen->second.last));
        }
        out.push_back(std::move(info));
    }
    return out;
}

int PeerManager::reputation(const PeerId& peer) const {
    std::lock_guard lock(mutex_);
    return reputation_.score(peer, Clock::now());
}

bool PeerManager::is_banned(const PeerId& peer) const {
    std::lock_guard lock(mutex_);
    auto it = bans_.find(peer);
    return it != bans_.end() && it->second.active(wall_now());
}

std::vector<Ban> PeerManager::bans() const {
    std::lock_guard lock(mutex_);
    std::vector<Ban> out;
    const auto now = wall_now();
    for (const auto& [id, b] : bans_) {
        if (b.active(now)) out.push_back(b);
    }
    return out;
}

PeerManagerStats PeerManager::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

std::shared_ptr<EthSession> PeerManager::session(const PeerId& peer) const {
    auto it = sessions_.find(peer);
    return it == sessions_.end() ? nullptr : it->second;
}

// Lambdas with non-trivial captures are named locals, never temporaries inside a co_await expression: GCC 12
// destroys such a temporary twice when the full-expression suspends.
template <class T, class F>
Task<Expected<T, std::error_code>> PeerManager::on_session(PeerId peer, F call) {
    auto work = [this, peer, c = std::move(call)]() mutable -> Task<Expected<T, std::error_code>> {
        if (stopped_) co_return unexpected(make_error_code(PeerError::kStopped));
        auto it = sessions_.find(peer);
        if (it == sessions_.end()) co_return unexpected(make_error_code(PeerError::kUnknownPeer));
        auto s = it->second;
        co_return co_await c(*s);
    };
    co_return co_await asio::co_spawn(executor_, std::move(work), asio::use_awaitable);
}

Task<Expected<std::vector<SealedHeader>, std::error_code>> PeerManager::get_headers(PeerId peer,
                                                                                   HeadersRequest request) {
    auto call = [request](EthSession& s) { return s.get_headers(request); };
    co_return co_await on_session<std::vector<SealedHeader>>(peer, std::move(call));
}

Task<Expected<std::vector<BlockBody>, std::error_code>> PeerManager::get_bodies(PeerId peer,
                                                                               std::vector<Hash> hashes) {
    auto call = [h = std::move(hashes)](EthSession& s) mutable { return s.get_bodies(std::move(h)); };
    co_return co_await on_session<std::vector<BlockBody>>(peer, std::move(call));
}

Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> PeerManager::get_receipts(
    PeerId peer, std::vector<Hash> hashes) {
    auto call = [h = std::move(hashes)](EthSession& s) mutable { return s.get_receipts(std::move(h)); };
    co_return co_await on_session<std::vector<std::vector<Receipt>>>(peer, std::move(call));
}

}  // namespace hypasis::p2p::peers
