#include "hypasis/sync/forward_syncer.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/common/log.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/sync/bootstrap.hpp"

namespace hypasis::sync {

namespace asio = boost::asio;
using p2p::peers::HeadersRequest;
using p2p::peers::Misbehaviour;
using p2p::peers::PeerId;
using p2p::peers::PeerInfo;

namespace {

constexpr std::chrono::milliseconds kInitialBackoff{1000};
constexpr std::chrono::milliseconds kMaxBackoff{30000};
constexpr std::chrono::seconds kRateWindow{10};
constexpr std::size_t kMaxRequestItems = 1024;  // caps/eth.md: at most 1024 headers, bodies or receipt lists

/// Runs `tasks` concurrently on the current (single-threaded) executor and returns their results in order.
/// Exceptions (only std::bad_alloc here) are rethrown after every task has ended.
template <class T>
Task<std::vector<T>> gather(std::vector<Task<T>> tasks) {
    auto ex = co_await asio::this_coro::executor;
    struct State {
        std::vector<std::optional<T>> out;
        std::size_t left{0};
        std::exception_ptr error;
        asio::steady_timer done;
        explicit State(Executor e) : done(std::move(e), Clock::time_point::max()) {}
    };
    auto st = std::make_shared<State>(ex);
    st->out.resize(tasks.size());
    st->left = tasks.size();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        asio::co_spawn(
            ex,
            [st, i, t = std::move(tasks[i])]() mutable -> Task<void> {
                try {
                    st->out[i].emplace(co_await std::move(t));
                } catch (...) {
                    st->error = std::current_exception();
                }
                if (--st->left == 0) st->done.cancel();
            },
            asio::detached);
    }
    while (st->left > 0) co_await st->done.async_wait(p2p::kUseTuple);
    if (st->error) std::rethrow_exception(st->error);
    std::vector<T> out;
    out.reserve(st->out.size());
    for (auto& o : st->out) out.push_back(std::move(*o));
    co_return out;
}

std::string short_id(const PeerId& id) { return to_hex(ByteView{id.data(), 8}); }

uint64_t body_bytes(const BlockBody& b) {
    uint64_t n = 0;
    for (const auto& t : b.transactions) n += t.encoded.size();
    for (const auto& o : b.ommers) n += o.rlp.size();
    if (b.withdrawals) n += b.withdrawals->size() * 40;
    return n;
}

// Bodies checked against their headers (roots) and the transactions' signatures: how many of `bodies` are valid,
// from the front, and whether a bad one was found.
struct BodyCheck {
    std::size_t valid{0};
    bool bad{false};
};

BodyCheck check_bodies_full(const chain::ChainSpec& spec, std::span<const SealedHeader> headers,
                            std::span<const BlockBody> bodies) {
    if (bodies.size() > headers.size()) return {0, true};
    auto roots = check_bodies(headers.first(bodies.size()), bodies);
    const std::size_t limit =
        roots ? bodies.size() : static_cast<std::size_t>(roots.error().block_num - headers.front().header.number);
    for (std::size_t i = 0; i < limit; ++i) {
        if (!validation::validate_block_senders(spec, headers[i].header, bodies[i])) return {i, true};
    }
    return {limit, !roots};
}

}  // namespace

struct ForwardSyncer::Chunk {
    PeerInfo peer;
    uint64_t first{0};
    uint64_t amount{0};
};

ForwardSyncer::ForwardSyncer(Executor executor, storage::BlockStore& store, p2p::peers::PeerService& peers,
                             Budget& budget, const chain::ChainSpec& spec, ForwardConfig config)
    : executor_(std::move(executor)),
      store_(store),
      peers_(peers),
      budget_(budget),
      spec_(spec),
      config_(config),
      wake_(executor_) {
    config_.lookahead = std::max<std::size_t>(config_.lookahead, 1);
    config_.max_chunk = std::clamp<std::size_t>(config_.max_chunk, 1, kMaxRequestItems);
}

