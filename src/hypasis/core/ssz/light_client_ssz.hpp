#pragma once
/// SSZ serialization and hash_tree_root of the light-client containers (light_client_types.hpp), for each fork's
/// form (consensus specs, ssz/simple-serialize.md).
///
/// Decoding is strict: exact fixed sizes, the first offset equal to the fixed part's size, offsets in order and
/// inside the input, extra_data at most 32 bytes. Every malformed input gets an SszError; nothing is asserted on
/// input bytes. Decoders allocate the committee vectors and throw only std::bad_alloc; the root functions are
/// noexcept. Everything is thread-safe (pure functions of their arguments).
#include <cstddef>
#include <string_view>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/ssz/light_client_types.hpp"

namespace hypasis::ssz {

enum class [[nodiscard]] SszError {
    kInputTooShort = 1,  ///< Fewer bytes than the container's fixed part (or than an offset points to).
    kInputTooLong,       ///< Bytes left over after a fixed-size container.
    kBadOffset,          ///< A variable field's offset is not where the fixed part ends, goes backwards, or is
                         ///< past the end.
    kExtraDataTooLong,   ///< extra_data is longer than MAX_EXTRA_DATA_BYTES.
    kUnsupportedFork,    ///< No light-client container before Altair.
    kBadCommitteeSize,   ///< The sync-committee size is zero or not a multiple of 8.
};

/// A short, stable name of the error.
std::string_view to_string(SszError e) noexcept;

// ---- decoding (form = the fork whose layout the bytes have; committee_size = SYNC_COMMITTEE_SIZE) ----

Expected<BeaconBlockHeader, SszError> decode_beacon_block_header(ByteView in) noexcept;
Expected<ExecutionPayloadHeader, SszError> decode_execution_payload_header(ByteView in, Fork form);
Expected<LightClientHeader, SszError> decode_light_client_header(ByteView in, Fork form);
Expected<SyncCommittee, SszError> decode_sync_committee(ByteView in, std::size_t committee_size);
Expected<SyncAggregate, SszError> decode_sync_aggregate(ByteView in, std::size_t committee_size);
Expected<LightClientBootstrap, SszError> decode_bootstrap(ByteView in, Fork form, std::size_t committee_size);
Expected<LightClientUpdate, SszError> decode_update(ByteView in, Fork form, std::size_t committee_size);
Expected<LightClientFinalityUpdate, SszError> decode_finality_update(ByteView in, Fork form,
                                                                    std::size_t committee_size);
Expected<LightClientOptimisticUpdate, SszError> decode_optimistic_update(ByteView in, Fork form,
                                                                        std::size_t committee_size);

// ---- encoding (the form recorded in the value; throws only std::bad_alloc) ----
// Precondition: the value is well formed for its form (branch lengths, extra_data size); the encoders do not
// re-check what the decoders and parsers already did.

Bytes encode(const BeaconBlockHeader& h);
Bytes encode(const ExecutionPayloadHeader& h, Fork form);
Bytes encode(const LightClientHeader& h);
Bytes encode(const SyncCommittee& c);
Bytes encode(const SyncAggregate& a);
Bytes encode(const LightClientBootstrap& b);
Bytes encode(const LightClientUpdate& u);
Bytes encode(const LightClientFinalityUpdate& u);
Bytes encode(const LightClientOptimisticUpdate& u);

// ---- hash_tree_root ----

Hash hash_tree_root(const BeaconBlockHeader& h) noexcept;
/// The root of the payload header in the given form: Capella's 15 fields, or Deneb's 17 (Electra and Fulu:
/// Deneb's). Precondition: form >= kCapella.
Hash hash_tree_root(const ExecutionPayloadHeader& h, Fork form) noexcept;
Hash hash_tree_root(const LightClientHeader& h) noexcept;
Hash hash_tree_root(const SyncCommittee& c) noexcept;
Hash hash_tree_root(const SyncAggregate& a) noexcept;
Hash hash_tree_root(const LightClientBootstrap& b) noexcept;
Hash hash_tree_root(const LightClientUpdate& u) noexcept;
Hash hash_tree_root(const LightClientFinalityUpdate& u) noexcept;
Hash hash_tree_root(const LightClientOptimisticUpdate& u) noexcept;

}  // namespace hypasis::ssz
