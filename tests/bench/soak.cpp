// Soak: one real openspace-node, K simulated kiosks (a replica file + a SyncWorker each), a
// steady claim load from the kiosks and a staff reset of a day now and then, for N seconds.
// Samples the node's RSS every second. At the end it checks:
//   - no 5xx answers (the node's own /metrics), no kiosk ever seen not Online (a transport error
//     turns it Reconnecting) and no failed staff call;
//   - every kiosk claim was either delivered or lost (never stuck), outboxes empty;
//   - every replica equals the node's board (same cells, same seq), the change log is gapless
//     and no claim was applied twice;
//   - the node's RSS stayed flat (last <= 1.25 x the sample after warm-up + 16 MiB).
// Exit 0 when all hold, 1 otherwise. Usage: soak [--seconds N] [--kiosks K] (scripts/soak runs it).
//
// Index of this file:
// [SECTION] Options and small helpers
// [SECTION] The run: start, load, sample
// [SECTION] The end: drain and check
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../faults/fault_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace osb::test::faults;
using Clock = std::chrono::steady_clock;

namespace {

// [SECTION] Options and small helpers

struct Options {
  int seconds = 600;
  int kiosks = 100;
  int claims_per_second = 10;  // across all kiosks; the node allows 30 a minute per kiosk
  int reset_every_s = 20;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return std::stoi(argv[++i]);
    };
    if (a == "--seconds") o.seconds = value();
    else if (a == "--kiosks") o.kiosks = value();
    else if (a == "--claims-per-second") o.claims_per_second = value();
    else if (a == "--reset-every") o.reset_every_s = value();
    else throw std::invalid_argument("unknown option " + a);
  }
  o.kiosks = std::clamp(o.kiosks, 1, 200);
  o.seconds = std::max(o.seconds, 5);
  return o;
}

// Resident set size of a process in KiB (VmRSS), 0 when unknown.
long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// Sum of openspace_requests_total with a 5xx status.
long long server_errors(int port) {
  const auto r = http_call(port, "GET", "/metrics");
  long long n = 0;
  std::size_t at = 0;
  while ((at = r.body.find("status=\"5", at)) != std::string::npos) {
    const auto space = r.body.find("} ", at);
    if (space == std::string::npos) break;
    n += std::stoll(r.body.substr(space + 2));
    at = space;
  }
  return n;
}

struct Kiosk {
  std::unique_ptr<SimKiosk> sim;
  std::atomic<int> enqueued{0};
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  try {
    opt = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak: %s\nusage: soak [--seconds N] [--kiosks K] [--claims-per-second C] [--reset-every S]\n", e.what());
    return 2;
  }

  // [SECTION] The run: start, load, sample
  NodeOptions no;
  no.days = {local_day(1), local_day(2), local_day(3)};
  no.rooms.clear();
  for (int r = 0; r < 20; ++r) no.rooms.push_back("R" + std::to_string(r));
  no.slots.clear();
  for (int s = 0; s < 10; ++s) no.slots.push_back({format_hhmm((8 + s) * 60), format_hhmm((9 + s) * 60)});
  no.extra_kiosks = opt.kiosks;
  NodeHarness node(no);
  TempDir dir;
  std::printf("soak: node pid %d on %s, %d kiosks, %d s, %d claims/s, a day reset every %d s\n", node.pid(), node.url().c_str(),
              opt.kiosks, opt.seconds, opt.claims_per_second, opt.reset_every_s);
  std::fflush(stdout);

  std::vector<std::unique_ptr<Kiosk>> kiosks;
  for (int i = 1; i <= opt.kiosks; ++i) {
    const std::string id = "kiosk-" + std::to_string(i);
    SyncOptions so;
    so.node_url = node.url();
    so.token = node.token(id);
    so.version = "soak";
    auto k = std::make_unique<Kiosk>();
    k->sim = std::make_unique<SimKiosk>(id, dir.file(id + ".db"), so);
    kiosks.push_back(std::move(k));
  }
  for (auto& k : kiosks) k->sim->worker->start();
  if (!wait_until(
          [&] {
            for (auto& k : kiosks)
              if (!k->sim->screen->has_board()) return false;
            return true;
          },
          std::chrono::seconds(60))) {
    std::printf("soak: FAIL not every kiosk got a board within 60 s\n");
    return 1;
  }

  std::vector<CellKey> cells;
  for (const auto& d : no.days)
    for (const auto& r : no.rooms)
      for (const auto& [s, e] : no.slots) cells.push_back({d, r, s});

  std::atomic<bool> running{true};
  std::atomic<long long> staff_errors{0}, resets{0}, offline_samples{0};
  std::vector<long> rss;
  const auto t0 = Clock::now();
  const auto end = t0 + std::chrono::seconds(opt.seconds);

