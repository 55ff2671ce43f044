// Open Space Board — the board grid: slots down, rooms across, this kiosk's room first.
// Readable from two metres: one state per cell in words (Tap to claim, title and host,
// Blocked: …, Sending…, Past), the running slot marked "▶ NOW" in the time column. Text is
// shortened with "…" inside its cell and clipped to it. Dragging scrolls the rooms sideways
// (and the slots down when they do not fit) while the time column and room names stay.
// Now is always in view: today's past slots fold into one "Earlier today" row at the top (a tap
// opens it), so the first screen starts at the slot running now (or the next one); what does not
// fit says so at its edge ("2 more rooms ▸", "3 more slots ▾").
//
// [SECTION] Words
// [SECTION] Layout
// [SECTION] One cell
// [SECTION] The grid
#include <algorithm>
#include <cmath>

#include "ui/assets.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

namespace {

// [SECTION] Words

// This screen's words come from the catalogue ([board] in assets/text/<language>.toml).
std::string earlier_words(int sessions, bool open) {
  const std::string n = sessions == 0 ? tr("board.no_sessions") : trn("board.sessions", sessions);
  return std::string(open ? "▴ " : "▾ ") + tr("board.earlier_today", {{"sessions", n}});
}
std::string more_rooms_words(int n, bool right) {
  const std::string words = trn("board.more_rooms", n);
  return right ? words + " ▸" : "◂ " + words;
}
std::string more_slots_words(int n) { return trn("board.more_slots", n) + " ▾"; }

// [SECTION] Layout

std::vector<const Room*> ordered_rooms(const KioskView& v) {
  std::vector<const Room*> rooms;
  if (const Room* own = find_room(v, v.own_room)) rooms.push_back(own);
  for (const Room& r : v.board.event.rooms)
    if (r.id != v.own_room) rooms.push_back(&r);
  return rooms;
}

// Records a drawn line of a cell for the tests (what was drawn, and where).
void note_text(DebugCell& dc, ImFont* font, ImVec2 pos, const std::string& text) {
  dc.texts.push_back({text, {pos.x, pos.y, text_width(font, text), font->FontSize}});
}

// [SECTION] One cell

void draw_cell(Frame& f, const ImRect& r, const CellKey& key, const Cell* cell, SlotPhase phase, bool staff) {
  const KioskView& v = f.view;
  DebugCell& dc = f.st.cells[key];
  dc.rect = r;
  const Claim* pending = staff ? nullptr : find_pending(v, key);
  const bool past = phase == SlotPhase::Past;
  const CellState state = cell ? cell->state : CellState::Open;
  const float pad = f.px(14);
  const ImRect inner(r.Min.x + pad, r.Min.y + pad * 0.7f, r.Max.x - pad, r.Max.y - pad * 0.7f);
  const float w = inner.GetWidth();
  const float rounding = f.px(6);
  ImFont* title_font = fonts().cell;
  ImFont* body = fonts().body;

  ImU32 fill = theme::open_fill, col = theme::text;
  if (state == CellState::Claimed) { fill = theme::claimed_fill; col = theme::claimed_text; }
  if (state == CellState::Blocked) { fill = theme::blocked_fill; col = theme::blocked_text; }
  if (past) { fill = theme::past_fill; col = theme::past_text; }
  f.dl->AddRectFilled(r.Min, r.Max, fill, rounding);
  if (state == CellState::Blocked) draw_hatch(f.dl, r, past ? theme::blocked_fill : theme::hatch, f.px(22), f.px(3));
  if (past) f.dl->AddRect(r.Min, r.Max, theme::line, rounding, 0, f.px(1));

  f.dl->PushClipRect(r.Min, r.Max, true);
  float y = inner.Min.y;
  auto line = [&](ImFont* font, ImU32 c, const std::string& text, float indent = 0) {
    if (y + font->FontSize > inner.Max.y + pad * 0.5f) return;  // no half-cut lines: leave it out
    const std::string shown = fit_text(font, text, w - indent);
    const ImVec2 pos(inner.Min.x + indent, y);
    draw_text(f, font, pos, c, shown);
    note_text(dc, font, pos, shown);
    y += font->FontSize * 1.15f;
  };
  // Title lines: two when the cell is tall enough, else one.
  auto title_lines = [&](const std::string& text, ImU32 c, float reserve) {
    const float line_h = title_font->FontSize * 1.15f;
    const int room_for = std::max(1, static_cast<int>((inner.GetHeight() - reserve) / line_h));
    for (const std::string& l : wrap_text(title_font, text, w, std::min(2, room_for))) {
      const ImVec2 pos(inner.Min.x, y);
      draw_text(f, title_font, pos, c, l);
      note_text(dc, title_font, pos, l);
      y += line_h;
    }
  };
  const float body_h = body->FontSize * 1.15f;

  if (pending && state == CellState::Open) {
    // Made here, not yet accepted by the node.
    dc.caption = tr("board.sending");
    const float icon = body->FontSize * 0.4f;
    draw_clock_icon(f.dl, ImVec2(inner.Min.x + icon, y + body->FontSize / 2), icon, theme::amber);
    line(body, theme::amber, dc.caption, icon * 2 + f.px(10));
    title_lines(pending->title, theme::text, 0);
    f.dl->PopClipRect();
    f.dl->AddRect(r.Min, r.Max, theme::amber, rounding, 0, f.px(2));
    return;
  }
  switch (state) {
    case CellState::Open:
      dc.caption = past ? tr("board.past") : (staff ? tr("board.open") : tr("board.tap_to_claim"));
      y = inner.Min.y + (inner.GetHeight() - body->FontSize) / 2;
      if (!past && cell && !cell->moved_to_room.empty()) {
        // The session that was here moved: say where, for the rest of the slot.
        y = inner.Min.y;
        line(body, theme::talk_text, "→ " + tr("board.moved_to", {{"room", room_name(v, cell->moved_to_room)}}));
        y = std::max(y, inner.Min.y + (inner.GetHeight() - body->FontSize) / 2);
      }
      if (past || staff) line(body, col, dc.caption);
      else {
        // A plus sign in a circle, then the words: both say "this is free".
        const float rad = body->FontSize * 0.42f;
        const ImVec2 c(inner.Min.x + rad, y + body->FontSize / 2);
        draw_icon(f.dl, "plus_circle", ImVec2(c.x - rad / 0.92f, c.y - rad / 0.92f), rad * 2 / 0.92f, col);
        line(body, col, dc.caption, rad * 2 + f.px(12));
      }
      break;
    case CellState::Claimed:
      dc.caption = tr("board.claimed");
      title_lines(cell->title, col, body_h);
      if (!cell->host.empty()) line(body, col, tr("board.by_host", {{"host", cell->host}}));
      if (!past && !cell->moved_from_room.empty())
        line(body, past ? col : theme::talk_text, "← " + tr("board.moved_from", {{"room", room_name(v, cell->moved_from_room)}}));
      if (const std::string coming = coming_words(v, *cell); !coming.empty()) {
        const int cap = crowded_capacity(v, *cell);
        // Staff see a session that outgrew its room, in words and in amber.
        if (staff && cap > 0) line(body, theme::amber, "⚠ " + coming + " · " + tr("board.crowded", {{"seats", std::to_string(cap)}}));
        else line(body, past ? col : theme::amber, "★ " + coming);
      }
      if (staff && crowded_capacity(v, *cell) > 0) f.dl->AddRect(r.Min, r.Max, theme::amber, rounding, 0, f.px(3));
      break;
    case CellState::Blocked: {
      dc.caption = tr("board.blocked");
      const std::string text = tr("board.blocked_label", {{"label", cell->label}});
      for (const std::string& l : wrap_text(body, text, w, std::max(1, static_cast<int>(inner.GetHeight() / body_h)))) {
        const ImVec2 pos(inner.Min.x, y);
        f.dl->AddRectFilled(ImVec2(pos.x - f.px(4), pos.y), ImVec2(pos.x + text_width(body, l) + f.px(4), pos.y + body_h),
                            past ? theme::past_fill : theme::blocked_fill);
        draw_text(f, body, pos, col, l);
        note_text(dc, body, pos, l);
        y += body_h;
      }
      break;
    }
  }
  f.dl->PopClipRect();
}

}  // namespace

