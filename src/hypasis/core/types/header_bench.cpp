// Header decoding throughput. The requirement is >= 600k headers/s on one core, decode and hash together; the
// hash alone (keccak of ~600 bytes) is the ceiling, so each case is paired with a keccak-only run over the same
// bytes.
#include <benchmark/benchmark.h>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/types/header.hpp"

namespace hypasis {
namespace {

// A mainnet-like header: full bloom, realistic magnitudes, a 15-byte builder tag in extraData.
// fields = 20 gives a Cancun header (~600 bytes), 21 a Prague one (~635 bytes).
Bytes real_sized_header(std::size_t fields) {
    BlockHeader h;
    uint8_t x = 0x5b;
    const auto next = [&x] { return x = static_cast<uint8_t>(x * 37 + 11); };
    for (auto* hash :
         {&h.parent_hash, &h.ommers_hash, &h.state_root, &h.transactions_root, &h.receipts_root, &h.mix_hash}) {
        for (auto& b : *hash) b = next();
    }
    for (auto& b : h.beneficiary) b = next();
    for (auto& b : h.logs_bloom) b = next();
    h.number = 22431084;
    h.gas_limit = 35964365;
    h.gas_used = 12834212;
    h.timestamp = 1746612311;
    const char tag[] = "beaverbuild.org";
    h.extra_data.assign(tag, tag + sizeof(tag) - 1);
    h.base_fee_per_gas = U256{1402343417};
    h.withdrawals_root = Hash{};
    for (auto& b : *h.withdrawals_root) b = next();
    h.blob_gas_used = 786432;
    h.excess_blob_gas = 53346304;
    h.parent_beacon_block_root = Hash{};
    for (auto& b : *h.parent_beacon_block_root) b = next();
    if (fields >= 21) {
        h.requests_hash = Hash{};
        for (auto& b : *h.requests_hash) b = next();
    }
    return encode(h);
}

void BM_HeaderDecodeAndHash(benchmark::State& state) {
    const Bytes raw = real_sized_header(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto h = decode_header(raw);
        benchmark::DoNotOptimize(h);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
    state.counters["header_bytes"] = static_cast<double>(raw.size());
}
BENCHMARK(BM_HeaderDecodeAndHash)->Arg(20)->Arg(21);

// keccak of the same bytes: the part of the work that decoding cannot avoid.
void BM_HeaderKeccakOnly(benchmark::State& state) {
    const Bytes raw = real_sized_header(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto hash = crypto::keccak256(raw);
        benchmark::DoNotOptimize(hash);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.counters["header_bytes"] = static_cast<double>(raw.size());
}
BENCHMARK(BM_HeaderKeccakOnly)->Arg(20)->Arg(21);

// keccak of 540 bytes: the reference figure in DESIGN.md §9.
void BM_HeaderKeccak540(benchmark::State& state) {
    const Bytes raw(540, 0xa5);
    for (auto _ : state) {
        auto hash = crypto::keccak256(raw);
        benchmark::DoNotOptimize(hash);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_HeaderKeccak540);

void BM_HeaderEncode(benchmark::State& state) {
    auto h = decode_header(real_sized_header(21));
    if (!h) {
        state.SkipWithError("header did not decode");
        return;
    }
    for (auto _ : state) {
        auto out = encode(h->header);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_HeaderEncode);

}  // namespace
}  // namespace hypasis
