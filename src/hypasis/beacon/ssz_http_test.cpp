// The Beacon API in SSZ over HTTP (content negotiation, Eth-Consensus-Version, response_chunk framing), end to end
// through the `beacon:` source on 127.0.0.1 port 0:
// - helios's mainnet Capella data, served as JSON and as SSZ encoded from the same parsed objects: both modes give
//   the same verified checkpoint;
// - portal-spec-tests' mainnet Deneb objects, served as the SSZ bytes the fixtures hold (not re-encoded by us),
//   the updates' fork digests as their chunks' context bytes;
// - every malformed SSZ answer refused with a typed AnswerError attributed to the endpoint.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "hypasis/beacon/api_client.hpp"
#include "hypasis/beacon/api_json.hpp"
#include "hypasis/beacon/beacon_source.hpp"
#include "hypasis/beacon/test_api_server.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::beacon {
namespace {

constexpr std::string_view kRoot = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
constexpr uint64_t kNowSlot = 7109432;
const std::string kBootstrapPath = "/eth/v1/beacon/light_client/bootstrap/" + std::string(kRoot);
const std::string kUpdatesPath = "/eth/v1/beacon/light_client/updates?start_period=862&count=6";
const std::string kFinalityPath = "/eth/v1/beacon/light_client/finality_update";
const std::string kOptimisticPath = "/eth/v1/beacon/light_client/optimistic_update";

class SszHttpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        const auto p = test::fixture("helios/ethereum/testdata/bootstrap.json", why);
        if (!p) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        const auto dir = p->parent_path();
        bootstrap_json_ = test::read_file(dir / "bootstrap.json");
        updates_json_ = test::read_file(dir / "updates.json");
        finality_json_ = test::read_file(dir / "finality.json");
        optimistic_json_ = test::read_file(dir / "optimistic.json");
        auto b = parse_bootstrap_json(boost::json::parse(bootstrap_json_), 512);
        auto u = parse_updates_json(boost::json::parse(updates_json_), 512);
        auto f = parse_finality_update_json(boost::json::parse(finality_json_), 512);
        auto o = parse_optimistic_update_json(boost::json::parse(optimistic_json_), 512);
        ASSERT_TRUE(b && u && f && o);
        bootstrap_ = std::move(*b);
        updates_ = std::move(*u);
        finality_ = std::move(*f);
        optimistic_ = std::move(*o);
        ASSERT_EQ(bootstrap_.fork, ssz::Fork::kCapella);
    }

    std::unique_ptr<testing::TestApiServer> json_server() {
        auto s = std::make_unique<testing::TestApiServer>(io_.get_executor());
        auto& r = s->routes();
        r[kBootstrapPath] = {200, bootstrap_json_, {}};
        r[kUpdatesPath] = {200, updates_json_, {}};
        r[kFinalityPath] = {200, finality_json_, {}};
        r[kOptimisticPath] = {200, optimistic_json_, {}};
        return s;
    }

    // The JSON routes plus their SSZ forms, encoded from the same parsed fixtures.
    std::unique_ptr<testing::TestApiServer> ssz_server() {
        auto s = json_server();
        const ChainConfig chain = ChainConfig::mainnet();
        auto& r = s->ssz_routes();
        r[kBootstrapPath] = {testing::as_body(ssz::encode(bootstrap_)), "capella"};
        r[kUpdatesPath] = {testing::ssz_updates_body(updates_, chain), std::nullopt};
        r[kFinalityPath] = {testing::as_body(ssz::encode(finality_)), "capella"};
        r[kOptimisticPath] = {testing::as_body(ssz::encode(optimistic_)), "capella"};
        return s;
    }

    BeaconSourceConfig config(std::vector<std::string> endpoints, Encoding encoding) {
        BeaconSourceConfig c;
        c.endpoints = std::move(endpoints);
        c.trusted_block_root = *fixed_from_hex<32>(kRoot);
        c.http.timeout = std::chrono::milliseconds(2000);
        c.encoding = encoding;
        const uint64_t now = c.chain.time_at_slot(kNowSlot);
        c.now = [now] { return now; };
        return c;
    }

    template <class T>
    T run(boost::asio::awaitable<T> task) {
        auto fut = boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future);
        io_.restart();
        while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io_.run_one();
        return fut.get();
    }

    BeaconApiClient client(const testing::TestApiServer& s, Encoding e = Encoding::kPreferSsz) {
        checkpoint::HttpOptions http;
        http.timeout = std::chrono::milliseconds(2000);
        return BeaconApiClient(s.url(), http, ChainConfig::mainnet(), e);
    }

    boost::asio::io_context io_;
    std::string bootstrap_json_, updates_json_, finality_json_, optimistic_json_;
    ssz::LightClientBootstrap bootstrap_;
    std::vector<ssz::LightClientUpdate> updates_;
    ssz::LightClientFinalityUpdate finality_;
    ssz::LightClientOptimisticUpdate optimistic_;
};