ForwardSyncer::~ForwardSyncer() { io_pool_.join(); }

void ForwardSyncer::stop() {
    if (stopped_.exchange(true)) return;
    asio::post(executor_, [this] { wake_.cancel(); });
}

void ForwardSyncer::set_trusted_tip(uint64_t number, Hash hash) {
    std::lock_guard lock(mutex_);
    trusted_tip_ = std::make_pair(number, hash);
    if (!tip_ || number > *tip_) {
        tip_ = number;
        tip_hash_ = hash;
    }
}

std::optional<uint64_t> ForwardSyncer::tip() const {
    std::lock_guard lock(mutex_);
    return tip_;
}

std::optional<uint64_t> ForwardSyncer::head_timestamp() const {
    std::lock_guard lock(mutex_);
    return head_timestamp_;
}

Hash ForwardSyncer::tip_hash() const {
    std::lock_guard lock(mutex_);
    return tip_hash_;
}

void ForwardSyncer::set_head_changed(std::function<void(uint64_t)> callback) {
    std::lock_guard lock(mutex_);
    head_changed_ = std::move(callback);
}

DirectionStatus ForwardSyncer::status() const {
    std::lock_guard lock(mutex_);
    DirectionStatus s = status_;
    s.target = tip_;
    if (s.height && tip_ && *tip_ > *s.height) s.remaining = *tip_ - *s.height;
    const auto now = Clock::now();
    auto rate = [&](const std::deque<std::pair<Clock::time_point, uint64_t>>& samples) {
        if (samples.size() < 2) return 0.0;
        // Over the window up to now (a stalled pipeline decays to 0 as the window moves past its last sample).
        const double secs = std::chrono::duration<double>(now - samples.front().first).count();
        if (secs <= 0) return 0.0;
        return static_cast<double>(samples.back().second - samples.front().second) / secs;
    };
    s.blocks_per_second = rate(rate_samples_);
    s.bytes_per_second = rate(byte_samples_);
    if (s.remaining > 0 && s.blocks_per_second > 0)
        s.eta_seconds = static_cast<double>(s.remaining) / s.blocks_per_second;
    s.bandwidth = budget_.bandwidth(Direction::kForward);
    s.cpu = budget_.cpu(Direction::kForward);
    return s;
}

void ForwardSyncer::set_state(const char* state) {
    std::lock_guard lock(mutex_);
    status_.state = state;
}

void ForwardSyncer::count_request(bool failed, uint64_t bytes) {
    std::lock_guard lock(mutex_);
    ++status_.requests;
    if (failed) ++status_.failed_requests;
    status_.bytes += bytes;
    const auto now = Clock::now();
    byte_samples_.emplace_back(now, status_.bytes);
    while (byte_samples_.size() > 2 && now - byte_samples_.front().first > kRateWindow) byte_samples_.pop_front();
}

void ForwardSyncer::note_tip(const SealedHeader& h) {
    std::lock_guard lock(mutex_);
    if (!tip_ || h.header.number >= *tip_) {
        tip_ = h.header.number;
        tip_hash_ = h.hash;
    }
}

bool ForwardSyncer::contradicts_trusted_tip(const SealedHeader& h) const {
    std::lock_guard lock(mutex_);
    return trusted_tip_ && trusted_tip_->first == h.header.number && trusted_tip_->second != h.hash;
}

uint64_t ForwardSyncer::floor_block() const {
    const uint64_t head = head_->header.number;
    uint64_t floor = anchor_block_ + 1;
    if (head + 1 > config_.reorg_window) floor = std::max(floor, head + 1 - config_.reorg_window);
    std::lock_guard lock(mutex_);
    if (trusted_tip_ && trusted_tip_->first <= head) floor = std::max(floor, trusted_tip_->first + 1);
    return floor;
}

