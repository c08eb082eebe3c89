#include "hypasis/p2p/discv4/table.hpp"

#include <algorithm>
#include <bit>

#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::p2p::discv4 {

int log_distance(const Hash& a, const Hash& b) noexcept {
    for (std::size_t i = 0; i < a.size(); ++i) {
        const uint8_t x = a[i] ^ b[i];
        if (x != 0) return static_cast<int>((a.size() - i) * 8) - std::countl_zero(x);
    }
    return 0;
}

NodeTable::NodeTable(const NodeId& self, std::size_t max_bonds)
    : self_(self), self_hash_(crypto::keccak256(self)), max_bonds_(std::max<std::size_t>(1, max_bonds)) {}

NodeTable::Bucket* NodeTable::bucket_for(const Hash& h) noexcept {
    const int d = log_distance(self_hash_, h);
    if (d == 0) return nullptr;
    return &buckets_[static_cast<std::size_t>(d - 1)];
}

NodeTable::AddResult NodeTable::add(const Node& node) {
    const Hash h = crypto::keccak256(node.id);
    Bucket* b = bucket_for(h);
    if (b == nullptr) return AddResult::kSelf;
    const auto same = [&](const Entry& e) { return e.node.id == node.id; };
    if (auto it = std::find_if(b->entries.begin(), b->entries.end(), same); it != b->entries.end()) {
        b->entries.erase(it);
        b->entries.push_front(Entry{node, h});
        return AddResult::kUpdated;
    }
    if (b->entries.size() < kBucketSize) {
        b->entries.push_front(Entry{node, h});
        return AddResult::kAdded;
    }
    if (auto it = std::find_if(b->replacements.begin(), b->replacements.end(), same); it != b->replacements.end()) {
        b->replacements.erase(it);
    }
    b->replacements.push_front(Entry{node, h});
    if (b->replacements.size() > kReplacementSize) b->replacements.pop_back();
    return AddResult::kReplacement;
}

bool NodeTable::remove(const NodeId& id) {
    Bucket* b = bucket_for(crypto::keccak256(id));
    if (b == nullptr) return false;
    const auto same = [&](const Entry& e) { return e.node.id == id; };
    auto it = std::find_if(b->entries.begin(), b->entries.end(), same);
    if (it == b->entries.end()) {
        std::erase_if(b->replacements, same);
        return false;
    }
    b->entries.erase(it);
    if (!b->replacements.empty()) {
        b->entries.push_back(b->replacements.front());
        b->replacements.pop_front();
    }
    return true;
}

std::optional<Node> NodeTable::find(const NodeId& id) const {
    const Hash h = crypto::keccak256(id);
    const int d = log_distance(self_hash_, h);
    if (d == 0) return std::nullopt;
    for (const Entry& e : buckets_[static_cast<std::size_t>(d - 1)].entries) {
        if (e.node.id == id) return e.node;
    }
    return std::nullopt;
}

std::vector<Node> NodeTable::closest(const NodeId& target, std::size_t n) const {
    const Hash t = crypto::keccak256(target);
    std::vector<std::pair<Hash, const Node*>> all;
    all.reserve(size());
    for (const Bucket& b : buckets_) {
        for (const Entry& e : b.entries) {
            Hash d;
            for (std::size_t i = 0; i < d.size(); ++i) d[i] = e.hash[i] ^ t[i];
            all.emplace_back(d, &e.node);
        }
    }
    const std::size_t k = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Node> out;
    out.reserve(k);
    for (std::size_t i = 0; i < k; ++i) out.push_back(*all[i].second);
    return out;
}

std::size_t NodeTable::size() const noexcept {
    std::size_t n = 0;
    for (const Bucket& b : buckets_) n += b.entries.size();
    return n;
}

std::size_t NodeTable::bucket_size(int d) const noexcept {
    if (d < 1 || d > static_cast<int>(kBucketCount)) return 0;
    return buckets_[static_cast<std::size_t>(d - 1)].entries.size();
}

NodeTable::Bond& NodeTable::bond_for(const NodeId& id, const IpAddress& ip) {
    auto it = bonds_.find(id);
    if (it == bonds_.end()) {
        if (bonds_.size() >= max_bonds_) {
            // Forget the stalest bond; O(n) but only on insertion into a full map, and inbound packets are
            // rate-limited before they get here.
            auto stalest = bonds_.begin();
            auto last_seen = [](const Bond& b) {
                return std::max(b.last_pong.value_or(Clock::time_point{}), b.last_ping.value_or(Clock::time_point{}));
            };
            for (auto j = bonds_.begin(); j != bonds_.end(); ++j) {
                if (last_seen(j->second) < last_seen(stalest->second)) stalest = j;
            }
            bonds_.erase(stalest);
        }
        it = bonds_.emplace(id, Bond{ip, std::nullopt, std::nullopt}).first;
    }
    if (it->second.ip != ip) it->second = Bond{ip, std::nullopt, std::nullopt};  // a new address needs a new proof
    return it->second;
}

void NodeTable::record_pong(const NodeId& id, const IpAddress& ip, Clock::time_point now) {
    bond_for(id, ip).last_pong = now;
}

void NodeTable::record_ping(const NodeId& id, const IpAddress& ip, Clock::time_point now) {
    bond_for(id, ip).last_ping = now;
}

bool NodeTable::is_bonded(const NodeId& id, const IpAddress& ip, Clock::time_point now) const {
    auto it = bonds_.find(id);
    if (it == bonds_.end() || it->second.ip != ip || !it->second.last_pong) return false;
    return now - *it->second.last_pong <= kBondExpiration;
}

bool NodeTable::pinged_us(const NodeId& id, const IpAddress& ip, Clock::time_point now) const {
    auto it = bonds_.find(id);
    if (it == bonds_.end() || it->second.ip != ip || !it->second.last_ping) return false;
    return now - *it->second.last_ping <= kBondExpiration;
}

}  // namespace hypasis::p2p::discv4
