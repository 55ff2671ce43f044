// Open Space Board — what the screens of app/ui share among themselves (not a public interface).
//
// [SECTION] Theme: colours and sizes (kiosk-ui.md), fonts
// [SECTION] Frame: one frame's context (view, state, input, draw list, intents)
// [SECTION] Widgets: taps, buttons, text that fits, drawn icons, QR codes
// [SECTION] Keyboard: the on-screen keyboard and hardware typing
// [SECTION] Screen state: dialogs, drafts, staff panel, debug records
// [SECTION] Screens: one function per file
#pragma once
#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ui/ui.hpp"

namespace osb::ui {

using SteadyTime = std::chrono::steady_clock::time_point;

// [SECTION] Theme -------------------------------------------------------------------------------

namespace theme {
constexpr ImU32 rgb(unsigned hex, unsigned alpha = 255) {
  return IM_COL32((hex >> 16) & 0xFF, (hex >> 8) & 0xFF, hex & 0xFF, alpha);
}
// Contrast ratios (WCAG) are in kiosk-ui.md; every text colour below is >= 7:1 on its fill.
// The dark theme's colours as defaults; assets/theme/<theme>.toml sets them at start (assets.cpp).
inline ImU32 page = rgb(0x0E1116);
inline ImU32 text = rgb(0xE6EDF3);
inline ImU32 open_fill = rgb(0x16202C);
inline ImU32 claimed_fill = rgb(0x0B3D2E);
inline ImU32 claimed_text = rgb(0xFFFFFF);
inline ImU32 blocked_fill = rgb(0x2A2D33);
inline ImU32 blocked_text = rgb(0xC9D1D9);
inline ImU32 hatch = rgb(0x3A3F47);
inline ImU32 past_text = rgb(0x9DA7B3);
inline ImU32 past_fill = rgb(0x12161C);
inline ImU32 amber = rgb(0xF2C94C);
inline ImU32 primary = rgb(0x1652B8);
inline ImU32 primary_pressed = rgb(0x2366D6);
inline ImU32 danger = rgb(0x7A1A1A);
inline ImU32 danger_pressed = rgb(0x982525);
inline ImU32 white = rgb(0xFFFFFF);
inline ImU32 dialog = rgb(0x161B22);  // opaque dialog body
inline ImU32 dim = rgb(0x000000, 205);  // over the board behind a dialog
inline ImU32 line = rgb(0x3D4550);
inline ImU32 field_fill = rgb(0x0D1117);
inline ImU32 key_fill = rgb(0x262C36);
inline ImU32 key_pressed = rgb(0x3A4452);
inline ImU32 disabled_fill = rgb(0x1C2128);
inline ImU32 disabled_text = rgb(0xB1BAC4);
inline ImU32 error_text = rgb(0xFF9B9B);  // 8.6:1 on the dialog body
inline ImU32 online = rgb(0x56D364);
inline ImU32 talk_text = rgb(0xA8C7FA);  // the talks line of a slot (scheduled talks next door)
inline ImU32 qr_light = rgb(0xFFFFFF);
inline ImU32 qr_dark = rgb(0x000000);

// Sizes at scale 1 (kiosk-ui.md): multiply by Frame::s.
inline constexpr float edge = 24;       // nothing interactive closer to the screen edge
inline constexpr float target = 64;     // smallest touch target
inline constexpr float gap = 8;
inline constexpr float key_w = 96, key_h = 80;
inline constexpr float pin_key = 96;
inline constexpr float radius = 8;
}  // namespace theme

struct Fonts {
  ImFont* body = nullptr;    // 28 regular: board text
  ImFont* cell = nullptr;    // 30 bold: cell titles
  ImFont* header = nullptr;  // 36 bold: headers, dialog titles
  ImFont* key = nullptr;     // 36 regular: keyboard keys, buttons
  ImFont* field = nullptr;   // 40 regular: dialog fields
  ImFont* clock = nullptr;   // 48 bold: clock, hallway lines
  ImFont* huge = nullptr;    // 64 bold: hallway headings and titles
};
// The fonts loaded by setup_fonts_and_style (the default font in every slot otherwise).
const Fonts& fonts();

// [SECTION] Frame -------------------------------------------------------------------------------

// Who may take this frame's tap: only the topmost layer (a dialog shields the board behind it).
enum class Layer { Board, Dialog, Sheet };

struct UiStateImpl;

struct Frame {
  Frame(const KioskView& v, UiStateImpl& state, const UiConfig& c, SteadyTime t) : view(v), st(state), cfg(c), now(t) {}
  const KioskView& view;
  UiStateImpl& st;
  const UiConfig& cfg;
  SteadyTime now;
  ImDrawList* dl = nullptr;
  float s = 1;          // ui scale
  ImVec2 origin;        // pixel shift against burn-in, applied to the whole layout
  ImVec2 size;          // display size
  Layer top = Layer::Board;
  Layer layer = Layer::Board;
  std::vector<Intent> out;
  // Pointer: a tap is a press and release without a drag, delivered on the release frame.
  bool tap = false;
  ImVec2 tap_pos;
  bool down = false;     // pointer held (for pressed feedback)
  ImVec2 pointer;
  // Hardware keyboard this frame.
  std::string typed;     // UTF-8 characters typed
  bool key_backspace = false, key_tab = false, key_enter = false, key_escape = false;
  bool key_left = false, key_right = false, key_home = false, key_end = false, key_delete = false;

