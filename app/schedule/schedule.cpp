#include "schedule/schedule.hpp"

#include <date/date.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <unordered_map>
#include <unordered_set>

#include "core/text.hpp"

namespace osb::schedule {

const char* to_string(Format f) { return f == Format::Json ? "schedule.json" : "schedule.xml"; }

namespace {

// [SECTION] Limits and text
// Long enough for every real export seen; a longer value is shortened (text) or refused (ids).
constexpr std::size_t kTitleMax = 200, kPersonMax = 100, kPersonsMax = 20, kRoomMax = 100, kTrackMax = 100,
                      kUrlMax = 500, kIdMax = 200;
constexpr int kJsonDepthMax = 64;

Error invalid(std::string message) { return Error{"invalid", std::move(message)}; }

// A value quoted for a message: one line, at most 40 code points.
std::string quote(std::string_view v) {
  std::string s;
  for (char c : v) s += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  if (!is_valid_utf8(s)) return "(not UTF-8)";
  const auto head = prefix_code_points(s, 40);
  return "\"" + std::string(head) + (head.size() < s.size() ? "…" : "") + "\"";
}

// Text for the board: control characters and runs of white space become one space, trimmed,
// at most `max_points` code points. Empty optional when it is not valid UTF-8.
std::optional<std::string> clean(std::string_view in, std::size_t max_points) {
  if (!is_valid_utf8(in)) return std::nullopt;
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto b = static_cast<unsigned char>(in[i]);
    std::size_t skip = 0;
    bool blank = b < 0x20 || b == 0x7f || b == ' ';
    if (b == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) <= 0x9F) blank = true, skip = 1;  // C1
    if (b == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(in[i + 2]) == 0xA8 || static_cast<unsigned char>(in[i + 2]) == 0xA9))
      blank = true, skip = 2;  // U+2028, U+2029
    if (blank) {
      space = !out.empty();
      i += skip;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += in[i];
  }
  return std::string(prefix_code_points(out, max_points));
}

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

std::string local_stamp(const LocalTime& t) { return t.day + "T" + format_hhmm(t.minute); }

// [SECTION] One event, whatever the format

// An event as read from the document, before times are worked out.
struct RawEvent {
  std::string where;  // names the event in messages
  std::string guid, id;
  std::optional<std::string> date, start, duration, room, title, track, url;
  std::vector<std::string> persons;
};

struct DayContext {
  std::string date;                // the conference day, "YYYY-MM-DD"
  std::optional<int> start_minute;  // the day's own start, venue minute of day
  std::string room;                // the room the event is listed under
};

// Field names in messages: "<duration>" for XML, "duration" for JSON.
struct Naming {
  Format format;
  std::string field(const std::string& where, const char* key) const {
    return format == Format::Xml ? where + "/" + key : where + "." + key;
  }
};

