#include "codec/codec.hpp"

#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/text.hpp"
#include "core/time.hpp"

namespace osb::json {

// [SECTION] Encoding

json encode(const Cell& c) {
  json j = {{"day", c.day}, {"room", c.room}, {"start", c.start}, {"end", c.end}, {"state", to_string(c.state)}};
  if (c.state == CellState::Claimed) {
    j["title"] = c.title;
    j["host"] = c.host;
    j["description"] = c.description;
    j["claim_id"] = c.claim_id;
    j["interest"] = c.interest;
    if (!c.moved_from_room.empty()) j["moved_from"] = {{"room", c.moved_from_room}, {"start", c.moved_from_start}};
  } else if (c.state == CellState::Blocked) {
    j["label"] = c.label;
  }
  if (c.state == CellState::Open && !c.moved_to_room.empty())
    j["moved_to"] = {{"room", c.moved_to_room}, {"start", c.moved_to_start}};
  j["seq"] = c.seq;
  return j;
}

json encode(const Event& e) {
  json j = {{"name", e.name}, {"days", e.days}};
  if (!e.timezone.empty()) j["timezone"] = e.timezone;
  if (!e.backchannel.empty()) j["backchannel"] = e.backchannel;
  return j;
}

json encode(const Room& r) {
  json j = {{"id", r.id}, {"name", r.name}, {"where", r.where}};
  if (r.capacity > 0) j["capacity"] = r.capacity;
  return j;
}

json encode(const std::optional<Announcement>& a) {
  if (!a) return nullptr;
  return {{"text", a->text}, {"until", a->until.empty() ? json(nullptr) : json(a->until)}};
}

json encode(const Board& b) {
  json rooms = json::array(), slots = json::array(), cells = json::array();
  for (const auto& r : b.event.rooms) rooms.push_back(encode(r));
  for (const auto& s : b.event.slots) slots.push_back({{"start", format_hhmm(s.start)}, {"end", format_hhmm(s.end)}});
  for (const auto& c : b.cells) cells.push_back(encode(c));
  json talks = json::array();
  for (const auto& t : b.talks) talks.push_back(encode(t));
  json lightning = json::array(), groups = json::array();
  for (const auto& s : b.lightning) lightning.push_back(encode(s));
  for (const auto& g : b.groups) groups.push_back(encode(g));
  return {{"epoch", b.epoch}, {"seq", b.seq},           {"event", encode(b.event)},
          {"rooms", rooms},   {"slots", slots},         {"cells", cells},
          {"announcement", encode(b.announcement)}, {"talks", talks},
          {"lightning", lightning}, {"groups", groups}};
}

json encode(const Changes& c) {
  json cells = json::array();
  for (const auto& cell : c.cells) cells.push_back(encode(cell));
  json talks = json::array();
  for (const auto& t : c.talks) talks.push_back(encode(t));
  json lightning = json::array(), groups = json::array();
  for (const auto& s : c.lightning) lightning.push_back(encode(s));
  for (const auto& g : c.groups) groups.push_back(encode(g));
  return {{"epoch", c.epoch}, {"seq", c.seq}, {"cells", cells}, {"announcement", encode(c.announcement)},
          {"talks", talks}, {"lightning", lightning}, {"groups", groups}};
}

json encode(const LightningSignup& s) {
  return {{"signup_id", s.signup_id}, {"day", s.day},         {"start", s.start},
          {"title", s.title},         {"speaker", s.speaker}, {"position", s.position}};
}

json encode(const Sheet& s) {
  json signups = json::array();
  for (const auto& x : s.signups) signups.push_back(encode(x));
  return {{"day", s.day},         {"start", s.start},   {"talks", s.talks}, {"minutes", s.minutes},
          {"closes", s.closes},   {"signups", signups}, {"seq", s.seq}};
}

json encode(const Group& g) {
  json j = {{"group_id", g.group_id}, {"day", g.day},     {"time", g.time},   {"title", g.title},
            {"where", g.where},       {"seats", g.seats}, {"host", g.host},   {"joined", g.joined},
            {"seq", g.seq}};
  if (!g.continues.empty()) j["continues"] = g.continues;
  if (g.removed) j["removed"] = true;
  return j;
}

json encode(const ArchivedSignup& a) {
  json j = encode(a.signup);
  j["reason"] = a.reason;
  j["at"] = a.at;
  return j;
}

json encode(const ArchivedGroup& a) {
  json j = encode(a.group);
  j.erase("removed");
  j["reason"] = a.reason;
  j["at"] = a.at;
  return j;
}

json encode(const Talk& t) {
  return {{"id", t.id},       {"day", t.day},     {"start", t.start},   {"end", t.end},
          {"room", t.room},   {"title", t.title}, {"persons", t.persons}, {"track", t.track},
          {"url", t.url},     {"state", to_string(t.state)}, {"seq", t.seq}};
}

json encode(const ScheduleImport& i) {
  return {{"at", i.at},           {"source", i.source},       {"talks", i.talks},
          {"added", i.added},     {"updated", i.updated},     {"cancelled", i.cancelled},
          {"unchanged", i.unchanged}, {"seq", i.seq}};
}

json encode(const ArchivedClaim& a) {
  return {{"claim_id", a.claim.claim_id}, {"day", a.claim.day},     {"room", a.claim.room},
          {"start", a.claim.start},       {"title", a.claim.title}, {"host", a.claim.host},
          {"description", a.claim.description}, {"reason", a.reason}, {"at", a.at}};
}

json error_body(const Error& e) { return {{"error", e.code}, {"message", e.message}}; }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// [SECTION] Decoding request bodies

namespace {
Error invalid(std::string msg) { return Error{"invalid", std::move(msg)}; }

// Reads a string member; missing is allowed when `required` is false.
std::optional<Error> get_string(const json& j, const char* key, bool required, std::string& out) {
  const auto it = j.find(key);
  if (it == j.end() || (it->is_null() && !required)) {
    if (required) return invalid(std::string(key) + " is missing.");
    return std::nullopt;
  }
  if (!it->is_string()) return invalid(std::string(key) + " must be a string.");
  out = it->get<std::string>();
  return std::nullopt;
}
}  // namespace

Decoded<json> parse_object(std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return invalid("The body is not valid JSON.");
  if (!j.is_object()) return invalid("The body must be a JSON object.");
  return j;
}

Decoded<Claim> decode_claim_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  Claim c;
  if (auto e = get_string(j, "claim_id", true, c.claim_id)) return *e;
  if (auto e = get_string(j, "day", true, c.day)) return *e;
  if (auto e = get_string(j, "room", true, c.room)) return *e;
  if (auto e = get_string(j, "start", true, c.start)) return *e;
  if (auto e = get_string(j, "title", true, c.title)) return *e;
  if (auto e = get_string(j, "host", true, c.host)) return *e;
  if (auto e = get_string(j, "description", false, c.description)) return *e;
  if (auto e = normalize_claim(c)) return *e;
  return c;
}

