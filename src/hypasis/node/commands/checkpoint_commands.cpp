#include "hypasis/node/commands/checkpoint_commands.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/registry.hpp"
#include "hypasis/checkpoint/sign.hpp"
#include "hypasis/checkpoint/source.hpp"
#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/pretty.hpp"
#include "hypasis/node/commands/datadir.hpp"

namespace hypasis::node {
namespace {

namespace bj = boost::json;
namespace ck = hypasis::checkpoint;

constexpr int kInvalid = 1;
constexpr int kInputError = 2;

void write(std::FILE* out, const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); }

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.size() > max_bytes) return std::nullopt;
    return s;
}

uint64_t unix_now() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

bool is_uri(const std::string& s) {
    return s.starts_with("file:") || s.starts_with("http://") || s.starts_with("https://") || s.starts_with("multi:");
}

// Fetches through a source on a private io_context (the CLI has no other).
Expected<ck::Checkpoint, ck::SourceError> fetch_blocking(ck::CheckpointSource& source) {
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, source.fetch(), boost::asio::use_future);
    io.run();
    return fut.get();
}

bj::object verified_json(const ck::VerifiedCheckpoint& v) {
    bj::object o;
    o["valid"] = true;
    for (auto& [k, val] : ck::verified_checkpoint_json(v)) o[k] = std::move(val);
    return o;
}

std::string verified_text(const ck::VerifiedCheckpoint& v) {
    const ck::Checkpoint& c = v.checkpoint;
    return "valid: chain " + std::to_string(c.chain_id) + " block " + std::to_string(c.block_num) + " " +
           to_hex(c.block_hash) + "\n  state root " + to_hex(c.state_root) + "\n  digest     " + to_hex(v.digest) +
           "\n  quorum     " + std::string(ck::to_string(v.rule)) + ": " + std::to_string(v.signers) + " of " +
           std::to_string(v.validators) + " validators signed, stake " + v.signed_stake.to_string() + " of " +
           v.total_stake.to_string() + "\n";
}

int refuse(bool json, std::FILE* out, std::FILE* err, std::string_view code, const std::string& message,
           bj::object extra = {}) {
    if (json) {
        bj::object o = std::move(extra);
        o["valid"] = false;
        o["error"] = std::string(code);
        o["message"] = message;
        write(out, json::serialize_pretty(o) + "\n");
    }
    std::fprintf(err, "hypasis: checkpoint verify: invalid: %s\n", message.c_str());
    return kInvalid;
}

int input_error(std::FILE* err, const char* cmd, const std::string& message) {
    std::fprintf(err, "hypasis: checkpoint %s: %s\n", cmd, message.c_str());
    return kInputError;
}

// Secret keys from files: 32-byte hex per line, '#' comments and blank lines ignored.
Expected<std::vector<FixedBytes<32>>, std::string> read_keys(const std::vector<std::string>& files) {
    std::vector<FixedBytes<32>> keys;
    for (const std::string& f : files) {
        const auto text = read_file(f, 1 << 20);
        if (!text) return unexpected("cannot read the key file " + f);
        std::istringstream lines(*text);
        std::string line;
        for (int n = 1; std::getline(lines, line); ++n) {
            if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
            while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
            std::size_t first = 0;
            while (first < line.size() && std::isspace(static_cast<unsigned char>(line[first]))) ++first;
            line.erase(0, first);
            if (line.empty()) continue;
            const auto key = fixed_from_hex<32>(line);
            if (!key) return unexpected(f + ":" + std::to_string(n) + ": not a 32-byte hex secret key");
            keys.push_back(*key);
        }
    }
    if (keys.empty()) return unexpected(std::string("no keys in the key files"));
    return keys;
}

bool write_output(const std::string& path, const std::string& text, std::FILE* out) {
    if (path.empty()) {
        write(out, text);
        return std::fflush(out) == 0;
    }
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    return static_cast<bool>(f.flush());
}

}  // namespace

