// Web view and exports benchmark: rendering the phone page, the calendar and the CSV for a full
// board, then the same pages through a real node over HTTP, and an online backup of its database.
//   web_bench [--rooms R] [--slots S] [--days D] [--requests N]
// Prints one markdown table; results go to docs/benchmarks.md ("Web view and exports").
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "codec/codec.hpp"
#include "web/ics.hpp"
#include "web/web_view.hpp"
#include "support/node_harness.hpp"

using namespace osb;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  double p50 = 0, p99 = 0, max = 0;
};

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5))]; };
  return {at(0.5), at(0.99), ms.back()};
}

template <class F>
std::vector<double> time_n(int n, F&& f) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    f();
    out.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return out;
}

// Takes the samples first: the size is only known after the timed calls ran.
void row(const char* what, const std::vector<double>& samples, const std::size_t& bytes) {
  const Stats s = stats(samples);
  std::printf("| %s | %.2f ms | %.2f ms | %.2f ms | %.1f KiB |\n", what, s.p50, s.p99, s.max, bytes / 1024.0);
}

std::string title_for(int i) {
  static const char* titles[] = {"Packaging BoF", "Async IO Q&A", "Type hints; in practice", "Σοφία's testing circle",
                                 "Юлия: Rust for Pythonistas"};
  return std::string(titles[i % 5]) + " #" + std::to_string(i);
}

}  // namespace

int main(int argc, char** argv) {
  int rooms = 10, slots = 10, days = 5, requests = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const int v = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rooms")) rooms = v;
    else if (!std::strcmp(argv[i], "--slots")) slots = v;
    else if (!std::strcmp(argv[i], "--days")) days = v;
    else if (!std::strcmp(argv[i], "--requests")) requests = v;
  }
  rooms = std::clamp(rooms, 1, 26), slots = std::clamp(slots, 1, 23), days = std::clamp(days, 1, 30);

  test::NodeOptions o;
  o.rooms.clear();
  for (int r = 0; r < rooms; ++r) o.rooms.push_back(std::string(1, char('A' + r)));
  o.slots.clear();
  for (int s = 0; s < slots; ++s) o.slots.push_back({format_hhmm((s) * 60), format_hhmm((s + 1) * 60)});
  for (int d = 1; d <= days; ++d) o.days.push_back(test::local_day(d));
  o.extra_kiosks = 0;
  test::NodeHarness node(o);

  // Every cell claimed, through import-claims (the API's 30 claims a minute per kiosk would make
  // filling a big board slow).
  std::string claims = "[";
  int n = 0;
  for (const auto& day : o.days)
    for (const auto& room : o.rooms)
      for (const auto& [start, end] : o.slots) {
        (void)end;
        claims += (n ? "," : "") + nlohmann::json{{"claim_id", "bench-" + std::to_string(100000 + n)}, {"day", day}, {"room", room},
                                                  {"start", start}, {"title", title_for(n)}, {"host", "José " + std::to_string(n)},
                                                  {"description", "Bring questions, code, and a friend."}}
                                                  .dump();
        ++n;
      }
  claims += "]";
  std::ofstream(node.dir() + "/claims.json") << claims;
  const std::string bin = OPENSPACE_BINARY_DIR "/app/node/openspace-node";
  if (std::system((bin + " import-claims --config " + node.config_path() + " " + node.dir() + "/claims.json >/dev/null").c_str()) != 0) {
    std::fprintf(stderr, "web_bench: import-claims failed\n");
    return 1;
  }

  // In-process rendering from the board the node serves.
  const auto board_json = node.get("/api/v1/board").body;
  const auto decoded = json::decode_board(board_json);
  if (!std::holds_alternative<Board>(decoded)) {
    std::fprintf(stderr, "web_bench: cannot read the board\n");
    return 1;
  }
  const Board& board = std::get<Board>(decoded);
  std::vector<Cell> claimed;
  for (const auto& c : board.cells)
    if (c.state == CellState::Claimed) claimed.push_back(c);
  const LocalTime now{o.days[0], 11 * 60, 0};
  const VenueClock clock("");

  std::printf("board: %d rooms x %d slots x %d days = %zu cells, %zu claimed; %d repetitions each\n\n", rooms, slots, days,
              board.cells.size(), claimed.size(), requests);
  std::printf("| what | p50 | p99 | max | size |\n| --- | --- | --- | --- | --- |\n");
  std::string page, cal, table;
  auto t = time_n(requests, [&] { page = web::board_page(board, "", now); });
  row("board_page (one day)", t, page.size());
  t = time_n(requests, [&] { cal = ics::calendar(board.event, claimed, clock, "http://node:8080"); });
  row("calendar (all claims)", t, cal.size());
  t = time_n(requests, [&] { table = ics::csv(board.event, claimed); });
  row("csv (all claims)", t, table.size());

  // Through the node: HTTP/1.1 on loopback, a new connection per request as a phone would.
  std::size_t bytes = 0;
  t = time_n(requests, [&] { bytes = node.get("/").body.size(); });
  row("GET / over HTTP", t, bytes);
  t = time_n(requests, [&] { bytes = node.get("/calendar.ics").body.size(); });
  row("GET /calendar.ics over HTTP", t, bytes);
  t = time_n(requests, [&] { bytes = node.get("/s/bench-100000").body.size(); });
  row("GET /s/{id} over HTTP", t, bytes);

  // One online backup while the node serves.
  const auto backup = time_n(1, [&] {
    if (std::system((bin + " backup --config " + node.config_path() + " >/dev/null").c_str()) != 0)
      std::fprintf(stderr, "web_bench: backup failed\n");
  });
  std::size_t db_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(node.dir() + "/backups")) db_bytes = e.file_size();
  row("openspace-node backup (whole process)", backup, db_bytes);
  return 0;
}
