#include "hypasis/core/types/block.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis {
namespace {

using rlp::DecodingError;

// The outcome of a decode as text, so that a failed check prints the error's name (and never reads the error of
// a success).
template <class T>
std::string err(const Expected<T, DecodingError>& r) {
    return r ? std::string("ok") : std::string(rlp::to_string(r.error()));
}
std::string name(DecodingError e) { return std::string(rlp::to_string(e)); }

const std::vector<uint64_t> kBlockDataNumbers = {14764013, 15537393, 15547621, 17034869, 17034870, 17062257,
                                                 19426586, 19426587, 22162263, 22431083, 22431084, 22869878};
constexpr uint64_t kShanghai = 17034870;  // first mainnet block with withdrawals (EIP-4895)

struct RawBlock {
    Bytes header;
    Bytes body;
    Bytes receipts;
};

Bytes unhex(const std::string& s) {
    auto b = from_hex(s);
    if (!b) ADD_FAILURE() << "bad hex in fixture";
    return b.value_or(Bytes{});
}

RawBlock read_block_data(const std::filesystem::path& dir, uint64_t n) {
    const auto yaml = test::read_flat_yaml(dir / ("block-data-" + std::to_string(n) + ".yaml"));
    return {unhex(yaml.at("header")), unhex(yaml.at("body")), unhex(yaml.at("receipts"))};
}

// The raw elements of an RLP list, found with the generic decoder only.
std::vector<ByteView> raw_elements(ByteView list) {
    auto payload = rlp::decode_list(list);
    EXPECT_TRUE(payload);
    std::vector<ByteView> out;
    for (ByteView p = payload.value_or(ByteView{}); !p.empty();) {
        auto item = rlp::decode_raw_item(p);
        EXPECT_TRUE(item);
        if (!item) break;
        out.push_back(*item);
    }
    return out;
}

Bytes concat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The block list [header, txs, ommers, withdrawals?] built from a header and a body list, by hand.
Bytes block_rlp(const RawBlock& b) {
    ByteView body = b.body;
    auto body_payload = rlp::decode_list(body);
    EXPECT_TRUE(body_payload);
    return rlp::wrap_list(concat({b.header, body_payload.value_or(ByteView{})}));
}

TEST(BlockFixtures, PortalBodiesDecodeAndReencode) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    for (uint64_t n : kBlockDataNumbers) {
        SCOPED_TRACE(n);
        const RawBlock raw = read_block_data(dir, n);
        auto header = decode_header(raw.header);
        ASSERT_TRUE(header);
        auto body = decode_body(raw.body);
        ASSERT_TRUE(body) << rlp::to_string(body.error());
        EXPECT_GT(body->transactions.size(), 0u);
        // One receipt per transaction (counted in the receipts list, decoded by the generic decoder only).
        EXPECT_EQ(body->transactions.size(), raw_elements(raw.receipts).size());
        EXPECT_EQ(encode(*body), raw.body);
        EXPECT_EQ(encoded_length(*body), raw.body.size());

        const auto elements = raw_elements(raw.body);
        ASSERT_EQ(elements.size(), n >= kShanghai ? 3u : 2u);
        EXPECT_EQ(body->withdrawals.has_value(), n >= kShanghai);
        EXPECT_EQ(body->transactions.size(), raw_elements(elements[0]).size());
        // ommers_hash is keccak of the raw ommers list (Yellow Paper §4.3).
        EXPECT_EQ(crypto::keccak256(elements[1]), header->header.ommers_hash);
        EXPECT_EQ(body->ommers.size(), raw_elements(elements[1]).size());
        if (n > 15537393) {
            EXPECT_TRUE(body->ommers.empty());  // EIP-3675: no ommers after the merge
        }
        for (const auto& txn : body->transactions) EXPECT_EQ(txn.hash, crypto::keccak256(txn.encoded));
        if (body->withdrawals) {
            EXPECT_EQ(body->withdrawals->size(), raw_elements(elements[2]).size());
            // Withdrawal indices are global and consecutive (EIP-4895, Capella process_withdrawals).
            for (std::size_t i = 1; i < body->withdrawals->size(); ++i) {
                EXPECT_EQ((*body->withdrawals)[i].index, (*body->withdrawals)[i - 1].index + 1);
            }
        }
        // The exact caps pass; one fewer fails before decoding.
        BodyLimits exact{body->transactions.size(), body->ommers.size(),
                         body->withdrawals ? body->withdrawals->size() : 0};
        EXPECT_TRUE(decode_body(raw.body, exact));
        BodyLimits tight = exact;
        --tight.max_transactions;
        EXPECT_EQ(err(decode_body(raw.body, tight)), name(DecodingError::kTooLarge));
        if (body->withdrawals && !body->withdrawals->empty()) {
            tight = exact;
            --tight.max_withdrawals;
            EXPECT_EQ(err(decode_body(raw.body, tight)), name(DecodingError::kTooLarge));
        }
    }
}

