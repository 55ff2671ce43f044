// Clocks: the NODE decides what is past, on its venue clock. A kiosk whose clock is wrong may
// offer a slot the node already calls past; its claim then ends as lost with `past`, and staff see
// it in the archive. And `seq` never depends on the clock: a clock jumping backwards keeps it
// strictly increasing and gapless.
#include <doctest/doctest.h>

#include "core/time.hpp"
#include "fault_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;

namespace {

constexpr long long kDay = 24 * 3600;

int post_claim(InProcessNode& node, const std::string& id, const CellKey& key, const std::string& kiosk = "room-b") {
  return http_call(node.port(), "POST", "/api/v1/claims", NodeHarness::claim_body(id, key.day, key.room, key.start),
                   node.token(kiosk))
      .status;
}

}  // namespace

TEST_CASE("the node's clock decides past: a kiosk with a slow clock gets its claim back as lost with past") {
  InProcessNode node;
  const CellKey key{local_day(1), "A", "10:00"};
  // The node's clock runs three days ahead of the kiosk's: tomorrow's slots are past to it.
  node.service().set_clock_skew_seconds(3 * kDay);

  // The kiosk's own clock still shows the slot as upcoming, so its screen offers it.
  VenueClock kiosk_clock;
  CHECK(slot_phase(key.day, 10 * 60, 11 * 60, kiosk_clock.now()) == SlotPhase::Upcoming);
  // ... while a kiosk clock three days ahead would show it past (and not offer it).
  VenueClock fast_clock;
  fast_clock.set_skew(std::chrono::seconds(3 * kDay));
  CHECK(slot_phase(key.day, 10 * 60, 11 * 60, fast_clock.now()) == SlotPhase::Past);

  TempDir dir;
  SimKiosk kiosk("room-a", dir.file("room-a.db"), quick_sync(node.url(), node.token("room-a")));
  kiosk.worker->start();
  REQUIRE(wait_until([&] { return kiosk.screen->has_board(); }));
  REQUIRE_FALSE(kiosk.screen->enqueue_claim(Claim{"slow-clock-claim", key.day, key.room, key.start, "Too late", "Kiosk", ""}));
  kiosk.worker->kick();
  REQUIRE(wait_until([&] { return kiosk.screen->outbox_size() == 0 && kiosk.lost.load() >= 1; }));

  // The person is told: the claim is in the kiosk's lost list with `past`, the cell stays open.
  const auto lost = kiosk.screen->lost_claims();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].claim.claim_id == "slow-clock-claim");
  CHECK(lost[0].error.code == "past");
  CHECK_FALSE(lost[0].error.message.empty());
  CHECK(kiosk.lost.load() == 1);
  CHECK(kiosk.delivered.load() == 0);
  const Board board = node_board(node.port());
  CHECK(winners(board).count("slow-clock-claim") == 0);

  // Staff see who missed out.
  const auto login = http_call(node.port(), "POST", "/api/v1/staff/session", std::string("{\"pin\":\"") + kStaffPin + "\"}");
  REQUIRE(login.status == 200);
  const auto archive = http_call(node.port(), "GET", "/api/v1/archive?day=" + key.day, "", login.json()["token"].get<std::string>());
  REQUIRE(archive.status == 200);
  const auto body = archive.json();
  int lost_entries = 0;
  for (const auto& c : body["claims"])
    lost_entries += c.value("claim_id", "") == "slow-clock-claim" && c.value("reason", "") == "lost";
  CHECK(lost_entries == 1);

  // With the node's clock back in step, the same slot can be claimed (by a new claim).
  node.service().set_clock_skew_seconds(0);
  CHECK(post_claim(node, "right-clock-claim", key) == 201);
  kiosk.worker->stop();
}

TEST_CASE("a node clock jumping backwards keeps seq strictly increasing and gapless") {
  InProcessNode node;
  std::vector<std::int64_t> seqs;
  const std::vector<long long> skews = {0, -365 * kDay, -kDay, 0, -3600, 0};
  const std::vector<std::string> starts = {"10:00", "11:00", "14:00"};
  for (std::size_t i = 0; i < skews.size(); ++i) {
    node.service().set_clock_skew_seconds(skews[i]);
    const CellKey key{local_day(2), std::string(1, static_cast<char>('A' + i % 3)), starts[i / 3 % 3]};
    const auto r = http_call(node.port(), "POST", "/api/v1/claims",
                             NodeHarness::claim_body("clock-jump-" + std::to_string(i), key.day, key.room, key.start),
                             node.token("kiosk-" + std::to_string(i + 1)));
    INFO("skew " << skews[i] << " s: " << r.body);
    REQUIRE(r.status == 201);
    seqs.push_back(r.json()["seq"].get<std::int64_t>());
  }
  for (std::size_t i = 1; i < seqs.size(); ++i) CHECK(seqs[i] > seqs[i - 1]);
  const ChangeLog log = read_change_log(node.db_path());
  CHECK(log.gapless());
  CHECK(log.meta_seq == seqs.back());
  // A kiosk catching up from any point sees every change: since=first gives the later claims.
  const auto ch = http_call(node.port(), "GET", "/api/v1/changes?since=" + std::to_string(seqs.front()));
  REQUIRE(ch.status == 200);
  CHECK(ch.json()["cells"].size() == seqs.size() - 1);
}
