#include "hypasis/p2p/discv4/endpoint.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace hypasis::p2p::discv4 {

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) noexcept {
    IpAddress ip;
    ip.bytes_[0] = a;
    ip.bytes_[1] = b;
    ip.bytes_[2] = c;
    ip.bytes_[3] = d;
    ip.size_ = 4;
    return ip;
}

std::optional<IpAddress> IpAddress::from_bytes(ByteView raw) noexcept {
    if (raw.size() != 0 && raw.size() != 4 && raw.size() != 16) return std::nullopt;
    IpAddress ip;
    std::copy(raw.begin(), raw.end(), ip.bytes_.begin());
    ip.size_ = static_cast<uint8_t>(raw.size());
    return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) noexcept {
    // inet_pton needs a NUL-terminated string; the longest IPv6 text form is 45 characters.
    char buf[64];
    if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress ip;
    if (::inet_pton(AF_INET, buf, ip.bytes_.data()) == 1) {
        ip.size_ = 4;
        return ip;
    }
    if (::inet_pton(AF_INET6, buf, ip.bytes_.data()) == 1) {
        ip.size_ = 16;
        return ip;
    }
    return std::nullopt;
}

bool IpAddress::is_loopback() const noexcept {
    if (size_ == 4) return bytes_[0] == 127;
    if (size_ != 16) return false;
    static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes_.data(), kMappedPrefix, 12) == 0) return bytes_[12] == 127;
    for (std::size_t i = 0; i < 15; ++i) {
        if (bytes_[i] != 0) return false;
    }
    return bytes_[15] == 1;
}

bool IpAddress::is_unspecified() const noexcept {
    return std::all_of(bytes_.begin(), bytes_.begin() + size_, [](uint8_t b) { return b == 0; });
}

std::string IpAddress::to_string() const {
    char buf[64] = {};
    if (size_ == 4) ::inet_ntop(AF_INET, bytes_.data(), buf, sizeof(buf));
    if (size_ == 16) ::inet_ntop(AF_INET6, bytes_.data(), buf, sizeof(buf));
    return buf;
}

}  // namespace hypasis::p2p::discv4
