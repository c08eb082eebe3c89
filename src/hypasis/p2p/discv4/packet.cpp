#include "hypasis/p2p/discv4/packet.hpp"

#include <algorithm>
#include <cstring>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::p2p::discv4 {
namespace {

using rlp::DecodingError;

// ---- decoding helpers -----------------------------------------------------------------------------------------

/// Checks that what remains of a list payload is a sequence of well-formed RLP items (EIP-8: extra elements are
/// ignored, but they are still part of a canonical RLP list).
Expected<void, Discv4Error> skip_rest(ByteView rest) noexcept {
    while (!rest.empty()) {
        if (!rlp::decode_raw_item(rest)) return unexpected(Discv4Error::kMalformedPacket);
    }
    return {};
}

Expected<uint16_t, Discv4Error> decode_port(ByteView& in) noexcept {
    auto v = rlp::decode_u64(in);
    if (!v) return unexpected(Discv4Error::kMalformedPacket);
    if (*v > 0xffff) return unexpected(Discv4Error::kBadEndpoint);
    return static_cast<uint16_t>(*v);
}

/// `[ip, udp, tcp, ...]`; the ip may be empty (a node that does not know its address).
Expected<Endpoint, Discv4Error> decode_endpoint(ByteView& in) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(Discv4Error::kMalformedPacket);
    ByteView p = *payload;
    auto ip_raw = rlp::decode_string(p);
    if (!ip_raw) return unexpected(Discv4Error::kMalformedPacket);
    auto ip = IpAddress::from_bytes(*ip_raw);
    if (!ip) return unexpected(Discv4Error::kBadEndpoint);
    Endpoint e;
    e.ip = *ip;
    auto udp = decode_port(p);
    if (!udp) return unexpected(udp.error());
    auto tcp = decode_port(p);
    if (!tcp) return unexpected(tcp.error());
    e.udp = *udp;
    e.tcp = *tcp;
    if (auto r = skip_rest(p); !r) return unexpected(r.error());
    return e;
}

/// `[ip, udp, tcp, node-id, ...]`; the ip must be 4 or 16 bytes.
Expected<Node, Discv4Error> decode_node(ByteView& in) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(Discv4Error::kMalformedPacket);
    ByteView p = *payload;
    auto ip_raw = rlp::decode_string(p);
    if (!ip_raw) return unexpected(Discv4Error::kMalformedPacket);
    auto ip = IpAddress::from_bytes(*ip_raw);
    if (!ip || ip->empty()) return unexpected(Discv4Error::kBadEndpoint);
    Node n;
    n.endpoint.ip = *ip;
    auto udp = decode_port(p);
    if (!udp) return unexpected(udp.error());
    auto tcp = decode_port(p);
    if (!tcp) return unexpected(tcp.error());
    n.endpoint.udp = *udp;
    n.endpoint.tcp = *tcp;
    auto id = rlp::decode_fixed<64>(p);
    if (!id) return unexpected(Discv4Error::kMalformedPacket);
    n.id = *id;
    if (auto r = skip_rest(p); !r) return unexpected(r.error());
    return n;
}

Expected<uint64_t, Discv4Error> decode_u64_field(ByteView& in) noexcept {
    auto v = rlp::decode_u64(in);
    if (!v) return unexpected(Discv4Error::kMalformedPacket);
    return *v;
}

/// EIP-868's optional enr-seq: taken only when the next element is a canonical integer; then the rest is skipped.
Expected<std::optional<uint64_t>, Discv4Error> decode_optional_seq(ByteView rest) noexcept {
    std::optional<uint64_t> seq;
    if (!rest.empty()) {
        ByteView probe = rest;
        if (auto v = rlp::decode_u64(probe)) {
            seq = *v;
            rest = probe;
        }
    }
    if (auto r = skip_rest(rest); !r) return unexpected(r.error());
    return seq;
}

Expected<Message, Discv4Error> decode_ping(ByteView p) noexcept {
    Ping m;
    auto version = rlp::decode_raw_item(p);  // EIP-8: any version, not even necessarily an integer we can read
    if (!version) return unexpected(Discv4Error::kMalformedPacket);
    {
        ByteView v = *version;
        auto n = rlp::decode_u64(v);
        m.version = n ? *n : 0;
    }
    auto from = decode_endpoint(p);
    if (!from) return unexpected(from.error());
    auto to = decode_endpoint(p);
    if (!to) return unexpected(to.error());
    auto exp = decode_u64_field(p);
    if (!exp) return unexpected(exp.error());
    auto seq = decode_optional_seq(p);
    if (!seq) return unexpected(seq.error());
    m.from = *from;
    m.to = *to;
    m.expiration = *exp;
    m.enr_seq = *seq;
    return m;
}

Expected<Message, Discv4Error> decode_pong(ByteView p) noexcept {
    Pong m;
    auto to = decode_endpoint(p);
    if (!to) return unexpected(to.error());
    auto hash = rlp::decode_fixed<32>(p);
    if (!hash) return unexpected(Discv4Error::kMalformedPacket);
    auto exp = decode_u64_field(p);
    if (!exp) return unexpected(exp.error());
    auto seq = decode_optional_seq(p);
    if (!seq) return unexpected(seq.error());
    m.to = *to;
    m.ping_hash = *hash;
    m.expiration = *exp;
    m.enr_seq = *seq;
    return m;
}

