#include "hypasis/node/commands/chain_info.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/block_json.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::node {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

constexpr const char* kMainnetGenesisHash = "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3";

/// tests/interop/genesis in the source tree, found from this file's own path (as core/chain's
/// genesis_interop_test.cpp does).
fs::path interop_genesis_dir() {
    return fs::weakly_canonical(fs::path(__FILE__).parent_path() / ".." / ".." / ".." / ".." / "tests" / "interop" /
                                "genesis");
}

std::string slurp(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
    std::fclose(f);
    return s;
}

struct Result {
    int code;
    std::string out;
    std::string err;
    bj::object json() const { return bj::parse(out).as_object(); }
};

Result run(const ChainInfoOptions& opts) {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    const int code = run_chain_info(opts, out, err);
    return {code, slurp(out), slurp(err)};
}

ChainInfoOptions chain(const std::string& name) {
    ChainInfoOptions o;
    o.chain.chain = name;
    return o;
}

ChainInfoOptions genesis_file(const fs::path& path) {
    ChainInfoOptions o;
    o.chain.genesis = path.string();
    return o;
}

std::string str(const bj::value& v) { return std::string(v.as_string()); }

class ChainInfoFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-chain-info-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path write(const std::string& name, const std::string& text) {
        const fs::path p = dir_ / name;
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    fs::path dir_;
};

// Mainnet's identity and fork id at genesis. Genesis hash: the published one; fork id: EIP-2124 "Test Cases",
// mainnet head 0 -> (0xfc64ec04, 1150000).
TEST(ChainInfo, MainnetAtGenesis) {
    const Result r = run(chain("mainnet"));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    ASSERT_FALSE(r.out.empty());
    EXPECT_EQ(r.out.back(), '\n');
    const bj::object j = r.json();

    EXPECT_EQ(str(j.at("name")), "mainnet");
    EXPECT_EQ(j.at("chainId").to_number<uint64_t>(), 1u);
    EXPECT_EQ(j.at("networkId").to_number<uint64_t>(), 1u);
    EXPECT_EQ(str(j.at("consensus")), "ethash");
    EXPECT_EQ(str(j.at("genesisHash")), kMainnetGenesisHash);
    ASSERT_TRUE(j.contains("genesis"));
    EXPECT_EQ(str(j.at("genesis").at("hash")), kMainnetGenesisHash);
    EXPECT_EQ(str(j.at("genesis").at("number")), "0x0");

    const bj::object& head = j.at("head").as_object();
    EXPECT_EQ(head.at("number").to_number<uint64_t>(), 0u);
    EXPECT_EQ(head.at("timestamp").to_number<uint64_t>(), 0u);
    const bj::object& id = j.at("forkId").as_object();
    EXPECT_EQ(str(id.at("hash")), "0xfc64ec04");
    EXPECT_EQ(id.at("next").to_number<uint64_t>(), 1150000u);

    // The key order is part of the output's contract (people read it top-down).
    std::vector<std::string> keys;
    for (const auto& kv : j) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"name", "chainId", "networkId", "consensus", "genesisHash", "genesis",
                                              "forks", "blobSchedule", "head", "forkId"}));
}

// EIP-2124 "Test Cases", mainnet: head 1150000 (Homestead) -> (0x97c2c34c, 1920000); the boundary on each side.
TEST(ChainInfo, MainnetForkIdAtHead) {
    struct Case {
        uint64_t head;
        const char* hash;
        uint64_t next;
    };
    for (const Case& c : {Case{1149999, "0xfc64ec04", 1150000}, Case{1150000, "0x97c2c34c", 1920000},
                          Case{1919999, "0x97c2c34c", 1920000}, Case{1920000, "0x91d1f948", 2463000}}) {
        SCOPED_TRACE(c.head);
        ChainInfoOptions o = chain("mainnet");
        o.head = c.head;
        const Result r = run(o);
        ASSERT_EQ(r.code, 0) << r.err;
        const bj::object j = r.json();
        EXPECT_EQ(j.at("head").at("number").to_number<uint64_t>(), c.head);
        EXPECT_EQ(str(j.at("forkId").at("hash")), c.hash);
        EXPECT_EQ(j.at("forkId").at("next").to_number<uint64_t>(), c.next);
    }
}

