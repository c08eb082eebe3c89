#include "hypasis/p2p/rlpx/frame.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::p2p::rlpx {
namespace {

FixedBytes<16> first16(const Hash& h) noexcept {
    FixedBytes<16> out{};
    std::copy(h.begin(), h.begin() + 16, out.begin());
    return out;
}

// header-mac-seed = aes(mac-secret, keccak256.digest(mac)[:16]) ^ header-ciphertext; mac.update(seed);
// header-mac = keccak256.digest(mac)[:16].
FixedBytes<16> header_mac(crypto::Keccak256& mac, AesBlock& cipher, const uint8_t* header_ciphertext) noexcept {
    FixedBytes<16> seed = cipher.encrypt(first16(mac.digest()));
    for (std::size_t i = 0; i < 16; ++i) seed[i] ^= header_ciphertext[i];
    mac.update(seed);
    return first16(mac.digest());
}

// mac.update(frame-ciphertext); frame-mac-seed = aes(mac-secret, digest[:16]) ^ digest[:16]; mac.update(seed);
// frame-mac = keccak256.digest(mac)[:16].
FixedBytes<16> frame_mac(crypto::Keccak256& mac, AesBlock& cipher, ByteView frame_ciphertext) noexcept {
    mac.update(frame_ciphertext);
    const FixedBytes<16> prefix = first16(mac.digest());
    FixedBytes<16> seed = cipher.encrypt(prefix);
    for (std::size_t i = 0; i < 16; ++i) seed[i] ^= prefix[i];
    mac.update(seed);
    return first16(mac.digest());
}

const FixedBytes<16> kZeroIv{};

}  // namespace

FrameEncoder::FrameEncoder(const Secrets& secrets) noexcept
    : aes_(secrets.aes, kZeroIv), mac_cipher_(secrets.mac), mac_(secrets.egress_mac) {}

void FrameEncoder::encode(ByteView head, ByteView tail, Bytes& out) {
    const std::size_t size = head.size() + tail.size();
    HYPASIS_ASSERT(size <= kMaxFrameSize);
    const std::size_t start = out.size();
    out.resize(start + kFrameHeaderSize + frame_body_size(size));
    uint8_t* p = out.data() + start;

    uint8_t* header = p;
    std::fill(header, header + 16, uint8_t{0});
    header[0] = static_cast<uint8_t>(size >> 16);
    header[1] = static_cast<uint8_t>(size >> 8);
    header[2] = static_cast<uint8_t>(size);
    header[3] = 0xc2;  // header-data: [capability-id = 0, context-id = 0], as other clients send it
    header[4] = 0x80;
    header[5] = 0x80;
    aes_.apply({header, 16});
    const FixedBytes<16> hmac = header_mac(mac_, mac_cipher_, header);
    std::copy(hmac.begin(), hmac.end(), header + 16);

    uint8_t* frame = p + kFrameHeaderSize;
    const std::size_t padded = frame_body_size(size) - 16;
    std::copy(head.begin(), head.end(), frame);
    std::copy(tail.begin(), tail.end(), frame + head.size());
    std::fill(frame + size, frame + padded, uint8_t{0});
    aes_.apply({frame, padded});
    const FixedBytes<16> fmac = frame_mac(mac_, mac_cipher_, ByteView{frame, padded});
    std::copy(fmac.begin(), fmac.end(), frame + padded);
}

FrameDecoder::FrameDecoder(const Secrets& secrets, std::size_t max_frame_size) noexcept
    : aes_(secrets.aes, kZeroIv),
      mac_cipher_(secrets.mac),
      mac_(secrets.ingress_mac),
      max_frame_size_(std::min(max_frame_size, kMaxFrameSize)) {}

Expected<std::size_t, RlpxError> FrameDecoder::decode_header(ByteView header) noexcept {
    HYPASIS_ASSERT(header.size() == kFrameHeaderSize);
    const FixedBytes<16> expected = header_mac(mac_, mac_cipher_, header.data());
    if (CRYPTO_memcmp(expected.data(), header.data() + 16, 16) != 0) return unexpected(RlpxError::kBadHeaderMac);
    uint8_t plain[16];
    std::copy(header.begin(), header.begin() + 16, plain);
    aes_.apply({plain, 16});
    const std::size_t size = (std::size_t{plain[0]} << 16) | (std::size_t{plain[1]} << 8) | plain[2];
    if (size > max_frame_size_) return unexpected(RlpxError::kFrameTooLarge);
    return size;
}

Expected<std::span<uint8_t>, RlpxError> FrameDecoder::decode_body(std::span<uint8_t> body,
                                                                  std::size_t frame_size) noexcept {
    HYPASIS_ASSERT(body.size() == frame_body_size(frame_size));
    const std::size_t padded = body.size() - 16;
    const FixedBytes<16> expected = frame_mac(mac_, mac_cipher_, ByteView{body.data(), padded});
    if (CRYPTO_memcmp(expected.data(), body.data() + padded, 16) != 0) return unexpected(RlpxError::kBadFrameMac);
    aes_.apply(body.first(padded));
    return body.first(frame_size);
}

}  // namespace hypasis::p2p::rlpx
