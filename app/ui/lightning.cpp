// Open Space Board — the "Lightning talks" tab: the day's sign-up sheets with numbered places,
// "Sign up" opening the same dialog and keyboard as a claim (title, speaker). A full or closed
// sheet says so in words. Sign-ups made here and not yet accepted show "Sending…" in their place.
// Also the page tabs beside the day tabs, and the look-ups the §4.3 screens share.
//
// [SECTION] Shared look-ups
// [SECTION] Page tabs
// [SECTION] The lightning page
// [SECTION] Debug accessors
#include <algorithm>

#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] Shared look-ups

std::string page_day(const KioskView& v, const UiStateImpl& st) {
  (void)st;
  const Event& e = v.board.event;
  if (e.has_day(v.now.day) || e.days.empty()) return v.now.day;
  for (const std::string& d : e.days)
    if (d > v.now.day) return d;
  return e.days.back();
}

int interest_count(const KioskView& v, const Cell& c) {
  int n = c.interest;
  for (const std::string& id : v.pending_interest)
    if (id == c.claim_id) ++n;
  return n;
}

std::string coming_words(const KioskView& v, const Cell& c) {
  const int n = interest_count(v, c);
  return n > 0 ? trn("session.coming", n) : std::string();
}

int crowded_capacity(const KioskView& v, const Cell& c) {
  if (c.state != CellState::Claimed) return 0;
  const Room* r = find_room(v, c.room);
  return r && r->capacity > 0 && interest_count(v, c) > r->capacity ? r->capacity : 0;
}

std::vector<const Room*> larger_free_rooms(const KioskView& v, const Cell& c) {
  std::vector<const Room*> out;
  const Room* here = find_room(v, c.room);
  const int need = std::max(interest_count(v, c), here ? here->capacity : 0);
  for (const Room& r : v.board.event.rooms) {
    if (r.id == c.room || r.capacity <= need) continue;
    const Cell* there = find_cell(v, CellKey{c.day, r.id, c.start});
    if (there && there->state != CellState::Open) continue;
    out.push_back(&r);
  }
  std::sort(out.begin(), out.end(), [](const Room* a, const Room* b) { return a->capacity > b->capacity; });
  return out;
}

namespace {

bool sheet_closed(const KioskView& v, const Sheet& s) {
  if (s.day < v.now.day) return true;
  if (s.day > v.now.day) return false;
  const auto closes = parse_hhmm(s.closes);
  return closes && v.now.minute >= *closes;
}

int pending_on(const KioskView& v, const Sheet& s) {
  int n = 0;
  for (const LightningSignup& p : v.pending_signups)
    if (p.day == s.day && p.start == s.start) ++n;
  return n;
}

std::string sheet_status(const KioskView& v, const Sheet& s) {
  const int taken = static_cast<int>(s.signups.size()) + pending_on(v, s);
  if (taken >= s.talks) return tr("lightning.full", {{"n", std::to_string(s.talks)}});
  if (sheet_closed(v, s)) return tr("lightning.closed", {{"time", s.closes}});
  return trn("lightning.places_left", s.talks - taken) + " · " + tr("lightning.closes_at", {{"time", s.closes}});
}

}  // namespace

// [SECTION] Page tabs

float page_tabs_width(const Frame& f) {
  const bool lightning = !f.view.board.event.lightning.empty() || !f.view.board.lightning.empty();
  return (lightning ? f.px(260) + f.px(theme::gap) : 0.0f) + f.px(200);
}

void draw_page_tabs(Frame& f, ImRect area) {
  UiStateImpl& st = f.st;
  float x = area.Min.x;
  const float h = area.GetHeight();
  const bool lightning = !f.view.board.event.lightning.empty() || !f.view.board.lightning.empty();
  if (lightning) {
    const float w = f.px(260);
    if (button(f, ImRect(x, area.Min.y, x + w, area.Min.y + h), tr("lightning.tab"),
               st.page == Page::Lightning ? ButtonKind::TabSelected : ButtonKind::Tab, true, fonts().body, "tab lightning")) {
      st.page = Page::Lightning;
      st.page_scroll = 0;
    }
    x += w + f.px(theme::gap);
  }
  const float w = f.px(200);
  if (button(f, ImRect(x, area.Min.y, x + w, area.Min.y + h), tr("tonight.tab"),
             st.page == Page::Tonight ? ButtonKind::TabSelected : ButtonKind::Tab, true, fonts().body, "tab tonight")) {
    st.page = Page::Tonight;
    st.page_scroll = 0;
  }
}

// [SECTION] The lightning page

