#include "hypasis/core/chain/chain_spec.hpp"

#include <gtest/gtest.h>

#include "hypasis/core/chain/genesis.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::chain {
namespace {

std::string hex(const Hash& h) { return to_hex(ByteView{h.data(), h.size()}); }

TEST(ChainSpec, BuiltinNamesAndAliases) {
    const auto names = builtin_chain_names();
    ASSERT_EQ(names.size(), 6u);
    for (std::string_view n : names) {
        const ChainSpec* s = builtin_chain(n);
        ASSERT_NE(s, nullptr) << n;
        EXPECT_EQ(s->name, n);
    }
    EXPECT_EQ(builtin_chain("bor-mainnet"), builtin_chain("polygon"));
    EXPECT_EQ(builtin_chain("Mainnet"), nullptr);
    EXPECT_EQ(builtin_chain("goerli"), nullptr);
    EXPECT_EQ(builtin_chain(""), nullptr);
}

// Chain ids and genesis hashes: go-ethereum params/config.go, bor params/config.go, bsc params/config.go.
TEST(ChainSpec, BuiltinIdentities) {
    struct Expect {
        std::string_view name;
        uint64_t chain_id;
        std::string_view genesis;
        Consensus consensus;
    };
    for (const Expect& e : {
             Expect{"mainnet", 1, "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
                    Consensus::kEthash},
             Expect{"sepolia", 11155111, "0x25a5cc106eea7138acab33231d7160d69cb777ee0c2c553fcddf5138993e6dd9",
                    Consensus::kEthash},
             Expect{"hoodi", 560048, "0xbbe312868b376a3001692a646dd2d7d1e4406380dfd86b98aa8a34d1557c971b",
                    Consensus::kBeacon},
             Expect{"polygon", 137, "0xa9c28ce2141b56c474f1dc504bee9b01eb1bd7d1a507580d5519d4437a97de1b",
                    Consensus::kBor},
             Expect{"amoy", 80002, "0x7202b2b53c5a0836e773e319d18922cc756dd67432f9a1f65352b61f4406c697",
                    Consensus::kBor},
             Expect{"bsc", 56, "0x0d21840abff46b96c84b2ac9e10e4f5cdaeb5693cb665db62a2f3b02d2d57b5b",
                    Consensus::kParlia},
         }) {
        const ChainSpec* s = builtin_chain(e.name);
        ASSERT_NE(s, nullptr);
        EXPECT_EQ(s->chain_id(), e.chain_id) << e.name;
        EXPECT_EQ(s->network_id, e.chain_id) << e.name;
        EXPECT_EQ(hex(s->genesis_hash), e.genesis) << e.name;
        EXPECT_EQ(s->config.consensus, e.consensus) << e.name;
    }
}

// The embedded genesis headers (fields from geth's Default*GenesisBlock, state roots from ethereumjs) must hash
// to the published genesis hashes. This exercises genesis_header(): mainnet is Frontier (15 fields), Sepolia
// London at genesis (16 fields, base fee 1 gwei), Hoodi Cancun at genesis (20 fields).
TEST(ChainSpec, EmbeddedGenesisHeadersHashToGenesisHash) {
    for (auto [name, fields] : {std::pair{"mainnet", 15u}, std::pair{"sepolia", 16u}, std::pair{"hoodi", 20u}}) {
        const ChainSpec* s = builtin_chain(name);
        ASSERT_TRUE(s->genesis_header.has_value()) << name;
        EXPECT_EQ(hex(hash_of(*s->genesis_header)), hex(s->genesis_hash)) << name;
        EXPECT_EQ(field_count(*s->genesis_header), fields) << name;
    }
    const BlockHeader& hoodi = *builtin_chain("hoodi")->genesis_header;
    EXPECT_EQ(hoodi.base_fee_per_gas, U256{1'000'000'000});
    EXPECT_EQ(hoodi.blob_gas_used, 0u);
    EXPECT_EQ(hoodi.excess_blob_gas, 0u);
    EXPECT_EQ(hoodi.parent_beacon_block_root, Hash{});
    EXPECT_FALSE(hoodi.requests_hash.has_value());  // Prague came later.
    for (const char* name : {"polygon", "amoy", "bsc"}) EXPECT_FALSE(builtin_chain(name)->genesis_header) << name;
}

// ethereum/tests BasicTests/genesishashestest.json: the full mainnet genesis block RLP, state root and hash.
TEST(ChainSpec, MainnetGenesisMatchesEthereumTests) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/BasicTests/genesishashestest.json");
    const auto doc = test::read_json(path).as_object();
    const ChainSpec* mainnet = builtin_chain("mainnet");
    const BlockHeader& h = *mainnet->genesis_header;
    EXPECT_EQ(hex(h.state_root), "0x" + std::string(doc.at("genesis_state_root").as_string()));
    EXPECT_EQ(hex(mainnet->genesis_hash), "0x" + std::string(doc.at("genesis_hash").as_string()));
    // The block is RLP([header, txs, ommers]); its first item must be our header's encoding byte for byte.
    const Bytes block = *from_hex(doc.at("genesis_rlp_hex").as_string());
    ByteView in{block};
    auto list = rlp::decode_list(in);
    ASSERT_TRUE(list);
    ByteView items = *list;
    auto header_item = rlp::decode_raw_item(items);
    ASSERT_TRUE(header_item);
    EXPECT_EQ(to_hex(*header_item), to_hex(encode(h)));
    EXPECT_EQ(to_hex(ByteView{items}), "0xc0c0");  // no transactions, no ommers
}

TEST(ChainSpec, MainnetBlockForkBoundaries) {
    const ChainSpec& m = *builtin_chain("mainnet");
    EXPECT_FALSE(m.is_london(12'964'999));
    EXPECT_TRUE(m.is_london(12'965'000));
    EXPECT_FALSE(m.config.is_homestead(1'149'999));
    EXPECT_TRUE(m.config.is_homestead(1'150'000));
    EXPECT_TRUE(m.config.is_byzantium(4'370'000));
    EXPECT_FALSE(m.config.is_berlin(12'243'999));
    EXPECT_TRUE(m.is_active(Fork::kDaoFork, 1'920'000, 0));
    EXPECT_FALSE(m.is_active(Fork::kMergeNetsplit, 30'000'000, 0));  // not scheduled on mainnet
    EXPECT_TRUE(m.config.dao_fork_support);
}

TEST(ChainSpec, TimestampForksNeedLondon) {
    const ChainSpec& m = *builtin_chain("mainnet");
    EXPECT_FALSE(m.is_shanghai(17'034'870, 1'681'338'454));
    EXPECT_TRUE(m.is_shanghai(17'034'870, 1'681'338'455));
    // geth's IsShanghai is IsLondon(num) && time >= ShanghaiTime: a pre-London number never qualifies.
    EXPECT_FALSE(m.is_shanghai(12'964'999, 1'800'000'000));
    EXPECT_TRUE(m.is_cancun(19'426'587, 1'710'338'135));
    EXPECT_FALSE(m.is_prague(22'431'083, 1'746'612'299));
    EXPECT_TRUE(m.is_prague(22'431'084, 1'746'612'311));
    EXPECT_TRUE(m.config.is_osaka(23'000'000, 1'764'798'551));
    EXPECT_FALSE(m.config.is_osaka(23'000'000, 1'764'798'550));
}

TEST(ChainSpec, MergeAndConsensus) {
    const ChainConfig& m = builtin_chain("mainnet")->config;
    EXPECT_FALSE(m.is_post_merge(15'537'393, 1'663'224'162));
    EXPECT_TRUE(m.is_post_merge(15'537'394, 1'663'224'179));
    EXPECT_EQ(m.consensus_at(15'537'393, 0), Consensus::kEthash);
    EXPECT_EQ(m.consensus_at(15'537'394, 0), Consensus::kBeacon);
    EXPECT_EQ(m.terminal_total_difficulty, U256::from_string("58750000000000000000000"));
    const ChainConfig& hoodi = builtin_chain("hoodi")->config;
    EXPECT_TRUE(hoodi.is_post_merge(0, 0));
    EXPECT_EQ(builtin_chain("sepolia")->config.consensus_at(1'450'409, 0), Consensus::kBeacon);
    EXPECT_EQ(builtin_chain("sepolia")->config.consensus_at(1'450'408, 0), Consensus::kEthash);
    // BSC schedules Shanghai by time but never merged.
    const ChainConfig& bsc = builtin_chain("bsc")->config;
    EXPECT_EQ(bsc.consensus_at(50'000'000, 1'800'000'000), Consensus::kParlia);
    EXPECT_FALSE(bsc.is_post_merge(50'000'000, 1'800'000'000));
}

TEST(ChainSpec, PolygonSchedulesEverythingByBlock) {
    const ChainSpec& p = *builtin_chain("polygon");
    EXPECT_FALSE(p.is_shanghai(50'522'999, 0));
    EXPECT_TRUE(p.is_shanghai(50'523'000, 0));  // block-activated: the timestamp does not matter
    EXPECT_TRUE(p.is_cancun(54'876'000, 0));
    EXPECT_TRUE(p.is_prague(73'440'256, 0));
    EXPECT_TRUE(p.is_active(Fork::kAgra, 50'523'000, 0));
    EXPECT_TRUE(p.is_active(Fork::kBhilai, 73'440'256, 0));
    EXPECT_FALSE(p.is_active(Fork::kRio, 77'414'655, 0));
    EXPECT_TRUE(p.is_active(Fork::kRio, 77'414'656, 0));
    EXPECT_TRUE(p.is_active(Fork::kLisovoPro, 83'756'500, 0));
    EXPECT_FALSE(p.blob_params_at(2'000'000'000));
    const ChainSpec& amoy = *builtin_chain("amoy");
    EXPECT_FALSE(amoy.is_london(73'099));
    EXPECT_TRUE(amoy.is_london(73'100));
    EXPECT_TRUE(amoy.is_active(Fork::kMadhugiriPro, 29'287'400, 0));
}

TEST(ChainSpec, BscForks) {
    const ChainSpec& b = *builtin_chain("bsc");
    EXPECT_TRUE(b.is_london(31'302'048));
    EXPECT_TRUE(b.is_active(Fork::kHertz, 31'302'048, 0));
    EXPECT_FALSE(b.is_active(Fork::kKepler, 31'302'048, 1'705'996'799));
    EXPECT_TRUE(b.is_active(Fork::kKepler, 35'000'000, 1'705'996'800));
    EXPECT_FALSE(b.is_active(Fork::kKepler, 31'000'000, 1'705'996'800));  // before London: no time fork
    EXPECT_TRUE(b.is_active(Fork::kMaxwell, 50'000'000, 1'751'250'600));
    EXPECT_FALSE(b.is_active(Fork::kFermi, 80'000'000, 2'000'000'000));  // not scheduled
}

TEST(ChainSpec, BlobScheduleMainnet) {
    const ChainSpec& m = *builtin_chain("mainnet");
    EXPECT_FALSE(m.blob_params_at(1'710'338'134));
    EXPECT_EQ(m.blob_params_at(1'710'338'135), (BlobParams{3, 6, 3338477}));
    EXPECT_EQ(m.blob_params_at(1'746'612'310), (BlobParams{3, 6, 3338477}));
    EXPECT_EQ(m.blob_params_at(1'746'612'311), (BlobParams{6, 9, 5007716}));
    EXPECT_EQ(m.blob_params_at(1'764'798'551), (BlobParams{6, 9, 5007716}));  // Osaka keeps Prague's numbers
    EXPECT_EQ(m.blob_params_at(1'765'290'070), (BlobParams{6, 9, 5007716}));
    EXPECT_EQ(m.blob_params_at(1'765'290'071), (BlobParams{10, 15, 8346193}));
    EXPECT_EQ(m.blob_params_at(1'767'747'671), (BlobParams{14, 21, 11684671}));
    EXPECT_EQ(m.blob_params_at(4'000'000'000), (BlobParams{14, 21, 11684671}));
}

TEST(ChainSpec, BlobScheduleTestnetsAndBsc) {
    const ChainSpec& s = *builtin_chain("sepolia");
    EXPECT_EQ(s.blob_params_at(1'706'655'072), (BlobParams{3, 6, 3338477}));
    EXPECT_EQ(s.blob_params_at(1'761'017'184), (BlobParams{10, 15, 8346193}));
    EXPECT_EQ(s.blob_params_at(1'761'607'008), (BlobParams{14, 21, 11684671}));
    const ChainSpec& h = *builtin_chain("hoodi");
    EXPECT_EQ(h.blob_params_at(1'742'212'800), (BlobParams{3, 6, 3338477}));  // Cancun from genesis
    EXPECT_EQ(h.blob_params_at(1'762'955'544), (BlobParams{14, 21, 11684671}));
    const ChainSpec& b = *builtin_chain("bsc");
    EXPECT_FALSE(b.blob_params_at(1'718'863'499));
    EXPECT_EQ(b.blob_params_at(1'718'863'500), (BlobParams{3, 6, 3338477}));
    EXPECT_EQ(b.blob_params_at(1'742'436'600), (BlobParams{3, 6, 3338477}));  // BSC's Prague keeps Cancun's
}

TEST(ChainSpec, SetForkReplaces) {
    ChainConfig c;
    c.set_fork({Fork::kLondon, ForkTrigger::kBlock, 10});
    c.set_fork({Fork::kLondon, ForkTrigger::kBlock, 20});
    ASSERT_EQ(c.forks.size(), 1u);
    EXPECT_EQ(c.activation(Fork::kLondon)->at, 20u);
    EXPECT_EQ(c.activation(Fork::kBerlin), nullptr);
    EXPECT_FALSE(c.is_london(19));
    EXPECT_TRUE(c.is_london(20));
    c.set_blob_params({Fork::kCancun, {1, 2, 3}});
    c.set_blob_params({Fork::kCancun, {4, 5, 6}});
    ASSERT_EQ(c.blob_schedule.size(), 1u);
    EXPECT_EQ(*c.blob_params_of(Fork::kCancun), (BlobParams{4, 5, 6}));
    EXPECT_FALSE(c.blob_params_at(100));  // Cancun is not scheduled, so its parameters never apply
}

TEST(ChainSpec, Names) {
    EXPECT_EQ(to_string(Fork::kHomestead), "homestead");
    EXPECT_EQ(to_string(Fork::kMuirGlacier), "muirGlacier");
    EXPECT_EQ(to_string(Fork::kBpo2), "bpo2");
    EXPECT_EQ(to_string(Fork::kLisovoPro), "lisovoPro");
    EXPECT_EQ(to_string(Fork::kHertzfix), "hertzfix");
    EXPECT_EQ(to_string(Fork::kFermi), "fermi");
    EXPECT_EQ(to_string(Consensus::kParlia), "parlia");
    EXPECT_EQ(to_string(Consensus::kBeacon), "beacon");
}

}  // namespace
}  // namespace hypasis::chain
