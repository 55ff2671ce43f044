// The way a change reaches the kiosk's UI thread: the SyncWorker's notify (on its own threads)
// pushes a closure into the kiosk's RunQueue; the UI thread swaps the queue out and runs it,
// reading the replica on its own connection. Labelled `tsan`: ThreadSanitizer watches this hand-off.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "kiosk/run_queue.hpp"
#include "support/node_harness.hpp"
#include "support/temp_dir.hpp"
#include "sync_support.hpp"

using namespace osb;
using namespace osb::test;

TEST_CASE("RunQueue: closures pushed from many threads run once each, on the thread that calls run()") {
  std::atomic<int> wakes{0};
  kiosk::RunQueue q([&] { ++wakes; });
  int ran = 0;  // touched only by the running thread: TSan reports if a closure ran elsewhere
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t)
    producers.emplace_back([&] {
      for (int i = 0; i < 250; ++i) q.push([&] { ++ran; });
    });
  std::size_t total = 0;
  while (total < 1000) {
    total += q.run();
    std::this_thread::yield();
  }
  for (auto& p : producers) p.join();
  total += q.run();
  CHECK(total == 1000);
  CHECK(ran == 1000);
  CHECK(wakes == 1000);
  CHECK(q.empty());
}

TEST_CASE("a claim on the node reaches the UI thread through notify and the RunQueue") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  kiosk::RunQueue ui_queue;
  std::atomic<int> posted{0};
  SyncOptions o;
  o.node_url = node.url();
  o.token = node.token("room-a");
  o.kiosk_id = "room-a";
  o.replica_path = replica;
  o.backoff_min_ms = 20;
  o.backoff_max_ms = 300;
  // What the kiosk does: the sync thread only posts; the UI thread reads its own replica.
  ReplicaStore ui_replica(replica);
  std::string seen_title;
  SyncWorker w(o, [&](SyncEvent e) {
    ++posted;
    if (e == SyncEvent::BoardChanged)
      ui_queue.push([&] {
        const auto c = ui_replica.cell({local_day(1), "A", "10:00"});
        if (c && c->state == CellState::Claimed) seen_title = c->title;
      });
  });
  w.start();
  REQUIRE(wait_until([&] { return ui_replica.has_board(); }));
  const auto r = node.post("/api/v1/claims", NodeHarness::claim_body("claim-ui-0001", local_day(1), "A", "10:00"),
                           node.token("hallway-1"));
  REQUIRE(r.status == 201);
  REQUIRE(wait_until([&] {
    ui_queue.run();  // this test's thread plays the UI thread
    return !seen_title.empty();
  }));
  CHECK(seen_title == r.json()["cell"]["title"].get<std::string>());
  w.stop();
  CHECK(posted >= 2);
}
