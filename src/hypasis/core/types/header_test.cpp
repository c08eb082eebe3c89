#include "hypasis/core/types/header.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis {
namespace {

namespace json = boost::json;
using rlp::DecodingError;

// The outcome of a decode as text, so that a failed check prints the error's name (and never reads the error of
// a success).
template <class T>
std::string err(const Expected<T, DecodingError>& r) {
    return r ? std::string("ok") : std::string(rlp::to_string(r.error()));
}
std::string name(DecodingError e) { return std::string(rlp::to_string(e)); }

Bytes unhex(std::string_view s) {
    auto b = from_hex(s);
    if (!b) {
        ADD_FAILURE() << "bad hex in fixture: " << s.substr(0, 40);
        return {};
    }
    return *b;
}

Hash hash_hex(std::string_view s) {
    auto h = fixed_from_hex<32>(s);
    if (!h) {
        ADD_FAILURE() << "bad hash in fixture: " << s;
        return {};
    }
    return *h;
}

// A Portal history content key for a header by hash is 0x00 || block_hash.
Hash hash_from_content_key(std::string_view key_hex) {
    const Bytes key = unhex(key_hex);
    if (key.size() != 33 || key[0] != 0x00) {
        ADD_FAILURE() << "not a header-by-hash content key: " << key_hex;
        return {};
    }
    return to_fixed<32>(ByteView{key}.subspan(1));
}

// A Portal header content value is the SSZ container {header: ByteList (offset), proof: ... (offset)}: two
// little-endian u32 offsets, the header RLP lying between them.
Bytes header_from_content_value(std::string_view value_hex) {
    const Bytes v = unhex(value_hex);
    if (v.size() < 8) return {};
    const auto u32 = [&](std::size_t at) {
        return uint32_t{v[at]} | (uint32_t{v[at + 1]} << 8) | (uint32_t{v[at + 2]} << 16) | (uint32_t{v[at + 3]} << 24);
    };
    const uint32_t begin = u32(0), end = u32(4);
    if (begin != 8 || end < begin || end > v.size()) {
        ADD_FAILURE() << "unexpected Portal header container layout";
        return {};
    }
    return Bytes(v.begin() + begin, v.begin() + end);
}

// Mainnet activation blocks (EIP-1559 London, EIP-4895 Shanghai, EIP-4844 Cancun, EIP-7685 Prague).
std::size_t mainnet_field_count(uint64_t number) {
    if (number >= 22431084) return 21;
    if (number >= 19426587) return 20;
    if (number >= 17034870) return 17;
    if (number >= 12965000) return 16;
    return 15;
}

const std::vector<uint64_t> kBlockDataNumbers = {14764013, 15537393, 15547621, 17034869, 17034870, 17062257,
                                                 19426586, 19426587, 22162263, 22431083, 22431084, 22869878};

// The first "header by hash" entry after "# Block number: N" in a Portal hive test file.
struct HiveHeader {
    uint64_t number{0};
    std::string key;
    std::string value;
};

std::vector<HiveHeader> read_hive_headers(const std::filesystem::path& p) {
    std::vector<HiveHeader> out;
    std::istringstream in(test::read_file(p));
    std::string line;
    const std::string marker = "# Block number: ";
    const auto quoted = [](const std::string& l) {
        const auto a = l.find('"'), b = l.rfind('"');
        return (a == std::string::npos || b <= a) ? std::string() : l.substr(a + 1, b - a - 1);
    };
    bool want = false;
    while (std::getline(in, line)) {
        if (line.rfind(marker, 0) == 0) {
            out.push_back({std::stoull(line.substr(marker.size())), {}, {}});
            want = true;
        } else if (want && line.find("content_key:") != std::string::npos) {
            out.back().key = quoted(line);
        } else if (want && line.find("content_value:") != std::string::npos) {
            out.back().value = quoted(line);
            want = false;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Real mainnet headers

TEST(HeaderFixtures, PortalBlockDataHeadersDecodeAndLink) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    std::map<uint64_t, SealedHeader> headers;
    for (uint64_t n : kBlockDataNumbers) {
        SCOPED_TRACE(n);
        const auto yaml = test::read_flat_yaml(dir / ("block-data-" + std::to_string(n) + ".yaml"));
        ASSERT_TRUE(yaml.count("header"));
        const Bytes raw = unhex(yaml.at("header"));
        auto h = decode_header(raw);
        ASSERT_TRUE(h) << rlp::to_string(h.error());
        EXPECT_EQ(h->header.number, n);
        EXPECT_EQ(h->rlp, raw);
        EXPECT_EQ(encode(h->header), raw);
        EXPECT_EQ(encoded_length(h->header), raw.size());
        EXPECT_EQ(h->hash, crypto::keccak256(raw));
        EXPECT_EQ(field_count(h->header), mainnet_field_count(n));
        EXPECT_TRUE(header_fields_contiguous(h->header));
        // The number of list elements, counted by the generic RLP decoder.
        auto tree = rlp::decode_tree(raw);
        ASSERT_TRUE(tree);
        EXPECT_EQ(tree->items.size(), mainnet_field_count(n));
        // Proof of stake (EIP-3675): zero difficulty and nonce after the merge (15537393 is the last PoW block).
        if (n > 15537393) {
            EXPECT_TRUE(h->header.difficulty.is_zero());
            EXPECT_EQ(h->header.nonce, FixedBytes<8>{});
        } else {
            EXPECT_FALSE(h->header.difficulty.is_zero());
        }
        EXPECT_EQ(seal(h->header), *h);
        headers.emplace(n, std::move(*h));
    }
    // Consecutive pairs: the child names the parent's hash.
    for (auto [parent, child] :
         {std::pair<uint64_t, uint64_t>{17034869, 17034870}, {19426586, 19426587}, {22431083, 22431084}}) {
        ASSERT_TRUE(headers.count(parent) && headers.count(child));
        EXPECT_EQ(headers.at(child).header.parent_hash, headers.at(parent).hash) << parent;
    }
    // Hashes named by Portal content keys (hive tests and headers-with-proof), independent of our keccak.
    int named = 0;
    HYPASIS_FIXTURE_OR_SKIP(hive, "portal-spec-tests/history/hive/success");
    for (const auto& entry : std::filesystem::directory_iterator(hive)) {
        for (const auto& hh : read_hive_headers(entry.path())) {
            if (!headers.count(hh.number)) continue;
            EXPECT_EQ(headers.at(hh.number).hash, hash_from_content_key(hh.key)) << hh.number;
            ++named;
        }
    }
    HYPASIS_FIXTURE_OR_SKIP(proofs, "portal-spec-tests/history/headers_with_proof");
    for (uint64_t n : kBlockDataNumbers) {
        const auto p = proofs / (std::to_string(n) + ".yaml");
        if (!std::filesystem::exists(p)) continue;
        const auto yaml = test::read_flat_yaml(p);
        EXPECT_EQ(headers.at(n).hash, hash_from_content_key(yaml.at("content_key"))) << n;
        EXPECT_EQ(headers.at(n).rlp, header_from_content_value(yaml.at("content_value"))) << n;
        ++named;
    }
    // 11 of the 12 numbers have a content key somewhere (22869878 has none); several have two.
    EXPECT_GE(named, 11);
}

TEST(HeaderFixtures, PortalBlockDataForkFields) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    for (uint64_t n : kBlockDataNumbers) {
        SCOPED_TRACE(n);
        const auto yaml = test::read_flat_yaml(dir / ("block-data-" + std::to_string(n) + ".yaml"));
        auto h = decode_header(unhex(yaml.at("header")));
        ASSERT_TRUE(h);
        const BlockHeader& x = h->header;
        EXPECT_TRUE(x.base_fee_per_gas.has_value());
        EXPECT_EQ(x.withdrawals_root.has_value(), n >= 17034870);
        EXPECT_EQ(x.blob_gas_used.has_value(), n >= 19426587);
        EXPECT_EQ(x.excess_blob_gas.has_value(), n >= 19426587);
        EXPECT_EQ(x.parent_beacon_block_root.has_value(), n >= 19426587);
        EXPECT_EQ(x.requests_hash.has_value(), n >= 22431084);
        EXPECT_LE(x.gas_used, x.gas_limit);
        // EIP-4844: blob gas comes in whole blobs of 2^17 gas.
        if (x.blob_gas_used) {
            EXPECT_EQ(*x.blob_gas_used % (1u << 17), 0u);
        }
    }
}

TEST(HeaderFixtures, PortalHiveHeadersHashToTheirContentKeys) {
    HYPASIS_FIXTURE_OR_SKIP(hive, "portal-spec-tests/history/hive/success");
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(hive)) {
        for (const auto& hh : read_hive_headers(entry.path())) {
            SCOPED_TRACE(hh.number);
            const Bytes raw = header_from_content_value(hh.value);
            auto h = decode_header(raw);
            ASSERT_TRUE(h) << rlp::to_string(h.error());
            EXPECT_EQ(h->header.number, hh.number);
            EXPECT_EQ(h->hash, hash_from_content_key(hh.key));
            EXPECT_EQ(encode(h->header), raw);
            EXPECT_EQ(field_count(h->header), mainnet_field_count(hh.number));
            ++checked;
        }
    }
    // 1, 100, 7000000, 15537393, 17034869, 17034870, 19426586, 19426587, 22431083, 22431084.
    EXPECT_EQ(checked, 10);
}

TEST(HeaderFixtures, LondonFirstBlock12965000) {
    HYPASIS_FIXTURE_OR_SKIP(p, "misc/mainnet-london-block-12965000-header.json");
    const json::object o = test::read_json(p).as_object();
    const Bytes raw = unhex(o.at("header_rlp").as_string());
    auto h = decode_header(raw);
    ASSERT_TRUE(h) << rlp::to_string(h.error());
    EXPECT_EQ(h->hash, hash_hex(o.at("hash").as_string()));
    EXPECT_EQ(h->header.number, 12965000u);
    EXPECT_EQ(static_cast<uint64_t>(o.at("number").as_int64()), h->header.number);
    ASSERT_TRUE(h->header.base_fee_per_gas);
    EXPECT_EQ(*h->header.base_fee_per_gas, U256{1000000000});  // EIP-1559 INITIAL_BASE_FEE
    EXPECT_EQ(field_count(h->header), 16u);
    EXPECT_EQ(encode(h->header), raw);
}

// Builds a header from JSON-RPC style fields; `names` maps our field to the file's key where they differ.
BlockHeader header_from_json(const json::object& o, bool ethereumjs_names) {
    const auto s = [&](const char* rpc, const char* ejs) -> std::string {
        return std::string(o.at(ethereumjs_names ? ejs : rpc).as_string());
    };
    const auto u64 = [&](const char* k) {
        auto x = parse_u64(std::string(o.at(k).as_string()));
        EXPECT_TRUE(x) << k;
        return x.value_or(0);
    };
    const auto u256 = [&](const char* k) {
        auto x = U256::from_string(std::string(o.at(k).as_string()));
        EXPECT_TRUE(x) << k;
        return x.value_or(U256{});
    };
    BlockHeader h;
    h.parent_hash = hash_hex(s("parentHash", "parentHash"));
    h.ommers_hash = hash_hex(s("sha3Uncles", "uncleHash"));
    h.beneficiary = fixed_from_hex<20>(s("miner", "coinbase")).value_or(Address{});
    h.state_root = hash_hex(s("stateRoot", "stateRoot"));
    h.transactions_root = hash_hex(s("transactionsRoot", "transactionsTrie"));
    h.receipts_root = hash_hex(s("receiptsRoot", "receiptTrie"));
    h.logs_bloom = fixed_from_hex<256>(s("logsBloom", "bloom")).value_or(Bloom{});
    h.difficulty = u256("difficulty");
    h.number = u64("number");
    h.gas_limit = u64("gasLimit");
    h.gas_used = u64("gasUsed");
    h.timestamp = u64("timestamp");
    h.extra_data = unhex(s("extraData", "extraData"));
    h.mix_hash = hash_hex(s("mixHash", "mixHash"));
    h.nonce = fixed_from_hex<8>(s("nonce", "nonce")).value_or(FixedBytes<8>{});
    if (o.contains("baseFeePerGas")) h.base_fee_per_gas = u256("baseFeePerGas");
    return h;
}

// keccak256 of the RLP list of the given headers: a block's ommers_hash ("sha3Uncles").
Hash ommers_hash_of(const std::vector<BlockHeader>& ommers) {
    Bytes payload;
    for (const auto& o : ommers) encode_to(payload, o);
    return crypto::keccak256(rlp::wrap_list(payload));
}

TEST(HeaderFixtures, EthereumjsRpcBlocksHashFromFields) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "ethereumjs/block-testdata");
    const struct {
        const char* file;
        uint64_t number;
        std::size_t fields;
    } cases[] = {{"infura2000004wtxs.json", 2000004, 15},
                 {"testdata-from-rpc-with-uncles.json", 9515350, 15},
                 {"alchemy14151203.json", 14151203, 16},
                 {"infura15571241wtxns.json", 15571241, 16},
                 {"testdata-from-rpc-with-uncles_uncle-block-data.json", 9515348, 15}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        const json::object o = test::read_json(dir / c.file).as_object();
        const BlockHeader h = header_from_json(o, false);
        EXPECT_EQ(h.number, c.number);
        EXPECT_EQ(field_count(h), c.fields);
        const SealedHeader sealed = seal(h);
        EXPECT_EQ(sealed.hash, hash_hex(o.at("hash").as_string()));
        EXPECT_EQ(hash_of(h), sealed.hash);
        // The encoding decodes back to the same fields.
        auto back = decode_header(sealed.rlp);
        ASSERT_TRUE(back);
        EXPECT_EQ(back->header, h);
        // Blocks without ommers carry the hash of the empty list.
        if (o.at("uncles").as_array().empty()) {
            EXPECT_EQ(h.ommers_hash, ommers_hash_of({}));
        }
    }
    // 9515350's single uncle: its hash is listed by the block, and the block's sha3Uncles covers its RLP.
    const json::object block = test::read_json(dir / "testdata-from-rpc-with-uncles.json").as_object();
    const json::object uncle = test::read_json(dir / "testdata-from-rpc-with-uncles_uncle-block-data.json").as_object();
    const BlockHeader u = header_from_json(uncle, false);
    ASSERT_EQ(block.at("uncles").as_array().size(), 1u);
    EXPECT_EQ(hash_of(u), hash_hex(block.at("uncles").as_array()[0].as_string()));
    EXPECT_EQ(ommers_hash_of({u}), hash_hex(block.at("sha3Uncles").as_string()));
}

