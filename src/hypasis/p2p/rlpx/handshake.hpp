#pragma once
/// The RLPx initial handshake (RLPx spec, "Initial Handshake"; EIP-8) as pure, I/O-free state machines: each
/// object turns received bytes into a state change and produces the bytes to send. Both the EIP-8 form (RLP body
/// with a 2-byte size prefix that is also the ECIES shared-mac-data, random padding, extra list elements ignored)
/// and the legacy pre-EIP-8 form (fixed-size 307-byte auth, 210-byte ack) are accepted; EIP-8 is sent by default,
/// and a recipient answers in the form of the auth it received.
///
/// Flow (initiator I, recipient R):
///   I: Initiator i(...); send(i.auth());            R: Recipient r(...); feed received bytes to r.receive_auth()
///   R: send(r.ack()); use r.secrets()                I: feed received bytes to i.receive_ack(); use i.secrets()
///
/// Objects are not thread-safe; distinct objects are independent. Calling a member out of order is a program bug
/// and aborts (HYPASIS_ASSERT); every problem with received bytes is a typed RlpxError.
#include <cstddef>
#include <optional>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/p2p/rlpx/error.hpp"
#include "hypasis/p2p/rlpx/random.hpp"

namespace hypasis::p2p::rlpx {

/// The hard cap on an EIP-8 auth/ack size prefix (the ECIES message after the 2 prefix bytes). A real auth is
/// about 400 bytes (body ~170, padding 100-300, ECIES 113); 2 KiB leaves room for future extra elements while
/// bounding what a peer can make us buffer before authentication. Checked before any allocation.
inline constexpr std::size_t kMaxHandshakeSize = 2048;
/// Sizes of the legacy (pre-EIP-8) messages on the wire: 194- and 97-byte plaintexts plus ECIES overhead.
inline constexpr std::size_t kLegacyAuthSize = 307;
inline constexpr std::size_t kLegacyAckSize = 210;
/// The auth-vsn / ack-vsn we send (RLPx spec).
inline constexpr uint64_t kHandshakeVersion = 4;

/// The session secrets both sides derive (RLPx spec, "Initial Handshake", secrets). egress_mac and ingress_mac
/// are the running keccak-256 states, already seeded with (mac-secret ^ nonce) || auth/ack wire bytes.
struct Secrets {
    crypto::PublicKey remote_id{};  ///< The remote node's static public key (proven by the handshake).
    Hash aes{};                     ///< aes-secret: the AES-256-CTR frame key.
    Hash mac{};                     ///< mac-secret: the AES-256 key of the MAC seed construction.
    crypto::Keccak256 egress_mac;
    crypto::Keccak256 ingress_mac;
};

/// The secrets from the ephemeral ECDH result and the two nonces:
///   shared-secret = keccak256(ephemeral-key || keccak256(recipient-nonce || initiator-nonce))
///   aes-secret = keccak256(ephemeral-key || shared-secret), mac-secret = keccak256(ephemeral-key || aes-secret)
/// `auth` and `ack` are the complete wire messages (size prefix included for EIP-8). Pure and thread-safe.
Secrets derive_secrets(bool initiator, const Hash& ephemeral_key, const Hash& initiator_nonce,
                       const Hash& recipient_nonce, ByteView auth, ByteView ack,
                       const crypto::PublicKey& remote_id) noexcept;

/// The outcome of feeding buffered bytes to a state machine.
struct Received {
    /// True once a whole message was consumed; then `bytes` is how many bytes of the buffer it used (what follows
    /// belongs to the next layer, e.g. the first frame). False when more input is needed; then `bytes` is the
    /// total buffer size (counted from the same start) needed before it is worth calling again.
    bool complete{false};
    std::size_t bytes{0};
};

/// The dialing side.
class Initiator {
  public:
    /// Draws the ephemeral key (generate_secret_key) and then the 32-byte nonce from `rng` at construction; later
    /// draws are the EIP-8 padding length (2 bytes) and the ECIES randomness. `eip8 = false` sends the legacy form.
    Initiator(const crypto::SecretKey& static_key, const crypto::PublicKey& remote_id, RandomSource rng,
              bool eip8 = true);

    /// Builds the auth message (call once, first). kInvalidPublicKey when `remote_id` is not a curve point.
    Expected<Bytes, RlpxError> auth();

    /// Feeds the bytes received so far (the whole buffer, from the first ack byte) after auth(). Errors:
    /// kHandshakeTooLarge, kEciesTooShort/kEciesInvalidKey/kEciesBadMac, kInvalidAck, kInvalidPublicKey. After an
    /// error the object is unusable.
    Expected<Received, RlpxError> receive_ack(ByteView buffered);

    /// The secrets, once receive_ack() has completed.
    [[nodiscard]] const Secrets& secrets() const noexcept;

  private:
    crypto::SecretKey static_key_;
    crypto::PublicKey remote_id_;
    RandomSource rng_;
    bool eip8_;
    crypto::SecretKey ephemeral_key_{};
    Hash nonce_{};
    Bytes auth_;
    std::optional<Secrets> secrets_;
};

/// The listening side.
class Recipient {
  public:
    /// Draws the ephemeral key and then the nonce from `rng` at construction (as Initiator does).
    Recipient(const crypto::SecretKey& static_key, RandomSource rng);

    /// Feeds the bytes received so far (from the first auth byte). Errors: kHandshakeTooLarge, the ECIES errors,
    /// kInvalidAuth, kInvalidSignature, kInvalidPublicKey. After an error the object is unusable.
    Expected<Received, RlpxError> receive_auth(ByteView buffered);

    /// The initiator's static key, once receive_auth() has completed.
    [[nodiscard]] const crypto::PublicKey& remote_id() const noexcept;
    /// Whether the received auth was in EIP-8 form (the ack answers in the same form).
    [[nodiscard]] bool remote_eip8() const noexcept { return remote_eip8_; }

    /// Builds the ack (call once, after receive_auth() completed) and derives the secrets.
    Expected<Bytes, RlpxError> ack();

    /// The secrets, once ack() has returned.
    [[nodiscard]] const Secrets& secrets() const noexcept;

  private:
    crypto::SecretKey static_key_;
    RandomSource rng_;
    crypto::SecretKey ephemeral_key_{};
    Hash nonce_{};
    bool have_auth_{false};
    bool remote_eip8_{false};
    crypto::PublicKey remote_id_{};
    crypto::PublicKey remote_ephemeral_{};
    Hash remote_nonce_{};
    Bytes auth_;
    std::optional<Secrets> secrets_;
};

}  // namespace hypasis::p2p::rlpx