int run_checkpoint_verify(const CheckpointVerifyOptions& opts, std::FILE* out, std::FILE* err) {
    const auto set_text = read_file(opts.validators, ck::kMaxJsonBytes);
    if (!set_text) return input_error(err, "verify", "cannot read the validator set " + opts.validators);
    auto set = ck::parse_validator_set(*set_text);
    if (!set) return input_error(err, "verify", opts.validators + ": " + ck::to_string(set.error()));

    ck::HttpOptions http;
    http.timeout = std::chrono::milliseconds(opts.timeout_ms);
    http.ca_file = opts.ca_file;
    const std::string uri = is_uri(opts.checkpoint) ? opts.checkpoint : "file:" + opts.checkpoint;
    auto source = ck::make_source(uri, http, &*set);
    if (!source) return input_error(err, "verify", ck::to_string(source.error()));
    auto fetched = fetch_blocking(**source);
    if (!fetched) {
        // A multi source that fetched but found no agreement refused the checkpoint; anything else is input.
        const bool refused =
            fetched.error().code == ck::SourceErrc::kNoQuorum || fetched.error().code == ck::SourceErrc::kConflict;
        if (refused) {
            return refuse(opts.json, out, err, ck::to_string(fetched.error().code), ck::to_string(fetched.error()));
        }
        return input_error(err, "verify", ck::to_string(fetched.error()));
    }

    auto verified = ck::verify(*fetched, *set);
    if (!verified) {
        const ck::VerifyError& e = verified.error();
        bj::object extra;
        if (!e.signature.empty()) extra["signature"] = e.signature;
        if (!e.signer.empty()) extra["signer"] = e.signer;
        if (e.code == ck::VerifyErrc::kInsufficientStake || e.code == ck::VerifyErrc::kInsufficientSigners) {
            extra["signed"] = e.signed_amount.to_string();
            extra["total"] = e.total.to_string();
            extra["required"] = e.required.to_string();
        }
        return refuse(opts.json, out, err, ck::code_name(e.code), ck::to_string(e), std::move(extra));
    }

    if (opts.save) {
        auto store = open_block_store(opts.datadir, StoreAccess::kCreate);
        if (!store) return input_error(err, "verify", store.error());
        ck::CheckpointRegistry registry(**store);
        ck::FreshnessPolicy policy;
        policy.max_age = std::chrono::seconds(opts.max_age_seconds);
        policy.allow_stale = opts.allow_stale;
        auto added = registry.add(*verified, uri, opts.now.value_or(unix_now()), policy);
        if (!added) {
            const bool refused =
                added.error().code != ck::RegistryErrc::kStore && added.error().code != ck::RegistryErrc::kCorrupt;
            if (!refused) return input_error(err, "verify", ck::to_string(added.error()));
            return refuse(opts.json, out, err, ck::to_string(added.error().code), ck::to_string(added.error()));
        }
    }
    write(out, opts.json ? json::serialize_pretty(verified_json(*verified)) + "\n" : verified_text(*verified));
    return std::fflush(out) == 0 ? 0 : kInputError;
}

