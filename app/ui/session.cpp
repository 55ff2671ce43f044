// Open Space Board — a claimed session's detail (a tap on its cell): title, host, where and
// when, where it moved from, "12 coming", the QR code of its page, "★ I'll come" (once per
// person at this screen: until the screen goes idle) and "Continue over dinner". Also the
// dialog for a sign-up, group or join that the node refused after it was made here.
//
// [SECTION] Session detail
// [SECTION] Lost action
#include <algorithm>

#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] Session detail

void draw_session_detail(Frame& f) {
  UiStateImpl& st = f.st;
  const KioskView& v = f.view;
  const Cell* cell = st.session ? find_cell(v, *st.session) : nullptr;
  if (!cell || cell->state != CellState::Claimed) {  // removed or moved meanwhile: nothing to show
    st.session.reset();
    st.modal = Modal::None;
    return;
  }
  const Cell c = *cell;
  dim_behind(f);
  const ImRect safe = f.safe();
  const float w = std::min(safe.GetWidth(), f.px(1200));
  const float h = std::min(safe.GetHeight(), f.px(700));
  const ImVec2 mid = safe.GetCenter();
  const ImRect panel(mid.x - w / 2, mid.y - h / 2, mid.x + w / 2, mid.y + h / 2);
  draw_panel(f, panel, theme::dialog, theme::online);
  const float pad = f.px(32);
  const float qr = f.px(240);
  const ImRect text(panel.Min.x + pad, panel.Min.y + pad, panel.Max.x - pad - (v.node_url.empty() ? 0 : qr + pad), panel.Max.y - pad);
  float y = text.Min.y;
  st.dialog_title = c.title;
  for (const std::string& l : wrap_text(fonts().clock, c.title, text.GetWidth(), 2)) {
    draw_text(f, fonts().clock, ImVec2(text.Min.x, y), theme::white, l);
    y += f.px(60);
  }
  draw_text_in(f, fonts().header, ImRect(text.Min.x, y, text.Max.x, y + f.px(48)), theme::text,
               tr("board.by_host", {{"host", c.host}}));
  y += f.px(52);
  const std::string end = slot_end(v, c.start);
  draw_text_in(f, fonts().header, ImRect(text.Min.x, y, text.Max.x, y + f.px(48)), theme::amber,
               room_name(v, c.room) + " · " + short_when(c.day, c.start) + (end.empty() ? "" : "–" + end));
  y += f.px(56);
  if (!c.moved_from_room.empty()) {
    draw_text_in(f, fonts().body, ImRect(text.Min.x, y, text.Max.x, y + f.px(40)), theme::talk_text,
                 tr("session.moved_from", {{"room", room_name(v, c.moved_from_room)}}));
    y += f.px(44);
  }
  if (!c.description.empty()) {
    for (const std::string& l : wrap_text(fonts().body, c.description, text.GetWidth(), 3)) {
      draw_text(f, fonts().body, ImVec2(text.Min.x, y), theme::text, l);
      y += f.px(36);
    }
  }
  if (!v.node_url.empty()) {
    draw_qr(f, ImVec2(panel.Max.x - pad - qr, panel.Min.y + pad), qr, v.node_url + "/s/" + c.claim_id);
    draw_text_in(f, fonts().body, ImRect(panel.Max.x - pad - qr, panel.Min.y + pad + qr + f.px(8), panel.Max.x - pad,
                                         panel.Min.y + pad + qr + f.px(48)),
                 theme::past_text, tr("session.scan"), true);
  }

  // How many said they will come, in words; for staff, whether the room is too small.
  const int n = interest_count(v, c);
  st.interest_words = n > 0 ? trn("session.coming", n) : tr("session.nobody_yet");
  const float row_y = panel.Max.y - pad - f.px(88) - f.px(64);
  draw_text_in(f, fonts().header, ImRect(text.Min.x, row_y, panel.Max.x - pad, row_y + f.px(52)), theme::text, st.interest_words);

  const float by = panel.Max.y - pad - f.px(88);
  const ImRect close(panel.Max.x - pad - f.px(200), by, panel.Max.x - pad, by + f.px(88));
  const bool mine = st.interested.count(c.claim_id) > 0;
  const ImRect come(panel.Min.x + pad, by, panel.Min.x + pad + f.px(340), by + f.px(88));
  const SlotPhase phase = slot_phase(c.day, parse_hhmm(c.start).value_or(0), parse_hhmm(end).value_or(24 * 60), v.now);
  const bool can_come = !mine && phase != SlotPhase::Past;
  if (button(f, come, mine ? "✓ " + tr("session.you_come") : "★ " + tr("session.ill_come"),
             mine ? ButtonKind::Normal : ButtonKind::Primary, can_come, fonts().key, "i'll come")) {
    st.interested.insert(c.claim_id);
    f.out.push_back(intent::Interest{c.claim_id, make_claim_id(st.rng, v.kiosk_id)});
  }
  const ImRect dinner(come.Max.x + f.px(24), by, close.Min.x - f.px(24), by + f.px(88));
  if (button(f, dinner, tr("session.continue_dinner"), ButtonKind::Normal, v.has_board, fonts().body, "continue over dinner")) {
    st.session.reset();
    open_group_dialog(st, v, c.day, &c);
    return;
  }
  bool done = button(f, close, tr("common.close"), ButtonKind::Quiet);
  if (!done) done = tapped(f, f.screen()) && !panel.Contains(f.tap_pos);
  if (done || f.key_escape || f.key_enter) {
    st.session.reset();
    st.modal = Modal::None;
  }
}

// [SECTION] Lost action

void draw_lost_action(Frame& f, const LostActionView& lost) {
  dim_behind(f);
  const ImRect safe = f.safe();
  const float w = std::min(safe.GetWidth(), f.px(1100));
  const float h = f.px(400);
  const ImVec2 mid = safe.GetCenter();
  const ImRect panel(mid.x - w / 2, mid.y - h / 2, mid.x + w / 2, mid.y + h / 2);
  draw_panel(f, panel, theme::dialog, theme::amber);
  const float pad = f.px(32);
  float y = panel.Min.y + pad;
  const std::string what = tr("lost_action." + lost.kind, {{"title", lost.title}});
  std::string why = tr("lost_action.other");
  for (const char* code : {"full", "closed", "removed", "past", "not_found"})
    if (lost.error.code == code) why = tr(std::string("lost_action.") + code);
  f.st.dialog_title = what;
  f.st.message = what + " " + why;
  for (const std::string& l : wrap_text(fonts().clock, what, panel.GetWidth() - 2 * pad, 2)) {
    draw_text(f, fonts().clock, ImVec2(panel.Min.x + pad, y), theme::white, l);
    y += f.px(60);
  }
  for (const std::string& l : wrap_text(fonts().header, why, panel.GetWidth() - 2 * pad, 2)) {
    draw_text(f, fonts().header, ImVec2(panel.Min.x + pad, y), theme::text, l);
    y += f.px(50);
  }
  const ImRect ok(panel.Max.x - pad - f.px(220), panel.Max.y - pad - f.px(80), panel.Max.x - pad, panel.Max.y - pad);
  if (button(f, ok, tr("common.close"), ButtonKind::Primary) || f.key_escape || f.key_enter) {
    f.out.push_back(intent::AcknowledgeLostAction{lost.action_id});
    f.st.acknowledged_actions.insert(lost.action_id);
    f.st.modal = Modal::None;
  }
}

}  // namespace osb::ui
