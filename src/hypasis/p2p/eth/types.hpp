#pragma once
/// The eth wire protocol's versions, message codes, message types and decoding limits (devp2p caps/eth.md;
/// EIP-2481 request ids, EIP-5793 eth/68, EIP-7642 eth/69).
///
/// Every type here is a plain value: copyable, comparable, no invariants of its own. Decoded types own their data
/// (no views into the decoded payload), so a message outlives the frame it came in.
#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "hypasis/core/chain/fork_id.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/receipt.hpp"

namespace hypasis::p2p::eth {

/// The eth versions Hypasis speaks. The value is the capability version announced in the RLPx Hello.
enum class EthVersion : uint8_t {
    kEth68 = 68,
    kEth69 = 69,
};

/// Message codes, relative to the eth capability's offset in the RLPx message space (caps/eth.md).
namespace msg {
inline constexpr uint64_t kStatus = 0x00;
inline constexpr uint64_t kNewBlockHashes = 0x01;  ///< eth/68 only here (see README: dropped in eth/69).
inline constexpr uint64_t kTransactions = 0x02;
inline constexpr uint64_t kGetBlockHeaders = 0x03;
inline constexpr uint64_t kBlockHeaders = 0x04;
inline constexpr uint64_t kGetBlockBodies = 0x05;
inline constexpr uint64_t kBlockBodies = 0x06;
inline constexpr uint64_t kNewBlock = 0x07;  ///< eth/68 only here.
inline constexpr uint64_t kNewPooledTransactionHashes = 0x08;
inline constexpr uint64_t kGetPooledTransactions = 0x09;
inline constexpr uint64_t kPooledTransactions = 0x0a;
inline constexpr uint64_t kGetNodeData = 0x0d;  ///< Removed in eth/67 (EIP-4938); never accepted.
inline constexpr uint64_t kNodeData = 0x0e;     ///< Removed in eth/67.
inline constexpr uint64_t kGetReceipts = 0x0f;
inline constexpr uint64_t kReceipts = 0x10;
inline constexpr uint64_t kBlockRangeUpdate = 0x11;  ///< eth/69 (EIP-7642).
}  // namespace msg

/// How many message codes the version reserves in the RLPx message space (the next capability starts that many
/// codes after eth's offset): 17 for eth/68 (0x00..0x10), 18 for eth/69 (adds 0x11).
constexpr uint64_t message_space(EthVersion v) noexcept { return v == EthVersion::kEth69 ? 18 : 17; }

/// The recommended soft limit of a response (caps/eth.md: "The recommended soft limit for BlockHeaders
/// responses is 2 MiB", the same for bodies and receipts). For servers assembling responses; not a decoding cap.
inline constexpr std::size_t kSoftResponseBytes = std::size_t{2} << 20;

/// Hard caps applied while decoding a message from a peer. Each list is counted by walking its item headers
/// (without decoding the items) and checked against its cap before any vector is reserved, so a peer cannot
/// make us allocate beyond the cap or beyond what its bytes hold. Exceeding a cap fails with kTooManyItems.
///
/// To hold a response to what was requested, pass a copy whose response cap is the requested count (e.g.
/// max_headers = the GetBlockHeaders amount we sent): the decoder then fails before allocating for the excess.
/// The session layer still checks the response against the request (hashes, order), which needs the request.
struct Limits {
    /// Whole payload (after snappy). caps/eth.md: "The practical limits for the eth protocol are lower [than
    /// RLPx's 16.7 MiB], typically 10 MiB." kMessageTooLarge beyond.
    std::size_t max_message_size{std::size_t{10} << 20};
    /// Headers in one BlockHeaders response, and the most headers a server returns for one GetBlockHeaders (see
    /// serve_count()). 1024 is geth's maxHeadersServe. A GetBlockHeaders whose amount exceeds it is NOT an error:
    /// the spec lets the responder return fewer ("implementation-defined limits"), so it is clamped when served.
    std::size_t max_headers{1024};
    /// Hashes in one GetBlockBodies, GetReceipts or GetPooledTransactions request. Real clients ask for 128 bodies,
    /// 256 receipts lists or 256 pooled transactions at a time; a longer list is rejected (a server would not
    /// serve more than this anyway, and rejecting bounds the work of parsing).
    std::size_t max_hashes{1024};
    /// Bodies in one BlockBodies response.
    std::size_t max_bodies{1024};
    /// Blocks' receipt lists in one Receipts response.
    std::size_t max_receipt_lists{1024};
    /// Receipts of one block in a Receipts response.
    std::size_t max_receipts_per_block{kMaxReceiptsPerBlock};
    /// Per-body caps (transactions, ommers, withdrawals) for BlockBodies and NewBlock.
    BodyLimits body{};
    /// Transactions in one Transactions or PooledTransactions message. Above what 10 MiB of the smallest
    /// transactions (~85 bytes) can hold, so the size cap binds first; the count cap bounds the vector.
    std::size_t max_transactions{std::size_t{1} << 17};
    /// Entries of one NewPooledTransactionHashes or NewBlockHashes announcement: twice caps/eth.md's recommended
    /// soft limit of 4096 items.
    std::size_t max_announcements{8192};
};

/// GetBlockHeaders origin: a block number or a block hash (`startblock: {P, B_32}`).
using HeaderOrigin = std::variant<uint64_t, Hash>;

/// Status (0x00). One type for both layouts; the negotiated version picks the layout when encoding and decoding.
/// - eth/68: `[version, networkid, td, blockhash, genesis, forkid]` — `td` and `head_hash` (blockhash).
/// - eth/69: `[version, networkid, genesis, forkid, earliest, latest, latestHash]` — `earliest`, `latest` and
///   `head_hash` (latestHash). `td` is ignored (EIP-7642 removed it).
struct Status {
    uint64_t version{0};
    uint64_t network_id{0};
    U256 td{};  ///< eth/68 only.
    Hash head_hash{};
    Hash genesis_hash{};
    chain::ForkId fork_id{};
    uint64_t earliest{0};  ///< eth/69 only: the earliest block whose body and receipts are served.
    uint64_t latest{0};    ///< eth/69 only: the latest such block (head_hash is its hash).

