// Keccak-256: our hand-unrolled keccak-f[1600] against Crypto++'s Keccak_256 on the same inputs, side by side.
// 32 bytes is a hash of a hash (trie keys, addresses); 540 bytes is a typical post-Cancun header.
#include <benchmark/benchmark.h>
#include <cryptopp/keccak.h>

#include <algorithm>

#include "hypasis/core/crypto/keccak.hpp"

namespace hypasis::crypto {
namespace {

Bytes input(std::size_t n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 31 + 7);
    return b;
}

void BM_Keccak256_Ours(benchmark::State& state) {
    const Bytes data = input(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        Hash h = keccak256(data);
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Keccak256_Ours)->Arg(32)->Arg(540);

void BM_Keccak256_CryptoPP(benchmark::State& state) {
    const Bytes data = input(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        Hash h;
        CryptoPP::Keccak_256 k;
        k.Update(data.data(), data.size());
        k.Final(h.data());
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Keccak256_CryptoPP)->Arg(32)->Arg(540);

// The incremental object fed in 16-byte pieces, as the RLPx MACs feed it.
void BM_Keccak256_Incremental16(benchmark::State& state) {
    const Bytes data = input(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        Keccak256 k;
        for (std::size_t at = 0; at < data.size(); at += 16) {
            k.update(ByteView(data).subspan(at, std::min<std::size_t>(16, data.size() - at)));
        }
        Hash h = k.finalize();
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Keccak256_Incremental16)->Arg(540);

}  // namespace
}  // namespace hypasis::crypto
