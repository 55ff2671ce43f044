// Kiosks (replica + SyncWorker each) reach the node only through a FaultProxy that cycles
// through delay, drop, reset, black-hole and broken connections while the kiosks keep taking
// claims. At the end every claim is on the node exactly once or recorded as lost, every outbox is
// empty and every replica equals the node's board.
#include <doctest/doctest.h>

#include "fault_support.hpp"
#include "support/fault_proxy.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;
using Mode = FaultProxy::Mode;

TEST_CASE("kiosks behind a misbehaving network deliver every claim exactly once and converge on the node's board") {
  constexpr int kKiosks = 4;
  constexpr int kClaimsPerKiosk = 12;
  NodeOptions opts;
  opts.days = {local_day(1), local_day(2)};
  opts.rooms = {"A", "B", "C", "D", "E", "F"};
  NodeHarness node(opts);
  FaultProxy proxy(node.port());
  TempDir dir;

  std::vector<std::unique_ptr<SimKiosk>> kiosks;
  for (int i = 1; i <= kKiosks; ++i) {
    const std::string id = "kiosk-" + std::to_string(i);
    kiosks.push_back(std::make_unique<SimKiosk>(id, dir.file(id + ".db"), quick_sync(proxy.url(), node.token(id))));
  }
  for (auto& k : kiosks) k->worker->start();
  REQUIRE(wait_until([&] {
    for (auto& k : kiosks)
      if (!k->screen->has_board()) return false;
    return true;
  }));

  // Kiosks ask in pairs for the same cell at the same moment, so half the claims race.
  std::vector<CellKey> cells;
  for (const auto& day : opts.days)
    for (const auto& room : opts.rooms)
      for (const auto& [start, end] : opts.slots) cells.push_back({day, room, start});
  std::map<std::string, CellKey> enqueued;  // claim_id -> cell
  const std::vector<std::pair<Mode, int>> faults = {{Mode::Delay, 30}, {Mode::Drop, 0},      {Mode::Reset, 0},
                                                    {Mode::BlackHole, 0}, {Mode::Pass, 0},   {Mode::Delay, 5},
                                                    {Mode::Reset, 0},  {Mode::BlackHole, 0}, {Mode::Drop, 0}};
  int step = 0;
  for (int round = 0; round < kClaimsPerKiosk; ++round) {
    const auto [mode, delay] = faults[static_cast<std::size_t>(round) % faults.size()];
    proxy.set_mode(mode, delay);
    proxy.kill_all();  // live connections (long-polls, claims in flight) break as the mode changes
    for (std::size_t k = 0; k < kiosks.size(); ++k) {
      const CellKey key = cells[static_cast<std::size_t>((step + static_cast<int>(k) / 2) * 7) % cells.size()];
      const std::string id = "net-" + kiosks[k]->id + "-" + std::to_string(round);
      // A kiosk refuses a cell its replica already shows taken; that claim was never made.
      if (!kiosks[k]->screen->enqueue_claim(Claim{id, key.day, key.room, key.start, "Net " + id, "Host", ""})) {
        enqueued[id] = key;
        kiosks[k]->worker->kick();
      }
    }
    step += kKiosks / 2;
    // Let each fault act on the traffic it catches: wait until the proxy saw new connections.
    const int seen = proxy.connections();
    wait_until([&] { return proxy.connections() >= seen + kKiosks; }, std::chrono::milliseconds(400));
  }
  proxy.set_mode(Mode::Pass);
  proxy.kill_all();  // black-holed requests fail now instead of waiting for their timeout

  REQUIRE(wait_until(
      [&] {
        for (auto& k : kiosks)
          if (k->screen->outbox_size() != 0) return false;
        return true;
      },
      std::chrono::seconds(20)));
  const Board board = node_board(node.port());
  CHECK(wait_until(
      [&] {
        const Board now = node_board(node.port());
        for (auto& k : kiosks)
          if (!replica_equals_board(*k->screen, now)) return false;
        return true;
      },
      std::chrono::seconds(10)));

  // Every claim: on the board exactly once, or lost (in the kiosk's lost list and the node's archive).
  const auto holders = winners(board);
  std::set<std::string> archived_lost;
  for (const auto& day : opts.days) {
    const auto a = node.get("/api/v1/archive?day=" + day, node.staff_token());
    REQUIRE(a.status == 200);
    const auto body = a.json();
    for (const auto& c : body["claims"])
      if (c.value("reason", "") == "lost") archived_lost.insert(c.value("claim_id", ""));
  }
  std::set<std::string> kiosk_lost;
  for (auto& k : kiosks)
    for (const auto& l : k->screen->lost_claims(false)) kiosk_lost.insert(l.claim.claim_id);
  int on_board = 0, lost = 0;
  for (const auto& [id, key] : enqueued) {
    const bool won = holders.count(id) == 1;
    const bool was_lost = kiosk_lost.count(id) == 1;
    CHECK_MESSAGE(won != was_lost, id << " is " << (won ? "both on the board and lost" : "neither on the board nor lost"));
    if (was_lost) CHECK_MESSAGE(archived_lost.count(id) == 1, id << " was lost but staff cannot see it in the archive");
    on_board += won;
    lost += was_lost;
  }
  for (const auto& [id, n] : holders) CHECK(n == 1);
  const ChangeLog log = read_change_log(node.db_path());
  CHECK(log.gapless());
  for (const auto& [id, n] : log.claim_changes) CHECK_MESSAGE(n == 1, id << " was applied " << n << " times");
  MESSAGE(enqueued.size() << " claims: " << on_board << " on the board, " << lost << " lost; proxy saw "
                          << proxy.connections() << " connections");
  CHECK(on_board > 0);
  CHECK(lost > 0);  // the races happened, and their losers were told
  for (auto& k : kiosks) k->worker->stop();
}
