// The maintenance subcommands against a RUNNING node (the real binary over HTTP): a backup taken
// while it serves is a whole database, and a morning reset written by another process reaches
// long-polling clients through the change log.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "store/node_store.hpp"
#include "support/node_harness.hpp"

using namespace osb;
using osb::test::NodeHarness;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

// Runs `openspace-node <args>` and returns its exit code and output.
Run node_cli(const std::string& args) {
  const auto [rc, out] = osb::test::node_cli(args);
  return Run{rc, out};
}

test::NodeOptions options() {
  test::NodeOptions o;
  o.days = {test::local_day(1), test::local_day(2)};  // every slot still to come
  o.extra_kiosks = 0;
  return o;
}

}  // namespace

TEST_CASE("backup while the node serves: the copy opens and has the claims") {
  NodeHarness node(options());
  const std::string day = node.days()[0];
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("live-0001", day, "A", "10:00"), node.token("room-a")).status == 201);
  const Run r = node_cli("backup --config '" + node.config_path() + "'");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::string path = r.out.substr(0, r.out.find('\n'));
  REQUIRE(std::filesystem::exists(path));
  // Still serving after the backup.
  CHECK(node.get("/healthz").status == 200);
  NodeStore copy(path, load_event(node.dir() + "/event.toml"));
  CHECK(copy.cell_of_claim("live-0001"));
}

TEST_CASE("morning-reset while the node serves: a held long-poll wakes with the cell open again") {
  NodeHarness node(options());
  const std::string day = node.days()[0];
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("live-0002", day, "B", "11:00"), node.token("room-b")).status == 201);
  const auto before = node.get("/api/v1/board").json();
  const std::int64_t seq = before["seq"].get<std::int64_t>();
  const std::string epoch = before["epoch"].get<std::string>();

  // Staff turn the morning reset on (the running node does not need to reread node.toml).
  std::ofstream(node.config_path(), std::ios::app) << "\n[reset]\nauto = true\n";

  // A client long-polls while another process resets the day.
  std::thread reset([&] {
    const Run r = node_cli("morning-reset --config '" + node.config_path() + "' --day " + day);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("archived 1 claim of " + day) != std::string::npos);
  });
  const auto changes =
      node.get("/api/v1/changes?since=" + std::to_string(seq) + "&wait=20&epoch=" + epoch, node.token("hallway-1"));
  reset.join();
  REQUIRE(changes.status == 200);
  const auto j = changes.json();
  CHECK(j["seq"].get<std::int64_t>() > seq);
  bool reopened = false;
  for (const auto& c : j["cells"])
    reopened = reopened || (c["room"] == "B" && c["start"] == "11:00" && c["day"] == day && c["state"] == "open");
  CHECK(reopened);
  // And a plain board read agrees (the node's cache follows the database's seq).
  const auto after = node.get("/api/v1/board").json();
  for (const auto& c : after["cells"])
    if (c["room"] == "B" && c["start"] == "11:00" && c["day"] == day) CHECK(c["state"] == "open");
}

TEST_CASE("restoring a backup as deploy.md says: a new epoch, lower seq, clients are told to reload") {
  NodeHarness node(options());
  const std::string day = node.days()[0];
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("live-0003", day, "A", "10:00"), node.token("room-a")).status == 201);
  const Run b = node_cli("backup --config '" + node.config_path() + "'");
  REQUIRE(b.exit_code == 0);
  const std::string backup = b.out.substr(0, b.out.find('\n'));
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("live-0004", day, "B", "10:00"), node.token("room-a")).status == 201);
  const auto seen = node.get("/api/v1/board").json();

  // Stop the node, drop the WAL, copy the backup over, start again.
  CHECK(node.stop() == 0);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(node.db_path() + suffix);
  std::filesystem::copy_file(backup, node.db_path(), std::filesystem::copy_options::overwrite_existing);
  node.restart();

  const auto now = node.get("/api/v1/board").json();
  CHECK(now["epoch"] != seen["epoch"]);
  CHECK(now["seq"].get<std::int64_t>() < seen["seq"].get<std::int64_t>());
  // A kiosk that saw the newer seq is told to reload the whole board.
  const auto changes = node.get("/api/v1/changes?since=" + std::to_string(seen["seq"].get<std::int64_t>()) +
                                "&epoch=" + seen["epoch"].get<std::string>());
  CHECK(changes.status == 410);
  bool has_first = false, has_second = false;
  for (const auto& c : now["cells"]) {
    has_first = has_first || c.value("claim_id", "") == "live-0003";
    has_second = has_second || c.value("claim_id", "") == "live-0004";
  }
  CHECK(has_first);
  CHECK_FALSE(has_second);
}
