// The board grid: what each cell says, which cells open the dialog, long text kept inside its
// cell, sideways drag, own room first, portrait, night.
#include "ui_harness.hpp"

#include "core/text.hpp"

using namespace osb;
using namespace osb::test;

namespace {
const std::string kDay = "2030-03-11";
}

TEST_CASE("past, blocked, claimed and sending cells do not open the claim dialog") {
  UiHarness h;
  h.view.now = {kDay, 11 * 60 + 30, 0};  // 10:00 is past, 11:00 runs
  Cell& blocked = cell_of(h.view.board, kDay, "B", "14:00");
  blocked.state = CellState::Blocked;
  blocked.label = "Lightning talks";
  Cell& claimed = cell_of(h.view.board, kDay, "A", "11:00");
  claimed.state = CellState::Claimed;
  claimed.title = "Packaging BoF";
  claimed.host = "José";
  claimed.claim_id = "x-00000001";
  h.view.pending.push_back(Claim{"room-b-pending1", kDay, "C", "14:00", "Queued talk", "Ann", ""});
  h.frame();
  h.tap_button("earlier today");  // the past slot is folded away until asked for
  CHECK(dbg::cell_caption(h.state, {kDay, "B", "10:00"}) == "Past");
  CHECK(dbg::cell_caption(h.state, {kDay, "B", "14:00"}) == "Blocked");
  CHECK(dbg::cell_caption(h.state, {kDay, "A", "11:00"}) == "Claimed");
  CHECK(dbg::cell_caption(h.state, {kDay, "C", "14:00"}) == "Sending…");
  CHECK(dbg::cell_caption(h.state, {kDay, "B", "11:00"}) == "Tap to claim");
  for (const CellKey& k : {CellKey{kDay, "B", "10:00"}, CellKey{kDay, "B", "14:00"}, CellKey{kDay, "A", "11:00"},
                           CellKey{kDay, "C", "14:00"}}) {
    h.tap_cell(k);
    INFO(k.room << " " << k.start);
    if (k.room == "A") {
      // A claimed cell opens its detail ("I'll come"), never the claim dialog.
      CHECK(dbg::screen(h.state) == dbg::Screen::Session);
      h.tap_button("Close");
    }
    CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  }
  // The words drawn say it, not just the colour.
  bool blocked_words = false;
  for (const auto& t : dbg::cell_texts(h.state, {kDay, "B", "14:00"}))
    blocked_words |= t.text.rfind("Blocked: ", 0) == 0;
  CHECK(blocked_words);
  bool host = false;
  for (const auto& t : dbg::cell_texts(h.state, {kDay, "A", "11:00"})) host |= t.text == "by José";
  CHECK(host);
}

TEST_CASE("this kiosk's room comes first") {
  UiHarness h;
  h.frame();
  auto own = dbg::cell_rect(h.state, {kDay, "B", "10:00"});
  auto a = dbg::cell_rect(h.state, {kDay, "A", "10:00"});
  REQUIRE(own);
  REQUIRE(a);
  CHECK(own->x < a->x);
}

TEST_CASE("long Cyrillic and Greek titles are shortened with … inside their cell") {
  UiHarness h;
  Cell& c = cell_of(h.view.board, kDay, "A", "14:00");
  c.state = CellState::Claimed;
  c.title = "Очень длинное название сессии о распределённых системах, базах данных и согласованности";
  c.host = "Александра Константинопольская-Преображенская";
  c.claim_id = "x-00000002";
  Cell& g = cell_of(h.view.board, kDay, "C", "14:00");
  g.state = CellState::Claimed;
  g.title = "Συζήτηση για την ασύγχρονη προγραμματιστική και τις δοκιμές λογισμικού";
  g.host = "Σοφία";
  g.claim_id = "x-00000003";
  for (auto [w, hgt] : {std::pair{1920.f, 1080.f}, std::pair{1080.f, 1920.f}}) {
    ImGui::GetIO().DisplaySize = ImVec2(w, hgt);
    h.frame();
    for (const CellKey& k : {CellKey{kDay, "A", "14:00"}, CellKey{kDay, "C", "14:00"}}) {
      auto r = dbg::cell_rect(h.state, k);
      if (!r) continue;  // scrolled out of view in portrait
      auto texts = dbg::cell_texts(h.state, k);
      REQUIRE(texts.size() >= 2);
      bool shortened = false;
      for (const auto& t : texts) {
        INFO(t.text);
        CHECK(t.box.x >= r->x);
        CHECK(t.box.x + t.box.w <= r->x + r->w);
        CHECK(is_valid_utf8(t.text));
        shortened |= t.text.size() >= 3 && t.text.substr(t.text.size() - 3) == "…";
      }
      CHECK(shortened);
    }
  }
}

