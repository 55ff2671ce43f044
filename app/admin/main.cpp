// openspace-admin: staff command line over the node's HTTP API (docs/api.md).
//
// [SECTION] Exit codes and messages
// [SECTION] Finding the node, the staff token file
// [SECTION] HTTP
// [SECTION] Commands
// [SECTION] Lightning talks, evening groups, moving a session
// [SECTION] import-schedule
// [SECTION] main
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/time.hpp"
#include "codec/codec.hpp"
#include "web/ics.hpp"
#include "core/talks.hpp"
#include "schedule/schedule.hpp"

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// [SECTION] Exit codes and messages

enum Exit { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3, kNotLoggedIn = 4 };

const char* kHelp =
    "usage: openspace-admin [--node URL | --config node.toml] COMMAND ...\n"
    "\n"
    "commands:\n"
    "  login                          ask for the staff PIN and keep a staff token\n"
    "  logout                         end the staff session on the node and forget the token\n"
    "  status                         per day claimed/open/blocked, announcement, talks, lightning\n"
    "                                 talks and groups, kiosks\n"
    "  reset DAY [--yes]              archive every session, lightning talk and group of DAY\n"
    "                                 (asks first unless --yes)\n"
    "  block DAY ROOM START LABEL     block a slot (e.g. block 2011-03-11 A 10:00 \"Keynote\")\n"
    "  unblock DAY ROOM START         open a blocked slot again\n"
    "  remove CLAIM_ID                take a session off the board (it stays in the archive)\n"
    "  move CLAIM_ID ROOM [START]     move a session to ROOM at START (default: its start), same day\n"
    "  announce TEXT [--until HH:MM]  show TEXT on every kiosk (until HH:MM today)\n"
    "  announce --clear               remove the announcement\n"
    "  archive DAY                    sessions, lightning talks and groups of DAY that were removed,\n"
    "                                 reset or lost\n"
    "  lightning [DAY]                the lightning-talk sheets (of DAY), with numbered places\n"
    "  lightning remove SIGNUP_ID     take a talk off its sheet (the ones after it move up)\n"
    "  lightning order DAY START ID...  put a sheet in this order: every talk once, each a\n"
    "                                 signup_id or its place now (e.g. order DAY 17:30 3 1 2)\n"
    "  groups [DAY]                   the evening groups (of DAY)\n"
    "  groups remove GROUP_ID         take an evening group off the board\n"
    "  export --format json|csv|ics [--out FILE]   the claimed sessions (json: with the lightning\n"
    "                                 sheets and groups; csv: with interest and where it moved from)\n"
    "  import-schedule FILE|URL [--dry-run]        the conference's talks from a frab / pretalx\n"
    "                                 schedule.xml or schedule.json (--dry-run: show, send nothing)\n"
    "\n"
    "The node: --node http://HOST:PORT, or --config node.toml (its [node] listen address), or\n"
    "$OPENSPACE_NODE, or kiosk-config/node.toml when it exists.\n"
    "The staff token lives in $XDG_STATE_HOME/openspace/staff-token (default\n"
    "~/.local/state/openspace/staff-token), readable by you only.\n"
    "\n"
    "exit codes: 0 ok, 1 refused by the node (or cancelled), 2 usage or config error,\n"
    "            3 node unreachable, 4 not logged in (run `openspace-admin login`)\n";

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "openspace-admin: %s\n", message.c_str());
  return code;
}

// [SECTION] Finding the node, the staff token file

struct Options {
  std::string node_url;
  std::string config;
  bool yes = false;
  bool clear = false;
  bool dry_run = false;
  std::string until;
  std::string format;
  std::string out;
  std::vector<std::string> args;  // command and its positional arguments
};

// The node's URL from the options; throws ConfigError for a bad node.toml.
std::string node_url(const Options& o) {
  if (!o.node_url.empty()) {
    std::string u = o.node_url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
  }
  std::string config = o.config;
  if (config.empty()) {
    if (const char* env = std::getenv("OPENSPACE_NODE"); env && *env) return env;
    if (fs::exists("kiosk-config/node.toml")) config = "kiosk-config/node.toml";
  }
  if (config.empty()) return "";
  const osb::NodeConfig cfg = osb::load_node_config(config);
  std::string host = cfg.listen_host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "[::1]";
  return "http://" + host + ":" + std::to_string(cfg.listen_port);
}

fs::path token_path() {
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return fs::path(x) / "openspace" / "staff-token";
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".local" / "state" / "openspace" / "staff-token";
}

// Overwrites a secret (PIN, token) in memory with OPENSSL_cleanse, whole buffer, then empties it.
void wipe(std::string& s) {
  if (s.capacity() > 0) OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

// A staff token held in memory: wiped when it goes out of scope.
class Secret {
 public:
  explicit Secret(std::string s) : s_(std::move(s)) {}
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& o) noexcept : s_(std::move(o.s_)) { wipe(o.s_); }
  ~Secret() { wipe(s_); }
  operator const std::string&() const { return s_; }

 private:
  std::string s_;
};

std::optional<Secret> read_token() {
  std::ifstream in(token_path());
  std::string t;
  if (!in || !std::getline(in, t) || t.empty()) {
    wipe(t);
    return std::nullopt;
  }
  return std::optional<Secret>(std::in_place, std::move(t));
}

bool write_token(const std::string& token) {
  const fs::path p = token_path();
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::fchmod(fd, 0600);  // also when the file existed with wider permissions
  std::string line = token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  wipe(line);
  return ::close(fd) == 0 && ok;
}

