#include "hypasis/checkpoint/registry.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::checkpoint {
namespace {

namespace bj = boost::json;

constexpr std::string_view kEntryPrefix = "ckpt/c/";    // + be64 chain + be64 block_num + hash + be16 part
constexpr std::string_view kRevokedPrefix = "ckpt/r/";  // + be64 chain -> (be64 block_num + hash)*
constexpr std::size_t kPartBytes = 60 * 1024;           // under the store's 64 KiB value limit
constexpr std::size_t kIdBytes = 8 + 8 + 32;

Bytes key_of(std::string_view prefix, ByteView id, std::optional<uint16_t> part) {
    Bytes k(prefix.begin(), prefix.end());
    k.insert(k.end(), id.begin(), id.end());
    if (part) {
        k.push_back(static_cast<uint8_t>(*part >> 8));
        k.push_back(static_cast<uint8_t>(*part));
    }
    return k;
}

Bytes entry_id(uint64_t chain_id, uint64_t block_num, const Hash& hash) {
    Bytes id;
    const auto c = be64(chain_id);
    const auto n = be64(block_num);
    id.insert(id.end(), c.begin(), c.end());
    id.insert(id.end(), n.begin(), n.end());
    id.insert(id.end(), hash.begin(), hash.end());
    return id;
}

uint64_t read_be64(const uint8_t* p) noexcept {
    uint64_t x = 0;
    for (int i = 0; i < 8; ++i) x = (x << 8) | p[i];
    return x;
}

Unexpected<RegistryError> fail(RegistryErrc code, std::string detail) {
    return unexpected(RegistryError{code, std::move(detail)});
}

Unexpected<RegistryError> store_fail(const storage::StoreError& e) {
    return fail(RegistryErrc::kStore, storage::to_string(e));
}

std::string encode_entry(const VerifiedCheckpoint& v, std::string_view source, uint64_t verified_at) {
    bj::object rec;
    rec["digest"] = to_hex(v.digest);
    rec["rule"] = std::string(to_string(v.rule));
    rec["signedStake"] = v.signed_stake.to_string();
    rec["totalStake"] = v.total_stake.to_string();
    rec["signers"] = v.signers;
    rec["validators"] = v.validators;
    rec["source"] = std::string(source);
    rec["verifiedAt"] = verified_at;
    bj::object o;
    o["checkpoint"] = checkpoint_to_json(v.checkpoint);
    o["record"] = std::move(rec);
    return bj::serialize(o);
}

std::optional<RegistryEntry> decode_entry(std::string_view text) {
    boost::system::error_code ec;
    const bj::value v = bj::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const bj::object& o = v.get_object();
    const bj::value* c = o.if_contains("checkpoint");
    const bj::value* r = o.if_contains("record");
    if (c == nullptr || r == nullptr || !r->is_object()) return std::nullopt;
    auto cp = checkpoint_from_json(*c);
    if (!cp) return std::nullopt;
    const bj::object& rec = r->get_object();
    RegistryEntry e;
    e.checkpoint.checkpoint = std::move(*cp);
    const auto str = [&](const char* k) -> std::string_view {
        const bj::value* x = rec.if_contains(k);
        return x != nullptr && x->is_string() ? std::string_view(x->get_string()) : std::string_view{};
    };
    const auto num = [&](const char* k) -> std::optional<uint64_t> {
        const bj::value* x = rec.if_contains(k);
        if (x == nullptr || !x->is_uint64()) {
            if (x != nullptr && x->is_int64() && x->get_int64() >= 0) return static_cast<uint64_t>(x->get_int64());
            return std::nullopt;
        }
        return x->get_uint64();
    };
    const auto digest = fixed_from_hex<32>(str("digest"));
    const auto rule = quorum_rule_from_string(str("rule"));
    const auto signed_stake = U256::from_string(str("signedStake"));
    const auto total_stake = U256::from_string(str("totalStake"));
    const auto signers = num("signers");
    const auto validators = num("validators");
    const auto verified_at = num("verifiedAt");
    if (!digest || !rule || !signed_stake || !total_stake || !signers || !validators || !verified_at) {
        return std::nullopt;
    }
    e.checkpoint.digest = *digest;
    e.checkpoint.rule = *rule;
    e.checkpoint.signed_stake = *signed_stake;
    e.checkpoint.total_stake = *total_stake;
    e.checkpoint.signers = *signers;
    e.checkpoint.validators = *validators;
    e.source = std::string(str("source"));
    e.verified_at = *verified_at;
    return e;
}

bool newer(const RegistryEntry& a, const RegistryEntry& b) {
    const Checkpoint& x = a.checkpoint.checkpoint;
    const Checkpoint& y = b.checkpoint.checkpoint;
    if (x.timestamp != y.timestamp) return x.timestamp > y.timestamp;
    if (x.block_num != y.block_num) return x.block_num > y.block_num;
    if (x.chain_id != y.chain_id) return x.chain_id < y.chain_id;
    return x.block_hash < y.block_hash;
}

}  // namespace

