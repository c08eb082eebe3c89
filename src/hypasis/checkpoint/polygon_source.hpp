#pragma once
/// Interface only: the Polygon PoS checkpoint source on L1 (its implementation is a separate issue).
///
/// Heimdall checkpoints are submitted to the RootChain contract on Ethereum L1 with the signatures of validators
/// holding ≥ ⌊2/3 · total stake⌋ + 1 (StakeManager's checkSignatures). This source reads, over L1 JSON-RPC:
/// - RootChain.currentHeaderBlock() and headerBlocks(id): the latest checkpoint's [start, end] Bor block range and
///   its root hash (the Merkle root of the Bor headers in that range);
/// - the validator set and stakes from StakeManager, as a ValidatorSet with QuorumRule::kPolygon.
/// The Checkpoint it returns names the Bor block `end` (block_hash and state_root from the Bor header, checked
/// against the root hash once those headers are fetched by sync).
#include <cstdint>
#include <string>

#include "hypasis/checkpoint/source.hpp"

namespace hypasis::checkpoint {

struct PolygonL1Config {
    uint64_t chain_id{137};
    std::string l1_rpc_url;         ///< http(s):// Ethereum JSON-RPC endpoint.
    Address root_chain_contract{};  ///< RootChainProxy on L1.
    Address stake_manager_contract{};
    HttpOptions http;
};

class PolygonL1Source : public CheckpointSource {
  public:
    /// The latest checkpoint submitted to L1 (already accepted by the contract's own signature check).
    Task<Expected<Checkpoint, SourceError>> fetch() override = 0;

    /// The validator set of StakeManager at the L1 block the checkpoint was read at (rule kPolygon).
    virtual Task<Expected<ValidatorSet, SourceError>> validator_set() = 0;
};

}  // namespace hypasis::checkpoint
