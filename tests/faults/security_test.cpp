// Security properties that no other test holds: secrets never reach the node's log, and the
// databases are not readable by other users of the machine.
#include <doctest/doctest.h>

#include "fault_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;

TEST_CASE("kiosk tokens, staff tokens and the PIN never appear in the node's log") {
  NodeHarness node;
  const std::string kiosk_token = node.token("room-a");
  const std::string day = local_day(1);
  // A wrong PIN, the right PIN, and then the staff token at work.
  CHECK(node.post("/api/v1/staff/session", "{\"pin\":\"97531\"}").status == 401);
  const std::string staff = node.staff_token();
  CHECK(node.post("/api/v1/claims", NodeHarness::claim_body("log-check-1", day, "A", "10:00"), kiosk_token).status == 201);
  CHECK(node.del("/api/v1/claims/log-check-1", staff).status == 200);
  CHECK(node.get("/api/v1/kiosks", staff).status == 200);
  CHECK(node.get("/api/v1/archive?day=" + day, staff).status == 200);
  // Tokens that are wrong, or sent where they are not allowed, are not echoed either.
  CHECK(node.get("/api/v1/kiosks", kiosk_token).status == 403);
  CHECK(node.get("/api/v1/kiosks", "not-a-token-but-secret-looking-0123").status == 401);
  // A claim body the node refuses (the token travels in the header only).
  CHECK(node.post("/api/v1/claims", "{\"claim_id\":\"x\"}", kiosk_token).status == 400);
  node.stop();

  const std::string log = node.log();
  REQUIRE_FALSE(log.empty());  // the node does log requests: the check below has something to read
  CHECK(log.find("/api/v1/claims") != std::string::npos);
  CHECK(log.find(kiosk_token) == std::string::npos);
  CHECK(log.find(staff) == std::string::npos);
  CHECK(log.find("not-a-token-but-secret-looking-0123") == std::string::npos);
  CHECK(log.find(kStaffPin) == std::string::npos);
  CHECK(log.find("97531") == std::string::npos);
  CHECK(log.find("Bearer") == std::string::npos);
}

TEST_CASE("the node's and the kiosk's database files are readable by their owner only") {
  NodeHarness node;
  TempDir dir;
  const std::string replica = dir.file("room-a.db");
  SimKiosk kiosk("room-a", replica, quick_sync(node.url(), node.token("room-a")));
  kiosk.worker->start();
  REQUIRE(wait_until([&] { return kiosk.screen->has_board(); }));
  REQUIRE_FALSE(kiosk.screen->enqueue_claim(Claim{"perm-check-1", local_day(1), "C", "11:00", "Permissions", "Kiosk", ""}));
  kiosk.worker->kick();
  REQUIRE(wait_until([&] { return kiosk.screen->outbox_size() == 0; }));
  kiosk.worker->stop();

  for (const std::string& base : {node.db_path(), replica})
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string path = base + suffix;
      if (!std::filesystem::exists(path)) continue;
      const unsigned mode = file_mode(path);
      char octal[8];
      std::snprintf(octal, sizeof octal, "%04o", mode);
      INFO(path << " has mode " << octal);
      CHECK((mode & 0077) == 0);  // no group or other access: the board's names and a kiosk's claims are private
    }
}
