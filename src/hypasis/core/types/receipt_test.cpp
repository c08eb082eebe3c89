#include "hypasis/core/types/receipt.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/types/bloom.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis {
namespace {

using rlp::DecodingError;

Bytes hex(std::string_view s) {
    auto b = from_hex(s);
    EXPECT_TRUE(b.has_value()) << s;
    return b.value_or(Bytes{});
}

const char* const kPortalBlocks[] = {"14764013", "15537393", "15547621", "17034869", "17034870", "17062257",
                                     "19426586", "19426587", "22162263", "22431083", "22431084", "22869878"};

std::string block_path(const std::string& number) {
    return "portal-spec-tests/history/block_data/block-data-" + number + ".yaml";
}

// The header fields this test needs, read by hand with core/rlp (Yellow Paper §4.3: index 6 is logsBloom, 10 is
// gasUsed).
struct HeaderFields {
    Bloom logs_bloom{};
    uint64_t gas_used{0};
};

HeaderFields header_fields(const Bytes& header) {
    HeaderFields h;
    ByteView in = header;
    auto payload = rlp::decode_list(in);
    EXPECT_TRUE(payload);
    if (!payload) return h;
    ByteView p = *payload;
    for (int i = 0; i < 6; ++i) EXPECT_TRUE(rlp::decode_raw_item(p));
    h.logs_bloom = *rlp::decode_fixed<256>(p);
    for (int i = 7; i < 10; ++i) EXPECT_TRUE(rlp::decode_raw_item(p));
    h.gas_used = *rlp::decode_u64(p);
    return h;
}

// The types of a body's transactions, from each element's form (typed elements are strings: type is their first
// payload byte).
std::vector<TxnType> body_txn_types(const Bytes& body) {
    std::vector<TxnType> out;
    ByteView in = body;
    auto b = rlp::decode_list(in);
    EXPECT_TRUE(b);
    ByteView bp = *b;
    auto txs = rlp::decode_list(bp);
    EXPECT_TRUE(txs);
    ByteView t = *txs;
    while (!t.empty()) {
        auto h = rlp::decode_header(t);
        EXPECT_TRUE(h);
        out.push_back(h->list ? TxnType::kLegacy : static_cast<TxnType>(t[0]));
        t = t.subspan(h->payload_length);
    }
    return out;
}

class PortalBlockReceipts : public ::testing::TestWithParam<const char*> {};

TEST_P(PortalBlockReceipts, SlimReceiptsBloomAndGas) {
    HYPASIS_FIXTURE_OR_SKIP(path, block_path(GetParam()));
    const auto yaml = test::read_flat_yaml(path);
    const Bytes slim = hex(yaml.at("receipts"));
    const HeaderFields header = header_fields(hex(yaml.at("header")));
    const std::vector<TxnType> txn_types = body_txn_types(hex(yaml.at("body")));

    auto receipts = decode_receipts(slim, ReceiptForm::kSlim);
    ASSERT_TRUE(receipts) << rlp::to_string(receipts.error());
    ASSERT_EQ(receipts->size(), txn_types.size()) << "one receipt per transaction";
    ASSERT_FALSE(receipts->empty());

    uint64_t previous_gas = 0;
    int failed = 0;
    for (std::size_t i = 0; i < receipts->size(); ++i) {
        SCOPED_TRACE(i);
        const Receipt& r = (*receipts)[i];
        EXPECT_EQ(r.type, txn_types[i]);
        EXPECT_FALSE(r.post_state.has_value());  // all post-Byzantium
        EXPECT_GE(r.cumulative_gas_used, previous_gas);
        previous_gas = r.cumulative_gas_used;
        if (!r.success) ++failed;
        // Every log's address and topics are in its receipt's bloom and in the block's.
        for (const Log& log : r.logs) {
            EXPECT_TRUE(bloom_may_contain(r.bloom, log.address));
            EXPECT_TRUE(bloom_may_contain(header.logs_bloom, log.address));
            for (const Hash& topic : log.topics) EXPECT_TRUE(bloom_may_contain(header.logs_bloom, topic));
        }
        // Consensus and eth/68 forms round-trip.
        auto back = decode_receipt(encode_for_trie(r));
        ASSERT_TRUE(back) << rlp::to_string(back.error());
        EXPECT_EQ(*back, r);
        const Bytes item = encode_receipt_item(r);
        ByteView in = item;
        auto back68 = decode_receipt_item(in);
        ASSERT_TRUE(back68);
        EXPECT_TRUE(in.empty());
        EXPECT_EQ(*back68, r);
    }
    // The header's logsBloom is the OR of the recomputed blooms; its gasUsed is the last cumulative gas.
    EXPECT_EQ(block_bloom(*receipts), header.logs_bloom);
    EXPECT_EQ(receipts->back().cumulative_gas_used, header.gas_used);
    // Slim re-encoding is byte for byte, and the eth/68 list form round-trips.
    EXPECT_EQ(encode_receipts(*receipts, ReceiptForm::kSlim), slim);
    auto again = decode_receipts(encode_receipts(*receipts, ReceiptForm::kEth68), ReceiptForm::kEth68);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *receipts);
    std::printf("  block %s: %zu receipts (%d failed), gas used %llu\n", GetParam(), receipts->size(), failed,
                static_cast<unsigned long long>(header.gas_used));
}

