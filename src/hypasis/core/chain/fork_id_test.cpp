#include "hypasis/core/chain/fork_id.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "hypasis/core/chain/crc32.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::chain {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

ForkId id(uint32_t checksum, uint64_t next) { return ForkId::from_checksum(checksum, next); }

Hash hash_lit(std::string_view hex) { return fixed_from_hex<32>(hex).value(); }

/// A spec with only block forks, for the EIP-2124 vectors (which predate timestamp forks).
ChainSpec block_spec(std::string_view genesis, std::initializer_list<std::pair<Fork, uint64_t>> forks) {
    ChainSpec s;
    s.genesis_hash = hash_lit(genesis);
    for (const auto& [f, at] : forks) s.config.set_fork({f, ForkTrigger::kBlock, at});
    return s;
}

/// Ethereum mainnet as geth configured it at the time of EIP-2124 (the "Petersburg fork cap").
ChainSpec mainnet_petersburg() {
    return block_spec("0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
                      {{Fork::kHomestead, 1150000},
                       {Fork::kDaoFork, 1920000},
                       {Fork::kEip150, 2463000},
                       {Fork::kEip155, 2675000},
                       {Fork::kEip158, 2675000},
                       {Fork::kByzantium, 4370000},
                       {Fork::kConstantinople, 7280000},
                       {Fork::kPetersburg, 7280000}});
}

/// Mainnet with every block fork and no timestamp fork (geth's TestValidation "legacyConfig").
ChainSpec mainnet_legacy() {
    ChainSpec s = *builtin_chain("mainnet");
    std::erase_if(s.config.forks, [](const ForkActivation& a) { return a.trigger == ForkTrigger::kTimestamp; });
    return s;
}

struct Case {
    uint64_t head;
    uint64_t time;
    ForkId want;
};

void check_cases(const ChainSpec& spec, const std::vector<Case>& cases, const char* name) {
    const ForkFilter filter(spec);
    for (const Case& c : cases) {
        EXPECT_EQ(filter.id_at(c.head, c.time), c.want) << name << " head " << c.head << " time " << c.time << ": got "
                                                        << to_hex(ByteView{filter.id_at(c.head, c.time).hash.data(), 4})
                                                        << "/" << filter.id_at(c.head, c.time).next;
        EXPECT_EQ(fork_id_at(spec, c.head, c.time), c.want) << name;
    }
}

