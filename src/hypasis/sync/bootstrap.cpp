#include "hypasis/sync/bootstrap.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <ctime>
#include <utility>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/common/log.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::sync {

namespace asio = boost::asio;
using p2p::peers::HeadersRequest;
using p2p::peers::Misbehaviour;
using p2p::peers::PeerInfo;

namespace {

ByteView key_bytes() {
    return ByteView{reinterpret_cast<const uint8_t*>(kAnchorRecordKey.data()), kAnchorRecordKey.size()};
}

BootstrapError store_error(const storage::StoreError& e) {
    return {BootstrapErrc::kStore, storage::to_string(e), {}, {}};
}

// What is wrong with `h` as the checkpoint's block, or empty when it is the checkpoint's block.
std::string mismatch(const checkpoint::Checkpoint& c, const SealedHeader& h) {
    if (h.hash != c.block_hash)
        return "header hash " + to_hex(h.hash) + " is not the checkpoint's " + to_hex(c.block_hash);
    if (h.header.number != c.block_num) {
        return "header " + to_hex(h.hash) + " has number " + std::to_string(h.header.number) +
               ", the checkpoint says " + std::to_string(c.block_num);
    }
    if (h.header.state_root != c.state_root) {
        return "header " + to_hex(h.hash) + " has state root " + to_hex(h.header.state_root) +
               ", the checkpoint says " + to_hex(c.state_root);
    }
    if (h.header.timestamp != c.timestamp) {
        return "header " + to_hex(h.hash) + " has timestamp " + std::to_string(h.header.timestamp) +
               ", the checkpoint says " + std::to_string(c.timestamp);
    }
    return {};
}

Task<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(p2p::kUseTuple);
}

void log_verified(const checkpoint::CheckpointSource& source, const checkpoint::VerifiedCheckpoint& v) {
    // Stake rules show the stake; count rules (sync committee, BSC) only the counts.
    const bool by_stake = v.rule == checkpoint::QuorumRule::kGeneric || v.rule == checkpoint::QuorumRule::kPolygon;
    log::info("sync", "checkpoint verified",
              {{"source", source.name()},
               {"block", v.checkpoint.block_num},
               {"hash", to_hex(v.checkpoint.block_hash)},
               {"rule", checkpoint::to_string(v.rule)},
               {"signers", uint64_t{v.signers}},
               {"validators", uint64_t{v.validators}},
               {"stake", by_stake ? v.signed_stake.to_string() + "/" + v.total_stake.to_string() : std::string("-")}});
}

}  // namespace

std::string_view to_string(BootstrapErrc e) noexcept {
    switch (e) {
        case BootstrapErrc::kSource:
            return "checkpoint source failed";
        case BootstrapErrc::kVerify:
            return "verification failed";
        case BootstrapErrc::kHeaderMismatch:
            return "header mismatch";
        case BootstrapErrc::kNoPeerAnswered:
            return "no peer answered";
        case BootstrapErrc::kAnchorConflict:
            return "anchor conflict";
        case BootstrapErrc::kMalformedAnchor:
            return "malformed anchor record";
        case BootstrapErrc::kStore:
            return "store error";
    }
    return "unknown";
}

