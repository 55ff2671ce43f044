// Open Space Board — draw_kiosk: one frame of the kiosk, and the state behind it.
// Each frame: read the pointer and keyboard into a Frame, run the timers (idle, staff idle,
// confirmation), pick the topmost layer, draw the mode's screen and any dialog over it, then dim
// at night. Screens live in their own files; this one only routes.
//
// [SECTION] UiState
// [SECTION] Shared look-ups
// [SECTION] Input
// [SECTION] Timers: idle, night, pixel shift
// [SECTION] draw_kiosk
// [SECTION] Debug accessors
#include <algorithm>
#include <cmath>

#include "core/text.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] UiState

UiState::UiState() : impl(new UiStateImpl) {}
UiState::~UiState() { delete impl; }
UiState::UiState(UiState&& o) noexcept : impl(o.impl) { o.impl = nullptr; }
UiState& UiState::operator=(UiState&& o) noexcept {
  if (this != &o) {
    delete impl;
    impl = o.impl;
    o.impl = nullptr;
  }
  return *this;
}

// [SECTION] Shared look-ups

const Room* find_room(const KioskView& view, const std::string& id) { return view.board.event.find_room(id); }

std::string room_name(const KioskView& view, const std::string& id) {
  const Room* r = find_room(view, id);
  return r ? r->name : id;
}

const Cell* find_cell(const KioskView& view, const CellKey& key) {
  for (const Cell& c : view.board.cells)
    if (c.day == key.day && c.room == key.room && c.start == key.start) return &c;
  return nullptr;
}

const Claim* find_pending(const KioskView& view, const CellKey& key) {
  for (const Claim& c : view.pending)
    if (c.day == key.day && c.room == key.room && c.start == key.start) return &c;
  return nullptr;
}

std::string slot_end(const KioskView& view, const std::string& start) {
  const auto m = parse_hhmm(start);
  const SlotTime* slot = m ? view.board.event.find_slot(*m) : nullptr;
  return slot ? format_hhmm(slot->end) : std::string();
}

std::string default_day(const KioskView& view) {
  const Event& e = view.board.event;
  if (e.days.empty()) return view.now.day;
  int last_end = 0;
  for (const SlotTime& s : e.slots) last_end = std::max(last_end, s.end);
  for (const std::string& d : e.days) {
    if (d < view.now.day) continue;
    if (d == view.now.day && view.now.minute >= last_end) continue;  // nothing left today
    return d;
  }
  return e.days.back();
}

std::string short_when(const std::string& day, const std::string& start) {
  return parse_day(day) ? tr("date.weekdays_short." + std::to_string(weekday(day))) + " " + start : start;
}

std::string make_claim_id(std::mt19937_64& rng, std::string_view kiosk_id) {
  std::string id;
  for (char c : kiosk_id) {
    if (id.size() >= 24) break;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') id += c;
  }
  if (id.empty()) id = "kiosk";
  id += '-';
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) id += kHex[rng() & 15];
  return id;
}

