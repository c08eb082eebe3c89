#pragma once
/// The bearer token that guards the REST API's write routes (POST /api/v1/sync/pause and /resume), and the
/// constant-time comparison the router uses.
///
/// The node keeps the token in `<datadir>/api-token` unless configured otherwise: load_or_create_token() reads it,
/// or creates it on first run with 32 random bytes (OpenSSL RAND_bytes) as 64 lower-case hex digits and mode
/// 0600, so that only the node's user (and whoever it hands the file to) can pause sync. Operators pass it as
/// `Authorization: Bearer <token>`.
#include <filesystem>
#include <string>
#include <string_view>

#include "hypasis/core/common/expected.hpp"

namespace hypasis::serve {

enum class [[nodiscard]] TokenErrc{
    kIo = 1,     ///< The file could not be read or created (detail has the path and the OS reason).
    kMalformed,  ///< The file exists but holds no usable token (empty, whitespace inside, under 16 or over
                 ///< 256 characters, or non-printable bytes).
};

std::string_view to_string(TokenErrc e) noexcept;

struct TokenError {
    TokenErrc code{TokenErrc::kIo};
    std::string detail;  ///< One clear line for the operator.
};

/// The detail line (it names the file and the reason).
std::string to_string(const TokenError& e);

/// The bytes of a new token: 32 random bytes as 64 lower-case hex digits. Aborts if OpenSSL's CSPRNG fails (an
/// environment failure). Throws only std::bad_alloc.
std::string generate_token();

/// The token in `path`, trimmed of surrounding whitespace; when the file does not exist, a generate_token() written
/// there first (created exclusively with mode 0600 and fsynced; a concurrent creator's file wins and is read
/// back). An existing file readable by group or others is used, with a warning in the log. Errors: TokenError.
/// Throws only std::bad_alloc.
Expected<std::string, TokenError> load_or_create_token(const std::filesystem::path& path);

/// True when `a` and `b` are equal, in time that depends only on their lengths (never on where they first differ),
/// so a client cannot find the token byte by byte from response times.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace hypasis::serve
