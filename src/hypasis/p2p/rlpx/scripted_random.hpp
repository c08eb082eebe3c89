#pragma once
/// A deterministic RandomSource for tests, fuzz targets and benchmarks: it first hands out the byte strings it was
/// given (each draw takes the next script entry whole when the sizes match), then an xorshift64* stream from a
/// seed. Never use it for real sessions.
#include <cstdint>
#include <deque>
#include <memory>
#include <span>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/p2p/rlpx/random.hpp"

namespace hypasis::p2p::rlpx {

/// Builds the source. `script` entries are served in order to draws of exactly their size; a draw of another
/// size, or any draw after the script is used up, comes from the seeded stream. Copies of the returned source
/// share one state. Not thread-safe.
inline RandomSource scripted_random(std::deque<Bytes> script, uint64_t seed = 0x9e3779b97f4a7c15ULL) {
    struct State {
        std::deque<Bytes> script;
        uint64_t x;
    };
    // splitmix64 of the seed: distinct seeds give distinct, never-zero xorshift states.
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    auto state = std::make_shared<State>(State{std::move(script), z == 0 ? 1 : z});
    return [state](std::span<uint8_t> out) {
        if (!state->script.empty() && state->script.front().size() == out.size()) {
            std::copy(state->script.front().begin(), state->script.front().end(), out.begin());
            state->script.pop_front();
            return;
        }
        for (uint8_t& b : out) {
            state->x ^= state->x >> 12;
            state->x ^= state->x << 25;
            state->x ^= state->x >> 27;
            b = static_cast<uint8_t>((state->x * 0x2545f4914f6cdd1dULL) >> 56);
        }
    };
}

}  // namespace hypasis::p2p::rlpx
