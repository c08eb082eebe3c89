#include "hypasis/serve/error.hpp"

#include <string>

namespace hypasis::serve {

std::string_view to_string(ServeError e) noexcept {
    switch (e) {
        case ServeError::kBadAddress:
            return "not an IP address";
        case ServeError::kAlreadyStarted:
            return "server already started";
        case ServeError::kBadUrl:
            return "not an http://HOST:PORT URL";
        case ServeError::kTimeout:
            return "timed out";
        case ServeError::kUnreachable:
            return "unreachable";
        case ServeError::kResponseTooLarge:
            return "response too large";
        case ServeError::kBadResponse:
            return "malformed HTTP response";
        case ServeError::kHttpStatus:
            return "unexpected HTTP status";
        case ServeError::kBadJson:
            return "malformed JSON response";
    }
    return "unknown serve error";
}

namespace {

class ServeCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "serve"; }
    std::string message(int value) const override { return std::string(to_string(static_cast<ServeError>(value))); }
};

}  // namespace

const std::error_category& serve_category() noexcept {
    static const ServeCategory category;
    return category;
}

std::error_code make_error_code(ServeError e) noexcept { return {static_cast<int>(e), serve_category()}; }

}  // namespace hypasis::serve
