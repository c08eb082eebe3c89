#include "hypasis/node/commands/run_config.hpp"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace hypasis::node {
namespace {

/// A scalar TOML value as text, or nullopt for tables, arrays and dates.
std::optional<std::string> scalar_text(const toml::node& n) {
    if (const auto* s = n.as_string()) return s->get();
    if (const auto* i = n.as_integer()) return std::to_string(i->get());
    if (const auto* f = n.as_floating_point()) {
        std::ostringstream os;
        os.precision(17);
        os << f->get();
        return os.str();
    }
    if (const auto* b = n.as_boolean()) return std::string(b->get() ? "true" : "false");
    return std::nullopt;
}

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

Expected<ConfigEntry, std::string> entry_of(const std::string& section, const std::string& key, const toml::node& n,
                                            const std::string& path) {
    ConfigEntry e{section, key, {}, line_of(n)};
    const auto where = path + ":" + std::to_string(e.line) + ": " + (section.empty() ? "" : section + ".") + key;
    if (const auto* arr = n.as_array()) {
        for (const auto& item : *arr) {
            auto text = scalar_text(item);
            if (!text) return unexpected(where + ": an array may hold only strings, numbers and booleans");
            e.values.push_back(std::move(*text));
        }
        return e;
    }
    auto text = scalar_text(n);
    if (!text) return unexpected(where + ": unsupported value (use a string, number, boolean or array)");
    e.values.push_back(std::move(*text));
    return e;
}

}  // namespace

Expected<std::vector<ConfigEntry>, std::string> read_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected("cannot read the config file " + path);
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxConfigFileBytes) {
            return unexpected("the config file " + path + " is larger than " + std::to_string(kMaxConfigFileBytes) +
                              " bytes");
        }
    }
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        return unexpected(path + ":" + std::to_string(e.source().begin.line) + ":" +
                          std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
    }
    std::vector<ConfigEntry> out;
    for (const auto& [k, v] : root) {
        const std::string key(k.str());
        if (const auto* table = v.as_table()) {
            for (const auto& [k2, v2] : *table) {
                if (v2.is_table() || (v2.is_array() && v2.as_array()->is_array_of_tables())) {
                    return unexpected(path + ":" + std::to_string(line_of(v2)) + ": " + key + "." +
                                      std::string(k2.str()) + ": tables nest only one level ([section] key = value)");
                }
                auto e = entry_of(key, std::string(k2.str()), v2, path);
                if (!e) return unexpected(e.error());
                out.push_back(std::move(*e));
            }
            continue;
        }
        auto e = entry_of("", key, v, path);
        if (!e) return unexpected(e.error());
        out.push_back(std::move(*e));
    }
    return out;
}

Expected<void, std::string> apply_config(CLI::App& cmd, const std::vector<ConfigEntry>& entries,
                                         const std::map<std::string, std::string>& sections, const std::string& path) {
    for (const auto& e : entries) {
        const std::string where = path + ":" + std::to_string(e.line) + ": " +
                                  (e.section.empty() ? "" : e.section + ".") + e.key;
        const auto known = sections.find(e.key);
        CLI::Option* opt = known == sections.end() ? nullptr : cmd.get_option_no_throw("--" + e.key);
        if (opt == nullptr) return unexpected(where + ": unknown key (run --help lists every option)");
        if (known->second != e.section) {
            return unexpected(where + ": `" + e.key + "` belongs in " +
                              (known->second.empty() ? std::string("the top level") : "[" + known->second + "]"));
        }
        if (opt->count() > 0) continue;  // the command line wins
        if (e.values.size() > 1 && opt->get_expected_max() <= 1) {
            return unexpected(where + ": takes one value, not an array");
        }
        try {
            if (opt->get_type_size() == 0) {
                // A flag: true sets it, false leaves it unset.
                if (e.values.size() != 1 || (e.values[0] != "true" && e.values[0] != "false")) {
                    return unexpected(where + ": takes true or false");
                }
                if (e.values[0] == "false") continue;
                opt->add_result(std::string("true"));
            } else {
                for (const auto& v : e.values) opt->add_result(v);
            }
            opt->run_callback();
        } catch (const CLI::Error& err) {
            return unexpected(where + ": " + err.what());
        }
    }
    return {};
}

}  // namespace hypasis::node
