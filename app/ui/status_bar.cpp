// Open Space Board — the top bar of room mode: event, this room, connection in words, clock,
// day tabs, announcement, and the offline banner. The clock doubles as the staff door: hold it
// three seconds (a ring fills) and the PIN pad opens.
//
// [SECTION] Words
// [SECTION] Clock and long press
// [SECTION] Status bar
#include <algorithm>
#include <cmath>

#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] Words

// This screen's sentences come from the catalogue ([status] in assets/text/<language>.toml).
std::string connection_short(const KioskView& view) {
  switch (view.connection) {
    case Connection::Online: return "● " + tr("status.online");
    case Connection::Reconnecting: return "◐ " + tr("status.reconnecting");
    case Connection::Offline:
      return "○ " + (view.offline_since.empty() ? tr("status.offline") : tr("status.offline_since", {{"time", view.offline_since}}));
  }
  return {};
}

std::string connection_words(const KioskView& view) {
  const std::string short_words = connection_short(view);
  return view.connection == Connection::Offline ? short_words + " — " + tr("status.offline_promise") : short_words;
}

ImU32 connection_colour(const KioskView& view) {
  return view.connection == Connection::Online ? theme::online : theme::amber;
}

std::string lag_words(long long lag_ms) {
  if (lag_ms < 0) return {};
  const long long minutes = lag_ms / 60000;
  if (minutes < 1) return tr("status.just_now");
  if (minutes < 120) return tr("status.minutes_ago", {{"n", std::to_string(minutes)}});
  return tr("status.hours_ago", {{"n", std::to_string(minutes / 60)}});
}

// [SECTION] Clock and long press

void draw_clock(Frame& f, const ImRect& r) {
  UiStateImpl& st = f.st;
  st.clock = r;
  const std::string hhmm = format_hhmm(f.view.now.minute);
  draw_text_in(f, fonts().clock, r, theme::text, hhmm, true, true);
  const bool holding = st.pressing && !st.dragging && f.down && f.layer == f.top && r.Contains(st.press_pos) &&
                       r.Contains(f.pointer) && !st.long_press_fired;
  if (!holding) return;
  const float held_s = std::chrono::duration<float>(f.now - st.press_time).count();
  // Show the ring only after a moment, so an ordinary tap on the clock does not flicker.
  if (held_s > 0.4f) {
    const ImVec2 c = r.GetCenter();
    const float radius = std::min(r.GetWidth(), r.GetHeight()) / 2 + f.px(6);
    const float a0 = -IM_PI / 2;
    f.dl->PathArcTo(c, radius, a0, a0 + 2 * IM_PI * std::min(1.0f, held_s / 3.0f), 48);
    f.dl->PathStroke(theme::amber, 0, f.px(5));
  }
  if (held_s >= 3.0f) {
    st.long_press_fired = true;  // the release after this is not a tap
    if (f.view.staff_session && st.staff_unlocked) {
      st.modal = Modal::Staff;
      st.staff = StaffState{};
      st.staff_last_input = f.now;
      f.out.push_back(intent::RefreshFleet{});
    } else {
      // Once the panel was locked or timed out, only the PIN opens it again.
      st.modal = Modal::PinPad;
      wipe(st.pin);
      st.pin_sent = false;
    }
    st.claim.reset();
  }
}

// [SECTION] Status bar

void draw_day_tabs(Frame& f, const ImRect& area, std::string& day) {
  float x = area.Min.x;
  const float w = f.px(168), h = area.GetHeight();
  for (const std::string& d : f.view.board.event.days) {
    if (x + w > area.Max.x) break;
    const bool today = d == f.view.now.day;
    const std::string label = today ? tr("status.today") : day_short(d);
    const bool selected = d == day && (f.st.modal == Modal::Staff || f.st.page == Page::Grid);
    if (button(f, ImRect(x, area.Min.y, x + w, area.Min.y + h), label,
               selected ? ButtonKind::TabSelected : ButtonKind::Tab, true, fonts().body, "day " + d)) {
      day = d;
      f.st.scroll_x = f.st.scroll_y = 0;
      f.st.earlier_open = false;
      if (f.st.modal != Modal::Staff) f.st.page = Page::Grid;
    }
    x += w + f.px(theme::gap);
  }
}

