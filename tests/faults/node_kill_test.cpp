// The node is killed with SIGKILL in the middle of a burst of concurrent claims, at a random
// point, and restarted on the same database. Whatever it acknowledged (2xx) must still be on the
// board with the same content, the change log must be gapless, and no cell may have two winners.
#include <doctest/doctest.h>

#include <mutex>
#include <random>

#include "fault_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;

namespace {

constexpr int kThreads = 16;
constexpr int kRooms = 20;
constexpr int kSlots = 10;
constexpr int kKiosks = 200;  // claims are spread over many tokens: the node allows 30 a minute per token

NodeOptions big_event() {
  NodeOptions o;
  o.days = {local_day(1), local_day(2), local_day(3)};  // never past, whatever the hour
  o.rooms.clear();
  for (int r = 0; r < kRooms; ++r) o.rooms.push_back("R" + std::to_string(r));
  o.slots.clear();
  for (int s = 0; s < kSlots; ++s) o.slots.push_back({format_hhmm((8 + s) * 60), format_hhmm((9 + s) * 60)});
  o.extra_kiosks = kKiosks;
  return o;
}

struct Attempt {
  Claim claim;
  std::string token;
};

struct Outcome {
  std::mutex mutex;
  std::map<std::string, Claim> acknowledged;  // claim_id -> what the node said yes to
  std::set<std::string> refused;              // 409 taken
  std::vector<std::string> unexpected;        // anything else, with its status
  std::atomic<int> requests{0};
  std::atomic<int> acks{0};
  std::atomic<int> replays{0};
  std::atomic<int> transport_errors{0};
};

// Sends one claim until the node gives an answer (retrying the same claim_id across the outage).
int send_until_answered(int port, const Attempt& a, Outcome& out) {
  const std::string body = NodeHarness::claim_body(a.claim.claim_id, a.claim.day, a.claim.room, a.claim.start,
                                                   a.claim.title, a.claim.host);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    ++out.requests;
    const auto r = http_call(port, "POST", "/api/v1/claims", body, a.token);
    if (r.status != 0) return r.status;
    ++out.transport_errors;
    // The node is down or restarting: try again shortly (the same claim_id, as a kiosk does).
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

void run_round(int round, std::mt19937& rng) {
  NodeHarness node(big_event());
  const int port = node.port();
  const auto& days = node.days();

  // Every cell once, and every other cell a second time under another claim_id (a race for it).
  std::vector<Attempt> attempts;
  int n = 0;
  for (const auto& day : days)
    for (int r = 0; r < kRooms; ++r)
      for (int s = 0; s < kSlots; ++s) {
        const std::string room = "R" + std::to_string(r), start = format_hhmm((8 + s) * 60);
        for (int copy = 0; copy < (n % 2 == 0 ? 2 : 1); ++copy) {
          const std::string id = "kill" + std::to_string(round) + "-" + std::to_string(n) + "-" + std::to_string(copy);
          const std::string kiosk = "kiosk-" + std::to_string(static_cast<int>(attempts.size()) % kKiosks + 1);
          attempts.push_back({Claim{id, day, room, start, "Session " + id, "Host " + std::to_string(copy), ""}, node.token(kiosk)});
        }
        ++n;
      }
  std::shuffle(attempts.begin(), attempts.end(), rng);

  Outcome out;
  std::atomic<std::size_t> next{0};
  const int kill_after = std::uniform_int_distribution<int>(50, 550)(rng);
  std::atomic<bool> killed{false};

  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t)
    clients.emplace_back([&, seed = rng()] {
      std::mt19937 local(seed);
      for (std::size_t i = next++; i < attempts.size(); i = next++) {
        const Attempt& a = attempts[i];
        int status = send_until_answered(port, a, out);
        // A quarter of the acknowledged claims are sent again: the node must answer 200, same cell.
        if ((status == 201 || status == 200) && local() % 4 == 0) {
          const int again = send_until_answered(port, a, out);
          if (again == 200) ++out.replays;
          else status = -again;  // 201 again would mean the acknowledged claim was lost: a failure
        }
        std::lock_guard lock(out.mutex);
        if (status == 201 || status == 200) {
          out.acknowledged[a.claim.claim_id] = a.claim;
          ++out.acks;
        } else if (status == 409) {
          out.refused.insert(a.claim.claim_id);
        } else {
          out.unexpected.push_back(a.claim.claim_id + ": " + std::to_string(status));
        }
      }
    });

  // The killer: SIGKILL once `kill_after` claims were acknowledged, then the same node comes back.
  const bool reached = wait_until([&] { return out.acks.load() >= kill_after; }, std::chrono::seconds(30));
  node.kill9();
  killed = true;
  const int acks_at_kill = out.acks.load();
  node.restart();
  for (auto& c : clients) c.join();

  INFO("round " << round << ": killed after " << acks_at_kill << " acknowledged claims (target " << kill_after << ")");
  MESSAGE("round " << round << ": " << out.requests.load() << " requests, " << out.acknowledged.size() << " acknowledged, "
                   << out.refused.size() << " refused (409), " << out.replays.load() << " idempotent replays, "
                   << out.transport_errors.load() << " transport errors; killed after " << acks_at_kill << " acks");
  CHECK(reached);
  CHECK(killed);
  CHECK(out.requests.load() >= 1000);
  CHECK(out.transport_errors.load() > 0);  // the kill really happened under load
  CHECK(out.unexpected.empty());
  for (const auto& u : out.unexpected) MESSAGE("unexpected answer: " << u);

  // Every acknowledged claim is on the board, once, with the content the node said yes to.
  const Board board = node_board(port);
  const auto holders = winners(board);
  std::map<std::string, Cell> by_claim;
  for (const auto& c : board.cells)
    if (c.state == CellState::Claimed) by_claim[c.claim_id] = c;
  int missing = 0, wrong = 0;
  for (const auto& [id, claim] : out.acknowledged) {
    const auto it = by_claim.find(id);
    if (it == by_claim.end()) {
      ++missing;
      continue;
    }
    const Cell& c = it->second;
    if (c.day != claim.day || c.room != claim.room || c.start != claim.start || c.title != claim.title || c.host != claim.host)
      ++wrong;
  }
  CHECK(missing == 0);
  CHECK(wrong == 0);
  for (const auto& [id, count] : holders) CHECK(count == 1);

  // No cell has two winners: at most one acknowledged claim per cell, and a refused claim is not on the board.
  std::map<std::string, int> acked_per_cell;
  for (const auto& [id, claim] : out.acknowledged) ++acked_per_cell[claim.day + "/" + claim.room + "/" + claim.start];
  int doubles = 0;
  for (const auto& [cell, count] : acked_per_cell) doubles += count > 1;
  CHECK(doubles == 0);
  for (const auto& id : out.refused) CHECK(by_claim.count(id) == 0);
  // Every cell was asked for, so every cell ended claimed.
  CHECK(static_cast<int>(holders.size()) == static_cast<int>(days.size()) * kRooms * kSlots);
  CHECK(out.acknowledged.size() == holders.size());

  // The change log: seq 1..N with no hole, N = the node's seq, one 'claim' change per winner.
  const ChangeLog log = read_change_log(node.db_path());
  CHECK(log.gapless());
  CHECK(log.meta_seq == board.seq);
  for (const auto& [id, count] : log.claim_changes) CHECK(count == 1);
  CHECK(log.claim_changes.size() == holders.size());

  // changes?since=0 after the restart hands out the same cells (nothing skipped).
  const auto ch = http_call(port, "GET", "/api/v1/changes?since=0");
  REQUIRE(ch.status == 200);
  CHECK(ch.json()["cells"].size() == board.cells.size());
}

}  // namespace

TEST_CASE("kill -9 during 1000 concurrent claims loses nothing acknowledged and never gives a cell twice") {
  std::random_device rd;
  const unsigned seed = rd();
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 3; ++round) run_round(round, rng);
}
