#pragma once
/// Errors of the serve layer (the REST API server, its token file and its client), carried in std::error_code
/// through their own category (STYLE.md, "Errors"). Socket errors of Asio travel unchanged in their own category.
#include <string_view>
#include <system_error>

namespace hypasis::serve {

enum class [[nodiscard]] ServeError{
    kBadAddress = 1,    ///< RestServerOptions::address is not an IP address.
    kAlreadyStarted,    ///< RestServer::start() called twice.
    kBadUrl,            ///< An API URL that is not http://HOST:PORT[/] (the client).
    kTimeout,           ///< The client's deadline passed (resolve, connect, write or read).
    kUnreachable,       ///< The client could not resolve or connect.
    kResponseTooLarge,  ///< A response above the client's cap.
    kBadResponse,       ///< A response the client could not parse as HTTP.
    kHttpStatus,        ///< A response whose status was not 200 (the body is kept for the message).
    kBadJson,           ///< A 200 response whose body is not the JSON expected.
};

/// A short, stable, human-readable name ("timed out", ...).
std::string_view to_string(ServeError e) noexcept;

/// The category of ServeError inside std::error_code (name "serve").
const std::error_category& serve_category() noexcept;
std::error_code make_error_code(ServeError e) noexcept;

}  // namespace hypasis::serve

template <>
struct std::is_error_code_enum<hypasis::serve::ServeError> : std::true_type {};