Decoded<std::string> decode_pin_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  std::string pin;
  if (auto e = get_string(std::get<json>(parsed), "pin", true, pin)) return *e;
  if (pin.empty() || pin.size() > 64) return invalid("pin must be 1 to 64 characters.");
  return pin;
}

Decoded<std::string> decode_block_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  std::string label;
  if (auto e = get_string(std::get<json>(parsed), "label", true, label)) return *e;
  if (auto e = normalize_label(label)) return *e;
  return label;
}

Decoded<Announcement> decode_announcement_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  Announcement a;
  if (auto e = get_string(j, "text", true, a.text)) return *e;
  if (auto e = get_string(j, "until", false, a.until)) return *e;
  if (auto e = normalize_announcement(a)) return *e;
  return a;
}

Decoded<LightningSignup> decode_signup_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  LightningSignup s;
  if (auto e = get_string(j, "signup_id", true, s.signup_id)) return *e;
  if (auto e = get_string(j, "day", true, s.day)) return *e;
  if (auto e = get_string(j, "start", true, s.start)) return *e;
  if (auto e = get_string(j, "title", true, s.title)) return *e;
  if (auto e = get_string(j, "speaker", true, s.speaker)) return *e;
  if (auto e = normalize_signup(s)) return *e;
  return s;
}

