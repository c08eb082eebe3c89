#pragma once
/// RestServer: the REST API (router.hpp) over HTTP/1.1 on Boost.Beast, with C++20 coroutines (p2p/common/task.hpp).
///
/// - **Bound to 127.0.0.1** by default (RestServerOptions::address): exposing the API beyond the machine is the
///   operator's explicit choice. Port 0 picks a free port; local_endpoint() reports it after start().
/// - **Keep-alive**: a connection serves requests one after another until the client closes it, asks for
///   `Connection: close`, or max_requests_per_connection is reached.
/// - **Bounded**, so that a hostile or broken local client cannot hurt the node:
///   - at most max_connections open connections; one more is closed at once (counted in connections_rejected);
///   - request headers above max_header_bytes get 431, a body above max_body_bytes (by Content-Length or as it
///     arrives) gets 413, bytes that are not HTTP get 400; each is answered with `Connection: close`, after which
///     the server stops reading (it drains briefly so that the client sees the answer, then closes);
///   - each request must arrive whole (headers and body) within read_timeout of the previous response (or of the
///     accept): a slow client (slowloris) or an idle keep-alive connection is closed at the deadline; each response
///     must be written within write_timeout.
/// - **Never crashes on input**: every failure is an error code handled in place; a backend callback that throws
///   gives 500 (router.hpp).
///
/// Threading: everything runs on the executor given at construction, which must be single-threaded (one
/// io_context thread, or a strand): the node runs it on an io_context thread of its own, so that backend calls
/// that block briefly (RocksDB reads) never delay p2p or sync. start() may be called from any thread before or
/// after that thread runs; stop() and stats() from any thread at any time.
///
/// Lifetime: stop() closes the listener and every connection; the coroutines then end and the io_context runs
/// out of work (its run() returns if nothing else is queued). The destructor calls stop(); the state the
/// coroutines use is shared with them, so destroying the server before they have ended is safe, but the
/// executor's io_context must outlive them (run it until they end, or destroy it, which destroys them). Destroy the
/// server before its io_context (stop() posts to it).
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/serve/api_backend.hpp"
#include "hypasis/serve/metrics.hpp"

namespace hypasis::serve {

/// The default API port (`hypasis run --api-port`, `hypasis status --api`). Chosen clear of the ports nodes use
/// next to it: 8545/8546 (JSON-RPC HTTP/WS), 8551 (engine API), 30303 (devp2p), 6060 (geth metrics),
/// 5052 (beacon API), 9090 (Prometheus).
inline constexpr uint16_t kDefaultApiPort = 8555;

struct RestServerOptions {
    std::string address{"127.0.0.1"};  ///< IPv4 or IPv6 address text; no host names.
    uint16_t port{kDefaultApiPort};    ///< 0: any free port.
    /// The bearer token of POST /api/v1/sync/*; empty refuses them all (401). See token.hpp.
    std::string token;
    std::size_t max_connections{64};
    std::size_t max_header_bytes{16 * 1024};
    std::size_t max_body_bytes{64 * 1024};
    std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
    std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
    std::size_t max_requests_per_connection{10000};
    std::size_t default_gap_limit{100};  ///< /api/v1/gaps without ?limit
    std::size_t max_gap_limit{1000};     ///< the largest ?limit accepted
};

class RestServer {
  public:
    /// Does nothing on the network yet. `executor` must be single-threaded (see above).
    RestServer(p2p::Executor executor, ApiBackend backend, RestServerOptions options);
    ~RestServer();
    RestServer(const RestServer&) = delete;
    RestServer& operator=(const RestServer&) = delete;

    /// Binds and listens (synchronously, so that local_endpoint() is valid on return) and starts the accept loop
    /// on the executor. Errors: ServeError::kBadAddress, kAlreadyStarted; Asio's socket errors (address in use,
    /// permission denied).
    Expected<void, std::error_code> start();

    /// The bound endpoint (the real port when configured with 0). Valid after a successful start().
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const noexcept { return local_endpoint_; }

    /// "http://127.0.0.1:8555" for local_endpoint() (IPv6 in brackets). Valid after start().
    [[nodiscard]] std::string url() const;

    /// Stops accepting and closes every connection (a request being handled finishes, its answer is not sent).
    /// Idempotent. Thread-safe.
    void stop();

    /// The server's counters (also in /metrics). Thread-safe.
    [[nodiscard]] ServerStats stats() const noexcept;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
    boost::asio::ip::tcp::endpoint local_endpoint_;
};

}  // namespace hypasis::serve
