// transactionsRoot of a 200-transaction block: the streaming builder against the general in-memory trie, with
// the keccak work each one does, and a "keccak floor" that only hashes inputs of the same sizes, to show how much
// of a root's time is hashing that no implementation can avoid.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/trie/ordered_root.hpp"
#include "hypasis/core/trie/trie.hpp"

namespace {

using hypasis::Bytes;
using hypasis::ByteView;

constexpr std::size_t kTxCount = 200;

// 200 synthetic transactions of realistic sizes (110..400 bytes), fixed seed.
const std::vector<Bytes>& block_transactions() {
    static const std::vector<Bytes> txs = [] {
        std::mt19937 rng(0x7472696e);
        std::uniform_int_distribution<std::size_t> size(110, 400);
        std::vector<Bytes> out(kTxCount);
        for (auto& tx : out) {
            tx.resize(size(rng));
            for (auto& b : tx) b = static_cast<uint8_t>(rng());
        }
        return out;
    }();
    return txs;
}

void BM_TxRoot200_OrderedTrieRoot(benchmark::State& state) {
    const auto& txs = block_transactions();
    for (auto _ : state) benchmark::DoNotOptimize(hypasis::trie::ordered_trie_root(txs));
    hypasis::trie::OrderedRootBuilder b;
    for (const auto& tx : txs) b.add(tx);
    (void)b.root();
    state.counters["keccak_per_root"] = static_cast<double>(b.keccak_calls());
    state.counters["roots_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TxRoot200_OrderedTrieRoot);

// Items handed over one by one in list order, the builder reused across blocks (buffers already grown).
void BM_TxRoot200_OrderedRootBuilder(benchmark::State& state) {
    const auto& txs = block_transactions();
    hypasis::trie::OrderedRootBuilder b;
    std::size_t keccak = 0;
    for (auto _ : state) {
        b.reset();
        for (const auto& tx : txs) b.add(tx);
        benchmark::DoNotOptimize(b.root());
        keccak = b.keccak_calls();
    }
    state.counters["keccak_per_root"] = static_cast<double>(keccak);
    state.counters["roots_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TxRoot200_OrderedRootBuilder);

// The general trie: put rlp(i) -> tx for every i, then root().
void BM_TxRoot200_GeneralTrie(benchmark::State& state) {
    const auto& txs = block_transactions();
    std::size_t keccak = 0;
    for (auto _ : state) {
        hypasis::trie::Trie t;
        Bytes key;
        for (std::size_t i = 0; i < txs.size(); ++i) {
            key.clear();
            hypasis::rlp::encode_u64(key, i);
            t.put(key, txs[i]);
        }
        benchmark::DoNotOptimize(t.root());
        keccak = t.keccak_calls();
    }
    state.counters["keccak_per_root"] = static_cast<double>(keccak);
    state.counters["roots_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TxRoot200_GeneralTrie);

// The hashing alone: one keccak per transaction (a leaf is the transaction plus a few bytes of framing) plus one
// per branch, each a full branch of 16 hash references (532 bytes). The count of branches is what the builder
// reports beyond the leaves.
void BM_TxRoot200_KeccakFloor(benchmark::State& state) {
    const auto& txs = block_transactions();
    hypasis::trie::OrderedRootBuilder b;
    for (const auto& tx : txs) b.add(tx);
    (void)b.root();
    const std::size_t branches = b.keccak_calls() - txs.size();
    const Bytes branch(532, 0xa0);
    for (auto _ : state) {
        for (const auto& tx : txs) benchmark::DoNotOptimize(hypasis::crypto::keccak256(tx));
        for (std::size_t i = 0; i < branches; ++i) benchmark::DoNotOptimize(hypasis::crypto::keccak256(branch));
    }
    state.counters["keccak_per_root"] = static_cast<double>(txs.size() + branches);
}
BENCHMARK(BM_TxRoot200_KeccakFloor);

// The reference figure of ENVIRONMENT-NOTES (keccak of a 540-byte header), measured in the same binary and run.
void BM_TrieRef_Keccak540(benchmark::State& state) {
    const Bytes data(540, 0x5a);
    for (auto _ : state) benchmark::DoNotOptimize(hypasis::crypto::keccak256(data));
    state.counters["hashes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrieRef_Keccak540);

}  // namespace
