#pragma once
/// GET /metrics: the Prometheus text exposition format, version 0.0.4 (prometheus.io, "Exposition formats"). Every
/// family has a `# HELP` and a `# TYPE` line; names start with `hypasis_`; counters end in `_total`; base units
/// (seconds, bytes); the label `direction="forward|backward"` splits the two pipelines, `kind="headers|bodies|
/// receipts"` the data kinds and `state="connected|banned"` the peers.
///
/// Families (each present only when its source is; see MetricsSnapshot):
/// - engine: hypasis_sync_phase{phase} (one-hot), hypasis_sync_ready, hypasis_sync_backward_paused,
///   hypasis_sync_anchor_block, hypasis_sync_tip_block, hypasis_sync_tip_lag_blocks, hypasis_sync_tip_lag_seconds;
/// - per direction: hypasis_sync_{blocks,bodies,receipts,bytes,requests,request_failures}_total,
///   hypasis_sync_{blocks,bytes}_per_second, hypasis_sync_height, hypasis_sync_target,
///   hypasis_sync_remaining_blocks, hypasis_sync_eta_seconds;
/// - budgets per direction: hypasis_budget_share{resource}, hypasis_budget_bandwidth_limit_bytes_per_second,
///   hypasis_budget_bandwidth_{used,borrowed}_bytes_total, hypasis_budget_cpu_{used,borrowed}_seconds_total,
///   hypasis_budget_waits_total{resource};
/// - store: hypasis_cache_{hits,misses,evictions}_total, hypasis_cache_hit_ratio (0 before the first lookup),
///   hypasis_cache_entries, hypasis_cache_bytes, hypasis_store_corruptions_total;
/// - peers: hypasis_peers{state}, hypasis_peer_{sessions,dial_failures,bans,misbehaviours}_total;
/// - gaps: hypasis_gaps{kind} (count), hypasis_gap_blocks{kind} (total size);
/// - the API server itself: hypasis_api_connections_total, hypasis_api_connections_rejected_total,
///   hypasis_api_connections_active, hypasis_api_requests_total, hypasis_api_timeouts_total,
///   hypasis_api_bad_requests_total.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hypasis/p2p/peers/peer_manager.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/storage/ranges/range_tracker.hpp"
#include "hypasis/sync/status.hpp"

namespace hypasis::serve {

/// The Content-Type of /metrics.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

/// The number and total size of one kind's gaps.
struct GapTotals {
    uint64_t count{0};
    uint64_t blocks{0};
};

/// The API server's own counters (RestServer::stats()).
struct ServerStats {
    uint64_t connections_accepted{0};
    uint64_t connections_rejected{0};  ///< Closed at once because max_connections were open.
    uint64_t connections_active{0};
    uint64_t requests{0};      ///< Requests answered (any status).
    uint64_t timeouts{0};      ///< Connections cut by the read or write deadline.
    uint64_t bad_requests{0};  ///< Requests that failed to parse or exceeded a size limit.
};

/// Everything one scrape shows. An absent optional leaves its families out.
struct MetricsSnapshot {
    std::optional<sync::SyncStatus> status;
    std::optional<std::size_t> peers_connected;
    std::optional<std::size_t> peers_banned;
    std::optional<p2p::peers::PeerManagerStats> peer_stats;
    std::optional<storage::StoreStats> store;
    /// Indexed by storage::DataKind.
    std::array<std::optional<GapTotals>, storage::kDataKindCount> gaps;
    std::optional<ServerStats> server;
};

/// The exposition text of `m`. Throws only std::bad_alloc.
std::string render_metrics(const MetricsSnapshot& m);

/// A sample value as the format writes it: integers exactly, other doubles in the shortest form that reads back
/// to the same value, "NaN", "+Inf", "-Inf". Exposed for tests.
std::string format_metric_value(double x);

}  // namespace hypasis::serve
