#pragma once
/// SSZ merkleization (consensus specs, ssz/simple-serialize.md "Merkleization") and Merkle-branch checks
/// (phase0 beacon-chain.md `is_valid_merkle_branch`, electra light-client `is_valid_normalized_merkle_branch`).
///
/// Every node hash goes through crypto::sha256_pair(), which reuses one OpenSSL context per thread (a one-shot
/// SHA256() per node would be about 4x slower, ENVIRONMENT-NOTES). All functions are pure, noexcept and
/// thread-safe.
#include <cstdint>
#include <span>

#include "hypasis/core/common/bytes.hpp"

namespace hypasis::ssz {

/// Deepest tree supported by zero_hash() and merkleize() (2^64 leaves: every SSZ limit fits).
inline constexpr unsigned kMaxDepth = 64;

/// The root of a tree of `depth` levels whose leaves are all zero chunks (zero_hash(0) is the zero chunk).
/// Precondition: depth <= kMaxDepth (a programming error otherwise; it aborts).
const Hash& zero_hash(unsigned depth) noexcept;

/// merkleize(chunks, limit): the root of the chunks padded with zero chunks up to the next power of two of
/// `limit` (which must be >= chunks.size(); a smaller one is a programming error and aborts). limit 0 and 1
/// both give a one-leaf tree (the spec's "limit 0 → zero chunk" case is chunks.empty() with limit 0).
Hash merkleize(std::span<const Hash> chunks, uint64_t limit) noexcept;

/// merkleize(chunks, chunks.size()): a fixed-length vector or a container's field roots.
inline Hash merkleize(std::span<const Hash> chunks) noexcept { return merkleize(chunks, chunks.size()); }

/// mix_in_length(root, length): sha256(root || uint256_le(length)), the root of a List or ByteList.
Hash mix_in_length(const Hash& root, uint64_t length) noexcept;

/// The chunk of a uint64 (little-endian, zero-padded).
Hash uint64_chunk(uint64_t x) noexcept;

/// The root of a fixed-size byte vector (ByteVector[N], BLSPubkey, BLSSignature, Bloom): its bytes packed into
/// 32-byte chunks, the last one zero-padded, and merkleized. A vector of at most 32 bytes is its own chunk.
Hash byte_vector_root(ByteView bytes) noexcept;

/// The root of a ByteList[limit]: merkleize(packed bytes, ceil(limit / 32)) mixed with the length.
/// Precondition: bytes.size() <= limit.
Hash byte_list_root(ByteView bytes, uint64_t limit) noexcept;

/// is_valid_merkle_branch: true when `leaf` at position `index` of a tree of `depth` levels, with the sibling
/// hashes `branch` (leaf level first), leads to `root`. False when branch.size() < depth or index >= 2^depth.
bool is_valid_merkle_branch(const Hash& leaf, std::span<const Hash> branch, unsigned depth, uint64_t index,
                            const Hash& root) noexcept;

/// floorlog2(gindex), the depth of a generalized index. Precondition: gindex >= 1.
unsigned gindex_depth(uint64_t gindex) noexcept;

/// is_valid_normalized_merkle_branch (electra light-client sync-protocol): the branch may be longer than the
/// generalized index's depth (a container of a later fork carrying a proof from an earlier one); the extra
/// leading entries must then be zero, and the rest must be a valid branch at gindex's depth and subtree index.
/// False for gindex 0 or a branch shorter than the depth.
bool is_valid_normalized_merkle_branch(const Hash& leaf, std::span<const Hash> branch, uint64_t gindex,
                                       const Hash& root) noexcept;

}  // namespace hypasis::ssz