TEST(HeaderFixtures, EthereumjsMainnetBlocks1To5) {
    HYPASIS_FIXTURE_OR_SKIP(p, "ethereumjs/block-testdata/blocks_mainnet.json");
    const json::array blocks = test::read_json(p).as_array();
    ASSERT_EQ(blocks.size(), 5u);
    // Mainnet's genesis hash is block 1's parent.
    Hash expected_parent = hash_hex("0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3");
    int with_uncles = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        SCOPED_TRACE(i + 1);
        const json::object& b = blocks[i].as_object();
        const BlockHeader h = header_from_json(b.at("header").as_object(), true);
        EXPECT_EQ(h.number, i + 1);
        // Block i+1 names block i's hash, so hashes 1-4 are checked by their children and the first link by
        // the known genesis hash.
        EXPECT_EQ(h.parent_hash, expected_parent);
        expected_parent = hash_of(h);
        std::vector<BlockHeader> uncles;
        for (const auto& u : b.at("uncleHeaders").as_array()) uncles.push_back(header_from_json(u.as_object(), true));
        EXPECT_EQ(ommers_hash_of(uncles), h.ommers_hash);
        if (!uncles.empty()) ++with_uncles;
        auto back = decode_header(encode(h));
        ASSERT_TRUE(back);
        EXPECT_EQ(back->header, h);
    }
    EXPECT_EQ(with_uncles, 2);
    // Block 1's hash is also a Portal content key (hive test 1.yaml).
    HYPASIS_FIXTURE_OR_SKIP(hive, "portal-spec-tests/history/hive/success/1.yaml");
    const BlockHeader b1 = header_from_json(blocks[0].as_object().at("header").as_object(), true);
    const auto hh = read_hive_headers(hive);
    ASSERT_FALSE(hh.empty());
    EXPECT_EQ(hash_of(b1), hash_from_content_key(hh[0].key));
}

