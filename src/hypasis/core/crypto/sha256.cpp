#include "hypasis/core/crypto/sha256.hpp"

#include <openssl/evp.h>

#include <cstring>

#include "hypasis/core/common/assert.hpp"

namespace hypasis::crypto {
namespace {

// Fetched once. An EVP_MD is immutable after fetching and OpenSSL documents it as safe to share between
// threads. It is never freed: it lives as long as the process, and freeing it from a static destructor could
// race OpenSSL's own atexit cleanup.
const EVP_MD* sha256_md() noexcept {
    static const EVP_MD* md = [] {
        const EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        HYPASIS_ASSERT(m != nullptr);
        return m;
    }();
    return md;
}

void init(EVP_MD_CTX* ctx) noexcept { HYPASIS_ASSERT(EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) == 1); }

void absorb(EVP_MD_CTX* ctx, ByteView data) noexcept {
    HYPASIS_ASSERT(EVP_DigestUpdate(ctx, data.data(), data.size()) == 1);
}

Hash squeeze(EVP_MD_CTX* ctx) noexcept {
    Hash out;
    unsigned int len = 0;
    HYPASIS_ASSERT(EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == out.size());
    return out;
}

// The per-thread context behind the one-shot functions. Re-initializing a context with the same, already fetched
// EVP_MD skips the algorithm lookup that makes OpenSSL's SHA256() slow.
EVP_MD_CTX* thread_context() noexcept {
    struct Holder {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        Holder() noexcept { HYPASIS_ASSERT(ctx != nullptr); }
        Holder(const Holder&) = delete;
        Holder& operator=(const Holder&) = delete;
        ~Holder() { EVP_MD_CTX_free(ctx); }
    };
    thread_local Holder holder;
    return holder.ctx;
}

}  // namespace

Hash sha256(ByteView data) noexcept {
    EVP_MD_CTX* ctx = thread_context();
    init(ctx);
    absorb(ctx, data);
    return squeeze(ctx);
}

Hash sha256_pair(const Hash& left, const Hash& right) noexcept {
    // One 64-byte update rather than two 32-byte ones: the provider then hashes the first block straight from
    // our buffer instead of staging each half in its own.
    uint8_t both[64];
    std::memcpy(both, left.data(), 32);
    std::memcpy(both + 32, right.data(), 32);
    return sha256(ByteView(both, sizeof(both)));
}

void Sha256::Free::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() noexcept : ctx_(EVP_MD_CTX_new()) {
    HYPASIS_ASSERT(ctx_ != nullptr);
    init(ctx_.get());
}

Sha256::~Sha256() = default;

Sha256::Sha256(const Sha256& other) noexcept : ctx_(EVP_MD_CTX_new()) {
    HYPASIS_ASSERT(ctx_ != nullptr && other.ctx_ != nullptr);
    HYPASIS_ASSERT(EVP_MD_CTX_copy_ex(ctx_.get(), other.ctx_.get()) == 1);
}

Sha256& Sha256::operator=(const Sha256& other) noexcept {
    if (this != &other) *this = Sha256(other);
    return *this;
}

void Sha256::update(ByteView data) noexcept { absorb(ctx_.get(), data); }

Hash Sha256::finalize() noexcept {
    const Hash out = squeeze(ctx_.get());
    init(ctx_.get());
    return out;
}

}  // namespace hypasis::crypto
