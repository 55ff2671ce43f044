// openspace-admin end to end against the real node: login with the PIN on stdin, status, block,
// reset --yes, export csv, the token file's mode, and the exit codes of its failures; lightning
// sheets, evening groups, moving a session and what the exports and the archive say of them.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/time.hpp"
#include "support/node_harness.hpp"

using osb::test::NodeHarness;

namespace {

struct AdminRun {
  int rc = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs openspace-admin with XDG_STATE_HOME in `state`, feeding `input` on stdin.
AdminRun admin(const osb::test::TempDir& state, const std::vector<std::string>& args, const std::string& input = "") {
  const std::string in = state.write("stdin.txt", input);
  std::string cmd = "XDG_STATE_HOME=" + quote(state.path()) + " " + quote(OPENSPACE_BINARY_DIR "/app/admin/openspace-admin");
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " < " + quote(in) + " > " + quote(state.file("out.txt")) + " 2> " + quote(state.file("err.txt"));
  const int status = std::system(cmd.c_str());
  AdminRun r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(state.file("out.txt"));
  r.err = slurp(state.file("err.txt"));
  return r;
}

}  // namespace

TEST_CASE("openspace-admin: login status block reset export end to end") {
  NodeHarness node;
  osb::test::TempDir state;
  const std::string day = node.days().at(1);
  auto run = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--node", node.url()});
    return admin(state, args, input);
  };

  // Not logged in yet.
  auto r = run({"block", day, "A", "10:00", "Keynote"});
  CHECK(r.rc == 4);
  CHECK(r.err.find("openspace-admin login") != std::string::npos);

  r = run({"login"}, "1111\n");
  CHECK(r.rc == 1);
  CHECK(r.err.find("wrong PIN") != std::string::npos);

  r = run({"login"}, "2468\n");
  REQUIRE(r.rc == 0);
  struct stat st {};
  REQUIRE(::stat(state.file("openspace/staff-token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-cli-1", day, "B", "10:00", "Rust, \"safely\""),
                    node.token("room-a"), {{"X-Kiosk-Version", "1.2.3"}, {"X-Kiosk-Outbox", "0"}, {"X-Kiosk-Lag-Ms", "250"}})
              .status == 201);

  r = run({"block", day, "A", "10:00", "Keynote"});
  CHECK(r.rc == 0);
  r = run({"block", day, "B", "10:00", "Keynote"});  // holds a session
  CHECK(r.rc == 1);

  r = run({"status"});
  CHECK(r.rc == 0);
  CHECK(r.out.find(day + "    1 claimed") != std::string::npos);
  CHECK(r.out.find("1 blocked") != std::string::npos);
  CHECK(r.out.find("room-a") != std::string::npos);
  CHECK(r.out.find("1.2.3") != std::string::npos);

