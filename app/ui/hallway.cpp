// Open Space Board — hallway mode: a glanceable screen for people walking by.
// NOW (sessions running, where, how long left) and NEXT (starting in N min), the slots still
// open today, the announcement and a QR code to the phone view. No claiming, no keyboard. It
// follows view.now, so it moves on by itself as slots begin and end.
//
// [SECTION] What to show
// [SECTION] Drawing
#include <algorithm>

#include "core/talks.hpp"
#include "ui/assets.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {

// [SECTION] What to show

struct SessionLine {
  std::string title, details;
  bool talk = false;       // a scheduled talk (else an open space)
  bool cancelled = false;  // a cancelled talk: struck through, and the details say so
};

struct HallwayContent {
  const SlotTime* now_slot = nullptr;
  const SlotTime* next_slot = nullptr;
  std::vector<SessionLine> now, next;
  std::vector<std::string> open;
};

std::string minutes_words(long m) {
  if (m <= 0) return tr("hallway.now_lower");
  if (m < 60) return tr("hallway.minutes", {{"n", std::to_string(m)}});
  return m % 60 ? tr("hallway.hours_minutes", {{"h", std::to_string(m / 60)}, {"m", std::to_string(m % 60)}})
                : tr("hallway.hours", {{"h", std::to_string(m / 60)}});
}

HallwayContent content(const KioskView& v) {
  HallwayContent c;
  const Event& e = v.board.event;
  const std::string& today = v.now.day;
  if (!e.has_day(today)) return c;
  for (const SlotTime& s : e.slots) {
    const SlotPhase p = slot_phase(today, s.start, s.end, v.now);
    if (p == SlotPhase::Now && !c.now_slot) c.now_slot = &s;
    if (p == SlotPhase::Upcoming && !c.next_slot) c.next_slot = &s;
  }
  auto sessions = [&](const SlotTime* slot, bool running) {
    std::vector<SessionLine> out;
    if (!slot) return out;
    for (const Room& r : e.rooms) {
      const Cell* cell = find_cell(v, {today, r.id, format_hhmm(slot->start)});
      if (!cell || cell->state != CellState::Claimed) continue;
      const long m = running ? minutes_between(v.now, today, slot->end) : minutes_between(v.now, today, slot->start);
      std::string when = running ? (m <= 0 ? tr("hallway.ends_now") : tr("hallway.ends_in", {{"time", minutes_words(m)}}))
                                 : (m <= 0 ? tr("hallway.starts_now") : tr("hallway.starts_in", {{"time", minutes_words(m)}}));
      out.push_back({cell->title, tr("board.by_host", {{"host", cell->host}}) + " · " + r.name + " · " + when});
    }
    return out;
  };
  c.now = sessions(c.now_slot, true);
  c.next = sessions(c.next_slot, false);
  // The talks next door, in the same lists, each marked as what it is: running now, and those of
  // the next slot that have not started yet.
  const int now_min = v.now.minute;
  auto talk_line = [&](const Talk& t, bool running) {
    const auto day_of = [](const std::string& local) { return local.size() >= 10 ? local.substr(0, 10) : local; };
    const auto minute_of = [](const std::string& local) { return parse_hhmm(talk_clock(local)).value_or(0); };
    const long m = running ? minutes_between(v.now, day_of(t.end), minute_of(t.end))
                           : minutes_between(v.now, day_of(t.start), minute_of(t.start));
    std::string when = running ? (m <= 0 ? tr("hallway.ends_now") : tr("hallway.ends_in", {{"time", minutes_words(m)}}))
                               : (m <= 0 ? tr("hallway.starts_now") : tr("hallway.starts_in", {{"time", minutes_words(m)}}));
    const bool cancelled = t.state == TalkState::Cancelled;
    std::string people;
    for (const std::string& p : t.persons) people += (people.empty() ? "" : ", ") + p;
    std::string details = tr("talks.kind_talk") + (people.empty() ? "" : " · " + people) + (t.room.empty() ? "" : " · " + t.room) +
                          " · " + (cancelled ? tr("talks.cancelled") : when);
    return SessionLine{t.title, details, true, cancelled};
  };
  const bool any_talks = !slot_talks(v, today, 0, 24 * 60).empty();
  if (any_talks) {
    for (SessionLine& l : c.now) l.details = tr("talks.kind_open_space") + " · " + l.details;
    for (SessionLine& l : c.next) l.details = tr("talks.kind_open_space") + " · " + l.details;
    for (const Talk* t : slot_talks(v, today, now_min, now_min + 1)) c.now.push_back(talk_line(*t, true));
    if (c.next_slot)
      for (const Talk* t : slot_talks(v, today, c.next_slot->start, c.next_slot->end))
        if (!talk_overlaps(*t, today, now_min, now_min + 1)) c.next.push_back(talk_line(*t, false));
  }
  for (const SlotTime& s : e.slots) {
    if (slot_phase(today, s.start, s.end, v.now) == SlotPhase::Past) continue;
    for (const Room& r : e.rooms) {
      const Cell* cell = find_cell(v, {today, r.id, format_hhmm(s.start)});
      if (!cell || cell->state == CellState::Open) c.open.push_back(r.name + " " + format_hhmm(s.start));
    }
  }
  return c;
}

