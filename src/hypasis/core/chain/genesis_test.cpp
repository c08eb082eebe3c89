#include "hypasis/core/chain/genesis.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <string>

#include "hypasis/core/chain/crc32.hpp"
#include "hypasis/core/chain/fork_id.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/trie/trie.hpp"

namespace hypasis::chain {
namespace {

std::string hex(ByteView b) { return to_hex(b); }
std::string hex(const Hash& h) { return to_hex(ByteView{h.data(), h.size()}); }
Address addr(std::string_view h) { return fixed_from_hex<20>(h).value(); }
Hash word(std::string_view h) { return fixed_from_hex<32>(h).value(); }

constexpr std::string_view kMergedForks = R"("homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0,
    "eip158Block": 0, "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0,
    "istanbulBlock": 0, "berlinBlock": 0, "londonBlock": 0, "terminalTotalDifficulty": 0)";

constexpr std::string_view kBlobSchedule = R"("blobSchedule": {
    "cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477},
    "prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716}})";

/// A small valid genesis: `config` is the body of the config object after chainId; `top` is appended after the
/// required top-level fields (a repeated key overrides: the last occurrence wins, as in geth).
std::string doc(std::string_view config, std::string_view top = "", std::string_view alloc = "{}") {
    std::string s = R"({"config": {"chainId": 1337)";
    if (!config.empty()) s += std::string(", ") + std::string(config);
    s += R"(}, "gasLimit": "0x1c9c380", "difficulty": "0x0", "alloc": )";
    s += alloc;
    if (!top.empty()) s += std::string(", ") + std::string(top);
    s += "}";
    return s;
}

Genesis parse_ok(const std::string& json) {
    auto g = parse_genesis_json(json);
    EXPECT_TRUE(g) << (g ? "" : to_string(g.error())) << "\n" << json;
    return g ? *g : Genesis{};
}

ChainError parse_err(const std::string& json) {
    auto g = parse_genesis_json(json);
    EXPECT_FALSE(g) << json;
    return g ? ChainError{} : g.error();
}

TEST(Genesis, WellKnownConstants) {
    uint8_t sha[SHA256_DIGEST_LENGTH];
    SHA256(nullptr, 0, sha);
    EXPECT_EQ(hex(kEmptyRequestsHash), hex(ByteView{sha, sizeof sha}));
    const uint8_t empty_list = 0xc0;
    EXPECT_EQ(hex(kEmptyOmmersHash), hex(crypto::keccak256(ByteView{&empty_list, 1})));
}

// A Prague-at-genesis devnet: every fork header field present, defaults where the file is silent.
TEST(Genesis, PragueDevnetWithAlloc) {
    const std::string json = R"({
      "config": {"chainId": 3151908, )" +
                             std::string(kMergedForks) + R"(, "mergeNetsplitBlock": 0,
                 "shanghaiTime": 0, "cancunTime": 0, "pragueTime": 0, "osakaTime": 1900000000,
                 "depositContractAddress": "0x00000000219ab540356cbb839cbe05303d7705fa",
                 "blobSchedule": {
                   "cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477},
                   "prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716},
                   "osaka": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716}}},
      "nonce": "0x0", "timestamp": 1700000000, "extraData": "0xabcd", "gasLimit": 60000000,
      "difficulty": "0", "mixHash": "0x1111111111111111111111111111111111111111111111111111111111111111",
      "coinbase": "0x2222222222222222222222222222222222222222",
      "alloc": {
        "0x00000000000000000000000000000000000000aa": {"balance": "1000000000000000000"},
        "bb000000000000000000000000000000000000bb": {
          "balance": "0x10", "nonce": "0x1", "code": "0x6001600055",
          "storage": {"0x01": "0x02", "0x0000000000000000000000000000000000000000000000000000000000000003": "0xff00"}}
      }})";
    const Genesis g = parse_ok(json);
    EXPECT_EQ(g.config.chain_id, 3151908u);
    EXPECT_EQ(g.config.consensus, Consensus::kBeacon);  // no engine object
    EXPECT_EQ(g.config.terminal_total_difficulty, U256{0});
    EXPECT_EQ(g.config.deposit_contract, addr("0x00000000219ab540356cbb839cbe05303d7705fa"));
    ASSERT_NE(g.config.activation(Fork::kOsaka), nullptr);
    EXPECT_EQ(g.config.activation(Fork::kOsaka)->trigger, ForkTrigger::kTimestamp);
    EXPECT_EQ(g.config.activation(Fork::kOsaka)->at, 1900000000u);
    EXPECT_EQ(g.config.blob_params_at(1700000000), (BlobParams{6, 9, 5007716}));
    EXPECT_EQ(g.timestamp, 1700000000u);
    EXPECT_EQ(g.gas_limit, 60000000u);
    EXPECT_EQ(hex(g.extra_data), "0xabcd");
    ASSERT_EQ(g.alloc.size(), 2u);
    const GenesisAccount& a = g.alloc.at(addr("0x00000000000000000000000000000000000000aa"));
    EXPECT_EQ(a.balance, U256::from_string("1000000000000000000"));
    const GenesisAccount& b = g.alloc.at(addr("0xbb000000000000000000000000000000000000bb"));
    EXPECT_EQ(b.balance, U256{16});
    EXPECT_EQ(b.nonce, 1u);
    EXPECT_EQ(hex(b.code), "0x6001600055");
    EXPECT_EQ(b.storage.at(word("0x0000000000000000000000000000000000000000000000000000000000000001")),
              word("0x0000000000000000000000000000000000000000000000000000000000000002"));
    EXPECT_EQ(b.storage.at(word("0x0000000000000000000000000000000000000000000000000000000000000003")),
              word("0x000000000000000000000000000000000000000000000000000000000000ff00"));

    const BlockHeader h = genesis_header(g);
    EXPECT_EQ(field_count(h), 21u);
    EXPECT_EQ(h.number, 0u);
    EXPECT_EQ(h.difficulty, U256{0});
    EXPECT_EQ(h.mix_hash, word("0x1111111111111111111111111111111111111111111111111111111111111111"));
    EXPECT_EQ(h.beneficiary, addr("0x2222222222222222222222222222222222222222"));
    EXPECT_EQ(h.ommers_hash, kEmptyOmmersHash);
    EXPECT_EQ(h.transactions_root, trie::kEmptyRoot);
    EXPECT_EQ(h.receipts_root, trie::kEmptyRoot);
    EXPECT_EQ(h.base_fee_per_gas, U256{kInitialBaseFee});
    EXPECT_EQ(h.withdrawals_root, trie::kEmptyRoot);
    EXPECT_EQ(h.blob_gas_used, 0u);
    EXPECT_EQ(h.excess_blob_gas, 0u);
    EXPECT_EQ(h.parent_beacon_block_root, Hash{});
    EXPECT_EQ(h.requests_hash, kEmptyRequestsHash);
    EXPECT_NE(h.state_root, trie::kEmptyRoot);

    const ChainSpec spec = spec_from_genesis(g);
    EXPECT_EQ(spec.name, "custom");
    EXPECT_EQ(spec.network_id, 3151908u);
    EXPECT_EQ(spec.genesis_hash, hash_of(h));
    EXPECT_EQ(spec.genesis_timestamp, 1700000000u);
    // Every fork up to Prague is part of the genesis ruleset; Osaka is the only fork.
    EXPECT_EQ(fork_id_at(spec, 0, 1700000000),
              ForkId::from_checksum(crc32_ieee(ByteView{spec.genesis_hash.data(), 32}), 1900000000));
}

