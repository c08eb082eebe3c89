#include "hypasis/node/commands/export_command.hpp"

#include <gtest/gtest.h>

#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

namespace fs = std::filesystem;

using testing::generated_chain;
using testing::Outcome;
using testing::slice;

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

class ExportTest : public testing::StoreCommandTest {
  protected:
    // Blocks [0, 1000) and [2000, 3000) of the generated chain, stored.
    void store_with_hole() {
        const auto& chain = generated_chain(1, 3'000);
        const Outcome r = import(
            {write_chain("low.rlp", slice(chain, 0, 1'000)), write_chain("high.rlp", slice(chain, 2'000, 3'000))});
        ASSERT_EQ(r.code, 0) << r.err;
    }

    Outcome run(std::optional<uint64_t> from, std::optional<uint64_t> to, const std::string& file) {
        ExportOptions o;
        o.datadir = datadir_;
        o.from = from;
        o.to = to;
        o.file = file;
        o.progress = ProgressMode::kQuiet;
        return testing::capture([&](std::FILE* out, std::FILE* err) { return run_export(o, out, err); });
    }
};

TEST_F(ExportTest, RangeBothEndsInclusive) {
    store_with_hole();
    const auto& chain = generated_chain(1, 3'000);
    const fs::path out = dir_ / "part.rlp";
    const Outcome r = run(10, 20, out.string());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(testing::read_bytes(out) == testing::as_string(test::encode_chain(slice(chain, 10, 21))));
    EXPECT_CONTAINS(r.err, "hypasis: export: blocks [10, 21) to " + out.string() + ": 11 blocks, ");
    EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
}

TEST_F(ExportTest, RangeWithAHoleFailsWithoutOutput) {
    store_with_hole();
    const fs::path out = dir_ / "hole.rlp";
    const Outcome r = run(500, 2'500, out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "hypasis: export: block 1000 is missing (in the gap [1000, 2000))\n");
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out.string() + ".tmp"));

    // A file already there is left alone by a failed export.
    testing::StoreCommandTest::write_bytes("hole.rlp", as_bytes("keep me"));
    EXPECT_EQ(run(1'500, 1'600, out.string()).code, 1);
    EXPECT_EQ(testing::read_bytes(out), "keep me");
}

TEST_F(ExportTest, BeyondTheHeadAndBadRange) {
    store_with_hole();
    const fs::path out = dir_ / "x.rlp";
    const Outcome beyond = run(2'900, 3'100, out.string());
    EXPECT_EQ(beyond.code, 1);
    EXPECT_EQ(beyond.err, "hypasis: export: block 3000 is beyond the head 2999\n");
    const Outcome inverted = run(20, 10, out.string());
    EXPECT_EQ(inverted.code, 1);
    EXPECT_EQ(inverted.err, "hypasis: export: --from 20 is above --to 10\n");
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(ExportTest, DefaultsAndStdout) {
    const auto& chain = generated_chain(1, 3'000);
    ASSERT_EQ(import({write_chain("a.rlp", slice(chain, 0, 300))}).code, 0);
    // No --from/--to: everything, 0 to the head; "-" writes to the out stream.
    const Outcome r = run(std::nullopt, std::nullopt, "-");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out == testing::as_string(test::encode_chain(slice(chain, 0, 300))));
    EXPECT_CONTAINS(r.err, "blocks [0, 300) to stdout: 300 blocks");
}

TEST_F(ExportTest, MissingDatadirIsNotCreated) {
    const Outcome r = run(0, 1, (dir_ / "x.rlp").string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err,
              "hypasis: export: no Hypasis database in " + datadir_ + " (import blocks first, or check --datadir)\n");
    EXPECT_FALSE(fs::exists(datadir_));
}

TEST_F(ExportTest, UnwritableDestination) {
    ASSERT_EQ(import({write_chain("a.rlp", slice(generated_chain(1, 10), 0, 10))}).code, 0);
    const Outcome r = run(0, 9, (dir_ / "no-such-dir" / "x.rlp").string());
    EXPECT_EQ(r.code, 1);
    EXPECT_CONTAINS(r.err, "hypasis: export: cannot create " + (dir_ / "no-such-dir" / "x.rlp.tmp").string());
}

}  // namespace
}  // namespace hypasis::node