// The fork list of every built-in chain: block forks ascending, then timestamp forks ascending, each with exactly
// one of block/timestamp, and every scheduled fork listed once. Polygon interleaves Ethereum and Bor forks (Jaipur
// at London's block, Delhi before Shanghai), so Fork enum order would not pass here.
TEST(ChainInfo, ForkListInActivationOrderOnEveryBuiltinChain) {
    for (std::string_view name : chain::builtin_chain_names()) {
        SCOPED_TRACE(name);
        const chain::ChainSpec* spec = chain::builtin_chain(name);
        ASSERT_NE(spec, nullptr);
        const Result r = run(chain(std::string(name)));
        ASSERT_EQ(r.code, 0) << r.err;
        const bj::object j = r.json();
        const bj::array& forks = j.at("forks").as_array();
        EXPECT_EQ(forks.size(), spec->config.forks.size());
        bool seen_time = false;
        uint64_t last = 0;
        std::set<std::string> names;
        for (const bj::value& v : forks) {
            const bj::object& f = v.as_object();
            const std::string fork = str(f.at("name"));
            SCOPED_TRACE(fork);
            EXPECT_TRUE(names.insert(fork).second) << "listed twice";
            ASSERT_NE(f.contains("block"), f.contains("timestamp"));
            const bool is_time = f.contains("timestamp");
            const uint64_t at = (is_time ? f.at("timestamp") : f.at("block")).to_number<uint64_t>();
            EXPECT_TRUE(is_time || !seen_time) << "block fork after a timestamp fork";
            if (is_time && !seen_time) {
                seen_time = true;
            } else {
                EXPECT_GE(at, last);
            }
            last = at;
        }
    }
}

// Mainnet's activation points are public facts (geth params/config.go MainnetChainConfig).
TEST(ChainInfo, MainnetForkList) {
    const bj::object j = run(chain("mainnet")).json();
    const bj::array& forks = j.at("forks").as_array();
    ASSERT_GE(forks.size(), 17u);
    EXPECT_EQ(str(forks.front().at("name")), "homestead");
    EXPECT_EQ(forks.front().at("block").to_number<uint64_t>(), 1150000u);
    bool saw_london = false;
    bool saw_shanghai = false;
    for (const bj::value& v : forks) {
        const bj::object& f = v.as_object();
        const std::string name = str(f.at("name"));
        SCOPED_TRACE(name);
        EXPECT_FALSE(f.contains("inForkId"));  // every mainnet fork counts
        if (name == "london") {
            saw_london = true;
            EXPECT_EQ(f.at("block").to_number<uint64_t>(), 12965000u);
        }
        if (name == "shanghai") {
            saw_shanghai = true;
            EXPECT_EQ(f.at("timestamp").to_number<uint64_t>(), 1681338455u);
        }
    }
    EXPECT_TRUE(saw_london);
    EXPECT_TRUE(saw_shanghai);

    // EIP-4844 and EIP-7691 blob parameters.
    const bj::object& blobs = j.at("blobSchedule").as_object();
    EXPECT_EQ(blobs.at("cancun").at("target").to_number<uint64_t>(), 3u);
    EXPECT_EQ(blobs.at("cancun").at("max").to_number<uint64_t>(), 6u);
    EXPECT_EQ(blobs.at("cancun").at("baseFeeUpdateFraction").to_number<uint64_t>(), 3338477u);
    EXPECT_EQ(blobs.at("prague").at("target").to_number<uint64_t>(), 6u);
    EXPECT_EQ(blobs.at("prague").at("max").to_number<uint64_t>(), 9u);
    EXPECT_EQ(blobs.at("prague").at("baseFeeUpdateFraction").to_number<uint64_t>(), 5007716u);
}

