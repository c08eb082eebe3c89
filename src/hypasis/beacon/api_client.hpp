#pragma once
/// A client of one Beacon API endpoint's light-client routes (ethereum/beacon-APIs,
/// `/eth/v1/beacon/light_client/*`), in JSON or SSZ.
///
/// Transport is checkpoint::HttpSource::get() (http_source.hpp): one deadline for the whole exchange, a body cap
/// enforced while reading, verified TLS for https, status 200 only. Content negotiation follows the Beacon API:
/// - Encoding::kPreferSsz sends `Accept: application/octet-stream;q=1.0,application/json;q=0.9`, and the answer is
///   read by its Content-Type; Encoding::kJson sends `Accept: application/json` and refuses SSZ.
/// - JSON (`application/json`, or no Content-Type at all) is parsed strictly (api_json.hpp).
/// - SSZ (`application/octet-stream`): bootstrap, finality and optimistic updates are the plain SSZ container of
///   the fork that the `Eth-Consensus-Version` response header names (required). The updates route answers a
///   sequence of `response_chunk`s, each `uint64_le(len) || context (4-byte ForkDigest) || payload` with len
///   covering context and payload; the context maps to a fork through ChainConfig::fork_of_digest, and every len
///   is bounded by the body cap and by the bytes left before anything is read.
/// - Either way the object's fork must be the chain's fork at the slot that selects it (the bootstrap header's,
///   or the attested header's; beacon-APIs updates.yaml), else kForkMismatch.
/// Nothing here verifies signatures or branches: that is the LightClient's job. Every error names this endpoint
/// (SourceError::source) and, when a 200 answer was refused for its content, says why (ApiError::answer).
///
/// Not thread-safe: one request at a time per object. Errors never throw (std::bad_alloc aside).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/beacon/chain_config.hpp"
#include "hypasis/checkpoint/source.hpp"
#include "hypasis/core/ssz/light_client_types.hpp"

namespace hypasis::beacon {

using checkpoint::SourceErrc;
using checkpoint::SourceError;
using checkpoint::Task;

/// MAX_REQUEST_LIGHT_CLIENT_UPDATES (altair light-client p2p-interface.md): the most periods one request asks for.
inline constexpr uint64_t kMaxRequestLightClientUpdates = 128;

/// What the client asks the server for.
enum class Encoding : uint8_t {
    kJson,       ///< Accept: application/json only.
    kPreferSsz,  ///< Accept: SSZ first, JSON as the fallback; the answer is read by its Content-Type.
};

/// The Accept header value sent for an encoding.
std::string_view accept_header(Encoding e) noexcept;

/// Why a 200 answer was refused for its content (before any verification).
enum class [[nodiscard]] AnswerError{
    kUnexpectedMediaType = 1,  ///< Content-Type is neither JSON nor SSZ, or SSZ when only JSON was asked for.
    kNotJson,                  ///< The JSON body does not parse.
    kBadJson,                  ///< Parsed JSON of the wrong shape (the detail names the field).
    kMissingConsensusVersion,  ///< An SSZ object without an Eth-Consensus-Version header.
    kUnknownConsensusVersion,  ///< The header names no fork with light-client data (phase0, or unknown).
    kBadSsz,                   ///< The bytes do not decode as the fork's container (the detail has the SszError).
    kChunkTooShort,            ///< An updates body ends inside a chunk's length, or a length below the context.
    kChunkTooLong,             ///< A chunk length beyond the body cap or past the end of the body.
    kUnknownForkDigest,        ///< A chunk's context bytes are no fork digest of the chain (or a pre-Altair one).
    kForkMismatch,             ///< The declared fork is not the chain's fork at the object's slot.
    kTooManyUpdates,           ///< More updates than the request's count.
};

/// A short, stable name ("missing Eth-Consensus-Version").
std::string_view to_string(AnswerError e) noexcept;

/// A failed request: the transport or content error, attributed to the endpoint.
struct ApiError {
    SourceError error;                  ///< kMalformed for every answer error; source = the endpoint's base URL.
    std::optional<AnswerError> answer;  ///< Set when a 200 answer was refused for its content.
};

class BeaconApiClient {
  public:
    /// `base_url` is the node's http(s) base ("http://127.0.0.1:5052"), without a trailing path. `chain` gives the
    /// committee size the answers must have, the fork digests of SSZ chunks and the fork schedule.
    BeaconApiClient(std::string base_url, checkpoint::HttpOptions http, ChainConfig chain,
                    Encoding encoding = Encoding::kPreferSsz);

    const std::string& base_url() const noexcept { return base_url_; }
    Encoding encoding() const noexcept { return encoding_; }

    /// GET /eth/v1/beacon/light_client/bootstrap/{block_root}.
    Task<Expected<ssz::LightClientBootstrap, ApiError>> bootstrap(const Hash& block_root);
    /// GET /eth/v1/beacon/light_client/updates?start_period=&count= (count is capped at
    /// kMaxRequestLightClientUpdates; the server may answer fewer, never more).
    Task<Expected<std::vector<ssz::LightClientUpdate>, ApiError>> updates(uint64_t start_period, uint64_t count);
    /// GET /eth/v1/beacon/light_client/finality_update.
    Task<Expected<ssz::LightClientFinalityUpdate, ApiError>> finality_update();
    /// GET /eth/v1/beacon/light_client/optimistic_update.
    Task<Expected<ssz::LightClientOptimisticUpdate, ApiError>> optimistic_update();

  private:
    struct Answer;
    Task<Expected<Answer, ApiError>> get(const std::string& path);
    ApiError refuse(const std::string& path, AnswerError why, const std::string& detail) const;
    Expected<void, ApiError> check_fork(Fork fork, uint64_t slot, const std::string& path) const;
    /// Reads a finality or optimistic update from `a` (JSON through parse_json, SSZ through decode_ssz with the fork
    /// of its Eth-Consensus-Version), then checks its fork against its attested slot.
    template <class T, class ParseJson, class DecodeSsz>
    Expected<T, ApiError> read_update(const Answer& a, const std::string& path, ParseJson parse_json,
                                      DecodeSsz decode_ssz) const;

    std::string base_url_;
    checkpoint::HttpOptions http_;
    ChainConfig chain_;
    Encoding encoding_;
};

}  // namespace hypasis::beacon
