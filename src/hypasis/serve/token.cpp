#include "hypasis/serve/token.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/common/log.hpp"

namespace hypasis::serve {
namespace {

constexpr std::size_t kMinTokenChars = 16;
constexpr std::size_t kMaxTokenChars = 256;

TokenError io_error(const std::filesystem::path& path, std::string_view what, int err) {
    return TokenError{TokenErrc::kIo, "cannot " + std::string(what) + " the API token file " + path.string() + ": " +
                                          std::strerror(err)};
}

bool write_all(int fd, std::string_view text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

Expected<std::string, TokenError> read_token(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return unexpected(io_error(path, "read", errno));
    if (!S_ISREG(st.st_mode))
        return unexpected(TokenError{TokenErrc::kIo, "the API token file " + path.string() + " is not a regular file"});
    if (st.st_size > 4096)
        return unexpected(TokenError{TokenErrc::kMalformed, "the API token file " + path.string() + " is over 4 KiB"});
    if ((st.st_mode & 077) != 0)
        log::warn("serve", "API token file is readable by other users (chmod 600 it)", {{"path", path.string()}});
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(io_error(path, "read", errno));
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    const std::string token = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    bool printable = true;
    for (const char c : token) printable = printable && c > 0x20 && c < 0x7f;
    if (token.size() < kMinTokenChars || token.size() > kMaxTokenChars || !printable)
        return unexpected(TokenError{TokenErrc::kMalformed,
                                     "the API token file " + path.string() +
                                         " must hold one token of 16 to 256 printable characters without spaces"});
    return token;
}

}  // namespace

std::string_view to_string(TokenErrc e) noexcept {
    switch (e) {
        case TokenErrc::kIo:
            return "token file i/o";
        case TokenErrc::kMalformed:
            return "malformed token file";
    }
    return "unknown token error";
}

std::string to_string(const TokenError& e) { return e.detail.empty() ? std::string(to_string(e.code)) : e.detail; }

std::string generate_token() {
    std::array<uint8_t, 32> raw{};
    const int rc = RAND_bytes(raw.data(), static_cast<int>(raw.size()));
    HYPASIS_ASSERT(rc == 1);
    return to_hex(raw, false);
}

Expected<std::string, TokenError> load_or_create_token(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return read_token(path);
        return unexpected(io_error(path, "create", errno));
    }
    const std::string token = generate_token();
    const bool ok = write_all(fd, token + "\n") && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());  // never leave a half-written token behind for the next start to reject
        return unexpected(io_error(path, "write", err));
    }
    return token;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    // Walk the longer of the two in full, so that the time depends on the lengths alone.
    const std::size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

}  // namespace hypasis::serve
