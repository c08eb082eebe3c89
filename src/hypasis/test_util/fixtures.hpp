#pragma once
/// Access to the real-data fixtures in ../shared/fixtures (never copied into the project).
///
/// Tests call HYPASIS_FIXTURE_OR_SKIP(path_var, "relative/path") which skips the test with a clear message
/// when the fixtures folder (or that file) is absent.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <boost/json.hpp>

namespace hypasis::test {

/// The fixtures folder: $HYPASIS_FIXTURES if set, else <source>/../shared/fixtures. nullopt if absent.
std::optional<std::filesystem::path> fixtures_dir();

/// Full path of a fixture file, or nullopt with the reason in `why` when it is absent.
std::optional<std::filesystem::path> fixture(const std::string& relative, std::string& why);

/// Reads a whole file; throws std::runtime_error when it cannot (a test failure, not a skip).
std::string read_file(const std::filesystem::path& p);
boost::json::value read_json(const std::filesystem::path& p);
/// Reads the top-level `key: value` lines of a simple YAML file (the portal-spec-tests block data), stripping
/// surrounding quotes. Nested structure is ignored.
std::map<std::string, std::string> read_flat_yaml(const std::filesystem::path& p);

}  // namespace hypasis::test

#define HYPASIS_FIXTURE_OR_SKIP(var, relative)                                          \
    std::filesystem::path var;                                                          \
    do {                                                                                \
        std::string why_;                                                               \
        auto found_ = ::hypasis::test::fixture(relative, why_);                         \
        if (!found_) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why_; \
        var = *found_;                                                                  \
    } while (0)
