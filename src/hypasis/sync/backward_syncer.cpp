#include "hypasis/sync/backward_syncer.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "hypasis/core/common/log.hpp"
#include "hypasis/sync/budgeted_peers.hpp"

namespace hypasis::sync {

namespace {

using p2p::peers::Misbehaviour;
using p2p::peers::PeerId;
using p2p::peers::PeerInfo;
using storage::DataKind;
using storage::Range;

constexpr std::chrono::seconds kRateWindow{10};

std::string short_id(const PeerId& id) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < 4; ++i) {
        s += kHex[id[i] >> 4];
        s += kHex[id[i] & 0xf];
    }
    return s;
}

// eth/69 peers announce [earliest, latest] (EIP-7642): an empty answer inside it is useless.
bool claims(const PeerInfo& p, uint64_t block_num) {
    return p.earliest && p.latest && *p.earliest <= block_num && block_num <= *p.latest;
}

// Inserts `r` into `pending` (disjoint ranges, highest first).
void requeue(std::vector<Range>& pending, Range r) {
    if (r.empty()) return;
    auto it = std::find_if(pending.begin(), pending.end(), [&](const Range& p) { return p.end <= r.first; });
    pending.insert(it, r);
}

// The newest missing range of `kind` inside `within` whose headers are stored (for bodies and receipts), or of
// headers themselves.
std::optional<Range> newest_missing(const storage::BlockStore& store, DataKind kind, Range within) {
    if (within.empty()) return std::nullopt;
    if (kind == DataKind::kHeaders) {
        auto g = store.gaps(DataKind::kHeaders, within);
        if (g.empty()) return std::nullopt;
        return g.back();
    }
    const auto headers = store.tracker(DataKind::kHeaders);
    std::vector<Range> stored;
    for (const Range r : headers.intervals()) stored.push_back(r);
    for (auto it = stored.rbegin(); it != stored.rend(); ++it) {
        const Range part{std::max(it->first, within.first), std::min(it->end, within.end)};
        if (part.empty()) continue;
        auto g = store.gaps(kind, part);
        if (!g.empty()) return g.back();
    }
    return std::nullopt;
}

uint64_t missing(const storage::BlockStore& store, DataKind kind, Range within) {
    if (within.empty()) return 0;
    uint64_t n = 0;
    for (const Range g : store.gaps(kind, within, 4096)) n += g.size();
    return n;
}

}  // namespace

struct BackwardSyncer::Batch {
    DataKind kind{DataKind::kHeaders};
    Range range;  // requested [lo, hi); after a short answer, the part answered
    PeerId peer{};
    bool claims_range{false};
    bool done{false};
    bool answered{false};  // arrival bookkeeping done
    Clock::time_point started{};
    std::chrono::microseconds elapsed{0};
    std::error_code error;
    std::vector<SealedHeader> trusted;  // bodies/receipts: the stored headers of range, ascending
    std::vector<SealedHeader> headers;  // answer, descending
    std::vector<BlockBody> bodies;
    std::vector<std::vector<Receipt>> receipts;

    uint64_t got() const noexcept {
        switch (kind) {
            case DataKind::kHeaders: return headers.size();
            case DataKind::kBodies: return bodies.size();
            case DataKind::kReceipts: return receipts.size();
        }
        return 0;
    }
    uint64_t bytes() const noexcept {
        uint64_t n = 0;
        for (const auto& h : headers) n += h.rlp.size();
        for (const auto& b : bodies) n += encoded_length(b);
        for (const auto& r : receipts) n += BudgetedPeerService::estimated_size(r);
        return n;
    }
};

BackwardSyncer::BackwardSyncer(Executor executor, storage::BlockStore& store, p2p::peers::PeerService& peers,
                               Budget& budget, const chain::ChainSpec& spec, BackwardConfig config)
    : executor_(std::move(executor)),
      store_(store),
      peers_(peers),
      budget_(budget),
      spec_(spec),
      config_(config),
      selector_(PeerSelectorConfig{config.initial_batch, config.min_batch, config.max_batch,
                                   config.max_in_flight_per_peer, config.failure_cooldown,
                                   std::chrono::milliseconds(2000)}),
      waker_(std::make_shared<Waker>(executor_)) {
    config_.max_parallel_batches = std::max<std::size_t>(1, config_.max_parallel_batches);
    config_.max_batch = std::clamp<uint64_t>(config_.max_batch, 1, 1024);
}

BackwardSyncer::~BackwardSyncer() = default;

// ---- control ----

