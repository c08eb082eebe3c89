// Tests of the devnet: its files (genesis.json, checkpoint, validators, chain.rlp, devnet.json) read back by the
// same code `hypasis run` and `hypasis checkpoint verify` use, and each peer fault profile observed from a real
// client PeerManager over loopback TCP.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/verify.hpp"
#include "hypasis/core/chain/genesis.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/devnet/net/devnet.hpp"
#include "hypasis/devnet/net/genesis_file.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/peers/test_harness.hpp"

namespace hypasis::devnet {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using namespace std::chrono_literals;
using p2p::Executor;
using p2p::Task;
using p2p::peers::HeadersRequest;
using p2p::peers::PeerManager;
using p2p::peers::PeerManagerConfig;
using p2p::peers::testing::eventually;
using p2p::peers::testing::run_scenario;
using p2p::peers::testing::stop_node;

std::string read_text(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

/// A fresh directory under the test temp dir, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path = std::filesystem::temp_directory_path() /
               ("hypasis-devnet-test-" + std::to_string(::getpid()) + "-" + info->name());
        std::filesystem::remove_all(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

DevnetOptions small_options(const std::filesystem::path& dir, std::vector<PeerProfile> peers) {
    DevnetOptions o;
    o.dir = dir;
    o.blocks = 64;
    o.block_interval = 0ms;
    o.peers = std::move(peers);
    o.faults.slow_latency = 300ms;
    o.faults.slow_bytes_per_second = 0;
    o.faults.lie_ahead = 1000;
    o.flaky_period = 300ms;
    return o;
}

/// A client node that dials devnet peer `i` (only).
PeerManagerConfig client_config(const Devnet& d, std::size_t i) {
    PeerManagerConfig c;
    c.node_key = p2p::peers::testing::test_key(200);
    c.listen = false;
    c.client_id = "devnet-test-client";
    c.session.chain = p2p::eth::LocalChainView::from_spec(d.spec(), 0, d.spec().genesis_timestamp);
    c.session.status_timeout = 2s;
    c.session.request_timeout = 1s;
    c.connection = p2p::peers::testing::short_connection_limits();
    c.subnet_exempt_loopback = true;
    c.dial_interval = 20ms;
    c.dial_backoff_initial = 50ms;
    c.dial_backoff_max = 200ms;
    c.static_peers.push_back(p2p::discv4::parse_enode(d.enodes().at(i)).value());
    return c;
}

HeadersRequest by_number(uint64_t origin, uint64_t amount) {
    HeadersRequest r;
    r.origin = origin;
    r.amount = amount;
    return r;
}

/// Starts a client for devnet peer `i`, waits for the session, runs `body(client, peer_id)`, stops the client.
template <class F>
void with_client(const Devnet& d, std::size_t i, F body, std::chrono::milliseconds limit = 20s) {
    run_scenario(
        [&](Executor ex) -> Task<void> {
            auto client = std::make_unique<PeerManager>(ex, client_config(d, i));
            EXPECT_TRUE(client->start().has_value());
            PeerManager* c = client.get();
            const bool up = co_await eventually([c] { return c->peers().size() == 1; }, 5s);
            EXPECT_TRUE(up) << "no session with devnet peer " << i;
            if (up) co_await body(*client, client->peers().front().peer_id);
            co_await stop_node(*client);
        },
        limit);
}

// --- genesis.json ---

TEST(GenesisFile, RoundTripsToTheGeneratorsSpecAndGenesisHash) {
    for (uint64_t seed : {1u, 7u}) {
        ChainGeneratorOptions o;
        o.seed = seed;
        ChainGenerator gen(o);
        auto text = generator_genesis_json(gen);
        ASSERT_TRUE(text.has_value()) << to_string(text.error());
        // What `hypasis run --genesis FILE` does (node/commands/chain_options.cpp: chain::resolve_chain).
        auto spec = chain::resolve_chain(std::nullopt, *text);
        ASSERT_TRUE(spec.has_value());
        EXPECT_EQ(spec->genesis_hash, gen.genesis().header.hash);
        EXPECT_EQ(spec->config, gen.spec().config);
        EXPECT_EQ(spec->network_id, gen.spec().network_id);
        EXPECT_EQ(spec->genesis_header, gen.spec().genesis_header);
        EXPECT_EQ(spec->genesis_timestamp, gen.spec().genesis_timestamp);
    }
}

TEST(GenesisFile, RefusesAnAllocThatIsNotTheGenesisState) {
    ChainGenerator gen;
    auto alloc = generator_alloc(gen);
    ASSERT_FALSE(alloc.empty());
    alloc.begin()->second.balance = alloc.begin()->second.balance + U256{1};
    auto text = genesis_json(gen.spec(), alloc);
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.error().code, GenesisFileErrc::kStateRootMismatch);
}

TEST(GenesisFile, RefusesRulesAGenesisJsonCannotState) {
    ChainGenerator gen;
    chain::ChainSpec merged = gen.spec();
    merged.config.merge_block = 5;
    auto a = genesis_json(merged, generator_alloc(gen));
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().code, GenesisFileErrc::kUnsupportedConfig);

    chain::ChainSpec clique = gen.spec();
    clique.config.consensus = chain::Consensus::kClique;
    auto b = genesis_json(clique, generator_alloc(gen));
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().code, GenesisFileErrc::kUnsupportedConfig);

