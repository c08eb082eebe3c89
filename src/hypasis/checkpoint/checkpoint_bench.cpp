// Checkpoint verification against the raw cost of its signature checks, measured in the same run (DESIGN §9):
// - 67 of 100 ECDSA validators (the least > 2/3 with equal stakes) vs 67 raw libsecp256k1 recoveries;
// - 342 of 512 BLS validators in one aggregate (the sync-committee quorum) vs raw blst FastAggregateVerify over
//   the same 342 already-decompressed keys.
#include <benchmark/benchmark.h>
#include <blst.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <vector>

#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/checkpoint/verify.hpp"

namespace hypasis::checkpoint {
namespace {

struct EcdsaCase {
    ValidatorSet set = testing::ecdsa_set(std::vector<U256>(100, U256{32}));
    Checkpoint c = testing::sample_checkpoint();
    Hash digest{};
    EcdsaCase() {
        testing::sign_ecdsa(c, testing::first(67));
        digest = checkpoint_digest(c);
        HYPASIS_ASSERT(verify(c, set).has_value());
    }
};
const EcdsaCase& ecdsa_case() {
    static const EcdsaCase c;
    return c;
}

void BM_CheckpointVerifyEcdsa67of100(benchmark::State& state) {
    const EcdsaCase& e = ecdsa_case();
    for (auto _ : state) {
        auto r = verify(e.c, e.set);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CheckpointVerifyEcdsa67of100)->Unit(benchmark::kMicrosecond);

// The floor: 67 × (parse the compact signature, recover, serialize the key), as core/crypto's raw bench does.
void BM_CheckpointVerifyEcdsa67of100_RawSecp(benchmark::State& state) {
    const EcdsaCase& e = ecdsa_case();
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    unsigned char seed[32] = {1};
    HYPASIS_ASSERT(secp256k1_context_randomize(ctx, seed) == 1);
    for (auto _ : state) {
        int ok = 1;
        for (const auto& s : e.c.ecdsa_signatures) {
            secp256k1_ecdsa_recoverable_signature sig;
            secp256k1_pubkey pk;
            unsigned char out[65];
            size_t len = sizeof(out);
            ok &= secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, s.signature.data(),
                                                                      s.signature[64] - 27) &&
                  secp256k1_ecdsa_recover(ctx, &pk, &sig, e.digest.data()) &&
                  secp256k1_ec_pubkey_serialize(ctx, out, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
            benchmark::DoNotOptimize(out);
        }
        benchmark::DoNotOptimize(ok);
    }
    secp256k1_context_destroy(ctx);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CheckpointVerifyEcdsa67of100_RawSecp)->Unit(benchmark::kMicrosecond);

struct BlsCase {
    ValidatorSet set = testing::bls_set(std::vector<U256>(512, U256{1}), QuorumRule::kEthSyncCommittee);
    Checkpoint c = testing::sample_checkpoint();
    Hash digest{};
    std::vector<blst_p1_affine> raw_keys;
    blst_p2_affine raw_sig{};
    BlsCase() {
        testing::sign_bls_aggregate(c, testing::first(342), set);
        digest = checkpoint_digest(c);
        HYPASIS_ASSERT(verify(c, set).has_value());
        for (uint32_t i = 0; i < 342; ++i) {
            const auto compressed = set.validators()[i].bls_key->serialize();
            blst_p1_affine p;
            HYPASIS_ASSERT(blst_p1_uncompress(&p, compressed.data()) == BLST_SUCCESS);
            raw_keys.push_back(p);
        }
        HYPASIS_ASSERT(blst_p2_uncompress(&raw_sig, c.bls_aggregate->signature.data()) == BLST_SUCCESS);
    }
};
const BlsCase& bls_case() {
    static const BlsCase c;
    return c;
}

// Includes decompressing and subgroup-checking the aggregate signature (it arrives compressed).
void BM_CheckpointVerifyBlsAggregate342of512(benchmark::State& state) {
    const BlsCase& b = bls_case();
    for (auto _ : state) {
        auto r = verify(b.c, b.set);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CheckpointVerifyBlsAggregate342of512)->Unit(benchmark::kMicrosecond);

// The floor: batched affine sum of the 342 keys and one pairing check, signature already decompressed (the same
// raw form as core/crypto's bls_bench).
void BM_CheckpointVerifyBlsAggregate342of512_RawBlst(benchmark::State& state) {
    const BlsCase& b = bls_case();
    const std::string_view dst = crypto::kBlsPopDst;
    std::vector<unsigned char> ctx_buf(blst_pairing_sizeof());
    auto* ctx = reinterpret_cast<blst_pairing*>(ctx_buf.data());
    for (auto _ : state) {
        const blst_p1_affine* points[2] = {b.raw_keys.data(), nullptr};
        blst_p1 sum;
        blst_p1s_add(&sum, points, b.raw_keys.size());
        blst_p1_affine pk;
        blst_p1_to_affine(&pk, &sum);
        blst_pairing_init(ctx, true, reinterpret_cast<const byte*>(dst.data()), dst.size());
        const BLST_ERROR err = blst_pairing_chk_n_aggr_pk_in_g1(ctx, &pk, false, &b.raw_sig, false, b.digest.data(),
                                                                b.digest.size(), nullptr, 0);
        blst_pairing_commit(ctx);
        const bool ok = err == BLST_SUCCESS && blst_pairing_finalverify(ctx, nullptr);
        benchmark::DoNotOptimize(ok);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CheckpointVerifyBlsAggregate342of512_RawBlst)->Unit(benchmark::kMicrosecond);

// The raw floor plus what we must also do with an untrusted signature: decompress and subgroup-check it.
void BM_CheckpointBlsSignatureParse(benchmark::State& state) {
    const BlsCase& b = bls_case();
    for (auto _ : state) {
        auto s = crypto::BlsSignature::parse(b.c.bls_aggregate->signature);
        benchmark::DoNotOptimize(s);
    }
}
BENCHMARK(BM_CheckpointBlsSignatureParse)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hypasis::checkpoint
