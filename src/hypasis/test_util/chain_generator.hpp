#pragma once
/// Tests name the chain generator through hypasis::test (it lives in devnet/, which `hypasis devnet` also uses).
#include "hypasis/devnet/chain/chain_generator.hpp"

namespace hypasis::test {

using devnet::ChainGenerator;
using devnet::ChainGeneratorOptions;
using devnet::GeneratedBlock;
using devnet::encode_chain;
using devnet::kGeneratedChainId;
using devnet::write_chain_file;

}  // namespace hypasis::test
