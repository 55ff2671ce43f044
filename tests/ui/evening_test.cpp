// Contract §4.3 on the kiosk, headless: the Lightning talks tab and its sign-up dialog, the
// Tonight tab (new group, Join, Full), a session's detail with "I'll come", "Continue over
// dinner", moved sessions, the staff's crowded mark with larger rooms, the staff Evening tab,
// the lost-action dialog and the hallway's evening lines.
#include "ui_harness.hpp"

using namespace osb;
using namespace osb::test;

namespace {

const std::string kDay = "2030-03-11";  // the harness's today; now is 10:30

void add_sheet(UiHarness& h, int taken, int talks = 3) {
  h.view.board.event.lightning = {LightningSheet{17 * 60 + 30, talks, 5, 17 * 60 + 25}};
  Sheet s;
  s.day = kDay;
  s.start = "17:30";
  s.talks = talks;
  s.minutes = 5;
  s.closes = "17:25";
  const char* titles[] = {"Emacs in 5 minutes", "Rust for cats", "Why CRDTs", "Four", "Five"};
  for (int i = 0; i < taken; ++i)
    s.signups.push_back(LightningSignup{"talk-000" + std::to_string(i + 1), kDay, "17:30", titles[i], "Ana", i + 1});
  h.view.board.lightning = {s};
}

Group group(std::string id, std::string time, std::string title, int seats, int joined) {
  Group g;
  g.group_id = std::move(id);
  g.day = kDay;
  g.time = std::move(time);
  g.title = std::move(title);
  g.where = "Main entrance";
  g.seats = seats;
  g.joined = joined;
  g.host = "Kim";
  return g;
}

Cell& claim(UiHarness& h, const std::string& room, const std::string& start, const std::string& title, int interest = 0) {
  Cell& c = cell_of(h.view.board, kDay, room, start);
  c.state = CellState::Claimed;
  c.title = title;
  c.host = "Ann";
  c.claim_id = "id-" + room + start.substr(0, 2) + "0000";
  c.interest = interest;
  return c;
}

bool has_text(const std::vector<dbg::DrawnText>& texts, const std::string& s) {
  for (const auto& t : texts)
    if (t.text == s) return true;
  return false;
}

// The clock held 3 s, a PIN, and the node's token: the staff panel opens.
void open_staff_panel(UiHarness& h) {
  h.frame();
  h.hold(dbg::clock_rect(h.state)->cx(), dbg::clock_rect(h.state)->cy(), std::chrono::milliseconds(3200));
  h.tap_button("2");
  h.tap_button("Unlock");
  h.view.staff_session = true;
  h.frame();
}

void type_field(UiHarness& h, const char* text) {
  h.type(text);
  h.tap_button("Next ▸");
}

}  // namespace

TEST_CASE("the Lightning talks tab shows numbered places, free ones, and what is left in words") {
  UiHarness h;
  add_sheet(h, 1);
  h.frame();
  h.tap_button("tab lightning");
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Lightning);
  const auto lines = dbg::lightning_lines(h.state);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "1 · 17:30 · Emacs in 5 minutes — Ana");
  CHECK(lines[1] == "2 · 17:35 · free");
  CHECK(lines[2] == "3 · 17:40 · free");
  CHECK(dbg::lightning_status(h.state) == "2 places left · sign-up until 17:25");
  CHECK(dbg::button_enabled(h.state, "sign up 17:30"));
  // A day tab brings the grid back.
  h.tap_button("day " + kDay);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
}

TEST_CASE("Sign up opens the same dialog and keyboard as a claim, and the talk shows as sending in its place") {
  UiHarness h;
  add_sheet(h, 1);
  h.frame();
  h.tap_button("tab lightning");
  h.tap_button("sign up 17:30");
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::form(h.state) == "signup");
  CHECK(dbg::keyboard_visible(h.state));
  CHECK(dbg::dialog_title(h.state) == "Lightning talk at 17:30, Monday");
  CHECK_FALSE(dbg::button_enabled(h.state, "✓ Sign up"));
  CHECK(dbg::claim_disabled_reason(h.state) == "Type Title.");
  type_field(h, "Tiny parsers");
  CHECK(dbg::claim_disabled_reason(h.state) == "Type Speaker.");
  h.type("Zoë");
  h.tap_button("✓ Sign up");
  const auto sent = h.emitted<ui::intent::SubmitSignup>();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].signup.title == "Tiny parsers");
  CHECK(sent[0].signup.speaker == "Zoë");
  CHECK(sent[0].signup.day == kDay);
  CHECK(sent[0].signup.start == "17:30");
  CHECK(is_valid_claim_id(sent[0].signup.signup_id));
  CHECK(dbg::screen(h.state) == dbg::Screen::Lightning);
  h.view.pending_signups.push_back(sent[0].signup);
  h.frame();
  CHECK(dbg::lightning_lines(h.state)[1] == "2 · 17:35 · Sending… Tiny parsers — Zoë");
  CHECK(dbg::lightning_status(h.state) == "1 place left · sign-up until 17:25");
}

