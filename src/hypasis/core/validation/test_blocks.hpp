#pragma once
/// Test-only: loads the portal-spec-tests mainnet block data (header, body, eth/69 slim receipts) for the
/// validation tests. Included by *_test.cpp files only; it is not part of the library's interface.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/core/validation/error.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::validation {

// gtest prints the rule's name in failure messages (found by argument-dependent lookup).
inline void PrintTo(HeaderError e, std::ostream* os) { *os << to_string(e); }
inline void PrintTo(BodyError e, std::ostream* os) { *os << to_string(e); }

}  // namespace hypasis::validation

namespace hypasis::validation::testing {

/// The fixture folder, relative to the fixtures root.
inline constexpr const char* kBlockDataDir = "portal-spec-tests/history/block_data";

/// One decoded fixture block.
struct FixtureBlock {
    uint64_t number{0};
    SealedHeader header;
    BlockBody body;
    std::vector<Receipt> receipts;  ///< From the eth/69 slim form: blooms recomputed from the logs.
};

/// Every block-data-<N>.yaml in `dir`, by ascending number. A file that fails to decode is a test failure (the
/// fixtures are known-good mainnet data) and is left out, so callers also assert the count.
inline std::vector<FixtureBlock> load_fixture_blocks(const std::filesystem::path& dir) {
    std::vector<FixtureBlock> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("block-data-", 0) != 0 || entry.path().extension() != ".yaml") continue;
        const auto yaml = test::read_flat_yaml(entry.path());
        const auto header_rlp = from_hex(yaml.at("header"));
        const auto body_rlp = from_hex(yaml.at("body"));
        const auto receipts_rlp = from_hex(yaml.at("receipts"));
        if (!header_rlp || !body_rlp || !receipts_rlp) {
            ADD_FAILURE() << name << ": bad hex";
            continue;
        }
        auto header = decode_header(*header_rlp);
        auto body = decode_body(*body_rlp);
        auto receipts = decode_receipts(*receipts_rlp, ReceiptForm::kSlim);
        if (!header || !body || !receipts) {
            ADD_FAILURE() << name << ": does not decode";
            continue;
        }
        out.push_back(FixtureBlock{header->header.number, std::move(*header), std::move(*body), std::move(*receipts)});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    return out;
}

/// The fixture block with this number, or nullptr.
inline const FixtureBlock* find_block(const std::vector<FixtureBlock>& blocks, uint64_t number) {
    for (const auto& b : blocks) {
        if (b.number == number) return &b;
    }
    return nullptr;
}

/// The number of block-data files the fixture set holds (README: 12 mainnet blocks, 14764013 to 22869878).
inline constexpr std::size_t kFixtureBlockCount = 12;

}  // namespace hypasis::validation::testing
