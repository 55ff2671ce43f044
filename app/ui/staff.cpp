// Open Space Board — staff mode: the PIN pad (after a 3 s press on the clock) and the staff
// panel: block/unblock and remove on a staff board, reset a day, the announcement, the fleet
// and this kiosk. Every destructive action asks once, saying what it will do, and every screen
// has Cancel or Lock. The kiosk makes the HTTP calls; this file only emits intents.
//
// [SECTION] PIN pad
// [SECTION] Staff panel: tabs and helpers
// [SECTION] Board tab and its action sheet
// [SECTION] Reset, announcement, fleet, this kiosk
// [SECTION] Staff panel
#include <openssl/crypto.h>

#include <algorithm>
#include <array>

#include "core/text.hpp"
#include "ui/text.hpp"
#include "ui/ui_internal.hpp"

namespace osb::ui {

// [SECTION] PIN pad

void wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

void close_pin_pad(Frame& f) {
  UiStateImpl& st = f.st;
  wipe(st.pin);
  if (st.pin_sent) f.out.push_back(intent::StaffCancelLogin{});
  st.pin_sent = false;
  if (st.modal == Modal::PinPad) st.modal = Modal::None;
}

void lock_staff(Frame& f) {
  if (!f.st.logout_asked) f.out.push_back(intent::StaffLogout{});
  f.st.logout_asked = true;
  f.st.staff = StaffState{};
  f.st.staff_unlocked = false;
  if (f.st.modal == Modal::Staff) f.st.modal = Modal::None;
}

void draw_pin_pad(Frame& f) {
  UiStateImpl& st = f.st;
  const KioskView& v = f.view;
  dim_behind(f);
  const float key = f.px(theme::pin_key), gap = f.px(16), pad = f.px(32);
  const float w = 3 * key + 2 * gap + 2 * pad + f.px(200);
  const float h = f.px(56) + f.px(64) + f.px(44) + 4 * key + 3 * gap + f.px(24) + f.px(80) + 2 * pad;
  const ImVec2 mid = f.safe().GetCenter();
  const ImRect panel(mid.x - w / 2, mid.y - h / 2, mid.x + w / 2, mid.y + h / 2);
  draw_panel(f, panel);
  f.st.dialog_title = tr("staff.pin_title");
  float y = panel.Min.y + pad;
  const ImRect col(panel.Min.x + pad, 0, panel.Max.x - pad, 0);
  draw_text_in(f, fonts().header, ImRect(col.Min.x, y, col.Max.x, y + f.px(56)), theme::text, f.st.dialog_title, true);
  y += f.px(56);
  std::string dots;
  for (std::size_t i = 0; i < st.pin.size(); ++i) dots += i ? " ●" : "●";
  if (dots.empty()) dots = v.staff_busy ? tr("staff.checking") : tr("staff.type_pin");
  draw_text_in(f, st.pin.empty() ? fonts().body : fonts().clock, ImRect(col.Min.x, y, col.Max.x, y + f.px(64)), theme::text,
               dots, true);
  y += f.px(64);
  f.st.message = v.staff_message;
  draw_text_in(f, fonts().body, ImRect(col.Min.x, y, col.Max.x, y + f.px(44)), theme::error_text, v.staff_message, true);
  y += f.px(44);

  auto send = [&] {
    if (st.pin.empty() || v.staff_busy) return;
    f.out.push_back(intent::StaffLogin{st.pin});
    wipe(st.pin);
    st.pin_sent = true;
  };
  // Cancel works while "Checking…" too: the answer that comes after it is dropped.
  auto cancel = [&] { close_pin_pad(f); };
  // Hardware keyboard: digits, Backspace, Enter, Escape.
  for (char c : f.typed)
    if (c >= '0' && c <= '9' && st.pin.size() < 12) st.pin += c;
  if (f.key_backspace && !st.pin.empty()) {
    st.pin.back() = 0;
    st.pin.pop_back();
  }
  if (f.key_enter) send();
  if (f.key_escape) { cancel(); return; }

  static const char* const kKeys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", ""};  // [11]: Unlock
  const float x0 = mid.x - (3 * key + 2 * gap) / 2;
  for (int i = 0; i < 12; ++i) {
    const float x = x0 + static_cast<float>(i % 3) * (key + gap);
    const float ky = y + static_cast<float>(i / 3) * (key + gap);
    const ImRect r(x, ky, x + key, ky + key);
    const std::string label = i == 11 ? tr("staff.unlock") : kKeys[i];
    if (i == 11) {
      if (button(f, r, label, ButtonKind::Primary, !st.pin.empty() && !v.staff_busy, fonts().body)) send();
    } else if (i == 9) {
      if (button(f, r, label, ButtonKind::Key, true, fonts().clock) && !st.pin.empty()) {
        st.pin.back() = 0;
        st.pin.pop_back();
      }
    } else if (button(f, r, label, ButtonKind::Key, true, fonts().clock) && st.pin.size() < 12) {
      st.pin += label;
    }
  }
  y += 4 * key + 3 * gap + f.px(24);
  if (button(f, ImRect(mid.x - f.px(130), y, mid.x + f.px(130), y + f.px(80)), tr("common.cancel"), ButtonKind::Quiet)) cancel();
}

// [SECTION] Staff panel: tabs and helpers

namespace {

std::string cell_words(const KioskView& v, const CellKey& k) {
  return room_name(v, k.room) + ", " + short_when(k.day, k.start);
}

int claimed_count(const KioskView& v, const std::string& day) {
  int n = 0;
  for (const Cell& c : v.board.cells)
    if (c.day == day && c.state == CellState::Claimed) ++n;
  return n;
}

// A small dialog over the panel; returns its inner rectangle.
ImRect sheet(Frame& f, float h) {
  dim_behind(f);
  const ImRect safe = f.safe();
  const float w = std::min(safe.GetWidth(), f.px(1100));
  const ImRect r(safe.GetCenter().x - w / 2, safe.Min.y + f.px(40), safe.GetCenter().x + w / 2, safe.Min.y + f.px(40) + h);
  draw_panel(f, r, theme::dialog, theme::amber);
  const float pad = f.px(28);
  return ImRect(r.Min.x + pad, r.Min.y + pad, r.Max.x - pad, r.Max.y - pad);
}

void staff_keyboard(Frame& f, std::string& value, std::size_t max, bool show_next, bool* next = nullptr) {
  StaffState& s = f.st.staff;
  const ImRect safe = f.safe();
  const float kb_h = keyboard_height(f);
  const ImRect area(safe.Min.x - f.px(theme::edge), safe.Max.y - kb_h, safe.Max.x + f.px(theme::edge),
                    safe.Max.y + f.px(theme::edge));
  const KeyboardEvents ev = draw_keyboard(f, area, s.kb, show_next);
  edit_text(value, ev.typed, ev.backspace, max);
  if (ev.next && next) *next = true;
  if (ev.done) s.keyboard = false;
}

// [SECTION] Board tab and its action sheet

void draw_cell_sheet(Frame& f) {
  StaffState& s = f.st.staff;
  const KioskView& v = f.view;
  const CellKey key = *s.cell;
  const Cell* cell = find_cell(v, key);
  const CellState state = cell ? cell->state : CellState::Open;
  const float bh = f.px(80);
  auto close = [&] { s.cell.reset(); s.typing_label = false; s.label.clear(); s.confirm_remove = false; s.keyboard = false; };

  if (state == CellState::Open) {
    const ImRect in = sheet(f, f.px(330));
    f.st.dialog_title = tr("staff.block_title", {{"cell", cell_words(v, key)}});
    draw_text_in(f, fonts().header, ImRect(in.Min.x, in.Min.y, in.Max.x, in.Min.y + f.px(52)), theme::text, f.st.dialog_title);
    float y = in.Min.y + f.px(64);
    draw_text_in(f, fonts().body, ImRect(in.Min.x, y, in.Min.x + f.px(140), y + f.px(72)), theme::text, tr("staff.label"));
    if (text_field(f, ImRect(in.Min.x + f.px(140), y, in.Max.x, y + f.px(72)), s.label, tr("staff.label_hint"), true, "field Label"))
      s.keyboard = true;
    edit_text(s.label, f.typed, f.key_backspace, kLabelMax);
    y = in.Max.y - bh;
    const TextCheck check = check_text(s.label, 1, kLabelMax);
    if (!check.ok() && !s.label.empty())
      draw_text_in(f, fonts().body, ImRect(in.Min.x, y, in.Max.x - f.px(520), y + bh), theme::error_text,
                   tr("staff.label_empty"));
    if (button(f, ImRect(in.Max.x - f.px(500), y, in.Max.x - f.px(280), y + bh), tr("common.cancel"), ButtonKind::Quiet) || f.key_escape) {
      close();
      return;
    }
    if (button(f, ImRect(in.Max.x - f.px(260), y, in.Max.x, y + bh), tr("staff.block"), ButtonKind::Primary, check.ok()) ||
        (f.key_enter && check.ok())) {
      f.out.push_back(intent::Block{key, trim(s.label)});
      close();
      return;
    }
    staff_keyboard(f, s.label, kLabelMax, false);
    return;
  }

  const bool blocked = state == CellState::Blocked;
  // A session that outgrew its room: the larger rooms free at that time, one tap each to move it.
  std::vector<const Room*> larger = blocked ? std::vector<const Room*>{} : larger_free_rooms(v, *cell);
  // A session staff moved can go back where it was while that cell is still open (undo).
  const Cell* back = nullptr;
  if (!blocked && !cell->moved_from_room.empty()) {
    back = find_cell(v, CellKey{key.day, cell->moved_from_room, cell->moved_from_start});
    if (back && back->state != CellState::Open) back = nullptr;
  }
  f.st.move_choices.clear();
  const ImRect in = sheet(f, f.px(larger.empty() && !back ? 300 : 440));
  f.st.dialog_title = blocked          ? tr("staff.unblock_title", {{"cell", cell_words(v, key)}})
                      : larger.empty() && !back ? tr("staff.remove_title")
                                       : tr("staff.move_or_remove_title");
  draw_text_in(f, fonts().header, ImRect(in.Min.x, in.Min.y, in.Max.x, in.Min.y + f.px(52)), theme::text, f.st.dialog_title);
  const std::string detail = blocked ? tr("staff.unblock_detail", {{"label", cell->label}})
                                     : tr("staff.remove_detail", {{"title", cell->title}, {"host", cell->host}, {"cell", cell_words(v, key)}});
  float y = in.Min.y + f.px(64);
  for (const std::string& l : wrap_text(fonts().body, detail, in.GetWidth(), 2)) {
    draw_text(f, fonts().body, ImVec2(in.Min.x, y), theme::text, l);
    y += f.px(36);
  }
  if (back) {
    y += f.px(8);
    const std::string label = "↩ " + tr("staff.move_back", {{"room", room_name(v, back->room)}, {"time", back->start}});
    f.st.move_choices.push_back(label);
    if (button(f, ImRect(in.Min.x, y, in.Min.x + f.px(520), y + f.px(72)), label, ButtonKind::Primary, true, fonts().body)) {
      f.out.push_back(intent::MoveClaim{cell->claim_id, back->key()});
      close();
      return;
    }
    y += f.px(80);
  } else if (!larger.empty()) {
    y += f.px(8);
    const int cap = crowded_capacity(v, *cell);
    draw_text_in(f, fonts().body, ImRect(in.Min.x, y, in.Max.x, y + f.px(40)), cap > 0 ? theme::amber : theme::text,
                 cap > 0 ? tr("staff.crowded", {{"coming", coming_words(v, *cell)}, {"seats", std::to_string(cap)}})
                         : tr("staff.move_to_larger"));
    y += f.px(48);
    const std::size_t n = std::min<std::size_t>(3, larger.size());
    const float bw = (in.GetWidth() - 2 * f.px(16)) / 3;
    for (std::size_t i = 0; i < n; ++i) {
      const Room& r = *larger[i];
      const std::string label = tr("staff.move_choice", {{"room", r.name}, {"seats", std::to_string(r.capacity)}});
      f.st.move_choices.push_back(label);
      const float x = in.Min.x + static_cast<float>(i) * (bw + f.px(16));
      if (button(f, ImRect(x, y, x + bw, y + f.px(72)), label, ButtonKind::Primary, true, fonts().body)) {
        f.out.push_back(intent::MoveClaim{cell->claim_id, CellKey{key.day, r.id, key.start}});
        close();
        return;
      }
    }
  }
  y = in.Max.y - bh;
  if (button(f, ImRect(in.Max.x - f.px(560), y, in.Max.x - f.px(340), y + bh), tr("common.cancel"), ButtonKind::Quiet) || f.key_escape) {
    close();
    return;
  }
  if (blocked) {
    if (button(f, ImRect(in.Max.x - f.px(320), y, in.Max.x, y + bh), tr("staff.unblock"), ButtonKind::Primary)) {
      f.out.push_back(intent::Unblock{key});
      close();
    }
  } else if (button(f, ImRect(in.Max.x - f.px(320), y, in.Max.x, y + bh), tr("staff.remove"), ButtonKind::Danger)) {
    f.out.push_back(intent::RemoveClaim{cell->claim_id});
    close();
  }
}

void draw_board_tab(Frame& f, const ImRect& area) {
  StaffState& s = f.st.staff;
  if (s.day.empty() || !f.view.board.event.has_day(s.day)) s.day = default_day(f.view);
  std::string day = s.day;
  draw_day_tabs(f, ImRect(area.Min.x, area.Min.y, area.Max.x, area.Min.y + f.px(64)), day);
  if (day != s.day) { s.day = day; s.scroll_x = s.scroll_y = 0; }
  draw_text_in(f, fonts().body, ImRect(area.Min.x, area.Min.y + f.px(72), area.Max.x, area.Min.y + f.px(112)), theme::text,
               tr("staff.board_help"));
  const ImRect grid(area.Min.x, area.Min.y + f.px(120), area.Max.x, area.Max.y);
  if (auto key = draw_board(f, grid, s.day, s.scroll_x, s.scroll_y, true)) {
    s.cell = key;
    s.label.clear();
    s.keyboard = true;
    s.kb = KeyboardState{};
    s.kb.shift = true;
  }
}

// [SECTION] Reset, announcement, fleet, this kiosk

void draw_reset_tab(Frame& f, const ImRect& area) {
  StaffState& s = f.st.staff;
  float y = area.Min.y;
  draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Max.x, y + f.px(44)), theme::text,
               tr("staff.reset_help"));
  y += f.px(64);
  for (const std::string& d : f.view.board.event.days) {
    const int n = claimed_count(f.view, d);
    const std::string label = tr("staff.reset_button", {{"weekday", weekday_long(d)}, {"day", d}, {"sessions", trn("board.sessions", n)}});
    if (button(f, ImRect(area.Min.x, y, std::min(area.Max.x, area.Min.x + f.px(760)), y + f.px(80)), label, ButtonKind::Danger,
               true, fonts().body, "reset " + d))
      s.confirm_reset = d;
    y += f.px(96);
  }
}

