#include "hypasis/core/validation/header_validation.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/trie/trie.hpp"
#include "hypasis/core/validation/base_fee.hpp"
#include "hypasis/core/validation/blob_gas.hpp"
#include "hypasis/core/validation/body_roots.hpp"
#include "hypasis/core/validation/test_blocks.hpp"

namespace hypasis::validation {
namespace {

using chain::ChainSpec;

const ChainSpec& mainnet() {
    const ChainSpec* spec = chain::builtin_chain("mainnet");
    HYPASIS_ASSERT(spec != nullptr);
    return *spec;
}

std::string result(const Expected<void, HeaderError>& r) { return r ? "ok" : std::string(to_string(r.error())); }

// The consecutive fixture pairs: the Shanghai, Cancun and Prague fork blocks with their parents.
constexpr std::array<std::pair<uint64_t, uint64_t>, 3> kPairs{{{17034869, 17034870},    // Shanghai
                                                               {19426586, 19426587},    // Cancun
                                                               {22431083, 22431084}}};  // Prague

class HeaderValidation : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        const auto dir = test::fixture(testing::kBlockDataDir, why);
        if (!dir) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        blocks_ = testing::load_fixture_blocks(*dir);
        ASSERT_EQ(blocks_.size(), testing::kFixtureBlockCount);
    }

    const SealedHeader& header(uint64_t n) const {
        const auto* b = testing::find_block(blocks_, n);
        HYPASIS_ASSERT(b != nullptr);
        return b->header;
    }

    // Validates a copy of block `child`'s header, changed by `change`, against block `parent`.
    Expected<void, HeaderError> mutated(uint64_t parent, uint64_t child,
                                        const std::function<void(BlockHeader&)>& change) const {
        BlockHeader h = header(child).header;
        change(h);
        return validate_header(mainnet(), header(parent), h);
    }

    std::vector<testing::FixtureBlock> blocks_;
};

TEST_F(HeaderValidation, ForkTransitionPairsPassWithTheMainnetSpec) {
    std::size_t checked = 0;
    for (const auto& [parent, child] : kPairs) {
        SCOPED_TRACE("block " + std::to_string(child));
        EXPECT_EQ(result(validate_header(mainnet(), header(parent), header(child).header)), "ok");
        // The overload with a separate parent hash agrees.
        EXPECT_EQ(result(validate_header(mainnet(), header(parent).header, header(parent).hash, header(child).header)),
                  "ok");
        ++checked;
    }
    EXPECT_EQ(checked, 3u);
}

TEST_F(HeaderValidation, EveryFixtureHeaderHasItsForksFields) {
    for (const auto& b : blocks_) {
        SCOPED_TRACE("block " + std::to_string(b.number));
        EXPECT_EQ(result(check_fork_fields(mainnet(), b.header.header)), "ok");
    }
}

TEST_F(HeaderValidation, LinkageRules) {
    constexpr uint64_t p = 22431083, c = 22431084;
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { ++h.number; }).error(), HeaderError::kNumberMismatch);
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { --h.number; }).error(), HeaderError::kNumberMismatch);
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.parent_hash[31] ^= 1; }).error(), HeaderError::kParentHashMismatch);
    const uint64_t parent_time = header(p).header.timestamp;
    EXPECT_EQ(mutated(p, c, [&](BlockHeader& h) { h.timestamp = parent_time; }).error(),
              HeaderError::kTimestampNotIncreasing);
    EXPECT_EQ(mutated(p, c, [&](BlockHeader& h) { h.timestamp = parent_time - 1; }).error(),
              HeaderError::kTimestampNotIncreasing);
    // Validating against the wrong parent (the grandparent's data) is a number mismatch first.
    EXPECT_EQ(validate_header(mainnet(), header(19426586), header(c).header).error(), HeaderError::kNumberMismatch);
}

TEST_F(HeaderValidation, ExtraDataLimit) {
    constexpr uint64_t p = 22431083, c = 22431084;
    EXPECT_EQ(result(mutated(p, c, [](BlockHeader& h) { h.extra_data.assign(32, 0xab); })), "ok");
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.extra_data.assign(33, 0xab); }).error(),
              HeaderError::kExtraDataTooLong);
}

