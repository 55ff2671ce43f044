// Node benchmark (run by tests/bench/node.sh; not a CTest test). Against the REAL openspace-node
// binary on 127.0.0.1 (tests/support/node_harness.hpp):
//   1. durable SQLite commits/s on the same disk (one row per IMMEDIATE transaction, WAL,
//      synchronous=FULL) — the ceiling for claims;
//   2. claims/s through HTTP (N client threads, keep-alive, every claim a 201);
//   3. GET /api/v1/board req/s with wrk on a 20-room x 10-slot x 3-day board;
//   4. P long-polls held on /api/v1/changes while claims go on: time from sending a claim until
//      each poller has its answer (p50 / p99 / max), and the node's RSS while they are held.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite.hpp"
#ifdef OPENSPACE_HAVE_POSTGRES
#include <libpq-fe.h>
#include <unistd.h>
#endif
#include <cstdlib>
#include <stdexcept>
#include "support/node_harness.hpp"

using osb::test::NodeHarness;
using osb::test::NodeOptions;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

NodeOptions board_20x10x3() {
  NodeOptions o;
  o.days = {osb::test::local_day(1), osb::test::local_day(2), osb::test::local_day(3)};
  o.rooms.clear();
  for (int i = 1; i <= 20; ++i) o.rooms.push_back("R" + std::to_string(i));
  o.slots.clear();
  for (int h = 8; h < 18; ++h) {
    char s[8], e[8];
    std::snprintf(s, sizeof s, "%02d:00", h);
    std::snprintf(e, sizeof e, "%02d:00", h + 1);
    o.slots.emplace_back(s, e);
  }
  o.extra_kiosks = 200;
  // Every client of this bench comes from 127.0.0.1: lift the per-address caps (tests/bench/venue.sh
  // measures the node with phones spread over many addresses and the default caps).
  o.extra_node_toml = "\n[limits]\nconnections_per_address = 4000\nlong_polls_per_address = 4000\n";
  return o;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// [SECTION] 1. Raw durable commits
double raw_commits_per_s(const std::string& dir, int n) {
  osb::Database db(dir + "/raw.db");
  db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    osb::Transaction tx(db);
    db.prepare("INSERT INTO t(v) VALUES (?)").bind(1, std::string("claim payload ") + std::to_string(i)).run();
    tx.commit();
  }
  return n / seconds_since(t0);
}

// [SECTION] 2. Claims through HTTP
double claims_per_s(NodeHarness& node, int threads) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cells;  // day, (room, start)
  for (const auto& d : node.days())
    for (const auto& r : node.options().rooms)
      for (const auto& s : node.options().slots) cells.push_back({d, {r, s.first}});
  std::atomic<std::size_t> next{0};
  std::atomic<int> ok{0}, bad{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      httplib::Client cli("127.0.0.1", node.port());
      cli.set_keep_alive(true);
      // As libcurl does for the kiosks: without it the request's header and body segments wait
      // on the node's delayed ACK (Nagle), about 40 ms a claim whatever the store.
      cli.set_tcp_nodelay(true);
      // A kiosk token each (30 claims a minute per token): spread over the 200 harness kiosks.
      int sent = 0;
      for (std::size_t i; (i = next++) < cells.size();) {
        const std::string tok = node.token("kiosk-" + std::to_string((t * 25 + sent / 25) % 200 + 1));
        ++sent;
        const auto& c = cells[i];
        const auto body = NodeHarness::claim_body("bench-claim-" + std::to_string(i), c.first, c.second.first, c.second.second);
        auto r = cli.Post("/api/v1/claims", {{"Authorization", "Bearer " + tok}}, body, "application/json");
        if (r && r->status == 201) ++ok;
        else ++bad;
      }
    });
  for (auto& th : pool) th.join();
  const double s = seconds_since(t0);
  if (bad) std::fprintf(stderr, "claims: %d not 201\n", bad.load());
  return ok / s;
}

// [SECTION] 3. GET /api/v1/board with wrk
std::string wrk_board(const NodeHarness& node, int seconds, int connections) {
  const std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) + "s " + node.url() +
                          "/api/v1/board 2>&1";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  return out;
}

// [SECTION] 4. Long-polls held while claims go on
struct PollResult {
  std::vector<double> wake_ms;
  long rss_kib_held = 0;
  int failures = 0;
};

