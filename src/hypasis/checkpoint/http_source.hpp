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
#include <string>

#include "hypasis/checkpoint/source.hpp"

namespace hypasis::checkpoint {

class HttpSource final : public CheckpointSource {
  public:
    /// `url` must be an http:// or https:// URL (make_source() checks; a bad one gives kBadUri at fetch()).
    HttpSource(std::string url, HttpOptions options);
    const std::string& name() const noexcept override { return url_; }
    Task<Expected<Checkpoint, SourceError>> fetch() override;

    /// The body of a GET of the URL, within the deadline and the cap (fetch() parses it). Exposed for tests.
    Task<Expected<std::string, SourceError>> get_body();

  private:
    std::string url_;
    HttpOptions options_;
};

}  // namespace hypasis::checkpoint
