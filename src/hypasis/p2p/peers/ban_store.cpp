#include "hypasis/p2p/peers/ban_store.hpp"

#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::p2p::peers {

namespace {
constexpr std::size_t kMaxReasonSize = 1024;
}

Bytes encode_ban(const Ban& ban) {
    Bytes payload;
    rlp::encode_fixed(payload, ban.peer_id);
    rlp::encode_string(payload, ban.ip ? ban.ip->bytes() : ByteView{});
    uint64_t until_ms = 0;
    if (ban.until) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ban.until->time_since_epoch()).count();
        until_ms = ms > 0 ? static_cast<uint64_t>(ms) : 1;  // 0 means permanent: an expiry before 1970 is ~expired
    }
    rlp::encode_u64(payload, until_ms);
    rlp::encode_string(payload, as_bytes(ban.reason));
    return rlp::wrap_list(payload);
}

Expected<Ban, rlp::DecodingError> decode_ban(ByteView stored) noexcept {
    using rlp::DecodingError;
    ByteView in = stored;
    auto list = rlp::decode_list(in);
    if (!list) return unexpected(list.error());
    if (auto end = rlp::expect_end(in); !end) return unexpected(end.error());
    ByteView p = *list;
    Ban ban;
    auto id = rlp::decode_fixed<64>(p);
    if (!id) return unexpected(id.error());
    ban.peer_id = *id;
    auto ip = rlp::decode_string(p);
    if (!ip) return unexpected(ip.error());
    if (!ip->empty()) {
        auto parsed = discv4::IpAddress::from_bytes(*ip);
        if (!parsed) return unexpected(DecodingError::kUnexpectedLength);
        ban.ip = *parsed;
    }
    auto until = rlp::decode_u64(p);
    if (!until) return unexpected(until.error());
    if (*until != 0) {
        if (*until > static_cast<uint64_t>(INT64_MAX / 1000)) return unexpected(DecodingError::kOverflow);
        ban.until = WallClock::time_point(
            std::chrono::duration_cast<WallClock::duration>(std::chrono::milliseconds(static_cast<int64_t>(*until))));
    }
    auto reason = rlp::decode_string(p);
    if (!reason) return unexpected(reason.error());
    if (reason->size() > kMaxReasonSize) return unexpected(DecodingError::kTooLarge);
    try {
        ban.reason.assign(reinterpret_cast<const char*>(reason->data()), reason->size());
    } catch (...) {
        return unexpected(DecodingError::kTooLarge);
    }
    if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    return ban;
}

std::vector<Ban> MemoryBanStore::load() {
    std::lock_guard lock(mutex_);
    std::vector<Ban> out;
    for (const auto& [id, row] : rows_) {
        if (auto b = decode_ban(row)) out.push_back(std::move(*b));
    }
    return out;
}

void MemoryBanStore::save(const Ban& ban) {
    Bytes row = encode_ban(ban);
    std::lock_guard lock(mutex_);
    rows_[ban.peer_id] = std::move(row);
    ++saves_;
}

void MemoryBanStore::erase(const crypto::PublicKey& peer_id) {
    std::lock_guard lock(mutex_);
    rows_.erase(peer_id);
}

std::size_t MemoryBanStore::size() const {
    std::lock_guard lock(mutex_);
    return rows_.size();
}

std::optional<Ban> MemoryBanStore::find(const crypto::PublicKey& peer_id) const {
    std::lock_guard lock(mutex_);
    auto it = rows_.find(peer_id);
    if (it == rows_.end()) return std::nullopt;
    auto b = decode_ban(it->second);
    if (!b) return std::nullopt;
    return *b;
}

std::size_t MemoryBanStore::save_count() const {
    std::lock_guard lock(mutex_);
    return saves_;
}

}  // namespace hypasis::p2p::peers