std::vector<PeerInfo> ForwardSyncer::usable_peers() {
    auto all = peers_.peers();
    const auto now = Clock::now();
    std::erase_if(all, [&](const PeerInfo& p) {
        auto it = peer_state_.find(p.peer_id);
        return it != peer_state_.end() && it->second.avoid_until > now;
    });
    if (peer_state_.size() > 4096) peer_state_.clear();  // bounded: forgetting backoffs is harmless
    return all;
}

void ForwardSyncer::avoid(const PeerId& peer) {
    auto& st = peer_state_[peer];
    st.backoff = st.backoff.count() == 0 ? kInitialBackoff : std::min(st.backoff * 2, kMaxBackoff);
    st.avoid_until = Clock::now() + st.backoff;
}

void ForwardSyncer::good(const PeerId& peer) {
    auto it = peer_state_.find(peer);
    if (it != peer_state_.end()) it->second.backoff = std::chrono::milliseconds(0);
}

void ForwardSyncer::penalise(const PeerId& peer, Misbehaviour what) {
    peers_.report(peer, what);
    avoid(peer);
    log::info("sync", "peer penalised",
              {{"direction", "forward"}, {"peer", short_id(peer)}, {"reason", p2p::peers::to_string(what)}});
}

Task<void> ForwardSyncer::sleep(std::chrono::milliseconds d) {
    wake_.expires_after(d);
    co_await wake_.async_wait(p2p::kUseTuple);
}

Task<void> ForwardSyncer::run() {
    struct Start {
        std::optional<Anchor> anchor;
        std::optional<SealedHeader> head;
        std::string error;
    };
    Start start = co_await asio::co_spawn(
        io_pool_.get_executor(),
        [this]() -> Task<Start> {
            Start s;
            auto a = read_anchor(store_);
            if (!a) {
                s.error = to_string(a.error());
                co_return s;
            }
            s.anchor = *a;
            const auto n = store_.head(storage::DataKind::kHeaders);
            if (!n) co_return s;
            auto h = store_.get_header(*n);
            if (!h) {
                s.error = storage::to_string(h.error());
            } else if (h->found()) {
                s.head = **h;
            }
            co_return s;
        },
        asio::use_awaitable);
    if (!start.head) {
        log::error("sync", "forward cannot start",
                   {{"reason", start.error.empty() ? "no stored header" : start.error}});
        set_state("idle");
        co_return;
    }
    head_ = std::move(start.head);
    anchor_block_ = start.anchor ? start.anchor->block_num : head_->header.number;
    note_tip(*head_);
    {
        std::lock_guard lock(mutex_);
        status_.height = head_->header.number;
        head_timestamp_ = head_->header.timestamp;
        status_.state = "syncing";
    }
    log::info("sync", "forward started", {{"head", head_->header.number}, {"anchor", anchor_block_}});
    while (!stopped_) {
        const bool progressed = co_await round();
        if (stopped_) break;
        if (!progressed) co_await sleep(config_.poll);
    }
    set_state("idle");
}

