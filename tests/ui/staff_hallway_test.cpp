// Staff mode (long press, PIN pad, panel, idle lock) and the hallway screen.
#include "ui_harness.hpp"

#include <algorithm>

using namespace osb;
using namespace osb::test;

namespace {
const std::string kDay = "2030-03-11";

void claim_cell(Board& b, const std::string& room, const std::string& start, const std::string& title,
                const std::string& host) {
  Cell& c = cell_of(b, kDay, room, start);
  c.state = CellState::Claimed;
  c.title = title;
  c.host = host;
  c.claim_id = "id-" + room + start.substr(0, 2) + "0000";
}

void login(UiHarness& h) {
  h.frame();
  auto clock = dbg::clock_rect(h.state);
  REQUIRE(clock);
  CHECK(clock->w >= 64);
  CHECK(clock->h >= 64);
  h.hold(clock->cx(), clock->cy(), std::chrono::milliseconds(3200));
  REQUIRE(dbg::screen(h.state) == dbg::Screen::PinPad);
}
}  // namespace

TEST_CASE("a short press on the clock does nothing and a 3 s press opens the PIN pad") {
  UiHarness h;
  h.frame();
  auto clock = dbg::clock_rect(h.state);
  REQUIRE(clock);
  h.hold(clock->cx(), clock->cy(), std::chrono::milliseconds(1500));
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  login(h);
}

TEST_CASE("PIN pad digits emit StaffLogin and a token opens the staff panel") {
  UiHarness h;
  login(h);
  for (const char* d : {"2", "4", "6", "8"}) h.tap_button(d);
  h.tap_button("Unlock");
  auto logins = h.emitted<ui::intent::StaffLogin>();
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].pin == "2468");
  // Wrong PIN: the kiosk reports it; the pad stays.
  h.view.staff_message = "Wrong PIN.";
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::PinPad);
  CHECK(dbg::message(h.state) == "Wrong PIN.");
  h.type("1357");
  h.press(kEnter);
  REQUIRE(h.emitted<ui::intent::StaffLogin>().size() == 2);
  CHECK(h.emitted<ui::intent::StaffLogin>()[1].pin == "1357");
  h.view.staff_message.clear();
  h.view.staff_session = true;
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::StaffPanel);
  CHECK_FALSE(h.emitted<ui::intent::RefreshFleet>().empty());
}

TEST_CASE("Cancel leaves the PIN pad") {
  UiHarness h;
  login(h);
  h.tap_button("Cancel");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::StaffLogin>().empty());
}

TEST_CASE("a staff token the PIN pad did not wait for never opens the panel: the long press asks for the PIN") {
  UiHarness h;
  h.view.staff_session = true;  // e.g. a login answer that arrived after Cancel
  h.frame();
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);  // dropped at once, asked once
  h.frames(3);
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
  auto clock = dbg::clock_rect(h.state);
  REQUIRE(clock);
  h.hold(clock->cx(), clock->cy(), std::chrono::milliseconds(3200));
  CHECK(dbg::screen(h.state) == dbg::Screen::PinPad);
}

TEST_CASE("Cancel during Checking drops the login answer that comes after it") {
  UiHarness h;
  login(h);
  for (const char* d : {"2", "4", "6", "8"}) h.tap_button(d);
  h.tap_button("Unlock");
  h.view.staff_busy = true;  // "Checking…"
  h.frame();
  REQUIRE(dbg::button_rect(h.state, "Cancel"));
  CHECK(h.emitted<ui::intent::StaffCancelLogin>().empty());
  h.tap_button("Cancel");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::StaffCancelLogin>().size() == 1);
  // The node's answer arrives anyway.
  h.view.staff_busy = false;
  h.view.staff_session = true;
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
  auto clock = dbg::clock_rect(h.state);
  REQUIRE(clock);
  h.hold(clock->cx(), clock->cy(), std::chrono::milliseconds(3200));
  CHECK(dbg::screen(h.state) == dbg::Screen::PinPad);
}

TEST_CASE("the idle timer closing the PIN pad while it checks drops the answer too") {
  UiHarness h;
  login(h);
  h.type("2468");
  h.press(kEnter);
  REQUIRE(h.emitted<ui::intent::StaffLogin>().size() == 1);
  h.view.staff_busy = true;
  h.frame(std::chrono::seconds(h.config.idle_timeout_s + 1));
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::StaffCancelLogin>().size() == 1);
  h.view.staff_busy = false;
  h.view.staff_session = true;
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
}

TEST_CASE("only touches inside the staff panel keep staff mode alive, and after a timeout the PIN is asked again") {
  UiHarness h;
  login(h);
  h.tap_button("1");
  h.tap_button("Unlock");
  h.view.staff_session = true;
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::StaffPanel);
  h.frame(std::chrono::seconds(50));
  h.tap_button("This kiosk");  // staff work: the 60 s start again
  h.frame(std::chrono::seconds(50));
  CHECK(h.emitted<ui::intent::StaffLogout>().empty());
  h.frame(std::chrono::seconds(11));
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  // The kiosk has not cleared its token yet: touches on the public board change nothing and
  // the long press asks for the PIN.
  h.tap(300, 50);  // the event name in the status bar: a touch, no dialog
  auto clock = dbg::clock_rect(h.state);
  REQUIRE(clock);
  h.hold(clock->cx(), clock->cy(), std::chrono::milliseconds(3200));
  CHECK(dbg::screen(h.state) == dbg::Screen::PinPad);
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
}