// The "genesis" object is the real mainnet genesis header (ethereum/tests BasicTests/genesishashestest.json),
// every field, as core/json encodes that independently supplied RLP.
TEST(ChainInfo, MainnetGenesisHeaderMatchesEthereumTests) {
    HYPASIS_FIXTURE_OR_SKIP(path, "ethereum-tests/BasicTests/genesishashestest.json");
    const bj::object fixture = test::read_json(path).as_object();
    const Bytes rlp = from_hex(str(fixture.at("genesis_rlp_hex"))).value();
    // The fixture is [header, txs, ommers]: take the header item.
    ByteView in = rlp;
    auto payload = rlp::decode_list(in);
    ASSERT_TRUE(payload);
    auto header = decode_header_item(*payload);
    ASSERT_TRUE(header);

    const bj::object j = run(chain("mainnet")).json();
    EXPECT_EQ(j.at("genesis").as_object(), json::header_to_json(*header));
    EXPECT_EQ(str(j.at("genesis").at("stateRoot")), "0x" + str(fixture.at("genesis_state_root")));
    EXPECT_EQ(str(j.at("genesisHash")), "0x" + str(fixture.at("genesis_hash")));
}

// Polygon: no embedded genesis header, so no "genesis" key; Bor's nested forks are marked out of the fork id.
TEST(ChainInfo, PolygonHasNoGenesisHeader) {
    const Result r = run(chain("polygon"));
    ASSERT_EQ(r.code, 0) << r.err;
    const bj::object j = r.json();
    EXPECT_EQ(j.at("chainId").to_number<uint64_t>(), 137u);
    EXPECT_EQ(str(j.at("consensus")), "bor");
    // The published Bor mainnet genesis hash.
    EXPECT_EQ(str(j.at("genesisHash")), "0xa9c28ce2141b56c474f1dc504bee9b01eb1bd7d1a507580d5519d4437a97de1b");
    EXPECT_FALSE(j.contains("genesis"));
    bool saw_jaipur = false;
    for (const bj::value& v : j.at("forks").as_array()) {
        if (str(v.at("name")) != "jaipur") continue;
        saw_jaipur = true;
        EXPECT_EQ(v.at("inForkId").as_bool(), false);
    }
    EXPECT_TRUE(saw_jaipur);
}

// A custom chain from tests/interop/genesis/cancun.json: hash and state root against ethereumjs (expected.json,
// written by genesis_check.mjs), identity and blob schedule against the file itself, and the fork id against
// CRC32 values computed with Python's zlib.crc32 (EIP-2124: the checksum of the genesis hash alone while only
// forks at genesis have passed; then with be64(pragueTime) appended).
TEST(ChainInfo, CustomGenesisFile) {
    const fs::path dir = interop_genesis_dir();
    ASSERT_TRUE(fs::exists(dir / "cancun.json")) << dir;
    const bj::object expected = test::read_json(dir / "expected.json").at("cancun.json").as_object();
    const bj::object file = test::read_json(dir / "cancun.json").as_object();
    const bj::object& config = file.at("config").as_object();

    const Result r = run(genesis_file(dir / "cancun.json"));
    ASSERT_EQ(r.code, 0) << r.err;
    const bj::object j = r.json();
    EXPECT_EQ(str(j.at("name")), "custom");
    EXPECT_EQ(j.at("chainId").to_number<uint64_t>(), config.at("chainId").to_number<uint64_t>());
    EXPECT_EQ(j.at("networkId").to_number<uint64_t>(), config.at("chainId").to_number<uint64_t>());
    EXPECT_EQ(str(j.at("consensus")), "beacon");  // terminalTotalDifficulty 0: merged at genesis
    EXPECT_EQ(str(j.at("genesisHash")), str(expected.at("hash")));
    EXPECT_EQ(str(j.at("genesis").at("hash")), str(expected.at("hash")));
    EXPECT_EQ(str(j.at("genesis").at("stateRoot")), str(expected.at("stateRoot")));
    EXPECT_EQ(str(j.at("genesis").at("excessBlobGas")), str(file.at("excessBlobGas")));
    EXPECT_EQ(str(j.at("genesis").at("timestamp")), str(file.at("timestamp")));
    EXPECT_EQ(j.at("blobSchedule"), config.at("blobSchedule"));

    const uint64_t prague_time = config.at("pragueTime").to_number<uint64_t>();
    const uint64_t genesis_time = parse_u64(str(file.at("timestamp"))).value();
    EXPECT_EQ(j.at("head").at("number").to_number<uint64_t>(), 0u);
    EXPECT_EQ(j.at("head").at("timestamp").to_number<uint64_t>(), genesis_time);
    EXPECT_EQ(str(j.at("forkId").at("hash")), "0xecd952b5");
    EXPECT_EQ(j.at("forkId").at("next").to_number<uint64_t>(), prague_time);

    const bj::array& forks = j.at("forks").as_array();
    ASSERT_FALSE(forks.empty());
    EXPECT_EQ(str(forks.back().at("name")), "prague");
    EXPECT_EQ(forks.back().at("timestamp").to_number<uint64_t>(), prague_time);

    ChainInfoOptions later = genesis_file(dir / "cancun.json");
    later.head = 100;
    later.time = prague_time - 1;
    EXPECT_EQ(str(run(later).json().at("forkId").at("hash")), "0xecd952b5");
    later.time = prague_time;
    const bj::object after = run(later).json();
    EXPECT_EQ(str(after.at("forkId").at("hash")), "0x560e684d");
    EXPECT_EQ(after.at("forkId").at("next").to_number<uint64_t>(), 0u);
}