// Pollers on `node`; the claim goes through `claimer` (the same node, or another node process
// over the same PostgreSQL board).
PollResult long_polls(NodeHarness& node, int pollers, int rounds, NodeHarness* claimer = nullptr) {
  PollResult out;
  std::mutex m;
  NodeHarness& via = claimer ? *claimer : node;
  for (int round = 0; round < rounds; ++round) {
    const long long seq = node.get("/api/v1/board").json()["seq"];
    std::atomic<bool> sent{false};
    Clock::time_point t_send;
    std::vector<std::thread> threads;
    std::vector<double> wakes(static_cast<std::size_t>(pollers), -1);
    for (int i = 0; i < pollers; ++i)
      threads.emplace_back([&, i] {
        httplib::Client cli("127.0.0.1", node.port());
        cli.set_read_timeout(40, 0);
        cli.set_connection_timeout(10, 0);
        auto r = cli.Get(("/api/v1/changes?since=" + std::to_string(seq) + "&wait=30").c_str());
        const auto t = Clock::now();
        if (r && r->status == 200 && sent) wakes[static_cast<std::size_t>(i)] = std::chrono::duration<double, std::milli>(t - t_send).count();
      });
    // Wait until the node holds them all (its gauge), then measure RSS and claim.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      const auto body = node.get("/metrics").body;
      if (body.find("openspace_long_polls_held " + std::to_string(pollers) + "\n") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a benchmark's pacing, not a test's synchronisation
    }
    out.rss_kib_held = std::max(out.rss_kib_held, rss_kib(node.pid()));
    t_send = Clock::now();
    sent = true;
    const auto r = via.post("/api/v1/claims",
                            NodeHarness::claim_body("poll-claim-" + std::to_string(round), node.days().at(2), "R1",
                                                    node.options().slots.at(static_cast<std::size_t>(round)).first),
                            node.token("hallway-1"));
    if (r.status != 201) std::fprintf(stderr, "long-poll round %d: claim answered %d\n", round, r.status);
    for (auto& t : threads) t.join();
    std::lock_guard lk(m);
    for (double w : wakes) {
      if (w < 0) ++out.failures;
      else out.wake_ms.push_back(w);
    }
  }
  return out;
}

}  // namespace

#ifdef OPENSPACE_HAVE_POSTGRES
// A new, empty board on the PostgreSQL server of `conninfo`: a schema of its own.
std::string new_pg_board(const std::string& conninfo, int n) {
  const std::string schema = "bench_" + std::to_string(::getpid()) + "_" + std::to_string(n);
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(c));
  PGresult* r = PQexec(c, ("CREATE SCHEMA " + schema).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("CREATE SCHEMA: " + why);
  return conninfo + " options='-c search_path=" + schema + "'";
}
#endif

int main(int argc, char** argv) {
  int pollers = 500, wrk_seconds = 10, claim_threads = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--pollers") pollers = std::stoi(argv[i + 1]);
    else if (a == "--wrk-seconds") wrk_seconds = std::stoi(argv[i + 1]);
    else if (a == "--claim-threads") claim_threads = std::stoi(argv[i + 1]);
  }
  std::string postgres;  // --postgres CONNINFO: the nodes keep the board there (a schema per part)
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--postgres") postgres = argv[i + 1];
  int boards = 0;
  // A fresh board for each part: SQLite in the harness' folder, or a new PostgreSQL schema.
  auto options = [&] {
    NodeOptions o = board_20x10x3();
    if (!postgres.empty()) {
#ifdef OPENSPACE_HAVE_POSTGRES
      o.extra_node_toml += "\n[store]\npostgres = \"" + new_pg_board(postgres, ++boards) + "\"\n";
#else
      std::fprintf(stderr, "node_bench: --postgres needs a build with libpq\n");
      std::exit(2);
#endif
    }
    return o;
  };
  std::printf("store: %s\n", postgres.empty() ? "SQLite (the embedded default)" : ("PostgreSQL: " + postgres).c_str());
  osb::test::TempDir dir;
  const double raw = raw_commits_per_s(dir.path(), 500);
  std::printf("raw SQLite durable commits/s (WAL, synchronous=FULL, same disk): %.0f\n", raw);

  {
    NodeOptions o = options();
    NodeHarness node(o);
    const double claims = claims_per_s(node, claim_threads);
    std::printf("claims/s through HTTP (%d client threads, 600 claims, all 201): %.0f  (%.0f%% of raw)\n", claim_threads, claims,
                100.0 * claims / raw);
  }
  {
    NodeHarness node(options());
    std::printf("board: %zu bytes\n", node.get("/api/v1/board").body.size());
    std::printf("idle node RSS: %ld KiB\n", rss_kib(node.pid()));
    const std::string w = wrk_board(node, wrk_seconds, 64);
    std::printf("wrk GET /api/v1/board (20 rooms x 10 slots x 3 days):\n%s", w.c_str());
    const auto p = long_polls(node, pollers, 5);
    std::printf("%d long-polls held, 5 claims: woken p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu answers, %d missing)\n", pollers,
                percentile(p.wake_ms, 0.5), percentile(p.wake_ms, 0.99), percentile(p.wake_ms, 1.0), p.wake_ms.size(), p.failures);
    std::printf("node RSS with %d long-polls held: %ld KiB\n", pollers, p.rss_kib_held);
  }
  if (!postgres.empty()) {
    // Two node processes over one board: long-polls held by one, claims through the other
    // (woken by the other's NOTIFY).
    NodeOptions o = options();
    NodeHarness a(o);
    NodeHarness b(o);
    const auto p = long_polls(a, pollers, 5, &b);
    std::printf("%d long-polls held on node A, 5 claims through node B: woken p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu answers, %d missing)\n",
                pollers, percentile(p.wake_ms, 0.5), percentile(p.wake_ms, 0.99), percentile(p.wake_ms, 1.0), p.wake_ms.size(),
                p.failures);
  }
  return 0;
}