INSTANTIATE_TEST_SUITE_P(Mainnet, PortalBlockReceipts, ::testing::ValuesIn(kPortalBlocks));

// Portal's older receipts encoding for block 14764013 is an SSZ List[ByteList] whose elements are the consensus
// receipts with their blooms (the receiptsRoot trie values). Our slim decode + bloom + trie encoding must give
// exactly those bytes: an independent check of the bloom function and of encode_for_trie.
std::vector<Bytes> ssz_byte_lists(const Bytes& v) {
    std::vector<Bytes> out;
    const auto u32 = [&](std::size_t at) {
        return static_cast<std::size_t>(v[at]) | static_cast<std::size_t>(v[at + 1]) << 8 |
               static_cast<std::size_t>(v[at + 2]) << 16 | static_cast<std::size_t>(v[at + 3]) << 24;
    };
    if (v.size() < 4) return out;
    const std::size_t count = u32(0) / 4;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t begin = u32(4 * i);
        const std::size_t end = i + 1 < count ? u32(4 * (i + 1)) : v.size();
        if (begin > end || end > v.size()) return {};
        out.emplace_back(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end));
    }
    return out;
}

TEST(Receipt, ConsensusFormMatchesPortalReceipts14764013) {
    HYPASIS_FIXTURE_OR_SKIP(consensus_path, "portal-spec-tests/history/receipts/14764013.yaml");
    HYPASIS_FIXTURE_OR_SKIP(slim_path, block_path("14764013"));
    const std::vector<Bytes> consensus = ssz_byte_lists(hex(test::read_flat_yaml(consensus_path).at("content_value")));
    auto slim = decode_receipts(hex(test::read_flat_yaml(slim_path).at("receipts")), ReceiptForm::kSlim);
    ASSERT_TRUE(slim);
    ASSERT_EQ(consensus.size(), slim->size());
    ASSERT_FALSE(consensus.empty());
    for (std::size_t i = 0; i < consensus.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(encode_for_trie((*slim)[i]), consensus[i]);
        auto r = decode_receipt(consensus[i]);
        ASSERT_TRUE(r) << rlp::to_string(r.error());
        EXPECT_EQ(r->bloom, logs_bloom(r->logs));  // the received bloom equals our recomputation
        EXPECT_EQ(*r, (*slim)[i]);
    }
}

// ---- hand-built receipts ----

Log sample_log(uint8_t fill, std::size_t topics) {
    Log log;
    log.address.fill(fill);
    for (std::size_t i = 0; i < topics; ++i) {
        Hash t{};
        t.fill(static_cast<uint8_t>(fill + i + 1));
        log.topics.push_back(t);
    }
    log.data = Bytes(70, fill);  // long enough for a long-form string header
    return log;
}

Receipt sample_receipt(TxnType type) {
    Receipt r;
    r.type = type;
    r.success = true;
    r.cumulative_gas_used = 1'234'567;
    r.logs = {sample_log(0xaa, 0), sample_log(0xbb, 4)};
    r.bloom = logs_bloom(r.logs);
    return r;
}

TEST(Receipt, EveryTypeAndPreByzantiumRoundTrip) {
    std::vector<Receipt> all;
    for (int type = 0; type <= 4; ++type) all.push_back(sample_receipt(static_cast<TxnType>(type)));
    Receipt pre = sample_receipt(TxnType::kLegacy);
    pre.success = false;
    pre.post_state = Hash{};
    pre.post_state->fill(0x5a);
    all.push_back(pre);
    Receipt failed = sample_receipt(TxnType::kDynamicFee);
    failed.success = false;
    failed.logs.clear();
    failed.bloom = Bloom{};
    all.push_back(failed);

    for (const Receipt& r : all) {
        SCOPED_TRACE(static_cast<int>(r.type));
        const Bytes consensus = encode_for_trie(r);
        if (r.type == TxnType::kLegacy) {
            EXPECT_GE(consensus[0], 0xc0);
        } else {
            EXPECT_EQ(consensus[0], static_cast<uint8_t>(r.type));
        }
        EXPECT_EQ(decode_receipt(consensus), r);
        const Bytes slim = encode_slim(r);
        ByteView in = slim;
        EXPECT_EQ(decode_slim_receipt(in), r);
        EXPECT_TRUE(in.empty());
    }
    for (ReceiptForm form : {ReceiptForm::kEth68, ReceiptForm::kSlim}) {
        EXPECT_EQ(decode_receipts(encode_receipts(all, form), form), all);
    }
    // An empty block's receipt list.
    EXPECT_EQ(decode_receipts(Bytes{0xc0}, ReceiptForm::kSlim), std::vector<Receipt>{});
}