TEST_F(HeaderValidation, GasRules) {
    constexpr uint64_t p = 22431083, c = 22431084;
    const uint64_t parent_limit = header(p).header.gas_limit;
    const uint64_t bound = parent_limit / 1024;
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.gas_used = h.gas_limit + 1; }).error(),
              HeaderError::kGasUsedAboveLimit);
    EXPECT_EQ(result(mutated(p, c, [](BlockHeader& h) { h.gas_used = h.gas_limit; })), "ok");
    EXPECT_EQ(result(mutated(p, c, [&](BlockHeader& h) { h.gas_limit = parent_limit + bound - 1; })), "ok");
    EXPECT_EQ(result(mutated(p, c, [&](BlockHeader& h) { h.gas_limit = parent_limit - bound + 1; })), "ok");
    EXPECT_EQ(mutated(p, c, [&](BlockHeader& h) { h.gas_limit = parent_limit + bound; }).error(),
              HeaderError::kGasLimitOutOfBounds);
    EXPECT_EQ(mutated(p, c, [&](BlockHeader& h) { h.gas_limit = parent_limit - bound; }).error(),
              HeaderError::kGasLimitOutOfBounds);
    EXPECT_EQ(mutated(p, c, [&](BlockHeader& h) { h.gas_limit = kMaxGasLimit + 1; }).error(),
              HeaderError::kGasLimitTooHigh);
}

TEST_F(HeaderValidation, BaseFeeIsExact) {
    constexpr uint64_t p = 22431083, c = 22431084;
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { *h.base_fee_per_gas += U256{1}; }).error(),
              HeaderError::kBaseFeeMismatch);
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { *h.base_fee_per_gas -= U256{1}; }).error(),
              HeaderError::kBaseFeeMismatch);
    // The mainnet values: parent 22431083 was nearly full (35961346 of 35964845 gas), so its child's base fee
    // rose by almost 1/8: 1260624455 -> 1418171859.
    EXPECT_EQ(expected_base_fee(mainnet(), header(p).header).value(), U256{1'418'171'859});
    BlockHeader no_fee = header(p).header;
    no_fee.base_fee_per_gas.reset();
    EXPECT_EQ(expected_base_fee(mainnet(), no_fee).error(), HeaderError::kParentBaseFeeMissing);
}

TEST_F(HeaderValidation, BlobGasRules) {
    constexpr uint64_t p = 22431083, c = 22431084;
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { *h.blob_gas_used += 1; }).error(),
              HeaderError::kBlobGasUsedNotMultiple);
    // Prague allows at most 9 blobs (EIP-7691).
    EXPECT_EQ(result(mutated(p, c, [](BlockHeader& h) { h.blob_gas_used = 9 * kGasPerBlob; })), "ok");
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.blob_gas_used = 10 * kGasPerBlob; }).error(),
              HeaderError::kBlobGasUsedAboveMax);
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { *h.excess_blob_gas += kGasPerBlob; }).error(),
              HeaderError::kExcessBlobGasMismatch);
    // Computing the excess with Cancun's target (3 blobs) instead of Prague's would give 50855936: the fixture's
    // 50462720 proves that the child's schedule applies at the fork block.
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.excess_blob_gas = 50'855'936; }).error(),
              HeaderError::kExcessBlobGasMismatch);
    // The first Cancun block: the parent has no blob fields, so the excess must be 0.
    EXPECT_EQ(mutated(19426586, 19426587, [](BlockHeader& h) { h.excess_blob_gas = kGasPerBlob; }).error(),
              HeaderError::kExcessBlobGasMismatch);
    // Cancun allowed at most 6 blobs.
    EXPECT_EQ(result(mutated(19426586, 19426587, [](BlockHeader& h) { h.blob_gas_used = 6 * kGasPerBlob; })), "ok");
    EXPECT_EQ(mutated(19426586, 19426587, [](BlockHeader& h) { h.blob_gas_used = 7 * kGasPerBlob; }).error(),
              HeaderError::kBlobGasUsedAboveMax);
}

TEST_F(HeaderValidation, MissingForkFields) {
    EXPECT_EQ(mutated(22431083, 22431084, [](BlockHeader& h) { h.requests_hash.reset(); }).error(),
              HeaderError::kRequestsHashMissing);
    EXPECT_EQ(mutated(19426586, 19426587, [](BlockHeader& h) { h.parent_beacon_block_root.reset(); }).error(),
              HeaderError::kParentBeaconRootMissing);
    EXPECT_EQ(mutated(19426586, 19426587, [](BlockHeader& h) { h.excess_blob_gas.reset(); }).error(),
              HeaderError::kBlobGasFieldsMissing);
    EXPECT_EQ(mutated(19426586, 19426587, [](BlockHeader& h) { h.blob_gas_used.reset(); }).error(),
              HeaderError::kBlobGasFieldsMissing);
    EXPECT_EQ(mutated(17034869, 17034870, [](BlockHeader& h) { h.withdrawals_root.reset(); }).error(),
              HeaderError::kWithdrawalsRootMissing);
    EXPECT_EQ(mutated(17034869, 17034870, [](BlockHeader& h) { h.base_fee_per_gas.reset(); }).error(),
              HeaderError::kBaseFeeMissing);
}

