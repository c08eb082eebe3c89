#include "hypasis/beacon/api_client.hpp"

#include <boost/json/parse.hpp>

#include "hypasis/beacon/api_json.hpp"
#include "hypasis/checkpoint/http_source.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"

namespace hypasis::beacon {

std::string_view accept_header(Encoding e) noexcept {
    switch (e) {
        case Encoding::kJson:
            return "application/json";
        case Encoding::kPreferSsz:
            return "application/octet-stream;q=1.0,application/json;q=0.9";
    }
    return "application/json";
}

std::string_view to_string(AnswerError e) noexcept {
    switch (e) {
        case AnswerError::kUnexpectedMediaType:
            return "unexpected Content-Type";
        case AnswerError::kNotJson:
            return "not JSON";
        case AnswerError::kBadJson:
            return "malformed JSON object";
        case AnswerError::kMissingConsensusVersion:
            return "missing Eth-Consensus-Version";
        case AnswerError::kUnknownConsensusVersion:
            return "unknown Eth-Consensus-Version";
        case AnswerError::kBadSsz:
            return "malformed SSZ";
        case AnswerError::kChunkTooShort:
            return "truncated response_chunk";
        case AnswerError::kChunkTooLong:
            return "response_chunk length too long";
        case AnswerError::kUnknownForkDigest:
            return "unknown fork digest";
        case AnswerError::kForkMismatch:
            return "fork does not match the slot";
        case AnswerError::kTooManyUpdates:
            return "more updates than asked for";
    }
    return "unknown answer error";
}

namespace {

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kSszType = "application/octet-stream";

uint64_t load_le64(ByteView b) noexcept {
    uint64_t x = 0;
    for (std::size_t i = 0; i < 8; ++i) x |= uint64_t{b[i]} << (8 * i);
    return x;
}

ByteView bytes_of(const std::string& s) noexcept { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

// A 200 answer, classified: JSON (parsed) or SSZ (the raw response, and its Eth-Consensus-Version when sent).
struct BeaconApiClient::Answer {
    bool ssz{false};
    boost::json::value json;
    std::optional<std::string> version_header;  // Eth-Consensus-Version, when sent
    checkpoint::HttpResponse response;
};

BeaconApiClient::BeaconApiClient(std::string base_url, checkpoint::HttpOptions http, ChainConfig chain,
                                 Encoding encoding)
    : base_url_(std::move(base_url)), http_(std::move(http)), chain_(std::move(chain)), encoding_(encoding) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

ApiError BeaconApiClient::refuse(const std::string& path, AnswerError why, const std::string& detail) const {
    std::string text = path + ": " + std::string(to_string(why));
    if (!detail.empty()) text += ": " + detail;
    return {SourceError{SourceErrc::kMalformed, base_url_, std::move(text)}, why};
}

Task<Expected<BeaconApiClient::Answer, ApiError>> BeaconApiClient::get(const std::string& path) {
    checkpoint::HttpSource http(base_url_ + path, http_);
    auto res = co_await http.get(std::string(accept_header(encoding_)));
    if (!res) {
        res.error().source = base_url_;
        res.error().detail = path + ": " + res.error().detail;
        co_return unexpected(ApiError{std::move(res.error()), std::nullopt});
    }
    const std::string type = res->media_type();
    Answer a;
    if (type == kSszType) {
        if (encoding_ != Encoding::kPreferSsz) {
            co_return unexpected(refuse(path, AnswerError::kUnexpectedMediaType, "SSZ when only JSON was asked for"));
        }
        a.ssz = true;
        a.response = std::move(*res);
        if (const std::string* v = a.response.header("Eth-Consensus-Version")) a.version_header = *v;
        co_return a;
    }
    // No Content-Type at all is read as JSON: a minimal server may omit it, and the strict parser decides.
    if (!type.empty() && type != kJsonType) {
        co_return unexpected(refuse(path, AnswerError::kUnexpectedMediaType, "\"" + type + "\""));
    }
    boost::system::error_code ec;
    a.json = boost::json::parse(res->body, ec);
    if (ec) co_return unexpected(refuse(path, AnswerError::kNotJson, ec.message()));
    co_return a;
}

Expected<void, ApiError> BeaconApiClient::check_fork(Fork fork, uint64_t slot, const std::string& path) const {
    const Fork expected = chain_.fork_at_slot(slot);
    if (fork != expected) {
        return unexpected(refuse(path, AnswerError::kForkMismatch,
                                 std::string(ssz::to_string(fork)) + " data at slot " + std::to_string(slot) +
                                     ", which is " + std::string(ssz::to_string(expected))));
    }
    return {};
}

namespace {

// The fork an SSZ object's Eth-Consensus-Version header names (beacon-APIs: required with SSZ).
template <class Refuse>
Expected<Fork, ApiError> header_fork(const std::optional<std::string>& header, const Refuse& refuse) {
    if (!header) return unexpected(refuse(AnswerError::kMissingConsensusVersion, "required with SSZ"));
    const auto fork = ssz::fork_from_string(*header);
    if (!fork || *fork < Fork::kAltair) {
        return unexpected(refuse(AnswerError::kUnknownConsensusVersion, "\"" + header->substr(0, 32) + "\""));
    }
    return *fork;
}

}  // namespace

Task<Expected<ssz::LightClientBootstrap, ApiError>> BeaconApiClient::bootstrap(const Hash& block_root) {
    const std::string path = "/eth/v1/beacon/light_client/bootstrap/" + to_hex(block_root);
    auto a = co_await get(path);
    if (!a) co_return unexpected(std::move(a.error()));
    const auto fail = [&](AnswerError why, const std::string& detail) { return refuse(path, why, detail); };
    const std::size_t size = chain_.preset.sync_committee_size;
    if (!a->ssz) {
        auto b = parse_bootstrap_json(a->json, size);
        if (!b) co_return unexpected(fail(AnswerError::kBadJson, b.error()));
        if (auto c = check_fork(b->fork, b->header.beacon.slot, path); !c) co_return unexpected(std::move(c.error()));
        co_return std::move(*b);
    }
    auto fork = header_fork(a->version_header, fail);
    if (!fork) co_return unexpected(std::move(fork.error()));
    auto b = ssz::decode_bootstrap(bytes_of(a->response.body), *fork, size);
    if (!b) co_return unexpected(fail(AnswerError::kBadSsz, std::string(ssz::to_string(b.error()))));
    if (auto c = check_fork(b->fork, b->header.beacon.slot, path); !c) co_return unexpected(std::move(c.error()));
    co_return std::move(*b);
}

Task<Expected<std::vector<ssz::LightClientUpdate>, ApiError>> BeaconApiClient::updates(uint64_t start_period,
                                                                                       uint64_t count) {
    count = std::min(count, kMaxRequestLightClientUpdates);
    const std::string path = "/eth/v1/beacon/light_client/updates?start_period=" + std::to_string(start_period) +
                             "&count=" + std::to_string(count);
    auto a = co_await get(path);
    if (!a) co_return unexpected(std::move(a.error()));
    const auto fail = [&](AnswerError why, const std::string& detail) { return refuse(path, why, detail); };
    const std::size_t size = chain_.preset.sync_committee_size;
    std::vector<ssz::LightClientUpdate> out;
    if (!a->ssz) {
        auto r = parse_updates_json(a->json, size);
        if (!r) co_return unexpected(fail(AnswerError::kBadJson, r.error()));
        out = std::move(*r);
    } else {
        // A sequence of response_chunk: uint64_le(len) || context (ForkDigest) || payload, len = 4 + payload size.
        const ByteView body = bytes_of(a->response.body);
        std::size_t pos = 0;
        for (std::size_t i = 0; pos < body.size(); ++i) {
            const std::string which = "chunk " + std::to_string(i);
            if (body.size() - pos < 8) co_return unexpected(fail(AnswerError::kChunkTooShort, which + ": no length"));
            const uint64_t len = load_le64(body.subspan(pos, 8));
            pos += 8;
            // Bounded before any use: by the cap and by what is left, so no length can overflow or over-read.
            if (len > http_.max_body_bytes || len > body.size() - pos) {
                co_return unexpected(fail(AnswerError::kChunkTooLong, which + ": length " + std::to_string(len) +
                                                                          " with " + std::to_string(body.size() - pos) +
                                                                          " bytes left"));
            }
            if (len < 4) co_return unexpected(fail(AnswerError::kChunkTooShort, which + ": no context bytes"));
            const ByteView chunk = body.subspan(pos, static_cast<std::size_t>(len));
            pos += static_cast<std::size_t>(len);
            if (out.size() == count) {
                co_return unexpected(fail(AnswerError::kTooManyUpdates, "more than " + std::to_string(count)));
            }
            const auto digest = to_fixed<4>(chunk.first(4));
            const auto fork = chain_.fork_of_digest(digest);
            if (!fork || *fork < Fork::kAltair) {
                co_return unexpected(fail(AnswerError::kUnknownForkDigest, which + ": " + to_hex(digest)));
            }
            auto u = ssz::decode_update(chunk.subspan(4), *fork, size);
            if (!u)
                co_return unexpected(fail(AnswerError::kBadSsz, which + ": " + std::string(ssz::to_string(u.error()))));
            out.push_back(std::move(*u));
        }
    }
    if (out.size() > count) {
        co_return unexpected(fail(AnswerError::kTooManyUpdates,
                                  std::to_string(out.size()) + " updates for a count of " + std::to_string(count)));
    }
    for (const auto& u : out) {
        if (auto c = check_fork(u.fork, u.attested_header.beacon.slot, path); !c) {
            co_return unexpected(std::move(c.error()));
        }
    }
    co_return out;
}

template <class T, class ParseJson, class DecodeSsz>
Expected<T, ApiError> BeaconApiClient::read_update(const Answer& a, const std::string& path, ParseJson parse_json,
                                                   DecodeSsz decode_ssz) const {
    const auto fail = [&](AnswerError why, const std::string& detail) { return refuse(path, why, detail); };
    const std::size_t size = chain_.preset.sync_committee_size;
    std::optional<T> got;
    if (!a.ssz) {
        auto u = parse_json(a.json, size);
        if (!u) return unexpected(fail(AnswerError::kBadJson, u.error()));
        got.emplace(std::move(*u));
    } else {
        auto fork = header_fork(a.version_header, fail);
        if (!fork) return unexpected(std::move(fork.error()));
        auto u = decode_ssz(bytes_of(a.response.body), *fork, size);
        if (!u) return unexpected(fail(AnswerError::kBadSsz, std::string(ssz::to_string(u.error()))));
        got.emplace(std::move(*u));
    }
    if (auto c = check_fork(got->fork, got->attested_header.beacon.slot, path); !c) {
        return unexpected(std::move(c.error()));
    }
    return std::move(*got);
}

Task<Expected<ssz::LightClientFinalityUpdate, ApiError>> BeaconApiClient::finality_update() {
    const std::string path = "/eth/v1/beacon/light_client/finality_update";
    auto a = co_await get(path);
    if (!a) co_return unexpected(std::move(a.error()));
    const auto parse = [](const boost::json::value& v, std::size_t size) { return parse_finality_update_json(v, size); };
    const auto decode = [](ByteView b, Fork f, std::size_t size) { return ssz::decode_finality_update(b, f, size); };
    auto u = read_update<ssz::LightClientFinalityUpdate>(*a, path, parse, decode);
    co_return u;
}

Task<Expected<ssz::LightClientOptimisticUpdate, ApiError>> BeaconApiClient::optimistic_update() {
    const std::string path = "/eth/v1/beacon/light_client/optimistic_update";
    auto a = co_await get(path);
    if (!a) co_return unexpected(std::move(a.error()));
    const auto parse = [](const boost::json::value& v, std::size_t size) {
        return parse_optimistic_update_json(v, size);
    };
    const auto decode = [](ByteView b, Fork f, std::size_t size) { return ssz::decode_optimistic_update(b, f, size); };
    auto u = read_update<ssz::LightClientOptimisticUpdate>(*a, path, parse, decode);
    co_return u;
}

}  // namespace hypasis::beacon
