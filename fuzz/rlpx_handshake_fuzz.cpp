// RLPx handshake: arbitrary bytes as a received auth (recipient) and ack (initiator), both raw and sealed with
// ECIES to the right key in the EIP-8 and legacy forms, so that the body parsers behind the MAC are reached too.
// Properties: never crash; a completed message never claims more bytes than it was given; an incomplete one
// always asks for more than it has; an accepted auth always yields an ack and secrets.
#include <cstdint>
#include <cstring>

#include "fuzz_check.hpp"
#include "hypasis/p2p/rlpx/ecies.hpp"
#include "hypasis/p2p/rlpx/handshake.hpp"
#include "hypasis/p2p/rlpx/scripted_random.hpp"

namespace {

using namespace hypasis;
using namespace hypasis::p2p::rlpx;

struct Keys {
    crypto::SecretKey initiator = generate_secret_key(scripted_random({}, 1));
    crypto::SecretKey recipient = generate_secret_key(scripted_random({}, 2));
    crypto::PublicKey initiator_pub = crypto::public_key(initiator).value();
    crypto::PublicKey recipient_pub = crypto::public_key(recipient).value();
};

const Keys& keys() {
    static const Keys k;
    return k;
}

void check(const Expected<Received, RlpxError>& r, std::size_t size) {
    if (!r) return;
    if (r->complete) {
        FUZZ_CHECK(r->bytes <= size);
    } else {
        FUZZ_CHECK(r->bytes > size);
        FUZZ_CHECK(r->bytes <= 2 + kMaxHandshakeSize);
    }
}

void as_auth(ByteView wire) {
    Recipient rec(keys().recipient, scripted_random({}, 3));
    auto r = rec.receive_auth(wire);
    check(r, wire.size());
    if (r && r->complete) {
        auto ack = rec.ack();
        // The initiator key in a forged auth is on the curve (checked), so sealing the ack to it cannot fail.
        FUZZ_CHECK(ack.has_value());
        (void)rec.secrets();
    }
}

void as_ack(ByteView wire) {
    Initiator init(keys().initiator, keys().recipient_pub, scripted_random({}, 4));
    FUZZ_CHECK(init.auth().has_value());
    auto r = init.receive_ack(wire);
    check(r, wire.size());
    if (r && r->complete) (void)init.secrets();
}

Bytes seal_eip8(const crypto::PublicKey& to, ByteView body) {
    const std::size_t size = body.size() + kEciesOverhead;
    const uint8_t prefix[2] = {static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)};
    Bytes out(prefix, prefix + 2);
    const Bytes sealed = ecies_encrypt(to, body, ByteView{prefix, 2}, scripted_random({}, 5)).value();
    out.insert(out.end(), sealed.begin(), sealed.end());
    return out;
}

Bytes seal_legacy(const crypto::PublicKey& to, ByteView body, std::size_t plain_size) {
    Bytes plain(plain_size, 0);
    std::memcpy(plain.data(), body.data(), std::min(body.size(), plain_size));
    return ecies_encrypt(to, plain, {}, scripted_random({}, 6)).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 4 * kMaxHandshakeSize) return 0;
    const ByteView in{data, size};
    as_auth(in);
    as_ack(in);
    if (size + kEciesOverhead <= kMaxHandshakeSize) {
        as_auth(seal_eip8(keys().recipient_pub, in));
        as_ack(seal_eip8(keys().initiator_pub, in));
    }
    as_auth(seal_legacy(keys().recipient_pub, in, kLegacyAuthSize - kEciesOverhead));
    as_ack(seal_legacy(keys().initiator_pub, in, kLegacyAckSize - kEciesOverhead));
    return 0;
}