  r = run({"export", "--format", "csv"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("claim-cli-1") != std::string::npos);
  r = run({"export", "--format", "json", "--out", state.file("export.json")});
  CHECK(r.rc == 0);
  CHECK(nlohmann::json::parse(slurp(state.file("export.json")))["sessions"].size() == 1);

  r = run({"reset", day, "--yes"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("1 session on " + day + " will be archived") != std::string::npos);
  CHECK(r.out.find("Archived 1") != std::string::npos);
  r = run({"archive", day});
  CHECK(r.rc == 0);
  CHECK(r.out.find("claim-cli-1") != std::string::npos);

  r = run({"logout"});
  CHECK(r.rc == 0);
  CHECK(run({"remove", "claim-cli-1"}).rc == 4);
}

TEST_CASE("openspace-admin: unreachable node exits 3 and usage errors exit 2") {
  osb::test::TempDir state;
  auto r = admin(state, {"--node", "http://127.0.0.1:1", "status"});
  CHECK(r.rc == 3);
  CHECK(r.err.find("http://127.0.0.1:1") != std::string::npos);
  CHECK(admin(state, {"--node", "http://127.0.0.1:1", "frobnicate"}).rc == 2);
  CHECK(admin(state, {"--config", state.file("missing.toml"), "status"}).rc == 2);
  CHECK(admin(state, {"--help"}).rc == 0);
}

TEST_CASE("openspace-admin: archive and kiosk times are in venue time, not UTC") {
  osb::test::NodeOptions o;
  o.timezone = "Pacific/Kiritimati";  // UTC+14: never the machine's zone, never UTC
  NodeHarness node(o);
  osb::test::TempDir state;
  const std::string day = node.days().at(2);
  auto run = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--node", node.url()});
    return admin(state, args, input);
  };
  REQUIRE(run({"login"}, "2468\n").rc == 0);
  const osb::VenueClock venue(o.timezone);
  const osb::LocalTime before = venue.now();
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-tz-1", day, "A", "10:00", "Time zones"),
                    node.token("room-a"), {{"X-Kiosk-Version", "1.2.3"}, {"X-Kiosk-Outbox", "0"}})
              .status == 201);
  REQUIRE(run({"reset", day, "--yes"}).rc == 0);
  const osb::LocalTime after = venue.now();
  auto shows_venue_time = [&](const std::string& out) {
    for (const osb::LocalTime& t : {before, after})
      if (out.find(osb::format_hhmm(t.minute) + ":") != std::string::npos) return true;
    return false;
  };
  auto r = run({"archive", day});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("claim-tz-1") != std::string::npos);
  CHECK(shows_venue_time(r.out));
  CHECK(r.out.find("Z ") == std::string::npos);  // no "2030-…T…Z" left
  r = run({"status"});
  REQUIRE(r.rc == 0);
  CHECK(shows_venue_time(r.out.substr(r.out.find("room-a"))));
  CHECK(r.out.find("Z ") == std::string::npos);
}

TEST_CASE("openspace-admin: logout ends the staff session on the node, not only here") {
  NodeHarness node;
  osb::test::TempDir state;
  auto run = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--node", node.url()});
    return admin(state, args, input);
  };
  REQUIRE(run({"login"}, "2468\n").rc == 0);
  std::string token = slurp(state.file("openspace/staff-token"));
  while (!token.empty() && token.back() == '\n') token.pop_back();
  REQUIRE(node.get("/api/v1/kiosks", token).status == 200);
  CHECK(run({"status"}).out.find("PIN checks: 0 wrong PINs in the last 10 minutes.") != std::string::npos);
  const auto r = run({"logout"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("the node ended the staff session") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(state.file("openspace/staff-token")));
  // A copy of the token (a stolen one, say) no longer works.
  CHECK(node.get("/api/v1/kiosks", token).status == 401);
  // Logging out again with no token is fine.
  CHECK(run({"logout"}).rc == 0);
  // With the node gone, the local token still goes, and the message says the session may live on.
  REQUIRE(run({"login"}, "2468\n").rc == 0);
  node.stop();
  const auto gone = run({"logout"});
  CHECK(gone.rc == 3);
  CHECK(gone.err.find("stays valid there") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(state.file("openspace/staff-token")));
}

namespace {

osb::test::NodeOptions evening_options() {
  osb::test::NodeOptions o;
  o.room_capacity = {{"A", 20}, {"B", 60}, {"C", 150}};
  o.extra_event_toml = "\n[[lightning]]\nstart = \"21:00\"\ntalks = 3\nminutes = 5\n";
  return o;
}

// A node with a lightning sheet, and openspace-admin pointed at it (its own state folder).
struct EveningAdmin {
  NodeHarness node{evening_options()};
  osb::test::TempDir state;
  std::string day = node.days().at(1);
  AdminRun run(std::vector<std::string> args) { return run_with_input(std::move(args), ""); }
  AdminRun run_with_input(std::vector<std::string> args, const std::string& input) {
    args.insert(args.begin(), {"--node", node.url()});
    return admin(state, args, input);
  }
};

nlohmann::json signup(const std::string& id, const std::string& day, const std::string& title, const std::string& speaker) {
  return {{"signup_id", id}, {"day", day}, {"start", "21:00"}, {"title", title}, {"speaker", speaker}};
}

// The sheet of `day` at 21:00 on the node's board, signup ids in their order.
std::vector<std::string> sheet_order(NodeHarness& node, const std::string& day) {
  std::vector<std::string> ids;
  const auto board = node.get("/api/v1/board").json();
  for (const auto& s : board["lightning"])
    if (s["day"] == day && s["start"] == "21:00")
      for (const auto& x : s["signups"]) ids.push_back(x["signup_id"].get<std::string>());
  return ids;
}

nlohmann::json board_cell(NodeHarness& node, const std::string& day, const std::string& room, const std::string& start) {
  const auto board = node.get("/api/v1/board").json();
  for (const auto& c : board["cells"])
    if (c["day"] == day && c["room"] == room && c["start"] == start) return c;
  return nullptr;
}

}  // namespace

