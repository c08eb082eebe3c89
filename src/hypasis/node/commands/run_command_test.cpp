#include "hypasis/node/commands/run_command.hpp"

#include <gtest/gtest.h>

#include <set>

namespace hypasis::node {
namespace {

// Every `run` option can be set in the config file, under the section its --help names: an option added without
// an entry could not be configured from the file (the map is written by hand next to the options).
TEST(RunCommand, EveryOptionHasItsConfigSection) {
    CLI::App app;
    int code = 0;
    add_run_command(app, code);
    CLI::App* run = app.get_subcommand("run");
    ASSERT_NE(run, nullptr);
    const auto& sections = run_config_sections();
    std::set<std::string> options;
    for (const CLI::Option* o : run->get_options()) {
        if (o->get_lnames().empty()) continue;
        const std::string name = o->get_lnames().front();
        if (name == "help" || name == "config" || o->get_group().empty()) continue;  // not settings / hidden
        options.insert(name);
        const auto it = sections.find(name);
        if (it == sections.end()) {
            ADD_FAILURE() << "--" << name << " has no config-file section";
            continue;
        }
        const std::string& help = o->get_description();
        if (!help.empty() && help.front() == '[') {
            EXPECT_EQ(help.substr(0, it->second.size() + 2), "[" + it->second + "]") << "--" << name;
        }
    }
    for (const auto& [name, section] : sections) {
        // As the config loader finds them (options in option groups, like --chain and --genesis, included).
        EXPECT_NE(run->get_option_no_throw("--" + name), nullptr)
            << name << " (in [" << section << "]) is not a run option";
    }
    EXPECT_GE(options.size(), 30u);
}

}  // namespace
}  // namespace hypasis::node