// Checks a refusal: typed reason, kMalformed, attributed to the endpoint.
template <class T>
void expect_refused(const Expected<T, ApiError>& r, AnswerError want, const std::string& endpoint) {
    ASSERT_FALSE(r.has_value());
    ASSERT_TRUE(r.error().answer.has_value()) << checkpoint::to_string(r.error().error);
    EXPECT_EQ(*r.error().answer, want) << checkpoint::to_string(r.error().error);
    EXPECT_EQ(r.error().error.code, SourceErrc::kMalformed);
    EXPECT_EQ(r.error().error.source, endpoint);
}

TEST_F(SszHttpTest, SszModeGivesTheSameCheckpointAsJsonMode) {
    auto server = ssz_server();
    server->start();
    BeaconSource ssz_source(config({server->url()}, Encoding::kPreferSsz), nullptr);
    auto from_ssz = run(ssz_source.fetch());
    ASSERT_TRUE(from_ssz.has_value()) << checkpoint::to_string(from_ssz.error());
    EXPECT_TRUE(ssz_source.faults().empty());
    EXPECT_EQ(server->ssz_answers(), 4u);  // bootstrap, updates, finality, optimistic: all in SSZ
    for (const auto& a : server->accepts()) EXPECT_EQ(a, accept_header(Encoding::kPreferSsz));

    const std::size_t before = server->requests();
    BeaconSource json_source(config({server->url()}, Encoding::kJson), nullptr);
    auto from_json = run(json_source.fetch());
    ASSERT_TRUE(from_json.has_value()) << checkpoint::to_string(from_json.error());
    EXPECT_EQ(server->ssz_answers(), 4u);  // none more
    for (std::size_t i = before; i < server->requests(); ++i) EXPECT_EQ(server->accepts()[i], "application/json");

    EXPECT_EQ(*from_ssz, *from_json);
    EXPECT_EQ(from_ssz->block_num, finality_.finalized_header.execution.block_number);
    EXPECT_EQ(ssz_source.validation()->finalized_slot, json_source.validation()->finalized_slot);
    EXPECT_EQ(ssz_source.validation()->finalized_root, json_source.validation()->finalized_root);
    EXPECT_EQ(ssz_source.validation()->participants, json_source.validation()->participants);
    EXPECT_EQ(ssz_source.optimistic_head(), json_source.optimistic_head());
}

TEST_F(SszHttpTest, JsonOnlyServerStillWorksWithTheSszPreferringClient) {
    auto server = json_server();
    server->start();
    BeaconSource source(config({server->url()}, Encoding::kPreferSsz), nullptr);
    auto c = run(source.fetch());
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    EXPECT_EQ(c->block_num, finality_.finalized_header.execution.block_number);
    EXPECT_TRUE(source.faults().empty());
    EXPECT_EQ(server->ssz_answers(), 0u);
    ASSERT_FALSE(server->accepts().empty());
    EXPECT_NE(server->accepts()[0].find("application/octet-stream"), std::string::npos);
}

