// Frame cost of the kiosk screens, headless (no renderer): draw_kiosk + ImGui::Render on a large
// board (12 rooms x 10 slots, long multilingual titles), at landscape and portrait sizes.
// Run: build-<name>/tests/ui/ui_bench [frames]   Prints one line per screen.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

// The harness's doctest assertions are not used here (they need a test run); only its frames.
#define DOCTEST_CONFIG_IMPLEMENT
#include "ui_harness.hpp"

using namespace osb;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

Event big_event() {
  Event e = test::sample_event({"2030-03-11", "2030-03-12", "2030-03-13"});
  e.rooms.clear();
  for (int i = 0; i < 12; ++i) e.rooms.push_back({"R" + std::to_string(i), "Room " + std::string(1, char('A' + i)), "Level 2"});
  e.slots.clear();
  for (int h = 9; h < 19; ++h) e.slots.push_back({h * 60, h * 60 + 60});
  return e;
}

void fill(Board& b) {
  const char* titles[] = {"Packaging BoF", "Очень длинное название сессии о распределённых системах",
                          "Συζήτηση για την ασύγχρονη προγραμματιστική", "Testing with hypothesis in practice"};
  int i = 0;
  for (Cell& c : b.cells) {
    if (++i % 3 == 0) continue;
    c.state = i % 11 == 0 ? CellState::Blocked : CellState::Claimed;
    c.title = titles[i % 4];
    c.host = "Александра";
    c.label = "Lightning talks";
    c.claim_id = "bench-" + std::to_string(100000 + i);
  }
}

void report(const char* name, std::vector<double>& ms) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double m : ms) sum += m;
  std::printf("%-28s frames %4zu  mean %6.3f ms  median %6.3f ms  p95 %6.3f ms  max %6.3f ms\n", name, ms.size(),
              sum / static_cast<double>(ms.size()), ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back());
}

template <class Setup>
void bench(const char* name, float w, float h, int frames, Setup setup) {
  test::UiHarness harness(w, h);
  harness.view.board = test::open_board(big_event());
  fill(harness.view.board);
  harness.view.now = {"2030-03-11", 13 * 60 + 20, 0};
  harness.frame();
  setup(harness);
  std::vector<double> ms;
  for (int i = 0; i < frames; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    harness.frame();
    ms.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
  }
  report(name, ms);
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::max(10, std::atoi(argv[1])) : 300;
  {
    test::UiHarness h;
    std::printf("font atlas %dx%d: %.1f MB as RGBA32, %.1f MB as alpha8\n", h.atlas_w, h.atlas_h,
                h.atlas_w * h.atlas_h * 4 / 1048576.0, h.atlas_w * h.atlas_h / 1048576.0);
  }
  auto none = [](test::UiHarness&) {};
  auto claim = [](test::UiHarness& h) {
    if (auto r = ui::debug::cell_rect(h.state, {"2030-03-11", "R0", "15:00"})) h.tap(*r);
    h.type("Ёжики и ежевика");
  };
  auto hallway = [](test::UiHarness& h) { h.view.mode = ui::Mode::Hallway; };
  bench("board 1920x1080", 1920, 1080, frames, none);
  bench("board 1080x1920", 1080, 1920, frames, none);
  bench("claim dialog 1920x1080", 1920, 1080, frames, claim);
  bench("claim dialog 1080x1920", 1080, 1920, frames, claim);
  bench("hallway 1920x1080", 1920, 1080, frames, hallway);
  return 0;
}
