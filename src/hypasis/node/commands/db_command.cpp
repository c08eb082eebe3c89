#include "hypasis/node/commands/db_command.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <ctime>
#include <memory>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/json/pretty.hpp"
#include "hypasis/node/commands/block_inspect.hpp"
#include "hypasis/node/commands/datadir.hpp"

namespace hypasis::node {
namespace {

using storage::DataKind;
using storage::Range;
using storage::RangeTracker;

constexpr DataKind kKinds[] = {DataKind::kHeaders, DataKind::kBodies, DataKind::kReceipts};

boost::json::object range_json(Range r) {
    boost::json::object o;
    o["first"] = r.first;
    o["end"] = r.end;
    return o;
}

// The gaps below the head, down to block 0.
std::vector<Range> all_gaps(const RangeTracker& tracker) {
    const auto head = tracker.highest();
    if (!head) return {};
    return tracker.gaps(Range{0, *head + 1});
}

std::string plural(uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string row(const char* what, Range r) {
    char buf[128];
    const int n = std::snprintf(buf, sizeof buf, "  %-6s  %-32s %12llu\n", what, storage::to_string(r).c_str(),
                                static_cast<unsigned long long>(r.size()));
    return std::string(buf, n < 0 ? 0 : static_cast<std::size_t>(n));
}

void write(std::FILE* out, const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); }

std::string utc(uint64_t timestamp) {
    const auto t = static_cast<std::time_t>(timestamp);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return "?";
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return std::string(buf, n);
}

// The short form of `db get` without --json.
std::string block_summary(const Block& block, bool checks_ok) {
    const BlockHeader& h = block.header.header;
    std::string s = "block " + std::to_string(h.number) + " " + to_hex(block.header.hash) + "\n";
    s += "  parent       " + to_hex(h.parent_hash) + "\n";
    s += "  timestamp    " + std::to_string(h.timestamp) + " (" + utc(h.timestamp) + ")\n";
    s += "  gas          " + std::to_string(h.gas_used) + " used of " + std::to_string(h.gas_limit) + "\n";
    if (h.base_fee_per_gas) s += "  base fee     " + h.base_fee_per_gas->to_string() + " wei\n";
    s += "  transactions " + std::to_string(block.body.transactions.size()) + "\n";
    if (!block.body.ommers.empty()) s += "  ommers       " + std::to_string(block.body.ommers.size()) + "\n";
    if (block.body.withdrawals) s += "  withdrawals  " + std::to_string(block.body.withdrawals->size()) + "\n";
    s += "  size         " + std::to_string(encoded_length(block)) + " bytes\n";
    s += std::string("  checks       ") + (checks_ok ? "ok" : "FAILED (see --json)") + "\n";
    return s;
}

}  // namespace

boost::json::object gaps_to_json(const RangeTracker& tracker) {
    boost::json::object o;
    const auto head = tracker.highest();
    o["head"] = head ? boost::json::value(*head) : boost::json::value(nullptr);
    o["storedBlocks"] = tracker.block_count();
    boost::json::array stored;
    for (Range r : tracker.intervals()) stored.emplace_back(range_json(r));
    boost::json::array gaps;
    uint64_t missing = 0;
    for (Range r : all_gaps(tracker)) {
        missing += r.size();
        gaps.emplace_back(range_json(r));
    }
    o["missingBlocks"] = missing;
    o["stored"] = std::move(stored);
    o["gaps"] = std::move(gaps);
    return o;
}

std::string gaps_table(DataKind kind, const RangeTracker& tracker, std::size_t max_rows) {
    std::string s(storage::to_string(kind));
    const auto head = tracker.highest();
    if (!head) return s + ": nothing stored\n";
    const std::vector<Range> gaps = all_gaps(tracker);
    uint64_t missing = 0;
    for (Range g : gaps) missing += g.size();
    s += ": " + std::to_string(tracker.block_count()) + " stored in " + plural(tracker.size(), "range", "ranges") +
         ", " + std::to_string(missing) + " missing in " + plural(gaps.size(), "gap", "gaps") + ", head " +
         std::to_string(*head) + "\n";

    // Intervals and gaps alternate; a gap comes first when block 0 is missing.
    std::size_t rows = 0;
    const std::size_t total_rows = tracker.size() + gaps.size();
    auto gap = gaps.begin();
    for (Range r : tracker.intervals()) {
        for (; gap != gaps.end() && gap->first < r.first && rows < max_rows; ++gap, ++rows) s += row("gap", *gap);
        if (rows >= max_rows) break;
        s += row("stored", r);
        ++rows;
    }
    if (rows < total_rows) {
        s += "  … " + plural(total_rows - rows, "more row", "more rows") + " (--all shows every one)\n";
    }
    return s;
}

int run_db_gaps(const DbGapsOptions& opts, std::FILE* out, std::FILE* err) {
    auto store = open_block_store(opts.datadir, StoreAccess::kExisting);
    if (!store) {
        std::fprintf(err, "hypasis: db gaps: %s\n", store.error().c_str());
        return 1;
    }
    if (opts.json) {
        boost::json::object o;
        for (DataKind k : kKinds) o[storage::to_string(k)] = gaps_to_json((*store)->tracker(k));
        write(out, json::serialize_pretty(o) + "\n");
    } else {
        for (DataKind k : kKinds)
            write(out, gaps_table(k, (*store)->tracker(k), opts.all ? SIZE_MAX : kDefaultGapRows));
    }
    return std::fflush(out) == 0 ? 0 : 1;
}

int run_db_get(const DbGetOptions& opts, std::FILE* out, std::FILE* err) {
    auto opened = open_block_store(opts.datadir, StoreAccess::kExisting);
    if (!opened) {
        std::fprintf(err, "hypasis: db get: %s\n", opened.error().c_str());
        return 1;
    }
    const storage::BlockStore& store = **opened;
    const uint64_t n = opts.block_num;
    auto block = store.get_block(n);
    if (!block) {
        const storage::StoreError& e = block.error();
        if (e.code == storage::StoreErrc::kCorrupted) {
            std::fprintf(err,
                         "hypasis: db get: block %llu is corrupted (%s); the store has removed it, so it now shows "
                         "as a gap\n",
                         static_cast<unsigned long long>(n), e.what.c_str());
        } else {
            std::fprintf(err, "hypasis: db get: block %llu cannot be read: %s\n", static_cast<unsigned long long>(n),
                         storage::to_string(e).c_str());
        }
        return 1;
    }
    if (!block->found()) {
        std::string why = describe_absent_block(store, DataKind::kBodies, n);
        if (store.status(DataKind::kHeaders, n) == storage::LookupStatus::kFound) why += "; its header is stored";
        std::fprintf(err, "hypasis: db get: %s\n", why.c_str());
        return 1;
    }
    // The same JSON as `block inspect` prints for this block: EIP-2 low s applies (every chain past its first
    // blocks; the store does not know the chain's Homestead block).
    const InspectedBlock inspected = inspect_block(**block, true);
    if (opts.json) {
        write(out, json::serialize_pretty(inspected.json) + "\n");
    } else {
        write(out, block_summary(**block, inspected.checks_ok));
    }
    return std::fflush(out) == 0 ? 0 : 1;
}

void add_db_commands(CLI::App& app, int& exit_code) {
    CLI::App* db = app.add_subcommand("db", "Inspect the block store");
    db->require_subcommand(1);

    auto gaps = std::make_shared<DbGapsOptions>();
    CLI::App* gaps_cmd = db->add_subcommand(
        "gaps", "Stored ranges and gaps (down to block 0) of headers, bodies and receipts; ranges are [first, end)");
    add_datadir_option(*gaps_cmd, gaps->datadir);
    gaps_cmd->add_flag("--json", gaps->json, "JSON instead of a table (always every range)");
    gaps_cmd->add_flag("--all", gaps->all, "Every row of the table (default: at most 100 per kind)");
    gaps_cmd->callback([gaps, &exit_code]() { exit_code = run_db_gaps(*gaps, stdout, stderr); });

    auto get = std::make_shared<DbGetOptions>();
    CLI::App* get_cmd = db->add_subcommand(
        "get", "Read block N through the store's checks; --json prints it as `hypasis block inspect` does");
    get_cmd->add_option("block", get->block_num, "Block number")->required();
    add_datadir_option(*get_cmd, get->datadir);
    get_cmd->add_flag("--json", get->json, "The block inspect JSON (with \"checks\")");
    get_cmd->callback([get, &exit_code]() { exit_code = run_db_get(*get, stdout, stderr); });
}

}  // namespace hypasis::node