std::string read_pin() {
  std::string pin;
  if (::isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "Staff PIN: ");
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::getline(std::cin, pin);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::fprintf(stderr, "\n");
  } else {
    std::getline(std::cin, pin);
  }
  while (!pin.empty() && (pin.back() == '\r' || pin.back() == '\n')) pin.pop_back();
  return pin;
}

std::string encode_segment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') out += static_cast<char>(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

// [SECTION] HTTP

struct Reply {
  int status = 0;
  std::string body;
};

class Node {
 public:
  explicit Node(std::string url) : url_(std::move(url)), cli_(url_) {
    cli_.set_connection_timeout(5, 0);
    cli_.set_read_timeout(30, 0);
  }
  const std::string& url() const { return url_; }

  // nullopt when the node cannot be reached.
  std::optional<Reply> call(const std::string& method, const std::string& path, const std::string& body = "",
                            const std::string& token = "", const char* content_type = "application/json") {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    httplib::Result r{nullptr, httplib::Error::Unknown};
    if (method == "GET") r = cli_.Get(path.c_str(), h);
    else if (method == "POST") r = cli_.Post(path.c_str(), h, body, "application/json");
    else if (method == "PUT") r = cli_.Put(path.c_str(), h, body, content_type);
    else r = cli_.Delete(path.c_str(), h, body, "application/json");
    for (auto& [name, value] : h)
      if (name == "Authorization") wipe(value);
    if (!r) return std::nullopt;
    return Reply{r->status, r->body};
  }

 private:
  std::string url_;
  httplib::Client cli_;
};

// Turns a failed call into the exit code and one sentence.
int report(const std::optional<Reply>& r, const Node& node) {
  if (!r) return fail(kUnreachable, "cannot reach the node at " + node.url() + "; is openspace-node running?");
  if (r->status == 401)
    return fail(kNotLoggedIn, "the staff login is missing or has expired; run `openspace-admin login`.");
  const osb::Error e = osb::json::decode_error(r->body);
  return fail(kRefused, e.message.empty() ? "the node answered " + std::to_string(r->status) + "." : e.message);
}

// [SECTION] Commands

struct Context {
  Options& o;
  Node& node;
};

std::optional<Secret> staff_token_or_fail(int& code) {
  auto t = read_token();
  if (!t) code = fail(kNotLoggedIn, "not logged in; run `openspace-admin login` first.");
  return t;
}

int cmd_login(Context& c) {
  std::string pin = read_pin();
  if (pin.empty()) return fail(kUsage, "no PIN given.");
  std::string body = Json{{"pin", pin}}.dump();
  wipe(pin);
  auto r = c.node.call("POST", "/api/v1/staff/session", body);
  wipe(body);
  if (!r) return report(r, c.node);
  if (r->status == 401) return fail(kRefused, "wrong PIN.");
  if (r->status == 429) {
    const osb::Error e = osb::json::decode_error(r->body);
    if (e.code == "pin_throttled") return fail(kRefused, e.message);  // node-wide, says how long
    return fail(kRefused, "too many wrong PINs from this machine; wait five minutes and try again.");
  }
  if (r->status != 200) return report(r, c.node);
  Json j = Json::parse(r->body, nullptr, false);
  wipe(r->body);
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string())
    return fail(kRefused, "the node sent an unexpected answer to the login.");
  std::string& token = j["token"].get_ref<std::string&>();
  const bool written = write_token(token);
  wipe(token);
  if (!written) return fail(kUsage, "cannot write the staff token to " + token_path().string() + ".");
  const long long hours = j.value("expires_in", 0LL) / 3600;
  std::printf("Logged in to %s; the staff token is valid for %lld hours.\n", c.node.url().c_str(), hours);
  return kOk;
}

// Ends the session on the node (DELETE /api/v1/staff/session), then forgets the token here.
// The local token goes in every case: a node that cannot be reached is said, not fatal.
int cmd_logout(Context& c) {
  const auto token = read_token();
  std::optional<Reply> r;
  if (token) r = c.node.call("DELETE", "/api/v1/staff/session", "", *token);
  std::error_code ec;
  fs::remove(token_path(), ec);
  if (token && !r)
    return fail(kUnreachable, "logged out here, but the node at " + c.node.url() +
                                  " cannot be reached, so the staff session stays valid there until it expires.");
  if (r && r->status != 200 && r->status != 401) return report(r, c.node);
  std::printf(r && r->status == 200 ? "Logged out; the node ended the staff session.\n" : "Logged out.\n");
  return kOk;
}

std::optional<osb::Board> fetch_board(Context& c, int& code) {
  const auto r = c.node.call("GET", "/api/v1/board");
  if (!r || r->status != 200) {
    code = report(r, c.node);
    return std::nullopt;
  }
  auto b = osb::json::decode_board(r->body);
  if (auto* e = std::get_if<osb::Error>(&b)) {
    code = fail(kRefused, e->message);
    return std::nullopt;
  }
  return std::get<osb::Board>(b);
}

// The venue's clock for the times this tool prints (the node reports UTC). An unknown zone name
// falls back to this machine's zone, as the kiosk does.
osb::VenueClock venue_clock(const osb::Board& board) {
  try {
    return osb::VenueClock(board.event.timezone);
  } catch (const std::exception&) {
    return osb::VenueClock("");
  }
}

// “Title”, as every sentence of this tool quotes what people typed.
std::string quoted(const std::string& s) { return "\u201c" + s + "\u201d"; }

// "Tue 11 Mar" of "2011-03-11" (the day itself when it is not a date).
std::string day_words(const std::string& day) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto d = osb::parse_day(day);
  if (!d || d->month < 1 || d->month > 12) return day;
  return osb::short_day_label(day) + " " + months[d->month - 1];
}

