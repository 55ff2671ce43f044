// The status bar's connection words: offline said plainly, in landscape and portrait.
#include "ui_harness.hpp"

using namespace osb;
using namespace osb::test;

namespace {
const std::string kPromise = "claims are saved on this board and sent when the network is back";
}

TEST_CASE("with no answer from the node the bar says Offline and what happens to claims, from the first frame") {
  for (const auto& [w, hgt] : {std::pair{1920.0f, 1080.0f}, std::pair{1080.0f, 1920.0f}}) {
    CAPTURE(w);
    UiHarness h(w, hgt);
    h.view.connection = ui::Connection::Offline;  // a kiosk started with the node down
    h.view.offline_since.clear();                 // since when is not known yet
    h.view.lag_ms = -1;
    h.frame();
    CHECK(dbg::status_line(h.state) == "○ Offline");
    CHECK(dbg::offline_banner(h.state) == "○ Offline — " + kPromise + ".");
    // Since when, once known; with the age of the board.
    h.view.offline_since = "14:05";
    h.view.lag_ms = 12 * 60 * 1000;
    h.frame();
    CHECK(dbg::status_line(h.state) == "○ Offline since 14:05");
    CHECK(dbg::offline_banner(h.state) == "○ Offline since 14:05 — " + kPromise + ". Last update 12 min ago.");
    CHECK(dbg::offline_banner(h.state).find("…") == std::string::npos);  // nothing cut off
  }
}

TEST_CASE("Reconnecting shows no banner, and Online none either") {
  UiHarness h;
  h.view.connection = ui::Connection::Reconnecting;
  h.frame();
  CHECK(dbg::status_line(h.state) == "◐ Reconnecting…");
  CHECK(dbg::offline_banner(h.state).empty());
  h.view.connection = ui::Connection::Online;
  h.frame();
  CHECK(dbg::status_line(h.state) == "● Online");
  CHECK(dbg::offline_banner(h.state).empty());
}
