#pragma once
/// Persistence of peer bans. The peer manager keeps the live ban list in memory; a BanStore makes it survive a
/// restart. The node layer implements BanStore over BlockStore::put_record / scan_records under the "ban/"
/// prefix (key "ban/" + the 64-byte peer id, value encode_ban()); tests use MemoryBanStore.
///
/// Blocking: save() and erase() may block (RocksDB); the peer manager calls them off its network executor (on
/// the serving pool). load() is called once by PeerManager::start(), before any connection is accepted.
///
/// Thread-safety: implementations must be thread-safe (calls may come from different pool threads).
/// Errors: no method throws (except std::bad_alloc). A save that fails is the implementation's to log; the ban
/// still applies in memory for this run.
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/core/rlp/error.hpp"
#include "hypasis/p2p/discv4/endpoint.hpp"

namespace hypasis::p2p::peers {

/// Wall-clock time, because a ban's expiry must mean the same thing after a restart (steady_clock does not).
using WallClock = std::chrono::system_clock;

/// One ban. A banned peer id is refused on accept and never dialed; when `ip` is set, inbound connections from
/// that address are refused too (whatever key they present), except that loopback addresses are never banned by
/// address (tests and local nodes share 127.0.0.1).
struct Ban {
    crypto::PublicKey peer_id{};           ///< The 64-byte node id (STYLE.md's peer_id).
    std::optional<discv4::IpAddress> ip;   ///< The address the offence came from, when known.
    std::optional<WallClock::time_point> until;  ///< Expiry; nullopt means permanent.
    std::string reason;                    ///< Human-readable ("protocol violation: malformed rlp", ...).

    /// True while the ban applies at wall-clock time `now`.
    [[nodiscard]] bool active(WallClock::time_point now) const noexcept { return !until || now < *until; }

    friend bool operator==(const Ban&, const Ban&) = default;
};

/// The stored form of a ban: RLP [peer_id: B_64, ip: B_0/4/16, until_unix_ms: P (0 = permanent), reason: B].
/// Throws only std::bad_alloc.
Bytes encode_ban(const Ban& ban);

/// Decodes encode_ban()'s output strictly (exact shape, canonical RLP, sizes; a reason over 1 KiB is kTooLarge).
/// Times are kept to the millisecond. noexcept.
Expected<Ban, rlp::DecodingError> decode_ban(ByteView stored) noexcept;

/// Where bans persist. See the file comment for blocking, thread-safety and errors.
class BanStore {
  public:
    virtual ~BanStore() = default;
    /// Every stored ban, expired ones included (the manager drops those and erases them).
    virtual std::vector<Ban> load() = 0;
    /// Stores `ban`, replacing any ban of the same peer id.
    virtual void save(const Ban& ban) = 0;
    /// Removes the ban of `peer_id`, if any.
    virtual void erase(const crypto::PublicKey& peer_id) = 0;
};

/// An in-memory BanStore for tests (and for a node run without a datadir). Thread-safe (one mutex).
/// It stores the encode_ban() bytes and decodes them on load(), so tests exercise the stored form too.
class MemoryBanStore final : public BanStore {
  public:
    std::vector<Ban> load() override;
    void save(const Ban& ban) override;
    void erase(const crypto::PublicKey& peer_id) override;

    /// Bans currently stored.
    [[nodiscard]] std::size_t size() const;
    /// The stored ban of `peer_id`, if any.
    [[nodiscard]] std::optional<Ban> find(const crypto::PublicKey& peer_id) const;
    /// How many save() calls were made (for tests: "the ban was persisted").
    [[nodiscard]] std::size_t save_count() const;

  private:
    mutable std::mutex mutex_;
    std::map<crypto::PublicKey, Bytes> rows_;
    std::size_t saves_{0};
};

}  // namespace hypasis::p2p::peers