  float px(float v) const { return v * s; }
  ImRect screen() const { return ImRect(origin, ImVec2(origin.x + size.x, origin.y + size.y)); }
  // The screen without the bezel margin where nothing interactive goes.
  ImRect safe() const {
    const float e = px(theme::edge);
    return ImRect(origin.x + e, origin.y + e, origin.x + size.x - e, origin.y + size.y - e);
  }
  bool portrait() const { return size.y > size.x; }
};

// [SECTION] Widgets -----------------------------------------------------------------------------

enum class ButtonKind { Normal, Primary, Danger, Key, Tab, TabSelected, Quiet };

// True when this frame's tap landed in `r` and the current layer is on top.
bool tapped(Frame& f, const ImRect& r);
// True while the pointer is held in `r` (pressed feedback; no hover-only looks on a touchscreen).
bool held(const Frame& f, const ImRect& r);
// A button: filled box, centred label (shortened to fit), pressed feedback. Recorded for tests
// under `label` (or `id` when given). Returns true when tapped and enabled.
bool button(Frame& f, const ImRect& r, std::string_view label, ButtonKind kind = ButtonKind::Normal,
            bool enabled = true, ImFont* font = nullptr, std::string_view id = {});

float text_width(ImFont* font, std::string_view text);
// `text` shortened with "…" so that it is at most `max_w` wide (whole code points only).
std::string fit_text(ImFont* font, std::string_view text, float max_w);
// The end of `text` when it is too long (for a field being typed into: the caret stays visible).
std::string fit_tail(ImFont* font, std::string_view text, float max_w);
void draw_text(Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view text);
// Draws `text` fitted into `r` (clipped and shortened), vertically centred when `center_y`.
// Returns the string actually drawn.
std::string draw_text_in(Frame& f, ImFont* font, const ImRect& r, ImU32 col, std::string_view text,
                         bool center_x = false, bool center_y = true);
// Wraps `text` into at most `max_lines` lines of `max_w`, the last one shortened with "…".
std::vector<std::string> wrap_text(ImFont* font, std::string_view text, float max_w, int max_lines);

void draw_hatch(ImDrawList* dl, const ImRect& r, ImU32 col, float spacing, float thickness);
void draw_clock_icon(ImDrawList* dl, ImVec2 center, float radius, ImU32 col);
void draw_megaphone(ImDrawList* dl, ImVec2 pos, float h, ImU32 col);
void draw_panel(Frame& f, const ImRect& r, ImU32 fill = theme::dialog, ImU32 border = theme::line);
// Dims everything drawn so far (a dialog opens over it).
void dim_behind(Frame& f);
// A QR code of `text`: dark modules on a light quiet zone, fitted into a square of `size`.
void draw_qr(Frame& f, ImVec2 pos, float size, const std::string& text);

// Text field: box, text, caret when focused. Returns true when tapped. With `cursor` (a byte
// offset on a code point boundary) the caret is drawn there, the text scrolls to keep it in
// view, and a tap moves it to the nearest character boundary; without, the caret is at the end.
bool text_field(Frame& f, const ImRect& r, const std::string& value, std::string_view placeholder, bool focused,
                std::string_view id, std::size_t* cursor = nullptr);

// [SECTION] Keyboard ----------------------------------------------------------------------------

enum class KeyPage { Letters, Symbols, Accents, Greek, Cyrillic };

struct KeyboardState {
  KeyPage page = KeyPage::Letters;
  bool shift = false;       // next letter upper case (one shot)
  bool caps_lock = false;   // shift tapped twice
};

struct KeyboardEvents {
  std::string typed;        // text to insert at the cursor
  bool backspace = false;
  bool left = false, right = false;  // "◀" "▶": move the cursor one character
  bool next = false;        // "Next ▸"
  bool done = false;        // "Done": hide the keyboard
};

// Height the keyboard needs at this width.
float keyboard_height(const Frame& f);
// Draws the keyboard into `area` (full width, `keyboard_height` tall).
KeyboardEvents draw_keyboard(Frame& f, const ImRect& area, KeyboardState& kb, bool show_next);
// Appends `typed` (whole code points, up to `max_points`) and applies a backspace.
void edit_text(std::string& value, const std::string& typed, bool backspace, std::size_t max_points);
// The same at `cursor` (a byte offset, kept on a code point boundary): backspace deletes the code
// point before it, `typed` goes in at it, and the cursor ends after what was typed.
void edit_text_at(std::string& value, std::size_t& cursor, const std::string& typed, bool backspace,
                  std::size_t max_points);
// Cursor moves by one code point (left/right), to the start (home) or the end (end).
std::size_t cursor_left(const std::string& value, std::size_t cursor);
std::size_t cursor_right(const std::string& value, std::size_t cursor);

// [SECTION] Screen state ------------------------------------------------------------------------

enum class Modal { None, Claim, Confirmation, Lost, PinPad, Staff, Talks, Session, LostAction };

// What the public board shows under the tabs: a day's grid, the lightning-talk sheets, tonight's groups.
enum class Page { Grid, Lightning, Tonight };

struct TalksShown {  // the slot whose talks list is open
  std::string day;
  int start = 0, end = 0;
};

// The dialog with fields and the on-screen keyboard serves three forms: a claim (title, name,
// description), a lightning sign-up (title, speaker) and a new evening group (what, name,
// where to meet, time, plus a seats stepper).
enum class Form { Claim, Signup, Group };
inline constexpr int kMaxFields = 4;

struct ClaimDraft {
  Form form = Form::Claim;
  CellKey key;                  // Claim: the cell; Signup: day + sheet start; Group: day
  std::string end;              // "HH:MM"
  std::string fields[kMaxFields];  // Claim: title, name, description; Signup: title, speaker; Group: what, name, where, time
  std::size_t cursor[kMaxFields] = {0, 0, 0, 0};  // byte offset of the caret in each field (a code point boundary)
  bool left[kMaxFields] = {false, false, false, false};  // the person moved on from this field at least once
  int seats = 6;                // Group
  std::string continues;        // Group: the claim_id of the open space it continues
  std::string continues_title;
  std::string reason;           // why the submit button is off, as drawn last frame ("" when on)
  int focus = 0;
  bool keyboard = true;         // the on-screen keyboard is shown
  bool tried = false;           // Claim was pressed (or Enter) while not valid
  KeyboardState kb;
};

struct Confirmation {
  enum class Kind { Claimed, SavedOffline } kind = Kind::Claimed;
  std::string claim_id;
  Claim claim;
  SteadyTime shown_at;
};

struct Awaiting {  // the claim made here last, until the node accepts or refuses it
  Claim claim;
  SteadyTime at;
  bool told_offline = false;
};

enum class StaffTab { Board, Reset, Announcement, Fleet, Schedule, Evening, ThisKiosk };

struct StaffState {
  StaffTab tab = StaffTab::Board;
  std::string day;                      // day shown in the staff board
  std::optional<CellKey> cell;          // the cell tapped in the staff board (action sheet)
  bool typing_label = false;            // blocking: typing the label
  std::string label;
  std::optional<std::string> confirm_reset;   // day asked to reset
  bool confirm_remove = false;
  std::string confirm_evening;          // Evening tab: the sign-up or group asked to remove
  float evening_scroll = 0;
  std::string announce_text, announce_until;
  int announce_focus = 0;
  KeyboardState kb;
  bool keyboard = false;
  float scroll_x = 0, scroll_y = 0;
};

struct DebugButton {
  std::string label;
  ImRect rect;
  bool enabled = true;
};

struct DebugCell {
  ImRect rect;
  std::string caption;
  std::vector<debug::DrawnText> texts;
};

struct UiStateImpl {
  // Pointer tracking.
  bool pressing = false;
  bool dragging = false;
  ImVec2 press_pos;
  SteadyTime press_time;
  bool long_press_fired = false;
  bool press_woke = false;  // this press woke a dimmed screen: it is not a tap
  std::optional<SteadyTime> last_input;
  bool was_staff_session = false;
  SteadyTime staff_last_input;  // last touch or key while the staff panel was on screen
  // This screen unlocked staff mode with a PIN and has not locked it since. A token the kiosk
  // holds without this (a login answer that came after Cancel) never opens the panel.
  bool staff_unlocked = false;
  bool logout_asked = false;  // StaffLogout was emitted for the token held now (ask once)

