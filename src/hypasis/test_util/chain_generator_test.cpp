#include "hypasis/test_util/chain_generator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <set>
#include <string>

#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/core/validation/header_validation.hpp"
#include "hypasis/core/validation/linkage.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::test {
namespace {

std::string result(const Expected<void, validation::HeaderError>& r) {
    return r ? "ok" : std::string(validation::to_string(r.error()));
}
std::string result(const Expected<void, validation::BodyError>& r) {
    return r ? "ok" : std::string(validation::to_string(r.error()));
}

TEST(ChainGenerator, GenesisMatchesTheSpec) {
    ChainGenerator gen;
    const Block& g = gen.genesis();
    EXPECT_EQ(g.header.header.number, 0u);
    EXPECT_EQ(g.header.hash, gen.spec().genesis_hash);
    EXPECT_EQ(gen.spec().chain_id(), kGeneratedChainId);
    EXPECT_TRUE(gen.spec().is_prague(0, g.header.header.timestamp));
    ASSERT_TRUE(g.header.header.requests_hash.has_value());  // 21 fields: Prague from genesis
    EXPECT_EQ(result(validation::validate_body(g.header.header, g.body)), "ok");
}

// Every generated block passes full header validation against its parent, body and receipts validation, and
// sender recovery under the generated chain's rules; the run links, and every transaction type appears in
// every block.
TEST(ChainGenerator, BlocksAreValidAndLinked) {
    ChainGeneratorOptions opts;
    opts.seed = 7;
    opts.txn_rounds_per_block = 2;
    ChainGenerator gen(opts);
    SealedHeader parent = gen.genesis().header;
    std::vector<SealedHeader> headers;
    std::set<uint64_t> excess_values;
    std::set<std::string> base_fees;
    uint64_t withdrawal_index = 0;
    for (uint64_t n = 1; n <= 300; ++n) {
        SCOPED_TRACE("block " + std::to_string(n));
        const GeneratedBlock gb = gen.next();
        const BlockHeader& h = gb.block.header.header;
        ASSERT_EQ(h.number, n);
        EXPECT_EQ(result(validation::validate_header(gen.spec(), parent, h)), "ok");
        EXPECT_EQ(result(validation::validate_body(h, gb.block.body)), "ok");
        EXPECT_EQ(result(validation::validate_receipts(h, gb.receipts)), "ok");
        const auto senders = validation::validate_block_senders(gen.spec(), h, gb.block.body);
        ASSERT_TRUE(senders.has_value()) << "txn " << senders.error().index;

        std::array<int, 5> per_type{};
        for (const auto& t : gb.block.body.transactions) ++per_type[static_cast<std::size_t>(t.type)];
        EXPECT_EQ(per_type, (std::array<int, 5>{2, 2, 2, 2, 2}));
        for (const auto& t : gb.block.body.transactions) {
            for (const auto& a : t.authorization_list) EXPECT_TRUE(recover_authority(a).has_value());
        }
        ASSERT_TRUE(gb.block.body.withdrawals.has_value());
        for (const auto& w : *gb.block.body.withdrawals) EXPECT_EQ(w.index, withdrawal_index++);

        // The block survives the chain-file codec unchanged.
        const Bytes rlp = encode(gb.block);
        const auto decoded = decode_block(rlp);
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, gb.block);

        excess_values.insert(*h.excess_blob_gas);
        base_fees.insert(h.base_fee_per_gas->to_string());
        headers.push_back(gb.block.header);
        parent = gb.block.header;
    }
    EXPECT_TRUE(validation::validate_linkage_ascending(gen.genesis().header, headers).has_value());
    // The fee markets actually move: several base fees, and blob gas above target at times.
    EXPECT_GT(base_fees.size(), 50u);
    EXPECT_GT(excess_values.size(), 1u);
}

