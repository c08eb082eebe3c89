#pragma once
/// `hypasis checkpoint verify|sign|list|rollback` (docs/checkpoints.md).
///
/// - `verify --checkpoint SRC --validators V [--json] [--datadir D --save [--max-age S] [--allow-stale]]`: SRC is a
///   JSON file path or a source URI (file:, http://, https://, multi:K:...). Exit 0 only when the checkpoint is
///   valid; 1 when it is refused (the typed reason is printed: "invalid: insufficient stake: ..."); 2 when an input
///   cannot be read (file, JSON, source). With --save, the verified checkpoint goes to the registry in D after the
///   freshness check (refused: exit 1).
/// - `sign --chain-id --block-num --block-hash --state-root --timestamp --key-file F... [--scheme ecdsa|bls]
///   [--aggregate] [--validators V | --validators-out V2 [--stake S] [--quorum R]] [--out F]`: for devnets and
///   tests. Key files hold 32-byte hex secret keys, one per line ('#' comments and blank lines ignored).
/// - `list [--datadir D] [--json]`: the registry, newest first, with revoked and current flags.
/// - `rollback [--datadir D] --chain-id C --to N [--hash H]`: makes an earlier checkpoint current again.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace hypasis::node {

struct CheckpointVerifyOptions {
    std::string checkpoint;
    std::string validators;
    bool json{false};
    std::string datadir;
    bool save{false};
    uint64_t max_age_seconds{14 * 24 * 3600};
    bool allow_stale{false};
    uint64_t timeout_ms{10000};
    std::string ca_file;
    std::optional<uint64_t> now;  ///< Unix seconds; the system clock when unset (tests inject it).
};

struct CheckpointSignOptions {
    uint64_t chain_id{0};
    uint64_t block_num{0};
    std::string block_hash;
    std::string state_root;
    uint64_t timestamp{0};
    std::vector<std::string> key_files;
    std::string scheme{"ecdsa"};
    bool aggregate{false};
    std::string validators;      ///< An existing set (aggregate bit positions).
    std::string validators_out;  ///< Write a set of the keys here.
    std::string stake{"1"};
    std::string quorum{"generic"};
    std::string out;  ///< Empty: stdout.
};

struct CheckpointListOptions {
    std::string datadir;
    bool json{false};
};

struct CheckpointRollbackOptions {
    std::string datadir;
    uint64_t chain_id{0};
    uint64_t to{0};
    std::string hash;
};

/// Each runs its command, printing to `out` and `err`, and returns the exit code. Throw only std::bad_alloc.
int run_checkpoint_verify(const CheckpointVerifyOptions& opts, std::FILE* out, std::FILE* err);
int run_checkpoint_sign(const CheckpointSignOptions& opts, std::FILE* out, std::FILE* err);
int run_checkpoint_list(const CheckpointListOptions& opts, std::FILE* out, std::FILE* err);
int run_checkpoint_rollback(const CheckpointRollbackOptions& opts, std::FILE* out, std::FILE* err);

/// Adds `checkpoint` with its four subcommands to `app`. Callbacks store the exit code in `exit_code`, which must
/// outlive the parse.
void register_checkpoint_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