TEST_F(HeaderValidation, ExtraForkFields) {
    const Hash some{0x42};
    // The full path: a Cancun block that already carries Prague's field.
    EXPECT_EQ(mutated(19426586, 19426587, [&](BlockHeader& h) { h.requests_hash = some; }).error(),
              HeaderError::kRequestsHashUnexpected);
    // Each fork's last block with the next fork's field.
    BlockHeader h = header(17034869).header;
    h.withdrawals_root = trie::kEmptyRoot;
    EXPECT_EQ(check_fork_fields(mainnet(), h).error(), HeaderError::kWithdrawalsRootUnexpected);
    h = header(19426586).header;
    h.blob_gas_used = 0;
    h.excess_blob_gas = 0;
    EXPECT_EQ(check_fork_fields(mainnet(), h).error(), HeaderError::kBlobGasFieldsUnexpected);
    h = header(19426586).header;
    h.parent_beacon_block_root = some;
    EXPECT_EQ(check_fork_fields(mainnet(), h).error(), HeaderError::kParentBeaconRootUnexpected);
    h = header(22431083).header;
    h.requests_hash = some;
    EXPECT_EQ(check_fork_fields(mainnet(), h).error(), HeaderError::kRequestsHashUnexpected);
    // Before London: no base fee.
    h = header(14764013).header;
    h.number = 12'964'999;
    EXPECT_EQ(check_fork_fields(mainnet(), h).error(), HeaderError::kBaseFeeUnexpected);
}

TEST_F(HeaderValidation, PostMergeRules) {
    constexpr uint64_t p = 17034869, c = 17034870;
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.difficulty = U256{1}; }).error(), HeaderError::kDifficultyNotZero);
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.nonce[7] = 1; }).error(), HeaderError::kNonceNotZero);
    EXPECT_EQ(mutated(p, c, [](BlockHeader& h) { h.ommers_hash = trie::kEmptyRoot; }).error(),
              HeaderError::kOmmersHashNotEmpty);
}

// The first London block (mainnet 12965000, a real header) against a parent built from the rules: London doubles the
// parent's gas limit for the bounds check and sets the base fee to 1 gwei (EIP-1559).
TEST(HeaderValidationLondon, ForkBlockDoublesTheGasLimitAndStartsAtOneGwei) {
    HYPASIS_FIXTURE_OR_SKIP(path, "misc/mainnet-london-block-12965000-header.json");
    const auto json = test::read_json(path);
    const auto rlp = from_hex(std::string(json.at("header_rlp").as_string()));
    ASSERT_TRUE(rlp);
    const auto child = decode_header(*rlp);
    ASSERT_TRUE(child);
    const BlockHeader& h = child->header;
    ASSERT_EQ(h.number, 12'965'000u);
    ASSERT_EQ(h.base_fee_per_gas, U256{kInitialBaseFee});
    EXPECT_EQ(result(check_fork_fields(mainnet(), h)), "ok");

    BlockHeader parent;  // only the fields the rules read
    parent.number = h.number - 1;
    parent.timestamp = h.timestamp - 13;
    parent.gas_limit = h.gas_limit / 2;
    EXPECT_EQ(result(validate_header(mainnet(), parent, h.parent_hash, h)), "ok");
    EXPECT_EQ(expected_base_fee(mainnet(), parent).value(), U256{kInitialBaseFee});

    // Without the doubling the new limit would be far out of bounds; with it, a limit that moved by parent/1024
    // from twice the parent's is.
    BlockHeader changed = h;
    changed.gas_limit = parent.gas_limit;
    changed.gas_used = 0;
    EXPECT_EQ(validate_header(mainnet(), parent, h.parent_hash, changed).error(), HeaderError::kGasLimitOutOfBounds);
    changed = h;
    changed.gas_limit = parent.gas_limit * 2 + parent.gas_limit * 2 / 1024;
    EXPECT_EQ(validate_header(mainnet(), parent, h.parent_hash, changed).error(), HeaderError::kGasLimitOutOfBounds);
    changed = h;
    changed.base_fee_per_gas = U256{kInitialBaseFee + 1};
    EXPECT_EQ(validate_header(mainnet(), parent, h.parent_hash, changed).error(), HeaderError::kBaseFeeMismatch);
    // Pre-merge: difficulty and nonce are the proof of work's, not zero, and are not checked here.
    EXPECT_FALSE(h.difficulty.is_zero());
}

