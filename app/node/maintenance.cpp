// Open Space Board — `openspace-node backup` and `openspace-node morning-reset`.
//
// [SECTION] Backups
// [SECTION] Restore
// [SECTION] Arguments
// [SECTION] Subcommands
// [SECTION] import-claims
//
// Both work on the database file directly, while the node may be running: SQLite WAL lets the
// backup read a consistent snapshot, and the reset is one IMMEDIATE transaction that waits on
// busy_timeout behind the node's writers. The reset takes a seq like any change, so kiosks and
// web pages learn of it through the change log. Restore is the exception: it wants the node
// stopped, and refuses while something answers at the listen address.
#include "node/maintenance.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/time.hpp"
#include "codec/codec.hpp"
#include "store/board_store.hpp"
#include "store/node_store.hpp"
#include "store/sqlite.hpp"

extern char** environ;

namespace osb {

namespace fs = std::filesystem;

// [SECTION] Backups

std::string backup_file_name(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "node-%Y%m%d-%H%M%S.db", &tm);
  return buf;
}

namespace {
bool is_backup_name(const std::string& n) {
  // node-YYYYMMDD-HHMMSS.db (SQLite) or node-YYYYMMDD-HHMMSS.dump (pg_dump, custom format)
  const bool db = n.size() == 23 && n.substr(20) == ".db", dump = n.size() == 25 && n.substr(20) == ".dump";
  if (!(db || dump) || n.rfind("node-", 0) != 0 || n[13] != '-') return false;
  for (std::size_t i : {5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19})
    if (n[i] < '0' || n[i] > '9') return false;
  return true;
}
}  // namespace

std::vector<std::string> list_backups(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && is_backup_name(e.path().filename().string())) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());  // the names sort in time order
  return out;
}

// A restore copies the SQLite file; a board in PostgreSQL is restored with pg_restore
// (docs/deploy.md "A standby node").
static void refuse_postgres(const NodeConfig& cfg, const char* what) {
  if (!cfg.postgres.empty())
    throw StoreError(0, std::string("the board is in PostgreSQL ([store] postgres in ") + cfg.file + "): " + what +
                            " works on the SQLite file only; restore a .dump with pg_restore (docs/deploy.md)");
}

