// Open Space Board — the "Tonight" tab: the evening groups of the day ("a group for dinner"),
// each with its time, what, where to meet, how many of how many seats and "Join" (a count,
// never a name). "+ New group" opens the dialog with the keyboard. A full group says "Full".
//
// [SECTION] The Tonight page
#include <algorithm>

#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {

int joined_count(const KioskView& v, const Group& g) {
  int n = g.joined;
  for (const std::string& id : v.pending_joins)
    if (id == g.group_id) ++n;
  return std::min(n, g.seats);
}

}  // namespace

// [SECTION] The Tonight page

void draw_tonight_page(Frame& f, const ImRect& area) {
  const KioskView& v = f.view;
  UiStateImpl& st = f.st;
  st.tonight_lines.clear();
  const std::string day = page_day(v, st);
  struct Item {
    const Group* g;
    bool pending;
  };
  std::vector<Item> items;
  for (const Group& g : v.board.groups)
    if (g.day == day) items.push_back({&g, false});
  for (const Group& g : v.pending_groups)
    if (g.day == day && std::none_of(items.begin(), items.end(), [&](const Item& i) { return i.g->group_id == g.group_id; }))
      items.push_back({&g, true});
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.g->time < b.g->time; });

  const float pad = f.px(20), head_h = f.px(112), row = f.px(132);
  const float bw = f.px(320);
  draw_text_in(f, fonts().clock, ImRect(area.Min.x, area.Min.y, area.Max.x - bw - pad, area.Min.y + f.px(60)), theme::amber,
               tr("tonight.title", {{"weekday", weekday_long(day)}}));
  draw_text_in(f, fonts().body, ImRect(area.Min.x, area.Min.y + f.px(62), area.Max.x - bw - pad, area.Min.y + f.px(100)),
               theme::text, tr("tonight.explain"));
  if (button(f, ImRect(area.Max.x - bw, area.Min.y + f.px(8), area.Max.x, area.Min.y + f.px(96)), "+ " + tr("tonight.new_group"),
             ButtonKind::Primary, v.has_board, fonts().key, "new group")) {
    open_group_dialog(st, v, day);
    f.top = Layer::Dialog;
  }
  const ImRect list(area.Min.x, area.Min.y + head_h, area.Max.x, area.Max.y);
  if (items.empty()) {
    draw_text_in(f, fonts().cell, ImRect(list.Min.x, list.Min.y, list.Max.x, list.Min.y + f.px(80)), theme::past_text,
                 tr("tonight.none"));
    return;
  }
  if (st.dragging && f.down && f.layer == f.top && list.Contains(st.press_pos)) st.page_scroll -= ImGui::GetIO().MouseDelta.y;
  st.page_scroll = std::clamp(st.page_scroll, 0.0f, std::max(0.0f, row * static_cast<float>(items.size()) - list.GetHeight()));
  f.dl->PushClipRect(list.Min, list.Max, true);
  float y = list.Min.y - st.page_scroll;
  for (const Item& it : items) {
    const Group& g = *it.g;
    const ImRect box(list.Min.x, y + f.px(4), list.Max.x, y + row - f.px(4));
    const int joined = it.pending ? 1 : joined_count(v, g);
    const bool full = joined >= g.seats;
    const bool mine = st.joined.count(g.group_id) > 0;
    f.dl->AddRectFilled(box.Min, box.Max, theme::open_fill, f.px(8));
    if (it.pending) f.dl->AddRect(box.Min, box.Max, theme::amber, f.px(8), 0, f.px(2));
    const float tx = box.Min.x + f.px(20);
    draw_text_in(f, fonts().clock, ImRect(tx, box.Min.y + f.px(8), tx + f.px(150), box.Min.y + f.px(64)), theme::amber, g.time);
    const float right_w = f.px(560);
    draw_text_in(f, fonts().cell, ImRect(tx + f.px(160), box.Min.y + f.px(10), box.Max.x - right_w, box.Min.y + f.px(60)),
                 theme::white, g.title);
    std::string where = tr("tonight.meet_at", {{"where", g.where}}) + " · " + tr("board.by_host", {{"host", g.host}});
    if (!g.continues.empty()) {
      for (const Cell& c : v.board.cells)
        if (c.claim_id == g.continues && c.state == CellState::Claimed) {
          where += " · " + tr("tonight.continues", {{"title", c.title}});
          break;
        }
    }
    draw_text_in(f, fonts().body, ImRect(tx + f.px(160), box.Min.y + f.px(66), box.Max.x - right_w, box.Max.y - f.px(10)),
                 theme::text, where);
    const std::string count = it.pending ? tr("board.sending") : full ? tr("tonight.full_count", {{"seats", std::to_string(g.seats)}})
                                                                      : tr("tonight.count", {{"joined", std::to_string(joined)}, {"seats", std::to_string(g.seats)}});
    draw_text_in(f, fonts().body, ImRect(box.Max.x - right_w + f.px(10), box.Min.y, box.Max.x - f.px(250), box.Max.y),
                 full ? theme::amber : theme::text, count, false, true);
    const ImRect join(box.Max.x - f.px(236), box.Min.y + f.px(20), box.Max.x - f.px(16), box.Max.y - f.px(20));
    std::string label = mine ? "✓ " + tr("tonight.joined") : full ? tr("tonight.full") : tr("tonight.join");
    if (button(f, join, label, mine || full ? ButtonKind::Normal : ButtonKind::Primary, !mine && !full && !it.pending, fonts().key,
               "join " + g.group_id)) {
      st.joined.insert(g.group_id);
      f.out.push_back(intent::JoinGroup{g.group_id, make_claim_id(st.rng, v.kiosk_id)});
    }
    st.tonight_lines.push_back(g.time + " · " + g.title + " · " + g.where + " · " + count + (mine ? " · " + tr("tonight.joined") : ""));
    y += row;
  }
  f.dl->PopClipRect();
}

}  // namespace osb::ui
