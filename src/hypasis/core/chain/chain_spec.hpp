#pragma once
/// Chain specifications: which rules apply at a given block, for Ethereum mainnet and its test networks, Polygon
/// PoS (Bor) and BNB Smart Chain (Parlia), and for custom chains loaded from a geth genesis.json (genesis.hpp).
///
/// A fork is activated either by block number or by block timestamp. Ethereum switched to timestamps after the
/// merge (EIP-6122); Polygon still schedules everything by block number; BSC uses both. A timestamp-activated fork
/// is active only once London is active too, as geth's ChainConfig.IsShanghai() and the others require.
///
/// Blob parameters are scheduled per fork (EIP-7840 `blobSchedule`), including the blob-parameter-only forks of
/// EIP-7892 (BPO1..BPO5).
///
/// Everything here is a plain value: copyable, no I/O, no global state except the read-only built-in specs.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/header.hpp"

namespace hypasis::chain {

/// The block-production engine a chain starts with. Ethereum chains that began with proof of work keep kEthash
/// (or kClique) here and switch to proof of stake at the merge: see ChainConfig::consensus_at().
enum class Consensus : uint8_t {
    kEthash,  ///< Proof of work (Ethereum before the merge).
    kClique,  ///< Proof of authority, EIP-225.
    kBeacon,  ///< Proof of stake, driven by a consensus client (EIP-3675). Chains merged at genesis start here.
    kBor,     ///< Polygon PoS: Bor block producers, checkpoints on Ethereum via Heimdall.
    kParlia,  ///< BNB Smart Chain: proof of staked authority.
};

/// "ethash", "clique", "beacon", "bor" or "parlia".
std::string_view to_string(Consensus c) noexcept;

/// Every hard fork Hypasis knows, across the three chain families. Within a family the order is activation order,
/// which blob_params_at() relies on (a later fork's blob parameters win).
enum class Fork : uint8_t {
    // Ethereum, activated by block number (geth ChainConfig fields `<name>Block`).
    kHomestead,
    kDaoFork,
    kEip150,  ///< Tangerine Whistle.
    kEip155,  ///< Spurious Dragon (replay protection).
    kEip158,  ///< Spurious Dragon (state clearing).
    kByzantium,
    kConstantinople,
    kPetersburg,
    kIstanbul,
    kMuirGlacier,
    kBerlin,
    kLondon,
    kArrowGlacier,
    kGrayGlacier,
    kMergeNetsplit,  ///< A virtual fork some test networks used to split peers after the merge.
    // Ethereum, activated by timestamp (`<name>Time`). On Polygon, Shanghai, Cancun and Prague are block forks.
    kShanghai,
    kCancun,
    kPrague,
    kOsaka,
    kBpo1,
    kBpo2,
    kBpo3,
    kBpo4,
    kBpo5,
    kAmsterdam,
    kVerkle,
    // Polygon Bor (the nested `bor` object of Bor's chain config), by block number.
    kJaipur,
    kDelhi,
    kIndore,
    kAgra,    ///< Polygon's Shanghai (same block as ShanghaiBlock).
    kNapoli,  ///< Polygon's Cancun (same block as CancunBlock).
    kAhmedabad,
    kBhilai,  ///< Polygon's Prague (same block as PragueBlock).
    kRio,
    kMadhugiri,
    kMadhugiriPro,
    kDandeli,
    kLisovo,
    kLisovoPro,
    // BNB Smart Chain, by block number.
    kRamanujan,
    kNiels,
    kMirrorSync,
    kBruno,
    kEuler,
    kNano,
    kMoran,
    kGibbs,
    kPlanck,
    kLuban,
    kPlato,
    kHertz,
    kHertzfix,
    // BNB Smart Chain, by timestamp.
    kKepler,
    kFeynman,
    kFeynmanFix,
    kHaber,
    kHaberFix,
    kBohr,
    kPascal,
    kLorentz,
    kMaxwell,
    kFermi,
};

/// The number of Fork values.
inline constexpr std::size_t kForkCount = static_cast<std::size_t>(Fork::kFermi) + 1;

/// The fork's name as geth-style configs spell it without the Block/Time suffix ("london", "bpo1", "muirGlacier").
std::string_view to_string(Fork f) noexcept;

/// How a fork is triggered.
enum class ForkTrigger : uint8_t {
    kBlock,      ///< Active from block number `at` on.
    kTimestamp,  ///< Active from the first block whose timestamp is >= `at` (and London is active).
};

/// One scheduled fork of a chain.
struct ForkActivation {
    Fork fork{Fork::kHomestead};
    ForkTrigger trigger{ForkTrigger::kBlock};
    uint64_t at{0};
    /// Whether the fork counts in the EIP-2124 fork identifier. True for every fork of geth's ChainConfig (geth
    /// gathers them by reflection over `*Block` / `*Time` fields); false for Bor's nested `bor` forks, which
    /// Bor's reflection does not see.
    bool in_fork_id{true};

