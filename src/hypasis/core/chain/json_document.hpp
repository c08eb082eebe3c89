#pragma once
/// Internal to the chain module: a small JSON tree that keeps every number as the exact text of its literal.
///
/// Why not boost::json::value: in Boost 1.81 a number beyond 64 bits becomes a double, and a genesis.json holds
/// 256-bit numbers as bare literals (terminalTotalDifficulty = 58750000000000000000000 on mainnet). Parsing with
/// boost::json::basic_parser and our own handler keeps the digits; geth's rules for each field are then applied
/// to the text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hypasis::chain::detail {

/// One JSON value. Objects keep their members in document order, duplicates included.
struct JsonValue {
    enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

    Kind kind{Kind::kNull};
    bool boolean{false};
    std::string text;               ///< kNumber: the literal as written; kString: the decoded string.
    std::vector<JsonValue> items;   ///< kArray: the elements; kObject: the member values.
    std::vector<std::string> keys;  ///< kObject: the member names, parallel to `items`.

    bool is_null() const noexcept { return kind == Kind::kNull; }
    bool is_object() const noexcept { return kind == Kind::kObject; }

    /// The value of member `key` of an object, the last one when the key repeats (as Go's encoding/json and
    /// JSON.parse resolve duplicates). nullptr when absent or when this is not an object.
    const JsonValue* find(std::string_view key) const noexcept;
};

/// Parses a whole JSON text (RFC 8259, UTF-8 checked, nesting at most 64 deep, nothing but whitespace after the
/// value). nullopt on any error. Throws only std::bad_alloc.
std::optional<JsonValue> parse_json(std::string_view text);

}  // namespace hypasis::chain::detail
