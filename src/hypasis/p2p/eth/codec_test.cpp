// The eth message codec against EIP-2481's published vectors and real mainnet blocks.
#include "hypasis/p2p/eth/codec.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/validation/body_roots.hpp"
#include "hypasis/p2p/eth/message.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::p2p::eth {
namespace {

namespace json = boost::json;

std::string err(EthError e) { return std::string(to_string(e)); }
template <class T>
std::string err(const Expected<T, EthError>& r) {
    return r ? std::string("ok") : err(r.error());
}

Bytes unhex(std::string_view s) {
    auto b = from_hex(s);
    if (!b) ADD_FAILURE() << "bad hex in fixture: " << s.substr(0, 40);
    return b.value_or(Bytes{});
}

std::string str(const json::value& v, std::string_view key) { return std::string(v.at(key).as_string()); }
std::string hex(ByteView b) { return to_hex(b); }
template <std::size_t N>
std::string hex(const FixedBytes<N>& b) {
    return to_hex(ByteView{b.data(), N});
}

// Every field of a header against the go-ethereum JSON form used by EIP-2481's vectors.
void expect_header(const json::value& j, const SealedHeader& h) {
    const BlockHeader& x = h.header;
    EXPECT_EQ(hex(x.parent_hash), str(j, "parentHash"));
    EXPECT_EQ(hex(x.ommers_hash), str(j, "sha3Uncles"));
    EXPECT_EQ(hex(x.beneficiary), str(j, "miner"));
    EXPECT_EQ(hex(x.state_root), str(j, "stateRoot"));
    EXPECT_EQ(hex(x.transactions_root), str(j, "transactionsRoot"));
    EXPECT_EQ(hex(x.receipts_root), str(j, "receiptsRoot"));
    EXPECT_EQ(hex(x.logs_bloom), str(j, "logsBloom"));
    EXPECT_EQ(x.difficulty.to_quantity(), str(j, "difficulty"));
    EXPECT_EQ(to_quantity(x.number), str(j, "number"));
    EXPECT_EQ(to_quantity(x.gas_limit), str(j, "gasLimit"));
    EXPECT_EQ(to_quantity(x.gas_used), str(j, "gasUsed"));
    EXPECT_EQ(to_quantity(x.timestamp), str(j, "timestamp"));
    EXPECT_EQ(hex(x.extra_data), str(j, "extraData"));
    EXPECT_EQ(hex(x.mix_hash), str(j, "mixHash"));
    EXPECT_EQ(hex(x.nonce), str(j, "nonce"));
    EXPECT_FALSE(x.base_fee_per_gas.has_value());
    EXPECT_EQ(hex(h.hash), str(j, "hash"));
}

void expect_legacy_txn(const json::value& j, const Transaction& t) {
    EXPECT_EQ(t.type, TxnType::kLegacy);
    EXPECT_EQ(to_quantity(t.nonce), str(j, "nonce"));
    EXPECT_EQ(t.gas_price.to_quantity(), str(j, "gasPrice"));
    EXPECT_EQ(to_quantity(t.gas_limit), str(j, "gas"));
    ASSERT_TRUE(t.to.has_value());
    EXPECT_EQ(hex(*t.to), str(j, "to"));
    EXPECT_EQ(t.value.to_quantity(), str(j, "value"));
    EXPECT_EQ(hex(t.data), str(j, "input"));
    EXPECT_EQ(t.v.to_quantity(), str(j, "v"));
    // r and s are 32-byte quantities here; compare as numbers via the minimal form.
    EXPECT_EQ(t.r.to_quantity(), U256::from_be(unhex(str(j, "r")))->to_quantity());
    EXPECT_EQ(t.s.to_quantity(), U256::from_be(unhex(str(j, "s")))->to_quantity());
    EXPECT_EQ(hex(t.hash), str(j, "hash"));
}

std::vector<std::string> hash_strings(const std::vector<Hash>& hs) {
    std::vector<std::string> out;
    for (const Hash& h : hs) out.push_back(hex(h));
    return out;
}
std::vector<std::string> json_strings(const json::value& arr) {
    std::vector<std::string> out;
    for (const auto& v : arr.as_array()) out.emplace_back(v.as_string());
    return out;
}

// EIP-2481 "Test cases": all 11. Each decodes through decode_message (or, for the eth/66 node-data pair that
// eth/67 removed, through the decoder of the same shape), every field is compared, and re-encoding gives the
// vector's bytes.
TEST(Eip2481, AllVectorsDecodeCompareAndReencode) {
    HYPASIS_FIXTURE_OR_SKIP(path, "eips/eip-2481-vectors.extracted.json");
    const json::value doc = test::read_json(path);
    const auto& cases = doc.at("cases").as_array();
    ASSERT_EQ(cases.size(), 11u);
    std::map<std::string, int> seen;
    for (const auto& c : cases) {
        const std::string type(c.at("type").as_string());
        SCOPED_TRACE(type);
        ++seen[type];
        const Bytes rlp = unhex(c.at("rlp").as_string());
        const json::value& d = c.at("data");
        const uint64_t want_id = d.at("RequestId").to_number<uint64_t>();
        const auto roundtrip = [&](uint64_t code) -> EthMessage {
            auto m = decode_message(EthVersion::kEth68, code, rlp);
            EXPECT_TRUE(m) << err(m);
            if (!m) return EthMessage{};
            EXPECT_EQ(message_code(*m), code);
            auto again = encode_message(EthVersion::kEth68, *m);
            EXPECT_TRUE(again);
            if (again) {
                EXPECT_EQ(hex(*again), hex(rlp));
            }
            return *m;
        };
        if (type == "GetBlockHeadersPacket66") {
            const auto m = std::get<GetBlockHeaders>(roundtrip(msg::kGetBlockHeaders));
            EXPECT_EQ(m.request_id, want_id);
            const json::value& o = d.at("Origin");
            const std::string origin_hash = str(o, "Hash");
            if (origin_hash != hex(Hash{})) {
                ASSERT_TRUE(std::holds_alternative<Hash>(m.origin));
                EXPECT_EQ(hex(std::get<Hash>(m.origin)), origin_hash);
            } else {
                ASSERT_TRUE(std::holds_alternative<uint64_t>(m.origin));
                EXPECT_EQ(std::get<uint64_t>(m.origin), o.at("Number").to_number<uint64_t>());
            }
            EXPECT_EQ(m.amount, d.at("Amount").to_number<uint64_t>());
            EXPECT_EQ(m.skip, d.at("Skip").to_number<uint64_t>());
            EXPECT_EQ(m.reverse, d.at("Reverse").as_bool());
        } else if (type == "BlockHeadersPacket66") {
            const auto m = std::get<BlockHeaders>(roundtrip(msg::kBlockHeaders));
            EXPECT_EQ(m.request_id, want_id);
            const auto& hs = d.at("BlockHeadersPacket").as_array();
            ASSERT_EQ(m.headers.size(), hs.size());
            for (std::size_t i = 0; i < hs.size(); ++i) expect_header(hs[i], m.headers[i]);
            // The raw view of the same payload yields the same header bytes.
            auto raw = decode_raw_items(rlp, 1024);
            ASSERT_TRUE(raw) << err(raw);
            ASSERT_EQ(raw->items.size(), 1u);
            EXPECT_EQ(to_bytes(raw->items[0]), m.headers[0].rlp);
        } else if (type == "GetBlockBodiesPacket66") {
            const auto m = std::get<GetBlockBodies>(roundtrip(msg::kGetBlockBodies));
            EXPECT_EQ(m.request_id, want_id);
            EXPECT_EQ(hash_strings(m.hashes), json_strings(d.at("GetBlockBodiesPacket")));
        } else if (type == "BlockBodiesPacket66") {
            const auto m = std::get<BlockBodies>(roundtrip(msg::kBlockBodies));
            EXPECT_EQ(m.request_id, want_id);
            const auto& bs = d.at("BlockBodiesPacket").as_array();
            ASSERT_EQ(m.bodies.size(), bs.size());
            for (std::size_t i = 0; i < bs.size(); ++i) {
                const auto& txs = bs[i].at("Transactions").as_array();
                const auto& uncles = bs[i].at("Uncles").as_array();
                ASSERT_EQ(m.bodies[i].transactions.size(), txs.size());
                for (std::size_t t = 0; t < txs.size(); ++t) expect_legacy_txn(txs[t], m.bodies[i].transactions[t]);
                ASSERT_EQ(m.bodies[i].ommers.size(), uncles.size());
                for (std::size_t u = 0; u < uncles.size(); ++u) expect_header(uncles[u], m.bodies[i].ommers[u]);
                EXPECT_FALSE(m.bodies[i].withdrawals.has_value());
            }
        } else if (type == "GetReceiptsPacket66") {
            const auto m = std::get<GetReceipts>(roundtrip(msg::kGetReceipts));
            EXPECT_EQ(m.request_id, want_id);
            EXPECT_EQ(hash_strings(m.hashes), json_strings(d.at("GetReceiptsPacket")));
        } else if (type == "ReceiptsPacket66") {
            const auto m = std::get<Receipts>(roundtrip(msg::kReceipts));
            EXPECT_EQ(m.request_id, want_id);
            const auto& blocks = d.at("ReceiptsPacket").as_array();
            ASSERT_EQ(m.receipts.size(), blocks.size());
            for (std::size_t b = 0; b < blocks.size(); ++b) {
                const auto& rs = blocks[b].as_array();
                ASSERT_EQ(m.receipts[b].size(), rs.size());
                for (std::size_t i = 0; i < rs.size(); ++i) {
                    const Receipt& r = m.receipts[b][i];
                    const json::value& j = rs[i];
                    // "root": "0x" means no post-state root: a status receipt.
                    EXPECT_EQ(str(j, "root"), "0x");
                    EXPECT_FALSE(r.post_state.has_value());
                    EXPECT_EQ(r.success, str(j, "status") == "0x1");
                    EXPECT_EQ(to_quantity(r.cumulative_gas_used), str(j, "cumulativeGasUsed"));
                    EXPECT_EQ(hex(r.bloom), str(j, "logsBloom"));
                    const auto& logs = j.at("logs").as_array();
                    ASSERT_EQ(r.logs.size(), logs.size());
                    for (std::size_t l = 0; l < logs.size(); ++l) {
                        EXPECT_EQ(hex(r.logs[l].address), str(logs[l], "address"));
                        EXPECT_EQ(hash_strings(r.logs[l].topics), json_strings(logs[l].at("topics")));
                        EXPECT_EQ(hex(r.logs[l].data), str(logs[l], "data"));
                    }
                    // The JSON's derived fields (gasUsed, contractAddress, hashes) are not on the wire.
                }
            }
        } else if (type == "GetPooledTransactionsPacket66") {
            const auto m = std::get<GetPooledTransactions>(roundtrip(msg::kGetPooledTransactions));
            EXPECT_EQ(m.request_id, want_id);
            EXPECT_EQ(hash_strings(m.hashes), json_strings(d.at("GetPooledTransactionsPacket")));
        } else if (type == "PooledTransactionsPacket66") {
            const auto m = std::get<PooledTransactions>(roundtrip(msg::kPooledTransactions));
            EXPECT_EQ(m.request_id, want_id);
            const auto& txs = d.at("PooledTransactionsPacket").as_array();
            ASSERT_EQ(m.items.size(), txs.size());
            // The items are kept opaque; core's decoder gives their fields.
            for (std::size_t t = 0; t < txs.size(); ++t) {
                auto txn = decode_transaction(m.items[t]);
                ASSERT_TRUE(txn);
                expect_legacy_txn(txs[t], *txn);
            }
        } else if (type == "GetNodeDataPacket66" || type == "NodeDataPacket66") {
            // Removed in eth/67 (EIP-4938): refused on every version we speak, with a typed error.
            const uint64_t code = type == "GetNodeDataPacket66" ? msg::kGetNodeData : msg::kNodeData;
            for (EthVersion v : {EthVersion::kEth68, EthVersion::kEth69}) {
                auto m = decode_message(v, code, rlp);
                ASSERT_FALSE(m);
                EXPECT_EQ(m.error(), EthError::kMessageNotInVersion);
            }
            // Its shape is `[request-id, [item₁, ...]]`: compare the fields through the raw splitter.
            auto raw = decode_raw_items(rlp, 1024);
            ASSERT_TRUE(raw) << err(raw);
            EXPECT_EQ(raw->request_id, want_id);
            const auto want =
                json_strings(d.at(type == "GetNodeDataPacket66" ? "GetNodeDataPacket" : "NodeDataPacket"));
            ASSERT_EQ(raw->items.size(), want.size());
            for (std::size_t i = 0; i < want.size(); ++i) {
                ByteView item = raw->items[i];
                auto s = rlp::decode_string(item);
                ASSERT_TRUE(s);
                EXPECT_EQ(hex(*s), want[i]);
            }
            EXPECT_EQ(hex(encode_request_id_list(raw->request_id, raw->items)), hex(rlp));
        } else {
            ADD_FAILURE() << "unexpected vector type " << type;
        }
    }
    EXPECT_EQ(seen.size(), 10u);  // two GetBlockHeaders cases (by hash, by number), one of each other type
    EXPECT_EQ(seen["GetBlockHeadersPacket66"], 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Real mainnet blocks (portal-spec-tests block_data: header, body, eth/69 slim receipts).

const std::vector<uint64_t> kBlockDataNumbers = {14764013, 15537393, 15547621, 17034869, 17034870, 17062257,
                                                 19426586, 19426587, 22162263, 22431083, 22431084, 22869878};

struct RawBlock {
    uint64_t number;
    Bytes header;
    Bytes body;
    Bytes slim_receipts;
};

std::vector<RawBlock> read_blocks(const std::filesystem::path& dir) {
    std::vector<RawBlock> out;
    for (uint64_t n : kBlockDataNumbers) {
        const auto yaml = test::read_flat_yaml(dir / ("block-data-" + std::to_string(n) + ".yaml"));
        out.push_back({n, unhex(yaml.at("header")), unhex(yaml.at("body")), unhex(yaml.at("receipts"))});
    }
    return out;
}

// Block hashes named by the Portal hive tests' header-by-hash content keys (0x00 || hash), independent of keccak.
std::map<uint64_t, Hash> hive_hashes(const std::filesystem::path& dir) {
    std::map<uint64_t, Hash> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const uint64_t n = std::stoull(entry.path().stem().string());
        std::istringstream in(test::read_file(entry.path()));
        for (std::string line; std::getline(in, line);) {
            const auto at = line.find("content_key: \"0x00");
            if (at == std::string::npos) continue;
            const auto key = unhex(line.substr(at + 14, 68));
            if (key.size() == 33) out.emplace(n, to_fixed<32>(ByteView{key}.subspan(1)));
            break;
        }
    }
    return out;
}

std::vector<ByteView> views(const std::vector<RawBlock>& blocks, Bytes RawBlock::*field) {
    std::vector<ByteView> out;
    for (const RawBlock& b : blocks) out.emplace_back(b.*field);
    return out;
}

TEST(EthRealData, BlockHeadersRoundTripAndHashes) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    HYPASIS_FIXTURE_OR_SKIP(hive, "portal-spec-tests/history/hive/success");
    const auto blocks = read_blocks(dir);
    const auto named = hive_hashes(hive);
    const Bytes payload = encode_block_headers(0x1122334455667788ull, views(blocks, &RawBlock::header));
    auto m = decode_message(EthVersion::kEth69, msg::kBlockHeaders, payload);
    ASSERT_TRUE(m) << err(m);
    const auto& headers = std::get<BlockHeaders>(*m);
    EXPECT_EQ(headers.request_id, 0x1122334455667788ull);
    ASSERT_EQ(headers.headers.size(), blocks.size());
    int checked = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        SCOPED_TRACE(blocks[i].number);
        EXPECT_EQ(headers.headers[i].header.number, blocks[i].number);
        EXPECT_EQ(headers.headers[i].rlp, blocks[i].header);
        EXPECT_EQ(headers.headers[i].hash, crypto::keccak256(blocks[i].header));
        if (auto it = named.find(blocks[i].number); it != named.end()) {
            EXPECT_EQ(hex(headers.headers[i].hash), hex(it->second));
            ++checked;
        }
    }
    EXPECT_GE(checked, 7);  // 15537393, 17034869/70, 19426586/7, 22431083/4 have hive content keys
    EXPECT_EQ(encode(headers), payload);
    EXPECT_EQ(*encode_message(EthVersion::kEth68, *m), payload);
    // A response cap equal to the request: one header fewer than sent is refused before allocating.
    Limits tight;
    tight.max_headers = blocks.size() - 1;
    EXPECT_EQ(decode_block_headers(payload, tight).error(), EthError::kTooManyItems);
}