TEST_CASE("a full sheet and a closed sheet say so in words, and Sign up is off") {
  UiHarness h;
  add_sheet(h, 3);
  h.frame();
  h.tap_button("tab lightning");
  CHECK(dbg::lightning_status(h.state) == "Full: all 3 places are taken");
  CHECK_FALSE(dbg::button_enabled(h.state, "sign up 17:30"));
  add_sheet(h, 1);
  h.view.now = {kDay, 17 * 60 + 25, 0};
  h.frame();
  CHECK(dbg::lightning_status(h.state) == "Closed: sign-up ended at 17:25");
  CHECK_FALSE(dbg::button_enabled(h.state, "sign up 17:30"));
}

TEST_CASE("Tonight: a new group with the keyboard and the seats stepper; the maker is in it") {
  UiHarness h;
  h.frame();
  h.tap_button("tab tonight");
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Tonight);
  CHECK(dbg::tonight_lines(h.state).empty());
  h.tap_button("new group");
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::form(h.state) == "group");
  type_field(h, "Dinner: ramen");
  type_field(h, "Kim");
  h.type("Registration desk");
  CHECK(dbg::field_text(h.state, 3) == "19:30");
  h.tap_button("seats plus");
  h.tap_button("seats plus");
  h.tap_button("✓ Create group");
  const auto made = h.emitted<ui::intent::SubmitGroup>();
  REQUIRE(made.size() == 1);
  CHECK(made[0].group.title == "Dinner: ramen");
  CHECK(made[0].group.host == "Kim");
  CHECK(made[0].group.where == "Registration desk");
  CHECK(made[0].group.time == "19:30");
  CHECK(made[0].group.seats == 8);
  CHECK(made[0].group.day == kDay);
  const auto joins = h.emitted<ui::intent::JoinGroup>();
  REQUIRE(joins.size() == 1);
  CHECK(joins[0].group_id == made[0].group.group_id);
  CHECK(dbg::screen(h.state) == dbg::Screen::Tonight);
}

TEST_CASE("the group's time must be a time, and not gone by today") {
  UiHarness h;
  h.view.now = {kDay, 20 * 60, 0};
  h.frame();
  h.tap_button("tab tonight");
  h.tap_button("new group");
  type_field(h, "Walk");
  type_field(h, "Kim");
  type_field(h, "Hotel lobby");
  // 20:00 now: the dialog proposes the next half hour.
  CHECK(dbg::field_text(h.state, 3) == "20:30");
  for (int i = 0; i < 5; ++i) h.press(kBackspace);
  h.type("19:00");
  CHECK(dbg::claim_disabled_reason(h.state) == "That time has already gone by today.");
  for (int i = 0; i < 5; ++i) h.press(kBackspace);
  h.type("9pm");
  CHECK(dbg::claim_disabled_reason(h.state) == "Type the time as HH:MM, e.g. 19:30.");
  CHECK_FALSE(dbg::button_enabled(h.state, "✓ Create group"));
}

TEST_CASE("Join counts, never names; a joined group says you're in; a full group says Full") {
  UiHarness h;
  h.view.board.groups = {group("group-0001", "19:30", "Dinner: Thai", 8, 5), group("group-0002", "20:00", "Board games", 4, 4)};
  h.frame();
  h.tap_button("tab tonight");
  auto lines = dbg::tonight_lines(h.state);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "19:30 · Dinner: Thai · Main entrance · 5 of 8 going");
  CHECK(lines[1] == "20:00 · Board games · Main entrance · Full: all 4 seats taken");
  CHECK_FALSE(dbg::button_enabled(h.state, "join group-0002"));
  h.tap_button("join group-0001");
  REQUIRE(h.emitted<ui::intent::JoinGroup>().size() == 1);
  CHECK(h.emitted<ui::intent::JoinGroup>()[0].group_id == "group-0001");
  h.view.pending_joins.push_back("group-0001");
  h.frame();
  CHECK(dbg::tonight_lines(h.state)[0] == "19:30 · Dinner: Thai · Main entrance · 6 of 8 going · You're in");
  CHECK_FALSE(dbg::button_enabled(h.state, "join group-0001"));
  h.tap_button("join group-0001");  // a second tap does nothing
  CHECK(h.emitted<ui::intent::JoinGroup>().size() == 1);
}