// A minimal header pair under a consensus kind, for the rules that differ between chains.
struct Pair {
    SealedHeader parent;
    BlockHeader child;
};

Pair minimal_pair(uint64_t number, uint64_t time) {
    BlockHeader parent;
    parent.number = number - 1;
    parent.timestamp = time - 2;
    parent.gas_limit = 30'000'000;
    parent.gas_used = 15'000'000;
    parent.base_fee_per_gas = U256{30'000'000'000};
    parent.ommers_hash = kEmptyOmmersHash;
    Pair p{seal(parent), {}};
    BlockHeader& c = p.child;
    c.number = number;
    c.parent_hash = p.parent.hash;
    c.timestamp = time;
    c.gas_limit = parent.gas_limit;
    c.base_fee_per_gas = parent.base_fee_per_gas;
    c.ommers_hash = kEmptyOmmersHash;
    c.extra_data.assign(97, 0x01);  // vanity + seal: longer than Ethereum's 32 bytes
    return p;
}

TEST(HeaderValidationOtherChains, BorRules) {
    const ChainSpec* polygon = chain::builtin_chain("polygon");
    ASSERT_NE(polygon, nullptr);
    // Block 80,000,000: past Polygon's London, Shanghai, Cancun and Prague blocks.
    Pair p = minimal_pair(80'000'000, 1'750'000'000);
    EXPECT_EQ(result(validate_header(*polygon, p.parent, p.child)), "ok");  // long extraData, any base fee value
    BlockHeader c = p.child;
    c.timestamp = p.parent.header.timestamp;  // the block period is Bor's business
    EXPECT_EQ(result(validate_header(*polygon, p.parent, c)), "ok");
    c.timestamp = p.parent.header.timestamp - 1;
    EXPECT_EQ(validate_header(*polygon, p.parent, c).error(), HeaderError::kTimestampNotIncreasing);
    // Bor headers never carry the post-London fields, whatever the fork schedule says.
    c = p.child;
    c.withdrawals_root = trie::kEmptyRoot;
    EXPECT_EQ(validate_header(*polygon, p.parent, c).error(), HeaderError::kWithdrawalsRootUnexpected);
    c = p.child;
    c.blob_gas_used = 0;
    c.excess_blob_gas = 0;
    EXPECT_EQ(validate_header(*polygon, p.parent, c).error(), HeaderError::kBlobGasFieldsUnexpected);
    c = p.child;
    c.requests_hash = Hash{};
    EXPECT_EQ(validate_header(*polygon, p.parent, c).error(), HeaderError::kRequestsHashUnexpected);
    c = p.child;
    c.base_fee_per_gas.reset();
    EXPECT_EQ(validate_header(*polygon, p.parent, c).error(), HeaderError::kBaseFeeMissing);
    // Gas limit bounds use 1024, as on Ethereum.
    c = p.child;
    c.gas_limit = 30'000'000 + 30'000'000 / 1024;
    EXPECT_EQ(validate_header(*polygon, p.parent, c).error(), HeaderError::kGasLimitOutOfBounds);
}

TEST(HeaderValidationOtherChains, ParliaRules) {
    const ChainSpec* bsc = chain::builtin_chain("bsc");
    ASSERT_NE(bsc, nullptr);
    // Block 40,000,000 at a time before BSC's Shanghai (Kepler): London fields only.
    Pair p = minimal_pair(40'000'000, 1'700'000'000);
    EXPECT_EQ(result(validate_header(*bsc, p.parent, p.child)), "ok");
    BlockHeader c = p.child;
    c.gas_limit = 30'000'000 + 30'000'000 / 1024;  // beyond Ethereum's bound, within BSC's before Lorentz
    EXPECT_EQ(result(validate_header(*bsc, p.parent, c)), "ok");
    c.gas_limit = 30'000'000 + 30'000'000 / 256;
    EXPECT_EQ(validate_header(*bsc, p.parent, c).error(), HeaderError::kGasLimitOutOfBounds);
    // From Lorentz (1745903100) the bound is parent / 1024, as on Ethereum.
    Pair lorentz = minimal_pair(50'000'000, 1'750'000'000);
    lorentz.child.withdrawals_root = trie::kEmptyRoot;
    lorentz.child.blob_gas_used = 0;
    lorentz.child.excess_blob_gas = 0;
    lorentz.child.parent_beacon_block_root = Hash{};
    lorentz.child.requests_hash = Hash{};
    EXPECT_EQ(result(validate_header(*bsc, lorentz.parent, lorentz.child)), "ok");
    lorentz.child.gas_limit = 30'000'000 + 30'000'000 / 1024;
    EXPECT_EQ(validate_header(*bsc, lorentz.parent, lorentz.child).error(), HeaderError::kGasLimitOutOfBounds);
    // No doubling at BSC's London block (31302048): the limit stays within parent / 256 of the parent's.
    Pair london = minimal_pair(31'302'048, 1'690'000'000);
    london.parent.header.base_fee_per_gas.reset();
    london.parent = seal(london.parent.header);
    london.child.parent_hash = london.parent.hash;
    EXPECT_EQ(result(validate_header(*bsc, london.parent, london.child)), "ok");
    london.child.gas_limit *= 2;
    EXPECT_EQ(validate_header(*bsc, london.parent, london.child).error(), HeaderError::kGasLimitOutOfBounds);
    // BSC's Shanghai (Kepler, 1705996800) brought no withdrawals root; its Cancun (Haber, 1718863500) brought an
    // empty one with the blob fields, and Bohr (1727317200) the parent beacon root (bsc parlia verifyHeader).
    Pair shanghai = minimal_pair(40'000'000, 1'710'000'000);
    EXPECT_EQ(result(validate_header(*bsc, shanghai.parent, shanghai.child)), "ok");
    shanghai.child.withdrawals_root = trie::kEmptyRoot;
    EXPECT_EQ(validate_header(*bsc, shanghai.parent, shanghai.child).error(), HeaderError::kWithdrawalsRootUnexpected);
    BlockHeader cancun = minimal_pair(40'000'000, 1'720'000'000).child;
    EXPECT_EQ(check_fork_fields(*bsc, cancun).error(), HeaderError::kWithdrawalsRootMissing);
    cancun.withdrawals_root = trie::kEmptyRoot;
    EXPECT_EQ(check_fork_fields(*bsc, cancun).error(), HeaderError::kBlobGasFieldsMissing);
    cancun.blob_gas_used = 0;
    cancun.excess_blob_gas = 0;
    EXPECT_EQ(result(check_fork_fields(*bsc, cancun)), "ok");  // 19 fields: no beacon root before Bohr
    cancun.parent_beacon_block_root = Hash{};
    EXPECT_EQ(check_fork_fields(*bsc, cancun).error(), HeaderError::kParentBeaconRootUnexpected);
    BlockHeader bohr = cancun;
    bohr.timestamp = 1'730'000'000;
    EXPECT_EQ(result(check_fork_fields(*bsc, bohr)), "ok");
    bohr.parent_beacon_block_root.reset();
    EXPECT_EQ(check_fork_fields(*bsc, bohr).error(), HeaderError::kParentBeaconRootMissing);
    // BSC's Prague (Pascal, 1742436600): the requests hash.
    BlockHeader pascal = cancun;
    pascal.timestamp = 1'745'000'000;
    EXPECT_EQ(check_fork_fields(*bsc, pascal).error(), HeaderError::kRequestsHashMissing);
}

TEST(HeaderValidationOtherChains, CliqueKeepsItsLongExtraData) {
    ChainSpec clique = mainnet();
    clique.config.consensus = chain::Consensus::kClique;
    clique.config.terminal_total_difficulty.reset();
    clique.config.merge_block.reset();
    Pair p = minimal_pair(13'000'000, 1'630'000'000);  // London, before any timestamp fork
    p.child.base_fee_per_gas = expected_base_fee(clique, p.parent.header).value();
    EXPECT_EQ(result(validate_header(clique, p.parent, p.child)), "ok");
    ChainSpec ethash = clique;
    ethash.config.consensus = chain::Consensus::kEthash;
    EXPECT_EQ(validate_header(ethash, p.parent, p.child).error(), HeaderError::kExtraDataTooLong);
}

TEST(HeaderValidationErrors, EveryCodeHasAName) {
    for (int i = static_cast<int>(HeaderError::kNumberMismatch);
         i <= static_cast<int>(HeaderError::kOmmersHashNotEmpty); ++i) {
        EXPECT_NE(to_string(static_cast<HeaderError>(i)), "unknown header error") << i;
    }
    EXPECT_EQ(to_string(static_cast<HeaderError>(0)), "unknown header error");
}

}  // namespace
}  // namespace hypasis::validation
