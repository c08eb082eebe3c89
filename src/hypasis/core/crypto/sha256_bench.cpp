// SHA-256 on 64 bytes (one SSZ Merkle node): our reused-context EVP path against OpenSSL's one-shot SHA256(),
// which looks the algorithm up on every call.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>

#include "hypasis/core/crypto/sha256.hpp"

namespace hypasis::crypto {
namespace {

void BM_Sha256_64(benchmark::State& state) {
    Hash left{}, right{};
    left[0] = 1;
    right[0] = 2;
    for (auto _ : state) {
        Hash h = sha256_pair(left, right);
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sha256_64);

void BM_Sha256_64_OpenSSLOneShot(benchmark::State& state) {
    uint8_t in[64] = {1};
    for (auto _ : state) {
        Hash h;
        SHA256(in, sizeof(in), h.data());
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sha256_64_OpenSSLOneShot);

}  // namespace
}  // namespace hypasis::crypto
