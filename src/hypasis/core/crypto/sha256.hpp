#pragma once
/// SHA-256 (FIPS 180-4) over OpenSSL 3's EVP interface, as the beacon chain (SSZ hash_tree_root), BLS
/// hash-to-curve and EIP-2333 need it.
///
/// The `EVP_MD` is fetched once per process and each thread reuses one `EVP_MD_CTX` for the one-shot functions:
/// OpenSSL's own one-shot `SHA256()` looks the algorithm up on every call and is about 4x slower on 64-byte
/// inputs (README.md). OpenSSL failing to provide SHA-256 at all, or running out of memory, is not a data error:
/// it aborts through HYPASIS_ASSERT.
#include <memory>

#include "hypasis/core/common/bytes.hpp"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header.

namespace hypasis::crypto {

/// sha256(data). noexcept and thread-safe: each thread uses its own cached context, so concurrent calls from
/// different threads never share mutable state.
Hash sha256(ByteView data) noexcept;

/// sha256(left || right): one node of an SSZ Merkle tree (consensus specs, "Merkleization"). Same
/// thread-safety as sha256().
Hash sha256_pair(const Hash& left, const Hash& right) noexcept;

/// Incremental SHA-256: update() any number of times, then finalize().
///
/// Each object owns its own OpenSSL context (allocated by the constructor). Copying duplicates the context and
/// so forks the hash state; moving transfers it, and a moved-from object may only be assigned to or destroyed.
/// One object must not be used by two threads at once; distinct objects are independent.
class Sha256 {
  public:
    Sha256() noexcept;
    ~Sha256();
    Sha256(const Sha256& other) noexcept;
    Sha256& operator=(const Sha256& other) noexcept;
    Sha256(Sha256&&) noexcept = default;
    Sha256& operator=(Sha256&&) noexcept = default;

    /// Absorbs `data`.
    void update(ByteView data) noexcept;

    /// Returns the digest of everything absorbed since construction or the last finalize(), and starts a new,
    /// empty message.
    Hash finalize() noexcept;

  private:
    struct Free {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

}  // namespace hypasis::crypto
