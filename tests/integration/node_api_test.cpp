// The node's HTTP API end to end: the real openspace-node binary on 127.0.0.1, real HTTP,
// a real SQLite file in a temporary folder.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support/node_harness.hpp"

using osb::test::HttpReply;
using osb::test::NodeHarness;
using Json = nlohmann::json;

namespace {

// A day whose slots are all still to come (today's may have ended).
std::string future_day(const NodeHarness& n) { return n.days().at(1); }

std::string claim(const NodeHarness& n, const std::string& id, const std::string& room = "A",
                  const std::string& start = "10:00") {
  return NodeHarness::claim_body(id, future_day(n), room, start);
}

}  // namespace

TEST_CASE("the node serves the whole board to anyone") {
  NodeHarness node;
  const auto r = node.get("/api/v1/board");
  REQUIRE(r.status == 200);
  const Json b = r.json();
  CHECK(b["cells"].size() == 3 * 3 * 3);
  CHECK(b["event"]["days"].size() == 3);
  CHECK(b["rooms"].size() == 3);
  CHECK(b["slots"].size() == 3);
  CHECK(b["announcement"].is_null());
  CHECK(b["epoch"].is_string());
  CHECK(b["seq"].get<long long>() >= 1);
  for (const auto& c : b["cells"]) CHECK(c["state"] == "open");
  // The same seq gives the same ETag; If-None-Match answers 304 without a body.
  const std::string etag = r.header("ETag");
  REQUIRE(!etag.empty());
  const auto again = node.get("/api/v1/board", "", {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
}

TEST_CASE("a claim wins a cell once and a replay answers 200 and a second claim gets 409 taken") {
  NodeHarness node;
  const auto first = node.post("/api/v1/claims", claim(node, "claim-0001"), node.token("room-a"));
  REQUIRE(first.status == 201);
  const Json j = first.json();
  CHECK(j["cell"]["state"] == "claimed");
  CHECK(j["cell"]["claim_id"] == "claim-0001");
  CHECK(j["cell"]["host"] == "José");
  CHECK(j["seq"] == j["cell"]["seq"]);

  const auto replay = node.post("/api/v1/claims", claim(node, "claim-0001"), node.token("room-a"));
  CHECK(replay.status == 200);
  CHECK(replay.json()["cell"] == j["cell"]);

  const auto other = node.post("/api/v1/claims", claim(node, "claim-0002"), node.token("room-b"));
  CHECK(other.status == 409);
  CHECK(other.error() == "taken");
  CHECK(other.json()["cell"]["claim_id"] == "claim-0001");

  // Same claim_id, different content.
  const auto reused = node.post("/api/v1/claims", claim(node, "claim-0001", "B"), node.token("room-a"));
  CHECK(reused.status == 409);
  CHECK(reused.error() == "claim_id_reused");

  // The board shows it.
  const Json board = node.get("/api/v1/board").json();
  int claimed = 0;
  for (const auto& c : board["cells"]) claimed += c["state"] == "claimed";
  CHECK(claimed == 1);
}

TEST_CASE("authentication: 401 without or with a wrong token 403 for a kiosk on staff routes") {
  NodeHarness node;
  CHECK(node.post("/api/v1/claims", claim(node, "claim-0001")).status == 401);
  CHECK(node.post("/api/v1/claims", claim(node, "claim-0001"), "not-a-real-token-at-all").status == 401);
  const auto forbidden = node.post("/api/v1/days/" + future_day(node) + "/reset", "", node.token("room-a"));
  CHECK(forbidden.status == 403);
  CHECK(forbidden.error() == "forbidden");
  // 401 comes before 400: a bad body without a token is still 401.
  CHECK(node.post("/api/v1/claims", "not json").status == 401);
  // A staff token works on kiosk routes.
  CHECK(node.post("/api/v1/claims", claim(node, "claim-0003"), node.staff_token()).status == 201);
  // Wrong PIN.
  const auto wrong = node.post("/api/v1/staff/session", R"({"pin":"0000"})");
  CHECK(wrong.status == 401);
  CHECK(wrong.error() == "unauthorized");
  const auto ok = node.post("/api/v1/staff/session", R"({"pin":"2468"})");
  REQUIRE(ok.status == 200);
  CHECK(ok.json()["expires_in"] == 8 * 3600);
  CHECK(ok.json()["token"].get<std::string>().size() >= 32);
}

TEST_CASE("PIN lockout: the 5th wrong PIN answers 401 then every attempt answers 429") {
  NodeHarness node;
  for (int i = 0; i < 5; ++i) CHECK(node.post("/api/v1/staff/session", R"({"pin":"1111"})").status == 401);
  const auto locked = node.post("/api/v1/staff/session", R"({"pin":"2468"})");
  CHECK(locked.status == 429);
  CHECK(!locked.header("Retry-After").empty());
  CHECK(node.post("/api/v1/staff/session", R"({"pin":"1111"})").status == 429);
  // A malformed body is still 400 (400 comes before 429).
  CHECK(node.post("/api/v1/staff/session", R"({"pin":5})").status == 400);
}

TEST_CASE("PIN lockout holds for a burst of parallel guesses: at most 5 are checked") {
  NodeHarness node;
  std::atomic<int> wrong{0}, locked{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&] {
      const auto r = node.post("/api/v1/staff/session", R"({"pin":"9999"})");
      if (r.status == 401) ++wrong;
      else if (r.status == 429) ++locked;
      else ++other;
    });
  for (auto& t : threads) t.join();
  CHECK(wrong >= 1);
  CHECK_MESSAGE(wrong <= 5, "wrong=" << wrong.load() << " locked=" << locked.load());
  CHECK(wrong + locked == 20);
  CHECK(other == 0);
}

TEST_CASE("validation: 400 invalid naming the field and 404 for unknown cells and 409 past") {
  NodeHarness node;
  const std::string tok = node.token("room-a");
  auto bad = node.post("/api/v1/claims", "{not json", tok);
  CHECK(bad.status == 400);
  CHECK(bad.error() == "invalid");
  bad = node.post("/api/v1/claims", NodeHarness::claim_body("short", future_day(node), "A", "10:00"), tok);
  CHECK(bad.status == 400);
  CHECK(bad.json()["message"].get<std::string>().find("claim_id") != std::string::npos);
  bad = node.post("/api/v1/claims", NodeHarness::claim_body("claim-0001", future_day(node), "A", "10:00", std::string(81, 'x')), tok);
  CHECK(bad.status == 400);
  CHECK(bad.json()["message"].get<std::string>().find("title") != std::string::npos);
  bad = node.post("/api/v1/claims", NodeHarness::claim_body("claim-0001", future_day(node), "A", "10:00", "ok", "a\x01z"), tok);
  CHECK(bad.status == 400);
  bad = node.post("/api/v1/claims", std::string("{\"claim_id\":\"claim-0001\",\"day\":\"") + future_day(node) +
                                        "\",\"room\":\"A\",\"start\":\"10:00\",\"title\":\"\xff\xfe\",\"host\":\"h\"}",
                  tok);
  CHECK(bad.status == 400);
  bad = node.post("/api/v1/claims", R"({"claim_id":12345678,"day":"x","room":"A","start":"10:00","title":"t","host":"h"})", tok);
  CHECK(bad.status == 400);

  auto missing = node.post("/api/v1/claims", NodeHarness::claim_body("claim-0002", future_day(node), "Z", "10:00"), tok);
  CHECK(missing.status == 404);
  CHECK(missing.error() == "not_found");
  missing = node.post("/api/v1/claims", NodeHarness::claim_body("claim-0003", "2001-01-01", "A", "10:00"), tok);
  CHECK(missing.status == 404);
  missing = node.post("/api/v1/claims", NodeHarness::claim_body("claim-0004", future_day(node), "A", "10:30"), tok);
  CHECK(missing.status == 404);

  // Yesterday is not an event day, so use a node whose first day is yesterday.
  osb::test::NodeOptions o;
  o.days = {osb::test::local_day(-1), osb::test::local_day(1)};
  NodeHarness old(o);
  const auto past = old.post("/api/v1/claims", NodeHarness::claim_body("claim-0005", o.days[0], "A", "10:00"), old.token("room-a"));
  CHECK(past.status == 409);
  CHECK(past.error() == "past");
}

TEST_CASE("50 threads race for one cell: exactly one 201 every other answer 409") {
  NodeHarness node;
  std::atomic<int> created{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      const std::string body = claim(node, "race-claim-" + std::to_string(i), "B", "11:00");
      const std::string tok = node.token("kiosk-" + std::to_string(i % 20 + 1));
      while (!go) std::this_thread::yield();
      const auto r = node.post("/api/v1/claims", body, tok);
      if (r.status == 201) ++created;
      else if (r.status == 409 && r.error() == "taken") ++conflicts;
      else ++other;
    });
  go = true;
  for (auto& t : threads) t.join();
  CHECK(created == 1);
  CHECK(conflicts == 49);
  CHECK(other == 0);
  // Staff see who missed out: every loser is in the archive as "lost".
  const auto archive = node.get("/api/v1/archive?day=" + future_day(node), node.staff_token());
  REQUIRE(archive.status == 200);
  CHECK(archive.json()["claims"].size() == 49);
}