void draw_reset_sheet(Frame& f) {
  StaffState& s = f.st.staff;
  const std::string day = *s.confirm_reset;
  const int n = claimed_count(f.view, day);
  const ImRect in = sheet(f, f.px(280));
  f.st.dialog_title = tr("staff.reset_title", {{"weekday", weekday_long(day)}, {"day", day}});
  f.st.message = trn("staff.will_be_archived", n);
  draw_text_in(f, fonts().header, ImRect(in.Min.x, in.Min.y, in.Max.x, in.Min.y + f.px(52)), theme::text, f.st.dialog_title);
  draw_text_in(f, fonts().clock, ImRect(in.Min.x, in.Min.y + f.px(64), in.Max.x, in.Min.y + f.px(124)), theme::white,
               f.st.message);
  const float bh = f.px(80), y = in.Max.y - bh;
  if (button(f, ImRect(in.Max.x - f.px(560), y, in.Max.x - f.px(340), y + bh), tr("common.cancel"), ButtonKind::Quiet) || f.key_escape) {
    s.confirm_reset.reset();
    return;
  }
  if (button(f, ImRect(in.Max.x - f.px(320), y, in.Max.x, y + bh), tr("staff.reset_day"), ButtonKind::Danger)) {
    f.out.push_back(intent::ResetDay{day});
    s.confirm_reset.reset();
  }
}

