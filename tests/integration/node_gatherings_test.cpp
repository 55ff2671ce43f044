// Contract §4.3 end to end: the real openspace-node over HTTP on 127.0.0.1 — lightning sign-ups,
// evening groups and joins, "I'll come" and moving a session; the races for a last place.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/node_harness.hpp"

using osb::test::HttpReply;
using osb::test::NodeHarness;
using osb::test::NodeOptions;
using Json = nlohmann::json;

namespace {

NodeOptions evening_options(int talks = 3) {
  NodeOptions o;
  o.room_capacity = {{"A", 20}, {"B", 60}, {"C", 150}};
  o.extra_event_toml = "\n[[lightning]]\nstart = \"21:00\"\ntalks = " + std::to_string(talks) + "\nminutes = " + std::string(talks > 30 ? "1" : "5") + "\n";
  return o;
}

std::string tomorrow(const NodeHarness& n) { return n.days().at(1); }

std::string signup_body(const NodeHarness& n, const std::string& id, const std::string& title = "Emacs in 5 minutes",
                        const std::string& speaker = "Ana") {
  return Json{{"signup_id", id}, {"day", tomorrow(n)}, {"start", "21:00"}, {"title", title}, {"speaker", speaker}}.dump();
}

std::string group_body(const NodeHarness& n, const std::string& id, int seats, const std::string& continues = "") {
  Json j{{"group_id", id}, {"day", tomorrow(n)}, {"time", "19:30"}, {"title", "Dinner: Thai"},
         {"where", "Main entrance"}, {"seats", seats}, {"host", "Ana"}};
  if (!continues.empty()) j["continues"] = continues;
  return j.dump();
}

std::string join_body(const std::string& id) { return Json{{"join_id", id}}.dump(); }

}  // namespace

TEST_CASE("lightning over HTTP: 201, a replay 200, full 409 with the sheet, the board and changes carry it") {
  NodeHarness node(evening_options(2));
  const std::string tok = node.token("room-a");
  const auto seq0 = node.get("/api/v1/board").json()["seq"].get<long long>();
  const auto a = node.post("/api/v1/lightning", signup_body(node, "talk-0001"), tok);
  REQUIRE(a.status == 201);
  CHECK(a.json()["signup"]["position"] == 1);
  CHECK(a.json()["sheet"]["signups"].size() == 1);
  CHECK(a.json()["seq"] == seq0 + 1);
  const auto replay = node.post("/api/v1/lightning", signup_body(node, "talk-0001"), tok);
  CHECK(replay.status == 200);
  CHECK(replay.json()["seq"] == seq0 + 1);
  CHECK(node.post("/api/v1/lightning", signup_body(node, "talk-0001", "Other"), tok).error() == "claim_id_reused");
  REQUIRE(node.post("/api/v1/lightning", signup_body(node, "talk-0002"), tok).status == 201);
  const auto full = node.post("/api/v1/lightning", signup_body(node, "talk-0003"), tok);
  CHECK(full.status == 409);
  CHECK(full.error() == "full");
  CHECK(full.json()["sheet"]["signups"].size() == 2);
  const auto board = node.get("/api/v1/board").json();
  REQUIRE(board["lightning"].size() == 3);  // one sheet per day
  bool found = false;
  for (const auto& s : board["lightning"])
    if (s["day"] == tomorrow(node)) {
      found = true;
      CHECK(s["talks"] == 2);
      CHECK(s["minutes"] == 5);
      CHECK(s["closes"] == "21:00");
      CHECK(s["signups"].size() == 2);
    }
  CHECK(found);
  const auto ch = node.get("/api/v1/changes?since=" + std::to_string(seq0)).json();
  REQUIRE(ch["lightning"].size() == 1);
  CHECK(ch["lightning"][0]["signups"][1]["signup_id"] == "talk-0002");
  // Staff see who missed out.
  const auto archive = node.get("/api/v1/archive?day=" + tomorrow(node), node.staff_token()).json();
  REQUIRE(archive["signups"].size() == 1);
  CHECK(archive["signups"][0]["signup_id"] == "talk-0003");
  CHECK(archive["signups"][0]["reason"] == "lost");
}

