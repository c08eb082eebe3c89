#include "hypasis/core/validation/linkage.hpp"

namespace hypasis::validation {

namespace {

Expected<void, LinkageFailure> link_descending(std::span<const SealedHeader> descending, const Hash& top_parent_hash,
                                               const uint64_t* child_number) noexcept {
    const Hash* named = &top_parent_hash;  // the hash the block above names as its parent
    for (std::size_t i = 0; i < descending.size(); ++i) {
        const SealedHeader& h = descending[i];
        // Yellow Paper §4.3.4: H_p = KEC(RLP(P(H))), and H_i = P(H)_Hi + 1.
        if (h.hash != *named) return unexpected(LinkageFailure{i, HeaderError::kParentHashMismatch});
        const uint64_t* above = i == 0 ? child_number : &descending[i - 1].header.number;
        if (above != nullptr && (*above == 0 || h.header.number != *above - 1)) {
            return unexpected(LinkageFailure{i, HeaderError::kNumberMismatch});
        }
        named = &h.header.parent_hash;
    }
    return {};
}

}  // namespace

Expected<void, LinkageFailure> validate_linkage(std::span<const SealedHeader> descending,
                                                const TrustedChild& child) noexcept {
    return link_descending(descending, child.parent_hash, &child.number);
}

Expected<void, LinkageFailure> validate_linkage(std::span<const SealedHeader> descending,
                                                const Hash& trusted_child_parent_hash) noexcept {
    return link_descending(descending, trusted_child_parent_hash, nullptr);
}

Expected<void, LinkageFailure> validate_linkage_ascending(const SealedHeader& parent,
                                                          std::span<const SealedHeader> ascending) noexcept {
    const SealedHeader* below = &parent;
    for (std::size_t i = 0; i < ascending.size(); ++i) {
        const SealedHeader& h = ascending[i];
        if (h.header.parent_hash != below->hash) {
            return unexpected(LinkageFailure{i, HeaderError::kParentHashMismatch});
        }
        if (below->header.number == ~uint64_t{0} || h.header.number != below->header.number + 1) {
            return unexpected(LinkageFailure{i, HeaderError::kNumberMismatch});
        }
        below = &h;
    }
    return {};
}

}  // namespace hypasis::validation
