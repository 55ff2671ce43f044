// `openspace-node backup` and `openspace-node morning-reset` on real SQLite files.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "node/maintenance.hpp"
#include "store/node_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

using namespace osb;

namespace {

constexpr const char* kEvent = R"(name = "Test Open Spaces"
days = ["2030-03-11", "2030-03-12"]
[[rooms]]
id = "A"
name = "Room A"
[[rooms]]
id = "B"
name = "Room B"
[[slots]]
start = "10:00"
end = "11:00"
)";

std::string node_toml(bool auto_reset, int keep) {
  return std::string(R"([node]
listen = "127.0.0.1:0"
database = "var/node.db"
event = "event.toml"
[auth]
staff_pin = "pbkdf2-sha256$200000$1c753ff154cef2addfb9cc9ad6f6c972$cc29f5cc03df36fe43b5ce53e5dfb2b4a84be62a194de51bbc9467526adc3d40"
[reset]
auto = )") + (auto_reset ? "true" : "false") + R"(
[backup]
dir = "backups"
keep = )" + std::to_string(keep) + "\n";
}

struct Site {
  test::TempDir dir;
  std::string config;
  NodeConfig cfg;
  explicit Site(bool auto_reset = true, int keep = 3) {
    dir.write("event.toml", kEvent);
    config = dir.write("node.toml", node_toml(auto_reset, keep));
    cfg = load_node_config(config);
    std::filesystem::create_directories(std::filesystem::path(cfg.database).parent_path());
  }
  void claim(const std::string& id, const std::string& day) {
    NodeStore store(cfg.database, cfg.event);
    REQUIRE(store.claim(test::sample_claim(id, "A", "10:00", day), test::early()).ok());
  }
};

int run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return run_maintenance_subcommand(static_cast<int>(args.size()), argv.data());
}

}  // namespace

TEST_CASE("backup: names sort in time order and only the newest `keep` stay") {
  Site site(true, 3);
  site.claim("claim-0001", "2030-03-11");
  const auto t0 = std::chrono::sys_days{std::chrono::year{2030} / 3 / 11} + std::chrono::hours{7};
  CHECK(backup_file_name(t0) == "node-20300311-070000.db");
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) made.push_back(backup_node_database(site.cfg, t0 + std::chrono::minutes{15 * i}));
  const auto kept = list_backups(site.cfg.backup_dir);
  REQUIRE(kept.size() == 3);
  CHECK(kept == std::vector<std::string>(made.begin() + 2, made.end()));
  CHECK_FALSE(std::filesystem::exists(made[0]));
  // No temporary file is left behind.
  for (const auto& e : std::filesystem::directory_iterator(site.cfg.backup_dir))
    CHECK(e.path().extension() == ".db");

  // The backup is a whole database with the claim in it.
  NodeStore restored(kept.back(), site.cfg.event);
  const auto claimed = restored.claimed_cells();
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].claim_id == "claim-0001");
}

TEST_CASE("backup subcommand: exit 0 and a new file, exit 2 on a config error") {
  Site site;
  site.claim("claim-0001", "2030-03-11");
  CHECK(run({"openspace-node", "backup", "--config", site.config}) == 0);
  CHECK(list_backups(site.cfg.backup_dir).size() == 1);
  CHECK(run({"openspace-node", "backup"}) == 2);
  CHECK(run({"openspace-node", "backup", "--config", site.dir.file("missing.toml")}) == 2);
  site.dir.write("bad.toml", "[node]\nlisten = \"nowhere\"\n");
  CHECK(run({"openspace-node", "backup", "--config", site.dir.file("bad.toml")}) == 2);
  CHECK(run({"openspace-node", "serve"}) == -1);
}

TEST_CASE("backup subcommand: exit 1 when there is no database yet") {
  Site site;
  CHECK(run({"openspace-node", "backup", "--config", site.config}) == 1);
  CHECK(list_backups(site.cfg.backup_dir).empty());
}

TEST_CASE("morning-reset does nothing when [reset] auto is false") {
  Site site(false);
  site.claim("claim-0001", "2030-03-11");
  CHECK(run({"openspace-node", "morning-reset", "--config", site.config, "--day", "2030-03-11"}) == 0);
  NodeStore store(site.cfg.database, site.cfg.event);
  CHECK(store.claimed_count("2030-03-11") == 1);
  CHECK(list_backups(site.cfg.backup_dir).empty());
}

