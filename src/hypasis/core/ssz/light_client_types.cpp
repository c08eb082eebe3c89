#include "hypasis/core/ssz/light_client_types.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace hypasis::ssz {
namespace {
constexpr std::array<std::string_view, 7> kForkNames{"phase0", "altair",  "bellatrix", "capella",
                                                     "deneb",  "electra", "fulu"};
}  // namespace

std::string_view to_string(Fork f) noexcept {
    const auto i = static_cast<std::size_t>(f);
    return i < kForkNames.size() ? kForkNames[i] : "unknown";
}

std::optional<Fork> fork_from_string(std::string_view s) noexcept {
    for (std::size_t i = 0; i < kForkNames.size(); ++i) {
        if (kForkNames[i] == s) return static_cast<Fork>(i);
    }
    return std::nullopt;
}

bool SyncCommittee::is_zero() const noexcept {
    const auto zero = [](const BlsPubkeyBytes& k) { return k == BlsPubkeyBytes{}; };
    return zero(aggregate_pubkey) && std::all_of(pubkeys.begin(), pubkeys.end(), zero);
}

std::size_t SyncAggregate::participants() const noexcept {
    std::size_t n = 0;
    for (uint8_t b : bits) n += static_cast<std::size_t>(std::popcount(b));
    return n;
}

LightClientHeader empty_header(Fork form) noexcept {
    LightClientHeader h;
    h.fork = form;
    return h;
}

SyncCommittee empty_sync_committee(std::size_t size) {
    SyncCommittee c;
    c.pubkeys.resize(size);
    return c;
}

LightClientUpdate to_update(const LightClientFinalityUpdate& u) {
    LightClientUpdate out;
    out.fork = u.fork;
    out.attested_header = u.attested_header;
    out.next_sync_committee = empty_sync_committee(u.sync_aggregate.size());
    out.next_sync_committee_branch.assign(sync_committee_branch_length(u.fork), Hash{});
    out.finalized_header = u.finalized_header;
    out.finality_branch = u.finality_branch;
    out.sync_aggregate = u.sync_aggregate;
    out.signature_slot = u.signature_slot;
    return out;
}

LightClientUpdate to_update(const LightClientOptimisticUpdate& u) {
    LightClientUpdate out;
    out.fork = u.fork;
    out.attested_header = u.attested_header;
    out.next_sync_committee = empty_sync_committee(u.sync_aggregate.size());
    out.next_sync_committee_branch.assign(sync_committee_branch_length(u.fork), Hash{});
    out.finalized_header = empty_header(u.fork);
    out.finality_branch.assign(finality_branch_length(u.fork), Hash{});
    out.sync_aggregate = u.sync_aggregate;
    out.signature_slot = u.signature_slot;
    return out;
}

}  // namespace hypasis::ssz
