// Open Space Board — what happens after "✓ Claim": the confirmation with a QR code to the
// session's page, the "saved, will be sent" note when offline, and the lost-claim dialog that
// offers the nearest open slots with the typed text kept.
//
// [SECTION] Confirmation
// [SECTION] Lost claim
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/talks.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] Confirmation

void draw_confirmation(Frame& f) {
  if (!f.st.confirmation) { f.st.modal = Modal::None; return; }
  const Confirmation& c = *f.st.confirmation;
  const KioskView& v = f.view;
  dim_behind(f);
  const ImRect safe = f.safe();
  const bool claimed = c.kind == Confirmation::Kind::Claimed;
  const float w = std::min(safe.GetWidth(), f.px(1100));
  const float h = claimed ? f.px(640) : f.px(360);
  const ImVec2 mid = safe.GetCenter();
  const ImRect panel(mid.x - w / 2, mid.y - h / 2, mid.x + w / 2, mid.y + h / 2);
  draw_panel(f, panel, theme::dialog, claimed ? theme::online : theme::amber);
  const float pad = f.px(32);
  float y = panel.Min.y + pad;
  const ImRect text_col(panel.Min.x + pad, 0, panel.Max.x - pad, 0);
  const std::string where = room_name(v, c.claim.room) + ", " + short_when(c.claim.day, c.claim.start);
  if (claimed) {
    f.st.message = tr("confirm.claimed") + " " + c.claim.title + " — " + where;
    draw_text_in(f, fonts().huge, ImRect(text_col.Min.x, y, text_col.Max.x, y + f.px(80)), theme::online, "✓ " + tr("confirm.claimed"));
    y += f.px(88);
    draw_text_in(f, fonts().clock, ImRect(text_col.Min.x, y, text_col.Max.x, y + f.px(60)), theme::white, c.claim.title);
    y += f.px(64);
    draw_text_in(f, fonts().header, ImRect(text_col.Min.x, y, text_col.Max.x, y + f.px(48)), theme::text, where);
    y += f.px(64);
    const float qr = f.px(300);
    if (!v.node_url.empty()) {
      draw_qr(f, ImVec2(text_col.Min.x, y), qr, v.node_url + "/s/" + c.claim_id);
      draw_text_in(f, fonts().body, ImRect(text_col.Min.x + qr + f.px(24), y, text_col.Max.x, y + f.px(44)), theme::text,
                   tr("confirm.scan"));
    }
    // The session's tag on the event's backchannel, so people find each other's posts.
    if (!v.board.event.backchannel.empty()) {
      f.st.session_tag = session_tag(v.board.event.backchannel, c.claim.room, c.claim.start);
      const float tx = v.node_url.empty() ? text_col.Min.x : text_col.Min.x + qr + f.px(24);
      const float ty = v.node_url.empty() ? y : y + f.px(64);
      draw_text_in(f, fonts().body, ImRect(tx, ty, text_col.Max.x, ty + f.px(44)), theme::past_text, tr("confirm.tag_intro"));
      draw_text_in(f, fonts().header, ImRect(tx, ty + f.px(44), text_col.Max.x, ty + f.px(96)), theme::talk_text, f.st.session_tag);
    }
  } else {
    f.st.message = tr("confirm.saved_offline");
    draw_text_in(f, fonts().header, ImRect(text_col.Min.x, y, text_col.Max.x, y + f.px(56)), theme::amber,
                 "◐ " + c.claim.title + " — " + where);
    y += f.px(72);
    for (const std::string& l : wrap_text(fonts().clock, f.st.message, text_col.Max.x - text_col.Min.x, 2)) {
      draw_text(f, fonts().clock, ImVec2(text_col.Min.x, y), theme::white, l);
      y += f.px(60);
    }
  }
  const long left = 15 - static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(f.now - c.shown_at).count());
  const ImRect close(panel.Max.x - pad - f.px(220), panel.Max.y - pad - f.px(80), panel.Max.x - pad, panel.Max.y - pad);
  draw_text_in(f, fonts().body, ImRect(close.Min.x - f.px(320), close.Min.y, close.Min.x - f.px(16), close.Max.y),
               theme::past_text, tr("confirm.closes_in", {{"n", std::to_string(std::max(0L, left))}}), false, true);
  bool done = button(f, close, tr("common.close"), ButtonKind::Primary);
  if (claimed && !done) {
    // The conversation can go on after the slot: a group for dinner, linked to this session.
    const ImRect dinner(close.Min.x - f.px(320) - f.px(24) - f.px(380), close.Min.y, close.Min.x - f.px(320) - f.px(24), close.Max.y);
    if (button(f, dinner, tr("session.continue_dinner"), ButtonKind::Normal, true, fonts().body, "continue over dinner")) {
      Cell cell;
      cell.day = c.claim.day;
      cell.room = c.claim.room;
      cell.start = c.claim.start;
      cell.state = CellState::Claimed;
      cell.title = c.claim.title;
      cell.host = c.claim.host;
      cell.claim_id = c.claim_id;
      f.st.confirmation.reset();
      open_group_dialog(f.st, v, c.claim.day, &cell);
      return;
    }
  }
  // A tap anywhere else closes it too: the person got the message.
  if (!done) done = tapped(f, f.screen());
  if (done || f.key_escape || f.key_enter) {
    f.st.confirmation.reset();
    f.st.modal = Modal::None;
  }
}