TEST_CASE("staff panel: reset, block, remove, announcement, lock") {
  UiHarness h;
  claim_cell(h.view.board, "A", "10:00", "One", "Ann");
  claim_cell(h.view.board, "C", "14:00", "Two", "Bo");
  login(h);
  h.tap_button("2");
  h.tap_button("Unlock");
  h.view.staff_session = true;
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::StaffPanel);

  h.tap_button("Reset a day");
  h.tap_button("reset " + kDay);
  CHECK(dbg::message(h.state) == "2 sessions will be archived.");
  h.tap_button("Reset day");
  REQUIRE(h.emitted<ui::intent::ResetDay>().size() == 1);
  CHECK(h.emitted<ui::intent::ResetDay>()[0].day == kDay);

  h.tap_button("Block / remove");
  h.tap_cell({kDay, "B", "14:00"});
  CHECK(dbg::dialog_title(h.state).rfind("Block Room B", 0) == 0);
  h.type("Lightning talks");
  h.tap_button("Block");
  REQUIRE(h.emitted<ui::intent::Block>().size() == 1);
  CHECK(h.emitted<ui::intent::Block>()[0].label == "Lightning talks");
  CHECK(h.emitted<ui::intent::Block>()[0].key == CellKey{kDay, "B", "14:00"});

  h.tap_cell({kDay, "C", "14:00"});
  h.tap_button("Remove session");
  REQUIRE(h.emitted<ui::intent::RemoveClaim>().size() == 1);
  CHECK(h.emitted<ui::intent::RemoveClaim>()[0].claim_id == "id-C140000");

  h.tap_button("Announcement");
  h.type("Dinner groups meet at 18:00");
  h.press(kTab);
  h.type("19:00");
  h.tap_button("Publish");
  REQUIRE(h.emitted<ui::intent::Announce>().size() == 1);
  CHECK(h.emitted<ui::intent::Announce>()[0].text == "Dinner groups meet at 18:00");
  CHECK(h.emitted<ui::intent::Announce>()[0].until == "19:00");

  h.tap_button("Lock");
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
}

TEST_CASE("staff mode ends after 60 s without a touch") {
  UiHarness h;
  login(h);
  h.tap_button("1");
  h.tap_button("Unlock");
  h.view.staff_session = true;
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::StaffPanel);
  h.frame(std::chrono::seconds(59));
  CHECK(h.emitted<ui::intent::StaffLogout>().empty());
  h.frame(std::chrono::seconds(2));
  CHECK(h.emitted<ui::intent::StaffLogout>().size() == 1);
  h.view.staff_session = false;
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
}

TEST_CASE("hallway shows NOW and NEXT at a given clock and moves on by itself") {
  UiHarness h;
  h.view.mode = ui::Mode::Hallway;
  h.view.own_room.clear();
  claim_cell(h.view.board, "A", "10:00", "Packaging BoF", "José");
  claim_cell(h.view.board, "B", "11:00", "Async IO Q&A", "Σοφία");
  h.view.now = {kDay, 10 * 60 + 48, 0};
  h.frame();
  CHECK(dbg::screen(h.state) == dbg::Screen::Hallway);
  REQUIRE(dbg::hallway_now(h.state).size() == 1);
  CHECK(dbg::hallway_now(h.state)[0] == "Packaging BoF · by José · Room A · ends in 12 min");
  REQUIRE(dbg::hallway_next(h.state).size() == 1);
  CHECK(dbg::hallway_next(h.state)[0] == "Async IO Q&A · by Σοφία · Room B · starts in 12 min");
  auto open = dbg::hallway_open(h.state);
  const bool c_open = std::find(open.begin(), open.end(), std::string("Room C 11:00")) != open.end();
  const bool b_open = std::find(open.begin(), open.end(), std::string("Room B 11:00")) != open.end();
  CHECK(c_open);
  CHECK_FALSE(b_open);

  h.view.now = {kDay, 11 * 60 + 5, 0};
  h.frame();
  REQUIRE(dbg::hallway_now(h.state).size() == 1);
  CHECK(dbg::hallway_now(h.state)[0] == "Async IO Q&A · by Σοφία · Room B · ends in 55 min");
  CHECK(dbg::hallway_next(h.state).empty());  // nothing claimed at 14:00
  // No claiming in the hallway.
  h.tap(960, 540);
  CHECK(dbg::screen(h.state) == dbg::Screen::Hallway);
}

TEST_CASE("the staff panel's This kiosk tab shows the node the kiosk uses, and which of several it is") {
  UiHarness h;
  login(h);
  h.tap_button("2");
  h.tap_button("Unlock");
  h.view.staff_session = true;
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::StaffPanel);
  CHECK(dbg::this_kiosk_lines(h.state).empty());  // another tab is open
  h.tap_button("This kiosk");
  h.frame();
  // One node: its URL, as before.
  const auto one = dbg::this_kiosk_lines(h.state);
  CHECK(std::find(one.begin(), one.end(), "Server: http://10.0.0.5:8080") != one.end());

  // Several nodes (kiosk.nodes): the one in use, which of them it is, and all of them.
  h.view.nodes = {"http://10.0.0.5:8080", "http://10.0.0.6:8080"};
  h.view.node_in_use = "http://10.0.0.6:8080";
  h.frame();
  const auto several = dbg::this_kiosk_lines(h.state);
  CHECK(std::find(several.begin(), several.end(), "Server in use: http://10.0.0.6:8080 (2 of 2)") != several.end());
  CHECK(std::find(several.begin(), several.end(), "Servers: http://10.0.0.5:8080 · http://10.0.0.6:8080") != several.end());
  CHECK(std::none_of(several.begin(), several.end(), [](const std::string& l) { return l.rfind("Server: ", 0) == 0; }));
  h.view.node_in_use = "http://10.0.0.5:8080";
  h.frame();
  const auto first = dbg::this_kiosk_lines(h.state);
  CHECK(std::find(first.begin(), first.end(), "Server in use: http://10.0.0.5:8080 (1 of 2)") != first.end());
}
