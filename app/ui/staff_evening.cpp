// Open Space Board — the staff panel's Evening tab: the day's lightning sheets (reorder with
// ▲ ▼, remove) and evening groups (remove). Removing asks once, saying what goes; what goes is
// kept in the node's archive. The kiosk makes the HTTP calls; this file only emits intents.
#include <algorithm>

#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

void draw_staff_evening(Frame& f, const ImRect& area) {
  StaffState& s = f.st.staff;
  const KioskView& v = f.view;
  if (s.day.empty() || !v.board.event.has_day(s.day)) s.day = page_day(v, f.st);
  std::string day = s.day;
  draw_day_tabs(f, ImRect(area.Min.x, area.Min.y, area.Max.x, area.Min.y + f.px(64)), day);
  if (day != s.day) {
    s.day = day;
    s.evening_scroll = 0;
    s.confirm_evening.clear();
  }
  const ImRect list(area.Min.x, area.Min.y + f.px(80), area.Max.x, area.Max.y);
  if (f.st.dragging && f.down && f.layer == f.top && list.Contains(f.st.press_pos)) s.evening_scroll -= ImGui::GetIO().MouseDelta.y;
  const float row = f.px(76), bw = f.px(96), rw = f.px(220);
  float content_h = 0;
  for (const Sheet& sh : v.board.lightning)
    if (sh.day == s.day) content_h += f.px(60) + row * static_cast<float>(std::max<std::size_t>(1, sh.signups.size()));
  content_h += f.px(60) + row * static_cast<float>(std::max<std::size_t>(1, v.board.groups.size()));
  s.evening_scroll = std::clamp(s.evening_scroll, 0.0f, std::max(0.0f, content_h - list.GetHeight()));
  f.dl->PushClipRect(list.Min, list.Max, true);
  float y = list.Min.y - s.evening_scroll;

  // A row's Remove, asked once: the first tap turns it into "Remove?" with Cancel beside it.
  auto remove_button = [&](float yy, const std::string& id, const std::string& what) -> bool {
    const ImRect r(list.Max.x - rw, yy + f.px(4), list.Max.x, yy + row - f.px(4));
    if (s.confirm_evening == id) {
      if (button(f, ImRect(r.Min.x - rw - f.px(8), r.Min.y, r.Min.x - f.px(8), r.Max.y), tr("common.cancel"), ButtonKind::Quiet,
                 true, fonts().body, "cancel remove " + id))
        s.confirm_evening.clear();
      if (button(f, r, tr("staff.remove_confirm"), ButtonKind::Danger, true, fonts().body, "confirm remove " + id)) {
        s.confirm_evening.clear();
        return true;
      }
      f.st.dialog_title = tr("staff.remove_what", {{"what", what}});
    } else if (button(f, r, tr("staff.remove_item"), ButtonKind::Danger, true, fonts().body, "remove " + id)) {
      s.confirm_evening = id;
    }
    return false;
  };

  for (const Sheet& sh : v.board.lightning) {
    if (sh.day != s.day) continue;
    draw_text_in(f, fonts().header, ImRect(list.Min.x, y, list.Max.x, y + f.px(56)), theme::amber,
                 tr("staff.evening_sheet", {{"start", sh.start}, {"n", std::to_string(sh.signups.size())},
                                            {"talks", std::to_string(sh.talks)}}));
    y += f.px(60);
    if (sh.signups.empty()) {
      draw_text_in(f, fonts().body, ImRect(list.Min.x, y, list.Max.x, y + row), theme::past_text, tr("staff.evening_no_talks"));
      y += row;
    }
    std::vector<std::string> order;
    for (const LightningSignup& x : sh.signups) order.push_back(x.signup_id);
    for (std::size_t i = 0; i < sh.signups.size(); ++i) {
      const LightningSignup& x = sh.signups[i];
      const std::string line = std::to_string(i + 1) + " · " + x.title + " — " + x.speaker;
      draw_text_in(f, fonts().body, ImRect(list.Min.x, y, list.Max.x - rw - 2 * bw - f.px(40), y + row), theme::text, line);
      const float bx = list.Max.x - rw - 2 * bw - f.px(24);
      if (button(f, ImRect(bx, y + f.px(4), bx + bw, y + row - f.px(4)), "▲", ButtonKind::Normal, i > 0, fonts().body,
                 "up " + x.signup_id)) {
        std::swap(order[i], order[i - 1]);
        f.out.push_back(intent::ReorderSheet{sh.day, sh.start, order});
      }
      if (button(f, ImRect(bx + bw + f.px(8), y + f.px(4), bx + 2 * bw + f.px(8), y + row - f.px(4)), "▼", ButtonKind::Normal,
                 i + 1 < sh.signups.size(), fonts().body, "down " + x.signup_id)) {
        std::swap(order[i], order[i + 1]);
        f.out.push_back(intent::ReorderSheet{sh.day, sh.start, order});
      }
      if (remove_button(y, x.signup_id, "“" + x.title + "”")) f.out.push_back(intent::RemoveSignup{x.signup_id});
      y += row;
    }
  }
  draw_text_in(f, fonts().header, ImRect(list.Min.x, y, list.Max.x, y + f.px(56)), theme::amber, tr("staff.evening_groups"));
  y += f.px(60);
  bool any = false;
  for (const Group& g : v.board.groups) {
    if (g.day != s.day) continue;
    any = true;
    const std::string line = g.time + " · " + g.title + " · " + g.where + " · " +
                             tr("tonight.count", {{"joined", std::to_string(g.joined)}, {"seats", std::to_string(g.seats)}});
    draw_text_in(f, fonts().body, ImRect(list.Min.x, y, list.Max.x - 2 * rw - f.px(24), y + row), theme::text, line);
    if (remove_button(y, g.group_id, "“" + g.title + "”")) f.out.push_back(intent::RemoveGroup{g.group_id});
    y += row;
  }
  if (!any) draw_text_in(f, fonts().body, ImRect(list.Min.x, y, list.Max.x, y + row), theme::past_text, tr("tonight.none"));
  f.dl->PopClipRect();
}

}  // namespace osb::ui