namespace {

// [SECTION] Input

void read_input(Frame& f) {
  ImGuiIO& io = ImGui::GetIO();
  UiStateImpl& st = f.st;
  const bool valid_pos = io.MousePos.x > -FLT_MAX / 2 && io.MousePos.y > -FLT_MAX / 2;
  f.pointer = io.MousePos;
  f.down = io.MouseDown[0];
  bool activity = false;
  if (io.MouseClicked[0]) {
    st.pressing = true;
    st.dragging = false;
    st.long_press_fired = false;
    st.press_woke = st.dimmed;
    st.press_pos = io.MouseClickedPos[0];
    st.press_time = f.now;
    activity = true;
  }
  if (st.pressing && io.MouseDown[0] && valid_pos) {
    const float dx = io.MousePos.x - st.press_pos.x, dy = io.MousePos.y - st.press_pos.y;
    if (!st.dragging && dx * dx + dy * dy > f.px(18) * f.px(18)) st.dragging = true;
    activity = true;
  }
  if (io.MouseReleased[0] && st.pressing) {
    st.pressing = false;
    if (!st.dragging && !st.long_press_fired && !st.press_woke) {
      f.tap = true;
      f.tap_pos = st.press_pos;
    }
    st.dragging = false;
    activity = true;
  }
  // Hardware keyboard: characters queued by the backend this frame, and a few named keys.
  for (ImWchar c : io.InputQueueCharacters) {
    if (c < 0x20 || c == 0x7F) continue;
    char buf[5] = {};
    ImTextCharToUtf8(buf, c);
    f.typed += buf;
  }
  auto pressed = [](ImGuiKey k) {
    const int idx = ImGui::GetKeyIndex(k);
    return idx >= 0 && ImGui::IsKeyPressed(idx, true);
  };
  f.key_backspace = pressed(ImGuiKey_Backspace);
  f.key_tab = pressed(ImGuiKey_Tab);
  f.key_enter = pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter);
  f.key_escape = pressed(ImGuiKey_Escape);
  f.key_left = pressed(ImGuiKey_LeftArrow);
  f.key_right = pressed(ImGuiKey_RightArrow);
  f.key_home = pressed(ImGuiKey_Home);
  f.key_end = pressed(ImGuiKey_End);
  f.key_delete = pressed(ImGuiKey_Delete);
  if (!f.typed.empty() || f.key_backspace || f.key_tab || f.key_enter || f.key_escape || f.key_left || f.key_right ||
      f.key_home || f.key_end || f.key_delete)
    activity = true;
  if (activity) {
    st.last_input = f.now;
    // Only work inside the staff panel keeps staff mode alive, not the public using the board.
    if (st.modal == Modal::Staff) st.staff_last_input = f.now;
    f.out.push_back(intent::Activity{});
  }
}

// [SECTION] Timers: idle, night, pixel shift

void reset_to_idle(UiStateImpl& st) {
  // A half-typed claim is dropped with no trace; the board goes back to today, scrolled home.
  if (st.modal != Modal::Staff && st.modal != Modal::PinPad) st.modal = Modal::None;
  st.claim.reset();
  st.confirmation.reset();
  st.awaiting.reset();
  st.day.clear();
  st.scroll_x = st.scroll_y = 0;
  st.earlier_open = false;  // the fold closes again: the next person starts at now
  st.page = Page::Grid;
  st.page_scroll = 0;
  st.session.reset();
  if (st.modal == Modal::Session) st.modal = Modal::None;
  st.interested.clear();  // "one per tap per kiosk per session": the next person may say it again
  st.joined.clear();
}

void run_timers(Frame& f) {
  UiStateImpl& st = f.st;
  if (!st.last_input) st.last_input = f.now;
  const auto idle = f.now - *st.last_input;
  if (idle >= std::chrono::seconds(std::max(5, f.cfg.idle_timeout_s))) {
    if (st.modal == Modal::PinPad) close_pin_pad(f);
    reset_to_idle(st);
  }
  // Staff mode ends after its own idle time (a staff token must not stay on an unattended screen).
  if (f.view.staff_session && !st.was_staff_session) st.staff_last_input = f.now;
  if (f.view.staff_session && st.staff_unlocked && f.now - st.staff_last_input >= f.cfg.staff_idle) {
    lock_staff(f);
    st.staff_last_input = f.now;
  }
  st.was_staff_session = f.view.staff_session;
  if (st.confirmation && f.now - st.confirmation->shown_at >= std::chrono::seconds(15)) {
    st.confirmation.reset();
    if (st.modal == Modal::Confirmation) st.modal = Modal::None;
  }
}

bool is_night(const Frame& f) {
  const Event& e = f.view.board.event;
  if (!f.view.has_board || e.slots.empty()) return false;
  if (f.st.last_input && f.now - *f.st.last_input < std::chrono::seconds(std::max(5, f.cfg.idle_timeout_s)))
    return false;  // someone is using it: full brightness
  int first = 24 * 60, last = 0;
  for (const SlotTime& s : e.slots) { first = std::min(first, s.start); last = std::max(last, s.end); }
  if (!e.has_day(f.view.now.day)) return true;
  const int t = f.view.now.minute;
  const auto from = parse_hhmm(f.cfg.night_start), to = parse_hhmm(f.cfg.night_end);
  if (from && to && (*from <= *to ? (t >= *from && t < *to) : (t >= *from || t < *to))) return true;
  return t >= last || t < first - 120;
}