    friend bool operator==(const Status&, const Status&) = default;
};

/// One NewBlockHashes entry `[blockhash, number]`.
struct BlockAnnouncement {
    Hash hash{};
    uint64_t number{0};
    friend bool operator==(const BlockAnnouncement&, const BlockAnnouncement&) = default;
};

/// NewBlockHashes (0x01), eth/68: `[[blockhash, number], ...]`.
struct NewBlockHashes {
    std::vector<BlockAnnouncement> entries;
    friend bool operator==(const NewBlockHashes&, const NewBlockHashes&) = default;
};

/// Transactions (0x02): `[tx₁, tx₂, ...]`. Kept opaque (Hypasis runs no transaction pool): each element's raw RLP
/// item (a list for legacy, a string wrapping type || payload for typed), checked only to be a well-formed item.
struct Transactions {
    std::vector<Bytes> items;
    friend bool operator==(const Transactions&, const Transactions&) = default;
};

/// GetBlockHeaders (0x03): `[request-id, [startblock, limit, skip, reverse]]`.
struct GetBlockHeaders {
    uint64_t request_id{0};
    HeaderOrigin origin{uint64_t{0}};
    uint64_t amount{0};  ///< As requested; may exceed Limits::max_headers (see serve_count()).
    uint64_t skip{0};
    bool reverse{false};
    friend bool operator==(const GetBlockHeaders&, const GetBlockHeaders&) = default;
};

/// BlockHeaders (0x04): `[request-id, [header₁, ...]]`. Each header keeps its received bytes and hash.
struct BlockHeaders {
    uint64_t request_id{0};
    std::vector<SealedHeader> headers;
    friend bool operator==(const BlockHeaders&, const BlockHeaders&) = default;
};

/// A request that is a list of hashes: GetBlockBodies (0x05), GetReceipts (0x0f), GetPooledTransactions (0x09),
/// all `[request-id, [hash₁, ...]]`.
struct HashesRequest {
    uint64_t request_id{0};
    std::vector<Hash> hashes;
    friend bool operator==(const HashesRequest&, const HashesRequest&) = default;
};
struct GetBlockBodies : HashesRequest {};
struct GetReceipts : HashesRequest {};
struct GetPooledTransactions : HashesRequest {};

/// BlockBodies (0x06): `[request-id, [block-body₁, ...]]`.
struct BlockBodies {
    uint64_t request_id{0};
    std::vector<BlockBody> bodies;
    friend bool operator==(const BlockBodies&, const BlockBodies&) = default;
};

/// NewBlock (0x07), eth/68: `[block, td]`.
struct NewBlock {
    Block block;
    U256 td{};
    friend bool operator==(const NewBlock&, const NewBlock&) = default;
};

/// NewPooledTransactionHashes (0x08), the eth/68 form (EIP-5793): `[txtypes: B, [txsize₁: P, ...], [txhash₁, ...]]`,
/// three lists of equal length (kInvalidField otherwise).
struct NewPooledTransactionHashes {
    Bytes types;
    std::vector<uint32_t> sizes;  ///< geth and reth read sizes as 32-bit; a wider one is kValueOverflow.
    std::vector<Hash> hashes;
    friend bool operator==(const NewPooledTransactionHashes&, const NewPooledTransactionHashes&) = default;
};

/// PooledTransactions (0x0a): `[request-id, [tx₁, ...]]`, kept opaque like Transactions.
struct PooledTransactions {
    uint64_t request_id{0};
    std::vector<Bytes> items;
    friend bool operator==(const PooledTransactions&, const PooledTransactions&) = default;
};

/// Receipts (0x10): `[request-id, [[receipt₁, ...], ...]]`, one list per requested block, in the negotiated
/// version's form (eth/68: consensus receipts with blooms; eth/69: slim, EIP-7642).
struct Receipts {
    uint64_t request_id{0};
    std::vector<std::vector<Receipt>> receipts;
    friend bool operator==(const Receipts&, const Receipts&) = default;
};

/// BlockRangeUpdate (0x11), eth/69: `[earliest, latest, latestHash]`.
struct BlockRangeUpdate {
    uint64_t earliest{0};
    uint64_t latest{0};
    Hash latest_hash{};
    friend bool operator==(const BlockRangeUpdate&, const BlockRangeUpdate&) = default;
};

/// The receipt form of a version: kEth68 (consensus, with blooms) or kSlim (eth/69).
constexpr ReceiptForm receipt_form(EthVersion v) noexcept {
    return v == EthVersion::kEth69 ? ReceiptForm::kSlim : ReceiptForm::kEth68;
}

/// How many headers a server returns for `req`: min(amount, limits.max_headers). Requests beyond the cap are
/// clamped, not rejected (geth does the same); a server may return fewer still (missing blocks, soft byte cap).
constexpr uint64_t serve_count(const GetBlockHeaders& req, const Limits& limits) noexcept {
    return req.amount < limits.max_headers ? req.amount : static_cast<uint64_t>(limits.max_headers);
}

}  // namespace hypasis::p2p::eth