// A room as people know it: its name ("Room A"), else its id.
std::string room_words(const osb::Board& board, const std::string& id) {
  const osb::Room* r = board.event.find_room(id);
  return r && !r->name.empty() ? r->name : id;
}

// A string member of an answer, "" when it is missing or not a string.
std::string text_of(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}
long long number_of(const Json& j, const char* key) {
  if (!j.is_object()) return 0;
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

std::string plural(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int cmd_status(Context& c) {
  int code = kOk;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  std::printf("%s — %s (seq %lld)\n", board->event.name.c_str(), c.node.url().c_str(), static_cast<long long>(board->seq));
  for (const auto& day : board->event.days) {
    int claimed = 0, open = 0, blocked = 0;
    for (const auto& cell : board->cells) {
      if (cell.day != day) continue;
      if (cell.state == osb::CellState::Claimed) ++claimed;
      else if (cell.state == osb::CellState::Blocked) ++blocked;
      else ++open;
    }
    std::printf("  %s  %3d claimed  %3d open  %3d blocked\n", day.c_str(), claimed, open, blocked);
  }
  if (board->announcement)
    std::printf("Announcement: %s%s\n", board->announcement->text.c_str(),
                board->announcement->until.empty() ? "" : (" (until " + board->announcement->until + ")").c_str());
  else
    std::printf("Announcement: none\n");

  int cancelled = 0;
  for (const auto& t : board->talks) cancelled += t.state == osb::TalkState::Cancelled;
  std::printf("Talks: %d scheduled, %d cancelled\n", static_cast<int>(board->talks.size()) - cancelled, cancelled);
  long long signups = 0, joined = 0;
  for (const auto& s : board->lightning) signups += static_cast<long long>(s.signups.size());
  for (const auto& g : board->groups) joined += g.joined;
  std::printf("Lightning talks: %lld on %s · groups: %zu (%lld joined)\n", signups,
              plural(static_cast<long long>(board->lightning.size()), "sheet", "sheets").c_str(), board->groups.size(), joined);

  const auto token = read_token();
  if (!token) {
    std::printf("Schedule import and kiosks: log in (`openspace-admin login`) to see them.\n");
    return kOk;
  }
  if (const auto s = c.node.call("GET", "/api/v1/schedule", "", *token); s && s->status == 200) {
    const auto last = osb::json::decode_schedule_status(s->body);
    if (const auto* i = std::get_if<std::optional<osb::ScheduleImport>>(&last); i && *i) {
      const osb::ScheduleImport& imp = **i;
      std::printf("Last schedule import: %s from %s: %d talks (%d added, %d updated, %d cancelled, %d unchanged)\n",
                  imp.at.c_str(), imp.source.empty() ? "(not named)" : imp.source.c_str(), imp.talks, imp.added,
                  imp.updated, imp.cancelled, imp.unchanged);
    } else {
      std::printf("Last schedule import: none\n");
    }
  }
  const auto r = c.node.call("GET", "/api/v1/kiosks", "", *token);
  if (!r || r->status != 200) return report(r, c.node);
  const Json j = Json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j["kiosks"].is_array()) return fail(kRefused, "the node sent an unexpected kiosk list.");
  std::printf("Kiosks:\n  %-16s %-22s %-12s %8s %10s\n", "id", "last seen", "version", "outbox", "lag");
  auto text = [](const Json& v) {
    if (v.is_null()) return std::string("-");
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
  };
  const osb::VenueClock clock = venue_clock(*board);
  const std::string today = clock.now().day;
  for (const auto& k : j["kiosks"]) {
    const std::string lag = k["lag_ms"].is_number_integer() ? std::to_string(k["lag_ms"].get<long long>() / 1000) + " s" : "-";
    std::printf("  %-16s %-22s %-12s %8s %10s\n", text(k["id"]).c_str(),
                k["last_seen"].is_null() ? "never" : osb::venue_time_words(clock, text(k["last_seen"]), today).c_str(),
                text(k["version"]).c_str(),
                text(k["outbox"]).c_str(), lag.c_str());
  }
  if (const auto& p = j.value("pin_checks", Json()); p.is_object()) {
    const long long wrong = p.value("wrong_pins_10min", 0LL);
    if (p.value("throttled", false))
      std::printf("PIN checks: throttled node-wide after %lld wrong PINs in 10 minutes; one check every %lld s.\n", wrong,
                  p.value("delay_s", 0LL));
    else
      std::printf("PIN checks: %lld wrong PIN%s in the last 10 minutes.\n", wrong, wrong == 1 ? "" : "s");
  }
  return kOk;
}

bool confirm(const std::string& question) {
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
}

int cmd_reset(Context& c) {
  if (c.o.args.size() != 2) return fail(kUsage, "usage: openspace-admin reset DAY [--yes]");
  const std::string& day = c.o.args[1];
  int code = kOk;
  const auto token = staff_token_or_fail(code);
  if (!token) return code;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  if (!board->event.has_day(day)) return fail(kRefused, day + " is not a day of this event.");
  int n = 0;
  for (const auto& cell : board->cells) n += cell.day == day && cell.state == osb::CellState::Claimed;
  long long talks = 0, groups = 0;
  for (const auto& s : board->lightning) talks += s.day == day ? static_cast<long long>(s.signups.size()) : 0;
  for (const auto& g : board->groups) groups += g.day == day;
  std::printf("%d session%s on %s will be archived", n, n == 1 ? "" : "s", day.c_str());
  if (talks || groups)
    std::printf(", with %s and %s", plural(talks, "lightning talk", "lightning talks").c_str(),
                plural(groups, "evening group", "evening groups").c_str());
  std::printf(".\n");
  std::fflush(stdout);
  if (!c.o.yes && !confirm("Reset " + day + "?")) {
    std::printf("Cancelled; nothing was changed.\n");
    return kRefused;
  }
  const auto r = c.node.call("POST", "/api/v1/days/" + encode_segment(day) + "/reset", "", *token);
  if (!r || r->status != 200) return report(r, c.node);
  const Json j = Json::parse(r->body, nullptr, false);
  std::printf("Archived %lld session(s), %lld lightning talk(s) and %lld evening group(s) of %s.\n", number_of(j, "archived"),
              number_of(j, "signups"), number_of(j, "groups"), day.c_str());
  return kOk;
}

int staff_call(Context& c, const std::string& method, const std::string& path, const std::string& body, Json& answer) {
  int code = kOk;
  const auto token = staff_token_or_fail(code);
  if (!token) return code;
  const auto r = c.node.call(method, path, body, *token);
  if (!r || r->status < 200 || r->status >= 300) return report(r, c.node);
  answer = Json::parse(r->body, nullptr, false);
  return kOk;
}

std::string cell_path(const std::vector<std::string>& a) {
  return "/api/v1/cells/" + encode_segment(a[1]) + "/" + encode_segment(a[2]) + "/" + encode_segment(a[3]) + "/block";
}

int cmd_block(Context& c) {
  if (c.o.args.size() != 5) return fail(kUsage, "usage: openspace-admin block DAY ROOM START LABEL");
  Json j;
  if (int rc = staff_call(c, "PUT", cell_path(c.o.args), Json{{"label", c.o.args[4]}}.dump(), j)) return rc;
  std::printf("Blocked room %s at %s on %s: %s\n", c.o.args[2].c_str(), c.o.args[3].c_str(), c.o.args[1].c_str(),
              c.o.args[4].c_str());
  return kOk;
}

int cmd_unblock(Context& c) {
  if (c.o.args.size() != 4) return fail(kUsage, "usage: openspace-admin unblock DAY ROOM START");
  Json j;
  if (int rc = staff_call(c, "DELETE", cell_path(c.o.args), "", j)) return rc;
  std::printf("Room %s at %s on %s is open again.\n", c.o.args[2].c_str(), c.o.args[3].c_str(), c.o.args[1].c_str());
  return kOk;
}

int cmd_remove(Context& c) {
  if (c.o.args.size() != 2) return fail(kUsage, "usage: openspace-admin remove CLAIM_ID");
  Json j;
  if (int rc = staff_call(c, "DELETE", "/api/v1/claims/" + encode_segment(c.o.args[1]), "", j)) return rc;
  std::printf("Removed %s; the slot is open again and the session is in the archive.\n", c.o.args[1].c_str());
  return kOk;
}

int cmd_announce(Context& c) {
  Json body;
  if (c.o.clear) {
    if (c.o.args.size() != 1) return fail(kUsage, "usage: openspace-admin announce --clear");
    body = Json{{"text", ""}};
  } else {
    if (c.o.args.size() != 2) return fail(kUsage, "usage: openspace-admin announce TEXT [--until HH:MM]");
    body = Json{{"text", c.o.args[1]}};
    if (!c.o.until.empty()) body["until"] = c.o.until;
  }
  Json j;
  if (int rc = staff_call(c, "PUT", "/api/v1/announcement", body.dump(), j)) return rc;
  if (c.o.clear || !j.contains("announcement") || j["announcement"].is_null()) std::printf("Announcement cleared.\n");
  else std::printf("Announcement shown on every kiosk.\n");
  return kOk;
}

int cmd_archive(Context& c) {
  if (c.o.args.size() != 2) return fail(kUsage, "usage: openspace-admin archive DAY");
  Json j;
  if (int rc = staff_call(c, "GET", "/api/v1/archive?day=" + encode_segment(c.o.args[1]), "", j)) return rc;
  if (!j.is_object() || !j["claims"].is_array()) return fail(kRefused, "the node sent an unexpected archive.");
  // A node from before lightning talks and groups sends neither list.
  const Json signups = j.value("signups", Json::array()), groups = j.value("groups", Json::array());
  if (!signups.is_array() || !groups.is_array()) return fail(kRefused, "the node sent an unexpected archive.");
  const bool empty = j["claims"].empty() && signups.empty() && groups.empty();
  if (empty) std::printf("Nothing in the archive for %s.\n", c.o.args[1].c_str());
  // When each session left the board, in venue time (the node keeps UTC).
  int code = kOk;
  const auto board = empty ? std::nullopt : fetch_board(c, code);
  const osb::VenueClock clock = board ? venue_clock(*board) : osb::VenueClock("");
  const std::string today = clock.now().day;
  for (const auto& a : j["claims"])
    std::printf("%-8s %s %-6s %s  %s (%s)  [%s]\n", a.value("reason", "").c_str(), a.value("start", "").c_str(),
                a.value("room", "").c_str(), osb::venue_time_words(clock, a.value("at", ""), today).c_str(),
                a.value("title", "").c_str(), a.value("host", "").c_str(), a.value("claim_id", "").c_str());
  if (!signups.empty()) std::printf("Lightning talks:\n");
  for (const auto& a : signups)
    std::printf("%-8s %s sheet  %s  %s — %s  [%s]\n", text_of(a, "reason").c_str(), text_of(a, "start").c_str(),
                osb::venue_time_words(clock, text_of(a, "at"), today).c_str(), text_of(a, "title").c_str(),
                text_of(a, "speaker").c_str(), text_of(a, "signup_id").c_str());
  if (!groups.empty()) std::printf("Evening groups:\n");
  for (const auto& a : groups)
    std::printf("%-8s %s  %s  %s · meet at %s · %lld of %lld · by %s  [%s]\n", text_of(a, "reason").c_str(),
                text_of(a, "time").c_str(), osb::venue_time_words(clock, text_of(a, "at"), today).c_str(),
                text_of(a, "title").c_str(), text_of(a, "where").c_str(), number_of(a, "joined"), number_of(a, "seats"),
                text_of(a, "host").c_str(), text_of(a, "group_id").c_str());
  return kOk;
}

// The CSV of app/web (its columns unchanged, in its order: day, start, then the event's room
// order), with "interest", "moved_from_room" and "moved_from_start" added at the end of each row.
std::string sessions_csv(const osb::Event& event, std::vector<osb::Cell> claimed) {
  auto room_index = [&](const std::string& id) {
    for (std::size_t i = 0; i < event.rooms.size(); ++i)
      if (event.rooms[i].id == id) return i;
    return event.rooms.size();
  };
  std::stable_sort(claimed.begin(), claimed.end(), [&](const osb::Cell& a, const osb::Cell& b) {
    if (a.day != b.day) return a.day < b.day;
    if (a.start != b.start) return a.start < b.start;
    return room_index(a.room) < room_index(b.room);
  });
  auto without_crlf = [](std::string s) {
    if (s.size() >= 2 && s.compare(s.size() - 2, 2, "\r\n") == 0) s.resize(s.size() - 2);
    return s;
  };
  const std::string head = osb::ics::csv(event, {});  // BOM and header row
  std::string out = without_crlf(head);
  for (const char* name : {"interest", "moved_from_room", "moved_from_start"}) out += "," + osb::ics::csv_field(name);
  out += "\r\n";
  for (const auto& cell : claimed) {
    const std::string one = osb::ics::csv(event, {cell});
    if (one.size() <= head.size()) continue;  // not a row csv() writes
    out += without_crlf(one.substr(head.size()));
    out += "," + osb::ics::csv_field(std::to_string(cell.interest)) + "," + osb::ics::csv_field(cell.moved_from_room) + "," +
           osb::ics::csv_field(cell.moved_from_start) + "\r\n";
  }
  return out;
}

int cmd_export(Context& c) {
  if (c.o.args.size() != 1 || (c.o.format != "json" && c.o.format != "csv" && c.o.format != "ics"))
    return fail(kUsage, "usage: openspace-admin export --format json|csv|ics [--out FILE]");
  int code = kOk;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  std::vector<osb::Cell> claimed;
  for (const auto& cell : board->cells)
    if (cell.state == osb::CellState::Claimed) claimed.push_back(cell);
  std::string text;
  long long signups = 0;
  for (const auto& s : board->lightning) signups += static_cast<long long>(s.signups.size());
  if (c.o.format == "json") {
    Json sessions = Json::array(), lightning = Json::array(), groups = Json::array();
    for (const auto& cell : claimed) sessions.push_back(osb::json::encode(cell));
    for (const auto& s : board->lightning) lightning.push_back(osb::json::encode(s));
    for (const auto& g : board->groups) groups.push_back(osb::json::encode(g));
    text = Json{{"event", osb::json::encode(board->event)}, {"sessions", sessions}, {"lightning", lightning}, {"groups", groups}}
               .dump(2) +
           "\n";
  } else if (c.o.format == "csv") {
    text = sessions_csv(board->event, claimed);
  } else {
    osb::VenueClock clock(board->event.timezone);
    // The sessions, lightning sheets and evening groups, as the node's /calendar.ics has them.
    text = osb::ics::calendar(*board, osb::ics::CalendarParts{}, clock, c.node.url(), std::chrono::system_clock::now());
  }
  if (c.o.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kOk;
  }
  std::ofstream out(c.o.out, std::ios::binary);
  out << text;
  if (!out.flush()) return fail(kUsage, "cannot write " + c.o.out + ".");
  if (c.o.format == "json")
    std::fprintf(stderr, "Wrote %zu session(s), %lld lightning talk(s) and %zu evening group(s) to %s.\n", claimed.size(),
                 signups, board->groups.size(), c.o.out.c_str());
  else
    std::fprintf(stderr, "Wrote %zu session(s) to %s.\n", claimed.size(), c.o.out.c_str());
  return kOk;
}

// [SECTION] Lightning talks, evening groups, moving a session (contract §4.3)

const char* kLightningUsage =
    "usage: openspace-admin lightning [DAY] | lightning remove SIGNUP_ID | lightning order DAY START SIGNUP_ID...";
const char* kGroupsUsage = "usage: openspace-admin groups [DAY] | groups remove GROUP_ID";
const char* kMoveUsage = "usage: openspace-admin move CLAIM_ID ROOM [START]";

// DAY given on the command line: empty (all days) or a date of the event. Returns an exit code,
// kOk when the day is fine.
int check_day_arg(const osb::Board& board, const std::string& day, const char* usage) {
  if (day.empty()) return kOk;
  if (!osb::parse_day(day)) return fail(kUsage, day + " is not a day (YYYY-MM-DD); " + usage);
  if (!board.event.has_day(day)) return fail(kRefused, day + " is not a day of this event.");
  return kOk;
}

void print_sheet(const osb::Sheet& s, const osb::LocalTime& now) {
  const auto closes = osb::parse_hhmm(s.closes);
  const bool closed = s.day < now.day || (s.day == now.day && closes && now.minute >= *closes);
  std::printf("%s %s · %d of %d · sign-up %s %s\n", s.start.c_str(), day_words(s.day).c_str(),
              static_cast<int>(s.signups.size()), s.talks, closed ? "closed at" : "closes", s.closes.c_str());
  if (s.signups.empty()) std::printf("  no one has signed up yet\n");
  int n = 0;
  for (const auto& x : s.signups) {
    ++n;
    std::printf("  %d. %s — %s  (%s)\n", x.position > 0 ? x.position : n, x.title.c_str(), x.speaker.c_str(),
                x.signup_id.c_str());
  }
}

int lightning_remove(Context& c) {
  if (c.o.args.size() != 3) return fail(kUsage, kLightningUsage);
  Json j;
  if (int rc = staff_call(c, "DELETE", "/api/v1/lightning/" + encode_segment(c.o.args[2]), "", j)) return rc;
  const Json signup = j.is_object() ? j.value("signup", Json::object()) : Json::object();
  const Json sheet = j.is_object() ? j.value("sheet", Json::object()) : Json::object();
  const long long left = sheet.is_object() && sheet.contains("signups") && sheet["signups"].is_array()
                             ? static_cast<long long>(sheet["signups"].size())
                             : 0;
  std::printf("Removed %s by %s from the %s sheet of %s (it is in the archive); %lld of %lld places are taken now.\n",
              quoted(text_of(signup, "title")).c_str(), text_of(signup, "speaker").c_str(), text_of(signup, "start").c_str(),
              day_words(text_of(signup, "day")).c_str(), left, number_of(sheet, "talks"));
  return kOk;
}

// lightning order DAY START ID... — each ID a signup_id, or a place number of the sheet as it is
// now (signup ids are at least 8 characters, so "3 1 2" cannot be mistaken for ids).
int lightning_order(Context& c) {
  const auto& a = c.o.args;
  if (a.size() < 5) return fail(kUsage, kLightningUsage);
  const std::string& day = a[2];
  const auto start_min = osb::parse_hhmm(a[3]);
  if (!start_min) return fail(kUsage, a[3] + " is not a time (HH:MM); " + std::string(kLightningUsage));
  const std::string start = osb::format_hhmm(*start_min);
  if (!osb::parse_day(day)) return fail(kUsage, day + " is not a day (YYYY-MM-DD); " + std::string(kLightningUsage));
  int code = kOk;
  const auto token = staff_token_or_fail(code);
  if (!token) return code;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  if (int rc = check_day_arg(*board, day, kLightningUsage)) return rc;
  const osb::Sheet* sheet = nullptr;
  for (const auto& s : board->lightning)
    if (s.day == day && s.start == start) sheet = &s;
  if (!sheet) return fail(kRefused, "there is no lightning-talk sheet at " + start + " on " + day + ".");
  std::vector<std::string> order;
  for (std::size_t i = 4; i < a.size(); ++i) {
    const std::string& x = a[i];
    const bool number = !x.empty() && x.size() <= 3 && x.find_first_not_of("0123456789") == std::string::npos;
    if (!number) {
      order.push_back(x);
      continue;
    }
    const int place = std::stoi(x);
    if (place < 1 || place > static_cast<int>(sheet->signups.size()))
      return fail(kRefused, "the " + start + " sheet has no place " + x + "; it has " +
                                std::to_string(sheet->signups.size()) + ".");
    order.push_back(sheet->signups[static_cast<std::size_t>(place - 1)].signup_id);
  }
  // Said here in words; the node checks it again against the sheet as it is when the order arrives.
  for (std::size_t i = 0; i < order.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (order[i] == order[k]) return fail(kRefused, order[i] + " is listed twice; list every talk of the sheet once.");
  for (const auto& id : order) {
    bool known = false;
    for (const auto& s : sheet->signups) known = known || s.signup_id == id;
    if (!known) return fail(kRefused, id + " is not on the " + start + " sheet of " + day + "; see openspace-admin lightning " + day + ".");
  }
  for (const auto& s : sheet->signups) {
    bool listed = false;
    for (const auto& id : order) listed = listed || id == s.signup_id;
    if (!listed)
      return fail(kRefused, "the order leaves out " + s.signup_id + " (" + quoted(s.title) +
                                "); list every talk of the sheet exactly once.");
  }
  const auto r = c.node.call("PUT", "/api/v1/lightning/" + encode_segment(day) + "/" + encode_segment(start) + "/order",
                             Json{{"order", order}}.dump(), *token);
  if (!r || r->status != 200) return report(r, c.node);
  Json j = Json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j.contains("sheet")) return fail(kRefused, "the node sent an unexpected answer to the new order.");
  auto decoded = osb::json::decode_sheet(j["sheet"]);
  if (auto* e = std::get_if<osb::Error>(&decoded)) return fail(kRefused, e->message);
  std::printf("New order of the %s sheet of %s:\n", start.c_str(), day_words(day).c_str());
  print_sheet(std::get<osb::Sheet>(decoded), venue_clock(*board).now());
  return kOk;
}

int cmd_lightning(Context& c) {
  const auto& a = c.o.args;
  if (a.size() >= 2 && a[1] == "remove") return lightning_remove(c);
  if (a.size() >= 2 && a[1] == "order") return lightning_order(c);
  if (a.size() > 2) return fail(kUsage, kLightningUsage);
  const std::string day = a.size() == 2 ? a[1] : "";
  if (!day.empty() && !osb::parse_day(day)) return fail(kUsage, day + " is not a day (YYYY-MM-DD); " + std::string(kLightningUsage));
  int code = kOk;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  if (int rc = check_day_arg(*board, day, kLightningUsage)) return rc;
  if (board->lightning.empty()) {
    std::printf("This event has no lightning-talk sheets ([[lightning]] in event.toml).\n");
    return kOk;
  }
  const osb::LocalTime now = venue_clock(*board).now();
  bool first = true;
  for (const auto& s : board->lightning) {
    if (!day.empty() && s.day != day) continue;
    if (!first) std::printf("\n");
    first = false;
    print_sheet(s, now);
  }
  return kOk;
}

int groups_remove(Context& c) {
  if (c.o.args.size() != 3) return fail(kUsage, kGroupsUsage);
  Json j;
  if (int rc = staff_call(c, "DELETE", "/api/v1/groups/" + encode_segment(c.o.args[2]), "", j)) return rc;
  const Json g = j.is_object() ? j.value("group", Json::object()) : Json::object();
  std::printf("Removed the group %s (%s, %s); it is in the archive and gone from the kiosks.\n",
              quoted(text_of(g, "title")).c_str(), text_of(g, "time").c_str(), day_words(text_of(g, "day")).c_str());
  return kOk;
}

int cmd_groups(Context& c) {
  const auto& a = c.o.args;
  if (a.size() >= 2 && a[1] == "remove") return groups_remove(c);
  if (a.size() > 2) return fail(kUsage, kGroupsUsage);
  const std::string day = a.size() == 2 ? a[1] : "";
  if (!day.empty() && !osb::parse_day(day)) return fail(kUsage, day + " is not a day (YYYY-MM-DD); " + std::string(kGroupsUsage));
  int code = kOk;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  if (int rc = check_day_arg(*board, day, kGroupsUsage)) return rc;
  int shown = 0;
  for (const auto& d : board->event.days) {
    if (!day.empty() && d != day) continue;
    bool header = false;
    for (const auto& g : board->groups) {
      if (g.day != d) continue;
      if (!header) std::printf("%s%s\n", shown ? "\n" : "", day_words(d).c_str());
      header = true;
      ++shown;
      std::printf("  %s · %s · meet at %s · %d of %d · by %s (%s)\n", g.time.c_str(), g.title.c_str(), g.where.c_str(),
                  g.joined, g.seats, g.host.c_str(), g.group_id.c_str());
      if (g.continues.empty()) continue;
      std::string what = g.continues;
      for (const auto& cell : board->cells)
        if (cell.state == osb::CellState::Claimed && cell.claim_id == g.continues) what = quoted(cell.title);
      std::printf("    continues the open space %s\n", what.c_str());
    }
  }
  if (!shown) std::printf(day.empty() ? "No evening groups yet.\n" : "No evening groups on %s.\n", day_words(day).c_str());
  return kOk;
}

// The room of the event named by `arg`: its id, else its id or name in any case ("a", "room a").
// nullptr when none.
const osb::Room* find_room_arg(const osb::Board& board, const std::string& arg) {
  if (const osb::Room* r = board.event.find_room(arg)) return r;
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  for (const auto& r : board.event.rooms)
    if (lower(r.id) == lower(arg) || lower(r.name) == lower(arg)) return &r;
  return nullptr;
}

int cmd_move(Context& c) {
  const auto& a = c.o.args;
  if (a.size() != 3 && a.size() != 4) return fail(kUsage, kMoveUsage);
  std::optional<int> start_min;
  if (a.size() == 4) {
    start_min = osb::parse_hhmm(a[3]);
    if (!start_min) return fail(kUsage, a[3] + " is not a time (HH:MM); " + std::string(kMoveUsage));
  }
  int code = kOk;
  const auto token = staff_token_or_fail(code);
  if (!token) return code;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  const osb::Cell* from = nullptr;
  for (const auto& cell : board->cells)
    if (cell.state == osb::CellState::Claimed && cell.claim_id == a[1]) from = &cell;
  if (!from) return fail(kRefused, "no session with claim_id " + a[1] + " is on the board.");
  const osb::Room* room = find_room_arg(*board, a[2]);
  if (!room) {
    std::string rooms;
    for (const auto& r : board->event.rooms) rooms += (rooms.empty() ? "" : ", ") + r.id;
    return fail(kRefused, "there is no room " + a[2] + "; the rooms are " + rooms + ".");
  }
  const std::string start = start_min ? osb::format_hhmm(*start_min) : from->start;
  const Json body{{"day", from->day}, {"room", room->id}, {"start", start}};
  const auto r = c.node.call("POST", "/api/v1/claims/" + encode_segment(from->claim_id) + "/move", body.dump(), *token);
  if (!r || r->status != 200) return report(r, c.node);
  std::printf("Moved %s from %s %s to %s %s (%s).\n", quoted(from->title).c_str(), room_words(*board, from->room).c_str(),
              from->start.c_str(), room_words(*board, room->id).c_str(), start.c_str(), day_words(from->day).c_str());
  return kOk;
}

// [SECTION] import-schedule

// Reads a schedule from a file or an http(s) URL, at most 8 MiB. Empty optional and a message
// on failure.
std::optional<std::string> read_schedule_source(const std::string& src, std::string& error) {
  if (src.rfind("http://", 0) == 0 || src.rfind("https://", 0) == 0) {
    CURL* curl = curl_easy_init();
    if (!curl) {
      error = "cannot start a download.";
      return std::nullopt;
    }
    struct Sink {
      std::string data;
      bool too_large = false;
    } sink;
    auto write = +[](char* p, std::size_t size, std::size_t n, void* user) -> std::size_t {
      auto* s = static_cast<Sink*>(user);
      if (s->data.size() + size * n > osb::schedule::kMaxDocument) {
        s->too_large = true;
        return 0;
      }
      s->data.append(p, size * n);
      return size * n;
    };
    curl_easy_setopt(curl, CURLOPT_URL, src.c_str());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "openspace-admin/" OPENSPACE_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (sink.too_large) {
      error = src + " is larger than 8 MiB.";
      return std::nullopt;
    }
    if (rc != CURLE_OK) {
      error = "cannot download " + src + ": " + curl_easy_strerror(rc) + ".";
      return std::nullopt;
    }
    if (status < 200 || status >= 300) {
      error = "downloading " + src + " answered HTTP " + std::to_string(status) + ".";
      return std::nullopt;
    }
    return sink.data;
  }
  std::error_code ec;
  const auto size = fs::file_size(src, ec);
  if (ec) {
    error = "cannot read " + src + ": " + ec.message() + ".";
    return std::nullopt;
  }
  if (size > osb::schedule::kMaxDocument) {
    error = src + " is larger than 8 MiB.";
    return std::nullopt;
  }
  std::ifstream in(src, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    error = "cannot read " + src + ".";
    return std::nullopt;
  }
  return data;
}

int cmd_import_schedule(Context& c) {
  if (c.o.args.size() != 2) return fail(kUsage, "usage: openspace-admin import-schedule FILE|URL [--dry-run]");
  const std::string src = c.o.args[1];
  std::string error;
  const auto doc = read_schedule_source(src, error);
  if (!doc) return fail(kUsage, error);
  int code = kOk;
  const auto board = fetch_board(c, code);
  if (!board) return code;
  // Read it here too: a malformed file is reported before anything is sent, and a dry run
  // shows what the node would do with the talks it holds now.
  std::optional<osb::VenueClock> venue;
  try {
    venue.emplace(board->event.timezone);
  } catch (const std::exception& e) {
    return fail(kRefused, "the node's time zone is unknown here: " + std::string(e.what()) + ".");
  }
  auto parsed = osb::schedule::parse(*doc, *venue);
  if (auto* e = std::get_if<osb::Error>(&parsed)) return fail(kRefused, src + ": " + e->message);
  const auto& talks = std::get<osb::schedule::Parsed>(parsed).talks;
  if (c.o.dry_run) {
    const osb::TalkMerge m = osb::merge_talks(board->talks, talks);
    std::printf("dry run, nothing sent: would import %d talks: %d added, %d updated, %d cancelled, %d unchanged\n", m.talks,
                m.added, m.updated, m.cancelled, m.unchanged);
    for (const auto& item : m.changes) {
      const std::string when = item.talk.start.size() == 16 ? item.talk.start.substr(0, 10) + " " + item.talk.start.substr(11) : item.talk.start;
      std::printf("  %-9s %s  %s  %s\n", osb::to_string(item.change), when.c_str(), item.talk.room.c_str(),
                  item.talk.title.c_str());
    }
    return kOk;
  }
  const auto token = staff_token_or_fail(code);
  if (!token) return code;
  const bool xml = std::get<osb::schedule::Parsed>(parsed).format == osb::schedule::Format::Xml;
  const auto r = c.node.call("PUT", "/api/v1/schedule?source=" + encode_segment(src), *doc, *token,
                             xml ? "application/xml" : "application/json");
  if (!r || r->status != 200) return report(r, c.node);
  const Json j = Json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j.contains("talks")) return fail(kRefused, "the node sent an unexpected answer to the import.");
  std::printf("imported %d talks: %d added, %d updated, %d cancelled, %d unchanged\n", j.value("talks", 0),
              j.value("added", 0), j.value("updated", 0), j.value("cancelled", 0), j.value("unchanged", 0));
  return kOk;
}

}  // namespace