ImVec2 pixel_shift(const Frame& f) {
  // A pixel or two every few minutes, in a small loop, so static lines do not burn in.
  static constexpr int kSteps[][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(f.now.time_since_epoch()).count();
  const auto& step = kSteps[static_cast<std::size_t>((minutes / 3) % 9)];
  const float unit = std::max(1.0f, std::round(f.s * 2));
  return ImVec2(step[0] * unit, step[1] * unit);
}

void follow_claims(Frame& f) {
  UiStateImpl& st = f.st;
  if (!st.awaiting) return;
  const Claim& c = st.awaiting->claim;
  const bool delivered = std::find(f.view.delivered.begin(), f.view.delivered.end(), c.claim_id) != f.view.delivered.end();
  const Cell* cell = find_cell(f.view, {c.day, c.room, c.start});
  const bool on_board = cell && cell->state == CellState::Claimed && cell->claim_id == c.claim_id;
  for (const LostClaimView& l : f.view.lost)
    if (l.claim.claim_id == c.claim_id) { st.awaiting.reset(); return; }  // the lost dialog speaks
  if (delivered || on_board) {
    st.confirmation = Confirmation{Confirmation::Kind::Claimed, c.claim_id, c, f.now};
    st.awaiting.reset();
    if (st.modal == Modal::None) st.modal = Modal::Confirmation;
    return;
  }
  if (f.view.connection != Connection::Online && !st.awaiting->told_offline) {
    st.awaiting->told_offline = true;
    st.confirmation = Confirmation{Confirmation::Kind::SavedOffline, c.claim_id, c, f.now};
    if (st.modal == Modal::None) st.modal = Modal::Confirmation;
  }
}

const LostClaimView* unacknowledged_lost(const Frame& f) {
  for (const LostClaimView& l : f.view.lost)
    if (!f.st.acknowledged.count(l.claim.claim_id)) return &l;
  return nullptr;
}

}  // namespace

// [SECTION] draw_kiosk

