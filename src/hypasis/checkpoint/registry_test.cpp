#include "hypasis/checkpoint/registry.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::checkpoint {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uint64_t kNow = 1'730'000'000 + 3600;  // an hour after the sample checkpoints

VerifiedCheckpoint verified(uint64_t block_num, uint64_t timestamp, uint32_t signers = 3, uint64_t chain = 1) {
    const ValidatorSet set = testing::ecdsa_set(std::vector<U256>(signers, U256{1}), QuorumRule::kGeneric, chain);
    Checkpoint c = testing::sample_checkpoint(chain, block_num);
    c.timestamp = timestamp;
    c.block_hash[0] = static_cast<uint8_t>(block_num);
    testing::sign_ecdsa(c, testing::first(signers));
    auto v = verify(c, set);
    EXPECT_TRUE(v.has_value());
    return *v;
}

class Registry : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-registry-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        reopen();
    }
    void TearDown() override {
        store_.reset();
        fs::remove_all(dir_);
    }
    void reopen() {
        store_.reset();
        storage::StoreOptions o;
        o.kv.create_if_missing = true;
        auto s = storage::BlockStore::open(dir_, o);
        ASSERT_TRUE(s.has_value()) << storage::to_string(s.error());
        store_ = std::move(*s);
    }
    std::vector<uint64_t> listed_blocks(CheckpointRegistry& r) {
        std::vector<uint64_t> out;
        const auto all = r.list();
        EXPECT_TRUE(all.has_value());
        if (!all) return out;
        for (const auto& e : *all) out.push_back(e.checkpoint.checkpoint.block_num);
        return out;
    }
    fs::path dir_;
    std::unique_ptr<storage::BlockStore> store_;
};

TEST_F(Registry, ListsNewestFirstWithTheRecord) {
    CheckpointRegistry r(*store_);
    ASSERT_TRUE(r.add(verified(100, kNow - 300), "file:/a", kNow, {}).has_value());
    ASSERT_TRUE(r.add(verified(300, kNow - 100), "https://b", kNow, {}).has_value());
    ASSERT_TRUE(r.add(verified(200, kNow - 200), "cli", kNow, {}).has_value());
    EXPECT_EQ(listed_blocks(r), (std::vector<uint64_t>{300, 200, 100}));
    const auto all = *r.list();
    EXPECT_TRUE(all[0].current);
    EXPECT_FALSE(all[1].current);
    EXPECT_EQ(all[0].source, "https://b");
    EXPECT_EQ(all[0].verified_at, kNow);
    EXPECT_EQ(all[0].checkpoint.signed_stake, U256{3});
    EXPECT_EQ(all[0].checkpoint.signers, 3u);
    EXPECT_EQ(all[0].checkpoint.digest, checkpoint_digest(all[0].checkpoint.checkpoint));
    EXPECT_EQ(all[0].checkpoint.checkpoint.ecdsa_signatures.size(), 3u);
}

TEST_F(Registry, RollbackIsPersistedAndRevokesNewerOnes) {
    {
        CheckpointRegistry r(*store_);
        for (uint64_t n : {100, 200, 300}) ASSERT_TRUE(r.add(verified(n, kNow - 1000 + n), "x", kNow, {}).has_value());
        const auto back = r.rollback(1, 100, std::nullopt);
        ASSERT_TRUE(back.has_value()) << to_string(back.error());
        EXPECT_EQ(back->checkpoint.checkpoint.block_num, 100u);
    }
    reopen();  // a restart keeps it
    CheckpointRegistry r(*store_);
    const auto cur = r.current(1);
    ASSERT_TRUE(cur.has_value() && cur->has_value());
    EXPECT_EQ((*cur)->checkpoint.checkpoint.block_num, 100u);
    const auto all = *r.list();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_TRUE(all[0].revoked);  // 300
    EXPECT_TRUE(all[1].revoked);  // 200
    EXPECT_FALSE(all[2].revoked);

    // A revoked checkpoint cannot come back through any source.
    const auto again = r.add(verified(300, kNow - 700), "x", kNow, {});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, RegistryErrc::kRevoked);

    // A new, later checkpoint becomes current.
    ASSERT_TRUE(r.add(verified(400, kNow - 50), "x", kNow, {}).has_value());
    EXPECT_EQ((*r.current(1))->checkpoint.checkpoint.block_num, 400u);
}

