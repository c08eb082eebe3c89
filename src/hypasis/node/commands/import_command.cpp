#include "hypasis/node/commands/import_command.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/node/commands/datadir.hpp"
#include "hypasis/node/commands/rlp_stream_reader.hpp"

namespace hypasis::node {
namespace {

using storage::DataKind;
using storage::LookupStatus;

// Where a failure happened, for its message.
struct Position {
    const std::string* file{nullptr};
    std::optional<uint64_t> block_num;
    std::optional<uint64_t> after;  // the block before it in the file, named when block_num is unknown
    uint64_t item{0};
    uint64_t offset{0};
};

// The number in a block's header, when at least the header decodes: names the block of a body that does not.
std::optional<uint64_t> header_number(ByteView item) {
    auto payload = rlp::decode_list(item);
    if (!payload) return std::nullopt;
    auto header = decode_header_item(*payload);
    if (!header) return std::nullopt;
    return header->header.number;
}

class Importer {
  public:
    Importer(storage::BlockStore& store, const ImportOptions& opts, ProgressReporter& progress, std::FILE* err)
        : store_(store), opts_(opts), progress_(progress), err_(err) {}

    ImportResult run() {
        progress_.set_total_bytes(total_input_bytes());
        for (const std::string& file : opts_.files) {
            if (!import_file(file)) return {stats_, false};
        }
        return {stats_, true};
    }

