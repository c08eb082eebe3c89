#include "hypasis/test_util/fixtures.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hypasis::test {

std::optional<std::filesystem::path> fixtures_dir() {
    std::filesystem::path dir;
    if (const char* env = std::getenv("HYPASIS_FIXTURES"); env != nullptr && *env != '\0') {
        dir = env;
    } else {
        dir = std::filesystem::path(HYPASIS_SOURCE_DIR) / ".." / "shared" / "fixtures";
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
    return dir;
}

std::optional<std::filesystem::path> fixture(const std::string& relative, std::string& why) {
    auto dir = fixtures_dir();
    if (!dir) {
        why = "fixtures folder not found (set HYPASIS_FIXTURES or place shared/fixtures beside the checkout)";
        return std::nullopt;
    }
    auto p = *dir / relative;
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) {
        why = "missing " + p.string();
        return std::nullopt;
    }
    return p;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + p.string());
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

boost::json::value read_json(const std::filesystem::path& p) { return boost::json::parse(read_file(p)); }

std::map<std::string, std::string> read_flat_yaml(const std::filesystem::path& p) {
    std::map<std::string, std::string> out;
    std::istringstream in(read_file(p));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == ' ' || line[0] == '#' || line[0] == '-') continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '"' || value.front() == '\'')) {
            value.erase(value.begin());
        }
        while (!value.empty() && (value.back() == ' ' || value.back() == '"' || value.back() == '\'' ||
                                  value.back() == '\r')) {
            value.pop_back();
        }
        out[key] = value;
    }
    return out;
}

}  // namespace hypasis::test
