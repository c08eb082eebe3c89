#include "hypasis/beacon/api_client.hpp"

#include <boost/json/parse.hpp>

#include "hypasis/beacon/api_json.hpp"
#include "hypasis/checkpoint/http_source.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::beacon {

BeaconApiClient::BeaconApiClient(std::string base_url, checkpoint::HttpOptions http, std::size_t committee_size)
    : base_url_(std::move(base_url)), http_(std::move(http)), committee_size_(committee_size) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Task<Expected<boost::json::value, SourceError>> BeaconApiClient::get_json(const std::string& path) {
    checkpoint::HttpSource http(base_url_ + path, http_);
    auto body = co_await http.get_body();
    if (!body) {
        body.error().source = base_url_;
        body.error().detail = path + ": " + body.error().detail;
        co_return unexpected(std::move(body.error()));
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(*body, ec);
    if (ec) co_return unexpected(SourceError{SourceErrc::kMalformed, base_url_, path + ": not JSON: " + ec.message()});
    co_return v;
}

namespace {
template <class T>
Expected<T, SourceError> parsed(Expected<T, std::string> r, const std::string& source, const std::string& path) {
    if (!r) return unexpected(SourceError{SourceErrc::kMalformed, source, path + ": " + r.error()});
    return std::move(*r);
}
}  // namespace

Task<Expected<ssz::LightClientBootstrap, SourceError>> BeaconApiClient::bootstrap(const Hash& block_root) {
    const std::string path = "/eth/v1/beacon/light_client/bootstrap/" + to_hex(block_root);
    auto v = co_await get_json(path);
    if (!v) co_return unexpected(std::move(v.error()));
    co_return parsed(parse_bootstrap_json(*v, committee_size_), base_url_, path);
}

Task<Expected<std::vector<ssz::LightClientUpdate>, SourceError>> BeaconApiClient::updates(uint64_t start_period,
                                                                                          uint64_t count) {
    count = std::min(count, kMaxRequestLightClientUpdates);
    const std::string path = "/eth/v1/beacon/light_client/updates?start_period=" + std::to_string(start_period) +
                             "&count=" + std::to_string(count);
    auto v = co_await get_json(path);
    if (!v) co_return unexpected(std::move(v.error()));
    auto r = parsed(parse_updates_json(*v, committee_size_), base_url_, path);
    if (r && r->size() > count) {
        co_return unexpected(SourceError{SourceErrc::kMalformed, base_url_,
                                         path + ": " + std::to_string(r->size()) + " updates for a count of " +
                                             std::to_string(count)});
    }
    co_return r;
}

Task<Expected<ssz::LightClientFinalityUpdate, SourceError>> BeaconApiClient::finality_update() {
    const std::string path = "/eth/v1/beacon/light_client/finality_update";
    auto v = co_await get_json(path);
    if (!v) co_return unexpected(std::move(v.error()));
    co_return parsed(parse_finality_update_json(*v, committee_size_), base_url_, path);
}

Task<Expected<ssz::LightClientOptimisticUpdate, SourceError>> BeaconApiClient::optimistic_update() {
    const std::string path = "/eth/v1/beacon/light_client/optimistic_update";
    auto v = co_await get_json(path);
    if (!v) co_return unexpected(std::move(v.error()));
    co_return parsed(parse_optimistic_update_json(*v, committee_size_), base_url_, path);
}

}  // namespace hypasis::beacon