    friend bool operator==(const ForkActivation&, const ForkActivation&) = default;
};

/// Blob parameters of one fork (EIP-4844, EIP-7691, EIP-7840): blobs per block and the blob base fee update
/// fraction.
struct BlobParams {
    uint64_t target{0};
    uint64_t max{0};
    uint64_t base_fee_update_fraction{0};

    friend bool operator==(const BlobParams&, const BlobParams&) = default;
};

/// The blob parameters that take effect when `fork` activates.
struct BlobScheduleEntry {
    Fork fork{Fork::kCancun};
    BlobParams params;

    friend bool operator==(const BlobScheduleEntry&, const BlobScheduleEntry&) = default;
};

/// Ethereum's blob parameters per fork (geth params/config.go Default*BlobConfig; EIP-7691 for Prague, EIP-7892
/// for the BPO forks). Every built-in Ethereum network uses these.
inline constexpr BlobParams kCancunBlobParams{3, 6, 3338477};
inline constexpr BlobParams kPragueBlobParams{6, 9, 5007716};
inline constexpr BlobParams kOsakaBlobParams{6, 9, 5007716};
inline constexpr BlobParams kBpo1BlobParams{10, 15, 8346193};
inline constexpr BlobParams kBpo2BlobParams{14, 21, 11684671};

/// The rules of a chain: what a genesis.json `config` object carries, plus the merge block when it is known.
///
/// Invariants kept by set_fork(): at most one activation per Fork. Queries are noexcept, const and thread-safe.
struct ChainConfig {
    uint64_t chain_id{0};
    Consensus consensus{Consensus::kEthash};
    bool dao_fork_support{false};
    std::vector<ForkActivation> forks;
    std::vector<BlobScheduleEntry> blob_schedule;
    /// The total difficulty at which the chain left proof of work (EIP-3675); 0 for a chain merged at genesis.
    std::optional<U256> terminal_total_difficulty;
    /// The number of the first proof-of-stake block, when known (geth does not store it; it is a fact of the chain).
    std::optional<uint64_t> merge_block;
    std::optional<Address> deposit_contract;

    /// Adds or replaces the activation of `a.fork`. Throws only std::bad_alloc.
    void set_fork(const ForkActivation& a);
    /// Adds or replaces the blob parameters of `e.fork`. Throws only std::bad_alloc.
    void set_blob_params(const BlobScheduleEntry& e);

    /// The activation of `f`, or nullptr when the chain never schedules it.
    const ForkActivation* activation(Fork f) const noexcept;
    /// The blob parameters scheduled for exactly `f`, or nullptr.
    const BlobParams* blob_params_of(Fork f) const noexcept;

    /// Whether `f` is active in the block with this number and timestamp. A block fork: number >= at. A timestamp
    /// fork: timestamp >= at and London active at `number` (as geth's IsShanghai() and later). False for a fork
    /// the chain does not schedule.
    bool is_active(Fork f, uint64_t number, uint64_t timestamp) const noexcept;

