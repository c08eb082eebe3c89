#include "hypasis/node/commands/block_inspect.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/block_json.hpp"
#include "hypasis/core/json/pretty.hpp"
#include "hypasis/core/validation/body_roots.hpp"
#include "hypasis/node/commands/rlp_stream_reader.hpp"

namespace hypasis::node {
namespace {

boost::json::object root_check(const std::optional<Hash>& header, const std::optional<Hash>& computed) {
    boost::json::object out;
    out["header"] = header ? boost::json::value(to_hex(*header)) : boost::json::value(nullptr);
    out["computed"] = computed ? boost::json::value(to_hex(*computed)) : boost::json::value(nullptr);
    out["ok"] = header == computed;
    return out;
}

// Writes blocks in the chosen framing: one object alone, an array of several, or one line each (--ndjson).
// Holds back the first block until a second one (or the end) shows which of the first two it is.
class BlockSink {
public:
    BlockSink(std::FILE* out, bool ndjson) : out_(out), ndjson_(ndjson) {}

    void add(const boost::json::object& block) {
        if (ndjson_) {
            write(boost::json::serialize(block));
            write("\n");
            return;
        }
        std::string text = json::serialize_pretty(block);
        if (count_ == 0) {
            held_ = std::move(text);
        } else {
            if (count_ == 1) write("[\n" + indented(held_));
            write(",\n" + indented(text));
        }
        ++count_;
    }

    // Closes the output: the held single block, or the end of the array.
    void finish() {
        if (ndjson_) return;
        if (count_ == 0) {
            write("[]\n");
        } else if (count_ == 1) {
            write(held_ + "\n");
        } else {
            write("\n]\n");
        }
    }

    bool failed() const { return std::ferror(out_) != 0; }

private:
    // An array element: the block's pretty text shifted right by one level.
    static std::string indented(const std::string& text) {
        std::string out = "  ";
        out.reserve(text.size() + text.size() / 16);
        for (char c : text) {
            out += c;
            if (c == '\n') out += "  ";
        }
        return out;
    }

    void write(std::string_view s) { std::fwrite(s.data(), 1, s.size(), out_); }

