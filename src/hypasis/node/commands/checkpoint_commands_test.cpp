#include "hypasis/node/commands/checkpoint_commands.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::node {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

// Captures what a command writes to its two streams.
struct Captured {
    int code{-1};
    std::string out;
    std::string err;
};

template <class Fn>
Captured capture(Fn&& fn) {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    Captured c;
    c.code = fn(out, err);
    for (auto [f, s] : {std::pair{out, &c.out}, std::pair{err, &c.err}}) {
        std::fflush(f);
        std::rewind(f);
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s->append(buf, n);
        std::fclose(f);
    }
    return c;
}

class CheckpointCli : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-ckpt-cli-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::ofstream(dir_ / "keys") << "# three devnet keys\n0x" << std::string(63, '0') << "1\n  0x"
                                     << std::string(63, '0') << "2  \n\n0x" << std::string(63, '0') << "3\n";
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const char* name) const { return (dir_ / name).string(); }

    // Signs block `num` with the first `keys` keys; writes the checkpoint and (once) the set of all three keys.
    void sign(uint64_t num, const std::string& scheme, bool aggregate = false, uint64_t timestamp = 1'730'000'000) {
        CheckpointSignOptions o;
        o.chain_id = 1;
        o.block_num = num;
        o.block_hash = "0x" + std::string(62, 'a') + (num % 2 ? "01" : "02");
        o.state_root = "0x" + std::string(64, 'b');
        o.timestamp = timestamp;
        o.key_files = {path("keys")};
        o.scheme = scheme;
        o.aggregate = aggregate;
        o.validators_out = path("set.json");
        o.out = path("ckpt.json");
        const Captured c = capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_sign(o, out, err); });
        ASSERT_EQ(c.code, 0) << c.err;
    }
    Captured verify(bool json = false, bool save = false) {
        CheckpointVerifyOptions o;
        o.checkpoint = path("ckpt.json");
        o.validators = path("set.json");
        o.json = json;
        o.save = save;
        o.datadir = path("data");
        o.now = 1'730'000'000 + 60;
        return capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_verify(o, out, err); });
    }
    void drop_last_signature() {
        std::ifstream in(path("ckpt.json"));
        std::stringstream ss;
        ss << in.rdbuf();
        auto c = checkpoint::parse_checkpoint(ss.str()).value();
        c.ecdsa_signatures.pop_back();
        std::ofstream(path("ckpt.json")) << bj::serialize(checkpoint::checkpoint_to_json(c));
    }
    fs::path dir_;
};

TEST_F(CheckpointCli, SignThenVerifyEcdsaAndBls) {
    sign(100, "ecdsa");
    Captured ok = verify();
    EXPECT_EQ(ok.code, 0) << ok.err;
    EXPECT_CONTAINS(ok.out, "valid: chain 1 block 100");
    EXPECT_CONTAINS(ok.out, "3 of 3 validators signed");

    sign(100, "bls");
    EXPECT_EQ(verify().code, 0);
    sign(100, "bls", true);
    const Captured agg = verify(true);
    ASSERT_EQ(agg.code, 0) << agg.err;
    const bj::value v = bj::parse(agg.out);
    EXPECT_EQ(v.at("valid").as_bool(), true);
    EXPECT_EQ(v.at("signers").to_number<uint64_t>(), 3u);
    EXPECT_EQ(v.at("rule").as_string(), "generic");
}

TEST_F(CheckpointCli, RefusalPrintsTheTypedReasonAndExitsOne) {
    sign(100, "ecdsa");
    drop_last_signature();  // 2 of 3 equal stakes is exactly 2/3: not enough
    const Captured text = verify();
    EXPECT_EQ(text.code, 1);
    EXPECT_CONTAINS(text.err, "invalid: insufficient stake: signed 2 of 3 staked, needs at least 3");
    const Captured json = verify(true);
    EXPECT_EQ(json.code, 1);
    const bj::value v = bj::parse(json.out);
    EXPECT_EQ(v.at("valid").as_bool(), false);
    EXPECT_EQ(v.at("error").as_string(), "insufficient-stake");
    EXPECT_EQ(v.at("required").as_string(), "3");
}

TEST_F(CheckpointCli, UnreadableInputExitsTwo) {
    sign(100, "ecdsa");
    std::ofstream(path("ckpt.json")) << "{";
    const Captured c = verify();
    EXPECT_EQ(c.code, 2);
    EXPECT_CONTAINS(c.err, "malformed checkpoint");
    fs::remove(path("set.json"));
    EXPECT_EQ(verify().code, 2);
}

TEST_F(CheckpointCli, SaveListRollback) {
    for (uint64_t n : {100, 200, 300}) {
        sign(n, "ecdsa", false, 1'730'000'000 - 300 + n);
        ASSERT_EQ(verify(false, true).code, 0);
    }
    // A stale checkpoint is refused by --save (default 14 days) and reported as a refusal.
    sign(50, "ecdsa", false, 1'700'000'000);
    const Captured stale = verify(false, true);
    EXPECT_EQ(stale.code, 1);
    EXPECT_CONTAINS(stale.err, "stale checkpoint");

    CheckpointListOptions l;
    l.datadir = path("data");
    l.json = true;
    const Captured listed = capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_list(l, out, err); });
    ASSERT_EQ(listed.code, 0) << listed.err;
    const bj::array a = bj::parse(listed.out).as_array();
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].at("blockNum").to_number<uint64_t>(), 300u);
    EXPECT_EQ(a[0].at("current").as_bool(), true);
    EXPECT_EQ(a[2].at("blockNum").to_number<uint64_t>(), 100u);

    CheckpointRollbackOptions r;
    r.datadir = path("data");
    r.chain_id = 1;
    r.to = 100;
    const Captured rolled =
        capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_rollback(r, out, err); });
    ASSERT_EQ(rolled.code, 0) << rolled.err;
    EXPECT_CONTAINS(rolled.out, "is now block 100");
    r.to = 300;
    const Captured refused =
        capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_rollback(r, out, err); });
    EXPECT_EQ(refused.code, 1);
    EXPECT_CONTAINS(refused.err, "not an earlier checkpoint");

    l.json = false;
    const Captured table = capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_list(l, out, err); });
    EXPECT_CONTAINS(table.out, "revoked  chain 1      block 300");
    EXPECT_CONTAINS(table.out, "current  chain 1      block 100");

    CheckpointListOptions missing;
    missing.datadir = path("nowhere");
    EXPECT_EQ(capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_list(missing, out, err); }).code, 2);
}

TEST_F(CheckpointCli, SignRejectsBadInput) {
    CheckpointSignOptions o;
    o.block_hash = "0x12";
    o.state_root = "0x" + std::string(64, 'b');
    o.key_files = {path("keys")};
    const Captured c = capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_sign(o, out, err); });
    EXPECT_EQ(c.code, 2);
    EXPECT_CONTAINS(c.err, "--block-hash");
    std::ofstream(path("bad-keys")) << "0x1234\n";
    o.block_hash = o.state_root;
    o.key_files = {path("bad-keys")};
    const Captured k = capture([&](std::FILE* out, std::FILE* err) { return run_checkpoint_sign(o, out, err); });
    EXPECT_EQ(k.code, 2);
    EXPECT_CONTAINS(k.err, "bad-keys:1");
}

}  // namespace
}  // namespace hypasis::node
