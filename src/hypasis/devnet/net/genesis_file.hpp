#pragma once
/// The geth genesis.json of a chain spec, so that `hypasis run --genesis FILE` (chain::parse_genesis_json, then
/// chain::spec_from_genesis) rebuilds exactly the same ChainSpec and genesis hash as the devnet's generator.
///
/// A ChainSpec does not carry the genesis state (only its root), so the caller passes the alloc; the writer
/// rebuilds the chain::Genesis from the spec's genesis header and config plus that alloc, and refuses to return a
/// file that would not reproduce the spec (kSpecMismatch, kStateRootMismatch): a file that silently describes
/// another chain would make every peer look like it is on the wrong network.
///
/// Pure functions, thread-safe; they throw only std::bad_alloc.
#include <map>
#include <string>
#include <string_view>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/chain/genesis.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/devnet/chain/chain_generator.hpp"

namespace hypasis::devnet {

enum class [[nodiscard]] GenesisFileErrc {
    kNoGenesisHeader = 1,  ///< The spec has no genesis header (a built-in chain known only by its hash).
    kUnsupportedConfig,    ///< A rule genesis.json cannot state (Bor's nested forks, a known merge block, clique...).
    kStateRootMismatch,    ///< The alloc's state root is not the genesis header's state root.
    kSpecMismatch,         ///< Parsing the written text back gives another spec (a bug here or in the parser).
};

std::string_view to_string(GenesisFileErrc e) noexcept;

struct GenesisFileError {
    GenesisFileErrc code{GenesisFileErrc::kNoGenesisHeader};
    std::string detail;  ///< Which field or rule.
};

/// "unsupported config: merge block" and the like.
std::string to_string(const GenesisFileError& e);

/// The text of a genesis.json for `spec` whose state is `alloc` (pretty-printed, newline-terminated). Checked
/// before it is returned: parse_genesis_json + spec_from_genesis of the text equal `spec`. Errors as
/// GenesisFileErrc says.
Expected<std::string, GenesisFileError> genesis_json(const chain::ChainSpec& spec,
                                                     const std::map<Address, chain::GenesisAccount>& alloc);

/// The balance ChainGenerator gives each of its fixed keys at genesis (a million ether). It is restated here
/// because the generator does not expose its genesis alloc; genesis_json() checks the state root, so a change on
/// either side is caught at once rather than producing a wrong file.
inline const U256 kGeneratorBalance = U256{1'000'000} * U256{1'000'000'000} * U256{1'000'000'000};

/// The genesis alloc of `gen`'s chain: each of gen.keys()'s addresses with kGeneratorBalance.
std::map<Address, chain::GenesisAccount> generator_alloc(const ChainGenerator& gen);

/// genesis_json(gen.spec(), generator_alloc(gen)).
Expected<std::string, GenesisFileError> generator_genesis_json(const ChainGenerator& gen);

}  // namespace hypasis::devnet
