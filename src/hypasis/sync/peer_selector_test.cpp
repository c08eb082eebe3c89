#include "hypasis/sync/peer_selector.hpp"

#include <gtest/gtest.h>

namespace hypasis::sync {
namespace {

using p2p::peers::PeerId;
using p2p::peers::PeerInfo;
using storage::DataKind;
using storage::Range;
using namespace std::chrono_literals;

PeerId id(uint8_t b) {
    PeerId p{};
    p[0] = b;
    return p;
}

PeerInfo eth69(uint8_t b, uint64_t earliest, uint64_t latest) {
    PeerInfo p;
    p.peer_id = id(b);
    p.earliest = earliest;
    p.latest = latest;
    p.head_number = latest;
    return p;
}

PeerSelectorConfig small() {
    PeerSelectorConfig c;
    c.initial_batch = 64;
    c.min_batch = 16;
    c.max_batch = 256;
    c.max_in_flight = 1;
    c.failure_cooldown = 100ms;
    c.slow_answer = 1s;
    return c;
}

TEST(PeerSelector, PicksOnlyPeersWhoseRangeHoldsTheTopAndClipsToEarliest) {
    PeerSelector s(small());
    const auto now = p2p::Clock::now();
    std::vector<PeerInfo> peers{eth69(1, 0, 50), eth69(2, 90, 200)};
    auto c = s.pick(peers, Range{0, 100}, DataKind::kHeaders, now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->peer_id, id(2));
    EXPECT_EQ(c->range, (Range{90, 100}));  // clipped to earliest 90
    c = s.pick(peers, Range{0, 40}, DataKind::kHeaders, now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->peer_id, id(1));
    EXPECT_EQ(c->range, (Range{0, 40}));
    EXPECT_FALSE(s.pick(peers, Range{0, 300}, DataKind::kHeaders, now));
    // eth/68: no range; head decides.
    PeerInfo old;
    old.peer_id = id(3);
    old.head_number = 500;
    c = s.pick(std::vector{old}, Range{0, 300}, DataKind::kHeaders, now);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->range, (Range{236, 300}));  // batch of 64 from the top
}

TEST(PeerSelector, PrefersReputationThenRateAndRespectsInFlight) {
    PeerSelector s(small());
    const auto now = p2p::Clock::now();
    auto a = eth69(1, 0, 1000), b = eth69(2, 0, 1000);
    a.header_rate = 5000;
    b.header_rate = 100;
    std::vector<PeerInfo> peers{a, b};
    EXPECT_EQ(s.pick(peers, Range{0, 500}, DataKind::kHeaders, now)->peer_id, id(1));
    peers[0].reputation = -40;  // two bands lower
    EXPECT_EQ(s.pick(peers, Range{0, 500}, DataKind::kHeaders, now)->peer_id, id(2));
    s.on_start(id(2));  // max_in_flight 1
    EXPECT_EQ(s.pick(peers, Range{0, 500}, DataKind::kHeaders, now)->peer_id, id(1));
    s.on_start(id(1));
    EXPECT_FALSE(s.pick(peers, Range{0, 500}, DataKind::kHeaders, now));
    s.on_finish(id(2));
    EXPECT_EQ(s.pick(peers, Range{0, 500}, DataKind::kHeaders, now)->peer_id, id(2));
}

TEST(PeerSelector, FailedPeerCoolsDownWithBackoff) {
    PeerSelector s(small());
    const auto now = p2p::Clock::now();
    std::vector<PeerInfo> peers{eth69(1, 0, 1000)};
    s.on_failure(id(1), DataKind::kHeaders, now);
    EXPECT_TRUE(s.cooling(id(1), now + 99ms));
    EXPECT_FALSE(s.pick(peers, Range{0, 10}, DataKind::kHeaders, now + 50ms));
    EXPECT_TRUE(s.pick(peers, Range{0, 10}, DataKind::kHeaders, now + 101ms));
    s.on_failure(id(1), DataKind::kHeaders, now);  // second in a row: 200 ms
    EXPECT_TRUE(s.cooling(id(1), now + 150ms));
    EXPECT_FALSE(s.cooling(id(1), now + 201ms));
    s.on_answer(id(1), DataKind::kHeaders, 16, 16, 1ms, now);  // success resets
    EXPECT_FALSE(s.cooling(id(1), now));
}

TEST(PeerSelector, BatchGrowsOnFullFastAnswersAndShrinksOtherwise) {
    PeerSelector s(small());
    const auto now = p2p::Clock::now();
    EXPECT_EQ(s.batch_size(id(1), DataKind::kHeaders), 64u);
    EXPECT_EQ(s.batch_size(id(1), DataKind::kBodies), 16u);
    s.on_answer(id(1), DataKind::kHeaders, 64, 64, 10ms, now);
    EXPECT_EQ(s.batch_size(id(1), DataKind::kHeaders), 96u);
    for (int i = 0; i < 10; ++i) s.on_answer(id(1), DataKind::kHeaders, 1000, 1000, 10ms, now);
    EXPECT_EQ(s.batch_size(id(1), DataKind::kHeaders), 256u);  // capped
    s.on_answer(id(1), DataKind::kHeaders, 256, 100, 10ms, now);  // short
    EXPECT_EQ(s.batch_size(id(1), DataKind::kHeaders), 128u);
    s.on_answer(id(1), DataKind::kHeaders, 128, 128, 3s, now);  // full but slow
    EXPECT_EQ(s.batch_size(id(1), DataKind::kHeaders), 64u);
    s.on_failure(id(1), DataKind::kHeaders, now);
    s.on_failure(id(1), DataKind::kHeaders, now);
    s.on_failure(id(1), DataKind::kHeaders, now);
    EXPECT_EQ(s.batch_size(id(1), DataKind::kHeaders), 16u);  // floor
    EXPECT_EQ(s.batch_size(id(1), DataKind::kBodies), 16u);   // per kind
}

}  // namespace
}  // namespace hypasis::sync
