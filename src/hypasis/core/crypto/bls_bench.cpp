// BLS12-381: FastAggregateVerify over 512 already-parsed keys (a sync committee), ours against raw blst calls
// doing the same work, plus the costs around it (parsing keys, one plain verify).
#include <benchmark/benchmark.h>
#include <blst.h>

#include <vector>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/bls.hpp"

namespace hypasis::crypto {
namespace {

constexpr std::size_t kCommittee = 512;

struct Committee {
    std::vector<BlsPublicKey> keys;
    std::vector<FixedBytes<48>> compressed;
    Bytes message = Bytes(32, 0x5a);  // a signing root
    BlsSignature aggregate = *BlsSignature::parse(FixedBytes<96>{0xc0});
    FixedBytes<96> aggregate_bytes{};
    // The same data as blst's own types, for the raw baseline.
    std::vector<blst_p1_affine> raw_keys;
    blst_p2_affine raw_sig{};

    Committee() {
        std::vector<BlsSignature> sigs;
        for (std::size_t i = 0; i < kCommittee; ++i) {
            Bytes ikm(32, 0x11);
            ikm[0] = static_cast<uint8_t>(i);
            ikm[1] = static_cast<uint8_t>(i >> 8);
            const BlsSecretKey sk = *bls_keygen(ikm);
            keys.push_back(bls_sk_to_pk(sk));
            compressed.push_back(keys.back().serialize());
            sigs.push_back(bls_sign(sk, message));
        }
        aggregate = *bls_aggregate_signatures(sigs);
        aggregate_bytes = aggregate.serialize();
        HYPASIS_ASSERT(bls_fast_aggregate_verify(keys, message, aggregate).has_value());
        raw_keys.resize(kCommittee);
        for (std::size_t i = 0; i < kCommittee; ++i) {
            HYPASIS_ASSERT(blst_p1_uncompress(&raw_keys[i], compressed[i].data()) == BLST_SUCCESS);
        }
        HYPASIS_ASSERT(blst_p2_uncompress(&raw_sig, aggregate_bytes.data()) == BLST_SUCCESS);
    }
};

const Committee& committee() {
    static const Committee c;
    return c;
}

void BM_BlsFastAggregateVerify512_Ours(benchmark::State& state) {
    const Committee& c = committee();
    for (auto _ : state) {
        auto ok = bls_fast_aggregate_verify(c.keys, c.message, c.aggregate);
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlsFastAggregateVerify512_Ours)->Unit(benchmark::kMicrosecond);

// The pointer overload, as a caller selecting participants out of a cached committee would use it.
void BM_BlsFastAggregateVerify512_OursPointers(benchmark::State& state) {
    const Committee& c = committee();
    std::vector<const BlsPublicKey*> ptrs;
    for (const auto& k : c.keys) ptrs.push_back(&k);
    for (auto _ : state) {
        auto ok = bls_fast_aggregate_verify(std::span<const BlsPublicKey* const>(ptrs), c.message, c.aggregate);
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlsFastAggregateVerify512_OursPointers)->Unit(benchmark::kMicrosecond);

// Raw blst, the fastest way we know to do the same work: batched affine sum of the keys, then one pairing
// check with blst's group checks off (the points were checked when they were decompressed).
void BM_BlsFastAggregateVerify512_RawBlst(benchmark::State& state) {
    const Committee& c = committee();
    const std::string_view dst = kBlsPopDst;
    std::vector<unsigned char> ctx_buf(blst_pairing_sizeof());
    auto* ctx = reinterpret_cast<blst_pairing*>(ctx_buf.data());
    for (auto _ : state) {
        const blst_p1_affine* points[2] = {c.raw_keys.data(), nullptr};
        blst_p1 sum;
        blst_p1s_add(&sum, points, c.raw_keys.size());
        blst_p1_affine pk;
        blst_p1_to_affine(&pk, &sum);
        blst_pairing_init(ctx, true, reinterpret_cast<const byte*>(dst.data()), dst.size());
        BLST_ERROR e = blst_pairing_chk_n_aggr_pk_in_g1(ctx, &pk, false, &c.raw_sig, false, c.message.data(),
                                                        c.message.size(), nullptr, 0);
        blst_pairing_commit(ctx);
        const bool ok = e == BLST_SUCCESS && blst_pairing_finalverify(ctx, nullptr);
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlsFastAggregateVerify512_RawBlst)->Unit(benchmark::kMicrosecond);

// Raw blst the straightforward way: one-by-one additions and blst_core_verify_pk_in_g1, which re-runs both
// subgroup checks on every call. Shown for scale, not as the requirement's baseline.
void BM_BlsFastAggregateVerify512_RawBlstNaive(benchmark::State& state) {
    const Committee& c = committee();
    const std::string_view dst = kBlsPopDst;
    for (auto _ : state) {
        blst_p1 sum;
        blst_p1_from_affine(&sum, &c.raw_keys[0]);
        for (std::size_t i = 1; i < c.raw_keys.size(); ++i) blst_p1_add_or_double_affine(&sum, &sum, &c.raw_keys[i]);
        blst_p1_affine pk;
        blst_p1_to_affine(&pk, &sum);
        const BLST_ERROR e = blst_core_verify_pk_in_g1(&pk, &c.raw_sig, true, c.message.data(), c.message.size(),
                                                       reinterpret_cast<const byte*>(dst.data()), dst.size());
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlsFastAggregateVerify512_RawBlstNaive)->Unit(benchmark::kMicrosecond);

// What caching saves: parsing (decompressing and subgroup-checking) the 512 keys.
void BM_BlsParse512PublicKeys(benchmark::State& state) {
    const Committee& c = committee();
    for (auto _ : state) {
        for (const auto& k : c.compressed) {
            auto pk = BlsPublicKey::parse(k);
            benchmark::DoNotOptimize(pk);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kCommittee));
}
BENCHMARK(BM_BlsParse512PublicKeys)->Unit(benchmark::kMillisecond);

void BM_BlsVerify(benchmark::State& state) {
    const Committee& c = committee();
    const BlsPublicKey pk = *bls_aggregate_public_keys(c.keys);
    for (auto _ : state) {
        auto ok = bls_verify(pk, c.message, c.aggregate);
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlsVerify)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hypasis::crypto
