#include "hypasis/serve/router.hpp"

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include "hypasis/serve/api_json.hpp"
#include "hypasis/serve/dashboard.hpp"
#include "hypasis/serve/token.hpp"

namespace hypasis::serve {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using storage::DataKind;

constexpr std::array<DataKind, 3> kKinds = {DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts};

HttpResponse make(http::status status, std::string body, std::string_view content_type, const HttpRequest& req) {
    HttpResponse res{status, req.version()};
    res.set(http::field::server, "hypasis");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

HttpResponse json_response(http::status status, const json::value& body, const HttpRequest& req) {
    return make(status, json::serialize(body), "application/json", req);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// The value of `key` in a query string "a=1&b=2" (no percent-decoding: every value this API takes is plain).
std::optional<std::string_view> query_param(std::string_view query, std::string_view key) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    }
    return std::nullopt;
}

std::optional<DataKind> kind_from_string(std::string_view s) {
    for (const DataKind k : kKinds)
        if (storage::to_string(k) == s) return k;
    return std::nullopt;
}

// The kinds sync fills in `history_mode` (sync brief: headers | bodies | full).
std::vector<DataKind> kinds_for(std::string_view history_mode) {
    if (history_mode == "headers") return {DataKind::kHeaders};
    if (history_mode == "bodies") return {DataKind::kHeaders, DataKind::kBodies};
    return {kKinds.begin(), kKinds.end()};
}

}  // namespace

Router::Router(ApiBackend backend, RouterOptions options, std::function<ServerStats()> server_stats)
    : backend_(std::move(backend)), options_(std::move(options)), server_stats_(std::move(server_stats)) {}

HttpResponse Router::error(http::status status, std::string_view message, unsigned version, bool keep_alive) {
    json::object o;
    o["error"] = message;
    HttpResponse res{status, version};
    res.set(http::field::server, "hypasis");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    if (status == http::status::unauthorized) res.set(http::field::www_authenticate, "Bearer");
    res.keep_alive(keep_alive);
    res.body() = json::serialize(o);
    res.prepare_payload();
    return res;
}

HttpResponse Router::handle(const HttpRequest& request) const {
    // Bad input is a value (RouteError), never an exception; the catch clauses are for the backend's callbacks.
    try {
        auto res = dispatch(request);
        if (res) return std::move(*res);
        const RouteError& e = res.error();
        HttpResponse out = error(e.status, e.message, request.version(), request.keep_alive());
        if (!e.allow.empty()) out.set(http::field::allow, e.allow);
        return out;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        return error(http::status::internal_server_error, std::string("internal error: ") + e.what(), request.version(),
                     request.keep_alive());
    } catch (...) {
        return error(http::status::internal_server_error, "internal error", request.version(), request.keep_alive());
    }
}

