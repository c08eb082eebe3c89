// eth message codec throughput: what serving (encode from stored rows) and fetching (decode with hashing) cost
// per header and per body byte. The ceiling of header decoding is keccak of each header (DESIGN.md §9: ~1.07 M/s
// for 540 bytes), so a keccak-only run over the same headers is included for the ratio.
//
// The inputs are generated here (hypasis_bench links only the libraries, not test_util's chain generator):
// linked post-Prague headers with mainnet-like magnitudes and a full bloom (~620 bytes each), and bodies of
// EIP-1559 transactions with 200-byte calldata plus 16 withdrawals (~30 KB each). Signatures are random bytes:
// decoding does not recover senders.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/p2p/eth/codec.hpp"

namespace hypasis::p2p::eth {
namespace {

class Gen {
  public:
    explicit Gen(uint64_t seed) : rng_(seed) {}
    uint64_t next() { return rng_(); }
    template <std::size_t N>
    FixedBytes<N> fixed() {
        FixedBytes<N> out;
        for (auto& b : out) b = static_cast<uint8_t>(rng_());
        return out;
    }
    Bytes bytes(std::size_t n) {
        Bytes out(n);
        for (auto& b : out) b = static_cast<uint8_t>(rng_());
        return out;
    }

  private:
    std::mt19937_64 rng_;
};

std::vector<SealedHeader> make_headers(std::size_t n) {
    Gen g(42);
    std::vector<SealedHeader> out;
    Hash parent = g.fixed<32>();
    for (std::size_t i = 0; i < n; ++i) {
        BlockHeader h;
        h.parent_hash = parent;
        h.ommers_hash = g.fixed<32>();
        h.beneficiary = g.fixed<20>();
        h.state_root = g.fixed<32>();
        h.transactions_root = g.fixed<32>();
        h.receipts_root = g.fixed<32>();
        h.logs_bloom = g.fixed<256>();
        h.number = 22431084 + i;
        h.gas_limit = 35964365;
        h.gas_used = 12834212 + (g.next() % 1000000);
        h.timestamp = 1746612311 + 12 * i;
        h.extra_data = g.bytes(15);
        h.mix_hash = g.fixed<32>();
        h.base_fee_per_gas = U256{1402343417 + (g.next() % 100000)};
        h.withdrawals_root = g.fixed<32>();
        h.blob_gas_used = 786432;
        h.excess_blob_gas = 53346304;
        h.parent_beacon_block_root = g.fixed<32>();
        h.requests_hash = g.fixed<32>();
        out.push_back(seal(h));
        parent = out.back().hash;
    }
    return out;
}

Bytes make_body(Gen& g, std::size_t target_bytes) {
    BlockBody body;
    std::size_t size = 0;
    for (uint64_t nonce = 0; size < target_bytes; ++nonce) {
        Transaction t;
        t.type = TxnType::kDynamicFee;
        t.chain_id = 1;
        t.nonce = nonce;
        t.max_priority_fee_per_gas = U256{1'000'000'000};
        t.max_fee_per_gas = U256{30'000'000'000ull};
        t.gas_limit = 100'000;
        t.to = g.fixed<20>();
        t.value = U256{g.next()};
        t.data = g.bytes(200);
        t.y_parity = static_cast<uint8_t>(g.next() & 1);
        t.v = U256{t.y_parity};
        t.r = *U256::from_be(g.bytes(32));
        t.s = *U256::from_be(g.bytes(31));
        seal(t);
        size += t.encoded.size() + 3;
        body.transactions.push_back(std::move(t));
    }
    body.withdrawals = std::vector<Withdrawal>{};
    for (uint64_t i = 0; i < 16; ++i)
        body.withdrawals->push_back({i, g.next() % 1000000, g.fixed<20>(), g.next() % 100000000});
    return encode(body);
}

struct Fixture {
    std::vector<SealedHeader> headers = make_headers(1024);
    std::vector<ByteView> header_views;
    Bytes headers_msg;
    std::vector<Bytes> bodies;
    std::vector<ByteView> body_views;
    Bytes bodies_msg;
    std::size_t header_bytes{0};
    std::size_t body_bytes{0};

    Fixture() {
        for (const auto& h : headers) {
            header_views.emplace_back(h.rlp);
            header_bytes += h.rlp.size();
        }
        headers_msg = encode_block_headers(1, header_views);
        Gen g(7);
        for (int i = 0; i < 128; ++i) bodies.push_back(make_body(g, 30 * 1024));
        for (const auto& b : bodies) {
            body_views.emplace_back(b);
            body_bytes += b.size();
        }
        bodies_msg = encode_block_bodies(2, body_views);
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void BM_EthEncodeBlockHeaders1024(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        Bytes msg = encode_block_headers(42, f.header_views);
        benchmark::DoNotOptimize(msg.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.headers.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.headers_msg.size()));
    state.counters["header_bytes"] = static_cast<double>(f.header_bytes) / static_cast<double>(f.headers.size());
}
BENCHMARK(BM_EthEncodeBlockHeaders1024);

void BM_EthDecodeBlockHeaders1024(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        auto m = decode_block_headers(f.headers_msg, Limits{});
        if (!m || m->headers.size() != 1024) state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.headers.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.headers_msg.size()));
}
BENCHMARK(BM_EthDecodeBlockHeaders1024);

// Splitting without decoding or hashing (what a relay or a store of raw rows needs).
void BM_EthDecodeRawHeaders1024(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        auto m = decode_raw_items(f.headers_msg, 1024);
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.headers.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.headers_msg.size()));
}
BENCHMARK(BM_EthDecodeRawHeaders1024);

// The unavoidable part of decoding: keccak of each header's bytes.
void BM_EthKeccakHeaders1024(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        for (ByteView v : f.header_views) {
            auto h = crypto::keccak256(v);
            benchmark::DoNotOptimize(h);
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.headers.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.header_bytes));
}
BENCHMARK(BM_EthKeccakHeaders1024);

void BM_EthEncodeBlockBodies128(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        Bytes msg = encode_block_bodies(42, f.body_views);
        benchmark::DoNotOptimize(msg.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.bodies.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bodies_msg.size()));
    state.counters["body_bytes"] = static_cast<double>(f.body_bytes) / static_cast<double>(f.bodies.size());
}
BENCHMARK(BM_EthEncodeBlockBodies128);

// Full decode: every transaction decoded and hashed (keccak of its canonical bytes), withdrawals decoded.
void BM_EthDecodeBlockBodies128(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        auto m = decode_block_bodies(f.bodies_msg, Limits{});
        if (!m || m->bodies.size() != 128) state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.bodies.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bodies_msg.size()));
}
BENCHMARK(BM_EthDecodeBlockBodies128);

}  // namespace
}  // namespace hypasis::p2p::eth