std::variant<Talk, Error> finish(const RawEvent& e, const DayContext& day, const VenueClock& venue, const Naming& n) {
  Talk t;
  t.day = day.date;
  const std::string& ident = !e.guid.empty() ? e.guid : e.id;
  if (ident.empty()) return invalid(n.field(e.where, "guid") + ": the event has neither a guid nor an id.");
  if (ident.size() > kIdMax || !is_valid_utf8(ident))
    return invalid(n.field(e.where, e.guid.empty() ? "id" : "guid") + ": " + quote(ident) + " is not a usable identity (at most 200 bytes of UTF-8).");
  t.id = ident;

  VenueClock::TimePoint begin;
  if (e.date && !trim(*e.date).empty()) {
    const auto tp = parse_datetime(trim(*e.date), venue);
    if (!tp) return invalid(n.field(e.where, "date") + ": " + quote(*e.date) + " is not an ISO 8601 date and time.");
    begin = *tp;
  } else if (e.start) {
    // Old exports: the day's date plus start; before the day's own start it is past midnight.
    std::string s = trim(*e.start);
    if (s.size() == 4 && s[1] == ':') s = "0" + s;
    const auto minute = parse_hhmm(s);
    if (!minute) return invalid(n.field(e.where, "start") + ": " + quote(*e.start) + " is not a time HH:MM.");
    const bool next_day = day.start_minute && *minute < *day.start_minute;
    begin = venue.to_utc(next_day ? add_days(day.date, 1) : day.date, *minute);
  } else {
    return invalid(n.field(e.where, "date") + ": the event has no date.");
  }
  if (!e.duration) return invalid(n.field(e.where, "duration") + ": the event has no duration.");
  const auto minutes = parse_duration(trim(*e.duration));
  if (!minutes) return invalid(n.field(e.where, "duration") + ": " + quote(*e.duration) + " is not a duration H:MM, HH:MM or D:HH:MM.");
  t.start = local_stamp(venue.local(begin));
  t.end = local_stamp(venue.local(begin + std::chrono::minutes{*minutes}));

  if (!e.title) return invalid(n.field(e.where, "title") + ": the event has no title.");
  struct Field {
    const std::optional<std::string>* in;
    std::string* out;
    std::size_t max;
    const char* key;
  };
  std::optional<std::string> room = e.room && !trim(*e.room).empty() ? e.room : std::optional<std::string>(day.room);
  for (const Field& f : {Field{&e.title, &t.title, kTitleMax, "title"}, Field{&room, &t.room, kRoomMax, "room"},
                         Field{&e.track, &t.track, kTrackMax, "track"}, Field{&e.url, &t.url, kUrlMax, "url"}}) {
    if (!*f.in) continue;
    auto v = clean(**f.in, f.max);
    if (!v) return invalid(n.field(e.where, f.key) + ": the text is not valid UTF-8.");
    *f.out = std::move(*v);
  }
  if (t.room.empty()) return invalid(n.field(e.where, "room") + ": the event has no room.");
  for (const auto& p : e.persons) {
    auto v = clean(p, kPersonMax);
    if (!v) return invalid(n.field(e.where, "persons") + ": a name is not valid UTF-8.");
    if (!v->empty() && t.persons.size() < kPersonsMax) t.persons.push_back(std::move(*v));
  }
  return t;
}

// Identities listed twice in one document become "id#2", "id#3", ... (stable across imports;
// skipping any that the document itself uses).
class Identities {
 public:
  void assign(Talk& t) {
    if (used_.insert(t.id).second) return;
    int& n = next_[t.id];
    if (n < 2) n = 2;
    std::string candidate;
    do candidate = t.id + "#" + std::to_string(n++);
    while (!used_.insert(candidate).second);
    t.id = std::move(candidate);
  }

 private:
  std::unordered_set<std::string> used_;
  std::unordered_map<std::string, int> next_;
};

// [SECTION] schedule.xml (frab, pretalx, pentabarf-like)

// The character data directly inside an element (its PCDATA and CDATA children).
std::string text_of(const pugi::xml_node& node) {
  std::string s;
  for (auto c : node.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) s += c.value();
  return s;
}

std::string xml_where(const std::string& parent, const pugi::xml_node& node, const char* attr) {
  std::string s = parent + "/" + node.name();
  const auto a = node.attribute(attr);
  if (a) s += "[@" + std::string(attr) + "=" + quote(a.value()) + "]";
  return s;
}

RawEvent read_xml_event(const pugi::xml_node& ev, const std::string& where) {
  RawEvent e;
  e.where = where;
  if (auto a = ev.attribute("guid")) e.guid = trim(a.value());
  if (auto a = ev.attribute("id")) e.id = trim(a.value());
  // Direct children only, in any order; the first of a repeated element counts.
  for (auto c : ev.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string name = c.name();
    auto set = [&](std::optional<std::string>& field) {
      if (!field) field = text_of(c);
    };
    if (name == "date") set(e.date);
    else if (name == "start") set(e.start);
    else if (name == "duration") set(e.duration);
    else if (name == "room") set(e.room);
    else if (name == "title") set(e.title);
    else if (name == "track") set(e.track);
    else if (name == "url") set(e.url);
    else if (name == "guid" && e.guid.empty()) e.guid = trim(text_of(c));
    else if (name == "id" && e.id.empty()) e.id = trim(text_of(c));
    else if (name == "persons" && e.persons.empty()) {
      for (auto p : c.children("person")) {
        std::string who = trim(text_of(p));
        if (who.empty()) who = trim(text_of(p.child("public_name")));
        if (who.empty()) who = trim(text_of(p.child("name")));
        if (who.empty()) who = trim(p.attribute("name").value());
        e.persons.push_back(who);
      }
    }
  }
  return e;
}

