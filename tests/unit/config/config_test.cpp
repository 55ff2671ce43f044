#include <doctest/doctest.h>

#include <string>

#include "config/config.hpp"
#include "support/temp_dir.hpp"

using namespace osb;
using osb::test::TempDir;

namespace {
const char* kEvent = R"(name = "Test"
days = ["2030-03-11", "2030-03-12"]
[[rooms]]
id = "A"
name = "Room A"
[[rooms]]
id = "B"
name = "Room B"
[[slots]]
start = "10:00"
end = "11:00"
[[slots]]
start = "11:00"
end = "12:00"
)";

// The one-line message of the ConfigError thrown by `f`, or "" when nothing was thrown.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string event_error(const std::string& text) {
  TempDir d;
  const auto p = d.write("event.toml", text);
  std::string msg = error_of([&] { load_event(p); });
  if (!msg.empty()) msg = msg.substr(msg.find(": ") + 2);
  return msg;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("the sample configs in kiosk-config load") {
  const std::string dir = OPENSPACE_SOURCE_DIR "/kiosk-config/";
  const Event e = load_event(dir + "event.toml");
  CHECK(e.rooms.size() == 6);
  CHECK(e.rooms[0].id == "A");
  CHECK(e.rooms[5].id == "F");
  CHECK(e.slots.size() >= 6);
  CHECK(e.lightning.size() == 1);
  CHECK(e.rooms[2].capacity > 0);
  const NodeConfig n = load_node_config(dir + "node.toml");
  CHECK(n.kiosk_tokens.count("room-a") == 1);
  CHECK(n.event.name == e.name);
  const KioskConfig k = load_kiosk_config(dir + "room-a.toml");
  CHECK(k.mode == KioskMode::Room);
  CHECK(k.room == "A");
  CHECK(n.kiosk_tokens.at(k.id) == k.token);
  const KioskConfig h = load_kiosk_config(dir + "hallway-1.toml");
  CHECK(h.mode == KioskMode::Hallway);
  CHECK(n.kiosk_tokens.at(h.id) == h.token);
}

TEST_CASE("a good event loads with its days, rooms and slots") {
  TempDir d;
  const Event e = load_event(d.write("event.toml", kEvent));
  CHECK(e.name == "Test");
  CHECK(e.days.size() == 2);
  CHECK(e.rooms[1].name == "Room B");
  CHECK(e.slots[1].start == 11 * 60);
}

TEST_CASE("a missing file names the file") {
  const std::string msg = error_of([] { load_event("/nonexistent/event.toml"); });
  CHECK(msg == "/nonexistent/event.toml: cannot read the file (no such file)");
}