Expected<HttpResponse, Router::RouteError> Router::dispatch(const HttpRequest& req) const {
    const std::string_view target(req.target().data(), req.target().size());
    if (target.empty() || target.front() != '/')
        return unexpected(RouteError{http::status::bad_request, "bad request target"});
    const auto qmark = target.find('?');
    const std::string_view path = target.substr(0, qmark);
    const std::string_view query = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);

    const bool is_get = req.method() == http::verb::get;
    const bool is_post = req.method() == http::verb::post;
    // Both give the error to return, or nullopt to go on.
    const auto need_get = [&]() -> std::optional<RouteError> {
        if (is_get) return std::nullopt;
        return RouteError{http::status::method_not_allowed, "method not allowed", "GET"};
    };
    const auto need = [](const auto& fn, std::string_view what) -> std::optional<RouteError> {
        if (fn) return std::nullopt;
        return RouteError{http::status::service_unavailable, std::string(what) + " not available"};
    };

    if (path == "/") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        HttpResponse res = make(http::status::ok, std::string(dashboard_html()), "text/html; charset=utf-8", req);
        res.set("Content-Security-Policy", kDashboardCsp);
        return res;
    }
    if (path == "/healthz") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        return json_response(http::status::ok, json::object{{"status", "ok"}}, req);
    }
    if (path == "/readyz") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        json::object o;
        if (!backend_.status) {
            o["ready"] = false;
            o["phase"] = nullptr;
            return json_response(http::status::service_unavailable, o, req);
        }
        const sync::SyncStatus s = backend_.status();
        o["ready"] = s.ready;
        o["phase"] = std::string(sync::to_string(s.phase));
        if (!s.error.empty()) o["error"] = s.error;
        return json_response(s.ready ? http::status::ok : http::status::service_unavailable, o, req);
    }
    if (path == "/metrics") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        MetricsSnapshot m;
        if (backend_.status) m.status = backend_.status();
        if (backend_.peers) m.peers_connected = backend_.peers().size();
        if (backend_.bans) m.peers_banned = backend_.bans().size();
        if (backend_.peer_stats) m.peer_stats = backend_.peer_stats();
        if (backend_.store_stats) m.store = backend_.store_stats();
        if (backend_.gaps) {
            for (const DataKind k : kinds_for(m.status ? std::string_view(m.status->history_mode) : "")) {
                GapTotals t;
                for (const auto& g : backend_.gaps(k)) {
                    ++t.count;
                    t.blocks += g.size();
                }
                m.gaps[static_cast<std::size_t>(k)] = t;
            }
        }
        if (server_stats_) m.server = server_stats_();
        return make(http::status::ok, render_metrics(m), kMetricsContentType, req);
    }
    if (path == "/api/v1/status") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        if (auto e = need(backend_.status, "sync status")) return unexpected(std::move(*e));
        const sync::SyncStatus s = backend_.status();
        std::optional<PeerCounts> counts;
        if (backend_.peers || backend_.bans) {
            counts = PeerCounts{};
            if (backend_.peers) counts->connected = backend_.peers().size();
            if (backend_.bans) counts->banned = backend_.bans().size();
        }
        return json_response(http::status::ok, status_json(s, counts), req);
    }
    if (path == "/api/v1/gaps") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        if (auto e = need(backend_.gaps, "gap information")) return unexpected(std::move(*e));
        std::size_t limit = options_.default_gap_limit;
        if (const auto text = query_param(query, "limit")) {
            std::size_t v = 0;
            const auto res = std::from_chars(text->data(), text->data() + text->size(), v);
            if (res.ec != std::errc{} || res.ptr != text->data() + text->size() || v == 0 || v > options_.max_gap_limit)
                return unexpected(RouteError{http::status::bad_request, "limit must be an integer from 1 to " +
                                                                            std::to_string(options_.max_gap_limit)});
            limit = v;
        }
        std::optional<sync::SyncStatus> status;
        if (backend_.status) status = backend_.status();
        std::vector<DataKind> kinds = kinds_for(status ? std::string_view(status->history_mode) : "");
        if (const auto text = query_param(query, "kind")) {
            const auto k = kind_from_string(*text);
            if (!k)
                return unexpected(RouteError{http::status::bad_request, "kind must be headers, bodies or receipts"});
            kinds = {*k};
        }
        json::object o;
        o["limit"] = limit;
        o["historyMode"] = status ? json::value(status->history_mode) : json::value(nullptr);
        for (const DataKind k : kinds) {
            const std::vector<storage::Range> gaps = backend_.gaps(k);
            // The engine's per-gap progress covers the kind its backward pass is filling.
            std::vector<sync::GapStatus> tracked;
            if (status) {
                for (const auto& g : status->gaps) {
                    if (g.kind == k) tracked.push_back(g);
                }
            }
            o[storage::to_string(k)] = gaps_json(gaps, tracked, limit);
        }
        return json_response(http::status::ok, o, req);
    }
    if (path == "/api/v1/checkpoints") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        if (auto e = need(backend_.checkpoints, "checkpoint registry")) return unexpected(std::move(*e));
        auto list = backend_.checkpoints();
        if (!list)
            return unexpected(RouteError{http::status::internal_server_error, "checkpoint registry: " + list.error()});
        json::array a;
        for (const auto& e : *list) a.push_back(checkpoint_json(e));
        return json_response(http::status::ok, json::object{{"checkpoints", std::move(a)}}, req);
    }
    if (path == "/api/v1/peers") {
        if (auto e = need_get()) return unexpected(std::move(*e));
        if (auto e = need(backend_.peers, "peer information")) return unexpected(std::move(*e));
        const auto infos = backend_.peers();
        const auto bans = backend_.bans ? backend_.bans() : std::vector<p2p::peers::Ban>{};
        // Read the clocks after the snapshots, so that no duration comes out negative.
        const auto now = p2p::Clock::now();
        const auto wall_now = p2p::peers::WallClock::now();
        json::array peers;
        for (const auto& p : infos) peers.push_back(peer_json(p, now));
        json::array banned;
        for (const auto& b : bans) banned.push_back(ban_json(b, wall_now));
        json::object o;
        o["connected"] = peers.size();
        o["peers"] = std::move(peers);
        o["banned"] = std::move(banned);
        return json_response(http::status::ok, o, req);
    }
    if (path == "/api/v1/sync/pause" || path == "/api/v1/sync/resume") {
        if (!is_post)
            return unexpected(RouteError{http::status::method_not_allowed, "method not allowed: use POST", "POST"});
        if (options_.token.empty())
            return unexpected(RouteError{http::status::unauthorized, "no API token is configured"});
        const auto auth = req.find(http::field::authorization);
        if (auth == req.end())
            return unexpected(RouteError{http::status::unauthorized, "missing Authorization: Bearer token"});
        const std::string_view value = trim(std::string_view(auth->value().data(), auth->value().size()));
        const auto space = value.find(' ');
        if (space == std::string_view::npos || !iequals(value.substr(0, space), "Bearer"))
            return unexpected(RouteError{http::status::unauthorized, "missing Authorization: Bearer token"});
        if (!constant_time_equal(trim(value.substr(space + 1)), options_.token))
            return unexpected(RouteError{http::status::unauthorized, "wrong token"});
        const bool pause = path == "/api/v1/sync/pause";
        const auto& action = pause ? backend_.pause : backend_.resume;
        if (auto e = need(action, "sync control")) return unexpected(std::move(*e));
        action();
        return json_response(http::status::ok, json::object{{"backward", pause ? "paused" : "resumed"}}, req);
    }
    return unexpected(RouteError{http::status::not_found, "no such route"});
}

}  // namespace hypasis::serve
