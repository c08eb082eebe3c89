#pragma once
/// Checkpoints, validator sets and the canonical digest that validators sign (DESIGN §6, docs/checkpoints.md).
///
/// A Checkpoint is untrusted data as it arrives: its signatures are kept as raw bytes and only verify.hpp turns
/// it into a VerifiedCheckpoint. A ValidatorSet is trusted configuration (the operator supplies it), but it is
/// still checked when built: keys parse, no validator appears twice, and the stake total fits in U256. BLS keys
/// are decompressed and subgroup-checked once, here, and kept parsed (see core/crypto/bls.hpp on the cost).
///
/// All types are plain values; const methods are thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/crypto/bls.hpp"

namespace hypasis::checkpoint {

/// How a validator signs.
enum class SignatureScheme : uint8_t {
    kEcdsa = 1,  ///< secp256k1, 65-byte r || s || v signatures over the digest, validator named by its address.
    kBls = 2,    ///< BLS12-381 (Ethereum's POP ciphersuite) over the digest, validator named by its public key.
};

/// "ecdsa" or "bls".
std::string_view to_string(SignatureScheme s) noexcept;

/// The quorum rule of a chain (DESIGN §6). Each is exact, in integers, with no rounding.
enum class QuorumRule : uint8_t {
    kGeneric = 1,       ///< signed stake × 3 > total stake × 2 (strictly more than 2/3 of the stake).
    kEthSyncCommittee,  ///< participants × 3 ≥ committee size × 2, by count, not stake (consensus specs,
                        ///< altair light-client sync protocol, process_light_client_update's supermajority).
    kPolygon,           ///< signed stake ≥ ⌊2/3 · total stake⌋ + 1 (Polygon StakeManager's checkpoint rule).
    kBscCount,          ///< voters ≥ ⌈2/3 · validator count⌉, by count, not stake (BSC Parlia fast finality).
};

/// "generic", "eth-sync-committee", "polygon" or "bsc".
std::string_view to_string(QuorumRule r) noexcept;
/// The inverse of to_string(QuorumRule); nullopt for any other text.
std::optional<QuorumRule> quorum_rule_from_string(std::string_view s) noexcept;

/// One ECDSA signature as it arrives: the signer it claims and the 65 bytes r || s || v (v in {0, 1, 27, 28}).
struct EcdsaSignature {
    Address signer{};
    FixedBytes<65> signature{};
    friend bool operator==(const EcdsaSignature&, const EcdsaSignature&) = default;
};

/// One BLS signature by one validator: its 48-byte compressed public key and the 96-byte compressed signature.
struct BlsValidatorSignature {
    FixedBytes<48> signer{};
    FixedBytes<96> signature{};
    friend bool operator==(const BlsValidatorSignature&, const BlsValidatorSignature&) = default;
};

/// One aggregate BLS signature by the validators whose bits are set: bit i (byte i / 8, bit i % 8, least
/// significant first, as an SSZ Bitvector) stands for validator i of the set, in the set's order. The bitfield
/// must be exactly ⌈n / 8⌉ bytes with the unused high bits zero.
struct BlsAggregateSignature {
    Bytes signers_bitfield;
    FixedBytes<96> signature{};
    friend bool operator==(const BlsAggregateSignature&, const BlsAggregateSignature&) = default;
};

/// A checkpoint: the block it vouches for, and the signatures (unverified). The signed fields are the first six;
/// the signatures are not part of the digest.
struct Checkpoint {
    uint64_t chain_id{0};
    uint64_t block_num{0};
    Hash block_hash{};
    Hash state_root{};
    uint64_t timestamp{0};  ///< Unix seconds of the block.

    std::vector<EcdsaSignature> ecdsa_signatures;
    std::vector<BlsValidatorSignature> bls_signatures;
    std::optional<BlsAggregateSignature> bls_aggregate;

    friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

/// The domain tag prefixed to the RLP before hashing, so that a checkpoint signature can never be replayed as a
/// signature of anything else (a transaction, an EIP-191 message, a beacon object): none of those starts with
/// these 22 bytes.
inline constexpr std::string_view kDigestDomain = "hypasis-checkpoint-v1:";

/// The RLP that the digest hashes: rlp([chain_id, block_num, block_hash, state_root, timestamp]), integers in
/// canonical RLP form (big-endian, no leading zeros, zero as the empty string). Throws only std::bad_alloc.
Bytes signing_rlp(const Checkpoint& c);

/// The canonical digest that every validator signs: keccak256(kDigestDomain || signing_rlp(c)). ECDSA signs these
/// 32 bytes directly (no EIP-191 prefix); BLS signs them as the message. Throws only std::bad_alloc.
Hash checkpoint_digest(const Checkpoint& c);

/// One validator. Exactly one of `address` (kEcdsa) and `bls_key` (kBls) is meaningful.
struct Validator {
    SignatureScheme scheme{SignatureScheme::kEcdsa};
    Address address{};                            ///< kEcdsa: keccak(pubkey)[12..32].
    std::optional<crypto::BlsPublicKey> bls_key;  ///< kBls: parsed and subgroup-checked.
    U256 stake{};                                 ///< May be zero.
};

/// What is wrong with a validator set.
enum class [[nodiscard]] ValidatorSetErrc{
    kEmpty = 1,           ///< No validators.
    kTooMany,             ///< More than kMaxValidators.
    kDuplicateValidator,  ///< One address or BLS key twice.
    kStakeOverflow,       ///< The stakes sum past 2^256 - 1.
    kMissingKey,          ///< A kBls validator without a key.
};

std::string_view to_string(ValidatorSetErrc e) noexcept;

/// A validator-set failure; `index` names the validator at fault when there is one.
struct ValidatorSetError {
    ValidatorSetErrc code{ValidatorSetErrc::kEmpty};
    std::optional<std::size_t> index;
};

/// "duplicate validator: validator 3" and the like.
std::string to_string(const ValidatorSetError& e);

/// A checked validator set of one chain, with its quorum rule. Immutable once built.
class ValidatorSet {
  public:
    /// Validators at most (a bound on work per verification and on memory for untrusted set files).
    static constexpr std::size_t kMaxValidators = 1u << 16;

    /// Checks and indexes `validators`. Errors as ValidatorSetErrc says. Throws only std::bad_alloc.
    static Expected<ValidatorSet, ValidatorSetError> create(uint64_t chain_id, QuorumRule rule,
                                                            std::vector<Validator> validators);

    uint64_t chain_id() const noexcept { return chain_id_; }
    QuorumRule rule() const noexcept { return rule_; }
    const std::vector<Validator>& validators() const noexcept { return validators_; }
    std::size_t size() const noexcept { return validators_.size(); }
    /// The sum of every stake (no overflow: create() checked it).
    const U256& total_stake() const noexcept { return total_stake_; }

    /// The index of the ECDSA validator with this address, or nullopt.
    std::optional<std::size_t> find_ecdsa(const Address& a) const noexcept;
    /// The index of the BLS validator with this compressed key, or nullopt.
    std::optional<std::size_t> find_bls(const FixedBytes<48>& key) const noexcept;

  private:
    ValidatorSet() = default;
    uint64_t chain_id_{0};
    QuorumRule rule_{QuorumRule::kGeneric};
    std::vector<Validator> validators_;
    U256 total_stake_{};
    std::map<Address, std::size_t> by_address_;
    std::map<FixedBytes<48>, std::size_t> by_bls_key_;
};

}  // namespace hypasis::checkpoint
