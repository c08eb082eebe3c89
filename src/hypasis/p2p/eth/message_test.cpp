// The message envelope: per-version code tables, round trips of every type, and the negative paths (malformed
// RLP in every message type, limits checked before allocation, request ids over 64 bits, wrong version).
#include "hypasis/p2p/eth/message.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::p2p::eth {
namespace {

Bytes unhex(std::string_view s) { return from_hex(s).value(); }
Bytes concat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
Bytes list(std::initializer_list<ByteView> parts) { return rlp::wrap_list(concat(parts)); }
Bytes u64(uint64_t x) {
    Bytes out;
    rlp::encode_u64(out, x);
    return out;
}
Bytes str(ByteView s) {
    Bytes out;
    rlp::encode_string(out, s);
    return out;
}
Hash filled(uint8_t b) {
    Hash h;
    h.fill(b);
    return h;
}
Bytes hash_item(uint8_t b) {
    const Hash h = filled(b);
    return str(h);
}

SealedHeader sample_header(uint64_t number) {
    BlockHeader x;
    x.parent_hash = filled(1);
    x.number = number;
    x.gas_limit = 30'000'000;
    x.timestamp = 1'700'000'000 + number;
    x.extra_data = {0xca, 0xfe};
    x.base_fee_per_gas = U256{7};
    return seal(x);
}

Receipt sample_receipt(TxnType type) {
    Receipt r;
    r.type = type;
    r.success = true;
    r.cumulative_gas_used = 21000;
    r.logs.push_back(Log{Address{}, {filled(3), filled(4)}, Bytes{1, 2, 3}});
    r.bloom = logs_bloom(r.logs);
    return r;
}

// One valid instance of every message type.
std::vector<EthMessage> samples() {
    std::vector<EthMessage> out;
    Status s68;
    s68.version = 68;
    s68.network_id = 1;
    s68.td = U256{12345};
    s68.head_hash = filled(9);
    s68.genesis_hash = filled(8);
    s68.fork_id = chain::ForkId::from_checksum(0xdeadbeef, 100);
    out.emplace_back(s68);
    out.emplace_back(NewBlockHashes{{{filled(1), 1}, {filled(2), 2}}});
    out.emplace_back(Transactions{{unhex("c3010203"), str(unhex("02c0"))}});
    out.emplace_back(GetBlockHeaders{1, uint64_t{100}, 64, 3, true});
    out.emplace_back(GetBlockHeaders{2, filled(5), 1, 0, false});
    out.emplace_back(BlockHeaders{3, {sample_header(1), sample_header(2)}});
    out.emplace_back(GetBlockBodies{{4, {filled(1), filled(2)}}});
    BlockBody body;
    body.ommers.push_back(sample_header(3));
    body.withdrawals = std::vector<Withdrawal>{};
    out.emplace_back(BlockBodies{5, {BlockBody{}, body}});
    out.emplace_back(NewBlock{Block{sample_header(4), BlockBody{}}, U256{999}});
    out.emplace_back(NewPooledTransactionHashes{Bytes{0, 2}, {100, 200}, {filled(1), filled(2)}});
    out.emplace_back(GetPooledTransactions{{6, {filled(7)}}});
    out.emplace_back(PooledTransactions{7, {unhex("c3010203")}});
    out.emplace_back(GetReceipts{{8, {filled(1)}}});
    out.emplace_back(Receipts{9, {{sample_receipt(TxnType::kLegacy), sample_receipt(TxnType::kDynamicFee)}, {}}});
    Status s69 = s68;
    s69.version = 69;
    s69.td = U256{};
    s69.earliest = 0;
    s69.latest = 500;
    out.emplace_back(s69);
    out.emplace_back(BlockRangeUpdate{0, 500, filled(6)});
    return out;
}

bool valid_for(EthVersion v, const EthMessage& m) {
    if (const auto* s = std::get_if<Status>(&m)) return s->version == static_cast<uint64_t>(v);
    return message_in_version(v, message_code(m));
}

TEST(EthMessage, EveryTypeRoundTripsOnItsVersions) {
    int round_trips = 0;
    for (EthVersion v : {EthVersion::kEth68, EthVersion::kEth69}) {
        for (const EthMessage& m : samples()) {
            SCOPED_TRACE(testing::Message() << "eth/" << static_cast<int>(v) << " code " << message_code(m));
            if (!valid_for(v, m)) {
                if (!std::holds_alternative<Status>(m)) {
                    EXPECT_EQ(encode_message(v, m).error(), EthError::kMessageNotInVersion);
                }
                continue;
            }
            auto enc = encode_message(v, m);
            ASSERT_TRUE(enc);
            auto dec = decode_message(v, message_code(m), *enc);
            ASSERT_TRUE(dec) << to_string(dec.error());
            EXPECT_EQ(*dec, m);
            EXPECT_EQ(*encode_message(v, *dec), *enc);
            ++round_trips;
        }
    }
    EXPECT_EQ(round_trips, 14 + 13);  // eth/68: all but BlockRangeUpdate and s69; eth/69: all but 3
}

TEST(EthMessage, CodeTablePerVersion) {
    for (uint64_t code = 0; code <= 0x11; ++code) {
        const bool known = code <= 0x0a || code >= 0x0f;
        const bool eth68 = known && code != 0x11;
        const bool eth69 = known && code != 0x01 && code != 0x07;
        EXPECT_EQ(message_in_version(EthVersion::kEth68, code), eth68) << code;
        EXPECT_EQ(message_in_version(EthVersion::kEth69, code), eth69) << code;
    }
    // Unknown codes (never assigned, or beyond eth/69's space) versus removed or other-version codes.
    for (uint64_t code : {uint64_t{0x0b}, uint64_t{0x0c}, uint64_t{0x12}, uint64_t{0x20}, ~uint64_t{0}}) {
        EXPECT_EQ(decode_message(EthVersion::kEth69, code, unhex("c0")).error(), EthError::kUnknownMessage) << code;
    }
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kGetNodeData, unhex("c0")).error(),
              EthError::kMessageNotInVersion);
    EXPECT_EQ(decode_message(EthVersion::kEth69, msg::kNewBlockHashes, unhex("c0")).error(),
              EthError::kMessageNotInVersion);
    EXPECT_EQ(decode_message(EthVersion::kEth69, msg::kNewBlock, unhex("c0")).error(), EthError::kMessageNotInVersion);
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kBlockRangeUpdate, unhex("c0")).error(),
              EthError::kMessageNotInVersion);
    EXPECT_EQ(message_space(EthVersion::kEth68), 17u);
    EXPECT_EQ(message_space(EthVersion::kEth69), 18u);
}