TEST(EthRealData, BlockBodiesRoundTripAndRoots) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    const auto blocks = read_blocks(dir);
    const Bytes payload = encode_block_bodies(7, views(blocks, &RawBlock::body));
    auto m = decode_message(EthVersion::kEth68, msg::kBlockBodies, payload);
    ASSERT_TRUE(m) << err(m);
    const auto& bodies = std::get<BlockBodies>(*m);
    ASSERT_EQ(bodies.bodies.size(), blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        SCOPED_TRACE(blocks[i].number);
        auto header = decode_header(blocks[i].header);
        ASSERT_TRUE(header);
        const BlockBody& body = bodies.bodies[i];
        EXPECT_EQ(validation::compute_transactions_root(body.transactions), header->header.transactions_root);
        EXPECT_EQ(validation::compute_ommers_hash(body.ommers), header->header.ommers_hash);
        EXPECT_EQ(body.withdrawals.has_value(), header->header.withdrawals_root.has_value());
        if (body.withdrawals) {
            EXPECT_EQ(validation::compute_withdrawals_root(*body.withdrawals), *header->header.withdrawals_root);
        }
        EXPECT_EQ(encode(body), blocks[i].body);
    }
    EXPECT_EQ(encode(bodies), payload);
    auto raw = decode_raw_items(payload, 1024);
    ASSERT_TRUE(raw);
    ASSERT_EQ(raw->items.size(), blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) EXPECT_EQ(to_bytes(raw->items[i]), blocks[i].body);
}