TEST_CASE("dragging scrolls the rooms sideways and does not claim") {
  UiHarness h;
  Event e = sample_event();
  for (int i = 0; i < 6; ++i) e.rooms.push_back({"R" + std::to_string(i), "Extra " + std::to_string(i), ""});
  h.view.board = open_board(e);
  h.frame();
  const CellKey fourth{kDay, "R0", "11:00"};
  const CellKey last{kDay, "R5", "11:00"};
  auto before = dbg::cell_rect(h.state, fourth);
  REQUIRE(before);
  CHECK_FALSE(dbg::cell_rect(h.state, last));  // off to the right
  h.drag(1800, 600, 200, 610);
  CHECK(dbg::scroll_x(h.state) > 700);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  auto after = dbg::cell_rect(h.state, fourth);
  REQUIRE(after);
  CHECK(after->x < before->x - 700);
  CHECK(dbg::cell_rect(h.state, last));
  // The idle timeout scrolls back home.
  h.frame(std::chrono::seconds(61));
  h.frame();
  CHECK(dbg::scroll_x(h.state) == 0);
}

TEST_CASE("day tabs switch the board, and idle returns to today") {
  UiHarness h;
  h.frame();
  CHECK(dbg::selected_day(h.state) == kDay);
  h.tap_button("day 2030-03-12");
  CHECK(dbg::selected_day(h.state) == "2030-03-12");
  CHECK(dbg::cell_rect(h.state, {"2030-03-12", "B", "10:00"}));
  h.frame(std::chrono::seconds(61));
  h.frame();
  CHECK(dbg::selected_day(h.state) == kDay);
}

TEST_CASE("portrait lays the grid out inside the screen with readable columns") {
  UiHarness h(1080, 1920);
  h.frame();
  auto own = dbg::cell_rect(h.state, {kDay, "B", "10:00"});
  REQUIRE(own);
  CHECK(own->w >= 280);
  CHECK(own->h >= 96);
  CHECK(own->x >= 24);
  h.tap_cell({kDay, "B", "14:00"});
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
}

TEST_CASE("the screen dims at night and the first touch wakes it") {
  UiHarness h;
  h.view.now = {kDay, 22 * 60, 0};  // every slot of today is over
  h.frame();
  CHECK_FALSE(dbg::dimmed(h.state));  // just started: someone may be looking
  h.frame(std::chrono::seconds(120));
  CHECK(dbg::dimmed(h.state));
  CHECK(dbg::selected_day(h.state) == "2030-03-12");  // the next day's board
  auto cell = dbg::cell_rect(h.state, {"2030-03-12", "B", "11:00"});
  REQUIRE(cell);
  h.tap(*cell);
  CHECK_FALSE(dbg::dimmed(h.state));
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);  // waking is not claiming
  h.tap(*cell);
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
}

TEST_CASE("no board yet: a sentence, no crash, no cells") {
  UiHarness h;
  h.view.has_board = false;
  h.view.board = Board{};
  h.frames(3);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK_FALSE(dbg::cell_rect(h.state, {kDay, "B", "10:00"}));
}

TEST_CASE("the configured night window dims the screen even while slots remain") {
  UiHarness h;
  h.config.night_start = "09:00";  // a venue that wants the screens dark in the morning
  h.config.night_end = "10:30";
  h.view.now = {kDay, 9 * 60 + 30, 0};
  h.frame();
  h.frame(std::chrono::seconds(120));
  CHECK(dbg::dimmed(h.state));
  h.view.now = {kDay, 10 * 60 + 30, 0};  // the window has ended; today's slots still run
  h.frame(std::chrono::seconds(1));
  CHECK_FALSE(dbg::dimmed(h.state));
}
