#include "hypasis/node/commands/beacon_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "hypasis/beacon/api_json.hpp"
#include "hypasis/beacon/beacon_source.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/pretty.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/node/commands/datadir.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::node {
namespace {

namespace bj = boost::json;
namespace bc = hypasis::beacon;

constexpr int kRefused = 1;
constexpr int kInputError = 2;

void write(std::FILE* out, const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); }

int input_error(std::FILE* err, const char* cmd, const std::string& message) {
    std::fprintf(err, "hypasis: checkpoint %s: %s\n", cmd, message.c_str());
    return kInputError;
}

bj::object fault_json(const bc::EndpointFault& f) {
    bj::object o;
    o["endpoint"] = f.endpoint;
    o["error"] = std::string(checkpoint::to_string(f.error.code));
    o["detail"] = f.error.detail;
    return o;
}

}  // namespace

int run_checkpoint_beacon(const BeaconCheckpointOptions& opts, std::FILE* out, std::FILE* err) {
    if (opts.api.empty()) return input_error(err, "beacon", "give at least one --api URL");
    const auto root = fixed_from_hex<32>(opts.trusted_root);
    if (!root) return input_error(err, "beacon", "--trusted-root is not 32 bytes of hex");

    bc::BeaconSourceConfig cfg;
    cfg.endpoints = opts.api;
    cfg.trusted_block_root = *root;
    cfg.http.timeout = std::chrono::milliseconds(opts.timeout_ms);
    cfg.http.ca_file = opts.ca_file;
    cfg.max_trusted_age = std::chrono::hours(24 * opts.max_age_days);
    cfg.allow_old_trusted_root = opts.allow_old_root;
    if (opts.now) {
        const uint64_t now = *opts.now;
        cfg.now = [now] { return now; };
    }
    std::unique_ptr<storage::BlockStore> store;
    if (!opts.datadir.empty()) {
        auto opened = open_block_store(opts.datadir, StoreAccess::kCreate);
        if (!opened) return input_error(err, "beacon", opened.error());
        store = std::move(*opened);
    }
    bc::BeaconSource source(cfg, store.get());
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, source.fetch(), boost::asio::use_future);
    io.run();
    const auto result = fut.get();

    bj::array faults;
    for (const auto& f : source.faults()) faults.push_back(fault_json(f));
    if (!result) {
        const auto& e = result.error();
        const bool refused = e.code == checkpoint::SourceErrc::kUnverified;
        if (opts.json) {
            bj::object o;
            o["valid"] = false;
            o["error"] = std::string(checkpoint::to_string(e.code));
            o["message"] = checkpoint::to_string(e);
            o["faults"] = faults;
            write(out, json::serialize_pretty(o) + "\n");
        }
        std::fprintf(err, "hypasis: checkpoint beacon: %s%s\n", refused ? "refused: " : "",
                     checkpoint::to_string(e).c_str());
        for (const auto& f : source.faults()) {
            std::fprintf(err, "  bad answer from %s: %s\n", f.endpoint.c_str(), checkpoint::to_string(f.error).c_str());
        }
        return refused ? kRefused : kInputError;
    }
    const auto& c = *result;
    const auto& v = *source.validation();
    const auto head = source.optimistic_head();
    if (opts.json) {
        bj::object o;
        o["valid"] = true;
        o["chainId"] = c.chain_id;
        o["blockNum"] = c.block_num;
        o["blockHash"] = to_hex(c.block_hash);
        o["stateRoot"] = to_hex(c.state_root);
        o["timestamp"] = c.timestamp;
        o["finalizedSlot"] = v.finalized_slot;
        o["finalizedRoot"] = to_hex(v.finalized_root);
        o["attestedSlot"] = v.attested_slot;
        o["signatureSlot"] = v.signature_slot;
        o["participants"] = v.participants;
        o["committeeSize"] = v.committee_size;
        o["period"] = v.period;
        o["endpoint"] = v.endpoint;
        o["rule"] = "eth-sync-committee";
        if (head) {
            bj::object h;
            h["blockNum"] = head->block_num;
            h["blockHash"] = to_hex(head->block_hash);
            h["stateRoot"] = to_hex(head->state_root);
            h["timestamp"] = head->timestamp;
            o["optimistic"] = h;
        }
        o["faults"] = faults;
        write(out, json::serialize_pretty(o) + "\n");
    } else {
        std::string s = "verified: chain " + std::to_string(c.chain_id) + " block " + std::to_string(c.block_num) +
                        " " + to_hex(c.block_hash) + "\n  state root " + to_hex(c.state_root) + "\n  finalized  slot " +
                        std::to_string(v.finalized_slot) + " " + to_hex(v.finalized_root) +
                        "\n  signed by  " + std::to_string(v.participants) + " of " + std::to_string(v.committee_size) +
                        " sync committee members (period " + std::to_string(v.period) + ", signature slot " +
                        std::to_string(v.signature_slot) + ") via " + v.endpoint + "\n";
        if (head) s += "  optimistic block " + std::to_string(head->block_num) + " " + to_hex(head->block_hash) + "\n";
        for (const auto& f : source.faults()) s += "  bad answer from " + f.endpoint + ": " + checkpoint::to_string(f.error) + "\n";
        write(out, s);
    }
    return std::fflush(out) == 0 ? 0 : kInputError;
}

