#include "hypasis/p2p/discv4/enode.hpp"

#include "hypasis/core/common/hex.hpp"

namespace hypasis::p2p::discv4 {
namespace {

constexpr std::string_view kScheme = "enode://";

/// A decimal port in [0, 65535] with no sign, no spaces, at most 5 digits (0: "not listening", as geth allows).
std::optional<uint16_t> parse_port(std::string_view s) noexcept {
    if (s.empty() || s.size() > 5) return std::nullopt;
    uint32_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v > 0xffff) return std::nullopt;
    return static_cast<uint16_t>(v);
}

}  // namespace

Expected<Enode, Discv4Error> parse_enode(std::string_view url) {
    if (url.substr(0, kScheme.size()) != kScheme) return unexpected(Discv4Error::kEnodeBadScheme);
    url.remove_prefix(kScheme.size());
    const auto at = url.find('@');
    if (at == std::string_view::npos) return unexpected(Discv4Error::kEnodeBadHost);
    const std::string_view id_hex = url.substr(0, at);
    if (id_hex.size() != 128 || id_hex.substr(0, 2) == "0x") return unexpected(Discv4Error::kEnodeBadId);
    auto id = fixed_from_hex<64>(id_hex);
    if (!id) return unexpected(Discv4Error::kEnodeBadId);
    // A node id is a public key: check it is on the curve (0x04 || X || Y).
    Bytes sec1(65);
    sec1[0] = 0x04;
    std::copy(id->begin(), id->end(), sec1.begin() + 1);
    if (!crypto::parse_public_key(sec1)) return unexpected(Discv4Error::kEnodeBadId);

    std::string_view rest = url.substr(at + 1);
    std::string_view query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view host;
    std::string_view port;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return unexpected(Discv4Error::kEnodeBadHost);
        host = rest.substr(1, close - 1);
        rest.remove_prefix(close + 1);
        if (rest.empty() || rest.front() != ':') return unexpected(Discv4Error::kEnodeBadPort);
        port = rest.substr(1);
    } else {
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return unexpected(Discv4Error::kEnodeBadPort);
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    auto ip = IpAddress::parse(host);
    if (!ip) return unexpected(Discv4Error::kEnodeBadHost);
    // A bracketless IPv6 address would have been split at its last colon; geth also requires brackets.
    if (ip->is_v6() && (url.find('[') == std::string_view::npos)) return unexpected(Discv4Error::kEnodeBadHost);
    auto tcp = parse_port(port);
    if (!tcp) return unexpected(Discv4Error::kEnodeBadPort);

    Enode node;
    node.id = *id;
    node.endpoint.ip = *ip;
    node.endpoint.tcp = *tcp;
    node.endpoint.udp = *tcp;
    if (!query.empty()) {
        constexpr std::string_view kDiscport = "discport=";
        if (query.substr(0, kDiscport.size()) != kDiscport) return unexpected(Discv4Error::kEnodeBadQuery);
        auto udp = parse_port(query.substr(kDiscport.size()));
        if (!udp) return unexpected(Discv4Error::kEnodeBadPort);
        node.endpoint.udp = *udp;
    }
    return node;
}

std::string format_enode(const Enode& node) {
    std::string out(kScheme);
    out += to_hex(node.id, /*prefix=*/false);
    out += '@';
    if (node.endpoint.ip.is_v6()) {
        out += '[' + node.endpoint.ip.to_string() + ']';
    } else {
        out += node.endpoint.ip.to_string();
    }
    out += ':' + std::to_string(node.endpoint.tcp);
    if (node.endpoint.udp != node.endpoint.tcp) out += "?discport=" + std::to_string(node.endpoint.udp);
    return out;
}

}  // namespace hypasis::p2p::discv4
