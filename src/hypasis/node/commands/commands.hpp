#pragma once
/// Registration of every `hypasis` subcommand. Each subcommand's callback runs the command and stores its
/// process exit code in `exit_code`; start-up and configuration failures throw std::runtime_error, which
/// main() prints as one clear line.
#include <CLI/CLI.hpp>

namespace hypasis::node {

void register_commands(CLI::App& app, int& exit_code);

}  // namespace hypasis::node
