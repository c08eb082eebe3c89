#pragma once
/// GET /: a self-contained HTML dashboard (inline CSS and script, no external assets, so it works offline and
/// under a strict Content-Security-Policy) that polls /api/v1/status and /api/v1/gaps every two seconds and draws
/// the forward and backward progress bars with rates and ETAs, the tip lag, the peers, and a gap map: one bar
/// across [history limit, tip] per data kind with each gap drawn where it lies.
#include <string_view>

namespace hypasis::serve {

/// The page. A static string: no allocation, no failure.
std::string_view dashboard_html() noexcept;

/// The Content-Security-Policy sent with it: nothing may load from anywhere; only the inline script and style
/// run, and the script may fetch from this origin.
inline constexpr std::string_view kDashboardCsp =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";

}  // namespace hypasis::serve
