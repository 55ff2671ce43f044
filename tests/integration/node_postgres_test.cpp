// Two real openspace-node processes over one PostgreSQL board (contract §4.4, node.toml
// [store] postgres): one board, one winner per cell, long-polls on one node woken by commits on
// the other (LISTEN/NOTIFY, re-read after a reconnect), staff sessions valid on both. The server
// is tests/support/pg_test_server.hpp (one per binary); each case gets a board of its own.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/node_harness.hpp"
#include "support/pg_test_server.hpp"

namespace {

using namespace osb::test;
using Clock = std::chrono::steady_clock;

// Polls `pred` every few milliseconds until it holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(15)) {
  const auto end = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() >= end) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

NodeOptions on_board(const std::string& conninfo) {
  NodeOptions o;
  o.rooms = {"A", "B", "C", "D", "E"};
  o.slots = {{"10:00", "11:00"}, {"11:00", "12:00"}, {"14:00", "15:00"}, {"15:00", "16:00"}};
  o.extra_node_toml = "\n[reset]\nauto = true\n\n[store]\npostgres = \"" + conninfo + "\"\n";
  return o;
}

// Two nodes over one new board.
struct TwoNodes {
  std::string conninfo = pg_test_server().new_board();
  NodeHarness a{on_board(conninfo)};
  NodeHarness b{on_board(conninfo)};
  std::string day = local_day(1);  // tomorrow: no slot of it is past
};

// A long-poll on `node` from `since`, answered on another thread.
std::future<HttpReply> long_poll(const NodeHarness& node, long long since) {
  const int port = node.port();
  return std::async(std::launch::async, [port, since] {
    return http_call(port, "GET", "/api/v1/changes?since=" + std::to_string(since) + "&wait=25");
  });
}

bool has_claim(const HttpReply& r, const std::string& claim_id) {
  const auto j = r.json();
  if (!j.is_object() || !j.contains("cells")) return false;
  for (const auto& c : j["cells"])
    if (c.value("claim_id", "") == claim_id) return true;
  return false;
}

}  // namespace

TEST_CASE("two node processes over one PostgreSQL board serve one board: same epoch, replays and conflicts across nodes") {
  TwoNodes n;
  const auto board_a = n.a.get("/api/v1/board").json();
  const auto board_b = n.b.get("/api/v1/board").json();
  REQUIRE(board_a.is_object());
  CHECK(board_a["epoch"] == board_b["epoch"]);
  CHECK(board_a["seq"] == board_b["seq"]);

  const auto body = NodeHarness::claim_body("pg-claim-1", n.day, "A", "10:00");
  CHECK(n.a.post("/api/v1/claims", body, n.a.token("room-a")).status == 201);
  // The kiosk's retry reaches the other node: a replay, not a second claim.
  const auto replay = n.b.post("/api/v1/claims", body, n.b.token("room-a"));
  CHECK(replay.status == 200);
  CHECK(replay.json()["cell"]["claim_id"] == "pg-claim-1");
  const auto taken = n.b.post("/api/v1/claims", NodeHarness::claim_body("pg-claim-2", n.day, "A", "10:00"), n.b.token("room-b"));
  CHECK(taken.status == 409);
  CHECK(taken.error() == "taken");
  CHECK(n.b.get("/api/v1/board").json()["seq"] == n.a.get("/api/v1/board").json()["seq"]);
}