Decoded<Group> decode_group_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  Group g;
  if (auto e = get_string(j, "group_id", true, g.group_id)) return *e;
  if (auto e = get_string(j, "day", true, g.day)) return *e;
  if (auto e = get_string(j, "time", true, g.time)) return *e;
  if (auto e = get_string(j, "title", true, g.title)) return *e;
  if (auto e = get_string(j, "where", true, g.where)) return *e;
  if (auto e = get_string(j, "host", true, g.host)) return *e;
  if (auto e = get_string(j, "continues", false, g.continues)) return *e;
  const auto seats = j.find("seats");
  if (seats == j.end()) return invalid("seats is missing.");
  if (!seats->is_number_integer()) return invalid("seats must be a whole number from 2 to 40.");
  const auto n = seats->get<long long>();
  if (n < kSeatsMin || n > kSeatsMax) return invalid("seats must be a whole number from 2 to 40.");
  g.seats = static_cast<int>(n);
  if (auto e = normalize_group(g)) return *e;
  return g;
}

Decoded<std::string> decode_id_request(std::string_view body, const char* field) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  std::string id;
  if (auto e = get_string(std::get<json>(parsed), field, true, id)) return *e;
  if (!is_valid_claim_id(id)) return invalid(std::string(field) + " must be 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'.");
  return id;
}

Decoded<CellKey> decode_move_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  CellKey k;
  if (auto e = get_string(j, "day", true, k.day)) return *e;
  if (auto e = get_string(j, "room", true, k.room)) return *e;
  if (auto e = get_string(j, "start", true, k.start)) return *e;
  for (const std::string* f : {&k.day, &k.room, &k.start})
    if (f->empty() || f->size() > 64 || !is_valid_utf8(*f) || has_control_character(*f))
      return invalid("day, room and start must be plain text.");
  return k;
}

Decoded<std::vector<std::string>> decode_order_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  const auto it = j.find("order");
  if (it == j.end()) return invalid("order is missing.");
  if (!it->is_array() || it->size() > 200) return invalid("order must be a list of signup_id.");
  std::vector<std::string> out;
  for (const auto& x : *it) {
    if (!x.is_string() || !is_valid_claim_id(x.get<std::string>())) return invalid("order must be a list of signup_id.");
    out.push_back(x.get<std::string>());
  }
  return out;
}

// [SECTION] Decoding node answers