// [SECTION] main

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& dest) {
      if (i + 1 >= argc) return false;
      dest = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return kOk;
    } else if (a == "--node") {
      if (!value(o.node_url)) return fail(kUsage, "--node needs a URL, e.g. --node http://127.0.0.1:8080");
    } else if (a == "--config") {
      if (!value(o.config)) return fail(kUsage, "--config needs the path of node.toml");
    } else if (a == "--until") {
      if (!value(o.until)) return fail(kUsage, "--until needs a time, e.g. --until 12:30");
    } else if (a == "--format") {
      if (!value(o.format)) return fail(kUsage, "--format needs json, csv or ics");
    } else if (a == "--out") {
      if (!value(o.out)) return fail(kUsage, "--out needs a file name");
    } else if (a == "--yes" || a == "-y") {
      o.yes = true;
    } else if (a == "--clear") {
      o.clear = true;
    } else if (a == "--dry-run") {
      o.dry_run = true;
    } else if (a.size() > 2 && a.rfind("--", 0) == 0) {
      return fail(kUsage, "unknown option " + a + "; see openspace-admin --help");
    } else {
      o.args.push_back(a);
    }
  }
  if (o.args.empty()) {
    std::fputs(kHelp, stderr);
    return kUsage;
  }
  std::string url;
  try {
    url = node_url(o);
  } catch (const osb::ConfigError& e) {
    return fail(kUsage, e.what());
  }
  if (url.empty()) return fail(kUsage, "which node? give --node http://HOST:PORT or --config node.toml");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return fail(kUsage, "the node URL must start with http:// or https://, e.g. http://127.0.0.1:8080");

  Node node(url);
  Context c{o, node};
  static const std::map<std::string, int (*)(Context&)> commands = {
      {"login", cmd_login},     {"logout", cmd_logout},     {"status", cmd_status},   {"reset", cmd_reset},
      {"block", cmd_block},     {"unblock", cmd_unblock},   {"remove", cmd_remove},   {"announce", cmd_announce},
      {"archive", cmd_archive}, {"export", cmd_export},     {"import-schedule", cmd_import_schedule},
      {"lightning", cmd_lightning}, {"groups", cmd_groups}, {"move", cmd_move},
  };
  const auto it = commands.find(o.args[0]);
  if (it == commands.end()) return fail(kUsage, "unknown command " + o.args[0] + "; see openspace-admin --help");
  try {
    return it->second(c);
  } catch (const std::exception& e) {
    return fail(kRefused, e.what());
  }
}
