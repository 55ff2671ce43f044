// Open Space Board — the node's maintenance subcommands, run by systemd timers on the node
// machine: `openspace-node backup --config node.toml` (an online backup with the SQLite backup
// API, keeping the last N) and `openspace-node morning-reset --config node.toml` (back up, then
// reset today's claims into the archive, only when [reset] auto = true), and
// `openspace-node import-claims --config node.toml FILE.json [--allow-past]` (claims put on the
// board through the board store with the API's rules: planned sessions, paper fallback, sample data),
// and `openspace-node restore --config node.toml BACKUP.db` (a backup back in place, new epoch).
// backup of a board in PostgreSQL ([store] postgres) runs pg_dump (a .dump beside the .db
// backups); restore copies SQLite files only (pg_restore brings a .dump back); morning-reset and
// import-claims work on either store.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace osb {

// Returns the exit code, or -1 when argv[1] is not a maintenance subcommand.
int run_maintenance_subcommand(int argc, char** argv);

// [SECTION] Building blocks (also used by tests)

// "node-YYYYMMDD-HHMMSS.db" for the UTC instant t (UTC so names sort in time order across
// daylight-saving changes).
std::string backup_file_name(std::chrono::system_clock::time_point t);

// Backs the node's database up into cfg.backup_dir (created when missing) and deletes the
// oldest node-*.db backups beyond cfg.backup_keep. Returns the new backup's path. Throws
// StoreError when the database cannot be read or the backup cannot be written.
std::string backup_node_database(const NodeConfig& cfg, std::chrono::system_clock::time_point now);

struct RestoreResult {
  std::string epoch;  // the restored board's new epoch
  std::int64_t seq = 0;
  std::string kept;   // where the replaced database went ("" when there was none)
};

// `openspace-node restore`: with the node stopped, copies `backup` into cfg.database with a new
// epoch, keeping the replaced database (and its WAL) as <database>.before-restore-YYYYMMDD-HHMMSS.
// Throws StoreError (nothing changed) when the node still answers at its listen address, or the
// backup is missing, damaged or not a board database.
RestoreResult restore_node_database(const NodeConfig& cfg, const std::string& backup, std::chrono::system_clock::time_point now);

// The backups in `dir` (node-YYYYMMDD-HHMMSS.db), oldest first.
std::vector<std::string> list_backups(const std::string& dir);

}  // namespace osb
