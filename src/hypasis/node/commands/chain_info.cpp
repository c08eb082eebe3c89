#include "hypasis/node/commands/chain_info.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "hypasis/core/chain/fork_id.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/block_json.hpp"
#include "hypasis/core/json/pretty.hpp"

namespace hypasis::node {
namespace {

// Block forks first, then timestamp forks, each ascending; ties keep Fork order (Constantinople before
// Petersburg on mainnet). This is the order in which EIP-2124/EIP-6122 fold forks into the fork hash.
std::vector<chain::ForkActivation> forks_in_order(const chain::ChainConfig& config) {
    std::vector<chain::ForkActivation> forks = config.forks;
    std::sort(forks.begin(), forks.end(), [](const chain::ForkActivation& a, const chain::ForkActivation& b) {
        return std::tuple(a.trigger, a.at, a.fork) < std::tuple(b.trigger, b.at, b.fork);
    });
    return forks;
}

boost::json::array forks_json(const chain::ChainConfig& config) {
    boost::json::array out;
    for (const chain::ForkActivation& a : forks_in_order(config)) {
        boost::json::object f;
        f["name"] = chain::to_string(a.fork);
        f[a.trigger == chain::ForkTrigger::kBlock ? "block" : "timestamp"] = a.at;
        if (!a.in_fork_id) f["inForkId"] = false;
        out.emplace_back(std::move(f));
    }
    return out;
}

boost::json::object blob_schedule_json(const chain::ChainConfig& config) {
    std::vector<chain::BlobScheduleEntry> entries = config.blob_schedule;
    std::stable_sort(
        entries.begin(), entries.end(),
        [](const chain::BlobScheduleEntry& a, const chain::BlobScheduleEntry& b) { return a.fork < b.fork; });
    boost::json::object out;
    for (const chain::BlobScheduleEntry& e : entries) {
        boost::json::object p;
        p["target"] = e.params.target;
        p["max"] = e.params.max;
        p["baseFeeUpdateFraction"] = e.params.base_fee_update_fraction;
        out[chain::to_string(e.fork)] = std::move(p);
    }
    return out;
}

// CLI11 2.1 parses "-1" into a uint64_t as 2^64-1; a block number or timestamp is never negative.
const CLI::Validator kNotNegative(
    [](std::string& input) -> std::string {
        const auto first = input.find_first_not_of(" \t");
        if (first != std::string::npos && input[first] == '-') return "must not be negative: " + input;
        return {};
    },
    "NONNEGATIVE");

}  // namespace

boost::json::object chain_info_json(const chain::ChainSpec& spec, uint64_t head_number, uint64_t head_time) {
    boost::json::object out;
    out["name"] = spec.name;
    out["chainId"] = spec.chain_id();
    out["networkId"] = spec.network_id;
    out["consensus"] = chain::to_string(spec.config.consensus);
    out["genesisHash"] = to_hex(spec.genesis_hash);
    if (spec.genesis_header) out["genesis"] = json::header_to_json(seal(*spec.genesis_header));
    out["forks"] = forks_json(spec.config);
    if (!spec.config.blob_schedule.empty()) out["blobSchedule"] = blob_schedule_json(spec.config);

    boost::json::object head;
    head["number"] = head_number;
    head["timestamp"] = head_time;
    out["head"] = std::move(head);

    const chain::ForkId id = chain::fork_id_at(spec, head_number, head_time);
    boost::json::object fork_id;
    fork_id["hash"] = to_hex(id.hash);
    fork_id["next"] = id.next;
    out["forkId"] = std::move(fork_id);
    return out;
}

int run_chain_info(const ChainInfoOptions& opts, std::FILE* out, std::FILE* err) {
    chain::ChainSpec spec;
    try {
        spec = resolve_chain_options(opts.chain);
    } catch (const std::runtime_error& e) {
        // The same line main() prints for a configuration failure, so the CLI and this core agree.
        std::fprintf(err, "hypasis: %s\n", e.what());
        return 1;
    }
    const uint64_t head_number = opts.head.value_or(0);
    const uint64_t head_time = opts.time.value_or(spec.genesis_timestamp);

    const std::string text = json::serialize_pretty(chain_info_json(spec, head_number, head_time)) + "\n";
    std::fwrite(text.data(), 1, text.size(), out);
    if (std::fflush(out) != 0 || std::ferror(out) != 0) {
        std::fprintf(err, "hypasis: chain info: cannot write the output: %s\n", std::strerror(errno));
        return 1;
    }
    return 0;
}

void add_chain_commands(CLI::App& app, int& exit_code) {
    CLI::App* chain_cmd = app.add_subcommand("chain", "Inspect chain specifications");
    chain_cmd->require_subcommand(1);

    auto opts = std::make_shared<ChainInfoOptions>();
    CLI::App* info = chain_cmd->add_subcommand(
        "info",
        "Print a chain's identity, genesis header, fork schedule, blob schedule and EIP-2124 fork id as JSON. "
        "Exit 1 when the chain cannot be resolved.");
    add_chain_options(*info, opts->chain, true);
    info->add_option("--head", opts->head, "Head block number for the fork id (default: 0, the genesis)")
        ->check(kNotNegative);
    info->add_option("--time", opts->time,
                     "Head block timestamp for the fork id (default: the genesis timestamp); give it with --head "
                     "past the first timestamp fork")
        ->check(kNotNegative);
    info->callback([opts, &exit_code]() { exit_code = run_chain_info(*opts, stdout, stderr); });
}

}  // namespace hypasis::node
