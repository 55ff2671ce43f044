// The claim path a hurried attendee takes: tap an open cell, type (on screen or on a keyboard),
// Claim; and the ways out: Cancel, Escape, walking away.
#include "ui_harness.hpp"

#include "core/validate.hpp"

using namespace osb;
using namespace osb::test;

namespace {
const CellKey kB11{"2030-03-11", "B", "11:00"};

void open_dialog(UiHarness& h, const CellKey& key = kB11) {
  h.frame();
  h.tap_cell(key);
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
}
}  // namespace

TEST_CASE("fonts load and the atlas stays a reasonable size") {
  UiHarness h;
  CHECK(h.fonts_found);
  CHECK(h.atlas_w > 0);
  // RGBA atlas bytes; the whole kiosk must stay under 40 MB PSS.
  CHECK(static_cast<long>(h.atlas_w) * h.atlas_h * 4 < 16L * 1024 * 1024);
}

TEST_CASE("tapping an open cell opens the claim dialog with the cursor in Title") {
  UiHarness h;
  open_dialog(h);
  CHECK(dbg::focused_field(h.state) == 0);
  CHECK(dbg::dialog_title(h.state).find("Claim Room B, ") == 0);
  CHECK(dbg::dialog_title(h.state).find("11:00–12:00") != std::string::npos);
  CHECK(dbg::keyboard_visible(h.state));
  // A hardware keyboard types into Title at once.
  h.type("Async");
  CHECK(dbg::field_text(h.state, 0) == "Async");
}

TEST_CASE("the on-screen keyboard types letters, accents and moves on with Next") {
  UiHarness h;
  open_dialog(h);
  // The first letter of a title is a capital, as on a phone.
  for (const char* k : {"C", "a", "f"}) h.tap_button(k);  // keys show capitals while shift is on
  CHECK(dbg::field_text(h.state, 0) == "Caf");
  h.tap_button("àéü");
  h.tap_button("é");
  CHECK(dbg::field_text(h.state, 0) == "Café");
  h.tap_button("abc");
  h.tap_button("space");
  h.tap_button("⌫");
  h.tap_button("⌫");
  CHECK(dbg::field_text(h.state, 0) == "Caf");
  h.tap_button("Next ▸");
  CHECK(dbg::focused_field(h.state) == 1);
  h.tap_button("J");
  h.tap_button("o");
  CHECK(dbg::field_text(h.state, 1) == "Jo");
  CHECK(dbg::field_text(h.state, 0) == "Caf");
}

TEST_CASE("Greek and Cyrillic pages type their letters") {
  UiHarness h;
  open_dialog(h);
  h.tap_button("αβγ");
  h.tap_button("Σ");  // auto-capital on an empty field shows the upper case page
  h.tap_button("ο");
  h.tap_button("abc");
  h.tap_button("абв");
  h.tap_button("д");
  CHECK(dbg::field_text(h.state, 0) == "Σοд");
}

TEST_CASE("the keyboard never covers the field being typed into, and keys are big enough") {
  for (auto [w, hgt] : {std::pair{1920.f, 1080.f}, std::pair{1080.f, 1920.f}}) {
    UiHarness h(w, hgt);
    open_dialog(h);
    for (int field = 0; field < 3; ++field) {
      const char* names[] = {"field Title", "field Your name", "field Description"};
      auto f = dbg::button_rect(h.state, names[field]);
      auto key = dbg::button_rect(h.state, "Q");  // an empty field starts with a capital
      auto space = dbg::button_rect(h.state, "space");
      REQUIRE(f);
      REQUIRE(key);
      REQUIRE(space);
      CHECK(f->y + f->h <= key->y);
      CHECK(key->w >= 64);
      CHECK(key->h >= 64);
      h.tap_button(names[field]);
    }
    // Nothing interactive within 24 px of the edge (2 px of burn-in shift allowed).
    for (const std::string& label : dbg::button_labels(h.state)) {
      auto r = dbg::button_rect(h.state, label);
      INFO(label);
      CHECK(r->x >= 22);
      CHECK(r->y >= 22);
      CHECK(r->x + r->w <= w - 22);
      CHECK(r->y + r->h <= hgt - 22);
      CHECK(r->h >= 64);
    }
  }
}