// [SECTION] Drawing

float draw_section(Frame& f, const ImRect& area, const std::string& heading, const std::vector<SessionLine>& lines,
                   const std::string& empty_words) {
  float y = area.Min.y;
  draw_text_in(f, fonts().huge, ImRect(area.Min.x, y, area.Max.x, y + f.px(80)), theme::amber, heading);
  y += f.px(92);
  if (lines.empty()) {
    draw_text_in(f, fonts().header, ImRect(area.Min.x, y, area.Max.x, y + f.px(52)), theme::past_text, empty_words);
    return y + f.px(64);
  }
  const float row = f.px(60) + f.px(48) + f.px(20);
  std::size_t shown = 0;
  for (const SessionLine& l : lines) {
    // What does not fit is counted, never drawn over what is below: the "and N more" line needs
    // its own room unless this is the last row.
    const bool last = shown + 1 == lines.size();
    if (shown > 0 && y + row + (last ? 0.0f : f.px(60)) > area.Max.y) {
      draw_text_in(f, fonts().header, ImRect(area.Min.x, y, area.Max.x, y + f.px(52)), theme::text,
                   tr("hallway.and_more", {{"n", std::to_string(lines.size() - shown)}}));
      y += f.px(60);
      break;
    }
    // An open space has a white bar; a talk the talk icon and its colour (and the word "Talk").
    if (l.talk) draw_icon(f.dl, "talk", ImVec2(area.Min.x - f.px(6), y + f.px(12)), f.px(34), theme::talk_text);
    else f.dl->AddRectFilled(ImVec2(area.Min.x, y), ImVec2(area.Min.x + f.px(6), y + row - f.px(20)), theme::claimed_text);
    const ImU32 title_col = l.cancelled ? theme::past_text : theme::white;
    const std::string drawn = draw_text_in(f, fonts().clock, ImRect(area.Min.x + f.px(34), y, area.Max.x, y + f.px(60)), title_col, l.title);
    if (l.cancelled) {
      const float ly = y + fonts().clock->FontSize * 0.6f;
      f.dl->AddLine(ImVec2(area.Min.x + f.px(34), ly), ImVec2(std::min(area.Max.x, area.Min.x + f.px(34) + text_width(fonts().clock, drawn)), ly),
                    title_col, f.px(3));
    }
    draw_text_in(f, fonts().header, ImRect(area.Min.x + f.px(34), y + f.px(60), area.Max.x, y + f.px(108)),
                 l.talk ? theme::talk_text : theme::text, l.details);
    y += row;
    ++shown;
  }
  return y;
}

}  // namespace