namespace {

// pg_dump of the board's database in custom format into `file` (from PATH; the conninfo is one
// argument, never through a shell). Throws StoreError with pg_dump's own message.
void pg_dump_to(const std::string& conninfo, const std::string& file) {
  const std::string err_file = file + ".err";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args = {"pg_dump", "--format=custom", "--no-password", "--file", file, "--dbname", conninfo};
  std::vector<char*> argv;
  for (auto& x : args) argv.push_back(x.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "pg_dump", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  std::error_code ec;
  if (rc != 0) {
    fs::remove(err_file, ec);
    throw StoreError(0, "cannot run pg_dump (install postgresql-client-15): " + std::string(std::strerror(rc)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::ifstream in(err_file);
  std::string why((std::istreambuf_iterator<char>(in)), {});
  fs::remove(err_file, ec);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw StoreError(0, "pg_dump failed" + (why.empty() ? std::string() : ": " + why), StoreError::Kind::Unavailable);
}

}  // namespace

std::string backup_node_database(const NodeConfig& cfg, std::chrono::system_clock::time_point now) {
  const bool pg = !cfg.postgres.empty();
  if (!pg && !fs::exists(cfg.database)) throw StoreError(0, "the database " + cfg.database + " does not exist yet (start the node once)");
  std::error_code ec;
  fs::create_directories(cfg.backup_dir, ec);
  if (ec) throw StoreError(0, "cannot create the backup folder " + cfg.backup_dir + ": " + ec.message());

  std::string name = backup_file_name(now);
  if (pg) name = name.substr(0, name.size() - 3) + ".dump";
  const fs::path dest = fs::path(cfg.backup_dir) / name;
  // Written under a temporary name and renamed, so a half-written file never looks like a backup.
  const fs::path partial = dest.string() + ".partial";
  fs::remove(partial, ec);
  if (pg) {
    // A consistent snapshot of the PostgreSQL board (pg_dump reads in one transaction). Its epoch
    // is the live one: a restore must give the board a new one (docs/deploy.md).
    try {
      pg_dump_to(cfg.postgres, partial.string());
    } catch (...) {
      fs::remove(partial, ec);
      throw;
    }
  } else {
    {
      Database src(cfg.database, /*create=*/false);
      backup_database(src, partial.string());
    }
    // The copy gets its own epoch: should it ever be restored (even with a plain cp), every kiosk
    // that saw the board after the backup reloads it whole (contract §4.4).
    Database copy(partial.string(), /*create=*/false);
    write_new_epoch(copy);
  }
  fs::rename(partial, dest, ec);
  if (ec) throw StoreError(0, "cannot rename the backup to " + dest.string() + ": " + ec.message());

  auto backups = list_backups(cfg.backup_dir);
  const std::size_t keep = static_cast<std::size_t>(std::max(cfg.backup_keep, 1));
  for (std::size_t i = 0; i + keep < backups.size(); ++i) {
    fs::remove(backups[i], ec);
    // A backup opened by someone may have left its WAL files beside it.
    fs::remove(backups[i] + "-wal", ec);
    fs::remove(backups[i] + "-shm", ec);
  }
  return dest.string();
}

// [SECTION] Restore

namespace {

// True when something accepts connections at the node's listen address (the node still runs).
bool node_listening(const NodeConfig& cfg) {
  if (cfg.listen_port <= 0) return false;
  std::string host = cfg.listen_host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(cfg.listen_port).c_str(), &hints, &res) != 0) return false;
  bool up = false;
  for (addrinfo* a = res; a && !up; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    up = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return up;
}

}  // namespace

RestoreResult restore_node_database(const NodeConfig& cfg, const std::string& backup, std::chrono::system_clock::time_point now) {
  refuse_postgres(cfg, "openspace-node restore");
  std::error_code ec;
  if (!fs::is_regular_file(backup, ec)) throw StoreError(0, "the backup " + backup + " does not exist or is not a file");
  if (node_listening(cfg))
    throw StoreError(0, "the node still answers on " + cfg.listen_host + ":" + std::to_string(cfg.listen_port) +
                            "; stop it first (sudo systemctl stop openspace-node)");
  const fs::path db(cfg.database);
  if (!db.parent_path().empty()) fs::create_directories(db.parent_path(), ec);
  const fs::path restoring = db.string() + ".restoring";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(restoring.string() + suffix, ec);

  RestoreResult out;
  // Copied with the backup API (so a WAL beside the backup is included) into a new owner-only
  // file, checked, given a new epoch; the live file is touched only once all of that worked.
  try {
    {
      Database src(backup, /*create=*/false);
      backup_database(src, restoring.string());
    }
    Database copy(restoring.string(), /*create=*/false);
    {
      Statement check(copy, "PRAGMA quick_check");
      if (!check.step() || check.text(0) != "ok") throw StoreError(0, "the backup " + backup + " is damaged (quick_check failed)");
    }
    write_new_epoch(copy);
    Statement q(copy, "SELECT (SELECT value FROM meta WHERE key = 'epoch'), (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq')");
    q.step();
    out.epoch = q.text(0);
    out.seq = q.int64(1);
  } catch (const StoreError& e) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(restoring.string() + suffix, ec);
    if (e.code == 0) throw;
    throw StoreError(e.code, "the backup " + backup + " cannot be read as a board database: " + e.what());
  }

  // The database being replaced is kept beside it, with its WAL, never deleted.
  if (fs::exists(db, ec)) {
    const std::string stamp = backup_file_name(now).substr(5, 15);  // YYYYMMDD-HHMMSS
    out.kept = db.string() + ".before-restore-" + stamp;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path from = db.string() + suffix;
      if (!fs::exists(from, ec)) continue;
      fs::rename(from, out.kept + suffix, ec);
      if (ec) throw StoreError(0, "cannot move " + from.string() + " aside: " + ec.message());
    }
  }
  fs::rename(restoring, db, ec);
  if (ec) throw StoreError(0, "cannot put the restored database at " + db.string() + ": " + ec.message());
  return out;
}

// [SECTION] Arguments

namespace {

struct Args {
  std::string config;
  std::string day;
  std::string file;       // import-claims: the JSON file; restore: the backup
  bool allow_past = false;
  bool help = false;
  std::string error;  // one line when the arguments are wrong
};

enum class Extra { None, Day, Import, Restore };

Args parse_args(int argc, char** argv, Extra extra) {
  const bool allow_day = extra == Extra::Day;
  Args a;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    if (s == "--help" || s == "-h") {
      a.help = true;
    } else if (extra == Extra::Import && s == "--allow-past") {
      a.allow_past = true;
    } else if ((extra == Extra::Import || extra == Extra::Restore) && a.file.empty() && !s.empty() && s[0] != '-') {
      a.file = s;
    } else if (s == "--config" || (allow_day && s == "--day")) {
      if (i + 1 >= argc) {
        a.error = s + " needs a value";
        return a;
      }
      (s == "--config" ? a.config : a.day) = argv[++i];
    } else {
      a.error = "unknown argument " + s;
      return a;
    }
  }
  if (!a.help && a.error.empty() && a.config.empty()) a.error = "--config node.toml is required";
  if (!a.help && a.error.empty() && extra == Extra::Import && a.file.empty()) a.error = "give the JSON file of claims to import";
  if (!a.help && a.error.empty() && extra == Extra::Restore && a.file.empty()) a.error = "give the backup file to restore";
  return a;
}

// [SECTION] Subcommands

int run_backup(int argc, char** argv) {
  const Args a = parse_args(argc, argv, Extra::None);
  if (a.help) {
    std::printf("usage: openspace-node backup --config node.toml\n"
                "  Copies the live database into [backup] dir as node-YYYYMMDD-HHMMSS.db (UTC) and keeps the newest [backup] keep.\n"
                "  A board in PostgreSQL ([store] postgres) is dumped with pg_dump instead, as node-YYYYMMDD-HHMMSS.dump.\n");
    return 0;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "openspace-node backup: %s\n", a.error.c_str());
    return 2;
  }
  try {
    const NodeConfig cfg = load_node_config(a.config);
    std::printf("%s\n", backup_node_database(cfg, std::chrono::system_clock::now()).c_str());
    return 0;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const StoreError& e) {
    std::fprintf(stderr, "openspace-node backup: %s\n", e.what());
    return 1;
  }
}