    bool is_homestead(uint64_t number) const noexcept { return is_active(Fork::kHomestead, number, 0); }
    bool is_byzantium(uint64_t number) const noexcept { return is_active(Fork::kByzantium, number, 0); }
    bool is_berlin(uint64_t number) const noexcept { return is_active(Fork::kBerlin, number, 0); }
    bool is_london(uint64_t number) const noexcept { return is_active(Fork::kLondon, number, 0); }
    bool is_shanghai(uint64_t number, uint64_t timestamp) const noexcept {
        return is_active(Fork::kShanghai, number, timestamp);
    }
    bool is_cancun(uint64_t number, uint64_t timestamp) const noexcept {
        return is_active(Fork::kCancun, number, timestamp);
    }
    bool is_prague(uint64_t number, uint64_t timestamp) const noexcept {
        return is_active(Fork::kPrague, number, timestamp);
    }
    bool is_osaka(uint64_t number, uint64_t timestamp) const noexcept {
        return is_active(Fork::kOsaka, number, timestamp);
    }

    /// Whether the block is past the merge (geth's IsPostMerge, plus the known merge block): TTD is zero, or the
    /// block is at or after merge_block or the MergeNetsplit fork, or Shanghai is active.
    bool is_post_merge(uint64_t number, uint64_t timestamp) const noexcept;

    /// The engine that produces the block: kBeacon after the merge for chains that started on kEthash/kClique,
    /// `consensus` otherwise.
    Consensus consensus_at(uint64_t number, uint64_t timestamp) const noexcept;

    /// The blob parameters in force at `timestamp`: those of the latest fork (in Fork order) that has an entry in
    /// blob_schedule and is timestamp-activated at or before `timestamp`. nullopt before the first blob fork and
    /// on chains without blobs. Assumes London is active, which holds on every chain that schedules blobs.
    std::optional<BlobParams> blob_params_at(uint64_t timestamp) const noexcept;

    friend bool operator==(const ChainConfig&, const ChainConfig&) = default;
};

/// A chain Hypasis can follow: its identity, its genesis, and its rules.
struct ChainSpec {
    std::string name;        ///< "mainnet", "polygon", … or "custom" for a genesis.json.
    uint64_t network_id{0};  ///< devp2p network id (eth Status); equals chain_id on every built-in chain.
    ChainConfig config;
    Hash genesis_hash{};
    uint64_t genesis_timestamp{0};  ///< Time forks at or before it are not forks for EIP-2124 (EIP-6122).
    /// The genesis header, when Hypasis can state it (embedded fields or a parsed genesis.json). When present,
    /// hash_of(*genesis_header) == genesis_hash.
    std::optional<BlockHeader> genesis_header;

    uint64_t chain_id() const noexcept { return config.chain_id; }
    bool is_active(Fork f, uint64_t number, uint64_t timestamp) const noexcept {
        return config.is_active(f, number, timestamp);
    }
    bool is_london(uint64_t number) const noexcept { return config.is_london(number); }
    bool is_shanghai(uint64_t number, uint64_t timestamp) const noexcept {
        return config.is_shanghai(number, timestamp);
    }
    bool is_cancun(uint64_t number, uint64_t timestamp) const noexcept { return config.is_cancun(number, timestamp); }
    bool is_prague(uint64_t number, uint64_t timestamp) const noexcept { return config.is_prague(number, timestamp); }
    std::optional<BlobParams> blob_params_at(uint64_t timestamp) const noexcept {
        return config.blob_params_at(timestamp);
    }

    friend bool operator==(const ChainSpec&, const ChainSpec&) = default;
};

/// The built-in chain with this name: "mainnet", "sepolia", "hoodi", "polygon" (alias "bor-mainnet"), "amoy",
/// "bsc". nullptr for any other name. The returned spec lives for the whole program; thread-safe.
const ChainSpec* builtin_chain(std::string_view name) noexcept;

/// The canonical names accepted by builtin_chain(), in a stable order, for --help. Aliases are not listed.
std::span<const std::string_view> builtin_chain_names() noexcept;

}  // namespace hypasis::chain
