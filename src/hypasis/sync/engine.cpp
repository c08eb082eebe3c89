#include "hypasis/sync/engine.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <chrono>
#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/common/log.hpp"

namespace hypasis::sync {

using namespace boost::asio::experimental::awaitable_operators;

SyncEngine::SyncEngine(Executor executor, storage::BlockStore& store, p2p::peers::PeerService& peers,
                       const chain::ChainSpec& spec, Anchor anchor, EngineConfig config)
    : executor_(std::move(executor)), store_(store), anchor_(anchor), config_(std::move(config)) {
    config_.forward.mode = config_.mode;
    config_.backward.mode = config_.mode;
    budget_ = std::make_unique<Budget>(config_.budget);
    forward_peers_ = std::make_unique<BudgetedPeerService>(peers, *budget_, Direction::kForward);
    backward_peers_ = std::make_unique<BudgetedPeerService>(peers, *budget_, Direction::kBackward);
    forward_ = std::make_unique<ForwardSyncer>(executor_, store_, *forward_peers_, *budget_, spec, config_.forward);
    backward_ = std::make_unique<BackwardSyncer>(executor_, store_, *backward_peers_, *budget_, spec, config_.backward);
}

// The syncers go before the budget and the services they use (members are destroyed in reverse order anyway;
// spelled out because the order matters).
SyncEngine::~SyncEngine() {
    backward_.reset();
    forward_.reset();
    backward_peers_.reset();
    forward_peers_.reset();
    budget_.reset();
}

void SyncEngine::set_phase(Phase phase, std::string error) {
    {
        std::lock_guard lock(mutex_);
        if (phase_ == phase) return;
        phase_ = phase;
        if (phase == Phase::kRunning) ready_ = true;
        if (phase == Phase::kFailed || phase == Phase::kStopping) ready_ = false;
        if (!error.empty()) error_ = error;
    }
    if (error.empty()) {
        log::info("sync", "phase changed", {{"phase", to_string(phase)}});
    } else {
        log::error("sync", "phase changed", {{"phase", to_string(phase)}, {"error", error}});
    }
}

Task<void> SyncEngine::run() {
    if (!store_.head(storage::DataKind::kHeaders)) {
        set_phase(Phase::kFailed, "the store holds no header to follow from: bootstrap first");
        co_return;
    }
    if (stopped_) co_return;
    set_phase(Phase::kRunning);
    log::info("sync", "engine started",
              {{"anchor", anchor_.block_num},
               {"anchor_hash", to_hex(anchor_.block_hash)},
               {"history_mode", to_string(config_.mode)}});
    // Forward first: `&&` starts its left operand first, and both run until each has returned.
    co_await (forward_->run() && backward_->run());
    log::info("sync", "engine stopped");
}

void SyncEngine::stop() {
    if (stopped_.exchange(true)) return;
    {
        std::lock_guard lock(mutex_);
        if (phase_ == Phase::kFailed) {
            forward_->stop();
            backward_->stop();
            return;
        }
    }
    set_phase(Phase::kStopping);
    // Requests still waiting for bandwidth give up at once instead of holding the stop for seconds.
    forward_peers_->hold(true);
    backward_peers_->hold(true);
    forward_->stop();
    backward_->stop();
}

// The backward syncer logs the change itself. Holding its service too keeps requests that were already waiting
// for bandwidth from going out during the pause.
void SyncEngine::pause_backward() {
    backward_->pause();
    backward_peers_->hold(true);
}

void SyncEngine::resume_backward() {
    if (stopped_) return;
    backward_peers_->hold(false);
    backward_->resume();
}

void SyncEngine::set_trusted_tip(uint64_t number, Hash hash) { forward_->set_trusted_tip(number, hash); }

void SyncEngine::set_head_changed(std::function<void(uint64_t)> callback) {
    forward_->set_head_changed(std::move(callback));
}

SyncStatus SyncEngine::status() const {
    SyncStatus s;
    {
        std::lock_guard lock(mutex_);
        s.phase = phase_;
        s.ready = ready_;
        s.error = error_;
    }
    s.history_mode = std::string(to_string(config_.mode));
    s.backward_paused = backward_->paused();
    s.anchor_number = anchor_.block_num;
    s.anchor_hash = anchor_.block_hash;

    s.forward = forward_->status();
    s.backward = backward_->status();
    // The budgeted services see every request and byte of their direction: they are the counters of record.
    const auto fc = forward_peers_->counters();
    s.forward.requests = fc.requests;
    s.forward.failed_requests = fc.failed_requests;
    s.forward.bytes = fc.bytes;
    const auto bc = backward_peers_->counters();
    s.backward.requests = bc.requests;
    s.backward.failed_requests = bc.failed_requests;
    s.backward.bytes = bc.bytes;
    s.forward.bandwidth = budget_->bandwidth(Direction::kForward);
    s.forward.cpu = budget_->cpu(Direction::kForward);
    s.backward.bandwidth = budget_->bandwidth(Direction::kBackward);
    s.backward.cpu = budget_->cpu(Direction::kBackward);

    s.tip_number = forward_->tip();
    s.tip_hash = forward_->tip_hash();
    if (s.tip_number) {
        if (s.forward.height && *s.tip_number > *s.forward.height) s.tip_lag_blocks = *s.tip_number - *s.forward.height;
        if (const auto ts = forward_->head_timestamp()) {
            const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
            const double lag = now - static_cast<double>(*ts);
            s.tip_lag_seconds = lag > 0 ? lag : 0;
        }
    }
    s.gaps = backward_->gaps();
    return s;
}

}  // namespace hypasis::sync
