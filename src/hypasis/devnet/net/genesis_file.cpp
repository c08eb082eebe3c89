#include "hypasis/devnet/net/genesis_file.hpp"

#include <boost/json.hpp>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::devnet {
namespace {

namespace json = boost::json;

// A 256-bit quantity the way geth's math.HexOrDecimal256 reads it: a decimal string.
json::value u256_value(const U256& x) { return json::value(x.to_string()); }

Expected<json::object, GenesisFileError> config_json(const chain::ChainConfig& c) {
    json::object o;
    o["chainId"] = c.chain_id;
    for (const auto& a : c.forks) {
        // Bor's nested forks live in a `bor` object that also needs Bor's engine settings: not ours to invent.
        if (!a.in_fork_id) {
            return unexpected(GenesisFileError{GenesisFileErrc::kUnsupportedConfig,
                                               "fork " + std::string(chain::to_string(a.fork)) + " (Bor's bor object)"});
        }
        std::string key(chain::to_string(a.fork));
        key += a.trigger == chain::ForkTrigger::kBlock ? "Block" : "Time";
        o[key] = a.at;
    }
    if (c.dao_fork_support) o["daoForkSupport"] = true;
    if (c.terminal_total_difficulty) {
        // The parser wants a JSON integer literal here; Boost.JSON writes at most 64 bits.
        if (!c.terminal_total_difficulty->fits_u64()) {
            return unexpected(GenesisFileError{GenesisFileErrc::kUnsupportedConfig, "terminal total difficulty > 2^64"});
        }
        o["terminalTotalDifficulty"] = c.terminal_total_difficulty->limb(0);
    }
    if (c.merge_block) {
        return unexpected(GenesisFileError{GenesisFileErrc::kUnsupportedConfig, "merge block"});
    }
    if (c.deposit_contract) o["depositContractAddress"] = to_hex(*c.deposit_contract);
    if (!c.blob_schedule.empty()) {
        json::object schedule;
        for (const auto& e : c.blob_schedule) {
            json::object p;
            p["target"] = e.params.target;
            p["max"] = e.params.max;
            p["baseFeeUpdateFraction"] = e.params.base_fee_update_fraction;
            schedule[std::string(chain::to_string(e.fork))] = std::move(p);
        }
        o["blobSchedule"] = std::move(schedule);
    }
    switch (c.consensus) {
        case chain::Consensus::kBeacon:
            break;  // no engine object: proof of stake from genesis
        case chain::Consensus::kEthash:
            o["ethash"] = json::object{};
            break;
        default:
            // clique, bor and parlia need engine parameters a ChainConfig does not keep.
            return unexpected(GenesisFileError{GenesisFileErrc::kUnsupportedConfig,
                                               "consensus " + std::string(chain::to_string(c.consensus))});
    }
    return o;
}

}  // namespace

std::string_view to_string(GenesisFileErrc e) noexcept {
    switch (e) {
        case GenesisFileErrc::kNoGenesisHeader: return "no genesis header";
        case GenesisFileErrc::kUnsupportedConfig: return "unsupported config";
        case GenesisFileErrc::kStateRootMismatch: return "state root mismatch";
        case GenesisFileErrc::kSpecMismatch: return "spec mismatch";
    }
    return "unknown genesis file error";
}

std::string to_string(const GenesisFileError& e) {
    std::string s(to_string(e.code));
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

Expected<std::string, GenesisFileError> genesis_json(const chain::ChainSpec& spec,
                                                     const std::map<Address, chain::GenesisAccount>& alloc) {
    if (!spec.genesis_header) return unexpected(GenesisFileError{GenesisFileErrc::kNoGenesisHeader, spec.name});
    const BlockHeader& h = *spec.genesis_header;

    chain::Genesis g;
    g.config = spec.config;
    g.alloc = alloc;
    if (chain::genesis_state_root(g) != h.state_root) {
        return unexpected(GenesisFileError{GenesisFileErrc::kStateRootMismatch,
                                           "the alloc's root is " + to_hex(chain::genesis_state_root(g)) +
                                               ", the genesis header's " + to_hex(h.state_root)});
    }

    auto config = config_json(spec.config);
    if (!config) return unexpected(std::move(config.error()));
    json::object o;
    o["config"] = std::move(*config);
    o["nonce"] = to_hex(h.nonce);
    o["timestamp"] = to_quantity(h.timestamp);
    o["extraData"] = to_hex(h.extra_data);
    o["gasLimit"] = to_quantity(h.gas_limit);
    o["difficulty"] = u256_value(h.difficulty);
    o["mixHash"] = to_hex(h.mix_hash);
    o["coinbase"] = to_hex(h.beneficiary);
    if (h.number != 0) o["number"] = to_quantity(h.number);
    if (h.gas_used != 0) o["gasUsed"] = to_quantity(h.gas_used);
    if (h.parent_hash != Hash{}) o["parentHash"] = to_hex(h.parent_hash);
    if (h.base_fee_per_gas) o["baseFeePerGas"] = u256_value(*h.base_fee_per_gas);
    if (h.excess_blob_gas) o["excessBlobGas"] = to_quantity(*h.excess_blob_gas);
    if (h.blob_gas_used) o["blobGasUsed"] = to_quantity(*h.blob_gas_used);
    json::object accounts;
    for (const auto& [address, account] : alloc) {
        json::object a;
        a["balance"] = u256_value(account.balance);
        if (account.nonce != 0) a["nonce"] = to_quantity(account.nonce);
        if (!account.code.empty()) a["code"] = to_hex(account.code);
        if (!account.storage.empty()) {
            json::object storage;
            for (const auto& [slot, value] : account.storage) storage[to_hex(slot)] = to_hex(value);
            a["storage"] = std::move(storage);
        }
        accounts[to_hex(address)] = std::move(a);
    }
    o["alloc"] = std::move(accounts);
    std::string text = json::serialize(o);

    // The file is only worth writing if it means the same chain to the reader that `run` uses.
    auto reparsed = chain::parse_genesis_json(text);
    if (!reparsed) {
        return unexpected(GenesisFileError{GenesisFileErrc::kSpecMismatch, "the written text does not parse: " +
                                                                              chain::to_string(reparsed.error())});
    }
    chain::ChainSpec again = chain::spec_from_genesis(*reparsed);
    again.name = spec.name;  // spec_from_genesis names every file-made spec "custom"
    if (again != spec) {
        return unexpected(GenesisFileError{GenesisFileErrc::kSpecMismatch,
                                           again.genesis_hash != spec.genesis_hash
                                               ? "genesis hash " + to_hex(again.genesis_hash) + " instead of " +
                                                     to_hex(spec.genesis_hash)
                                               : "the chain rules differ"});
    }
    return text;
}

std::map<Address, chain::GenesisAccount> generator_alloc(const ChainGenerator& gen) {
    std::map<Address, chain::GenesisAccount> alloc;
    for (const auto& key : gen.keys()) {
        const auto pub = crypto::public_key(key);
        if (!pub) continue;  // the generator asserts its keys are valid
        alloc[crypto::to_address(*pub)].balance = kGeneratorBalance;
    }
    return alloc;
}

Expected<std::string, GenesisFileError> generator_genesis_json(const ChainGenerator& gen) {
    return genesis_json(gen.spec(), generator_alloc(gen));
}

}  // namespace hypasis::devnet