void draw_announcement_tab(Frame& f, const ImRect& area) {
  StaffState& s = f.st.staff;
  const KioskView& v = f.view;
  float y = area.Min.y;
  const std::string current = v.board.announcement && !v.board.announcement->text.empty()
                                  ? tr("staff.now_showing", {{"text", v.board.announcement->text}}) +
                                        (v.board.announcement->until.empty() ? "" : " (" + tr("status.until", {{"time", v.board.announcement->until}}) + ")")
                                  : tr("staff.no_announcement");
  draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Max.x, y + f.px(44)), theme::text, current);
  y += f.px(60);
  const float label_w = f.px(200);
  const std::string labels[2] = {tr("staff.text"), tr("staff.until")};
  const char* const ids[2] = {"field Text", "field Until"};
  std::string* values[2] = {&s.announce_text, &s.announce_until};
  const std::string hints[2] = {"", tr("staff.until_hint")};
  for (int i = 0; i < 2; ++i) {
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Min.x + label_w, y + f.px(72)), theme::text, labels[i]);
    const float right = i == 0 ? area.Max.x : area.Min.x + label_w + f.px(300);
    if (text_field(f, ImRect(area.Min.x + label_w, y, right, y + f.px(72)), *values[i], hints[i], s.announce_focus == i,
                   ids[i])) {
      s.announce_focus = i;
      s.keyboard = true;
    }
    y += f.px(88);
  }
  const std::size_t max = s.announce_focus == 0 ? kAnnouncementMax : 5;
  edit_text(*values[s.announce_focus], f.typed, f.key_backspace, max);
  if (f.key_tab) s.announce_focus = 1 - s.announce_focus;
  Announcement a{s.announce_text, trim(s.announce_until)};
  const auto problem = normalize_announcement(a);
  const bool ok = !problem && !a.text.empty();
  if (problem && !(s.announce_text.empty() && s.announce_until.empty()))
    draw_text_in(f, fonts().body, ImRect(area.Min.x + label_w, y - f.px(12), area.Max.x, y + f.px(28)), theme::error_text,
                 s.announce_until.empty() || parse_hhmm(trim(s.announce_until)) ? tr("staff.text_too_long")
                                                                              : tr("staff.until_bad"));
  y += f.px(36);
  if (button(f, ImRect(area.Min.x + label_w, y, area.Min.x + label_w + f.px(260), y + f.px(80)), tr("staff.publish"),
             ButtonKind::Primary, ok)) {
    f.out.push_back(intent::Announce{a.text, a.until});
    s.announce_text.clear();
    s.announce_until.clear();
    s.keyboard = false;
  }
  if (button(f, ImRect(area.Min.x + label_w + f.px(284), y, area.Min.x + label_w + f.px(644), y + f.px(80)),
             tr("staff.clear_announcement"), ButtonKind::Quiet)) {
    f.out.push_back(intent::Announce{"", ""});
  }
  if (s.keyboard) {
    bool next = false;
    staff_keyboard(f, *values[s.announce_focus], max, s.announce_focus == 0, &next);
    if (next) s.announce_focus = 1;
  }
}

