#include "hypasis/checkpoint/checkpoint_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <initializer_list>

#include "hypasis/core/common/hex.hpp"

namespace hypasis::checkpoint {
namespace {

namespace bj = boost::json;

template <class T>
using Result = Expected<T, JsonError>;

Unexpected<JsonError> fail(JsonErrc code, std::string field, std::string detail = {}) {
    return unexpected(JsonError{code, std::move(field), std::move(detail)});
}

std::string join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "." + std::string(name);
}

Result<const bj::object*> as_object(const bj::value& v, const std::string& path) {
    if (!v.is_object()) return fail(JsonErrc::kNotAnObject, path, "expected an object");
    return &v.get_object();
}

Result<void> only_members(const bj::object& o, const std::string& path, std::initializer_list<std::string_view> names) {
    for (const auto& kv : o) {
        bool known = false;
        for (std::string_view n : names) known = known || kv.key() == n;
        if (!known) return fail(JsonErrc::kUnknownField, join(path, kv.key()));
    }
    return {};
}

Result<const bj::value*> member(const bj::object& o, const std::string& path, std::string_view name) {
    const bj::value* v = o.if_contains(name);
    if (v == nullptr) return fail(JsonErrc::kMissingField, join(path, name));
    return v;
}

Result<uint64_t> to_u64(const bj::value& v, const std::string& field) {
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
    if (v.is_string()) {
        if (const auto x = parse_u64(std::string_view(v.get_string())); x) return *x;
    }
    return fail(JsonErrc::kBadField, field, "expected an unsigned 64-bit integer (number, decimal or 0x-hex string)");
}

Result<U256> to_u256(const bj::value& v, const std::string& field) {
    if (v.is_uint64()) return U256{v.get_uint64()};
    if (v.is_int64() && v.get_int64() >= 0) return U256{static_cast<uint64_t>(v.get_int64())};
    if (v.is_string()) {
        const std::string_view s = v.get_string();
        if (!s.empty()) {
            if (const auto x = U256::from_string(s); x) return *x;
        }
    }
    return fail(JsonErrc::kBadField, field, "expected an unsigned 256-bit integer (decimal or 0x-hex string)");
}

Result<Bytes> to_hex_bytes(const bj::value& v, const std::string& field) {
    if (v.is_string()) {
        const std::string_view s = v.get_string();
        if (s.starts_with("0x") || s.starts_with("0X")) {
            if (auto b = from_hex(s); b) return std::move(*b);
        }
    }
    return fail(JsonErrc::kBadField, field, "expected 0x-prefixed hex");
}

template <std::size_t N>
Result<FixedBytes<N>> to_fixed_hex(const bj::value& v, const std::string& field) {
    auto b = to_hex_bytes(v, field);
    if (!b) return unexpected(b.error());
    if (b->size() != N) {
        return fail(JsonErrc::kBadField, field,
                    "expected " + std::to_string(N) + " bytes of hex, got " + std::to_string(b->size()));
    }
    return to_fixed<N>(*b);
}

Result<const bj::array*> as_array(const bj::value& v, const std::string& field) {
    if (!v.is_array()) return fail(JsonErrc::kBadField, field, "expected an array");
    if (v.get_array().size() > ValidatorSet::kMaxValidators) {
        return fail(JsonErrc::kTooLarge, field, "more than " + std::to_string(ValidatorSet::kMaxValidators));
    }
    return &v.get_array();
}

std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Parses {"signer": hex N, "signature": hex M} into (signer, signature).
template <std::size_t N, std::size_t M>
Result<std::pair<FixedBytes<N>, FixedBytes<M>>> signer_and_signature(const bj::value& v, const std::string& path) {
    auto o = as_object(v, path);
    if (!o) return unexpected(o.error());
    if (auto r = only_members(**o, path, {"signer", "signature"}); !r) return unexpected(r.error());
    auto signer_v = member(**o, path, "signer");
    if (!signer_v) return unexpected(signer_v.error());
    auto sig_v = member(**o, path, "signature");
    if (!sig_v) return unexpected(sig_v.error());
    auto signer = to_fixed_hex<N>(**signer_v, join(path, "signer"));
    if (!signer) return unexpected(signer.error());
    auto sig = to_fixed_hex<M>(**sig_v, join(path, "signature"));
    if (!sig) return unexpected(sig.error());
    return std::pair{*signer, *sig};
}

Result<bj::value> parse_text(std::string_view text) {
    if (text.size() > kMaxJsonBytes) {
        return fail(JsonErrc::kTooLarge, {},
                    std::to_string(text.size()) + " bytes, at most " + std::to_string(kMaxJsonBytes));
    }
    boost::system::error_code ec;
    bj::value v = bj::parse(text, ec);
    if (ec) return fail(JsonErrc::kSyntax, {}, ec.message());
    return v;
}

Result<void> parse_signatures(const bj::value& v, Checkpoint& c) {
    const std::string path = "signatures";
    auto o = as_object(v, path);
    if (!o) return unexpected(o.error());
    if (auto r = only_members(**o, path, {"ecdsa", "bls", "blsAggregate"}); !r) return r;
    if (const bj::value* e = (*o)->if_contains("ecdsa")) {
        const std::string p = join(path, "ecdsa");
        auto arr = as_array(*e, p);
        if (!arr) return unexpected(arr.error());
        for (std::size_t i = 0; i < (*arr)->size(); ++i) {
            auto s = signer_and_signature<20, 65>((**arr)[i], at(p, i));
            if (!s) return unexpected(s.error());
            c.ecdsa_signatures.push_back({s->first, s->second});
        }
    }
    if (const bj::value* b = (*o)->if_contains("bls")) {
        const std::string p = join(path, "bls");
        auto arr = as_array(*b, p);
        if (!arr) return unexpected(arr.error());
        for (std::size_t i = 0; i < (*arr)->size(); ++i) {
            auto s = signer_and_signature<48, 96>((**arr)[i], at(p, i));
            if (!s) return unexpected(s.error());
            c.bls_signatures.push_back({s->first, s->second});
        }
    }
    if (const bj::value* a = (*o)->if_contains("blsAggregate")) {
        const std::string p = join(path, "blsAggregate");
        auto ao = as_object(*a, p);
        if (!ao) return unexpected(ao.error());
        if (auto r = only_members(**ao, p, {"signers", "signature"}); !r) return r;
        auto bits_v = member(**ao, p, "signers");
        if (!bits_v) return unexpected(bits_v.error());
        auto sig_v = member(**ao, p, "signature");
        if (!sig_v) return unexpected(sig_v.error());
        auto bits = to_hex_bytes(**bits_v, join(p, "signers"));
        if (!bits) return unexpected(bits.error());
        if (bits->size() > ValidatorSet::kMaxValidators / 8) {
            return fail(JsonErrc::kTooLarge, join(p, "signers"), "bitfield longer than the largest validator set");
        }
        auto sig = to_fixed_hex<96>(**sig_v, join(p, "signature"));
        if (!sig) return unexpected(sig.error());
        c.bls_aggregate = BlsAggregateSignature{std::move(*bits), *sig};
    }
    return {};
}

}  // namespace

