#include "hypasis/beacon/chain_config.hpp"

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/sha256.hpp"

namespace hypasis::beacon {

ChainConfig ChainConfig::mainnet() {
    ChainConfig c;
    c.name = "mainnet";
    c.preset = Preset::mainnet();
    c.chain_id = 1;
    c.genesis_validators_root = *fixed_from_hex<32>("0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");
    c.genesis_time = 1606824023;
    c.seconds_per_slot = 12;
    for (uint8_t i = 0; i < 7; ++i) c.fork_versions[i] = Version{i, 0, 0, 0};
    c.fork_epochs = {0, 74240, 144896, 194048, 269568, 364032, 411392};
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

std::optional<Fork> ChainConfig::fork_of_digest(const FixedBytes<4>& digest) const noexcept {
    for (std::size_t i = 0; i < fork_versions.size(); ++i) {
        if (compute_fork_digest(fork_versions[i], genesis_validators_root) == digest) return static_cast<Fork>(i);
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