std::vector<Intent> draw_kiosk(const KioskView& view, UiState& state, const UiConfig& config,
                               std::chrono::steady_clock::time_point steady_now) {
  UiStateImpl& st = *state.impl;
  ImGuiIO& io = ImGui::GetIO();
  Frame f{view, st, config, steady_now};
  f.s = config.scale > 0 ? config.scale : 1.0f;
  f.size = io.DisplaySize;
  st.buttons.clear();
  st.cells.clear();
  st.clock.reset();
  st.dialog_title.clear();
  st.message.clear();
  st.status_line.clear();
  st.offline_banner.clear();
  st.earlier_label.clear();
  st.edge_notes.clear();
  st.caret_x.clear();
  st.talks_lines.clear();
  st.clash.clear();
  st.session_tag.clear();
  st.kiosk_lines.clear();
  ++st.draws;
  st.hallway = view.mode == Mode::Hallway;

  read_input(f);
  run_timers(f);
  if (view.mode == Mode::Room) follow_claims(f);
  st.dimmed = is_night(f);
  f.origin = pixel_shift(f);

  // The lost dialog comes before anything but staff work: the person is probably still there.
  const LostClaimView* lost = view.mode == Mode::Room ? unacknowledged_lost(f) : nullptr;
  if (lost && (st.modal == Modal::None || st.modal == Modal::Confirmation)) {
    st.modal = Modal::Lost;
    st.confirmation.reset();
  }
  if (st.modal == Modal::Lost && !lost) st.modal = Modal::None;
  // The same for a sign-up, group or join the node refused (an "I'll come" is not worth a dialog).
  const LostActionView* lost_action = nullptr;
  if (view.mode == Mode::Room)
    for (const LostActionView& l : view.lost_actions) {
      if (st.acknowledged_actions.count(l.action_id)) continue;
      if (l.kind == "interest") {
        f.out.push_back(intent::AcknowledgeLostAction{l.action_id});
        st.acknowledged_actions.insert(l.action_id);
        continue;
      }
      lost_action = &l;
      break;
    }
  if (lost_action && (st.modal == Modal::None || st.modal == Modal::Confirmation)) st.modal = Modal::LostAction;
  if (st.modal == Modal::LostAction && !lost_action) st.modal = Modal::None;
  if (!view.staff_session) {  // ended by the node (401) or the kiosk
    st.staff_unlocked = false;
    st.logout_asked = false;
  }
  if (st.modal == Modal::Staff && !view.staff_session) st.modal = Modal::None;
  if (st.modal == Modal::PinPad && view.staff_session && st.pin_sent) {
    st.modal = Modal::Staff;
    wipe(st.pin);
    st.pin_sent = false;
    st.staff = StaffState{};
    st.staff_unlocked = true;
    st.staff_last_input = f.now;
    f.out.push_back(intent::RefreshFleet{});
  }
  // A token this screen did not unlock (or has locked since) is dropped, never shown.
  if (view.staff_session && !st.staff_unlocked && !st.logout_asked && !(st.modal == Modal::PinPad && st.pin_sent)) {
    f.out.push_back(intent::StaffLogout{});
    st.logout_asked = true;
  }
  f.top = st.modal == Modal::None ? Layer::Board : Layer::Dialog;

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(theme::page));
  ImGui::Begin("##kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav |
                   ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoFocusOnAppearing);
  f.dl = ImGui::GetWindowDrawList();

  f.layer = Layer::Board;
  if (view.mode == Mode::Hallway) {
    draw_hallway(f);
  } else {
    const float top = draw_status_bar(f);
    if (st.day.empty() || !view.board.event.has_day(st.day)) st.day = default_day(view);
    const ImRect safe = f.safe();
    ImRect area(safe.Min.x, top, safe.Max.x, safe.Max.y);
    if (st.page == Page::Lightning) {
      draw_lightning_page(f, area);
    } else if (st.page == Page::Tonight) {
      draw_tonight_page(f, area);
    } else if (auto key = draw_board(f, area, st.day, st.scroll_x, st.scroll_y, false)) {
      const Cell* cell = find_cell(view, *key);
      if (cell && cell->state == CellState::Claimed) {
        st.session = *key;
        st.modal = Modal::Session;
      } else {
        open_claim_dialog(st, view, *key);
      }
      f.top = Layer::Dialog;
    }
  }
  if (view.mode == Mode::Hallway && st.modal != Modal::PinPad && st.modal != Modal::Staff) st.modal = Modal::None;

  f.layer = Layer::Dialog;
  switch (st.modal) {
    case Modal::None: break;
    case Modal::Claim: draw_claim_dialog(f); break;
    case Modal::Confirmation: draw_confirmation(f); break;
    case Modal::Lost: if (lost) draw_lost(f, *lost); break;
    case Modal::PinPad: draw_pin_pad(f); break;
    case Modal::Staff: draw_staff_panel(f); break;
    case Modal::Talks: draw_talks_list(f); break;
    case Modal::Session: draw_session_detail(f); break;
    case Modal::LostAction: if (lost_action) draw_lost_action(f, *lost_action); break;
  }
  if (st.dimmed && st.modal == Modal::None) {
    // Dim to about 30 %; the first touch wakes the screen (and counts as input, not as a tap).
    const ImRect s = f.screen();
    f.dl->AddRectFilled(ImVec2(s.Min.x - 8, s.Min.y - 8), ImVec2(s.Max.x + 8, s.Max.y + 8), theme::rgb(0, 178));
  }
  ImGui::End();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(2);
  return std::move(f.out);
}

bool wants_animation_frames(const UiState& state) {
  const UiStateImpl& st = *state.impl;
  // Caret blink, long press progress and the confirmation's countdown need frames; the idle
  // timers are checked on the kiosk's own periodic frames.
  return st.modal != Modal::None || st.pressing || st.awaiting.has_value();
}

// [SECTION] Debug accessors