// ---------------------------------------------------------------------------------------------------------------
// Headers built in code, and malformed input

// A Prague header with every optional field, values chosen so that each field has a distinctive encoding.
BlockHeader full_header() {
    BlockHeader h;
    for (std::size_t i = 0; i < 32; ++i) {
        h.parent_hash[i] = static_cast<uint8_t>(i + 1);
        h.ommers_hash[i] = static_cast<uint8_t>(0x20 + i);
        h.state_root[i] = static_cast<uint8_t>(0x40 + i);
        h.transactions_root[i] = static_cast<uint8_t>(0x60 + i);
        h.receipts_root[i] = static_cast<uint8_t>(0x80 + i);
        h.mix_hash[i] = static_cast<uint8_t>(0xa0 + i);
    }
    for (std::size_t i = 0; i < 20; ++i) h.beneficiary[i] = static_cast<uint8_t>(0xc0 + i);
    for (std::size_t i = 0; i < 256; ++i) h.logs_bloom[i] = static_cast<uint8_t>(i * 7);
    h.difficulty = U256{0, 1, 0, 0};  // 2^64: needs nine bytes
    h.number = 22431084;
    h.gas_limit = 36000000;
    h.gas_used = 12345678;
    h.timestamp = 1746612311;
    h.extra_data = {'h', 'y', 'p', 'a', 's', 'i', 's'};
    h.nonce = {0, 0, 0, 0, 0, 0, 0, 0x42};
    h.base_fee_per_gas = U256{0x1234567};
    h.withdrawals_root = Hash{};
    h.withdrawals_root->fill(0xee);
    h.blob_gas_used = 3u << 17;
    h.excess_blob_gas = 0;
    h.parent_beacon_block_root = Hash{};
    h.parent_beacon_block_root->fill(0xbb);
    h.requests_hash = Hash{};
    h.requests_hash->fill(0x77);
    return h;
}

