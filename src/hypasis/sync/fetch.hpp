#pragma once
/// Checks that both sync pipelines run on data fetched from peers before it is stored: header runs against a
/// trusted neighbour (hash linkage, consecutive numbers, and validate_header wherever the parent is known), bodies
/// against their headers' roots, receipts against receipts_root (core/validation does the rules; this file names
/// which block failed and why). Peer data never asserts: every failure is a FetchError.
///
/// All functions are noexcept, allocate nothing beyond their result, and are thread-safe (pure).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/validation/error.hpp"

namespace hypasis::sync {

/// What history the backward side keeps below the anchor (config `history_mode`).
enum class HistoryMode {
    kHeaders,  ///< Headers only.
    kBodies,   ///< Headers and bodies.
    kFull,     ///< Headers, bodies and receipts (the default).
};

/// "headers", "bodies" or "full".
std::string_view to_string(HistoryMode m) noexcept;
/// The mode named by `s` (exactly "headers", "bodies" or "full"), or nullopt.
std::optional<HistoryMode> history_mode_from_string(std::string_view s) noexcept;

/// Why fetched data was rejected. Every code is a property of what a peer sent.
enum class [[nodiscard]] FetchErrc {
    kNumberMismatch = 1,  ///< A header's number is not the one expected at its position.
    kUnlinked,            ///< A header's hash is not the parent hash named by the header above it (or vice versa).
    kInvalidHeader,       ///< validate_header rejected a header against its parent (header_error says which rule).
    kBodyMismatch,        ///< A body does not match its header's roots (body_error says which).
    kReceiptsMismatch,    ///< A receipt list does not match its header (body_error says which).
    kTooMany,             ///< More items than headers to match them against.
};

/// "number mismatch", "unlinked", "invalid header", "body mismatch", "receipts mismatch", "too many items".
std::string_view to_string(FetchErrc e) noexcept;

/// A rejected fetch: the code, the block at fault and, where a core rule failed, that rule.
struct FetchError {
    FetchErrc code{FetchErrc::kUnlinked};
    uint64_t block_num{0};
    std::optional<validation::HeaderError> header_error;
    std::optional<validation::BodyError> body_error;

    friend bool operator==(const FetchError&, const FetchError&) = default;
};

/// "invalid header at block 123: base fee mismatch" and the like.
std::string to_string(const FetchError& e);

/// Backward check. `descending` holds blocks [child.number - n, child.number), highest first, as a reverse
/// GetBlockHeaders returns them; `child` is the trusted header just above. Checked in order for each i:
/// the number is child.number - 1 - i (kNumberMismatch), the hash is the parent hash named by the header above
/// (kUnlinked), and validate_header(spec, descending[i], header above) passes (kInvalidHeader, header_error set).
/// The last header's own parent is not in the run, so it gets linkage only (its child validates it). An empty
/// run passes. block_num names the header at fault: the fetched one whose hash is not the one named above it, or
/// for kInvalidHeader the child whose rule failed (the fetched parent when the child is the trusted one).
Expected<void, FetchError> check_headers_descending(const chain::ChainSpec& spec,
                                                    std::span<const SealedHeader> descending,
                                                    const SealedHeader& child) noexcept;

/// Forward check. `ascending` holds blocks [parent.number + 1, parent.number + 1 + n), lowest first; `parent` is
/// trusted. For each i: number (kNumberMismatch), parent_hash equals the hash below (kUnlinked), and
/// validate_header against the header below (kInvalidHeader). An empty run passes.
Expected<void, FetchError> check_headers_ascending(const chain::ChainSpec& spec, const SealedHeader& parent,
                                                   std::span<const SealedHeader> ascending) noexcept;

/// bodies[i] must be the body of headers[i] (validate_body: transactions root, ommers hash, withdrawals, blob gas).
/// Fewer bodies than headers is fine (a short answer covers a prefix); more is kTooMany. Errors name the block.
Expected<void, FetchError> check_bodies(std::span<const SealedHeader> headers,
                                        std::span<const BlockBody> bodies) noexcept;

/// receipts[i] must be the receipts of headers[i] (validate_receipts: gas used, logs bloom, receipts root).
/// Fewer lists than headers is fine; more is kTooMany. Errors name the block.
Expected<void, FetchError> check_receipts(std::span<const SealedHeader> headers,
                                          std::span<const std::vector<Receipt>> receipts) noexcept;

}  // namespace hypasis::sync