TEST_CASE("lightning over HTTP: validation names the field, unknown sheets 404, staff routes need staff") {
  NodeHarness node(evening_options());
  const std::string tok = node.token("room-a");
  CHECK(node.post("/api/v1/lightning", signup_body(node, "talk-0001"), "").status == 401);
  auto r = node.post("/api/v1/lightning", signup_body(node, "bad id"), tok);
  CHECK(r.status == 400);
  CHECK(r.json()["message"].get<std::string>().find("signup_id") != std::string::npos);
  r = node.post("/api/v1/lightning", signup_body(node, "talk-0001", "T", std::string(41, 'x')), tok);
  CHECK(r.status == 400);
  CHECK(r.json()["message"].get<std::string>().find("speaker") != std::string::npos);
  r = node.post("/api/v1/lightning", signup_body(node, "talk-0001", " \t "), tok);
  CHECK(r.status == 400);
  CHECK(r.json()["message"].get<std::string>().find("title") != std::string::npos);
  r = node.post("/api/v1/lightning", R"({"signup_id":"talk-0001"})", tok);
  CHECK(r.status == 400);
  r = node.post("/api/v1/lightning", "[1,2]", tok);
  CHECK(r.error() == "invalid");
  const auto other = Json{{"signup_id", "talk-0002"}, {"day", tomorrow(node)}, {"start", "12:00"}, {"title", "T"}, {"speaker", "S"}};
  CHECK(node.post("/api/v1/lightning", other.dump(), tok).status == 404);
  REQUIRE(node.post("/api/v1/lightning", signup_body(node, "talk-0001"), tok).status == 201);
  CHECK(node.del("/api/v1/lightning/talk-0001", tok).status == 403);
  CHECK(node.put("/api/v1/lightning/" + tomorrow(node) + "/21:00/order", R"({"order":["talk-0001"]})", tok).status == 403);
  const std::string staff = node.staff_token();
  CHECK(node.put("/api/v1/lightning/" + tomorrow(node) + "/21:00/order", R"({"order":["talk-9999"]})", staff).status == 400);
  CHECK(node.put("/api/v1/lightning/" + tomorrow(node) + "/21:00/order", R"({"order":["talk-0001"]})", staff).status == 200);
  CHECK(node.del("/api/v1/lightning/talk-0001", staff).status == 200);
  CHECK(node.del("/api/v1/lightning/talk-0001", staff).status == 404);
  // The kiosk's retry of a removed sign-up is told so, and not put back.
  CHECK(node.post("/api/v1/lightning", signup_body(node, "talk-0001"), tok).error() == "removed");
}

TEST_CASE("50 clients race for the last lightning place: exactly one 201, every other 409 full") {
  NodeHarness node(evening_options(3));
  REQUIRE(node.post("/api/v1/lightning", signup_body(node, "talk-first1"), node.token("room-a")).status == 201);
  REQUIRE(node.post("/api/v1/lightning", signup_body(node, "talk-first2"), node.token("room-a")).status == 201);
  std::atomic<int> created{0}, full{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      const std::string body = signup_body(node, "talk-race-" + std::to_string(1000 + i));
      const std::string tok = node.token("kiosk-" + std::to_string(i % 20 + 1));
      while (!go) std::this_thread::yield();
      const auto r = node.post("/api/v1/lightning", body, tok);
      if (r.status == 201) ++created;
      else if (r.status == 409 && r.error() == "full") ++full;
      else ++other;
    });
  go = true;
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(full == 49);
  CHECK(other == 0);
  const auto archive = node.get("/api/v1/archive?day=" + tomorrow(node), node.staff_token()).json();
  CHECK(archive["signups"].size() == 49);  // every loser told, and kept for staff
  const auto board = node.get("/api/v1/board").json();  // kept alive: iterating a temporary's member would dangle
  for (const auto& s : board["lightning"])
    if (s["day"] == tomorrow(node)) CHECK(s["signups"].size() == 3);
}

