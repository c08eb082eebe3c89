#pragma once
/// Where checkpoints come from: one interface, several kinds (DESIGN §6 "Sources").
///
/// A source only *fetches*: what it returns is unverified and goes through verify() (MultiSource verifies itself,
/// because it must compare verified checkpoints). Fetching is asynchronous (`Task<T>`, Boost.Asio coroutines, on
/// the awaiting coroutine's executor), because the http source waits on the network with a deadline and the multi
/// source runs its members in parallel; the file source reads its (small, capped) file inline.
///
/// URIs (make_source):
/// - `file:PATH` (also `file://PATH` with an absolute PATH): a local JSON checkpoint file.
/// - `http://HOST[:PORT]/PATH` and `https://...`: the same JSON over HTTP/1.1 GET (http_source.hpp).
/// - `multi:K:URI|URI|...`: K of the listed sources must return the same verified checkpoint (multi_source.hpp).
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/common/task.hpp"

namespace hypasis::checkpoint {

using p2p::Task;

/// Why a source gave no checkpoint.
enum class [[nodiscard]] SourceErrc{
    kBadUri = 1,    ///< The URI does not parse, or names an unsupported scheme.
    kFileRead,      ///< A local file cannot be read.
    kResolve,       ///< The host name does not resolve.
    kConnect,       ///< No TCP connection.
    kTls,           ///< The TLS handshake failed (certificate verification included; detail says why).
    kTimeout,       ///< The deadline passed before the whole response arrived.
    kHttpStatus,    ///< The server answered with a status other than 200.
    kBodyTooLarge,  ///< The response (or the file) is larger than the cap.
    kMalformed,     ///< The body is not a checkpoint in the JSON format (detail has the JsonError).
    kIo,            ///< Any other read or write failure on the connection.
    kUnverified,    ///< multi: a member's checkpoint failed verification (detail has the VerifyError).
    kNoQuorum,      ///< multi: fewer than K sources agree (detail lists each source's outcome).
    kConflict,      ///< multi: two different verified checkpoints each have K sources (K ≤ n/2).
};

std::string_view to_string(SourceErrc e) noexcept;

struct SourceError {
    SourceErrc code{SourceErrc::kIo};
    std::string source;  ///< The source's name (its URI).
    std::string detail;  ///< For people: what went wrong.
};

/// "timeout: https://example.org/ckpt.json: no complete response within 5000 ms".
std::string to_string(const SourceError& e);

/// A source of checkpoints. Implementations are not thread-safe: one fetch at a time per object.
class CheckpointSource {
  public:
    virtual ~CheckpointSource() = default;
    /// The source's name for reports (its URI).
    virtual const std::string& name() const noexcept = 0;
    /// Fetches the source's current checkpoint (unverified). Never throws for bad input or network failures: they
    /// are SourceErrors. Throws only std::bad_alloc.
    virtual Task<Expected<Checkpoint, SourceError>> fetch() = 0;
};

/// Limits of network sources.
struct HttpOptions {
    /// The whole exchange (resolve, connect, TLS, request, response) must finish within this.
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};
    /// The body (and the file of a file: source) must not be larger than this.
    std::size_t max_body_bytes{std::size_t{4} << 20};
    /// Trust anchors for https (a PEM file): when set, only these are trusted (private deployments, tests); when
    /// empty, the system trust store is. Verification itself is never turned off.
    std::string ca_file;
};

/// Reads a checkpoint from a local JSON file, at most `max_bytes`.
class FileSource final : public CheckpointSource {
  public:
    FileSource(std::string path, std::size_t max_bytes);
    const std::string& name() const noexcept override { return name_; }
    Task<Expected<Checkpoint, SourceError>> fetch() override;

    /// The blocking read behind fetch(), for callers without an executor (the CLI).
    Expected<Checkpoint, SourceError> read() const;

  private:
    std::string path_;
    std::string name_;
    std::size_t max_bytes_;
};

/// Builds the source a URI names (see the header comment). `set` is needed by multi: sources only (they verify
/// what their members return); it must outlive the source. kBadUri when the URI does not parse. Throws only
/// std::bad_alloc.
Expected<std::unique_ptr<CheckpointSource>, SourceError> make_source(std::string_view uri, const HttpOptions& http,
                                                                     const ValidatorSet* set);

}  // namespace hypasis::checkpoint