// Status encodings written out by hand (devp2p caps/eth.md: post-state-or-status {B_32, {0, 1}}).
TEST(Receipt, StatusEncodings) {
    Receipt r;
    r.cumulative_gas_used = 21000;  // 82 52 08
    const std::string bloom = "b90100" + std::string(512, '0');
    r.success = true;
    EXPECT_EQ(to_hex(encode_for_trie(r)), "0xf9010801825208" + bloom + "c0");
    r.success = false;
    EXPECT_EQ(to_hex(encode_for_trie(r)), "0xf9010880825208" + bloom + "c0");
    EXPECT_EQ(to_hex(encode_slim(r)),
              "0xc680808252"
              "08c0");
}

// ---- the bloom ----

TEST(Bloom, ThreeBitsPerItemAndOr) {
    Bloom b{};
    bloom_add(b, as_bytes("hypasis"));
    int bits = 0;
    for (uint8_t byte : b) bits += __builtin_popcount(byte);
    EXPECT_GE(bits, 1);
    EXPECT_LE(bits, 3);
    EXPECT_TRUE(bloom_may_contain(b, as_bytes("hypasis")));
    EXPECT_FALSE(bloom_may_contain(Bloom{}, as_bytes("hypasis")));

    // The bit positions, from the keccak digest by the Yellow Paper's rule (§4.3.1), for one item.
    const Hash h = crypto::keccak256(as_bytes("hypasis"));
    Bloom expected{};
    for (int k = 0; k < 3; ++k) {
        const int bit = ((h[2 * k] << 8) | h[2 * k + 1]) % 2048;
        expected[255 - bit / 8] |= static_cast<uint8_t>(1 << (bit % 8));
    }
    EXPECT_EQ(b, expected);

    Bloom other{};
    bloom_add(other, as_bytes("other"));
    Bloom both = b;
    bloom_or(both, other);
    EXPECT_TRUE(bloom_may_contain(both, as_bytes("hypasis")));
    EXPECT_TRUE(bloom_may_contain(both, as_bytes("other")));
    EXPECT_EQ(logs_bloom({}), Bloom{});
}

// ---- malformed input ----

DecodingError consensus_error(const Bytes& b) {
    auto r = decode_receipt(b);
    EXPECT_FALSE(r);
    return r ? DecodingError{} : r.error();
}

DecodingError slim_error(const Bytes& b) {
    ByteView in = b;
    auto r = decode_slim_receipt(in);
    EXPECT_FALSE(r);
    return r ? DecodingError{} : r.error();
}

// Rebuilds a list from raw items.
Bytes list_of(const std::vector<Bytes>& items, int type = -1) {
    Bytes payload;
    for (const Bytes& i : items) payload.insert(payload.end(), i.begin(), i.end());
    Bytes out;
    if (type >= 0) out.push_back(static_cast<uint8_t>(type));
    rlp::encode_list(out, payload);
    return out;
}

TEST(ReceiptErrors, UnknownTypes) {
    const Bytes consensus = encode_for_trie(sample_receipt(TxnType::kDynamicFee));
    for (uint8_t type : {0x00, 0x05, 0x7f}) {
        Bytes b = consensus;
        b[0] = type;
        EXPECT_EQ(consensus_error(b), DecodingError::kUnsupportedType);
        Bytes item;
        rlp::encode_string(item, b);
        ByteView in = item;
        auto r = decode_receipt_item(in);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), DecodingError::kUnsupportedType);
    }
    EXPECT_EQ(consensus_error(Bytes{0x85, 1, 2, 3, 4, 5}), DecodingError::kUnexpectedString);
    EXPECT_EQ(consensus_error(Bytes{}), DecodingError::kInputTooShort);
    EXPECT_EQ(slim_error(list_of({{0x05}, {0x01}, {0x01}, {0xc0}})), DecodingError::kUnsupportedType);
}