TEST_CASE("50 clients race for a group's last 3 seats: exactly 3 joins win, a join_id is counted once") {
  NodeHarness node(evening_options());
  const std::string tok = node.token("room-a");
  const auto g = node.post("/api/v1/groups", group_body(node, "group-race1", 5), tok);
  REQUIRE(g.status == 201);
  CHECK(g.json()["group"]["joined"] == 0);
  REQUIRE(node.post("/api/v1/groups/group-race1/join", join_body("join-first1"), tok).status == 200);
  REQUIRE(node.post("/api/v1/groups/group-race1/join", join_body("join-first2"), tok).status == 200);
  const auto again = node.post("/api/v1/groups/group-race1/join", join_body("join-first2"), tok);
  CHECK(again.status == 200);
  CHECK(again.json()["joined"] == 2);
  std::atomic<int> won{0}, full{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      const std::string t = node.token("kiosk-" + std::to_string(i % 20 + 1));
      while (!go) std::this_thread::yield();
      const auto r = node.post("/api/v1/groups/group-race1/join", join_body("join-race-" + std::to_string(1000 + i)), t);
      if (r.status == 200) ++won;
      else if (r.status == 409 && r.error() == "full") ++full;
      else ++other;
    });
  go = true;
  for (auto& t : threads) t.join();
  CHECK(won == 3);
  CHECK(full == 47);
  CHECK(other == 0);
  const auto groups = node.get("/api/v1/board").json()["groups"];
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]["joined"] == 5);
  CHECK(groups[0]["seats"] == 5);
}

TEST_CASE("groups over HTTP: validation, continues a session, staff remove, removed groups refuse joins") {
  NodeHarness node(evening_options());
  const std::string tok = node.token("room-a");
  CHECK(node.post("/api/v1/groups", group_body(node, "group-0001", 1), tok).status == 400);
  CHECK(node.post("/api/v1/groups", group_body(node, "group-0001", 41), tok).status == 400);
  auto r = node.post("/api/v1/groups", group_body(node, "group-0001", 8, "claim-0001"), tok);
  CHECK(r.status == 404);
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-0001", tomorrow(node), "A", "10:00"), tok).status == 201);
  r = node.post("/api/v1/groups", group_body(node, "group-0001", 8, "claim-0001"), tok);
  REQUIRE(r.status == 201);
  CHECK(r.json()["group"]["continues"] == "claim-0001");
  CHECK(node.del("/api/v1/groups/group-0001", tok).status == 403);
  CHECK(node.del("/api/v1/groups/group-0001", node.staff_token()).status == 200);
  CHECK(node.get("/api/v1/board").json()["groups"].empty());
  CHECK(node.post("/api/v1/groups/group-0001/join", join_body("join-0001"), tok).error() == "removed");
  CHECK(node.post("/api/v1/groups/group-9999/join", join_body("join-0002"), tok).status == 404);
  CHECK(node.post("/api/v1/groups/group-0001/join", R"({"join_id":"x"})", tok).status == 400);
}