TEST_CASE("a long-poll is woken by a claim long before its wait ends") {
  NodeHarness node;
  const long long seq = node.get("/api/v1/board").json()["seq"];
  HttpReply polled;
  std::chrono::steady_clock::duration took{};
  std::thread poller([&] {
    const auto t0 = std::chrono::steady_clock::now();
    polled = node.get("/api/v1/changes?since=" + std::to_string(seq) + "&wait=20");
    took = std::chrono::steady_clock::now() - t0;
  });
  // Wait until the node holds the poll (metrics gauge), then claim.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         node.get("/metrics").body.find("openspace_long_polls_held 1") == std::string::npos)
    std::this_thread::yield();
  REQUIRE(node.post("/api/v1/claims", claim(node, "claim-wake"), node.token("room-a")).status == 201);
  poller.join();
  REQUIRE(polled.status == 200);
  const Json j = polled.json();
  REQUIRE(j["cells"].size() == 1);
  CHECK(j["cells"][0]["claim_id"] == "claim-wake");
  CHECK(j["seq"].get<long long>() == seq + 1);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("changes: parameter checks wait=0 answers at once 410 gone after the database is replaced") {
  NodeHarness node;
  const Json board = node.get("/api/v1/board").json();
  const long long seq = board["seq"];
  const std::string epoch = board["epoch"];
  CHECK(node.get("/api/v1/changes?since=-1").status == 400);
  CHECK(node.get("/api/v1/changes?since=abc").status == 400);
  CHECK(node.get("/api/v1/changes?since=0&wait=1.5").status == 400);
  const auto now = node.get("/api/v1/changes?since=" + std::to_string(seq) + "&wait=0");
  CHECK(now.status == 200);
  CHECK(now.json()["cells"].empty());
  const auto all = node.get("/api/v1/changes?since=0");
  CHECK(all.json()["cells"].size() == 27);
  CHECK(node.get("/api/v1/changes?since=" + std::to_string(seq + 5)).status == 410);
  CHECK(node.get("/api/v1/changes?since=0&epoch=other").status == 410);
  CHECK(node.get("/api/v1/changes?since=0&epoch=" + epoch).status == 200);

  node.replace_database();
  const auto gone = node.get("/api/v1/changes?since=0&epoch=" + epoch);
  CHECK(gone.status == 410);
  CHECK(gone.error() == "gone");
  CHECK(node.get("/api/v1/board").json()["epoch"] != epoch);
}

TEST_CASE("a restart keeps everything and SIGTERM exits 0") {
  NodeHarness node;
  REQUIRE(node.post("/api/v1/claims", claim(node, "claim-keep"), node.token("room-a")).status == 201);
  const Json before = node.get("/api/v1/board").json();
  CHECK(node.stop() == 0);
  CHECK(node.log().find("test-token-for") == std::string::npos);  // never a token in the log
  node.restart();
  const Json after = node.get("/api/v1/board").json();
  CHECK(after == before);
}

TEST_CASE("kill -9 during a burst of claims loses no acknowledged claim") {
  NodeHarness node;
  std::mutex m;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto& rooms = node.options().rooms;
  const auto& slots = node.options().slots;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        const std::string id = "burst-" + std::to_string(t) + "-" + std::to_string(i);
        const std::string day = node.days().at(1 + (i % 2));
        const auto& room = rooms[static_cast<std::size_t>(t) % rooms.size()];
        const auto& slot = slots[static_cast<std::size_t>(i / 2) % slots.size()].first;
        const auto r = node.post("/api/v1/claims", NodeHarness::claim_body(id, day, room, slot),
                                 node.token("kiosk-" + std::to_string(t + 1)));
        if (r.status == 201) {
          std::lock_guard lk(m);
          acknowledged.push_back(id);
        }
        if (r.status == 0 || i > 200) return;  // node gone, or done
      }
    });
  // Let some claims land, then kill.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::lock_guard lk(m);
    if (acknowledged.size() >= 6) break;
  }
  node.kill9();
  stop = true;
  for (auto& th : threads) th.join();
  REQUIRE(!acknowledged.empty());
  node.restart();
  const Json board = node.get("/api/v1/board").json();
  for (const auto& id : acknowledged) {
    bool found = false;
    for (const auto& c : board["cells"]) found |= c.value("claim_id", "") == id;
    CHECK_MESSAGE(found, id);
  }
}

