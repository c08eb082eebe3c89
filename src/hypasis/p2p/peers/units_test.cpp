// Pure parts of the peers layer: ban codec, reputation, header number walks, serving bounds, error mapping.
#include <gtest/gtest.h>

#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/eth/codec.hpp"
#include "hypasis/p2p/peers/ban_store.hpp"
#include "hypasis/p2p/peers/error.hpp"
#include "hypasis/p2p/peers/reputation.hpp"
#include "hypasis/p2p/peers/server.hpp"
#include "hypasis/p2p/peers/test_harness.hpp"

namespace hypasis::p2p::peers {
namespace {

using namespace testing;

TEST(BanCodec, RoundTripsAndRejectsMalformedRows) {
    Ban a{public_of(test_key(1)), discv4::IpAddress::v4(192, 0, 2, 7),
          WallClock::time_point(std::chrono::milliseconds(1'700'000'000'123)), "protocol violation: malformed rlp"};
    auto da = decode_ban(encode_ban(a));
    ASSERT_TRUE(da.has_value());
    EXPECT_EQ(*da, a);
    Ban permanent{public_of(test_key(2)), std::nullopt, std::nullopt, ""};
    auto dp = decode_ban(encode_ban(permanent));
    ASSERT_TRUE(dp.has_value());
    EXPECT_EQ(*dp, permanent);

    const Bytes good = encode_ban(a);
    Bytes truncated(good.begin(), good.end() - 1);
    EXPECT_EQ(decode_ban(truncated).error(), rlp::DecodingError::kInputTooShort);
    Bytes trailing = good;
    trailing.push_back(0x80);
    EXPECT_EQ(decode_ban(trailing).error(), rlp::DecodingError::kInputTooLong);

    auto row = [](ByteView id, ByteView ip, uint64_t until, ByteView reason, bool extra) {
        Bytes p;
        rlp::encode_string(p, id);
        rlp::encode_string(p, ip);
        rlp::encode_u64(p, until);
        rlp::encode_string(p, reason);
        if (extra) rlp::encode_u64(p, 1);
        return rlp::wrap_list(p);
    };
    const Bytes id(64, 0x11), short_id(63, 0x11), bad_ip(5, 1), reason(10, 'x'), long_reason(1025, 'x');
    EXPECT_TRUE(decode_ban(row(id, {}, 0, reason, false)).has_value());
    EXPECT_EQ(decode_ban(row(short_id, {}, 0, reason, false)).error(), rlp::DecodingError::kUnexpectedLength);
    EXPECT_EQ(decode_ban(row(id, bad_ip, 0, reason, false)).error(), rlp::DecodingError::kUnexpectedLength);
    EXPECT_EQ(decode_ban(row(id, {}, 0, long_reason, false)).error(), rlp::DecodingError::kTooLarge);
    EXPECT_EQ(decode_ban(row(id, {}, 0, reason, true)).error(), rlp::DecodingError::kListLengthMismatch);
    EXPECT_EQ(decode_ban(row(id, {}, UINT64_MAX, reason, false)).error(), rlp::DecodingError::kOverflow);
}

TEST(MemoryBanStore, SaveReplaceEraseLoad) {
    MemoryBanStore store;
    Ban a{public_of(test_key(3)), std::nullopt, std::nullopt, "one"};
    store.save(a);
    a.reason = "two";
    store.save(a);
    EXPECT_EQ(store.size(), 1u);
    EXPECT_EQ(store.save_count(), 2u);
    ASSERT_EQ(store.load().size(), 1u);
    EXPECT_EQ(store.load()[0].reason, "two");
    store.erase(a.peer_id);
    EXPECT_EQ(store.size(), 0u);
    EXPECT_FALSE(store.find(a.peer_id).has_value());
}

TEST(Reputation, PenaltiesDecayClampAndThreshold) {
    ReputationConfig cfg;
    cfg.decay_per_second = 10;
    cfg.max_tracked = 2;
    ReputationTable t(cfg);
    const PeerId a = public_of(test_key(4)), b = public_of(test_key(5)), c = public_of(test_key(6));
    const Clock::time_point t0{};
    EXPECT_EQ(t.add(a, -50, t0), -50);
    EXPECT_EQ(t.score(a, t0 + std::chrono::seconds(2)), -30);  // decays towards 0
    EXPECT_EQ(t.score(a, t0 + std::chrono::seconds(10)), 0);   // and stops there
    EXPECT_EQ(t.add(a, -60, t0 + std::chrono::seconds(2)), -90);
    EXPECT_FALSE(t.below_threshold(a, t0 + std::chrono::seconds(2)));
    EXPECT_EQ(t.add(a, -500, t0 + std::chrono::seconds(2)), cfg.ban_threshold - 100);  // clamped
    EXPECT_TRUE(t.below_threshold(a, t0 + std::chrono::seconds(2)));
    for (int i = 0; i < 100; ++i) t.add(b, 1, t0);
    EXPECT_EQ(t.score(b, t0), cfg.max_score);  // credit is capped
    t.add(c, -1, t0);                           // bounded: one entry was evicted
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(penalty_for(cfg, Misbehaviour::kTimeout), cfg.penalty_timeout);
    EXPECT_EQ(penalty_for(cfg, Misbehaviour::kInvalidData), cfg.penalty_invalid_data);
}

TEST(HeaderNumbers, StepsClampsAndStopsAtTheEnds) {
    EXPECT_EQ(header_numbers(10, 3, 0, false, 1024), (std::vector<uint64_t>{10, 11, 12}));
    EXPECT_EQ(header_numbers(10, 3, 4, false, 1024), (std::vector<uint64_t>{10, 15, 20}));
    EXPECT_EQ(header_numbers(5, 10, 1, true, 1024), (std::vector<uint64_t>{5, 3, 1}));
    EXPECT_EQ(header_numbers(UINT64_MAX - 1, 5, 0, false, 1024), (std::vector<uint64_t>{UINT64_MAX - 1, UINT64_MAX}));
    EXPECT_EQ(header_numbers(7, 5, UINT64_MAX, false, 1024), (std::vector<uint64_t>{7}));
    EXPECT_EQ(header_numbers(0, 5000, 0, false, 1024).size(), 1024u);
    EXPECT_TRUE(header_numbers(0, 0, 0, false, 1024).empty());
}

TEST(Server, ClampsToCountAndSoftByteLimit) {
    const auto& chain = test_chain();
    auto provider = make_provider();
    ServingLimits limits;
    limits.max_headers = 100;
    limits.soft_response_bytes = 2000;
    boost::asio::io_context unused;
    Server server(*provider, unused.get_executor(), limits);

    // Byte limit: headers are added until the total reaches 2000 bytes (the crossing one included).
    std::size_t expected = 0, bytes = 0;
    while (bytes < limits.soft_response_bytes) bytes += chain.blocks[1 + expected++].header.rlp.size();
    auto payload = server.headers_now(eth::GetBlockHeaders{7, uint64_t{1}, 50, 0, false});
    auto decoded = eth::decode_raw_items(payload, 1024);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->request_id, 7u);
    EXPECT_EQ(decoded->items.size(), expected);

