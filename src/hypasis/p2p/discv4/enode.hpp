#pragma once
/// enode URLs: `enode://<128 hex digits of the node id>@<ip>:<tcp port>[?discport=<udp port>]`, the form geth's
/// admin_addPeer and bootnode lists use. Only literal addresses: IPv4 dotted, or IPv6 in brackets. A host name
/// would need a DNS lookup, which is I/O and is refused here (kEnodeBadHost).
#include <cstdint>
#include <string>
#include <string_view>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"
#include "hypasis/p2p/discv4/error.hpp"

namespace hypasis::p2p::discv4 {

/// A parsed enode URL. `endpoint.udp` equals `endpoint.tcp` unless the URL has "?discport=".
struct Enode {
    NodeId id{};
    Endpoint endpoint;
    friend bool operator==(const Enode&, const Enode&) = default;
};

/// Parses an enode URL. Errors: kEnodeBadScheme (no "enode://"), kEnodeBadId (not 128 hex digits, or not a
/// point on the curve), kEnodeBadHost (no '@', not a literal IP), kEnodeBadPort (missing, non-decimal, or
/// above 65535), kEnodeBadQuery (anything but one "discport=N"). noexcept except std::bad_alloc.
Expected<Enode, Discv4Error> parse_enode(std::string_view url);

/// Formats an enode URL; "?discport=" is added only when the UDP port differs from the TCP port. IPv6 addresses
/// are bracketed.
std::string format_enode(const Enode& node);

}  // namespace hypasis::p2p::discv4