TEST_CASE("404 and 405 answer JSON") {
  NodeHarness node;
  const auto nf = node.get("/api/v1/nope");
  CHECK(nf.status == 404);
  CHECK(nf.error() == "not_found");
  const auto na = node.del("/api/v1/board", node.staff_token());
  CHECK(na.status == 405);
  CHECK(na.error() == "method_not_allowed");
  CHECK(na.header("Allow") == "GET");
}

namespace {
osb::test::HttpReply pin_from(NodeHarness& node, const std::string& pin, const std::string& forwarded_for) {
  httplib::Headers h;
  if (!forwarded_for.empty()) h.emplace("X-Forwarded-For", forwarded_for);
  return node.post("/api/v1/staff/session", "{\"pin\":\"" + pin + "\"}", "", h);
}
}  // namespace

TEST_CASE("PIN lockout behind a trusted proxy: X-Forwarded-For names the client, rightmost untrusted entry") {
  osb::test::NodeOptions o;
  o.auth_extra = "trusted_proxies = [\"127.0.0.1\", \"192.0.2.1\"]";
  NodeHarness node(o);
  for (int i = 0; i < 5; ++i) CHECK(pin_from(node, "1111", "203.0.113.5").status == 401);
  CHECK(pin_from(node, "2468", "203.0.113.5").status == 429);
  // Entries a client put in front of the proxy's own do not help it: the rightmost untrusted one counts.
  CHECK(pin_from(node, "2468", "198.51.100.9, 203.0.113.5").status == 429);
  CHECK(pin_from(node, "2468", "203.0.113.5, 192.0.2.1").status == 429);  // through a second trusted proxy
  // Another staff member behind the same proxy is not locked out.
  CHECK(pin_from(node, "1111", "203.0.113.6").status == 401);
  CHECK(pin_from(node, "2468", "203.0.113.6").status == 200);
  CHECK(pin_from(node, "2468", "").status == 200);  // the proxy's own address
}

