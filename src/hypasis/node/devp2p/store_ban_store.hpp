#pragma once
/// StoreBanStore: peer bans (p2p/peers/ban_store.hpp) persisted in the block store's meta records, one record per
/// peer under key "ban/" + the 64-byte peer id, value p2p's encode_ban(). Written with Durability::kSync: a ban is
/// rare and must survive a crash that follows it.
///
/// - load() scans the prefix (at most kMaxBans records). A record that does not decode, or whose key does not
///   match the id inside it, is reported to the log sink, deleted, and skipped: a damaged ban must not stop the
///   node from starting, and forgetting one ban is the safe failure (the peer is judged afresh).
/// - save() and erase() report a failed write to the log sink; the ban still applies in memory for this run.
///
/// Thread-safety: every method may be called concurrently (the store's methods are thread-safe). The store must
/// outlive this object.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "hypasis/p2p/peers/ban_store.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::node {

/// The record prefix of bans in the store's meta column.
inline constexpr std::string_view kBanRecordPrefix = "ban/";

/// The record key of `peer_id`'s ban: "ban/" followed by the 64 raw id bytes.
Bytes ban_record_key(const crypto::PublicKey& peer_id);

class StoreBanStore final : public p2p::peers::BanStore {
  public:
    /// Bans loaded at most; more records than this are left unread (and logged).
    static constexpr std::size_t kMaxBans = 65536;

    /// `log` receives one line per problem (without a trailing newline); empty: stderr.
    explicit StoreBanStore(storage::BlockStore& store, std::function<void(const std::string&)> log = {});

    std::vector<p2p::peers::Ban> load() override;
    void save(const p2p::peers::Ban& ban) override;
    void erase(const crypto::PublicKey& peer_id) override;

  private:
    storage::BlockStore& store_;
    std::function<void(const std::string&)> log_;
};

}  // namespace hypasis::node