void BackwardSyncer::wake() noexcept {
    waker_->woken = true;
    waker_->timer.cancel();
}

void BackwardSyncer::post_wake() {
    boost::asio::post(executor_, [w = waker_] {
        w->woken = true;
        w->timer.cancel();
    });
}

void BackwardSyncer::stop() {
    if (!stopping_.exchange(true)) post_wake();
}

void BackwardSyncer::pause() {
    if (!paused_.exchange(true)) {
        log::info("sync", "backward paused");
        post_wake();
    }
}

void BackwardSyncer::resume() {
    if (paused_.exchange(false)) {
        log::info("sync", "backward resumed");
        post_wake();
    }
}

Task<void> BackwardSyncer::idle(std::chrono::milliseconds d) {
    if (waker_->woken) {
        waker_->woken = false;
        co_return;
    }
    waker_->timer.expires_after(d);
    co_await waker_->timer.async_wait(p2p::kUseTuple);
    waker_->woken = false;
}

void BackwardSyncer::set_state(const char* state) {
    std::lock_guard lock(mutex_);
    state_ = state;
}

void BackwardSyncer::record_stored(DataKind kind, uint64_t n) {
    std::lock_guard lock(mutex_);
    switch (kind) {
        case DataKind::kHeaders:
            counters_.headers += n;
            current_filled_ += n;
            break;
        case DataKind::kBodies: counters_.bodies += n; break;
        case DataKind::kReceipts: counters_.receipts += n; break;
    }
    const auto now = Clock::now();
    const uint64_t items = kind == DataKind::kHeaders ? counters_.headers
                           : kind == DataKind::kBodies ? counters_.bodies
                                                       : counters_.receipts;
    if (phase_ != kind) {
        phase_ = kind;
        samples_.clear();
    }
    samples_.push_back(Sample{now, items, counters_.bytes});
    while (samples_.size() > 2 && now - samples_.front().at > kRateWindow) samples_.pop_front();
    while (samples_.size() > 1024) samples_.pop_front();
}

// ---- planning ----

std::optional<std::pair<DataKind, Range>> BackwardSyncer::next_work() const {
    const auto head = store_.head(DataKind::kHeaders);
    if (!head) return std::nullopt;
    const uint64_t limit = config_.history_limit;
    if (auto g = newest_missing(store_, DataKind::kHeaders, Range{limit, *head})) {
        return std::pair{DataKind::kHeaders, *g};
    }
    if (config_.mode == HistoryMode::kHeaders) return std::nullopt;
    // Bodies and receipts of every stored header at or above the limit, the head's included.
    const Range within{limit, *head + 1};
    if (auto g = newest_missing(store_, DataKind::kBodies, within)) return std::pair{DataKind::kBodies, *g};
    if (config_.mode != HistoryMode::kFull) return std::nullopt;
    if (auto g = newest_missing(store_, DataKind::kReceipts, within)) return std::pair{DataKind::kReceipts, *g};
    return std::nullopt;
}

// ---- the loop ----

Task<void> BackwardSyncer::run() {
    while (!stopping_.load()) {
        if (paused_.load()) {
            set_state("paused");
            co_await idle(config_.idle_poll);
            continue;
        }
        auto work = next_work();
        if (!work) {
            set_state(store_.head(DataKind::kHeaders) ? "done" : "idle");
            co_await idle(config_.idle_poll);
            continue;
        }
        {
            std::lock_guard lock(mutex_);
            if (work->first == DataKind::kHeaders) {
                current_gap_ = work->second;
                current_filled_ = 0;
            } else {
                current_gap_.reset();
            }
            if (phase_ != work->first) {
                phase_ = work->first;
                samples_.clear();
            }
        }
        set_state("syncing");
        co_await fill(work->first, work->second);
    }
    // Requests in flight hold `this`: wait for them (each ends within the PeerService's timeout).
    while (tasks_in_flight_ > 0) co_await idle(std::chrono::milliseconds(20));
    std::lock_guard lock(mutex_);
    if (state_ != "done") state_ = "idle";
}

