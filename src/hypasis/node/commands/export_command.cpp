#include "hypasis/node/commands/export_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "hypasis/node/commands/datadir.hpp"

namespace hypasis::node {
namespace {

using storage::DataKind;

// Makes a rename durable: fsync of the directory that holds the new name.
bool sync_parent_dir(const std::filesystem::path& file) {
    std::filesystem::path dir = file.parent_path();
    if (dir.empty()) dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Writes blocks [from, to] to `out`. Returns false after writing the failure's line.
bool write_blocks(const storage::BlockStore& store, uint64_t from, uint64_t to, std::FILE* out,
                  ProgressReporter& progress, std::FILE* err, uint64_t& blocks, uint64_t& bytes) {
    Bytes rlp;
    for (uint64_t n = from;; ++n) {
        auto block = store.get_block(n);
        if (!block) {
            progress.clear_line();
            std::fprintf(err, "hypasis: export: block %llu cannot be read: %s\n", static_cast<unsigned long long>(n),
                         storage::to_string(block.error()).c_str());
            return false;
        }
        if (!block->found()) {  // removed since the check (a failed integrity check elsewhere)
            progress.clear_line();
            std::fprintf(err, "hypasis: export: %s\n", describe_absent_block(store, DataKind::kBodies, n).c_str());
            return false;
        }
        rlp.clear();
        encode_to(rlp, **block);
        if (std::fwrite(rlp.data(), 1, rlp.size(), out) != rlp.size()) {
            progress.clear_line();
            std::fprintf(err, "hypasis: export: cannot write block %llu: %s\n", static_cast<unsigned long long>(n),
                         std::strerror(errno));
            return false;
        }
        ++blocks;
        bytes += rlp.size();
        progress.update(blocks, bytes, n);
        if (n == to) return true;
    }
}

}  // namespace

int run_export(const ExportOptions& opts, std::FILE* out, std::FILE* err) {
    auto opened = open_block_store(opts.datadir, StoreAccess::kExisting);
    if (!opened) {
        std::fprintf(err, "hypasis: export: %s\n", opened.error().c_str());
        return 1;
    }
    const storage::BlockStore& store = **opened;

    const uint64_t from = opts.from.value_or(0);
    std::optional<uint64_t> to = opts.to;
    if (!to) to = store.head(DataKind::kBodies);
    if (!to) {
        std::fprintf(err, "hypasis: export: no blocks are stored in %s\n", opts.datadir.c_str());
        return 1;
    }
    if (from > *to) {
        std::fprintf(err, "hypasis: export: --from %llu is above --to %llu\n", static_cast<unsigned long long>(from),
                     static_cast<unsigned long long>(*to));
        return 1;
    }
    if (*to > storage::kMaxTrackedBlock) {
        std::fprintf(err, "hypasis: export: %s\n", describe_absent_block(store, DataKind::kBodies, *to).c_str());
        return 1;
    }
    // Every block must be there before anything is written: the first missing one is named with its gap.
    if (const auto missing = store.gaps(DataKind::kBodies, storage::Range{from, *to + 1}, 1); !missing.empty()) {
        std::fprintf(err, "hypasis: export: %s\n",
                     describe_absent_block(store, DataKind::kBodies, missing.front().first).c_str());
        return 1;
    }

    const bool to_stdout = opts.file == "-";
    const std::string tmp = opts.file + ".tmp";
    std::FILE* sink = to_stdout ? out : std::fopen(tmp.c_str(), "wb");
    if (sink == nullptr) {
        std::fprintf(err, "hypasis: export: cannot create %s: %s\n", tmp.c_str(), std::strerror(errno));
        return 1;
    }

    ProgressReporter progress(err, opts.progress.value_or(detect_progress_mode(err)), "export");
    uint64_t blocks = 0;
    uint64_t bytes = 0;
    bool ok = write_blocks(store, from, *to, sink, progress, err, blocks, bytes);
    if (ok && std::fflush(sink) != 0) {
        std::fprintf(err, "hypasis: export: cannot write %s: %s\n", to_stdout ? "stdout" : tmp.c_str(),
                     std::strerror(errno));
        ok = false;
    }
    if (!to_stdout) {
        if (ok && ::fsync(::fileno(sink)) != 0) {
            std::fprintf(err, "hypasis: export: cannot sync %s: %s\n", tmp.c_str(), std::strerror(errno));
            ok = false;
        }
        if (std::fclose(sink) != 0 && ok) {
            std::fprintf(err, "hypasis: export: cannot write %s: %s\n", tmp.c_str(), std::strerror(errno));
            ok = false;
        }
        if (ok && std::rename(tmp.c_str(), opts.file.c_str()) != 0) {
            std::fprintf(err, "hypasis: export: cannot rename %s to %s: %s\n", tmp.c_str(), opts.file.c_str(),
                         std::strerror(errno));
            ok = false;
        }
        if (!ok) {
            std::remove(tmp.c_str());
        } else if (!sync_parent_dir(opts.file)) {
            std::fprintf(err, "hypasis: export: cannot sync the directory of %s: %s\n", opts.file.c_str(),
                         std::strerror(errno));
            ok = false;
        }
    }
    const std::string range = "[" + std::to_string(from) + ", " + std::to_string(*to + 1) + ")";
    progress.finish((ok ? "blocks " : "stopped; blocks ") + range + " to " + (to_stdout ? "stdout" : opts.file) + ": ");
    return ok ? 0 : 1;
}

void add_export_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ExportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "export",
        "Write stored blocks --from N --to M (both inclusive, as geth export) to FILE as a geth-style RLP chain "
        "file, byte for byte as imported. FILE appears only when complete; '-' writes to stdout. Exit 1 if a block "
        "of the range is missing.");
    cmd->add_option("file", opts->file, "Output chain file, or '-' for stdout")->required();
    add_datadir_option(*cmd, opts->datadir);
    cmd->add_option("--from", opts->from, "First block (default 0)");
    cmd->add_option("--to", opts->to, "Last block, inclusive (default: the highest stored block)");
    auto quiet = std::make_shared<bool>(false);
    cmd->add_flag("--quiet", *quiet, "No progress output, only the summary line");
    cmd->callback([opts, quiet, &exit_code]() {
        if (*quiet) opts->progress = ProgressMode::kQuiet;
        exit_code = run_export(*opts, stdout, stderr);
    });
}

}  // namespace hypasis::node
