#pragma once
/// A minimal HTTP/1.1 client for the REST API (`hypasis status`, scripts in tests): one GET per call, within one
/// deadline, with a capped response. Plain http only: the API listens on localhost (rest_server.hpp); TLS in front
/// of it is a reverse proxy's job.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "hypasis/core/common/expected.hpp"

namespace hypasis::serve {

/// Where the API is.
struct ApiUrl {
    std::string host;  ///< IPv4, IPv6 (without brackets) or a host name
    uint16_t port{0};
    std::string base_path;  ///< "" or a prefix without the trailing slash ("/hypasis" behind a proxy)
    friend bool operator==(const ApiUrl&, const ApiUrl&) = default;
};

/// Parses "http://HOST[:PORT][/PREFIX]" (IPv6 as "[::1]"); "HOST:PORT" without a scheme is accepted too. The
/// port defaults to kDefaultApiPort. Errors: ServeError::kBadUrl (another scheme, an empty host, a port that is
/// not 1-65535, a query or fragment). noexcept but for std::bad_alloc.
Expected<ApiUrl, std::error_code> parse_api_url(std::string_view text);

/// "http://host:port" + base_path (IPv6 in brackets).
std::string to_string(const ApiUrl& url);

/// A response.
struct ApiReply {
    unsigned status{0};
    std::string body;
};

/// GETs `url.base_path + target` and returns the response whatever its status. Blocking: it runs its own
/// io_context on the calling thread. The whole exchange (resolve, connect, write, read) must finish within
/// `timeout`. Errors: ServeError::kTimeout, kUnreachable (resolve or connect failed; the message of the cause is
/// lost, so callers name the URL), kResponseTooLarge (a body above `max_body_bytes`), kBadResponse. Thread-safe
/// (no shared state). Throws only std::bad_alloc.
Expected<ApiReply, std::error_code> http_get(const ApiUrl& url, std::string_view target,
                                             std::chrono::milliseconds timeout,
                                             std::size_t max_body_bytes = std::size_t{4} << 20);

}  // namespace hypasis::serve