TEST_CASE("morning-reset backs up, then archives the day's claims and takes a seq") {
  Site site(true);
  site.claim("claim-0001", "2030-03-11");
  site.claim("claim-0002", "2030-03-12");
  std::int64_t seq_before = 0;
  {
    NodeStore store(site.cfg.database, site.cfg.event);
    seq_before = store.seq();
  }
  CHECK(run({"openspace-node", "morning-reset", "--config", site.config, "--day", "2030-03-11"}) == 0);
  const auto backups = list_backups(site.cfg.backup_dir);
  REQUIRE(backups.size() == 1);
  {
    // The backup was taken before the reset: it still has both claims.
    NodeStore before(backups[0], site.cfg.event);
    CHECK(before.claimed_cells().size() == 2);
  }
  NodeStore store(site.cfg.database, site.cfg.event);
  CHECK(store.claimed_count("2030-03-11") == 0);
  CHECK(store.claimed_count("2030-03-12") == 1);
  CHECK(store.seq() > seq_before);
  const auto archived = store.archive("2030-03-11");
  REQUIRE(archived.size() == 1);
  CHECK(archived[0].reason == "reset");
  CHECK(archived[0].claim.claim_id == "claim-0001");
  // The change log tells kiosks: the reset cell is in changes since the old seq.
  bool seen = false;
  for (const auto& c : store.changes_since(seq_before).cells) seen = seen || (c.day == "2030-03-11" && c.room == "A");
  CHECK(seen);
}

TEST_CASE("morning-reset: a day outside the event resets nothing and a bad --day exits 2") {
  Site site(true);
  site.claim("claim-0001", "2030-03-11");
  CHECK(run({"openspace-node", "morning-reset", "--config", site.config, "--day", "2031-01-01"}) == 0);
  CHECK(run({"openspace-node", "morning-reset", "--config", site.config, "--day", "11/03/2030"}) == 2);
  NodeStore store(site.cfg.database, site.cfg.event);
  CHECK(store.claimed_count("2030-03-11") == 1);
}

