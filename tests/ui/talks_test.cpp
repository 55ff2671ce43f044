// Scheduled talks on the kiosk: the line under each slot and its list, the claim dialog's clash
// line, the hallway's NOW / NEXT with talks marked as talks, cancelled talks struck through and
// saying so, and the backchannel in the header and the confirmation's session tag.
#include "ui_harness.hpp"

using namespace osb;
using namespace osb::test;

namespace {

const std::string kDay = "2030-03-11";  // the harness's today; now is 10:30

Talk talk(std::string id, std::string start, std::string end, std::string room, std::string title,
          std::vector<std::string> persons = {}, TalkState state = TalkState::Scheduled) {
  Talk t;
  t.id = std::move(id);
  t.day = kDay;
  t.start = kDay + "T" + start;
  t.end = kDay + "T" + end;
  t.room = std::move(room);
  t.title = std::move(title);
  t.persons = std::move(persons);
  t.state = state;
  return t;
}

void add_talks(UiHarness& h) {
  h.view.board.talks = {
      talk("k1", "10:00", "10:45", "Hall 1", "Keynote: the road ahead", {"Ana Ruiz"}),
      talk("t1", "14:00", "14:45", "Hall 1", "Async IO in depth", {"Łukasz"}),
      talk("t2", "14:00", "14:30", "Hall 2", "Packaging in 2030", {"Chen Wei", "Amara"}),
      talk("t3", "14:30", "15:15", "Hall 3", "Typing the untypeable", {}, TalkState::Cancelled),
  };
}

}  // namespace

TEST_CASE("each slot with talks says so in one line under its cells; a slot without says nothing") {
  UiHarness h;
  add_talks(h);
  h.frame();
  CHECK(dbg::talks_line(h.state, kDay, "10:00") == "Talks now: Keynote: the road ahead · Hall 1");
  CHECK(dbg::talks_line(h.state, kDay, "14:00") == "Talks at this time: Async IO in depth · Hall 1, +2 more");
  CHECK(dbg::talks_line(h.state, kDay, "11:00").empty());
  // The line does not take the cells' taps: it sits below them.
  const auto strip = dbg::button_rect(h.state, "talks 2030-03-11 14:00");
  const auto cell = dbg::cell_rect(h.state, {kDay, "B", "14:00"});
  REQUIRE(strip);
  REQUIRE(cell);
  CHECK(cell->y + cell->h <= strip->y);
  CHECK(strip->h >= 40);  // a touch target, readable at a glance
  h.tap_cell({kDay, "B", "14:00"});
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
}

TEST_CASE("tapping the line lists the slot's talks; a cancelled one is struck through and says cancelled") {
  UiHarness h;
  add_talks(h);
  h.frame();
  h.tap_button("talks 2030-03-11 14:00");
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Talks);
  CHECK(dbg::dialog_title(h.state) == "Scheduled talks, Mon 11 14:00–15:00");
  const auto lines = dbg::talks_list(h.state);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Async IO in depth · 14:00–14:45 · Hall 1 · Łukasz");
  CHECK(lines[1] == "Packaging in 2030 · 14:00–14:30 · Hall 2 · Chen Wei, Amara");
  CHECK(lines[2] == "Typing the untypeable · 14:30–15:15 · Hall 3 · cancelled");
  h.tap_button("Close");
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
}

TEST_CASE("when every talk of a slot is cancelled, its line says so") {
  UiHarness h;
  h.view.board.talks = {talk("x", "11:00", "11:30", "Hall 1", "Cancelled one", {}, TalkState::Cancelled)};
  h.frame();
  CHECK(dbg::talks_line(h.state, kDay, "11:00") == "Talks at this time: Cancelled one · Hall 1 (cancelled)");
}

TEST_CASE("the claim dialog says what the chosen slot clashes with (not cancelled talks)") {
  UiHarness h;
  add_talks(h);
  h.frame();
  h.tap_cell({kDay, "B", "14:00"});
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::clash_line(h.state) == "At the same time: Async IO in depth · Hall 1, +1 more");
  h.tap_button("Cancel");
  h.frame();
  h.tap_cell({kDay, "B", "11:00"});
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::clash_line(h.state).empty());
}

