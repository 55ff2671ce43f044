// Open Space Board — iCalendar and CSV exports.
//
// [SECTION] Text: escaping and folding
// [SECTION] Time: formatting instants, the zone name, VTIMEZONE from VenueClock offsets
// [SECTION] calendar()
// [SECTION] csv()
#include "web/ics.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/text.hpp"

namespace osb::ics {

namespace {
constexpr const char* kCrlf = "\r\n";
constexpr std::size_t kMaxOctets = 75;
using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;
}  // namespace

// [SECTION] Text: escaping and folding

std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\r':
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;  // CR LF is one line break
        out += "\\n";
        break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t pos = 0;
  bool first = true;
  while (true) {
    // The leading space of a continuation line counts toward its 75 octets.
    const std::size_t room = first ? kMaxOctets : kMaxOctets - 1;
    if (line.size() - pos <= room) {
      if (!first) out += ' ';
      out.append(line.substr(pos));
      out += kCrlf;
      return out;
    }
    std::size_t cut = pos + room;
    // Back up to the start of a UTF-8 sequence: continuation bytes are 10xxxxxx.
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == pos) cut = pos + room;  // not UTF-8 at all: cut anyway rather than loop
    if (!first) out += ' ';
    out.append(line.substr(pos, cut - pos));
    out += kCrlf;
    pos = cut;
    first = false;
  }
}

std::string csv_field(std::string_view s) {
  std::string out = "\"";
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    out += '\'';  // a spreadsheet would otherwise run it as a formula
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// [SECTION] Time: formatting instants, the zone name, VTIMEZONE from VenueClock offsets

namespace {

// "YYYYMMDDTHHMMSS" of the wall clock `offset` seconds away from UTC at t.
std::string ics_datetime(TimePoint t, long offset) {
  const auto secs = std::chrono::floor<Seconds>(t) + Seconds{offset};
  const auto days = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{days};
  const int rem = static_cast<int>((secs - days).count());  // 0..86399
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                rem / 3600, rem / 60 % 60, rem % 60);
  return buf;
}

std::string utc_datetime(TimePoint t) { return ics_datetime(t, 0) + "Z"; }

// "+0100", "-0500", "+053730" (seconds only when there are some).
std::string utc_offset(long offset) {
  const char sign = offset < 0 ? '-' : '+';
  const long a = offset < 0 ? -offset : offset;
  char buf[64];
  if (a % 60)
    std::snprintf(buf, sizeof buf, "%c%02ld%02ld%02ld", sign, a / 3600, a / 60 % 60, a % 60);
  else
    std::snprintf(buf, sizeof buf, "%c%02ld%02ld", sign, a / 3600, a / 60 % 60);
  return buf;
}

// A zone name is only worth writing when it looks like an IANA name.
bool plausible_zone(const std::string& z) {
  if (z.empty() || z.size() > 64) return false;
  return std::all_of(z.begin(), z.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
           c == '+';
  });
}

std::string machine_zone_name() {
  if (const char* tz = std::getenv("TZ"); tz && *tz) {
    std::string z = tz[0] == ':' ? tz + 1 : tz;
    // TZ may be a path into the zoneinfo tree.
    if (const auto at = z.find("zoneinfo/"); at != std::string::npos) z = z.substr(at + 9);
    return plausible_zone(z) ? z : std::string();
  }
  if (std::ifstream in("/etc/timezone"); in) {
    std::string z;
    std::getline(in, z);
    while (!z.empty() && (z.back() == ' ' || z.back() == '\r')) z.pop_back();
    if (plausible_zone(z)) return z;
  }
  std::error_code ec;
  const auto link = std::filesystem::read_symlink("/etc/localtime", ec);
  if (!ec) {
    const std::string p = link.string();
    if (const auto at = p.find("zoneinfo/"); at != std::string::npos) {
      const std::string z = p.substr(at + 9);
      if (plausible_zone(z)) return z;
    }
  }
  return {};
}

struct Period {
  TimePoint start;  // UTC instant this offset begins (the window start for the first one)
  long from = 0;
  long to = 0;
};

