#include "hypasis/sync/scrubber.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/block_store/test_chain.hpp"
#include "hypasis/storage/block_store/test_support.hpp"

namespace hypasis::sync {
namespace {

namespace asio = boost::asio;
using storage::Column;
using storage::DataKind;
using storage::Range;

constexpr uint64_t kFirst = 500;
constexpr uint64_t kCount = 300;

/// A closed store with blocks [kFirst, kFirst + kCount) and receipts; then block `bad` has one body byte flipped
/// through the raw kv layer, as damage on disk would.
void build_damaged_store(const std::filesystem::path& dir, uint64_t bad) {
    {
        auto store = storage::testing::open_store(dir);
        ASSERT_TRUE(store);
        const auto chain = storage::testing::make_blocks(kFirst, kCount);
        ASSERT_TRUE(store->put_blocks(storage::testing::blocks_of(chain)));
        ASSERT_TRUE(store->put_receipts(kFirst, storage::testing::receipts_of(chain)));
    }
    auto raw = storage::testing::open_raw(dir);
    ASSERT_TRUE(raw);
    const auto key = storage::schema::num_key(bad);
    auto row = raw->get(Column::kBodies, key);
    ASSERT_TRUE(row && *row);
    Bytes v = **row;
    v[v.size() / 2] ^= 0x80;
    storage::WriteBatch b;
    b.put(Column::kBodies, key, v);
    ASSERT_TRUE(raw->write(std::move(b), storage::Durability::kSync));
}

TEST(Scrubber, FindsDamageOnDiskThatNoReadAskedForAndLeavesAGap) {
    storage::testing::TempDir dir;
    const uint64_t bad = kFirst + 123;
    build_damaged_store(dir.path(), bad);
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);

    asio::io_context ctx;
    Scrubber scrubber(ctx.get_executor(), *store,
                      {.blocks_per_second = 1'000'000, .start_delay = std::chrono::milliseconds(0),
                       .pass_interval = std::chrono::hours(1), .batch = 50});
    bool done = false;
    asio::co_spawn(ctx, scrubber.run(), [&](std::exception_ptr) { done = true; });
    // Stop once the first pass has completed (or after a generous bound).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (scrubber.counters().passes == 0 && std::chrono::steady_clock::now() < deadline) ctx.run_one_for(
        std::chrono::milliseconds(50));
    scrubber.stop();
    ctx.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(done);

    const auto c = scrubber.counters();
    EXPECT_EQ(c.passes, 1u);
    EXPECT_EQ(c.blocks_checked, kCount);
    EXPECT_EQ(c.corrupt_found, 1u);
    EXPECT_EQ(c.errors, 0u);
    const Range all{kFirst, kFirst + kCount};
    EXPECT_EQ(store->gaps(DataKind::kBodies, all), (std::vector<Range>{{bad, bad + 1}}));
    EXPECT_TRUE(store->gaps(DataKind::kHeaders, all).empty());
}

TEST(Scrubber, ZeroRateIsOff) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    asio::io_context ctx;
    Scrubber scrubber(ctx.get_executor(), *store, {.blocks_per_second = 0});
    bool done = false;
    asio::co_spawn(ctx, scrubber.run(), [&](std::exception_ptr) { done = true; });
    ctx.run_for(std::chrono::seconds(2));
    EXPECT_TRUE(done);
    EXPECT_EQ(scrubber.counters().blocks_checked, 0u);
}

}  // namespace
}  // namespace hypasis::sync
