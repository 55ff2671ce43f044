// openspace-admin end to end against the real node: login with the PIN on stdin, status, block,
// reset --yes, export csv, the token file's mode, and the exit codes of its failures.
#include <doctest/doctest.h>
#include <sys/stat.h>

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
  CHECK(nlohmann::json::parse(slurp(state.file("export.json"))).size() == 1);

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
