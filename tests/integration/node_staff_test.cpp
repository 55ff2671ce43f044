// Staff routes, kiosk heartbeats, the claim rate limit, the web pages and calendars, health and
// metrics: the real node over HTTP.
#include <doctest/doctest.h>

#include "support/node_harness.hpp"

using osb::test::NodeHarness;
using Json = nlohmann::json;

TEST_CASE("staff: DELETE /api/v1/staff/session revokes that session on the node, and only that one") {
  NodeHarness node;
  const auto login = [&] {
    const auto r = node.post("/api/v1/staff/session", std::string("{\"pin\":\"") + osb::test::kStaffPin + "\"}");
    REQUIRE(r.status == 200);
    return r.json()["token"].get<std::string>();
  };
  const std::string a = login();
  const std::string b = login();
  CHECK(node.del("/api/v1/staff/session").status == 401);
  CHECK(node.del("/api/v1/staff/session", node.token("room-a")).status == 403);
  const auto r = node.del("/api/v1/staff/session", a);
  CHECK(r.status == 200);
  CHECK(r.json() == Json{{"revoked", true}});
  CHECK(node.get("/api/v1/kiosks", a).status == 401);
  CHECK(node.del("/api/v1/staff/session", a).status == 401);  // already ended
  CHECK(node.get("/api/v1/kiosks", b).status == 200);        // another staff member stays logged in
}

TEST_CASE("staff: block and unblock a cell") {
  NodeHarness node;
  const std::string staff = node.staff_token();
  const std::string day = node.days().at(1);
  const std::string path = "/api/v1/cells/" + day + "/A/10:00/block";
  auto r = node.put(path, R"({"label":"Keynote"})", staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["cell"]["state"] == "blocked");
  CHECK(r.json()["cell"]["label"] == "Keynote");
  auto claim = node.post("/api/v1/claims", NodeHarness::claim_body("claim-blk-1", day, "A", "10:00"), node.token("room-a"));
  CHECK(claim.status == 409);
  CHECK(claim.error() == "blocked");
  CHECK(node.put(path, R"({"label":""})", staff).status == 400);
  CHECK(node.put(path, R"({"label":"Lunch"})", node.token("room-a")).status == 403);
  CHECK(node.put("/api/v1/cells/" + day + "/Z/10:00/block", R"({"label":"x"})", staff).status == 404);
  r = node.del(path, staff);
  CHECK(r.status == 200);
  CHECK(r.json()["cell"]["state"] == "open");
  r = node.del(path, staff);
  CHECK(r.status == 409);
  CHECK(r.error() == "not_blocked");
  // A claimed cell cannot be blocked.
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-blk-2", day, "B", "10:00"), node.token("room-a")).status == 201);
  r = node.put("/api/v1/cells/" + day + "/B/10:00/block", R"({"label":"x"})", staff);
  CHECK(r.status == 409);
  CHECK(r.error() == "taken");
}

TEST_CASE("staff: remove a claim and reset a day keep the claims in the archive") {
  NodeHarness node;
  const std::string staff = node.staff_token();
  const std::string day = node.days().at(1);
  for (const char* room : {"A", "B", "C"})
    REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body(std::string("claim-rm-") + room, day, room, "11:00"),
                      node.token("room-a"))
                .status == 201);
  auto r = node.del("/api/v1/claims/claim-rm-A", staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["cell"]["state"] == "open");
  CHECK(node.del("/api/v1/claims/claim-rm-A", staff).status == 404);
  CHECK(node.del("/api/v1/claims/claim-rm-B", node.token("room-a")).status == 403);
  // The removed claim's replay answers 409 removed.
  r = node.post("/api/v1/claims", NodeHarness::claim_body("claim-rm-A", day, "A", "11:00"), node.token("room-a"));
  CHECK(r.status == 409);
  CHECK(r.error() == "removed");

  r = node.post("/api/v1/days/" + day + "/reset", "", staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["archived"] == 2);
  CHECK(node.post("/api/v1/days/2001-01-01/reset", "", staff).status == 404);

  r = node.get("/api/v1/archive?day=" + day, staff);
  REQUIRE(r.status == 200);
  int removed = 0, reset = 0;
  const Json archive = r.json();
  for (const auto& a : archive["claims"]) {
    removed += a["reason"] == "removed";
    reset += a["reason"] == "reset";
    CHECK(a["at"].is_string());
  }
  CHECK(removed == 1);
  CHECK(reset == 2);
  CHECK(node.get("/api/v1/archive", staff).status == 400);
  CHECK(node.get("/api/v1/archive?day=2001-01-01", staff).status == 404);
  CHECK(node.get("/api/v1/archive?day=" + day).status == 401);
}

TEST_CASE("staff: an announcement takes a seq and reaches the board and changes") {
  NodeHarness node;
  const std::string staff = node.staff_token();
  const long long seq = node.get("/api/v1/board").json()["seq"];
  auto r = node.put("/api/v1/announcement", R"({"text":"Lunch is served","until":"13:30"})", staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["announcement"]["text"] == "Lunch is served");
  CHECK(r.json()["seq"] == seq + 1);
  const Json ch = node.get("/api/v1/changes?since=" + std::to_string(seq)).json();
  CHECK(ch["seq"] == seq + 1);
  CHECK(ch["announcement"]["until"] == "13:30");
  CHECK(node.get("/api/v1/board").json()["announcement"]["text"] == "Lunch is served");
  CHECK(node.put("/api/v1/announcement", R"({"text":"x","until":"25:00"})", staff).status == 400);
  r = node.put("/api/v1/announcement", R"({"text":""})", staff);
  CHECK(r.status == 200);
  CHECK(r.json()["announcement"].is_null());
}

