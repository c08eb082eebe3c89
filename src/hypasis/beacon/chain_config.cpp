#include "hypasis/beacon/chain_config.hpp"

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/sha256.hpp"

namespace hypasis::beacon {

ChainConfig ChainConfig::mainnet() {
    ChainConfig c;
    c.name = "mainnet";
    c.preset = Preset::mainnet();
    c.chain_id = 1;
    c.genesis_validators_root =
        *fixed_from_hex<32>("0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");
    c.genesis_time = 1606824023;
    c.seconds_per_slot = 12;
    for (uint8_t i = 0; i < 7; ++i) c.fork_versions[i] = Version{i, 0, 0, 0};
    c.fork_epochs = {0, 74240, 144896, 194048, 269568, 364032, 411392};
    // configs/mainnet.yaml: the two blob-parameter-only forks after Fulu (EIP-7892), and MAX_BLOBS_PER_BLOCK_ELECTRA.
    c.blob_schedule = {{412672, 15}, {419072, 21}};
    c.max_blobs_per_block_electra = 9;
    return c;
}

ChainConfig ChainConfig::minimal(const Hash& genesis_validators_root) {
    ChainConfig c;
    c.name = "minimal";
    c.preset = Preset::minimal();
    c.chain_id = 1;
    c.genesis_validators_root = genesis_validators_root;
    c.genesis_time = 1578009600;
    c.seconds_per_slot = 6;
    for (uint8_t i = 0; i < 7; ++i) c.fork_versions[i] = Version{i, 0, 0, 1};
    c.fork_epochs = {0, 0, 0, 0, 0, kFarFutureEpoch, kFarFutureEpoch};
    return c;
}

Fork ChainConfig::fork_at_epoch(uint64_t epoch) const noexcept {
    for (std::size_t i = fork_epochs.size(); i-- > 1;) {
        if (epoch >= fork_epochs[i]) return static_cast<Fork>(i);
    }
    return Fork::kPhase0;
}

BlobParameters ChainConfig::blob_parameters_at_epoch(uint64_t epoch) const noexcept {
    const BlobParameters* best = nullptr;
    for (const auto& e : blob_schedule) {
        if (epoch >= e.epoch && (!best || e.epoch > best->epoch)) best = &e;
    }
    if (best) return *best;
    return {fork_epochs[static_cast<std::size_t>(Fork::kElectra)], max_blobs_per_block_electra};
}

FixedBytes<4> ChainConfig::fork_digest_at_epoch(uint64_t epoch) const noexcept {
    const Version& version = fork_version_at_epoch(epoch);
    if (epoch < fork_epochs[static_cast<std::size_t>(Fork::kFulu)]) {
        return compute_fork_digest(version, genesis_validators_root);
    }
    return compute_fork_digest(version, genesis_validators_root, blob_parameters_at_epoch(epoch));
}

std::optional<Fork> ChainConfig::fork_of_digest(const FixedBytes<4>& digest) const noexcept {
    for (std::size_t i = 0; i < fork_epochs.size(); ++i) {
        const uint64_t start = fork_epochs[i];
        if (start == kFarFutureEpoch) continue;
        const auto fork = static_cast<Fork>(i);
        // Pre-Fulu forks have one digest, whether or not an epoch shows it.
        if (fork < Fork::kFulu) {
            if (compute_fork_digest(fork_versions[i], genesis_validators_root) == digest) return fork;
            continue;
        }
        if (fork_at_epoch(start) != fork) continue;  // shadowed by a later fork at the same epoch
        if (fork_digest_at_epoch(start) == digest) return fork;
        for (const auto& e : blob_schedule) {
            if (e.epoch > start && fork_at_epoch(e.epoch) == fork && fork_digest_at_epoch(e.epoch) == digest) {
                return fork;
            }
        }
    }
    return std::nullopt;
}

Hash compute_fork_data_root(const Version& version, const Hash& genesis_validators_root) noexcept {
    Hash v{};
    std::copy(version.begin(), version.end(), v.begin());
    return crypto::sha256_pair(v, genesis_validators_root);
}

FixedBytes<4> compute_fork_digest(const Version& version, const Hash& genesis_validators_root) noexcept {
    const Hash root = compute_fork_data_root(version, genesis_validators_root);
    return {root[0], root[1], root[2], root[3]};
}

FixedBytes<4> compute_fork_digest(const Version& version, const Hash& genesis_validators_root,
                                  const BlobParameters& blob) noexcept {
    const Hash base = compute_fork_data_root(version, genesis_validators_root);
    Hash params{};
    for (std::size_t i = 0; i < 8; ++i) {
        params[i] = static_cast<uint8_t>(blob.epoch >> (8 * i));
        params[8 + i] = static_cast<uint8_t>(blob.max_blobs_per_block >> (8 * i));
    }
    const Hash mask = crypto::sha256(ByteView(params).first(16));
    return {static_cast<uint8_t>(base[0] ^ mask[0]), static_cast<uint8_t>(base[1] ^ mask[1]),
            static_cast<uint8_t>(base[2] ^ mask[2]), static_cast<uint8_t>(base[3] ^ mask[3])};
}

Hash compute_domain(const FixedBytes<4>& domain_type, const Version& version,
                    const Hash& genesis_validators_root) noexcept {
    const Hash root = compute_fork_data_root(version, genesis_validators_root);
    Hash d{};
    std::copy(domain_type.begin(), domain_type.end(), d.begin());
    std::copy(root.begin(), root.begin() + 28, d.begin() + 4);
    return d;
}

Hash compute_signing_root(const Hash& object_root, const Hash& domain) noexcept {
    return crypto::sha256_pair(object_root, domain);
}

}  // namespace hypasis::beacon