TEST_F(SszHttpTest, ApiClientDecodesEachSszRouteLikeItsJson) {
    auto server = ssz_server();
    server->start();
    auto api = client(*server);
    auto b = run(api.bootstrap(*fixed_from_hex<32>(kRoot)));
    ASSERT_TRUE(b.has_value()) << checkpoint::to_string(b.error().error);
    EXPECT_EQ(*b, bootstrap_);
    auto u = run(api.updates(862, 6));
    ASSERT_TRUE(u.has_value()) << checkpoint::to_string(u.error().error);
    EXPECT_EQ(*u, updates_);
    auto f = run(api.finality_update());
    ASSERT_TRUE(f.has_value()) << checkpoint::to_string(f.error().error);
    EXPECT_EQ(*f, finality_);
    auto o = run(api.optimistic_update());
    ASSERT_TRUE(o.has_value()) << checkpoint::to_string(o.error().error);
    EXPECT_EQ(*o, optimistic_);
    EXPECT_EQ(server->ssz_answers(), 4u);
}

TEST_F(SszHttpTest, ConsensusVersionHeaderIsRequiredAndChecked) {
    auto server = ssz_server();
    auto& r = server->ssz_routes();
    r[kBootstrapPath].consensus_version.reset();          // missing
    r[kFinalityPath].consensus_version = "phase0";        // no light-client data before Altair
    r[kOptimisticPath].consensus_version = "not-a-fork";  // unknown
    server->start();
    auto api = client(*server);
    expect_refused(run(api.bootstrap(*fixed_from_hex<32>(kRoot))), AnswerError::kMissingConsensusVersion,
                   server->url());
    expect_refused(run(api.finality_update()), AnswerError::kUnknownConsensusVersion, server->url());
    expect_refused(run(api.optimistic_update()), AnswerError::kUnknownConsensusVersion, server->url());

    // A known but wrong fork: Deneb's payload header has two more fields, so Capella bytes do not decode as Deneb.
    r[kBootstrapPath].consensus_version = "deneb";
    expect_refused(run(api.bootstrap(*fixed_from_hex<32>(kRoot))), AnswerError::kBadSsz, server->url());
    // Altair's: the bytes do not decode either (a Capella header is variable-size, Altair's fixed).
    r[kFinalityPath].consensus_version = "altair";
    expect_refused(run(api.finality_update()), AnswerError::kBadSsz, server->url());
}

TEST_F(SszHttpTest, GarbageSszIsRefused) {
    auto server = ssz_server();
    auto& r = server->ssz_routes();
    r[kBootstrapPath].body = "<html>not ssz</html>";
    r[kFinalityPath].body.resize(r[kFinalityPath].body.size() / 2);
    r[kOptimisticPath].body[0] = '\xff';  // the attested header's offset now points past the end
    server->start();
    auto api = client(*server);
    expect_refused(run(api.bootstrap(*fixed_from_hex<32>(kRoot))), AnswerError::kBadSsz, server->url());
    expect_refused(run(api.finality_update()), AnswerError::kBadSsz, server->url());
    expect_refused(run(api.optimistic_update()), AnswerError::kBadSsz, server->url());
}

TEST_F(SszHttpTest, WellFormedSszWithAlteredContentIsRefusedByVerification) {
    // One more byte at the end lands in the finalized header's extra_data: still valid SSZ (extra_data is a
    // list), so the decoder takes it, and the light client refuses the header whose payload root no longer matches.
    auto liar = ssz_server();
    liar->ssz_routes()[kFinalityPath].body += '\x01';
    liar->start();
    auto good = ssz_server();
    good->start();
    auto api = client(*liar);
    auto decoded = run(api.finality_update());
    ASSERT_TRUE(decoded.has_value()) << checkpoint::to_string(decoded.error().error);
    EXPECT_NE(decoded->finalized_header.execution.extra_data, finality_.finalized_header.execution.extra_data);

    BeaconSource source(config({liar->url(), good->url()}, Encoding::kPreferSsz), nullptr);
    auto c = run(source.fetch());
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    ASSERT_EQ(source.faults().size(), 1u);
    EXPECT_EQ(source.faults()[0].endpoint, liar->url());
    EXPECT_EQ(source.faults()[0].error.code, SourceErrc::kUnverified);
    EXPECT_FALSE(source.faults()[0].answer.has_value());
    EXPECT_EQ(source.validation()->endpoint, good->url());
}