namespace {
Error bad(std::string msg) { return Error{"bad_answer", "The node sent an unexpected answer: " + msg}; }

template <class T>
bool read(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end()) return false;
  if constexpr (std::is_integral_v<T>) {
    // Only JSON integers that fit: converting 6.7e90 or 2^64-1 to an integer is undefined.
    if (!it->is_number_integer()) return false;
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
      return false;
  }
  try {
    out = it->get<T>();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

Decoded<std::optional<Announcement>> decode_announcement(const json& j) {
  const auto it = j.find("announcement");
  if (it == j.end() || it->is_null()) return std::optional<Announcement>{};
  if (!it->is_object()) return bad("announcement is not an object");
  Announcement a;
  if (!read(*it, "text", a.text)) return bad("announcement.text");
  const auto u = it->find("until");
  if (u != it->end() && u->is_string()) a.until = u->get<std::string>();
  return std::optional<Announcement>{a};
}

Decoded<json> parse_answer(std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  return j;
}
}  // namespace

Decoded<Cell> decode_cell(const json& j) {
  if (!j.is_object()) return bad("a cell is not an object");
  Cell c;
  std::string state;
  if (!read(j, "day", c.day) || !read(j, "room", c.room) || !read(j, "start", c.start) || !read(j, "end", c.end) ||
      !read(j, "state", state) || !read(j, "seq", c.seq))
    return bad("a cell lacks day, room, start, end, state or seq");
  const auto s = cell_state_from_string(state);
  if (!s) return bad("unknown cell state " + state);
  c.state = *s;
  read(j, "title", c.title);
  read(j, "host", c.host);
  read(j, "description", c.description);
  read(j, "claim_id", c.claim_id);
  read(j, "label", c.label);
  read(j, "interest", c.interest);
  if (const auto m = j.find("moved_from"); m != j.end() && m->is_object()) {
    read(*m, "room", c.moved_from_room);
    read(*m, "start", c.moved_from_start);
  }
  if (const auto m = j.find("moved_to"); m != j.end() && m->is_object()) {
    read(*m, "room", c.moved_to_room);
    read(*m, "start", c.moved_to_start);
  }
  return c;
}

Decoded<LightningSignup> decode_signup(const json& j) {
  if (!j.is_object()) return bad("a signup is not an object");
  LightningSignup s;
  if (!read(j, "signup_id", s.signup_id) || !read(j, "day", s.day) || !read(j, "start", s.start) ||
      !read(j, "title", s.title) || !read(j, "speaker", s.speaker) || !read(j, "position", s.position))
    return bad("a signup lacks signup_id, day, start, title, speaker or position");
  return s;
}

Decoded<Sheet> decode_sheet(const json& j) {
  if (!j.is_object()) return bad("a lightning sheet is not an object");
  Sheet s;
  if (!read(j, "day", s.day) || !read(j, "start", s.start) || !read(j, "talks", s.talks) ||
      !read(j, "minutes", s.minutes) || !read(j, "closes", s.closes) || !read(j, "seq", s.seq))
    return bad("a lightning sheet lacks day, start, talks, minutes, closes or seq");
  const auto it = j.find("signups");
  if (it == j.end() || !it->is_array()) return bad("a lightning sheet lacks signups");
  for (const auto& x : *it) {
    auto d = decode_signup(x);
    if (auto* e = std::get_if<Error>(&d)) return *e;
    s.signups.push_back(std::move(std::get<LightningSignup>(d)));
  }
  return s;
}

Decoded<Group> decode_group(const json& j) {
  if (!j.is_object()) return bad("a group is not an object");
  Group g;
  if (!read(j, "group_id", g.group_id) || !read(j, "day", g.day) || !read(j, "time", g.time) ||
      !read(j, "title", g.title) || !read(j, "seats", g.seats) || !read(j, "joined", g.joined) || !read(j, "seq", g.seq))
    return bad("a group lacks group_id, day, time, title, seats, joined or seq");
  read(j, "where", g.where);
  read(j, "host", g.host);
  read(j, "continues", g.continues);
  if (const auto r = j.find("removed"); r != j.end() && r->is_boolean()) g.removed = r->get<bool>();
  return g;
}

Decoded<Talk> decode_talk(const json& j) {
  if (!j.is_object()) return bad("a talk is not an object");
  Talk t;
  std::string state;
  if (!read(j, "id", t.id) || !read(j, "day", t.day) || !read(j, "start", t.start) || !read(j, "end", t.end) ||
      !read(j, "room", t.room) || !read(j, "title", t.title) || !read(j, "state", state) || !read(j, "seq", t.seq))
    return bad("a talk lacks id, day, start, end, room, title, state or seq");
  const auto s = talk_state_from_string(state);
  if (!s) return bad("unknown talk state " + state);
  t.state = *s;
  if (const auto p = j.find("persons"); p != j.end() && p->is_array())
    for (const auto& name : *p)
      if (name.is_string()) t.persons.push_back(name.get<std::string>());
  read(j, "track", t.track);
  read(j, "url", t.url);
  return t;
}

namespace {
// "lightning" and "groups" of a board or changes; a node from before them sends none.
template <class T, Decoded<T> (*F)(const json&)>
Decoded<std::vector<T>> decode_list(const json& j, const char* key) {
  std::vector<T> out;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return bad(std::string(key) + " is not an array");
  for (const auto& x : *it) {
    auto d = F(x);
    if (auto* e = std::get_if<Error>(&d)) return *e;
    out.push_back(std::move(std::get<T>(d)));
  }
  return out;
}

// "talks" of a board or changes; a node from before talks sends none.
Decoded<std::vector<Talk>> decode_talks(const json& j) {
  std::vector<Talk> out;
  const auto it = j.find("talks");
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return bad("talks is not an array");
  for (const auto& t : *it) {
    auto d = decode_talk(t);
    if (auto* e = std::get_if<Error>(&d)) return *e;
    out.push_back(std::move(std::get<Talk>(d)));
  }
  return out;
}
}  // namespace

Decoded<Board> decode_board(std::string_view body) {
  auto parsed = parse_answer(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  Board b;
  if (!read(j, "epoch", b.epoch) || !read(j, "seq", b.seq)) return bad("board lacks epoch or seq");
  const auto ev = j.find("event");
  if (ev == j.end() || !ev->is_object() || !read(*ev, "name", b.event.name) || !read(*ev, "days", b.event.days))
    return bad("board lacks event name or days");
  read(*ev, "timezone", b.event.timezone);
  read(*ev, "backchannel", b.event.backchannel);
  const auto rooms = j.find("rooms");
  const auto slots = j.find("slots");
  const auto cells = j.find("cells");
  if (rooms == j.end() || !rooms->is_array() || slots == j.end() || !slots->is_array() || cells == j.end() ||
      !cells->is_array())
    return bad("board lacks rooms, slots or cells");
  for (const auto& r : *rooms) {
    Room room;
    if (!r.is_object() || !read(r, "id", room.id)) return bad("a room lacks its id");
    read(r, "name", room.name);
    read(r, "where", room.where);
    read(r, "capacity", room.capacity);
    b.event.rooms.push_back(room);
  }
  for (const auto& s : *slots) {
    std::string a, z;
    if (!s.is_object() || !read(s, "start", a) || !read(s, "end", z)) return bad("a slot lacks start or end");
    const auto sa = parse_hhmm(a), sz = parse_hhmm(z);
    if (!sa || !sz) return bad("a slot time is not HH:MM");
    b.event.slots.push_back({*sa, *sz});
  }
  for (const auto& c : *cells) {
    auto d = decode_cell(c);
    if (auto* e = std::get_if<Error>(&d)) return *e;
    b.cells.push_back(std::move(std::get<Cell>(d)));
  }
  auto a = decode_announcement(j);
  if (auto* e = std::get_if<Error>(&a)) return *e;
  b.announcement = std::get<std::optional<Announcement>>(a);
  auto talks = decode_talks(j);
  if (auto* e = std::get_if<Error>(&talks)) return *e;
  b.talks = std::move(std::get<std::vector<Talk>>(talks));
  auto sheets = decode_list<Sheet, decode_sheet>(j, "lightning");
  if (auto* e = std::get_if<Error>(&sheets)) return *e;
  b.lightning = std::move(std::get<std::vector<Sheet>>(sheets));
  auto groups = decode_list<Group, decode_group>(j, "groups");
  if (auto* e = std::get_if<Error>(&groups)) return *e;
  b.groups = std::move(std::get<std::vector<Group>>(groups));
  return b;
}

Decoded<Changes> decode_changes(std::string_view body) {
  auto parsed = parse_answer(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  Changes ch;
  if (!read(j, "epoch", ch.epoch) || !read(j, "seq", ch.seq)) return bad("changes lack epoch or seq");
  const auto cells = j.find("cells");
  if (cells == j.end() || !cells->is_array()) return bad("changes lack cells");
  for (const auto& c : *cells) {
    auto d = decode_cell(c);
    if (auto* e = std::get_if<Error>(&d)) return *e;
    ch.cells.push_back(std::move(std::get<Cell>(d)));
  }
  auto a = decode_announcement(j);
  if (auto* e = std::get_if<Error>(&a)) return *e;
  ch.announcement = std::get<std::optional<Announcement>>(a);
  auto talks = decode_talks(j);
  if (auto* e = std::get_if<Error>(&talks)) return *e;
  ch.talks = std::move(std::get<std::vector<Talk>>(talks));
  auto sheets = decode_list<Sheet, decode_sheet>(j, "lightning");
  if (auto* e = std::get_if<Error>(&sheets)) return *e;
  ch.lightning = std::move(std::get<std::vector<Sheet>>(sheets));
  auto groups = decode_list<Group, decode_group>(j, "groups");
  if (auto* e = std::get_if<Error>(&groups)) return *e;
  ch.groups = std::move(std::get<std::vector<Group>>(groups));
  return ch;
}

Decoded<std::optional<ScheduleImport>> decode_schedule_status(std::string_view body) {
  auto parsed = parse_answer(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  const auto it = j.find("last_import");
  if (it == j.end()) return bad("schedule status lacks last_import");
  if (it->is_null()) return std::optional<ScheduleImport>{};
  if (!it->is_object()) return bad("last_import is not an object");
  ScheduleImport i;
  if (!read(*it, "at", i.at) || !read(*it, "talks", i.talks) || !read(*it, "seq", i.seq))
    return bad("last_import lacks at, talks or seq");
  read(*it, "source", i.source);
  read(*it, "added", i.added);
  read(*it, "updated", i.updated);
  read(*it, "cancelled", i.cancelled);
  read(*it, "unchanged", i.unchanged);
  return std::optional<ScheduleImport>{i};
}

Error decode_error(std::string_view body) {
  auto parsed = parse_answer(body);
  if (auto* e = std::get_if<Error>(&parsed)) return *e;
  Error e;
  if (!read(std::get<json>(parsed), "error", e.code)) return bad("error body lacks error");
  read(std::get<json>(parsed), "message", e.message);
  return e;
}

}  // namespace osb::json