std::string to_string(const BootstrapError& e) {
    std::string s(to_string(e.code));
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

Bytes encode_anchor(const Anchor& anchor) {
    Bytes payload;
    rlp::encode_u64(payload, 1);
    rlp::encode_u64(payload, anchor.block_num);
    rlp::encode_fixed(payload, anchor.block_hash);
    return rlp::wrap_list(payload);
}

std::optional<Anchor> decode_anchor(ByteView bytes) noexcept {
    ByteView in = bytes;
    auto list = rlp::decode_list(in);
    if (!list || !in.empty()) return std::nullopt;
    ByteView items = *list;
    auto version = rlp::decode_u64(items);
    if (!version || *version != 1) return std::nullopt;
    auto number = rlp::decode_u64(items);
    if (!number) return std::nullopt;
    auto hash = rlp::decode_fixed<32>(items);
    if (!hash || !items.empty()) return std::nullopt;
    return Anchor{*number, *hash};
}

Expected<std::optional<Anchor>, BootstrapError> read_anchor(const storage::BlockStore& store) {
    auto rec = store.get_record(key_bytes());
    if (!rec) return unexpected(store_error(rec.error()));
    if (!*rec) return std::optional<Anchor>{};
    auto a = decode_anchor(**rec);
    if (!a) {
        return unexpected(BootstrapError{
            BootstrapErrc::kMalformedAnchor, "record " + std::string(kAnchorRecordKey) + " does not decode", {}, {}});
    }
    return std::optional<Anchor>{*a};
}

Expected<void, BootstrapError> write_anchor(storage::BlockStore& store, const Anchor& anchor) {
    const Bytes value = encode_anchor(anchor);
    auto ok = store.put_record(key_bytes(), value, storage::Durability::kSync);
    if (!ok) return unexpected(store_error(ok.error()));
    return {};
}

Task<Expected<checkpoint::VerifiedCheckpoint, BootstrapError>> fetch_verified_checkpoint(
    checkpoint::CheckpointSource& source, const checkpoint::ValidatorSet& validators) {
    auto fetched = co_await source.fetch();
    if (!fetched) {
        co_return unexpected(
            BootstrapError{BootstrapErrc::kSource, checkpoint::to_string(fetched.error()), {}, fetched.error().code});
    }
    auto verified = checkpoint::verify(*fetched, validators);
    if (!verified) {
        log::warn("sync", "checkpoint refused",
                  {{"source", source.name()}, {"reason", checkpoint::to_string(verified.error())}});
        co_return unexpected(
            BootstrapError{BootstrapErrc::kVerify, checkpoint::to_string(verified.error()), verified.error().code, {}});
    }
    log_verified(source, *verified);
    co_return std::move(*verified);
}

Task<Expected<checkpoint::VerifiedCheckpoint, BootstrapError>> fetch_verified_checkpoint(
    checkpoint::BeaconLightClientSource& source) {
    auto fetched = co_await source.fetch();
    if (!fetched) {
        const auto& e = fetched.error();
        if (e.code == checkpoint::SourceErrc::kUnverified) {
            log::warn("sync", "checkpoint refused", {{"source", source.name()}, {"reason", checkpoint::to_string(e)}});
            co_return unexpected(BootstrapError{BootstrapErrc::kVerify, checkpoint::to_string(e), {}, e.code});
        }
        co_return unexpected(BootstrapError{BootstrapErrc::kSource, checkpoint::to_string(e), {}, e.code});
    }
    auto verified = source.last_verified();
    if (!verified) {
        const auto& e = verified.error();
        co_return unexpected(BootstrapError{BootstrapErrc::kVerify, checkpoint::to_string(e), {}, e.code});
    }
    log_verified(source, *verified);
    co_return std::move(*verified);
}

Task<Expected<Anchor, BootstrapError>> anchor_checkpoint(storage::BlockStore& store, p2p::peers::PeerService& peers,
                                                         const checkpoint::VerifiedCheckpoint& verified,
                                                         p2p::Clock::time_point deadline, AnchorOptions options) {
    const checkpoint::Checkpoint& c = verified.checkpoint;
    const Anchor anchor{c.block_num, c.block_hash};
    auto existing = read_anchor(store);
    if (!existing) co_return unexpected(existing.error());
    if (*existing && **existing != anchor) {
        co_return unexpected(BootstrapError{BootstrapErrc::kAnchorConflict,
                                            "the store is anchored at block " + std::to_string((*existing)->block_num) +
                                                " " + to_hex((*existing)->block_hash) + ", not block " +
                                                std::to_string(anchor.block_num) + " " + to_hex(anchor.block_hash),
                                            {},
                                            {}});
    }

    // Fetch the header by hash: every peer in turn, rounds until the deadline. The deadline is checked before each
    // request; one request may overrun it by at most the service's own request timeout.
    std::optional<SealedHeader> header;
    std::string wrong_hash;  // set when some peer served a header of another hash
    uint64_t requests = 0;
    while (!header && p2p::Clock::now() < deadline) {
        const std::vector<PeerInfo> snapshot = peers.peers();
        for (const PeerInfo& p : snapshot) {
            if (p2p::Clock::now() >= deadline) break;
            ++requests;
            auto got = co_await peers.get_headers(p.peer_id, HeadersRequest{c.block_hash, 1, 0, false});
            if (!got || got->empty()) continue;  // a failure the service already accounted; try the next peer
            const SealedHeader& h = got->front();
            if (h.hash != c.block_hash) {
                // The service checks the origin; a header of another hash here means a broken or lying service.
                peers.report(p.peer_id, Misbehaviour::kInvalidData);
                wrong_hash = mismatch(c, h);
                continue;
            }
            if (auto why = mismatch(c, h); !why.empty()) {
                // The block the checkpoint names is not what it signed: every honest peer would say the same.
                log::warn("sync", "checkpoint header mismatch", {{"reason", why}});
                co_return unexpected(BootstrapError{BootstrapErrc::kHeaderMismatch, why, {}, {}});
            }
            header = h;
            break;
        }
        if (!header)
            co_await sleep_for(snapshot.empty() ? std::min(options.retry_interval, std::chrono::milliseconds(50))
                                                : options.retry_interval);
    }
    if (!header) {
        if (!wrong_hash.empty()) {
            co_return unexpected(BootstrapError{
                BootstrapErrc::kHeaderMismatch, "peers served only other headers: " + wrong_hash, {}, {}});
        }
        co_return unexpected(BootstrapError{BootstrapErrc::kNoPeerAnswered,
                                            "no peer served header " + to_hex(c.block_hash) + " of block " +
                                                std::to_string(c.block_num) + " in time (" + std::to_string(requests) +
                                                " requests)",
                                            {},
                                            {}});
    }

    if (options.registry != nullptr) {
        const uint64_t now = options.now != 0 ? options.now : static_cast<uint64_t>(std::time(nullptr));
        auto added = options.registry->add(verified, options.source_name, now, options.freshness);
        if (!added) {
            co_return unexpected(BootstrapError{
                BootstrapErrc::kStore, "checkpoint registry: " + checkpoint::to_string(added.error()), {}, {}});
        }
    }
    std::vector<SealedHeader> one;
    one.push_back(*header);
    if (auto ok = store.put_headers(one, storage::Durability::kSync); !ok)
        co_return unexpected(store_error(ok.error()));
    if (auto ok = write_anchor(store, anchor); !ok) co_return unexpected(ok.error());
    log::info("sync", "anchored", {{"block", anchor.block_num}, {"hash", to_hex(anchor.block_hash)}});
    co_return anchor;
}

}  // namespace hypasis::sync
