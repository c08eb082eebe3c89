// StoreBanStore over a real BlockStore: round trip, replacement, erase, persistence across reopen, and damaged
// records (undecodable, or a key that does not match the id inside) dropped with a log line.
#include "hypasis/node/devp2p/store_ban_store.hpp"

#include <gtest/gtest.h>

#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

using p2p::peers::Ban;
using testing::StoreCommandTest;

crypto::PublicKey peer(uint8_t seed) {
    crypto::PublicKey id{};
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed + i);
    return id;
}

class StoreBanStoreTest : public StoreCommandTest {
  protected:
    void SetUp() override {
        StoreCommandTest::SetUp();
        reopen();
    }
    void reopen() {
        store_.reset();
        storage::StoreOptions o;
        o.kv.create_if_missing = true;
        auto s = storage::BlockStore::open(datadir_, o);
        ASSERT_TRUE(s.has_value());
        store_ = std::move(*s);
    }
    StoreBanStore bans() {
        return StoreBanStore(*store_, [this](const std::string& line) { log_.push_back(line); });
    }
    std::unique_ptr<storage::BlockStore> store_;
    std::vector<std::string> log_;
};

TEST_F(StoreBanStoreTest, KeyIsPrefixAndRawId) {
    const Bytes key = ban_record_key(peer(1));
    ASSERT_EQ(key.size(), 4u + 64u);
    EXPECT_EQ(std::string(key.begin(), key.begin() + 4), "ban/");
    EXPECT_EQ(key[4], 1);
    EXPECT_EQ(key[67], 64);
}

TEST_F(StoreBanStoreTest, RoundTripReplaceEraseAndReopen) {
    Ban permanent{peer(1), std::nullopt, std::nullopt, "protocol violation: malformed rlp"};
    Ban timed{peer(2), p2p::discv4::IpAddress::v4(10, 1, 2, 3),
              p2p::peers::WallClock::time_point(std::chrono::milliseconds(1'900'000'000'123)), "reputation"};
    {
        auto s = bans();
        EXPECT_TRUE(s.load().empty());
        s.save(permanent);
        s.save(timed);
        auto loaded = s.load();
        ASSERT_EQ(loaded.size(), 2u);
        EXPECT_EQ(loaded[0], permanent);
        EXPECT_EQ(loaded[1], timed);
        timed.reason = "replaced";
        s.save(timed);
        loaded = s.load();
        ASSERT_EQ(loaded.size(), 2u);
        EXPECT_EQ(loaded[1].reason, "replaced");
    }
    reopen();
    {
        auto s = bans();
        auto loaded = s.load();
        ASSERT_EQ(loaded.size(), 2u);  // persisted
        EXPECT_EQ(loaded[1], timed);
        s.erase(permanent.peer_id);
        s.erase(peer(9));  // absent: not an error
        loaded = s.load();
        ASSERT_EQ(loaded.size(), 1u);
        EXPECT_EQ(loaded[0].peer_id, timed.peer_id);
    }
    EXPECT_TRUE(log_.empty());
}

TEST_F(StoreBanStoreTest, DamagedRecordsAreDroppedAndLogged) {
    auto s = bans();
    const Ban good{peer(1), std::nullopt, std::nullopt, "ok"};
    s.save(good);
    // Undecodable value.
    const Bytes junk_key = ban_record_key(peer(2));
    ASSERT_TRUE(store_->put_record(junk_key, Bytes{0xc3, 0x01, 0x02}).has_value());
    // A valid ban stored under another peer's key.
    const Bytes moved_key = ban_record_key(peer(3));
    ASSERT_TRUE(store_->put_record(moved_key, p2p::peers::encode_ban(Ban{peer(4), {}, {}, "x"})).has_value());

    const auto loaded = s.load();
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0], good);
    ASSERT_EQ(log_.size(), 2u);
    EXPECT_NE(log_[0].find("damaged peer ban"), std::string::npos) << log_[0];
    EXPECT_NE(log_[1].find("does not match the peer id"), std::string::npos) << log_[1];
    // Both were deleted, so the next load is clean.
    EXPECT_FALSE(store_->get_record(junk_key)->has_value());
    EXPECT_FALSE(store_->get_record(moved_key)->has_value());
    log_.clear();
    EXPECT_EQ(s.load().size(), 1u);
    EXPECT_TRUE(log_.empty());
}

}  // namespace
}  // namespace hypasis::node