Task<void> BackwardSyncer::fetch(std::shared_ptr<Batch> b) {
    const Range r = b->range;
    b->started = Clock::now();
    if (b->kind == DataKind::kHeaders) {
        auto ans = co_await peers_.get_headers(b->peer, p2p::peers::HeadersRequest{r.end - 1, r.size(), 0, true});
        if (ans) {
            b->headers = std::move(*ans);
        } else {
            b->error = ans.error();
        }
    } else {
        std::vector<Hash> hashes;
        hashes.reserve(b->trusted.size());
        for (const auto& h : b->trusted) hashes.push_back(h.hash);
        if (b->kind == DataKind::kBodies) {
            auto ans = co_await peers_.get_bodies(b->peer, std::move(hashes));
            if (ans) {
                b->bodies = std::move(*ans);
            } else {
                b->error = ans.error();
            }
        } else {
            auto ans = co_await peers_.get_receipts(b->peer, std::move(hashes));
            if (ans) {
                b->receipts = std::move(*ans);
            } else {
                b->error = ans.error();
            }
        }
    }
    b->elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - b->started);
    b->done = true;
    --tasks_in_flight_;
    wake();
}

std::vector<SealedHeader> BackwardSyncer::read_headers(Range r) const {
    std::vector<SealedHeader> out;
    out.reserve(r.size());
    for (uint64_t n = r.first; n < r.end; ++n) {
        auto h = store_.get_header(n);
        if (!h || !h->found()) break;
        out.push_back(**h);
    }
    return out;
}

BackwardSyncer::Outcome BackwardSyncer::check_and_store(const Batch& b, const SealedHeader* child) const {
    Outcome o;
    Expected<void, FetchError> ok;
    if (b.kind == DataKind::kHeaders) {
        ok = check_headers_descending(spec_, b.headers, *child);
    } else if (b.kind == DataKind::kBodies) {
        ok = check_bodies(b.trusted, b.bodies);
    } else {
        ok = check_receipts(b.trusted, b.receipts);
    }
    if (!ok) {
        o.bad = ok.error();
        return o;
    }
    Expected<void, storage::StoreError> stored;
    if (b.kind == DataKind::kHeaders) {
        stored = store_.put_headers(b.headers);
    } else if (b.kind == DataKind::kBodies) {
        stored = store_.put_bodies(b.range.first, b.bodies);
    } else {
        stored = store_.put_receipts(b.range.first, b.receipts);
    }
    if (!stored) o.store_error = stored.error();
    return o;
}