    chain::ChainSpec headless = gen.spec();
    headless.genesis_header.reset();
    auto c = genesis_json(headless, generator_alloc(gen));
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, GenesisFileErrc::kNoGenesisHeader);
}

TEST(GenesisFile, DetectsASpecTheTextDoesNotReproduce) {
    ChainGenerator gen;
    chain::ChainSpec renamed_network = gen.spec();
    renamed_network.network_id += 1;  // genesis.json has no network id: it is always the chain id
    auto r = genesis_json(renamed_network, generator_alloc(gen));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, GenesisFileErrc::kSpecMismatch);
}

// --- profiles ---

TEST(PeerProfiles, ParsesCountsAndLists) {
    auto three = parse_peer_profiles("3");
    ASSERT_TRUE(three.has_value());
    EXPECT_EQ(*three, std::vector<PeerProfile>(3, PeerProfile::kHonest));

    auto all = parse_peer_profiles("honest,honest,slow, flaky,withholding,invalid,lying");
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(*all, (std::vector<PeerProfile>{PeerProfile::kHonest, PeerProfile::kHonest, PeerProfile::kSlow,
                                              PeerProfile::kFlaky, PeerProfile::kWithholding, PeerProfile::kInvalid,
                                              PeerProfile::kLying}));
    for (PeerProfile p : *all) EXPECT_EQ(profile_from_string(to_string(p)), p);
}

TEST(PeerProfiles, RefusesUnknownNamesAndBadCounts) {
    auto bad = parse_peer_profiles("honest,hnoest");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, DevnetErrc::kBadProfile);
    EXPECT_NE(bad.error().detail.find("hnoest"), std::string::npos);
    EXPECT_NE(bad.error().detail.find("withholding"), std::string::npos);  // lists the known ones

    for (const char* s : {"", "0", "65", "3x", "honest,,slow"}) {
        auto r = parse_peer_profiles(s);
        ASSERT_FALSE(r.has_value()) << s;
        EXPECT_TRUE(r.error().code == DevnetErrc::kBadOptions || r.error().code == DevnetErrc::kBadProfile) << s;
    }
    std::string many = "honest";
    for (int i = 0; i < 64; ++i) many += ",honest";
    auto too_many = parse_peer_profiles(many);
    ASSERT_FALSE(too_many.has_value());
    EXPECT_EQ(too_many.error().code, DevnetErrc::kBadOptions);
}

// --- validators and checkpoints ---

class CheckpointSchemes : public ::testing::TestWithParam<checkpoint::SignatureScheme> {};