TEST_CASE("kiosks: heartbeat headers show up in the fleet list for staff only") {
  NodeHarness node;
  CHECK(node.get("/api/v1/board", node.token("room-b"),
                 {{"X-Kiosk-Version", "0.3.1"}, {"X-Kiosk-Outbox", "4"}, {"X-Kiosk-Lag-Ms", "1200"}})
            .status == 200);
  CHECK(node.get("/api/v1/kiosks", node.token("room-b")).status == 403);
  const auto r = node.get("/api/v1/kiosks", node.staff_token());
  REQUIRE(r.status == 200);
  const Json list = r.json()["kiosks"];
  CHECK(list.size() == node.tokens().size());
  bool seen = false;
  for (const auto& k : list) {
    if (k["id"] == "room-b") {
      seen = true;
      CHECK(k["version"] == "0.3.1");
      CHECK(k["outbox"] == 4);
      CHECK(k["lag_ms"] == 1200);
      CHECK(k["last_seen"].get<std::string>().back() == 'Z');
    } else if (k["id"] == "hallway-1") {
      CHECK(k["last_seen"].is_null());
    }
  }
  CHECK(seen);
}

TEST_CASE("more than 30 claim attempts a minute from one token answer 429 with Retry-After") {
  NodeHarness node;
  const std::string tok = node.token("kiosk-3");
  const auto& days = node.days();
  int n = 0;
  // 30 distinct attempts (conflicts count too), spread over free cells.
  for (const auto& day : {days.at(1), days.at(2)})
    for (const auto& room : node.options().rooms)
      for (const auto& slot : node.options().slots) {
        if (n == 30) break;
        const auto r = node.post("/api/v1/claims", NodeHarness::claim_body("rate-claim-" + std::to_string(n), day, room, slot.first), tok);
        CHECK(r.status == 201);
        ++n;
      }
  for (int extra = 0; n < 30; ++n, ++extra)  // the grid is smaller than 30: conflicts count too
    CHECK(node.post("/api/v1/claims", NodeHarness::claim_body("rate-claim-" + std::to_string(n), days.at(1), "A", "10:00"), tok).status == 409);
  const auto limited = node.post("/api/v1/claims", NodeHarness::claim_body("rate-claim-over", days.at(1), "A", "11:00"), tok);
  CHECK(limited.status == 429);
  CHECK(limited.error() == "rate_limited");
  CHECK(std::stoi(limited.header("Retry-After")) >= 1);
  // An idempotent replay is not an attempt: still 200.
  CHECK(node.post("/api/v1/claims", NodeHarness::claim_body("rate-claim-0", days.at(1), "A", "10:00"), tok).status == 200);
  // A bad body is 400 before 429.
  CHECK(node.post("/api/v1/claims", "[]", tok).status == 400);
  // Another kiosk is not limited.
  CHECK(node.post("/api/v1/claims", NodeHarness::claim_body("rate-claim-other", days.at(1), "A", "10:00"), node.token("kiosk-4")).status == 409);
}

TEST_CASE("web pages and calendars carry an ETag and answer 304") {
  NodeHarness node;
  const std::string day = node.days().at(1);
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-web-1", day, "A", "10:00", "<b>Bold</b>"),
                    node.token("room-a"))
              .status == 201);
  auto r = node.get("/?day=" + day);
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").find("text/html") == 0);
  CHECK(r.body.find("<b>Bold</b>") == std::string::npos);  // escaped, never interpreted
  const std::string etag = r.header("ETag");
  CHECK(!etag.empty());
  CHECK(node.get("/?day=" + day, "", {{"If-None-Match", etag}}).status == 304);
  CHECK(node.get("/?day=2001-01-01").status == 404);

  r = node.get("/s/claim-web-1");
  CHECK(r.status == 200);
  CHECK(node.get("/s/claim-none-1").status == 404);
  CHECK(node.get("/s/claim-none-1").header("Content-Type").find("text/html") == 0);

  r = node.get("/calendar.ics");
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type") == "text/calendar; charset=utf-8");
  CHECK(r.body.find("BEGIN:VCALENDAR") == 0);
  CHECK(node.get("/calendar.ics", "", {{"If-None-Match", r.header("ETag")}}).status == 304);
  r = node.get("/s/claim-web-1.ics");
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type") == "text/calendar; charset=utf-8");
  CHECK(node.get("/s/claim-none-1.ics").status == 404);
}

TEST_CASE("healthz and metrics") {
  NodeHarness node;
  auto r = node.get("/healthz");
  CHECK(r.status == 200);
  CHECK(r.body.find("ok") == 0);
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-met-1", node.days().at(1), "A", "10:00"), node.token("room-a")).status == 201);
  CHECK(node.post("/api/v1/claims", NodeHarness::claim_body("claim-met-2", node.days().at(1), "A", "10:00"), node.token("room-a")).status == 409);
  r = node.get("/metrics");
  CHECK(r.status == 200);
  CHECK(r.body.find("openspace_claims_created_total 1") != std::string::npos);
  CHECK(r.body.find("openspace_claim_conflicts_total 1") != std::string::npos);
  CHECK(r.body.find("openspace_long_polls_held 0") != std::string::npos);
  CHECK(r.body.find("openspace_requests_total{route=\"POST /api/v1/claims\",status=\"201\"} 1") != std::string::npos);
  CHECK(r.body.find("openspace_seq ") != std::string::npos);
}
