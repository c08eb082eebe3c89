#include "hypasis/p2p/peers/session.hpp"

#include <algorithm>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/p2p/eth/codec.hpp"

namespace hypasis::p2p::peers {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

struct EthSession::Pending {
    explicit Pending(const Executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    uint64_t response_code{0};
    std::size_t max_items{0};
    std::optional<Bytes> payload;
    std::error_code error;
    Clock::time_point sent{};
};

struct EthSession::ServeItem {
    eth::EthMessage message;
};

namespace {

// EWMA weight of a new sample.
constexpr double kAlpha = 0.25;

double ewma(double old, double sample) { return old == 0 ? sample : old + kAlpha * (sample - old); }

std::optional<std::pair<eth::EthVersion, uint64_t>> eth_capability(const rlpx::Connection& conn) {
    for (const auto& sc : conn.shared_capabilities()) {
        if (sc.capability.name != "eth") continue;
        if (sc.capability.version == 69) return std::pair{eth::EthVersion::kEth69, sc.offset};
        if (sc.capability.version == 68) return std::pair{eth::EthVersion::kEth68, sc.offset};
    }
    return std::nullopt;
}

// Reads the request id of a response `[request-id, [...]]` without touching the rest.
Expected<uint64_t, std::error_code> peek_request_id(ByteView payload) {
    ByteView in = payload;
    auto list = rlp::decode_list(in);
    if (!list) return unexpected(make_error_code(eth::from_rlp(list.error())));
    ByteView p = *list;
    auto id = rlp::decode_u64(p);
    if (!id) {
        const auto e = id.error() == rlp::DecodingError::kOverflow ? eth::EthError::kRequestIdTooLarge
                                                                    : eth::from_rlp(id.error());
        return unexpected(make_error_code(e));
    }
    return *id;
}

bool is_response(uint64_t code) {
    return code == eth::msg::kBlockHeaders || code == eth::msg::kBlockBodies || code == eth::msg::kReceipts ||
           code == eth::msg::kPooledTransactions;
}

// Headers must start at the origin and step by skip + 1 in the requested direction (caps/eth.md GetBlockHeaders).
bool headers_follow(const HeadersRequest& req, const std::vector<SealedHeader>& headers) {
    if (headers.empty()) return true;
    if (const auto* num = std::get_if<uint64_t>(&req.origin)) {
        if (headers.front().header.number != *num) return false;
    } else if (headers.front().hash != std::get<Hash>(req.origin)) {
        return false;
    }
    if (req.skip == std::numeric_limits<uint64_t>::max()) return headers.size() == 1;
    const uint64_t step = req.skip + 1;
    for (std::size_t i = 1; i < headers.size(); ++i) {
        const uint64_t prev = headers[i - 1].header.number, cur = headers[i].header.number;
        if (req.reverse ? (prev < step || cur != prev - step)
                        : (prev > std::numeric_limits<uint64_t>::max() - step || cur != prev + step)) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::vector<rlpx::Capability> eth_capabilities(const std::vector<eth::EthVersion>& versions) {
    std::vector<rlpx::Capability> caps;
    for (const auto v : versions) caps.push_back({"eth", static_cast<uint64_t>(v)});
    return caps;
}

EthSession::EthSession(Executor executor, std::unique_ptr<rlpx::Connection> connection, bool inbound,
                       SessionConfig config, Server* server, SessionHooks hooks, eth::EthVersion version,
                       uint64_t eth_offset)
    : connection_(std::move(connection)),
      executor_(std::move(executor)),
      config_(std::move(config)),
      server_(server),
      hooks_(std::move(hooks)),
      version_(version),
      offset_(eth_offset),
      peer_id_(connection_->remote_id()),
      serve_wake_(executor_),
      announce_tokens_(config_.announce_burst),
      announce_refill_(Clock::now()),
      closed_wake_(executor_) {
    info_.inbound = inbound;
}

EthSession::~EthSession() = default;

Task<Expected<std::shared_ptr<EthSession>, std::error_code>> EthSession::establish(
    std::unique_ptr<rlpx::Connection> connection, bool inbound, SessionConfig config, ChainHead our_head,
    Server* server, SessionHooks hooks) {
    auto executor = co_await asio::this_coro::executor;
    rlpx::Connection& conn = *connection;
    const auto cap = eth_capability(conn);
    if (!cap) {
        co_await conn.disconnect(rlpx::DisconnectReason::kUselessPeer);
        co_return unexpected(make_error_code(PeerError::kNoEthCapability));
    }
    const auto [version, offset] = *cap;

    // The ForkID and the peer's acceptance depend on our head: use the later of the view and the provider head.
    config.chain.head_number = std::max(config.chain.head_number, our_head.latest);
    config.chain.head_time = std::max(config.chain.head_time, our_head.latest_time);

    std::shared_ptr<EthSession> self(new EthSession(executor, std::move(connection), inbound, std::move(config),
                                                    server, std::move(hooks), version, offset));
    eth::Status& local = self->local_status_;
    local.version = static_cast<uint64_t>(version);
    local.network_id = self->config_.chain.network_id;
    local.td = our_head.total_difficulty;
    local.head_hash = our_head.latest_hash;
    local.genesis_hash = self->config_.chain.genesis_hash;
    local.fork_id = self->config_.chain.fork_filter.id_at(self->config_.chain.head_number,
                                                         self->config_.chain.head_time);
    local.earliest = our_head.earliest;
    local.latest = our_head.latest;
    self->last_range_sent_ = our_head;
    self->last_range_time_ = Clock::now();

    auto fail = [&](std::error_code ec) -> Task<Expected<std::shared_ptr<EthSession>, std::error_code>> {
        co_await conn.disconnect(disconnect_reason_for(ec));
        co_return unexpected(ec);
    };

    // Our Status goes out at once, before we wait for the peer's (ethereumjs ends slow handshakes after 5 s).
    const Bytes status_payload = eth::encode_status(version, local);
    if (auto ec = co_await conn.write(offset + eth::msg::kStatus, status_payload); ec) {
        co_return unexpected(ec);
    }
    // The deadline is a watchdog that disconnects (the pending read then fails), not a race with `||`: cancelling
    // Connection::read() closes the connection, and the peer would never get our Disconnect reason.
    asio::steady_timer deadline(executor, self->config_.status_timeout);
    // `answered` covers a read() that completes before the watchdog starts waiting (the Status came in the same
    // segment as Hello): cancel() would find no wait to cancel.
    bool timed_out = false, answered = false;
    auto read_first = [&]() -> Task<Expected<rlpx::Message, std::error_code>> {
        auto m = co_await conn.read();
        answered = true;
        deadline.cancel();
        co_return m;
    };
    auto watchdog = [&]() -> Task<void> {
        if (answered) co_return;
        auto [ec] = co_await deadline.async_wait(kUseTuple);
        if (ec || answered) co_return;
        timed_out = true;
        co_await conn.disconnect(disconnect_reason_for(make_error_code(PeerError::kStatusTimeout)));
    };
    auto message = co_await (read_first() && watchdog());
    if (timed_out) co_return unexpected(make_error_code(PeerError::kStatusTimeout));
    if (!message) co_return unexpected(message.error());  // the connection already sent Disconnect if due
    if (message->code != offset + eth::msg::kStatus) {
        co_return co_await fail(make_error_code(PeerError::kUnexpectedStatus));
    }
    auto status = eth::decode_status(version, message->payload);
    if (!status) co_return co_await fail(make_error_code(status.error()));
    if (auto ok = eth::validate_status(self->config_.chain, version, *status); !ok) {
        co_return co_await fail(make_error_code(ok.error()));
    }
    self->remote_status_ = *status;

    PeerInfo& info = self->info_;
    info.peer_id = self->peer_id_;
    info.endpoint = conn.remote_endpoint();
    info.version = version;
    info.client_id = conn.remote_hello().client_id;
    info.inbound = inbound;
    info.head_hash = status->head_hash;
    if (version == eth::EthVersion::kEth69) {
        info.head_number = status->latest;
        info.earliest = status->earliest;
        info.latest = status->latest;
    }
    info.connected_at = Clock::now();
    co_return self;
}

void EthSession::start() {
    if (started_ || closing_) return;
    started_ = true;
    loops_running_ += 2;
    auto self = shared_from_this();
    asio::co_spawn(executor_, [self]() -> Task<void> { co_await self->read_loop(); }, asio::detached);
    asio::co_spawn(executor_, [self]() -> Task<void> { co_await self->serve_loop(); }, asio::detached);
}

Task<void> EthSession::wait_closed() {
    auto self = shared_from_this();
    while (!closing_ || loops_running_ > 0) {
        closed_wake_.expires_at(Clock::time_point::max());
        co_await closed_wake_.async_wait(kUseTuple);
    }
}

PeerInfo EthSession::info() const {
    std::lock_guard lock(info_mutex_);
    return info_;
}

void EthSession::finish(std::error_code why) {
    if (closing_) return;
    closing_ = true;
    close_reason_ = why;
    for (auto& [id, p] : pending_) {
        p->error = make_error_code(PeerError::kSessionClosed);
        p->timer.cancel();
    }
    pending_.clear();
    for (auto* w : slot_waiters_) w->cancel();
    slot_waiters_.clear();
    serve_wake_.cancel();
    closed_wake_.cancel();
    if (hooks_.on_closed) hooks_.on_closed(why);
}

void EthSession::close(rlpx::DisconnectReason reason, std::error_code why) {
    if (closing_) return;
    if (!why) why = reason == rlpx::DisconnectReason::kClientQuitting ? make_error_code(PeerError::kStopped)
                                                                        : make_error_code(reason);
    finish(why);
    ++loops_running_;
    auto self = shared_from_this();
    asio::co_spawn(
        executor_,
        [self, reason]() -> Task<void> {
            co_await self->connection_->disconnect(reason);
            if (--self->loops_running_ == 0) self->closed_wake_.cancel();
        },
        asio::detached);
}

void EthSession::misbehaved(Misbehaviour what, std::error_code why) {
    if (hooks_.on_misbehaviour) hooks_.on_misbehaviour(what, why);
}

void EthSession::violation(std::error_code why) {
    if (closing_) return;
    misbehaved(Misbehaviour::kProtocolViolation, why);
    close(disconnect_reason_for(why), why);
}

Task<void> EthSession::read_loop() {
    while (!closing_) {
        auto message = co_await connection_->read();
        if (closing_) break;
        if (!message) {
            // Framing and message errors are the peer's fault (the connection already sent Disconnect).
            const auto& ec = message.error();
            if (ec.category() == rlpx::rlpx_category()) {
                switch (static_cast<rlpx::RlpxError>(ec.value())) {
                    case rlpx::RlpxError::kBadHeaderMac:
                    case rlpx::RlpxError::kBadFrameMac:
                    case rlpx::RlpxError::kFrameTooLarge:
                    case rlpx::RlpxError::kMessageTooLarge:
                    case rlpx::RlpxError::kBadSnappy:
                    case rlpx::RlpxError::kMalformedMessage:
                    case rlpx::RlpxError::kInvalidDisconnect: misbehaved(Misbehaviour::kProtocolViolation, ec); break;
                    default: break;
                }
            }
            finish(ec);
            break;
        }
        if (message->code < offset_ || message->code >= offset_ + eth::message_space(version_)) {
            violation(make_error_code(eth::EthError::kUnknownMessage));
            break;
        }
        if (auto ec = handle(message->code - offset_, message->payload); ec) {
            violation(ec);
            break;
        }
    }
    if (--loops_running_ == 0) closed_wake_.cancel();
}

bool EthSession::take_announce_token() {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - announce_refill_).count();
    announce_refill_ = now;
    announce_tokens_ = std::min(config_.announce_burst, announce_tokens_ + elapsed * config_.announce_rate);
    if (announce_tokens_ < 1) return false;
    announce_tokens_ -= 1;
    return true;
}

std::error_code EthSession::handle(uint64_t code, Bytes& payload) {
    if (is_response(code)) return handle_response(code, payload);
    if (code == eth::msg::kStatus) return make_error_code(PeerError::kUnexpectedStatus);

    const bool announcement = code == eth::msg::kNewBlockHashes || code == eth::msg::kNewBlock ||
                              code == eth::msg::kTransactions || code == eth::msg::kNewPooledTransactionHashes ||
                              code == eth::msg::kBlockRangeUpdate;
    if (announcement && !take_announce_token()) {
        // Dropped undecoded: a flood must not cost us decoding work.
        misbehaved(Misbehaviour::kRequestFlood, make_error_code(PeerError::kAnnouncementFlood));
        return {};
    }
    auto decoded = eth::decode_message(version_, code, payload, config_.limits);
    if (!decoded) return make_error_code(decoded.error());
    eth::EthMessage& m = *decoded;

    if (auto* range = std::get_if<eth::BlockRangeUpdate>(&m)) {
        if (auto ok = eth::validate_block_range(*range); !ok) return make_error_code(ok.error());
        std::lock_guard lock(info_mutex_);
        info_.earliest = range->earliest;
        info_.latest = range->latest;
        info_.head_number = range->latest;
        info_.head_hash = range->latest_hash;
        return {};
    }
    if (auto* hashes = std::get_if<eth::NewBlockHashes>(&m)) {
        // Recorded as the peer's claimed head; never trusted (sync verifies what it fetches).
        std::lock_guard lock(info_mutex_);
        for (const auto& e : hashes->entries) {
            if (!info_.head_number || e.number > *info_.head_number) {
                info_.head_number = e.number;
                info_.head_hash = e.hash;
            }
        }
        return {};
    }
    if (auto* block = std::get_if<eth::NewBlock>(&m)) {
        std::lock_guard lock(info_mutex_);
        const uint64_t n = block->block.header.header.number;
        if (!info_.head_number || n > *info_.head_number) {
            info_.head_number = n;
            info_.head_hash = block->block.header.hash;
        }
        return {};
    }
    if (std::holds_alternative<eth::Transactions>(m) || std::holds_alternative<eth::NewPooledTransactionHashes>(m)) {
        return {};  // no transaction pool: ignored within the rate bound
    }
    return enqueue_request(std::move(m));
}

std::error_code EthSession::enqueue_request(eth::EthMessage message) {
    if (serve_queue_.size() >= config_.serve_queue) {
        misbehaved(Misbehaviour::kRequestFlood, make_error_code(PeerError::kRequestFlood));
        return {};  // dropped; the peer's own request times out. Repeated floods end in a ban (reputation).
    }
    serve_queue_.push_back(ServeItem{std::move(message)});
    serve_wake_.cancel();
    return {};
}

Task<void> EthSession::serve_loop() {
    while (!closing_) {
        if (serve_queue_.empty()) {
            serve_wake_.expires_at(Clock::time_point::max());
            co_await serve_wake_.async_wait(kUseTuple);
            continue;
        }
        ServeItem item = std::move(serve_queue_.front());
        serve_queue_.pop_front();
        // No co_await inside a conditional expression: GCC 12 mishandles the temporaries of such expressions.
        uint64_t code = 0;
        Bytes response;
        if (auto* h = std::get_if<eth::GetBlockHeaders>(&item.message)) {
            code = eth::msg::kBlockHeaders;
            if (server_) {
                response = co_await server_->headers(*h);
            } else {
                response = eth::encode_block_headers(h->request_id, {});
            }
        } else if (auto* b = std::get_if<eth::GetBlockBodies>(&item.message)) {
            code = eth::msg::kBlockBodies;
            if (server_) {
                response = co_await server_->bodies(*b);
            } else {
                response = eth::encode_block_bodies(b->request_id, {});
            }
        } else if (auto* r = std::get_if<eth::GetReceipts>(&item.message)) {
            code = eth::msg::kReceipts;
            if (server_) {
                response = co_await server_->receipts(*r, eth::receipt_form(version_));
            } else {
                response = eth::encode_receipts(r->request_id, {});
            }
        } else if (auto* p = std::get_if<eth::GetPooledTransactions>(&item.message)) {
            code = eth::msg::kPooledTransactions;  // no pool: an empty answer is the honest one
            response = eth::encode_request_id_list(p->request_id, {});
        } else {
            continue;  // nothing else is queued
        }
        if (closing_) break;
        if (auto ec = co_await connection_->write(offset_ + code, response); ec) break;
        std::lock_guard lock(info_mutex_);
        ++info_.requests_served;
    }
    if (--loops_running_ == 0) closed_wake_.cancel();
}

std::error_code EthSession::handle_response(uint64_t code, Bytes& payload) {
    auto id = peek_request_id(payload);
    if (!id) return id.error();
    auto it = pending_.find(*id);
    if (it == pending_.end() || it->second->response_code != code) {
        if (std::find(late_ids_.begin(), late_ids_.end(), *id) != late_ids_.end()) return {};  // late, not rogue
        return make_error_code(PeerError::kUnsolicitedResponse);
    }
    Pending& p = *it->second;
    pending_.erase(it);
    std::error_code ec;
    if (payload.size() > config_.max_response_bytes) {
        ec = make_error_code(PeerError::kResponseTooLarge);
    } else if (auto items = eth::decode_raw_items(payload, p.max_items); !items) {
        ec = items.error() == eth::EthError::kTooManyItems ? make_error_code(PeerError::kTooManyItems)
                                                           : make_error_code(items.error());
    } else {
        record_rate(code, items->items.size(), Clock::now() - p.sent);
        p.payload = std::move(payload);
    }
    p.error = ec;
    p.timer.cancel();
    return ec;
}

void EthSession::record_rate(uint64_t code, std::size_t items, Clock::duration elapsed) {
    const double seconds = std::max(1e-6, std::chrono::duration<double>(elapsed).count());
    std::lock_guard lock(info_mutex_);
    const double rtt_us = ewma(static_cast<double>(info_.rtt.count()),
                               static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
    info_.rtt = std::chrono::microseconds(static_cast<int64_t>(rtt_us));
    if (items == 0) return;  // an empty answer says nothing about throughput
    const double rate = static_cast<double>(items) / seconds;
    if (code == eth::msg::kBlockHeaders) info_.header_rate = ewma(info_.header_rate, rate);
    if (code == eth::msg::kBlockBodies) info_.body_rate = ewma(info_.body_rate, rate);
    if (code == eth::msg::kReceipts) info_.receipt_rate = ewma(info_.receipt_rate, rate);
}

Task<Expected<Bytes, std::error_code>> EthSession::request(uint64_t code, uint64_t request_id, Bytes payload,
                                                            uint64_t response_code, std::size_t max_items) {
    auto self = shared_from_this();  // the session outlives this request even if the manager drops it
    if (closing_) co_return unexpected(make_error_code(PeerError::kSessionClosed));

    // Wait for an in-flight slot, within the request timeout and a bounded number of waiters.
    if (in_flight_ >= config_.max_in_flight) {
        if (slot_waiters_.size() >= config_.max_waiting_requests) {
            co_return unexpected(make_error_code(PeerError::kTooManyInFlight));
        }
        asio::steady_timer wake(executor_, config_.request_timeout);
        const auto deadline = Clock::now() + config_.request_timeout;
        while (in_flight_ >= config_.max_in_flight && !closing_) {
            if (Clock::now() >= deadline) {
                slot_waiters_.erase(std::remove(slot_waiters_.begin(), slot_waiters_.end(), &wake),
                                    slot_waiters_.end());
                co_return unexpected(make_error_code(PeerError::kTooManyInFlight));
            }
            wake.expires_at(deadline);
            slot_waiters_.push_back(&wake);
            co_await wake.async_wait(kUseTuple);
            slot_waiters_.erase(std::remove(slot_waiters_.begin(), slot_waiters_.end(), &wake), slot_waiters_.end());
        }
        if (closing_) co_return unexpected(make_error_code(PeerError::kSessionClosed));
    }

    ++in_flight_;
    Pending p(executor_);
    p.response_code = response_code;
    p.max_items = max_items;
    p.sent = Clock::now();
    pending_[request_id] = &p;
    {
        std::lock_guard lock(info_mutex_);
        info_.in_flight = in_flight_;
    }
    auto release = [&] {
        pending_.erase(request_id);
        --in_flight_;
        {
            std::lock_guard lock(info_mutex_);
            info_.in_flight = in_flight_;
        }
        if (!slot_waiters_.empty()) {
            slot_waiters_.front()->cancel();
            slot_waiters_.pop_front();
        }
    };

    if (auto ec = co_await connection_->write(offset_ + code, payload); ec) {
        release();
        co_return unexpected(p.error ? p.error : ec);
    }
    if (!p.payload && !p.error) {
        p.timer.expires_after(config_.request_timeout);
        co_await p.timer.async_wait(kUseTuple);
    }
    release();
    if (p.payload) co_return std::move(*p.payload);
    if (p.error) co_return unexpected(p.error);
    // Timed out: remember the id so that a late answer is dropped quietly, and penalise.
    late_ids_.push_back(request_id);
    while (late_ids_.size() > config_.late_ids) late_ids_.pop_front();
    misbehaved(Misbehaviour::kTimeout, make_error_code(PeerError::kTimeout));
    co_return unexpected(make_error_code(PeerError::kTimeout));
}

Task<Expected<std::vector<SealedHeader>, std::error_code>> EthSession::get_headers(HeadersRequest request_in) {
    auto self = shared_from_this();
    if (request_in.amount == 0 || request_in.amount > config_.limits.max_headers) {
        co_return unexpected(make_error_code(PeerError::kInvalidRequest));
    }
    const uint64_t id = next_request_id_++;
    eth::GetBlockHeaders msg{id, request_in.origin, request_in.amount, request_in.skip, request_in.reverse};
    Bytes payload = eth::encode(msg);
    auto raw = co_await request(eth::msg::kGetBlockHeaders, id, std::move(payload), eth::msg::kBlockHeaders,
                                static_cast<std::size_t>(request_in.amount));
    if (!raw) co_return unexpected(raw.error());
    eth::Limits limits = config_.limits;
    limits.max_headers = static_cast<std::size_t>(request_in.amount);
    auto decoded = eth::decode_block_headers(*raw, limits);
    if (!decoded) {
        const auto ec = make_error_code(decoded.error());
        violation(ec);
        co_return unexpected(ec);
    }
    if (!headers_follow(request_in, decoded->headers)) {
        const auto ec = make_error_code(PeerError::kMismatchedResponse);
        violation(ec);
        co_return unexpected(ec);
    }
    if (!decoded->headers.empty() && hooks_.on_good_response) hooks_.on_good_response();
    co_return std::move(decoded->headers);
}

Task<Expected<std::vector<BlockBody>, std::error_code>> EthSession::get_bodies(std::vector<Hash> hashes) {
    auto self = shared_from_this();
    if (hashes.empty() || hashes.size() > config_.limits.max_hashes) {
        co_return unexpected(make_error_code(PeerError::kInvalidRequest));
    }
    const uint64_t id = next_request_id_++;
    const std::size_t n = hashes.size();
    eth::GetBlockBodies msg;
    msg.request_id = id;
    msg.hashes = std::move(hashes);
    Bytes payload = eth::encode(msg);
    auto raw = co_await request(eth::msg::kGetBlockBodies, id, std::move(payload), eth::msg::kBlockBodies, n);
    if (!raw) co_return unexpected(raw.error());
    eth::Limits limits = config_.limits;
    limits.max_bodies = n;
    auto decoded = eth::decode_block_bodies(*raw, limits);
    if (!decoded) {
        const auto ec = make_error_code(decoded.error());
        violation(ec);
        co_return unexpected(ec);
    }
    if (!decoded->bodies.empty() && hooks_.on_good_response) hooks_.on_good_response();
    co_return std::move(decoded->bodies);
}

Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> EthSession::get_receipts(
    std::vector<Hash> hashes) {
    auto self = shared_from_this();
    if (hashes.empty() || hashes.size() > config_.limits.max_hashes) {
        co_return unexpected(make_error_code(PeerError::kInvalidRequest));
    }
    const uint64_t id = next_request_id_++;
    const std::size_t n = hashes.size();
    eth::GetReceipts msg;
    msg.request_id = id;
    msg.hashes = std::move(hashes);
    Bytes payload = eth::encode(msg);
    auto raw = co_await request(eth::msg::kGetReceipts, id, std::move(payload), eth::msg::kReceipts, n);
    if (!raw) co_return unexpected(raw.error());
    eth::Limits limits = config_.limits;
    limits.max_receipt_lists = n;
    auto decoded = eth::decode_receipts(*raw, eth::receipt_form(version_), limits);
    if (!decoded) {
        const auto ec = make_error_code(decoded.error());
        violation(ec);
        co_return unexpected(ec);
    }
    if (!decoded->receipts.empty() && hooks_.on_good_response) hooks_.on_good_response();
    co_return std::move(decoded->receipts);
}

Task<void> EthSession::write_async(uint64_t code, Bytes payload) {
    co_await connection_->write(offset_ + code, payload);
    if (--loops_running_ == 0) closed_wake_.cancel();
}

void EthSession::notify_head(const ChainHead& head) {
    if (version_ != eth::EthVersion::kEth69 || closing_ || !started_) return;
    const auto now = Clock::now();
    if (last_range_sent_) {
        const bool moved_enough = head.latest >= last_range_sent_->latest + config_.range_update_blocks ||
                                  head.earliest != last_range_sent_->earliest ||
                                  (head.latest < last_range_sent_->latest);  // a reorg to a shorter chain
        if (!moved_enough || head.latest_hash == last_range_sent_->latest_hash) return;
        if (now - last_range_time_ < config_.range_update_interval) return;
    }
    last_range_sent_ = head;
    last_range_time_ = now;
    ++range_updates_sent_;
    ++loops_running_;
    auto self = shared_from_this();
    Bytes payload = eth::encode(eth::BlockRangeUpdate{head.earliest, head.latest, head.latest_hash});
    asio::co_spawn(
        executor_, [self, p = std::move(payload)]() -> Task<void> {
            co_await self->write_async(eth::msg::kBlockRangeUpdate, p);
        },
        asio::detached);
}

Task<Expected<std::shared_ptr<EthSession>, std::error_code>> dial_session(Executor executor,
                                                                          const discv4::Enode& node,
                                                                          DialConfig config, SessionHooks hooks) {
    boost::system::error_code parse_error;
    const auto address = asio::ip::make_address(node.endpoint.ip.to_string(), parse_error);
    if (parse_error) co_return unexpected(std::error_code(parse_error));
    rlpx::Hello hello;
    hello.client_id = config.client_id;
    hello.capabilities = eth_capabilities(config.versions);
    const asio::ip::tcp::endpoint endpoint(address, node.endpoint.tcp);
    auto conn = co_await rlpx::Connection::dial(executor, endpoint, node.id, config.node_key,
                                                std::move(hello), config.connection);
    if (!conn) co_return unexpected(conn.error());
    ChainHead head = config.head.value_or(ChainHead{0, 0, config.session.chain.genesis_hash, 0, U256{}});
    auto session = co_await EthSession::establish(std::move(*conn), false, std::move(config.session), head,
                                                  config.server, std::move(hooks));
    if (!session) co_return unexpected(session.error());
    (*session)->start();
    co_return std::move(*session);
}

}  // namespace hypasis::p2p::peers
