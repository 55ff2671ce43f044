#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "core/text.hpp"
#include "core/time.hpp"
#include "core/validate.hpp"

namespace osb {

// [SECTION] Reading tables with known keys only

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& file, const std::string& what) { throw ConfigError(file + ": " + what); }

toml::table parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read the file (" + std::string(fs::exists(path) ? "permission denied" : "no such file") + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    std::string msg(e.description());
    for (auto& c : msg)
      if (c == '\n') c = ' ';
    fail(path, "line " + std::to_string(e.source().begin.line) + ": bad TOML: " + msg);
  }
}

std::string resolve(const std::string& file, const std::string& value) {
  fs::path p(value);
  if (p.is_absolute()) return p.string();
  return (fs::path(file).parent_path() / p).lexically_normal().string();
}

// A view of one TOML table that remembers which keys were read, so the rest are reported.
class Reader {
 public:
  Reader(const std::string& file, const toml::table& t, std::string prefix) : file_(file), t_(t), prefix_(std::move(prefix)) {}

  std::string key_name(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  [[noreturn]] void fail_key(const std::string& key, const std::string& what) const { fail(file_, key_name(key) + " " + what); }

  bool has(const std::string& key) { known_.insert(key); return t_.contains(key); }

  std::string str(const std::string& key, std::optional<std::string> fallback = std::nullopt) {
    known_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) {
      if (fallback) return *fallback;
      fail_key(key, "is missing");
    }
    if (!n->is_string()) fail_key(key, "must be a string");
    std::string v = **n->as_string();
    if (!is_valid_utf8(v) || has_control_character(v)) fail_key(key, "must be plain UTF-8 text");
    return v;
  }
  long long integer(const std::string& key, long long fallback, long long lo, long long hi) {
    known_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return fallback;
    if (!n->is_integer()) fail_key(key, "must be a whole number");
    const long long v = **n->as_integer();
    if (v < lo || v > hi) fail_key(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
  }
  double number(const std::string& key, double fallback, double lo, double hi) {
    known_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return fallback;
    double v;
    if (n->is_floating_point()) v = **n->as_floating_point();
    else if (n->is_integer()) v = static_cast<double>(**n->as_integer());
    else fail_key(key, "must be a number");
    if (!(v >= lo && v <= hi)) {
      std::ostringstream o;
      o << "must be between " << lo << " and " << hi;
      fail_key(key, o.str());
    }
    return v;
  }
  bool boolean(const std::string& key, bool fallback) {
    known_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return fallback;
    if (!n->is_boolean()) fail_key(key, "must be true or false");
    return **n->as_boolean();
  }
  const toml::table* table(const std::string& key, bool required) {
    known_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) {
      if (required) fail_key(key, "is missing (a [" + key_name(key) + "] table)");
      return nullptr;
    }
    if (!n->is_table()) fail_key(key, "must be a table");
    return n->as_table();
  }
  const toml::array* array(const std::string& key, bool required) {
    known_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) {
      if (required) fail_key(key, "is missing");
      return nullptr;
    }
    if (!n->is_array()) fail_key(key, "must be an array");
    return n->as_array();
  }
  // Reports the first key that nobody asked for.
  void no_unknown_keys() const {
    for (const auto& [k, v] : t_) {
      (void)v;
      const std::string key(k.str());
      if (!known_.count(key)) fail(file_, "unknown key " + key_name(key) + " (check the spelling)");
    }
  }

 private:
  const std::string& file_;
  const toml::table& t_;
  std::string prefix_;
  std::set<std::string> known_;
};

int hhmm(Reader& r, const std::string& key) {
  const std::string v = r.str(key);
  const auto m = parse_hhmm(v);
  if (!m) r.fail_key(key, "\"" + v + "\" is not a time of day as HH:MM (00:00 to 23:59)");
  return *m;
}

}  // namespace

// [SECTION] event.toml