// The conference programme: the last import, what the board holds, and one tap to import the
// same URL again (a file imported with openspace-admin is imported again there).
void draw_schedule_tab(Frame& f, const ImRect& area) {
  const ScheduleView& sc = f.view.schedule;
  float y = area.Min.y;
  if (button(f, ImRect(area.Max.x - f.px(220), y, area.Max.x, y + f.px(72)), tr("staff.refresh"), ButtonKind::Normal))
    f.out.push_back(intent::RefreshSchedule{});
  draw_text_in(f, fonts().header, ImRect(area.Min.x, y, area.Max.x - f.px(240), y + f.px(72)), theme::text, tr("schedule.title"));
  y += f.px(96);
  auto line = [&](const std::string& label, const std::string& value) {
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Min.x + f.px(300), y + f.px(52)), theme::past_text, label);
    draw_text_in(f, fonts().cell, ImRect(area.Min.x + f.px(320), y, area.Max.x, y + f.px(52)), theme::text, value);
    y += f.px(60);
  };
  if (!sc.known) {
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Max.x, y + f.px(52)), theme::text,
                 f.view.staff_busy ? tr("staff.asking") : tr("schedule.not_known"));
    return;
  }
  if (!sc.imported) {
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Max.x, y + f.px(52)), theme::text, tr("schedule.never_imported"));
    return;
  }
  line(tr("schedule.last_import"), sc.at);
  line(tr("schedule.source"), sc.source.empty() ? "–" : sc.source);
  line(tr("schedule.result"), tr("schedule.result_words", {{"talks", std::to_string(sc.talks)}, {"added", std::to_string(sc.added)},
                                                           {"updated", std::to_string(sc.updated)}, {"cancelled", std::to_string(sc.cancelled)}}));
  line(tr("schedule.on_board"), tr("schedule.on_board_words", {{"scheduled", std::to_string(sc.scheduled)},
                                                               {"cancelled", std::to_string(sc.cancelled_total)}}));
  y += f.px(24);
  const ImRect again(area.Min.x, y, std::min(area.Max.x, area.Min.x + f.px(560)), y + f.px(88));
  if (button(f, again, tr("schedule.reimport"), ButtonKind::Primary, sc.reimportable() && !f.view.staff_busy))
    f.out.push_back(intent::ReimportSchedule{});
  if (!sc.reimportable())
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y + f.px(100), area.Max.x, y + f.px(150)), theme::text,
                 tr("schedule.from_file"));
}

