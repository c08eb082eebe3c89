#include "hypasis/sync/fetch.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "hypasis/test_util/chain_generator.hpp"

namespace hypasis::sync {
namespace {

struct Chain {
    chain::ChainSpec spec;
    std::vector<Block> blocks;
    std::vector<std::vector<Receipt>> receipts;
};

const Chain& chain20() {
    static const Chain c = [] {
        test::ChainGenerator gen;
        Chain out{gen.spec(), {gen.genesis()}, {{}}};
        for (int i = 1; i < 20; ++i) {
            auto b = gen.next();
            out.blocks.push_back(std::move(b.block));
            out.receipts.push_back(std::move(b.receipts));
        }
        return out;
    }();
    return c;
}

// Headers [first, end) highest first.
std::vector<SealedHeader> descending(uint64_t first, uint64_t end) {
    std::vector<SealedHeader> out;
    for (uint64_t n = end; n-- > first;) out.push_back(chain20().blocks[n].header);
    return out;
}

std::vector<SealedHeader> headers(uint64_t first, uint64_t end) {
    std::vector<SealedHeader> out;
    for (uint64_t n = first; n < end; ++n) out.push_back(chain20().blocks[n].header);
    return out;
}

TEST(HistoryMode, NamesRoundTrip) {
    for (auto m : {HistoryMode::kHeaders, HistoryMode::kBodies, HistoryMode::kFull}) {
        EXPECT_EQ(history_mode_from_string(to_string(m)), m);
    }
    EXPECT_FALSE(history_mode_from_string("Full"));
    EXPECT_FALSE(history_mode_from_string(""));
}

TEST(CheckHeadersDescending, AcceptsTheGeneratedChainDownToGenesis) {
    const auto& c = chain20();
    EXPECT_TRUE(check_headers_descending(c.spec, descending(0, 19), c.blocks[19].header));
    EXPECT_TRUE(check_headers_descending(c.spec, descending(5, 10), c.blocks[10].header));
    EXPECT_TRUE(check_headers_descending(c.spec, {}, c.blocks[10].header));
}

TEST(CheckHeadersDescending, NamesTheAlteredBlock) {
    const auto& c = chain20();
    auto run = descending(5, 15);  // 14 .. 5
    BlockHeader h = run[3].header;  // block 11
    h.extra_data = Bytes{0x01};
    run[3] = seal(h);
    auto r = check_headers_descending(c.spec, run, c.blocks[15].header);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kUnlinked);
    EXPECT_EQ(r.error().block_num, 11u);
    EXPECT_EQ(to_string(r.error()), "unlinked at block 11");
}

TEST(CheckHeadersDescending, WrongChildFailsAtTheTop) {
    const auto& c = chain20();
    auto r = check_headers_descending(c.spec, descending(5, 15), c.blocks[16].header);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kNumberMismatch);
    EXPECT_EQ(r.error().block_num, 15u);
    // Right number, wrong chain above: the top does not link.
    BlockHeader other = c.blocks[15].header.header;
    other.parent_hash[0] ^= 1;
    r = check_headers_descending(c.spec, descending(5, 15), seal(other));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kUnlinked);
    EXPECT_EQ(r.error().block_num, 14u);
}

TEST(CheckHeadersDescending, SkippedNumberFails) {
    const auto& c = chain20();
    auto run = descending(5, 15);
    run.erase(run.begin() + 2);  // 14, 13, 11, ...
    auto r = check_headers_descending(c.spec, run, c.blocks[15].header);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kNumberMismatch);
    EXPECT_EQ(r.error().block_num, 12u);
}

TEST(CheckHeadersDescending, LinkedButInvalidHeaderIsRejectedWithItsRule) {
    const auto& c = chain20();
    // Block 10 with its parent's timestamp, resealed, and block 11 re-linked to it: hashes link, the rule fails.
    BlockHeader h10 = c.blocks[10].header.header;
    h10.timestamp = c.blocks[9].header.header.timestamp;
    const SealedHeader s10 = seal(h10);
    BlockHeader h11 = c.blocks[11].header.header;
    h11.parent_hash = s10.hash;
    const SealedHeader s11 = seal(h11);
    std::vector<SealedHeader> run{s10, c.blocks[9].header, c.blocks[8].header};
    auto r = check_headers_descending(c.spec, run, s11);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kInvalidHeader);
    EXPECT_EQ(r.error().block_num, 10u);
    ASSERT_TRUE(r.error().header_error);
    EXPECT_EQ(*r.error().header_error, validation::HeaderError::kTimestampNotIncreasing);
}

TEST(CheckHeadersAscending, AcceptsAndRejects) {
    const auto& c = chain20();
    EXPECT_TRUE(check_headers_ascending(c.spec, c.blocks[3].header, headers(4, 12)));
    auto run = headers(4, 12);
    std::swap(run[2], run[3]);
    auto r = check_headers_ascending(c.spec, c.blocks[3].header, run);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kNumberMismatch);
    EXPECT_EQ(r.error().block_num, 6u);
    r = check_headers_ascending(c.spec, c.blocks[2].header, headers(4, 12));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kNumberMismatch);
    EXPECT_EQ(r.error().block_num, 3u);
}

TEST(CheckBodies, MatchesRootsAndNamesTheBadBlock) {
    const auto& c = chain20();
    std::vector<BlockBody> bodies;
    for (uint64_t n = 3; n < 9; ++n) bodies.push_back(c.blocks[n].body);
    EXPECT_TRUE(check_bodies(headers(3, 9), bodies));
    // A prefix is fine; more than the headers is not.
    EXPECT_TRUE(check_bodies(headers(3, 9), std::span(bodies).first(2)));
    auto r = check_bodies(headers(3, 5), bodies);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kTooMany);
    std::swap(bodies[1], bodies[2]);
    r = check_bodies(headers(3, 9), bodies);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kBodyMismatch);
    EXPECT_EQ(r.error().block_num, 4u);
    ASSERT_TRUE(r.error().body_error);
    EXPECT_EQ(*r.error().body_error, validation::BodyError::kTransactionsRootMismatch);
}

TEST(CheckReceipts, MatchesRootsAndNamesTheBadBlock) {
    const auto& c = chain20();
    std::vector<std::vector<Receipt>> receipts(c.receipts.begin() + 3, c.receipts.begin() + 9);
    EXPECT_TRUE(check_receipts(headers(3, 9), receipts));
    ASSERT_FALSE(receipts[4].empty());
    receipts[4].back().cumulative_gas_used += 1;
    auto r = check_receipts(headers(3, 9), receipts);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, FetchErrc::kReceiptsMismatch);
    EXPECT_EQ(r.error().block_num, 7u);
    EXPECT_EQ(r.error().body_error, validation::BodyError::kGasUsedMismatch);
}

}  // namespace
}  // namespace hypasis::sync