TEST(Genesis, CancunAtGenesisTakesBlobGasFromFile) {
    const Genesis g = parse_ok(
        doc(std::string(kMergedForks) + R"(, "shanghaiTime": 0, "cancunTime": 0, )" + std::string(kBlobSchedule),
            R"("excessBlobGas": "0x20000", "blobGasUsed": 131072)"));
    const BlockHeader h = genesis_header(g);
    EXPECT_EQ(field_count(h), 20u);
    EXPECT_EQ(h.excess_blob_gas, 0x20000u);
    EXPECT_EQ(h.blob_gas_used, 131072u);
    EXPECT_EQ(h.parent_beacon_block_root, Hash{});
    EXPECT_FALSE(h.requests_hash);
}

TEST(Genesis, LondonOnly) {
    const Genesis g = parse_ok(doc(kMergedForks));
    const BlockHeader h = genesis_header(g);
    EXPECT_EQ(field_count(h), 16u);
    EXPECT_EQ(h.base_fee_per_gas, U256{1'000'000'000});
    const Genesis custom_fee = parse_ok(doc(kMergedForks, R"("baseFeePerGas": "0x7")"));
    EXPECT_EQ(genesis_header(custom_fee).base_fee_per_gas, U256{7});
    // Blob fields given without Cancun are ignored, as geth does.
    const Genesis blob = parse_ok(doc(kMergedForks, R"("excessBlobGas": "0x1", "blobGasUsed": "0x1")"));
    EXPECT_EQ(field_count(genesis_header(blob)), 16u);
}

TEST(Genesis, PreLondonAndFutureForks) {
    const std::string forks = R"("homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
        "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
        "berlinBlock": 0, "londonBlock": 5, "ethash": {})";
    const Genesis g = parse_ok(doc(forks));
    EXPECT_EQ(g.config.consensus, Consensus::kEthash);
    const BlockHeader h = genesis_header(g);
    EXPECT_EQ(field_count(h), 15u);
    EXPECT_FALSE(h.base_fee_per_gas);
    // geth copies baseFeePerGas into the header even before London.
    const Genesis with_fee = parse_ok(doc(forks, R"("baseFeePerGas": "0x9")"));
    EXPECT_EQ(genesis_header(with_fee).base_fee_per_gas, U256{9});
    // Shanghai scheduled after the genesis time: no withdrawals root yet.
    const Genesis later = parse_ok(doc(std::string(kMergedForks) + R"(, "shanghaiTime": 1000)", R"("timestamp": 999)"));
    EXPECT_FALSE(genesis_header(later).withdrawals_root);
    const Genesis at = parse_ok(doc(std::string(kMergedForks) + R"(, "shanghaiTime": 1000)", R"("timestamp": 1000)"));
    EXPECT_EQ(genesis_header(at).withdrawals_root, trie::kEmptyRoot);
}

TEST(Genesis, GethDefaults) {
    const Genesis g = parse_ok(doc(kMergedForks, R"("gasLimit": "0x0")"));
    EXPECT_EQ(genesis_header(g).gas_limit, kGenesisGasLimit);
    // A genesis built in code without a difficulty gets geth's default.
    Genesis code;
    code.config.consensus = Consensus::kEthash;
    EXPECT_EQ(genesis_header(code).difficulty, U256{kGenesisDifficulty});
    code.mix_hash[0] = 1;
    EXPECT_EQ(genesis_header(code).difficulty, U256{0});
    code.mix_hash = {};
    code.config.consensus = Consensus::kBeacon;
    EXPECT_EQ(genesis_header(code).difficulty, U256{0});
    EXPECT_EQ(genesis_state_root(code), trie::kEmptyRoot);
}

TEST(Genesis, StateRootRules) {
    const std::string a = R"("0x00000000000000000000000000000000000000aa")";
    auto root = [&](std::string_view account) {
        return genesis_state_root(parse_ok(doc(kMergedForks, "", "{" + a + ": " + std::string(account) + "}")));
    };
    const Hash base = root(R"({"balance": "1", "storage": {"0x01": "0x02"}})");
    // A short storage key is the same slot as its 32-byte left-padded form; "0x" on values is optional.
    EXPECT_EQ(base, root(R"({"balance": "1", "storage": {
        "0x0000000000000000000000000000000000000000000000000000000000000001": "02"}})"));
    // A zero value stores nothing.
    EXPECT_EQ(base, root(R"({"balance": "1", "storage": {"0x01": "0x02", "0x05": "0x00"}})"));
    EXPECT_EQ(root(R"({"balance": "1"})"), root(R"({"balance": "1", "storage": {"0x05": "0x0000"}})"));
    // Each field changes the root; an empty account is still part of the state.
    EXPECT_NE(base, root(R"({"balance": "2", "storage": {"0x01": "0x02"}})"));
    EXPECT_NE(base, root(R"({"balance": "1", "nonce": "0x1", "storage": {"0x01": "0x02"}})"));
    EXPECT_NE(base, root(R"({"balance": "1", "code": "0x00", "storage": {"0x01": "0x02"}})"));
    EXPECT_NE(trie::kEmptyRoot, root(R"({"balance": "0"})"));
    EXPECT_EQ(genesis_state_root(parse_ok(doc(kMergedForks))), trie::kEmptyRoot);
}