std::variant<Parsed, Error> parse_xml(std::string_view doc, const VenueClock& venue) {
  pugi::xml_document d;
  // parse_default: no DTD, no custom entities, nothing fetched; the five XML entities and
  // character references are decoded.
  const auto r = d.load_buffer(doc.data(), doc.size(), pugi::parse_default, pugi::encoding_auto);
  if (!r)
    return invalid("schedule.xml is not well-formed XML at byte " + std::to_string(r.offset) + ": " + r.description() + ".");
  const auto root = d.document_element();
  if (std::string(root.name()) != "schedule")
    return invalid("schedule.xml: the root element is <" + std::string(root.name()) + ">, not <schedule>.");
  Parsed out;
  out.format = Format::Xml;
  if (auto v = clean(text_of(root.child("conference").child("title")), kTitleMax)) out.conference = *v;
  const Naming naming{Format::Xml};
  Identities ids;
  int day_no = 0;
  for (auto day : root.children("day")) {
    ++day_no;
    std::string day_where = "/schedule/day[" + std::to_string(day_no) + "]";
    DayContext ctx;
    ctx.date = trim(day.attribute("date").value());
    if (!parse_day(ctx.date))
      return invalid("schedule.xml: " + day_where + "/@date: " + quote(ctx.date) + " is not a date YYYY-MM-DD.");
    day_where = "/schedule/day[@date=\"" + ctx.date + "\"]";
    if (auto s = day.attribute("start")) {
      if (auto tp = parse_datetime(trim(s.value()), venue)) ctx.start_minute = venue.local(*tp).minute;
    }
    auto take = [&](const pugi::xml_node& ev, const std::string& parent) -> std::optional<Error> {
      const RawEvent raw = read_xml_event(ev, xml_where(parent, ev, ev.attribute("guid") ? "guid" : "id"));
      auto t = finish(raw, ctx, venue, naming);
      if (auto* e = std::get_if<Error>(&t)) return Error{e->code, "schedule.xml: " + e->message};
      ids.assign(std::get<Talk>(t));
      out.talks.push_back(std::move(std::get<Talk>(t)));
      return std::nullopt;
    };
    for (auto room : day.children("room")) {
      ctx.room = room.attribute("name").value();
      const std::string room_where = xml_where(day_where, room, "name");
      for (auto ev : room.children("event"))
        if (auto e = take(ev, room_where)) return *e;
    }
    ctx.room.clear();
    for (auto ev : day.children("event"))  // events listed straight under a day
      if (auto e = take(ev, day_where)) return *e;
  }
  return out;
}

// [SECTION] schedule.json (c3voc family: frab, pretalx, hub)

using nlohmann::json;

std::string json_key(const std::string& k) {
  bool plain = !k.empty();
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  return plain ? "." + k : "[" + quote(k) + "]";
}

// Nesting deeper than any schedule needs is refused before parsing.
bool json_too_deep(std::string_view doc) {
  int depth = 0;
  bool in_string = false, escape = false;
  for (char c : doc) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kJsonDepthMax) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// A string member (with `numbers`, an integer is written out: ids are often numbers).
// Missing or null: nullopt.
std::variant<std::optional<std::string>, Error> member_text(const json& obj, const char* key, const std::string& where,
                                                            bool numbers = false) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (it->is_string()) return std::optional<std::string>{it->get<std::string>()};
  if (numbers && it->is_number_integer()) return std::optional<std::string>{it->dump()};
  return invalid("schedule.json: " + where + "." + key + " must be a string.");
}