std::string_view to_string(RegistryErrc e) noexcept {
    switch (e) {
        case RegistryErrc::kStore:
            return "store error";
        case RegistryErrc::kCorrupt:
            return "corrupt registry record";
        case RegistryErrc::kStale:
            return "stale checkpoint";
        case RegistryErrc::kFromFuture:
            return "checkpoint from the future";
        case RegistryErrc::kRevoked:
            return "revoked checkpoint";
        case RegistryErrc::kNotFound:
            return "no such checkpoint";
        case RegistryErrc::kNotEarlier:
            return "not an earlier checkpoint";
        case RegistryErrc::kTooManyRevocations:
            return "too many revocations";
    }
    return "unknown";
}

std::string to_string(const RegistryError& e) {
    std::string s(to_string(e.code));
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

Expected<void, RegistryError> check_freshness(const Checkpoint& c, uint64_t now, const FreshnessPolicy& policy) {
    const auto max_age = static_cast<uint64_t>(policy.max_age.count());
    const auto max_future = static_cast<uint64_t>(policy.max_future.count());
    if (c.timestamp > now && c.timestamp - now > max_future) {
        return fail(RegistryErrc::kFromFuture, "timestamp " + std::to_string(c.timestamp) + " is " +
                                                   std::to_string(c.timestamp - now) + " s ahead of now, at most " +
                                                   std::to_string(max_future) + " s allowed");
    }
    if (c.timestamp < now && now - c.timestamp > max_age && !policy.allow_stale) {
        return fail(RegistryErrc::kStale, "the checkpoint is " + std::to_string(now - c.timestamp) +
                                              " s old, at most " + std::to_string(max_age) +
                                              " s allowed (allow stale checkpoints explicitly to accept it)");
    }
    return {};
}

Expected<std::vector<std::pair<uint64_t, Hash>>, RegistryError> CheckpointRegistry::revoked(uint64_t chain_id) const {
    const auto c = be64(chain_id);
    auto rec = store_.get_record(key_of(kRevokedPrefix, c, std::nullopt));
    if (!rec) return store_fail(rec.error());
    std::vector<std::pair<uint64_t, Hash>> out;
    if (!*rec) return out;
    const Bytes& b = **rec;
    if (b.size() % 40 != 0)
        return fail(RegistryErrc::kCorrupt, "revocation record of chain " + std::to_string(chain_id));
    for (std::size_t i = 0; i < b.size(); i += 40) {
        out.emplace_back(read_be64(&b[i]), to_fixed<32>(ByteView(b).subspan(i + 8, 32)));
    }
    return out;
}

Expected<void, RegistryError> CheckpointRegistry::add(const VerifiedCheckpoint& v, std::string_view source,
                                                      uint64_t now, const FreshnessPolicy& policy) {
    const Checkpoint& c = v.checkpoint;
    if (auto fresh = check_freshness(c, now, policy); !fresh) return fresh;
    auto rev = revoked(c.chain_id);
    if (!rev) return unexpected(rev.error());
    if (std::find(rev->begin(), rev->end(), std::pair{c.block_num, c.block_hash}) != rev->end()) {
        return fail(RegistryErrc::kRevoked, "chain " + std::to_string(c.chain_id) + " block " +
                                                std::to_string(c.block_num) + " " + to_hex(c.block_hash) +
                                                " was revoked by a rollback");
    }
    const std::string text = encode_entry(v, source, now);
    const Bytes id = entry_id(c.chain_id, c.block_num, c.block_hash);
    const std::size_t parts = std::max<std::size_t>(1, (text.size() + kPartBytes - 1) / kPartBytes);
    if (parts > 0xffff) return fail(RegistryErrc::kStore, "record too large");
    // Parts 1.. first, then part 0 with the count: an interrupted add leaves no complete-looking record.
    for (std::size_t p = parts; p-- > 0;) {
        Bytes value;
        if (p == 0) {
            value.push_back(static_cast<uint8_t>(parts >> 8));
            value.push_back(static_cast<uint8_t>(parts));
        }
        const std::size_t first = p * kPartBytes;
        const std::size_t len = std::min(kPartBytes, text.size() - std::min(first, text.size()));
        value.insert(value.end(), text.begin() + static_cast<std::ptrdiff_t>(first),
                     text.begin() + static_cast<std::ptrdiff_t>(first + len));
        auto put = store_.put_record(key_of(kEntryPrefix, id, static_cast<uint16_t>(p)), value);
        if (!put) return store_fail(put.error());
    }
    return {};
}

Expected<std::vector<RegistryEntry>, RegistryError> CheckpointRegistry::list() const {
    auto rows = store_.scan_records(as_bytes(kEntryPrefix), std::size_t{1} << 20);
    if (!rows) return store_fail(rows.error());
    std::vector<RegistryEntry> out;
    const std::size_t id_at = kEntryPrefix.size();
    for (std::size_t i = 0; i < rows->size();) {
        const Bytes& key = (*rows)[i].first;
        if (key.size() != id_at + kIdBytes + 2) return fail(RegistryErrc::kCorrupt, "bad key " + to_hex(key));
        const ByteView id(key.data() + id_at, kIdBytes);
        // The run of parts of this id.
        std::size_t j = i;
        std::string text;
        bool complete = true;
        std::size_t declared = 0;
        for (; j < rows->size(); ++j) {
            const Bytes& k = (*rows)[j].first;
            if (k.size() != key.size() || !std::equal(id.begin(), id.end(), k.begin() + id_at)) break;
            const std::size_t part = (std::size_t{k[k.size() - 2]} << 8) | k.back();
            const Bytes& value = (*rows)[j].second;
            if (part != j - i) complete = false;
            if (part == 0) {
                if (value.size() < 2) return fail(RegistryErrc::kCorrupt, "bad record " + to_hex(key));
                declared = (std::size_t{value[0]} << 8) | value[1];
                text.append(value.begin() + 2, value.end());
            } else {
                text.append(value.begin(), value.end());
            }
        }
        const std::size_t found = j - i;
        i = j;
        if (!complete || declared != found) continue;  // left by an interrupted add: not a checkpoint
        auto entry = decode_entry(text);
        if (!entry) return fail(RegistryErrc::kCorrupt, "record " + to_hex(id) + " does not decode");
        out.push_back(std::move(*entry));
    }
    // Flags: revoked from each chain's record, current = the newest non-revoked of each chain.
    std::map<uint64_t, std::vector<std::pair<uint64_t, Hash>>> revocations;
    for (RegistryEntry& e : out) {
        const Checkpoint& c = e.checkpoint.checkpoint;
        auto it = revocations.find(c.chain_id);
        if (it == revocations.end()) {
            auto rev = revoked(c.chain_id);
            if (!rev) return unexpected(rev.error());
            it = revocations.emplace(c.chain_id, std::move(*rev)).first;
        }
        e.revoked =
            std::find(it->second.begin(), it->second.end(), std::pair{c.block_num, c.block_hash}) != it->second.end();
    }
    std::sort(out.begin(), out.end(), newer);
    std::map<uint64_t, std::size_t> current;  // chain -> index of the highest block_num not revoked
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i].revoked) continue;
        const Checkpoint& c = out[i].checkpoint.checkpoint;
        auto [it, inserted] = current.emplace(c.chain_id, i);
        if (!inserted && c.block_num > out[it->second].checkpoint.checkpoint.block_num) it->second = i;
    }
    for (const auto& [chain, i] : current) out[i].current = true;
    return out;
}