TEST(Genesis, NumberForms) {
    auto nonce = [](std::string_view v) { return parse_ok(doc(kMergedForks, "\"nonce\": " + std::string(v))).nonce; };
    EXPECT_EQ(nonce("66"), 66u);
    EXPECT_EQ(nonce("\"66\""), 66u);
    EXPECT_EQ(nonce("\"0x42\""), 66u);
    EXPECT_EQ(nonce("\"0X42\""), 66u);
    EXPECT_EQ(nonce("\"0x0000000000000042\""), 66u);
    EXPECT_EQ(nonce("\"\""), 0u);
    EXPECT_EQ(nonce("null"), 0u);
    EXPECT_EQ(nonce("\"0xffffffffffffffff\""), UINT64_MAX);
    EXPECT_EQ(nonce("18446744073709551615"), UINT64_MAX);
    auto difficulty = [](std::string_view v) {
        return *parse_ok(doc(kMergedForks, "\"difficulty\": " + std::string(v))).difficulty;
    };
    EXPECT_EQ(difficulty("\"0x400000000\""), U256{17179869184});
    EXPECT_EQ(difficulty("17179869184"), U256{17179869184});
    EXPECT_EQ(difficulty("\"\""), U256{0});
    EXPECT_EQ(difficulty("\"0x" + std::string(64, 'f') + "\""), (U256{~0ull, ~0ull, ~0ull, ~0ull}));
    EXPECT_EQ(difficulty("\"" + std::string(77, '1') + "\"").bit_length(), 253);
    // A 256-bit terminal total difficulty as a bare JSON literal keeps every digit.
    const Genesis g = parse_ok(doc(R"("terminalTotalDifficulty": 58750000000000000000000)"));
    EXPECT_EQ(g.config.terminal_total_difficulty, U256::from_string("58750000000000000000000"));
}