void draw_lightning_page(Frame& f, const ImRect& area) {
  const KioskView& v = f.view;
  UiStateImpl& st = f.st;
  st.lightning_lines.clear();
  st.lightning_status.clear();
  const std::string day = page_day(v, st);
  std::vector<const Sheet*> sheets;
  for (const Sheet& s : v.board.lightning)
    if (s.day == day) sheets.push_back(&s);
  if (sheets.empty()) {
    draw_text_in(f, fonts().header, area, theme::text, tr("lightning.none"), true, true);
    return;
  }
  // Dragging scrolls the page when several sheets do not fit.
  if (st.dragging && f.down && f.layer == f.top && area.Contains(st.press_pos)) st.page_scroll -= ImGui::GetIO().MouseDelta.y;
  const float row = f.px(64), pad = f.px(20), head_h = f.px(124);
  const int cols = area.GetWidth() > f.px(1300) ? 2 : 1;
  float total = 0;
  for (const Sheet* s : sheets) total += head_h + row * static_cast<float>((s->talks + cols - 1) / cols) + f.px(32);
  st.page_scroll = std::clamp(st.page_scroll, 0.0f, std::max(0.0f, total - area.GetHeight()));

  f.dl->PushClipRect(area.Min, area.Max, true);
  float y = area.Min.y - st.page_scroll;
  for (const Sheet* sp : sheets) {
    const Sheet& s = *sp;
    const auto start = parse_hhmm(s.start).value_or(0);
    const std::string title = tr("lightning.title", {{"start", s.start}, {"end", format_hhmm(start + s.talks * s.minutes)},
                                                      {"weekday", weekday_long(s.day)}});
    const std::string sub = tr("lightning.shape", {{"talks", std::to_string(s.talks)}, {"minutes", std::to_string(s.minutes)}});
    const std::string status = sheet_status(v, s);
    if (st.lightning_status.empty()) st.lightning_status = status;
    const int taken = static_cast<int>(s.signups.size()) + pending_on(v, s);
    const bool open = taken < s.talks && !sheet_closed(v, s);
    const float bw = f.px(300);
    draw_text_in(f, fonts().clock, ImRect(area.Min.x, y, area.Max.x - bw - pad, y + f.px(60)), theme::amber, title);
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y + f.px(62), area.Max.x - bw - pad, y + f.px(104)),
                 open ? theme::text : theme::amber, sub + " · " + status);
    if (button(f, ImRect(area.Max.x - bw, y + f.px(12), area.Max.x, y + f.px(12) + f.px(88)), "✓ " + tr("lightning.sign_up"),
               ButtonKind::Primary, open && v.has_board, fonts().key, "sign up " + s.start)) {
      open_signup_dialog(st, s.day, s.start);
      f.top = Layer::Dialog;
    }
    y += head_h;
    // Numbered places: what the node has, then what this kiosk is still sending, then free ones.
    struct Place {
      std::string title, speaker;
      bool pending = false;
    };
    std::vector<Place> places;
    for (const LightningSignup& x : s.signups) places.push_back({x.title, x.speaker, false});
    for (const LightningSignup& p : v.pending_signups)
      if (p.day == s.day && p.start == s.start) places.push_back({p.title, p.speaker, true});
    const int per_col = (s.talks + cols - 1) / cols;
    const float col_w = (area.GetWidth() - pad * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    for (int i = 0; i < s.talks; ++i) {
      const int c = i / per_col, r = i % per_col;
      const float x0 = area.Min.x + static_cast<float>(c) * (col_w + pad);
      const float y0 = y + static_cast<float>(r) * row;
      const ImRect box(x0, y0 + f.px(3), x0 + col_w, y0 + row - f.px(3));
      const bool filled = i < static_cast<int>(places.size());
      f.dl->AddRectFilled(box.Min, box.Max, filled ? theme::claimed_fill : theme::open_fill, f.px(6));
      const std::string num = std::to_string(i + 1);
      const std::string at = format_hhmm(start + i * s.minutes);
      draw_text_in(f, fonts().cell, ImRect(box.Min.x + f.px(14), box.Min.y, box.Min.x + f.px(70), box.Max.y), theme::amber, num);
      draw_text_in(f, fonts().body, ImRect(box.Min.x + f.px(70), box.Min.y, box.Min.x + f.px(170), box.Max.y), theme::past_text, at);
      const ImRect text(box.Min.x + f.px(176), box.Min.y, box.Max.x - f.px(12), box.Max.y);
      std::string line;
      if (!filled) {
        line = tr("lightning.free");
        draw_text_in(f, fonts().body, text, theme::past_text, line);
      } else if (places[static_cast<std::size_t>(i)].pending) {
        const Place& p = places[static_cast<std::size_t>(i)];
        line = tr("board.sending") + " " + p.title + " — " + p.speaker;
        draw_text_in(f, fonts().body, text, theme::amber, line);
        f.dl->AddRect(box.Min, box.Max, theme::amber, f.px(6), 0, f.px(2));
      } else {
        const Place& p = places[static_cast<std::size_t>(i)];
        line = p.title + " — " + p.speaker;
        draw_text_in(f, fonts().cell, text, theme::claimed_text, line);
      }
      st.lightning_lines.push_back(num + " · " + at + " · " + line);
    }
    y += row * static_cast<float>(per_col) + f.px(32);
  }
  f.dl->PopClipRect();
}

// [SECTION] Debug accessors

namespace debug {
std::vector<std::string> lightning_lines(const UiState& s) {
  return s.impl->page == Page::Lightning || s.impl->hallway ? s.impl->lightning_lines : std::vector<std::string>{};
}
std::string lightning_status(const UiState& s) { return s.impl->page == Page::Lightning ? s.impl->lightning_status : ""; }
std::vector<std::string> tonight_lines(const UiState& s) {
  return s.impl->page == Page::Tonight || s.impl->hallway ? s.impl->tonight_lines : std::vector<std::string>{};
}
std::string interest_words(const UiState& s) { return s.impl->modal == Modal::Session ? s.impl->interest_words : ""; }
std::vector<std::string> move_choices(const UiState& s) { return s.impl->move_choices; }
}  // namespace debug

}  // namespace osb::ui
