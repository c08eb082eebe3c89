#include "hypasis/node/commands/datadir.hpp"

namespace hypasis::node {

void add_datadir_option(CLI::App& cmd, std::string& datadir) {
    datadir = kDefaultDatadir;
    cmd.add_option("--datadir", datadir, "Directory of the block store")->capture_default_str();
}

Expected<std::unique_ptr<storage::BlockStore>, std::string> open_block_store(const std::string& datadir,
                                                                             StoreAccess access) {
    storage::StoreOptions options;
    options.kv.create_if_missing = access == StoreAccess::kCreate;
    auto store = storage::BlockStore::open(datadir, options);
    if (store) return std::move(*store);
    const storage::StoreError& e = store.error();
    switch (e.code) {
        case storage::StoreErrc::kLocked:
            return unexpected("the datadir " + datadir +
                              " is in use by another process (a running hypasis, or another import or export)");
        case storage::StoreErrc::kNotFound:
            return unexpected("no Hypasis database in " + datadir + " (import blocks first, or check --datadir)");
        default:
            return unexpected("cannot open the datadir " + datadir + ": " + storage::to_string(e));
    }
}

std::string describe_absent_block(const storage::BlockStore& store, storage::DataKind kind, uint64_t block_num) {
    const storage::RangeTracker tracker = store.tracker(kind);
    const std::string block = "block " + std::to_string(block_num);
    const auto head = tracker.highest();
    if (!head) return block + " is beyond the head (nothing is stored)";
    if (block_num > *head) return block + " is beyond the head " + std::to_string(*head);
    if (tracker.contains(block_num)) return block + " is stored";  // callers ask only about absent blocks
    // The missing run around the block: from the end of the interval below (or 0) to the start of the one above.
    const auto below = tracker.next_gap(block_num + 1, 0);  // the highest missing run ending at block_num + 1
    const auto above = tracker.gaps(storage::Range{block_num, *head + 1}, 1);
    const uint64_t first = below ? below->first : block_num;
    const uint64_t end = above.empty() ? block_num + 1 : above.front().end;
    return block + " is missing (in the gap " + storage::to_string(storage::Range{first, end}) + ")";
}

}  // namespace hypasis::node
