// NodeService in-process (tests/support/node_harness.hpp InProcessNode): the node's own clock
// decides what is past, and stop() ends run() even with a long-poll held.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "support/node_harness.hpp"

using osb::test::http_call;
using osb::test::InProcessNode;
using osb::test::NodeHarness;

TEST_CASE("in-process node: a clock skewed two days ahead makes tomorrow's slots past") {
  osb::test::NodeOptions o;
  o.days = {osb::test::local_day(1)};
  InProcessNode node(o);
  const auto body = [&](const std::string& id) { return NodeHarness::claim_body(id, o.days[0], "A", "10:00"); };
  node.service().set_clock_skew_seconds(2 * 24 * 3600);
  auto r = http_call(node.port(), "POST", "/api/v1/claims", body("claim-skew-1"), node.token("room-a"));
  CHECK(r.status == 409);
  CHECK(r.error() == "past");
  node.service().set_clock_skew_seconds(0);
  r = http_call(node.port(), "POST", "/api/v1/claims", body("claim-skew-2"), node.token("room-a"));
  CHECK(r.status == 201);
}

TEST_CASE("in-process node: stop() wakes a held long-poll and run() returns") {
  auto node = std::make_unique<InProcessNode>();
  const long long seq = http_call(node->port(), "GET", "/api/v1/board").json()["seq"];
  osb::test::HttpReply polled;
  const int port = node->port();  // read here: the poller must not touch `node` while it is reset
  std::thread poller([&, port] {
    polled = http_call(port, "GET", "/api/v1/changes?since=" + std::to_string(seq) + "&wait=30");
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         http_call(node->port(), "GET", "/metrics").body.find("openspace_long_polls_held 1") == std::string::npos)
    std::this_thread::yield();
  const auto t0 = std::chrono::steady_clock::now();
  node.reset();  // stop() + join run()
  poller.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(polled.status == 200);
  CHECK(polled.json()["cells"].empty());
}

namespace {
// The skew that puts the node's clock at `hh:mm:ss` (machine-local time) on the day `day_offset`
// from today.
long long skew_to(int day_offset, int hh, int mm, int ss) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  const long long since_midnight = tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec;
  return day_offset * 86400LL + (hh * 3600LL + mm * 60LL + ss) - since_midnight;
}
}  // namespace

TEST_CASE("in-process node: the phone pages' ETag changes at a slot boundary and at midnight, not in between") {
  InProcessNode node;
  const auto days = node.options().days;
  auto get = [&](const std::string& path, const std::string& inm = "") {
    httplib::Headers h;
    if (!inm.empty()) h.emplace("If-None-Match", inm);
    return http_call(node.port(), "GET", path, "", "", h);
  };
  node.service().set_clock_skew_seconds(skew_to(0, 9, 58, 0));
  const auto claim = http_call(node.port(), "POST", "/api/v1/claims", NodeHarness::claim_body("claim-etag-1", days[0], "B", "11:00"),
                               node.token("room-a"));
  REQUIRE(claim.status == 201);

  const auto before = get("/");
  REQUIRE(before.status == 200);
  const std::string etag = before.header("ETag");
  CHECK(before.body.find("class=\"row now\"") == std::string::npos);
  CHECK(get("/", etag).status == 304);  // nothing changed yet
  const std::string ics_etag = get("/calendar.ics").header("ETag");

  // 10:00:30: the 10:00 slot is running now; the same board, a new page.
  node.service().set_clock_skew_seconds(skew_to(0, 10, 0, 30));
  const auto at_ten = get("/", etag);
  CHECK(at_ten.status == 200);
  CHECK(at_ten.header("ETag") != etag);
  CHECK(at_ten.body.find("class=\"row now\"") != std::string::npos);
  CHECK(get("/", at_ten.header("ETag")).status == 304);
  // The calendar does not depend on the clock.
  CHECK(get("/calendar.ics", ics_etag).status == 304);

  // From 10:00:30 to 10:59:30 the session page (starts at 11:00) stays the same page.
  const std::string session_etag = get("/s/claim-etag-1").header("ETag");
  node.service().set_clock_skew_seconds(skew_to(0, 10, 59, 30));
  CHECK(get("/s/claim-etag-1", session_etag).status == 304);
  node.service().set_clock_skew_seconds(skew_to(0, 11, 0, 30));
  const auto running = get("/s/claim-etag-1", session_etag);
  CHECK(running.status == 200);
  CHECK(running.header("ETag") != session_etag);

  // The next day at the same time: today's tab moved, so the page is new too.
  const std::string today_etag = get("/").header("ETag");
  node.service().set_clock_skew_seconds(skew_to(1, 11, 0, 30));
  const auto tomorrow = get("/", today_etag);
  CHECK(tomorrow.status == 200);
  CHECK(tomorrow.header("ETag") != today_etag);
}