TEST(Genesis, EnginesAndChainFamilies) {
    EXPECT_EQ(parse_ok(doc(R"("clique": {"period": 5, "epoch": 30000})")).config.consensus, Consensus::kClique);
    EXPECT_EQ(parse_ok(doc(R"("ethash": {})")).config.consensus, Consensus::kEthash);
    EXPECT_EQ(parse_ok(doc(R"("ethash": null)")).config.consensus, Consensus::kBeacon);

    const Genesis bor = parse_ok(doc(R"("homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
        "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0, "berlinBlock": 0,
        "londonBlock": 100, "shanghaiBlock": 200, "cancunBlock": 300,
        "bor": {"period": {"0": 2}, "jaipurBlock": 100, "delhiBlock": 150, "rioBlock": 400})"));
    EXPECT_EQ(bor.config.consensus, Consensus::kBor);
    EXPECT_TRUE(bor.config.is_shanghai(200, 0));
    EXPECT_FALSE(bor.config.is_shanghai(199, UINT64_MAX));
    ASSERT_NE(bor.config.activation(Fork::kRio), nullptr);
    EXPECT_FALSE(bor.config.activation(Fork::kRio)->in_fork_id);
    EXPECT_TRUE(bor.config.activation(Fork::kCancun)->in_fork_id);
    EXPECT_EQ(gather_forks(spec_from_genesis(bor)).by_block, (std::vector<uint64_t>{100, 200, 300}));

    const Genesis bsc = parse_ok(doc(R"("homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
        "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0, "berlinBlock": 0,
        "londonBlock": 0, "ramanujanBlock": 0, "hertzfixBlock": 7, "shanghaiTime": 10, "keplerTime": 10,
        "cancunTime": 20, "haberTime": 20, "blobSchedule": {"cancun": {"target": 3, "max": 6,
        "baseFeeUpdateFraction": 3338477}}, "parlia": {"period": 3, "epoch": 200})"));
    EXPECT_EQ(bsc.config.consensus, Consensus::kParlia);
    EXPECT_TRUE(bsc.config.is_active(Fork::kKepler, 7, 10));
    EXPECT_EQ(gather_forks(spec_from_genesis(bsc)).by_time, (std::vector<uint64_t>{10, 20}));
}

TEST(Genesis, DuplicatesResolveToTheLast) {
    const Genesis g = parse_ok(doc(kMergedForks, "", R"({
        "0x00000000000000000000000000000000000000AA": {"balance": "1"},
        "00000000000000000000000000000000000000aa": {"balance": "2"}})"));
    ASSERT_EQ(g.alloc.size(), 1u);
    EXPECT_EQ(g.alloc.begin()->second.balance, U256{2});
}

struct ErrorCase {
    std::string json;
    ChainErrc code;
    std::string field;
};

TEST(Genesis, EveryFieldHasATypedError) {
    const std::string A = "0x00000000000000000000000000000000000000aa";
    auto acct = [&](std::string_view body) { return "{\"" + A + "\": " + std::string(body) + "}"; };
    const std::string M(kMergedForks);
    const std::vector<ErrorCase> cases{
        {"not json", ChainErrc::kInvalidJson, ""},
        {"{} x", ChainErrc::kInvalidJson, ""},
        {"{\"a\": \"\xff\"}", ChainErrc::kInvalidJson, ""},
        {"[]", ChainErrc::kWrongType, ""},
        {R"({"gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})", ChainErrc::kMissingField, "config"},
        {R"({"config": null, "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})", ChainErrc::kMissingField,
         "config"},
        {R"({"config": [], "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})", ChainErrc::kWrongType, "config"},
        {R"({"config": {}, "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})", ChainErrc::kMissingField,
         "config.chainId"},
        {R"({"config": {"chainId": "1"}, "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})", ChainErrc::kWrongType,
         "config.chainId"},
        {R"({"config": {"chainId": 1.5}, "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})",
         ChainErrc::kInvalidValue, "config.chainId"},
        {R"({"config": {"chainId": -1}, "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})", ChainErrc::kOutOfRange,
         "config.chainId"},
        {R"({"config": {"chainId": 18446744073709551616}, "gasLimit": "0x1", "difficulty": "0x1", "alloc": {}})",
         ChainErrc::kOutOfRange, "config.chainId"},
        // Fork fields.
        {doc(R"("homesteadBlock": "0x0")"), ChainErrc::kWrongType, "config.homesteadBlock"},
        {doc(M + R"(, "shanghaiTime": 1e3)"), ChainErrc::kInvalidValue, "config.shanghaiTime"},
        {doc(R"("bor": {"jaipurBlock": true})"), ChainErrc::kWrongType, "config.bor.jaipurBlock"},
        {doc(R"("daoForkSupport": "yes")"), ChainErrc::kWrongType, "config.daoForkSupport"},
        {doc(R"("terminalTotalDifficulty": "0")"), ChainErrc::kWrongType, "config.terminalTotalDifficulty"},
        {doc(R"("terminalTotalDifficulty": 115792089237316195423570985008687907853269984665640564039457584007913129639936)"),
         ChainErrc::kOutOfRange, "config.terminalTotalDifficulty"},
        {doc(R"("depositContractAddress": "0x1234")"), ChainErrc::kInvalidValue, "config.depositContractAddress"},
        {doc(R"("blobSchedule": [])"), ChainErrc::kWrongType, "config.blobSchedule"},
        {doc(R"("blobSchedule": {"cancun": 3})"), ChainErrc::kWrongType, "config.blobSchedule.cancun"},
        {doc(R"("blobSchedule": {"cancun": {"target": "3", "max": 6, "baseFeeUpdateFraction": 1}})"),
         ChainErrc::kWrongType, "config.blobSchedule.cancun.target"},
        {doc(R"("blobSchedule": {"prague": {"target": 3, "max": -6, "baseFeeUpdateFraction": 1}})"),
         ChainErrc::kOutOfRange, "config.blobSchedule.prague.max"},
        {doc(R"("blobSchedule": {"osaka": {"target": 3, "max": 6}})"), ChainErrc::kInvalidValue,
         "config.blobSchedule.osaka.baseFeeUpdateFraction"},
        {doc(M + R"(, "shanghaiTime": 0, "cancunTime": 0)"), ChainErrc::kMissingBlobSchedule,
         "config.blobSchedule.cancun"},
        {doc(M + R"(, "shanghaiTime": 0, "cancunTime": 0, "bpo1Time": 5, )" + std::string(kBlobSchedule)),
         ChainErrc::kMissingBlobSchedule, "config.blobSchedule.bpo1"},
        {doc(R"("ethash": 1)"), ChainErrc::kWrongType, "config.ethash"},
        // Fork order (geth CheckConfigForkOrder).
        {doc(R"("homesteadBlock": 0, "londonBlock": 0)"), ChainErrc::kForkOrder, "config.londonBlock"},
        {doc(R"("homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0, "byzantiumBlock": 0,
            "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0, "berlinBlock": 10,
            "londonBlock": 5)"),
         ChainErrc::kForkOrder, "config.londonBlock"},
        {doc(M + R"(, "shanghaiTime": 10, "cancunTime": 5, )" + std::string(kBlobSchedule)), ChainErrc::kForkOrder,
         "config.cancunTime"},
        {doc(M + R"(, "cancunTime": 5, )" + std::string(kBlobSchedule)), ChainErrc::kForkOrder, "config.cancunTime"},
        {doc(M + R"(, "shanghaiTime": 0, "shanghaiBlock": 0)"), ChainErrc::kForkOrder, "config.shanghaiBlock"},
        // Header fields.
        {R"({"config": {"chainId": 1}, "difficulty": "0x1", "alloc": {}})", ChainErrc::kMissingField, "gasLimit"},
        {doc("", R"("gasLimit": null)"), ChainErrc::kMissingField, "gasLimit"},
        {doc("", R"("gasLimit": true)"), ChainErrc::kWrongType, "gasLimit"},
        {doc("", R"("gasLimit": "0xZZ")"), ChainErrc::kInvalidValue, "gasLimit"},
        {doc("", R"("gasLimit": "0x")"), ChainErrc::kInvalidValue, "gasLimit"},
        {doc("", R"("gasLimit": "-1")"), ChainErrc::kInvalidValue, "gasLimit"},
        {doc("", R"("gasLimit": 1.5)"), ChainErrc::kInvalidValue, "gasLimit"},
        {doc("", R"("gasLimit": "0x10000000000000000")"), ChainErrc::kOutOfRange, "gasLimit"},
        {doc("", R"("gasLimit": 18446744073709551616)"), ChainErrc::kOutOfRange, "gasLimit"},
        {R"({"config": {"chainId": 1}, "gasLimit": "0x1", "alloc": {}})", ChainErrc::kMissingField, "difficulty"},
        {doc("", "\"difficulty\": \"0x1" + std::string(64, '0') + "\""), ChainErrc::kOutOfRange, "difficulty"},
        {doc("", "\"difficulty\": \"1" + std::string(78, '0') + "\""), ChainErrc::kOutOfRange, "difficulty"},
        {doc("", "\"difficulty\": \"2" + std::string(77, '0') + "\""), ChainErrc::kOutOfRange, "difficulty"},
        {doc("", R"("difficulty": {})"), ChainErrc::kWrongType, "difficulty"},
        {doc("", R"("nonce": "abc")"), ChainErrc::kInvalidValue, "nonce"},
        {doc("", R"("timestamp": [])"), ChainErrc::kWrongType, "timestamp"},
        {doc("", R"("extraData": "abcd")"), ChainErrc::kInvalidValue, "extraData"},
        {doc("", R"("extraData": "0xabc")"), ChainErrc::kInvalidValue, "extraData"},
        {doc("", R"("extraData": 5)"), ChainErrc::kWrongType, "extraData"},
        {doc("", R"("mixHash": "0x00")"), ChainErrc::kInvalidValue, "mixHash"},
        {doc("", "\"mixHash\": \"" + std::string(64, '0') + "\""), ChainErrc::kInvalidValue, "mixHash"},
        {doc("", R"("coinbase": "0x000000000000000000000000000000000000000g")"), ChainErrc::kInvalidValue, "coinbase"},
        {doc("", R"("parentHash": 5)"), ChainErrc::kWrongType, "parentHash"},
        {doc("", R"("number": "0xq")"), ChainErrc::kInvalidValue, "number"},
        {doc("", R"("gasUsed": false)"), ChainErrc::kWrongType, "gasUsed"},
        {doc("", R"("baseFeePerGas": "x")"), ChainErrc::kInvalidValue, "baseFeePerGas"},
        {doc("", R"("excessBlobGas": "0x10000000000000000")"), ChainErrc::kOutOfRange, "excessBlobGas"},
        {doc("", R"("blobGasUsed": {})"), ChainErrc::kWrongType, "blobGasUsed"},
        // Alloc.
        {R"({"config": {"chainId": 1}, "gasLimit": "0x1", "difficulty": "0x1"})", ChainErrc::kMissingField, "alloc"},
        {doc("", "", "[]"), ChainErrc::kWrongType, "alloc"},
        {doc("", "", R"({"0x12": {"balance": "1"}})"), ChainErrc::kInvalidValue, "alloc.0x12"},
        {doc("", "", acct("5")), ChainErrc::kWrongType, "alloc." + A},
        {doc("", "", acct("{}")), ChainErrc::kMissingField, "alloc." + A + ".balance"},
        {doc("", "", acct(R"({"balance": null})")), ChainErrc::kMissingField, "alloc." + A + ".balance"},
        {doc("", "", acct(R"({"balance": "0xg"})")), ChainErrc::kInvalidValue, "alloc." + A + ".balance"},
        {doc("", "", acct(R"({"balance": "1", "nonce": true})")), ChainErrc::kWrongType, "alloc." + A + ".nonce"},
        {doc("", "", acct(R"({"balance": "1", "code": "6000"})")), ChainErrc::kInvalidValue, "alloc." + A + ".code"},
        {doc("", "", acct(R"({"balance": "1", "storage": []})")), ChainErrc::kWrongType, "alloc." + A + ".storage"},
        {doc("", "", acct(R"({"balance": "1", "storage": {"0x01": 2}})")), ChainErrc::kWrongType,
         "alloc." + A + ".storage.0x01"},
        {doc("", "", acct(R"({"balance": "1", "storage": {"0x001": "0x02"}})")), ChainErrc::kInvalidValue,
         "alloc." + A + ".storage.0x001"},
        {doc("", "", acct(R"({"balance": "1", "storage": {"0X01": "0x02"}})")), ChainErrc::kInvalidValue,
         "alloc." + A + ".storage.0X01"},
        {doc("", "", acct("{\"balance\": \"1\", \"storage\": {\"0x01\": \"0x" + std::string(66, '0') + "\"}}")),
         ChainErrc::kOutOfRange, "alloc." + A + ".storage.0x01"},
    };
    for (const ErrorCase& c : cases) {
        const ChainError e = parse_err(c.json);
        EXPECT_EQ(e.code, c.code) << to_string(e) << "\n" << c.json;
        EXPECT_EQ(e.field, c.field) << to_string(e) << "\n" << c.json;
    }
}

