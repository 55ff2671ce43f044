// Editable text in the claim dialog: a tap places the caret, ◀ ▶ on the on-screen keyboard and a
// hardware keyboard's arrows, Home, End and Delete move or edit at it; counters and limits count
// code points.
#include "ui_harness.hpp"

#include "core/text.hpp"
#include "core/validate.hpp"
#include "ui/ui_internal.hpp"  // text_width and the field font, to aim a finger between letters

using namespace osb;
using namespace osb::test;

namespace {
const CellKey kB11{"2030-03-11", "B", "11:00"};

void open_dialog(UiHarness& h) {
  h.frame();
  h.tap_cell(kB11);
  REQUIRE(dbg::screen(h.state) == dbg::Screen::ClaimDialog);
}

// Taps the Title field just after the first `chars` bytes of `text` (the field's left padding is 14 px).
void tap_after(UiHarness& h, const std::string& text, std::size_t bytes) {
  auto field = dbg::button_rect(h.state, "field Title");
  REQUIRE(field);
  const float x = field->x + 14 + ui::text_width(ui::fonts().field, std::string_view(text).substr(0, bytes)) + 2;
  h.tap(x, field->cy());
}
}  // namespace

TEST_CASE("a tap inside the field puts the caret between the letters, and ◀ ▶ ⌫ edit there") {
  UiHarness h;
  open_dialog(h);
  h.type("Pakcaging BoF");
  CHECK(dbg::field_cursor(h.state, 0) == 13);
  const float end_x = *dbg::caret_x(h.state, "field Title");
  tap_after(h, "Pakcaging BoF", 3);  // between "Pak" and "caging"
  CHECK(dbg::field_cursor(h.state, 0) == 3);
  CHECK(*dbg::caret_x(h.state, "field Title") < end_x);
  h.tap_button("⌫");
  CHECK(dbg::field_text(h.state, 0) == "Pacaging BoF");
  h.tap_button("▶");
  h.tap_button("k");
  CHECK(dbg::field_text(h.state, 0) == "Packaging BoF");
  CHECK(dbg::field_cursor(h.state, 0) == 4);
  h.tap_button("◀");
  h.tap_button("◀");
  CHECK(dbg::field_cursor(h.state, 0) == 2);
  // Typing at the caret on a hardware keyboard too.
  h.type("-");
  CHECK(dbg::field_text(h.state, 0) == "Pa-ckaging BoF");
  CHECK(dbg::keyboard_visible(h.state));
}

TEST_CASE("hardware arrows, Home, End and Delete move and edit at the caret, by code point") {
  UiHarness h;
  open_dialog(h);
  h.type("Σοφία Café");
  CHECK(dbg::field_cursor(h.state, 0) == 10);
  h.press(kHome);
  CHECK(dbg::field_cursor(h.state, 0) == 0);
  h.press(kRight);
  h.press(kRight);
  CHECK(dbg::field_cursor(h.state, 0) == 2);
  h.press(kBackspace);  // deletes "ο" (two bytes) as one character
  CHECK(dbg::field_text(h.state, 0) == "Σφία Café");
  h.press(kDelete);  // deletes "φ" after the caret
  CHECK(dbg::field_text(h.state, 0) == "Σία Café");
  h.press(kEnd);
  h.press(kLeft);
  h.press(kBackspace);  // the "f" before "é"
  CHECK(dbg::field_text(h.state, 0) == "Σία Caé");
  CHECK(dbg::field_cursor(h.state, 0) == 6);
  // The counter counts code points.
  CHECK(count_code_points(dbg::field_text(h.state, 0)) == 7);
  h.press(kLeft);
  h.press(kLeft);
  h.press(kLeft);
  h.press(kLeft);
  h.press(kLeft);
  h.press(kLeft);
  h.press(kLeft);  // one more than there is: stays at the start
  CHECK(dbg::field_cursor(h.state, 0) == 0);
}

TEST_CASE("the limit holds when typing in the middle, and the caret stays in view in a long title") {
  UiHarness h;
  open_dialog(h);
  h.type(std::string(kTitleMax - 1, 'x').c_str());
  h.press(kHome);
  h.type("ab");  // only one fits
  CHECK(count_code_points(dbg::field_text(h.state, 0)) == kTitleMax);
  CHECK(dbg::field_text(h.state, 0).rfind("ax", 0) == 0);
  CHECK(dbg::field_cursor(h.state, 0) == 1);
  auto field = dbg::button_rect(h.state, "field Title");
  REQUIRE(field);
  const float at_start = *dbg::caret_x(h.state, "field Title");
  CHECK(at_start >= field->x);
  CHECK(at_start < field->x + field->w / 2);
  h.press(kEnd);
  const float at_end = *dbg::caret_x(h.state, "field Title");
  CHECK(at_end <= field->x + field->w);
  CHECK(at_end > field->x + field->w / 2);
  CHECK(dbg::claim_enabled(h.state) == false);  // no name yet: validation still runs
  h.press(kTab);
  h.type("Jo");
  CHECK(dbg::claim_enabled(h.state));
}

TEST_CASE("Next puts the caret at the end of the next field; a tap on another field puts it where tapped") {
  UiHarness h;
  open_dialog(h);
  h.type("Title");
  h.tap_button("Next ▸");
  h.type("Jose");
  CHECK(dbg::field_cursor(h.state, 1) == 4);
  tap_after(h, "Title", 2);
  CHECK(dbg::focused_field(h.state) == 0);
  CHECK(dbg::field_cursor(h.state, 0) == 2);
  h.type("!");
  CHECK(dbg::field_text(h.state, 0) == "Ti!tle");
}