// The encoded list elements of a header (each element's full RLP).
std::vector<Bytes> elements_of(const Bytes& header_rlp) {
    ByteView in = header_rlp;
    auto payload = rlp::decode_list(in);
    EXPECT_TRUE(payload);
    std::vector<Bytes> out;
    for (ByteView p = payload.value_or(ByteView{}); !p.empty();) {
        auto item = rlp::decode_raw_item(p);
        EXPECT_TRUE(item);
        if (!item) break;
        out.push_back(to_bytes(*item));
    }
    return out;
}

Bytes list_of(const std::vector<Bytes>& elements) {
    Bytes payload;
    for (const auto& e : elements) payload.insert(payload.end(), e.begin(), e.end());
    return rlp::wrap_list(payload);
}

// The full header's elements with element `i` replaced by `replacement`.
Bytes with_element(std::size_t i, Bytes replacement) {
    auto elements = elements_of(encode(full_header()));
    elements.at(i) = std::move(replacement);
    return list_of(elements);
}

// The error decoding `rlp` as a header gives, by name ("ok" if it decodes).
std::string error_of(const Bytes& rlp) { return err(decode_header(rlp)); }

TEST(Header, FullHeaderRoundTrips) {
    const BlockHeader h = full_header();
    EXPECT_EQ(field_count(h), 21u);
    const SealedHeader s = seal(h);
    EXPECT_EQ(s.rlp.size(), encoded_length(h));
    EXPECT_GE(s.rlp.size(), 540u);  // the size class of real Cancun/Prague headers
    auto d = decode_header(s.rlp);
    ASSERT_TRUE(d) << rlp::to_string(d.error());
    EXPECT_EQ(d->header, h);
    EXPECT_EQ(*d, s);
}

