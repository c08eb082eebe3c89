#include "hypasis/node/commands/chain_options.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "hypasis/core/chain/error.hpp"
#include "hypasis/core/chain/genesis.hpp"

namespace hypasis::node {
namespace {

std::string builtin_names() {
    std::string names;
    for (std::string_view n : chain::builtin_chain_names()) {
        if (!names.empty()) names += ", ";
        names += n;
    }
    return names;
}

// Reads the whole file, refusing more than kMaxGenesisFileBytes.
std::string read_genesis_file(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        throw std::runtime_error("--genesis " + path + ": cannot open: " + std::strerror(errno));
    }
    std::string text;
    char buf[1 << 16];
    bool failed = false;
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, f);
        text.append(buf, n);
        if (text.size() > kMaxGenesisFileBytes) break;
        if (n < sizeof buf) {
            failed = std::ferror(f) != 0;
            break;
        }
    }
    const int read_errno = errno;
    std::fclose(f);
    if (failed) throw std::runtime_error("--genesis " + path + ": read error: " + std::strerror(read_errno));
    if (text.size() > kMaxGenesisFileBytes) {
        throw std::runtime_error("--genesis " + path + ": larger than " + std::to_string(kMaxGenesisFileBytes >> 20) +
                                 " MiB; not a genesis.json");
    }
    return text;
}

}  // namespace

void add_chain_options(CLI::App& cmd, ChainOptions& opts, bool required) {
    auto* group = cmd.add_option_group("chain", "Which chain's rules apply (one of)");
    group->add_option("--chain", opts.chain, "Built-in chain: " + builtin_names());
    group->add_option("--genesis", opts.genesis, "A geth genesis.json describing a custom chain");
    // At most one of the two; exactly one when required.
    group->require_option(required ? 1 : -1);
}

chain::ChainSpec resolve_chain_options(const ChainOptions& opts) {
    std::optional<std::string_view> name;
    if (!opts.chain.empty()) name = opts.chain;
    std::optional<std::string> genesis_text;
    if (!opts.genesis.empty()) genesis_text = read_genesis_file(opts.genesis);
    std::optional<std::string_view> genesis_view;
    if (genesis_text) genesis_view = *genesis_text;

    auto spec = chain::resolve_chain(name, genesis_view);
    if (spec) return std::move(*spec);

    const chain::ChainError& e = spec.error();
    switch (e.code) {
        case chain::ChainErrc::kUnknownChain:
            throw std::runtime_error("--chain " + opts.chain + ": unknown chain (built-in: " + builtin_names() + ")");
        case chain::ChainErrc::kNoChainSource:
            throw std::runtime_error("one of --chain NAME or --genesis FILE is required");
        case chain::ChainErrc::kConflictingChainSources:
            throw std::runtime_error("--chain and --genesis cannot be given together");
        default:
            throw std::runtime_error("--genesis " + opts.genesis + ": " + chain::to_string(e));
    }
}

}  // namespace hypasis::node
