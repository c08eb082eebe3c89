#include "hypasis/checkpoint/multi_source.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <map>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::checkpoint {
namespace {

namespace net = boost::asio;
using Fetched = Expected<Checkpoint, SourceError>;

// What the parallel fetches share: one slot per member, and a timer that the last one to finish cancels.
struct Gather {
    explicit Gather(const net::any_io_executor& ex, std::size_t n) : results(n), pending(n), done(ex) {
        done.expires_at(net::steady_timer::time_point::max());
    }
    std::vector<std::optional<Fetched>> results;
    std::size_t pending;
    net::steady_timer done;
};

}  // namespace

std::string_view to_string(SourceOutcome::Status s) noexcept {
    switch (s) {
        case SourceOutcome::Status::kAgreed:
            return "agreed";
        case SourceOutcome::Status::kDisagreed:
            return "disagreed";
        case SourceOutcome::Status::kUnverified:
            return "unverified";
        case SourceOutcome::Status::kFailed:
            return "failed";
    }
    return "unknown";
}

std::string describe(const MultiResult& r) {
    std::string s;
    for (const SourceOutcome& o : r.outcomes) {
        std::string status(to_string(o.status));
        status.resize(10, ' ');
        s += "  " + status + " " + o.source;
        if (!o.detail.empty()) s += ": " + o.detail;
        s += "\n";
    }
    return s;
}

MultiSource::MultiSource(std::string name, std::vector<std::unique_ptr<CheckpointSource>> sources, std::size_t k,
                         const ValidatorSet& set)
    : name_(std::move(name)), sources_(std::move(sources)), k_(k), set_(set) {
    HYPASIS_ASSERT(k_ >= 1 && k_ <= sources_.size());
    for (const auto& s : sources_) HYPASIS_ASSERT(s != nullptr);
}

Task<MultiResult> MultiSource::fetch_all() {
    const auto ex = co_await net::this_coro::executor;
    // Every member runs at once: the slowest one (bounded by its own deadline) sets the latency, not their sum.
    auto gather = std::make_shared<Gather>(ex, sources_.size());
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        net::co_spawn(
            ex,
            [gather, i, src = sources_[i].get()]() -> Task<void> {
                Fetched r = co_await src->fetch();
                gather->results[i] = std::move(r);
                if (--gather->pending == 0) gather->done.cancel();
            },
            net::detached);
    }
    while (gather->pending > 0) {
        auto [ec] = co_await gather->done.async_wait(p2p::kUseTuple);
        (void)ec;
    }

    MultiResult out;
    std::vector<std::optional<VerifiedCheckpoint>> verified(sources_.size());
    std::map<Hash, std::size_t> votes;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        SourceOutcome o;
        o.source = sources_[i]->name();
        const Fetched& r = *gather->results[i];
        if (!r) {
            o.status = SourceOutcome::Status::kFailed;
            o.detail = to_string(r.error());
        } else if (auto v = verify(*r, set_); !v) {
            o.status = SourceOutcome::Status::kUnverified;
            o.detail = to_string(v.error());
        } else {
            o.digest = v->digest;
            ++votes[v->digest];
            verified[i] = std::move(*v);
        }
        out.outcomes.push_back(std::move(o));
    }
    std::optional<Hash> winner;
    bool conflict = false;
    for (const auto& [digest, n] : votes) {
        if (n < k_) continue;
        if (winner) conflict = true;
        winner = digest;
    }
    for (std::size_t i = 0; i < out.outcomes.size(); ++i) {
        SourceOutcome& o = out.outcomes[i];
        if (!o.digest) continue;
        const Checkpoint& c = verified[i]->checkpoint;
        if (winner && !conflict && *o.digest == *winner) {
            o.status = SourceOutcome::Status::kAgreed;
            ++out.agreeing;
            if (!out.checkpoint) out.checkpoint = verified[i];
        } else {
            o.status = SourceOutcome::Status::kDisagreed;
            o.detail = "block " + std::to_string(c.block_num) + " " + to_hex(c.block_hash) + " (digest " +
                       to_hex(*o.digest) + ", " + std::to_string(votes[*o.digest]) + " of " +
                       std::to_string(sources_.size()) + " sources)";
        }
    }
    co_return out;
}

Task<Expected<Checkpoint, SourceError>> MultiSource::fetch() {
    MultiResult r = co_await fetch_all();
    if (r.checkpoint) co_return std::move(r.checkpoint->checkpoint);
    // No winner with verified answers present: either no group reached K, or more than one did.
    std::map<Hash, std::size_t> votes;
    for (const auto& o : r.outcomes) {
        if (o.digest) ++votes[*o.digest];
    }
    std::size_t groups = 0;
    for (const auto& [digest, n] : votes) groups += n >= k_ ? 1 : 0;
    const bool conflict = groups > 1;
    const SourceErrc code = conflict ? SourceErrc::kConflict : SourceErrc::kNoQuorum;
    co_return unexpected(SourceError{
        code, name_,
        std::string(conflict ? "two different checkpoints each have " : "no checkpoint has ") + std::to_string(k_) +
            " of " + std::to_string(sources_.size()) + " sources behind it:\n" + describe(r)});
}

}  // namespace hypasis::checkpoint