Event load_event(const std::string& path) {
  const toml::table root = parse_file(path);
  Reader r(path, root, "");
  Event ev;
  ev.name = trim(r.str("name"));
  if (ev.name.empty()) r.fail_key("name", "is empty");
  ev.timezone = r.str("timezone", "");
  if (!ev.timezone.empty()) {
    try {
      VenueClock probe(ev.timezone);
    } catch (const std::exception& e) {
      r.fail_key("timezone", e.what());
    }
  }

  // The backchannel tag people post under ("#pycon"); session tags are built on it.
  ev.backchannel = trim(r.str("backchannel", ""));
  if (!ev.backchannel.empty()) {
    bool ok = ev.backchannel.size() >= 2 && ev.backchannel.size() <= 41 && ev.backchannel[0] == '#';
    for (std::size_t i = 1; ok && i < ev.backchannel.size(); ++i) {
      const char c = ev.backchannel[i];
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
    if (!ok)
      r.fail_key("backchannel", "\"" + ev.backchannel + "\" must be a tag like \"#pycon\": # and 1 to 40 of A-Z, a-z, 0-9, '_' or '-'");
  }

  const toml::array* days = r.array("days", true);
  if (days->empty()) r.fail_key("days", "is empty: list at least one day as \"YYYY-MM-DD\"");
  std::set<std::string> seen_days;
  for (std::size_t i = 0; i < days->size(); ++i) {
    const std::string key = "days[" + std::to_string(i) + "]";
    const auto* s = (*days)[i].as_string();
    if (!s) fail(path, key + " must be a string \"YYYY-MM-DD\"");
    const std::string d = **s;
    if (!parse_day(d)) fail(path, key + " \"" + d + "\" is not a date as YYYY-MM-DD");
    if (!seen_days.insert(d).second) fail(path, key + " \"" + d + "\" is a duplicate");
    if (!ev.days.empty() && d < ev.days.back()) fail(path, key + " \"" + d + "\" is out of order (list days in order)");
    ev.days.push_back(d);
  }

  const toml::array* rooms = r.array("rooms", true);
  if (rooms->empty()) fail(path, "rooms is empty: add at least one [[rooms]] table");
  std::set<std::string> room_ids;
  for (std::size_t i = 0; i < rooms->size(); ++i) {
    const std::string prefix = "rooms[" + std::to_string(i) + "]";
    const auto* t = (*rooms)[i].as_table();
    if (!t) fail(path, prefix + " must be a [[rooms]] table");
    Reader rr(path, *t, prefix);
    Room room;
    room.id = rr.str("id");
    if (!is_valid_room_id(room.id)) rr.fail_key("id", "\"" + room.id + "\" must be 1 to 16 characters of A-Z, a-z, 0-9, '_' or '-'");
    if (!room_ids.insert(room.id).second) rr.fail_key("id", "\"" + room.id + "\" is a duplicate");
    room.name = trim(rr.str("name", room.id));
    if (room.name.empty()) rr.fail_key("name", "is empty");
    room.where = trim(rr.str("where", ""));
    room.capacity = static_cast<int>(rr.integer("capacity", 0, 1, 100000));
    rr.no_unknown_keys();
    ev.rooms.push_back(room);
  }

  const toml::array* slots = r.array("slots", true);
  if (slots->empty()) fail(path, "slots is empty: add at least one [[slots]] table");
  for (std::size_t i = 0; i < slots->size(); ++i) {
    const std::string prefix = "slots[" + std::to_string(i) + "]";
    const auto* t = (*slots)[i].as_table();
    if (!t) fail(path, prefix + " must be a [[slots]] table");
    Reader sr(path, *t, prefix);
    SlotTime s{hhmm(sr, "start"), hhmm(sr, "end")};
    if (s.end <= s.start) sr.fail_key("end", format_hhmm(s.end) + " is not after start " + format_hhmm(s.start));
    if (!ev.slots.empty() && s.start < ev.slots.back().end)
      sr.fail_key("start", format_hhmm(s.start) + " overlaps the slot before it (" + format_hhmm(ev.slots.back().start) + "–" +
                               format_hhmm(ev.slots.back().end) + "); slots must be in order and not overlap");
    sr.no_unknown_keys();
    ev.slots.push_back(s);
  }

  // Lightning-talk sheets (contract §4.3): the same every day, in order, not overlapping.
  if (const toml::array* sheets = r.array("lightning", false)) {
    for (std::size_t i = 0; i < sheets->size(); ++i) {
      const std::string prefix = "lightning[" + std::to_string(i) + "]";
      const auto* t = (*sheets)[i].as_table();
      if (!t) fail(path, prefix + " must be a [[lightning]] table");
      Reader lr(path, *t, prefix);
      LightningSheet sh;
      sh.start = hhmm(lr, "start");
      sh.talks = static_cast<int>(lr.integer("talks", 12, 1, 50));
      sh.minutes = static_cast<int>(lr.integer("minutes", 5, 1, 60));
      if (lr.has("closes")) sh.closes = hhmm(lr, "closes");
      const int end = sh.start + sh.talks * sh.minutes;
      if (end > 24 * 60) lr.fail_key("talks", std::to_string(sh.talks) + " talks of " + std::to_string(sh.minutes) + " minutes from " + format_hhmm(sh.start) + " run past midnight");
      if (sh.closes >= 0 && sh.closes > end)
        lr.fail_key("closes", format_hhmm(sh.closes) + " is after the sheet ends (" + format_hhmm(end) + ")");
      if (!ev.lightning.empty()) {
        const auto& prev = ev.lightning.back();
        if (sh.start < prev.start + prev.talks * prev.minutes)
          lr.fail_key("start", format_hhmm(sh.start) + " overlaps the sheet before it (from " + format_hhmm(prev.start) +
                                   "); sheets must be in order and not overlap");
      }
      lr.no_unknown_keys();
      ev.lightning.push_back(sh);
    }
  }
  r.no_unknown_keys();
  return ev;
}

// [SECTION] node.toml

void parse_listen(const std::string& value, const std::string& where, std::string& host, int& port) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) throw ConfigError(where + " \"" + value + "\" must be HOST:PORT, e.g. 0.0.0.0:8080");
  std::string h = value.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const std::string p = value.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) > 65535)
    throw ConfigError(where + " \"" + value + "\" has a bad port (0 to 65535)");
  host = h;
  port = std::stoi(p);
}