TEST(ReceiptErrors, FieldCountsAndStatus) {
    const Bytes bloom = hex("0xb90100" + std::string(512, '0'));
    const Bytes gas = hex("0x825208");
    EXPECT_TRUE(decode_receipt(list_of({{0x01}, gas, bloom, {0xc0}})));
    EXPECT_EQ(consensus_error(list_of({{0x01}, gas, bloom})), DecodingError::kListLengthMismatch);
    EXPECT_EQ(consensus_error(list_of({{0x01}, gas, bloom, {0xc0}, {0x80}})), DecodingError::kListLengthMismatch);
    EXPECT_EQ(consensus_error(list_of({{0x01}, gas, bloom, {0xc0}, {0x80}}, 2)), DecodingError::kListLengthMismatch);
    EXPECT_EQ(slim_error(list_of({{0x02}, {0x01}, gas})), DecodingError::kListLengthMismatch);
    EXPECT_EQ(slim_error(list_of({{0x02}, {0x01}, gas, {0xc0}, bloom})), DecodingError::kListLengthMismatch);
    // Status: 2 is not a status; 0x00 is a non-canonical zero; 31 bytes is neither a status nor a state root.
    EXPECT_EQ(consensus_error(list_of({{0x02}, gas, bloom, {0xc0}})), DecodingError::kOverflow);
    EXPECT_EQ(consensus_error(list_of({{0x00}, gas, bloom, {0xc0}})), DecodingError::kLeadingZero);
    EXPECT_EQ(consensus_error(list_of({hex("0x9f" + std::string(62, '1')), gas, bloom, {0xc0}})),
              DecodingError::kUnexpectedLength);
    // A bloom of 255 bytes.
    EXPECT_EQ(consensus_error(list_of({{0x01}, gas, hex("0xb8ff" + std::string(510, '0')), {0xc0}})),
              DecodingError::kUnexpectedLength);
}

TEST(ReceiptErrors, LogShape) {
    const Bytes gas = hex("0x825208");
    const Bytes address = hex("0x94" + std::string(40, 'a'));
    const Bytes topic = hex("0xa0" + std::string(64, 'b'));
    const auto slim_with_log = [&](const Bytes& log) { return list_of({{0x02}, {0x01}, gas, list_of({log})}); };
    ByteView ok_in;
    const Bytes four = slim_with_log(list_of({address, list_of({topic, topic, topic, topic}), {0x80}}));
    ok_in = four;
    EXPECT_TRUE(decode_slim_receipt(ok_in));
    EXPECT_EQ(slim_error(slim_with_log(list_of({address, list_of({topic, topic, topic, topic, topic}), {0x80}}))),
              DecodingError::kTooLarge);  // LOG4 is the most
    EXPECT_EQ(slim_error(slim_with_log(list_of({address, list_of({})}))), DecodingError::kListLengthMismatch);
    EXPECT_EQ(slim_error(slim_with_log(list_of({address, list_of({}), {0x80}, {0x80}}))),
              DecodingError::kListLengthMismatch);
    EXPECT_EQ(slim_error(slim_with_log(list_of({hex("0x93" + std::string(38, 'a')), list_of({}), {0x80}}))),
              DecodingError::kUnexpectedLength);
    EXPECT_EQ(slim_error(slim_with_log(list_of({address, list_of({hex("0x9f" + std::string(62, 'b'))}), {0x80}}))),
              DecodingError::kUnexpectedLength);
    EXPECT_EQ(slim_error(slim_with_log(list_of({address, {0x80}, {0x80}}))), DecodingError::kUnexpectedString);
}

TEST(ReceiptErrors, TruncatedAndTrailing) {
    for (int type = 0; type <= 4; ++type) {
        SCOPED_TRACE(type);
        const Receipt r = sample_receipt(static_cast<TxnType>(type));
        const Bytes consensus = encode_for_trie(r);
        EXPECT_EQ(consensus_error(Bytes(consensus.begin(), consensus.end() - 1)), DecodingError::kInputTooShort);
        Bytes trailing = consensus;
        trailing.push_back(0x80);
        EXPECT_EQ(consensus_error(trailing), DecodingError::kInputTooLong);
        const Bytes slim = encode_slim(r);
        EXPECT_EQ(slim_error(Bytes(slim.begin(), slim.end() - 1)), DecodingError::kInputTooShort);
        // A whole list with a byte after it.
        Bytes list = encode_receipts({r}, ReceiptForm::kSlim);
        list.push_back(0xc0);
        auto all = decode_receipts(list, ReceiptForm::kSlim);
        ASSERT_FALSE(all);
        EXPECT_EQ(all.error(), DecodingError::kInputTooLong);
    }
    // More receipts than the caller allows.
    const std::vector<Receipt> three(3, sample_receipt(TxnType::kLegacy));
    EXPECT_TRUE(decode_receipts(encode_receipts(three, ReceiptForm::kEth68), ReceiptForm::kEth68, 3));
    auto capped = decode_receipts(encode_receipts(three, ReceiptForm::kEth68), ReceiptForm::kEth68, 2);
    ASSERT_FALSE(capped);
    EXPECT_EQ(capped.error(), DecodingError::kTooLarge);
}

}  // namespace
}  // namespace hypasis