TEST_CASE("the hallway's NOW and NEXT list talks beside open spaces, each marked as what it is") {
  UiHarness h;
  h.view.mode = ui::Mode::Hallway;
  add_talks(h);
  Cell& c = cell_of(h.view.board, kDay, "A", "10:00");
  c.state = CellState::Claimed;
  c.title = "Packaging BoF";
  c.host = "José";
  c.claim_id = "c-1";
  h.view.now = {kDay, 13 * 60 + 50, 0};  // 14:00 is next; the keynote is over
  h.frame();
  auto next = dbg::hallway_next(h.state);
  REQUIRE(next.size() == 3);
  CHECK(next[0] == "Async IO in depth · Talk · Łukasz · Hall 1 · starts in 10 min");
  CHECK(next[2] == "Typing the untypeable · Talk · Hall 3 · cancelled");
  h.view.now = {kDay, 10 * 60 + 30, 0};
  h.frame();
  auto now = dbg::hallway_now(h.state);
  REQUIRE(now.size() == 2);
  CHECK(now[0] == "Packaging BoF · Open space · by José · Room A · ends in 30 min");
  CHECK(now[1] == "Keynote: the road ahead · Talk · Ana Ruiz · Hall 1 · ends in 15 min");
}

TEST_CASE("without talks the hallway's lines are as before (no kind words)") {
  UiHarness h;
  h.view.mode = ui::Mode::Hallway;
  Cell& c = cell_of(h.view.board, kDay, "A", "10:00");
  c.state = CellState::Claimed;
  c.title = "Packaging BoF";
  c.host = "José";
  h.frame();
  REQUIRE(dbg::hallway_now(h.state).size() == 1);
  CHECK(dbg::hallway_now(h.state)[0] == "Packaging BoF · by José · Room A · ends in 30 min");
}

TEST_CASE("the confirmation shows the session's backchannel tag") {
  UiHarness h;
  h.view.board.event.backchannel = "#pycon";
  h.frame();
  h.tap_cell({kDay, "B", "14:00"});
  h.type("Tagged");
  h.press(kTab);
  h.type("Ann");
  h.press(kEnter);
  auto claims = h.emitted<ui::intent::SubmitClaim>();
  REQUIRE(claims.size() == 1);
  Cell& cell = cell_of(h.view.board, kDay, "B", "14:00");
  cell.state = CellState::Claimed;
  cell.title = "Tagged";
  cell.host = "Ann";
  cell.claim_id = claims[0].claim.claim_id;
  h.view.delivered.push_back(cell.claim_id);
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Confirmation);
  CHECK(dbg::session_tag(h.state) == "#pycon #os-b-1400");
}

namespace {
void open_staff(UiHarness& h) {
  h.frame();
  auto clock = dbg::clock_rect(h.state);
  REQUIRE(clock);
  h.hold(clock->cx(), clock->cy(), std::chrono::milliseconds(3200));
  h.tap_button("1");
  h.tap_button("Unlock");
  h.view.staff_session = true;
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::StaffPanel);
}
}  // namespace

TEST_CASE("the staff Schedule tab shows the last import and re-imports a URL in one tap; a file cannot be") {
  UiHarness h;
  open_staff(h);
  h.tap_button("Schedule");
  CHECK(h.emitted<ui::intent::RefreshSchedule>().size() == 1);  // opening the tab asks the node
  h.view.schedule.known = true;
  h.view.schedule.imported = true;
  h.view.schedule.at = "09:12";
  h.view.schedule.source = "https://pretalx.example.org/pycon/schedule.xml";
  h.view.schedule.talks = 42;
  h.view.schedule.added = 42;
  h.view.schedule.scheduled = 42;
  h.frame();
  REQUIRE(dbg::button_enabled(h.state, "Import again from this URL"));
  h.tap_button("Import again from this URL");
  CHECK(h.emitted<ui::intent::ReimportSchedule>().size() == 1);
  h.view.schedule.source = "schedule.xml";
  h.frame();
  CHECK_FALSE(dbg::button_enabled(h.state, "Import again from this URL"));
}