std::variant<RawEvent, Error> read_json_event(const json& ev, const std::string& where) {
  if (!ev.is_object()) return invalid("schedule.json: " + where + " must be an object (an event).");
  RawEvent e;
  e.where = where;
  for (const auto& [key, field] : {std::pair<const char*, std::optional<std::string>*>{"date", &e.date},
                                   {"start", &e.start},
                                   {"duration", &e.duration},
                                   {"room", &e.room},
                                   {"title", &e.title},
                                   {"url", &e.url}}) {
    auto v = member_text(ev, key, where);
    if (auto* err = std::get_if<Error>(&v)) return *err;
    *field = std::get<std::optional<std::string>>(v);
  }
  for (const auto& [key, field] : {std::pair<const char*, std::string*>{"guid", &e.guid}, {"id", &e.id}}) {
    auto v = member_text(ev, key, where, true);
    if (auto* err = std::get_if<Error>(&v)) return *err;
    if (auto s = std::get<std::optional<std::string>>(v)) *field = trim(*s);
  }
  // track: a name, null, or an object with a name (some hub exports).
  if (const auto it = ev.find("track"); it != ev.end() && !it->is_null()) {
    if (it->is_string()) e.track = it->get<std::string>();
    else if (it->is_object() && it->contains("name") && (*it)["name"].is_string()) e.track = (*it)["name"].get<std::string>();
    else return invalid("schedule.json: " + where + ".track must be a string.");
  }
  if (const auto it = ev.find("persons"); it != ev.end() && !it->is_null()) {
    if (!it->is_array()) return invalid("schedule.json: " + where + ".persons must be an array.");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& p = (*it)[i];
      std::string who;
      if (p.is_string()) {
        who = p.get<std::string>();
      } else if (p.is_object()) {
        for (const char* k : {"public_name", "name", "full_public_name"}) {
          const auto n = p.find(k);
          if (n != p.end() && n->is_string() && !trim(n->get<std::string>()).empty()) {
            who = n->get<std::string>();
            break;
          }
        }
      } else {
        return invalid("schedule.json: " + where + ".persons[" + std::to_string(i) + "] must be a name or an object.");
      }
      e.persons.push_back(who);
    }
  }
  return e;
}

std::variant<Parsed, Error> parse_json(std::string_view doc, const VenueClock& venue) {
  if (json_too_deep(doc)) return invalid("schedule.json nests deeper than 64 levels.");
  json j;
  try {
    j = json::parse(doc.begin(), doc.end());
  } catch (const json::parse_error& e) {
    return invalid("schedule.json is not valid JSON at byte " + std::to_string(e.byte) + ".");
  }
  if (!j.is_object()) return invalid("schedule.json: the document must be a JSON object.");
  const auto s = j.find("schedule");
  if (s == j.end() || !s->is_object()) return invalid("schedule.json: the key schedule is missing or not an object.");
  const auto c = s->find("conference");
  if (c == s->end() || !c->is_object())
    return invalid("schedule.json: the key schedule.conference is missing or not an object.");
  const auto days = c->find("days");
  if (days == c->end() || !days->is_array())
    return invalid("schedule.json: the key schedule.conference.days is missing or not an array.");
  Parsed out;
  out.format = Format::Json;
  if (const auto t = c->find("title"); t != c->end() && t->is_string())
    if (auto v = clean(t->get<std::string>(), kTitleMax)) out.conference = *v;
  const Naming naming{Format::Json};
  Identities ids;
  for (std::size_t d = 0; d < days->size(); ++d) {
    const json& day = (*days)[d];
    const std::string day_where = "schedule.conference.days[" + std::to_string(d) + "]";
    if (!day.is_object()) return invalid("schedule.json: " + day_where + " must be an object.");
    DayContext ctx;
    const auto date = day.find("date");
    if (date == day.end() || !date->is_string() || !parse_day(date->get<std::string>()))
      return invalid("schedule.json: " + day_where + ".date must be a date YYYY-MM-DD.");
    ctx.date = date->get<std::string>();
    if (const auto ds = day.find("day_start"); ds != day.end() && ds->is_string())
      if (auto tp = parse_datetime(ds->get<std::string>(), venue)) ctx.start_minute = venue.local(*tp).minute;
    const auto rooms = day.find("rooms");
    if (rooms == day.end() || rooms->is_null()) continue;
    if (!rooms->is_object()) return invalid("schedule.json: " + day_where + ".rooms must be an object of rooms.");
    for (const auto& [room_name, events] : rooms->items()) {
      const std::string room_where = day_where + ".rooms" + json_key(room_name);
      if (!events.is_array()) return invalid("schedule.json: " + room_where + " must be an array of events.");
      ctx.room = room_name;
      for (std::size_t i = 0; i < events.size(); ++i) {
        auto raw = read_json_event(events[i], room_where + "[" + std::to_string(i) + "]");
        if (auto* e = std::get_if<Error>(&raw)) return *e;
        auto t = finish(std::get<RawEvent>(raw), ctx, venue, naming);
        if (auto* e = std::get_if<Error>(&t)) return Error{e->code, "schedule.json: " + e->message};
        ids.assign(std::get<Talk>(t));
        out.talks.push_back(std::move(std::get<Talk>(t)));
      }
    }
  }
  return out;
}

}  // namespace