TEST(Crc32, KnownVectorsAndContinuation) {
    // The standard check value of CRC-32/ISO-HDLC (IEEE).
    EXPECT_EQ(crc32_ieee(as_bytes("123456789")), 0xCBF43926u);
    EXPECT_EQ(crc32_ieee(as_bytes("")), 0u);
    EXPECT_EQ(crc32_ieee(as_bytes("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
    EXPECT_EQ(crc32_ieee(as_bytes("6789"), crc32_ieee(as_bytes("12345"))), 0xCBF43926u);
}

// EIP-2124, "Test Cases": all fork ids Mainnet, Ropsten, Rinkeby and Görli advertise at the Petersburg cap.
TEST(ForkId, Eip2124CreationVectors) {
    check_cases(mainnet_petersburg(),
                {{0, 0, id(0xfc64ec04, 1150000)},
                 {1149999, 0, id(0xfc64ec04, 1150000)},
                 {1150000, 0, id(0x97c2c34c, 1920000)},
                 {1919999, 0, id(0x97c2c34c, 1920000)},
                 {1920000, 0, id(0x91d1f948, 2463000)},
                 {2462999, 0, id(0x91d1f948, 2463000)},
                 {2463000, 0, id(0x7a64da13, 2675000)},
                 {2674999, 0, id(0x7a64da13, 2675000)},
                 {2675000, 0, id(0x3edd5b10, 4370000)},
                 {4369999, 0, id(0x3edd5b10, 4370000)},
                 {4370000, 0, id(0xa00bc324, 7280000)},
                 {7279999, 0, id(0xa00bc324, 7280000)},
                 {7280000, 0, id(0x668db0af, 0)},
                 {7987396, 0, id(0x668db0af, 0)}},
                "mainnet");
    // Ropsten (geth params: homestead and EIP-150 at 0, Spurious Dragon at 10, …).
    check_cases(block_spec("0x41941023680923e0fe4d74a34bdac8141f2540e3ae90623718e47d66d1ca4a2d",
                           {{Fork::kHomestead, 0},
                            {Fork::kEip150, 0},
                            {Fork::kEip155, 10},
                            {Fork::kEip158, 10},
                            {Fork::kByzantium, 1700000},
                            {Fork::kConstantinople, 4230000},
                            {Fork::kPetersburg, 4939394}}),
                {{0, 0, id(0x30c7ddbc, 10)},
                 {9, 0, id(0x30c7ddbc, 10)},
                 {10, 0, id(0x63760190, 1700000)},
                 {1699999, 0, id(0x63760190, 1700000)},
                 {1700000, 0, id(0x3ea159c7, 4230000)},
                 {4229999, 0, id(0x3ea159c7, 4230000)},
                 {4230000, 0, id(0x97b544f3, 4939394)},
                 {4939393, 0, id(0x97b544f3, 4939394)},
                 {4939394, 0, id(0xd6e2149b, 0)},
                 {5822692, 0, id(0xd6e2149b, 0)}},
                "ropsten");
    check_cases(block_spec("0x6341fd3daf94b748c72ced5a5b26028f2474f5f00d824504e4fa37a75767e177",
                           {{Fork::kHomestead, 1},
                            {Fork::kEip150, 2},
                            {Fork::kEip155, 3},
                            {Fork::kEip158, 3},
                            {Fork::kByzantium, 1035301},
                            {Fork::kConstantinople, 3660663},
                            {Fork::kPetersburg, 4321234}}),
                {{0, 0, id(0x3b8e0691, 1)},
                 {1, 0, id(0x60949295, 2)},
                 {2, 0, id(0x8bde40dd, 3)},
                 {3, 0, id(0xcb3a64bb, 1035301)},
                 {1035300, 0, id(0xcb3a64bb, 1035301)},
                 {1035301, 0, id(0x8d748b57, 3660663)},
                 {3660662, 0, id(0x8d748b57, 3660663)},
                 {3660663, 0, id(0xe49cab14, 4321234)},
                 {4321233, 0, id(0xe49cab14, 4321234)},
                 {4321234, 0, id(0xafec6b27, 0)},
                 {4586649, 0, id(0xafec6b27, 0)}},
                "rinkeby");
    check_cases(
        block_spec("0xbf7e331f7f7c1dd2e05159666b3bf8bc7a8a3a9eb1d518969eab529dd9b88c1a", {{Fork::kHomestead, 0},
                                                                                          {Fork::kEip150, 0},
                                                                                          {Fork::kEip155, 0},
                                                                                          {Fork::kEip158, 0},
                                                                                          {Fork::kByzantium, 0},
                                                                                          {Fork::kConstantinople, 0},
                                                                                          {Fork::kPetersburg, 0}}),
        {{0, 0, id(0xa3f5ab08, 0)}, {795329, 0, id(0xa3f5ab08, 0)}}, "goerli");
}

// EIP-2124's forkhash examples and the EIP-6122 example (a time fork at 1668000000 on top of Homestead).
TEST(ForkId, SpecChecksumExamples) {
    const Hash genesis = hash_lit("0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3");
    EXPECT_EQ(crc32_ieee(genesis), 0xfc64ec04u);
    ForkFilter homestead_then_time(genesis, ForkList{{1150000}, {1668000000}});
    EXPECT_EQ(homestead_then_time.id_at(1150000, 1668000000), id(0xcb37b2ee, 0));
    EXPECT_EQ(homestead_then_time.id_at(1150000, 1667999999), id(0x97c2c34c, 1668000000));
}

// EIP-2124, "validate and decide to accept or reject": local mainnet at the Petersburg cap.
TEST(ForkId, Eip2124ValidationVectors) {
    const ForkFilter f(mainnet_petersburg());
    auto ok = [&](uint64_t head, ForkId remote) { return f.validate(remote, head, 0).has_value(); };
    auto err = [&](uint64_t head, ForkId remote) { return f.validate(remote, head, 0).error(); };
    EXPECT_TRUE(ok(7987396, id(0x668db0af, 0)));
    EXPECT_TRUE(ok(7987396, id(0x668db0af, kMax)));
    EXPECT_TRUE(ok(7279999, id(0xa00bc324, 0)));
    EXPECT_TRUE(ok(7279999, id(0xa00bc324, 7280000)));
    EXPECT_TRUE(ok(7279999, id(0xa00bc324, kMax)));
    EXPECT_TRUE(ok(7987396, id(0xa00bc324, 7280000)));
    EXPECT_TRUE(ok(7987396, id(0x3edd5b10, 4370000)));
    EXPECT_TRUE(ok(7279999, id(0x668db0af, 0)));
    EXPECT_TRUE(ok(4369999, id(0xa00bc324, 0)));
    EXPECT_EQ(err(7987396, id(0xa00bc324, 0)), ForkIdError::kRemoteStale);
    EXPECT_EQ(err(7987396, id(0x5cddc0e1, 0)), ForkIdError::kLocalIncompatibleOrStale);
    EXPECT_EQ(err(7279999, id(0x5cddc0e1, 0)), ForkIdError::kLocalIncompatibleOrStale);
    EXPECT_EQ(err(7987396, id(0xafec6b27, 0)), ForkIdError::kLocalIncompatibleOrStale);  // Rinkeby.
}

// EIP-2124's RLP examples.
TEST(ForkId, RlpEncoding) {
    EXPECT_EQ(to_hex(encode(id(0, 0)), false), "c6840000000080");
    EXPECT_EQ(to_hex(encode(id(0xdeadbeef, 0xBADDCAFE)), false), "ca84deadbeef84baddcafe");
    EXPECT_EQ(to_hex(encode(id(0xffffffff, kMax)), false), "ce84ffffffff88ffffffffffffffff");
    for (const ForkId& x : {id(0, 0), id(0xdeadbeef, 0xBADDCAFE), id(0xffffffff, kMax)}) {
        auto back = decode_fork_id(encode(x));
        ASSERT_TRUE(back) << to_string(back.error());
        EXPECT_EQ(*back, x);
    }
}

TEST(ForkId, DecodeRejectsMalformed) {
    auto err = [](std::string_view hex) { return decode_fork_id(*from_hex(hex)).error(); };
    EXPECT_EQ(err("c6840000000080ff"), rlp::DecodingError::kInputTooLong);
    EXPECT_EQ(err("c58300000080"), rlp::DecodingError::kUnexpectedLength);      // 3-byte hash
    EXPECT_EQ(err("c6840000000000"), rlp::DecodingError::kLeadingZero);         // next as a raw 0x00 byte
    EXPECT_EQ(err("c784000000008100"), rlp::DecodingError::kNonCanonicalSize);  // next 0x00 in long form
    EXPECT_EQ(err("c58400000000"), rlp::DecodingError::kListLengthMismatch);    // no next
    EXPECT_EQ(err("c784000000008080"), rlp::DecodingError::kListLengthMismatch);
    EXPECT_EQ(err("c0"), rlp::DecodingError::kListLengthMismatch);
    EXPECT_EQ(err("8400000000"), rlp::DecodingError::kUnexpectedString);
    EXPECT_EQ(err("cf84ffffffff89ffffffffffffffffff"), rlp::DecodingError::kOverflow);
    EXPECT_EQ(err("c684000000"), rlp::DecodingError::kInputTooShort);
}

// go-ethereum core/forkid/forkid_test.go TestCreation, mainnet through BPO2.
TEST(ForkId, MainnetThroughBpo2) {
    check_cases(*builtin_chain("mainnet"),
                {{0, 0, id(0xfc64ec04, 1150000)},
                 {1149999, 0, id(0xfc64ec04, 1150000)},
                 {1150000, 0, id(0x97c2c34c, 1920000)},
                 {1919999, 0, id(0x97c2c34c, 1920000)},
                 {1920000, 0, id(0x91d1f948, 2463000)},
                 {2462999, 0, id(0x91d1f948, 2463000)},
                 {2463000, 0, id(0x7a64da13, 2675000)},
                 {2674999, 0, id(0x7a64da13, 2675000)},
                 {2675000, 0, id(0x3edd5b10, 4370000)},
                 {4369999, 0, id(0x3edd5b10, 4370000)},
                 {4370000, 0, id(0xa00bc324, 7280000)},
                 {7279999, 0, id(0xa00bc324, 7280000)},
                 {7280000, 0, id(0x668db0af, 9069000)},
                 {9068999, 0, id(0x668db0af, 9069000)},
                 {9069000, 0, id(0x879d6e30, 9200000)},
                 {9199999, 0, id(0x879d6e30, 9200000)},
                 {9200000, 0, id(0xe029e991, 12244000)},
                 {12243999, 0, id(0xe029e991, 12244000)},
                 {12244000, 0, id(0x0eb440f6, 12965000)},
                 {12964999, 0, id(0x0eb440f6, 12965000)},
                 {12965000, 0, id(0xb715077d, 13773000)},
                 {13772999, 0, id(0xb715077d, 13773000)},
                 {13773000, 0, id(0x20c327fc, 15050000)},
                 {15049999, 0, id(0x20c327fc, 15050000)},
                 {15050000, 0, id(0xf0afd0e3, 1681338455)},
                 {20000000, 1681338454, id(0xf0afd0e3, 1681338455)},
                 {20000000, 1681338455, id(0xdce96c2d, 1710338135)},
                 {30000000, 1710338134, id(0xdce96c2d, 1710338135)},
                 {30000000, 1710338135, id(0x9f3d2254, 1746612311)},
                 {30000000, 1746022486, id(0x9f3d2254, 1746612311)},
                 {30000000, 1746612311, id(0xc376cf8b, 1764798551)},
                 {30000000, 1764798550, id(0xc376cf8b, 1764798551)},
                 {30000000, 1764798551, id(0x5167e2a6, 1765290071)},
                 {30000000, 1765290070, id(0x5167e2a6, 1765290071)},
                 {30000000, 1765290071, id(0xcba2a1c0, 1767747671)},
                 {30000000, 1767747670, id(0xcba2a1c0, 1767747671)},
                 {30000000, 1767747671, id(0x07c9462e, 0)},
                 {50000000, 2000000000, id(0x07c9462e, 0)}},
                "mainnet");
}

// go-ethereum's Sepolia cases (MergeNetsplit at 1735371, then timestamp forks through BPO2).
TEST(ForkId, SepoliaThroughBpo2) {
    check_cases(*builtin_chain("sepolia"),
                {{0, 0, id(0xfe3366e7, 1735371)},
                 {1735370, 0, id(0xfe3366e7, 1735371)},
                 {1735371, 0, id(0xb96cbd13, 1677557088)},
                 {1735372, 1677557087, id(0xb96cbd13, 1677557088)},
                 {1735372, 1677557088, id(0xf7f9bc08, 1706655072)},
                 {1735372, 1706655071, id(0xf7f9bc08, 1706655072)},
                 {1735372, 1706655072, id(0x88cf81d9, 1741159776)},
                 {1735372, 1741159775, id(0x88cf81d9, 1741159776)},
                 {1735372, 1741159776, id(0xed88b5fd, 1760427360)},
                 {1735372, 1760427359, id(0xed88b5fd, 1760427360)},
                 {1735372, 1760427360, id(0xe2ae4999, 1761017184)},
                 {1735372, 1761017183, id(0xe2ae4999, 1761017184)},
                 {1735372, 1761017184, id(0x56078a1e, 1761607008)},
                 {1735372, 1761607007, id(0x56078a1e, 1761607008)},
                 {1735372, 1761607008, id(0x268956b6, 0)},
                 {1735372, 2000000000, id(0x268956b6, 0)}},
                "sepolia");
}

// Hoodi: Shanghai and Cancun at timestamp 0 precede the genesis time, so they are not forks (EIP-6122).
TEST(ForkId, HoodiThroughBpo2) {
    check_cases(*builtin_chain("hoodi"),
                {{0, 0, id(0xbef71d30, 1742999832)},
                 {123, 1742999831, id(0xbef71d30, 1742999832)},
                 {123, 1742999832, id(0x0929e24e, 1761677592)},
                 {123, 1761677591, id(0x0929e24e, 1761677592)},
                 {123, 1761677592, id(0xe7e0e7ff, 1762365720)},
                 {123, 1762365719, id(0xe7e0e7ff, 1762365720)},
                 {123, 1762365720, id(0x3893353e, 1762955544)},
                 {123, 1762955543, id(0x3893353e, 1762955544)},
                 {123, 1762955544, id(0x23aa1351, 0)},
                 {123, 1762955545, id(0x23aa1351, 0)}},
                "hoodi");
}

// go-ethereum TestTimeBasedForkInGenesis: a time fork at or before the genesis time is part of the genesis
// ruleset; one after it is the next fork.
TEST(ForkId, TimeForksAtGenesisAreSkipped) {
    const uint64_t t = 1690475657;
    for (auto [shanghai, cancun] : {std::pair{t - 1, t + 1}, std::pair{t, t + 1}, std::pair{t + 1, t + 2}}) {
        ChainSpec s = block_spec("0x1111111111111111111111111111111111111111111111111111111111111111",
                                 {{Fork::kHomestead, 0}, {Fork::kLondon, 0}, {Fork::kMergeNetsplit, 0}});
        s.genesis_timestamp = t;
        s.config.set_fork({Fork::kShanghai, ForkTrigger::kTimestamp, shanghai});
        s.config.set_fork({Fork::kCancun, ForkTrigger::kTimestamp, cancun});
        const ForkId want = ForkId::from_checksum(crc32_ieee(s.genesis_hash), t + 1);
        EXPECT_EQ(fork_id_at(s, 0, t), want) << "shanghai " << shanghai;
    }
}

struct ValidationCase {
    bool legacy;
    uint64_t head;
    uint64_t time;
    ForkId remote;
    std::optional<ForkIdError> err;
};

uint32_t update(uint32_t crc, uint64_t fork) {
    const auto be = be64(fork);
    return crc32_ieee(ByteView{be.data(), be.size()}, crc);
}

// go-ethereum core/forkid/forkid_test.go TestValidation: block-based, block-to-time transition and time-based.
TEST(ForkId, GethValidationVectors) {
    const auto L = ForkIdError::kLocalIncompatibleOrStale;
    const auto R = ForkIdError::kRemoteStale;
    const std::optional<ForkIdError> ok;
    const std::vector<ValidationCase> cases{
        // Block based (mainnet without timestamp forks).
        {true, 15050000, 0, id(0xf0afd0e3, 0), ok},
        {true, 15050000, 0, id(0xf0afd0e3, kMax), ok},
        {true, 7279999, 0, id(0xa00bc324, 0), ok},
        {true, 7279999, 0, id(0xa00bc324, 7280000), ok},
        {true, 7279999, 0, id(0xa00bc324, kMax), ok},
        {true, 7280000, 0, id(0xa00bc324, 7280000), ok},
        {true, 7987396, 0, id(0xa00bc324, 7280000), ok},
        {true, 7987396, 0, id(0x3edd5b10, 4370000), ok},
        {true, 7279999, 0, id(0x668db0af, 0), ok},
        {true, 4369999, 0, id(0xa00bc324, 0), ok},
        {true, 7987396, 0, id(0xa00bc324, 0), R},
        {true, 7987396, 0, id(0x5cddc0e1, 0), L},
        {true, 7279999, 0, id(0x5cddc0e1, 0), L},
        {true, 7987396, 0, id(0xafec6b27, 0), L},
        {true, 88888888, 0, id(0xf0afd0e3, 88888888), L},
        {true, 7279999, 0, id(0xa00bc324, 7279999), L},
        // Block to timestamp transition.
        {false, 15050000, 0, id(0xf0afd0e3, 0), ok},
        {false, 15050000, 0, id(0xf0afd0e3, 1681338455), ok},
        {false, 15050000, 0, id(0xf0afd0e3, kMax), ok},
        {false, 20000000, 1681338455, id(0xf0afd0e3, 1681338455), ok},
        {false, 20123456, 1681338456, id(0xf0afd0e3, 1681338455), ok},
        {false, 20000000, 1681338455, id(0x20c327fc, 15050000), ok},
        {false, 15050000, 0, id(0xdce96c2d, 0), ok},
        {false, 13773000, 0, id(0xf0afd0e3, 0), ok},
        {false, 20000000, 1681338455, id(0xf0afd0e3, 0), R},
        {false, 15050000, 0, id(update(0xf0afd0e3, kMax), 0), L},
        {false, 15050000, 0, id(update(0xdce96c2d, kMax), 0), L},
        {false, 888888888, 1660000000, id(0xf0afd0e3, 1660000000), L},
        {false, 19999999, 1667999999, id(0xf0afd0e3, 1667999999), L},
        // Timestamp based.
        {false, 20000000, 1681338455, id(0xdce96c2d, 0), ok},
        {false, 20000000, 1681338455, id(0xdce96c2d, kMax), ok},
        {false, 20000000, 1668000000, id(0xdce96c2d, 0), ok},
        {false, 20000000, 1668000000, id(0xdce96c2d, 1710338135), ok},
        {false, 20000000, 1668000000, id(0xdce96c2d, kMax), ok},
        {false, 21000000, 1710338135, id(0xdce96c2d, 1710338135), ok},
        {false, 21123456, 1710338136, id(0xdce96c2d, 1710338135), ok},
        {false, 0, 0, id(0x3edd5b10, 1710338135), ok},
        {false, 21000000, 1700000000, id(0x9f3d2254, 0), ok},
        {false, 21000000, 1678000000, id(0xc376cf8b, 0), ok},
        {false, 21000000, 1710338135, id(0xdce96c2d, 0), R},
        {false, 20000000, 1681338455, id(update(0xdce96c2d, kMax), 0), L},
        {false, 20000000, 1668000000, id(update(0x9f3d2254, kMax), 0), L},
        {false, 20000000, 1681338455, id(0x12345678, 0), L},
        {false, 88888888, 8888888888, id(0x07c9462e, 8888888888), L},
        {false, 20999999, 1699999999, id(0x71147644, 1700000000), L},
    };
    const ForkFilter legacy(mainnet_legacy());
    const ForkFilter current(*builtin_chain("mainnet"));
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const ValidationCase& c = cases[i];
        const auto r = (c.legacy ? legacy : current).validate(c.remote, c.head, c.time);
        if (c.err) {
            ASSERT_FALSE(r) << "case " << i;
            EXPECT_EQ(r.error(), *c.err) << "case " << i;
        } else {
            EXPECT_TRUE(r) << "case " << i << ": " << to_string(r.error());
        }
        if (!c.legacy) {
            EXPECT_EQ(validate_remote(*builtin_chain("mainnet"), c.head, c.time, c.remote).has_value(), r.has_value());
        }
    }
}

TEST(ForkId, BorForkListLeavesOutNestedForks) {
    // Bor gathers forks by reflection over its ChainConfig, which does not see the nested `bor` object: on Polygon
    // mainnet only Istanbul (= Muir Glacier), Berlin, London, Shanghai, Cancun and Prague count.
    const ForkList forks = gather_forks(*builtin_chain("polygon"));
    EXPECT_EQ(forks.by_block, (std::vector<uint64_t>{3395000, 14750000, 23850000, 50523000, 54876000, 73440256}));
    EXPECT_TRUE(forks.by_time.empty());
    const ForkList amoy = gather_forks(*builtin_chain("amoy"));
    EXPECT_EQ(amoy.by_block, (std::vector<uint64_t>{73100, 5423600, 22765056}));
}

TEST(ForkId, BscForkListMixesBlocksAndTimes) {
    const ForkList forks = gather_forks(*builtin_chain("bsc"));
    EXPECT_EQ(forks.by_block.front(), 5184000u);  // Ramanujan and Niels are at genesis.
    EXPECT_EQ(forks.by_block.back(), 34140700u);
    EXPECT_EQ(forks.by_time, (std::vector<uint64_t>{1705996800, 1713419340, 1718863500, 1727316120, 1727317200,
                                                    1742436600, 1745903100, 1751250600}));
    // A node past every fork announces next = 0 and accepts itself.
    const ForkFilter f(*builtin_chain("bsc"));
    const ForkId tip = f.id_at(60'000'000, 1'800'000'000);
    EXPECT_EQ(tip.next, 0u);
    EXPECT_TRUE(f.validate(tip, 60'000'000, 1'800'000'000));
}

TEST(ForkId, ErrorNames) {
    EXPECT_EQ(to_string(ForkIdError::kRemoteStale), "remote needs update");
    EXPECT_EQ(to_string(ForkIdError::kLocalIncompatibleOrStale), "local incompatible or needs update");
}

}  // namespace
}  // namespace hypasis::chain