TEST(BlockFixtures, PortalBlocksRoundTripAndChainFile) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    Bytes chain_file;  // geth's export format: block RLPs back to back
    std::map<uint64_t, Hash> hashes;
    for (uint64_t n : kBlockDataNumbers) {
        SCOPED_TRACE(n);
        const RawBlock raw = read_block_data(dir, n);
        const Bytes rlp = block_rlp(raw);
        auto block = decode_block(rlp);
        ASSERT_TRUE(block) << rlp::to_string(block.error());
        EXPECT_EQ(block->header.rlp, raw.header);
        EXPECT_EQ(block->header.hash, crypto::keccak256(raw.header));
        EXPECT_EQ(block->header.header.number, n);
        EXPECT_EQ(encode(*block), rlp);
        EXPECT_EQ(encoded_length(*block), rlp.size());
        EXPECT_EQ(block->body, decode_body(raw.body).value());
        // Withdrawals in the body iff the header has a withdrawals root (both from Shanghai on).
        EXPECT_EQ(block->body.withdrawals.has_value(), block->header.header.withdrawals_root.has_value());
        chain_file.insert(chain_file.end(), rlp.begin(), rlp.end());
        hashes[n] = block->header.hash;
    }
    ByteView in = chain_file;
    std::vector<Block> blocks;
    while (!in.empty()) {
        auto b = decode_block_item(in);
        ASSERT_TRUE(b) << rlp::to_string(b.error());
        blocks.push_back(std::move(*b));
    }
    ASSERT_EQ(blocks.size(), kBlockDataNumbers.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        EXPECT_EQ(blocks[i].header.header.number, kBlockDataNumbers[i]);
        EXPECT_EQ(blocks[i].header.hash, hashes[kBlockDataNumbers[i]]);
        if (i > 0 && kBlockDataNumbers[i] == kBlockDataNumbers[i - 1] + 1) {
            EXPECT_EQ(blocks[i].header.header.parent_hash, blocks[i - 1].header.hash) << kBlockDataNumbers[i];
        }
    }
    // A chain file cut anywhere inside its last block fails on that block with a typed error.
    ByteView cut = ByteView{chain_file}.first(chain_file.size() - 1);
    std::size_t ok = 0;
    for (;;) {
        auto b = decode_block_item(cut);
        if (!b) {
            EXPECT_EQ(err(b), name(DecodingError::kInputTooShort));
            break;
        }
        ++ok;
    }
    EXPECT_EQ(ok, kBlockDataNumbers.size() - 1);
}

TEST(BlockFixtures, PortalBodyMalformations) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    const RawBlock raw = read_block_data(dir, 19426587);
    const auto elements = raw_elements(raw.body);
    ASSERT_EQ(elements.size(), 3u);
    const auto list_of = [](std::initializer_list<ByteView> parts) { return rlp::wrap_list(concat(parts)); };
    const Bytes empty_list = {0xc0};
    // Too few and too many elements.
    EXPECT_EQ(err(decode_body(list_of({elements[0]}))), name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_body(list_of({elements[0], elements[1], elements[2], empty_list}))),
              name(DecodingError::kListLengthMismatch));
    // Trailing bytes, and truncation at a few points (every prefix is checked for headers).
    Bytes trailing = raw.body;
    trailing.push_back(0xc0);
    EXPECT_EQ(err(decode_body(trailing)), name(DecodingError::kInputTooLong));
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, raw.body.size() / 2, raw.body.size() - 1}) {
        EXPECT_EQ(err(decode_body(ByteView{raw.body}.first(n))), name(DecodingError::kInputTooShort)) << n;
    }
    // The block form: header then the body's elements; 3 or 4 elements only.
    const Bytes block = list_of({raw.header, elements[0], elements[1], elements[2]});
    EXPECT_TRUE(decode_block(block));
    EXPECT_EQ(err(decode_block(list_of({raw.header, elements[0]}))), name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_block(list_of({raw.header, elements[0], elements[1], elements[2], empty_list}))),
              name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_block(Bytes{0xc0})), name(DecodingError::kListLengthMismatch));
    // A header that is not a list.
    Bytes header_as_string;
    rlp::encode_string(header_as_string, raw.header);
    EXPECT_EQ(err(decode_block(list_of({header_as_string, elements[0], elements[1]}))),
              name(DecodingError::kUnexpectedString));
    // A transaction of an unknown EIP-2718 type (0x05) inside the transactions list.
    const auto txs = raw_elements(elements[0]);
    ASSERT_FALSE(txs.empty());
    Bytes bad_typed;
    rlp::encode_string(bad_typed, Bytes{0x05, 0xc0});
    EXPECT_EQ(err(decode_body(list_of({list_of({txs[0], bad_typed}), elements[1], elements[2]}))),
              name(DecodingError::kUnsupportedType));
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-built bodies