Task<void> BackwardSyncer::fill(DataKind kind, Range gap) {
    const bool headers_kind = kind == DataKind::kHeaders;
    // Headers: the trusted header just above the part not yet accepted.
    std::optional<SealedHeader> frontier;
    if (headers_kind) {
        auto top = store_.get_header(gap.end);
        if (!top || !top->found()) co_return;  // the store changed under us: plan again
        frontier = **top;
    }
    std::vector<Range> pending{gap};
    std::map<uint64_t, std::shared_ptr<Batch>, std::greater<>> outstanding;  // by range end, highest first
    bool store_failed = false;
    const auto started = Clock::now();

    while (!stopping_.load()) {
        if (headers_kind ? frontier->header.number <= gap.first : pending.empty() && outstanding.empty()) break;

        // Dispatch.
        bool no_peer = false;
        if (!paused_.load()) {
            std::vector<PeerInfo> infos;
            bool have_infos = false;
            while (outstanding.size() < config_.max_parallel_batches && !pending.empty() && !stopping_.load()) {
                if (!have_infos) {
                    infos = peers_.peers();
                    have_infos = true;
                }
                auto choice = selector_.pick(infos, pending.front(), kind, Clock::now());
                if (!choice) {
                    no_peer = true;
                    break;
                }
                auto b = std::make_shared<Batch>();
                b->kind = kind;
                b->range = choice->range;
                b->peer = choice->peer_id;
                for (const auto& p : infos) {
                    if (p.peer_id == b->peer) b->claims_range = claims(p, b->range.end - 1);
                }
                pending.front().end = b->range.first;
                if (pending.front().empty()) pending.erase(pending.begin());
                if (!headers_kind) {
                    // The trusted headers whose data we ask for (store reads block: run them on the pool).
                    const Range r = b->range;
                    auto read = [this, r] { return read_headers(r); };
                    b->trusted = co_await budget_.run_cpu(Direction::kBackward, std::move(read));
                    if (b->trusted.size() < b->range.size()) {
                        // Headers vanished (corruption repair): leave the rest to the next plan.
                        b->range.end = b->range.first + b->trusted.size();
                        if (b->trusted.empty()) continue;
                    }
                }
                selector_.on_start(b->peer);
                ++tasks_in_flight_;
                {
                    std::lock_guard lock(mutex_);
                    ++counters_.requests;
                }
                outstanding.emplace(b->range.end, b);
                boost::asio::co_spawn(executor_, fetch(b), [](std::exception_ptr) {});
            }
        }
        if (paused_.load()) {
            set_state("paused");
        } else if (outstanding.empty() && no_peer) {
            set_state("waiting");
        } else {
            set_state("syncing");
        }

        // Wait for an answer unless one is already there to process.
        bool ready = false;
        for (const auto& [end, b] : outstanding) {
            if (b->done && (!b->answered || !headers_kind || b->range.end == frontier->header.number)) ready = true;
        }
        if (!ready) co_await idle(config_.idle_poll);

        // Process answers, highest first, restarting after each change of the map. At most one batch is checked
        // and stored per round, so that new requests go out (above) between store writes.
        bool changed = true;
        bool stored_one = false;
        while (changed && !stored_one && !stopping_.load()) {
            changed = false;
            for (auto it = outstanding.begin(); it != outstanding.end(); ++it) {
                auto b = it->second;
                if (!b->done) continue;
                const auto now = Clock::now();
                if (!b->answered) {
                    b->answered = true;
                    selector_.on_finish(b->peer);
                    if (b->error && BudgetedPeerService::not_sent(b->error)) {
                        // Held before it went out (paused or stopping): ask again later, nobody to blame.
                        {
                            std::lock_guard lock(mutex_);
                            --counters_.requests;
                        }
                        requeue(pending, b->range);
                        outstanding.erase(it);
                        changed = true;
                        break;
                    }
                    {
                        std::lock_guard lock(mutex_);
                        counters_.bytes += b->bytes();
                        if (b->error || b->got() == 0) ++counters_.failed_requests;
                    }
                    if (b->error || b->got() == 0) {
                        if (!b->error && b->claims_range) {
                            peers_.report(b->peer, Misbehaviour::kUselessResponse);
                            std::lock_guard lock(mutex_);
                            ++counters_.reports;
                        }
                        log::debug("sync", "backward batch failed",
                                   {{"kind", to_string(kind)}, {"first", b->range.first}, {"end", b->range.end},
                                    {"peer", short_id(b->peer)},
                                    {"error", b->error ? b->error.message() : std::string("empty answer")}});
                        selector_.on_failure(b->peer, kind, now);
                        requeue(pending, b->range);
                        outstanding.erase(it);
                        changed = true;
                        break;
                    }
                    const uint64_t asked = b->range.size();
                    const uint64_t got = std::min(b->got(), asked);
                    selector_.on_answer(b->peer, kind, asked, got, b->elapsed, now);
                    if (got < asked) {
                        if (headers_kind) {
                            // A reverse answer covers the top: keep [hi - got, hi), re-queue the rest.
                            requeue(pending, Range{b->range.first, b->range.end - got});
                            b->range.first = b->range.end - got;
                        } else {
                            requeue(pending, Range{b->range.first + got, b->range.end});
                            b->range.end = b->range.first + got;
                            b->trusted.resize(got);
                        }
                        changed = true;
                    }
                }
                if (headers_kind && b->range.end != frontier->header.number) continue;  // waits for the one above

                // Check and store on the pool (backward CPU share).
                const Range r = b->range;
                const uint64_t key = it->first;
                std::shared_ptr<const SealedHeader> child;
                if (headers_kind) child = std::make_shared<const SealedHeader>(*frontier);
                auto job = [this, b, child] { return check_and_store(*b, child.get()); };
                const Outcome outcome = co_await budget_.run_cpu(Direction::kBackward, std::move(job));
                outstanding.erase(key);
                changed = true;
                if (outcome.bad) {
                    log::warn("sync", "peer penalised: invalid backward data",
                              {{"peer", short_id(b->peer)}, {"kind", to_string(kind)},
                               {"error", to_string(*outcome.bad)}});
                    peers_.report(b->peer, Misbehaviour::kInvalidData);
                    selector_.on_failure(b->peer, kind, Clock::now());
                    {
                        std::lock_guard lock(mutex_);
                        ++counters_.rejected_batches;
                        ++counters_.reports;
                        ++counters_.failed_requests;
                    }
                    requeue(pending, r);
                } else if (outcome.store_error) {
                    log::warn("sync", "backward store write failed",
                              {{"kind", to_string(kind)}, {"first", r.first}, {"error", to_string(*outcome.store_error)}});
                    requeue(pending, r);
                    store_failed = true;
                } else {
                    if (headers_kind) frontier = b->headers.back();
                    record_stored(kind, r.size());
                    log::debug("sync", "backward batch stored",
                               {{"kind", to_string(kind)}, {"first", r.first}, {"end", r.end},
                                {"peer", short_id(b->peer)}});
                }
                stored_one = true;
                break;
            }
        }
        if (store_failed) {
            // Let the store recover (or the operator act) before trying again.
            store_failed = false;
            waker_->woken = false;
            co_await idle(config_.idle_poll);
        }
    }
    if (!stopping_.load()) {
        const double secs = std::chrono::duration<double>(Clock::now() - started).count();
        log::info("sync", "backward gap filled",
                  {{"kind", to_string(kind)}, {"first", gap.first}, {"end", gap.end}, {"seconds", secs}});
    }
    // Answers still outstanding (only on stop) are dropped; their coroutines finish on their own.
    for (auto& [end, b] : outstanding) {
        if (b->done && !b->answered) selector_.on_finish(b->peer);
    }
}