Task<bool> ForwardSyncer::round() {
    std::vector<PeerInfo> peers = usable_peers();
    if (peers.empty()) {
        set_state("waiting");
        co_return false;
    }
    set_state("syncing");
    const uint64_t head = head_->header.number;
    uint64_t announced = head;
    std::size_t above = 0;
    for (const auto& p : peers) {
        if (p.head_number && *p.head_number > head) {
            announced = std::max(announced, *p.head_number);
            ++above;
        }
    }

    std::vector<Chunk> chunks;
    if (announced <= head) {
        // Nobody claims more: probe one peer (round-robin) for what follows our head, at most once per
        // probe_interval (announcements are looked at every poll).
        const auto now = Clock::now();
        if (now - last_probe_ < config_.probe_interval) co_return false;
        last_probe_ = now;
        const PeerInfo& p = peers[probe_cursor_++ % peers.size()];
        chunks.push_back(Chunk{p, head + 1, std::min<uint64_t>(config_.max_chunk, config_.lookahead)});
    } else {
        const uint64_t target = std::min<uint64_t>(announced, head + config_.lookahead);
        const uint64_t span = target - head;
        const uint64_t per = std::clamp<uint64_t>((span + above - 1) / above, 1, config_.max_chunk);
        std::size_t rr = probe_cursor_++;
        for (uint64_t first = head + 1; first <= target; first += per) {
            const uint64_t amount = std::min(per, target - first + 1);
            // A peer that claims the whole chunk, round-robin; else one that claims its start.
            const PeerInfo* pick = nullptr;
            for (std::size_t k = 0; k < peers.size() && !pick; ++k) {
                const PeerInfo& p = peers[(rr + k) % peers.size()];
                if (p.head_number && *p.head_number >= first + amount - 1) pick = &p;
            }
            for (std::size_t k = 0; k < peers.size() && !pick; ++k) {
                const PeerInfo& p = peers[(rr + k) % peers.size()];
                if (p.head_number && *p.head_number >= first) pick = &p;
            }
            if (!pick) break;
            ++rr;
            chunks.push_back(Chunk{*pick, first, amount});
        }
    }

    std::vector<Task<Expected<std::vector<SealedHeader>, std::error_code>>> requests;
    for (const auto& c : chunks) {
        requests.push_back(peers_.get_headers(c.peer.peer_id, HeadersRequest{c.first, c.amount, 0, false}));
    }
    auto results = co_await gather(std::move(requests));

    // Apply in order: each chunk must continue the last accepted header.
    std::vector<SealedHeader> accepted;
    std::vector<PeerId> served_by;
    std::optional<PeerId> bad_peer;
    const SealedHeader* parent = &*head_;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        const Chunk& c = chunks[i];
        auto& res = results[i];
        if (!res) {
            count_request(true, 0);
            avoid(c.peer.peer_id);
            break;
        }
        uint64_t bytes = 0;
        for (const auto& h : *res) bytes += h.rlp.size();
        count_request(res->empty(), bytes);
        if (res->empty()) {
            if (c.peer.head_number && *c.peer.head_number >= c.first)
                penalise(c.peer.peer_id, Misbehaviour::kUselessResponse);
            break;
        }
        std::vector<SealedHeader>& headers = *res;
        if (headers.front().header.parent_hash != parent->hash) {
            if (i == 0) co_return co_await handle_reorg(c.peer);
            break;  // the chunk below may have come from another branch: no one to blame; ask again next round
        }
        const SealedHeader parent_copy = *parent;
        auto checked = co_await budget_.run_cpu(Direction::kForward, [this, &parent_copy, &headers] {
            return check_headers_ascending(spec_, parent_copy, headers);
        });
        bool bad = false;
        if (!checked) {
            headers.resize(checked.error().block_num - c.first);
            log::debug("sync", "forward chunk rejected", {{"reason", to_string(checked.error())}});
            bad = true;
        }
        for (std::size_t k = 0; k < headers.size(); ++k) {
            if (contradicts_trusted_tip(headers[k])) {
                headers.resize(k);
                bad = true;
                break;
            }
        }
        // The valid prefix is still used: the report waits until its bodies are fetched (kInvalidData disconnects).
        if (bad) {
            bad_peer = c.peer.peer_id;
        } else {
            good(c.peer.peer_id);
        }
        const bool short_answer = headers.size() < c.amount;
        for (auto& h : headers) {
            accepted.push_back(std::move(h));
            served_by.push_back(c.peer.peer_id);
        }
        if (accepted.empty() || bad || short_answer) break;
        parent = &accepted.back();
    }
    bool stored = false;
    if (!accepted.empty()) {
        note_tip(accepted.back());
        std::vector<std::vector<Receipt>> receipts;
        auto blocks = co_await complete_blocks(accepted, served_by, receipts);
        if (blocks && !blocks->empty()) {
            accepted.resize(blocks->size());
            stored = co_await store_blocks(std::move(accepted), std::move(*blocks), std::move(receipts), std::nullopt);
        }
    }
    if (bad_peer) penalise(*bad_peer, Misbehaviour::kInvalidData);
    co_return stored;
}

