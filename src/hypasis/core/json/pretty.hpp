#pragma once
/// Indented JSON text for people (CLI output). Boost.JSON 1.81 only writes compact text; machines read that
/// form (boost::json::serialize), and this one is for a terminal.
#include <string>

#include <boost/json/value.hpp>

namespace hypasis::json {

/// `v` as JSON text with each object member and array element on its own line, indented by `indent` spaces
/// per level; empty objects and arrays stay "{}" and "[]". Strings and numbers are written exactly as
/// boost::json::serialize writes them, so parsing the result gives back `v`. No trailing newline.
/// Throws only std::bad_alloc. Thread-safe.
std::string serialize_pretty(const boost::json::value& v, int indent = 2);

}  // namespace hypasis::json
