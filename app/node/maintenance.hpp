// Open Space Board — the node's maintenance subcommands, run by systemd timers on the node
// machine: `openspace-node backup --config node.toml` (an online backup with the SQLite backup
// API, keeping the last N) and `openspace-node morning-reset --config node.toml` (back up, then
// reset today's claims into the archive, only when [reset] auto = true).
#pragma once

namespace osb {

// Returns the exit code, or -1 when argv[1] is not a maintenance subcommand.
int run_maintenance_subcommand(int argc, char** argv);

}  // namespace osb