// Generic malformations applied to a valid payload of every message type, on each version that has it.
TEST(EthMessage, MalformedRlpInEveryMessageType) {
    for (EthVersion v : {EthVersion::kEth68, EthVersion::kEth69}) {
        for (const EthMessage& m : samples()) {
            if (!valid_for(v, m)) continue;
            const uint64_t code = message_code(m);
            SCOPED_TRACE(testing::Message() << "eth/" << static_cast<int>(v) << " code " << code);
            const Bytes good = *encode_message(v, m);
            const auto dec = [&](ByteView p) { return decode_message(v, code, p); };
            ASSERT_TRUE(dec(good));
            // Truncated by one byte, and cut to its list header.
            EXPECT_EQ(dec(ByteView{good}.first(good.size() - 1)).error(), EthError::kMalformedRlp);
            EXPECT_EQ(dec(ByteView{good}.first(1)).error(), EthError::kMalformedRlp);
            // Empty payload.
            EXPECT_EQ(dec(ByteView{}).error(), EthError::kMalformedRlp);
            // Bytes after the message's list.
            EXPECT_EQ(dec(concat({good, unhex("80")})).error(), EthError::kTrailingBytes);
            // The message as an RLP string instead of a list.
            ByteView in = good;
            const ByteView payload = *rlp::decode_list(in);
            EXPECT_EQ(dec(str(payload)).error(), EthError::kWrongShape);
            // An extra element at the end of the message's list. Lists of items (Transactions, NewBlockHashes)
            // take it as one more item, which must then itself be well formed: 0x01 is an opaque transaction
            // item but not a [hash, number] entry.
            const auto extra = dec(rlp::wrap_list(concat({payload, unhex("01")})));
            if (code == msg::kTransactions) {
                EXPECT_TRUE(extra);
            } else {
                ASSERT_FALSE(extra);
                EXPECT_EQ(extra.error(), EthError::kWrongShape);
            }
            // The empty list: a shape error for every fixed-shape message.
            const auto empty = dec(unhex("c0"));
            if (code == msg::kTransactions || code == msg::kNewBlockHashes) {
                EXPECT_TRUE(empty);
            } else {
                ASSERT_FALSE(empty);
                EXPECT_EQ(empty.error(), EthError::kWrongShape);
            }
            // Oversized against a tight message cap.
            Limits tiny;
            tiny.max_message_size = good.size() - 1;
            EXPECT_EQ(decode_message(v, code, good, tiny).error(), EthError::kMessageTooLarge);
        }
    }
}

