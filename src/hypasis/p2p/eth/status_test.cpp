// Status (eth/68 and eth/69 layouts), BlockRangeUpdate, and handshake validation against mainnet's ForkIDs.
#include "hypasis/p2p/eth/status.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "hypasis/core/chain/crc32.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/eth/message.hpp"

namespace hypasis::p2p::eth {
namespace {

using chain::ForkId;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
const std::string kMainnetGenesis = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3";

Hash h(std::string_view hex) { return fixed_from_hex<32>(hex).value(); }
Bytes unhex(std::string_view s) { return from_hex(s).value(); }
ForkId id(uint32_t checksum, uint64_t next) { return ForkId::from_checksum(checksum, next); }

std::string err(const Expected<void, EthError>& r) { return r ? "ok" : std::string(to_string(r.error())); }

const chain::ChainSpec& mainnet() { return *chain::builtin_chain("mainnet"); }

// A Status that mainnet at (head_number, head_time) would send on `v`.
Status mainnet_status(EthVersion v, uint64_t head_number, uint64_t head_time) {
    Status s;
    s.version = static_cast<uint64_t>(v);
    s.network_id = 1;
    s.genesis_hash = h(kMainnetGenesis);
    s.fork_id = chain::fork_id_at(mainnet(), head_number, head_time);
    s.head_hash = h("0x1111111111111111111111111111111111111111111111111111111111111111");
    if (v == EthVersion::kEth68) {
        s.td = *U256::from_string("58750003716598352816469");
    } else {
        s.earliest = 15537394;
        s.latest = head_number;
    }
    return s;
}

// eth/69 Status bytes written out by hand from EIP-7642's layout
// [version, networkid, genesis, forkid, earliestBlock, latestBlock, latestBlockHash]:
//   f855                       list, 85-byte payload
//   45                         version 69
//   01                         network id 1
//   a0 d4e5…8fa3               genesis
//   ca 84 9f3d2254 84 681b3057 forkid [Cancun's hash, Prague at 1746612311]
//   80                         earliest 0
//   84 0156456c                latest 22431084
//   a0 2222…22                 latest hash
TEST(Status, Eth69HandWrittenBytes) {
    const std::string hex =
        "f855"
        "45"
        "01"
        "a0" +
        kMainnetGenesis +
        "ca849f3d225484681b3057"
        "80"
        "840156456c"
        "a0" +
        std::string(64, '2');
    const Bytes payload = unhex(hex);
    auto s = decode_status(EthVersion::kEth69, payload);
    ASSERT_TRUE(s) << to_string(s.error());
    EXPECT_EQ(s->version, 69u);
    EXPECT_EQ(s->network_id, 1u);
    EXPECT_EQ(s->genesis_hash, h(kMainnetGenesis));
    EXPECT_EQ(s->fork_id, id(0x9f3d2254, 1746612311));
    EXPECT_EQ(s->earliest, 0u);
    EXPECT_EQ(s->latest, 22431084u);
    EXPECT_EQ(s->head_hash, h(std::string(64, '2')));
    EXPECT_EQ(encode_status(EthVersion::kEth69, *s), payload);
    // The same bytes are not an eth/68 Status (td would be the genesis hash... and then the shape breaks).
    EXPECT_FALSE(decode_status(EthVersion::kEth68, payload));
    // Mainnet computes the same fork id at a Cancun head before Prague.
    EXPECT_EQ(chain::fork_id_at(mainnet(), 22431083, 1746612310), s->fork_id);
}

TEST(Status, RoundTripsBothLayouts) {
    for (EthVersion v : {EthVersion::kEth68, EthVersion::kEth69}) {
        const Status s = mainnet_status(v, 22431084, 1746612311);
        const Bytes enc = encode_status(v, s);
        auto back = decode_status(v, enc);
        ASSERT_TRUE(back) << to_string(back.error());
        EXPECT_EQ(*back, s);
        auto m = decode_message(v, msg::kStatus, enc);
        ASSERT_TRUE(m);
        EXPECT_EQ(std::get<Status>(*m), s);
        EXPECT_EQ(*encode_message(v, *m), enc);
    }
    // eth/68 bytes fed to the eth/69 decoder fail on shape (td is a number where the genesis hash belongs).
    const Bytes e68 = encode_status(EthVersion::kEth68, mainnet_status(EthVersion::kEth68, 1, 1));
    EXPECT_FALSE(decode_status(EthVersion::kEth69, e68));
}

TEST(Status, DecodeRejectsMalformed) {
    const Status s = mainnet_status(EthVersion::kEth69, 22431084, 1746612311);
    const Bytes good = encode_status(EthVersion::kEth69, s);
    // Truncated.
    EXPECT_EQ(decode_status(EthVersion::kEth69, ByteView{good}.first(good.size() - 1)).error(),
              EthError::kMalformedRlp);
    // Trailing byte after the list.
    Bytes trailing = good;
    trailing.push_back(0x80);
    EXPECT_EQ(decode_status(EthVersion::kEth69, trailing).error(), EthError::kTrailingBytes);
    // An extra eighth field inside the list (no EIP-8 tolerance in eth messages).
    ByteView in = good;
    Bytes inner = to_bytes(*rlp::decode_list(in));
    inner.push_back(0x01);
    EXPECT_EQ(decode_status(EthVersion::kEth69, rlp::wrap_list(inner)).error(), EthError::kWrongShape);
    // A field missing: drop latestHash (the last 33 bytes).
    const Bytes short_inner(inner.begin(), inner.end() - 34);
    EXPECT_EQ(decode_status(EthVersion::kEth69, rlp::wrap_list(short_inner)).error(), EthError::kWrongShape);
    // Not a list.
    EXPECT_EQ(decode_status(EthVersion::kEth69, unhex("8401020304")).error(), EthError::kWrongShape);
    // A 3-byte fork hash: [c9 83 xxxxxx 84 next] in place of [ca 84 xxxxxxxx 84 next].
    const std::string fork_hex = "ca84" + to_hex(ByteView{s.fork_id.hash.data(), 4}, false);
    std::string hex = to_hex(ByteView{good}.subspan(2), false);  // the list payload (f8 58 header)
    ASSERT_EQ(good[0], 0xf8);
    const auto at = hex.find(fork_hex);
    ASSERT_NE(at, std::string::npos);
    hex.replace(at, fork_hex.size(), "c983" + fork_hex.substr(4, 6));
    EXPECT_EQ(decode_status(EthVersion::kEth69, rlp::wrap_list(unhex(hex))).error(), EthError::kInvalidField);
    // A version that does not fit 64 bits.
    Bytes big_version = unhex(
        "ca"
        "89"
        "010000000000000000");
    EXPECT_EQ(decode_status(EthVersion::kEth69, big_version).error(), EthError::kValueOverflow);
}

TEST(Status, ValidationAcceptsMainnetPeersAtSeveralHeads) {
    struct Head {
        uint64_t number, time;
    };
    // Paris (pre-Shanghai), Shanghai, Cancun, Prague, and past BPO2.
    for (Head head : {Head{15600000, 1665000000}, Head{17100000, 1682000000}, Head{19500000, 1711000000},
                      Head{22500000, 1747000000}, Head{24000000, 1800000000}}) {
        SCOPED_TRACE(head.number);
        const LocalChainView local = LocalChainView::from_spec(mainnet(), head.number, head.time);
        for (EthVersion v : {EthVersion::kEth68, EthVersion::kEth69}) {
            EXPECT_EQ(err(validate_status(local, v, mainnet_status(v, head.number, head.time))), "ok");
        }
    }
}

TEST(Status, ValidationRejectsEachKindDistinctly) {
    const LocalChainView local = LocalChainView::from_spec(mainnet(), 20000000, 1681338455);  // Shanghai
    const auto check = [&](EthVersion v, Status s) { return validate_status(local, v, s); };
    const Status good = mainnet_status(EthVersion::kEth69, 20000000, 1681338455);
    ASSERT_TRUE(check(EthVersion::kEth69, good));

    Status s = good;
    s.version = 68;  // an eth/68 version number in an eth/69 session
    EXPECT_EQ(check(EthVersion::kEth69, s).error(), EthError::kVersionMismatch);
    s = good;
    s.network_id = 11155111;
    EXPECT_EQ(check(EthVersion::kEth69, s).error(), EthError::kNetworkIdMismatch);
    s = good;
    s.genesis_hash[0] ^= 1;
    EXPECT_EQ(check(EthVersion::kEth69, s).error(), EthError::kGenesisMismatch);
    s = good;
    s.network_id = 5;
    s.genesis_hash[0] ^= 1;  // several faults: the first rule in the documented order names the error
    EXPECT_EQ(check(EthVersion::kEth69, s).error(), EthError::kNetworkIdMismatch);
    s = good;
    s.fork_id = id(0x12345678, 0);  // another chain
    EXPECT_EQ(check(EthVersion::kEth69, s).error(), EthError::kForkIdIncompatible);
    s = good;
    s.earliest = s.latest + 1;
    EXPECT_EQ(check(EthVersion::kEth69, s).error(), EthError::kInvalidBlockRange);
    s.earliest = s.latest;  // a single block is a valid range
    EXPECT_TRUE(check(EthVersion::kEth69, s));

    // Remote stale: our head passed Cancun, the peer still announces Shanghai with no next fork (geth's vectors).
    const LocalChainView cancun = LocalChainView::from_spec(mainnet(), 21000000, 1710338135);
    Status stale = mainnet_status(EthVersion::kEth68, 21000000, 1710338135);
    stale.fork_id = id(0xdce96c2d, 0);
    EXPECT_EQ(validate_status(cancun, EthVersion::kEth68, stale).error(), EthError::kForkIdRemoteStale);
    // The same peer announcing Cancun as its next fork is fine: it will upgrade at the right time.
    stale.fork_id = id(0xdce96c2d, 1710338135);
    EXPECT_TRUE(validate_status(cancun, EthVersion::kEth68, stale));
    // eth/68 does not look at earliest/latest (not on its wire).
    Status s68 = mainnet_status(EthVersion::kEth68, 20000000, 1681338455);
    s68.earliest = 10;
    s68.latest = 1;
    EXPECT_TRUE(validate_status(local, EthVersion::kEth68, s68));

    // Classification for the peer manager.
    EXPECT_TRUE(is_protocol_violation(EthError::kVersionMismatch));
    EXPECT_TRUE(is_protocol_violation(EthError::kInvalidBlockRange));
    EXPECT_FALSE(is_protocol_violation(EthError::kNetworkIdMismatch));
    EXPECT_FALSE(is_protocol_violation(EthError::kGenesisMismatch));
    EXPECT_FALSE(is_protocol_violation(EthError::kForkIdRemoteStale));
    EXPECT_FALSE(is_protocol_violation(EthError::kForkIdIncompatible));
}

// EIP-2124, "Validation rules" test cases: local mainnet at the Petersburg cap (as geth configured it when the EIP
// was written), through validate_status so that each EIP outcome maps to its eth error.
TEST(Status, Eip2124ValidationTableThroughStatus) {
    const Hash genesis = h(kMainnetGenesis);
    const auto view = [&](uint64_t head) {
        return LocalChainView{
            1, genesis,
            chain::ForkFilter(genesis, chain::ForkList{{1150000, 1920000, 2463000, 2675000, 4370000, 7280000}, {}}),
            head, 0};
    };
    struct Case {
        uint64_t head;
        ForkId remote;
        std::optional<EthError> want;
    };
    const std::optional<EthError> ok;
    const auto stale = EthError::kForkIdRemoteStale;
    const auto incompatible = EthError::kForkIdIncompatible;
    const Case cases[] = {
        // Local is mainnet Petersburg, remote announces the same. No future fork is announced.
        {7987396, id(0x668db0af, 0), ok},
        // ... remote also announces a future fork at block kMax, which is unknown to us: connect.
        {7987396, id(0x668db0af, kMax), ok},
        // Local is at Byzantium (not yet Petersburg), remote announces Byzantium and no next fork.
        {7279999, id(0xa00bc324, 0), ok},
        // ... remote announces Byzantium with Petersburg as next.
        {7279999, id(0xa00bc324, 7280000), ok},
        // ... remote announces Byzantium and an unknown future fork.
        {7279999, id(0xa00bc324, kMax), ok},
        // Local is mainnet Petersburg, remote is at Byzantium and knows Petersburg is next: it will upgrade.
        {7987396, id(0xa00bc324, 7280000), ok},
        // Local Petersburg, remote Spurious and knows Byzantium: a past subset, remote syncing.
        {7987396, id(0x3edd5b10, 4370000), ok},
        // Local Byzantium, remote already Petersburg (remote is a future superset: local syncing).
        {7279999, id(0x668db0af, 0), ok},
        // Local Spurious, remote Byzantium with no next: local syncing.
        {4369999, id(0xa00bc324, 0), ok},
        // Local Petersburg, remote Byzantium without knowing Petersburg: remote needs a software update.
        {7987396, id(0xa00bc324, 0), stale},
        // Local Petersburg, remote Petersburg plus a fork we do not know (Istanbul-like checksum): incompatible.
        {7987396, id(0x5cddc0e1, 0), incompatible},
        // Local Byzantium, remote Petersburg + unknown fork: incompatible.
        {7279999, id(0x5cddc0e1, 0), incompatible},
        // Local mainnet, remote Rinkeby Petersburg.
        {7987396, id(0xafec6b27, 0), incompatible},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(testing::Message() << c.head << " " << c.remote.checksum() << "/" << c.remote.next);
        const LocalChainView local = view(c.head);
        Status s;
        s.version = 68;
        s.network_id = 1;
        s.genesis_hash = genesis;
        s.fork_id = c.remote;
        const auto r = validate_status(local, EthVersion::kEth68, s);
        if (c.want) {
            ASSERT_FALSE(r);
            EXPECT_EQ(r.error(), *c.want);
        } else {
            EXPECT_TRUE(r) << err(r);
        }
    }
}

TEST(BlockRangeUpdate, RoundTripAndValidation) {
    const BlockRangeUpdate m{15537394, 22431084, h(std::string(64, '7'))};
    const Bytes enc = encode(m);
    // [earliest, latest, hash]: ea 83 ed14f2 84 0156456c a0 77…77 (hand-derived: 15537394 = 0xed14f2).
    EXPECT_EQ(to_hex(enc, false), "ea83ed14f2840156456ca0" + std::string(64, '7'));
    auto back = decode_message(EthVersion::kEth69, msg::kBlockRangeUpdate, enc);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<BlockRangeUpdate>(*back), m);
    EXPECT_TRUE(validate_block_range(m));
    EXPECT_EQ(validate_block_range(BlockRangeUpdate{2, 1, {}}).error(), EthError::kInvalidBlockRange);
    // Not in eth/68, in either direction.
    EXPECT_EQ(decode_message(EthVersion::kEth68, msg::kBlockRangeUpdate, enc).error(), EthError::kMessageNotInVersion);
    EXPECT_EQ(encode_message(EthVersion::kEth68, m).error(), EthError::kMessageNotInVersion);
    // Malformed: a hash of 31 bytes, a fourth field, a missing field.
    EXPECT_EQ(decode_block_range_update(unhex("e983ed14f2840156456c9f" + std::string(62, '7'))).error(),
              EthError::kInvalidField);
    EXPECT_EQ(decode_block_range_update(unhex("eb83ed14f2840156456ca0" + std::string(64, '7') + "01")).error(),
              EthError::kWrongShape);
    EXPECT_EQ(decode_block_range_update(unhex("c983ed14f2840156456c")).error(), EthError::kWrongShape);
}

}  // namespace
}  // namespace hypasis::p2p::eth