TEST(EthRealData, ReceiptsEth69SlimAndEth68Consensus) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    const auto blocks = read_blocks(dir);
    // eth/69: the fixture lists are already slim (EIP-7642); the message carries them as they are.
    const Bytes slim = encode_receipts(9, views(blocks, &RawBlock::slim_receipts));
    auto m69 = decode_message(EthVersion::kEth69, msg::kReceipts, slim);
    ASSERT_TRUE(m69) << err(m69);
    const auto& r69 = std::get<Receipts>(*m69);
    ASSERT_EQ(r69.receipts.size(), blocks.size());
    std::vector<Bytes> eth68_lists;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        SCOPED_TRACE(blocks[i].number);
        auto header = decode_header(blocks[i].header);
        ASSERT_TRUE(header);
        // The bloom is recomputed on decode, so the consensus re-encoding reproduces the header's receipts root.
        EXPECT_EQ(validation::compute_receipts_root(r69.receipts[i]), header->header.receipts_root);
        EXPECT_EQ(block_bloom(r69.receipts[i]), header->header.logs_bloom);
        EXPECT_EQ(encode_receipts(r69.receipts[i], ReceiptForm::kSlim), blocks[i].slim_receipts);
        eth68_lists.push_back(encode_receipts(r69.receipts[i], ReceiptForm::kEth68));
    }
    EXPECT_EQ(*encode_message(EthVersion::kEth69, *m69), slim);

    // eth/68: the same receipts in consensus form (typed ones string-wrapped, blooms included).
    std::vector<ByteView> v68(eth68_lists.begin(), eth68_lists.end());
    const Bytes consensus = encode_receipts(9, v68);
    auto m68 = decode_message(EthVersion::kEth68, msg::kReceipts, consensus);
    ASSERT_TRUE(m68) << err(m68);
    EXPECT_EQ(std::get<Receipts>(*m68), r69);
    EXPECT_EQ(*encode_message(EthVersion::kEth68, *m68), consensus);
    // Each form is refused by the other version's decoder.
    EXPECT_FALSE(decode_message(EthVersion::kEth68, msg::kReceipts, slim));
    EXPECT_FALSE(decode_message(EthVersion::kEth69, msg::kReceipts, consensus));
}