  private:
    // The summed size of the regular files among the inputs, or nullopt when one is stdin or not a regular file
    // (then no percentage can be shown).
    std::optional<uint64_t> total_input_bytes() const {
        uint64_t total = 0;
        for (const std::string& file : opts_.files) {
            struct stat st {};
            if (file == "-" || ::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
            total += static_cast<uint64_t>(st.st_size);
        }
        return total;
    }

    // Writes the failure line (after the pending batch, so that everything before the bad block is stored).
    bool fail(const Position& at, const std::string& why) {
        flush();  // a flush failure prints its own line; the input's failure is still reported below
        progress_.clear_line();
        std::string where = *at.file + ": ";
        if (at.block_num) {
            where += "block " + std::to_string(*at.block_num) + " (";
        } else if (at.after) {
            where += "the block after block " + std::to_string(*at.after) + " (";
        }
        where += "item #" + std::to_string(at.item) + " at byte " + std::to_string(at.offset);
        if (at.block_num || at.after) where += ")";
        std::fprintf(err_, "hypasis: import: %s: %s\n", where.c_str(), why.c_str());
        return false;
    }

    bool flush() {
        if (pending_.empty()) return true;
        const uint64_t first = pending_.front().header.header.number;
        const uint64_t last = pending_.back().header.header.number;
        auto written = store_.put_blocks(pending_, storage::Durability::kSync);
        if (!written) {
            progress_.clear_line();
            std::fprintf(err_, "hypasis: import: cannot write blocks %llu to %llu: %s\n",
                         static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
                         to_string(written.error()).c_str());
            pending_.clear();
            pending_index_.clear();
            pending_bytes_ = 0;
            return false;
        }
        stats_.written += pending_.size();
        pending_.clear();
        pending_index_.clear();
        pending_bytes_ = 0;
        return true;
    }

    bool import_file(const std::string& file) {
        const bool is_stdin = file == "-";
        const std::string name = is_stdin ? "<stdin>" : file;
        std::FILE* in = is_stdin ? stdin : std::fopen(file.c_str(), "rb");
        if (in == nullptr) {
            progress_.clear_line();
            std::fprintf(err_, "hypasis: import: %s: cannot open: %s\n", name.c_str(), std::strerror(errno));
            return false;
        }
        const bool ok = import_stream(in, name);
        if (!is_stdin) std::fclose(in);
        return ok;
    }

    bool import_stream(std::FILE* in, const std::string& name) {
        RlpStreamReader reader(in, opts_.max_block_bytes);
        std::optional<uint64_t> last;  // the number of the file's last good block
        for (uint64_t index = 0;; ++index) {
            Position at{&name, std::nullopt, last, index, 0};
            auto item = reader.next();
            at.offset = reader.item_offset();
            if (!item) {
                const StreamError& e = item.error();
                const bool truncated = e.io_errno == 0 && e.rlp == rlp::DecodingError::kInputTooShort;
                return fail(
                    at, truncated ? "the file ends inside this block (truncated)" : e.message(reader.max_item_bytes()));
            }
            if (!item->has_value()) break;

            const ByteView bytes = **item;
            ByteView rest = bytes;
            auto block = decode_block_item(rest);
            if (!block) {
                if (auto n = header_number(bytes)) at.block_num = n;
                return fail(at, "malformed block: " + std::string(rlp::to_string(block.error())));
            }
            at.block_num = block->header.header.number;
            if (!check_and_queue(std::move(*block), bytes.size(), at)) return false;
            last = at.block_num;
        }
        // Each file ends with a durable point.
        return flush();
    }

    // What this import knows of block `num`: queued in the pending batch, else stored. nullopt when neither.
    struct Known {
        Hash hash{};
        Hash parent_hash{};
        bool pending{false};      // queued in this import's pending batch
        bool body_stored{false};  // stored with its body
    };
    Expected<std::optional<Known>, std::string> known(uint64_t num) const {
        if (auto it = pending_index_.find(num); it != pending_index_.end()) return it->second;
        if (store_.status(DataKind::kHeaders, num) != LookupStatus::kFound) return std::optional<Known>{};
        auto header = store_.get_header(num);
        if (!header) {
            return unexpected("cannot read the stored block " + std::to_string(num) + ": " + to_string(header.error()));
        }
        if (!header->found()) return std::optional<Known>{};  // removed meanwhile (failed its integrity check)
        return std::optional<Known>{Known{(*header)->hash, (*header)->header.parent_hash, false,
                                          store_.status(DataKind::kBodies, num) == LookupStatus::kFound}};
    }

    static std::string where(const Known& k) { return k.pending ? "earlier in this import" : "stored"; }

    bool check_and_queue(Block&& block, std::size_t size, const Position& at) {
        const SealedHeader& h = block.header;
        const uint64_t n = h.header.number;

        if (auto ok = validation::validate_body(h.header, block.body); !ok) {
            return fail(at, "body does not match the header: " + std::string(validation::to_string(ok.error())));
        }

        // The same number already known: the same block is skipped, another one is refused (reorgs are not
        // import's job).
        auto same = known(n);
        if (!same) return fail(at, same.error());
        bool skip = false;
        if (*same) {
            const Known& k = **same;
            if (k.hash != h.hash) {
                return fail(at, "differs from block " + std::to_string(n) + " " + where(k) + " (" + to_hex(k.hash) +
                                    "; this one is " + to_hex(h.hash) + "); import does not replace blocks");
            }
            // Its links were checked when it was stored. A stored header without its body still gets the body.
            skip = k.pending || k.body_stored;
        } else {
            // Linkage: to the block below, and to the block above, wherever each is known.
            if (n > 0) {
                auto parent = known(n - 1);
                if (!parent) return fail(at, parent.error());
                if (*parent && (*parent)->hash != h.header.parent_hash) {
                    return fail(at, "does not link to block " + std::to_string(n - 1) + " " + where(**parent) +
                                        ": its parent hash is " + to_hex(h.header.parent_hash) + " but block " +
                                        std::to_string(n - 1) + " is " + to_hex((*parent)->hash));
                }
            }
            if (n < storage::kMaxTrackedBlock) {
                auto child = known(n + 1);
                if (!child) return fail(at, child.error());
                if (*child && (*child)->parent_hash != h.hash) {
                    return fail(at, "does not link to block " + std::to_string(n + 1) + " " + where(**child) +
                                        ", whose parent hash is " + to_hex((*child)->parent_hash) +
                                        ", not this block's " + to_hex(h.hash));
                }
            }
        }

        ++stats_.blocks;
        stats_.bytes += size;
        stats_.lowest = stats_.lowest ? std::min(*stats_.lowest, n) : n;
        stats_.highest = stats_.highest ? std::max(*stats_.highest, n) : n;
        if (skip) {
            ++stats_.skipped;
        } else {
            pending_index_[n] = Known{h.hash, h.header.parent_hash, true, true};
            pending_.push_back(std::move(block));
            pending_bytes_ += size;
        }
        progress_.update(stats_.blocks, stats_.bytes, n);
        if (pending_.size() >= opts_.batch_blocks || pending_bytes_ >= opts_.batch_bytes) return flush();
        return true;
    }

    storage::BlockStore& store_;
    const ImportOptions& opts_;
    ProgressReporter& progress_;
    std::FILE* err_;
    ImportStats stats_;
    std::vector<Block> pending_;
    std::unordered_map<uint64_t, Known> pending_index_;  // the pending blocks by number
    std::size_t pending_bytes_{0};
};

}  // namespace

ImportResult import_files(storage::BlockStore& store, const ImportOptions& opts, ProgressReporter& progress,
                          std::FILE* err) {
    Importer importer(store, opts, progress, err);
    return importer.run();
}

int run_import(const ImportOptions& opts, std::FILE* err) {
    auto store = open_block_store(opts.datadir, StoreAccess::kCreate);
    if (!store) {
        std::fprintf(err, "hypasis: import: %s\n", store.error().c_str());
        return 1;
    }
    ProgressReporter progress(err, opts.progress.value_or(detect_progress_mode(err)), "import");
    const ImportResult r = import_files(**store, opts, progress, err);

    std::string prefix = r.ok ? "" : "stopped; ";
    if (r.stats.lowest) {
        prefix += "blocks [" + std::to_string(*r.stats.lowest) + ", " + std::to_string(*r.stats.highest + 1) + "): ";
    }
    prefix += std::to_string(r.stats.written) + " new, " + std::to_string(r.stats.skipped) + " already stored; ";
    progress.finish(prefix);
    return r.ok ? 0 : 1;
}

void add_import_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ImportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "import",
        "Store the blocks of geth-style RLP chain files (blocks back to back, as geth export writes them). Checks "
        "body roots and linkage (within the file and to stored neighbours); blocks already stored are skipped, so "
        "an interrupted import can simply be run again. Exit 0 on success, 1 on bad input or a store failure.");
    cmd->add_option("files", opts->files, "Chain files, imported in order; '-' reads stdin")->required();
    add_datadir_option(*cmd, opts->datadir);
    cmd->add_option("--batch-blocks", opts->batch_blocks, "Blocks per durable write batch")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    cmd->add_option("--max-block-bytes", opts->max_block_bytes, "Cap on one block's RLP size")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
    auto quiet = std::make_shared<bool>(false);
    cmd->add_flag("--quiet", *quiet, "No progress output, only the summary line");
    cmd->callback([opts, quiet, &exit_code]() {
        if (*quiet) opts->progress = ProgressMode::kQuiet;
        exit_code = run_import(*opts, stderr);
    });
}

}  // namespace hypasis::node