TEST(Genesis, ResolveChain) {
    auto mainnet = resolve_chain(std::string_view{"mainnet"}, std::nullopt);
    ASSERT_TRUE(mainnet);
    EXPECT_EQ(mainnet->chain_id(), 1u);
    auto alias = resolve_chain(std::string_view{"bor-mainnet"}, std::nullopt);
    ASSERT_TRUE(alias);
    EXPECT_EQ(alias->name, "polygon");
    EXPECT_EQ(resolve_chain(std::string_view{"ropsten"}, std::nullopt).error(),
              (ChainError{ChainErrc::kUnknownChain, "ropsten"}));
    EXPECT_EQ(resolve_chain(std::nullopt, std::nullopt).error().code, ChainErrc::kNoChainSource);
    const std::string json = doc(kMergedForks);
    EXPECT_EQ(resolve_chain(std::string_view{"mainnet"}, std::string_view{json}).error().code,
              ChainErrc::kConflictingChainSources);
    auto custom = resolve_chain(std::nullopt, std::string_view{json});
    ASSERT_TRUE(custom);
    EXPECT_EQ(custom->chain_id(), 1337u);
    EXPECT_EQ(custom->genesis_hash, hash_of(*custom->genesis_header));
    EXPECT_EQ(resolve_chain(std::nullopt, std::string_view{"{"}).error().code, ChainErrc::kInvalidJson);
}

TEST(Genesis, ErrorText) {
    EXPECT_EQ(to_string(ChainError{ChainErrc::kMissingField, "gasLimit"}), "missing field at 'gasLimit'");
    EXPECT_EQ(to_string(ChainError{ChainErrc::kInvalidJson, ""}), "invalid JSON");
    for (int i = 1; i <= static_cast<int>(ChainErrc::kConflictingChainSources); ++i) {
        EXPECT_NE(to_string(static_cast<ChainErrc>(i)), "unknown chain error") << i;
    }
}

}  // namespace
}  // namespace hypasis::chain
