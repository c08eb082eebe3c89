#pragma once
/// The RLPx frame codec (RLPx spec, "Framing" and "MAC"): AES-256-CTR over header and frame data with one
/// continuous keystream per direction (key aes-secret, IV zero), and the keccak-256 egress/ingress MAC states
/// updated with the "header-mac-seed" / "frame-mac-seed" AES-256-ECB(mac-secret) construction.
///
/// Wire form of one frame:
///   header-ciphertext (16) || header-mac (16) || frame-ciphertext (frame-size padded to 16) || frame-mac (16)
///   header = frame-size (24-bit big-endian) || header-data (RLP [capability-id, context-id]) || zero padding
///
/// Encoder and decoder are independent objects, so one coroutine may write while another reads. Neither is
/// thread-safe on its own. Neither allocates except to grow the output buffer the caller passes to encode().
#include <cstddef>
#include <span>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/p2p/rlpx/cipher.hpp"
#include "hypasis/p2p/rlpx/error.hpp"
#include "hypasis/p2p/rlpx/handshake.hpp"

namespace hypasis::p2p::rlpx {

/// Header ciphertext plus header MAC: what must be read before a frame's size is known.
inline constexpr std::size_t kFrameHeaderSize = 32;
/// The largest frame-size the 24-bit field can carry (RLPx spec: frames are limited to 16 MiB).
inline constexpr std::size_t kMaxFrameSize = (std::size_t{1} << 24) - 1;

/// Bytes that follow the 32-byte header for a frame of `frame_size`: the ciphertext padded to 16, plus the MAC.
constexpr std::size_t frame_body_size(std::size_t frame_size) noexcept { return (frame_size + 15) / 16 * 16 + 16; }

/// Egress: seals frames with the egress MAC state of a session.
class FrameEncoder {
  public:
    /// Takes the aes/mac secrets and the egress MAC state from `secrets`.
    explicit FrameEncoder(const Secrets& secrets) noexcept;

    /// Appends one frame whose frame-data is `head || tail` (the two parts let the caller pass the message id and
    /// the payload without concatenating them first). Precondition: head.size() + tail.size() <= kMaxFrameSize
    /// (the caller bounds message sizes; a violation is a program bug and aborts). Header-data is [0, 0].
    void encode(ByteView head, ByteView tail, Bytes& out);

  private:
    AesCtr aes_;
    AesBlock mac_cipher_;
    crypto::Keccak256 mac_;
};

/// Ingress: verifies and opens frames with the ingress MAC state of a session, in two steps so that the caller
/// can read the header, learn (and bound) the size, and only then allocate and read the body.
///
/// After any error the decoder's MAC and keystream are out of step with the peer: discard the session.
class FrameDecoder {
  public:
    /// `max_frame_size` (at most kMaxFrameSize) bounds the frame-size a peer may announce.
    explicit FrameDecoder(const Secrets& secrets, std::size_t max_frame_size = kMaxFrameSize) noexcept;

    /// Verifies the header MAC, decrypts the header and returns the frame-size. Precondition:
    /// header.size() == kFrameHeaderSize. Errors: kBadHeaderMac; kFrameTooLarge when the (authenticated) size
    /// exceeds the maximum. Never allocates, so a rejected size never costs memory. Header-data is ignored, as
    /// the spec asks.
    Expected<std::size_t, RlpxError> decode_header(ByteView header) noexcept;

    /// Verifies the frame MAC of `body` (exactly frame_body_size(frame_size) bytes, where frame_size came from the
    /// preceding decode_header) and decrypts it in place. Returns the frame-data, the first `frame_size` bytes of
    /// `body`. Error: kBadFrameMac (nothing is decrypted then).
    Expected<std::span<uint8_t>, RlpxError> decode_body(std::span<uint8_t> body, std::size_t frame_size) noexcept;

    [[nodiscard]] std::size_t max_frame_size() const noexcept { return max_frame_size_; }

  private:
    AesCtr aes_;
    AesBlock mac_cipher_;
    crypto::Keccak256 mac_;
    std::size_t max_frame_size_;
};

}  // namespace hypasis::p2p::rlpx