Expected<std::optional<RegistryEntry>, RegistryError> CheckpointRegistry::current(uint64_t chain_id) const {
    auto all = list();
    if (!all) return unexpected(all.error());
    for (RegistryEntry& e : *all) {
        if (e.current && e.checkpoint.checkpoint.chain_id == chain_id) return std::optional{std::move(e)};
    }
    return std::optional<RegistryEntry>{};
}

Expected<RegistryEntry, RegistryError> CheckpointRegistry::rollback(uint64_t chain_id, uint64_t block_num,
                                                                    std::optional<Hash> block_hash) {
    auto all = list();
    if (!all) return unexpected(all.error());
    const RegistryEntry* target = nullptr;
    const RegistryEntry* cur = nullptr;
    std::size_t matches = 0;
    for (const RegistryEntry& e : *all) {
        const Checkpoint& c = e.checkpoint.checkpoint;
        if (c.chain_id != chain_id) continue;
        if (e.current) cur = &e;
        if (c.block_num == block_num && (!block_hash || *block_hash == c.block_hash)) {
            target = &e;
            ++matches;
        }
    }
    const std::string what = "chain " + std::to_string(chain_id) + " block " + std::to_string(block_num);
    if (target == nullptr) return fail(RegistryErrc::kNotFound, "no stored checkpoint of " + what);
    if (matches > 1) return fail(RegistryErrc::kNotFound, "several checkpoints of " + what + ": give the block hash");
    if (target->revoked) return fail(RegistryErrc::kNotEarlier, what + " is itself revoked");
    if (cur == nullptr || cur->checkpoint.checkpoint.block_num <= block_num) {
        return fail(RegistryErrc::kNotEarlier, what + " is not older than the current checkpoint");
    }
    auto rev = revoked(chain_id);
    if (!rev) return unexpected(rev.error());
    for (const RegistryEntry& e : *all) {
        const Checkpoint& c = e.checkpoint.checkpoint;
        if (c.chain_id == chain_id && !e.revoked && c.block_num > block_num)
            rev->emplace_back(c.block_num, c.block_hash);
    }
    if (rev->size() > kMaxRevocations) {
        return fail(RegistryErrc::kTooManyRevocations, std::to_string(rev->size()) + " revocations, at most " +
                                                           std::to_string(kMaxRevocations) + " per chain");
    }
    Bytes value;
    for (const auto& [n, h] : *rev) {
        const auto nb = be64(n);
        value.insert(value.end(), nb.begin(), nb.end());
        value.insert(value.end(), h.begin(), h.end());
    }
    // One put: the rollback is all or nothing.
    auto put = store_.put_record(key_of(kRevokedPrefix, be64(chain_id), std::nullopt), value);
    if (!put) return store_fail(put.error());
    RegistryEntry out = *target;
    out.current = true;
    return out;
}

}  // namespace hypasis::checkpoint