  // Board.
  std::string day;          // selected day ("" = today / next event day)
  float scroll_x = 0, scroll_y = 0;
  ImRect grid_area;         // where dragging scrolls the grid
  ImRect grid_viewport;     // where the cells are drawn (without the time column and room names)
  bool earlier_open = false;  // today's past slots are unfolded (until idle or another day)
  Page page = Page::Grid;
  float page_scroll = 0;      // the lightning and Tonight pages scroll vertically
  std::optional<CellKey> session;       // the claimed cell whose detail is open
  std::set<std::string> interested;     // claim_ids this person said "I'll come" to (until idle)
  std::set<std::string> joined;         // group_ids this person joined (until idle)
  std::set<std::string> acknowledged_actions;  // lost actions already dismissed here

  // Dialogs.
  Modal modal = Modal::None;
  std::optional<ClaimDraft> claim;
  std::optional<Confirmation> confirmation;
  std::optional<Awaiting> awaiting;
  std::set<std::string> acknowledged;  // lost claims already dismissed here
  std::string pin;
  bool pin_sent = false;
  StaffState staff;
  bool fleet_requested = false;

  std::mt19937_64 rng{std::random_device{}()};
  std::map<std::string, std::vector<unsigned char>> qr_cache;  // text -> width byte + modules