int run_checkpoint_sign(const CheckpointSignOptions& opts, std::FILE* out, std::FILE* err) {
    ck::Checkpoint c;
    c.chain_id = opts.chain_id;
    c.block_num = opts.block_num;
    c.timestamp = opts.timestamp;
    const auto block_hash = fixed_from_hex<32>(opts.block_hash);
    const auto state_root = fixed_from_hex<32>(opts.state_root);
    if (!block_hash) return input_error(err, "sign", "--block-hash is not 32 bytes of hex");
    if (!state_root) return input_error(err, "sign", "--state-root is not 32 bytes of hex");
    c.block_hash = *block_hash;
    c.state_root = *state_root;
    const auto stake = U256::from_string(opts.stake);
    if (!stake) return input_error(err, "sign", "--stake is not a number");
    const auto rule = ck::quorum_rule_from_string(opts.quorum);
    if (!rule) return input_error(err, "sign", "--quorum must be generic, eth-sync-committee, polygon or bsc");
    auto keys = read_keys(opts.key_files);
    if (!keys) return input_error(err, "sign", keys.error());

    std::vector<ck::Validator> validators;
    if (opts.scheme == "ecdsa") {
        if (opts.aggregate) return input_error(err, "sign", "--aggregate is for BLS keys");
        for (const auto& k : *keys) {
            const auto pub = crypto::public_key(k);
            if (!pub) return input_error(err, "sign", "a key file holds an invalid secp256k1 secret key");
            (void)ck::add_ecdsa_signature(c, k);
            validators.push_back({ck::SignatureScheme::kEcdsa, crypto::to_address(*pub), std::nullopt, *stake});
        }
    } else if (opts.scheme == "bls") {
        std::vector<crypto::BlsSecretKey> bls;
        for (const auto& k : *keys) {
            auto sk = crypto::BlsSecretKey::from_bytes(k);
            if (!sk) return input_error(err, "sign", "a key file holds an invalid BLS secret key");
            bls.push_back(*sk);
            validators.push_back({ck::SignatureScheme::kBls, {}, crypto::bls_sk_to_pk(*sk), *stake});
        }
        if (opts.aggregate) {
            std::optional<ck::ValidatorSet> set;
            if (!opts.validators.empty()) {
                const auto text = read_file(opts.validators, ck::kMaxJsonBytes);
                if (!text) return input_error(err, "sign", "cannot read the validator set " + opts.validators);
                auto parsed = ck::parse_validator_set(*text);
                if (!parsed) return input_error(err, "sign", opts.validators + ": " + ck::to_string(parsed.error()));
                set = std::move(*parsed);
            } else {
                auto own = ck::ValidatorSet::create(opts.chain_id, *rule, validators);
                if (!own) return input_error(err, "sign", ck::to_string(own.error()));
                set = std::move(*own);
            }
            if (auto r = ck::set_bls_aggregate(c, bls, *set); !r) {
                return input_error(err, "sign", std::string(ck::to_string(r.error())));
            }
        } else {
            for (const auto& sk : bls) ck::add_bls_signature(c, sk);
        }
    } else {
        return input_error(err, "sign", "--scheme must be ecdsa or bls");
    }

    if (!opts.validators_out.empty()) {
        auto own = ck::ValidatorSet::create(opts.chain_id, *rule, validators);
        if (!own) return input_error(err, "sign", ck::to_string(own.error()));
        if (!write_output(opts.validators_out, json::serialize_pretty(ck::validator_set_to_json(*own)) + "\n", out)) {
            return input_error(err, "sign", "cannot write " + opts.validators_out);
        }
    }
    if (!write_output(opts.out, json::serialize_pretty(ck::checkpoint_to_json(c)) + "\n", out)) {
        return input_error(err, "sign", "cannot write " + (opts.out.empty() ? std::string("stdout") : opts.out));
    }
    return 0;
}

int run_checkpoint_list(const CheckpointListOptions& opts, std::FILE* out, std::FILE* err) {
    auto store = open_block_store(opts.datadir, StoreAccess::kExisting);
    if (!store) return input_error(err, "list", store.error());
    ck::CheckpointRegistry registry(**store);
    auto entries = registry.list();
    if (!entries) return input_error(err, "list", ck::to_string(entries.error()));
    if (opts.json) {
        bj::array a;
        for (const auto& e : *entries) {
            bj::object o = verified_json(e.checkpoint);
            o.erase("valid");
            o["source"] = e.source;
            o["verifiedAt"] = e.verified_at;
            o["revoked"] = e.revoked;
            o["current"] = e.current;
            a.push_back(std::move(o));
        }
        write(out, json::serialize_pretty(a) + "\n");
    } else if (entries->empty()) {
        write(out, "no checkpoints stored\n");
    } else {
        for (const auto& e : *entries) {
            const ck::Checkpoint& c = e.checkpoint.checkpoint;
            const char* flag = e.current ? "current" : e.revoked ? "revoked" : "";
            char line[256];
            std::snprintf(line, sizeof line, "%-8s chain %-6llu block %-10llu %s time %llu signers %zu/%zu\n", flag,
                          static_cast<unsigned long long>(c.chain_id), static_cast<unsigned long long>(c.block_num),
                          to_hex(c.block_hash).c_str(), static_cast<unsigned long long>(c.timestamp),
                          e.checkpoint.signers, e.checkpoint.validators);
            write(out, line);
        }
    }
    return std::fflush(out) == 0 ? 0 : kInputError;
}

int run_checkpoint_rollback(const CheckpointRollbackOptions& opts, std::FILE* out, std::FILE* err) {
    std::optional<Hash> hash;
    if (!opts.hash.empty()) {
        hash = fixed_from_hex<32>(opts.hash);
        if (!hash) return input_error(err, "rollback", "--hash is not 32 bytes of hex");
    }
    auto store = open_block_store(opts.datadir, StoreAccess::kExisting);
    if (!store) return input_error(err, "rollback", store.error());
    ck::CheckpointRegistry registry(**store);
    auto r = registry.rollback(opts.chain_id, opts.to, hash);
    if (!r) {
        std::fprintf(err, "hypasis: checkpoint rollback: %s\n", ck::to_string(r.error()).c_str());
        return kInvalid;
    }
    const ck::Checkpoint& c = r->checkpoint.checkpoint;
    write(out, "current checkpoint of chain " + std::to_string(c.chain_id) + " is now block " +
                   std::to_string(c.block_num) + " " + to_hex(c.block_hash) + "\n");
    return std::fflush(out) == 0 ? 0 : kInputError;
}

