// The beacon light client's costs on helios's real mainnet data (512-key committee):
// - one sync-committee period update, against blst's raw FastAggregateVerify over the same keys, message and
//   signature (the floor: everything else is SSZ hashing and bookkeeping);
// - bootstrap plus catching up six periods, finality and optimistic updates, from a local Beacon API server over
//   HTTP (compare Helios's published 0.52 s per period).
// The fixtures come from $HYPASIS_FIXTURES or ../shared/fixtures beside the checkout; without them the benchmarks
// report an error instead of running.
#include <benchmark/benchmark.h>
#include <blst.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hypasis/beacon/api_json.hpp"
#include "hypasis/beacon/beacon_source.hpp"
#include "hypasis/beacon/light_client.hpp"
#include "hypasis/beacon/test_api_server.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"

namespace hypasis::beacon {
namespace {

constexpr std::string_view kRoot = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";

std::filesystem::path fixtures() {
    if (const char* env = std::getenv("HYPASIS_FIXTURES")) return env;
    return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." / ".." / "shared" / "fixtures";
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Data {
    bool ok{false};
    std::string bootstrap_text, updates_text, finality_text, optimistic_text;
    ssz::LightClientBootstrap bootstrap;
    std::vector<ssz::LightClientUpdate> updates;
    std::optional<LightClient> at_863;  // bootstrapped and past the first update: next update is period 863's
};

const Data& data() {
    static const Data d = [] {
        Data x;
        const auto dir = fixtures() / "helios" / "ethereum" / "testdata";
        if (!std::filesystem::exists(dir / "bootstrap.json")) return x;
        x.bootstrap_text = slurp(dir / "bootstrap.json");
        x.updates_text = slurp(dir / "updates.json");
        x.finality_text = slurp(dir / "finality.json");
        x.optimistic_text = slurp(dir / "optimistic.json");
        x.bootstrap = *parse_bootstrap_json(boost::json::parse(x.bootstrap_text), 512);
        x.updates = *parse_updates_json(boost::json::parse(x.updates_text), 512);
        auto c = LightClient::bootstrap(ChainConfig::mainnet(), *fixed_from_hex<32>(kRoot), x.bootstrap);
        if (!c || !c->process_update(x.updates[0], 7109432)) return x;
        x.at_863.emplace(std::move(*c));
        x.ok = true;
        return x;
    }();
    return d;
}

// One period update (period 863, signed by the next committee): validation (branches, header, signature) and the
// store change, on a fresh copy of the store each time. Keys are parsed once (the copies share the key cache).
void BM_BeaconPeriodUpdate512(benchmark::State& state) {
    const Data& d = data();
    if (!d.ok) return state.SkipWithError("helios fixtures not found");
    const auto& u = d.updates[1];
    (void)LightClient(*d.at_863).validate_update(u, 7109432);  // warm the key cache
    for (auto _ : state) {
        state.PauseTiming();
        LightClient c = *d.at_863;
        state.ResumeTiming();
        auto r = c.process_update(u, 7109432);
        if (!r) state.SkipWithError("update refused");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BeaconPeriodUpdate512)->Unit(benchmark::kMicrosecond);

// The floor: raw blst FastAggregateVerify of the same update (participating keys summed in affine form, one
// pairing check, group checks off because the points were checked once when decompressed), as
// core/crypto/bls_bench.cpp measures it.
void BM_BeaconPeriodUpdate512_RawBlstFastAggregateVerify(benchmark::State& state) {
    const Data& d = data();
    if (!d.ok) return state.SkipWithError("helios fixtures not found");
    const auto& u = d.updates[1];
    const auto& committee = *d.at_863->store().next_sync_committee;
    std::vector<blst_p1_affine> keys;
    for (std::size_t i = 0; i < committee.pubkeys.size(); ++i) {
        if (!u.sync_aggregate.bit(i)) continue;
        blst_p1_affine p;
        if (blst_p1_uncompress(&p, committee.pubkeys[i].data()) != BLST_SUCCESS) return state.SkipWithError("key");
        keys.push_back(p);
    }
    blst_p2_affine sig;
    if (blst_p2_uncompress(&sig, u.sync_aggregate.signature.data()) != BLST_SUCCESS) return state.SkipWithError("sig");
    const ChainConfig cfg = ChainConfig::mainnet();
    const Hash domain =
        compute_domain(kDomainSyncCommittee, cfg.fork_version_at_epoch(cfg.epoch_at_slot(u.signature_slot - 1)),
                       cfg.genesis_validators_root);
    const Hash msg = compute_signing_root(ssz::hash_tree_root(u.attested_header.beacon), domain);
    const std::string_view dst = crypto::kBlsPopDst;
    std::vector<unsigned char> ctx_buf(blst_pairing_sizeof());
    auto* ctx = reinterpret_cast<blst_pairing*>(ctx_buf.data());
    bool all_ok = true;
    for (auto _ : state) {
        const blst_p1_affine* points[2] = {keys.data(), nullptr};
        blst_p1 sum;
        blst_p1s_add(&sum, points, keys.size());
        blst_p1_affine pk;
        blst_p1_to_affine(&pk, &sum);
        blst_pairing_init(ctx, true, reinterpret_cast<const byte*>(dst.data()), dst.size());
        BLST_ERROR e =
            blst_pairing_chk_n_aggr_pk_in_g1(ctx, &pk, false, &sig, false, msg.data(), msg.size(), nullptr, 0);
        blst_pairing_commit(ctx);
        const bool ok = e == BLST_SUCCESS && blst_pairing_finalverify(ctx, nullptr);
        all_ok = all_ok && ok;
        benchmark::DoNotOptimize(ok);
    }
    if (!all_ok) state.SkipWithError("raw verification failed");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BeaconPeriodUpdate512_RawBlstFastAggregateVerify)->Unit(benchmark::kMicrosecond);

// Bootstrap + 6 period updates + finality + optimistic from a local server over HTTP, a fresh source (and so a
// fresh key cache: each of the 6 committees is decompressed once) per iteration. Reported per period. Arg 0: JSON
// only; arg 1: the same data in SSZ (encoded once from the parsed fixtures), negotiated by the Accept header.
void BM_BeaconBootstrapAndCatchUp6Periods(benchmark::State& state) {
    const Data& d = data();
    if (!d.ok) return state.SkipWithError("helios fixtures not found");
    const bool ssz_mode = state.range(0) == 1;
    boost::asio::io_context io;
    testing::TestApiServer server(io.get_executor());
    auto& r = server.routes();
    const std::string boot = "/eth/v1/beacon/light_client/bootstrap/" + std::string(kRoot);
    const std::string upd = "/eth/v1/beacon/light_client/updates?start_period=862&count=6";
    const std::string fin = "/eth/v1/beacon/light_client/finality_update";
    const std::string opt = "/eth/v1/beacon/light_client/optimistic_update";
    r[boot] = {200, d.bootstrap_text, {}};
    r[upd] = {200, d.updates_text, {}};
    r[fin] = {200, d.finality_text, {}};
    r[opt] = {200, d.optimistic_text, {}};
    if (ssz_mode) {
        auto f = parse_finality_update_json(boost::json::parse(d.finality_text), 512);
        auto o = parse_optimistic_update_json(boost::json::parse(d.optimistic_text), 512);
        if (!f || !o) return state.SkipWithError("fixtures do not parse");
        auto& s = server.ssz_routes();
        s[boot] = {testing::as_body(ssz::encode(d.bootstrap)), "capella"};
        s[upd] = {testing::ssz_updates_body(d.updates, ChainConfig::mainnet()), std::nullopt};
        s[fin] = {testing::as_body(ssz::encode(*f)), "capella"};
        s[opt] = {testing::as_body(ssz::encode(*o)), "capella"};
    }
    server.start();
    BeaconSourceConfig cfg;
    cfg.endpoints = {server.url()};
    cfg.trusted_block_root = *fixed_from_hex<32>(kRoot);
    cfg.encoding = ssz_mode ? Encoding::kPreferSsz : Encoding::kJson;
    const uint64_t now = cfg.chain.time_at_slot(7109432);
    cfg.now = [now] { return now; };
    for (auto _ : state) {
        BeaconSource source(cfg, nullptr);
        auto fut = boost::asio::co_spawn(io, source.fetch(), boost::asio::use_future);
        io.restart();
        while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
        auto c = fut.get();
        if (!c) state.SkipWithError("fetch failed");
        benchmark::DoNotOptimize(c);
    }
    if (ssz_mode && server.ssz_answers() != 4 * static_cast<std::size_t>(state.iterations())) {
        state.SkipWithError("the server did not answer in SSZ");
    }
    state.counters["s_per_period"] = benchmark::Counter(static_cast<double>(state.iterations()) * 6,
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    server.stop();
}
BENCHMARK(BM_BeaconBootstrapAndCatchUp6Periods)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hypasis::beacon
