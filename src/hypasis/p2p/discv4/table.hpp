#pragma once
/// The Kademlia node table of discv4 (devp2p discv4.md, "Kademlia Table") and the bonding state that guards
/// FINDNODE against amplification. Pure: time is passed in; nothing here does I/O.
///
/// - 256 buckets indexed by the log-distance of keccak256(node id) to keccak256(our id); 16 entries each, most
///   recently seen first, plus a replacement cache of 10 per bucket. A new node for a full bucket goes to the
///   replacement cache; removing a node promotes the most recent replacement.
/// - A node is *bonded* when it answered our PING with a valid PONG, from the same IP, within the last 12 hours
///   (discv4.md, "Endpoint proof"). Only bonded nodes get NEIGHBOURS and ENRResponse answers. Bonds are kept
///   for at most `max_bonds` nodes; the stalest is forgotten first.
#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/p2p/common/task.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"

namespace hypasis::p2p::discv4 {

inline constexpr std::size_t kBucketSize = 16;
inline constexpr std::size_t kReplacementSize = 10;
inline constexpr std::size_t kBucketCount = 256;
/// discv4.md: an endpoint proof is valid for 12 hours.
inline constexpr std::chrono::hours kBondExpiration{12};

/// The log-distance of two hashes: 0 when equal, else the bit length of their XOR, in [1, 256].
int log_distance(const Hash& a, const Hash& b) noexcept;

/// Not thread-safe: use it from one executor.
class NodeTable {
  public:
    enum class AddResult { kAdded, kUpdated, kReplacement, kSelf };

    explicit NodeTable(const NodeId& self, std::size_t max_bonds = 4096);

    /// Inserts `node`, or moves it to the front of its bucket (refreshing its endpoint) when it is already there.
    /// A full bucket puts it in the replacement cache instead (bounded: the oldest replacement is dropped).
    AddResult add(const Node& node);
    /// Removes a node and promotes the most recent replacement of its bucket; false when it was not in a bucket.
    bool remove(const NodeId& id);
    /// The entry for `id`, if in a bucket.
    [[nodiscard]] std::optional<Node> find(const NodeId& id) const;
    /// Up to `n` nodes from the buckets, closest to keccak256(target) first (XOR distance).
    [[nodiscard]] std::vector<Node> closest(const NodeId& target, std::size_t n) const;
    /// The number of nodes in buckets (replacements not counted).
    [[nodiscard]] std::size_t size() const noexcept;
    /// The number of entries of the bucket at log-distance `d` (1..256), for tests and metrics.
    [[nodiscard]] std::size_t bucket_size(int d) const noexcept;

    /// Records a valid PONG from `id` at `ip` (the endpoint proof that makes it bonded).
    void record_pong(const NodeId& id, const IpAddress& ip, Clock::time_point now);
    /// Records a valid PING from `id` at `ip` (it considers us bonded once we answered it).
    void record_ping(const NodeId& id, const IpAddress& ip, Clock::time_point now);
    /// True when `id` sent a PONG from `ip` within the last 12 hours.
    [[nodiscard]] bool is_bonded(const NodeId& id, const IpAddress& ip, Clock::time_point now) const;
    /// True when `id` sent us a PING from `ip` within the last 12 hours (so it will answer our FINDNODE).
    [[nodiscard]] bool pinged_us(const NodeId& id, const IpAddress& ip, Clock::time_point now) const;
    /// The number of nodes with bonding state (at most max_bonds).
    [[nodiscard]] std::size_t bond_count() const noexcept { return bonds_.size(); }

    [[nodiscard]] const NodeId& self() const noexcept { return self_; }

  private:
    struct Entry {
        Node node;
        Hash hash{};  ///< keccak256(node.id)
    };
    struct Bucket {
        std::deque<Entry> entries;       ///< most recently seen first
        std::deque<Entry> replacements;  ///< most recent first
    };
    struct Bond {
        IpAddress ip;
        std::optional<Clock::time_point> last_pong;
        std::optional<Clock::time_point> last_ping;
    };
    Bucket* bucket_for(const Hash& h) noexcept;
    Bond& bond_for(const NodeId& id, const IpAddress& ip);

    NodeId self_;
    Hash self_hash_;
    std::size_t max_bonds_;
    std::array<Bucket, kBucketCount> buckets_;
    std::map<NodeId, Bond> bonds_;
};

}  // namespace hypasis::p2p::discv4