TEST(Header, EveryValidFieldCountDecodes) {
    const auto elements = elements_of(encode(full_header()));
    ASSERT_EQ(elements.size(), 21u);
    for (std::size_t n : {15u, 16u, 17u, 19u, 20u, 21u}) {
        SCOPED_TRACE(n);
        const Bytes raw = list_of({elements.begin(), elements.begin() + static_cast<std::ptrdiff_t>(n)});
        auto h = decode_header(raw);
        ASSERT_TRUE(h) << rlp::to_string(h.error());
        EXPECT_EQ(field_count(h->header), n);
        EXPECT_TRUE(header_fields_contiguous(h->header));
        EXPECT_EQ(encode(h->header), raw);
        EXPECT_EQ(h->header.blob_gas_used.has_value(), n >= 19);
        EXPECT_EQ(h->header.parent_beacon_block_root.has_value(), n >= 20);
    }
}

TEST(Header, EveryInvalidFieldCountIsRejected) {
    auto elements = elements_of(encode(full_header()));
    elements.push_back({0x80});
    elements.push_back({0x80});
    for (std::size_t n = 0; n <= elements.size(); ++n) {
        if (n == 15 || n == 16 || n == 17 || n == 19 || n == 20 || n == 21) continue;
        SCOPED_TRACE(n);
        const Bytes raw = list_of({elements.begin(), elements.begin() + static_cast<std::ptrdiff_t>(n)});
        EXPECT_EQ(error_of(raw), name(DecodingError::kListLengthMismatch));
    }
}