Task<bool> ForwardSyncer::handle_reorg(const PeerInfo& peer) {
    const uint64_t head = head_->header.number;
    const uint64_t floor = floor_block();
    if (floor > head) {
        penalise(peer.peer_id, Misbehaviour::kInvalidData);  // its chain contradicts blocks no reorg may replace
        co_return false;
    }
    // The peer's blocks [floor - 1, head], highest first; floor - 1 >= anchor is the lowest possible fork point.
    const uint64_t lowest =
        std::max<uint64_t>(floor - 1, head + 1 > kMaxRequestItems ? head + 1 - kMaxRequestItems : 0);
    auto desc = co_await peers_.get_headers(peer.peer_id, HeadersRequest{head, head - lowest + 1, 0, true});
    if (!desc || desc->empty()) {
        count_request(true, 0);
        avoid(peer.peer_id);
        co_return false;
    }
    uint64_t bytes = 0;
    for (const auto& h : *desc) bytes += h.rlp.size();
    count_request(false, bytes);
    for (std::size_t i = 1; i < desc->size(); ++i) {
        if ((*desc)[i].hash != (*desc)[i - 1].header.parent_hash) {
            penalise(peer.peer_id, Misbehaviour::kInvalidData);
            co_return false;
        }
    }
    // Our hashes over the same range, to find the fork point.
    const uint64_t low_seen = head + 1 - desc->size();
    auto ours = co_await asio::co_spawn(
        io_pool_.get_executor(),
        [this, low_seen, head]() -> Task<std::vector<std::optional<SealedHeader>>> {
            std::vector<std::optional<SealedHeader>> out;
            for (uint64_t n = low_seen; n <= head; ++n) {
                auto h = store_.get_header(n);
                out.push_back(h && h->found() ? std::optional<SealedHeader>(**h) : std::nullopt);
            }
            co_return out;
        },
        asio::use_awaitable);
    std::optional<SealedHeader> fork;
    for (const auto& h : *desc) {
        const auto& mine = ours[h.header.number - low_seen];
        if (mine && mine->hash == h.hash) {
            fork = h;
            break;
        }
    }
    if (!fork) {
        log::warn("sync", "reorg refused: fork below the window",
                  {{"peer", short_id(peer.peer_id)}, {"head", head}, {"floor", floor}});
        penalise(peer.peer_id, Misbehaviour::kInvalidData);
        co_return false;
    }
    const uint64_t fork_num = fork->header.number;
    if (fork_num == head) {
        avoid(peer.peer_id);  // it moved to our chain between the two requests: ask again later
        co_return false;
    }
    // Its branch above the fork point, which must be longer than ours.
    const uint64_t want = std::min<uint64_t>(head - fork_num + config_.lookahead, kMaxRequestItems);
    auto branch = co_await peers_.get_headers(peer.peer_id, HeadersRequest{fork_num + 1, want, 0, false});
    if (!branch || branch->empty()) {
        count_request(true, 0);
        avoid(peer.peer_id);
        co_return false;
    }
    bytes = 0;
    for (const auto& h : *branch) bytes += h.rlp.size();
    count_request(false, bytes);
    std::vector<SealedHeader>& headers = *branch;
    const SealedHeader fork_header = *fork;
    auto checked = co_await budget_.run_cpu(Direction::kForward, [this, &fork_header, &headers] {
        return check_headers_ascending(spec_, fork_header, headers);
    });
    bool bad = !checked;
    if (!checked) headers.resize(checked.error().block_num - (fork_num + 1));
    for (std::size_t k = 0; k < headers.size(); ++k) {
        if (contradicts_trusted_tip(headers[k])) {
            headers.resize(k);
            bad = true;
            break;
        }
    }
    if (headers.empty() || headers.back().header.number <= head) {
        if (bad) {
            penalise(peer.peer_id, Misbehaviour::kInvalidData);
        } else {
            avoid(peer.peer_id);  // not longer than ours: keep our branch
        }
        co_return false;
    }
    std::vector<PeerId> served_by(headers.size(), peer.peer_id);
    std::vector<std::vector<Receipt>> receipts;
    auto blocks = co_await complete_blocks(headers, served_by, receipts);
    if (bad) penalise(peer.peer_id, Misbehaviour::kInvalidData);
    if (!blocks || blocks->empty() || blocks->back().header.header.number <= head) co_return false;
    headers.resize(blocks->size());
    note_tip(headers.back());
    const uint64_t new_head = headers.back().header.number;
    const bool ok = co_await store_blocks(std::move(headers), std::move(*blocks), std::move(receipts), fork_num + 1);
    if (ok) {
        log::info("sync", "reorg applied",
                  {{"fork", fork_num}, {"old_head", head}, {"new_head", new_head}, {"peer", short_id(peer.peer_id)}});
    }
    co_return ok;
}

