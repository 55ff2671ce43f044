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