void draw_fleet_tab(Frame& f, const ImRect& area) {
  float y = area.Min.y;
  if (button(f, ImRect(area.Max.x - f.px(220), y, area.Max.x, y + f.px(72)), tr("staff.refresh"), ButtonKind::Normal))
    f.out.push_back(intent::RefreshFleet{});
  draw_text_in(f, fonts().header, ImRect(area.Min.x, y, area.Max.x - f.px(240), y + f.px(72)), theme::text, tr("staff.kiosks"));
  y += f.px(88);
  const float cw[5] = {0.24f, 0.24f, 0.18f, 0.14f, 0.20f};
  const std::string heads[5] = {tr("staff.kiosk"), tr("staff.last_seen"), tr("staff.replica_age"), tr("staff.outbox"), tr("staff.version")};
  auto row = [&](const std::string* cells, ImFont* font, ImU32 col) {
    float x = area.Min.x;
    for (int i = 0; i < 5; ++i) {
      const float w = area.GetWidth() * cw[i];
      draw_text_in(f, font, ImRect(x, y, x + w - f.px(12), y + f.px(48)), col, cells[i]);
      x += w;
    }
    y += f.px(52);
  };
  const std::string head_cells[5] = {heads[0], heads[1], heads[2], heads[3], heads[4]};
  row(head_cells, fonts().cell, theme::amber);
  if (f.view.fleet.empty()) {
    draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Max.x, y + f.px(48)), theme::text,
                 f.view.staff_busy ? tr("staff.asking") : tr("staff.no_kiosk_yet"));
    return;
  }
  for (const KioskInfo& k : f.view.fleet) {
    const std::string lag = lag_words(k.lag_ms);
    const std::string seen = k.last_seen.empty() ? tr("staff.never") : k.last_seen;  // venue time, from the kiosk
    const std::string cells[5] = {k.id, seen, lag.empty() ? "–" : lag,
                                  std::to_string(k.outbox), k.version.empty() ? "–" : k.version};
    row(cells, fonts().body, k.last_seen.empty() || k.outbox > 0 ? theme::amber : theme::text);
    if (y > area.Max.y - f.px(52)) break;
  }
}