// The offsets in force over [begin, end), found by sampling every hour and bisecting each change
// down to the second. Offsets come from VenueClock, so they match the times we write.
std::vector<Period> offset_periods(const VenueClock& clock, TimePoint begin, TimePoint end) {
  std::vector<Period> out;
  long current = clock.utc_offset_seconds(begin);
  out.push_back({begin, current, current});
  for (TimePoint t = begin; t < end;) {
    const TimePoint next = t + std::chrono::hours{1};
    const long o = clock.utc_offset_seconds(next);
    if (o != current) {
      TimePoint lo = t, hi = next;  // offset(lo) == current, offset(hi) == o
      while (hi - lo > Seconds{1}) {
        const TimePoint mid = lo + std::chrono::floor<Seconds>((hi - lo) / 2);
        (clock.utc_offset_seconds(mid) == current ? lo : hi) = mid;
      }
      out.push_back({hi, current, o});
      current = o;
    }
    t = next;
  }
  return out;
}

std::string vtimezone(const std::string& zone, const VenueClock& clock, TimePoint begin, TimePoint end) {
  const auto periods = offset_periods(clock, begin, end);
  std::string out = "BEGIN:VTIMEZONE\r\n" + fold_line("TZID:" + zone);
  for (std::size_t i = 0; i < periods.size(); ++i) {
    const Period& p = periods[i];
    bool daylight;
    if (i == 0) {
      // No transition to judge by: daylight time is the larger offset of the year.
      const long half_year = clock.utc_offset_seconds(p.start + std::chrono::hours{24 * 182});
      daylight = p.to > half_year;
    } else {
      daylight = p.to > p.from;
    }
    const char* kind = daylight ? "DAYLIGHT" : "STANDARD";
    out += std::string("BEGIN:") + kind + kCrlf;
    // DTSTART of a sub-component is the wall-clock time in the offset it replaces.
    out += "DTSTART:" + ics_datetime(p.start, p.from) + kCrlf;
    out += "TZOFFSETFROM:" + utc_offset(p.from) + kCrlf;
    out += "TZOFFSETTO:" + utc_offset(p.to) + kCrlf;
    out += std::string("END:") + kind + kCrlf;
  }
  out += "END:VTIMEZONE\r\n";
  return out;
}

// TZID parameter values containing : ; or , must be quoted (RFC 5545 3.2).
std::string param_value(const std::string& v) {
  if (v.find_first_of(":;,") == std::string::npos) return v;
  return "\"" + v + "\"";
}

// Claimed cells in a stable order (day, start, then the event's room order), so the same board
// always gives the same file. `need_claim_id`: leave out cells without a claim_id (no stable UID).
std::vector<const Cell*> sorted_claimed(const Event& event, const std::vector<Cell>& claimed, bool need_claim_id) {
  std::vector<const Cell*> cells;
  for (const auto& c : claimed)
    if (c.state == CellState::Claimed && (!need_claim_id || !c.claim_id.empty())) cells.push_back(&c);
  auto room_index = [&](const std::string& id) {
    for (std::size_t i = 0; i < event.rooms.size(); ++i)
      if (event.rooms[i].id == id) return i;
    return event.rooms.size();
  };
  std::stable_sort(cells.begin(), cells.end(), [&](const Cell* a, const Cell* b) {
    if (a->day != b->day) return a->day < b->day;
    if (a->start != b->start) return a->start < b->start;
    return room_index(a->room) < room_index(b->room);
  });
  return cells;
}

}  // namespace

std::string calendar_zone_name(const Event& event) {
  if (!event.timezone.empty()) return event.timezone;
  return machine_zone_name();
}

// [SECTION] calendar()

std::string calendar(const Event& event, const std::vector<Cell>& claimed, const VenueClock& clock,
                     const std::string& base_url) {
  return calendar(event, claimed, clock, base_url, std::chrono::system_clock::now());
}