TEST_CASE("PIN lockout without trusted proxies: X-Forwarded-For is ignored") {
  NodeHarness node;
  for (int i = 0; i < 5; ++i) CHECK(pin_from(node, "1111", "203.0.113." + std::to_string(i + 1)).status == 401);
  const auto r = pin_from(node, "2468", "203.0.113.77");
  CHECK(r.status == 429);
  CHECK(r.error() == "locked_out");
}

TEST_CASE("PIN cap: 20 wrong PINs node-wide from 20 addresses throttle every PIN check, shown in metrics and the fleet list") {
  osb::test::NodeOptions o;
  o.auth_extra = "trusted_proxies = [\"127.0.0.1\"]";
  NodeHarness node(o);
  const std::string staff = node.staff_token();
  auto kiosks = node.get("/api/v1/kiosks", staff).json();
  CHECK(kiosks["pin_checks"]["throttled"] == false);
  // Each guess from a new address, so the per-address lockout never bites.
  int checked = 0;
  osb::test::HttpReply throttled;
  for (int i = 0; i < 40 && throttled.status == 0; ++i) {
    const auto r = pin_from(node, "1111", "2001:db8::" + std::to_string(i + 1));
    if (r.status == 401) ++checked;
    else if (r.status == 429) throttled = r;
    else FAIL("unexpected answer " << r.status);
  }
  REQUIRE(throttled.status == 429);
  CHECK(throttled.error() == "pin_throttled");
  CHECK(std::stoi(throttled.header("Retry-After")) >= 1);
  CHECK(checked >= 20);
  CHECK(checked <= 21);  // 20, then one per delay (1 s at first)
  // A fresh address with the right PIN has to wait too.
  CHECK(pin_from(node, "2468", "2001:db8::99").status == 429);
  const std::string metrics = node.get("/metrics").body;
  CHECK(metrics.find("\nopenspace_pin_throttled 1\n") != std::string::npos);
  CHECK(metrics.find("\nopenspace_pin_wrong_recent " + std::to_string(checked) + "\n") != std::string::npos);
  kiosks = node.get("/api/v1/kiosks", staff).json();  // an open staff session keeps working
  CHECK(kiosks["pin_checks"]["throttled"] == true);
  CHECK(kiosks["pin_checks"]["wrong_pins_10min"] == checked);
  CHECK(kiosks["pin_checks"]["delay_s"].get<int>() >= 1);
  CHECK(kiosks["kiosks"].is_array());
}