TEST_F(Registry, RollbackRefusals) {
    CheckpointRegistry r(*store_);
    ASSERT_TRUE(r.add(verified(100, kNow - 300), "x", kNow, {}).has_value());
    ASSERT_TRUE(r.add(verified(200, kNow - 200), "x", kNow, {}).has_value());
    ASSERT_TRUE(r.add(verified(50, kNow - 200, 3, 5), "x", kNow, {}).has_value());  // chain 5
    EXPECT_EQ(r.rollback(1, 150, std::nullopt).error().code, RegistryErrc::kNotFound);
    EXPECT_EQ(r.rollback(1, 200, std::nullopt).error().code, RegistryErrc::kNotEarlier);
    EXPECT_EQ(r.rollback(1, 50, std::nullopt).error().code, RegistryErrc::kNotFound);  // 50 is chain 5's
    Hash wrong{};
    EXPECT_EQ(r.rollback(1, 100, wrong).error().code, RegistryErrc::kNotFound);
    ASSERT_TRUE(r.rollback(1, 100, std::nullopt).has_value());
    EXPECT_EQ(r.rollback(1, 200, std::nullopt).error().code, RegistryErrc::kNotEarlier);  // revoked now
    // Chain 5 is untouched.
    EXPECT_EQ((*r.current(5))->checkpoint.checkpoint.block_num, 50u);
}

TEST_F(Registry, Freshness) {
    CheckpointRegistry r(*store_);
    FreshnessPolicy p;
    p.max_age = 3600s;
    const auto stale = r.add(verified(100, kNow - 3601), "x", kNow, p);
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, RegistryErrc::kStale);
    EXPECT_NE(stale.error().detail.find("3601 s old"), std::string::npos) << stale.error().detail;
    EXPECT_TRUE(r.add(verified(101, kNow - 3600), "x", kNow, p).has_value());  // exactly max_age is fresh
    p.allow_stale = true;
    EXPECT_TRUE(r.add(verified(100, kNow - 3601), "x", kNow, p).has_value());
    const auto future = r.add(verified(102, kNow + 16 * 60), "x", kNow, p);
    ASSERT_FALSE(future);
    EXPECT_EQ(future.error().code, RegistryErrc::kFromFuture);
    EXPECT_EQ(listed_blocks(r), (std::vector<uint64_t>{101, 100}));
}

// 1,000 ECDSA signatures make a ~200 KB record: it is split into parts and read back whole.
TEST_F(Registry, LargeRecordsAndInterruptedWrites) {
    CheckpointRegistry r(*store_);
    const VerifiedCheckpoint big = verified(100, kNow - 10, 1000);
    ASSERT_TRUE(r.add(big, "x", kNow, {}).has_value());
    reopen();
    CheckpointRegistry r2(*store_);
    const auto all = r2.list();
    ASSERT_TRUE(all.has_value());
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].checkpoint.checkpoint, big.checkpoint);

    // An add interrupted after its part 1: part 0 (with the count) is missing, so the record is not listed.
    Bytes key(std::string_view("ckpt/c/").begin(), std::string_view("ckpt/c/").end());
    for (auto b : be64(1)) key.push_back(b);
    for (auto b : be64(999)) key.push_back(b);
    key.insert(key.end(), 32, 0x77);
    key.push_back(0);
    key.push_back(1);
    ASSERT_TRUE(store_->put_record(key, as_bytes("partial")).has_value());
    EXPECT_EQ(listed_blocks(r2), (std::vector<uint64_t>{100}));

    // Part 0 completing it (2 parts) makes a whole record that does not decode: corruption, reported as such.
    key.back() = 0;
    ASSERT_TRUE(store_->put_record(key, Bytes{0, 2, '{'}).has_value());
    const auto corrupt = r2.list();
    ASSERT_FALSE(corrupt);
    EXPECT_EQ(corrupt.error().code, RegistryErrc::kCorrupt);
}

}  // namespace
}  // namespace hypasis::checkpoint