TEST(EthMessage, RequestIdBeyond64BitsIsTyped) {
    const Bytes big = unhex("89010000000000000000");  // 2^64: nine bytes
    const Bytes hashes = list({hash_item(1)});
    const std::vector<std::pair<uint64_t, Bytes>> cases = {
        {msg::kGetBlockHeaders, list({big, list({u64(1), u64(1), u64(0), u64(0)})})},
        {msg::kBlockHeaders, list({big, unhex("c0")})},
        {msg::kGetBlockBodies, list({big, hashes})},
        {msg::kBlockBodies, list({big, unhex("c0")})},
        {msg::kGetPooledTransactions, list({big, hashes})},
        {msg::kPooledTransactions, list({big, unhex("c0")})},
        {msg::kGetReceipts, list({big, hashes})},
        {msg::kReceipts, list({big, unhex("c0")})},
    };
    for (const auto& [code, payload] : cases) {
        for (EthVersion v : {EthVersion::kEth68, EthVersion::kEth69}) {
            EXPECT_EQ(decode_message(v, code, payload).error(), EthError::kRequestIdTooLarge) << code;
        }
    }
    // 2^64 - 1 is still a valid id, and a leading zero byte is malformed.
    auto max = decode_message(EthVersion::kEth68, msg::kGetBlockBodies, list({unhex("88ffffffffffffffff"), hashes}));
    ASSERT_TRUE(max);
    EXPECT_EQ(std::get<GetBlockBodies>(*max).request_id, ~uint64_t{0});
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kGetBlockBodies, list({unhex("820001"), hashes})).error(),
              EthError::kMalformedRlp);
}

TEST(EthMessage, GetBlockHeadersFields) {
    const auto dec = [](ByteView p) { return decode_get_block_headers(p); };
    const auto req = [](ByteView origin, ByteView reverse) {
        return list({u64(1), list({origin, u64(10), u64(0), reverse})});
    };
    EXPECT_TRUE(dec(req(u64(0), u64(0))));                                            // genesis by number
    EXPECT_EQ(dec(req(str(Bytes(20, 1)), u64(0))).error(), EthError::kInvalidField);  // neither hash nor number
    EXPECT_EQ(dec(req(str(Bytes(9, 1)), u64(0))).error(), EthError::kInvalidField);
    EXPECT_EQ(dec(req(unhex("820001"), u64(0))).error(), EthError::kMalformedRlp);  // number with a leading zero
    EXPECT_EQ(dec(req(u64(1), u64(2))).error(), EthError::kValueOverflow);          // reverse must be 0 or 1
    EXPECT_EQ(dec(req(unhex("c0"), u64(0))).error(), EthError::kWrongShape);        // origin as a list
    EXPECT_EQ(dec(list({u64(1), list({u64(1), u64(10), u64(0)})})).error(), EthError::kWrongShape);
    EXPECT_EQ(dec(list({u64(1), list({u64(1), u64(10), u64(0), u64(0), u64(0)})})).error(), EthError::kWrongShape);
    EXPECT_EQ(dec(list({u64(1), u64(1), u64(10), u64(0), u64(0)})).error(), EthError::kWrongShape);  // eth/65 form
    // Amount above the cap is accepted and clamped when served (geth's policy), not rejected.
    auto big = dec(list({u64(1), list({u64(1), u64(5000), u64(0), u64(0)})}));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->amount, 5000u);
    EXPECT_EQ(serve_count(*big, Limits{}), 1024u);
    Limits small;
    small.max_headers = 192;
    EXPECT_EQ(serve_count(*big, small), 192u);
    big->amount = 3;
    EXPECT_EQ(serve_count(*big, small), 3u);
}

