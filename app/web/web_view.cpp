// Open Space Board — the phone / laptop web view.
//
// [SECTION] Escaping
// [SECTION] Shared page parts: head, theme, day tabs
// [SECTION] Shared page parts: moves, interest, lightning sheets, evening groups
// [SECTION] board_page
// [SECTION] session_page
//
// Pages are built as strings: one column of rooms per slot on a phone, a grid on a wide screen,
// the kiosk's dark theme. Everything a person typed goes through escape_html; the only data in
// the inline script is a JSON island escaped with script_json_string. No external loads, so a
// strict Content-Security-Policy (default-src 'self' plus the inline script/style) works.
#include "web/web_view.hpp"

#include "core/talks.hpp"

#include <algorithm>
#include <cstdio>

namespace osb::web {

// [SECTION] Escaping

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    char buf[8];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '<': out += "\\u003c"; break;  // never "</script>" or "<!--" inside the element
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
          // U+2028 / U+2029 end a line in older JavaScript parsers.
          out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string pick_day(const Event& event, const std::string& requested, const LocalTime& now) {
  if (event.days.empty()) return {};
  if (!requested.empty() && event.has_day(requested)) return requested;
  if (event.has_day(now.day)) return now.day;
  for (const auto& d : event.days)
    if (d > now.day) return d;
  return event.days.front();
}

// [SECTION] Shared page parts: head, theme, day tabs

namespace {

// The kiosk theme (docs: kiosk-ui.md): dark page, light text, a word for every state.
constexpr const char* kStyle = R"CSS(
:root{color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;background:#0E1116;color:#E6EDF3;font:17px/1.45 "Noto Sans","DejaVu Sans",system-ui,sans-serif}
a{color:#E6EDF3}
header{padding:14px 16px 6px;border-bottom:1px solid #2A2D33}
h1{font-size:1.35rem;margin:0 0 10px}
h2{font-size:1.1rem;margin:0}
.days{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 8px;padding:0;list-style:none}
.days a{display:inline-block;min-width:4.5rem;text-align:center;padding:10px 14px;border:1px solid #3B4552;border-radius:8px;text-decoration:none}
.days a[aria-current=page]{border:2px solid #F2C94C;color:#F2C94C;font-weight:bold}
.note{margin:8px 0;padding:10px 12px;border-left:4px solid #F2C94C}
.note b{color:#F2C94C}
main{padding:12px 16px 24px}
.row{display:grid;grid-template-columns:1fr;gap:8px;margin:0 0 18px}
.row.head{display:none}
.time{font-weight:bold;padding:6px 0}
.phase{display:inline-block;margin-left:8px;font-size:.8rem;text-transform:uppercase;letter-spacing:.06em}
.row.now{border-left:4px solid #F2C94C;padding-left:10px}
.row.now .time{color:#F2C94C}
.row.past .time,.row.past .cell{color:#9DA7B3}
.cell{display:block;padding:10px 12px;border-radius:8px;background:#16202C;color:#E6EDF3;text-decoration:none;min-height:2.8em;overflow-wrap:anywhere}
.cell.claimed{background:#0B3D2E;color:#FFFFFF}
.cell.blocked{background:repeating-linear-gradient(135deg,#2A2D33 0 10px,#22252A 10px 20px);color:#C9D1D9}
.row.past .cell.claimed{color:#C9D1D9}
.cell .room{display:inline;font-weight:bold;margin-right:.6em}
.cell .state{display:inline;font-size:.75rem;text-transform:uppercase;letter-spacing:.06em}
.cell .title{display:block;font-weight:bold;font-size:1.05rem}
.cell .host{display:block}
.room-name{font-weight:bold}
.room-where{display:block;font-size:.8rem;color:#9DA7B3;font-weight:normal}
footer{padding:8px 16px 24px;color:#9DA7B3;font-size:.9rem}
footer a{color:#E6EDF3}
.session{max-width:42rem}
.session h2{font-size:1.5rem;margin-bottom:4px}
.session .desc{white-space:pre-wrap;overflow-wrap:anywhere}
.session dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 14px}
.session dt{color:#9DA7B3}
.session dd{margin:0}
.talks{grid-column:1/-1;margin:0;padding:8px 12px;border-left:4px solid #56CCF2;background:#111A24;list-style:none}
.talks li{margin:2px 0;overflow-wrap:anywhere}
.talks .kind{font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:#56CCF2;margin-right:.6em}
.talks .when{color:#9DA7B3;margin-right:.4em}
.talks .cancelled s{color:#9DA7B3}
.talks .cancelled .flag{font-size:.8rem;text-transform:uppercase;color:#EB5757;margin-left:.4em}
.tag{font-family:"DejaVu Sans Mono",monospace}
.button{display:inline-block;margin:14px 12px 0 0;padding:12px 18px;border-radius:8px;background:#1652B8;color:#FFFFFF;font-weight:bold;text-decoration:none}
.button.plain{background:transparent;border:1px solid #3B4552;color:#E6EDF3;font-weight:normal}
.cell .interest,.cell .moved{display:block;font-size:.85rem}
.session .moved{display:block}
.jump{margin:6px 0 14px}
.jump a{display:inline-block;padding:8px 0;margin-right:1.2em}
.extra{margin:28px 0 0;max-width:48rem}
.extra>h2{margin:0 0 4px}
.hint{margin:0 0 10px;color:#9DA7B3}
.sheet{margin:0 0 12px;padding:10px 12px;border-radius:8px;background:#16202C;overflow-wrap:anywhere}
.sheet h3{font-size:1.05rem;margin:0}
.sheet .shape{font-weight:normal;font-size:.9rem;color:#9DA7B3;margin-left:.5em}
.sheet .status{margin:4px 0 6px}
.sheet .hint{margin:0 0 6px}
.sheet.full .status b{color:#FF8A80}
.sheet.closed .status b{color:#C9D1D9}
.lineup{margin:0;padding:0;list-style:none}
.lineup li{padding:4px 0;border-top:1px solid #2A2D33}
.lineup .when{color:#9DA7B3}
.lineup .what{font-weight:bold}
.empty{margin:4px 0;color:#9DA7B3}
.groups{margin:0;padding:0;list-style:none;display:grid;gap:8px}
.group{padding:10px 12px;border-radius:8px;background:#16202C;overflow-wrap:anywhere}
.group .when{font-weight:bold;margin-right:.5em}
.group .title{font-weight:bold;font-size:1.05rem}
.group .where,.group .count,.group .continues{display:block}
.group.full .count b{color:#FF8A80}
)CSS";

std::string page_head(const std::string& title, const std::string& extra_head) {
  std::string out;
  out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"dark\">\n";
  out += "<title>" + escape_html(title) + "</title>\n";
  out += extra_head;
  out += "<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
  return out;
}

std::string day_href(const std::string& day) { return "/?day=" + escape_html(day); }

std::string slot_label(const SlotTime& s) { return format_hhmm(s.start) + "–" + format_hhmm(s.end); }

const char* phase_word(SlotPhase p) {
  switch (p) {
    case SlotPhase::Past: return "Past";
    case SlotPhase::Now: return "Now";
    case SlotPhase::Upcoming: return "";
  }
  return "";
}

const char* phase_class(SlotPhase p) {
  switch (p) {
    case SlotPhase::Past: return "past";
    case SlotPhase::Now: return "now";
    case SlotPhase::Upcoming: return "upcoming";
  }
  return "";
}

// The announcement, unless its "until" (today, venue time) has gone by.
std::string announcement_html(const Board& board, const LocalTime& now) {
  if (!board.announcement || board.announcement->text.empty()) return {};
  const auto& a = *board.announcement;
  if (!a.until.empty())
    if (const auto until = parse_hhmm(a.until); until && now.minute >= *until) return {};
  std::string out = "<p class=\"note\" role=\"status\"><b>Note:</b> " + escape_html(a.text);
  if (!a.until.empty()) out += " <span class=\"until\">(until " + escape_html(a.until) + ")</span>";
  out += "</p>\n";
  return out;
}

// Seconds until the next slot start or end of `day`, or the next lightning sheet's sign-up
// closing, so the page can move its "now" marker and say "Closed"; 0 when nothing more changes
// today.
long seconds_to_next_boundary(const Event& event, const std::string& day, const LocalTime& now) {
  if (day != now.day) return 0;
  const long now_s = now.minute * 60L + now.second;
  long best = 0;
  auto consider = [&](int m) {
    const long d = m * 60L - now_s;
    if (d > 0 && (best == 0 || d < best)) best = d;
  };
  for (const auto& s : event.slots) {
    consider(s.start);
    consider(s.end);
  }
  for (const auto& sh : event.lightning) consider(sh.closes_at());
  return best;
}

// [SECTION] Shared page parts: moves, interest, lightning sheets, evening groups
//
// The live script in board_page rebuilds these same elements from /api/v1/changes: a change to
// the markup here needs the same change there (cellNode, sheetNode, groupNode).

std::string room_label(const Event& ev, const std::string& id) {
  const Room* r = ev.find_room(id);
  return r ? r->name : id;
}

// "Moved here from Room B", with the time when the session also changed its hour.
std::string moved_words(const Event& ev, const char* lead, const std::string& room, const std::string& start,
                        const std::string& here_start) {
  std::string out = lead + room_label(ev, room);
  if (!start.empty() && start != here_start) out += " at " + start;
  return out;
}

std::string coming_words(int n) { return std::to_string(n) + " coming"; }

// "1730" of "17:30", for element ids.
std::string hhmm_id(const std::string& t) { return t.size() == 5 ? t.substr(0, 2) + t.substr(3, 2) : t; }

// Sign-up for a sheet has ended (the node refuses sign-ups from its `closes` on).
bool sheet_closed(const Sheet& s, const LocalTime& now) {
  const auto closes = parse_hhmm(s.closes);
  if (!closes || !parse_day(s.day) || !parse_day(now.day)) return s.day < now.day;
  return minutes_between(now, s.day, *closes) <= 0;
}

std::vector<const LightningSignup*> lineup(const Sheet& s) {
  std::vector<const LightningSignup*> out;
  for (const auto& x : s.signups) out.push_back(&x);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->position < b->position; });
  return out;
}

// One sheet: its time range, how many places are left (or Full / Closed, in words) and the
// numbered line-up "1 · 17:30 · Title — Speaker". Nothing when its start is not a time.
std::string sheet_html(const Sheet& s, bool closed) {
  const auto start = parse_hhmm(s.start);
  if (!start) return {};
  const int taken = static_cast<int>(s.signups.size());
  const bool full = s.full();
  std::string out = "<article class=\"sheet " + std::string(closed ? "closed" : full ? "full" : "open") + "\" id=\"l-" +
                    escape_html(hhmm_id(s.start)) + "\" data-closed=\"" + (closed ? "1" : "0") + "\">";
  out += "<h3><span class=\"when\">" + escape_html(s.start) + "–" + format_hhmm((*start + s.talks * s.minutes) % 1440) +
         "</span> <span class=\"shape\">" + std::to_string(s.talks) + (s.talks == 1 ? " talk" : " talks") + " of " +
         std::to_string(s.minutes) + (s.minutes == 1 ? " minute" : " minutes") + "</span></h3>\n";
  out += "<p class=\"status\">";
  if (closed) {
    out += "<b>Closed:</b> sign-up ended at " + escape_html(s.closes);
  } else if (full) {
    out += "<b>Full:</b> all " + std::to_string(s.talks) + " places are taken";
  } else {
    const int left = s.talks - taken;
    out += std::to_string(taken) + " of " + std::to_string(s.talks) + " · " + std::to_string(left) +
           (left == 1 ? " place" : " places") + " free · sign-up until " + escape_html(s.closes);
  }
  out += "</p>\n";
  if (!closed && !full) out += "<p class=\"hint\">Sign up at any board.</p>\n";
  if (s.signups.empty()) {
    out += std::string("<p class=\"empty\">") + (closed ? "No talks on this sheet." : "No talks on this sheet yet.") + "</p>\n";
  } else {
    out += "<ol class=\"lineup\">";
    int i = 0;
    for (const LightningSignup* x : lineup(s)) {
      out += "<li><span class=\"when\">" + std::to_string(i + 1) + " · " + format_hhmm((*start + i * s.minutes) % 1440) +
             " ·</span> <span class=\"what\">" + escape_html(x->title) + "</span> — <span class=\"who\">" +
             escape_html(x->speaker) + "</span></li>";
      ++i;
    }
    out += "</ol>\n";
  }
  return out + "</article>\n";
}

const Cell* claimed_cell(const Board& board, const std::string& claim_id) {
  if (claim_id.empty()) return nullptr;
  for (const auto& c : board.cells)
    if (c.state == CellState::Claimed && c.claim_id == claim_id) return &c;
  return nullptr;
}

// One evening group: time, title, where to meet, how many go (or Full), the host and the open
// space it continues (when that session is still on the board and `say_continues`).
std::string group_html(const Board& board, const Group& g, bool say_continues = true) {
  std::string out = "<li class=\"group" + std::string(g.full() ? " full" : "") + "\" id=\"g-" + escape_html(g.group_id) + "\">";
  out += "<span class=\"when\">" + escape_html(g.time) + "</span> <span class=\"title\">" + escape_html(g.title) + "</span>";
  out += "<span class=\"where\">Meet at " + escape_html(g.where) + "</span>";
  out += "<span class=\"count\">";
  out += g.full() ? "<b>Full:</b> all " + std::to_string(g.seats) + " seats taken"
                  : std::to_string(g.joined) + " of " + std::to_string(g.seats) + " going";
  out += " · by " + escape_html(g.host) + "</span>";
  if (const Cell* c = say_continues ? claimed_cell(board, g.continues) : nullptr)
    out += "<span class=\"continues\">continues <a href=\"/s/" + escape_html(c->claim_id) + "\">“" + escape_html(c->title) +
           "”</a></span>";
  return out + "</li>\n";
}

// The groups of `day` by time, then title (the order the live script keeps when it inserts).
std::vector<const Group*> groups_of(const Board& board, const std::string& day) {
  std::vector<const Group*> out;
  for (const auto& g : board.groups)
    if (g.day == day && !g.removed) out.push_back(&g);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) {
    if (a->time != b->time) return a->time < b->time;
    return a->title < b->title;
  });
  return out;
}

std::vector<const Sheet*> sheets_of(const Board& board, const std::string& day) {
  std::vector<const Sheet*> out;
  for (const auto& s : board.lightning)
    if (s.day == day) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->start < b->start; });
  return out;
}

}  // namespace

std::string clock_key(const Event& event, const LocalTime& now) {
  int last = -1;
  for (const auto& sh : event.lightning)
    if (sh.closes_at() <= now.minute && sh.closes_at() > last) last = sh.closes_at();
  return last < 0 ? std::string() : "-L" + hhmm_id(format_hhmm(last));
}

// [SECTION] board_page

// The scheduled talks that overlap a slot, as a list under its open spaces; cancelled ones
// struck through and saying so. Empty when none overlap.
std::string talks_html(const Board& board, const std::string& day, int start, int end) {
  const auto talks = talks_during(board.talks, day, start, end);
  if (talks.empty()) return "";
  std::string out = "<ul class=\"talks\" aria-label=\"Scheduled talks at the same time\">";
  for (const Talk* t : talks) {
    const bool cancelled = t->state == TalkState::Cancelled;
    out += cancelled ? "<li class=\"cancelled\">" : "<li>";
    out += "<span class=\"kind\">Talk</span><span class=\"when\">" + escape_html(talk_clock(t->start)) + "–" +
           escape_html(talk_clock(t->end)) + "</span>";
    const std::string what = escape_html(t->title) + " · " + escape_html(t->room);
    out += cancelled ? "<s>" + what + "</s><span class=\"flag\">cancelled</span>" : what;
    out += "</li>";
  }
  return out + "</ul>\n";
}

std::string board_page(const Board& board, const std::string& requested_day, const LocalTime& now) {
  const Event& ev = board.event;
  const std::string day = pick_day(ev, requested_day, now);

  // Without scripts the page still refreshes itself once a minute.
  std::string out = page_head(ev.name + (day.empty() ? "" : " — " + short_day_label(day)),
                              "<noscript><meta http-equiv=\"refresh\" content=\"60\"></noscript>\n");

  out += "<header>\n<h1>" + escape_html(ev.name) + "</h1>\n";
  if (ev.days.size() > 1 || !day.empty()) {
    out += "<nav aria-label=\"Days\"><ul class=\"days\">\n";
    for (const auto& d : ev.days) {
      out += "<li><a href=\"" + day_href(d) + "\"";
      if (d == day) out += " aria-current=\"page\"";
      out += ">" + escape_html(short_day_label(d));
      if (d == now.day) out += " · today";
      out += "</a></li>\n";
    }
    out += "</ul></nav>\n";
  }
  out += announcement_html(board, now);
  out += "</header>\n";

  // Index the day's cells by (room, start) once.
  std::vector<const Cell*> cells;
  for (const auto& c : board.cells)
    if (c.day == day) cells.push_back(&c);
  auto find_cell = [&](const std::string& room, const std::string& start) -> const Cell* {
    for (const Cell* c : cells)
      if (c->room == room && c->start == start) return c;
    return nullptr;
  };

  const std::size_t columns = ev.rooms.size();
  out += "<main>\n<h2>" + escape_html(day.empty() ? std::string() : weekday_name(day) + " " + day) + "</h2>\n";
  // The grid's column count depends on the event, so this one rule is written per page.
  out += "<style>@media (min-width:760px){.row{grid-template-columns:7.5rem repeat(" + std::to_string(columns) +
         ",minmax(0,1fr))}.row.head{display:grid}.cell .room{display:none}.cell .state{display:block}.cell{min-height:4.2em}}</style>\n";
  if (!day.empty())
    out += std::string("<p class=\"jump\">") + (sheets_of(board, day).empty() ? "" : "<a href=\"#lightning\">Lightning talks</a>") +
           "<a href=\"#tonight\">" + (day == now.day ? "Tonight" : "Evening groups") + "</a></p>\n";
  out += "<div class=\"board\">\n<div class=\"row head\" aria-hidden=\"true\"><div></div>";
  for (const auto& r : ev.rooms) {
    out += "<div class=\"room-name\">" + escape_html(r.name);
    if (!r.where.empty()) out += "<span class=\"room-where\">" + escape_html(r.where) + "</span>";
    out += "</div>";
  }
  out += "</div>\n";

  for (const auto& slot : ev.slots) {
    const SlotPhase phase = day.empty() ? SlotPhase::Upcoming : slot_phase(day, slot.start, slot.end, now);
    const std::string start = format_hhmm(slot.start);
    out += "<section class=\"row " + std::string(phase_class(phase)) + "\" aria-label=\"" + slot_label(slot) + "\">";
    out += "<div class=\"time\">" + slot_label(slot);
    if (*phase_word(phase)) out += "<span class=\"phase\">" + std::string(phase_word(phase)) + "</span>";
    out += "</div>\n";
    for (const auto& r : ev.rooms) {
      const Cell* c = find_cell(r.id, start);
      const std::string room_span = "<span class=\"room\">" + escape_html(r.name) + "</span>";
      // The id lets the live script replace this one cell when it changes (room ids are [A-Za-z0-9_-]).
      const std::string id = " id=\"c-" + escape_html(r.id) + "-" + start.substr(0, 2) + start.substr(3, 2) + "\"";
      if (c && c->state == CellState::Claimed) {
        out += "<a class=\"cell claimed\"" + id + " href=\"/s/" + escape_html(c->claim_id) + "\">" + room_span +
               "<span class=\"state\">Session</span><span class=\"title\">" + escape_html(c->title) +
               "</span><span class=\"host\">by " + escape_html(c->host) + "</span>";
        if (c->interest > 0) out += "<span class=\"interest\">" + coming_words(c->interest) + "</span>";
        if (!c->moved_from_room.empty())
          out += "<span class=\"moved\">" +
                 escape_html(moved_words(ev, "Moved here from ", c->moved_from_room, c->moved_from_start, c->start)) + "</span>";
        out += "</a>\n";
      } else if (c && c->state == CellState::Blocked) {
        out += "<div class=\"cell blocked\"" + id + ">" + room_span + "<span class=\"state\">Blocked</span><span class=\"title\">" +
               escape_html(c->label) + "</span></div>\n";
      } else {
        out += "<div class=\"cell open\"" + id + ">" + room_span + "<span class=\"state\">Open</span>";
        if (c && !c->moved_to_room.empty())
          out += "<span class=\"moved\">" + escape_html(moved_words(ev, "Moved to ", c->moved_to_room, c->moved_to_start, c->start)) +
                 "</span>";
        out += "</div>\n";
      }
    }
    if (!day.empty()) out += talks_html(board, day, slot.start, slot.end);
    out += "</section>\n";
  }
  out += "</div>\n";

  // After the grid: the day's lightning-talk sheets and tonight's groups. Read-only here: signing
  // up and joining happen at the kiosks.
  const bool past_day = !day.empty() && day < now.day;
  const auto sheets = sheets_of(board, day);
  if (!day.empty() && !sheets.empty()) {
    out += "<section class=\"extra\" id=\"lightning\" aria-labelledby=\"h-lightning\">\n<h2 id=\"h-lightning\">Lightning talks</h2>\n";
    for (const Sheet* sh : sheets) out += sheet_html(*sh, sheet_closed(*sh, now));
    out += "</section>\n";
  }
  if (!day.empty()) {
    const auto groups = groups_of(board, day);
    out += "<section class=\"extra\" id=\"tonight\" aria-labelledby=\"h-tonight\">\n<h2 id=\"h-tonight\">" +
           std::string(day == now.day ? "Tonight" : "Evening groups") + "</h2>\n";
    if (!past_day) out += "<p class=\"hint\">Join at any board — or start a group there: dinner, a walk, a game.</p>\n";
    out += "<ul class=\"groups\" id=\"groups\">\n";
    for (const Group* g : groups) out += group_html(board, *g);
    out += "</ul>\n<p class=\"empty\" id=\"groups-empty\"" + std::string(groups.empty() ? "" : " hidden") + ">" +
           (past_day ? "No groups that evening." : "No groups yet.") + "</p>\n</section>\n";
  }
  out += "</main>\n";

  out += "<footer>Board as of " + format_hhmm(now.minute) + " venue time; it updates by itself. <a href=\"" +
         (day.empty() ? std::string("/") : day_href(day)) + "\">Refresh</a></footer>\n";

  // Live updates: the JSON island carries only node-made values, escaped for <script> anyway.
  out += "<script type=\"application/json\" id=\"osb-live\">{\"epoch\":" + script_json_string(board.epoch) +
         ",\"seq\":" + std::to_string(board.seq) + ",\"day\":" + script_json_string(day) + ",\"rooms\":{";
  // Room names for "Moved to Room F" (from event.toml; escaped like everything else).
  for (std::size_t i = 0; i < ev.rooms.size(); ++i)
    out += (i ? "," : "") + script_json_string(ev.rooms[i].id) + ":" + script_json_string(ev.rooms[i].name);
  out += "},\"reload_in\":" + std::to_string(seconds_to_next_boundary(ev, day, now)) + "}</script>\n";
  out += R"JS(<script>
(function () {
  var live = JSON.parse(document.getElementById('osb-live').textContent);
  var backoff = 2000;
  function reload() {
    // A guard against a reload loop when the node's answer lags behind its change log.
    var last = +(sessionStorage.getItem('osb-reload') || 0), now = Date.now();
    sessionStorage.setItem('osb-reload', String(now));
    setTimeout(function () { location.reload(); }, now - last < 5000 ? 5000 : 0);
  }
  if (live.reload_in > 0) setTimeout(reload, live.reload_in * 1000 + 500);
  // On a phone the slot running now may be far down: bring it into view on a first visit (a
  // reload keeps the reader's own scroll position).
  var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
  var now = document.querySelector('.row.now');
  if (now && !location.hash && !(nav && nav.type === 'reload') && now.getBoundingClientRect().top > window.innerHeight * 0.6)
    now.scrollIntoView({ block: 'start' });
  // Changes are applied in place: the changed cells, lightning sheets and evening groups are
  // rebuilt from the JSON (as text, never as HTML; the same markup the node writes) and the
  // announcement line is replaced. A full reload only when the board's database was replaced
  // (410), at a slot boundary or a sheet's sign-up closing (the clock changes the page), or
  // after a schedule import (talks changed).
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function text(parent, t) { parent.appendChild(document.createTextNode(t)); }
  var rooms = live.rooms || {};
  function roomName(id) { return Object.prototype.hasOwnProperty.call(rooms, id) ? rooms[id] : id; }
  function moved(lead, m, here) {
    var s = lead + roomName(m.room || '');
    if (m.start && m.start !== here) s += ' at ' + m.start;
    return s;
  }
  function minutes(t) { return +t.slice(0, 2) * 60 + +t.slice(3, 5); }
  function hhmm(m) {
    m = m % 1440;
    var h = Math.floor(m / 60), i = m % 60;
    return (h < 10 ? '0' : '') + h + ':' + (i < 10 ? '0' : '') + i;
  }
  function patch(c) {
    if (c.day !== live.day) return;
    var id = 'c-' + c.room + '-' + c.start.replace(':', '');
    var old = document.getElementById(id);
    if (!old) return;
    var room = old.querySelector('.room');
    var n;
    if (c.state === 'claimed') {
      n = el('a', 'cell claimed');
      n.href = '/s/' + encodeURIComponent(c.claim_id);
    } else {
      n = el('div', 'cell ' + (c.state === 'blocked' ? 'blocked' : 'open'));
    }
    n.id = id;
    if (room) n.appendChild(room.cloneNode(true));
    if (c.state === 'claimed') {
      n.appendChild(el('span', 'state', 'Session'));
      n.appendChild(el('span', 'title', c.title));
      n.appendChild(el('span', 'host', 'by ' + c.host));
      if (c.interest > 0) n.appendChild(el('span', 'interest', c.interest + ' coming'));
      if (c.moved_from) n.appendChild(el('span', 'moved', moved('Moved here from ', c.moved_from, c.start)));
    } else if (c.state === 'blocked') {
      n.appendChild(el('span', 'state', 'Blocked'));
      n.appendChild(el('span', 'title', c.label || ''));
    } else {
      n.appendChild(el('span', 'state', 'Open'));
      if (c.moved_to) n.appendChild(el('span', 'moved', moved('Moved to ', c.moved_to, c.start)));
    }
    old.parentNode.replaceChild(n, old);
  }
  // A changed sheet comes whole: it replaces the one shown. Whether sign-up has closed stays as
  // the node wrote it (the page reloads when a sheet closes).
  function sheet(s) {
    if (s.day !== live.day) return;
    var old = document.getElementById('l-' + s.start.replace(':', ''));
    if (!old) return;
    var closed = old.getAttribute('data-closed') === '1';
    var signups = (s.signups || []).slice().sort(function (a, b) { return a.position - b.position; });
    var full = signups.length >= s.talks, start = minutes(s.start);
    var n = el('article', 'sheet ' + (closed ? 'closed' : full ? 'full' : 'open'));
    n.id = old.id;
    n.setAttribute('data-closed', closed ? '1' : '0');
    var h = add(n, el('h3'));
    h.appendChild(el('span', 'when', s.start + '\u2013' + hhmm(start + s.talks * s.minutes)));
    text(h, ' ');
    h.appendChild(el('span', 'shape', s.talks + (s.talks === 1 ? ' talk' : ' talks') + ' of ' + s.minutes +
                                      (s.minutes === 1 ? ' minute' : ' minutes')));
    var st = add(n, el('p', 'status'));
    if (closed) { st.appendChild(el('b', null, 'Closed:')); text(st, ' sign-up ended at ' + s.closes); }
    else if (full) { st.appendChild(el('b', null, 'Full:')); text(st, ' all ' + s.talks + ' places are taken'); }
    else {
      var left = s.talks - signups.length;
      text(st, signups.length + ' of ' + s.talks + ' \u00b7 ' + left + (left === 1 ? ' place' : ' places') +
               ' free \u00b7 sign-up until ' + s.closes);
    }
    if (!closed && !full) n.appendChild(el('p', 'hint', 'Sign up at any board.'));
    if (!signups.length) {
      n.appendChild(el('p', 'empty', closed ? 'No talks on this sheet.' : 'No talks on this sheet yet.'));
    } else {
      var ol = add(n, el('ol', 'lineup'));
      signups.forEach(function (x, i) {
        var li = add(ol, el('li'));
        li.appendChild(el('span', 'when', (i + 1) + ' \u00b7 ' + hhmm(start + i * s.minutes) + ' \u00b7'));
        text(li, ' ');
        li.appendChild(el('span', 'what', x.title));
        text(li, ' \u2014 ');
        li.appendChild(el('span', 'who', x.speaker));
      });
    }
    old.parentNode.replaceChild(n, old);
  }
  // The title of a session shown on this page, for "continues “…”"; null when it is not here.
  function sessionTitle(claimId) {
    var href = '/s/' + encodeURIComponent(claimId), cells = document.querySelectorAll('a.cell');
    for (var i = 0; i < cells.length; i++)
      if (cells[i].getAttribute('href') === href) {
        var t = cells[i].querySelector('.title');
        return t ? t.textContent : null;
      }
    return null;
  }
  // A changed group replaces the one shown (or is added in time order); removed:true drops it.
  function group(g) {
    if (g.day !== live.day) return;
    var list = document.getElementById('groups');
    if (!list) return;
    var old = document.getElementById('g-' + g.group_id);
    var oldContinues = old && old.querySelector('.continues');
    if (old) old.parentNode.removeChild(old);
    if (!g.removed) {
      var full = g.joined >= g.seats;
      var n = el('li', 'group' + (full ? ' full' : ''));
      n.id = 'g-' + g.group_id;
      n.appendChild(el('span', 'when', g.time));
      text(n, ' ');
      n.appendChild(el('span', 'title', g.title));
      n.appendChild(el('span', 'where', 'Meet at ' + g.where));
      var count = add(n, el('span', 'count'));
      if (full) { count.appendChild(el('b', null, 'Full:')); text(count, ' all ' + g.seats + ' seats taken'); }
      else text(count, g.joined + ' of ' + g.seats + ' going');
      text(count, ' \u00b7 by ' + g.host);
      if (g.continues) {
        var title = sessionTitle(g.continues);
        if (title !== null) {
          var c = add(n, el('span', 'continues', 'continues '));
          var a = add(c, el('a', null, '\u201c' + title + '\u201d'));
          a.href = '/s/' + encodeURIComponent(g.continues);
        } else if (oldContinues) {
          n.appendChild(oldContinues);  // the session is on another day's page: keep what the node wrote
        }
      }
      var before = null, items = list.children;
      for (var i = 0; i < items.length && !before; i++) {
        var t = items[i].querySelector('.when'), ti = items[i].querySelector('.title');
        var tt = t ? t.textContent : '', tn = ti ? ti.textContent : '';
        if (tt > g.time || (tt === g.time && tn > g.title)) before = items[i];
      }
      list.insertBefore(n, before);
    }
    var empty = document.getElementById('groups-empty');
    if (empty) empty.hidden = list.children.length > 0;
  }
  function announce(a) {
    var header = document.querySelector('header');
    var p = header && header.querySelector('.note');
    if (!a || !a.text) { if (p) p.parentNode.removeChild(p); return; }
    if (!header) return;
    if (!p) { p = el('p', 'note'); p.setAttribute('role', 'status'); header.appendChild(p); }
    p.textContent = '';
    p.appendChild(el('b', null, 'Note:'));
    p.appendChild(document.createTextNode(' ' + a.text));
    if (a.until) { p.appendChild(document.createTextNode(' ')); p.appendChild(el('span', 'until', '(until ' + a.until + ')')); }
  }
  // Never hammer the node: a pause of about `ms` (between half and one and a half of it).
  function later(ms) { setTimeout(poll, ms / 2 + Math.random() * ms); }
  function poll() {
    document.documentElement.setAttribute('data-live', 'polling');  // tests see the script ran
    var url = '/api/v1/changes?since=' + live.seq + '&wait=25&epoch=' + encodeURIComponent(live.epoch);
    var asked = Date.now();
    fetch(url, { cache: 'no-store' }).then(function (r) {
      if (r.status === 410) { reload(); return null; }
      if (r.status === 503 || r.status === 429) {
        later((+r.headers.get('Retry-After') || 5) * 1000);
        return null;
      }
      if (!r.ok) throw new Error('status ' + r.status);
      return r.json();
    }).then(function (j) {
      if (j === null) return;
      backoff = 2000;
      if (j.epoch !== live.epoch) { reload(); return; }
      var changed = j.seq > live.seq;
      // A schedule import (rare) reshapes the talk lists of many slots: reload the page.
      if (j.talks && j.talks.length) { reload(); return; }
      (j.cells || []).forEach(patch);
      (j.lightning || []).forEach(sheet);
      (j.groups || []).forEach(group);
      announce(j.announcement);
      if (changed) live.seq = j.seq;
      document.documentElement.setAttribute('data-seq', String(live.seq));
      // An empty answer that came back at once (a node under load, a proxy): pause first.
      if (!changed && Date.now() - asked < 1000) later(2000); else poll();
    }).catch(function () {
      later(backoff);
      backoff = Math.min(backoff * 2, 60000);
    });
  }
  poll();
})();
</script>
</body>
</html>
)JS";
  return out;
}

// [SECTION] session_page

std::optional<std::string> session_page(const Board& board, const std::string& claim_id, const LocalTime& now) {
  const Event& ev = board.event;
  // By claim_id, not by place: a session staff moved is found in its new cell (the cell it left
  // is open now and carries no claim_id).
  const Cell* cell = claimed_cell(board, claim_id);
  if (!cell) return std::nullopt;

  const Room* room = ev.find_room(cell->room);
  const std::string room_name = room ? room->name : cell->room;
  std::string when = weekday_name(cell->day) + " " + cell->day + ", " + cell->start + "–" + cell->end;
  const auto start = parse_hhmm(cell->start), end = parse_hhmm(cell->end);
  const SlotPhase phase = start && end ? slot_phase(cell->day, *start, *end, now) : SlotPhase::Upcoming;

  std::string out = page_head(cell->title + " — " + ev.name, "");
  out += "<header>\n<h1>" + escape_html(ev.name) + "</h1>\n" + announcement_html(board, now) + "</header>\n";
  out += "<main class=\"session\">\n<article>\n";
  out += "<h2 class=\"title\">" + escape_html(cell->title) + "</h2>\n";
  out += "<p class=\"host\">by " + escape_html(cell->host) + "</p>\n";
  if (cell->interest > 0) out += "<p class=\"interest\">" + coming_words(cell->interest) + "</p>\n";
  if (!cell->description.empty()) out += "<p class=\"desc\">" + escape_html(cell->description) + "</p>\n";
  out += "<dl>\n<dt>When</dt><dd>" + escape_html(when);
  if (*phase_word(phase)) out += " <span class=\"phase\">(" + std::string(phase_word(phase)) + ")</span>";
  out += "</dd>\n<dt>Where</dt><dd>" + escape_html(room_name);
  if (room && !room->where.empty()) out += ", " + escape_html(room->where);
  if (!cell->moved_from_room.empty())
    out += "<span class=\"moved\">" +
           escape_html(moved_words(ev, "Moved here from ", cell->moved_from_room, cell->moved_from_start, cell->start)) + "</span>";
  out += "</dd>\n<dt>Backchannel</dt><dd class=\"tag\">" + escape_html(session_tag(ev.backchannel, cell->room, cell->start)) +
         "</dd>\n</dl>\n";
  if (start && end) {
    const std::string clash = talks_html(board, cell->day, *start, *end);
    if (!clash.empty()) out += "<h3>At the same time</h3>\n" + clash;
  }
  // Evening groups that continue this open space ("continues over dinner").
  std::string continued;
  for (const auto& g : board.groups)
    if (!g.removed && g.continues == cell->claim_id) continued += group_html(board, g, false);
  if (!continued.empty())
    out += "<h3>Continues in the evening</h3>\n<ul class=\"groups\">\n" + continued + "</ul>\n<p class=\"hint\">Join at any board.</p>\n";
  out += "<a class=\"button\" href=\"/s/" + escape_html(cell->claim_id) + ".ics\">Add to calendar</a>";
  out += "<a class=\"button plain\" href=\"" + day_href(cell->day) + "\">Back to the board</a>\n";
  out += "</article>\n</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace osb::web
