#include "hypasis/devnet/chain/chain_generator.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "hypasis/core/chain/genesis.hpp"
#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/validation/base_fee.hpp"
#include "hypasis/core/validation/blob_gas.hpp"
#include "hypasis/core/validation/body_roots.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/core/validation/header_validation.hpp"

namespace hypasis::devnet {
namespace {

// One sender per transaction type, plus the EIP-7702 authority.
constexpr std::size_t kSenderCount = 5;
constexpr std::size_t kAuthority = kSenderCount;
constexpr uint64_t kBlockTime = 12;
constexpr uint64_t kGasLimit = 30'000'000;
constexpr uint64_t kGwei = 1'000'000'000;

crypto::SecretKey fixed_key(std::size_t i) {
    const std::string label = "hypasis chain generator key " + std::to_string(i);
    return crypto::keccak256(as_bytes(label));
}

// The intrinsic gas of a transaction (Yellow Paper §6.2 G_transaction and G_txdata*, EIP-2028 calldata prices,
// EIP-2930 access-list prices, EIP-7702 PER_EMPTY_ACCOUNT_COST): the least gas it can use.
uint64_t intrinsic_gas(const Transaction& txn) {
    uint64_t gas = 21'000;
    for (uint8_t b : txn.data) gas += b == 0 ? 4 : 16;
    for (const auto& e : txn.access_list) gas += 2'400 + 1'900 * e.storage_keys.size();
    gas += 25'000 * txn.authorization_list.size();
    return gas;
}

}  // namespace

ChainGenerator::ChainGenerator(const ChainGeneratorOptions& options) : options_(options), rng_(options.seed) {
    // At most 9 blobs fit a Prague block (EIP-7691) and each round carries a blob transaction.
    HYPASIS_ASSERT(options_.txn_rounds_per_block <= chain::kPragueBlobParams.max);

    for (std::size_t i = 0; i <= kSenderCount; ++i) {
        keys_.push_back(fixed_key(i));
        HYPASIS_ASSERT(crypto::public_key(keys_.back()).has_value());
    }
    nonces_.assign(keys_.size(), 0);

    chain::Genesis g;
    g.config.chain_id = kGeneratedChainId;
    g.config.consensus = chain::Consensus::kBeacon;
    g.config.terminal_total_difficulty = U256{0};
    using chain::Fork;
    for (Fork f : {Fork::kHomestead, Fork::kEip150, Fork::kEip155, Fork::kEip158, Fork::kByzantium,
                   Fork::kConstantinople, Fork::kPetersburg, Fork::kIstanbul, Fork::kBerlin, Fork::kLondon}) {
        g.config.set_fork({f, chain::ForkTrigger::kBlock, 0});
    }
    HYPASIS_ASSERT(options_.shanghai_block <= options_.cancun_block && options_.cancun_block <= options_.prague_block);
    // Blocks under Cancun's blob limit (6) carry at least one blob per round.
    HYPASIS_ASSERT(options_.cancun_block == options_.prague_block ||
                   options_.txn_rounds_per_block <= chain::kCancunBlobParams.max);
    // Time-based forks at the timestamp of their block (blocks are kBlockTime apart); 0 stays "from genesis".
    const auto at = [&](uint64_t block) { return block == 0 ? 0 : options_.genesis_timestamp + block * kBlockTime; };
    g.config.set_fork({Fork::kShanghai, chain::ForkTrigger::kTimestamp, at(options_.shanghai_block)});
    g.config.set_fork({Fork::kCancun, chain::ForkTrigger::kTimestamp, at(options_.cancun_block)});
    g.config.set_fork({Fork::kPrague, chain::ForkTrigger::kTimestamp, at(options_.prague_block)});
    g.config.set_blob_params({Fork::kCancun, chain::kCancunBlobParams});
    g.config.set_blob_params({Fork::kPrague, chain::kPragueBlobParams});
    g.timestamp = options_.genesis_timestamp;
    g.gas_limit = kGasLimit;
    g.difficulty = U256{0};
    g.mix_hash = random_hash();  // makes the genesis, and so every block hash, depend on the seed
    g.extra_data = to_bytes(as_bytes("hypasis generated chain"));
    for (const auto& key : keys_) {
        const Address a = crypto::to_address(*crypto::public_key(key));
        g.alloc[a].balance = U256{1'000'000} * U256{kGwei} * U256{kGwei};  // a million ether each
    }
    spec_ = chain::spec_from_genesis(g);
    HYPASIS_ASSERT(spec_.genesis_header.has_value());

    genesis_.header = seal(*spec_.genesis_header);
    if (options_.shanghai_block == 0) genesis_.body.withdrawals.emplace();  // the header has a withdrawals root
    parent_ = genesis_.header;
}

Hash ChainGenerator::random_hash() noexcept {
    Hash h{};
    for (std::size_t i = 0; i < h.size(); i += 8) {
        uint64_t x = random();
        for (std::size_t j = 0; j < 8; ++j, x >>= 8) h[i + j] = static_cast<uint8_t>(x);
    }
    return h;
}

Address ChainGenerator::random_address() noexcept {
    const Hash h = random_hash();
    Address a{};
    std::copy_n(h.begin(), a.size(), a.begin());
    return a;
}

Bytes ChainGenerator::random_bytes(std::size_t n) {
    Bytes out(n);
    for (auto& b : out) b = static_cast<uint8_t>(random());
    return out;
}

Transaction ChainGenerator::make_txn(TxnType type, const U256& base_fee, bool prague) {
    const auto sender = static_cast<std::size_t>(type);
    Transaction t;
    t.type = type;
    t.chain_id = kGeneratedChainId;
    t.nonce = nonces_[sender]++;
    t.to = random_address();
    t.value = U256{random_below(kGwei * kGwei)};
    t.data = random_bytes(options_.calldata_bytes);
    const U256 tip{1 + random_below(2 * kGwei)};
    if (type == TxnType::kLegacy || type == TxnType::kAccessList) {
        t.gas_price = base_fee + tip;
    } else {
        t.max_priority_fee_per_gas = tip;
        t.max_fee_per_gas = base_fee * U256{2} + tip;
    }
    if (type != TxnType::kLegacy) t.access_list.push_back({random_address(), {random_hash()}});
    if (type == TxnType::kBlob) {
        t.max_fee_per_blob_gas = U256{kGwei};
        const uint64_t max = prague ? chain::kPragueBlobParams.max : chain::kCancunBlobParams.max;
        const uint64_t most = max / std::max<std::size_t>(options_.txn_rounds_per_block, 1);
        const uint64_t blobs = 1 + random_below(most);
        for (uint64_t i = 0; i < blobs; ++i) {
            Hash h = random_hash();
            h[0] = 0x01;  // VERSIONED_HASH_VERSION_KZG (EIP-4844)
            t.blob_versioned_hashes.push_back(h);
        }
    }
    if (type == TxnType::kSetCode) {
        Authorization auth;
        auth.chain_id = U256{kGeneratedChainId};
        auth.address = random_address();
        auth.nonce = nonces_[kAuthority]++;
        HYPASIS_ASSERT(sign_authorization(auth, keys_[kAuthority]).has_value());
        t.authorization_list.push_back(auth);
    }
    return t;
}

GeneratedBlock ChainGenerator::next() {
    const BlockHeader& parent = parent_.header;
    BlockHeader h;
    h.parent_hash = parent_.hash;
    h.ommers_hash = validation::kEmptyOmmersHash;
    h.beneficiary = random_address();
    h.state_root = random_hash();
    h.number = parent.number + 1;
    h.timestamp = parent.timestamp + kBlockTime;
    h.extra_data = to_bytes(as_bytes("hypasis"));
    h.mix_hash = random_hash();  // prev_randao (EIP-4399)
    const bool shanghai = spec_.is_active(chain::Fork::kShanghai, h.number, h.timestamp);
    const bool cancun = spec_.is_active(chain::Fork::kCancun, h.number, h.timestamp);
    const bool prague = spec_.is_active(chain::Fork::kPrague, h.number, h.timestamp);
    if (cancun) h.parent_beacon_block_root = random_hash();
    if (prague) h.requests_hash = chain::kEmptyRequestsHash;  // no EIP-7685 requests

    // A gas limit that wanders around 30M, always strictly inside parent / 1024 of the parent's (Yellow Paper
    // §4.3.4).
    const uint64_t step = random_below(parent.gas_limit / validation::kGasLimitBoundDivisor - 1);
    const bool up = parent.gas_limit < kGasLimit ? random_below(4) != 0 : random_below(4) == 0;
    h.gas_limit = up ? parent.gas_limit + step : parent.gas_limit - step;

    const auto base_fee = validation::expected_base_fee(spec_, parent);
    HYPASIS_ASSERT(base_fee.has_value());
    h.base_fee_per_gas = *base_fee;
    if (cancun) {
        const auto excess = validation::expected_excess_blob_gas(spec_, parent, h.timestamp);
        HYPASIS_ASSERT(excess.has_value());
        h.excess_blob_gas = *excess;
    }

    // Gas use per transaction: its intrinsic gas plus a random amount, sized so that blocks average about the gas
    // target, which makes the base fee move both ways.
    const std::size_t txn_count = options_.txn_rounds_per_block * kSenderCount;
    const uint64_t extra_range = txn_count == 0 ? 1 : (h.gas_limit / 2) * 2 / txn_count;
    GeneratedBlock out;
    BlockBody& body = out.block.body;
    uint64_t cumulative = 0;
    for (std::size_t round = 0; round < options_.txn_rounds_per_block; ++round) {
        for (std::size_t type = 0; type < kSenderCount; ++type) {
            const auto kind = static_cast<TxnType>(type);
            if ((kind == TxnType::kBlob && !cancun) || (kind == TxnType::kSetCode && !prague)) continue;
            Transaction t = make_txn(kind, *h.base_fee_per_gas, prague);
            uint64_t used = intrinsic_gas(t) + random_below(extra_range);
            used = std::min(used, h.gas_limit - cumulative);
            t.gas_limit = used + random_below(50'000);
            HYPASIS_ASSERT(sign_transaction(t, keys_[type]).has_value());
            cumulative += used;

            Receipt r;
            r.type = t.type;
            r.success = random_below(8) != 0;
            r.cumulative_gas_used = cumulative;
            if (r.success && random_below(2) == 0) {
                Log log;
                log.address = *t.to;
                for (uint64_t i = 0, n = 1 + random_below(3); i < n; ++i) log.topics.push_back(random_hash());
                log.data = random_bytes(32);
                r.logs.push_back(std::move(log));
            }
            r.bloom = logs_bloom(r.logs);
            out.receipts.push_back(std::move(r));
            body.transactions.push_back(std::move(t));
        }
    }
    h.gas_used = cumulative;
    if (cancun) h.blob_gas_used = validation::total_blob_gas(body.transactions);

    if (shanghai) {
        body.withdrawals.emplace();
        for (std::size_t i = 0; i < options_.withdrawals_per_block; ++i) {
            body.withdrawals->push_back(
                Withdrawal{withdrawal_index_++, random_below(1'000'000), random_address(), 1 + random_below(kGwei)});
        }
    }

    const validation::BodyRoots roots = validation::compute_body_roots(body);
    h.transactions_root = roots.transactions_root;
    h.withdrawals_root = roots.withdrawals_root;
    h.receipts_root = validation::compute_receipts_root(out.receipts);
    h.logs_bloom = block_bloom(out.receipts);

    out.block.header = seal(std::move(h));
    parent_ = out.block.header;
    return out;
}

std::vector<Block> ChainGenerator::blocks(std::size_t count) {
    HYPASIS_ASSERT(parent_.hash == genesis_.header.hash);  // a fresh generator
    std::vector<Block> out;
    if (count == 0) return out;
    out.reserve(count);
    out.push_back(genesis_);
    while (out.size() < count) out.push_back(next().block);
    return out;
}

Bytes encode_chain(std::span<const Block> blocks) {
    std::size_t size = 0;
    for (const auto& b : blocks) size += encoded_length(b);
    Bytes out;
    out.reserve(size);
    for (const auto& b : blocks) encode_to(out, b);
    return out;
}

void write_chain_file(const std::filesystem::path& path, std::span<const Block> blocks) {
    const Bytes bytes = encode_chain(blocks);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot create " + path.string());
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace hypasis::devnet