namespace debug {
namespace {
Rect to_rect(const ImRect& r) { return {r.Min.x, r.Min.y, r.GetWidth(), r.GetHeight()}; }
const DebugButton* find_button(const UiState& s, std::string_view label) {
  const DebugButton* found = nullptr;
  for (const DebugButton& b : s.impl->buttons)
    if (b.label == label) found = &b;  // the last drawn is the one on top
  return found;
}
}  // namespace

Screen screen(const UiState& s) {
  switch (s.impl->modal) {
    case Modal::Claim: return Screen::ClaimDialog;
    case Modal::Confirmation: return Screen::Confirmation;
    case Modal::Lost: return Screen::Lost;
    case Modal::PinPad: return Screen::PinPad;
    case Modal::Staff: return Screen::StaffPanel;
    case Modal::Talks: return Screen::Talks;
    case Modal::Session: return Screen::Session;
    case Modal::LostAction: return Screen::Lost;
    case Modal::None: break;
  }
  if (s.impl->hallway) return Screen::Hallway;
  if (s.impl->page == Page::Lightning) return Screen::Lightning;
  if (s.impl->page == Page::Tonight) return Screen::Tonight;
  return Screen::Board;
}
int focused_field(const UiState& s) { return s.impl->claim ? s.impl->claim->focus : -1; }
std::string field_text(const UiState& s, int field) {
  return s.impl->claim && field >= 0 && field < kMaxFields ? s.impl->claim->fields[field] : std::string();
}
int field_cursor(const UiState& s, int field) {
  if (!s.impl->claim || field < 0 || field >= kMaxFields) return -1;
  const ClaimDraft& d = *s.impl->claim;
  return static_cast<int>(count_code_points(std::string_view(d.fields[field]).substr(0, d.cursor[field])));
}
std::optional<float> caret_x(const UiState& s, std::string_view field_id) {
  auto it = s.impl->caret_x.find(std::string(field_id));
  if (it == s.impl->caret_x.end()) return std::nullopt;
  return it->second;
}
std::optional<Rect> button_rect(const UiState& s, std::string_view label) {
  if (const DebugButton* b = find_button(s, label)) return to_rect(b->rect);
  return std::nullopt;
}
bool button_enabled(const UiState& s, std::string_view label) {
  const DebugButton* b = find_button(s, label);
  return b && b->enabled;
}
std::vector<std::string> button_labels(const UiState& s) {
  std::vector<std::string> out;
  for (const DebugButton& b : s.impl->buttons) out.push_back(b.label);
  return out;
}
bool keyboard_visible(const UiState& s) { return find_button(s, tr("keyboard.space")) != nullptr; }
std::optional<Rect> cell_rect(const UiState& s, const CellKey& key) {
  auto it = s.impl->cells.find(key);
  if (it == s.impl->cells.end()) return std::nullopt;
  return to_rect(it->second.rect);
}
std::string cell_caption(const UiState& s, const CellKey& key) {
  auto it = s.impl->cells.find(key);
  return it == s.impl->cells.end() ? std::string() : it->second.caption;
}
std::vector<DrawnText> cell_texts(const UiState& s, const CellKey& key) {
  auto it = s.impl->cells.find(key);
  return it == s.impl->cells.end() ? std::vector<DrawnText>{} : it->second.texts;
}
std::optional<Rect> clock_rect(const UiState& s) {
  if (!s.impl->clock) return std::nullopt;
  return to_rect(*s.impl->clock);
}
std::string dialog_title(const UiState& s) { return s.impl->dialog_title; }
std::string message(const UiState& s) { return s.impl->message; }
std::string status_line(const UiState& s) { return s.impl->status_line; }
std::string offline_banner(const UiState& s) { return s.impl->offline_banner; }
std::string selected_day(const UiState& s) { return s.impl->day; }
float scroll_x(const UiState& s) { return s.impl->scroll_x; }
float scroll_y(const UiState& s) { return s.impl->scroll_y; }
Rect grid_viewport(const UiState& s) { return to_rect(s.impl->grid_viewport); }
std::string earlier_label(const UiState& s) { return s.impl->earlier_label; }
std::vector<std::string> edge_notes(const UiState& s) { return s.impl->edge_notes; }
bool dimmed(const UiState& s) { return s.impl->dimmed; }
std::vector<std::string> hallway_now(const UiState& s) { return s.impl->hallway_now; }
std::vector<std::string> hallway_next(const UiState& s) { return s.impl->hallway_next; }
std::vector<std::string> hallway_open(const UiState& s) { return s.impl->hallway_open; }
std::string talks_line(const UiState& s, const std::string& day, const std::string& start) {
  auto it = s.impl->talks_lines.find(day + " " + start);
  return it == s.impl->talks_lines.end() ? std::string() : it->second;
}
std::vector<std::string> talks_list(const UiState& s) { return s.impl->modal == Modal::Talks ? s.impl->talks_list : std::vector<std::string>{}; }
std::string clash_line(const UiState& s) { return s.impl->clash; }
std::string session_tag(const UiState& s) { return s.impl->session_tag; }
std::vector<std::string> this_kiosk_lines(const UiState& s) { return s.impl->kiosk_lines; }

}  // namespace debug

}  // namespace osb::ui