TEST_CASE("openspace-admin: lightning sheets listed, reordered and a talk removed") {
  EveningAdmin e;
  NodeHarness& node = e.node;
  const std::string day = e.day;
  auto run = [&](std::vector<std::string> args) { return e.run(std::move(args)); };
  const std::string tok = node.token("room-a");
  REQUIRE(node.post("/api/v1/lightning", signup("talk-cli-1", day, "Emacs in 5 minutes", "Ana").dump(), tok).status == 201);
  REQUIRE(node.post("/api/v1/lightning", signup("talk-cli-2", day, "Vim in 5 minutes", "Bo").dump(), tok).status == 201);
  REQUIRE(node.post("/api/v1/lightning", signup("talk-cli-3", day, "Nano, seriously", "Cy").dump(), tok).status == 201);

  // Listing needs no login: the board is public.
  auto r = run({"lightning", day});
  CHECK(r.rc == 0);
  CHECK(r.out.find("21:00 " + osb::short_day_label(day) + " ") == 0);
  CHECK(r.out.find(" · 3 of 3 · sign-up closes 21:00\n") != std::string::npos);
  CHECK(r.out.find("  1. Emacs in 5 minutes — Ana  (talk-cli-1)\n") != std::string::npos);
  CHECK(r.out.find("  3. Nano, seriously — Cy  (talk-cli-3)\n") != std::string::npos);
  r = run({"lightning"});  // every day: the other two sheets are empty
  CHECK(r.rc == 0);
  CHECK(r.out.find("0 of 3") != std::string::npos);
  CHECK(r.out.find("no one has signed up yet") != std::string::npos);
  CHECK(r.out.find("talk-cli-2") != std::string::npos);

  // Staff only.
  CHECK(run({"lightning", "remove", "talk-cli-1"}).rc == 4);
  REQUIRE(e.run_with_input({"login"}, "2468\n").rc == 0);

  // Places now, signup ids, or both.
  r = run({"lightning", "order", day, "21:00", "3", "talk-cli-1", "2"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("New order of the 21:00 sheet") != std::string::npos);
  CHECK(r.out.find("  1. Nano, seriously — Cy  (talk-cli-3)\n") != std::string::npos);
  CHECK(sheet_order(node, day) == std::vector<std::string>{"talk-cli-3", "talk-cli-1", "talk-cli-2"});
  // Not every talk, a talk twice, one from nowhere: refused in one sentence, nothing sent.
  r = run({"lightning", "order", day, "21:00", "talk-cli-1", "talk-cli-2"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("leaves out talk-cli-3") != std::string::npos);
  CHECK(run({"lightning", "order", day, "21:00", "1", "1", "2"}).rc == 1);
  CHECK(run({"lightning", "order", day, "21:00", "talk-nowhere", "1", "2"}).err.find("talk-nowhere is not on") != std::string::npos);
  CHECK(run({"lightning", "order", day, "21:00", "4", "1", "2"}).err.find("has no place 4") != std::string::npos);
  CHECK(run({"lightning", "order", day, "17:00", "1", "2", "3"}).rc == 1);  // no sheet then
  CHECK(sheet_order(node, day) == std::vector<std::string>{"talk-cli-3", "talk-cli-1", "talk-cli-2"});

  r = run({"lightning", "remove", "talk-cli-1"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Removed \u201cEmacs in 5 minutes\u201d by Ana from the 21:00 sheet") != std::string::npos);
  CHECK(r.out.find("2 of 3 places are taken now") != std::string::npos);
  CHECK(sheet_order(node, day) == std::vector<std::string>{"talk-cli-3", "talk-cli-2"});
  r = run({"lightning", "remove", "talk-cli-1"});  // gone already: the node's sentence
  CHECK(r.rc == 1);
  CHECK(r.err.find("talk-cli-1") != std::string::npos);

  r = run({"status"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Lightning talks: 2 on 3 sheets · groups: 0 (0 joined)\n") != std::string::npos);

  r = run({"archive", day});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Lightning talks:\n") != std::string::npos);
  CHECK(r.out.find("removed  21:00 sheet") != std::string::npos);
  CHECK(r.out.find("Emacs in 5 minutes — Ana  [talk-cli-1]") != std::string::npos);

  r = run({"reset", day, "--yes"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("0 sessions on " + day + " will be archived, with 2 lightning talks and 0 evening groups.") != std::string::npos);
  CHECK(r.out.find("Archived 0 session(s), 2 lightning talk(s) and 0 evening group(s)") != std::string::npos);
  CHECK(sheet_order(node, day).empty());
}

TEST_CASE("openspace-admin: evening groups listed and removed, sessions moved, exports carry them") {
  EveningAdmin e;
  NodeHarness& node = e.node;
  const std::string day = e.day;
  auto run = [&](std::vector<std::string> args) { return e.run(std::move(args)); };
  const std::string tok = node.token("room-a");
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-mv-1", day, "A", "10:00", "Rust, safely"), tok).status == 201);
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-mv-2", day, "C", "11:00", "Go, quickly"), tok).status == 201);
  REQUIRE(node.post("/api/v1/claims/claim-mv-1/interest", R"({"interest_id":"interest-0001"})", tok).status == 200);
  const nlohmann::json group = {{"group_id", "group-cli-1"}, {"day", day},       {"time", "19:30"},
                                {"title", "Dinner: Thai"},   {"where", "Main entrance"}, {"seats", 8},
                                {"host", "Ana"},             {"continues", "claim-mv-1"}};
  REQUIRE(node.post("/api/v1/groups", group.dump(), tok).status == 201);
  for (int i = 1; i <= 5; ++i)
    REQUIRE(node.post("/api/v1/groups/group-cli-1/join", nlohmann::json{{"join_id", "join-cli-" + std::to_string(i)}}.dump(), tok)
                .status == 200);

  auto r = run({"groups", day});
  CHECK(r.rc == 0);
  CHECK(r.out.find("19:30 · Dinner: Thai · meet at Main entrance · 5 of 8 · by Ana (group-cli-1)\n") != std::string::npos);
  CHECK(r.out.find("continues the open space \u201cRust, safely\u201d") != std::string::npos);
  CHECK(run({"groups"}).out.find("group-cli-1") != std::string::npos);
  r = run({"groups", node.days().at(2)});
  CHECK(r.rc == 0);
  CHECK(r.out.find("No evening groups on") != std::string::npos);

  REQUIRE(e.run_with_input({"login"}, "2468\n").rc == 0);
  r = run({"status"});
  CHECK(r.out.find("Lightning talks: 0 on 3 sheets · groups: 1 (5 joined)\n") != std::string::npos);

  // Exports: JSON with the sheets and groups, CSV with interest and where a session came from.
  r = run({"export", "--format", "json", "--out", e.state.file("export.json")});
  CHECK(r.rc == 0);
  CHECK(r.err.find("Wrote 2 session(s), 0 lightning talk(s) and 1 evening group(s)") != std::string::npos);
  const auto exported = nlohmann::json::parse(slurp(e.state.file("export.json")));
  REQUIRE(exported["sessions"].size() == 2);
  CHECK(exported["sessions"][0]["claim_id"] == "claim-mv-1");
  CHECK(exported["sessions"][0]["interest"] == 1);
  CHECK(exported["lightning"].size() == 3);
  REQUIRE(exported["groups"].size() == 1);
  CHECK(exported["groups"][0]["joined"] == 5);
  CHECK(exported["groups"][0]["continues"] == "claim-mv-1");
  CHECK(exported["event"]["name"] == "Test Open Spaces");

  // Moves: to the same start in another room by default, to a start given, never onto a session.
  r = run({"move", "claim-mv-1", "C"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Moved \u201cRust, safely\u201d from Room A 10:00 to Room C 10:00") != std::string::npos);
  auto cell = board_cell(node, day, "C", "10:00");
  CHECK(cell["claim_id"] == "claim-mv-1");
  CHECK(cell["moved_from"]["room"] == "A");
  CHECK(board_cell(node, day, "A", "10:00")["state"] == "open");
  r = run({"move", "claim-mv-1", "C", "11:00"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("already taken") != std::string::npos);
  CHECK(board_cell(node, day, "C", "10:00")["claim_id"] == "claim-mv-1");
  r = run({"move", "claim-mv-1", "C"});  // already there
  CHECK(r.rc == 1);
  CHECK(r.err.find("already in room C") != std::string::npos);
  CHECK(run({"block", day, "B", "14:00", "Lunch talk"}).rc == 0);
  r = run({"move", "claim-mv-1", "b", "14:00"});  // a room by id, or by its name in any case: "room b"
  CHECK(r.rc == 1);
  CHECK(r.err.find("blocked") != std::string::npos);
  r = run({"move", "claim-mv-1", "room b", "11:00"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("from Room C 10:00 to Room B 11:00") != std::string::npos);
  CHECK(board_cell(node, day, "B", "11:00")["claim_id"] == "claim-mv-1");
  r = run({"move", "claim-nowhere", "A"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("no session with claim_id claim-nowhere is on the board") != std::string::npos);
  r = run({"move", "claim-mv-1", "Z"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("there is no room Z; the rooms are A, B, C.") != std::string::npos);

  r = run({"export", "--format", "csv"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("\"description\",\"claim_id\",\"interest\",\"moved_from_room\",\"moved_from_start\"\r\n") != std::string::npos);
  CHECK(r.out.find("\"claim-mv-1\",\"1\",\"C\",\"10:00\"\r\n") != std::string::npos);
  CHECK(r.out.find("\"claim-mv-2\",\"0\",\"\",\"\"\r\n") != std::string::npos);
  CHECK(r.out.find("claim-mv-1") < r.out.find("claim-mv-2"));  // B 11:00 before C 11:00

  r = run({"groups", "remove", "group-cli-1"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Removed the group \u201cDinner: Thai\u201d (19:30, ") != std::string::npos);
  CHECK(node.get("/api/v1/board").json()["groups"].empty());
  CHECK(run({"groups", "remove", "group-cli-1"}).rc == 1);
  CHECK(run({"groups"}).out.find("No evening groups yet.") != std::string::npos);
  r = run({"archive", day});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Evening groups:\n") != std::string::npos);
  CHECK(r.out.find("Dinner: Thai · meet at Main entrance · 5 of 8 · by Ana  [group-cli-1]") != std::string::npos);
  CHECK(r.out.find("removed ") != std::string::npos);
}

TEST_CASE("openspace-admin: lightning, groups and move refuse bad input in one sentence, exit 2") {
  EveningAdmin e;
  const std::string day = e.day;
  auto run = [&](std::vector<std::string> args) { return e.run(std::move(args)); };
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"lightning", day, "extra"},
           {"lightning", "tomorrow"},
           {"lightning", "remove"},
           {"lightning", "remove", "a", "b"},
           {"lightning", "order", day, "21:00"},
           {"lightning", "order", day, "9pm", "talk-cli-1"},
           {"lightning", "order", "next-day", "21:00", "talk-cli-1"},
           {"groups", day, "extra"},
           {"groups", "13-03-2030"},
           {"groups", "remove"},
           {"move"},
           {"move", "claim-mv-1"},
           {"move", "claim-mv-1", "A", "ten"},
           {"move", "claim-mv-1", "A", "10:00", "extra"},
       }) {
    const auto r = run(args);
    CAPTURE(args.size());
    CAPTURE(r.err);
    CHECK(r.rc == 2);
    CHECK(r.err.find("usage: openspace-admin") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  // A well-formed day that is not one of the event's: refused, not a usage error.
  CHECK(run({"lightning", "2001-01-01"}).rc == 1);
  CHECK(run({"groups", "2001-01-01"}).err.find("2001-01-01 is not a day of this event.") != std::string::npos);
  // Staff commands before a login.
  CHECK(run({"move", "claim-mv-1", "A"}).rc == 4);
  CHECK(run({"groups", "remove", "group-cli-1"}).rc == 4);
  CHECK(run({"lightning", "order", day, "21:00", "1"}).rc == 4);
  CHECK(admin(e.state, {"--help"}).out.find("lightning order DAY START") != std::string::npos);
}
