// Now always in view: on every board (landscape, portrait, 6, 12 or 16 slots, any time of day)
// the first screen shows the slot running now (or the next one) and at least the two after it;
// today's past slots fold into one "Earlier today" row; what does not fit says so at its edge.
#include "ui_harness.hpp"

#include <algorithm>

using namespace osb;
using namespace osb::test;

namespace {
const std::string kDay = "2030-03-11";

// `n` slots of equal length from 09:00 to 21:00 (6: two hours, 12: one hour, 16: 45 minutes).
Event event_with_slots(int n, int rooms = 3) {
  Event e = sample_event();
  e.slots.clear();
  const int len = 12 * 60 / n;
  for (int i = 0; i < n; ++i) e.slots.push_back({9 * 60 + i * len, 9 * 60 + (i + 1) * len});
  for (int r = 3; r < rooms; ++r) e.rooms.push_back({"R" + std::to_string(r), "Room " + std::to_string(r + 1), ""});
  return e;
}

// The index of the slot running at `minute` (or the next one), -1 when the day is over.
int now_or_next(const Event& e, int minute) {
  for (std::size_t i = 0; i < e.slots.size(); ++i)
    if (e.slots[i].end > minute) return static_cast<int>(i);
  return -1;
}

bool fully_in(const dbg::Rect& outer, const std::optional<dbg::Rect>& r) { return r && outer.contains(*r); }
}  // namespace

TEST_CASE("the first screen shows now (or next) and the two slots after it, past slots folded") {
  for (const auto& [w, hgt] : {std::pair{1920.0f, 1080.0f}, std::pair{1080.0f, 1920.0f}}) {
    for (const int n : {6, 12, 16}) {
      for (const int minute : {8 * 60, 9 * 60 + 10, 13 * 60 + 30, 17 * 60 + 45, 20 * 60 + 33}) {
        CAPTURE(w);
        CAPTURE(n);
        CAPTURE(minute);
        UiHarness h(w, hgt);
        h.view.board = open_board(event_with_slots(n));
        h.view.now = {kDay, minute, 0};
        h.view.connection = ui::Connection::Offline;  // the tallest status bar: the banner too
        h.frame();
        const Event& e = h.view.board.event;
        const int k = now_or_next(e, minute);
        REQUIRE(k >= 0);
        const dbg::Rect grid = dbg::grid_viewport(h.state);
        for (int i = k; i < std::min<int>(k + 3, static_cast<int>(e.slots.size())); ++i) {
          INFO("slot " << format_hhmm(e.slots[static_cast<std::size_t>(i)].start));
          CHECK(fully_in(grid, dbg::cell_rect(h.state, {kDay, "B", format_hhmm(e.slots[static_cast<std::size_t>(i)].start)})));
        }
        if (k > 0) {
          CHECK(dbg::earlier_label(h.state) == "▾ Earlier today · no sessions");
          CHECK_FALSE(dbg::cell_rect(h.state, {kDay, "B", format_hhmm(e.slots[0].start)}));  // folded away
        } else {
          CHECK(dbg::earlier_label(h.state).empty());
        }
        // Slots that do not fit below are announced at the bottom edge.
        const std::size_t last = e.slots.size() - 1;
        const bool last_fits = fully_in(grid, dbg::cell_rect(h.state, {kDay, "B", format_hhmm(e.slots[last].start)}));
        const auto notes = dbg::edge_notes(h.state);
        const bool says_more = std::any_of(notes.begin(), notes.end(),
                                           [](const std::string& s) { return s.find("more slot") != std::string::npos; });
        CHECK(says_more == !last_fits);
      }
    }
  }
}

