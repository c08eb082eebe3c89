#include "hypasis/node/devp2p/store_ban_store.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::node {

namespace {

ByteView prefix_bytes() noexcept {
    return {reinterpret_cast<const uint8_t*>(kBanRecordPrefix.data()), kBanRecordPrefix.size()};
}

}  // namespace

Bytes ban_record_key(const crypto::PublicKey& peer_id) {
    Bytes key;
    key.reserve(kBanRecordPrefix.size() + peer_id.size());
    for (const char c : kBanRecordPrefix) key.push_back(static_cast<uint8_t>(c));
    key.insert(key.end(), peer_id.begin(), peer_id.end());
    return key;
}

StoreBanStore::StoreBanStore(storage::BlockStore& store, std::function<void(const std::string&)> log)
    : store_(store), log_(std::move(log)) {
    if (!log_) log_ = [](const std::string& line) { std::fprintf(stderr, "hypasis: %s\n", line.c_str()); };
}

std::vector<p2p::peers::Ban> StoreBanStore::load() {
    std::vector<p2p::peers::Ban> bans;
    auto rows = store_.scan_records(prefix_bytes(), kMaxBans + 1);
    if (!rows) {
        log_("cannot read the peer bans: " + storage::to_string(rows.error()));
        return bans;
    }
    if (rows->size() > kMaxBans) {
        log_("more than " + std::to_string(kMaxBans) + " peer bans are stored; only the first are loaded");
        rows->resize(kMaxBans);
    }
    bans.reserve(rows->size());
    for (const auto& [key, value] : *rows) {
        auto ban = p2p::peers::decode_ban(value);
        std::string problem;
        if (!ban) {
            problem = std::string(rlp::to_string(ban.error()));
        } else if (key != ban_record_key(ban->peer_id)) {
            problem = "its key does not match the peer id inside";
        }
        if (problem.empty()) {
            bans.push_back(std::move(*ban));
            continue;
        }
        log_("dropping a damaged peer ban record (key " + to_hex(key) + "): " + problem);
        if (auto erased = store_.delete_record(key); !erased) {
            log_("cannot delete the damaged ban record: " + storage::to_string(erased.error()));
        }
    }
    return bans;
}

void StoreBanStore::save(const p2p::peers::Ban& ban) {
    const Bytes value = p2p::peers::encode_ban(ban);
    if (auto r = store_.put_record(ban_record_key(ban.peer_id), value, storage::Durability::kSync); !r) {
        log_("cannot persist the ban of peer " + to_hex(ban.peer_id, false).substr(0, 16) + ": " +
             storage::to_string(r.error()));
    }
}

void StoreBanStore::erase(const crypto::PublicKey& peer_id) {
    if (auto r = store_.delete_record(ban_record_key(peer_id), storage::Durability::kSync); !r) {
        log_("cannot delete the ban of peer " + to_hex(peer_id, false).substr(0, 16) + ": " + storage::to_string(r.error()));
    }
}

}  // namespace hypasis::node
