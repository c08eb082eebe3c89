#pragma once
/// Test-only helpers for the store commands' tests (import, export, db): a scratch folder per test, generated
/// chains (built once per process, since signing 10,000 blocks takes a second), the mainnet fixture blocks as a
/// chain file, and capture of a command's output. Included by *_test.cpp files only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/node/commands/import_command.hpp"
#include "hypasis/storage/block_store/block_store.hpp"
#include "hypasis/test_util/chain_generator.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::node::testing {

namespace fs = std::filesystem;

/// The first `count` blocks of the chain generated from `seed` (default shape), built once per (seed, count).
inline const std::vector<Block>& generated_chain(uint64_t seed, std::size_t count) {
    static std::map<std::pair<uint64_t, std::size_t>, std::vector<Block>> cache;
    auto& chain = cache[{seed, count}];
    if (chain.empty()) {
        test::ChainGeneratorOptions o;
        o.seed = seed;
        test::ChainGenerator gen(o);
        chain = gen.blocks(count);
    }
    return chain;
}

/// The slice [first, end) of `blocks`.
inline std::span<const Block> slice(const std::vector<Block>& blocks, std::size_t first, std::size_t end) {
    return std::span<const Block>(blocks).subspan(first, end - first);
}

/// The block list [header, txs, ommers, withdrawals?] of portal fixture block `n` (the block_data YAML keeps header
/// and body apart).
inline Bytes portal_block(const fs::path& data_dir, uint64_t n) {
    const auto yaml = test::read_flat_yaml(data_dir / ("block-data-" + std::to_string(n) + ".yaml"));
    const Bytes header = from_hex(yaml.at("header")).value();
    const Bytes body = from_hex(yaml.at("body")).value();
    ByteView bv = body;
    const ByteView payload = rlp::decode_list(bv).value();
    Bytes all = header;
    all.insert(all.end(), payload.begin(), payload.end());
    return rlp::wrap_list(all);
}

/// The twelve mainnet fixture block numbers (fixtures README), ascending.
inline constexpr uint64_t kFixtureBlocks[] = {14764013, 15537393, 15547621, 17034869, 17034870, 17062257,
                                              19426586, 19426587, 22162263, 22431083, 22431084, 22869878};

inline std::string slurp(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
    return s;
}

inline std::string read_bytes(const fs::path& p) { return test::read_file(p); }

inline std::string as_string(ByteView b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

/// A command's exit code and what it wrote.
struct Outcome {
    int code{0};
    std::string out;
    std::string err;
};

/// Runs `fn(out, err)` with temporary files as its streams.
template <class Fn>
Outcome capture(Fn&& fn) {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    Outcome r;
    r.code = fn(out, err);
    r.out = slurp(out);
    r.err = slurp(err);
    std::fclose(out);
    std::fclose(err);
    return r;
}

/// A scratch folder (removed after the test) with a datadir in it.
class StoreCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("hypasis-" + std::string(info->test_suite_name()) + "-" + info->name() +
                                            "-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        datadir_ = (dir_ / "data").string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    fs::path write_chain(const std::string& name, std::span<const Block> blocks) {
        const fs::path p = dir_ / name;
        test::write_chain_file(p, blocks);
        return p;
    }

    fs::path write_bytes(const std::string& name, ByteView bytes) {
        const fs::path p = dir_ / name;
        std::FILE* f = std::fopen(p.c_str(), "wb");
        EXPECT_NE(f, nullptr);
        if (f != nullptr) {
            std::fwrite(bytes.data(), 1, bytes.size(), f);
            std::fclose(f);
        }
        return p;
    }

    /// `hypasis import --quiet FILES...` into this test's datadir.
    Outcome import(const std::vector<fs::path>& files, std::size_t batch_blocks = 1000) {
        ImportOptions o;
        o.datadir = datadir_;
        for (const auto& f : files) o.files.push_back(f.string());
        o.batch_blocks = batch_blocks;
        o.progress = ProgressMode::kQuiet;
        return capture([&](std::FILE*, std::FILE* err) { return run_import(o, err); });
    }

    /// Opens the datadir (it must exist). The store must be closed (reset) before a command runs again.
    std::unique_ptr<storage::BlockStore> open_store() {
        storage::StoreOptions o;
        o.kv.create_if_missing = false;
        auto s = storage::BlockStore::open(datadir_, o);
        EXPECT_TRUE(s.has_value()) << (s ? "" : storage::to_string(s.error()));
        return s ? std::move(*s) : nullptr;
    }

    /// The intervals of `kind` in the datadir.
    std::vector<storage::Range> intervals(storage::DataKind kind) {
        auto s = open_store();
        if (!s) return {};
        return s->tracker(kind).to_vector();
    }

    fs::path dir_;
    std::string datadir_;
};

}  // namespace hypasis::node::testing

namespace hypasis::storage {
// gtest prints ranges readably in failure messages.
inline void PrintTo(const Range& r, std::ostream* os) { *os << to_string(r); }
}  // namespace hypasis::storage