Task<std::optional<std::vector<Block>>> ForwardSyncer::complete_blocks(std::vector<SealedHeader> headers,
                                                                       const std::vector<PeerId>& served_by,
                                                                       std::vector<std::vector<Receipt>>& receipts) {
    const std::size_t n = headers.size();
    std::vector<std::optional<BlockBody>> bodies(n);
    std::vector<std::optional<std::vector<Receipt>>> lists(n);
    const bool want_receipts = config_.mode == HistoryMode::kFull;

    // Segments [begin, end) of headers served by one peer: ask that peer first, all segments in parallel.
    struct Segment {
        std::size_t begin;
        std::size_t end;
        PeerId peer;
    };
    std::vector<Segment> segments;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && served_by[j] == served_by[i]) ++j;
        segments.push_back(Segment{i, j, served_by[i]});
        i = j;
    }
    auto hashes_of = [&](std::size_t b, std::size_t e) {
        std::vector<Hash> hs;
        for (std::size_t k = b; k < e; ++k) hs.push_back(headers[k].hash);
        return hs;
    };

    // Fetches and checks bodies (and receipts) of [b, e) from `peer`; fills what passes.
    auto fetch_range = [&](PeerId peer, std::size_t b, std::size_t e) -> Task<void> {
        auto got = co_await peers_.get_bodies(peer, hashes_of(b, e));
        if (!got) {
            count_request(true, 0);
            avoid(peer);
            co_return;
        }
        uint64_t bytes = 0;
        for (const auto& body : *got) bytes += body_bytes(body);
        count_request(got->empty(), bytes);
        std::span<const SealedHeader> hs(headers.data() + b, e - b);
        const std::vector<BlockBody>& bs = *got;
        auto check =
            co_await budget_.run_cpu(Direction::kForward, [this, hs, &bs] { return check_bodies_full(spec_, hs, bs); });
        for (std::size_t k = 0; k < check.valid; ++k) bodies[b + k] = std::move((*got)[k]);
        if (check.bad) {
            penalise(peer, Misbehaviour::kInvalidData);
            co_return;
        }
        if (got->empty()) {
            penalise(peer, Misbehaviour::kUselessResponse);  // it just served these headers
            co_return;
        }
        if (!want_receipts || check.valid == 0) co_return;
        const std::size_t re = b + check.valid;
        auto rs = co_await peers_.get_receipts(peer, hashes_of(b, re));
        if (!rs) {
            count_request(true, 0);
            co_return;
        }
        count_request(rs->empty(), 0);
        std::span<const SealedHeader> rhs(headers.data() + b, re - b);
        const std::vector<std::vector<Receipt>>& lists_got = *rs;
        auto rcheck =
            co_await budget_.run_cpu(Direction::kForward, [rhs, &lists_got] { return check_receipts(rhs, lists_got); });
        std::size_t valid =
            rcheck ? rs->size() : static_cast<std::size_t>(rcheck.error().block_num - rhs.front().header.number);
        for (std::size_t k = 0; k < valid && k < rs->size(); ++k) lists[b + k] = std::move((*rs)[k]);
        if (!rcheck) penalise(peer, Misbehaviour::kInvalidData);
    };

    std::vector<Task<void>> first_pass;
    for (const auto& s : segments) first_pass.push_back(fetch_range(s.peer, s.begin, s.end));
    // gather needs a value type
    std::vector<Task<int>> wrapped;
    for (auto& t : first_pass) {
        wrapped.push_back([](Task<void> inner) -> Task<int> {
            co_await std::move(inner);
            co_return 0;
        }(std::move(t)));
    }
    co_await gather(std::move(wrapped));

    // Whatever is still missing: other peers that claim the blocks, a few attempts.
    for (int attempt = 0; attempt < 3 && !stopped_; ++attempt) {
        std::size_t missing = 0;
        while (missing < n && bodies[missing]) ++missing;
        if (missing == n) break;
        const uint64_t num = headers[missing].header.number;
        const auto candidates = usable_peers();
        const PeerInfo* pick = nullptr;
        for (std::size_t k = 0; k < candidates.size() && !pick; ++k) {
            const PeerInfo& p = candidates[(probe_cursor_ + k + static_cast<std::size_t>(attempt)) % candidates.size()];
            if (p.peer_id != served_by[missing] && p.head_number && *p.head_number >= num) pick = &p;
        }
        if (!pick) break;
        std::size_t end = missing;
        while (end < n && !bodies[end]) ++end;
        co_await fetch_range(pick->peer_id, missing, end);
    }

    std::vector<Block> blocks;
    for (std::size_t i = 0; i < n && bodies[i]; ++i) blocks.push_back(Block{headers[i], std::move(*bodies[i])});
    receipts.clear();
    if (want_receipts) {
        for (std::size_t i = 0; i < blocks.size() && lists[i]; ++i) receipts.push_back(std::move(*lists[i]));
    }
    co_return blocks;
}

