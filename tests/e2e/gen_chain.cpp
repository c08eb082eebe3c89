// hypasis_test_chain: writes a generated chain file (test_util/chain_generator.hpp) for the end-to-end tests.
//
//   hypasis_test_chain [--seed S] [--rounds R] [--calldata B] [--genesis-time T] [--shanghai N] [--cancun N]
//                      [--prague N] [--from F] [--bad-root N] BLOCKS OUT
//
// Writes blocks [F, BLOCKS) of the chain generated from seed S (block 0 is its genesis) to OUT as a geth-style
// chain file. --rounds and --calldata size the blocks (ChainGeneratorOptions); --bad-root N corrupts block N's
// transactions root (and reseals the header, so it still decodes and names the right parent). Test-only: it is
// not installed and not part of the hypasis binary.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hypasis/test_util/chain_generator.hpp"

namespace {

uint64_t number(const char* s) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (end == s || *end != '\0') throw std::runtime_error(std::string("not a number: ") + s);
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        hypasis::test::ChainGeneratorOptions opts;
        uint64_t from = 0;
        std::optional<uint64_t> bad_root;
        std::vector<const char*> positional;
        for (int i = 1; i < argc; ++i) {
            const std::string_view a = argv[i];
            const bool has_value = i + 1 < argc;
            if (a == "--seed" && has_value) {
                opts.seed = number(argv[++i]);
            } else if (a == "--rounds" && has_value) {
                opts.txn_rounds_per_block = number(argv[++i]);
            } else if (a == "--calldata" && has_value) {
                opts.calldata_bytes = number(argv[++i]);
            } else if (a == "--shanghai" && has_value) {
                opts.shanghai_block = number(argv[++i]);
            } else if (a == "--cancun" && has_value) {
                opts.cancun_block = number(argv[++i]);
            } else if (a == "--prague" && has_value) {
                opts.prague_block = number(argv[++i]);
            } else if (a == "--genesis-time" && has_value) {
                opts.genesis_timestamp = number(argv[++i]);
            } else if (a == "--from" && has_value) {
                from = number(argv[++i]);
            } else if (a == "--bad-root" && has_value) {
                bad_root = number(argv[++i]);
            } else {
                positional.push_back(argv[i]);
            }
        }
        if (positional.size() != 2) {
            std::fprintf(stderr,
                         "usage: hypasis_test_chain [--seed S] [--rounds R] [--calldata B] [--genesis-time T] [--shanghai N] "
                         "[--cancun N] [--prague N] [--from F] [--bad-root N] BLOCKS OUT\n");
            return 2;
        }
        const uint64_t count = number(positional[0]);
        if (from > count) throw std::runtime_error("--from is above BLOCKS");
        // Streamed: one block in memory at a time, so large files cost no memory.
        std::FILE* out = std::fopen(positional[1], "wb");
        if (out == nullptr) throw std::runtime_error(std::string("cannot create ") + positional[1]);
        hypasis::test::ChainGenerator gen(opts);
        hypasis::Bytes rlp;
        for (uint64_t n = 0; n < count; ++n) {
            hypasis::Block block = n == 0 ? gen.genesis() : gen.next().block;
            if (n < from) continue;
            if (bad_root && *bad_root == n) {
                hypasis::BlockHeader h = block.header.header;
                h.transactions_root[0] ^= 0xff;
                block.header = hypasis::seal(h);
            }
            rlp.clear();
            hypasis::encode_to(rlp, block);
            if (std::fwrite(rlp.data(), 1, rlp.size(), out) != rlp.size()) throw std::runtime_error("write failed");
        }
        if (std::fclose(out) != 0) throw std::runtime_error("write failed");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hypasis_test_chain: %s\n", e.what());
        return 1;
    }
}