    std::FILE* out_;
    bool ndjson_;
    std::size_t count_{0};
    std::string held_;
};

struct InputResult {
    bool ok{true};         // every block decoded
    bool checks_ok{true};  // every check passed
};

InputResult inspect_stream(std::FILE* in, const std::string& name, const BlockInspectOptions& opts,
                           const chain::ChainSpec* spec, BlockSink& sink, std::FILE* err) {
    InputResult result;
    RlpStreamReader reader(in, opts.max_block_bytes);
    for (uint64_t index = 0;; ++index) {
        auto item = reader.next();
        auto report = [&](const std::string& what) {
            std::fprintf(err, "hypasis: block inspect: %s: block #%llu at byte %llu: %s\n", name.c_str(),
                         static_cast<unsigned long long>(index), static_cast<unsigned long long>(reader.item_offset()),
                         what.c_str());
            result.ok = false;
        };
        if (!item) {
            report(item.error().message(reader.max_item_bytes()));
            return result;
        }
        if (!item->has_value()) return result;

        ByteView bytes = **item;
        auto block = decode_block_item(bytes);
        if (!block) {
            report(std::string(rlp::to_string(block.error())));
            return result;
        }
        const uint64_t number = block->header.header.number;
        const bool low_s = spec == nullptr || spec->config.is_homestead(number);
        InspectedBlock inspected = inspect_block(*block, low_s);
        result.checks_ok = result.checks_ok && inspected.checks_ok;
        sink.add(inspected.json);
    }
}

}  // namespace

InspectedBlock inspect_block(const Block& block, bool require_low_s) {
    const auto& txns = block.body.transactions;
    std::vector<std::optional<Address>> senders(txns.size());
    boost::json::array failed;
    for (std::size_t i = 0; i < txns.size(); ++i) {
        auto sender = recover_sender(txns[i], require_low_s);
        if (sender) {
            senders[i] = *sender;
            continue;
        }
        boost::json::object f;
        f["index"] = i;
        f["hash"] = to_hex(txns[i].hash);
        f["error"] = to_string(sender.error());
        failed.emplace_back(std::move(f));
    }

    const BlockHeader& h = block.header.header;
    const validation::BodyRoots roots = validation::compute_body_roots(block.body);

    InspectedBlock out;
    out.json = json::block_to_json(block, json::TxnDetail::kFull, senders);

    boost::json::object checks;
    boost::json::object txs_root = root_check(h.transactions_root, roots.transactions_root);
    boost::json::object ommers = root_check(h.ommers_hash, roots.ommers_hash);
    boost::json::object withdrawals = root_check(h.withdrawals_root, roots.withdrawals_root);
    const bool senders_ok = failed.empty();
    out.checks_ok = txs_root["ok"].as_bool() && ommers["ok"].as_bool() && withdrawals["ok"].as_bool() && senders_ok;
    checks["ok"] = out.checks_ok;
    checks["transactionsRoot"] = std::move(txs_root);
    checks["ommersHash"] = std::move(ommers);
    checks["withdrawalsRoot"] = std::move(withdrawals);
    boost::json::object senders_check;
    senders_check["ok"] = senders_ok;
    senders_check["failed"] = std::move(failed);
    checks["senders"] = std::move(senders_check);
    out.json["checks"] = std::move(checks);
    return out;
}

int run_block_inspect(const BlockInspectOptions& opts, const chain::ChainSpec* spec, std::FILE* out, std::FILE* err) {
    std::vector<std::string> files = opts.files;
    if (files.empty()) files.emplace_back("-");

    BlockSink sink(out, opts.ndjson);
    bool ok = true;
    bool checks_ok = true;
    for (const std::string& file : files) {
        const bool is_stdin = file == "-";
        const std::string name = is_stdin ? "<stdin>" : file;
        std::FILE* in = is_stdin ? stdin : std::fopen(file.c_str(), "rb");
        if (in == nullptr) {
            std::fprintf(err, "hypasis: block inspect: %s: cannot open: %s\n", name.c_str(), std::strerror(errno));
            ok = false;
            break;
        }
        const InputResult r = inspect_stream(in, name, opts, spec, sink, err);
        if (!is_stdin) std::fclose(in);
        checks_ok = checks_ok && r.checks_ok;
        if (!r.ok) {
            ok = false;
            break;
        }
    }
    sink.finish();
    if (std::fflush(out) != 0 || sink.failed()) {
        std::fprintf(err, "hypasis: block inspect: cannot write the output: %s\n", std::strerror(errno));
        return 1;
    }
    if (!ok) return 1;
    if (opts.strict && !checks_ok) return 2;
    return 0;
}

void add_block_commands(CLI::App& app, int& exit_code) {
    CLI::App* block = app.add_subcommand("block", "Work with blocks in RLP form");
    block->require_subcommand(1);

    auto opts = std::make_shared<BlockInspectOptions>();
    CLI::App* inspect = block->add_subcommand(
        "inspect",
        "Decode RLP blocks (one, or many concatenated as in a geth chain file) and print each as "
        "eth_getBlockByNumber(n, true) JSON with a \"checks\" object. One block: a JSON object; zero or several: a "
        "JSON array. Exit 0 when every block decodes, 2 with --strict if a check failed, 1 on unreadable or "
        "malformed input.");
    inspect->add_option("files", opts->files, "RLP block files; '-' or none reads stdin");
    inspect->add_flag("--ndjson", opts->ndjson, "One compact JSON object per line, whatever the block count");
    inspect->add_flag("--strict", opts->strict, "Exit 2 when any check (roots, senders) fails");
    inspect->add_option("--max-block-bytes", opts->max_block_bytes, "Cap on one block's RLP size")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
    add_chain_options(*inspect, opts->chain, false);
    inspect->callback([opts, &exit_code]() {
        std::optional<chain::ChainSpec> spec;
        if (has_chain(opts->chain)) spec = resolve_chain_options(opts->chain);
        exit_code = run_block_inspect(*opts, spec ? &*spec : nullptr, stdout, stderr);
    });
}

}  // namespace hypasis::node
