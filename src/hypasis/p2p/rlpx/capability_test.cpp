#include "hypasis/p2p/rlpx/capability.hpp"

#include <gtest/gtest.h>

namespace hypasis::p2p::rlpx {
namespace {

TEST(Capability, KnownCounts) {
    EXPECT_EQ(known_message_count({"eth", 68}), 17u);  // caps/eth.md: 0x00..0x10
    EXPECT_EQ(known_message_count({"eth", 69}), 18u);  // plus BlockRangeUpdate 0x11
    EXPECT_EQ(known_message_count({"eth", 66}), 17u);
    EXPECT_EQ(known_message_count({"snap", 1}), 8u);
    EXPECT_FALSE(known_message_count({"eth", 70}).has_value());
    EXPECT_FALSE(known_message_count({"les", 4}).has_value());
}

TEST(Capability, HighestSharedVersionSortedByName) {
    const std::vector<Capability> local = {{"snap", 1}, {"eth", 68}, {"eth", 69}};
    const std::vector<Capability> remote = {{"eth", 67}, {"eth", 68}, {"eth", 69}, {"snap", 1}, {"les", 4}};
    const auto shared = negotiate(local, remote);
    ASSERT_EQ(shared.size(), 2u);
    EXPECT_EQ(shared[0], (SharedCapability{{"eth", 69}, 0x10, 18}));
    EXPECT_EQ(shared[1], (SharedCapability{{"snap", 1}, 0x10 + 18, 8}));
}

TEST(Capability, Eth68OnlyPeer) {
    const std::vector<Capability> local = {{"eth", 68}, {"eth", 69}};
    const std::vector<Capability> remote = {{"eth", 68}, {"eth", 67}};
    const auto shared = negotiate(local, remote);
    ASSERT_EQ(shared.size(), 1u);
    EXPECT_EQ(shared[0], (SharedCapability{{"eth", 68}, 0x10, 17}));
}

TEST(Capability, NothingShared) {
    const std::vector<Capability> local = {{"eth", 69}};
    EXPECT_TRUE(negotiate(local, std::vector<Capability>{{"eth", 68}, {"snap", 1}}).empty());
    EXPECT_TRUE(negotiate(local, std::vector<Capability>{}).empty());
    // A capability we cannot size is never shared.
    const std::vector<Capability> odd = {{"zzz", 1}};
    EXPECT_TRUE(negotiate(odd, odd).empty());
    const auto custom = negotiate(odd, odd, [](const Capability&) -> std::optional<uint64_t> { return 3; });
    ASSERT_EQ(custom.size(), 1u);
    EXPECT_EQ(custom[0].length, 3u);
}

}  // namespace
}  // namespace hypasis::p2p::rlpx
