#include "hypasis/serve/metrics.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <utility>

namespace hypasis::serve {
namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

constexpr sync::Direction kDirections[] = {sync::Direction::kForward, sync::Direction::kBackward};

// Label values escape backslash, double quote and line feed (the format's only escapes).
void append_label_value(std::string& out, std::string_view v) {
    for (const char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

class Writer {
  public:
    /// Starts a family: its HELP and TYPE lines. HELP text escapes backslash and line feed.
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        for (const char c : help) {
            if (c == '\\')
                out_ += "\\\\";
            else if (c == '\n')
                out_ += "\\n";
            else
                out_ += c;
        }
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
        name_ = name;
    }
    void sample(Labels labels, double value) { sample_text(labels, format_metric_value(value)); }
    void sample_u64(Labels labels, uint64_t value) { sample_text(labels, std::to_string(value)); }
    void sample(double value) { sample({}, value); }
    void sample_u64(uint64_t value) { sample_u64({}, value); }

    std::string take() { return std::move(out_); }

  private:
    void sample_text(Labels labels, const std::string& value) {
        out_ += name_;
        if (labels.size() > 0) {
            out_ += '{';
            bool first = true;
            for (const auto& [k, v] : labels) {
                if (!first) out_ += ',';
                first = false;
                out_ += k;
                out_ += "=\"";
                append_label_value(out_, v);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
        out_ += value;
        out_ += '\n';
    }

    std::string out_;
    std::string name_;
};

const sync::DirectionStatus& dir(const sync::SyncStatus& s, sync::Direction d) {
    return d == sync::Direction::kForward ? s.forward : s.backward;
}

template <class Get>
void per_direction_u64(Writer& w, const sync::SyncStatus& s, std::string_view name, std::string_view type,
                       std::string_view help, Get get) {
    w.family(name, type, help);
    for (const auto d : kDirections) w.sample_u64({{"direction", sync::to_string(d)}}, get(dir(s, d)));
}

template <class Get>
void per_direction(Writer& w, const sync::SyncStatus& s, std::string_view name, std::string_view help, Get get) {
    w.family(name, "gauge", help);
    for (const auto d : kDirections) w.sample({{"direction", sync::to_string(d)}}, get(dir(s, d)));
}

void engine_metrics(Writer& w, const sync::SyncStatus& s) {
    using sync::Phase;
    w.family("hypasis_sync_phase", "gauge", "The engine's phase (1 for the current one, 0 for the others).");
    for (const Phase p : {Phase::kStarting, Phase::kBootstrapping, Phase::kRunning, Phase::kStopping, Phase::kFailed})
        w.sample({{"phase", sync::to_string(p)}}, s.phase == p ? 1.0 : 0.0);
    w.family("hypasis_sync_ready", "gauge", "1 when anchored and serving (readyz), else 0.");
    w.sample(s.ready ? 1.0 : 0.0);
    w.family("hypasis_sync_backward_paused", "gauge", "1 while the backward pipeline is paused through the API.");
    w.sample(s.backward_paused ? 1.0 : 0.0);
    if (s.anchor_number) {
        w.family("hypasis_sync_anchor_block", "gauge", "The trusted anchor's block number (the verified checkpoint).");
        w.sample_u64(*s.anchor_number);
    }
    if (s.tip_number) {
        w.family("hypasis_sync_tip_block", "gauge", "The tip the forward pipeline follows.");
        w.sample_u64(*s.tip_number);
    }
    w.family("hypasis_sync_tip_lag_blocks", "gauge", "Blocks between the stored head and the tip.");
    w.sample_u64(s.tip_lag_blocks);
    w.family("hypasis_sync_tip_lag_seconds", "gauge", "Now minus the stored head's timestamp, when the tip is known.");
    w.sample(s.tip_lag_seconds);

    per_direction_u64(w, s, "hypasis_sync_blocks_total", "counter", "Blocks (headers) stored per direction.",
                      [](const sync::DirectionStatus& d) { return d.blocks; });
    per_direction_u64(w, s, "hypasis_sync_bodies_total", "counter", "Block bodies stored per direction.",
                      [](const sync::DirectionStatus& d) { return d.bodies; });
    per_direction_u64(w, s, "hypasis_sync_receipts_total", "counter", "Receipt lists stored per direction.",
                      [](const sync::DirectionStatus& d) { return d.receipts; });
    per_direction_u64(w, s, "hypasis_sync_bytes_total", "counter", "Response bytes received per direction.",
                      [](const sync::DirectionStatus& d) { return d.bytes; });
    per_direction_u64(w, s, "hypasis_sync_requests_total", "counter", "Requests sent to peers per direction.",
                      [](const sync::DirectionStatus& d) { return d.requests; });
    per_direction_u64(w, s, "hypasis_sync_request_failures_total", "counter",
                      "Requests that failed or whose response was rejected, per direction.",
                      [](const sync::DirectionStatus& d) { return d.failed_requests; });
    per_direction(w, s, "hypasis_sync_blocks_per_second", "Recent block rate per direction.",
                  [](const sync::DirectionStatus& d) { return d.blocks_per_second; });
    per_direction(w, s, "hypasis_sync_bytes_per_second", "Recent download rate per direction.",
                  [](const sync::DirectionStatus& d) { return d.bytes_per_second; });
    per_direction_u64(w, s, "hypasis_sync_remaining_blocks", "gauge", "Blocks left to the direction's target.",
                      [](const sync::DirectionStatus& d) { return d.remaining; });

    // Optional per-direction values: a family only when some direction has one, a sample only where it has one.
    const auto optional_family = [&](std::string_view name, std::string_view help, auto get) {
        if (!get(s.forward) && !get(s.backward)) return;
        w.family(name, "gauge", help);
        for (const auto d : kDirections)
            if (const auto v = get(dir(s, d))) w.sample({{"direction", sync::to_string(d)}}, static_cast<double>(*v));
    };
    optional_family("hypasis_sync_height",
                    "Forward: the highest stored block. Backward: the lowest block of the run that ends at the anchor.",
                    [](const sync::DirectionStatus& d) { return d.height; });
    optional_family("hypasis_sync_target", "Forward: the tip it follows. Backward: the history limit.",
                    [](const sync::DirectionStatus& d) { return d.target; });
    optional_family("hypasis_sync_eta_seconds", "Estimated seconds to the target at the current rate.",
                    [](const sync::DirectionStatus& d) { return d.eta_seconds; });

    w.family("hypasis_budget_share", "gauge", "Configured share of the total budget (0..1).");
    for (const auto d : kDirections) {
        w.sample({{"direction", sync::to_string(d)}, {"resource", "bandwidth"}}, dir(s, d).bandwidth.share);
        w.sample({{"direction", sync::to_string(d)}, {"resource", "cpu"}}, dir(s, d).cpu.share);
    }
    per_direction(w, s, "hypasis_budget_bandwidth_limit_bytes_per_second",
                  "Configured bandwidth limit per direction (0 = unlimited).",
                  [](const sync::DirectionStatus& d) { return d.bandwidth.limit_per_second; });
    per_direction_u64(w, s, "hypasis_budget_bandwidth_used_bytes_total", "counter",
                      "Bytes charged to the direction's bandwidth budget.",
                      [](const sync::DirectionStatus& d) { return d.bandwidth.used; });
    per_direction_u64(w, s, "hypasis_budget_bandwidth_borrowed_bytes_total", "counter",
                      "Of the bytes used, those borrowed from the other direction's unused share.",
                      [](const sync::DirectionStatus& d) { return d.bandwidth.borrowed; });
    w.family("hypasis_budget_cpu_used_seconds_total", "counter", "Validation CPU time charged per direction.");
    for (const auto d : kDirections)
        w.sample({{"direction", sync::to_string(d)}}, static_cast<double>(dir(s, d).cpu.used) / 1e6);
    w.family("hypasis_budget_cpu_borrowed_seconds_total", "counter",
             "Of the CPU time used, what was borrowed from the other direction's unused share.");
    for (const auto d : kDirections)
        w.sample({{"direction", sync::to_string(d)}}, static_cast<double>(dir(s, d).cpu.borrowed) / 1e6);
    w.family("hypasis_budget_waits_total", "counter", "Times a request or job waited for budget.");
    for (const auto d : kDirections) {
        w.sample_u64({{"direction", sync::to_string(d)}, {"resource", "bandwidth"}}, dir(s, d).bandwidth.waits);
        w.sample_u64({{"direction", sync::to_string(d)}, {"resource", "cpu"}}, dir(s, d).cpu.waits);
    }
}

void store_metrics(Writer& w, const storage::StoreStats& st) {
    const auto& c = st.cache;
    w.family("hypasis_cache_hits_total", "counter", "Hot block cache lookups that hit.");
    w.sample_u64(c.hits);
    w.family("hypasis_cache_misses_total", "counter", "Hot block cache lookups that missed.");
    w.sample_u64(c.misses);
    w.family("hypasis_cache_hit_ratio", "gauge", "hits / (hits + misses) since start; 0 before the first lookup.");
    const uint64_t lookups = c.hits + c.misses;
    w.sample(lookups == 0 ? 0.0 : static_cast<double>(c.hits) / static_cast<double>(lookups));
    w.family("hypasis_cache_evictions_total", "counter", "Entries evicted from the hot block cache.");
    w.sample_u64(c.evictions);
    w.family("hypasis_cache_entries", "gauge", "Entries in the hot block cache.");
    w.sample_u64(c.entries);
    w.family("hypasis_cache_bytes", "gauge", "Bytes held by the hot block cache.");
    w.sample_u64(c.bytes);
    w.family("hypasis_store_corruptions_total", "counter", "Integrity failures found (and repaired) by the store.");
    w.sample_u64(st.corruptions_found);
}

}  // namespace

std::string format_metric_value(double x) {
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x > 0 ? "+Inf" : "-Inf";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

std::string render_metrics(const MetricsSnapshot& m) {
    Writer w;
    if (m.status) engine_metrics(w, *m.status);
    if (m.store) store_metrics(w, *m.store);
    if (m.peers_connected || m.peers_banned) {
        w.family("hypasis_peers", "gauge", "Peers by state.");
        if (m.peers_connected) w.sample_u64({{"state", "connected"}}, *m.peers_connected);
        if (m.peers_banned) w.sample_u64({{"state", "banned"}}, *m.peers_banned);
    }
    if (m.peer_stats) {
        const auto& p = *m.peer_stats;
        w.family("hypasis_peer_sessions_total", "counter", "Peer sessions that completed the eth Status handshake.");
        w.sample_u64(p.sessions);
        w.family("hypasis_peer_dial_failures_total", "counter", "Outbound dials that failed.");
        w.sample_u64(p.dial_failures);
        w.family("hypasis_peer_bans_total", "counter", "Peer bans applied since start.");
        w.sample_u64(p.bans);
        w.family("hypasis_peer_misbehaviours_total", "counter", "Peer penalties recorded since start.");
        w.sample_u64(p.misbehaviours);
    }
    bool any_gaps = false;
    for (const auto& g : m.gaps) any_gaps = any_gaps || g.has_value();
    if (any_gaps) {
        w.family("hypasis_gaps", "gauge", "Missing ranges per data kind, below the highest stored header.");
        for (std::size_t k = 0; k < m.gaps.size(); ++k)
            if (m.gaps[k])
                w.sample_u64({{"kind", storage::to_string(static_cast<storage::DataKind>(k))}}, m.gaps[k]->count);
        w.family("hypasis_gap_blocks", "gauge", "Missing blocks per data kind (the gaps' total size).");
        for (std::size_t k = 0; k < m.gaps.size(); ++k)
            if (m.gaps[k])
                w.sample_u64({{"kind", storage::to_string(static_cast<storage::DataKind>(k))}}, m.gaps[k]->blocks);
    }
    if (m.server) {
        const auto& s = *m.server;
        w.family("hypasis_api_connections_total", "counter", "REST API connections accepted.");
        w.sample_u64(s.connections_accepted);
        w.family("hypasis_api_connections_rejected_total", "counter",
                 "REST API connections closed at once because the connection cap was reached.");
        w.sample_u64(s.connections_rejected);
        w.family("hypasis_api_connections_active", "gauge", "REST API connections open now.");
        w.sample_u64(s.connections_active);
        w.family("hypasis_api_requests_total", "counter", "REST API requests answered.");
        w.sample_u64(s.requests);
        w.family("hypasis_api_timeouts_total", "counter", "REST API connections cut by a read or write deadline.");
        w.sample_u64(s.timeouts);
        w.family("hypasis_api_bad_requests_total", "counter",
                 "REST API requests that did not parse or exceeded a size limit.");
        w.sample_u64(s.bad_requests);
    }
    return w.take();
}

}  // namespace hypasis::serve