// A list of `n` hash items whose LAST item is garbage: a decoder that counts against its cap before touching the
// items (and before reserving) reports kTooManyItems, never the garbage.
Bytes hashes_then_garbage(std::size_t n) {
    Bytes items;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const Bytes h = hash_item(static_cast<uint8_t>(i));
        items.insert(items.end(), h.begin(), h.end());
    }
    items.push_back(0xb8);  // a long string header whose length byte is missing
    return rlp::wrap_list(items);
}

TEST(EthMessage, CountsOverLimitsRejectedBeforeDecoding) {
    Limits limits;
    limits.max_hashes = 16;
    limits.max_headers = 16;
    limits.max_bodies = 16;
    limits.max_receipt_lists = 16;
    limits.max_transactions = 16;
    limits.max_announcements = 16;
    const Bytes over = hashes_then_garbage(17);
    const Bytes at = hashes_then_garbage(16);
    for (uint64_t code : {msg::kGetBlockBodies, msg::kGetReceipts, msg::kGetPooledTransactions, msg::kBlockHeaders,
                          msg::kBlockBodies, msg::kReceipts, msg::kPooledTransactions}) {
        SCOPED_TRACE(code);
        EXPECT_EQ(decode_message(EthVersion::kEth69, code, list({u64(1), over}), limits).error(),
                  EthError::kTooManyItems);
        // At the cap, the garbage item is reached and reported as such.
        EXPECT_EQ(decode_message(EthVersion::kEth69, code, list({u64(1), at}), limits).error(),
                  EthError::kMalformedRlp);
    }
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kTransactions, over, limits).error(), EthError::kTooManyItems);
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kNewBlockHashes, over, limits).error(), EthError::kTooManyItems);
    // Exactly at the cap with valid items: accepted.
    Bytes ok_items;
    for (int i = 0; i < 16; ++i) ok_items = concat({ok_items, hash_item(static_cast<uint8_t>(i))});
    auto ok =
        decode_message(EthVersion::kEth68, msg::kGetBlockBodies, list({u64(1), rlp::wrap_list(ok_items)}), limits);
    ASSERT_TRUE(ok);
    EXPECT_EQ(std::get<GetBlockBodies>(*ok).hashes.size(), 16u);
    // The defaults: 1024 hashes per request.
    Bytes many;
    for (int i = 0; i < 1025; ++i) many = concat({many, hash_item(static_cast<uint8_t>(i))});
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kGetReceipts, list({u64(1), rlp::wrap_list(many)})).error(),
              EthError::kTooManyItems);
    // NewPooledTransactionHashes: the types string counts too.
    Bytes types(17, 2);
    EXPECT_EQ(decode_new_pooled_transaction_hashes(list({str(types), unhex("c0"), unhex("c0")}), limits).error(),
              EthError::kTooManyItems);
    // Per-body caps apply inside BlockBodies: three ommers against the default cap of two.
    const Bytes ommer = sample_header(1).rlp;
    const Bytes body = list({unhex("c0"), list({ommer, ommer, ommer})});
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kBlockBodies, list({u64(1), list({body})})).error(),
              EthError::kTooManyItems);
}

