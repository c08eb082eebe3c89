#pragma once
/// A deterministic generator of linked, valid post-Prague blocks, and geth-style chain files of them.
///
/// The chain is a custom network (chain id kGeneratedChainId) on which every fork up to Prague is active from
/// genesis, built from a genesis.json-like description (chain::spec_from_genesis), so spec() answers every rule
/// core/validation applies. Each block after genesis carries:
/// - signed transactions of every type 0-4 (legacy with EIP-155, EIP-2930, EIP-1559, EIP-4844 with one blob
///   versioned hash, EIP-7702 with one signed authorization), from fixed keys with per-sender nonces;
/// - withdrawals with a global, increasing index (EIP-4895);
/// - every header field through requests_hash, with the transactions, withdrawals and receipts roots, the ommers
///   hash of no ommers, the logs bloom, blob gas used and the exact excess blob gas (EIP-4844), the exact EIP-1559
///   base fee, a gas limit that moves inside its bound, and a timestamp 12 s after the parent's;
/// - receipts (one per transaction, some with logs) that validate_receipts accepts.
/// So validate_header(spec(), parent, header), validate_body, validate_receipts and validate_block_senders all
/// accept every generated block. The state root is random: nothing is executed.
///
/// Determinism: the same options give the same bytes on every run and platform (std::mt19937_64 is fully
/// specified, and only its raw output is used). Cost: one secp256k1 signature per transaction and authorization,
/// about 25 µs each, so 10,000 blocks of the default shape take about 1.5 s on one core.
///
/// Not thread-safe: one generator per thread. Throws std::bad_alloc only, and std::runtime_error from
/// write_chain_file when the file cannot be written.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <vector>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/receipt.hpp"

namespace hypasis::devnet {

/// The chain id of generated chains (arbitrary; not used by any public network).
inline constexpr uint64_t kGeneratedChainId = 0x6879'7061;  // "hypa"

/// What each generated block holds.
struct ChainGeneratorOptions {
    uint64_t seed{1};
    /// Rounds of transactions per block; each round is one transaction of each type 0-4 (so 5 per round).
    std::size_t txn_rounds_per_block{1};
    std::size_t withdrawals_per_block{2};
    /// Bytes of random calldata per transaction (sizes the blocks; each byte costs 16 gas).
    std::size_t calldata_bytes{64};
    /// The genesis block's timestamp (Unix seconds); each block is 12 s after its parent. A devnet sets it so
    /// that its checkpoint is recent and its tip near the wall clock.
    uint64_t genesis_timestamp{1'700'000'000};
    /// The fork schedule: the block at which Shanghai (withdrawals), Cancun (blob transactions, blob gas, beacon
    /// root) and Prague (set-code transactions, requests hash) activate; each is a time-based fork at that block's
    /// timestamp. 0 (the default) is "from genesis". Must be ordered shanghai <= cancun <= prague. Before a fork
    /// its transaction type and header fields are absent; London and the merge are always active.
    uint64_t shanghai_block{0};
    uint64_t cancun_block{0};
    uint64_t prague_block{0};
};

/// A generated block with its receipts (one per transaction, in order).
struct GeneratedBlock {
    Block block;
    std::vector<Receipt> receipts;
};

/// Generates a chain: genesis() is block 0; each next() returns the child of the block returned before.
class ChainGenerator {
  public:
    explicit ChainGenerator(const ChainGeneratorOptions& options = {});

    /// The rules of the generated chain (forks through London and the merge at genesis; Shanghai, Cancun and
    /// Prague at the options' blocks, from genesis by default; Cancun and Prague blob schedules).
    const chain::ChainSpec& spec() const noexcept { return spec_; }

    /// Block 0: the genesis header of spec() with an empty body (and an empty withdrawals list).
    const Block& genesis() const noexcept { return genesis_; }

    /// The next block (number 1 on the first call), linked to the previous one.
    GeneratedBlock next();

    /// Blocks [0, count): genesis followed by count - 1 calls of next() (receipts are dropped). Call it on a fresh
    /// generator for a chain from genesis.
    std::vector<Block> blocks(std::size_t count);

    /// The fixed senders' secret keys (valid secp256k1 keys, the same for every seed).
    std::span<const crypto::SecretKey> keys() const noexcept { return keys_; }

  private:
    uint64_t random() noexcept { return rng_(); }
    uint64_t random_below(uint64_t bound) noexcept { return bound == 0 ? 0 : rng_() % bound; }
    Hash random_hash() noexcept;
    Address random_address() noexcept;
    Bytes random_bytes(std::size_t n);
    // An unsigned transaction of `type` from its fixed sender (gas_limit left to the caller).
    Transaction make_txn(TxnType type, const U256& base_fee, bool prague);

    ChainGeneratorOptions options_;
    std::mt19937_64 rng_;
    chain::ChainSpec spec_;
    Block genesis_;
    SealedHeader parent_;
    std::vector<crypto::SecretKey> keys_;
    std::vector<uint64_t> nonces_;  // per key
    uint64_t withdrawal_index_{0};
};

/// The geth chain-file form of `blocks`: each block's RLP list, back to back, no framing (what `geth export`
/// writes and `hypasis import` reads). Throws only std::bad_alloc.
Bytes encode_chain(std::span<const Block> blocks);

/// Writes encode_chain(blocks) to `path` (replacing it). Throws std::runtime_error when the file cannot be
/// written.
void write_chain_file(const std::filesystem::path& path, std::span<const Block> blocks);

}  // namespace hypasis::devnet
