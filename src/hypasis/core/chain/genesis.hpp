#pragma once
/// geth's genesis.json: parsing, the genesis state root, the genesis block header, and the ChainSpec of a custom
/// chain. Core does no I/O: the caller reads the file and passes its text.
///
/// Parsing follows geth (core/gen_genesis.go, types/gen_account.go, params/config.go), field by field:
///  - nonce, timestamp, gasLimit, number, gasUsed, excessBlobGas, blobGasUsed, account nonce: 64-bit, as a JSON
///    number or a string holding "0x…" hex or decimal; "" is 0 (math.HexOrDecimal64).
///  - difficulty, baseFeePerGas, account balance: 256-bit, same forms, at most 64 hex or 78 decimal digits
///    (math.HexOrDecimal256).
///  - extraData, account code: "0x"-prefixed hex strings of even length (hexutil.Bytes).
///  - mixHash, parentHash: "0x" + 64 hex digits; coinbase, config.depositContractAddress: "0x" + 40 hex digits.
///  - alloc keys: 40 hex digits with or without "0x"; storage keys and values: up to 64 hex digits (even count),
///    optional "0x", left-padded to 32 bytes.
///  - config: chainId and every `<fork>Block` / `<fork>Time` field geth, Bor and BSC know, as JSON integer
///    literals; terminalTotalDifficulty (any size up to 256 bits); daoForkSupport; depositContractAddress;
///    blobSchedule.<fork>.{target, max, baseFeeUpdateFraction}; the engine object (ethash, clique, bor, parlia).
///  - gasLimit, difficulty, alloc and each account's balance are required, as in geth; config and config.chainId
///    too (geth cannot start without them). null counts as absent. Unknown fields are ignored, as in geth.
///  - The fork order is checked as geth's CheckConfigForkOrder does, and every blob fork scheduled by timestamp
///    must have a blobSchedule entry.
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/chain/error.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/types/header.hpp"

namespace hypasis::chain {

/// geth params.GenesisGasLimit: the gas limit of a genesis whose gasLimit is 0.
inline constexpr uint64_t kGenesisGasLimit = 4712388;
/// geth params.GenesisDifficulty: the difficulty of a proof-of-work genesis built without one.
inline constexpr uint64_t kGenesisDifficulty = 131072;
/// geth params.InitialBaseFee (EIP-1559): the base fee of a London genesis that does not set one.
inline constexpr uint64_t kInitialBaseFee = 1'000'000'000;

/// keccak256(rlp([])): the ommers hash of a block without ommers.
inline constexpr Hash kEmptyOmmersHash{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                       0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                       0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};
/// sha256 of no data: the EIP-7685 requests hash of a block without requests.
inline constexpr Hash kEmptyRequestsHash{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                         0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                         0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

/// One pre-funded account of the genesis state.
struct GenesisAccount {
    U256 balance{};
    uint64_t nonce{0};
    Bytes code;
    /// Storage slot -> value, as written in the file. Zero values are kept here but store nothing (a zero slot is
    /// an empty slot), so they do not change the storage root.
    std::map<Hash, Hash> storage;

    friend bool operator==(const GenesisAccount&, const GenesisAccount&) = default;
};

/// A parsed genesis.json: the chain rules and the genesis block's fields and state.
struct Genesis {
    ChainConfig config;
    uint64_t nonce{0};
    uint64_t timestamp{0};
    Bytes extra_data;
    uint64_t gas_limit{0};  ///< 0 means kGenesisGasLimit.
    /// Required in a genesis.json; nullopt only for a Genesis built in code, which then gets geth's default: 0 when
    /// the chain is not ethash, kGenesisDifficulty when mix_hash is zero, else 0.
    std::optional<U256> difficulty;
    Hash mix_hash{};
    Address coinbase{};
    std::map<Address, GenesisAccount> alloc;
    // Fields for consensus tests (geth: "don't use them in actual genesis blocks").
    uint64_t number{0};
    uint64_t gas_used{0};
    Hash parent_hash{};
    std::optional<U256> base_fee_per_gas;
    std::optional<uint64_t> excess_blob_gas;
    std::optional<uint64_t> blob_gas_used;

    friend bool operator==(const Genesis&, const Genesis&) = default;
};

/// Parses the text of a geth genesis.json under the rules in the file comment. Errors name the offending field
/// by its JSON path. Throws only std::bad_alloc.
Expected<Genesis, ChainError> parse_genesis_json(std::string_view json);

/// The state root of the genesis alloc: a secure trie (keys keccak256(address)) of RLP([nonce, balance,
/// storageRoot, keccak256(code)]), each storage root a secure trie of RLP(value without leading zero bytes).
/// Every listed account is in the state, even an empty one (geth commits the genesis without deleting empty
/// objects). Throws only std::bad_alloc.
Hash genesis_state_root(const Genesis& genesis);

/// The genesis header as geth's Genesis.ToBlock builds it, with the given state root:
///  - gasLimit 0 becomes kGenesisGasLimit; a missing difficulty gets geth's default (see Genesis::difficulty);
///  - baseFeePerGas is kept when given; London at block 0 sets it to kInitialBaseFee when absent;
///  - Shanghai active at (number, timestamp): withdrawalsRoot = the empty trie root;
///  - Cancun active: blobGasUsed and excessBlobGas (0 unless given), parentBeaconBlockRoot = zero;
///  - Prague active: requestsHash = sha256 of nothing (EIP-7685);
///  - empty ommers, transactions and receipts; zero bloom.
/// Throws only std::bad_alloc.
BlockHeader genesis_header(const Genesis& genesis, const Hash& state_root);

/// genesis_header(genesis, genesis_state_root(genesis)). Throws only std::bad_alloc.
BlockHeader genesis_header(const Genesis& genesis);

/// The spec of the chain a genesis.json describes: name "custom", network id = chain id, the genesis header and
/// its hash, the genesis timestamp, and the parsed rules. Throws only std::bad_alloc.
ChainSpec spec_from_genesis(const Genesis& genesis);

/// The chain selected on the command line by `--chain NAME` or `--genesis FILE` (exactly one): a built-in chain
/// by name (kUnknownChain, field = the name), or the spec of the genesis.json text (its parse errors). Neither
/// given: kNoChainSource; both: kConflictingChainSources. Throws only std::bad_alloc.
Expected<ChainSpec, ChainError> resolve_chain(std::optional<std::string_view> name,
                                              std::optional<std::string_view> genesis_json);

}  // namespace hypasis::chain
