#include "hypasis/node/commands/sync_setup.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::node {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

/// Reads at most `max_bytes` (one more to detect a larger file).
std::optional<std::string> read_capped(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string s(max_bytes + 1, '\0');
    in.read(s.data(), static_cast<std::streamsize>(s.size()));
    s.resize(static_cast<std::size_t>(in.gcount()));
    return s;
}

}  // namespace

std::optional<double> parse_byte_rate(std::string_view text) noexcept {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.size() >= 2 && text.substr(text.size() - 2) == "/s") text.remove_suffix(2);
    std::size_t num_end = 0;
    while (num_end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[num_end])) != 0 || text[num_end] == '.')) {
        ++num_end;
    }
    if (num_end == 0) return std::nullopt;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + num_end, value);
    if (ec != std::errc() || ptr != text.data() + num_end) return std::nullopt;
    std::string_view unit = text.substr(num_end);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    double scale = 1;
    static constexpr std::pair<std::string_view, double> kUnits[] = {
        {"", 1},           {"b", 1},          {"kb", 1e3},       {"mb", 1e6},       {"gb", 1e9},
        {"kib", 1024.0},   {"mib", 1048576.0}, {"gib", 1073741824.0}};
    bool known = false;
    for (const auto& [name, s] : kUnits) {
        if (iequals(unit, name)) {
            scale = s;
            known = true;
            break;
        }
    }
    if (!known) return std::nullopt;
    const double out = value * scale;
    if (!std::isfinite(out) || out < 0 || out > 9007199254740992.0) return std::nullopt;
    return out;
}

namespace {

Expected<SyncInputs, std::string> load_beacon_inputs(const std::string& uri, const std::string& validators_path,
                                                     const chain::ChainSpec& spec, const BeaconInputs& beacon,
                                                     const checkpoint::HttpOptions& http) {
    if (!validators_path.empty()) {
        return unexpected("--validators is not used with a beacon: source: the beacon chain's sync committee "
                          "verifies it");
    }
    if (beacon.trusted_root.empty()) {
        return unexpected("--checkpoint " + uri + " needs --trusted-root 0x...: a recent finalized beacon block "
                          "root you trust (weak subjectivity)");
    }
    const auto root = fixed_from_hex<32>(beacon.trusted_root);
    if (!root) return unexpected("--trusted-root " + beacon.trusted_root + ": not 0x + 64 hex digits");
    beacon::BeaconSourceConfig config;
    config.chain = beacon::ChainConfig::mainnet();
    if (spec.chain_id() != 1) {
        return unexpected("--checkpoint beacon: follows Ethereum mainnet's beacon chain (chain id 1); the chain " +
                          spec.name + " has chain id " + std::to_string(spec.chain_id()));
    }
    std::string_view rest = std::string_view(uri).substr(std::string_view("beacon:").size());
    if (rest.empty()) return unexpected("--checkpoint " + uri + ": expected beacon:URL[,URL...]");
    for (;;) {
        const auto comma = rest.find(',');
        const std::string_view endpoint = rest.substr(0, comma);
        if (!endpoint.starts_with("http://") && !endpoint.starts_with("https://")) {
            return unexpected("--checkpoint " + uri + ": each endpoint is an http:// or https:// URL (got \"" +
                              std::string(endpoint) + "\")");
        }
        config.endpoints.emplace_back(endpoint);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    config.trusted_block_root = *root;
    config.http = http;
    config.allow_old_trusted_root = beacon.allow_old_root;
    if (beacon.now) {
        const uint64_t now = *beacon.now;
        config.now = [now] { return now; };
    }
    SyncInputs in;
    auto source = std::make_unique<beacon::BeaconSource>(std::move(config), nullptr);
    in.beacon = source.get();
    in.source = std::move(source);
    return in;
}

}  // namespace

sync::Task<Expected<checkpoint::VerifiedCheckpoint, sync::BootstrapError>> fetch_verified(SyncInputs& in) {
    if (in.beacon != nullptr) co_return co_await sync::fetch_verified_checkpoint(*in.beacon);
    co_return co_await sync::fetch_verified_checkpoint(*in.source, *in.validators);
}

Expected<SyncInputs, std::string> load_sync_inputs(const std::string& uri, const std::string& validators_path,
                                                   const chain::ChainSpec& spec, const BeaconInputs& beacon,
                                                   const checkpoint::HttpOptions& http) {
    if (uri.starts_with("beacon:")) return load_beacon_inputs(uri, validators_path, spec, beacon, http);
    if (validators_path.empty()) {
        return unexpected("--checkpoint needs --validators FILE: the validator set the checkpoint is verified "
                          "against");
    }
    const auto text = read_capped(validators_path, checkpoint::kMaxJsonBytes);
    if (!text) return unexpected("cannot read the validator set " + validators_path);
    if (text->size() > checkpoint::kMaxJsonBytes) {
        return unexpected("the validator set " + validators_path + " is larger than " +
                          std::to_string(checkpoint::kMaxJsonBytes) + " bytes");
    }
    auto set = checkpoint::parse_validator_set(*text);
    if (!set) return unexpected(validators_path + ": " + checkpoint::to_string(set.error()));
    if (set->chain_id() != spec.chain_id()) {
        return unexpected("the validator set " + validators_path + " is for chain id " +
                          std::to_string(set->chain_id()) + ", but the chain " + spec.name + " has chain id " +
                          std::to_string(spec.chain_id()));
    }
    SyncInputs in;
    in.validators = std::make_unique<const checkpoint::ValidatorSet>(std::move(*set));
    auto source = checkpoint::make_source(uri, http, in.validators.get());
    if (!source) return unexpected("--checkpoint " + uri + ": " + checkpoint::to_string(source.error()));
    in.source = std::move(*source);
    return in;
}

}  // namespace hypasis::node