std::string calendar(const Event& event, const std::vector<Cell>& claimed, const VenueClock& clock,
                     const std::string& base_url, TimePoint dtstamp) {
  return calendar(event, claimed, {}, clock, base_url, dtstamp);
}

namespace {

const std::vector<Talk> kNoTalks;
const std::vector<Sheet> kNoSheets;
const std::vector<Group> kNoGroups;

std::string write_calendar(const Event& event, const std::vector<Cell>& claimed, const std::vector<Talk>& talks,
                           const std::vector<Sheet>& sheets_in, const std::vector<Group>& groups_in, const VenueClock& clock,
                           const std::string& base_url, TimePoint dtstamp) {
  const std::string zone = calendar_zone_name(event);
  std::string out;
  out += "BEGIN:VCALENDAR\r\n";
  out += "VERSION:2.0\r\n";
  out += "PRODID:-//Open Space Board//Open Space Board " OPENSPACE_VERSION "//EN\r\n";
  out += "CALSCALE:GREGORIAN\r\n";
  out += "METHOD:PUBLISH\r\n";
  out += fold_line("X-WR-CALNAME:" + escape_text(event.name));
  if (!zone.empty()) out += fold_line("X-WR-TIMEZONE:" + zone);

  if (!zone.empty() && !event.days.empty()) {
    // Cover the event from the day before the first day to the day after the last, so every
    // session time (and the transitions around it) has its offset stated.
    const TimePoint begin = clock.to_utc(add_days(event.days.front(), -1), 0);
    const TimePoint end = clock.to_utc(add_days(event.days.back(), 2), 0);
    out += vtimezone(zone, clock, begin, end);
  }

  // Stable order, so the same board always gives the same file (apart from DTSTAMP).
  const std::vector<const Cell*> cells = sorted_claimed(event, claimed, true);

  const std::string stamp = utc_datetime(dtstamp);
  const std::string tzid = zone.empty() ? std::string() : ";TZID=" + param_value(zone);
  for (const Cell* c : cells) {
    const auto start = parse_hhmm(c->start);
    const auto end = parse_hhmm(c->end);
    if (!start || !end || !parse_day(c->day)) continue;  // not a well-formed cell: nothing to say
    auto when = [&](int minute) {
      const TimePoint t = clock.to_utc(c->day, minute);
      if (zone.empty()) return ":" + utc_datetime(t);
      return tzid + ":" + ics_datetime(t, clock.utc_offset_seconds(t));
    };
    out += "BEGIN:VEVENT\r\n";
    out += fold_line("UID:" + c->claim_id + "@openspace-board");
    out += "DTSTAMP:" + stamp + kCrlf;
    out += fold_line("DTSTART" + when(*start));
    out += fold_line("DTEND" + when(*end));
    out += fold_line("SUMMARY:" + escape_text(c->title));
    std::string description = "Host: " + c->host;
    if (!c->description.empty()) description += "\n\n" + c->description;
    out += fold_line("DESCRIPTION:" + escape_text(description));
    if (const Room* room = event.find_room(c->room)) {
      std::string location = room->name;
      if (!room->where.empty()) location += ", " + room->where;
      out += fold_line("LOCATION:" + escape_text(location));
    } else {
      out += fold_line("LOCATION:" + escape_text(c->room));
    }
    if (!base_url.empty()) {
      std::string base = base_url;
      while (!base.empty() && base.back() == '/') base.pop_back();
      out += fold_line("URL:" + base + "/s/" + c->claim_id);
    }
    out += "END:VEVENT\r\n";
  }

  // Lightning sheets and evening groups: instants from the day and minute, so an end after
  // midnight lands on the next day with that day's offset.
  auto when_at = [&](TimePoint tp) {
    if (zone.empty()) return ":" + utc_datetime(tp);
    return tzid + ":" + ics_datetime(tp, clock.utc_offset_seconds(tp));
  };
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  // The board page of that day, at its lightning or evening section.
  auto day_url = [&](const std::string& day, const char* anchor) {
    if (!base.empty()) out += fold_line("URL:" + base + "/?day=" + day + "#" + anchor);
  };

  std::vector<const Sheet*> sheets;
  for (const auto& sh : sheets_in) sheets.push_back(&sh);
  std::stable_sort(sheets.begin(), sheets.end(), [](const Sheet* a, const Sheet* b) {
    return a->day != b->day ? a->day < b->day : a->start < b->start;
  });
  for (const Sheet* sh : sheets) {
    const auto start = parse_hhmm(sh->start);
    if (!start || !parse_day(sh->day) || sh->talks <= 0 || sh->minutes < 0) continue;
    const TimePoint begin = clock.to_utc(sh->day, *start);
    std::vector<const LightningSignup*> lineup;
    for (const auto& x : sh->signups) lineup.push_back(&x);
    std::stable_sort(lineup.begin(), lineup.end(), [](auto* a, auto* b) { return a->position < b->position; });
    std::string description;
    for (std::size_t i = 0; i < lineup.size(); ++i)
      description += (i ? "\n" : "") + std::to_string(i + 1) + " · " + format_hhmm((*start + static_cast<int>(i) * sh->minutes) % 1440) +
                     " · " + lineup[i]->title + " — " + lineup[i]->speaker;
    if (lineup.empty()) description = "No talks signed up yet.";
    description += "\n\n" + std::to_string(sh->talks) + (sh->talks == 1 ? " talk" : " talks") + " of " +
                   std::to_string(sh->minutes) + (sh->minutes == 1 ? " minute" : " minutes") + " · ";
    if (sh->full())
      description += "Full: all " + std::to_string(sh->talks) + " places are taken.";
    else
      description += std::to_string(lineup.size()) + " of " + std::to_string(sh->talks) +
                     " places taken · sign up at any board until " + sh->closes + ".";
    out += "BEGIN:VEVENT\r\n";
    out += fold_line("UID:lightning-" + sh->day + "-" + sh->start.substr(0, 2) + sh->start.substr(3, 2) + "@openspace-board");
    out += "DTSTAMP:" + stamp + kCrlf;
    out += fold_line("DTSTART" + when_at(begin));
    out += fold_line("DTEND" + when_at(begin + std::chrono::minutes{sh->talks * sh->minutes}));
    out += fold_line("SUMMARY:Lightning talks");
    out += fold_line("DESCRIPTION:" + escape_text(description));
    day_url(sh->day, "lightning");
    out += "END:VEVENT\r\n";
  }

  std::vector<const Group*> groups;
  for (const auto& g : groups_in)
    if (!g.removed && !g.group_id.empty()) groups.push_back(&g);
  std::stable_sort(groups.begin(), groups.end(), [](const Group* a, const Group* b) {
    if (a->day != b->day) return a->day < b->day;
    if (a->time != b->time) return a->time < b->time;
    if (a->title != b->title) return a->title < b->title;
    return a->group_id < b->group_id;
  });
  for (const Group* g : groups) {
    const auto time = parse_hhmm(g->time);
    if (!time || !parse_day(g->day)) continue;
    const TimePoint begin = clock.to_utc(g->day, *time);
    std::string description = std::to_string(g->joined) + " of " + std::to_string(g->seats) + " going · by " + g->host;
    if (!g->continues.empty())
      for (const auto& c : claimed)
        if (c.state == CellState::Claimed && c.claim_id == g->continues) {
          description += "\nContinues “" + c.title + "”";
          break;
        }
    description += g->full() ? "\nFull." : "\nJoin at any board.";
    out += "BEGIN:VEVENT\r\n";
    out += fold_line("UID:group-" + escape_text(g->group_id) + "@openspace-board");
    out += "DTSTAMP:" + stamp + kCrlf;
    out += fold_line("DTSTART" + when_at(begin));
    out += fold_line("DTEND" + when_at(begin + std::chrono::minutes{kGroupMinutes}));
    out += fold_line("SUMMARY:" + escape_text(g->title));
    out += fold_line("DESCRIPTION:" + escape_text(description));
    out += fold_line("LOCATION:" + escape_text(g->where));
    day_url(g->day, "tonight");
    out += "END:VEVENT\r\n";
  }

  // Talks (already in start order from the node). Venue-local "YYYY-MM-DDTHH:MM" -> the instant.
  auto talk_instant = [&](const std::string& local) -> std::optional<TimePoint> {
    if (local.size() != 16 || local[10] != 'T' || !parse_day(local.substr(0, 10))) return std::nullopt;
    const auto minute = parse_hhmm(local.substr(11));
    if (!minute) return std::nullopt;
    return clock.to_utc(local.substr(0, 10), *minute);
  };
  for (const Talk& t : talks) {
    const auto start = talk_instant(t.start), end = talk_instant(t.end);
    if (!start || !end || t.id.empty()) continue;
    auto when = [&](TimePoint tp) {
      if (zone.empty()) return ":" + utc_datetime(tp);
      return tzid + ":" + ics_datetime(tp, clock.utc_offset_seconds(tp));
    };
    out += "BEGIN:VEVENT\r\n";
    out += fold_line("UID:talk-" + escape_text(t.id) + "@openspace-board");
    out += "DTSTAMP:" + stamp + kCrlf;
    out += fold_line("DTSTART" + when(*start));
    out += fold_line("DTEND" + when(*end));
    out += fold_line("SUMMARY:" + escape_text(t.title));
    std::string description = "Talk";
    if (!t.persons.empty()) {
      description += " by ";
      for (std::size_t i = 0; i < t.persons.size(); ++i) description += (i ? ", " : "") + t.persons[i];
    }
    if (!t.track.empty()) description += "\nTrack: " + t.track;
    out += fold_line("DESCRIPTION:" + escape_text(description));
    out += fold_line("LOCATION:" + escape_text(t.room));
    if (t.state == TalkState::Cancelled) out += "STATUS:CANCELLED\r\n";
    // A URL value is not escaped: only well-formed http(s) addresses without spaces go in.
    const bool url_ok = (t.url.rfind("http://", 0) == 0 || t.url.rfind("https://", 0) == 0) &&
                        t.url.find_first_of(" \t\r\n\"<>\\") == std::string::npos;
    if (url_ok) out += fold_line("URL:" + t.url);
    out += "END:VEVENT\r\n";
  }
  out += "END:VCALENDAR\r\n";
  return out;
}

}  // namespace