TEST_F(SszHttpTest, ResponseChunkFramingIsBounded) {
    auto server = ssz_server();
    server->start();
    auto api = client(*server);
    const ChainConfig chain = ChainConfig::mainnet();
    const std::string good = testing::ssz_updates_body(updates_, chain);
    const auto digest = chain.fork_digest_at_epoch(chain.epoch_at_slot(updates_[0].attested_header.beacon.slot));
    const auto with_len = [](uint64_t len, std::string rest) {
        std::string out;
        for (std::size_t i = 0; i < 8; ++i) out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
        return out + rest;
    };
    auto& route = server->ssz_routes()[kUpdatesPath];
    const auto answer = [&](std::string body) {
        route.body = std::move(body);
        return run(api.updates(862, 6));
    };

    // A length far beyond the body cap (and beyond size_t on 32-bit): refused before anything is read.
    expect_refused(answer(with_len(~uint64_t{0}, "abcd")), AnswerError::kChunkTooLong, server->url());
    // Within the cap but past the end of the body.
    expect_refused(answer(good + with_len(1000, testing::as_body(digest) + "short")), AnswerError::kChunkTooLong,
                   server->url());
    // A length that does not even cover the context bytes, and a body ending inside a length.
    expect_refused(answer(with_len(3, "abc")), AnswerError::kChunkTooShort, server->url());
    expect_refused(answer(good + "\x01\x02\x03"), AnswerError::kChunkTooShort, server->url());
    // An unknown context (fork digest).
    const std::string payload = testing::as_body(ssz::encode(updates_[0]));
    expect_refused(answer(testing::response_chunk(FixedBytes<4>{0xde, 0xad, 0xbe, 0xef}, as_bytes(payload))),
                   AnswerError::kUnknownForkDigest, server->url());
    // The Deneb digest on Capella bytes: the chunk does not decode in Deneb's form.
    const auto deneb = chain.fork_digest_at_epoch(chain.fork_epochs[static_cast<std::size_t>(ssz::Fork::kDeneb)]);
    expect_refused(answer(testing::response_chunk(deneb, as_bytes(payload))), AnswerError::kBadSsz, server->url());
    // Garbage payload behind the right digest.
    expect_refused(answer(testing::response_chunk(digest, as_bytes(std::string("garbage")))), AnswerError::kBadSsz,
                   server->url());
    // More chunks than the count asked for.
    expect_refused(answer(good + testing::response_chunk(digest, as_bytes(payload))), AnswerError::kTooManyUpdates,
                   server->url());
    // And the good body still decodes (the route is fine again).
    auto ok = answer(good);
    ASSERT_TRUE(ok.has_value()) << checkpoint::to_string(ok.error().error);
    EXPECT_EQ(ok->size(), 6u);
    // No chunks at all is a valid (empty) answer.
    auto none = answer("");
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
}

TEST_F(SszHttpTest, MediaTypesAreChecked) {
    auto server = ssz_server();
    server->ssz_routes()[kFinalityPath].content_type = "text/html";
    // A server that answers SSZ even to a request for JSON only.
    auto& pushy = server->ssz_routes()[kOptimisticPath];
    pushy.regardless_of_accept = true;
    server->start();

    auto api = client(*server);
    expect_refused(run(api.finality_update()), AnswerError::kUnexpectedMediaType, server->url());
    auto json_only = client(*server, Encoding::kJson);
    auto f = run(json_only.finality_update());  // the JSON route, as application/json: fine
    ASSERT_TRUE(f.has_value()) << checkpoint::to_string(f.error().error);
    EXPECT_EQ(*f, finality_);
    expect_refused(run(json_only.optimistic_update()), AnswerError::kUnexpectedMediaType, server->url());
    EXPECT_EQ(server->accepts().back(), "application/json");
    // The SSZ-preferring client takes the same answer.
    auto o = run(api.optimistic_update());
    ASSERT_TRUE(o.has_value()) << checkpoint::to_string(o.error().error);
    EXPECT_EQ(*o, optimistic_);
}

