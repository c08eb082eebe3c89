#pragma once
/// The async vocabulary shared by every p2p layer (STYLE.md, "Async").
///
/// - `Task<T>` is a Boost.Asio C++20 coroutine. Functions take an `Executor`, never an `io_context&`.
/// - On the packet path, coroutines await with `kUseTuple` (`as_tuple(use_awaitable)`) and inspect the error code,
///   instead of catching exceptions.
/// - Timeouts race the operation against a timer with `||` (awaitable_operators).
#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hypasis::p2p {

template <typename T = void>
using Task = boost::asio::awaitable<T>;

using Executor = boost::asio::any_io_executor;

/// Completion token for the packet path: yields `std::tuple<error_code, ...>` instead of throwing.
inline constexpr auto kUseTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

using Clock = std::chrono::steady_clock;

}  // namespace hypasis::p2p
