#include "hypasis/core/chain/json_document.hpp"

#include <boost/json/basic_parser_impl.hpp>

namespace hypasis::chain::detail {
namespace {

namespace json = boost::json;

/// A boost::json::basic_parser handler that builds a JsonValue tree.
class TreeBuilder {
  public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    JsonValue root;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }

    bool on_array_begin(json::error_code&) {
        open(JsonValue::Kind::kArray);
        return true;
    }
    bool on_array_end(std::size_t, json::error_code&) {
        stack_.pop_back();
        return true;
    }
    bool on_object_begin(json::error_code&) {
        open(JsonValue::Kind::kObject);
        return true;
    }
    bool on_object_end(std::size_t, json::error_code&) {
        stack_.pop_back();
        return true;
    }

    bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code&) {
        part_.append(s.data(), s.size());
        JsonValue& v = add(JsonValue::Kind::kString);
        v.text = std::move(part_);
        part_.clear();
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code&) {
        key_.append(s.data(), s.size());
        return true;
    }

    bool on_number_part(json::string_view s, json::error_code&) {
        part_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(int64_t, json::string_view s, json::error_code&) { return number(s); }
    bool on_uint64(uint64_t, json::string_view s, json::error_code&) { return number(s); }
    bool on_double(double, json::string_view s, json::error_code&) { return number(s); }

    bool on_bool(bool b, json::error_code&) {
        add(JsonValue::Kind::kBool).boolean = b;
        return true;
    }
    bool on_null(json::error_code&) {
        add(JsonValue::Kind::kNull);
        return true;
    }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

  private:
    bool number(json::string_view s) {
        part_.append(s.data(), s.size());
        JsonValue& v = add(JsonValue::Kind::kNumber);
        v.text = std::move(part_);
        part_.clear();
        return true;
    }

    /// Adds a value in the current container (or as the root) and returns it.
    JsonValue& add(JsonValue::Kind kind) {
        JsonValue* slot = &root;
        if (!stack_.empty()) {
            JsonValue& parent = *stack_.back();
            if (parent.kind == JsonValue::Kind::kObject) {
                parent.keys.push_back(std::move(key_));
                key_.clear();
            }
            parent.items.emplace_back();
            slot = &parent.items.back();
        }
        slot->kind = kind;
        return *slot;
    }

    /// Adds a container and makes it current. The pointer stays valid: a container's parent receives no new
    /// element until the container is closed.
    void open(JsonValue::Kind kind) { stack_.push_back(&add(kind)); }

    std::vector<JsonValue*> stack_;
    std::string part_;
    std::string key_;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const noexcept {
    if (kind != Kind::kObject) return nullptr;
    for (std::size_t i = keys.size(); i-- > 0;) {
        if (keys[i] == key) return &items[i];
    }
    return nullptr;
}

std::optional<JsonValue> parse_json(std::string_view text) {
    json::parse_options opt;
    opt.max_depth = 64;
    json::basic_parser<TreeBuilder> parser(opt);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size()) return std::nullopt;
    return std::move(parser.handler().root);
}

}  // namespace hypasis::chain::detail
