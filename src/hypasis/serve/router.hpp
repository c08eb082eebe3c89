#pragma once
/// The REST API's request router: a pure function from one parsed HTTP request to its response, over an
/// ApiBackend. RestServer owns the sockets, limits and deadlines; the router owns the routes, the JSON, the bearer
/// check and the error bodies, so that tests (and the fuzz test) drive it without a socket.
///
/// Routes (DESIGN §8; bodies in api_json.hpp and metrics.hpp):
/// - GET /: the dashboard (dashboard.hpp), text/html.
/// - GET /healthz: 200 {"status": "ok"} while the process serves.
/// - GET /readyz: 200 {"ready": true, "phase"} when SyncStatus::ready, else 503 (ready false; "error" if failed).
/// - GET /metrics: Prometheus text 0.0.4.
/// - GET /api/v1/status: status_json().
/// - GET /api/v1/gaps: {"limit", "historyMode", "<kind>": gaps_json(), ...}; ?limit=1..1000 (default 100),
///   ?kind=headers|bodies|receipts.
/// - GET /api/v1/checkpoints: {"checkpoints": [checkpoint_json(), ...]}.
/// - GET /api/v1/peers: {"connected": n, "peers": [peer_json(), ...], "banned": [ban_json(), ...]}.
/// - POST /api/v1/sync/pause, /api/v1/sync/resume: bearer token; calls ApiBackend::pause / resume; 200
///   {"backward": "paused" | "resumed"}.
///
/// Errors are JSON {"error": "<message>"} with: 400 (a target that is not origin-form, a bad query value), 401
/// (no `Authorization: Bearer`, a wrong token, or no token configured; with `WWW-Authenticate: Bearer`), 404 (no
/// such path), 405 (a known path with another method; with `Allow`), 500 (a backend callback threw), 503 (the
/// backend lacks what the route needs). The bearer token is compared in constant time (token.hpp), and the
/// pause/resume callback is called only after it matched. The gaps list shows only the kinds the history mode
/// fills ("headers": headers; "bodies": headers and bodies; anything else: all three).
///
/// Every response carries Cache-Control: no-store and X-Content-Type-Options: nosniff, the request's HTTP version
/// and its keep-alive choice.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/serve/api_backend.hpp"
#include "hypasis/serve/metrics.hpp"

namespace hypasis::serve {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct RouterOptions {
    /// The bearer token of the POST routes. Empty: no token is configured and every POST route answers 401.
    std::string token;
    std::size_t default_gap_limit{100};
    std::size_t max_gap_limit{1000};
};

class Router {
  public:
    /// `server_stats`, when set, adds the server's own families to /metrics.
    Router(ApiBackend backend, RouterOptions options, std::function<ServerStats()> server_stats = {});

    /// The response to `request`. Thread-safe when the backend's callbacks are (the router has no mutable state).
    /// Never fails: a backend that throws gives 500. Throws only std::bad_alloc.
    [[nodiscard]] HttpResponse handle(const HttpRequest& request) const;

    /// A JSON error response {"error": message} (also used by the server for requests that never parsed).
    static HttpResponse error(boost::beast::http::status status, std::string_view message, unsigned version,
                              bool keep_alive);

  private:
    /// A request the route refuses: its status, message and (for 405) the Allow header.
    struct RouteError {
        boost::beast::http::status status;
        std::string message;
        std::string_view allow{};
    };
    Expected<HttpResponse, RouteError> dispatch(const HttpRequest& request) const;

    ApiBackend backend_;
    RouterOptions options_;
    std::function<ServerStats()> server_stats_;
};

}  // namespace hypasis::serve
