#pragma once
/// Test and benchmark only: deterministic synthetic blocks whose headers commit to their bodies and receipts, so
/// the block store's read checks pass on them. Not part of the library's interface.
///
/// A block is a function of (number, salt) alone, so a child process and its parent build the same block for a
/// number, and two salts give two competing forks. Parent hashes are derived, not linked (the store does not
/// check linkage). Transactions are legacy ones with a placeholder signature (the store does not recover
/// senders); their hashes are unique per (number, index, salt).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/types/transaction.hpp"
#include "hypasis/core/validation/body_roots.hpp"

namespace hypasis::storage::testing {

/// What a synthetic block holds.
struct SyntheticOptions {
    uint64_t salt{0};                ///< Different salts give different blocks (forks) for the same number.
    std::size_t txns_per_block{2};   ///< Each gets one receipt with one log.
    std::size_t txn_data_bytes{40};  ///< Pseudo-random calldata per transaction (sets the body size).
};

/// A block and the receipts its header commits to.
struct SyntheticBlock {
    Block block;
    std::vector<Receipt> receipts;
};

/// splitmix64: a small, fast, seedable generator (the values only need to be deterministic and spread out).
class SplitMix {
  public:
    explicit SplitMix(uint64_t seed) noexcept : state_(seed) {}
    uint64_t next() noexcept {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    void fill(uint8_t* p, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; i += 8) {
            const uint64_t x = next();
            for (std::size_t j = 0; j < 8 && i + j < n; ++j) p[i + j] = static_cast<uint8_t>(x >> (8 * j));
        }
    }
    template <std::size_t N>
    FixedBytes<N> bytes() noexcept {
        FixedBytes<N> out{};
        fill(out.data(), N);
        return out;
    }

  private:
    uint64_t state_;
};

/// The synthetic block number `n` under `options`.
inline SyntheticBlock make_block(uint64_t n, const SyntheticOptions& options = {}) {
    SplitMix rng(n * 0x100000001b3ULL ^ (options.salt + 1) * 0x9e3779b97f4a7c15ULL);
    SyntheticBlock out;
    BlockBody& body = out.block.body;
    uint64_t cumulative_gas = 0;
    for (std::size_t i = 0; i < options.txns_per_block; ++i) {
        Transaction txn;
        txn.type = TxnType::kLegacy;
        txn.nonce = n * 1000 + i;
        txn.gas_price = U256(rng.next() % 100'000'000'000ULL + 1);
        txn.gas_limit = 21'000 + 16 * options.txn_data_bytes;
        txn.to = rng.bytes<20>();
        txn.value = U256(rng.next());
        txn.data.resize(options.txn_data_bytes);
        rng.fill(txn.data.data(), txn.data.size());
        txn.v = U256(27);
        txn.y_parity = 0;
        txn.r = U256(rng.next() | 1);
        txn.s = U256(rng.next() | 1);
        seal(txn);
        body.transactions.push_back(std::move(txn));

        Receipt r;
        r.type = TxnType::kLegacy;
        r.success = true;
        cumulative_gas += 21'000 + 16 * options.txn_data_bytes;
        r.cumulative_gas_used = cumulative_gas;
        Log log;
        log.address = rng.bytes<20>();
        log.topics.push_back(rng.bytes<32>());
        log.data = Bytes(8, static_cast<uint8_t>(i));
        r.logs.push_back(std::move(log));
        r.bloom = logs_bloom(r.logs);
        out.receipts.push_back(std::move(r));
    }

    BlockHeader h;
    h.parent_hash = crypto::keccak256(be64(n - 1));
    h.ommers_hash = validation::kEmptyOmmersHash;
    h.beneficiary = rng.bytes<20>();
    h.state_root = rng.bytes<32>();
    h.transactions_root = validation::compute_transactions_root(body.transactions);
    h.receipts_root = validation::compute_receipts_root(out.receipts);
    h.logs_bloom = block_bloom(out.receipts);
    h.difficulty = U256(0);
    h.number = n;
    h.gas_limit = 30'000'000;
    h.gas_used = cumulative_gas;
    h.timestamp = 1'600'000'000 + 12 * n;
    h.extra_data = Bytes(16, static_cast<uint8_t>(options.salt));
    h.mix_hash = rng.bytes<32>();
    h.base_fee_per_gas = U256(7 + rng.next() % 100'000'000'000ULL);
    out.block.header = seal(std::move(h));
    return out;
}

/// Blocks [first, first + count) under `options`.
inline std::vector<SyntheticBlock> make_blocks(uint64_t first, uint64_t count, const SyntheticOptions& options = {}) {
    std::vector<SyntheticBlock> out;
    out.reserve(count);
    for (uint64_t n = first; n < first + count; ++n) out.push_back(make_block(n, options));
    return out;
}

/// The Block parts of `blocks`.
inline std::vector<Block> blocks_of(const std::vector<SyntheticBlock>& blocks) {
    std::vector<Block> out;
    out.reserve(blocks.size());
    for (const auto& b : blocks) out.push_back(b.block);
    return out;
}

/// The receipt lists of `blocks`.
inline std::vector<std::vector<Receipt>> receipts_of(const std::vector<SyntheticBlock>& blocks) {
    std::vector<std::vector<Receipt>> out;
    out.reserve(blocks.size());
    for (const auto& b : blocks) out.push_back(b.receipts);
    return out;
}

}  // namespace hypasis::storage::testing
