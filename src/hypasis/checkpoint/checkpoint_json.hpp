#pragma once
/// The JSON forms of a checkpoint and of a validator set (docs/checkpoints.md has both, with examples).
///
/// Parsing is strict, because the input comes from files and URLs: unknown members, wrong lengths, non-canonical
/// numbers and bad hex are each a JsonError that names the member ("validators[3].publicKey"). Integers are JSON
/// numbers or strings (decimal or 0x-hex, for readers whose numbers stop at 2^53); stakes are U256 and usually
/// strings. Hex is 0x-prefixed, either case. Writing produces the canonical form: numbers for the u64 fields,
/// decimal strings for stakes, lower-case hex.
///
/// All functions are pure and thread-safe. They throw only std::bad_alloc.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "hypasis/checkpoint/checkpoint.hpp"
#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/common/expected.hpp"

namespace hypasis::checkpoint {

/// Input larger than this is refused before parsing (kTooLarge): 65,536 ECDSA signatures fit in about 13 MB.
inline constexpr std::size_t kMaxJsonBytes = std::size_t{16} << 20;

enum class [[nodiscard]] JsonErrc{
    kSyntax = 1,    ///< Not JSON.
    kTooLarge,      ///< More than kMaxJsonBytes, or more entries than kMaxValidators.
    kNotAnObject,   ///< The top level or an entry is not an object.
    kMissingField,  ///< A required member is absent.
    kUnknownField,  ///< A member this format does not have (typos must not pass silently).
    kBadField,      ///< A member of the wrong type, length or range, or bad hex.
    kInvalidSet,    ///< The validators parse, but ValidatorSet::create refuses them (detail says why).
};

std::string_view to_string(JsonErrc e) noexcept;

struct JsonError {
    JsonErrc code{JsonErrc::kSyntax};
    std::string field;   ///< The member's path, e.g. "signatures.ecdsa[2].signature"; empty for the whole text.
    std::string detail;  ///< What was wrong with it.
};

/// "bad field: signatures.ecdsa[2].signature: expected 65 bytes of hex".
std::string to_string(const JsonError& e);

/// Parses a checkpoint from JSON text.
Expected<Checkpoint, JsonError> parse_checkpoint(std::string_view text);
/// Parses a checkpoint from an already-parsed JSON value.
Expected<Checkpoint, JsonError> checkpoint_from_json(const boost::json::value& v);
/// The canonical JSON of a checkpoint (empty signature forms are left out).
boost::json::object checkpoint_to_json(const Checkpoint& c);

/// A verified checkpoint for reports (the CLI's --json, the REST API): chainId, blockNum, blockHash, stateRoot,
/// timestamp, digest, rule, signedStake and totalStake (decimal strings), signers, validators. Not parsed back.
boost::json::object verified_checkpoint_json(const VerifiedCheckpoint& v);

/// Parses a validator set from JSON text and builds it (BLS keys are decompressed and checked here).
Expected<ValidatorSet, JsonError> parse_validator_set(std::string_view text);
Expected<ValidatorSet, JsonError> validator_set_from_json(const boost::json::value& v);
/// The canonical JSON of a validator set.
boost::json::object validator_set_to_json(const ValidatorSet& set);

}  // namespace hypasis::checkpoint
