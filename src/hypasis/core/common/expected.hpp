#pragma once
/// The project's result type. `tl::expected` (libexpected-dev) stands in for `std::expected`, which clang 14 cannot
/// use with libstdc++ 12; switching to `std::expected` later changes only this header.
#include <tl/expected.hpp>

namespace hypasis {

template <class T, class E>
using Expected = tl::expected<T, E>;

template <class E>
using Unexpected = tl::unexpected<E>;

/// Shorthand for returning an error: `return unexpected(DecodingError::kInputTooShort);`.
template <class E>
constexpr Unexpected<std::decay_t<E>> unexpected(E&& e) {
    return Unexpected<std::decay_t<E>>(std::forward<E>(e));
}

}  // namespace hypasis
