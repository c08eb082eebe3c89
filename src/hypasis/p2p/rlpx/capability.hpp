#pragma once
/// devp2p capabilities and message-id allocation (RLPx spec, "Message ID-based Multiplexing"): message ids
/// 0x00-0x0f belong to the p2p base protocol; each shared capability then gets a consecutive block of ids starting
/// at 0x10, in the order of capability names, using the highest version both sides support for each name.
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hypasis::p2p::rlpx {

/// The number of message ids the p2p base protocol reserves (0x00..0x0f).
inline constexpr uint64_t kBaseProtocolLength = 0x10;

/// One (name, version) pair as Hello carries it, e.g. ("eth", 68).
struct Capability {
    std::string name;
    uint64_t version{0};
    friend bool operator==(const Capability&, const Capability&) = default;
    friend auto operator<=>(const Capability&, const Capability&) = default;
};

/// A negotiated capability and its block of message ids: [offset, offset + length).
struct SharedCapability {
    Capability capability;
    uint64_t offset{0};
    uint64_t length{0};
    friend bool operator==(const SharedCapability&, const SharedCapability&) = default;
};

/// The number of message ids of the capabilities we know (caps/eth.md, caps/snap.md): eth/62 8; eth/63 to eth/68
/// 17 (0x00..0x10); eth/69 18 (BlockRangeUpdate is 0x11); snap/1 8. nullopt for anything else.
std::optional<uint64_t> known_message_count(const Capability& cap) noexcept;

/// Negotiates the shared capabilities: every (name, version) present on both sides, keeping only the highest
/// shared version of each name, sorted by name, with ids allocated consecutively from kBaseProtocolLength.
/// `message_count` gives a local capability's id count; a capability it does not know (nullopt) is never shared.
/// An empty result means "useless peer". Thread-safe (pure).
std::vector<SharedCapability> negotiate(
    std::span<const Capability> local, std::span<const Capability> remote,
    const std::function<std::optional<uint64_t>(const Capability&)>& message_count = known_message_count);

}  // namespace hypasis::p2p::rlpx
