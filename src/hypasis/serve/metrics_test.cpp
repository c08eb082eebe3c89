// /metrics: a small parser of the Prometheus text format 0.0.4 checks every line's syntax, that every sample's
// family has HELP and TYPE before it, the naming rules, and the values from a backend with known values.
#include "hypasis/serve/metrics.hpp"

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "hypasis/serve/test_support_test.hpp"

namespace hypasis::serve {
namespace {

using namespace hypasis::serve::test;

struct Exposition {
    std::map<std::string, std::string> help;
    std::map<std::string, std::string> type;
    std::map<std::string, double> samples;  // "name{a="x",b="y"}" exactly as written, or "name"
    std::vector<std::string> errors;
};

double parse_value(const std::string& v, bool& ok) {
    ok = true;
    if (v == "NaN") return std::nan("");
    if (v == "+Inf") return INFINITY;
    if (v == "-Inf") return -INFINITY;
    static const std::regex number(R"(^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$)");
    if (!std::regex_match(v, number)) {
        ok = false;
        return 0;
    }
    return std::stod(v);
}

Exposition parse_exposition(const std::string& text) {
    Exposition e;
    static const std::regex help_re(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$)");
    static const std::regex type_re(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
    static const std::regex label = std::regex(R"([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")");
    static const std::regex sample_re(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (\S+)$)");
    (void)label;
    if (text.empty() || text.back() != '\n') e.errors.push_back("the text does not end with a line feed");
    std::istringstream in(text);
    std::string line;
    std::set<std::string> sampled;
    while (std::getline(in, line)) {
        std::smatch m;
        if (line.empty()) continue;
        if (std::regex_match(line, m, help_re)) {
            if (e.help.count(m[1])) e.errors.push_back("second HELP for " + m[1].str());
            if (sampled.count(m[1])) e.errors.push_back("HELP after samples of " + m[1].str());
            e.help[m[1]] = m[2];
        } else if (std::regex_match(line, m, type_re)) {
            if (e.type.count(m[1])) e.errors.push_back("second TYPE for " + m[1].str());
            if (sampled.count(m[1])) e.errors.push_back("TYPE after samples of " + m[1].str());
            e.type[m[1]] = m[2];
        } else if (line.front() == '#') {
            e.errors.push_back("unexpected comment: " + line);
        } else if (std::regex_match(line, m, sample_re)) {
            const std::string name = m[1];
            bool ok = false;
            const double v = parse_value(m[3], ok);
            if (!ok) e.errors.push_back("bad value: " + line);
            if (!e.help.count(name)) e.errors.push_back("no HELP before " + name);
            if (!e.type.count(name)) e.errors.push_back("no TYPE before " + name);
            const std::string key = name + m[2].str();
            if (e.samples.count(key)) e.errors.push_back("duplicate sample " + key);
            e.samples[key] = v;
            sampled.insert(name);
        } else {
            e.errors.push_back("not a valid line: " + line);
        }
    }
    for (const auto& [name, type] : e.type) {
        if (!name.starts_with("hypasis_")) e.errors.push_back("not hypasis_*: " + name);
        if (type == "counter" && !name.ends_with("_total")) e.errors.push_back("counter without _total: " + name);
        if (type != "counter" && name.ends_with("_total")) e.errors.push_back("_total on a " + type + ": " + name);
        if (!sampled.count(name)) e.errors.push_back("family without samples: " + name);
    }
    return e;
}

ApiBackend metrics_backend() {
    ApiBackend b;
    b.status = [] { return known_status(); };
    b.peers = [] { return std::vector<p2p::peers::PeerInfo>(3); };
    b.bans = [] { return std::vector<p2p::peers::Ban>(2); };
    b.peer_stats = [] {
        p2p::peers::PeerManagerStats s;
        s.sessions = 12;
        s.bans = 2;
        s.misbehaviours = 9;
        s.dial_failures = 4;
        return s;
    };
    b.gaps = [](storage::DataKind k) -> std::vector<storage::Range> {
        if (k == storage::DataKind::kHeaders) return {{100, 175}, {500, 750}, {900, 950}};
        if (k == storage::DataKind::kReceipts) return {{10, 20}};
        return {};
    };
    b.store_stats = [] {
        storage::StoreStats s;
        s.cache.hits = 30;
        s.cache.misses = 10;
        s.cache.evictions = 6;
        s.cache.entries = 5;
        s.cache.bytes = 5000;
        s.corruptions_found = 1;
        return s;
    };
    return b;
}

TEST(Metrics, ParserRejectsWhatTheFormatForbids) {
    // The parser must be able to fail, or the test below proves nothing.
    EXPECT_FALSE(parse_exposition("hypasis_x 1\n").errors.empty());  // no HELP/TYPE
    EXPECT_FALSE(parse_exposition("# HELP hypasis_x h\n# TYPE hypasis_x counter\nhypasis_x 1\n").errors.empty());
    EXPECT_FALSE(parse_exposition("# HELP hypasis_x h\n# TYPE hypasis_x gauge\nhypasis_x{a=\"b} 1\n").errors.empty());
    EXPECT_FALSE(parse_exposition("# HELP hypasis_x h\n# TYPE hypasis_x gauge\nhypasis_x one\n").errors.empty());
    EXPECT_FALSE(parse_exposition("# HELP hypasis_x h\n# TYPE hypasis_x gauge\nhypasis_x 1").errors.empty());
    EXPECT_TRUE(
        parse_exposition("# HELP hypasis_x h\n# TYPE hypasis_x gauge\nhypasis_x{a=\"q\\\"\"} -1.5e3\n").errors.empty());
}

TEST(Metrics, EveryLineParsesAndCarriesTheBackendValues) {
    ServerThread srv(metrics_backend(), {});
    const auto res = get(srv.endpoint(), "/metrics");
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_type], kMetricsContentType);
    const Exposition e = parse_exposition(res.body());
    for (const auto& err : e.errors) ADD_FAILURE() << err;
    const auto at = [&](const std::string& key) {
        const auto it = e.samples.find(key);
        if (it == e.samples.end()) {
            ADD_FAILURE() << "missing sample " << key;
            return std::nan("");
        }
        return it->second;
    };
    EXPECT_EQ(at(R"(hypasis_sync_phase{phase="running"})"), 1);
    EXPECT_EQ(at(R"(hypasis_sync_phase{phase="starting"})"), 0);
    EXPECT_EQ(at("hypasis_sync_ready"), 1);
    EXPECT_EQ(at("hypasis_sync_backward_paused"), 0);
    EXPECT_EQ(at("hypasis_sync_anchor_block"), 1000);
    EXPECT_EQ(at("hypasis_sync_tip_block"), 1500);
    EXPECT_EQ(at("hypasis_sync_tip_lag_blocks"), 2);
    EXPECT_EQ(at("hypasis_sync_tip_lag_seconds"), 24.5);
    EXPECT_EQ(at(R"(hypasis_sync_blocks_total{direction="forward"})"), 498);
    EXPECT_EQ(at(R"(hypasis_sync_blocks_total{direction="backward"})"), 250);
    EXPECT_EQ(at(R"(hypasis_sync_bytes_total{direction="forward"})"), 123456);
    EXPECT_EQ(at(R"(hypasis_sync_bytes_total{direction="backward"})"), 654321);
    EXPECT_EQ(at(R"(hypasis_sync_requests_total{direction="forward"})"), 40);
    EXPECT_EQ(at(R"(hypasis_sync_request_failures_total{direction="backward"})"), 4);
    EXPECT_EQ(at(R"(hypasis_sync_blocks_per_second{direction="forward"})"), 12.5);
    EXPECT_EQ(at(R"(hypasis_sync_height{direction="backward"})"), 750);
    EXPECT_EQ(at(R"(hypasis_sync_target{direction="forward"})"), 1500);
    EXPECT_EQ(at(R"(hypasis_sync_eta_seconds{direction="backward"})"), 15);
    EXPECT_EQ(at(R"(hypasis_budget_share{direction="forward",resource="bandwidth"})"), 0.7);
    EXPECT_EQ(at(R"(hypasis_budget_share{direction="backward",resource="cpu"})"), 0.3);
    EXPECT_EQ(at(R"(hypasis_budget_bandwidth_limit_bytes_per_second{direction="backward"})"), 300000);
    EXPECT_EQ(at(R"(hypasis_budget_bandwidth_used_bytes_total{direction="forward"})"), 90000);
    EXPECT_EQ(at(R"(hypasis_budget_bandwidth_borrowed_bytes_total{direction="backward"})"), 20000);
    EXPECT_EQ(at(R"(hypasis_budget_cpu_used_seconds_total{direction="forward"})"), 2.5);
    EXPECT_EQ(at(R"(hypasis_budget_cpu_borrowed_seconds_total{direction="backward"})"), 0.5);
    EXPECT_EQ(at(R"(hypasis_budget_waits_total{direction="backward",resource="bandwidth"})"), 11);
    EXPECT_EQ(at("hypasis_cache_hits_total"), 30);
    EXPECT_EQ(at("hypasis_cache_misses_total"), 10);
    EXPECT_EQ(at("hypasis_cache_hit_ratio"), 0.75);
    EXPECT_EQ(at("hypasis_cache_evictions_total"), 6);
    EXPECT_EQ(at("hypasis_store_corruptions_total"), 1);
    EXPECT_EQ(at(R"(hypasis_peers{state="connected"})"), 3);
    EXPECT_EQ(at(R"(hypasis_peers{state="banned"})"), 2);
    EXPECT_EQ(at("hypasis_peer_bans_total"), 2);
    EXPECT_EQ(at("hypasis_peer_misbehaviours_total"), 9);
    EXPECT_EQ(at(R"(hypasis_gaps{kind="headers"})"), 3);
    EXPECT_EQ(at(R"(hypasis_gap_blocks{kind="headers"})"), 375);
    EXPECT_EQ(at(R"(hypasis_gaps{kind="bodies"})"), 0);
    EXPECT_EQ(at(R"(hypasis_gaps{kind="receipts"})"), 1);
    EXPECT_EQ(at(R"(hypasis_gap_blocks{kind="receipts"})"), 10);
    EXPECT_EQ(at("hypasis_api_connections_active"), 1);  // this scrape
    EXPECT_GE(at("hypasis_api_connections_total"), 1);
    EXPECT_EQ(e.type.at("hypasis_sync_blocks_total"), "counter");
    EXPECT_EQ(e.type.at("hypasis_sync_tip_lag_seconds"), "gauge");
}

TEST(Metrics, AnEmptyBackendStillGivesValidText) {
    ServerThread srv(ApiBackend{}, {});
    const auto res = get(srv.endpoint(), "/metrics");
    ASSERT_EQ(res.result_int(), 200u);
    const Exposition e = parse_exposition(res.body());
    for (const auto& err : e.errors) ADD_FAILURE() << err;
    EXPECT_EQ(e.samples.count("hypasis_sync_ready"), 0u);  // no engine, no engine families
    EXPECT_EQ(e.samples.count("hypasis_api_requests_total"), 1u);
}

TEST(Metrics, ValuesAndLabelEscapes) {
    EXPECT_EQ(format_metric_value(0), "0");
    EXPECT_EQ(format_metric_value(12345678901234.0), "12345678901234");
    EXPECT_EQ(format_metric_value(0.1), "0.1");
    EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
    EXPECT_EQ(format_metric_value(INFINITY), "+Inf");
    EXPECT_EQ(format_metric_value(-INFINITY), "-Inf");
    MetricsSnapshot m;
    m.status = sync::SyncStatus{};
    m.status->history_mode = "full";
    m.status->forward.height = 5;  // backward has none: its sample is left out, the family stays
    const std::string text = render_metrics(m);
    const Exposition e = parse_exposition(text);
    for (const auto& err : e.errors) ADD_FAILURE() << err;
    EXPECT_EQ(e.samples.count(R"(hypasis_sync_height{direction="forward"})"), 1u);
    EXPECT_EQ(e.samples.count(R"(hypasis_sync_height{direction="backward"})"), 0u);
    EXPECT_EQ(e.samples.count("hypasis_sync_anchor_block"), 0u);
    EXPECT_EQ(e.type.count("hypasis_sync_eta_seconds"), 0u);
}

}  // namespace
}  // namespace hypasis::serve