    // Count limit.
    limits.soft_response_bytes = 1 << 30;
    Server big(*provider, unused.get_executor(), limits);
    // The decoded items are views into the payload: keep each payload alive while its items are read.
    const Bytes many_payload = big.headers_now(eth::GetBlockHeaders{8, uint64_t{0}, 5000, 0, false});
    auto many = eth::decode_raw_items(many_payload, 5000);
    ASSERT_TRUE(many.has_value());
    EXPECT_EQ(many->items.size(), 100u);
    // By hash; unknown hash; bodies prefix.
    const Bytes by_hash_payload = big.headers_now(eth::GetBlockHeaders{9, chain.blocks[3].header.hash, 2, 0, true});
    auto by_hash = eth::decode_raw_items(by_hash_payload, 10);
    ASSERT_TRUE(by_hash.has_value());
    ASSERT_EQ(by_hash->items.size(), 2u);
    EXPECT_TRUE(std::equal(by_hash->items[1].begin(), by_hash->items[1].end(), chain.blocks[2].header.rlp.begin(),
                           chain.blocks[2].header.rlp.end()));
    const Bytes unknown_payload = big.headers_now(eth::GetBlockHeaders{10, Hash{1}, 2, 0, false});
    auto unknown = eth::decode_raw_items(unknown_payload, 10);
    ASSERT_TRUE(unknown.has_value());
    EXPECT_TRUE(unknown->items.empty());
    eth::GetBlockBodies req;
    req.request_id = 11;
    req.hashes = {chain.blocks[1].header.hash, Hash{2}, chain.blocks[3].header.hash};
    const Bytes bodies_payload = big.bodies_now(req);
    auto bodies = eth::decode_raw_items(bodies_payload, 10);
    ASSERT_TRUE(bodies.has_value());
    EXPECT_EQ(bodies->items.size(), 1u);
}

TEST(ErrorMapping, OnePlaceMapsErrorsToDisconnectReasons) {
    using rlpx::DisconnectReason;
    EXPECT_EQ(disconnect_reason_for(make_error_code(eth::EthError::kMalformedRlp)), DisconnectReason::kProtocolBreach);
    EXPECT_EQ(disconnect_reason_for(make_error_code(eth::EthError::kGenesisMismatch)), DisconnectReason::kUselessPeer);
    EXPECT_EQ(disconnect_reason_for(make_error_code(eth::EthError::kForkIdIncompatible)),
              DisconnectReason::kUselessPeer);
    EXPECT_EQ(disconnect_reason_for(make_error_code(PeerError::kTooManyItems)), DisconnectReason::kProtocolBreach);
    EXPECT_EQ(disconnect_reason_for(make_error_code(PeerError::kSubnetFull)), DisconnectReason::kTooManyPeers);
    EXPECT_EQ(disconnect_reason_for(make_error_code(PeerError::kAlreadyConnected)),
              DisconnectReason::kAlreadyConnected);
    EXPECT_EQ(disconnect_reason_for(make_error_code(PeerError::kStatusTimeout)), DisconnectReason::kSubprotocolReason);
    EXPECT_EQ(disconnect_reason_for(make_error_code(PeerError::kStopped)), DisconnectReason::kClientQuitting);
    EXPECT_EQ(disconnect_reason_for(make_error_code(rlpx::RlpxError::kBadFrameMac)), DisconnectReason::kProtocolBreach);
    EXPECT_EQ(disconnect_reason_for(std::make_error_code(std::errc::connection_reset)),
              DisconnectReason::kSubprotocolReason);
    EXPECT_EQ(to_string(PeerError::kRequestFlood), "request flood");
    EXPECT_EQ(make_error_code(PeerError::kTimeout).message(), "request timeout");
}

}  // namespace
}  // namespace hypasis::p2p::peers
