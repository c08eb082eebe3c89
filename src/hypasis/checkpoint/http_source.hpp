#pragma once
/// `http:` and `https:` checkpoint sources: one HTTP/1.1 GET with Boost.Beast over Asio.
///
/// - TLS (https) always verifies the peer: the chain must lead to a trusted root (the system store, or
///   HttpOptions::ca_file alone when set), and the certificate must name the host (RFC 6125 via OpenSSL's
///   X509_check_host / X509_check_ip_asc). SNI is sent. There is deliberately no option to turn this off.
/// - One deadline (HttpOptions::timeout) bounds the whole exchange; a server that stalls anywhere gives kTimeout.
/// - The body is capped (HttpOptions::max_body_bytes) while it is read, chunked or not, so a hostile server cannot
///   make us buffer more: kBodyTooLarge. Headers are capped at 16 KiB.
/// - Only status 200 is accepted; redirects are not followed (a checkpoint URL is configured exactly).
/// - get() sends the caller's Accept header and hands back the response's headers, for content negotiation
///   (the Beacon API's JSON or SSZ); fetch() and get_body() ask for application/json.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hypasis/checkpoint/source.hpp"

namespace hypasis::checkpoint {

/// A 200 response: its body and headers (at most 16 KiB of them, as the cap says).
struct HttpResponse {
    std::string body;
    /// Every header field as received, in order (names as sent, values without surrounding whitespace).
    std::vector<std::pair<std::string, std::string>> headers;

    /// The value of the first header named `name` (ASCII case-insensitive, RFC 9110 §5.1), or nullptr.
    const std::string* header(std::string_view name) const noexcept;
    /// The media type of Content-Type, lower-cased and without parameters ("application/json"), or "" when the
    /// header is absent.
    std::string media_type() const;
};

class HttpSource final : public CheckpointSource {
  public:
    /// `url` must be an http:// or https:// URL (make_source() checks; a bad one gives kBadUri at fetch()).
    HttpSource(std::string url, HttpOptions options);
    const std::string& name() const noexcept override { return url_; }
    Task<Expected<Checkpoint, SourceError>> fetch() override;

    /// The body of a GET of the URL with `Accept: application/json`, within the deadline and the cap (fetch()
    /// parses it). Exposed for tests.
    Task<Expected<std::string, SourceError>> get_body();

    /// A GET of the URL with the given Accept header value (RFC 9110 §12.5.1), within the deadline and the cap.
    /// Errors as fetch()'s transport errors (kBadUri, kResolve, kConnect, kTls, kTimeout, kHttpStatus,
    /// kBodyTooLarge, kIo); the content is not looked at. Throws only std::bad_alloc.
    Task<Expected<HttpResponse, SourceError>> get(std::string accept);

  private:
    std::string url_;
    HttpOptions options_;
};

}  // namespace hypasis::checkpoint
