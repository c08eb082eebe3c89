#include "hypasis/p2p/discv4/error.hpp"

#include <string>

namespace hypasis::p2p::discv4 {

std::string_view to_string(Discv4Error e) noexcept {
    switch (e) {
        case Discv4Error::kPacketTooLarge: return "packet too large";
        case Discv4Error::kPacketTooShort: return "packet too short";
        case Discv4Error::kBadHash: return "bad packet hash";
        case Discv4Error::kBadSignature: return "bad packet signature";
        case Discv4Error::kUnknownPacketType: return "unknown packet type";
        case Discv4Error::kMalformedPacket: return "malformed packet";
        case Discv4Error::kBadEndpoint: return "bad endpoint";
        case Discv4Error::kExpired: return "packet expired";
        case Discv4Error::kEnrTooLarge: return "enr too large";
        case Discv4Error::kEnrMalformed: return "malformed enr";
        case Discv4Error::kEnrUnsortedKeys: return "enr keys not sorted";
        case Discv4Error::kEnrDuplicateKey: return "enr duplicate key";
        case Discv4Error::kEnrUnsupportedScheme: return "enr identity scheme not v4";
        case Discv4Error::kEnrMissingPublicKey: return "enr missing or invalid secp256k1 key";
        case Discv4Error::kEnrBadSignature: return "enr bad signature";
        case Discv4Error::kEnrBadText: return "bad enr text";
        case Discv4Error::kEnrWrongNode: return "enr of another node";
        case Discv4Error::kEnodeBadScheme: return "enode url must start with enode://";
        case Discv4Error::kEnodeBadId: return "enode url has a bad node id";
        case Discv4Error::kEnodeBadHost: return "enode url has a bad ip address";
        case Discv4Error::kEnodeBadPort: return "enode url has a bad port";
        case Discv4Error::kEnodeBadQuery: return "enode url has a bad query";
        case Discv4Error::kDestinationNotAllowed: return "destination not allowed (loopback only)";
        case Discv4Error::kTimeout: return "timeout";
        case Discv4Error::kTooManyPending: return "too many pending requests";
        case Discv4Error::kStopped: return "service stopped";
        case Discv4Error::kSendFailed: return "send failed";
        case Discv4Error::kBindFailed: return "bind failed";
        case Discv4Error::kInvalidKey: return "invalid node key";
    }
    return "unknown discv4 error";
}

namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "hypasis.discv4"; }
    std::string message(int ev) const override { return std::string(to_string(static_cast<Discv4Error>(ev))); }
};

}  // namespace

const std::error_category& discv4_category() noexcept {
    static const Category category;
    return category;
}

std::error_code make_error_code(Discv4Error e) noexcept { return {static_cast<int>(e), discv4_category()}; }

}  // namespace hypasis::p2p::discv4
