#include "hypasis/p2p/rlpx/capability.hpp"

#include <algorithm>
#include <map>

namespace hypasis::p2p::rlpx {

std::optional<uint64_t> known_message_count(const Capability& cap) noexcept {
    if (cap.name == "eth") {
        if (cap.version == 62) return 8;
        if (cap.version >= 63 && cap.version <= 68) return 17;
        if (cap.version == 69) return 18;
    }
    if (cap.name == "snap" && cap.version == 1) return 8;
    return std::nullopt;
}

std::vector<SharedCapability> negotiate(
    std::span<const Capability> local, std::span<const Capability> remote,
    const std::function<std::optional<uint64_t>(const Capability&)>& message_count) {
    // name -> (highest shared version, its id count); std::map keeps names sorted.
    std::map<std::string, std::pair<uint64_t, uint64_t>> best;
    for (const Capability& r : remote) {
        if (std::find(local.begin(), local.end(), r) == local.end()) continue;
        const auto count = message_count(r);
        if (!count) continue;
        auto it = best.find(r.name);
        if (it == best.end()) {
            best.emplace(r.name, std::make_pair(r.version, *count));
        } else if (r.version > it->second.first) {
            it->second = {r.version, *count};
        }
    }
    std::vector<SharedCapability> out;
    out.reserve(best.size());
    uint64_t offset = kBaseProtocolLength;
    for (const auto& [name, v] : best) {
        out.push_back(SharedCapability{Capability{name, v.first}, offset, v.second});
        offset += v.second;
    }
    return out;
}

}  // namespace hypasis::p2p::rlpx