void draw_this_kiosk_tab(Frame& f, const ImRect& area) {
  const KioskView& v = f.view;
  const std::string lag = lag_words(v.lag_ms);
  const std::string in_use = v.node_in_use.empty() ? v.node_url : v.node_in_use;
  std::vector<std::array<std::string, 2>> lines = {
      {tr("staff.kiosk"), v.kiosk_id},
      {tr("staff.version"), v.version},
  };
  if (v.nodes.size() > 1) {
    // Several nodes (contract §4.4): the one in use now, "2 of 3", then all of them.
    std::size_t n = 0;
    for (std::size_t i = 0; i < v.nodes.size(); ++i)
      if (v.nodes[i] == in_use) n = i + 1;
    std::string all;
    for (const std::string& u : v.nodes) all += (all.empty() ? "" : " · ") + u;
    lines.push_back({tr("staff.node_in_use"),
                     n == 0 ? in_use : tr("staff.node_of", {{"url", in_use}, {"n", std::to_string(n)}, {"count", std::to_string(v.nodes.size())}})});
    lines.push_back({tr("staff.nodes"), all});
  } else {
    lines.push_back({tr("staff.server"), in_use});
  }
  lines.push_back({tr("staff.connection"), connection_words(v)});
  lines.push_back({tr("staff.board_updated"), lag.empty() ? tr("staff.never") : lag});
  lines.push_back({tr("staff.claims_waiting"), std::to_string(v.pending.size())});
  lines.push_back({tr("staff.changes_seen"), std::to_string(v.board.seq)});
  float y = area.Min.y;
  for (const auto& l : lines) {
    const std::string label =
        draw_text_in(f, fonts().body, ImRect(area.Min.x, y, area.Min.x + f.px(420), y + f.px(52)), theme::past_text, l[0]);
    const std::string value = draw_text_in(f, fonts().cell, ImRect(area.Min.x + f.px(440), y, area.Max.x, y + f.px(52)), theme::text, l[1]);
    f.st.kiosk_lines.push_back(label + ": " + value);
    y += f.px(60);
  }
}

}  // namespace