TEST_CASE("Claim is disabled until title and name are valid, then emits a trimmed claim") {
  UiHarness h;
  open_dialog(h);
  h.type("  Testing with hypothesis ");
  CHECK_FALSE(dbg::claim_enabled(h.state));
  CHECK(dbg::claim_disabled_reason(h.state) == "Type your name to claim.");
  CHECK_FALSE(dbg::button_enabled(h.state, "✓ Claim"));
  h.tap_button("✓ Claim");  // disabled: nothing happens
  CHECK(h.emitted<ui::intent::SubmitClaim>().empty());
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);

  h.press(kTab);
  CHECK(dbg::focused_field(h.state) == 1);
  h.type(" José ");
  CHECK(dbg::claim_enabled(h.state));
  h.tap_button("✓ Claim");
  auto claims = h.emitted<ui::intent::SubmitClaim>();
  REQUIRE(claims.size() == 1);
  const Claim& c = claims[0].claim;
  CHECK(c.title == "Testing with hypothesis");
  CHECK(c.host == "José");
  CHECK(c.description.empty());
  CHECK(c.day == kB11.day);
  CHECK(c.room == "B");
  CHECK(c.start == "11:00");
  CHECK(is_valid_claim_id(c.claim_id));
  CHECK(c.claim_id.rfind("room-b-", 0) == 0);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
}

TEST_CASE("a title of spaces shows its error in one sentence under the field") {
  UiHarness h;
  open_dialog(h);
  h.type("   ");
  CHECK(dbg::field_error(h.state, 0) == "A title needs at least one letter.");
  CHECK(dbg::field_error(h.state, 1).empty());  // not touched yet
  h.press(kEnter);  // Enter with an invalid form claims nothing and shows every problem
  CHECK(h.emitted<ui::intent::SubmitClaim>().empty());
  CHECK_FALSE(dbg::field_error(h.state, 1).empty());
}

TEST_CASE("counts stop at the limit") {
  UiHarness h;
  open_dialog(h);
  h.type(std::string(100, 'x').c_str());
  CHECK(dbg::field_text(h.state, 0).size() == kTitleMax);
}

TEST_CASE("Enter claims when the form is valid and two claims get different ids") {
  UiHarness h;
  open_dialog(h);
  h.type("Packaging BoF");
  h.press(kTab);
  h.type("Ana");
  h.press(kEnter);
  open_dialog(h, {"2030-03-11", "C", "14:00"});
  h.type("Second");
  h.press(kTab);
  h.type("Bo");
  h.press(kKeyPadEnter);
  auto claims = h.emitted<ui::intent::SubmitClaim>();
  REQUIRE(claims.size() == 2);
  CHECK(claims[0].claim.claim_id != claims[1].claim.claim_id);
}

TEST_CASE("Escape and Cancel close the dialog without claiming") {
  UiHarness h;
  open_dialog(h);
  h.type("Half typed");
  h.press(kEscape);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  open_dialog(h);
  CHECK(dbg::field_text(h.state, 0).empty());
  h.tap_button("Cancel");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::SubmitClaim>().empty());
}

TEST_CASE("the idle timeout closes the dialog and leaves no trace of the text") {
  UiHarness h;
  open_dialog(h);
  h.type("Secret plans");
  h.frame(std::chrono::seconds(30));
  CHECK(dbg::screen(h.state) == dbg::Screen::ClaimDialog);  // not yet
  h.frame(std::chrono::seconds(31));
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::SubmitClaim>().empty());
  open_dialog(h);
  CHECK(dbg::field_text(h.state, 0).empty());
}

