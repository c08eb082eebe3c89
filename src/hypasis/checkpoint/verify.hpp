#pragma once
/// Stake-weighted verification of a checkpoint against a validator set (DESIGN §6, docs/checkpoints.md).
///
/// Checks, in this order (the first failure is returned, so cheap checks shield the expensive ones and a
/// checkpoint that could never reach quorum costs no signature work):
/// 1. the checkpoint's chain id is the set's (kWrongChain);
/// 2. there is at least one signature (kNoSignatures);
/// 3. every signature names a validator of the set with the matching scheme (kUnknownSigner, kSchemeMismatch), the
///    aggregate's bitfield is well formed (kBadBitfield), and no validator signs twice in any combination of the
///    three forms (kDuplicateSigner);
/// 4. the quorum rule of the set holds for the named signers (kInsufficientStake, kInsufficientSigners), exactly:
///    U256 sums that cannot overflow (the set's total fits, and every partial sum is below it);
/// 5. every signature verifies over checkpoint_digest(): ECDSA with low s required (kHighS) and the recovered
///    address equal to the named signer (kBadSignature); BLS per-validator signatures (batch-verified, then
///    singled out on failure), and the aggregate with FastAggregateVerify over the cached keys of the set bits.
///    Encodings that cannot be a signature at all are kMalformedSignature.
///
/// Rogue keys: an aggregate can only name keys of the set (by bitfield), and the set's BLS keys are assumed to have
/// proven possession when they were admitted (the POP ciphersuite's premise, as in Ethereum's deposit flow).
///
/// Thread-safety: verify() is a pure function of its arguments.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/core/common/u256.hpp"

namespace hypasis::checkpoint {

/// Why a checkpoint was refused. Each reason is its own code.
enum class [[nodiscard]] VerifyErrc{
    kWrongChain = 1,       ///< The checkpoint's chain id is not the validator set's.
    kNoSignatures,         ///< The checkpoint carries no signature at all.
    kUnknownSigner,        ///< A signature names a signer that is not in the set.
    kSchemeMismatch,       ///< An aggregate bit names an ECDSA validator.
    kDuplicateSigner,      ///< A validator signs more than once (in one form or across forms).
    kBadBitfield,          ///< The aggregate's bitfield has the wrong length, stray high bits, or no bit set.
    kInsufficientStake,    ///< Stake rules (generic, polygon): the signers' stake is below the quorum.
    kInsufficientSigners,  ///< Count rules (eth-sync-committee, bsc): too few signers.
    kMalformedSignature,   ///< Bytes that cannot be a signature (r or s out of range, bad v, bad BLS point).
    kHighS,                ///< An ECDSA signature with s > n/2 (malleated; EIP-2's low-s form is required).
    kBadSignature,         ///< A well-formed signature that does not verify over the digest for its signer.
};

/// A short, stable name ("insufficient stake", "duplicate signer", ...).
std::string_view to_string(VerifyErrc e) noexcept;
/// The stable machine name used in JSON output ("insufficient-stake", ...).
std::string_view code_name(VerifyErrc e) noexcept;

/// A refusal, with what it concerns.
struct VerifyError {
    VerifyErrc code{VerifyErrc::kBadSignature};
    /// Which signature: "ecdsa[3]", "bls[0]", "aggregate" or "aggregate bit 7"; empty when none is concerned.
    std::string signature;
    /// The signer concerned, as hex (an address or a BLS key); empty when none.
    std::string signer;
    /// For kInsufficientStake: stakes; for kInsufficientSigners: counts. `required` is the least passing figure.
    U256 signed_amount{};
    U256 total{};
    U256 required{};
    /// For people: the rest of the sentence ("signed 200 of 300, needs at least 201 (signed × 3 > total × 2)").
    std::string detail;
};

/// One line for people: "insufficient stake: signed 200 of 300, needs at least 201 (...)",
/// "duplicate signer: ecdsa[2] 0xab..", ... Throws only std::bad_alloc.
std::string to_string(const VerifyError& e);

/// A checkpoint that passed verify(), with its validation record.
struct VerifiedCheckpoint {
    Checkpoint checkpoint;
    Hash digest{};
    QuorumRule rule{QuorumRule::kGeneric};
    U256 signed_stake{};
    U256 total_stake{};
    std::size_t signers{0};
    std::size_t validators{0};
};

/// Verifies `c` against `set` as the header comment says. Throws only std::bad_alloc.
Expected<VerifiedCheckpoint, VerifyError> verify(const Checkpoint& c, const ValidatorSet& set);

/// The quorum test of `rule` alone: stake rules look at the stakes, count rules at the counts. Exposed for tests
/// and for callers that plan a signature collection. noexcept, exact for every U256 input.
bool quorum_reached(QuorumRule rule, const U256& signed_stake, const U256& total_stake, uint64_t signers,
                    uint64_t validators) noexcept;

/// The least passing figure of `rule`: a stake for stake rules (from `total`), a count for count rules (from the
/// validator count passed as `total`). noexcept.
U256 quorum_threshold(QuorumRule rule, const U256& total) noexcept;

}  // namespace hypasis::checkpoint