TEST_CASE("claims raced through both nodes: exactly one winner per cell, and the loser's 409 holds") {
  TwoNodes n;
  const std::vector<std::string> rooms = {"A", "B", "C", "D", "E"}, starts = {"10:00", "11:00", "14:00", "15:00"};
  struct Try {
    std::string claim_id, room, start;
    int status = 0;
  };
  std::vector<Try> tries;
  for (const auto& r : rooms)
    for (const auto& s : starts)
      for (const char* via : {"a", "b"}) tries.push_back({std::string("race-") + via + "-" + r + "-" + s.substr(0, 2) + s.substr(3), r, s});
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < tries.size();) {
        Try& x = tries[i];
        const NodeHarness& node = x.claim_id[5] == 'a' ? n.a : n.b;
        x.status = node.post("/api/v1/claims", NodeHarness::claim_body(x.claim_id, n.day, x.room, x.start),
                             node.token("kiosk-" + std::to_string(i % 20 + 1)))
                       .status;
      }
    });
  for (auto& t : threads) t.join();

  const auto board = n.b.get("/api/v1/board").json();
  std::map<std::string, std::string> holder;
  for (const auto& c : board["cells"])
    if (c["day"] == n.day && c.value("state", "") == "claimed") holder[c["room"].get<std::string>() + c["start"].get<std::string>()] = c["claim_id"];
  for (const auto& r : rooms)
    for (const auto& s : starts) {
      CAPTURE(r + " " + s);
      int won = 0, lost = 0;
      for (const auto& x : tries)
        if (x.room == r && x.start == s) {
          if (x.status == 201) {
            ++won;
            CHECK(holder[r + s] == x.claim_id);
          } else {
            CHECK(x.status == 409);
            ++lost;
            CHECK(holder[r + s] != x.claim_id);
          }
        }
      CHECK(won == 1);
      CHECK(lost == 1);
    }
}

TEST_CASE("a long-poll on one node is woken by a claim on the other, by its announcement") {
  TwoNodes n;
  const long long seq = n.a.get("/api/v1/board").json()["seq"];
  const long long announced = n.a.metric("openspace_announcements_total");
  REQUIRE(announced >= 0);  // the PostgreSQL feed is there
  auto poll = long_poll(n.a, seq);
  REQUIRE(eventually([&] { return n.a.metric("openspace_long_polls_held") >= 1; }));

  REQUIRE(n.b.post("/api/v1/claims", NodeHarness::claim_body("pg-wake-1", n.day, "B", "11:00"), n.b.token("room-b")).status == 201);
  const HttpReply woken = poll.get();
  CHECK(woken.status == 200);
  CHECK(has_claim(woken, "pg-wake-1"));
  CHECK(n.a.metric("openspace_announcements_total") > announced);
}

TEST_CASE("a staff session opened on one node works on the other, and a logout there ends it on both") {
  TwoNodes n;
  const std::string token = n.a.staff_token();
  const std::string block = "/api/v1/cells/" + n.day + "/C/14:00/block";
  CHECK(n.b.put(block, R"({"label":"Sponsor"})", token).status == 200);
  CHECK(n.b.del("/api/v1/staff/session", token).status == 200);
  CHECK(n.a.del(block, token).status == 401);
  CHECK(n.b.del(block, token).status == 401);
  // A made-up token is no session on either node.
  CHECK(n.a.del(block, std::string(64, 'a')).status == 401);
}

TEST_CASE("after PostgreSQL restarts, the nodes reconnect: writes go on and a long-poll on one node still hears the other") {
  TwoNodes n;
  REQUIRE(eventually([&] { return n.a.metric("openspace_feed_connects_total") >= 1; }));
  const long long connects = n.a.metric("openspace_feed_connects_total");
  pg_test_server().restart();

  // A write made while a node's connections are being reopened may be answered 503 (nothing was
  // committed, or it is in doubt): the kiosk sends the same claim again, as here.
  const auto claim = [&](const NodeHarness& node, const std::string& id, const std::string& room) {
    int status = 0;
    eventually([&] {
      status = node.post("/api/v1/claims", NodeHarness::claim_body(id, n.day, room, "15:00"), node.token("room-a")).status;
      return status == 201 || status == 200;
    });
    return status;
  };
  const long long before = n.b.get("/api/v1/board").json().value("seq", -1LL);
  CHECK(claim(n.b, "pg-after-restart-1", "D") / 100 == 2);
  // The feed listens again (a new connect); a long-poll from before the claim answers at once.
  REQUIRE(eventually([&] { return n.a.metric("openspace_feed_connects_total") > connects; }));
  CHECK(has_claim(long_poll(n.a, before).get(), "pg-after-restart-1"));

  const long long seq = n.a.get("/api/v1/board").json()["seq"];
  auto poll = long_poll(n.a, seq);
  REQUIRE(eventually([&] { return n.a.metric("openspace_long_polls_held") >= 1; }));
  CHECK(claim(n.b, "pg-after-restart-2", "E") == 201);
  const HttpReply woken = poll.get();
  CHECK(woken.status == 200);
  CHECK(has_claim(woken, "pg-after-restart-2"));
}

