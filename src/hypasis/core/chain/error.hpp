#pragma once
/// Errors of the chain module: a bad genesis.json, or a chain that cannot be resolved.
#include <string>
#include <string_view>

namespace hypasis::chain {

/// What went wrong. Every code is a property of the input, never of Hypasis.
enum class [[nodiscard]] ChainErrc{
    kInvalidJson = 1,          ///< The text is not JSON (syntax, bad UTF-8, nesting deeper than 64).
    kMissingField,             ///< A field geth requires is absent or null (gasLimit, difficulty, alloc, balance, …).
    kWrongType,                ///< A field has the wrong JSON type (a string where geth wants a number, …).
    kInvalidValue,             ///< Malformed text: bad hex, odd digit count, wrong length of a hash or address, …
    kOutOfRange,               ///< A number does not fit its field (64 or 256 bits).
    kForkOrder,                ///< Forks enabled out of order, or a fork enabled while an earlier mandatory one is not.
    kMissingBlobSchedule,      ///< A blob fork is scheduled by timestamp without its blobSchedule entry.
    kUnknownChain,             ///< resolve_chain(): no built-in chain has that name.
    kNoChainSource,            ///< resolve_chain(): neither a chain name nor a genesis file was given.
    kConflictingChainSources,  ///< resolve_chain(): both a chain name and a genesis file were given.
};

/// A short, stable, human-readable name of the code ("missing field", …).
std::string_view to_string(ChainErrc e) noexcept;

/// An error and the place it concerns: a dotted JSON path such as "config.londonBlock",
/// "alloc.0x00000000000000000000000000000000000000aa.balance", or the chain name for resolve_chain(). Empty when
/// the error concerns the whole input.
struct [[nodiscard]] ChainError {
    ChainErrc code{ChainErrc::kInvalidJson};
    std::string field;

    friend bool operator==(const ChainError&, const ChainError&) = default;
};

/// "<code> at '<field>'" (or just the code when field is empty), for logs and CLI messages.
std::string to_string(const ChainError& e);

}  // namespace hypasis::chain