TEST_CASE("after Claim the cell says Sending… and then the confirmation shows with its words") {
  UiHarness h;
  open_dialog(h);
  h.type("Testing talk");
  h.press(kTab);
  h.type("Σοφία");
  h.tap_button("✓ Claim");
  auto claims = h.emitted<ui::intent::SubmitClaim>();
  REQUIRE(claims.size() == 1);
  h.view.pending.push_back(claims[0].claim);  // the kiosk wrote it to the outbox
  h.frame();
  CHECK(dbg::cell_caption(h.state, kB11) == "Sending…");
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);

  // The node accepted it.
  h.view.pending.clear();
  Cell& cell = cell_of(h.view.board, kB11.day, "B", "11:00");
  cell.state = CellState::Claimed;
  cell.title = "Testing talk";
  cell.host = "Σοφία";
  cell.claim_id = claims[0].claim.claim_id;
  h.view.delivered.push_back(cell.claim_id);
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Confirmation);
  CHECK(dbg::message(h.state).rfind("Claimed! Testing talk — Room B, ", 0) == 0);
  CHECK(dbg::message(h.state).find("11:00") != std::string::npos);
  h.frame(std::chrono::seconds(14));
  CHECK(dbg::screen(h.state) == dbg::Screen::Confirmation);
  h.frame(std::chrono::seconds(2));
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(dbg::cell_caption(h.state, kB11) == "Claimed");
}

TEST_CASE("offline the claim is saved with a sentence that says so and a tap closes it") {
  UiHarness h;
  h.view.connection = ui::Connection::Offline;
  h.view.offline_since = "10:05";
  open_dialog(h);
  h.type("Offline talk");
  h.press(kTab);
  h.type("Ann");
  h.press(kEnter);
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Confirmation);
  CHECK(dbg::message(h.state) == "Saved on this board. It will be sent when the network is back.");
  h.tap(100, 600);
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
}

TEST_CASE("a lost claim says so in one sentence and offers the nearest open slots") {
  UiHarness h;
  Cell& taken = cell_of(h.view.board, kB11.day, "B", "11:00");
  taken.state = CellState::Claimed;
  taken.title = "Other talk";
  taken.host = "Kim";
  taken.claim_id = "other-0001";
  Claim mine{"room-b-00000001", kB11.day, "B", "11:00", "My talk", "José", "About things"};
  h.view.lost.push_back({mine, Error{"taken", "taken"}});
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Lost);
  CHECK(dbg::message(h.state) == "Sorry — Room B at 11:00 was taken by another board a moment earlier.");
  // Same time in other rooms first, then this room an hour earlier (10:00 runs now, not past).
  CHECK(dbg::button_rect(h.state, "Room A 11:00"));
  CHECK(dbg::button_rect(h.state, "Room C 11:00"));
  CHECK(dbg::button_rect(h.state, "Room B 10:00"));
  h.tap_button("Room C 11:00");
  auto acks = h.emitted<ui::intent::AcknowledgeLost>();
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].claim_id == "room-b-00000001");
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
  CHECK(dbg::dialog_title(h.state).find("Claim Room C") == 0);
  CHECK(dbg::field_text(h.state, 0) == "My talk");
  CHECK(dbg::field_text(h.state, 1) == "José");
  CHECK(dbg::field_text(h.state, 2) == "About things");
}

TEST_CASE("dismissing a lost claim acknowledges it once") {
  UiHarness h;
  Claim mine{"room-b-00000002", kB11.day, "B", "11:00", "My talk", "José", ""};
  h.view.lost.push_back({mine, Error{"blocked", "blocked"}});
  h.frame();
  REQUIRE(dbg::screen(h.state) == dbg::Screen::Lost);
  CHECK(dbg::message(h.state).find("blocked") != std::string::npos);
  h.tap_button("Close");
  h.frames(3);  // the kiosk has not removed it from view.lost yet: it must not come back
  CHECK(dbg::screen(h.state) == dbg::Screen::Board);
  CHECK(h.emitted<ui::intent::AcknowledgeLost>().size() == 1);
}