// A fork schedule: Shanghai at block 3, Cancun at 6, Prague at 9. Every block validates under the chain's rules
// across the transitions, and each fork's transaction type and header fields appear exactly from its block on.
TEST(ChainGenerator, ForkScheduleTransitionsValidate) {
    ChainGeneratorOptions opts;
    opts.seed = 11;
    opts.shanghai_block = 3;
    opts.cancun_block = 6;
    opts.prague_block = 9;
    ChainGenerator gen(opts);
    const BlockHeader& g = gen.genesis().header.header;
    EXPECT_FALSE(g.withdrawals_root.has_value());
    EXPECT_FALSE(g.requests_hash.has_value());
    EXPECT_FALSE(gen.genesis().body.withdrawals.has_value());
    EXPECT_EQ(result(validation::validate_body(g, gen.genesis().body)), "ok");
    SealedHeader parent = gen.genesis().header;
    for (uint64_t n = 1; n <= 12; ++n) {
        SCOPED_TRACE("block " + std::to_string(n));
        const GeneratedBlock gb = gen.next();
        const BlockHeader& h = gb.block.header.header;
        EXPECT_EQ(result(validation::validate_header(gen.spec(), parent, h)), "ok");
        EXPECT_EQ(result(validation::validate_body(h, gb.block.body)), "ok");
        EXPECT_EQ(result(validation::validate_receipts(h, gb.receipts)), "ok");
        EXPECT_TRUE(validation::validate_block_senders(gen.spec(), h, gb.block.body).has_value());
        EXPECT_EQ(h.withdrawals_root.has_value(), n >= 3);
        EXPECT_EQ(gb.block.body.withdrawals.has_value(), n >= 3);
        EXPECT_EQ(h.excess_blob_gas.has_value(), n >= 6);
        EXPECT_EQ(h.parent_beacon_block_root.has_value(), n >= 6);
        EXPECT_EQ(h.requests_hash.has_value(), n >= 9);
        std::set<TxnType> types;
        for (const auto& t : gb.block.body.transactions) types.insert(t.type);
        EXPECT_EQ(types.count(TxnType::kBlob) == 1, n >= 6);
        EXPECT_EQ(types.count(TxnType::kSetCode) == 1, n >= 9);
        EXPECT_EQ(types.count(TxnType::kDynamicFee), 1u);
        parent = gb.block.header;
    }
}

TEST(ChainGenerator, DeterministicFromTheSeed) {
    ChainGeneratorOptions a;
    a.seed = 42;
    ChainGenerator g1(a);
    ChainGenerator g2(a);
    const auto c1 = g1.blocks(20);
    const auto c2 = g2.blocks(20);
    EXPECT_EQ(encode_chain(c1), encode_chain(c2));

    ChainGeneratorOptions b = a;
    b.seed = 43;
    ChainGenerator g3(b);
    const auto c3 = g3.blocks(20);
    EXPECT_NE(c1[0].header.hash, c3[0].header.hash);
    EXPECT_NE(c1[19].header.hash, c3[19].header.hash);
}

TEST(ChainGenerator, ChainFileDecodesBackToTheBlocks) {
    ChainGenerator gen;
    const auto blocks = gen.blocks(50);
    ASSERT_EQ(blocks.size(), 50u);
    const auto path = std::filesystem::temp_directory_path() / ("hypasis-gen-test-" + std::to_string(::getpid()));
    write_chain_file(path, blocks);
    const std::string text = read_file(path);
    std::filesystem::remove(path);
    const Bytes expected = encode_chain(blocks);
    ASSERT_EQ(text.size(), expected.size());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), reinterpret_cast<const uint8_t*>(text.data())));

    ByteView in = expected;
    for (const auto& b : blocks) {
        const auto d = decode_block_item(in);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->header.hash, b.header.hash);
    }
    EXPECT_TRUE(in.empty());
}

TEST(ChainGenerator, WriteToAnUnwritablePathThrows) {
    ChainGenerator gen;
    const auto blocks = gen.blocks(2);
    EXPECT_THROW(write_chain_file("/nonexistent-dir/x.rlp", blocks), std::runtime_error);
}

}  // namespace
}  // namespace hypasis::test