TEST_CASE("import-claims puts claims on the board with the API's rules") {
  Site site;
  site.claim("claim-0001", "2030-03-11");  // A 10:00 on the first day is taken
  const std::string file = site.dir.write("claims.json", R"([
    {"claim_id":"import-0001","day":"2030-03-11","room":"B","start":"10:00","title":"Packaging BoF","host":"José"},
    {"claim_id":"import-0002","day":"2030-03-12","room":"A","start":"10:00","title":"Async IO Q&A","host":"Σοφία","description":"Bring code."},
    {"claim_id":"import-0003","day":"2030-03-11","room":"A","start":"10:00","title":"Too late","host":"Юлия"},
    {"claim_id":"bad","day":"2030-03-11","room":"B","start":"10:00","title":"x","host":"y"}
  ])");
  // Two refused (taken, invalid claim_id): exit 1, the two good ones are on the board.
  CHECK(run({"openspace-node", "import-claims", "--config", site.config, file}) == 1);
  NodeStore store(site.cfg.database, site.cfg.event);
  const auto b = store.cell_of_claim("import-0001");
  REQUIRE(b);
  CHECK(b->room == "B");
  CHECK(b->host == "José");
  REQUIRE(store.cell_of_claim("import-0002"));
  CHECK(store.cell_of_claim("import-0002")->description == "Bring code.");
  CHECK_FALSE(store.cell_of_claim("import-0003"));
  CHECK(store.cell(CellKey{"2030-03-11", "A", "10:00"})->claim_id == "claim-0001");

  // The same file again: nothing new, nothing broken (idempotent claim ids).
  const std::string good = site.dir.write("good.json", R"([
    {"claim_id":"import-0001","day":"2030-03-11","room":"B","start":"10:00","title":"Packaging BoF","host":"José"}])");
  CHECK(run({"openspace-node", "import-claims", "--config", site.config, good}) == 0);
  CHECK(run({"openspace-node", "import-claims", "--config", site.config}) == 2);
  CHECK(run({"openspace-node", "import-claims", "--config", site.config, site.dir.write("x.json", "{}")}) == 2);
  // The file `openspace-admin export --format json` writes: its sessions are claims.
  CHECK(run({"openspace-node", "import-claims", "--config", site.config, site.dir.write("export.json", R"({"event":{},
    "sessions":[{"day":"2030-03-12","room":"B","start":"10:00","end":"11:00","state":"claimed","title":"Rust","host":"Ana",
                 "description":"","claim_id":"import-0009","interest":3,"seq":9}],"lightning":[],"groups":[]})")}) == 0);
  CHECK(store.cell_of_claim("import-0009"));
}

TEST_CASE("import-claims refuses ended slots unless --allow-past") {
  test::TempDir dir;
  dir.write("event.toml", "name = \"Past\"\ndays = [\"2001-01-01\"]\n[[rooms]]\nid = \"A\"\n[[slots]]\nstart = \"10:00\"\nend = \"11:00\"\n");
  const std::string config = dir.write("node.toml", node_toml(false, 3));
  const std::string file = dir.write("c.json", R"([{"claim_id":"past-00001","day":"2001-01-01","room":"A","start":"10:00","title":"Then","host":"Me"}])");
  CHECK(run({"openspace-node", "import-claims", "--config", config, file}) == 1);
  CHECK(run({"openspace-node", "import-claims", "--config", config, file, "--allow-past"}) == 0);
  const NodeConfig cfg = load_node_config(config);
  NodeStore store(cfg.database, cfg.event);
  CHECK(store.cell_of_claim("past-00001"));
}

TEST_CASE("backup subcommand: the copy is owner-only (0600) whatever the umask") {
  Site site;
  site.claim("claim-0001", "2030-03-11");
  const mode_t old = ::umask(0);
  const int rc = run({"openspace-node", "backup", "--config", site.config});
  ::umask(old);
  REQUIRE(rc == 0);
  const auto kept = list_backups(site.cfg.backup_dir);
  REQUIRE(kept.size() == 1);
  struct stat st{};
  REQUIRE(::stat(kept[0].c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("backup: the copy carries a new epoch, so restoring it with a plain copy makes every kiosk reload") {
  Site site;
  site.claim("claim-0001", "2030-03-11");
  std::string live_epoch;
  {
    NodeStore live(site.cfg.database, site.cfg.event);
    live_epoch = live.epoch();
  }
  const std::string a = backup_node_database(site.cfg, std::chrono::system_clock::now());
  const std::string b = backup_node_database(site.cfg, std::chrono::system_clock::now() + std::chrono::seconds(1));
  NodeStore copy_a(a, site.cfg.event);
  NodeStore copy_b(b, site.cfg.event);
  CHECK(copy_a.epoch() != live_epoch);
  CHECK(copy_b.epoch() != live_epoch);
  CHECK(copy_a.epoch() != copy_b.epoch());
  CHECK(copy_a.claimed_cells().size() == 1);
}

TEST_CASE("restore subcommand: the backup in place with a new epoch each time, the replaced file kept") {
  Site site;
  site.claim("claim-0001", "2030-03-11");
  REQUIRE(run({"openspace-node", "backup", "--config", site.config}) == 0);
  const std::string backup = list_backups(site.cfg.backup_dir).at(0);
  std::string backup_epoch;
  {
    NodeStore b(backup, site.cfg.event);
    backup_epoch = b.epoch();
  }
  site.claim("claim-0002", "2030-03-12");  // after the backup: not in it

  const mode_t old = ::umask(0);
  const int rc = run({"openspace-node", "restore", "--config", site.config, backup});
  ::umask(old);
  REQUIRE(rc == 0);
  std::string first_epoch;
  {
    NodeStore restored(site.cfg.database, site.cfg.event);
    first_epoch = restored.epoch();
    CHECK(first_epoch != backup_epoch);
    const auto claimed = restored.claimed_cells();
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].claim_id == "claim-0001");
  }
  struct stat st{};
  REQUIRE(::stat(site.cfg.database.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The replaced database is kept beside it, with the claim made after the backup.
  std::vector<std::string> kept;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(site.cfg.database).parent_path()))
    if (e.path().filename().string().find(".before-restore-") != std::string::npos &&
        e.path().filename().string().find("-wal") == std::string::npos && e.path().filename().string().find("-shm") == std::string::npos)
      kept.push_back(e.path().string());
  REQUIRE(kept.size() == 1);
  {
    NodeStore before(kept[0], site.cfg.event);
    CHECK(before.claimed_cells().size() == 2);
  }

  // The same backup restored again: yet another epoch (a kiosk of the first restore reloads too).
  REQUIRE(run({"openspace-node", "restore", "--config", site.config, backup}) == 0);
  NodeStore again(site.cfg.database, site.cfg.event);
  CHECK(again.epoch() != first_epoch);
  CHECK(again.epoch() != backup_epoch);
}

TEST_CASE("restore subcommand: a missing or foreign file changes nothing and exits 1, no file exits 2") {
  Site site;
  site.claim("claim-0001", "2030-03-11");
  std::string epoch;
  {
    NodeStore live(site.cfg.database, site.cfg.event);
    epoch = live.epoch();
  }
  CHECK(run({"openspace-node", "restore", "--config", site.config}) == 2);
  CHECK(run({"openspace-node", "restore", "--config", site.config, site.dir.file("none.db")}) == 1);
  site.dir.write("notes.db", "these are not the droids\n");
  CHECK(run({"openspace-node", "restore", "--config", site.config, site.dir.file("notes.db")}) == 1);
  NodeStore live(site.cfg.database, site.cfg.event);
  CHECK(live.epoch() == epoch);
  CHECK(live.claimed_cells().size() == 1);
  CHECK_FALSE(std::filesystem::exists(site.cfg.database + ".restoring"));
}