TEST_CASE("bad TOML names its line") {
  const std::string msg = event_error("name = \"x\"\ndays = [\n");
  CHECK(msg.rfind("line ", 0) == 0);
  CHECK(msg.find("bad TOML") != std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
}

TEST_CASE("duplicate room ids are named with their index") {
  CHECK(event_error(replace(kEvent, "id = \"B\"", "id = \"A\"")) == "rooms[1].id \"A\" is a duplicate");
}

TEST_CASE("unknown keys are errors, so typos are never ignored") {
  CHECK(event_error(replace(kEvent, "name = \"Room B\"", "nmae = \"Room B\"")) == "unknown key rooms[1].nmae (check the spelling)");
  CHECK(event_error("colour = \"red\"\n" + std::string(kEvent)) == "unknown key colour (check the spelling)");
}

TEST_CASE("bad and overlapping times are named") {
  CHECK(event_error(replace(kEvent, "start = \"11:00\"", "start = \"10:30\"")).find("slots[1].start 10:30 overlaps") == 0);
  CHECK(event_error(replace(kEvent, "start = \"11:00\"", "start = \"24:00\"")) ==
        "slots[1].start \"24:00\" is not a time of day as HH:MM (00:00 to 23:59)");
  CHECK(event_error(replace(kEvent, "end = \"11:00\"", "end = \"9:00\"")).find("slots[0].end") == 0);
  CHECK(event_error(replace(kEvent, "end = \"11:00\"", "end = \"10:00\"")) == "slots[0].end 10:00 is not after start 10:00");
}

TEST_CASE("days must be real, unique and not empty") {
  CHECK(event_error(replace(kEvent, "[\"2030-03-11\", \"2030-03-12\"]", "[]")).find("days is empty") == 0);
  CHECK(event_error(replace(kEvent, "\"2030-03-12\"", "\"2030-02-30\"")) == "days[1] \"2030-02-30\" is not a date as YYYY-MM-DD");
  CHECK(event_error(replace(kEvent, "\"2030-03-12\"", "\"2030-03-11\"")) == "days[1] \"2030-03-11\" is a duplicate");
  CHECK(event_error(replace(kEvent, "id = \"B\"", "id = \"B C\"")).find("rooms[1].id") == 0);
  CHECK(event_error("timezone = \"Nowhere/Land\"\n" + std::string(kEvent)).find("timezone") == 0);
}

TEST_CASE("node.toml: short tokens, plain PINs and bad listen addresses are named") {
  TempDir d;
  d.write("event.toml", kEvent);
  const std::string base =
      "[node]\nlisten = \"127.0.0.1:8080\"\ndatabase = \"var/node.db\"\nevent = \"event.toml\"\n"
      "[auth]\nstaff_pin = \"pbkdf2-sha256$1$00$00\"\n[auth.kiosks]\nroom-a = \"0123456789abcdef\"\n";
  const NodeConfig ok = load_node_config(d.write("node.toml", base));
  CHECK(ok.database == d.file("var/node.db"));
  CHECK(ok.listen_port == 8080);
  const auto err = [&](const std::string& text) {
    const auto p = d.write("bad.toml", text);
    std::string m = error_of([&] { load_node_config(p); });
    return m.substr(m.find(": ") + 2);
  };
  CHECK(err(replace(base, "0123456789abcdef", "short")) == "auth.kiosks.room-a token is too short: at least 16 characters");
  CHECK(err(replace(base, "pbkdf2-sha256$1$00$00", "1234")).find("auth.staff_pin must be the output") == 0);
  CHECK(err(replace(base, "127.0.0.1:8080", "localhost")).find("node.listen") == 0);
  CHECK(err(replace(base, "[node]\n", "[node]\nthreds = 4\n")) == "unknown key node.threds (check the spelling)");
  const auto p = d.write("bad.toml", replace(base, "event.toml", "missing.toml"));
  CHECK(error_of([&] { load_node_config(p); }) == d.file("missing.toml") + ": cannot read the file (no such file)");
}

TEST_CASE("node.toml: [store] postgres puts the board in PostgreSQL; unknown or empty keys are named") {
  TempDir d;
  d.write("event.toml", kEvent);
  const std::string base = "[node]\nevent = \"event.toml\"\n[auth]\nstaff_pin = \"pbkdf2-sha256$1$00$00\"\nSTORE\n";
  const auto load = [&](const std::string& store) { return load_node_config(d.write("node.toml", replace(base, "STORE", store))); };
  CHECK(load("").postgres.empty());
  CHECK(load("[store]\npostgres = \"host=A,B dbname=openspace target_session_attrs=read-write\"").postgres ==
        "host=A,B dbname=openspace target_session_attrs=read-write");
  const auto err = [&](const std::string& store) {
    const auto p = d.write("bad.toml", replace(base, "STORE", store));
    std::string m = error_of([&] { load_node_config(p); });
    return m.substr(m.find(": ") + 2);
  };
  CHECK(err("[store]\npostgress = \"x\"") == "unknown key store.postgress (check the spelling)");
  CHECK(err("[store]\npostgres = \"\"").find("store.postgres is empty") == 0);
  CHECK(err("[store]\npostgres = 5") == "store.postgres must be a string");
}

TEST_CASE("node.toml: [auth] trusted_proxies takes IP addresses, canonical, and names a bad one in one line") {
  TempDir d;
  d.write("event.toml", kEvent);
  const std::string base =
      "[node]\nevent = \"event.toml\"\n[auth]\nstaff_pin = \"pbkdf2-sha256$1$00$00\"\nPROXIES\n";
  const auto load = [&](const std::string& proxies) { return load_node_config(d.write("node.toml", replace(base, "PROXIES", proxies))); };
  CHECK(load("").trusted_proxies.empty());
  const NodeConfig ok = load("trusted_proxies = [\"127.0.0.1\", \"::1\", \"2001:DB8:0:0::7\", \"::ffff:10.0.0.2\"]");
  CHECK(ok.trusted_proxies == std::vector<std::string>{"127.0.0.1", "::1", "2001:db8::7", "10.0.0.2"});
  const auto err = [&](const std::string& proxies) {
    const auto p = d.write("bad.toml", replace(base, "PROXIES", proxies));
    std::string m = error_of([&] { load_node_config(p); });
    return m.substr(m.find(": ") + 2);
  };
  CHECK(err("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]") ==
        "auth.trusted_proxies[1] \"10.0.0.0/8\" is not an IP address; give single addresses such as \"127.0.0.1\" or \"::1\" (no ranges)");
  CHECK(err("trusted_proxies = [\"a\\nb\"]").find('\n') == std::string::npos);
  CHECK(err("trusted_proxies = [1]") == "auth.trusted_proxies[0] must be a string, an IP address such as \"127.0.0.1\"");
  CHECK(err("trusted_proxies = \"127.0.0.1\"") == "auth.trusted_proxies must be an array");
}

TEST_CASE("kiosk files: mode, room, node URL and token are checked") {
  TempDir d;
  const std::string base =
      "[kiosk]\nid = \"room-a\"\nmode = \"room\"\nroom = \"A\"\nnode = \"http://127.0.0.1:8080/\"\n"
      "token = \"0123456789abcdef\"\nreplica = \"var/room-a.db\"\n[ui]\nscale = 1.25\n";
  const KioskConfig k = load_kiosk_config(d.write("k.toml", base));
  CHECK(k.node_url == "http://127.0.0.1:8080");
  CHECK(k.scale == doctest::Approx(1.25));
  CHECK(k.replica == d.file("var/room-a.db"));
  const auto err = [&](const std::string& text) {
    const auto p = d.write("bad.toml", text);
    std::string m = error_of([&] { load_kiosk_config(p); });
    return m.substr(m.find(": ") + 2);
  };
  CHECK(err(replace(base, "mode = \"room\"", "mode = \"lobby\"")) == "kiosk.mode \"lobby\" must be \"room\" or \"hallway\"");
  CHECK(err(replace(base, "room = \"A\"\n", "")) == "kiosk.room is missing (a room kiosk shows its own room first)");
  CHECK(err(replace(base, "http://127.0.0.1:8080/", "127.0.0.1:8080")).find("kiosk.node") == 0);
  CHECK(err(replace(base, "scale = 1.25", "scale = 9")) == "ui.scale must be between 0.5 and 3");
}

TEST_CASE("kiosk files: nodes = [...] names several nodes, each checked like node, exactly one of the two") {
  TempDir d;
  const std::string base =
      "[kiosk]\nid = \"room-a\"\nroom = \"A\"\nNODES\ntoken = \"0123456789abcdef\"\n";
  const auto load = [&](const std::string& nodes) { return load_kiosk_config(d.write("k.toml", replace(base, "NODES", nodes))); };
  const auto err = [&](const std::string& nodes) {
    const auto p = d.write("bad.toml", replace(base, "NODES", nodes));
    std::string m = error_of([&] { load_kiosk_config(p); });
    return m.empty() ? m : m.substr(m.find(": ") + 2);
  };
  const KioskConfig k = load("nodes = [\"http://10.0.0.1:8080/\", \"https://node-b.venue\"]");
  CHECK(k.nodes == std::vector<std::string>{"http://10.0.0.1:8080", "https://node-b.venue"});
  CHECK(k.node_url == "http://10.0.0.1:8080");  // the first
  CHECK(load("nodes = [\"http://10.0.0.1:8080\"]").nodes.size() == 1);
  // `node` works as before, and is the one entry of `nodes`.
  const KioskConfig one = load("node = \"http://10.0.0.1:8080/\"");
  CHECK(one.node_url == "http://10.0.0.1:8080");
  CHECK(one.nodes == std::vector<std::string>{"http://10.0.0.1:8080"});

  CHECK(err("node = \"http://a:1\"\nnodes = [\"http://b:1\"]") ==
        "kiosk.nodes and kiosk.node are both given: name one node with node = \"...\" or several with nodes = [...]");
  CHECK(err("") == "kiosk.node is missing (the node's URL; or nodes = [...] to name several)");
  CHECK(err("nodes = []") == "kiosk.nodes is empty: name at least one node URL, e.g. nodes = [\"http://192.168.10.2:8080\"]");
  CHECK(err("nodes = [\"http://a:1\", \"b:1\"]") == "kiosk.nodes[1] \"b:1\" must start with http:// or https://");
  CHECK(err("nodes = [\"ftp://a\"]") == "kiosk.nodes[0] \"ftp://a\" must start with http:// or https://");
  CHECK(err("nodes = [\"http://a:1\", 8080]") == "kiosk.nodes[1] must be a string, a node URL such as \"http://192.168.10.2:8080\"");
  CHECK(err("nodes = [\"http://a:1\", \"http://b:1\", \"http://a:1/\"]") == "kiosk.nodes[2] \"http://a:1/\" is a duplicate of kiosk.nodes[0]");
  CHECK(err("nodes = \"http://a:1\"") == "kiosk.nodes must be an array");
  CHECK(err("node = [\"http://a:1\"]") == "kiosk.node must be a string");
}

TEST_CASE("lightning sheets and room capacity load; bad ones are named in one line") {
  const std::string sheet = "\n[[lightning]]\nstart = \"17:30\"\ntalks = 12\nminutes = 5\ncloses = \"17:25\"\n";
  {
    TempDir d;
    const Event e = load_event(d.write("event.toml", replace(kEvent, "name = \"Room B\"", "name = \"Room B\"\ncapacity = 80") + sheet));
    REQUIRE(e.lightning.size() == 1);
    CHECK(e.lightning[0].start == 17 * 60 + 30);
    CHECK(e.lightning[0].talks == 12);
    CHECK(e.lightning[0].minutes == 5);
    CHECK(e.lightning[0].closes_at() == 17 * 60 + 25);
    CHECK(e.rooms[1].capacity == 80);
    CHECK(e.rooms[0].capacity == 0);
    CHECK(e.find_sheet(17 * 60 + 30));
  }
  {
    TempDir d;  // closes defaults to the start; talks and minutes to 12 and 5
    const Event e = load_event(d.write("event.toml", std::string(kEvent) + "\n[[lightning]]\nstart = \"18:00\"\n"));
    CHECK(e.lightning.at(0).closes_at() == 18 * 60);
    CHECK(e.lightning.at(0).talks == 12);
  }
  CHECK(event_error(std::string(kEvent) + "\n[[lightning]]\nstart = \"23:30\"\ntalks = 12\n") ==
        "lightning[0].talks 12 talks of 5 minutes from 23:30 run past midnight");
  CHECK(event_error(std::string(kEvent) + "\n[[lightning]]\nstart = \"17:30\"\ncloses = \"19:00\"\n") ==
        "lightning[0].closes 19:00 is after the sheet ends (18:30)");
  CHECK(event_error(std::string(kEvent) + sheet + "\n[[lightning]]\nstart = \"18:00\"\n").find("lightning[1].start 18:00 overlaps") == 0);
  CHECK(event_error(std::string(kEvent) + "\n[[lightning]]\nstart = \"17:30\"\ntalks = 0\n") == "lightning[0].talks must be between 1 and 50");
  CHECK(event_error(std::string(kEvent) + "\n[[lightning]]\nstart = \"17:30\"\nslots = 3\n") ==
        "unknown key lightning[0].slots (check the spelling)");
  CHECK(event_error(replace(kEvent, "name = \"Room B\"", "name = \"Room B\"\ncapacity = -3")) == "rooms[1].capacity must be between 1 and 100000");
}
