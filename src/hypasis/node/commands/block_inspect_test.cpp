#include "hypasis/node/commands/block_inspect.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::node {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

class BlockInspectTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-inspect-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // The block list [header, txs, ommers, withdrawals?] of portal block `n`, assembled by hand.
    static Bytes portal_block(const fs::path& data_dir, uint64_t n) {
        const auto yaml = test::read_flat_yaml(data_dir / ("block-data-" + std::to_string(n) + ".yaml"));
        const Bytes header = from_hex(yaml.at("header")).value();
        const Bytes body = from_hex(yaml.at("body")).value();
        ByteView bv = body;
        const ByteView payload = rlp::decode_list(bv).value();
        Bytes all = header;
        all.insert(all.end(), payload.begin(), payload.end());
        return rlp::wrap_list(all);
    }

    fs::path write(const std::string& name, const Bytes& bytes) {
        const fs::path p = dir_ / name;
        std::ofstream f(p, std::ios::binary);
        f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        return p;
    }

    struct Run {
        int code;
        std::string out;
        std::string err;
    };

    static std::string slurp(std::FILE* f) {
        std::rewind(f);
        std::string s;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
        std::fclose(f);
        return s;
    }

    static Run run(BlockInspectOptions opts) {
        std::FILE* out = std::tmpfile();
        std::FILE* err = std::tmpfile();
        const int code = run_block_inspect(opts, nullptr, out, err);
        return {code, slurp(out), slurp(err)};
    }

    fs::path dir_;
};

BlockInspectOptions opts_for(const fs::path& file) {
    BlockInspectOptions o;
    o.files = {file.string()};
    return o;
}

#define PORTAL_OR_SKIP(var) HYPASIS_FIXTURE_OR_SKIP(var, "portal-spec-tests/history/block_data")

TEST_F(BlockInspectTest, OneRealBlockIsOneObjectWithPassingChecks) {
    PORTAL_OR_SKIP(data);
    const fs::path file = write("one.rlp", portal_block(data, 17034870));
    const Run r = run(opts_for(file));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const bj::value v = bj::parse(r.out);
    ASSERT_TRUE(v.is_object());
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("number"), "0x103ee76");  // 17034870, the first Shanghai block
    const auto& checks = o.at("checks").as_object();
    EXPECT_EQ(checks.at("ok"), true);
    EXPECT_EQ(checks.at("transactionsRoot").at("ok"), true);
    EXPECT_EQ(checks.at("ommersHash").at("ok"), true);
    EXPECT_EQ(checks.at("withdrawalsRoot").at("ok"), true);
    EXPECT_FALSE(checks.at("withdrawalsRoot").at("header").is_null());
    EXPECT_EQ(checks.at("senders").at("ok"), true);
    EXPECT_TRUE(checks.at("senders").at("failed").as_array().empty());
    // Every sender recovered: no zero "from".
    for (const auto& t : o.at("transactions").as_array()) {
        EXPECT_NE(t.at("from"), "0x0000000000000000000000000000000000000000");
    }
}

TEST_F(BlockInspectTest, SeveralBlocksAreAnArrayAndNdjsonIsOneLineEach) {
    PORTAL_OR_SKIP(data);
    Bytes chain = portal_block(data, 14764013);  // pre-Shanghai: no withdrawals
    const Bytes second = portal_block(data, 22431084);
    chain.insert(chain.end(), second.begin(), second.end());
    const fs::path file = write("two.rlp", chain);

    const Run arr = run(opts_for(file));
    ASSERT_EQ(arr.code, 0) << arr.err;
    const bj::value v = bj::parse(arr.out);
    ASSERT_TRUE(v.is_array());
    ASSERT_EQ(v.as_array().size(), 2u);
    EXPECT_EQ(v.as_array()[0].at("number"), "0xe147ed");  // 14764013
    EXPECT_FALSE(v.as_array()[0].as_object().contains("withdrawals"));
    EXPECT_TRUE(v.as_array()[0].at("checks").at("withdrawalsRoot").at("header").is_null());
    EXPECT_EQ(v.as_array()[0].at("checks").at("withdrawalsRoot").at("ok"), true);
    EXPECT_EQ(v.as_array()[1].at("number"), "0x156456c");  // 22431084

    BlockInspectOptions nd = opts_for(file);
    nd.ndjson = true;
    const Run lines = run(nd);
    ASSERT_EQ(lines.code, 0);
    std::istringstream in(lines.out);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        EXPECT_EQ(bj::parse(line), v.as_array()[n]);
        ++n;
    }
    EXPECT_EQ(n, 2u);
}