namespace {

// One item of beacon-ssz: the root and encoding of the parsed JSON, and the root of the decoded SSZ.
struct SszResult {
    Hash json_root{};
    Bytes json_ssz;
    Hash ssz_root{};
};

template <class T, class Parse, class Decode>
Expected<SszResult, std::string> roots(Parse&& parse, Decode&& decode) {
    auto v = parse();
    if (!v) return unexpected("json: " + v.error());
    auto d = decode();
    if (!d) return unexpected("ssz: " + std::string(ssz::to_string(d.error())));
    SszResult r;
    if constexpr (std::is_same_v<T, ssz::ExecutionPayloadHeader>) {
        r.json_root = ssz::hash_tree_root(*v, d->second);
        r.json_ssz = ssz::encode(*v, d->second);
        r.ssz_root = ssz::hash_tree_root(d->first, d->second);
    } else {
        r.json_root = ssz::hash_tree_root(*v);
        r.json_ssz = ssz::encode(*v);
        r.ssz_root = ssz::hash_tree_root(*d);
    }
    return r;
}

Expected<SszResult, std::string> ssz_item(const std::string& type, ssz::Fork fork, std::size_t n, const bj::value& j,
                                          const Bytes& b) {
    bj::object env;
    env["version"] = std::string(ssz::to_string(fork));
    env["data"] = j;
    const bj::value envelope(std::move(env));
    if (type == "BeaconBlockHeader") {
        return roots<ssz::BeaconBlockHeader>([&] { return bc::parse_beacon_block_header_json(j); },
                                             [&] { return ssz::decode_beacon_block_header(b); });
    }
    if (type == "ExecutionPayloadHeader") {
        return roots<ssz::ExecutionPayloadHeader>(
            [&] { return bc::parse_execution_payload_header_json(j, fork); },
            [&]() -> Expected<std::pair<ssz::ExecutionPayloadHeader, ssz::Fork>, ssz::SszError> {
                auto d = ssz::decode_execution_payload_header(b, fork);
                if (!d) return unexpected(d.error());
                return std::pair{std::move(*d), fork};
            });
    }
    if (type == "LightClientHeader") {
        return roots<ssz::LightClientHeader>([&] { return bc::parse_light_client_header_json(j, fork); },
                                             [&] { return ssz::decode_light_client_header(b, fork); });
    }
    if (type == "SyncCommittee") {
        return roots<ssz::SyncCommittee>([&] { return bc::parse_sync_committee_json(j, n); },
                                         [&] { return ssz::decode_sync_committee(b, n); });
    }
    if (type == "SyncAggregate") {
        return roots<ssz::SyncAggregate>([&] { return bc::parse_sync_aggregate_json(j, n); },
                                         [&] { return ssz::decode_sync_aggregate(b, n); });
    }
    if (type == "LightClientBootstrap") {
        return roots<ssz::LightClientBootstrap>([&] { return bc::parse_bootstrap_json(envelope, n); },
                                                [&] { return ssz::decode_bootstrap(b, fork, n); });
    }
    if (type == "LightClientUpdate") {
        return roots<ssz::LightClientUpdate>([&] { return bc::parse_update_json(envelope, n); },
                                             [&] { return ssz::decode_update(b, fork, n); });
    }
    if (type == "LightClientFinalityUpdate") {
        return roots<ssz::LightClientFinalityUpdate>([&] { return bc::parse_finality_update_json(envelope, n); },
                                                     [&] { return ssz::decode_finality_update(b, fork, n); });
    }
    if (type == "LightClientOptimisticUpdate") {
        return roots<ssz::LightClientOptimisticUpdate>([&] { return bc::parse_optimistic_update_json(envelope, n); },
                                                       [&] { return ssz::decode_optimistic_update(b, fork, n); });
    }
    return unexpected("unknown --type " + type);
}

}  // namespace