NodeConfig load_node_config(const std::string& path) {
  const toml::table root = parse_file(path);
  Reader r(path, root, "");
  NodeConfig c;
  c.file = path;

  const toml::table* node = r.table("node", true);
  Reader nr(path, *node, "node");
  try {
    parse_listen(nr.str("listen", "0.0.0.0:8080"), path + ": node.listen", c.listen_host, c.listen_port);
  } catch (const ConfigError& e) {
    throw;
  }
  c.database = resolve(path, nr.str("database", "var/node.db"));
  c.event_file = resolve(path, nr.str("event", "event.toml"));
  c.threads = static_cast<int>(nr.integer("threads", 64, 8, 4096));
  nr.no_unknown_keys();

  const toml::table* auth = r.table("auth", true);
  Reader ar(path, *auth, "auth");
  c.staff_pin_hash = ar.str("staff_pin");
  if (c.staff_pin_hash.rfind("pbkdf2-sha256$", 0) != 0)
    ar.fail_key("staff_pin", "must be the output of `openspace-node hash-pin PIN`, never the PIN itself");
  c.staff_token_hours = static_cast<int>(ar.integer("staff_token_hours", 8, 1, 72));
  if (const toml::array* proxies = ar.array("trusted_proxies", false)) {
    for (std::size_t i = 0; i < proxies->size(); ++i) {
      const std::string key = "auth.trusted_proxies[" + std::to_string(i) + "]";
      const toml::node& n = (*proxies)[i];
      if (!n.is_string()) fail(path, key + " must be a string, an IP address such as \"127.0.0.1\"");
      std::string text = **n.as_string();
      const auto ip = canonical_ip(text);
      for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';  // the message stays one line
      if (!ip)
        fail(path, key + " \"" + text + "\" is not an IP address; give single addresses such as \"127.0.0.1\" or \"::1\" (no ranges)");
      c.trusted_proxies.push_back(*ip);
    }
  }
  if (const toml::table* kiosks = ar.table("kiosks", false)) {
    for (const auto& [k, v] : *kiosks) {
      const std::string id(k.str());
      const std::string key = "auth.kiosks." + id;
      if (!is_valid_room_id(id)) fail(path, key + ": a kiosk id must be 1 to 16 characters of A-Z, a-z, 0-9, '_' or '-'");
      if (!v.is_string()) fail(path, key + " must be a string (the kiosk's bearer token)");
      const std::string token = **v.as_string();
      if (token.size() < 16) fail(path, key + " token is too short: at least 16 characters");
      for (const auto& [other, t] : c.kiosk_tokens)
        if (t == token) fail(path, key + " uses the same token as auth.kiosks." + other);
      c.kiosk_tokens[id] = token;
    }
  }
  ar.no_unknown_keys();

  if (const toml::table* reset = r.table("reset", false)) {
    Reader rr(path, *reset, "reset");
    c.auto_reset = rr.boolean("auto", false);
    c.reset_at = format_hhmm(rr.has("at") ? hhmm(rr, "at") : 7 * 60);
    rr.no_unknown_keys();
  }
  if (const toml::table* limits = r.table("limits", false)) {
    Reader lr(path, *limits, "limits");
    auto& l = c.limits;
    l.max_connections = static_cast<int>(lr.integer("max_connections", l.max_connections, 64, 1000000));
    l.reserved_connections = static_cast<int>(lr.integer("reserved_connections", l.reserved_connections, 16, 100000));
    if (l.reserved_connections >= l.max_connections)
      lr.fail_key("reserved_connections", "must be smaller than limits.max_connections");
    l.connections_per_address = static_cast<int>(lr.integer("connections_per_address", l.connections_per_address, 4, 1000000));
    l.long_polls = static_cast<int>(lr.integer("long_polls", l.long_polls, 1, 1000000));
    l.long_polls_per_address = static_cast<int>(lr.integer("long_polls_per_address", l.long_polls_per_address, 1, 1000000));
    l.workers = static_cast<int>(lr.integer("workers", l.workers, 2, 64));
    l.io_threads = static_cast<int>(lr.integer("io_threads", l.io_threads, 1, 64));
    l.header_timeout_ms = static_cast<int>(lr.integer("header_timeout_ms", l.header_timeout_ms, 100, 600000));
    l.body_timeout_ms = static_cast<int>(lr.integer("body_timeout_ms", l.body_timeout_ms, 100, 600000));
    lr.no_unknown_keys();
  }
  if (const toml::table* store = r.table("store", false)) {
    Reader sr(path, *store, "store");
    c.postgres = sr.str("postgres", "");
    if (sr.has("postgres") && c.postgres.empty()) sr.fail_key("postgres", "is empty: give a libpq conninfo, or leave the key out for SQLite");
    sr.no_unknown_keys();
  }
  c.backup_dir = (std::filesystem::path(c.database).parent_path() / "backups").string();
  if (const toml::table* backup = r.table("backup", false)) {
    Reader br(path, *backup, "backup");
    if (br.has("dir")) c.backup_dir = resolve(path, br.str("dir"));
    c.backup_keep = static_cast<int>(br.integer("keep", 24, 1, 10000));
    br.no_unknown_keys();
  }
  r.no_unknown_keys();

  c.event = load_event(c.event_file);
  return c;
}

