#include "hypasis/core/chain/genesis.hpp"

#include "hypasis/core/chain/genesis_fields.hpp"
#include "hypasis/core/chain/json_document.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/trie/trie.hpp"

namespace hypasis::chain {
namespace {

using detail::fail;
using detail::join;
using detail::JsonValue;
using detail::Parsed;

/// The member `key` of `obj` unless it is absent or null (Go treats null as absent).
const JsonValue* member(const JsonValue& obj, std::string_view key) noexcept {
    const JsonValue* v = obj.find(key);
    return v == nullptr || v->is_null() ? nullptr : v;
}

Parsed<GenesisAccount> parse_account(const JsonValue& v, const std::string& path) {
    if (!v.is_object()) return fail(ChainErrc::kWrongType, path);
    GenesisAccount acct;
    const JsonValue* balance = member(v, "balance");
    if (balance == nullptr) return fail(ChainErrc::kMissingField, join(path, "balance"));
    auto b = detail::hex_or_decimal_u256(*balance, join(path, "balance"));
    if (!b) return unexpected(std::move(b.error()));
    acct.balance = *b;
    if (const JsonValue* n = member(v, "nonce")) {
        auto r = detail::hex_or_decimal_u64(*n, join(path, "nonce"));
        if (!r) return unexpected(std::move(r.error()));
        acct.nonce = *r;
    }
    if (const JsonValue* c = member(v, "code")) {
        auto r = detail::hex_bytes(*c, join(path, "code"));
        if (!r) return unexpected(std::move(r.error()));
        acct.code = std::move(*r);
    }
    if (const JsonValue* s = member(v, "storage")) {
        const std::string storage_path = join(path, "storage");
        if (!s->is_object()) return fail(ChainErrc::kWrongType, storage_path);
        for (std::size_t i = 0; i < s->keys.size(); ++i) {
            const std::string slot_path = join(storage_path, s->keys[i]);
            auto key = detail::storage_word(s->keys[i], slot_path);
            if (!key) return unexpected(std::move(key.error()));
            const JsonValue& value = s->items[i];
            if (value.kind != JsonValue::Kind::kString) return fail(ChainErrc::kWrongType, slot_path);
            auto val = detail::storage_word(value.text, slot_path);
            if (!val) return unexpected(std::move(val.error()));
            acct.storage[*key] = *val;  // A repeated slot: the last one wins, as in geth and ethereumjs.
        }
    }
    return acct;
}

Parsed<void> parse_alloc(const JsonValue& v, Genesis& g) {
    if (!v.is_object()) return fail(ChainErrc::kWrongType, "alloc");
    for (std::size_t i = 0; i < v.keys.size(); ++i) {
        const std::string path = join("alloc", v.keys[i]);
        auto addr = detail::unprefixed_address(v.keys[i], path);
        if (!addr) return unexpected(std::move(addr.error()));
        auto acct = parse_account(v.items[i], path);
        if (!acct) return unexpected(std::move(acct.error()));
        g.alloc[*addr] = std::move(*acct);  // "0xAB…" and "ab…" are one address: the last one wins.
    }
    return {};
}

template <class T, class Fn>
Parsed<void> optional_field(const JsonValue& doc, std::string_view key, T& out, Fn&& parse) {
    if (const JsonValue* v = member(doc, key)) {
        auto r = parse(*v, key);
        if (!r) return unexpected(std::move(r.error()));
        out = std::move(*r);
    }
    return {};
}

/// The RLP of a storage value: the 32-byte word as a minimal big-endian integer. Empty for zero.
void encode_storage_value(Bytes& out, const Hash& v) {
    std::size_t i = 0;
    while (i < v.size() && v[i] == 0) ++i;
    rlp::encode_string(out, ByteView{v.data() + i, v.size() - i});
}

}  // namespace

Expected<Genesis, ChainError> parse_genesis_json(std::string_view json) {
    auto doc = detail::parse_json(json);
    if (!doc) return fail(ChainErrc::kInvalidJson, "");
    if (!doc->is_object()) return fail(ChainErrc::kWrongType, "");
    Genesis g;

    const JsonValue* config = member(*doc, "config");
    if (config == nullptr) return fail(ChainErrc::kMissingField, "config");
    auto cfg = detail::parse_chain_config(*config);
    if (!cfg) return unexpected(std::move(cfg.error()));
    g.config = std::move(*cfg);

    const auto u64 = [](const JsonValue& v, std::string_view f) { return detail::hex_or_decimal_u64(v, f); };
    const auto u256 = [](const JsonValue& v, std::string_view f) { return detail::hex_or_decimal_u256(v, f); };

    if (auto r = optional_field(*doc, "nonce", g.nonce, u64); !r) return unexpected(std::move(r.error()));
    if (auto r = optional_field(*doc, "timestamp", g.timestamp, u64); !r) return unexpected(std::move(r.error()));
    if (auto r = optional_field(*doc, "extraData", g.extra_data, detail::hex_bytes); !r) {
        return unexpected(std::move(r.error()));
    }
    if (member(*doc, "gasLimit") == nullptr) return fail(ChainErrc::kMissingField, "gasLimit");
    if (auto r = optional_field(*doc, "gasLimit", g.gas_limit, u64); !r) return unexpected(std::move(r.error()));
    if (member(*doc, "difficulty") == nullptr) return fail(ChainErrc::kMissingField, "difficulty");
    if (auto r = optional_field(*doc, "difficulty", g.difficulty, u256); !r) return unexpected(std::move(r.error()));
    if (auto r = optional_field(*doc, "mixHash", g.mix_hash, detail::prefixed_fixed<32>); !r) {
        return unexpected(std::move(r.error()));
    }
    if (auto r = optional_field(*doc, "coinbase", g.coinbase, detail::prefixed_fixed<20>); !r) {
        return unexpected(std::move(r.error()));
    }
    if (auto r = optional_field(*doc, "number", g.number, u64); !r) return unexpected(std::move(r.error()));
    if (auto r = optional_field(*doc, "gasUsed", g.gas_used, u64); !r) return unexpected(std::move(r.error()));
    if (auto r = optional_field(*doc, "parentHash", g.parent_hash, detail::prefixed_fixed<32>); !r) {
        return unexpected(std::move(r.error()));
    }
    if (auto r = optional_field(*doc, "baseFeePerGas", g.base_fee_per_gas, u256); !r) {
        return unexpected(std::move(r.error()));
    }
    if (auto r = optional_field(*doc, "excessBlobGas", g.excess_blob_gas, u64); !r) {
        return unexpected(std::move(r.error()));
    }
    if (auto r = optional_field(*doc, "blobGasUsed", g.blob_gas_used, u64); !r) {
        return unexpected(std::move(r.error()));
    }

    const JsonValue* alloc = member(*doc, "alloc");
    if (alloc == nullptr) return fail(ChainErrc::kMissingField, "alloc");
    if (auto r = parse_alloc(*alloc, g); !r) return unexpected(std::move(r.error()));
    return g;
}

Hash genesis_state_root(const Genesis& genesis) {
    trie::SecureTrie state;
    Bytes value;
    Bytes account;
    for (const auto& [address, acct] : genesis.alloc) {
        trie::SecureTrie storage;
        for (const auto& [slot, word] : acct.storage) {
            value.clear();
            encode_storage_value(value, word);
            if (value.size() == 1 && value[0] == 0x80) continue;  // A zero word stores nothing.
            storage.put(ByteView{slot.data(), slot.size()}, value);
        }
        const Hash storage_root = storage.root();
        const Hash code_hash = crypto::keccak256(acct.code);
        Bytes payload;
        rlp::encode_u64(payload, acct.nonce);
        rlp::encode_u256(payload, acct.balance);
        rlp::encode_fixed(payload, storage_root);
        rlp::encode_fixed(payload, code_hash);
        account.clear();
        rlp::encode_list(account, payload);
        state.put(ByteView{address.data(), address.size()}, account);
    }
    return state.root();
}

BlockHeader genesis_header(const Genesis& g, const Hash& state_root) {
    BlockHeader h;
    h.parent_hash = g.parent_hash;
    h.ommers_hash = kEmptyOmmersHash;
    h.beneficiary = g.coinbase;
    h.state_root = state_root;
    h.transactions_root = trie::kEmptyRoot;
    h.receipts_root = trie::kEmptyRoot;
    h.number = g.number;
    h.gas_limit = g.gas_limit == 0 ? kGenesisGasLimit : g.gas_limit;
    h.gas_used = g.gas_used;
    h.timestamp = g.timestamp;
    h.extra_data = g.extra_data;
    h.mix_hash = g.mix_hash;
    h.nonce = be64(g.nonce);
    if (g.difficulty) {
        h.difficulty = *g.difficulty;
    } else if (g.config.consensus == Consensus::kEthash && g.mix_hash == Hash{}) {
        h.difficulty = U256{kGenesisDifficulty};
    }  // else 0: geth leaves a non-ethash genesis (or one with a mix hash) at zero difficulty.

    // geth copies baseFeePerGas into the header whatever the forks, then fills the EIP-1559 default when London is
    // active at block 0 (not at the genesis number: geth asks IsLondon(common.Big0)).
    h.base_fee_per_gas = g.base_fee_per_gas;
    if (g.config.is_london(0) && !h.base_fee_per_gas) h.base_fee_per_gas = U256{kInitialBaseFee};
    if (g.config.is_shanghai(g.number, g.timestamp)) h.withdrawals_root = trie::kEmptyRoot;  // EIP-4895
    if (g.config.is_cancun(g.number, g.timestamp)) {
        h.blob_gas_used = g.blob_gas_used.value_or(0);      // EIP-4844
        h.excess_blob_gas = g.excess_blob_gas.value_or(0);  // EIP-4844
        h.parent_beacon_block_root = Hash{};                // EIP-4788: the genesis has no parent.
    }
    if (g.config.is_prague(g.number, g.timestamp)) h.requests_hash = kEmptyRequestsHash;  // EIP-7685
    return h;
}

BlockHeader genesis_header(const Genesis& genesis) { return genesis_header(genesis, genesis_state_root(genesis)); }

ChainSpec spec_from_genesis(const Genesis& genesis) {
    ChainSpec spec;
    spec.name = "custom";
    spec.network_id = genesis.config.chain_id;
    spec.config = genesis.config;
    BlockHeader header = genesis_header(genesis);
    spec.genesis_hash = hash_of(header);
    spec.genesis_timestamp = genesis.timestamp;
    spec.genesis_header = std::move(header);
    return spec;
}

Expected<ChainSpec, ChainError> resolve_chain(std::optional<std::string_view> name,
                                              std::optional<std::string_view> genesis_json) {
    if (name && genesis_json) return fail(ChainErrc::kConflictingChainSources, "");
    if (name) {
        const ChainSpec* spec = builtin_chain(*name);
        if (spec == nullptr) return fail(ChainErrc::kUnknownChain, *name);
        return *spec;
    }
    if (!genesis_json) return fail(ChainErrc::kNoChainSource, "");
    auto genesis = parse_genesis_json(*genesis_json);
    if (!genesis) return unexpected(std::move(genesis.error()));
    return spec_from_genesis(*genesis);
}

}  // namespace hypasis::chain