TEST_P(CheckpointSchemes, GoodCheckpointVerifiesAndBadOneLacksStake) {
    TempDir tmp;
    for (const bool bad : {false, true}) {
        DevnetOptions o = small_options(tmp.path / (bad ? "bad" : "good"), {PeerProfile::kHonest});
        o.validators.scheme = GetParam();
        o.bad_checkpoint = bad;
        Devnet d(o);
        auto started = d.start();
        ASSERT_TRUE(started.has_value()) << to_string(started.error());
        d.stop();

        // Read back the files the way `hypasis checkpoint verify` does.
        auto set = checkpoint::parse_validator_set(read_text(d.paths().validators));
        ASSERT_TRUE(set.has_value()) << checkpoint::to_string(set.error());
        EXPECT_EQ(set->size(), 4u);
        auto ck = checkpoint::parse_checkpoint(read_text(d.paths().checkpoint));
        ASSERT_TRUE(ck.has_value()) << checkpoint::to_string(ck.error());
        EXPECT_EQ(ck->block_num, 32u);  // default: blocks / 2
        EXPECT_EQ(ck->block_hash, d.blocks(32, 33).at(0).header.hash);
        EXPECT_EQ(ck->chain_id, kGeneratedChainId);

        auto verified = checkpoint::verify(*ck, *set);
        if (!bad) {
            EXPECT_TRUE(verified.has_value()) << checkpoint::to_string(verified.error());
        } else {
            ASSERT_FALSE(verified.has_value());
            EXPECT_EQ(verified.error().code, checkpoint::VerifyErrc::kInsufficientStake);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Schemes, CheckpointSchemes,
                         ::testing::Values(checkpoint::SignatureScheme::kEcdsa, checkpoint::SignatureScheme::kBls));

TEST(Validators, BadQuorumIsAMajorityOfHeadsButNotOfStake) {
    auto v = make_validators(kGeneratedChainId, {});
    ASSERT_TRUE(v.has_value());
    auto few = signers(*v, Quorum::kInsufficient);
    ASSERT_TRUE(few.has_value());
    EXPECT_GT(few->size() * 2, v->set.size());  // more than half the validators sign...
    auto enough = signers(*v, Quorum::kSufficient);
    ASSERT_TRUE(enough.has_value());
    EXPECT_LT(enough->size(), few->size() + 1);  // ...yet fewer, larger validators are needed for a quorum

    ValidatorOptions one;
    one.count = 1;
    auto single = make_validators(kGeneratedChainId, one);
    ASSERT_TRUE(single.has_value());
    auto impossible = signers(*single, Quorum::kInsufficient);
    ASSERT_FALSE(impossible.has_value());
    EXPECT_EQ(impossible.error().code, DevnetErrc::kValidators);

    ValidatorOptions none;
    none.count = 0;
    auto empty = make_validators(kGeneratedChainId, none);
    ASSERT_FALSE(empty.has_value());
    EXPECT_EQ(empty.error().code, DevnetErrc::kBadOptions);
}

// --- files ---

TEST(Devnet, WritesFilesThatDescribeTheRunningNetwork) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kHonest, PeerProfile::kLying}));
    ASSERT_TRUE(d.start().has_value());

    // genesis.json as `hypasis run --genesis` reads it.
    auto spec = chain::resolve_chain(std::nullopt, read_text(d.paths().genesis));
    ASSERT_TRUE(spec.has_value());
    EXPECT_EQ(spec->genesis_hash, d.blocks(0, 1).at(0).header.hash);

    // chain.rlp: blocks [0, 64] back to back.
    const std::string rlp = read_text(d.paths().chain);
    ByteView in(reinterpret_cast<const uint8_t*>(rlp.data()), rlp.size());
    const auto blocks = d.blocks();
    ASSERT_EQ(blocks.size(), 65u);
    for (const auto& expected : blocks) {
        auto b = decode_block_item(in);
        ASSERT_TRUE(b.has_value());
        EXPECT_EQ(b->header.hash, expected.header.hash);
    }
    EXPECT_TRUE(in.empty());

    // devnet.json.
    const auto info = bj::parse(read_text(d.paths().info)).as_object();
    EXPECT_EQ(info.at("genesis").as_string(), d.paths().genesis.string());
    EXPECT_EQ(info.at("checkpointBlock").as_int64(), 32);
    EXPECT_EQ(info.at("checkpointHash").as_string(), to_hex(blocks[32].header.hash));
    EXPECT_EQ(info.at("head").at("number").as_int64(), 64);
    EXPECT_EQ(info.at("head").at("hash").as_string(), to_hex(blocks[64].header.hash));
    const auto& peers = info.at("peers").as_array();
    ASSERT_EQ(peers.size(), 2u);
    EXPECT_EQ(peers[0].at("profile").as_string(), "honest");
    EXPECT_EQ(peers[1].at("profile").as_string(), "lying");
    EXPECT_EQ(peers[1].at("enode").as_string(), d.enodes()[1]);
    for (const auto& e : d.enodes()) {
        auto parsed = p2p::discv4::parse_enode(e);
        ASSERT_TRUE(parsed.has_value()) << e;
        EXPECT_EQ(parsed->endpoint.ip.to_string(), "127.0.0.1");
    }
    const std::string run = std::string(info.at("runCommand").as_string());
    EXPECT_NE(run.find("--checkpoint file:" + d.paths().checkpoint.string()), std::string::npos);
    EXPECT_NE(run.find("--static-peer " + d.enodes()[0]), std::string::npos);
    EXPECT_EQ(read_text(d.paths().peers), d.enodes()[0] + "\n" + d.enodes()[1] + "\n");
    d.stop();
}

