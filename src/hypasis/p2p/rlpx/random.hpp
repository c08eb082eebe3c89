#pragma once
/// The randomness behind the RLPx handshake (ephemeral keys, nonces, ECIES IVs, EIP-8 padding), injectable so that
/// tests and fuzz targets can fix it.
#include <cstdint>
#include <functional>
#include <span>

namespace hypasis::p2p::rlpx {

/// Fills its argument with random bytes. A source must never fail: a system source that cannot produce
/// randomness aborts (that is an environment failure, not bad input). Copies share nothing unless the callable
/// itself does; a source is called only from the object it was given to.
using RandomSource = std::function<void(std::span<uint8_t>)>;

/// OpenSSL's RAND_bytes (a CSPRNG). Thread-safe. Aborts through HYPASIS_ASSERT if OpenSSL reports a failure.
RandomSource system_random();

}  // namespace hypasis::p2p::rlpx