TEST_F(SszHttpTest, BadSszEndpointIsAttributedAndTheNextOneAsked) {
    auto bad = ssz_server();
    bad->ssz_routes()[kBootstrapPath].consensus_version.reset();
    bad->ssz_routes()[kUpdatesPath].body =
        testing::response_chunk(FixedBytes<4>{1, 2, 3, 4}, as_bytes(std::string(64, 'x')));
    bad->start();
    auto overlong = ssz_server();
    overlong->ssz_routes()[kUpdatesPath].body = std::string(8, '\xff') + "tail";
    overlong->start();
    auto good = ssz_server();
    good->start();

    BeaconSource source(config({bad->url(), overlong->url(), good->url()}, Encoding::kPreferSsz), nullptr);
    auto c = run(source.fetch());
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    EXPECT_EQ(c->block_num, finality_.finalized_header.execution.block_number);
    // The bootstrap came from the second endpoint, the updates from the third, the finality update from the first.
    ASSERT_EQ(source.faults().size(), 3u);
    EXPECT_EQ(source.faults()[0].endpoint, bad->url());
    EXPECT_EQ(source.faults()[0].error.source, bad->url());
    EXPECT_EQ(source.faults()[0].answer, AnswerError::kMissingConsensusVersion);
    EXPECT_NE(source.faults()[0].error.detail.find("/bootstrap/"), std::string::npos);
    EXPECT_EQ(source.faults()[1].endpoint, bad->url());
    EXPECT_EQ(source.faults()[1].answer, AnswerError::kUnknownForkDigest);
    EXPECT_EQ(source.faults()[2].endpoint, overlong->url());
    EXPECT_EQ(source.faults()[2].error.source, overlong->url());
    EXPECT_EQ(source.faults()[2].answer, AnswerError::kChunkTooLong);
    EXPECT_EQ(source.validation()->endpoint, bad->url());
}

// ---- portal-spec-tests Deneb: the fixtures' own SSZ bytes over HTTP ----

Bytes portal_value(const std::filesystem::path& p, const std::string& key) {
    const std::string text = test::read_file(p);
    const auto at = text.find(key + ":");
    if (at == std::string::npos) return {};
    const auto open = text.find('"', at);
    const auto close = text.find('"', open + 1);
    std::string hex;
    for (char c : text.substr(open + 1, close - open - 1)) {
        if (std::isxdigit(static_cast<unsigned char>(c)) || c == 'x') hex.push_back(c);
    }
    return from_hex(hex).value_or(Bytes{});
}

uint64_t le64(ByteView b) {
    uint64_t x = 0;
    for (std::size_t i = 0; i < 8; ++i) x |= uint64_t{b[i]} << (8 * i);
    return x;
}

uint32_t le24(ByteView b) { return b[0] | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16; }

