#include "hypasis/node/commands/commands.hpp"

#include "hypasis/node/commands/beacon_command.hpp"
#include "hypasis/node/commands/block_inspect.hpp"
#include "hypasis/node/commands/chain_info.hpp"
#include "hypasis/node/commands/checkpoint_commands.hpp"
#include "hypasis/node/commands/db_command.hpp"
#include "hypasis/node/commands/devnet_command.hpp"
#include "hypasis/node/commands/export_command.hpp"
#include "hypasis/node/commands/import_command.hpp"
#include "hypasis/node/commands/p2p_command.hpp"
#include "hypasis/node/commands/run_command.hpp"
#include "hypasis/node/commands/status_command.hpp"

namespace hypasis::node {

void register_commands(CLI::App& app, int& exit_code) {
    add_block_commands(app, exit_code);
    add_chain_commands(app, exit_code);
    add_import_command(app, exit_code);
    add_export_command(app, exit_code);
    add_db_commands(app, exit_code);
    add_run_command(app, exit_code);
    add_status_command(app, exit_code);
    add_devnet_command(app, exit_code);
    add_p2p_commands(app, exit_code);
    register_checkpoint_commands(app, exit_code);
    register_beacon_commands(app, exit_code);  // after: it joins the `checkpoint` group
}

}  // namespace hypasis::node
