#pragma once
/// The Beacon API's JSON forms of the light-client objects (beacon-APIs, `/eth/v1/beacon/light_client/*`): each
/// response is `{"version": FORK, "data": {...}}` (the updates endpoint answers an array of them), numbers are
/// decimal strings and byte strings are 0x-hex.
///
/// Parsing is strict: every field must be present with the right type and length; a committee or bitvector must
/// have the preset's size; extra_data is at most 32 bytes. A failure names the field's path ("data.header.beacon.
/// slot: not a decimal uint64"). Pure functions; throw only std::bad_alloc.
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/ssz/light_client_types.hpp"

namespace hypasis::beacon {

/// Parses `{"version", "data"}` of /light_client/bootstrap/{root}.
Expected<ssz::LightClientBootstrap, std::string> parse_bootstrap_json(const boost::json::value& v,
                                                                      std::size_t committee_size);
/// Parses one element of /light_client/updates.
Expected<ssz::LightClientUpdate, std::string> parse_update_json(const boost::json::value& v,
                                                                std::size_t committee_size);
/// Parses the array that /light_client/updates answers.
Expected<std::vector<ssz::LightClientUpdate>, std::string> parse_updates_json(const boost::json::value& v,
                                                                             std::size_t committee_size);
/// Parses /light_client/finality_update.
Expected<ssz::LightClientFinalityUpdate, std::string> parse_finality_update_json(const boost::json::value& v,
                                                                                 std::size_t committee_size);
/// Parses /light_client/optimistic_update.
Expected<ssz::LightClientOptimisticUpdate, std::string> parse_optimistic_update_json(const boost::json::value& v,
                                                                                     std::size_t committee_size);

/// The inner containers alone (the `data` subobjects), for the SSZ cross-check tool: `form` is the fork whose
/// layout applies.
Expected<ssz::BeaconBlockHeader, std::string> parse_beacon_block_header_json(const boost::json::value& v);
Expected<ssz::ExecutionPayloadHeader, std::string> parse_execution_payload_header_json(const boost::json::value& v,
                                                                                       ssz::Fork form);
Expected<ssz::LightClientHeader, std::string> parse_light_client_header_json(const boost::json::value& v,
                                                                             ssz::Fork form);
Expected<ssz::SyncCommittee, std::string> parse_sync_committee_json(const boost::json::value& v,
                                                                    std::size_t committee_size);
Expected<ssz::SyncAggregate, std::string> parse_sync_aggregate_json(const boost::json::value& v,
                                                                    std::size_t committee_size);

}  // namespace hypasis::beacon