TEST_CASE("twelve slots at 20:33: the fold counts the sessions and opens on a tap, idle folds it again") {
  UiHarness h;
  h.view.board = open_board(event_with_slots(12));
  for (const char* start : {"10:00", "14:00", "16:00"}) {
    Cell& c = cell_of(h.view.board, kDay, "A", start);
    c.state = CellState::Claimed;
    c.title = "Session at " + std::string(start);
    c.host = "Ann";
    c.claim_id = std::string("id-") + start;
  }
  h.view.now = {kDay, 20 * 60 + 33, 0};
  h.frame();
  CHECK(dbg::earlier_label(h.state) == "▾ Earlier today · 3 sessions");
  CHECK(fully_in(dbg::grid_viewport(h.state), dbg::cell_rect(h.state, {kDay, "B", "20:00"})));
  CHECK_FALSE(dbg::cell_rect(h.state, {kDay, "A", "14:00"}));
  h.tap_button("earlier today");
  CHECK(dbg::earlier_label(h.state) == "▴ Earlier today · 3 sessions");
  CHECK(dbg::cell_caption(h.state, {kDay, "A", "10:00"}) == "Claimed");
  CHECK(dbg::cell_caption(h.state, {kDay, "B", "09:00"}) == "Past");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);  // the tap opened the fold, not a dialog
  h.frame(std::chrono::seconds(61));
  h.frame();
  CHECK(dbg::earlier_label(h.state) == "▾ Earlier today · 3 sessions");
  CHECK_FALSE(dbg::cell_rect(h.state, {kDay, "B", "09:00"}));
}

TEST_CASE("the fold follows the clock") {
  UiHarness h;
  h.view.board = open_board(event_with_slots(12));
  h.view.now = {kDay, 9 * 60 + 30, 0};
  h.frame();
  CHECK(dbg::earlier_label(h.state).empty());
  CHECK(dbg::cell_rect(h.state, {kDay, "B", "09:00"}));
  h.view.now = {kDay, 11 * 60 + 2, 0};
  h.frame();
  CHECK(dbg::earlier_label(h.state) == "▾ Earlier today · no sessions");
  CHECK_FALSE(dbg::cell_rect(h.state, {kDay, "B", "10:00"}));
  const dbg::Rect grid = dbg::grid_viewport(h.state);
  for (const char* start : {"11:00", "12:00", "13:00"}) CHECK(fully_in(grid, dbg::cell_rect(h.state, {kDay, "B", start})));
  // Another day has no past slots: nothing folds there.
  h.tap_button("day 2030-03-12");
  CHECK(dbg::earlier_label(h.state).empty());
  CHECK(dbg::cell_rect(h.state, {"2030-03-12", "B", "09:00"}));
}

TEST_CASE("rooms that do not fit say so at the edge, and the note scrolls to them") {
  UiHarness h;
  h.view.board = open_board(event_with_slots(6, 7));
  h.frame();
  auto notes = dbg::edge_notes(h.state);
  REQUIRE_FALSE(notes.empty());
  CHECK(std::find(notes.begin(), notes.end(), std::string("2 more rooms ▸")) != notes.end());
  auto note = dbg::button_rect(h.state, "more rooms right");
  REQUIRE(note);
  CHECK(dbg::grid_viewport(h.state).x + dbg::grid_viewport(h.state).w >= note->x + note->w);
  h.tap_button("more rooms right");
  CHECK(dbg::scroll_x(h.state) > 0);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  notes = dbg::edge_notes(h.state);
  CHECK(std::any_of(notes.begin(), notes.end(), [](const std::string& s) { return s.rfind("◂ ", 0) == 0; }));
  // Portrait: three columns fit; a fourth room is announced.
  UiHarness p(1080, 1920);
  p.view.board = open_board(event_with_slots(6, 4));
  p.frame();
  notes = dbg::edge_notes(p.state);
  CHECK(std::find(notes.begin(), notes.end(), std::string("1 more room ▸")) != notes.end());
}

TEST_CASE("the note for slots below scrolls down to them") {
  UiHarness h;
  h.view.board = open_board(event_with_slots(16));
  h.view.now = {kDay, 8 * 60, 0};  // before the first slot: nothing folds, 16 rows
  h.frame();
  auto notes = dbg::edge_notes(h.state);
  REQUIRE(std::any_of(notes.begin(), notes.end(), [](const std::string& s) { return s.find("more slots ▾") != std::string::npos; }));
  h.tap_button("more slots below");
  CHECK(dbg::scroll_y(h.state) > 0);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);  // the cell under the note did not open
}
