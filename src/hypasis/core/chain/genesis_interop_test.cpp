// Differential check against an independent implementation: tests/interop/genesis/expected.json holds the genesis
// hash and state root that ethereumjs computes for each genesis file in that folder (written by
// genesis_check.mjs --write-expected; see the README there). Nothing in it comes from Hypasis.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "hypasis/core/chain/genesis.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::chain {
namespace {

namespace fs = std::filesystem;

/// tests/interop/genesis in the source tree, found from this file's own path.
fs::path interop_dir() {
    return fs::weakly_canonical(fs::path(__FILE__).parent_path() / ".." / ".." / ".." / ".." / "tests" / "interop" /
                                "genesis");
}

std::string hex(const Hash& h) { return to_hex(ByteView{h.data(), h.size()}); }

TEST(GenesisInterop, MatchesEthereumjs) {
    const fs::path dir = interop_dir();
    ASSERT_TRUE(fs::exists(dir / "expected.json")) << "missing " << (dir / "expected.json").string();
    const auto expected = test::read_json(dir / "expected.json").as_object();

    std::set<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".json" && name != "expected.json") files.insert(name);
    }
    ASSERT_GE(files.size(), 4u);
    for (const std::string& name : files) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(expected.contains(name)) << "expected.json has no entry: rerun genesis_check.mjs --write-expected";
        const auto& want = expected.at(name).as_object();
        auto genesis = parse_genesis_json(test::read_file(dir / name));
        ASSERT_TRUE(genesis) << to_string(genesis.error());
        const ChainSpec spec = spec_from_genesis(*genesis);
        EXPECT_EQ(hex(spec.genesis_header->state_root), std::string(want.at("stateRoot").as_string()));
        EXPECT_EQ(hex(spec.genesis_hash), std::string(want.at("hash").as_string()));
    }
    EXPECT_EQ(expected.size(), files.size()) << "expected.json lists a file that is gone";
}

}  // namespace
}  // namespace hypasis::chain