float draw_status_bar(Frame& f) {
  const KioskView& v = f.view;
  const ImRect safe = f.safe();
  const float row = f.px(64), gap = f.px(12);
  const Room* own = find_room(v, v.own_room);
  std::string own_words = own ? "▶ " + own->name + (own->where.empty() ? "" : " · " + own->where) : "";
  // The top row says the state in a word or two; offline, the banner below says the whole of it.
  const std::string conn = connection_short(v);
  ImFont* body = fonts().body;
  float y = safe.Min.y;
  // The event's backchannel ("#pycon") beside its name, where people read what to post under.
  const std::string event_name = v.board.event.backchannel.empty() ? v.board.event.name
                                                                    : v.board.event.name + " · " + v.board.event.backchannel;

  const float clock_w = f.px(150);
  ImRect clock(safe.Max.x - clock_w, y, safe.Max.x, y + row);
  if (!f.portrait()) {
    // One row: event · this room · connection · clock.
    const float conn_w = std::min(text_width(body, conn) + f.px(8), safe.GetWidth() * 0.36f);
    const float left_w = safe.GetWidth() - clock_w - conn_w - 2 * gap;
    const float name_w = std::min(text_width(fonts().header, event_name) + f.px(8), left_w * 0.5f);
    draw_text_in(f, fonts().header, ImRect(safe.Min.x, y, safe.Min.x + name_w, y + row), theme::text, event_name);
    draw_text_in(f, fonts().header, ImRect(safe.Min.x + name_w + gap * 2, y, safe.Min.x + left_w, y + row), theme::amber,
                 own_words);
    draw_text_in(f, body, ImRect(clock.Min.x - gap - conn_w, y, clock.Min.x - gap, y + row), connection_colour(v), conn);
    draw_clock(f, clock);
    y += row + f.px(8);
  } else {
    draw_text_in(f, fonts().header, ImRect(safe.Min.x, y, clock.Min.x - gap, y + row), theme::text, event_name);
    draw_clock(f, clock);
    y += row;
    draw_text_in(f, fonts().header, ImRect(safe.Min.x, y, safe.Max.x, y + f.px(48)), theme::amber, own_words);
    y += f.px(48);
    draw_text_in(f, body, ImRect(safe.Min.x, y, safe.Max.x, y + f.px(44)), connection_colour(v), conn);
    y += f.px(44) + f.px(8);
  }

  // Day tabs, then the announcement beside them (or below them in portrait).
  const float days_w = static_cast<float>(v.board.event.days.size()) * f.px(176);
  const float pages_w = v.has_board ? page_tabs_width(f) + f.px(16) : 0.0f;
  const float tabs_w = std::min(safe.GetWidth(), days_w + pages_w);
  draw_day_tabs(f, ImRect(safe.Min.x, y, safe.Min.x + std::min(days_w, tabs_w - pages_w), y + row), f.st.day);
  if (v.has_board) draw_page_tabs(f, ImRect(safe.Min.x + tabs_w - pages_w + f.px(16), y, safe.Min.x + tabs_w, y + row));
  if (v.board.announcement && !v.board.announcement->text.empty()) {
    ImRect ann = f.portrait() ? ImRect(safe.Min.x, y + row + f.px(8), safe.Max.x, y + 2 * row + f.px(8))
                              : ImRect(safe.Min.x + tabs_w + f.px(24), y, safe.Max.x, y + row);
    const float icon = f.px(30);
    draw_megaphone(f.dl, ImVec2(ann.Min.x, ann.GetCenter().y - icon / 2), icon, theme::amber);
    std::string text = v.board.announcement->text;
    if (!v.board.announcement->until.empty()) text += " (" + tr("status.until", {{"time", v.board.announcement->until}}) + ")";
    draw_text_in(f, body, ImRect(ann.Min.x + icon * 1.5f, ann.Min.y, ann.Max.x, ann.Max.y), theme::text, text);
    if (f.portrait()) y += row + f.px(8);
  }
  y += row + f.px(12);

  f.st.status_line = conn;
  f.st.offline_banner.clear();
  if (v.connection == Connection::Offline) {
    // The whole sentence, wrapped onto a second line on a narrow (portrait) screen.
    std::string sentence = connection_words(v) + ".";
    const std::string lag = lag_words(v.lag_ms);
    if (!lag.empty()) sentence += " " + tr("status.last_update", {{"ago", lag}}) + ".";
    const float pad = f.px(16), line_h = body->FontSize * 1.2f;
    const std::vector<std::string> lines = wrap_text(body, sentence, safe.GetWidth() - 2 * pad, 3);
    const float h = std::max(f.px(52), static_cast<float>(lines.size()) * line_h + f.px(14));
    ImRect banner(safe.Min.x, y, safe.Max.x, y + h);
    f.dl->AddRectFilled(banner.Min, banner.Max, theme::blocked_fill, f.px(6));
    f.dl->AddRect(banner.Min, banner.Max, theme::amber, f.px(6), 0, f.px(2));
    float ly = banner.Min.y + (h - static_cast<float>(lines.size()) * line_h) / 2;
    for (const std::string& l : lines) {
      draw_text(f, body, ImVec2(banner.Min.x + pad, ly + (line_h - body->FontSize) / 2), theme::text, l);
      f.st.offline_banner += (f.st.offline_banner.empty() ? "" : " ") + l;
      ly += line_h;
    }
    y += h + f.px(12);
  }
  return y;
}

}  // namespace osb::ui