Expected<Message, Discv4Error> decode_findnode(ByteView p) noexcept {
    FindNode m;
    auto target = rlp::decode_fixed<64>(p);
    if (!target) return unexpected(Discv4Error::kMalformedPacket);
    auto exp = decode_u64_field(p);
    if (!exp) return unexpected(exp.error());
    if (auto r = skip_rest(p); !r) return unexpected(r.error());
    m.target = *target;
    m.expiration = *exp;
    return m;
}

Expected<Message, Discv4Error> decode_neighbours(ByteView p) noexcept {
    Neighbours m;
    auto list = rlp::decode_list(p);
    if (!list) return unexpected(Discv4Error::kMalformedPacket);
    // A node entry takes at least 71 bytes, so a 1280-byte packet holds fewer than 18; the bound only guards the
    // reserve below.
    auto count = rlp::count_items(*list, 32);
    if (!count) return unexpected(Discv4Error::kMalformedPacket);
    m.nodes.reserve(*count);
    ByteView nodes = *list;
    while (!nodes.empty()) {
        auto node = decode_node(nodes);
        if (!node) return unexpected(node.error());
        m.nodes.push_back(*node);
    }
    auto exp = decode_u64_field(p);
    if (!exp) return unexpected(exp.error());
    if (auto r = skip_rest(p); !r) return unexpected(r.error());
    m.expiration = *exp;
    return m;
}

Expected<Message, Discv4Error> decode_enr_request(ByteView p) noexcept {
    EnrRequest m;
    auto exp = decode_u64_field(p);
    if (!exp) return unexpected(exp.error());
    if (auto r = skip_rest(p); !r) return unexpected(r.error());
    m.expiration = *exp;
    return m;
}

Expected<Message, Discv4Error> decode_enr_response(ByteView p) noexcept {
    auto hash = rlp::decode_fixed<32>(p);
    if (!hash) return unexpected(Discv4Error::kMalformedPacket);
    auto raw = rlp::decode_raw_item(p);
    if (!raw) return unexpected(Discv4Error::kMalformedPacket);
    if (auto r = skip_rest(p); !r) return unexpected(r.error());
    auto record = decode_enr(*raw);
    if (!record) return unexpected(record.error());
    return EnrResponse{*hash, std::move(*record)};
}

std::optional<uint64_t> expiration_of(const Message& m) noexcept {
    return std::visit(
        [](const auto& x) -> std::optional<uint64_t> {
            if constexpr (requires { x.expiration; }) {
                return x.expiration;
            } else {
                return std::nullopt;
            }
        },
        m);
}

// ---- encoding helpers -----------------------------------------------------------------------------------------

void encode_endpoint(Bytes& out, const Endpoint& e) {
    Bytes p;
    rlp::encode_string(p, e.ip.bytes());
    rlp::encode_u64(p, e.udp);
    rlp::encode_u64(p, e.tcp);
    rlp::encode_list(out, p);
}

void encode_node(Bytes& out, const Node& n) {
    Bytes p;
    rlp::encode_string(p, n.endpoint.ip.bytes());
    rlp::encode_u64(p, n.endpoint.udp);
    rlp::encode_u64(p, n.endpoint.tcp);
    rlp::encode_fixed(p, n.id);
    rlp::encode_list(out, p);
}

std::size_t node_entry_size(const Node& n) {
    const std::size_t payload = rlp::string_length(n.endpoint.ip.bytes()) + rlp::u64_length(n.endpoint.udp) +
                                rlp::u64_length(n.endpoint.tcp) + 66;
    return rlp::header_length(payload) + payload;
}

/// Size of a whole Neighbours packet whose node entries total `nodes_bytes`.
std::size_t neighbours_packet_size(std::size_t nodes_bytes, uint64_t expiration) {
    const std::size_t list = rlp::header_length(nodes_bytes) + nodes_bytes;
    const std::size_t payload = list + rlp::u64_length(expiration);
    return kPacketHeaderSize + rlp::header_length(payload) + payload;
}