// [SECTION] Lost claim

namespace {

std::string lost_sentence(const KioskView& v, const LostClaimView& lost) {
  const std::string where = tr("lost.where", {{"room", room_name(v, lost.claim.room)}, {"time", lost.claim.start}});
  for (const char* code : {"blocked", "past", "taken", "removed"})
    if (lost.error.code == code) return tr(std::string("lost.") + code, {{"where", where}});
  return tr("lost.other", {{"where", where}});
}

// Open, not past, not being sent, nearest in time to the lost one; this room first on a tie.
std::vector<CellKey> alternatives(const KioskView& v, const Claim& lost, std::size_t max) {
  struct Option { long distance; std::size_t room_rank; CellKey key; };
  std::vector<Option> options;
  const auto lost_start = parse_hhmm(lost.start).value_or(0);
  const Event& e = v.board.event;
  for (std::size_t ri = 0; ri < e.rooms.size(); ++ri) {
    for (const SlotTime& s : e.slots) {
      const CellKey key{lost.day, e.rooms[ri].id, format_hhmm(s.start)};
      if (key.room == lost.room && key.start == lost.start) continue;
      if (slot_phase(lost.day, s.start, s.end, v.now) == SlotPhase::Past) continue;
      const Cell* cell = find_cell(v, key);
      if (cell && cell->state != CellState::Open) continue;
      if (find_pending(v, key)) continue;
      const std::size_t rank = e.rooms[ri].id == lost.room ? 0 : (e.rooms[ri].id == v.own_room ? 1 : 2 + ri);
      options.push_back({std::labs(static_cast<long>(s.start) - lost_start), rank, key});
    }
  }
  std::sort(options.begin(), options.end(), [](const Option& a, const Option& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.room_rank < b.room_rank;
  });
  std::vector<CellKey> out;
  for (const Option& o : options) {
    if (out.size() >= max) break;
    out.push_back(o.key);
  }
  return out;
}

}  // namespace

void draw_lost(Frame& f, const LostClaimView& lost) {
  const KioskView& v = f.view;
  dim_behind(f);
  const ImRect safe = f.safe();
  const float w = std::min(safe.GetWidth(), f.px(1200));
  const float h = f.px(520);
  const ImVec2 mid = safe.GetCenter();
  const ImRect panel(mid.x - w / 2, mid.y - h / 2, mid.x + w / 2, mid.y + h / 2);
  draw_panel(f, panel, theme::dialog, theme::amber);
  const float pad = f.px(32);
  const float inner_w = panel.GetWidth() - 2 * pad;
  float y = panel.Min.y + pad;
  f.st.message = lost_sentence(v, lost);
  f.st.dialog_title = lost.claim.title;
  for (const std::string& l : wrap_text(fonts().clock, f.st.message, inner_w, 2)) {
    draw_text(f, fonts().clock, ImVec2(panel.Min.x + pad, y), theme::white, l);
    y += f.px(60);
  }
  y += f.px(8);
  draw_text_in(f, fonts().body, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + f.px(40)), theme::text,
               tr("lost.title_by_host", {{"title", lost.claim.title}, {"host", lost.claim.host}}));
  y += f.px(56);

  const std::vector<CellKey> options = alternatives(v, lost.claim, 3);
  const auto acknowledge = [&] {
    f.out.push_back(intent::AcknowledgeLost{lost.claim.claim_id});
    f.st.acknowledged.insert(lost.claim.claim_id);
    f.st.modal = Modal::None;
  };
  if (options.empty()) {
    draw_text_in(f, fonts().header, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + f.px(80)), theme::text,
                 tr("lost.no_other_slot"));
  } else {
    draw_text_in(f, fonts().header, ImRect(panel.Min.x + pad, y, panel.Max.x - pad, y + f.px(48)), theme::text,
                 tr("lost.free_now"));
    y += f.px(60);
    const float bw = (inner_w - 2 * f.px(16)) / 3;
    float x = panel.Min.x + pad;
    for (const CellKey& k : options) {
      const std::string label = room_name(v, k.room) + " " + k.start;
      if (button(f, ImRect(x, y, x + bw, y + f.px(88)), label, ButtonKind::Primary)) {
        const Claim kept = lost.claim;
        acknowledge();
        open_claim_dialog(f.st, v, k, &kept.title, &kept.host, &kept.description);
        return;
      }
      x += bw + f.px(16);
    }
  }
  const ImRect close(panel.Max.x - pad - f.px(220), panel.Max.y - pad - f.px(80), panel.Max.x - pad, panel.Max.y - pad);
  if (button(f, close, tr("common.close"), ButtonKind::Quiet) || f.key_escape) acknowledge();
}

}  // namespace osb::ui
