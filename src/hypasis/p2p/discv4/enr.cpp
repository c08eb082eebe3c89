#include "hypasis/p2p/discv4/enr.hpp"

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::p2p::discv4 {
namespace {

constexpr std::string_view kTextPrefix = "enr:";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

std::optional<ByteView> decode_string_item(ByteView item) noexcept {
    auto s = rlp::decode_string(item);
    if (!s || !item.empty()) return std::nullopt;
    return *s;
}

std::optional<uint16_t> decode_port_item(ByteView item) noexcept {
    auto v = rlp::decode_u64(item);
    if (!v || !item.empty() || *v > 0xffff) return std::nullopt;
    return static_cast<uint16_t>(*v);
}

/// rlp([seq, k1, v1, ...]): the content the v4 scheme signs.
Bytes encode_content(uint64_t seq, const std::vector<Enr::Pair>& pairs) {
    Bytes payload;
    rlp::encode_u64(payload, seq);
    for (const auto& [k, v] : pairs) {
        rlp::encode_string(payload, as_bytes(k));
        payload.insert(payload.end(), v.begin(), v.end());
    }
    return rlp::wrap_list(payload);
}

Bytes encode_record(const FixedBytes<64>& signature, uint64_t seq, const std::vector<Enr::Pair>& pairs) {
    Bytes payload;
    rlp::encode_fixed(payload, signature);
    rlp::encode_u64(payload, seq);
    for (const auto& [k, v] : pairs) {
        rlp::encode_string(payload, as_bytes(k));
        payload.insert(payload.end(), v.begin(), v.end());
    }
    return rlp::wrap_list(payload);
}

Bytes string_item(ByteView s) {
    Bytes out;
    rlp::encode_string(out, s);
    return out;
}

Bytes u64_item(uint64_t x) {
    Bytes out;
    rlp::encode_u64(out, x);
    return out;
}

}  // namespace

std::optional<ByteView> Enr::get(std::string_view key) const noexcept {
    for (const auto& [k, v] : pairs_) {
        if (k == key) return ByteView{v};
    }
    return std::nullopt;
}

Hash Enr::node_address() const noexcept { return crypto::keccak256(public_key_); }

std::optional<std::string> Enr::id() const {
    auto v = get("id");
    if (!v) return std::nullopt;
    auto s = decode_string_item(*v);
    if (!s) return std::nullopt;
    return std::string(s->begin(), s->end());
}

std::optional<IpAddress> Enr::ip() const noexcept {
    auto v = get("ip");
    if (!v) return std::nullopt;
    auto s = decode_string_item(*v);
    if (!s || s->size() != 4) return std::nullopt;
    return IpAddress::from_bytes(*s);
}

std::optional<IpAddress> Enr::ip6() const noexcept {
    auto v = get("ip6");
    if (!v) return std::nullopt;
    auto s = decode_string_item(*v);
    if (!s || s->size() != 16) return std::nullopt;
    return IpAddress::from_bytes(*s);
}

std::optional<uint16_t> Enr::tcp() const noexcept {
    auto v = get("tcp");
    return v ? decode_port_item(*v) : std::nullopt;
}
std::optional<uint16_t> Enr::udp() const noexcept {
    auto v = get("udp");
    return v ? decode_port_item(*v) : std::nullopt;
}
std::optional<uint16_t> Enr::tcp6() const noexcept {
    auto v = get("tcp6");
    return v ? decode_port_item(*v) : std::nullopt;
}
std::optional<uint16_t> Enr::udp6() const noexcept {
    auto v = get("udp6");
    return v ? decode_port_item(*v) : std::nullopt;
}

std::string Enr::to_text() const { return std::string(kTextPrefix) + base64url_encode(encoded_); }

Expected<Enr, Discv4Error> decode_enr(ByteView in) noexcept {
    if (in.size() > kMaxEnrSize) return unexpected(Discv4Error::kEnrTooLarge);
    const ByteView whole = in;
    auto payload = rlp::decode_list(in);
    if (!payload || !in.empty()) return unexpected(Discv4Error::kEnrMalformed);
    ByteView p = *payload;
    auto sig = rlp::decode_string(p);
    if (!sig) return unexpected(Discv4Error::kEnrMalformed);
    const ByteView content_payload = p;  // [seq, k, v, ...] without the list header
    auto seq = rlp::decode_u64(p);
    if (!seq) return unexpected(Discv4Error::kEnrMalformed);

    Enr enr;
    enr.seq_ = *seq;
    // At most 300 bytes: a key/value pair takes at least 2 bytes, so this reserve is bounded.
    enr.pairs_.reserve(p.size() / 2);
    while (!p.empty()) {
        auto key = rlp::decode_string(p);
        if (!key || p.empty()) return unexpected(Discv4Error::kEnrMalformed);
        auto value = rlp::decode_raw_item(p);
        if (!value) return unexpected(Discv4Error::kEnrMalformed);
        std::string k(key->begin(), key->end());
        if (!enr.pairs_.empty()) {
            const std::string& prev = enr.pairs_.back().first;
            if (k == prev) return unexpected(Discv4Error::kEnrDuplicateKey);
            if (k < prev) return unexpected(Discv4Error::kEnrUnsortedKeys);
        }
        enr.pairs_.emplace_back(std::move(k), to_bytes(*value));
    }

    auto id = enr.get("id");
    if (!id) return unexpected(Discv4Error::kEnrUnsupportedScheme);
    auto id_str = decode_string_item(*id);
    if (!id_str || id_str->size() != 2 || (*id_str)[0] != 'v' || (*id_str)[1] != '4') {
        return unexpected(Discv4Error::kEnrUnsupportedScheme);
    }
    auto key_item = enr.get("secp256k1");
    if (!key_item) return unexpected(Discv4Error::kEnrMissingPublicKey);
    auto key_bytes = decode_string_item(*key_item);
    if (!key_bytes || key_bytes->size() != 33) return unexpected(Discv4Error::kEnrMissingPublicKey);
    auto pub = crypto::parse_public_key(*key_bytes);
    if (!pub) return unexpected(Discv4Error::kEnrMissingPublicKey);

    if (sig->size() != 64) return unexpected(Discv4Error::kEnrBadSignature);
    enr.signature_ = to_fixed<64>(*sig);
    Bytes content;
    content.reserve(content_payload.size() + 3);
    rlp::encode_list(content, content_payload);
    if (!crypto::verify(crypto::keccak256(content), enr.signature_, *pub)) {
        return unexpected(Discv4Error::kEnrBadSignature);
    }
    enr.public_key_ = *pub;
    enr.encoded_ = to_bytes(whole);
    return enr;
}

Expected<Enr, Discv4Error> parse_enr_text(std::string_view text) noexcept {
    if (text.substr(0, kTextPrefix.size()) != kTextPrefix) return unexpected(Discv4Error::kEnrBadText);
    text.remove_prefix(kTextPrefix.size());
    // 300 bytes need at most 400 characters; refuse longer text before decoding it.
    if (text.size() > (kMaxEnrSize * 4 + 2) / 3) return unexpected(Discv4Error::kEnrTooLarge);
    auto raw = base64url_decode(text);
    if (!raw) return unexpected(Discv4Error::kEnrBadText);
    return decode_enr(*raw);
}

std::string base64url_encode(ByteView in) {
    std::string out;
    out.reserve((in.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest == 1) {
        const uint32_t v = uint32_t{in[i]} << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (rest == 2) {
        const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<Bytes> base64url_decode(std::string_view in) {
    if (in.size() % 4 == 1) return std::nullopt;
    Bytes out;
    out.reserve(in.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const int v = base64url_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<uint8_t>(acc >> bits));
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) return std::nullopt;  // non-zero leftover bits: not the canonical encoding
    return out;
}

EnrBuilder& EnrBuilder::set_raw(std::string key, Bytes rlp_item) {
    entries_[std::move(key)] = std::move(rlp_item);
    return *this;
}

EnrBuilder& EnrBuilder::set_ip(const IpAddress& ip) {
    if (ip.is_v4()) set_raw("ip", string_item(ip.bytes()));
    if (ip.is_v6()) set_raw("ip6", string_item(ip.bytes()));
    return *this;
}

EnrBuilder& EnrBuilder::set_tcp(uint16_t port) { return set_raw("tcp", u64_item(port)); }
EnrBuilder& EnrBuilder::set_udp(uint16_t port) { return set_raw("udp", u64_item(port)); }
EnrBuilder& EnrBuilder::set_tcp6(uint16_t port) { return set_raw("tcp6", u64_item(port)); }
EnrBuilder& EnrBuilder::set_udp6(uint16_t port) { return set_raw("udp6", u64_item(port)); }

Expected<Enr, Discv4Error> EnrBuilder::sign(const crypto::SecretKey& key) const {
    auto pub = crypto::public_key(key);
    if (!pub) return unexpected(Discv4Error::kInvalidKey);
    std::map<std::string, Bytes> all = entries_;
    all["id"] = string_item(as_bytes("v4"));
    const auto compressed = crypto::compress(*pub);
    all["secp256k1"] = string_item(compressed);

    Enr enr;
    enr.seq_ = seq_;
    enr.pairs_.assign(all.begin(), all.end());
    enr.public_key_ = *pub;
    const Bytes content = encode_content(seq_, enr.pairs_);
    // The record is the content plus a 66-byte signature item; refuse before signing when it cannot fit.
    if (content.size() + 66 > kMaxEnrSize + 3) return unexpected(Discv4Error::kEnrTooLarge);
    auto sig = crypto::sign(crypto::keccak256(content), key);
    if (!sig) return unexpected(Discv4Error::kInvalidKey);
    enr.signature_ = sig->rs;
    enr.encoded_ = encode_record(enr.signature_, seq_, enr.pairs_);
    if (enr.encoded_.size() > kMaxEnrSize) return unexpected(Discv4Error::kEnrTooLarge);
    return enr;
}

}  // namespace hypasis::p2p::discv4