TEST(Body, EmptyBodiesByHand) {
    // [[], []]: no transactions, no ommers, no withdrawals list.
    const Bytes pre_shanghai = {0xc2, 0xc0, 0xc0};
    auto a = decode_body(pre_shanghai);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->transactions.empty());
    EXPECT_TRUE(a->ommers.empty());
    EXPECT_FALSE(a->withdrawals.has_value());
    EXPECT_EQ(encode(*a), pre_shanghai);
    // [[], [], []]: an empty withdrawals list is not the same as none.
    const Bytes shanghai = {0xc3, 0xc0, 0xc0, 0xc0};
    auto b = decode_body(shanghai);
    ASSERT_TRUE(b);
    ASSERT_TRUE(b->withdrawals.has_value());
    EXPECT_TRUE(b->withdrawals->empty());
    EXPECT_EQ(encode(*b), shanghai);
    EXPECT_NE(*a, *b);
    // Strings where lists belong.
    EXPECT_EQ(err(decode_body(Bytes{0x82, 0xc0, 0xc0})), name(DecodingError::kUnexpectedString));
    EXPECT_EQ(err(decode_body(Bytes{0xc2, 0x80, 0xc0})), name(DecodingError::kUnexpectedString));
    EXPECT_EQ(err(decode_body(Bytes{0xc2, 0xc0, 0x80})), name(DecodingError::kUnexpectedString));
    EXPECT_EQ(err(decode_body(Bytes{0xc3, 0xc0, 0xc0, 0x80})), name(DecodingError::kUnexpectedString));
    EXPECT_EQ(err(decode_body(Bytes{0xc1, 0xc0})), name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_body(Bytes{0xc0})), name(DecodingError::kListLengthMismatch));
}

BlockHeader ommer(uint64_t number) {
    BlockHeader h;
    h.number = number;
    h.difficulty = U256{131072};
    h.gas_limit = 5000;
    h.extra_data = {0x01, 0x02};
    return h;
}

TEST(Body, OmmersAreCappedBeforeDecoding) {
    Bytes two, three;
    for (uint64_t i = 0; i < 3; ++i) {
        const Bytes h = encode(ommer(i + 1));
        if (i < 2) two.insert(two.end(), h.begin(), h.end());
        three.insert(three.end(), h.begin(), h.end());
    }
    const auto body_with = [](const Bytes& ommers_payload) {
        return rlp::wrap_list(concat({Bytes{0xc0}, rlp::wrap_list(ommers_payload)}));
    };
    auto ok = decode_body(body_with(two));
    ASSERT_TRUE(ok) << rlp::to_string(ok.error());
    ASSERT_EQ(ok->ommers.size(), 2u);
    EXPECT_EQ(ok->ommers[1].header, ommer(2));
    EXPECT_EQ(ok->ommers[1].hash, hash_of(ommer(2)));
    EXPECT_EQ(encode(*ok), body_with(two));
    // Three ommers exceed the Yellow Paper's two (the default cap); a caller may allow more.
    EXPECT_EQ(err(decode_body(body_with(three))), name(DecodingError::kTooLarge));
    BodyLimits loose;
    loose.max_ommers = 3;
    EXPECT_TRUE(decode_body(body_with(three), loose));
    // A malformed ommer reports the header decoder's error.
    EXPECT_EQ(err(decode_body(body_with(Bytes{0xc0}))), name(DecodingError::kListLengthMismatch));
    EXPECT_EQ(err(decode_body(body_with(Bytes{0xc1, 0x80}))), name(DecodingError::kUnexpectedLength));
}

TEST(Block, BuiltInCodeRoundTrips) {
    Block b;
    BlockHeader h = ommer(100);
    h.base_fee_per_gas = U256{7};
    h.withdrawals_root = Hash{};
    b.header = seal(h);
    b.body.ommers.push_back(seal(ommer(99)));
    b.body.withdrawals = std::vector<Withdrawal>{{1, 2, Address{}, 3}, {2, 5, Address{}, 1000000000}};
    const Bytes rlp = encode(b);
    EXPECT_EQ(rlp.size(), encoded_length(b));
    auto back = decode_block(rlp);
    ASSERT_TRUE(back) << rlp::to_string(back.error());
    EXPECT_EQ(*back, b);
    // The body alone, and the block's tail, agree.
    auto body = decode_body(encode(b.body));
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, b.body);
    // Withdrawals beyond the cap.
    BodyLimits one;
    one.max_withdrawals = 1;
    EXPECT_EQ(err(decode_block(rlp, one)), name(DecodingError::kTooLarge));
}

}  // namespace
}  // namespace hypasis
