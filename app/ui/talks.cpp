// Open Space Board — the conference's scheduled talks on the kiosk: a line under each slot of the
// board ("Talks now: Async IO in depth · Hall 1, +3 more") that opens the list on a tap, the clash
// line of the claim dialog, and the talks of the hallway's NOW / NEXT. Cancelled talks are struck
// through and say "cancelled". The overlap rule is the node's and the phone page's (core/talks).
//
// [SECTION] Words
// [SECTION] The line under a slot
// [SECTION] The list of a slot's talks
#include <algorithm>

#include "core/talks.hpp"
#include "ui/assets.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] Words

std::vector<const Talk*> slot_talks(const KioskView& v, const std::string& day, int start, int end) {
  return talks_during(v.board.talks, day, start, end);
}

std::string talk_where(const Talk& t) { return t.room.empty() ? t.title : t.title + " · " + t.room; }

// "Async IO in depth · Hall 1, +3 more": the first talk still on (a cancelled one only when all are).
std::string talks_summary(const std::vector<const Talk*>& talks) {
  if (talks.empty()) return {};
  auto first = std::find_if(talks.begin(), talks.end(), [](const Talk* t) { return t->state != TalkState::Cancelled; });
  const Talk& t = first == talks.end() ? *talks.front() : **first;
  std::string s = talk_where(t);
  if (t.state == TalkState::Cancelled) s += " (" + tr("talks.cancelled") + ")";
  if (talks.size() > 1) s += ", " + tr("talks.more", {{"n", std::to_string(talks.size() - 1)}});
  return s;
}

std::string clash_words(const KioskView& v, const CellKey& key, const std::string& end) {
  const auto start = parse_hhmm(key.start), stop = parse_hhmm(end);
  if (!start || !stop) return {};
  std::vector<const Talk*> on;
  for (const Talk* t : slot_talks(v, key.day, *start, *stop))
    if (t->state != TalkState::Cancelled) on.push_back(t);  // a cancelled talk clashes with nothing
  if (on.empty()) return {};
  return tr("talks.clash", {{"talks", talks_summary(on)}});
}

// [SECTION] The line under a slot

void draw_talks_strip(Frame& f, const ImRect& r, const std::string& day, const SlotTime& slot, bool now,
                      const std::vector<const Talk*>& talks) {
  const std::string words = tr(now ? "talks.now" : "talks.same_time", {{"talks", talks_summary(talks)}});
  f.st.talks_lines[day + " " + format_hhmm(slot.start)] = words;
  const std::string id = "talks " + day + " " + format_hhmm(slot.start);
  ImFont* font = fonts().body;
  f.dl->AddRectFilled(r.Min, r.Max, theme::past_fill, f.px(6));
  f.dl->AddRect(r.Min, r.Max, theme::talk_text, f.px(6), 0, f.px(1.5f));
  const float icon_h = font->FontSize * 0.9f;
  const float x = r.Min.x + f.px(12);
  const float iw = draw_icon(f.dl, "talk", ImVec2(x, r.GetCenter().y - icon_h / 2), icon_h, theme::talk_text);
  const float tx = x + iw + f.px(10);
  const std::string shown = fit_text(font, words + "  ▸", r.Max.x - f.px(12) - tx);
  draw_text(f, font, ImVec2(tx, r.GetCenter().y - font->FontSize / 2), theme::talk_text, shown);
  f.st.buttons.push_back({id, r, true});
  if (tapped(f, r)) {
    f.st.talks_open = TalksShown{day, slot.start, slot.end};
    f.st.modal = Modal::Talks;
  }
}

// [SECTION] The list of a slot's talks

void draw_talks_list(Frame& f) {
  UiStateImpl& st = f.st;
  if (!st.talks_open) {
    st.modal = Modal::None;
    return;
  }
  const KioskView& v = f.view;
  const TalksShown shown = *st.talks_open;
  const auto talks = slot_talks(v, shown.day, shown.start, shown.end);
  dim_behind(f);
  const ImRect safe = f.safe();
  const float w = std::min(safe.GetWidth(), f.px(1300));
  const float row = f.px(96);
  const float pad = f.px(32);
  const std::size_t fit = static_cast<std::size_t>(std::max(1.0f, (safe.GetHeight() - f.px(260)) / row));
  const std::size_t n = std::min(talks.size(), fit);
  const float h = pad * 2 + f.px(72) + static_cast<float>(std::max<std::size_t>(n, 1)) * row + f.px(100);
  const ImVec2 mid = safe.GetCenter();
  const ImRect panel(mid.x - w / 2, mid.y - h / 2, mid.x + w / 2, mid.y + h / 2);
  draw_panel(f, panel, theme::dialog, theme::talk_text);
  st.dialog_title = tr("talks.list_title", {{"day", day_short(shown.day)}, {"time", format_hhmm(shown.start) + "–" + format_hhmm(shown.end)}});
  float y = panel.Min.y + pad;
  draw_text_in(f, fonts().header, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + f.px(56)), theme::text, st.dialog_title);
  y += f.px(72);
  st.talks_list.clear();
  if (talks.empty()) draw_text_in(f, fonts().body, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + row), theme::past_text, tr("talks.none"));
  for (std::size_t i = 0; i < n; ++i) {
    const Talk& t = *talks[i];
    const bool cancelled = t.state == TalkState::Cancelled;
    const std::string when = talk_clock(t.start) + "–" + talk_clock(t.end);
    std::string people;
    for (const std::string& p : t.persons) people += (people.empty() ? "" : ", ") + p;
    std::string details = when + (t.room.empty() ? "" : " · " + t.room) + (people.empty() ? "" : " · " + people);
    if (cancelled) details += " · " + tr("talks.cancelled");
    st.talks_list.push_back(t.title + " · " + details);
    const ImU32 col = cancelled ? theme::past_text : theme::white;
    const std::string title = draw_text_in(f, fonts().cell, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + f.px(44)), col, t.title);
    if (cancelled) {  // struck through, and the word says it too (never colour alone)
      const float tw = text_width(fonts().cell, title);
      const float ly = y + f.px(44) / 2;
      f.dl->AddLine(ImVec2(panel.Min.x + pad, ly), ImVec2(panel.Min.x + pad + std::min(tw, w - 2 * pad), ly), col, f.px(2.5f));
    }
    draw_text_in(f, fonts().body, ImRect(panel.Min.x + pad, y + f.px(44), panel.Max.x - pad, y + f.px(84)),
                 cancelled ? theme::amber : theme::text, details);
    y += row;
  }
  if (talks.size() > n)
    draw_text_in(f, fonts().body, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + f.px(40)), theme::text,
                 tr("hallway.and_more", {{"n", std::to_string(talks.size() - n)}}));
  const ImRect close(panel.Max.x - pad - f.px(220), panel.Max.y - pad - f.px(80), panel.Max.x - pad, panel.Max.y - pad);
  bool done = button(f, close, tr("common.close"), ButtonKind::Primary);
  if (!done) done = tapped(f, f.screen()) && !panel.Contains(ImGui::GetIO().MousePos);
  if (done || f.key_escape || f.key_enter) {
    st.talks_open.reset();
    st.modal = Modal::None;
  }
}

}  // namespace osb::ui