TEST(EthMessage, NestedItemsAreStrict) {
    const SealedHeader hdr = sample_header(7);
    // BlockHeaders: a header with a 31-byte parent hash, and a header that is a string.
    Bytes bad_header = hdr.rlp;
    ByteView in = bad_header;
    Bytes fields = to_bytes(*rlp::decode_list(in));
    fields.erase(fields.begin());  // drop the 0xa0 of parent_hash...
    fields.insert(fields.begin(), 0x9f);
    fields.erase(fields.begin() + 1);  // ...and one byte of it: a 31-byte string
    EXPECT_EQ(
        decode_message(EthVersion::kEth68, msg::kBlockHeaders, list({u64(1), list({rlp::wrap_list(fields)})})).error(),
        EthError::kInvalidField);
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kBlockHeaders, list({u64(1), list({str(hdr.rlp)})})).error(),
              EthError::kWrongShape);
    // BlockBodies: a body of four elements, and one of one.
    EXPECT_EQ(
        decode_message(EthVersion::kEth68, msg::kBlockBodies, list({u64(1), list({unhex("c4c0c0c0c0")})})).error(),
        EthError::kWrongShape);
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kBlockBodies, list({u64(1), list({unhex("c1c0")})})).error(),
              EthError::kWrongShape);
    // Receipts: eth/69 slim receipt with a fifth field; an unknown transaction type.
    const Bytes slim = encode_slim(sample_receipt(TxnType::kLegacy));
    ByteView s = slim;
    const Bytes slim_fields = to_bytes(*rlp::decode_list(s));
    EXPECT_EQ(decode_message(EthVersion::kEth69, msg::kReceipts,
                             list({u64(1), list({list({rlp::wrap_list(concat({slim_fields, u64(1)}))})})}))
                  .error(),
              EthError::kWrongShape);
    Bytes typed7 = slim_fields;
    typed7[0] = 0x07;  // tx_type is the first field, a one-byte integer (0x80 for legacy)
    EXPECT_EQ(decode_message(EthVersion::kEth69, msg::kReceipts, list({u64(1), list({list({rlp::wrap_list(typed7)})})}))
                  .error(),
              EthError::kInvalidField);
    // NewBlockHashes: an entry with three fields; a hash of 33 bytes.
    EXPECT_EQ(decode_new_block_hashes(list({list({hash_item(1), u64(1), u64(2)})}), Limits{}).error(),
              EthError::kWrongShape);
    EXPECT_EQ(decode_new_block_hashes(list({list({str(Bytes(33, 1)), u64(1)})}), Limits{}).error(),
              EthError::kInvalidField);
    // NewPooledTransactionHashes: lists of different lengths; a size over 32 bits; a 20-byte hash.
    EXPECT_EQ(
        decode_new_pooled_transaction_hashes(list({str(Bytes{2, 2}), list({u64(1)}), list({hash_item(1)})}), Limits{})
            .error(),
        EthError::kInvalidField);
    EXPECT_EQ(decode_new_pooled_transaction_hashes(
                  list({str(Bytes{2}), list({u64(uint64_t{1} << 32)}), list({hash_item(1)})}), Limits{})
                  .error(),
              EthError::kValueOverflow);
    EXPECT_EQ(
        decode_new_pooled_transaction_hashes(list({str(Bytes{2}), list({u64(1)}), list({str(Bytes(20, 1))})}), Limits{})
            .error(),
        EthError::kInvalidField);
    // Transactions: an item whose header claims more bytes than the list holds.
    EXPECT_EQ(decode_transactions(list({unhex("c3010203"), unhex("83")}), Limits{}).error(), EthError::kMalformedRlp);
    // NewBlock: td as a list; a block missing its ommers list.
    const Bytes block = list({hdr.rlp, unhex("c0"), unhex("c0")});
    EXPECT_TRUE(decode_new_block(list({block, u64(1)}), Limits{}));
    EXPECT_EQ(decode_new_block(list({block, unhex("c0")}), Limits{}).error(), EthError::kWrongShape);
    EXPECT_EQ(decode_new_block(list({list({hdr.rlp, unhex("c0")}), u64(1)}), Limits{}).error(), EthError::kWrongShape);
    EXPECT_EQ(decode_new_block(list({block}), Limits{}).error(), EthError::kWrongShape);
}

TEST(EthError, CategoryNamesAndClassification) {
    const std::error_code ec = EthError::kGenesisMismatch;  // implicit, via is_error_code_enum
    EXPECT_EQ(ec.category().name(), std::string("eth"));
    EXPECT_EQ(ec.message(), "genesis mismatch");
    EXPECT_EQ(&make_error_code(EthError::kMalformedRlp).category(), &eth_category());
    for (int e = static_cast<int>(EthError::kMalformedRlp); e <= static_cast<int>(EthError::kInvalidBlockRange); ++e) {
        const auto err = static_cast<EthError>(e);
        EXPECT_NE(to_string(err), "unknown eth error") << e;
        const bool handshake_mismatch = err == EthError::kNetworkIdMismatch || err == EthError::kGenesisMismatch ||
                                        err == EthError::kForkIdRemoteStale || err == EthError::kForkIdIncompatible;
        EXPECT_EQ(is_protocol_violation(err), !handshake_mismatch) << to_string(err);
    }
    EXPECT_EQ(from_rlp(rlp::DecodingError::kTooLarge), EthError::kTooManyItems);
    EXPECT_EQ(from_rlp(rlp::DecodingError::kInputTooLong), EthError::kTrailingBytes);
}

}  // namespace
}  // namespace hypasis::p2p::eth