TEST(Devnet, RefusesBadOptionsAndBusyPorts) {
    TempDir tmp;
    DevnetOptions o = small_options(tmp.path, {PeerProfile::kHonest});
    o.checkpoint_at = 65;
    Devnet above(o);
    auto r = above.start();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, DevnetErrc::kBadOptions);

    // A port already taken: kListen, and nothing is left running.
    asio::io_context ctx;
    asio::ip::tcp::acceptor taken(ctx, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    DevnetOptions busy = small_options(tmp.path, {PeerProfile::kHonest});
    busy.port = taken.local_endpoint().port();
    Devnet d(busy);
    auto b = d.start();
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().code, DevnetErrc::kListen);

    Devnet twice(small_options(tmp.path, {PeerProfile::kHonest}));
    ASSERT_TRUE(twice.start().has_value());
    auto again = twice.start();
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, DevnetErrc::kState);
}

// --- fault profiles, seen from a real client ---

TEST(DevnetPeers, HonestServesTheChain) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kHonest}));
    ASSERT_TRUE(d.start().has_value());
    const auto blocks = d.blocks();
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId peer) -> Task<void> {
        auto headers = co_await c.get_headers(peer, by_number(0, 65));
        EXPECT_TRUE(headers.has_value());
        if (!headers) co_return;
        EXPECT_EQ(headers->size(), 65u);
        for (std::size_t i = 0; i < headers->size(); ++i) EXPECT_EQ((*headers)[i], blocks[i].header) << i;
        std::vector<Hash> hashes{blocks[10].header.hash, blocks[11].header.hash};
        auto bodies = co_await c.get_bodies(peer, hashes);
        EXPECT_TRUE(bodies.has_value());
        if (!bodies) co_return;
        EXPECT_EQ(bodies->size(), 2u);
        if (bodies->size() == 2) {
            EXPECT_EQ((*bodies)[0], blocks[10].body);
            EXPECT_TRUE(validation::validate_body(blocks[11].header.header, (*bodies)[1]).has_value());
        }
        std::vector<Hash> receipt_hashes{blocks[12].header.hash};
        auto receipts = co_await c.get_receipts(peer, receipt_hashes);
        EXPECT_TRUE(receipts.has_value());
        if (receipts && receipts->size() == 1) {
            EXPECT_EQ(receipts->front().size(), d.receipts(12).size());
            EXPECT_TRUE(validation::validate_receipts(blocks[12].header.header, receipts->front()).has_value());
        }
        const auto info = c.peers().front();
        EXPECT_EQ(info.head_number, 64u);
        EXPECT_EQ(info.head_hash, blocks[64].header.hash);
    });
}