// [SECTION] kiosk files

KioskConfig load_kiosk_config(const std::string& path) {
  const toml::table root = parse_file(path);
  Reader r(path, root, "");
  KioskConfig c;
  c.file = path;

  const toml::table* kiosk = r.table("kiosk", true);
  Reader kr(path, *kiosk, "kiosk");
  c.id = kr.str("id");
  if (!is_valid_room_id(c.id)) kr.fail_key("id", "\"" + c.id + "\" must be 1 to 16 characters of A-Z, a-z, 0-9, '_' or '-'");
  const std::string mode = kr.str("mode", "room");
  if (mode == "room") c.mode = KioskMode::Room;
  else if (mode == "hallway") c.mode = KioskMode::Hallway;
  else kr.fail_key("mode", "\"" + mode + "\" must be \"room\" or \"hallway\"");
  c.room = kr.str("room", "");
  if (c.mode == KioskMode::Room && c.room.empty()) kr.fail_key("room", "is missing (a room kiosk shows its own room first)");
  // One node (`node = "..."`) or several (`nodes = [...]`, contract §4.4), never both. Each URL
  // is checked the same way; a trailing '/' is dropped.
  const auto node_url = [&](const std::string& key, std::string url) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      kr.fail_key(key, "\"" + url + "\" must start with http:// or https://");
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  };
  const bool has_node = kr.has("node");
  if (const toml::array* nodes = kr.array("nodes", false)) {
    if (has_node) kr.fail_key("nodes", "and kiosk.node are both given: name one node with node = \"...\" or several with nodes = [...]");
    if (nodes->empty()) kr.fail_key("nodes", "is empty: name at least one node URL, e.g. nodes = [\"http://192.168.10.2:8080\"]");
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      const std::string key = "nodes[" + std::to_string(i) + "]";
      const toml::node& n = (*nodes)[i];
      if (!n.is_string()) kr.fail_key(key, "must be a string, a node URL such as \"http://192.168.10.2:8080\"");
      const std::string v = **n.as_string();
      if (!is_valid_utf8(v) || has_control_character(v)) kr.fail_key(key, "must be plain UTF-8 text");
      const std::string url = node_url(key, v);
      for (std::size_t j = 0; j < c.nodes.size(); ++j)
        if (c.nodes[j] == url) kr.fail_key(key, "\"" + v + "\" is a duplicate of kiosk.nodes[" + std::to_string(j) + "]");
      c.nodes.push_back(url);
    }
  } else {
    if (!has_node) kr.fail_key("node", "is missing (the node's URL; or nodes = [...] to name several)");
    c.nodes.push_back(node_url("node", kr.str("node")));
  }
  c.node_url = c.nodes.front();
  c.token = kr.str("token");
  if (c.token.size() < 16) kr.fail_key("token", "is too short: at least 16 characters");
  c.replica = resolve(path, kr.str("replica", "var/" + c.id + ".db"));
  if (kr.has("ca_file")) c.ca_file = resolve(path, kr.str("ca_file"));
  kr.no_unknown_keys();

  if (const toml::table* ui = r.table("ui", false)) {
    Reader ur(path, *ui, "ui");
    c.scale = static_cast<float>(ur.number("scale", 1.0, 0.5, 3.0));
    c.idle_timeout_s = static_cast<int>(ur.integer("idle_timeout", 60, 10, 3600));
    c.theme = ur.str("theme", "dark");
    if (c.theme != "dark" && c.theme != "light") ur.fail_key("theme", "\"" + c.theme + "\" must be \"dark\" or \"light\"");
    c.language = ur.str("language", "en");
    {
      const std::string& l = c.language;
      const bool shape = (l.size() == 2 || (l.size() == 5 && l[2] == '-')) &&
                         std::all_of(l.begin(), l.begin() + 2, [](char ch) { return ch >= 'a' && ch <= 'z'; }) &&
                         (l.size() == 2 || std::all_of(l.begin() + 3, l.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }));
      if (!shape) ur.fail_key("language", "\"" + l + "\" must be a language code such as \"en\", \"de\", \"fr\" or \"es\"");
    }
    if (ur.has("assets")) c.assets = resolve(path, ur.str("assets"));
    c.fullscreen = ur.boolean("fullscreen", true);
    c.renderer = ur.str("renderer", "auto");
    if (c.renderer != "auto" && c.renderer != "software" && c.renderer != "accelerated")
      ur.fail_key("renderer", "\"" + c.renderer + "\" must be \"auto\", \"software\" or \"accelerated\"");
    c.night_start = format_hhmm(ur.has("night_start") ? hhmm(ur, "night_start") : 21 * 60);
    c.night_end = format_hhmm(ur.has("night_end") ? hhmm(ur, "night_end") : 7 * 60);
    ur.no_unknown_keys();
  }
  r.no_unknown_keys();
  return c;
}

}  // namespace osb