TEST(SszHttpPortal, DenebFixtureBytesServedAsSszGiveTheVerifiedCheckpoint) {
    HYPASIS_FIXTURE_OR_SKIP(boot_path, "portal-spec-tests/beacon_chain/light_client/deneb/bootstrap.yaml");
    const auto dir = boot_path.parent_path();
    const ChainConfig chain = ChainConfig::mainnet();
    const Bytes boot_key = portal_value(boot_path, "content_key");
    const Bytes boot = portal_value(boot_path, "content_value");
    const Bytes updates = portal_value(dir / "updates.yaml", "content_value");
    const Bytes fin_key = portal_value(dir / "finality_update.yaml", "content_key");
    const Bytes fin = portal_value(dir / "finality_update.yaml", "content_value");
    const Bytes opt_key = portal_value(dir / "optimistic_update.yaml", "content_key");
    const Bytes opt = portal_value(dir / "optimistic_update.yaml", "content_value");
    ASSERT_EQ(opt_key.size(), 9u);
    ASSERT_EQ(boot_key.size(), 33u);
    ASSERT_GT(boot.size(), 4u);
    ASSERT_GT(fin.size(), 4u);
    const Hash root = to_fixed<32>(ByteView(boot_key).subspan(1));
    const uint64_t finalized_slot = le64(ByteView(fin_key).subspan(1));

    // Only the slots are read from our decoders, to route requests; what is served is the fixtures' bytes.
    auto b = ssz::decode_bootstrap(ByteView(boot).subspan(4), ssz::Fork::kDeneb, 512);
    auto f = ssz::decode_finality_update(ByteView(fin).subspan(4), ssz::Fork::kDeneb, 512);
    ASSERT_TRUE(b && f);
    const uint64_t boot_period = chain.period_at_slot(b->header.beacon.slot);
    const uint64_t now_slot = std::max(f->signature_slot, le64(ByteView(opt_key).subspan(1))) + 1;
    const uint64_t target = chain.period_at_slot(now_slot);

    boost::asio::io_context io;
    testing::TestApiServer server(io.get_executor());
    auto& r = server.ssz_routes();
    r["/eth/v1/beacon/light_client/bootstrap/" + to_hex(root)] = {testing::as_body(ByteView(boot).subspan(4)), "deneb"};
    // The portal list holds digest || update items; the chunks for periods from the bootstrap's on, as they are.
    std::string chunks;
    const std::size_t n = le24(updates) / 4;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t from = le24(ByteView(updates).subspan(4 * i));
        const std::size_t to = i + 1 == n ? updates.size() : le24(ByteView(updates).subspan(4 * (i + 1)));
        const ByteView item = ByteView(updates).subspan(from, to - from);
        auto u = ssz::decode_update(item.subspan(4), ssz::Fork::kDeneb, 512);
        ASSERT_TRUE(u.has_value());
        if (chain.period_at_slot(u->attested_header.beacon.slot) < boot_period) continue;
        chunks += testing::response_chunk(to_fixed<4>(item.first(4)), item.subspan(4));
    }
    ASSERT_FALSE(chunks.empty());
    r["/eth/v1/beacon/light_client/updates?start_period=" + std::to_string(boot_period) +
      "&count=" + std::to_string(target - boot_period + 1)] = {chunks, std::nullopt};
    r[std::string(kFinalityPath)] = {testing::as_body(ByteView(fin).subspan(4)), "deneb"};
    r[std::string(kOptimisticPath)] = {testing::as_body(ByteView(opt).subspan(4)), "deneb"};
    server.start();

    BeaconSourceConfig cfg;
    cfg.endpoints = {server.url()};
    cfg.trusted_block_root = root;
    cfg.http.timeout = std::chrono::milliseconds(2000);
    const uint64_t now = chain.time_at_slot(now_slot);
    cfg.now = [now] { return now; };
    BeaconSource source(cfg, nullptr);
    auto fut = boost::asio::co_spawn(io, source.fetch(), boost::asio::use_future);
    while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    auto c = fut.get();
    ASSERT_TRUE(c.has_value()) << checkpoint::to_string(c.error());
    EXPECT_TRUE(source.faults().empty()) << checkpoint::to_string(source.faults()[0].error);
    EXPECT_EQ(server.ssz_answers(), 4u);
    // The finalized slot is the finality update's content key (the portal's own index), and the block is that
    // update's finalized execution payload header.
    EXPECT_EQ(source.validation()->finalized_slot, finalized_slot);
    EXPECT_EQ(c->block_num, f->finalized_header.execution.block_number);
    EXPECT_EQ(c->block_hash, f->finalized_header.execution.block_hash);
    auto o = ssz::decode_optimistic_update(ByteView(opt).subspan(4), ssz::Fork::kDeneb, 512);
    ASSERT_TRUE(o.has_value());
    ASSERT_TRUE(source.optimistic_head().has_value());
    EXPECT_EQ(source.optimistic_head()->block_num, o->attested_header.execution.block_number);

    // The same optimistic bytes labelled Electra decode (Electra's optimistic update has Deneb's layout), and the
    // fork/slot check refuses them.
    r[std::string(kOptimisticPath)].consensus_version = "electra";
    checkpoint::HttpOptions http;
    http.timeout = std::chrono::milliseconds(2000);
    BeaconApiClient api(server.url(), http, chain);
    auto fut2 = boost::asio::co_spawn(io, api.optimistic_update(), boost::asio::use_future);
    io.restart();
    while (fut2.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    expect_refused(fut2.get(), AnswerError::kForkMismatch, server.url());
}

}  // namespace
}  // namespace hypasis::beacon
