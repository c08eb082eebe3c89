#include "hypasis/core/validation/body_validation.hpp"

#include <gtest/gtest.h>

#include <set>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/validation/blob_gas.hpp"
#include "hypasis/core/validation/test_blocks.hpp"

namespace hypasis::validation {
namespace {

using testing::FixtureBlock;

const chain::ChainSpec& mainnet() {
    const chain::ChainSpec* spec = chain::builtin_chain("mainnet");
    HYPASIS_ASSERT(spec != nullptr);
    return *spec;
}

std::string result(const Expected<void, BodyError>& r) { return r ? "ok" : std::string(to_string(r.error())); }

class BodyValidation : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        const auto dir = test::fixture(testing::kBlockDataDir, why);
        if (!dir) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        blocks_ = testing::load_fixture_blocks(*dir);
        ASSERT_EQ(blocks_.size(), testing::kFixtureBlockCount);
    }

    const FixtureBlock& block(uint64_t n) const {
        const auto* b = testing::find_block(blocks_, n);
        HYPASIS_ASSERT(b != nullptr);
        return *b;
    }

    std::vector<FixtureBlock> blocks_;
};

TEST_F(BodyValidation, AllMainnetFixtureBlocksPass) {
    std::size_t checked = 0;
    std::size_t txns = 0;
    for (const auto& b : blocks_) {
        SCOPED_TRACE("block " + std::to_string(b.number));
        const BlockHeader& h = b.header.header;
        EXPECT_EQ(result(validate_body(h, b.body)), "ok");
        EXPECT_EQ(result(validate_receipts(h, b.receipts)), "ok");
        const auto senders = validate_block_senders(mainnet(), h, b.body);
        ASSERT_TRUE(senders) << "transaction " << senders.error().index << ": " << to_string(senders.error().error)
                             << (senders.error().cause ? " / " + std::string(to_string(*senders.error().cause)) : "");
        EXPECT_EQ(senders->size(), b.body.transactions.size());
        EXPECT_EQ(b.receipts.size(), b.body.transactions.size());
        // No zero address: every recovery produced a real key's address.
        for (const auto& a : *senders) EXPECT_NE(a, Address{});
        txns += senders->size();
        ++checked;
    }
    EXPECT_EQ(checked, testing::kFixtureBlockCount);
    EXPECT_GT(txns, 1000u);  // the 12 blocks hold over a thousand transactions of types 0-4
}

TEST_F(BodyValidation, BodyRootsAgainstHeader) {
    // One transaction removed.
    const FixtureBlock& b = block(22431084);
    BlockBody body = b.body;
    body.transactions.erase(body.transactions.begin() + 5);
    EXPECT_EQ(validate_body(b.header.header, body).error(), BodyError::kTransactionsRootMismatch);
    // The ommer of 14764013 removed.
    const FixtureBlock& pow = block(14764013);
    ASSERT_EQ(pow.body.ommers.size(), 1u);
    body = pow.body;
    body.ommers.clear();
    EXPECT_EQ(validate_body(pow.header.header, body).error(), BodyError::kOmmersHashMismatch);
}

TEST_F(BodyValidation, Withdrawals) {
    const FixtureBlock& shanghai = block(17062257);  // 17034870, the fork block, has an empty list
    ASSERT_TRUE(block(17034870).body.withdrawals);
    EXPECT_TRUE(block(17034870).body.withdrawals->empty());
    BlockBody body = shanghai.body;
    ASSERT_TRUE(body.withdrawals);
    ASSERT_FALSE(body.withdrawals->empty());
    (*body.withdrawals)[0].amount += 1;
    EXPECT_EQ(validate_body(shanghai.header.header, body).error(), BodyError::kWithdrawalsRootMismatch);
    body.withdrawals.reset();
    EXPECT_EQ(validate_body(shanghai.header.header, body).error(), BodyError::kWithdrawalsMissing);
    const FixtureBlock& before = block(17034869);
    body = before.body;
    body.withdrawals.emplace();
    EXPECT_EQ(validate_body(before.header.header, body).error(), BodyError::kWithdrawalsUnexpected);
}

TEST_F(BodyValidation, BlobGasAgainstTheBody) {
    const FixtureBlock& b = block(22431084);  // two type-3 transactions carrying nine blobs
    EXPECT_EQ(total_blob_gas(b.body.transactions), *b.header.header.blob_gas_used);
    EXPECT_EQ(*b.header.header.blob_gas_used, 9 * kGasPerBlob);
    BlockHeader h = b.header.header;
    *h.blob_gas_used -= kGasPerBlob;
    EXPECT_EQ(validate_body(h, b.body).error(), BodyError::kBlobGasUsedMismatch);
    // A header without blob fields cannot have type-3 transactions.
    h = b.header.header;
    h.blob_gas_used.reset();
    h.excess_blob_gas.reset();
    EXPECT_EQ(validate_body(h, b.body).error(), BodyError::kBlobTransactionUnexpected);
    // Blocks without blob transactions use none.
    EXPECT_EQ(total_blob_gas(block(19426587).body.transactions), 0u);
}