TEST(DevnetPeers, InvalidServesUnlinkedHeadersAndMismatchedBodies) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kInvalid}));
    ASSERT_TRUE(d.start().has_value());
    const auto blocks = d.blocks();
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId peer) -> Task<void> {
        auto headers = co_await c.get_headers(peer, by_number(10, 16));
        EXPECT_TRUE(headers.has_value());
        if (!headers) co_return;
        EXPECT_EQ(headers->size(), 16u);
        std::size_t unlinked = 0;
        for (std::size_t i = 1; i < headers->size(); ++i) {
            if ((*headers)[i].header.parent_hash != (*headers)[i - 1].hash) ++unlinked;
        }
        EXPECT_GE(unlinked, 1u);  // the run does not link

        std::vector<Hash> hashes{blocks[20].header.hash};
        auto bodies = co_await c.get_bodies(peer, hashes);
        EXPECT_TRUE(bodies.has_value());
        if (!bodies || bodies->size() != 1) co_return;
        EXPECT_FALSE(validation::validate_body(blocks[20].header.header, bodies->front()).has_value());
        auto receipts = co_await c.get_receipts(peer, hashes);
        EXPECT_TRUE(receipts.has_value());
        if (receipts && receipts->size() == 1) {
            EXPECT_FALSE(validation::validate_receipts(blocks[20].header.header, receipts->front()).has_value());
        }
    });
}

TEST(DevnetPeers, LyingAnnouncesAHeadItCannotServe) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kLying}));
    ASSERT_TRUE(d.start().has_value());
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId peer) -> Task<void> {
        const auto info = c.peers().front();
        EXPECT_EQ(info.head_number, 64u + 1000u);
        EXPECT_NE(info.head_hash, d.head().hash);
        auto claimed = co_await c.get_headers(peer, by_number(64 + 1000, 1));
        EXPECT_TRUE(claimed.has_value());
        if (claimed) {
            EXPECT_TRUE(claimed->empty());
        }
        HeadersRequest by_hash;
        by_hash.origin = info.head_hash;
        by_hash.amount = 1;
        auto claimed_hash = co_await c.get_headers(peer, by_hash);
        EXPECT_TRUE(claimed_hash.has_value());
        if (claimed_hash) {
            EXPECT_TRUE(claimed_hash->empty());
        }
        auto real = co_await c.get_headers(peer, by_number(64, 1));  // what it really has, it serves
        EXPECT_TRUE(real.has_value());
        if (real) {
            EXPECT_EQ(real->size(), 1u);
        }
    });
}

TEST(DevnetPeers, WithholdingNeverAnswersAndStopsPromptly) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kWithholding}));
    ASSERT_TRUE(d.start().has_value());
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId peer) -> Task<void> {
        auto headers = co_await c.get_headers(peer, by_number(0, 4));
        EXPECT_FALSE(headers.has_value());
        if (!headers) {
            EXPECT_EQ(headers.error(), make_error_code(p2p::peers::PeerError::kTimeout));
        }
        std::vector<Hash> hashes{d.head().hash};
        auto bodies = co_await c.get_bodies(peer, hashes);
        EXPECT_FALSE(bodies.has_value());
    });
    // Requests are still blocked inside the provider (the limit is 10 minutes): stop() must wake them.
    const auto before = std::chrono::steady_clock::now();
    d.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 10s);
}

TEST(DevnetPeers, FlakyDropsTheSessionAndTheClientReconnects) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kFlaky}));
    ASSERT_TRUE(d.start().has_value());
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId) -> Task<void> {
        const bool dropped = co_await eventually([&] { return d.flaky_drops() >= 2; }, 5s);
        EXPECT_TRUE(dropped);
        // The client saw its session end and dialed again (a static peer).
        const bool redialed = co_await eventually([&] { return c.stats().sessions >= 2; }, 5s);
        EXPECT_TRUE(redialed) << c.stats().sessions;
    });
}

