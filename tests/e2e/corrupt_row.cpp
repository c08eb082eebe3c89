// hypasis_test_corrupt: damages one stored row of a closed Hypasis datadir, as a bad disk would, for the
// end-to-end corruption test.
//
//   hypasis_test_corrupt DATADIR headers|bodies|receipts BLOCK
//
// Flips one bit in the middle of block BLOCK's row of that kind through the raw kv layer (the datadir must not be
// in use). Exits 1 with a message when the row does not exist. Test-only: not installed, not part of hypasis.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hypasis/storage/block_store/schema.hpp"
#include "hypasis/storage/kv/kv.hpp"

int main(int argc, char** argv) {
    using namespace hypasis::storage;
    if (argc != 4) {
        std::fprintf(stderr, "usage: hypasis_test_corrupt DATADIR headers|bodies|receipts BLOCK\n");
        return 2;
    }
    const std::string_view kind = argv[2];
    const Column column = kind == "headers" ? Column::kHeaders
                          : kind == "bodies" ? Column::kBodies
                          : kind == "receipts" ? Column::kReceipts
                                               : Column::kMeta;
    if (column == Column::kMeta) {
        std::fprintf(stderr, "hypasis_test_corrupt: unknown kind %s\n", argv[2]);
        return 2;
    }
    char* end = nullptr;
    const unsigned long long block = std::strtoull(argv[3], &end, 10);
    if (end == argv[3] || *end != '\0') {
        std::fprintf(stderr, "hypasis_test_corrupt: not a block number: %s\n", argv[3]);
        return 2;
    }
    KvOptions options;
    options.create_if_missing = false;
    auto db = Database::open(argv[1], options);
    if (!db) {
        std::fprintf(stderr, "hypasis_test_corrupt: cannot open %s: %s\n", argv[1], db.error().message.c_str());
        return 1;
    }
    const auto key = schema::num_key(block);
    auto row = (*db)->get(column, key);
    if (!row || !*row) {
        std::fprintf(stderr, "hypasis_test_corrupt: block %llu has no %s row\n", block, argv[2]);
        return 1;
    }
    hypasis::Bytes value = **row;
    // Past the 32-byte stored hash of a header row, so that the RLP itself is damaged.
    value[value.size() > 64 ? 32 + (value.size() - 32) / 2 : value.size() / 2] ^= 0x04;
    WriteBatch batch;
    batch.put(column, key, value);
    if (auto w = (*db)->write(std::move(batch), Durability::kSync); !w) {
        std::fprintf(stderr, "hypasis_test_corrupt: write failed: %s\n", w.error().message.c_str());
        return 1;
    }
    std::printf("flipped one bit of block %llu's %s row\n", block, argv[2]);
    return 0;
}