TEST_F(BlockInspectTest, TruncatedBlockNamesFileBlockAndOffset) {
    PORTAL_OR_SKIP(data);
    Bytes chain = portal_block(data, 15537393);
    const std::size_t second_at = chain.size();
    const Bytes second = portal_block(data, 15547621);
    chain.insert(chain.end(), second.begin(), second.begin() + static_cast<std::ptrdiff_t>(second.size() / 2));
    const fs::path file = write("truncated.rlp", chain);
    const Run r = run(opts_for(file));
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "hypasis: block inspect: " + file.string() + ": block #1 at byte " + std::to_string(second_at) +
                         ": input too short\n");
    // The block before the error is still written (alone, so as one object).
    EXPECT_EQ(bj::parse(r.out).at("number"), "0xed14f1");  // 15537393
}

TEST_F(BlockInspectTest, MalformedRlpIsATypedErrorNotACrash) {
    PORTAL_OR_SKIP(data);
    Bytes block = portal_block(data, 19426587);
    // The header's parentHash prefix 0xa0 (32-byte string) becomes 0xa1: a 33-byte hash.
    const std::size_t outer = 1 + (block[0] - 0xf7);
    const std::size_t header = 1 + (block[outer] - 0xf7);
    ASSERT_EQ(block[outer + header], 0xa0);
    block[outer + header] = 0xa1;
    const fs::path file = write("bad.rlp", block);
    const Run r = run(opts_for(file));
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "hypasis: block inspect: " + file.string() + ": block #0 at byte 0: unexpected length\n");
    EXPECT_EQ(bj::parse(r.out), bj::array{});

    const fs::path junk = write("junk.rlp", Bytes{0x83, 0x01, 0x02, 0x03});  // a string, not a block list
    const Run j = run(opts_for(junk));
    EXPECT_EQ(j.code, 1);
    EXPECT_EQ(j.err, "hypasis: block inspect: " + junk.string() + ": block #0 at byte 0: unexpected string\n");
}

TEST_F(BlockInspectTest, CorruptedWithdrawalFailsChecksAndStrictExitsTwo) {
    PORTAL_OR_SKIP(data);
    Bytes block = portal_block(data, 17062257);
    // Flip the last byte of the block: the last withdrawal's amount changes, so its root no longer matches.
    block.back() ^= 0x01;
    const fs::path file = write("flipped.rlp", block);
    const Run lax = run(opts_for(file));
    EXPECT_EQ(lax.code, 0) << lax.err;
    const bj::value v = bj::parse(lax.out);
    EXPECT_EQ(v.at("checks").at("ok"), false);
    EXPECT_EQ(v.at("checks").at("withdrawalsRoot").at("ok"), false);
    EXPECT_NE(v.at("checks").at("withdrawalsRoot").at("header"), v.at("checks").at("withdrawalsRoot").at("computed"));
    EXPECT_EQ(v.at("checks").at("transactionsRoot").at("ok"), true);

    BlockInspectOptions strict = opts_for(file);
    strict.strict = true;
    EXPECT_EQ(run(strict).code, 2);
}

TEST_F(BlockInspectTest, CapAndMissingFileAreReported) {
    PORTAL_OR_SKIP(data);
    const Bytes block = portal_block(data, 22162263);
    const fs::path file = write("big.rlp", block);
    BlockInspectOptions capped = opts_for(file);
    capped.max_block_bytes = 1000;
    const Run r = run(capped);
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "hypasis: block inspect: " + file.string() + ": block #0 at byte 0: item of " +
                         std::to_string(block.size()) + " bytes exceeds the cap of 1000 bytes\n");

    const Run missing = run(opts_for(dir_ / "nope.rlp"));
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("nope.rlp: cannot open: "), std::string::npos) << missing.err;
}

TEST_F(BlockInspectTest, EmptyInputIsAnEmptyArray) {
    const fs::path file = write("empty.rlp", {});
    const Run r = run(opts_for(file));
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(bj::parse(r.out), bj::array{});
}

}  // namespace
}  // namespace hypasis::node
