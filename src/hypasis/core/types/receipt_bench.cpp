// Slim (eth/69) receipt decoding, which recomputes each bloom: the per-receipt cost of verifying a receiptsRoot
// from slim receipts, before the trie.
#include <benchmark/benchmark.h>

#include "hypasis/core/types/receipt.hpp"

namespace hypasis {
namespace {

// A DEX-swap-like receipt: four logs with 1-3 topics and 32-128 bytes of data.
Receipt swap_receipt() {
    Receipt r;
    r.type = TxnType::kDynamicFee;
    r.success = true;
    r.cumulative_gas_used = 12'345'678;
    for (uint8_t i = 0; i < 4; ++i) {
        Log log;
        log.address.fill(static_cast<uint8_t>(0x10 + i));
        for (uint8_t k = 0; k <= i % 3; ++k) {
            Hash t{};
            t.fill(static_cast<uint8_t>(0x40 + 4 * i + k));
            log.topics.push_back(t);
        }
        log.data = Bytes(32u * (1u + i), i);
        r.logs.push_back(std::move(log));
    }
    r.bloom = logs_bloom(r.logs);
    return r;
}

void BM_ReceiptDecodeSlimWithBloom(benchmark::State& state) {
    const Bytes slim = encode_slim(swap_receipt());
    for (auto _ : state) {
        ByteView in = slim;
        auto r = decode_slim_receipt(in);
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_ReceiptDecodeSlimWithBloom);

void BM_ReceiptEncodeForTrie(benchmark::State& state) {
    const Receipt r = swap_receipt();
    for (auto _ : state) benchmark::DoNotOptimize(encode_for_trie(r));
}
BENCHMARK(BM_ReceiptEncodeForTrie);

}  // namespace
}  // namespace hypasis