void draw_hallway(Frame& f) {
  const KioskView& v = f.view;
  UiStateImpl& st = f.st;
  const HallwayContent c = content(v);
  st.hallway_now.clear();
  st.hallway_next.clear();
  for (const SessionLine& l : c.now) st.hallway_now.push_back(l.title + " · " + l.details);
  for (const SessionLine& l : c.next) st.hallway_next.push_back(l.title + " · " + l.details);
  st.hallway_open = c.open;

  const ImRect safe = f.safe();
  float y = safe.Min.y;
  const float clock_w = f.px(150);
  const std::string event_name = v.board.event.backchannel.empty() ? v.board.event.name
                                                                    : v.board.event.name + " · " + v.board.event.backchannel;
  if (f.portrait()) {
    draw_text_in(f, fonts().huge, ImRect(safe.Min.x, y, safe.Max.x - clock_w - f.px(16), y + f.px(80)), theme::text,
                 event_name);
    draw_clock(f, ImRect(safe.Max.x - clock_w, y + f.px(8), safe.Max.x, y + f.px(72)));
    y += f.px(84);
    draw_text_in(f, fonts().body, ImRect(safe.Min.x, y, safe.Max.x, y + f.px(44)), connection_colour(v),
                 connection_short(v));
    y += f.px(60);
  } else {
    const float conn_w = std::min(text_width(fonts().body, connection_short(v)) + f.px(8), f.px(720));
    draw_text_in(f, fonts().huge, ImRect(safe.Min.x, y, safe.Max.x - clock_w - conn_w - f.px(32), y + f.px(80)),
                 theme::text, event_name);
    draw_text_in(f, fonts().body, ImRect(safe.Max.x - clock_w - conn_w - f.px(16), y, safe.Max.x - clock_w - f.px(16),
                                         y + f.px(80)),
                 connection_colour(v), connection_short(v), false, true);
    draw_clock(f, ImRect(safe.Max.x - clock_w, y + f.px(8), safe.Max.x, y + f.px(72)));
    y += f.px(100);
  }

  if (!v.has_board) {
    draw_text_in(f, fonts().header, ImRect(safe.Min.x, y, safe.Max.x, safe.Max.y), theme::text,
                 tr("board.waiting"), true, true);
    return;
  }
  const float qr = f.px(f.portrait() ? 300 : 260);
  const float footer_h = std::max(qr + f.px(16), f.px(200));
  // The evening: the next lightning sheet's line-up and free places, tonight's groups.
  st.lightning_lines.clear();
  st.tonight_lines.clear();
  std::vector<std::pair<std::string, ImU32>> evening;
  for (const Sheet& sh : v.board.lightning) {
    if (sh.day != v.now.day) continue;
    const int start = parse_hhmm(sh.start).value_or(0);
    if (v.now.minute >= start + sh.talks * sh.minutes) continue;  // over
    const int free = std::max(0, sh.talks - static_cast<int>(sh.signups.size()));
    const auto closes = parse_hhmm(sh.closes);
    const bool closed = closes && v.now.minute >= *closes;
    std::string head = tr("hallway.lightning", {{"start", sh.start}}) + " · " +
                       (closed ? tr("lightning.closed", {{"time", sh.closes}})
                               : free == 0 ? tr("lightning.full", {{"n", std::to_string(sh.talks)}})
                                           : trn("lightning.places_left", free) + " · " + tr("hallway.sign_up_at_board"));
    std::string lineup;
    for (const LightningSignup& x : sh.signups)
      lineup += (lineup.empty() ? "" : " · ") + std::to_string(x.position) + " " + x.title + " — " + x.speaker;
    st.lightning_lines.push_back(head);
    evening.emplace_back(head, theme::amber);
    if (!lineup.empty()) {
      st.lightning_lines.push_back(lineup);
      evening.emplace_back(lineup, theme::text);
    }
    break;  // the next sheet only
  }
  {
    std::string tonight;
    for (const Group& g : v.board.groups) {
      if (g.day != v.now.day) continue;
      const std::string count = g.joined >= g.seats ? tr("tonight.full")
                                                    : tr("tonight.count", {{"joined", std::to_string(g.joined)}, {"seats", std::to_string(g.seats)}});
      const std::string item = g.time + " " + g.title + " (" + count + ")";
      st.tonight_lines.push_back(item);
      tonight += (tonight.empty() ? "" : " · ") + item;
    }
    if (!tonight.empty()) evening.emplace_back(tr("hallway.tonight") + " " + tonight, theme::text);
  }
  const float evening_h = evening.empty() ? 0.0f : static_cast<float>(evening.size()) * f.px(52) + f.px(24);
  if (!evening.empty()) {
    float ey = safe.Max.y - footer_h - evening_h + f.px(12);
    f.dl->AddLine(ImVec2(safe.Min.x, ey - f.px(8)), ImVec2(safe.Max.x, ey - f.px(8)), theme::line, f.px(2));
    for (const auto& [text, col] : evening) {
      draw_text_in(f, fonts().header, ImRect(safe.Min.x, ey, safe.Max.x, ey + f.px(48)), col, text);
      ey += f.px(52);
    }
  }
  const ImRect body(safe.Min.x, y, safe.Max.x, safe.Max.y - footer_h - evening_h);
  const std::string now_head = c.now_slot ? "▶ " + tr("hallway.now") + "  " + format_hhmm(c.now_slot->start) + "–" + format_hhmm(c.now_slot->end)
                                          : "▶ " + tr("hallway.now");
  const std::string next_head = c.next_slot ? tr("hallway.next") + "  " + format_hhmm(c.next_slot->start) : tr("hallway.next");
  const std::string now_empty = c.now_slot ? tr("hallway.no_session_in_slot") : tr("hallway.no_session_running");
  const std::string next_empty = c.next_slot ? tr("hallway.nothing_claimed_next") : tr("hallway.no_more_slots");
  if (f.portrait()) {
    const float half = body.Min.y + body.GetHeight() / 2;
    draw_section(f, ImRect(body.Min.x, body.Min.y, body.Max.x, half - f.px(16)), now_head, c.now, now_empty);
    draw_section(f, ImRect(body.Min.x, half, body.Max.x, body.Max.y), next_head, c.next, next_empty);
  } else {
    const float mid = body.GetCenter().x;
    draw_section(f, ImRect(body.Min.x, body.Min.y, mid - f.px(32), body.Max.y), now_head, c.now, now_empty);
    f.dl->AddLine(ImVec2(mid, body.Min.y), ImVec2(mid, body.Max.y), theme::line, f.px(2));
    draw_section(f, ImRect(mid + f.px(32), body.Min.y, body.Max.x, body.Max.y), next_head, c.next, next_empty);
  }

  // Footer: still open today, the announcement, and the QR to the phone view.
  const ImRect footer(safe.Min.x, safe.Max.y - footer_h + f.px(16), safe.Max.x - qr - f.px(32), safe.Max.y);
  f.dl->AddLine(ImVec2(safe.Min.x, footer.Min.y - f.px(8)), ImVec2(safe.Max.x, footer.Min.y - f.px(8)), theme::line, f.px(2));
  float fy = footer.Min.y + f.px(8);
  std::string open = tr("hallway.still_open") + " ";
  if (c.open.empty()) open = tr("hallway.all_taken");
  for (std::size_t i = 0; i < c.open.size(); ++i) {
    // No-break spaces inside "Room B 16:00": lines break only between slots.
    std::string item = c.open[i];
    for (std::size_t p = item.find(' '); p != std::string::npos; p = item.find(' ', p + 2)) item.replace(p, 1, "\u00A0");
    open += (i ? ", " : "") + item;
  }
  for (const std::string& l : wrap_text(fonts().header, open, footer.GetWidth(), f.portrait() ? 3 : 2)) {
    draw_text(f, fonts().header, ImVec2(footer.Min.x, fy), theme::text, l);
    fy += f.px(48);
  }
  fy += f.px(12);
  if (v.board.announcement && !v.board.announcement->text.empty()) {
    const float icon = f.px(36);
    draw_megaphone(f.dl, ImVec2(footer.Min.x, fy + f.px(6)), icon, theme::amber);
    std::string text = v.board.announcement->text;
    if (!v.board.announcement->until.empty()) text += " (" + tr("status.until", {{"time", v.board.announcement->until}}) + ")";
    draw_text_in(f, fonts().header, ImRect(footer.Min.x + icon * 1.5f, fy, footer.Max.x, fy + f.px(48)), theme::amber, text);
    fy += f.px(56);
  }
  if (v.connection == Connection::Offline) {
    const std::string lag = lag_words(v.lag_ms);
    draw_text_in(f, fonts().body, ImRect(footer.Min.x, fy, footer.Max.x, fy + f.px(40)), theme::amber,
                 lag.empty() ? tr("hallway.offline") + "." : tr("hallway.offline_last_update", {{"ago", lag}}) + ".");
  }
  if (!v.node_url.empty()) {
    const ImVec2 qpos(safe.Max.x - qr, safe.Max.y - qr);
    draw_qr(f, qpos, qr, v.node_url + "/");
    draw_text_in(f, fonts().body, ImRect(qpos.x - f.px(8), qpos.y - f.px(44), safe.Max.x, qpos.y - f.px(4)), theme::text,
                 tr("hallway.on_your_phone"), true);
  }
}

}  // namespace osb::ui
