#include "hypasis/p2p/discv4/table.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/p2p/discv4/rate_limiter.hpp"

namespace hypasis::p2p::discv4 {
namespace {

NodeId id_of(uint32_t n) {
    crypto::SecretKey k = crypto::keccak256(ByteView{reinterpret_cast<const uint8_t*>(&n), sizeof(n)});
    return *crypto::public_key(k);
}

Node node(uint32_t n) { return Node{id_of(n), {IpAddress::v4(127, 0, 0, 1), static_cast<uint16_t>(n), 0}}; }

TEST(Discv4Table, LogDistance) {
    Hash a{};
    Hash b{};
    EXPECT_EQ(log_distance(a, b), 0);
    b[31] = 1;
    EXPECT_EQ(log_distance(a, b), 1);
    b[31] = 0x80;
    EXPECT_EQ(log_distance(a, b), 8);
    b[0] = 0x01;
    EXPECT_EQ(log_distance(a, b), 249);
    b[0] = 0x80;
    EXPECT_EQ(log_distance(a, b), 256);
}

TEST(Discv4Table, BucketsAreBoundedWithReplacements) {
    const NodeId self = id_of(0);
    NodeTable table(self);
    EXPECT_EQ(table.add(Node{self, {}}), NodeTable::AddResult::kSelf);
    const Hash self_hash = crypto::keccak256(self);
    // Fill the farthest bucket (distance 256, half of all ids) beyond its 16 entries.
    std::vector<Node> far;
    for (uint32_t n = 1; far.size() < kBucketSize + kReplacementSize + 5; ++n) {
        const Node x = node(n);
        if (log_distance(self_hash, crypto::keccak256(x.id)) == 256) far.push_back(x);
    }
    std::size_t added = 0, replaced = 0;
    for (const Node& x : far) {
        const auto r = table.add(x);
        added += r == NodeTable::AddResult::kAdded;
        replaced += r == NodeTable::AddResult::kReplacement;
    }
    EXPECT_EQ(added, kBucketSize);
    EXPECT_EQ(replaced, far.size() - kBucketSize);
    EXPECT_EQ(table.bucket_size(256), kBucketSize);
    EXPECT_EQ(table.add(far[0]), NodeTable::AddResult::kUpdated);
    // Removing an entry promotes the most recent replacement.
    EXPECT_TRUE(table.remove(far[1].id));
    EXPECT_EQ(table.bucket_size(256), kBucketSize);
    EXPECT_TRUE(table.find(far.back().id));
    EXPECT_FALSE(table.find(far[1].id));
    EXPECT_FALSE(table.remove(far[1].id));
}

TEST(Discv4Table, ClosestIsSortedByXorDistance) {
    NodeTable table(id_of(0));
    for (uint32_t n = 1; n <= 60; ++n) table.add(node(n));
    const NodeId target = id_of(999);
    const auto closest = table.closest(target, 16);
    ASSERT_EQ(closest.size(), 16u);
    const Hash t = crypto::keccak256(target);
    auto dist = [&](const Node& x) {
        Hash h = crypto::keccak256(x.id);
        for (std::size_t i = 0; i < 32; ++i) h[i] ^= t[i];
        return h;
    };
    for (std::size_t i = 1; i < closest.size(); ++i) EXPECT_LT(dist(closest[i - 1]), dist(closest[i]));
    // Nothing left out is closer than the last one returned.
    for (uint32_t n = 1; n <= 60; ++n) {
        const Node x = node(n);
        if (!table.find(x.id)) continue;
        if (std::find(closest.begin(), closest.end(), x) == closest.end()) {
            EXPECT_GT(dist(x), dist(closest.back()));
        }
    }
}

TEST(Discv4Table, BondingExpiresAfter12HoursAndNeedsTheSameIp) {
    NodeTable table(id_of(0), /*max_bonds=*/3);
    const Clock::time_point t0{};
    const IpAddress a = IpAddress::v4(127, 0, 0, 1);
    const IpAddress b = IpAddress::v4(127, 0, 0, 2);
    EXPECT_FALSE(table.is_bonded(id_of(1), a, t0));
    table.record_ping(id_of(1), a, t0);
    EXPECT_FALSE(table.is_bonded(id_of(1), a, t0));  // a ping is not an endpoint proof
    EXPECT_TRUE(table.pinged_us(id_of(1), a, t0));
    table.record_pong(id_of(1), a, t0);
    EXPECT_TRUE(table.is_bonded(id_of(1), a, t0 + std::chrono::hours(12)));
    EXPECT_FALSE(table.is_bonded(id_of(1), a, t0 + std::chrono::hours(12) + std::chrono::seconds(1)));
    EXPECT_FALSE(table.is_bonded(id_of(1), b, t0));
    table.record_ping(id_of(1), b, t0);  // a new address drops the old proof
    EXPECT_FALSE(table.is_bonded(id_of(1), a, t0));
    // Bounded: the stalest bond goes first.
    for (uint32_t n = 2; n <= 5; ++n) table.record_pong(id_of(n), a, t0 + std::chrono::seconds(n));
    EXPECT_EQ(table.bond_count(), 3u);
    EXPECT_FALSE(table.is_bonded(id_of(2), a, t0 + std::chrono::seconds(10)));
    EXPECT_TRUE(table.is_bonded(id_of(5), a, t0 + std::chrono::seconds(10)));
}

TEST(Discv4RateLimiter, TokenBucketPerSourceAndBounded) {
    RateLimiter limiter(/*per_second=*/10, /*burst=*/5, /*max_sources=*/2);
    const Clock::time_point t0{std::chrono::hours(1)};
    const IpAddress a = IpAddress::v4(127, 0, 0, 1);
    int allowed = 0;
    for (int i = 0; i < 100; ++i) allowed += limiter.allow(a, t0);
    EXPECT_EQ(allowed, 5);
    EXPECT_TRUE(limiter.allow(a, t0 + std::chrono::milliseconds(100)));   // one token refilled
    EXPECT_FALSE(limiter.allow(a, t0 + std::chrono::milliseconds(100)));
    // Another source has its own bucket.
    EXPECT_TRUE(limiter.allow(IpAddress::v4(127, 0, 0, 2), t0));
    // Beyond max_sources, new sources share one overflow bucket, and memory does not grow.
    int overflow_allowed = 0;
    for (uint8_t i = 3; i < 200; ++i) overflow_allowed += limiter.allow(IpAddress::v4(127, 0, 0, i), t0);
    EXPECT_EQ(limiter.tracked(), 2u);
    EXPECT_EQ(overflow_allowed, 5);
}

}  // namespace
}  // namespace hypasis::p2p::discv4
