// Sync benchmark: N simulated kiosks (a replica file + a SyncWorker each, no window) against one
// real openspace-node on 127.0.0.1.
//   1. Propagation: one kiosk takes a claim (enqueue + kick, as a tap does); time until EVERY
//      other kiosk's replica has applied it. p50 / p99 / max over --claims claims.
//   2. Outage: the node is killed (kill -9), every kiosk takes a claim meanwhile, the node comes
//      back after --outage-s seconds; time until every outbox is empty, then a check that every
//      claim is on the node's board exactly once and none was lost or duplicated.
// Usage: sync_bench [--kiosks 10,50,100] [--claims 30] [--outage-s 60]
// Built by CMake, not run by ctest (tests/bench/sync.sh runs it).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "sync/sync_worker.hpp"
#include "store/replica_store.hpp"
#include "support/node_harness.hpp"
#include "support/temp_dir.hpp"

using namespace osb;
using namespace osb::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Kiosk {
  std::string id;
  std::string replica;
  std::unique_ptr<ReplicaStore> ui;  // the screen's own connection, as in the kiosk
  std::unique_ptr<SyncWorker> worker;
  std::atomic<int> board_events{0};
  std::mutex mutex;
  Clock::time_point last_event{};
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

template <class Pred>
bool wait_for(Pred pred, std::chrono::seconds deadline) {
  const auto end = Clock::now() + deadline;
  while (!pred()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

struct Cells {
  std::vector<std::string> days;
  std::vector<std::string> rooms;
  std::vector<std::string> starts = {"10:00", "11:00", "14:00"};
  std::size_t next = 0;
  CellKey take() {
    const std::size_t i = next++;
    return {days[i % days.size()], rooms[(i / days.size()) % rooms.size()], starts[(i / days.size() / rooms.size()) % starts.size()]};
  }
};

void run(int n, int claims, int outage_s) {
  NodeOptions no;
  no.days = {local_day(1), local_day(2)};
  no.rooms.clear();
  for (int r = 0; r < 40; ++r) no.rooms.push_back("R" + std::to_string(r));  // 240 cells: enough for both parts
  no.extra_kiosks = n;
  NodeHarness node(no);
  Cells cells{no.days, no.rooms};
  TempDir dir;

  std::vector<std::unique_ptr<Kiosk>> kiosks;
  for (int i = 1; i <= n; ++i) {
    auto k = std::make_unique<Kiosk>();
    k->id = "kiosk-" + std::to_string(i);
    k->replica = dir.file(k->id + ".db");
    k->ui = std::make_unique<ReplicaStore>(k->replica);
    SyncOptions o;
    o.node_url = node.url();
    o.token = node.token(k->id);
    o.kiosk_id = k->id;
    o.replica_path = k->replica;
    Kiosk* raw = k.get();
    k->worker = std::make_unique<SyncWorker>(o, [raw](SyncEvent e) {
      if (e != SyncEvent::BoardChanged) return;
      std::lock_guard lock(raw->mutex);
      raw->last_event = Clock::now();
      ++raw->board_events;
    });
    kiosks.push_back(std::move(k));
  }
  const auto t_start = Clock::now();
  for (auto& k : kiosks) k->worker->start();
  const bool up = wait_for(
      [&] {
        for (auto& k : kiosks)
          if (k->worker->status().state != ConnectionState::Online || !k->ui->has_board()) return false;
        return true;
      },
      std::chrono::seconds(60));
  std::printf("kiosks=%d  all online with a board after %.0f ms%s\n", n, ms(Clock::now() - t_start), up ? "" : " (TIMED OUT)");

  // [SECTION] 1. Propagation
  std::vector<double> all_applied, per_replica;
  for (int c = 0; c < claims; ++c) {
    Kiosk& poster = *kiosks[static_cast<std::size_t>(c) % kiosks.size()];
    const CellKey key = cells.take();
    std::vector<int> seen(kiosks.size());
    for (std::size_t i = 0; i < kiosks.size(); ++i) seen[i] = kiosks[i]->board_events.load();
    const std::string id = "bench-prop-" + std::to_string(c) + "-" + std::to_string(n);
    const auto t0 = Clock::now();
    if (auto e = poster.ui->enqueue_claim(Claim{id, key.day, key.room, key.start, "Bench session", "Bench", ""})) {
      std::printf("  enqueue failed: %s\n", e->message.c_str());
      continue;
    }
    poster.worker->kick();
    std::vector<bool> done(kiosks.size(), false);
    double worst = 0;
    const bool ok = wait_for(
        [&] {
          bool all = true;
          for (std::size_t i = 0; i < kiosks.size(); ++i) {
            if (done[i]) continue;
            Kiosk& k = *kiosks[i];
            if (k.board_events.load() == seen[i]) {
              all = false;
              continue;
            }
            seen[i] = k.board_events.load();
            const auto cell = k.ui->cell(key);
            if (cell && cell->claim_id == id) {
              std::lock_guard lock(k.mutex);
              const double t = ms(k.last_event - t0);
              done[i] = true;
              if (&k != &poster) {
                per_replica.push_back(t);
                worst = std::max(worst, t);
              }
            } else {
              all = false;
            }
          }
          return all;
        },
        std::chrono::seconds(30));
    if (!ok) std::printf("  claim %d did not reach every replica within 30 s\n", c);
    all_applied.push_back(worst);
  }
  std::printf("  propagation, tap -> every other replica applied (%d claims): p50 %.1f ms  p99 %.1f ms  max %.1f ms\n",
              claims, percentile(all_applied, 50), percentile(all_applied, 99), percentile(all_applied, 100));
  std::printf("  propagation, per replica (%zu samples): p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", per_replica.size(),
              percentile(per_replica, 50), percentile(per_replica, 99), percentile(per_replica, 100));

  // [SECTION] 2. Outage
  node.kill9();
  std::vector<std::string> outage_ids;
  for (auto& k : kiosks) {
    const CellKey key = cells.take();
    const std::string id = "bench-out-" + k->id;
    if (auto e = k->ui->enqueue_claim(Claim{id, key.day, key.room, key.start, "Offline session", "Bench", ""}))
      std::printf("  enqueue failed: %s\n", e->message.c_str());
    else outage_ids.push_back(id);
    k->worker->kick();
  }
  // The outage itself is the scenario being measured: the node stays down this long.
  std::this_thread::sleep_for(std::chrono::seconds(outage_s));
  int offline = 0;
  for (auto& k : kiosks) offline += k->worker->status().state == ConnectionState::Offline;
  node.restart();
  const auto t_back = Clock::now();
  const bool drained = wait_for(
      [&] {
        for (auto& k : kiosks)
          if (k->ui->outbox_size() != 0) return false;
        return true;
      },
      std::chrono::seconds(120));
  const double drain_ms = ms(Clock::now() - t_back);
  const bool all_online = wait_for(
      [&] {
        for (auto& k : kiosks)
          if (k->worker->status().state != ConnectionState::Online) return false;
        return true;
      },
      std::chrono::seconds(60));
  const double online_ms = ms(Clock::now() - t_back);

  // Nothing lost, nothing duplicated: every claim once on the node, none archived, none lost locally.
  const auto board = node.get("/api/v1/board").json();
  std::map<std::string, int> on_board;
  for (const auto& c : board["cells"]) on_board[c.value("claim_id", "")]++;
  int missing = 0, duplicated = 0, archived = 0, lost_locally = 0;
  for (const auto& id : outage_ids) {
    const int k = on_board.count(id) ? on_board[id] : 0;
    missing += k == 0;
    duplicated += k > 1;
  }
  const std::string staff = node.staff_token();
  for (const auto& day : no.days) {
    const auto a = node.get("/api/v1/archive?day=" + day, staff).json();
    archived += static_cast<int>(a["claims"].size());
  }
  for (auto& k : kiosks) lost_locally += static_cast<int>(k->ui->lost_claims(false).size());
  std::printf("  outage %d s: %d/%d kiosks showed Offline; outboxes empty %.0f ms after the node came back%s; all Online after %.0f ms%s\n",
              outage_s, offline, n, drain_ms, drained ? "" : " (TIMED OUT)", online_ms, all_online ? "" : " (TIMED OUT)");
  std::printf("  outage claims: %zu made, %d missing on the node, %d duplicated, %d in the archive, %d lost at kiosks\n",
              outage_ids.size(), missing, duplicated, archived, lost_locally);
  std::fflush(stdout);
  for (auto& k : kiosks) k->worker->stop();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {10, 50, 100};
  int claims = 30;
  int outage_s = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--kiosks") {
      sizes.clear();
      std::stringstream ss(argv[i + 1]);
      for (std::string x; std::getline(ss, x, ',');) sizes.push_back(std::stoi(x));
    } else if (a == "--claims") {
      claims = std::stoi(argv[i + 1]);
    } else if (a == "--outage-s") {
      outage_s = std::stoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: sync_bench [--kiosks 10,50,100] [--claims 30] [--outage-s 60]\n");
      return 2;
    }
  }
  for (int n : sizes) {
    if (n < 2 || n > 200) {
      std::fprintf(stderr, "--kiosks: each size must be 2..200\n");
      return 2;
    }
    run(n, claims, outage_s);
  }
  return 0;
}