TEST_CASE("a session's detail: \"I'll come\" once per person, the count in words, Continue over dinner") {
  UiHarness h;
  claim(h, "C", "11:00", "Packaging BoF", 11);
  h.frame();
  h.tap_cell({kDay, "C", "11:00"});
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Session);
  CHECK(dbg::dialog_title(h.state) == "Packaging BoF");
  CHECK(dbg::interest_words(h.state) == "11 coming");
  h.tap_button("i'll come");
  REQUIRE(h.emitted<ui::intent::Interest>().size() == 1);
  CHECK(h.emitted<ui::intent::Interest>()[0].claim_id == "id-C110000");
  h.view.pending_interest.push_back("id-C110000");
  h.frame();
  CHECK(dbg::interest_words(h.state) == "12 coming");
  CHECK_FALSE(dbg::button_enabled(h.state, "i'll come"));
  h.tap_button("Close");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  bool coming = false;
  for (const auto& t : dbg::cell_texts(h.state, {kDay, "C", "11:00"})) coming |= t.text == "★ 12 coming";
  CHECK(coming);
  // The next person (after the screen went idle) may say it too.
  h.frame(std::chrono::milliseconds(61000));
  h.tap_cell({kDay, "C", "11:00"});
  CHECK(dbg::button_enabled(h.state, "i'll come"));
  h.tap_button("continue over dinner");
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::form(h.state) == "group");
  CHECK(dbg::dialog_title(h.state) == "Continue “Packaging BoF” over dinner");
  CHECK(dbg::field_text(h.state, 0) == "Dinner: Packaging BoF");
  CHECK(dbg::field_text(h.state, 1) == "Ann");
  h.type("Lobby");
  h.tap_button("✓ Create group");
  REQUIRE(h.emitted<ui::intent::SubmitGroup>().size() == 1);
  CHECK(h.emitted<ui::intent::SubmitGroup>()[0].group.continues == "id-C110000");
}

TEST_CASE("a moved session says where it came from; the old cell says where it went and can be claimed") {
  UiHarness h;
  Cell& to = claim(h, "C", "11:00", "Packaging BoF", 30);
  to.moved_from_room = "A";
  to.moved_from_start = "11:00";
  Cell& from = cell_of(h.view.board, kDay, "A", "11:00");
  from.moved_to_room = "C";
  from.moved_to_start = "11:00";
  h.frame();
  CHECK(has_text(dbg::cell_texts(h.state, {kDay, "C", "11:00"}), "← Moved here from Room C") == false);
  CHECK(has_text(dbg::cell_texts(h.state, {kDay, "C", "11:00"}), "← Moved here from Room A"));
  CHECK(has_text(dbg::cell_texts(h.state, {kDay, "A", "11:00"}), "→ Moved to Room C"));
  h.tap_cell({kDay, "A", "11:00"});
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
}

TEST_CASE("staff: a session over its room's capacity is marked, and the larger free rooms move it in one tap") {
  UiHarness h;
  h.view.board.event.rooms[0].capacity = 20;   // A
  h.view.board.event.rooms[1].capacity = 80;   // B
  h.view.board.event.rooms[2].capacity = 200;  // C
  claim(h, "A", "11:00", "Packaging BoF", 25);
  open_staff_panel(h);
  REQUIRE(dbg::screen(h.state) == dbg::Screen::StaffPanel);
  bool crowded = false;
  for (const auto& t : dbg::cell_texts(h.state, {kDay, "A", "11:00"})) crowded |= t.text == "⚠ 25 coming · more than 20 seats";
  CHECK(crowded);
  h.tap_cell({kDay, "A", "11:00"});
  const auto choices = dbg::move_choices(h.state);
  REQUIRE(choices.size() == 2);
  CHECK(choices[0] == "Room C · 200 seats");
  CHECK(choices[1] == "Room B · 80 seats");
  h.tap_button("Room C · 200 seats");
  const auto moves = h.emitted<ui::intent::MoveClaim>();
  REQUIRE(moves.size() == 1);
  CHECK(moves[0].claim_id == "id-A110000");
  CHECK(moves[0].to == CellKey{kDay, "C", "11:00"});
}

