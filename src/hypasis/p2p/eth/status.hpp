#pragma once
/// The eth handshake: Status (0x00) in its eth/68 and eth/69 layouts, BlockRangeUpdate (0x11), and the checks a
/// node applies to a peer's Status before the session becomes active (devp2p caps/eth.md, EIP-2124, EIP-7642).
///
/// Decoders are noexcept and strict (exact field counts, canonical RLP, whole payload consumed); encoders throw
/// only std::bad_alloc. All functions are thread-safe.
#include <cstdint>
#include <vector>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/chain/fork_id.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/p2p/eth/error.hpp"
#include "hypasis/p2p/eth/types.hpp"

namespace hypasis::p2p::eth {

/// Decodes a Status payload in the layout of `version` (see Status). The `version` field inside is read as sent;
/// validate_status() compares it with the negotiated version. The fork id is `[hash: B_4, next: P]`
/// (kInvalidField for a hash of another size). Errors: the shape errors of codec.hpp.
Expected<Status, EthError> decode_status(EthVersion version, ByteView payload) noexcept;

/// Encodes `s` in the layout of `version` (eth/68 writes td and head_hash; eth/69 writes earliest, latest and
/// head_hash as latestHash).
Bytes encode_status(EthVersion version, const Status& s);

/// Decodes BlockRangeUpdate `[earliest, latest, latestHash]`. Structural only: earliest > latest decodes, and
/// validate_block_range() rejects it, so the codec stays a faithful inverse of the encoder (the fuzz property).
Expected<BlockRangeUpdate, EthError> decode_block_range_update(ByteView payload) noexcept;
Bytes encode(const BlockRangeUpdate& m);

/// caps/eth.md, BlockRangeUpdate: "If earliest > latest, the peer should be disconnected" (kInvalidBlockRange).
Expected<void, EthError> validate_block_range(uint64_t earliest, uint64_t latest) noexcept;
inline Expected<void, EthError> validate_block_range(const BlockRangeUpdate& m) noexcept {
    return validate_block_range(m.earliest, m.latest);
}

/// What a node knows about itself to judge a peer's Status. Immutable once built; const access is thread-safe.
/// The head (number, time) must be refreshed (a new view) as our chain advances, since ForkID acceptance depends
/// on it (EIP-2124 rules 1 and 2).
struct LocalChainView {
    uint64_t network_id{0};
    Hash genesis_hash{};
    chain::ForkFilter fork_filter;
    uint64_t head_number{0};
    uint64_t head_time{0};

    /// A view of `spec` with our head at (number, time).
    static LocalChainView from_spec(const chain::ChainSpec& spec, uint64_t head_number, uint64_t head_time);
};

/// Whether a peer whose Status is `remote`, decoded on a session that negotiated `negotiated`, may stay. Checked in
/// this order, so the first failing rule names the error:
/// 1. remote.version == negotiated (kVersionMismatch; caps/eth.md's `version` is the session's version);
/// 2. network id (kNetworkIdMismatch);
/// 3. genesis hash (kGenesisMismatch);
/// 4. ForkID per EIP-2124 (with EIP-6122 time forks) at our head: kForkIdRemoteStale when the peer is on our
///    chain but did not apply a fork we passed (rule 2 failed), kForkIdIncompatible when it is on another chain
///    or announces a fork we do not know (rules 1a and 4);
/// 5. eth/69 only: earliest <= latest (kInvalidBlockRange).
/// eth/68's td is not checked: after the merge it carries no information (EIP-3675), and it may be anything.
Expected<void, EthError> validate_status(const LocalChainView& local, EthVersion negotiated,
                                         const Status& remote) noexcept;

}  // namespace hypasis::p2p::eth