TEST_F(BodyValidation, ReceiptsAgainstHeader) {
    const FixtureBlock& b = block(22431084);
    const BlockHeader& h = b.header.header;
    // A log's data is not in the bloom, but the root commits to it.
    std::vector<Receipt> receipts = b.receipts;
    Receipt* with_log = nullptr;
    for (auto& r : receipts) {
        if (!r.logs.empty()) {
            with_log = &r;
            break;
        }
    }
    ASSERT_NE(with_log, nullptr);
    with_log->logs[0].data.push_back(0x01);
    EXPECT_EQ(validate_receipts(h, receipts).error(), BodyError::kReceiptsRootMismatch);
    // A log from another contract changes the bloom too (recomputed here as the slim decoder would).
    receipts = b.receipts;
    for (auto& r : receipts) {
        if (r.logs.empty()) continue;
        r.logs[0].address[0] ^= 0xff;
        r.bloom = logs_bloom(r.logs);
        break;
    }
    EXPECT_EQ(validate_receipts(h, receipts).error(), BodyError::kLogsBloomMismatch);
    // The last cumulative gas is the block's gas used.
    receipts = b.receipts;
    receipts.back().cumulative_gas_used += 1;
    EXPECT_EQ(validate_receipts(h, receipts).error(), BodyError::kGasUsedMismatch);
    // A receipt without logs dropped from the middle: the bloom is the same, the root is not.
    receipts = b.receipts;
    std::size_t no_logs = 0;
    while (!receipts[no_logs].logs.empty()) ++no_logs;
    ASSERT_LT(no_logs + 1, receipts.size());
    receipts.erase(receipts.begin() + static_cast<std::ptrdiff_t>(no_logs));
    EXPECT_EQ(validate_receipts(h, receipts).error(), BodyError::kReceiptsRootMismatch);
    // No receipts: only a block that used no gas.
    EXPECT_EQ(validate_receipts(h, {}).error(), BodyError::kGasUsedMismatch);
}

// secp256k1's group order n (SEC 2, §2.4.1).
const U256 kSecpN = *U256::from_string("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

TEST_F(BodyValidation, SendersRejectBadSignatures) {
    const FixtureBlock& b = block(17034870);
    const BlockHeader& h = b.header.header;
    const auto good = validate_block_senders(mainnet(), h, b.body);
    ASSERT_TRUE(good);
    // s = 0 at index 7.
    BlockBody body = b.body;
    body.transactions[7].s = U256{};
    auto r = validate_block_senders(mainnet(), h, body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (SenderFailure{7, BodyError::kInvalidSignature, TxnError::kInvalidSignature}));
    // The same signature with s' = n - s (and the other y-parity) is valid before Homestead only (EIP-2).
    body = b.body;
    Transaction& t = body.transactions[3];
    ASSERT_NE(t.type, TxnType::kLegacy);  // typed: y_parity is a payload field
    t.s = kSecpN - t.s;
    t.y_parity ^= 1;
    t.v = U256{t.y_parity};
    r = validate_block_senders(mainnet(), h, body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (SenderFailure{3, BodyError::kInvalidSignature, TxnError::kHighS}));
    chain::ChainSpec frontier_rules = mainnet();
    frontier_rules.config.set_fork({chain::Fork::kHomestead, chain::ForkTrigger::kBlock, ~uint64_t{0}});
    const auto lenient = validate_block_senders(frontier_rules, h, body);
    ASSERT_TRUE(lenient);
    EXPECT_EQ((*lenient)[3], (*good)[3]);
}

TEST_F(BodyValidation, SendersCheckChainIdAndType) {
    const FixtureBlock& b = block(22431084);
    const BlockHeader& h = b.header.header;
    BlockBody body = b.body;
    std::size_t typed = 0;
    while (body.transactions[typed].type == TxnType::kLegacy) ++typed;
    body.transactions[typed].chain_id = 5;  // Goerli's id in a mainnet block
    auto r = validate_block_senders(mainnet(), h, body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (SenderFailure{typed, BodyError::kInvalidChainId, std::nullopt}));
    // The same block under a chain with another id: its first transaction that carries a chain id fails.
    chain::ChainSpec other = mainnet();
    other.config.chain_id = 11155111;
    r = validate_block_senders(other, h, b.body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error, BodyError::kInvalidChainId);
    EXPECT_TRUE(b.body.transactions[r.error().index].chain_id.has_value());
    // Blob transactions under a header from before Cancun.
    std::size_t first_blob = 0;
    while (b.body.transactions[first_blob].type != TxnType::kBlob) ++first_blob;
    r = validate_block_senders(mainnet(), block(19426586).header.header, b.body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (SenderFailure{first_blob, BodyError::kTxnTypeNotActive, std::nullopt}));
    // EIP-155 legacy transactions before Spurious Dragon.
    std::size_t first_eip155 = 0;
    while (b.body.transactions[first_eip155].type != TxnType::kLegacy || !b.body.transactions[first_eip155].chain_id) {
        ++first_eip155;
    }
    chain::ChainSpec no_eip155 = mainnet();
    no_eip155.config.set_fork({chain::Fork::kEip155, chain::ForkTrigger::kBlock, ~uint64_t{0}});
    BlockBody legacy_only;
    legacy_only.transactions.push_back(b.body.transactions[first_eip155]);
    r = validate_block_senders(no_eip155, h, legacy_only);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), (SenderFailure{0, BodyError::kInvalidChainId, std::nullopt}));
}

TEST(BodyValidationErrors, EveryCodeHasAName) {
    std::set<std::string_view> names;
    for (int i = static_cast<int>(BodyError::kTransactionsRootMismatch);
         i <= static_cast<int>(BodyError::kTxnTypeNotActive); ++i) {
        const auto n = to_string(static_cast<BodyError>(i));
        EXPECT_NE(n, "unknown body error") << i;
        names.insert(n);
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(BodyError::kTxnTypeNotActive));  // all distinct
}

}  // namespace
}  // namespace hypasis::validation