TEST_CASE("staff Evening tab: reorder with the arrows, remove after asking once") {
  UiHarness h;
  add_sheet(h, 3);
  h.view.board.groups = {group("group-0001", "19:30", "Dinner: Thai", 8, 5)};
  open_staff_panel(h);
  h.tap_button("Lightning & groups");
  CHECK_FALSE(dbg::button_enabled(h.state, "up talk-0001"));
  h.tap_button("down talk-0001");
  const auto orders = h.emitted<ui::intent::ReorderSheet>();
  REQUIRE(orders.size() == 1);
  CHECK(orders[0].order == std::vector<std::string>{"talk-0002", "talk-0001", "talk-0003"});
  h.tap_button("remove talk-0002");
  CHECK(h.emitted<ui::intent::RemoveSignup>().empty());  // asked first
  h.tap_button("confirm remove talk-0002");
  REQUIRE(h.emitted<ui::intent::RemoveSignup>().size() == 1);
  CHECK(h.emitted<ui::intent::RemoveSignup>()[0].signup_id == "talk-0002");
  h.tap_button("remove group-0001");
  h.tap_button("cancel remove group-0001");
  CHECK(h.emitted<ui::intent::RemoveGroup>().empty());
  h.tap_button("remove group-0001");
  h.tap_button("confirm remove group-0001");
  REQUIRE(h.emitted<ui::intent::RemoveGroup>().size() == 1);
}

TEST_CASE("a sign-up the node refused is told on screen once, and an \"I'll come\" that was lost is not") {
  UiHarness h;
  h.view.lost_actions.push_back(ui::LostActionView{"interest-0001", "interest", "", Error{"not_found", "x"}});
  h.view.lost_actions.push_back(ui::LostActionView{"talk-0009", "signup", "Tiny parsers", Error{"full", "The sheet is full."}});
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Lost);
  CHECK(dbg::message(h.state) == "Your lightning talk “Tiny parsers” did not get a place. It was full by the time it arrived.");
  const auto acks = h.emitted<ui::intent::AcknowledgeLostAction>();
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].action_id == "interest-0001");
  h.tap_button("Close");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  REQUIRE(h.emitted<ui::intent::AcknowledgeLostAction>().size() == 2);
}

TEST_CASE("the hallway shows the next sheet's line-up and free places, and tonight's groups") {
  UiHarness h;
  h.view.mode = ui::Mode::Hallway;
  add_sheet(h, 2, 12);
  h.view.board.groups = {group("group-0001", "19:30", "Dinner: Thai", 8, 5), group("group-0002", "20:00", "Board games", 4, 4)};
  h.frame();
  const auto l = dbg::lightning_lines(h.state);
  REQUIRE(l.size() == 2);
  CHECK(l[0] == "Lightning talks 17:30 · 10 places left · sign up at any board");
  CHECK(l[1] == "1 Emacs in 5 minutes — Ana · 2 Rust for cats — Ana");
  const auto t = dbg::tonight_lines(h.state);
  REQUIRE(t.size() == 2);
  CHECK(t[0] == "19:30 Dinner: Thai (5 of 8 going)");
  CHECK(t[1] == "20:00 Board games (Full)");
}

TEST_CASE("staff: a moved session can be moved back while its old cell is open (undo)") {
  UiHarness h;
  Cell& to = claim(h, "C", "11:00", "Packaging BoF", 3);
  to.moved_from_room = "A";
  to.moved_from_start = "11:00";
  cell_of(h.view.board, kDay, "A", "11:00").moved_to_room = "C";
  open_staff_panel(h);
  h.tap_cell({kDay, "C", "11:00"});
  REQUIRE(dbg::move_choices(h.state) == std::vector<std::string>{"↩ Move back to Room A 11:00"});
  h.tap_button("↩ Move back to Room A 11:00");
  const auto moves = h.emitted<ui::intent::MoveClaim>();
  REQUIRE(moves.size() == 1);
  CHECK(moves[0].to == CellKey{kDay, "A", "11:00"});
}
