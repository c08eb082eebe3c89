// Sender-style public key recovery: crypto::recover() against the raw libsecp256k1 calls it wraps (parse the
// compact signature, recover, serialize the key uncompressed), so the wrapper's overhead shows as a ratio.
#include <benchmark/benchmark.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"

namespace hypasis::crypto {
namespace {

struct Fixture {
    Hash digest;
    RecoverableSignature sig;
    Fixture() {
        SecretKey key{};
        key.fill(0x46);
        digest = keccak256(as_bytes("a transaction's signing hash"));
        auto s = sign(digest, key);
        HYPASIS_ASSERT(s.has_value());
        sig = *s;
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void BM_Secp256k1Recover_Ours(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        auto pk = recover(f.digest, f.sig);
        benchmark::DoNotOptimize(pk);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Secp256k1Recover_Ours);

void BM_Secp256k1Recover_Raw(benchmark::State& state) {
    const Fixture& f = fixture();
    // A context like ours: created for signing and verification, then randomized.
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    unsigned char seed[32] = {1};
    HYPASIS_ASSERT(secp256k1_context_randomize(ctx, seed) == 1);
    for (auto _ : state) {
        secp256k1_ecdsa_recoverable_signature sig;
        secp256k1_pubkey pk;
        unsigned char out[65];
        size_t len = sizeof(out);
        const int ok =
            secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, f.sig.rs.data(), f.sig.recovery_id) &&
            secp256k1_ecdsa_recover(ctx, &pk, &sig, f.digest.data()) &&
            secp256k1_ec_pubkey_serialize(ctx, out, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(out);
    }
    secp256k1_context_destroy(ctx);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Secp256k1Recover_Raw);

// The full sender derivation: recovery plus keccak of the key.
void BM_Secp256k1RecoverAddress_Ours(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        auto a = recover_address(f.digest, f.sig);
        benchmark::DoNotOptimize(a);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Secp256k1RecoverAddress_Ours);

}  // namespace
}  // namespace hypasis::crypto