TEST(EthRealData, NewBlockCarriesARealBlock) {
    HYPASIS_FIXTURE_OR_SKIP(dir, "portal-spec-tests/history/block_data");
    const auto blocks = read_blocks(dir);
    const RawBlock& b = blocks[1];  // 15537393, the last proof-of-work block
    ByteView body = b.body;
    auto body_payload = rlp::decode_list(body);
    ASSERT_TRUE(body_payload);
    Bytes block_payload = b.header;
    block_payload.insert(block_payload.end(), body_payload->begin(), body_payload->end());
    Bytes inner = rlp::wrap_list(block_payload);
    // Mainnet's terminal total difficulty, 58750003716598352816469.
    const U256 ttd = *U256::from_string("58750003716598352816469");
    rlp::encode_u256(inner, ttd);
    const Bytes payload = rlp::wrap_list(inner);
    auto m = decode_message(EthVersion::kEth68, msg::kNewBlock, payload);
    ASSERT_TRUE(m) << err(m);
    const auto& nb = std::get<NewBlock>(*m);
    EXPECT_EQ(nb.td, ttd);
    EXPECT_EQ(nb.block.header.rlp, b.header);
    EXPECT_EQ(nb.block.header.header.number, 15537393u);
    EXPECT_EQ(*encode_message(EthVersion::kEth68, *m), payload);
    // Not part of eth/69.
    EXPECT_EQ(decode_message(EthVersion::kEth69, msg::kNewBlock, payload).error(), EthError::kMessageNotInVersion);
}

}  // namespace
}  // namespace hypasis::p2p::eth
