#pragma once
/// Light validation: hash linkage of a run of headers to a trusted neighbour, without any fork rule. This is what
/// the backward pipeline runs on a batch before accepting it (DESIGN.md §3 and §7: "a batch is accepted only once
/// its top links to an already-trusted child"). Security rests on keccak256: a header whose hash is named by a
/// trusted child is itself trusted, and so on down the batch.
///
/// Each SealedHeader's `hash` is taken as keccak256 of its `rlp`, the invariant every decoder keeps; it is not
/// recomputed here (a header edited after decoding must be resealed first, see header.hpp).
///
/// All functions are noexcept, allocate nothing and are thread-safe.
#include <cstddef>
#include <cstdint>
#include <span>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/validation/error.hpp"

namespace hypasis::validation {

/// Where a run of headers fails to link: the index into the span and the rule (kParentHashMismatch or
/// kNumberMismatch).
struct LinkageFailure {
    std::size_t index{0};
    HeaderError error{HeaderError::kParentHashMismatch};

    friend bool operator==(const LinkageFailure&, const LinkageFailure&) = default;
};

/// The trusted block just above a batch fetched backward: its number and the parent hash it names.
struct TrustedChild {
    uint64_t number{0};
    Hash parent_hash{};
};

/// Backward linkage. `descending` holds the blocks [child.number - n, child.number) from the highest down:
/// descending[0] is the trusted child's parent, descending[i + 1] the parent of descending[i].
/// Checked for each i in order: descending[i].hash equals the parent hash named above it (child.parent_hash for
/// i = 0, descending[i - 1].header.parent_hash otherwise), else kParentHashMismatch at i; and its number is one
/// below the one above it, else kNumberMismatch at i. An empty span links trivially.
Expected<void, LinkageFailure> validate_linkage(std::span<const SealedHeader> descending,
                                                const TrustedChild& child) noexcept;

/// Backward linkage when only the child's parent hash is known: as above, without the number check for index 0
/// (numbers must still be consecutive inside the run).
Expected<void, LinkageFailure> validate_linkage(std::span<const SealedHeader> descending,
                                                const Hash& trusted_child_parent_hash) noexcept;

/// Forward linkage. `ascending` holds the blocks [parent.number + 1, parent.number + 1 + n) from the lowest up:
/// ascending[0] is the child of the trusted `parent`. Checked for each i in order: ascending[i].header.parent_hash
/// equals the hash below it (parent.hash for i = 0), else kParentHashMismatch at i; and its number is one above
/// the one below, else kNumberMismatch at i. An empty span links trivially.
Expected<void, LinkageFailure> validate_linkage_ascending(const SealedHeader& parent,
                                                          std::span<const SealedHeader> ascending) noexcept;

}  // namespace hypasis::validation