  // Debug records of the last frame (tests look at them through ui.hpp).
  std::vector<DebugButton> buttons;
  std::map<CellKey, DebugCell> cells;
  std::optional<ImRect> clock;
  std::string dialog_title, message;
  std::string status_line, offline_banner;  // the status bar's connection words, the banner's lines
  std::string earlier_label;            // the "Earlier today" row as drawn ("" when none)
  std::vector<std::string> edge_notes;  // "2 more rooms ▸", "3 more slots ▾", ...
  std::map<std::string, float> caret_x;  // text field id -> where its caret was drawn
  std::vector<std::string> hallway_now, hallway_next, hallway_open;
  std::map<std::string, std::string> talks_lines;  // "day HH:MM" -> the talks line drawn under that slot
  std::optional<TalksShown> talks_open;
  std::vector<std::string> talks_list;              // the open talks list's lines
  std::string clash, session_tag;                   // claim dialog's clash line; confirmation's tag
  std::vector<std::string> lightning_lines, tonight_lines, move_choices;
  std::vector<std::string> kiosk_lines;  // the staff panel's "This kiosk" tab: "Label: value"
  std::string lightning_status, interest_words;
  bool dimmed = false;
  bool hallway = false;
  int draws = 0;
};

// [SECTION] Screens (one file each) -------------------------------------------------------------

// Overwrites a secret (the typed PIN) before clearing it. A PIN of at most 12 digits stays in
// std::string's inline buffer, so no copy is left behind on the heap by growing.
void wipe(std::string& secret);
// Closes the PIN pad: wipes the typed digits and, when a login is in flight, tells the kiosk
// that its answer is no longer awaited.
void close_pin_pad(Frame& f);
// Leaves staff mode from the panel (Lock, Escape, the staff idle time).
void lock_staff(Frame& f);

// The day the board shows by default: today when it is an event day with slots left, else the
// next event day, else the last one.
std::string default_day(const KioskView& view);
const Room* find_room(const KioskView& view, const std::string& id);
std::string room_name(const KioskView& view, const std::string& id);
const Cell* find_cell(const KioskView& view, const CellKey& key);
const Claim* find_pending(const KioskView& view, const CellKey& key);
std::string slot_end(const KioskView& view, const std::string& start);

float draw_status_bar(Frame& f);  // returns the y where the content below starts

// Scheduled talks (talks.cpp).
std::vector<const Talk*> slot_talks(const KioskView& v, const std::string& day, int start, int end);
std::string talks_summary(const std::vector<const Talk*>& talks);
std::string clash_words(const KioskView& v, const CellKey& key, const std::string& end);
void draw_talks_strip(Frame& f, const ImRect& r, const std::string& day, const SlotTime& slot, bool now,
                      const std::vector<const Talk*>& talks);
void draw_talks_list(Frame& f);
// The clock (HH:MM); holding it 3 s opens the staff PIN pad.
void draw_clock(Frame& f, const ImRect& r);
// "● Online", "◐ Reconnecting…", "○ Offline since 14:05 — claims are saved on this board and sent
// when the network is back" (without "since 14:05" until that is known).
std::string connection_words(const KioskView& view);
// The same in a word or two for a narrow place: "● Online", "○ Offline since 14:05".
std::string connection_short(const KioskView& view);
ImU32 connection_colour(const KioskView& view);
// "12 min ago", "just now", "" when never synced.
std::string lag_words(long long lag_ms);
// The grid of one day. `staff` taps select cells for staff actions instead of claiming.
// Returns the tapped cell, if any.
std::optional<CellKey> draw_board(Frame& f, const ImRect& area, const std::string& day, float& scroll_x,
                                  float& scroll_y, bool staff);
void draw_day_tabs(Frame& f, const ImRect& area, std::string& day);

void open_claim_dialog(UiStateImpl& st, const KioskView& view, const CellKey& key, const std::string* title = nullptr,
                       const std::string* host = nullptr, const std::string* description = nullptr);
// A lightning sign-up for the sheet of `day` at `start`.
void open_signup_dialog(UiStateImpl& st, const std::string& day, const std::string& start);
// A new evening group on `day`; `continues` (a claimed cell) makes it "continue over dinner".
void open_group_dialog(UiStateImpl& st, const KioskView& view, const std::string& day, const Cell* continues = nullptr);

// Contract §4.3 screens (lightning.cpp, tonight.cpp, session.cpp).
void draw_page_tabs(Frame& f, ImRect area);  // "Lightning talks", "Tonight" beside the day tabs
float page_tabs_width(const Frame& f);
void draw_lightning_page(Frame& f, const ImRect& area);
void draw_tonight_page(Frame& f, const ImRect& area);
void draw_session_detail(Frame& f);
void draw_lost_action(Frame& f, const LostActionView& lost);
void draw_staff_evening(Frame& f, const ImRect& area);
// "12 coming" (with the pending taps made here), "" when nobody yet.
std::string coming_words(const KioskView& v, const Cell& c);
int interest_count(const KioskView& v, const Cell& c);
// The room's capacity when the interest passes it (the session is crowded), else 0.
int crowded_capacity(const KioskView& v, const Cell& c);
// Free rooms at the cell's time with more seats than the interest, larger first.
std::vector<const Room*> larger_free_rooms(const KioskView& v, const Cell& c);
// Today, or the board's default day, for the lightning and Tonight pages.
std::string page_day(const KioskView& v, const UiStateImpl& st);
void draw_claim_dialog(Frame& f);
void draw_confirmation(Frame& f);
void draw_lost(Frame& f, const LostClaimView& lost);
void draw_pin_pad(Frame& f);
void draw_staff_panel(Frame& f);
void draw_hallway(Frame& f);

// A fresh claim id: the kiosk id's safe characters, then random hex (8–64 of [A-Za-z0-9_-]).
std::string make_claim_id(std::mt19937_64& rng, std::string_view kiosk_id);
// "Sat 14:00"
std::string short_when(const std::string& day, const std::string& start);

}  // namespace osb::ui