std::string calendar(const Event& event, const std::vector<Cell>& claimed, const std::vector<Talk>& talks,
                     const VenueClock& clock, const std::string& base_url, TimePoint dtstamp) {
  return write_calendar(event, claimed, talks, kNoSheets, kNoGroups, clock, base_url, dtstamp);
}

std::string calendar(const Board& board, const CalendarParts& parts, const VenueClock& clock, const std::string& base_url,
                     TimePoint dtstamp) {
  return write_calendar(board.event, board.cells, parts.talks ? board.talks : kNoTalks,
                        parts.lightning ? board.lightning : kNoSheets, parts.groups ? board.groups : kNoGroups, clock,
                        base_url, dtstamp);
}

// [SECTION] csv()

std::string csv(const Event& event, const std::vector<Cell>& claimed) {
  // The BOM makes spreadsheet programs read the file as UTF-8 instead of a legacy code page.
  std::string out = "\xEF\xBB\xBF";
  const char* header[] = {"day", "start", "end", "room", "room_name", "where", "title", "host", "description", "claim_id"};
  for (std::size_t i = 0; i < std::size(header); ++i) out += (i ? "," : "") + csv_field(header[i]);
  out += kCrlf;

  const std::vector<const Cell*> cells = sorted_claimed(event, claimed, false);
  for (const Cell* c : cells) {
    const Room* room = event.find_room(c->room);
    const std::string fields[] = {c->day,  c->start, c->end, c->room, room ? room->name : "", room ? room->where : "",
                                  c->title, c->host,  c->description, c->claim_id};
    for (std::size_t i = 0; i < std::size(fields); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += kCrlf;
  }
  return out;
}

}  // namespace osb::ics