  // The claim load: a random kiosk taps a random cell its screen shows open.
  std::thread load([&] {
    std::mt19937 rng(12345);
    const auto period = std::chrono::microseconds(1'000'000 / std::max(1, opt.claims_per_second));
    auto next = Clock::now();
    long n = 0;
    while (running) {
      next += period;
      std::this_thread::sleep_until(next);
      Kiosk& k = *kiosks[rng() % kiosks.size()];
      const CellKey key = cells[rng() % cells.size()];
      const auto c = k.sim->screen->cell(key);
      if (!c || c->state != CellState::Open) continue;
      const std::string id = "soak-" + k.sim->id + "-" + std::to_string(n++);
      if (!k.sim->screen->enqueue_claim(Claim{id, key.day, key.room, key.start, "Soak session " + std::to_string(n), "Soak", ""})) {
        ++k.enqueued;
        k.sim->worker->kick();
      }
    }
  });

  // Staff: reset one day now and then (cells free up, every kiosk gets a big change batch).
  std::thread staff([&] {
    std::string token;
    std::size_t day = 0;
    auto next = Clock::now() + std::chrono::seconds(opt.reset_every_s);
    while (running) {
      if (!wait_until([&] { return !running || Clock::now() >= next; }, std::chrono::seconds(opt.reset_every_s + 1))) continue;
      if (!running) break;
      next += std::chrono::seconds(opt.reset_every_s);
      if (token.empty()) {
        const auto r = http_call(node.port(), "POST", "/api/v1/staff/session", std::string("{\"pin\":\"") + kStaffPin + "\"}");
        if (r.status != 200) {
          ++staff_errors;
          continue;
        }
        token = r.json()["token"].get<std::string>();
      }
      const auto r = http_call(node.port(), "POST", "/api/v1/days/" + no.days[day++ % no.days.size()] + "/reset", "{}", token);
      if (r.status == 200) ++resets;
      else ++staff_errors;
    }
  });

  // Once a second: the node's RSS and how many kiosks are not Online.
  while (Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    rss.push_back(rss_kib(node.pid()));
    for (auto& k : kiosks) offline_samples += k->sim->worker->status().state != ConnectionState::Online;
    const long elapsed = static_cast<long>(rss.size());
    if (elapsed % 60 == 0) {
      std::printf("soak: %4ld s  rss %ld KiB  resets %lld\n", elapsed, rss.back(), resets.load());
      std::fflush(stdout);
    }
  }
  running = false;
  load.join();
  staff.join();

  // [SECTION] The end: drain and check
  bool ok = true;
  auto fail = [&](const std::string& why) {
    std::printf("soak: FAIL %s\n", why.c_str());
    ok = false;
  };
  const bool drained = wait_until(
      [&] {
        for (auto& k : kiosks)
          if (k->sim->screen->outbox_size() != 0) return false;
        return true;
      },
      std::chrono::seconds(60));
  if (!drained) fail("outboxes not empty 60 s after the load stopped");
  const bool converged = wait_until(
      [&] {
        const Board b = node_board(node.port());
        for (auto& k : kiosks)
          if (!replica_equals_board(*k->sim->screen, b)) return false;
        return true;
      },
      std::chrono::seconds(60));
  if (!converged) fail("some replica differs from the node's board 60 s after the load stopped");

  long long enqueued = 0, delivered = 0, lost = 0;
  for (auto& k : kiosks) {
    enqueued += k->enqueued;
    delivered += k->sim->delivered;
    lost += k->sim->lost;
  }
  if (delivered + lost != enqueued)
    fail("claims enqueued " + std::to_string(enqueued) + " != delivered " + std::to_string(delivered) + " + lost " +
         std::to_string(lost));
  const long long fivexx = server_errors(node.port());
  if (fivexx != 0) fail(std::to_string(fivexx) + " answers with a 5xx status");
  if (offline_samples != 0) fail(std::to_string(offline_samples.load()) + " kiosk-seconds not Online (transport errors)");
  if (staff_errors != 0) fail(std::to_string(staff_errors.load()) + " failed staff calls");
  const ChangeLog log = read_change_log(node.db_path());
  if (!log.gapless()) fail("the change log has a hole");
  for (const auto& [id, n] : log.claim_changes)
    if (n != 1) fail(id + " applied " + std::to_string(n) + " times");

  const std::size_t warm = std::min<std::size_t>(rss.size() - 1, std::max<std::size_t>(5, rss.size() / 10));
  const long first = rss[warm], last = rss.back(), peak = *std::max_element(rss.begin(), rss.end());
  if (last > first + first / 4 + 16 * 1024) fail("node RSS grew from " + std::to_string(first) + " to " + std::to_string(last) + " KiB");
  for (auto& k : kiosks) k->sim->worker->stop();
  const int node_exit = node.stop();
  if (node_exit != 0) fail("the node exited with " + std::to_string(node_exit) + " on SIGTERM");

  std::printf("soak: %d s, %d kiosks: %lld claims (%lld delivered, %lld lost to a race), %lld day resets, seq %lld\n",
              opt.seconds, opt.kiosks, enqueued, delivered, lost, resets.load(), static_cast<long long>(log.meta_seq));
  std::printf("soak: 5xx answers %lld, failed staff calls %lld, kiosk-seconds not Online %lld\n", fivexx, staff_errors.load(),
              offline_samples.load());
  std::printf("soak: node RSS KiB: first %ld (after %zu s warm-up), last %ld, max %ld\n", first, warm + 1, last, peak);
  std::printf("soak: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