TEST_CASE("claims answered 503 while the database is down do not use up the kiosk's 30 a minute") {
  TwoNodes n;
  pg_test_server().stop();
  int unavailable = 0;
  for (int i = 0; i < 35; ++i)
    unavailable += n.a.post("/api/v1/claims", NodeHarness::claim_body("pg-down-" + std::to_string(i), n.day, "C", "11:00"),
                            n.a.token("kiosk-7"))
                       .status == 503;
  pg_test_server().start();
  CHECK(unavailable == 35);
  // The log says so, but not 35 times: at most a line a second while the database is away.
  const std::string log = n.a.log();
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = log.find("database error", at)) != std::string::npos; ++at) ++lines;
  CHECK(lines >= 1);
  CHECK(lines < 10);
  // Back up: the kiosk's next claim is taken, not 429 (as it would be after 35 counted attempts).
  int status = 0;
  CHECK(eventually([&] {
    status = n.a.post("/api/v1/claims", NodeHarness::claim_body("pg-down-0", n.day, "C", "11:00"), n.a.token("kiosk-7")).status;
    return status != 503;
  }));
  CHECK(status == 201);
}

TEST_CASE("with the database away, a token that is not a kiosk's is looked up on a worker: the board still comes from memory, staff routes answer 503") {
  TwoNodes n;
  const std::string staff = n.a.staff_token();
  REQUIRE(n.a.get("/api/v1/board").status == 200);  // the board's answer is cached now
  pg_test_server().stop();
  const auto board = n.a.get("/api/v1/board", staff);
  CHECK(board.status == 200);
  CHECK(n.a.get("/api/v1/board", std::string(64, 'e')).status == 200);
  const auto blocked = n.a.put("/api/v1/cells/" + n.day + "/A/14:00/block", R"({"label":"Sponsor"})", staff);
  pg_test_server().start();
  CHECK(blocked.status == 503);
  CHECK(blocked.error() == "unavailable");
  // Back: the same session works again.
  CHECK(eventually([&] { return n.a.put("/api/v1/cells/" + n.day + "/A/14:00/block", R"({"label":"Sponsor"})", staff).status == 200; }));
}

TEST_CASE("openspace-node backup of a PostgreSQL board is a pg_dump that pg_restore brings back with its claims") {
  TwoNodes n;
  REQUIRE(n.a.post("/api/v1/claims", NodeHarness::claim_body("pg-backup-1", n.day, "A", "11:00"), n.a.token("room-a")).status == 201);
  const std::string node = OPENSPACE_BINARY_DIR "/app/node/openspace-node";
  const auto [rc, out] = run_command(node + " backup --config '" + n.a.config_path() + "'");
  REQUIRE_MESSAGE(rc == 0, out);
  const std::string file = out.substr(0, out.find('\n'));
  CHECK(file.size() > 5);
  CHECK(file.substr(file.size() - 5) == ".dump");
  CHECK(std::filesystem::file_size(file) > 0);

  // Into a new database, as docs/deploy.md says; the board's schema comes back with the claim.
  const std::string schema = n.conninfo.substr(n.conninfo.find("search_path=") + 12, n.conninfo.find('\'', n.conninfo.find("search_path=")) - n.conninfo.find("search_path=") - 12);
  const std::string db = "restored_" + std::to_string(::getpid());
  std::string base = n.conninfo.substr(0, n.conninfo.find(" options="));
  pg_test_server().run_sql(base, "CREATE DATABASE " + db);
  const std::string target = base.substr(0, base.find("dbname=")) + "dbname=" + db;
  const auto [restore_rc, restore_out] = run_command("pg_restore --no-owner --dbname \"" + target + "\" '" + file + "'");
  CHECK_MESSAGE(restore_rc == 0, restore_out);
  const auto [q_rc, q_out] = run_command("psql -At \"" + target + "\" -c \"SELECT claim_id FROM " + schema + ".claims\"");
  CHECK(q_rc == 0);
  CHECK(q_out.find("pg-backup-1") != std::string::npos);

  // The morning reset takes one first, too.
  const auto [mr_rc, mr_out] = run_command(node + " morning-reset --config '" + n.a.config_path() + "' --day " + n.day);
  CHECK(mr_rc == 0);
  CHECK(mr_out.find(".dump") != std::string::npos);
}