TEST(ChainInfo, UnknownChainName) {
    const Result r = run(chain("nope"));
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "hypasis: --chain nope: unknown chain (built-in: mainnet, sepolia, hoodi, polygon, amoy, bsc)\n");
}

TEST_F(ChainInfoFiles, MissingFile) {
    const fs::path p = dir_ / "absent.json";
    const Result r = run(genesis_file(p));
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "hypasis: --genesis " + p.string() + ": cannot open: No such file or directory\n");
}

TEST_F(ChainInfoFiles, DirectoryIsAReadError) {
    const Result r = run(genesis_file(dir_));
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "hypasis: --genesis " + dir_.string() + ": read error: Is a directory\n");
}

TEST_F(ChainInfoFiles, MalformedGenesis) {
    struct Case {
        const char* name;
        const char* text;
        const char* reason;
    };
    const Case cases[] = {
        {"truncated.json", "{\"config\": {\"chainId\": 1", "invalid JSON"},
        {"empty.json", "", "invalid JSON"},
        {"no_gas_limit.json", R"({"config": {"chainId": 5}, "difficulty": "0x1", "alloc": {}})",
         "missing field at 'gasLimit'"},
        {"bad_balance.json",
         R"({"config": {"chainId": 5}, "gasLimit": "0x1", "difficulty": "0x1",
             "alloc": {"0x00000000000000000000000000000000000000aa": {"balance": "0xzz"}}})",
         "invalid value at 'alloc.0x00000000000000000000000000000000000000aa.balance'"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const fs::path p = write(c.name, c.text);
        const Result r = run(genesis_file(p));
        EXPECT_EQ(r.code, 1);
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "hypasis: --genesis " + p.string() + ": " + c.reason + "\n");
    }
}

// The CLI wiring: exactly one of --chain/--genesis, and no negative numbers (CLI11 2.1 would wrap -1 to 2^64-1).
TEST(ChainInfoCli, RejectsBadArguments) {
    const std::vector<std::vector<std::string>> bad = {
        {"chain", "info"},
        {"chain", "info", "--chain", "mainnet", "--genesis", "g.json"},
        {"chain", "info", "--chain", "mainnet", "--head", "-1"},
        {"chain", "info", "--chain", "mainnet", "--time", "-5"},
        {"chain", "info", "--chain", "mainnet", "--head", "abc"},
        {"chain"},
    };
    for (const auto& args : bad) {
        SCOPED_TRACE(args.size() > 2 ? args[2] + " " + args.back() : args.back());
        CLI::App app;
        int exit_code = -1;
        add_chain_commands(app, exit_code);
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them back to front
        EXPECT_THROW(app.parse(reversed), CLI::ParseError);
        EXPECT_EQ(exit_code, -1);  // the command never ran
    }
}

}  // namespace
}  // namespace hypasis::node
