// discv4 hot paths: decoding and authenticating a PING (keccak of the packet, RLP, one public-key recovery), and
// decoding and verifying an ENR (RLP, key decompression, one ECDSA verification). Compare the first with this
// machine's secp256k1 recover limit (ENVIRONMENT-NOTES: 31.1 k/s), the second with verify (36.2 k/s).
#include <benchmark/benchmark.h>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/p2p/discv4/enr.hpp"
#include "hypasis/p2p/discv4/packet.hpp"

namespace hypasis::p2p::discv4 {
namespace {

crypto::SecretKey bench_key() {
    crypto::SecretKey k{};
    k.fill(0x46);
    return k;
}

void BM_Discv4DecodePing(benchmark::State& state) {
    Ping ping{kPingVersion, {IpAddress::v4(127, 0, 0, 1), 30303, 30303}, {IpAddress::v4(127, 0, 0, 2), 30303, 0},
              1'700'000'020, 5};
    const auto bytes = encode_packet(ping, bench_key());
    HYPASIS_ASSERT(bytes.has_value());
    for (auto _ : state) {
        auto p = decode_packet(*bytes, 1'700'000'000);
        benchmark::DoNotOptimize(p);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Discv4DecodePing);

void BM_Discv4EnrDecodeVerify(benchmark::State& state) {
    auto enr = EnrBuilder(3).set_ip(IpAddress::v4(127, 0, 0, 1)).set_udp(30303).set_tcp(30303).sign(bench_key());
    HYPASIS_ASSERT(enr.has_value());
    const Bytes raw = enr->encoded();
    for (auto _ : state) {
        auto e = decode_enr(raw);
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Discv4EnrDecodeVerify);

void BM_Discv4EncodePing(benchmark::State& state) {
    Ping ping{kPingVersion, {IpAddress::v4(127, 0, 0, 1), 30303, 30303}, {IpAddress::v4(127, 0, 0, 2), 30303, 0},
              1'700'000'020, 5};
    const auto key = bench_key();
    for (auto _ : state) {
        auto b = encode_packet(ping, key);
        benchmark::DoNotOptimize(b);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Discv4EncodePing);

}  // namespace
}  // namespace hypasis::p2p::discv4
