#include "hypasis/core/chain/chain_spec.hpp"

#include <algorithm>

namespace hypasis::chain {
namespace {

constexpr std::array<std::string_view, kForkCount> kForkNames{
    "homestead",     "daoFork",  "eip150",      "eip155",    "eip158",    "byzantium",    "constantinople",
    "petersburg",    "istanbul", "muirGlacier", "berlin",    "london",    "arrowGlacier", "grayGlacier",
    "mergeNetsplit", "shanghai", "cancun",      "prague",    "osaka",     "bpo1",         "bpo2",
    "bpo3",          "bpo4",     "bpo5",        "amsterdam", "verkle",    "jaipur",       "delhi",
    "indore",        "agra",     "napoli",      "ahmedabad", "bhilai",    "rio",          "madhugiri",
    "madhugiriPro",  "dandeli",  "lisovo",      "lisovoPro", "ramanujan", "niels",        "mirrorSync",
    "bruno",         "euler",    "nano",        "moran",     "gibbs",     "planck",       "luban",
    "plato",         "hertz",    "hertzfix",    "kepler",    "feynman",   "feynmanFix",   "haber",
    "haberFix",      "bohr",     "pascal",      "lorentz",   "maxwell",   "fermi",
};

}  // namespace

std::string_view to_string(Consensus c) noexcept {
    switch (c) {
        case Consensus::kEthash:
            return "ethash";
        case Consensus::kClique:
            return "clique";
        case Consensus::kBeacon:
            return "beacon";
        case Consensus::kBor:
            return "bor";
        case Consensus::kParlia:
            return "parlia";
    }
    return "unknown";
}

std::string_view to_string(Fork f) noexcept {
    const auto i = static_cast<std::size_t>(f);
    return i < kForkNames.size() ? kForkNames[i] : std::string_view{"unknown"};
}

void ChainConfig::set_fork(const ForkActivation& a) {
    for (auto& existing : forks) {
        if (existing.fork == a.fork) {
            existing = a;
            return;
        }
    }
    forks.push_back(a);
}

void ChainConfig::set_blob_params(const BlobScheduleEntry& e) {
    for (auto& existing : blob_schedule) {
        if (existing.fork == e.fork) {
            existing = e;
            return;
        }
    }
    blob_schedule.push_back(e);
}

const ForkActivation* ChainConfig::activation(Fork f) const noexcept {
    for (const auto& a : forks) {
        if (a.fork == f) return &a;
    }
    return nullptr;
}

const BlobParams* ChainConfig::blob_params_of(Fork f) const noexcept {
    for (const auto& e : blob_schedule) {
        if (e.fork == f) return &e.params;
    }
    return nullptr;
}

bool ChainConfig::is_active(Fork f, uint64_t number, uint64_t timestamp) const noexcept {
    const ForkActivation* a = activation(f);
    if (a == nullptr) return false;
    if (a->trigger == ForkTrigger::kBlock) return number >= a->at;
    // geth: IsShanghai(num, time) = IsLondon(num) && isTimestampForked(ShanghaiTime, time), and likewise for every
    // later timestamp fork (BSC's Kepler, Feynman, … too).
    const ForkActivation* london = activation(Fork::kLondon);
    if (london == nullptr || london->trigger != ForkTrigger::kBlock || number < london->at) return false;
    return timestamp >= a->at;
}

bool ChainConfig::is_post_merge(uint64_t number, uint64_t timestamp) const noexcept {
    if (terminal_total_difficulty && terminal_total_difficulty->is_zero()) return true;
    if (merge_block && number >= *merge_block) return true;
    if (const ForkActivation* split = activation(Fork::kMergeNetsplit); split != nullptr && number >= split->at) {
        return true;
    }
    // geth's IsPostMerge looks at the Shanghai time alone, without the London gate.
    const ForkActivation* shanghai = activation(Fork::kShanghai);
    return shanghai != nullptr && shanghai->trigger == ForkTrigger::kTimestamp && timestamp >= shanghai->at &&
           consensus != Consensus::kParlia && consensus != Consensus::kBor;
}

Consensus ChainConfig::consensus_at(uint64_t number, uint64_t timestamp) const noexcept {
    if ((consensus == Consensus::kEthash || consensus == Consensus::kClique) && is_post_merge(number, timestamp)) {
        return Consensus::kBeacon;
    }
    return consensus;
}

std::optional<BlobParams> ChainConfig::blob_params_at(uint64_t timestamp) const noexcept {
    const BlobScheduleEntry* best = nullptr;
    for (const auto& e : blob_schedule) {
        const ForkActivation* a = activation(e.fork);
        if (a == nullptr || a->trigger != ForkTrigger::kTimestamp || timestamp < a->at) continue;
        if (best == nullptr || static_cast<int>(e.fork) > static_cast<int>(best->fork)) best = &e;
    }
    if (best == nullptr) return std::nullopt;
    return best->params;
}

}  // namespace hypasis::chain
