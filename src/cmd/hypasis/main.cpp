// hypasis: thin entry point. Parses the command line and hands each subcommand to node/.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "hypasis/node/commands/commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Hypasis: sync middleware for Ethereum-family chains"};
    app.require_subcommand(1);
    app.set_version_flag("--version", HYPASIS_VERSION);
    int exit_code = 0;
    hypasis::node::register_commands(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hypasis: %s\n", e.what());
        return 1;
    }
    return exit_code;
}