// [SECTION] Public entry points

std::optional<int> parse_duration(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == ':') {
      parts.push_back(s.substr(from, i - from));
      from = i + 1;
    }
  for (auto p : parts)
    if (!digits(p)) return std::nullopt;
  if (parts.size() == 2) {  // H:MM or HH:MM
    if (parts[0].size() > 2 || parts[1].size() != 2 || number(parts[1]) > 59) return std::nullopt;
    return number(parts[0]) * 60 + number(parts[1]);
  }
  if (parts.size() == 3) {  // D:HH:MM
    if (parts[0].size() > 2 || parts[1].size() != 2 || parts[2].size() != 2 || number(parts[1]) > 23 ||
        number(parts[2]) > 59)
      return std::nullopt;
    return number(parts[0]) * 1440 + number(parts[1]) * 60 + number(parts[2]);
  }
  return std::nullopt;
}

std::optional<VenueClock::TimePoint> parse_datetime(std::string_view s, const VenueClock& venue) {
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  const auto day = parse_day(s.substr(0, 10));
  const auto minute = parse_hhmm(s.substr(11, 5));
  if (!day || !minute) return std::nullopt;
  std::size_t i = 16;
  int second = 0;
  if (i < s.size() && s[i] == ':') {
    if (i + 3 > s.size() || !digits(s.substr(i + 1, 2))) return std::nullopt;
    second = number(s.substr(i + 1, 2));
    if (second > 60) return std::nullopt;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      const std::size_t from = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == from) return std::nullopt;
    }
  }
  if (i == s.size()) return venue.to_utc(s.substr(0, 10), *minute) + std::chrono::seconds{second};
  int offset = 0;  // minutes east of UTC
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (s[i] == '+' || s[i] == '-') {
    const int sign = s[i] == '-' ? -1 : 1;
    std::string_view rest = s.substr(i + 1);
    int h = 0, m = 0;
    if (rest.size() == 2 && digits(rest)) h = number(rest);
    else if (rest.size() == 4 && digits(rest)) h = number(rest.substr(0, 2)), m = number(rest.substr(2));
    else if (rest.size() == 5 && rest[2] == ':' && digits(rest.substr(0, 2)) && digits(rest.substr(3)))
      h = number(rest.substr(0, 2)), m = number(rest.substr(3));
    else return std::nullopt;
    if (h > 18 || m > 59) return std::nullopt;
    offset = sign * (h * 60 + m);
  } else {
    return std::nullopt;
  }
  const date::sys_days d = date::year{day->year} / date::month{static_cast<unsigned>(day->month)} /
                           date::day{static_cast<unsigned>(day->day)};
  return VenueClock::TimePoint{d} + std::chrono::minutes{*minute - offset} + std::chrono::seconds{second};
}

std::variant<Parsed, Error> parse(std::string_view document, const VenueClock& venue) {
  if (document.size() > kMaxDocument) return invalid("The schedule is larger than 8 MiB.");
  std::size_t i = 0;
  if (document.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < document.size() && (document[i] == ' ' || document[i] == '\t' || document[i] == '\r' || document[i] == '\n')) ++i;
  if (i == document.size()) return invalid("The schedule is empty.");
  if (document[i] == '<') return parse_xml(document, venue);
  if (document[i] == '{') return parse_json(document.substr(i), venue);
  return invalid("The document is neither a schedule.xml nor a schedule.json (it must start with < or {).");
}

}  // namespace osb::schedule
