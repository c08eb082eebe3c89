// RLPx framing throughput (AES-256-CTR + keccak MACs, with and without snappy) and the full handshake (ECIES both
// ways, signature, recovery, ECDH), to compare with this machine's limits (ENVIRONMENT-NOTES.md).
#include <benchmark/benchmark.h>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/rlpx/ecies.hpp"
#include "hypasis/p2p/rlpx/frame.hpp"
#include "hypasis/p2p/rlpx/handshake.hpp"
#include "hypasis/p2p/rlpx/protocol.hpp"
#include "hypasis/p2p/rlpx/scripted_random.hpp"

namespace hypasis::p2p::rlpx {
namespace {

struct Sessions {
    Secrets a, b;
    Sessions() {
        Hash eph{}, ni{}, nr{};
        eph.fill(0x11);
        ni.fill(0x22);
        nr.fill(0x33);
        a = derive_secrets(true, eph, ni, nr, {}, {}, crypto::PublicKey{});
        b = derive_secrets(false, eph, ni, nr, {}, {}, crypto::PublicKey{});
    }
};

// A BlockHeaders-like payload: RLP list of post-London pseudo-headers (random hashes, sparse bloom, small
// integers), about as compressible as real ones (hashes are incompressible, blooms and constants are not).
Bytes pseudo_headers(std::size_t target_bytes) {
    const auto rng = scripted_random({}, 77);
    Bytes list;
    Hash parent{};
    rng(parent);
    for (uint64_t n = 18'000'000; list.size() < target_bytes; ++n) {
        Bytes h;
        auto random_hash = [&] {
            Hash x{};
            rng(x);
            rlp::encode_fixed(h, x);
        };
        rlp::encode_fixed(h, parent);
        Hash ommers{};
        ommers.fill(0x1d);
        rlp::encode_fixed(h, ommers);
        Address coinbase{};
        coinbase.fill(static_cast<uint8_t>(n % 5));
        rlp::encode_fixed(h, coinbase);
        random_hash();  // state root
        random_hash();  // transactions root
        random_hash();  // receipts root
        Bloom bloom{};
        FixedBytes<8> bits{};
        rng(bits);
        for (uint8_t b : bits) bloom[b] = 0x40;
        rlp::encode_fixed(h, bloom);
        rlp::encode_u64(h, 0);  // difficulty
        rlp::encode_u64(h, n);
        rlp::encode_u64(h, 30'000'000);
        rlp::encode_u64(h, 12'000'000 + n % 1'000'000);
        rlp::encode_u64(h, 1'700'000'000 + n * 12);
        rlp::encode_string(h, as_bytes("builder0x69"));
        random_hash();  // mix hash
        rlp::encode_fixed(h, FixedBytes<8>{});
        rlp::encode_u64(h, 7'000'000'000 + n);
        Bytes header;
        rlp::encode_list(header, h);
        parent = crypto::keccak256(header);
        list.insert(list.end(), header.begin(), header.end());
    }
    return rlp::wrap_list(list);
}

Bytes random_payload(std::size_t n) {
    Bytes b(n);
    scripted_random({}, 78)(b);
    return b;
}

// Seal: snappy (optional) + encrypt + MAC of one message.
void BM_RlpxSeal(benchmark::State& state, bool snappy, bool headers) {
    const Sessions s;
    FrameEncoder enc(s.a);
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    const Bytes payload = headers ? pseudo_headers(n) : random_payload(n);
    Bytes wire, scratch;
    for (auto _ : state) {
        wire.clear();
        HYPASIS_ASSERT(encode_message(enc, 0x14, payload, snappy, kMaxMessageSize, scratch, wire).has_value());
        benchmark::DoNotOptimize(wire.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
    state.counters["wire_ratio"] = static_cast<double>(wire.size()) / static_cast<double>(payload.size());
}

// Open: verify MACs + decrypt + snappy (optional) of one message. Frames are sealed outside the timed region.
void BM_RlpxOpen(benchmark::State& state, bool snappy, bool headers) {
    const Sessions s;
    FrameEncoder enc(s.a);
    FrameDecoder dec(s.b);
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    const Bytes payload = headers ? pseudo_headers(n) : random_payload(n);
    Bytes wire, scratch;
    for (auto _ : state) {
        state.PauseTiming();
        wire.clear();
        HYPASIS_ASSERT(encode_message(enc, 0x14, payload, snappy, kMaxMessageSize, scratch, wire).has_value());
        state.ResumeTiming();
        auto size = dec.decode_header(ByteView{wire}.first(kFrameHeaderSize));
        HYPASIS_ASSERT(size.has_value());
        auto frame = dec.decode_body({wire.data() + kFrameHeaderSize, wire.size() - kFrameHeaderSize}, *size);
        HYPASIS_ASSERT(frame.has_value());
        auto msg = decode_message(*frame, snappy);
        HYPASIS_ASSERT(msg.has_value() && msg->payload.size() == payload.size());
        benchmark::DoNotOptimize(msg->payload.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
}

BENCHMARK_CAPTURE(BM_RlpxSeal, plain_random, false, false)->Arg(16 << 10)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_RlpxOpen, plain_random, false, false)->Arg(16 << 10)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_RlpxSeal, snappy_headers, true, true)->Arg(16 << 10)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_RlpxOpen, snappy_headers, true, true)->Arg(16 << 10)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_RlpxSeal, plain_headers, false, true)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_RlpxOpen, plain_headers, false, true)->Arg(1 << 20);

// One whole handshake: initiator auth, recipient auth processing and ack, initiator ack processing (EIP-8).
void BM_RlpxHandshake(benchmark::State& state) {
    const auto key_i = generate_secret_key(scripted_random({}, 81));
    const auto key_r = generate_secret_key(scripted_random({}, 82));
    const auto pub_r = crypto::public_key(key_r).value();
    const RandomSource rng = system_random();
    for (auto _ : state) {
        Initiator init(key_i, pub_r, rng);
        Recipient rec(key_r, rng);
        const Bytes auth = init.auth().value();
        HYPASIS_ASSERT(rec.receive_auth(auth).value().complete);
        const Bytes ack = rec.ack().value();
        HYPASIS_ASSERT(init.receive_ack(ack).value().complete);
        benchmark::DoNotOptimize(init.secrets().aes);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RlpxHandshake);

}  // namespace
}  // namespace hypasis::p2p::rlpx
