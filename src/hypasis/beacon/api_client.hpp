#pragma once
/// A client of one Beacon API endpoint's light-client routes (ethereum/beacon-APIs,
/// `/eth/v1/beacon/light_client/*`), in JSON.
///
/// Transport is checkpoint::HttpSource's GET (http_source.hpp): one deadline for the whole exchange, a body cap
/// enforced while reading, verified TLS for https, status 200 only. The answer is parsed strictly (api_json.hpp).
/// Nothing here verifies signatures or branches: that is the LightClient's job, and the caller attributes a
/// refusal to this endpoint (its name is in every error).
///
/// SSZ (`Accept: application/octet-stream`) is not requested: HttpSource always asks for JSON. The SSZ decoders
/// exist (core/ssz) and are tested on real data; only the transport negotiation is missing (README.md).
///
/// Not thread-safe: one request at a time per object. Errors never throw (std::bad_alloc aside).
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "hypasis/checkpoint/source.hpp"
#include "hypasis/core/ssz/light_client_types.hpp"

namespace hypasis::beacon {

using checkpoint::SourceErrc;
using checkpoint::SourceError;
using checkpoint::Task;

/// MAX_REQUEST_LIGHT_CLIENT_UPDATES (altair light-client p2p-interface.md): the most periods one request asks for.
inline constexpr uint64_t kMaxRequestLightClientUpdates = 128;

class BeaconApiClient {
  public:
    /// `base_url` is the node's http(s) base ("http://127.0.0.1:5052"), without a trailing path; `committee_size`
    /// is the preset's SYNC_COMMITTEE_SIZE that the answers must have.
    BeaconApiClient(std::string base_url, checkpoint::HttpOptions http, std::size_t committee_size);

    const std::string& base_url() const noexcept { return base_url_; }

    /// GET /eth/v1/beacon/light_client/bootstrap/{block_root}.
    Task<Expected<ssz::LightClientBootstrap, SourceError>> bootstrap(const Hash& block_root);
    /// GET /eth/v1/beacon/light_client/updates?start_period=&count= (count is capped at
    /// kMaxRequestLightClientUpdates; the server may answer fewer).
    Task<Expected<std::vector<ssz::LightClientUpdate>, SourceError>> updates(uint64_t start_period, uint64_t count);
    /// GET /eth/v1/beacon/light_client/finality_update.
    Task<Expected<ssz::LightClientFinalityUpdate, SourceError>> finality_update();
    /// GET /eth/v1/beacon/light_client/optimistic_update.
    Task<Expected<ssz::LightClientOptimisticUpdate, SourceError>> optimistic_update();

  private:
    Task<Expected<boost::json::value, SourceError>> get_json(const std::string& path);

    std::string base_url_;
    checkpoint::HttpOptions http_;
    std::size_t committee_size_;
};

}  // namespace hypasis::beacon
