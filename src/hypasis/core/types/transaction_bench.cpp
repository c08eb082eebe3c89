// Sender recovery cost: how much a transaction adds on top of the raw secp256k1 recovery.
//
// BM_TxnRecoverSender_Type2 is the full per-transaction path (signing hash: re-encode the unsigned fields and
// keccak them; then recover the key and hash it to an address). BM_SecpRecover_Precomputed is crypto::recover on a
// precomputed digest, the floor. Their ratio is the transaction-level overhead.
#include <benchmark/benchmark.h>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/core/types/transaction.hpp"

namespace hypasis {
namespace {

// A typical EIP-1559 ERC-20 transfer: 68 bytes of calldata, empty access list.
Transaction signed_type2() {
    Transaction t;
    t.type = TxnType::kDynamicFee;
    t.chain_id = 1;
    t.nonce = 4242;
    t.max_priority_fee_per_gas = U256{1'500'000'000};
    t.max_fee_per_gas = U256{40'000'000'000};
    t.gas_limit = 65'000;
    t.to = Address{};
    t.to->fill(0xa0);
    t.data = Bytes(68, 0x11);
    t.data[0] = 0xa9;
    crypto::SecretKey key;
    key.fill(0x42);
    (void)sign_transaction(t, key);
    return t;
}

void BM_TxnRecoverSender_Type2(benchmark::State& state) {
    const Transaction t = signed_type2();
    for (auto _ : state) {
        auto from = recover_sender(t);
        benchmark::DoNotOptimize(from);
    }
}
BENCHMARK(BM_TxnRecoverSender_Type2);

void BM_TxnSigningHash_Type2(benchmark::State& state) {
    const Transaction t = signed_type2();
    for (auto _ : state) benchmark::DoNotOptimize(signing_hash(t));
}
BENCHMARK(BM_TxnSigningHash_Type2);

crypto::RecoverableSignature signature_of(const Transaction& t) {
    crypto::RecoverableSignature sig;
    const auto r = t.r.to_be32();
    const auto s = t.s.to_be32();
    std::copy(r.begin(), r.end(), sig.rs.begin());
    std::copy(s.begin(), s.end(), sig.rs.begin() + 32);
    sig.recovery_id = t.y_parity;
    return sig;
}

void BM_SecpRecover_Precomputed(benchmark::State& state) {
    const Transaction t = signed_type2();
    const Hash digest = signing_hash(t);
    const auto sig = signature_of(t);
    for (auto _ : state) {
        auto key = crypto::recover(digest, sig);
        benchmark::DoNotOptimize(key);
    }
}
BENCHMARK(BM_SecpRecover_Precomputed);

void BM_SecpRecoverAddress_Precomputed(benchmark::State& state) {
    const Transaction t = signed_type2();
    const Hash digest = signing_hash(t);
    const auto sig = signature_of(t);
    for (auto _ : state) {
        auto a = crypto::recover_address(digest, sig);
        benchmark::DoNotOptimize(a);
    }
}
BENCHMARK(BM_SecpRecoverAddress_Precomputed);

void BM_TxnDecode_Type2(benchmark::State& state) {
    const Transaction t = signed_type2();
    for (auto _ : state) {
        auto d = decode_transaction(t.encoded);
        benchmark::DoNotOptimize(d);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * t.encoded.size()));
}
BENCHMARK(BM_TxnDecode_Type2);

}  // namespace
}  // namespace hypasis
