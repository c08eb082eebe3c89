#pragma once
/// Fault profiles of devnet peers, and FaultyProvider: a p2p::peers::BlockProvider that serves a shared chain
/// (any BlockProvider, normally one MemoryBlockProvider for all peers) with one profile's fault:
///
/// | profile     | what a client sees |
/// |-------------|--------------------|
/// | honest      | the chain, unchanged |
/// | slow        | every GetBlockHeaders answer delayed by `slow_latency`; every served byte (headers, bodies, receipts) costs 1 / `slow_bytes_per_second` s |
/// | flaky       | the chain, unchanged; the Devnet closes the peer's sessions every `flaky_period` (a provider cannot drop a connection) |
/// | withholding | no answer: each read blocks until shutdown() or `withhold_limit`, then serves nothing; head() is honest, so the Status handshake succeeds |
/// | invalid     | in every header run, the middle header has a changed parent hash (so it links neither down nor up), and every body and receipt list is the one of the next block (or the previous, at the head) |
/// | lying       | head() claims `lie_ahead` more blocks than the chain has, with a hash no block has; reads are honest, so the claimed head cannot be served |
///
/// Why the provider: the fault then goes through the real PeerManager, session and server code paths, so a
/// client sees exactly what a faulty remote node would send, framed correctly.
///
/// Blocking: the slow and withholding profiles sleep in the calling (serving pool) thread. The Devnet sizes each
/// peer's pool to max_peers + 1 threads, and a session serves one request at a time, so a withheld request can
/// never starve another client of the same peer or the head refresh. shutdown() wakes every sleeper at once.
///
/// Thread-safety: every method may be called from any thread, concurrently (as BlockProvider requires).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/devnet/net/error.hpp"
#include "hypasis/p2p/peers/block_provider.hpp"

namespace hypasis::devnet {

enum class PeerProfile : uint8_t { kHonest, kSlow, kFlaky, kWithholding, kInvalid, kLying };

/// "honest", "slow", "flaky", "withholding", "invalid", "lying".
std::string_view to_string(PeerProfile p) noexcept;
/// The inverse of to_string(PeerProfile); nullopt for any other text.
std::optional<PeerProfile> profile_from_string(std::string_view s) noexcept;

/// Parses `--peers`: a count K (1..64: K honest peers) or a comma-separated list of profile names (1..64 entries).
/// kBadProfile names the unknown entry and lists the known ones; kBadOptions for an empty list or a bad count.
/// Details do not name the option (the caller does).
Expected<std::vector<PeerProfile>, DevnetError> parse_peer_profiles(std::string_view spec);

/// The knobs of the fault profiles.
struct FaultConfig {
    std::chrono::milliseconds slow_latency{200};
    uint64_t slow_bytes_per_second{uint64_t{1} << 20};  ///< 0: no bandwidth cap
    std::chrono::milliseconds withhold_limit{std::chrono::minutes(10)};
    uint64_t lie_ahead{1000};
};

class FaultyProvider final : public p2p::peers::BlockProvider {
  public:
    /// `chain` must outlive this provider.
    FaultyProvider(p2p::peers::BlockProvider& chain, PeerProfile profile, FaultConfig config);

    /// Wakes every sleeping call; from now on nothing sleeps (withholding answers nothing at once). Idempotent.
    void shutdown();

    [[nodiscard]] PeerProfile profile() const noexcept { return profile_; }
    /// GetBlockHeaders / body / receipt reads served so far (for tests).
    [[nodiscard]] uint64_t reads() const noexcept { return reads_.load(); }

    p2p::peers::ChainHead head() override;
    std::optional<Bytes> header_rlp(uint64_t block_num) override;
    std::optional<uint64_t> block_number(const Hash& hash) override;
    std::optional<Bytes> body_rlp(const Hash& hash) override;
    std::optional<Bytes> receipts_rlp(const Hash& hash, ReceiptForm form) override;
    std::size_t header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                            std::vector<Bytes>& out) override;

  private:
    /// Sleeps `d` unless shut down (then returns at once). Returns false when shut down.
    bool pause(std::chrono::nanoseconds d);
    void charge_bytes(std::size_t bytes);
    /// The hash of the block the invalid profile serves instead of `hash`'s (its neighbour), or nullopt.
    std::optional<Hash> neighbour_of(const Hash& hash);

    p2p::peers::BlockProvider& chain_;
    PeerProfile profile_;
    FaultConfig config_;
    std::atomic<uint64_t> reads_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool shut_down_{false};
};

/// The header RLP with its parent hash changed (every byte flipped), re-encoded; nullopt when `rlp` does not
/// decode. What the invalid profile serves.
std::optional<Bytes> unlinked_header(ByteView rlp);

}  // namespace hypasis::devnet