// [SECTION] Staff panel

void draw_staff_panel(Frame& f) {
  StaffState& s = f.st.staff;
  const KioskView& v = f.view;
  const bool sheet_open = s.cell.has_value() || s.confirm_reset.has_value();
  if (sheet_open) f.top = Layer::Sheet;
  // Opaque: staff work on their own screen, the public board is hidden behind it.
  const ImRect scr = f.screen();
  f.dl->AddRectFilled(ImVec2(scr.Min.x - 8, scr.Min.y - 8), ImVec2(scr.Max.x + 8, scr.Max.y + 8), theme::page);
  const ImRect safe = f.safe();
  f.st.dialog_title = tr("staff.title");
  draw_text_in(f, fonts().header, ImRect(safe.Min.x, safe.Min.y, safe.Max.x - f.px(400), safe.Min.y + f.px(64)), theme::amber,
               tr("staff.mode", {{"event", v.board.event.name}}));
  if (button(f, ImRect(safe.Max.x - f.px(220), safe.Min.y, safe.Max.x, safe.Min.y + f.px(72)), tr("staff.lock"), ButtonKind::Danger)) {
    lock_staff(f);
    return;
  }
  const float top = safe.Min.y + f.px(88);
  const float msg_h = f.px(48);
  struct TabDef { StaffTab tab; std::string label; };
  const TabDef kTabs[] = {{StaffTab::Board, tr("staff.tab_board")}, {StaffTab::Reset, tr("staff.tab_reset")},
                          {StaffTab::Announcement, tr("staff.tab_announcement")}, {StaffTab::Fleet, tr("staff.tab_fleet")},
                          {StaffTab::Schedule, tr("staff.tab_schedule")}, {StaffTab::Evening, tr("staff.tab_evening")},
                          {StaffTab::ThisKiosk, tr("staff.tab_this_kiosk")}};
  constexpr int kTabCount = 7;
  ImRect content;
  if (f.portrait()) {
    // Tabs in two rows across the top.
    const float tw = (safe.GetWidth() - 2 * f.px(8)) / 3, th = f.px(72);
    for (int i = 0; i < kTabCount; ++i) {
      const float x = safe.Min.x + static_cast<float>(i % 3) * (tw + f.px(8));
      const float y = top + static_cast<float>(i / 3) * (th + f.px(8));
      if (button(f, ImRect(x, y, x + tw, y + th), kTabs[i].label,
                 s.tab == kTabs[i].tab ? ButtonKind::TabSelected : ButtonKind::Tab, true, fonts().body)) {
        s.tab = kTabs[i].tab;
        s.keyboard = false;
        if (s.tab == StaffTab::Fleet) f.out.push_back(intent::RefreshFleet{});
        if (s.tab == StaffTab::Schedule) f.out.push_back(intent::RefreshSchedule{});
      }
    }
    content = ImRect(safe.Min.x, top + static_cast<float>((kTabCount + 2) / 3) * (th + f.px(8)) + f.px(16), safe.Max.x, safe.Max.y - msg_h);
  } else {
    const float tw = f.px(320), th = f.px(80);
    for (int i = 0; i < kTabCount; ++i) {
      const float y = top + static_cast<float>(i) * (th + f.px(12));
      if (button(f, ImRect(safe.Min.x, y, safe.Min.x + tw, y + th), kTabs[i].label,
                 s.tab == kTabs[i].tab ? ButtonKind::TabSelected : ButtonKind::Tab, true, fonts().body)) {
        s.tab = kTabs[i].tab;
        s.keyboard = false;
        if (s.tab == StaffTab::Fleet) f.out.push_back(intent::RefreshFleet{});
        if (s.tab == StaffTab::Schedule) f.out.push_back(intent::RefreshSchedule{});
      }
    }
    content = ImRect(safe.Min.x + tw + f.px(32), top, safe.Max.x, safe.Max.y - msg_h);
  }
  if (!v.staff_message.empty() || v.staff_busy) {
    f.st.message = v.staff_busy ? tr("staff.working") : v.staff_message;
    draw_text_in(f, fonts().body, ImRect(safe.Min.x, safe.Max.y - msg_h, safe.Max.x, safe.Max.y), theme::amber, f.st.message);
  }
  if (!sheet_open && f.key_escape) {
    lock_staff(f);
    return;
  }
  // Hardware typing belongs to the sheet when one is open.
  std::string typed_backup;
  bool backspace_backup = false;
  if (sheet_open) {
    typed_backup = std::move(f.typed);
    backspace_backup = f.key_backspace;
    f.typed.clear();
    f.key_backspace = false;
  }
  switch (s.tab) {
    case StaffTab::Board: draw_board_tab(f, content); break;
    case StaffTab::Reset: draw_reset_tab(f, content); break;
    case StaffTab::Announcement: draw_announcement_tab(f, content); break;
    case StaffTab::Fleet: draw_fleet_tab(f, content); break;
    case StaffTab::Schedule: draw_schedule_tab(f, content); break;
    case StaffTab::Evening: draw_staff_evening(f, content); break;
    case StaffTab::ThisKiosk: draw_this_kiosk_tab(f, content); break;
  }
  if (sheet_open) {
    f.typed = std::move(typed_backup);
    f.key_backspace = backspace_backup;
    f.layer = Layer::Sheet;
    if (s.cell) draw_cell_sheet(f);
    else if (s.confirm_reset) draw_reset_sheet(f);
    f.layer = Layer::Dialog;
  }
}

}  // namespace osb::ui