Task<bool> ForwardSyncer::store_blocks(std::vector<SealedHeader> headers, std::vector<Block> blocks,
                                       std::vector<std::vector<Receipt>> receipts,
                                       std::optional<uint64_t> replace_from) {
    const uint64_t first = blocks.front().header.header.number;
    auto error = co_await asio::co_spawn(
        io_pool_.get_executor(),
        [this, &blocks, &receipts, replace_from, first]() -> Task<std::string> {
            auto ok = replace_from ? store_.replace_canonical_from(*replace_from, blocks, storage::Durability::kSync)
                                   : store_.put_blocks(blocks, storage::Durability::kSync);
            if (!ok) co_return storage::to_string(ok.error());
            if (!receipts.empty()) {
                auto r = store_.put_receipts(first, receipts, storage::Durability::kSync);
                if (!r) co_return storage::to_string(r.error());
            }
            co_return std::string{};
        },
        asio::use_awaitable);
    if (!error.empty()) {
        log::error("sync", "forward store write failed", {{"reason", error}});
        co_return false;
    }
    head_ = headers.back();
    const uint64_t new_head = head_->header.number;
    std::function<void(uint64_t)> callback;
    {
        std::lock_guard lock(mutex_);
        status_.blocks += blocks.size();
        status_.bodies += blocks.size();
        status_.receipts += receipts.size();
        status_.height = new_head;
        head_timestamp_ = head_->header.timestamp;
        const auto now = Clock::now();
        rate_samples_.emplace_back(now, status_.blocks);
        while (rate_samples_.size() > 2 && now - rate_samples_.front().first > kRateWindow) rate_samples_.pop_front();
        callback = head_changed_;
    }
    log::debug("sync", "forward stored", {{"first", first}, {"head", new_head}});
    if (callback) callback(new_head);
    co_return true;
}

}  // namespace hypasis::sync
