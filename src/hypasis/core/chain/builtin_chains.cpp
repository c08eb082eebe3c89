// The built-in chains. Facts (numbers, times, hashes) come from public sources named at each table; the tables
// themselves are written here.
#include <array>
#include <utility>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/chain/genesis.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::chain {
namespace {

constexpr ForkTrigger kB = ForkTrigger::kBlock;
constexpr ForkTrigger kT = ForkTrigger::kTimestamp;

/// A hash or address literal. Only ever called on the literals below, so a bad one is a bug caught by the tests
/// (every built-in genesis hash is checked there).
template <std::size_t N>
FixedBytes<N> lit(std::string_view hex) {
    return fixed_from_hex<N>(hex).value_or(FixedBytes<N>{});
}

void add_forks(ChainConfig& c, std::initializer_list<std::pair<Fork, uint64_t>> forks, ForkTrigger trigger,
               bool in_fork_id = true) {
    for (const auto& [fork, at] : forks) c.set_fork(ForkActivation{fork, trigger, at, in_fork_id});
}

/// Every Ethereum fork before Shanghai at block 0 (the test networks launched with them active).
void add_all_block_forks_at_genesis(ChainConfig& c) {
    add_forks(c,
              {{Fork::kHomestead, 0},
               {Fork::kEip150, 0},
               {Fork::kEip155, 0},
               {Fork::kEip158, 0},
               {Fork::kByzantium, 0},
               {Fork::kConstantinople, 0},
               {Fork::kPetersburg, 0},
               {Fork::kIstanbul, 0},
               {Fork::kMuirGlacier, 0},
               {Fork::kBerlin, 0},
               {Fork::kLondon, 0}},
              kB);
}

/// Ethereum's blob schedule through BPO2 (geth params/config.go Default*BlobConfig).
void add_ethereum_blob_schedule(ChainConfig& c) {
    c.set_blob_params({Fork::kCancun, kCancunBlobParams});
    c.set_blob_params({Fork::kPrague, kPragueBlobParams});
    c.set_blob_params({Fork::kOsaka, kOsakaBlobParams});
    c.set_blob_params({Fork::kBpo1, kBpo1BlobParams});
    c.set_blob_params({Fork::kBpo2, kBpo2BlobParams});
}

void set_genesis(ChainSpec& s, Genesis g, const Hash& state_root) {
    g.config = s.config;
    s.genesis_timestamp = g.timestamp;
    s.genesis_header = genesis_header(g, state_root);
}

// Ethereum mainnet. Source: go-ethereum params/config.go (MainnetChainConfig, MainnetGenesisHash) and
// core/genesis.go (DefaultGenesisBlock); merge block 15537394 is the first proof-of-stake block.
ChainSpec make_mainnet() {
    ChainSpec s;
    s.name = "mainnet";
    s.network_id = 1;
    ChainConfig& c = s.config;
    c.chain_id = 1;
    c.consensus = Consensus::kEthash;
    c.dao_fork_support = true;
    add_forks(c,
              {{Fork::kHomestead, 1'150'000},
               {Fork::kDaoFork, 1'920'000},
               {Fork::kEip150, 2'463'000},
               {Fork::kEip155, 2'675'000},
               {Fork::kEip158, 2'675'000},
               {Fork::kByzantium, 4'370'000},
               {Fork::kConstantinople, 7'280'000},
               {Fork::kPetersburg, 7'280'000},
               {Fork::kIstanbul, 9'069'000},
               {Fork::kMuirGlacier, 9'200'000},
               {Fork::kBerlin, 12'244'000},
               {Fork::kLondon, 12'965'000},
               {Fork::kArrowGlacier, 13'773'000},
               {Fork::kGrayGlacier, 15'050'000}},
              kB);
    add_forks(c,
              {{Fork::kShanghai, 1681338455},
               {Fork::kCancun, 1710338135},
               {Fork::kPrague, 1746612311},
               {Fork::kOsaka, 1764798551},
               {Fork::kBpo1, 1765290071},
               {Fork::kBpo2, 1767747671}},
              kT);
    add_ethereum_blob_schedule(c);
    c.terminal_total_difficulty = U256::from_string("58750000000000000000000");
    c.merge_block = 15'537'394;
    c.deposit_contract = lit<20>("0x00000000219ab540356cbb839cbe05303d7705fa");
    s.genesis_hash = lit<32>("0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3");
    Genesis g;
    g.nonce = 66;
    g.extra_data = *from_hex("0x11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa");
    g.gas_limit = 5000;
    g.difficulty = U256{17'179'869'184};
    set_genesis(s, std::move(g), lit<32>("0xd7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"));
    return s;
}

// Sepolia. Source: go-ethereum params/config.go (SepoliaChainConfig, SepoliaGenesisHash), core/genesis.go
// (DefaultSepoliaGenesisBlock); genesis state root from ethereumjs common (ChainGenesis); merge block 1450409.
ChainSpec make_sepolia() {
    ChainSpec s;
    s.name = "sepolia";
    s.network_id = 11155111;
    ChainConfig& c = s.config;
    c.chain_id = 11155111;
    c.consensus = Consensus::kEthash;
    c.dao_fork_support = true;
    add_all_block_forks_at_genesis(c);
    add_forks(c, {{Fork::kMergeNetsplit, 1'735'371}}, kB);
    add_forks(c,
              {{Fork::kShanghai, 1677557088},
               {Fork::kCancun, 1706655072},
               {Fork::kPrague, 1741159776},
               {Fork::kOsaka, 1760427360},
               {Fork::kBpo1, 1761017184},
               {Fork::kBpo2, 1761607008}},
              kT);
    add_ethereum_blob_schedule(c);
    c.terminal_total_difficulty = U256{17'000'000'000'000'000};
    c.merge_block = 1'450'409;
    c.deposit_contract = lit<20>("0x7f02c3e3c98b133055b8b348b2ac625669ed295d");
    s.genesis_hash = lit<32>("0x25a5cc106eea7138acab33231d7160d69cb777ee0c2c553fcddf5138993e6dd9");
    Genesis g;
    const std::string_view extra = "Sepolia, Athens, Attica, Greece!";
    g.extra_data.assign(extra.begin(), extra.end());
    g.gas_limit = 0x1c9c380;
    g.difficulty = U256{0x20000};
    g.timestamp = 1633267481;
    set_genesis(s, std::move(g), lit<32>("0x5eb6e371a698b8d68f665192350ffcecbbbf322916f4b51bd79bb6887da3f494"));
    return s;
}

// Hoodi. Source: go-ethereum params/config.go (HoodiChainConfig, HoodiGenesisHash), core/genesis.go
// (DefaultHoodiGenesisBlock); genesis state root from ethereumjs common (ChainGenesis). Merged at genesis.
ChainSpec make_hoodi() {
    ChainSpec s;
    s.name = "hoodi";
    s.network_id = 560048;
    ChainConfig& c = s.config;
    c.chain_id = 560048;
    c.consensus = Consensus::kBeacon;
    c.dao_fork_support = true;
    add_all_block_forks_at_genesis(c);
    add_forks(c, {{Fork::kMergeNetsplit, 0}}, kB);
    add_forks(c,
              {{Fork::kShanghai, 0},
               {Fork::kCancun, 0},
               {Fork::kPrague, 1742999832},
               {Fork::kOsaka, 1761677592},
               {Fork::kBpo1, 1762365720},
               {Fork::kBpo2, 1762955544}},
              kT);
    add_ethereum_blob_schedule(c);
    c.terminal_total_difficulty = U256{0};
    c.merge_block = 0;
    c.deposit_contract = lit<20>("0x00000000219ab540356cBB839Cbe05303d7705Fa");
    s.genesis_hash = lit<32>("0xbbe312868b376a3001692a646dd2d7d1e4406380dfd86b98aa8a34d1557c971b");
    Genesis g;
    g.nonce = 0x1234;
    g.gas_limit = 0x2255100;
    g.difficulty = U256{1};
    g.timestamp = 1742212800;
    set_genesis(s, std::move(g), lit<32>("0xda87d7f5f91c51508791bbcbd4aa5baf04917830b86985eeb9ad3d5bfb657576"));
    return s;
}

// Polygon PoS mainnet. Source: bor internal/cli/server/chains/mainnet.go and params/config.go
// (BorMainnetGenesisHash); Rio and later from the bor mainnet config as mirrored by ethrex's Polygon port, Rio
// cross-checked against heimdall-v2's tests. Agra and Napoli are the Shanghai and Cancun blocks.
ChainSpec make_polygon() {
    ChainSpec s;
    s.name = "polygon";
    s.network_id = 137;
    ChainConfig& c = s.config;
    c.chain_id = 137;
    c.consensus = Consensus::kBor;
    c.dao_fork_support = true;
    add_forks(c,
              {{Fork::kHomestead, 0},
               {Fork::kEip150, 0},
               {Fork::kEip155, 0},
               {Fork::kEip158, 0},
               {Fork::kByzantium, 0},
               {Fork::kConstantinople, 0},
               {Fork::kPetersburg, 0},
               {Fork::kIstanbul, 3'395'000},
               {Fork::kMuirGlacier, 3'395'000},
               {Fork::kBerlin, 14'750'000},
               {Fork::kLondon, 23'850'000},
               {Fork::kShanghai, 50'523'000},
               {Fork::kCancun, 54'876'000},
               {Fork::kPrague, 73'440'256}},
              kB);
    add_forks(c,
              {{Fork::kJaipur, 23'850'000},
               {Fork::kDelhi, 38'189'056},
               {Fork::kIndore, 44'934'656},
               {Fork::kAgra, 50'523'000},
               {Fork::kNapoli, 54'876'000},
               {Fork::kAhmedabad, 62'278'656},
               {Fork::kBhilai, 73'440'256},
               {Fork::kRio, 77'414'656},
               {Fork::kMadhugiri, 80'084'800},
               {Fork::kMadhugiriPro, 80'084'800},
               {Fork::kDandeli, 81'424'000},
               {Fork::kLisovo, 83'756'500},
               {Fork::kLisovoPro, 83'756'500}},
              kB, /*in_fork_id=*/false);
    s.genesis_hash = lit<32>("0xa9c28ce2141b56c474f1dc504bee9b01eb1bd7d1a507580d5519d4437a97de1b");
    s.genesis_timestamp = 1590824836;
    return s;
}

// Polygon Amoy testnet. Source: bor internal/cli/server/chains/amoy.go and params/config.go (AmoyGenesisHash);
// Rio and later as for mainnet.
ChainSpec make_amoy() {
    ChainSpec s;
    s.name = "amoy";
    s.network_id = 80002;
    ChainConfig& c = s.config;
    c.chain_id = 80002;
    c.consensus = Consensus::kBor;
    c.dao_fork_support = true;
    add_forks(c,
              {{Fork::kHomestead, 0},
               {Fork::kEip150, 0},
               {Fork::kEip155, 0},
               {Fork::kEip158, 0},
               {Fork::kByzantium, 0},
               {Fork::kConstantinople, 0},
               {Fork::kPetersburg, 0},
               {Fork::kIstanbul, 0},
               {Fork::kMuirGlacier, 0},
               {Fork::kBerlin, 0},
               {Fork::kLondon, 73'100},
               {Fork::kShanghai, 73'100},
               {Fork::kCancun, 5'423'600},
               {Fork::kPrague, 22'765'056}},
              kB);
    add_forks(c,
              {{Fork::kJaipur, 73'100},
               {Fork::kDelhi, 73'100},
               {Fork::kIndore, 73'100},
               {Fork::kAgra, 73'100},
               {Fork::kNapoli, 5'423'600},
               {Fork::kAhmedabad, 11'865'856},
               {Fork::kBhilai, 22'765'056},
               {Fork::kRio, 26'272'256},
               {Fork::kMadhugiri, 28'899'616},
               {Fork::kMadhugiriPro, 29'287'400},
               {Fork::kDandeli, 31'890'000},
               {Fork::kLisovo, 33'634'700},
               {Fork::kLisovoPro, 34'062'000}},
              kB, /*in_fork_id=*/false);
    s.genesis_hash = lit<32>("0x7202b2b53c5a0836e773e319d18922cc756dd67432f9a1f65352b61f4406c697");
    s.genesis_timestamp = 1700225065;
    return s;
}

// BNB Smart Chain mainnet. Source: bnb-chain/bsc params/config.go (BSCChainConfig as of v1.5.17, BSCGenesisHash,
// DefaultPragueBlobConfigBSC = the Cancun parameters); genesis timestamp 0x5e9da7ce from bsc's genesis
// template. Fermi and later are not scheduled there yet.
ChainSpec make_bsc() {
    ChainSpec s;
    s.name = "bsc";
    s.network_id = 56;
    ChainConfig& c = s.config;
    c.chain_id = 56;
    c.consensus = Consensus::kParlia;
    add_forks(c, {{Fork::kHomestead, 0},       {Fork::kEip150, 0},         {Fork::kEip155, 0},
                  {Fork::kEip158, 0},          {Fork::kByzantium, 0},      {Fork::kConstantinople, 0},
                  {Fork::kPetersburg, 0},      {Fork::kIstanbul, 0},       {Fork::kMuirGlacier, 0},
                  {Fork::kRamanujan, 0},       {Fork::kNiels, 0},          {Fork::kMirrorSync, 5'184'000},
                  {Fork::kBruno, 13'082'000},  {Fork::kEuler, 18'907'621}, {Fork::kNano, 21'962'149},
                  {Fork::kMoran, 22'107'423},  {Fork::kGibbs, 23'846'001}, {Fork::kPlanck, 27'281'024},
                  {Fork::kLuban, 29'020'050},  {Fork::kPlato, 30'720'096}, {Fork::kBerlin, 31'302'048},
                  {Fork::kLondon, 31'302'048}, {Fork::kHertz, 31'302'048}, {Fork::kHertzfix, 34'140'700}},
              kB);
    add_forks(c,
              {{Fork::kShanghai, 1705996800},
               {Fork::kKepler, 1705996800},
               {Fork::kFeynman, 1713419340},
               {Fork::kFeynmanFix, 1713419340},
               {Fork::kCancun, 1718863500},
               {Fork::kHaber, 1718863500},
               {Fork::kHaberFix, 1727316120},
               {Fork::kBohr, 1727317200},
               {Fork::kPascal, 1742436600},
               {Fork::kPrague, 1742436600},
               {Fork::kLorentz, 1745903100},
               {Fork::kMaxwell, 1751250600}},
              kT);
    c.set_blob_params({Fork::kCancun, kCancunBlobParams});
    c.set_blob_params({Fork::kPrague, kCancunBlobParams});
    s.genesis_hash = lit<32>("0x0d21840abff46b96c84b2ac9e10e4f5cdaeb5693cb665db62a2f3b02d2d57b5b");
    s.genesis_timestamp = 0x5e9da7ce;
    return s;
}

constexpr std::array<std::string_view, 6> kNames{"mainnet", "sepolia", "hoodi", "polygon", "amoy", "bsc"};

const std::array<ChainSpec, 6>& specs() {
    static const std::array<ChainSpec, 6> all{make_mainnet(), make_sepolia(), make_hoodi(),
                                              make_polygon(), make_amoy(),    make_bsc()};
    return all;
}

}  // namespace

const ChainSpec* builtin_chain(std::string_view name) noexcept {
    if (name == "bor-mainnet") name = "polygon";
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) return &specs()[i];
    }
    return nullptr;
}

std::span<const std::string_view> builtin_chain_names() noexcept { return kNames; }

}  // namespace hypasis::chain
