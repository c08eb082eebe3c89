#include "hypasis/node/devp2p/node_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/rand.h>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::node {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

Expected<NodeKey, std::string> from_secret(const crypto::SecretKey& secret, const std::filesystem::path& path) {
    auto pub = crypto::public_key(secret);
    if (!pub) return unexpected(path.string() + ": not a valid secp256k1 secret key (zero or above the curve order)");
    NodeKey key;
    key.secret = secret;
    key.id = *pub;
    return key;
}

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

Expected<NodeKey, std::string> load_node_key(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT) return unexpected("the node key file " + path.string() + " does not exist");
        return unexpected("cannot read the node key file " + path.string() + ": " + errno_text(err));
    }
    if (!S_ISREG(st.st_mode)) return unexpected("the node key file " + path.string() + " is not a regular file");
    if (st.st_size > 1024) return unexpected(path.string() + ": not a node key (over 1 KiB; expected 64 hex digits)");
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected("cannot read the node key file " + path.string() + ": " + errno_text(errno));
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    if (text.size() != 64) return unexpected(path.string() + ": not a node key (expected 64 hex digits)");
    auto secret = fixed_from_hex<32>(text);
    if (!secret) return unexpected(path.string() + ": not a node key (expected 64 hex digits)");
    auto key = from_secret(*secret, path);
    if (key && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        key->warning = "the node key file " + path.string() + " is readable by other users (chmod 600 it)";
    }
    return key;
}

Expected<NodeKey, std::string> load_or_create_node_key(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) || ec) return load_node_key(path);

    crypto::SecretKey secret{};
    for (int attempt = 0;; ++attempt) {
        if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
            return unexpected(std::string("cannot generate a node key: the system random source failed"));
        }
        if (crypto::public_key(secret)) break;  // a valid scalar (all but ~2^-128 of draws)
        if (attempt > 8) return unexpected(std::string("cannot generate a node key"));
    }
    const std::string text = to_hex(secret, false) + "\n";
    const std::filesystem::path tmp = path.string() + ".tmp";
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected("cannot create the node key file " + tmp.string() + ": " + errno_text(errno));
    const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
    const int write_err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        return unexpected("cannot write the node key file " + tmp.string() + ": " + errno_text(write_err));
    }
    // link() fails if another process created the key meanwhile: then that key wins and is read back.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        if (err == EEXIST) return load_node_key(path);
        return unexpected("cannot create the node key file " + path.string() + ": " + errno_text(err));
    }
    ::unlink(tmp.c_str());
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    auto key = from_secret(secret, path);
    if (key) key->created = true;
    return key;
}

}  // namespace hypasis::node