TEST(DevnetPeers, SlowTakesAtLeastItsLatency) {
    TempDir tmp;
    Devnet d(small_options(tmp.path, {PeerProfile::kSlow}));
    ASSERT_TRUE(d.start().has_value());
    const auto blocks = d.blocks();
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId peer) -> Task<void> {
        const auto start = std::chrono::steady_clock::now();
        auto headers = co_await c.get_headers(peer, by_number(5, 3));
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_TRUE(headers.has_value());
        if (headers) {
            EXPECT_EQ(headers->size(), 3u);
            if (!headers->empty()) {
                EXPECT_EQ(headers->front(), blocks[5].header);
            }
        }
        EXPECT_GE(took, 300ms);  // a lower bound only: the sleep guarantees it
    });
}

TEST(SlowProfile, BandwidthCapSleepsInProportionToBytes) {
    p2p::peers::MemoryBlockProvider chain;
    ChainGenerator gen;
    chain.add(gen.genesis(), {});
    auto b = gen.next();
    chain.add(b.block, b.receipts);
    FaultConfig f;
    f.slow_latency = 0ms;
    const std::size_t size = chain.body_rlp(b.block.header.hash)->size();
    f.slow_bytes_per_second = size * 4;  // the body takes 250 ms
    FaultyProvider slow(chain, PeerProfile::kSlow, f);
    const auto start = std::chrono::steady_clock::now();
    auto body = slow.body_rlp(b.block.header.hash);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
    EXPECT_EQ(body, chain.body_rlp(b.block.header.hash));
    slow.shutdown();
    const auto after = std::chrono::steady_clock::now();
    EXPECT_EQ(slow.body_rlp(b.block.header.hash), chain.body_rlp(b.block.header.hash));  // no sleep once shut down
    EXPECT_LT(std::chrono::steady_clock::now() - after, 200ms);
}

TEST(DevnetTip, AdvancesAtTheIntervalAndPeersAnnounceIt) {
    TempDir tmp;
    DevnetOptions o = small_options(tmp.path, {PeerProfile::kHonest, PeerProfile::kLying});
    o.blocks = 8;
    o.block_interval = 150ms;
    std::atomic<uint64_t> produced{0};
    o.on_block = [&](const DevnetHead&) { ++produced; };
    Devnet d(o);
    const auto started_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(d.start().has_value());
    with_client(d, 0, [&](PeerManager& c, p2p::peers::PeerId peer) -> Task<void> {
        // eth/69 BlockRangeUpdate moves the peer's head in PeerInfo without any request, past what its Status said.
        const uint64_t at_handshake = c.peers().front().head_number.value_or(0);
        EXPECT_EQ(c.peers().front().version, p2p::eth::EthVersion::kEth69);
        const uint64_t want = std::max<uint64_t>(at_handshake + 2, 11);
        const bool announced = co_await eventually(
            [&] {
                const auto p = c.peers();
                return !p.empty() && p.front().head_number.value_or(0) >= want;
            },
            5s);
        EXPECT_TRUE(announced) << "head at handshake " << at_handshake;
        const DevnetHead h = d.head();
        EXPECT_GE(h.number, 11u);
        auto top = co_await c.get_headers(peer, by_number(h.number, 1));
        EXPECT_TRUE(top.has_value());
        if (top && top->size() == 1) {
            EXPECT_EQ(top->front().hash, h.hash);
            EXPECT_EQ(top->front().header.parent_hash, d.blocks(h.number - 1, h.number).at(0).header.hash);
        }
    });
    EXPECT_GE(produced.load(), 3u);
    // devnet.json follows the head.
    const auto info = bj::parse(read_text(d.paths().info)).as_object();
    EXPECT_GE(info.at("head").at("number").as_int64(), 11);
    d.stop();
    // Never faster than the interval: a timer does not fire early, so blocks <= elapsed / interval.
    const auto elapsed = std::chrono::steady_clock::now() - started_at;
    EXPECT_LE(produced.load(), static_cast<uint64_t>(elapsed / o.block_interval));
    const DevnetHead final_head = d.head();
    EXPECT_EQ(final_head.number, 8 + produced.load());
    EXPECT_EQ(d.blocks().size(), final_head.number + 1);
    const auto last = bj::parse(read_text(d.paths().info)).as_object();
    EXPECT_EQ(last.at("head").at("number").as_int64(), static_cast<int64_t>(final_head.number));
}

}  // namespace
}  // namespace hypasis::devnet
