// A kiosk is killed (SIGKILL) right after a tap: the claim must be in its outbox when the kiosk
// comes back, and a SyncWorker then delivers it to the node exactly once.
#include <doctest/doctest.h>

#include "fault_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;

namespace {

// Runs tap_and_die and returns its wait status.
int run_tap_and_die(const std::vector<std::string>& args) {
  const std::string binary = OPENSPACE_BINARY_DIR "/tests/faults/tap_and_die";
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE("a kiosk killed right after a tap keeps the claim and delivers it once when it comes back") {
  NodeHarness node;
  TempDir dir;
  const std::string replica = dir.file("room-a.db");
  const CellKey key{local_day(1), "B", "14:00"};

  // The kiosk has synced once (it shows a board), then its program is stopped.
  {
    SimKiosk first("room-a", replica, quick_sync(node.url(), node.token("room-a")));
    first.worker->start();
    REQUIRE(wait_until([&] { return first.screen->has_board(); }));
    first.worker->stop();
  }

  // The tap, then SIGKILL.
  const int status = run_tap_and_die({replica, "tap-then-die-1", key.day, key.room, key.start});
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  // The kiosk comes back: the claim is waiting in the outbox, nothing was sent yet.
  {
    ReplicaStore reopened(replica);
    const auto outbox = reopened.outbox();
    REQUIRE(outbox.size() == 1);
    CHECK(outbox[0].claim.claim_id == "tap-then-die-1");
    CHECK(outbox[0].claim.title == "Tapped then died");
  }
  CHECK(read_change_log(node.db_path()).claim_changes.count("tap-then-die-1") == 0);

  SimKiosk again("room-a", replica, quick_sync(node.url(), node.token("room-a")));
  again.worker->start();
  // The worker empties the outbox in the replica, then tells its listener: wait for both.
  REQUIRE(wait_until([&] { return again.screen->outbox_size() == 0 && again.delivered.load() >= 1; }));
  const auto cell = again.screen->cell(key);
  REQUIRE(cell);
  CHECK(cell->claim_id == "tap-then-die-1");
  CHECK(again.delivered.load() == 1);
  CHECK(again.lost.load() == 0);
  CHECK(winners(node_board(node.port()))["tap-then-die-1"] == 1);
  CHECK(read_change_log(node.db_path()).claim_changes["tap-then-die-1"] == 1);
  again.worker->stop();
}