std::string_view to_string(JsonErrc e) noexcept {
    switch (e) {
        case JsonErrc::kSyntax:
            return "not JSON";
        case JsonErrc::kTooLarge:
            return "too large";
        case JsonErrc::kNotAnObject:
            return "not an object";
        case JsonErrc::kMissingField:
            return "missing field";
        case JsonErrc::kUnknownField:
            return "unknown field";
        case JsonErrc::kBadField:
            return "bad field";
        case JsonErrc::kInvalidSet:
            return "invalid validator set";
    }
    return "unknown";
}

std::string to_string(const JsonError& e) {
    std::string s(to_string(e.code));
    if (!e.field.empty()) s += ": " + e.field;
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

Expected<Checkpoint, JsonError> checkpoint_from_json(const bj::value& v) {
    auto o = as_object(v, {});
    if (!o) return unexpected(o.error());
    const bj::object& obj = **o;
    if (auto r = only_members(obj, {}, {"chainId", "blockNum", "blockHash", "stateRoot", "timestamp", "signatures"});
        !r) {
        return unexpected(r.error());
    }
    Checkpoint c;
    for (auto [name, out] : {std::pair{"chainId", &c.chain_id}, std::pair{"blockNum", &c.block_num},
                             std::pair{"timestamp", &c.timestamp}}) {
        auto m = member(obj, {}, name);
        if (!m) return unexpected(m.error());
        auto x = to_u64(**m, name);
        if (!x) return unexpected(x.error());
        *out = *x;
    }
    for (auto [name, out] : {std::pair{"blockHash", &c.block_hash}, std::pair{"stateRoot", &c.state_root}}) {
        auto m = member(obj, {}, name);
        if (!m) return unexpected(m.error());
        auto h = to_fixed_hex<32>(**m, name);
        if (!h) return unexpected(h.error());
        *out = *h;
    }
    auto sigs = member(obj, {}, "signatures");
    if (!sigs) return unexpected(sigs.error());
    if (auto r = parse_signatures(**sigs, c); !r) return unexpected(r.error());
    return c;
}

Expected<Checkpoint, JsonError> parse_checkpoint(std::string_view text) {
    auto v = parse_text(text);
    if (!v) return unexpected(v.error());
    return checkpoint_from_json(*v);
}

bj::object checkpoint_to_json(const Checkpoint& c) {
    bj::object o;
    o["chainId"] = c.chain_id;
    o["blockNum"] = c.block_num;
    o["blockHash"] = to_hex(c.block_hash);
    o["stateRoot"] = to_hex(c.state_root);
    o["timestamp"] = c.timestamp;
    bj::object sigs;
    if (!c.ecdsa_signatures.empty()) {
        bj::array a;
        for (const auto& s : c.ecdsa_signatures) {
            a.push_back(bj::object{{"signer", to_hex(s.signer)}, {"signature", to_hex(s.signature)}});
        }
        sigs["ecdsa"] = std::move(a);
    }
    if (!c.bls_signatures.empty()) {
        bj::array a;
        for (const auto& s : c.bls_signatures) {
            a.push_back(bj::object{{"signer", to_hex(s.signer)}, {"signature", to_hex(s.signature)}});
        }
        sigs["bls"] = std::move(a);
    }
    if (c.bls_aggregate) {
        sigs["blsAggregate"] = bj::object{{"signers", to_hex(c.bls_aggregate->signers_bitfield)},
                                          {"signature", to_hex(c.bls_aggregate->signature)}};
    }
    o["signatures"] = std::move(sigs);
    return o;
}

Expected<ValidatorSet, JsonError> validator_set_from_json(const bj::value& v) {
    auto o = as_object(v, {});
    if (!o) return unexpected(o.error());
    const bj::object& obj = **o;
    if (auto r = only_members(obj, {}, {"chainId", "quorum", "validators"}); !r) return unexpected(r.error());
    auto chain_v = member(obj, {}, "chainId");
    if (!chain_v) return unexpected(chain_v.error());
    auto chain_id = to_u64(**chain_v, "chainId");
    if (!chain_id) return unexpected(chain_id.error());
    auto rule_v = member(obj, {}, "quorum");
    if (!rule_v) return unexpected(rule_v.error());
    std::optional<QuorumRule> rule;
    if ((*rule_v)->is_string()) rule = quorum_rule_from_string(std::string_view((*rule_v)->get_string()));
    if (!rule)
        return fail(JsonErrc::kBadField, "quorum",
                    "expected \"generic\", \"eth-sync-committee\", \"polygon\" or \"bsc\"");
    auto vals_v = member(obj, {}, "validators");
    if (!vals_v) return unexpected(vals_v.error());
    auto arr = as_array(**vals_v, "validators");
    if (!arr) return unexpected(arr.error());

    std::vector<Validator> validators;
    validators.reserve((*arr)->size());
    for (std::size_t i = 0; i < (*arr)->size(); ++i) {
        const std::string path = at("validators", i);
        auto vo = as_object((**arr)[i], path);
        if (!vo) return unexpected(vo.error());
        if (auto r = only_members(**vo, path, {"scheme", "address", "publicKey", "stake"}); !r) {
            return unexpected(r.error());
        }
        Validator val;
        auto scheme_v = member(**vo, path, "scheme");
        if (!scheme_v) return unexpected(scheme_v.error());
        const bj::value& sv = **scheme_v;
        if (sv.is_string() && sv.get_string() == "ecdsa") {
            val.scheme = SignatureScheme::kEcdsa;
            if ((*vo)->contains("publicKey"))
                return fail(JsonErrc::kUnknownField, join(path, "publicKey"), "ECDSA validators are named by address");
            auto a = member(**vo, path, "address");
            if (!a) return unexpected(a.error());
            auto addr = to_fixed_hex<20>(**a, join(path, "address"));
            if (!addr) return unexpected(addr.error());
            val.address = *addr;
        } else if (sv.is_string() && sv.get_string() == "bls") {
            val.scheme = SignatureScheme::kBls;
            if ((*vo)->contains("address"))
                return fail(JsonErrc::kUnknownField, join(path, "address"), "BLS validators are named by public key");
            auto k = member(**vo, path, "publicKey");
            if (!k) return unexpected(k.error());
            auto key = to_fixed_hex<48>(**k, join(path, "publicKey"));
            if (!key) return unexpected(key.error());
            auto parsed = crypto::BlsPublicKey::parse(*key);
            if (!parsed)
                return fail(JsonErrc::kBadField, join(path, "publicKey"),
                            std::string(crypto::to_string(parsed.error())));
            val.bls_key = *parsed;
        } else {
            return fail(JsonErrc::kBadField, join(path, "scheme"), "expected \"ecdsa\" or \"bls\"");
        }
        auto stake_v = member(**vo, path, "stake");
        if (!stake_v) return unexpected(stake_v.error());
        auto stake = to_u256(**stake_v, join(path, "stake"));
        if (!stake) return unexpected(stake.error());
        val.stake = *stake;
        validators.push_back(std::move(val));
    }
    auto set = ValidatorSet::create(*chain_id, *rule, std::move(validators));
    if (!set) {
        return fail(JsonErrc::kInvalidSet, set.error().index ? at("validators", *set.error().index) : "validators",
                    std::string(to_string(set.error().code)));
    }
    return std::move(*set);
}

Expected<ValidatorSet, JsonError> parse_validator_set(std::string_view text) {
    auto v = parse_text(text);
    if (!v) return unexpected(v.error());
    return validator_set_from_json(*v);
}

bj::object validator_set_to_json(const ValidatorSet& set) {
    bj::object o;
    o["chainId"] = set.chain_id();
    o["quorum"] = std::string(to_string(set.rule()));
    bj::array a;
    for (const Validator& v : set.validators()) {
        bj::object e;
        e["scheme"] = std::string(to_string(v.scheme));
        if (v.scheme == SignatureScheme::kEcdsa) {
            e["address"] = to_hex(v.address);
        } else {
            e["publicKey"] = to_hex(v.bls_key->serialize());
        }
        e["stake"] = v.stake.to_string();
        a.push_back(std::move(e));
    }
    o["validators"] = std::move(a);
    return o;
}

boost::json::object verified_checkpoint_json(const VerifiedCheckpoint& v) {
    const Checkpoint& c = v.checkpoint;
    boost::json::object o;
    o["chainId"] = c.chain_id;
    o["blockNum"] = c.block_num;
    o["blockHash"] = to_hex(c.block_hash);
    o["stateRoot"] = to_hex(c.state_root);
    o["timestamp"] = c.timestamp;
    o["digest"] = to_hex(v.digest);
    o["rule"] = std::string(to_string(v.rule));
    o["signedStake"] = v.signed_stake.to_string();
    o["totalStake"] = v.total_stake.to_string();
    o["signers"] = v.signers;
    o["validators"] = v.validators;
    return o;
}

}  // namespace hypasis::checkpoint
