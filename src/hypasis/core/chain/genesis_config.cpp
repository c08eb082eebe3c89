// The `config` object of a genesis.json (geth params.ChainConfig, plus Bor's and BSC's extensions).
#include <array>

#include "hypasis/core/chain/genesis_fields.hpp"

namespace hypasis::chain::detail {
namespace {

using Kind = JsonValue::Kind;

struct ForkKey {
    std::string_view key;
    Fork fork;
    ForkTrigger trigger;
};

constexpr ForkTrigger kB = ForkTrigger::kBlock;
constexpr ForkTrigger kT = ForkTrigger::kTimestamp;

/// Fields of the top-level config (geth's ChainConfig, Bor's ShanghaiBlock/CancunBlock/PragueBlock, BSC's
/// forks). All count for the fork id: geth, Bor and BSC gather them by reflection over `*Block` / `*Time` fields.
constexpr std::array<ForkKey, 52> kTopLevelForks{{
    {"homesteadBlock", Fork::kHomestead, kB},
    {"daoForkBlock", Fork::kDaoFork, kB},
    {"eip150Block", Fork::kEip150, kB},
    {"eip155Block", Fork::kEip155, kB},
    {"eip158Block", Fork::kEip158, kB},
    {"byzantiumBlock", Fork::kByzantium, kB},
    {"constantinopleBlock", Fork::kConstantinople, kB},
    {"petersburgBlock", Fork::kPetersburg, kB},
    {"istanbulBlock", Fork::kIstanbul, kB},
    {"muirGlacierBlock", Fork::kMuirGlacier, kB},
    {"berlinBlock", Fork::kBerlin, kB},
    {"londonBlock", Fork::kLondon, kB},
    {"arrowGlacierBlock", Fork::kArrowGlacier, kB},
    {"grayGlacierBlock", Fork::kGrayGlacier, kB},
    {"mergeNetsplitBlock", Fork::kMergeNetsplit, kB},
    {"shanghaiTime", Fork::kShanghai, kT},
    {"cancunTime", Fork::kCancun, kT},
    {"pragueTime", Fork::kPrague, kT},
    {"osakaTime", Fork::kOsaka, kT},
    {"bpo1Time", Fork::kBpo1, kT},
    {"bpo2Time", Fork::kBpo2, kT},
    {"bpo3Time", Fork::kBpo3, kT},
    {"bpo4Time", Fork::kBpo4, kT},
    {"bpo5Time", Fork::kBpo5, kT},
    {"amsterdamTime", Fork::kAmsterdam, kT},
    {"verkleTime", Fork::kVerkle, kT},
    // Bor schedules the Ethereum forks after London by block number.
    {"shanghaiBlock", Fork::kShanghai, kB},
    {"cancunBlock", Fork::kCancun, kB},
    {"pragueBlock", Fork::kPrague, kB},
    // BSC.
    {"ramanujanBlock", Fork::kRamanujan, kB},
    {"nielsBlock", Fork::kNiels, kB},
    {"mirrorSyncBlock", Fork::kMirrorSync, kB},
    {"brunoBlock", Fork::kBruno, kB},
    {"eulerBlock", Fork::kEuler, kB},
    {"nanoBlock", Fork::kNano, kB},
    {"moranBlock", Fork::kMoran, kB},
    {"gibbsBlock", Fork::kGibbs, kB},
    {"planckBlock", Fork::kPlanck, kB},
    {"lubanBlock", Fork::kLuban, kB},
    {"platoBlock", Fork::kPlato, kB},
    {"hertzBlock", Fork::kHertz, kB},
    {"hertzfixBlock", Fork::kHertzfix, kB},
    {"keplerTime", Fork::kKepler, kT},
    {"feynmanTime", Fork::kFeynman, kT},
    {"feynmanFixTime", Fork::kFeynmanFix, kT},
    {"haberTime", Fork::kHaber, kT},
    {"haberFixTime", Fork::kHaberFix, kT},
    {"bohrTime", Fork::kBohr, kT},
    {"pascalTime", Fork::kPascal, kT},
    {"lorentzTime", Fork::kLorentz, kT},
    {"maxwellTime", Fork::kMaxwell, kT},
    {"fermiTime", Fork::kFermi, kT},
}};

/// Fields of Bor's nested `bor` object. They do not count for the fork id: Bor's reflection over ChainConfig
/// does not descend into the nested struct.
constexpr std::array<ForkKey, 13> kBorForks{{
    {"jaipurBlock", Fork::kJaipur, kB},
    {"delhiBlock", Fork::kDelhi, kB},
    {"indoreBlock", Fork::kIndore, kB},
    {"agraBlock", Fork::kAgra, kB},
    {"napoliBlock", Fork::kNapoli, kB},
    {"ahmedabadBlock", Fork::kAhmedabad, kB},
    {"bhilaiBlock", Fork::kBhilai, kB},
    {"rioBlock", Fork::kRio, kB},
    {"madhugiriBlock", Fork::kMadhugiri, kB},
    {"madhugiriProBlock", Fork::kMadhugiriPro, kB},
    {"dandeliBlock", Fork::kDandeli, kB},
    {"lisovoBlock", Fork::kLisovo, kB},
    {"lisovoProBlock", Fork::kLisovoPro, kB},
}};

struct BlobKey {
    std::string_view key;
    Fork fork;
    bool required_when_scheduled;  ///< geth's CheckConfigForkOrder demands an entry when the fork has a time.
};

constexpr std::array<BlobKey, 10> kBlobKeys{{
    {"cancun", Fork::kCancun, true},
    {"prague", Fork::kPrague, true},
    {"osaka", Fork::kOsaka, true},
    {"verkle", Fork::kVerkle, false},
    {"bpo1", Fork::kBpo1, true},
    {"bpo2", Fork::kBpo2, true},
    {"bpo3", Fork::kBpo3, true},
    {"bpo4", Fork::kBpo4, true},
    {"bpo5", Fork::kBpo5, true},
    {"amsterdam", Fork::kAmsterdam, true},
}};

/// geth's CheckConfigForkOrder list: an optional fork may be left out; a mandatory one may not be left out when a
/// later fork is enabled.
struct OrderEntry {
    Fork fork;
    bool optional;
};

constexpr std::array<OrderEntry, 26> kForkOrder{{
    {Fork::kHomestead, false},
    {Fork::kDaoFork, true},
    {Fork::kEip150, false},
    {Fork::kEip155, false},
    {Fork::kEip158, false},
    {Fork::kByzantium, false},
    {Fork::kConstantinople, false},
    {Fork::kPetersburg, false},
    {Fork::kIstanbul, false},
    {Fork::kMuirGlacier, true},
    {Fork::kBerlin, false},
    {Fork::kLondon, false},
    {Fork::kArrowGlacier, true},
    {Fork::kGrayGlacier, true},
    {Fork::kMergeNetsplit, true},
    {Fork::kShanghai, false},
    {Fork::kCancun, true},
    {Fork::kPrague, true},
    {Fork::kOsaka, true},
    {Fork::kVerkle, true},
    {Fork::kBpo1, true},
    {Fork::kBpo2, true},
    {Fork::kBpo3, true},
    {Fork::kBpo4, true},
    {Fork::kBpo5, true},
    {Fork::kAmsterdam, true},
}};

/// The config key naming `a` (for errors), e.g. "config.londonBlock".
std::string fork_field(const ForkActivation& a) {
    std::string name(to_string(a.fork));
    name += a.trigger == ForkTrigger::kBlock ? "Block" : "Time";
    return join("config", name);
}

Parsed<void> read_forks(const JsonValue& obj, std::string_view prefix, const ForkKey* keys, std::size_t n,
                        bool in_fork_id, ChainConfig& out) {
    for (std::size_t i = 0; i < n; ++i) {
        const ForkKey& k = keys[i];
        const JsonValue* v = obj.find(k.key);
        if (v == nullptr || v->is_null()) continue;
        const std::string field = join(prefix, k.key);
        auto at = config_u64(*v, field);
        if (!at) return unexpected(std::move(at.error()));
        if (const ForkActivation* existing = out.activation(k.fork); existing != nullptr) {
            // Both shanghaiTime and shanghaiBlock (and the like): one fork cannot have two triggers.
            return fail(ChainErrc::kForkOrder, field);
        }
        out.set_fork(ForkActivation{k.fork, k.trigger, *at, in_fork_id});
    }
    return {};
}

Parsed<void> read_blob_schedule(const JsonValue& obj, ChainConfig& out) {
    const std::string prefix = "config.blobSchedule";
    if (!obj.is_object()) return fail(ChainErrc::kWrongType, prefix);
    for (const BlobKey& k : kBlobKeys) {
        const JsonValue* entry = obj.find(k.key);
        if (entry == nullptr || entry->is_null()) continue;
        const std::string field = join(prefix, k.key);
        if (!entry->is_object()) return fail(ChainErrc::kWrongType, field);
        BlobParams p;
        // Go zero-fills absent members; validate() then rejects a zero update fraction.
        for (auto [name, slot] : {std::pair{"target", &p.target}, std::pair{"max", &p.max},
                                  std::pair{"baseFeeUpdateFraction", &p.base_fee_update_fraction}}) {
            const JsonValue* v = entry->find(name);
            if (v == nullptr || v->is_null()) continue;
            auto n = config_u64(*v, join(field, name));
            if (!n) return unexpected(std::move(n.error()));
            *slot = *n;
        }
        if (p.base_fee_update_fraction == 0)
            return fail(ChainErrc::kInvalidValue, join(field, "baseFeeUpdateFraction"));
        out.set_blob_params(BlobScheduleEntry{k.fork, p});
    }
    return {};
}

/// geth's CheckConfigForkOrder: mandatory forks present up to the last enabled one, and non-decreasing
/// activation points among forks of the same trigger kind; then a blobSchedule entry for every blob fork that is
/// scheduled by time.
Parsed<void> check_fork_order(const ChainConfig& c) {
    const OrderEntry* last = nullptr;
    for (const OrderEntry& cur : kForkOrder) {
        const ForkActivation* cur_a = c.activation(cur.fork);
        if (last != nullptr) {
            const ForkActivation* last_a = c.activation(last->fork);
            if (last_a == nullptr && cur_a != nullptr) return fail(ChainErrc::kForkOrder, fork_field(*cur_a));
            if (last_a != nullptr && cur_a != nullptr) {
                if (last_a->trigger == cur_a->trigger && last_a->at > cur_a->at) {
                    return fail(ChainErrc::kForkOrder, fork_field(*cur_a));
                }
                if (last_a->trigger == ForkTrigger::kTimestamp && cur_a->trigger == ForkTrigger::kBlock) {
                    return fail(ChainErrc::kForkOrder, fork_field(*cur_a));
                }
            }
        }
        if (!cur.optional || cur_a != nullptr) last = &cur;
    }
    for (const BlobKey& k : kBlobKeys) {
        if (!k.required_when_scheduled) continue;
        const ForkActivation* a = c.activation(k.fork);
        if (a != nullptr && a->trigger == ForkTrigger::kTimestamp && c.blob_params_of(k.fork) == nullptr) {
            return fail(ChainErrc::kMissingBlobSchedule, join("config.blobSchedule", k.key));
        }
    }
    return {};
}

}  // namespace

Parsed<ChainConfig> parse_chain_config(const JsonValue& config) {
    if (!config.is_object()) return fail(ChainErrc::kWrongType, "config");
    ChainConfig out;

    const JsonValue* chain_id = config.find("chainId");
    if (chain_id == nullptr || chain_id->is_null()) return fail(ChainErrc::kMissingField, "config.chainId");
    auto id = config_u64(*chain_id, "config.chainId");
    if (!id) return unexpected(std::move(id.error()));
    out.chain_id = *id;

    if (auto r = read_forks(config, "config", kTopLevelForks.data(), kTopLevelForks.size(), true, out); !r) {
        return unexpected(std::move(r.error()));
    }

    if (const JsonValue* v = config.find("daoForkSupport"); v != nullptr && !v->is_null()) {
        if (v->kind != Kind::kBool) return fail(ChainErrc::kWrongType, "config.daoForkSupport");
        out.dao_fork_support = v->boolean;
    }
    if (const JsonValue* v = config.find("terminalTotalDifficulty"); v != nullptr && !v->is_null()) {
        auto ttd = config_u256(*v, "config.terminalTotalDifficulty");
        if (!ttd) return unexpected(std::move(ttd.error()));
        out.terminal_total_difficulty = *ttd;
    }
    if (const JsonValue* v = config.find("depositContractAddress"); v != nullptr && !v->is_null()) {
        auto a = prefixed_fixed<20>(*v, "config.depositContractAddress");
        if (!a) return unexpected(std::move(a.error()));
        out.deposit_contract = *a;
    }
    if (const JsonValue* v = config.find("blobSchedule"); v != nullptr && !v->is_null()) {
        if (auto r = read_blob_schedule(*v, out); !r) return unexpected(std::move(r.error()));
    }

    // The engine: geth keeps one pointer per engine; Bor and BSC add theirs. No engine object means a chain that
    // is proof of stake from the start.
    auto present = [&](std::string_view key) {
        const JsonValue* v = config.find(key);
        return v != nullptr && !v->is_null();
    };
    for (std::string_view key : {"ethash", "clique", "bor", "parlia"}) {
        const JsonValue* v = config.find(key);
        if (v != nullptr && !v->is_null() && !v->is_object()) return fail(ChainErrc::kWrongType, join("config", key));
    }
    if (present("bor")) {
        out.consensus = Consensus::kBor;
        if (auto r = read_forks(*config.find("bor"), "config.bor", kBorForks.data(), kBorForks.size(), false, out);
            !r) {
            return unexpected(std::move(r.error()));
        }
    } else if (present("parlia")) {
        out.consensus = Consensus::kParlia;
    } else if (present("clique")) {
        out.consensus = Consensus::kClique;
    } else if (present("ethash")) {
        out.consensus = Consensus::kEthash;
    } else {
        out.consensus = Consensus::kBeacon;
    }
    if (auto r = check_fork_order(out); !r) return unexpected(std::move(r.error()));
    return out;
}

}  // namespace hypasis::chain::detail