TEST_CASE("interest and move over HTTP: counted once per id, a move is one change that keeps the claim") {
  NodeHarness node(evening_options());
  const std::string tok = node.token("room-a");
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-0001", tomorrow(node), "A", "10:00"), tok).status == 201);
  for (int i = 0; i < 21; ++i) {
    const auto r = node.post("/api/v1/claims/claim-0001/interest", Json{{"interest_id", "interest-" + std::to_string(1000 + i)}}.dump(),
                             node.token("kiosk-" + std::to_string(i % 20 + 1)));
    REQUIRE(r.status == 200);
    CHECK(r.json()["interest"] == i + 1);
  }
  const auto again = node.post("/api/v1/claims/claim-0001/interest", R"({"interest_id":"interest-1000"})", tok);
  CHECK(again.json()["interest"] == 21);
  CHECK(node.post("/api/v1/claims/claim-9999/interest", R"({"interest_id":"interest-2000"})", tok).status == 404);
  CHECK(node.post("/api/v1/claims/claim-0001/move", R"({"day":"x","room":"C","start":"10:00"})", tok).status == 403);
  const std::string staff = node.staff_token();
  const std::string to = Json{{"day", tomorrow(node)}, {"room", "C"}, {"start", "10:00"}}.dump();
  const auto seq0 = node.get("/api/v1/board").json()["seq"].get<long long>();
  const auto m = node.post("/api/v1/claims/claim-0001/move", to, staff);
  REQUIRE(m.status == 200);
  const auto j = m.json();
  CHECK(j["seq"] == seq0 + 1);
  CHECK(j["from"]["state"] == "open");
  CHECK(j["from"]["moved_to"]["room"] == "C");
  CHECK(j["to"]["claim_id"] == "claim-0001");
  CHECK(j["to"]["interest"] == 21);
  CHECK(j["to"]["moved_from"]["room"] == "A");
  CHECK(j["to"]["moved_from"]["start"] == "10:00");
  const auto ch = node.get("/api/v1/changes?since=" + std::to_string(seq0)).json();
  CHECK(ch["cells"].size() == 2);
  CHECK(node.post("/api/v1/claims/claim-0001/move", to, staff).status == 400);  // already there
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-0002", tomorrow(node), "B", "10:00"), tok).status == 201);
  const auto taken = node.post("/api/v1/claims/claim-0002/move", to, staff);
  CHECK(taken.status == 409);
  CHECK(taken.error() == "taken");
  // The kiosk's claim retried after the move: the same claim, where it is now.
  const auto replay = node.post("/api/v1/claims", NodeHarness::claim_body("claim-0001", tomorrow(node), "A", "10:00"), tok);
  CHECK(replay.status == 200);
  CHECK(replay.json()["cell"]["room"] == "C");
  // The session page follows the claim.
  const auto page = node.get("/s/claim-0001");
  CHECK(page.status == 200);
  CHECK(page.body.find("Room C") != std::string::npos);
  CHECK(node.metric("openspace_moves_total") == 1);
  CHECK(node.metric("openspace_interest_total") == 21);
}

TEST_CASE("the morning reset archives a day's sign-ups and groups and says how many") {
  NodeHarness node(evening_options());
  const std::string tok = node.token("room-a");
  REQUIRE(node.post("/api/v1/lightning", signup_body(node, "talk-0001"), tok).status == 201);
  REQUIRE(node.post("/api/v1/groups", group_body(node, "group-0001", 4), tok).status == 201);
  const auto r = node.post("/api/v1/days/" + tomorrow(node) + "/reset", "", node.staff_token());
  REQUIRE(r.status == 200);
  CHECK(r.json()["archived"] == 0);
  CHECK(r.json()["signups"] == 1);
  CHECK(r.json()["groups"] == 1);
  const auto archive = node.get("/api/v1/archive?day=" + tomorrow(node), node.staff_token()).json();
  CHECK(archive["signups"][0]["reason"] == "reset");
  CHECK(archive["groups"][0]["reason"] == "reset");
  CHECK(node.get("/api/v1/board").json()["groups"].empty());
}

TEST_CASE("more than 30 sign-ups a minute from one kiosk answer 429 with Retry-After; replays are not counted") {
  NodeHarness node(evening_options(50));
  const std::string tok = node.token("room-a");
  for (int i = 0; i < 30; ++i) REQUIRE(node.post("/api/v1/lightning", signup_body(node, "talk-" + std::to_string(1000 + i)), tok).status == 201);
  const auto r = node.post("/api/v1/lightning", signup_body(node, "talk-2000"), tok);
  CHECK(r.status == 429);
  CHECK_FALSE(r.header("Retry-After").empty());
  CHECK(node.post("/api/v1/lightning", signup_body(node, "talk-2000"), node.token("room-b")).status == 201);  // per token
}
