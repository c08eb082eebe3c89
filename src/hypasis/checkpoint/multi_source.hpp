#pragma once
/// `multi:` — K of N sources must return the same verified checkpoint.
///
/// Every member is fetched in parallel (on the awaiting coroutine's executor) and each answer is verified against
/// the validator set on its own. Verified answers are grouped by their digest (the signed fields: two sources
/// that carry different signature sets for the same block agree). The group that reaches K wins. The outcome of
/// every member is reported: agreed, disagreed (a verified but different checkpoint: a malicious or lagging
/// source), unverified (a signature or quorum failure), or failed (down, slow, malformed).
///
/// Rejected alternative: Helios's fallback picks the most frequent answer with no threshold; here fewer than K
/// agreeing sources is an error (kNoQuorum), and two groups that both reach K (possible only when K ≤ N/2) are a
/// kConflict rather than a guess.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/checkpoint/source.hpp"
#include "hypasis/checkpoint/verify.hpp"

namespace hypasis::checkpoint {

/// What one member did.
struct SourceOutcome {
    enum class Status : uint8_t { kAgreed, kDisagreed, kUnverified, kFailed };
    std::string source;
    Status status{Status::kFailed};
    std::optional<Hash> digest;  ///< Set for kAgreed and kDisagreed.
    std::string detail;          ///< The error for kUnverified and kFailed; the block and hash for kDisagreed.
};

std::string_view to_string(SourceOutcome::Status s) noexcept;

/// The answer of a multi source, with every member's outcome (in the members' order).
struct MultiResult {
    std::optional<VerifiedCheckpoint> checkpoint;  ///< Set when K members agreed.
    std::vector<SourceOutcome> outcomes;
    std::size_t agreeing{0};
};

/// One line per member: "  agreed      file:/a" ... for error messages and the CLI.
std::string describe(const MultiResult& r);

class MultiSource final : public CheckpointSource {
  public:
    /// Preconditions (checked by make_source for user input; a violation aborts): 1 ≤ k ≤ sources.size(), every
    /// source non-null. `set` must outlive this object.
    MultiSource(std::string name, std::vector<std::unique_ptr<CheckpointSource>> sources, std::size_t k,
                const ValidatorSet& set);

    const std::string& name() const noexcept override { return name_; }
    /// The agreed checkpoint, or kNoQuorum / kConflict with describe() of the outcomes as the detail.
    Task<Expected<Checkpoint, SourceError>> fetch() override;
    /// Fetches and verifies every member, and reports all outcomes.
    Task<MultiResult> fetch_all();

  private:
    std::string name_;
    std::vector<std::unique_ptr<CheckpointSource>> sources_;
    std::size_t k_;
    const ValidatorSet& set_;
};

}  // namespace hypasis::checkpoint
