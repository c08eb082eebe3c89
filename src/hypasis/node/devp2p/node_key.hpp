#pragma once
/// The node key: the secp256k1 secret whose public key is our devp2p node id (the enode's id). It must be stable
/// across restarts, or peers that added us (admin_addPeer, static lists, bootnode lists) lose us.
///
/// File format: geth's `nodekey`: 64 hex digits (no 0x; one optional trailing newline; surrounding whitespace is
/// ignored when reading), so a key can move between geth and Hypasis.
///
/// - `load_or_create_node_key(<datadir>/nodekey)` reads the file, or on first run generates a key from OpenSSL's
///   CSPRNG and writes it with mode 0600 (created with O_EXCL through a temporary file, fsync'd and renamed, then
///   the directory fsync'd: a crash never leaves a half-written key, and two starts never race to different
///   keys).
/// - `load_node_key(FILE)` (for --nodekey) only reads: a key the operator names must exist.
/// Errors are one line for people (the path and what is wrong): missing, unreadable, not 64 hex digits, not a
/// valid secret key (zero or above the curve order). A key file readable by group or others is accepted with a
/// warning line in `warning` (geth does the same), since refusing would break existing setups.
#include <filesystem>
#include <string>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::node {

/// The key file's name inside the datadir.
inline constexpr const char* kNodeKeyFile = "nodekey";

struct NodeKey {
    crypto::SecretKey secret{};
    crypto::PublicKey id{};  ///< The node id (uncompressed public key without its 0x04 prefix).
    bool created{false};     ///< True when this call generated the key.
    std::string warning;     ///< Non-empty when the file's permissions are too open.
};

/// Reads the key in `path`. Errors as in the file comment. Throws only std::bad_alloc.
Expected<NodeKey, std::string> load_node_key(const std::filesystem::path& path);

/// Reads the key in `path`, or generates and writes one when the file does not exist. The parent directory must
/// exist. Throws only std::bad_alloc.
Expected<NodeKey, std::string> load_or_create_node_key(const std::filesystem::path& path);

}  // namespace hypasis::node