int run_beacon_ssz(const BeaconSszOptions& opts, std::FILE* out, std::FILE* err) {
    const auto fork = ssz::fork_from_string(opts.fork);
    if (!fork || *fork < ssz::Fork::kAltair) return input_error(err, "beacon-ssz", "--fork must be altair..fulu");
    if (opts.preset != "mainnet" && opts.preset != "minimal") {
        return input_error(err, "beacon-ssz", "--preset must be mainnet or minimal");
    }
    const std::size_t n = opts.preset == "mainnet" ? bc::Preset::mainnet().sync_committee_size
                                                   : bc::Preset::minimal().sync_committee_size;
    std::ifstream in(opts.input, std::ios::binary);
    if (!in) return input_error(err, "beacon-ssz", "cannot read " + opts.input);
    std::ostringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    const bj::value items = bj::parse(ss.str(), ec);
    if (ec || !items.is_array()) return input_error(err, "beacon-ssz", opts.input + ": not a JSON array");
    bj::array results;
    for (const auto& item : items.as_array()) {
        const auto* o = item.if_object();
        const auto* j = o ? o->if_contains("json") : nullptr;
        const auto* s = o ? o->if_contains("ssz") : nullptr;
        const auto b = s && s->is_string() ? from_hex(s->as_string()) : std::nullopt;
        if (!j || !b) return input_error(err, "beacon-ssz", "each item needs \"json\" and a hex \"ssz\"");
        auto r = ssz_item(opts.type, *fork, n, *j, *b);
        bj::object res;
        if (!r) {
            res["error"] = r.error();
        } else {
            res["jsonRoot"] = to_hex(r->json_root);
            res["jsonSsz"] = to_hex(r->json_ssz);
            res["sszRoot"] = to_hex(r->ssz_root);
        }
        results.push_back(std::move(res));
    }
    write(out, bj::serialize(results) + "\n");
    return std::fflush(out) == 0 ? 0 : kInputError;
}

void register_beacon_commands(CLI::App& app, int& exit_code) {
    CLI::App* group = nullptr;
    try {
        group = app.get_subcommand("checkpoint");
    } catch (const CLI::OptionNotFound&) {
        group = app.add_subcommand("checkpoint", "Checkpoints");
        group->require_subcommand(1);
    }

    auto o = std::make_shared<BeaconCheckpointOptions>();
    CLI::App* cmd = group->add_subcommand(
        "beacon", "Verify the finalized execution block with the beacon light client over the Beacon API");
    cmd->add_option("--api", o->api, "Beacon API base URL (repeatable: tried in order)")->required();
    cmd->add_option("--trusted-root", o->trusted_root, "Trusted beacon block root (0x + 64 hex)")->required();
    cmd->add_flag("--json", o->json, "Print the result as JSON");
    add_datadir_option(*cmd, o->datadir);
    cmd->add_option("--timeout-ms", o->timeout_ms, "Deadline of each request")->capture_default_str();
    cmd->add_option("--ca-file", o->ca_file, "Trust only these PEM roots for https (default: system store)");
    cmd->add_option("--max-age-days", o->max_age_days, "Refuse a trusted root older than this (weak subjectivity)")
        ->capture_default_str();
    cmd->add_flag("--allow-old-root", o->allow_old_root, "Accept a trusted root older than --max-age-days");
    cmd->add_option("--now", o->now, "Unix time to use as now (tests)")->group("");
    cmd->callback([o, &exit_code]() { exit_code = run_checkpoint_beacon(*o, stdout, stderr); });

    auto s = std::make_shared<BeaconSszOptions>();
    CLI::App* tool = group->add_subcommand("beacon-ssz", "SSZ roots of light-client containers (interop tests)");
    tool->group("");  // hidden
    tool->add_option("--type", s->type, "Container name")->required();
    tool->add_option("--fork", s->fork, "Fork of the container's form")->required();
    tool->add_option("--preset", s->preset, "mainnet or minimal")->capture_default_str();
    tool->add_option("--input", s->input, "JSON array of {json, ssz}")->required();
    tool->callback([s, &exit_code]() { exit_code = run_beacon_ssz(*s, stdout, stderr); });
}

}  // namespace hypasis::node