int run_restore(int argc, char** argv) {
  const Args a = parse_args(argc, argv, Extra::Restore);
  if (a.help) {
    std::printf("usage: openspace-node restore --config node.toml BACKUP.db\n"
                "  With the node stopped: puts BACKUP.db in place of [node] database with a new epoch (every kiosk reloads),\n"
                "  keeping the replaced database beside it as <database>.before-restore-YYYYMMDD-HHMMSS.\n");
    return 0;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "openspace-node restore: %s\n", a.error.c_str());
    return 2;
  }
  try {
    const NodeConfig cfg = load_node_config(a.config);
    const RestoreResult r = restore_node_database(cfg, a.file, std::chrono::system_clock::now());
    std::printf("restore: %s now holds %s (seq %lld) with the new epoch %s.\n", cfg.database.c_str(), a.file.c_str(),
                static_cast<long long>(r.seq), r.epoch.c_str());
    if (!r.kept.empty()) std::printf("restore: the replaced database is kept as %s.\n", r.kept.c_str());
    return 0;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const StoreError& e) {
    std::fprintf(stderr, "openspace-node restore: %s.\n", e.what());
    return 1;
  }
}

int run_morning_reset(int argc, char** argv) {
  const Args a = parse_args(argc, argv, Extra::Day);
  if (a.help) {
    std::printf("usage: openspace-node morning-reset --config node.toml [--day YYYY-MM-DD]\n"
                "  When [reset] auto = true: backs up, then moves the day's claims (default: today, venue time) to the archive.\n");
    return 0;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "openspace-node morning-reset: %s\n", a.error.c_str());
    return 2;
  }
  if (!a.day.empty() && !parse_day(a.day)) {
    std::fprintf(stderr, "openspace-node morning-reset: --day \"%s\" is not a date as YYYY-MM-DD\n", a.day.c_str());
    return 2;
  }
  try {
    const NodeConfig cfg = load_node_config(a.config);
    if (!cfg.auto_reset) {
      std::printf("morning-reset: nothing reset, because [reset] auto is not true in %s.\n", a.config.c_str());
      return 0;
    }
    const std::string day = a.day.empty() ? VenueClock(cfg.event.timezone).now().day : a.day;
    if (!cfg.event.has_day(day)) {
      std::printf("morning-reset: nothing reset, because %s is not a day of this event.\n", day.c_str());
      return 0;
    }
    // The backup comes first, so a reset run by mistake can be undone (a .dump for a board in
    // PostgreSQL).
    const std::string backup = backup_node_database(cfg, std::chrono::system_clock::now());
    std::printf("morning-reset: backed up to %s\n", backup.c_str());
    const auto store = board_store_factory(BoardLocation{cfg.database, cfg.postgres}, cfg.event)();
    const ResetResult r = store->reset_day(day);
    if (r.error) {
      std::fprintf(stderr, "openspace-node morning-reset: %s\n", r.error->message.c_str());
      return 1;
    }
    std::printf("morning-reset: archived %d claim%s of %s (seq %lld).\n", r.archived, r.archived == 1 ? "" : "s", day.c_str(),
                static_cast<long long>(r.seq));
    return 0;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const StoreError& e) {
    std::fprintf(stderr, "openspace-node morning-reset: %s\n", e.what());
    return 1;
  }
}

