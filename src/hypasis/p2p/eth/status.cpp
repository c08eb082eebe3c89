#include "hypasis/p2p/eth/status.hpp"

#include "hypasis/p2p/eth/wire.hpp"

namespace hypasis::p2p::eth {

namespace {

// `forkid = [fork-hash: B_4, fork-next: P]` (EIP-2124, "RLP encoding"), read from inside a Status.
Expected<chain::ForkId, EthError> read_fork_id(ByteView& in) noexcept {
    auto list = wire::read_list(in);
    if (!list) return unexpected(list.error());
    if (auto e = wire::need_field(*list); !e) return unexpected(e.error());
    auto hash = rlp::decode_fixed<4>(*list);
    if (!hash) return unexpected(from_rlp(hash.error()));
    auto next = wire::read_u64(*list);
    if (!next) return unexpected(next.error());
    if (auto e = wire::end_of_list(*list); !e) return unexpected(e.error());
    return chain::ForkId{*hash, *next};
}

}  // namespace

Expected<Status, EthError> decode_status(EthVersion version, ByteView payload) noexcept {
    auto body = wire::open_message(payload);
    if (!body) return unexpected(body.error());
    ByteView in = *body;
    Status s;
    auto v = wire::read_u64(in);
    if (!v) return unexpected(v.error());
    s.version = *v;
    auto network = wire::read_u64(in);
    if (!network) return unexpected(network.error());
    s.network_id = *network;
    if (version == EthVersion::kEth68) {
        if (auto e = wire::need_field(in); !e) return unexpected(e.error());
        auto td = rlp::decode_u256(in);
        if (!td) return unexpected(from_rlp(td.error()));
        s.td = *td;
        auto head = wire::read_hash(in);
        if (!head) return unexpected(head.error());
        s.head_hash = *head;
    }
    auto genesis = wire::read_hash(in);
    if (!genesis) return unexpected(genesis.error());
    s.genesis_hash = *genesis;
    auto fork = read_fork_id(in);
    if (!fork) return unexpected(fork.error());
    s.fork_id = *fork;
    if (version == EthVersion::kEth69) {
        auto earliest = wire::read_u64(in);
        if (!earliest) return unexpected(earliest.error());
        auto latest = wire::read_u64(in);
        if (!latest) return unexpected(latest.error());
        auto head = wire::read_hash(in);
        if (!head) return unexpected(head.error());
        s.earliest = *earliest;
        s.latest = *latest;
        s.head_hash = *head;
    }
    if (auto e = wire::end_of_list(in); !e) return unexpected(e.error());
    return s;
}

Bytes encode_status(EthVersion version, const Status& s) {
    Bytes inner;
    inner.reserve(160);
    rlp::encode_u64(inner, s.version);
    rlp::encode_u64(inner, s.network_id);
    if (version == EthVersion::kEth68) {
        rlp::encode_u256(inner, s.td);
        rlp::encode_fixed(inner, s.head_hash);
    }
    rlp::encode_fixed(inner, s.genesis_hash);
    const Bytes fork = chain::encode(s.fork_id);
    wire::append(inner, fork);
    if (version == EthVersion::kEth69) {
        rlp::encode_u64(inner, s.earliest);
        rlp::encode_u64(inner, s.latest);
        rlp::encode_fixed(inner, s.head_hash);
    }
    Bytes out;
    rlp::encode_list(out, inner);
    return out;
}

Expected<BlockRangeUpdate, EthError> decode_block_range_update(ByteView payload) noexcept {
    auto body = wire::open_message(payload);
    if (!body) return unexpected(body.error());
    ByteView in = *body;
    auto earliest = wire::read_u64(in);
    if (!earliest) return unexpected(earliest.error());
    auto latest = wire::read_u64(in);
    if (!latest) return unexpected(latest.error());
    auto hash = wire::read_hash(in);
    if (!hash) return unexpected(hash.error());
    if (auto e = wire::end_of_list(in); !e) return unexpected(e.error());
    return BlockRangeUpdate{*earliest, *latest, *hash};
}

Bytes encode(const BlockRangeUpdate& m) {
    Bytes inner;
    inner.reserve(52);
    rlp::encode_u64(inner, m.earliest);
    rlp::encode_u64(inner, m.latest);
    rlp::encode_fixed(inner, m.latest_hash);
    Bytes out;
    rlp::encode_list(out, inner);
    return out;
}

Expected<void, EthError> validate_block_range(uint64_t earliest, uint64_t latest) noexcept {
    if (earliest > latest) return unexpected(EthError::kInvalidBlockRange);
    return {};
}

LocalChainView LocalChainView::from_spec(const chain::ChainSpec& spec, uint64_t head_number, uint64_t head_time) {
    return LocalChainView{spec.network_id, spec.genesis_hash, chain::ForkFilter(spec), head_number, head_time};
}

Expected<void, EthError> validate_status(const LocalChainView& local, EthVersion negotiated,
                                         const Status& remote) noexcept {
    if (remote.version != static_cast<uint64_t>(negotiated)) return unexpected(EthError::kVersionMismatch);
    if (remote.network_id != local.network_id) return unexpected(EthError::kNetworkIdMismatch);
    if (remote.genesis_hash != local.genesis_hash) return unexpected(EthError::kGenesisMismatch);
    if (auto ok = local.fork_filter.validate(remote.fork_id, local.head_number, local.head_time); !ok) {
        return unexpected(ok.error() == chain::ForkIdError::kRemoteStale ? EthError::kForkIdRemoteStale
                                                                         : EthError::kForkIdIncompatible);
    }
    if (negotiated == EthVersion::kEth69) return validate_block_range(remote.earliest, remote.latest);
    return {};
}

}  // namespace hypasis::p2p::eth
