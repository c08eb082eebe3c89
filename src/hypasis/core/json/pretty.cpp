#include "hypasis/core/json/pretty.hpp"

#include <boost/json/serialize.hpp>

namespace hypasis::json {
namespace {

void newline(std::string& out, int indent, int depth) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

// Recursion depth is the value's nesting depth, which Boost.JSON's parser bounds (64 by default) and which
// encoders in this module keep below ten.
void write(std::string& out, const boost::json::value& v, int indent, int depth) {
    if (const auto* obj = v.if_object()) {
        if (obj->empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& kv : *obj) {
            if (!first) out += ',';
            first = false;
            newline(out, indent, depth + 1);
            out += boost::json::serialize(boost::json::value(kv.key()));
            out += ": ";
            write(out, kv.value(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out += '}';
        return;
    }
    if (const auto* arr = v.if_array()) {
        if (arr->empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const auto& element : *arr) {
            if (!first) out += ',';
            first = false;
            newline(out, indent, depth + 1);
            write(out, element, indent, depth + 1);
        }
        newline(out, indent, depth);
        out += ']';
        return;
    }
    out += boost::json::serialize(v);
}

}  // namespace

std::string serialize_pretty(const boost::json::value& v, int indent) {
    std::string out;
    write(out, v, indent < 0 ? 0 : indent, 0);
    return out;
}

}  // namespace hypasis::json