Expected<Bytes, Discv4Error> encode_data(const Message& message) {
    Bytes p;
    Expected<void, Discv4Error> ok{};
    std::visit(
        [&](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, Ping>) {
                rlp::encode_u64(p, m.version);
                encode_endpoint(p, m.from);
                encode_endpoint(p, m.to);
                rlp::encode_u64(p, m.expiration);
                if (m.enr_seq) rlp::encode_u64(p, *m.enr_seq);
            } else if constexpr (std::is_same_v<T, Pong>) {
                encode_endpoint(p, m.to);
                rlp::encode_fixed(p, m.ping_hash);
                rlp::encode_u64(p, m.expiration);
                if (m.enr_seq) rlp::encode_u64(p, *m.enr_seq);
            } else if constexpr (std::is_same_v<T, FindNode>) {
                rlp::encode_fixed(p, m.target);
                rlp::encode_u64(p, m.expiration);
            } else if constexpr (std::is_same_v<T, Neighbours>) {
                Bytes nodes;
                for (const Node& n : m.nodes) {
                    if (n.endpoint.ip.empty()) ok = unexpected(Discv4Error::kBadEndpoint);
                    encode_node(nodes, n);
                }
                rlp::encode_list(p, nodes);
                rlp::encode_u64(p, m.expiration);
            } else if constexpr (std::is_same_v<T, EnrRequest>) {
                rlp::encode_u64(p, m.expiration);
            } else {
                rlp::encode_fixed(p, m.request_hash);
                p.insert(p.end(), m.record.encoded().begin(), m.record.encoded().end());
            }
        },
        message);
    if (!ok) return unexpected(ok.error());
    return rlp::wrap_list(p);
}

}  // namespace

PacketType type_of(const Message& m) noexcept { return static_cast<PacketType>(m.index() + 1); }

Expected<Packet, Discv4Error> decode_packet(ByteView datagram, uint64_t now_unix) noexcept {
    if (datagram.size() > kMaxPacketSize) return unexpected(Discv4Error::kPacketTooLarge);
    if (datagram.size() < kPacketHeaderSize) return unexpected(Discv4Error::kPacketTooShort);
    const ByteView signed_part = datagram.subspan(32);
    const Hash hash = crypto::keccak256(signed_part);
    if (std::memcmp(hash.data(), datagram.data(), 32) != 0) return unexpected(Discv4Error::kBadHash);

    const uint8_t type = datagram[97];
    const ByteView data = datagram.subspan(kPacketHeaderSize);
    ByteView in = data;
    auto payload = rlp::decode_list(in);  // EIP-8: bytes after the first RLP value (still in `in`) are ignored
    Expected<Message, Discv4Error> message = unexpected(Discv4Error::kUnknownPacketType);
    if (type < 1 || type > 6) return unexpected(Discv4Error::kUnknownPacketType);
    if (!payload) return unexpected(Discv4Error::kMalformedPacket);
    switch (static_cast<PacketType>(type)) {
        case PacketType::kPing: message = decode_ping(*payload); break;
        case PacketType::kPong: message = decode_pong(*payload); break;
        case PacketType::kFindNode: message = decode_findnode(*payload); break;
        case PacketType::kNeighbours: message = decode_neighbours(*payload); break;
        case PacketType::kEnrRequest: message = decode_enr_request(*payload); break;
        case PacketType::kEnrResponse: message = decode_enr_response(*payload); break;
    }
    if (!message) return unexpected(message.error());
    if (auto exp = expiration_of(*message); exp && *exp < now_unix) return unexpected(Discv4Error::kExpired);

    crypto::RecoverableSignature sig;
    std::memcpy(sig.rs.data(), datagram.data() + 32, 64);
    sig.recovery_id = datagram[96];
    const Hash digest = crypto::keccak256(datagram.subspan(97));
    auto sender = crypto::recover(digest, sig, /*require_low_s=*/false);
    if (!sender) return unexpected(Discv4Error::kBadSignature);
    return Packet{std::move(*message), *sender, hash};
}

Expected<Bytes, Discv4Error> encode_packet(const Message& message, const crypto::SecretKey& key) {
    auto data = encode_data(message);
    if (!data) return unexpected(data.error());
    if (kPacketHeaderSize + data->size() > kMaxPacketSize) return unexpected(Discv4Error::kPacketTooLarge);
    Bytes out(kPacketHeaderSize);
    out.insert(out.end(), data->begin(), data->end());
    out[97] = static_cast<uint8_t>(type_of(message));
    auto sig = crypto::sign(crypto::keccak256(ByteView{out}.subspan(97)), key);
    if (!sig) return unexpected(Discv4Error::kInvalidKey);
    std::memcpy(out.data() + 32, sig->rs.data(), 64);
    out[96] = sig->recovery_id;
    const Hash hash = crypto::keccak256(ByteView{out}.subspan(32));
    std::memcpy(out.data(), hash.data(), 32);
    return out;
}

std::vector<Neighbours> split_neighbours(std::span<const Node> nodes, uint64_t expiration) {
    std::vector<Neighbours> out;
    Neighbours current;
    current.expiration = expiration;
    std::size_t bytes = 0;
    for (const Node& n : nodes) {
        if (!n.endpoint.ip.is_v4() && !n.endpoint.ip.is_v6()) continue;
        const std::size_t entry = node_entry_size(n);
        if (!current.nodes.empty() && neighbours_packet_size(bytes + entry, expiration) > kMaxPacketSize) {
            out.push_back(std::move(current));
            current = Neighbours{};
            current.expiration = expiration;
            bytes = 0;
        }
        current.nodes.push_back(n);
        bytes += entry;
    }
    if (!current.nodes.empty()) out.push_back(std::move(current));
    return out;
}

}  // namespace hypasis::p2p::discv4