TEST(Header, NonCanonicalNumbersAreRejected) {
    // Element 8 is the block number.
    EXPECT_EQ(error_of(with_element(8, {0x82, 0x00, 0x01})), name(DecodingError::kLeadingZero));
    EXPECT_EQ(error_of(with_element(8, {0x81, 0x05})), name(DecodingError::kNonCanonicalSize));
    EXPECT_EQ(error_of(with_element(8, {0x81, 0x00})), name(DecodingError::kNonCanonicalSize));  // zero must be 0x80
    EXPECT_EQ(error_of(with_element(8, {0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0})), name(DecodingError::kOverflow));
    // Difficulty (7) and base fee (15) are 256-bit: 33 bytes overflow, a leading zero is rejected.
    Bytes big(34, 0x01);
    big[0] = 0x80 + 33;
    EXPECT_EQ(error_of(with_element(7, big)), name(DecodingError::kOverflow));
    EXPECT_EQ(error_of(with_element(15, big)), name(DecodingError::kOverflow));
    EXPECT_EQ(error_of(with_element(15, {0x82, 0x00, 0xff})), name(DecodingError::kLeadingZero));
    // Gas, timestamp and blob gas fields are 64-bit.
    for (std::size_t i : {9u, 10u, 11u, 17u, 18u}) {
        SCOPED_TRACE(i);
        EXPECT_EQ(error_of(with_element(i, {0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0})), name(DecodingError::kOverflow));
    }
    // The largest 64-bit number is fine.
    auto ok = decode_header(with_element(8, {0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->header.number, UINT64_MAX);
}

TEST(Header, WrongFixedSizesAreRejected) {
    const auto sized = [](std::size_t n) {
        Bytes b;
        rlp::encode_string(b, Bytes(n, 0x11));
        return b;
    };
    // (element, correct size): hashes, beneficiary, bloom, mix hash, nonce, and the optional hashes.
    const std::pair<std::size_t, std::size_t> fixed[] = {{0, 32},  {1, 32},  {2, 20}, {3, 32},  {4, 32},  {5, 32},
                                                         {6, 256}, {13, 32}, {14, 8}, {16, 32}, {19, 32}, {20, 32}};
    for (auto [i, size] : fixed) {
        SCOPED_TRACE(i);
        EXPECT_EQ(error_of(with_element(i, sized(size - 1))), name(DecodingError::kUnexpectedLength));
        EXPECT_EQ(error_of(with_element(i, sized(size + 1))), name(DecodingError::kUnexpectedLength));
        EXPECT_EQ(error_of(with_element(i, {0x80})), name(DecodingError::kUnexpectedLength));
        EXPECT_EQ(error_of(with_element(i, {0xc0})), name(DecodingError::kUnexpectedList));
        EXPECT_TRUE(decode_header(with_element(i, sized(size))));
    }
}

TEST(Header, ListsWhereStringsBelongAreRejected) {
    for (std::size_t i = 0; i < 21; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(error_of(with_element(i, {0xc1, 0x01})), name(DecodingError::kUnexpectedList));
    }
    // The header itself must be a list.
    Bytes as_string;
    const Bytes raw = encode(full_header());
    rlp::encode_string(as_string, ByteView{raw}.subspan(3));
    EXPECT_EQ(error_of(as_string), name(DecodingError::kUnexpectedString));
}

TEST(Header, TruncatedInputIsRejected) {
    const Bytes raw = encode(full_header());
    for (std::size_t n = 0; n < raw.size(); ++n) {
        auto h = decode_header(ByteView{raw}.first(n));
        ASSERT_FALSE(h) << n;
        EXPECT_EQ(err(h), name(DecodingError::kInputTooShort)) << n;
    }
    // A list header that claims less than its elements need cuts the last element short.
    ASSERT_EQ(raw[0], 0xf9);  // two length bytes follow
    Bytes shortened = raw;
    shortened.pop_back();
    const std::size_t payload = shortened.size() - 3;
    shortened[1] = static_cast<uint8_t>(payload >> 8);
    shortened[2] = static_cast<uint8_t>(payload);
    EXPECT_EQ(error_of(shortened), name(DecodingError::kInputTooShort));
}

TEST(Header, TrailingBytesAndSizeBound) {
    Bytes raw = encode(full_header());
    const std::size_t size = raw.size();
    EXPECT_TRUE(decode_header(raw, size));
    EXPECT_EQ(err(decode_header(raw, size - 1)), name(DecodingError::kTooLarge));
    raw.push_back(0x00);
    EXPECT_EQ(error_of(raw), name(DecodingError::kInputTooLong));
    // The item form reads one header and leaves the rest.
    ByteView in = raw;
    auto h = decode_header_item(in);
    ASSERT_TRUE(h);
    EXPECT_EQ(in.size(), 1u);
    EXPECT_EQ(h->rlp.size(), size);
    ByteView again = raw;
    EXPECT_EQ(err(decode_header_item(again, size - 1)), name(DecodingError::kTooLarge));
    // A long-form list length with a leading zero byte.
    Bytes padded = encode(full_header());
    ASSERT_EQ(padded[0], 0xf9);
    padded[0] = 0xfa;
    padded.insert(padded.begin() + 1, 0x00);
    EXPECT_EQ(error_of(padded), name(DecodingError::kLeadingZero));
}

TEST(Header, LongExtraDataIsAccepted) {
    // Polygon Bor and BSC carry validator data in extraData; decoding sets no limit.
    BlockHeader h = full_header();
    h.extra_data.assign(100000, 0x5a);
    const SealedHeader s = seal(h);
    auto d = decode_header(s.rlp);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->header.extra_data.size(), 100000u);
    EXPECT_EQ(d->hash, s.hash);
}

TEST(Header, ChangingAnyFieldChangesTheHash) {
    const BlockHeader base = full_header();
    const Hash original = hash_of(base);
    const auto flipped = [](auto x) {
        x[0] ^= 1;
        return x;
    };
    std::vector<BlockHeader> variants(21, base);
    variants[0].parent_hash = flipped(base.parent_hash);
    variants[1].ommers_hash = flipped(base.ommers_hash);
    variants[2].beneficiary = flipped(base.beneficiary);
    variants[3].state_root = flipped(base.state_root);
    variants[4].transactions_root = flipped(base.transactions_root);
    variants[5].receipts_root = flipped(base.receipts_root);
    variants[6].logs_bloom = flipped(base.logs_bloom);
    variants[7].difficulty = base.difficulty + U256{1};
    variants[8].number = base.number + 1;
    variants[9].gas_limit = base.gas_limit + 1;
    variants[10].gas_used = base.gas_used + 1;
    variants[11].timestamp = base.timestamp + 1;
    variants[12].extra_data.push_back(0);
    variants[13].mix_hash = flipped(base.mix_hash);
    variants[14].nonce = flipped(base.nonce);
    variants[15].base_fee_per_gas = *base.base_fee_per_gas + U256{1};
    variants[16].withdrawals_root = flipped(*base.withdrawals_root);
    variants[17].blob_gas_used = *base.blob_gas_used + 1;
    variants[18].excess_blob_gas = *base.excess_blob_gas + 1;
    variants[19].parent_beacon_block_root = flipped(*base.parent_beacon_block_root);
    variants[20].requests_hash = flipped(*base.requests_hash);
    for (std::size_t i = 0; i < variants.size(); ++i) {
        SCOPED_TRACE(i);
        ASSERT_NE(variants[i], base);
        EXPECT_NE(hash_of(variants[i]), original);
        auto d = decode_header(encode(variants[i]));
        ASSERT_TRUE(d);
        EXPECT_EQ(d->header, variants[i]);
    }
    // Dropping the last optional field changes it too.
    BlockHeader shorter = base;
    shorter.requests_hash.reset();
    EXPECT_NE(hash_of(shorter), original);
}

TEST(Header, ContiguityOfOptionalFields) {
    BlockHeader h = full_header();
    EXPECT_TRUE(header_fields_contiguous(h));
    h.excess_blob_gas.reset();  // EIP-4844 fields come together
    EXPECT_FALSE(header_fields_contiguous(h));
    h = full_header();
    h.withdrawals_root.reset();  // a gap before later fields
    EXPECT_FALSE(header_fields_contiguous(h));
    h.base_fee_per_gas.reset();
    h.blob_gas_used.reset();
    h.excess_blob_gas.reset();
    h.parent_beacon_block_root.reset();
    h.requests_hash.reset();
    EXPECT_TRUE(header_fields_contiguous(h));
    EXPECT_EQ(field_count(h), 15u);
}

}  // namespace
}  // namespace hypasis