// ---- status ----

BackwardSyncer::Counters BackwardSyncer::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

DirectionStatus BackwardSyncer::status() const {
    DirectionStatus s;
    DataKind phase;
    {
        std::lock_guard lock(mutex_);
        s.state = paused_.load() ? "paused" : state_;
        s.blocks = counters_.headers;
        s.bodies = counters_.bodies;
        s.receipts = counters_.receipts;
        s.bytes = counters_.bytes;
        s.requests = counters_.requests;
        s.failed_requests = counters_.failed_requests;
        phase = phase_;
        if (samples_.size() >= 2) {
            const auto& a = samples_.front();
            const auto& z = samples_.back();
            // Up to now, not to the last sample: once progress stops (done, paused, no peer) the rate falls
            // towards 0 instead of showing its last value forever.
            const double dt = std::chrono::duration<double>(Clock::now() - a.at).count();
            if (dt > 0) {
                s.blocks_per_second = static_cast<double>(z.items - a.items) / dt;
                s.bytes_per_second = static_cast<double>(z.bytes - a.bytes) / dt;
            }
        }
    }
    s.bandwidth = budget_.bandwidth(Direction::kBackward);
    s.cpu = budget_.cpu(Direction::kBackward);
    s.target = config_.history_limit;
    if (const auto suffix = store_.contiguous_suffix(DataKind::kHeaders)) s.height = suffix->first;
    if (const auto head = store_.head(DataKind::kHeaders)) {
        const uint64_t limit = config_.history_limit;
        uint64_t left = missing(store_, DataKind::kHeaders, Range{limit, *head});
        if (left == 0 && phase != DataKind::kHeaders) left = missing(store_, phase, Range{limit, *head + 1});
        s.remaining = left;
        if (left > 0 && s.blocks_per_second > 0) s.eta_seconds = static_cast<double>(left) / s.blocks_per_second;
    }
    return s;
}

std::vector<GapStatus> BackwardSyncer::gaps() const {
    std::vector<GapStatus> out;
    const auto head = store_.head(DataKind::kHeaders);
    if (!head || *head <= config_.history_limit) return out;
    const uint64_t limit = config_.history_limit;
    // The pass under way, chosen as next_work() chooses: headers while any is missing, then bodies, then receipts.
    auto all = store_.gaps(DataKind::kHeaders, Range{limit, *head});
    DataKind kind = DataKind::kHeaders;
    if (all.empty()) {
        if (config_.mode == HistoryMode::kHeaders) return out;
        const Range within{limit, *head + 1};
        kind = DataKind::kBodies;
        all = store_.gaps(kind, within);
        if (all.empty()) {
            if (config_.mode != HistoryMode::kFull) return out;
            kind = DataKind::kReceipts;
            all = store_.gaps(kind, within);
        }
    }
    double rate = 0;
    std::optional<Range> current;
    uint64_t filled = 0;
    {
        std::lock_guard lock(mutex_);
        if (phase_ == kind && samples_.size() >= 2) {
            const double dt = std::chrono::duration<double>(samples_.back().at - samples_.front().at).count();
            if (dt > 0) rate = static_cast<double>(samples_.back().items - samples_.front().items) / dt;
        }
        if (kind == DataKind::kHeaders) {
            current = current_gap_;
            filled = current_filled_;
        }
    }
    uint64_t ahead = 0;  // blocks of newer gaps, filled first
    for (auto it = all.rbegin(); it != all.rend() && out.size() < config_.max_reported_gaps; ++it) {
        GapStatus g;
        g.kind = kind;
        g.first = it->first;
        g.end = it->end;
        if (current && current->first == it->first && it->end <= current->end) g.filled = filled;
        ahead += it->size();
        if (rate > 0) g.eta_seconds = static_cast<double>(ahead) / rate;
        out.push_back(g);
    }
    return out;
}

}  // namespace hypasis::sync