void register_checkpoint_commands(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("checkpoint", "Verify, sign, list and roll back checkpoints");
    cmd->require_subcommand(1);

    auto v = std::make_shared<CheckpointVerifyOptions>();
    CLI::App* verify = cmd->add_subcommand(
        "verify", "Verify a checkpoint against a validator set; exit 0 only when valid (1 refused, 2 bad input)");
    verify->add_option("--checkpoint", v->checkpoint, "Checkpoint JSON file, or a file:, http(s):// or multi: URI")
        ->required();
    verify->add_option("--validators", v->validators, "Validator set JSON file")->required();
    verify->add_flag("--json", v->json, "Print the result as JSON");
    add_datadir_option(*verify, v->datadir);
    verify->add_flag("--save", v->save, "Store the verified checkpoint in the registry of --datadir");
    verify->add_option("--max-age", v->max_age_seconds, "With --save: refuse checkpoints older than this (seconds)")
        ->capture_default_str();
    verify->add_flag("--allow-stale", v->allow_stale, "With --save: accept a checkpoint older than --max-age");
    verify->add_option("--timeout-ms", v->timeout_ms, "Deadline of an http(s) fetch")->capture_default_str();
    verify->add_option("--ca-file", v->ca_file, "Trust only these PEM roots for https (default: system store)");
    verify->callback([v, &exit_code]() { exit_code = run_checkpoint_verify(*v, stdout, stderr); });

    auto s = std::make_shared<CheckpointSignOptions>();
    CLI::App* sign = cmd->add_subcommand("sign", "Sign a checkpoint with secret keys from files (devnets, tests)");
    sign->add_option("--chain-id", s->chain_id, "Chain id")->required();
    sign->add_option("--block-num", s->block_num, "Block number")->required();
    sign->add_option("--block-hash", s->block_hash, "Block hash (0x + 64 hex)")->required();
    sign->add_option("--state-root", s->state_root, "State root (0x + 64 hex)")->required();
    sign->add_option("--timestamp", s->timestamp, "Block timestamp (Unix seconds)")->required();
    sign->add_option("--key-file", s->key_files, "File of hex secret keys, one per line (repeatable)")->required();
    sign->add_option("--scheme", s->scheme, "ecdsa or bls")->capture_default_str();
    sign->add_flag("--aggregate", s->aggregate, "BLS: one aggregate signature with a signer bitfield");
    sign->add_option("--validators", s->validators, "BLS aggregate: the set whose order gives the bit positions");
    sign->add_option("--validators-out", s->validators_out, "Also write a validator set of the keys here");
    sign->add_option("--stake", s->stake, "Stake of each validator in --validators-out")->capture_default_str();
    sign->add_option("--quorum", s->quorum, "Quorum rule of --validators-out")->capture_default_str();
    sign->add_option("--out", s->out, "Checkpoint output file (default: stdout)");
    sign->callback([s, &exit_code]() { exit_code = run_checkpoint_sign(*s, stdout, stderr); });

    auto l = std::make_shared<CheckpointListOptions>();
    CLI::App* list = cmd->add_subcommand("list", "Stored checkpoints, newest first");
    add_datadir_option(*list, l->datadir);
    list->add_flag("--json", l->json, "JSON instead of a table");
    list->callback([l, &exit_code]() { exit_code = run_checkpoint_list(*l, stdout, stderr); });

    auto r = std::make_shared<CheckpointRollbackOptions>();
    CLI::App* rollback = cmd->add_subcommand("rollback", "Make an earlier checkpoint current (revokes newer ones)");
    add_datadir_option(*rollback, r->datadir);
    rollback->add_option("--chain-id", r->chain_id, "Chain id")->required();
    rollback->add_option("--to", r->to, "Block number of the checkpoint to make current")->required();
    rollback->add_option("--hash", r->hash, "Its block hash (needed when two are stored at that number)");
    rollback->callback([r, &exit_code]() { exit_code = run_checkpoint_rollback(*r, stdout, stderr); });
}

}  // namespace hypasis::node
