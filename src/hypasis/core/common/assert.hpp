#pragma once
/// HYPASIS_ASSERT checks an internal invariant and aborts loudly when it is broken. It stays on in release
/// builds. Never use it on data from a peer, a file or a request: such data gets a typed error instead.
#include <cstdio>
#include <cstdlib>

namespace hypasis::detail {
[[noreturn]] inline void assert_failed(const char* expr, const char* file, int line) noexcept {
    std::fprintf(stderr, "hypasis: invariant broken: %s at %s:%d\n", expr, file, line);
    std::abort();
}
}  // namespace hypasis::detail

#define HYPASIS_ASSERT(expr) \
    ((expr) ? static_cast<void>(0) : ::hypasis::detail::assert_failed(#expr, __FILE__, __LINE__))