// [SECTION] import-claims
//
// Puts claims on the board straight through NodeStore, with the same validation and conflict
// rules as POST /api/v1/claims: sessions planned before the event, sessions taken down on paper
// while the screens were out, or sample data. --allow-past also accepts slots that have ended
// (the API never does), for re-entering a day after the fact. Run it while the node is stopped,
// or accept that pages and kiosks see the new cells only with the next change (see deploy.md).

const char* outcome_word(ClaimOutcome o) {
  switch (o) {
    case ClaimOutcome::Created: return "created";
    case ClaimOutcome::Replayed: return "already there";
    case ClaimOutcome::Invalid: return "invalid";
    case ClaimOutcome::NotFound: return "not_found";
    case ClaimOutcome::Taken: return "taken";
    case ClaimOutcome::Blocked: return "blocked";
    case ClaimOutcome::Past: return "past";
    case ClaimOutcome::Reused: return "claim_id_reused";
    case ClaimOutcome::Removed: return "removed";
  }
  return "?";
}

int run_import_claims(int argc, char** argv) {
  const Args a = parse_args(argc, argv, Extra::Import);
  if (a.help) {
    std::printf("usage: openspace-node import-claims --config node.toml FILE.json [--allow-past]\n"
                "  FILE.json: [{\"claim_id\",\"day\",\"room\",\"start\",\"title\",\"host\",\"description\"?}, ...]\n"
                "  Each claim goes on the board as if posted to /api/v1/claims; --allow-past accepts slots that have ended.\n");
    return 0;
  }
  if (!a.error.empty()) {
    std::fprintf(stderr, "openspace-node import-claims: %s\n", a.error.c_str());
    return 2;
  }
  try {
    const NodeConfig cfg = load_node_config(a.config);
    std::ifstream in(a.file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "openspace-node import-claims: cannot read %s\n", a.file.c_str());
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto list = json::json::parse(text.str(), nullptr, false);
    // `openspace-admin export --format json` writes {"event", "sessions", "lightning", "groups"}:
    // its sessions are claims. A bare array of claims is taken too.
    if (list.is_object() && list.contains("sessions")) list = json::json(list["sessions"]);
    if (!list.is_array()) {
      std::fprintf(stderr,
                   "openspace-node import-claims: %s must hold a JSON array of claims (or an export with \"sessions\")\n",
                   a.file.c_str());
      return 2;
    }
    // The earliest moment of the event makes every slot "upcoming" for --allow-past.
    const LocalTime now = a.allow_past && !cfg.event.days.empty() ? LocalTime{cfg.event.days.front(), 0, 0}
                                                                   : VenueClock(cfg.event.timezone).now();
    // Like the node, a first import may create the database; its folder too.
    if (cfg.postgres.empty()) {
      std::error_code ec;
      fs::create_directories(fs::path(cfg.database).parent_path(), ec);
    }
    const auto made = board_store_factory(BoardLocation{cfg.database, cfg.postgres}, cfg.event)();
    BoardStore& store = *made;
    int created = 0, refused = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto decoded = json::decode_claim_request(json::dump(list[i]));
      if (const auto* e = std::get_if<Error>(&decoded)) {
        std::fprintf(stderr, "claim %zu: %s\n", i, e->message.c_str());
        ++refused;
        continue;
      }
      const ClaimResult r = store.claim(std::get<Claim>(decoded), now);
      if (r.ok()) {
        created += r.outcome == ClaimOutcome::Created;
      } else {
        std::fprintf(stderr, "claim %zu (%s): %s: %s\n", i, std::get<Claim>(decoded).claim_id.c_str(), outcome_word(r.outcome),
                     r.error.message.c_str());
        ++refused;
      }
    }
    std::printf("import-claims: %d new claim%s on the board, %d refused (seq %lld).\n", created, created == 1 ? "" : "s", refused,
                static_cast<long long>(store.seq()));
    return refused ? 1 : 0;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const StoreError& e) {
    std::fprintf(stderr, "openspace-node import-claims: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int run_maintenance_subcommand(int argc, char** argv) {
  if (argc < 2) return -1;
  if (std::strcmp(argv[1], "import-claims") == 0) return run_import_claims(argc, argv);
  if (std::strcmp(argv[1], "backup") == 0) return run_backup(argc, argv);
  if (std::strcmp(argv[1], "restore") == 0) return run_restore(argc, argv);
  if (std::strcmp(argv[1], "morning-reset") == 0) return run_morning_reset(argc, argv);
  return -1;
}

}  // namespace osb