// [SECTION] The grid

std::optional<CellKey> draw_board(Frame& f, const ImRect& area, const std::string& day, float& scroll_x,
                                  float& scroll_y, bool staff) {
  const KioskView& v = f.view;
  const Event& e = v.board.event;
  if (!v.has_board || e.rooms.empty() || e.slots.empty()) {
    draw_text_in(f, fonts().header, area, theme::text, tr("board.waiting"), true, true);
    return std::nullopt;
  }
  const std::vector<const Room*> rooms = ordered_rooms(v);
  const float time_w = f.px(f.portrait() ? 132 : 156);
  const float header_h = f.px(64);
  const float gap = f.px(theme::gap);
  const float view_w = area.GetWidth() - time_w;
  const float view_h = area.GetHeight() - header_h;
  const float min_col = f.px(f.portrait() ? 300 : 320);
  const float col_w = std::max(min_col, std::min(f.px(560), view_w / static_cast<float>(rooms.size())));

  // Rows: today's past slots fold into one row at the top (public board only; staff see all),
  // then the slots still to come share the height, so the first screen starts at now.
  std::vector<SlotPhase> phase(e.slots.size());
  int past = 0, past_sessions = 0;
  for (std::size_t i = 0; i < e.slots.size(); ++i) {
    phase[i] = slot_phase(day, e.slots[i].start, e.slots[i].end, v.now);
    if (phase[i] != SlotPhase::Past) continue;
    ++past;
    for (const Cell& c : v.board.cells)
      if (c.day == day && c.start == format_hhmm(e.slots[i].start) && c.state == CellState::Claimed) ++past_sessions;
  }
  const bool some_past = past > 0 && past < static_cast<int>(e.slots.size());
  const bool fold = !staff && some_past;             // there is an "Earlier today" row
  const bool folded = fold && !f.st.earlier_open;    // ... and the past slots are inside it
  const float past_h = f.px(76), fold_h = f.px(72);
  const std::size_t active = some_past ? e.slots.size() - static_cast<std::size_t>(past) : e.slots.size();
  const float fixed = fold ? fold_h : (some_past ? static_cast<float>(past) * past_h : 0.0f);
  const float row_h = std::clamp((view_h - fixed) / static_cast<float>(active), f.px(104), f.px(260));
  std::vector<float> row_y(e.slots.size() + 1, 0.0f);  // top of each slot's row; a folded slot has none
  std::vector<bool> shown(e.slots.size(), true);
  float fold_y = 0;
  {
    float y = 0;
    if (fold) { fold_y = 0; y = fold_h; }
    for (std::size_t i = 0; i < e.slots.size(); ++i) {
      const bool is_past = phase[i] == SlotPhase::Past;
      row_y[i] = y;
      if (folded && is_past) { shown[i] = false; continue; }
      y += some_past && is_past ? past_h : row_h;
    }
    row_y.back() = y;
  }
  auto row_bottom = [&](std::size_t i) {
    for (std::size_t j = i + 1; j < e.slots.size(); ++j)
      if (shown[j]) return row_y[j];
    return row_y.back();
  };
  const float content_w = col_w * static_cast<float>(rooms.size());
  const float content_h = row_y.back();
  const ImRect viewport(area.Min.x + time_w, area.Min.y + header_h, area.Max.x, area.Max.y);
  const ImRect drag_area(area.Min.x, area.Min.y, area.Max.x, area.Max.y);
  if (!staff) {
    f.st.grid_area = drag_area;
    f.st.grid_viewport = viewport;
  }

  // Dragging scrolls (touch has no scrollbars); taps stay taps below the drag threshold.
  if (f.st.dragging && f.down && f.layer == f.top && drag_area.Contains(f.st.press_pos)) {
    const ImGuiIO& io = ImGui::GetIO();
    scroll_x -= io.MouseDelta.x;
    scroll_y -= io.MouseDelta.y;
  }
  const float max_x = std::max(0.0f, content_w - view_w), max_y = std::max(0.0f, content_h - view_h);
  scroll_x = std::clamp(scroll_x, 0.0f, max_x);
  scroll_y = std::clamp(scroll_y, 0.0f, max_y);

  // What does not fit, counted: rooms beyond either side, slots below the bottom edge.
  int rooms_right = 0, rooms_left = 0;
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    const float x0 = static_cast<float>(i) * col_w - scroll_x;
    if (x0 + col_w > view_w + 1) ++rooms_right;
    else if (x0 < -1) ++rooms_left;
  }
  int slots_below = 0;
  for (std::size_t i = 0; i < e.slots.size(); ++i)
    if (shown[i] && row_bottom(i) - scroll_y > view_h + 1) ++slots_below;
  // The edge notes take their taps before the cells under them.
  const ImRect below_note(viewport.Max.x - f.px(330), viewport.Max.y - f.px(64), viewport.Max.x - f.px(8), viewport.Max.y);
  if (slots_below > 0 && tapped(f, below_note)) scroll_y = std::min(max_y, scroll_y + view_h * 0.8f);
  std::optional<CellKey> hit;
  // Room names (scroll sideways with the cells).
  f.dl->PushClipRect(ImVec2(viewport.Min.x, area.Min.y), ImVec2(viewport.Max.x, area.Max.y), true);
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    const float x = viewport.Min.x + static_cast<float>(i) * col_w - scroll_x;
    if (x + col_w < viewport.Min.x || x > viewport.Max.x) continue;
    const bool own = rooms[i]->id == v.own_room && v.mode == Mode::Room;
    const ImRect head(x + gap, area.Min.y, x + col_w - gap, area.Min.y + header_h - gap);
    draw_text_in(f, fonts().header, ImRect(head.Min.x + f.px(8), head.Min.y, head.Max.x - f.px(8), head.Max.y),
                 own ? theme::amber : theme::text, own ? "▶ " + rooms[i]->name : rooms[i]->name);
  }
  f.dl->PopClipRect();

  // Cells.
  struct Strip {
    ImRect r;
    std::size_t slot;
    std::vector<const Talk*> talks;
  };
  std::vector<Strip> strips;
  f.dl->PushClipRect(viewport.Min, viewport.Max, true);
  for (std::size_t si = 0; si < e.slots.size(); ++si) {
    if (!shown[si]) continue;
    const SlotTime& slot = e.slots[si];
    const float y = viewport.Min.y + row_y[si] - scroll_y;
    const float row_h = row_bottom(si) - row_y[si];
    if (y + row_h < viewport.Min.y || y > viewport.Max.y) continue;
    // The talks next door: one line across the row's foot, fixed while the cells scroll sideways
    // (a past slot's row is too short for it, and its talks are over).
    const auto talks = phase[si] == SlotPhase::Past ? std::vector<const Talk*>{} : slot_talks(v, day, slot.start, slot.end);
    const float talks_h = talks.empty() ? 0.0f : f.px(48);
    if (!talks.empty())  // drawn after the own room's outline, which it interrupts
      strips.push_back({ImRect(viewport.Min.x + gap / 2, y + row_h - talks_h, viewport.Max.x - gap / 2, y + row_h - gap / 2),
                        si, talks});
    for (std::size_t ri = 0; ri < rooms.size(); ++ri) {
      const float x = viewport.Min.x + static_cast<float>(ri) * col_w - scroll_x;
      if (x + col_w < viewport.Min.x || x > viewport.Max.x) continue;
      const ImRect r(x + gap / 2, y + gap / 2, x + col_w - gap / 2, y + row_h - talks_h - gap / 2);
      const CellKey key{day, rooms[ri]->id, format_hhmm(slot.start)};
      const Cell* cell = find_cell(v, key);
      draw_cell(f, r, key, cell, phase[si], staff);
      ImRect visible = r;
      visible.ClipWith(viewport);
      if (visible.GetWidth() > 0 && visible.GetHeight() > 0 && tapped(f, visible)) {
        const bool open = !cell || cell->state == CellState::Open;
        if (staff) hit = key;
        else if (open && phase[si] != SlotPhase::Past && !find_pending(v, key)) hit = key;
        else if (cell && cell->state == CellState::Claimed) hit = key;  // its detail: "I'll come"
        // Anything else (past, blocked, sending) is not claimable: the tap does nothing.
      }
    }
  }
  // The "Earlier today" row: across the time column and the grid, at the top of the slots (drawn
  // before the own room's outline, which runs on through it).
  if (fold) {
    const float y = viewport.Min.y + fold_y - scroll_y;
    const ImRect row(area.Min.x, y + gap / 2, viewport.Max.x, y + fold_h - gap / 2);
    f.dl->PushClipRect(ImVec2(area.Min.x, viewport.Min.y), viewport.Max, false);
    const std::string label = earlier_words(past_sessions, !folded);
    if (button(f, row, label, ButtonKind::Quiet, true, fonts().cell, "earlier today")) {
      f.st.earlier_open = folded;
      scroll_y = 0;
    }
    f.st.earlier_label = label;
    f.dl->PopClipRect();
  }

  // The own room's column: an amber outline (with the ▶ in its name, never colour alone).
  if (v.mode == Mode::Room && !rooms.empty() && rooms[0]->id == v.own_room) {
    const float x = viewport.Min.x - scroll_x;
    f.dl->PushClipRect(ImVec2(viewport.Min.x, area.Min.y), viewport.Max, true);
    f.dl->AddRect(ImVec2(x + f.px(2), area.Min.y), ImVec2(x + col_w - f.px(2), std::min(viewport.Max.y, viewport.Min.y + content_h - scroll_y)),
                  theme::amber, f.px(8), 0, f.px(3));
    f.dl->PopClipRect();
  }
  for (const Strip& s : strips)  // its own fill is opaque: it covers the outline where they cross
    draw_talks_strip(f, s.r, day, e.slots[s.slot], phase[s.slot] == SlotPhase::Now, s.talks);
  f.dl->PopClipRect();

  // Time column (stays while the grid scrolls).
  f.dl->PushClipRect(ImVec2(area.Min.x, viewport.Min.y), ImVec2(viewport.Min.x, viewport.Max.y), true);
  for (std::size_t si = 0; si < e.slots.size(); ++si) {
    if (!shown[si]) continue;
    const SlotTime& slot = e.slots[si];
    const SlotPhase phase_i = phase[si];
    const float y = viewport.Min.y + row_y[si] - scroll_y;
    const float row_h = row_bottom(si) - row_y[si];
    const ImU32 col = phase_i == SlotPhase::Past ? theme::past_text : theme::text;
    float ty = y + f.px(10);
    if (phase_i == SlotPhase::Now) {
      draw_text(f, fonts().cell, ImVec2(area.Min.x, ty), theme::amber, "▶ " + tr("board.now"));
      ty += fonts().cell->FontSize * 1.1f;
      f.dl->AddLine(ImVec2(area.Min.x, y + f.px(2)), ImVec2(viewport.Min.x - gap, y + f.px(2)), theme::amber, f.px(3));
    }
    if (phase_i == SlotPhase::Past && row_h < f.px(100)) {
      draw_text(f, fonts().body, ImVec2(area.Min.x, y + (row_h - fonts().body->FontSize) / 2), col,
                format_hhmm(slot.start) + "–" + format_hhmm(slot.end));
      continue;
    }
    draw_text(f, fonts().cell, ImVec2(area.Min.x, ty), col, format_hhmm(slot.start));
    draw_text(f, fonts().body, ImVec2(area.Min.x, ty + fonts().cell->FontSize * 1.1f), theme::past_text,
              "– " + format_hhmm(slot.end));
  }
  f.dl->PopClipRect();

  // Say that more rooms are there: a fade, an arrow and how many, at the edge that can scroll.
  // Tapping the note scrolls a page that way.
  if (rooms_right > 0) {
    const float fw = f.px(56);
    f.dl->AddRectFilledMultiColor(ImVec2(viewport.Max.x - fw, area.Min.y), ImVec2(viewport.Max.x, viewport.Max.y),
                                  theme::rgb(0x0E1116, 0), theme::page, theme::page, theme::rgb(0x0E1116, 0));
    const std::string label = more_rooms_words(rooms_right, true);
    const float w = text_width(fonts().body, label) + f.px(32);
    if (button(f, ImRect(viewport.Max.x - w, area.Min.y, viewport.Max.x, area.Min.y + header_h - gap), label,
               ButtonKind::TabSelected, true, fonts().body, "more rooms right"))
      scroll_x = std::min(max_x, scroll_x + view_w * 0.8f);
    f.st.edge_notes.push_back(label);
  }
  if (rooms_left > 0) {
    const float fw = f.px(40);
    f.dl->AddRectFilledMultiColor(ImVec2(viewport.Min.x, area.Min.y), ImVec2(viewport.Min.x + fw, viewport.Max.y),
                                  theme::page, theme::rgb(0x0E1116, 0), theme::rgb(0x0E1116, 0), theme::page);
    const std::string label = more_rooms_words(rooms_left, false);
    const float w = text_width(fonts().body, label) + f.px(32);
    if (button(f, ImRect(viewport.Min.x, area.Min.y, viewport.Min.x + w, area.Min.y + header_h - gap), label,
               ButtonKind::TabSelected, true, fonts().body, "more rooms left"))
      scroll_x = std::max(0.0f, scroll_x - view_w * 0.8f);
    f.st.edge_notes.push_back(label);
  }
  if (slots_below > 0) {
    const float fh = f.px(48);
    f.dl->AddRectFilledMultiColor(ImVec2(area.Min.x, viewport.Max.y - fh), viewport.Max, theme::rgb(0x0E1116, 0),
                                  theme::rgb(0x0E1116, 0), theme::page, theme::page);
    const std::string label = more_slots_words(slots_below);
    // Drawn like a button; its tap was taken before the cells under it.
    f.dl->AddRectFilled(below_note.Min, below_note.Max, theme::open_fill, f.px(theme::radius));
    f.dl->AddRect(below_note.Min, below_note.Max, theme::amber, f.px(theme::radius), 0, f.px(3));
    draw_text_in(f, fonts().body, below_note, theme::amber, label, true, true);
    f.st.buttons.push_back({"more slots below", below_note, true});
    f.st.edge_notes.push_back(label);
  }
  return hit;
}

}  // namespace osb::ui
