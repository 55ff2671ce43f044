// Scheduled talks on the real node over HTTP: PUT /api/v1/schedule (staff, 8 MiB, 400 naming
// the element), the board's and changes' "talks", the event's backchannel, GET /api/v1/schedule,
// and openspace-admin import-schedule (dry run and real) and status.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "support/node_harness.hpp"

using osb::test::NodeHarness;
using osb::test::NodeOptions;
using Json = nlohmann::json;

namespace {

std::string data_path(const std::string& name) { return std::string(OPENSPACE_SOURCE_DIR) + "/tests/data/schedules/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

NodeOptions berlin() {
  NodeOptions o;
  o.timezone = "Europe/Berlin";
  o.backchannel = "#pycon";
  return o;
}

const Json* talk(const Json& list, const std::string& id) {
  for (const auto& t : list)
    if (t["id"] == id) return &t;
  return nullptr;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Sends `head` on a new connection to 127.0.0.1:port and reads until the node closes it (5 s at most).
std::string raw_exchange(int port, const std::string& head) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return got;
}

struct AdminRun {
  int rc = -1;
  std::string out, err;
};

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

TEST_CASE("schedule: staff import, the board's talks, changes since N, a second import and the last import") {
  NodeHarness node(berlin());
  const std::string staff = node.staff_token();
  const std::string doc = slurp(data_path("38c3-frab.xml"));

  CHECK(node.put("/api/v1/schedule", doc).status == 401);
  CHECK(node.put("/api/v1/schedule", doc, node.token("room-a")).status == 403);

  const std::int64_t seq0 = node.get("/api/v1/board").json()["seq"].get<std::int64_t>();
  auto r = node.put("/api/v1/schedule?source=38c3.xml", doc, staff);
  REQUIRE(r.status == 200);
  const Json a = r.json();
  CHECK(a["talks"] == 310);
  CHECK(a["added"] == 310);
  CHECK(a["updated"] == 0);
  CHECK(a["cancelled"] == 0);
  CHECK(a["unchanged"] == 0);
  CHECK(a["seq"] == seq0 + 1);

  const Json board = node.get("/api/v1/board").json();
  CHECK(board["event"]["backchannel"] == "#pycon");
  REQUIRE(board["talks"].size() == 310);
  const Json* fnord = talk(board["talks"], "19b141f2-0f27-5d84-9e90-0d2474d37b7e");
  REQUIRE(fnord);
  CHECK((*fnord)["day"] == "2024-12-27");
  CHECK((*fnord)["start"] == "2024-12-28T01:10");
  CHECK((*fnord)["end"] == "2024-12-28T02:40");
  CHECK((*fnord)["room"] == "Saal 1");
  CHECK((*fnord)["state"] == "scheduled");
  CHECK((*fnord)["title"] == "Fnord-Nachrichtenrückblick 2024");

  Json ch = node.get("/api/v1/changes?since=" + std::to_string(seq0)).json();
  CHECK(ch["talks"].size() == 310);

  // The same document again: nothing added, nothing duplicated, one more seq.
  r = node.put("/api/v1/schedule", doc, staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["unchanged"] == 310);
  CHECK(r.json()["seq"] == seq0 + 2);
  CHECK(node.get("/api/v1/board").json()["talks"].size() == 310);
  ch = node.get("/api/v1/changes?since=" + std::to_string(seq0 + 1)).json();
  CHECK(ch["talks"].empty());

  // An edited copy: one talk moved to another room, one removed.
  std::string edited = doc;
  const auto from = edited.find("<event guid=\"19b141f2-0f27-5d84-9e90-0d2474d37b7e\"");
  REQUIRE(from != std::string::npos);
  edited.erase(from, edited.find("</event>", from) + 8 - from);
  const auto moved = edited.find("<event guid=\"270fa44c-821a-577f-8ca3-33e8d4a8c2a7\"");
  const auto room = edited.find("<room>Saal 1</room>", moved);
  REQUIRE(room != std::string::npos);
  edited.replace(room, 19, "<room>Saal GLITCH</room>");
  r = node.put("/api/v1/schedule", edited, staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["talks"] == 309);
  CHECK(r.json()["updated"] == 1);
  CHECK(r.json()["cancelled"] == 1);
  CHECK(r.json()["unchanged"] == 308);
  ch = node.get("/api/v1/changes?since=" + std::to_string(seq0 + 2)).json();
  REQUIRE(ch["talks"].size() == 2);
  const Json after = node.get("/api/v1/board").json();
  CHECK(after["talks"].size() == 310);
  CHECK((*talk(after["talks"], "19b141f2-0f27-5d84-9e90-0d2474d37b7e"))["state"] == "cancelled");
  CHECK((*talk(after["talks"], "270fa44c-821a-577f-8ca3-33e8d4a8c2a7"))["room"] == "Saal GLITCH");

  r = node.get("/api/v1/schedule", staff);
  REQUIRE(r.status == 200);
  CHECK(r.json()["last_import"]["talks"] == 309);
  CHECK(r.json()["last_import"]["source"] == "");
  CHECK(r.json()["scheduled"] == 309);
  CHECK(r.json()["cancelled"] == 1);
  CHECK(node.get("/api/v1/schedule").status == 401);
}

TEST_CASE("schedule: a malformed document is 400 naming the element or key and changes nothing, over 8 MiB is 413") {
  NodeHarness node(berlin());
  const std::string staff = node.staff_token();
  REQUIRE(node.put("/api/v1/schedule", slurp(data_path("pretalx-democon.json")), staff).status == 200);
  const Json before = node.get("/api/v1/board").json();

  auto r = node.put("/api/v1/schedule",
                    "<schedule><day date='2024-12-27'><room name='A'><event guid='g'><date>2024-12-27T10:00:00Z</date>"
                    "<duration>ninety</duration><title>T</title></event></room></day></schedule>",
                    staff);
  CHECK(r.status == 400);
  CHECK(r.error() == "invalid");
  CHECK(r.json()["message"].get<std::string>().find("/event[@guid=\"g\"]/duration") != std::string::npos);
  r = node.put("/api/v1/schedule", R"({"schedule":{"conference":{"days":[{"date":"2020-12-14","rooms":{"Gray":[{"id":1,"title":"x","date":3}]}}]}}})", staff);
  CHECK(r.status == 400);
  CHECK(r.json()["message"].get<std::string>().find("rooms.Gray[0].date") != std::string::npos);
  CHECK(node.put("/api/v1/schedule", "", staff).status == 400);
  CHECK(node.put("/api/v1/schedule?source=%0A", slurp(data_path("pretalx-democon.json")), staff).status == 400);

  // Over 8 MiB: 413 from the headers alone (the node answers before reading the body, then
  // closes), so only the head is sent here.
  const std::string over = raw_exchange(node.port(), "PUT /api/v1/schedule HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                          staff + "\r\nContent-Length: " + std::to_string(8 * 1024 * 1024 + 1) +
                                                          "\r\n\r\n");
  CHECK(over.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(over.find("too_large") != std::string::npos);
  // Other routes keep 16 KiB.
  r = node.put("/api/v1/announcement", std::string(16 * 1024 + 1, ' '), staff);
  CHECK(r.status == 413);

  const Json after = node.get("/api/v1/board").json();
  CHECK(after["seq"] == before["seq"]);
  CHECK(after["talks"] == before["talks"]);
  // Up to 8 MiB is read: a big valid document (padding in a comment) imports.
  std::string big = slurp(data_path("romhack-camp-2026-pretalx.xml"));
  big.insert(big.find("<schedule>"), "<!--" + std::string(6 * 1024 * 1024, 'x') + "-->\n");
  r = node.put("/api/v1/schedule", big, staff);
  CHECK(r.status == 200);
  CHECK(r.json()["added"] == 10);
  CHECK(r.json()["cancelled"] == 36);
}

TEST_CASE("openspace-admin import-schedule: dry run sends nothing, the import prints its counts, status shows it") {
  NodeHarness node(berlin());
  osb::test::TempDir state;
  REQUIRE(admin(state, {"--node", node.url(), "login"}, std::string(osb::test::kStaffPin) + "\n").rc == 0);
  const std::string file = data_path("36c3-merged.xml");

  AdminRun r = admin(state, {"--node", node.url(), "import-schedule", file, "--dry-run"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("dry run, nothing sent: would import 110 talks: 110 added, 0 updated, 0 cancelled, 0 unchanged") == 0);
  CHECK(node.get("/api/v1/board").json()["talks"].empty());

  r = admin(state, {"--node", node.url(), "import-schedule", file});
  CHECK(r.rc == 0);
  CHECK(r.out == "imported 110 talks: 110 added, 0 updated, 0 cancelled, 0 unchanged\n");
  r = admin(state, {"--node", node.url(), "import-schedule", file});
  CHECK(r.out == "imported 110 talks: 0 added, 0 updated, 0 cancelled, 110 unchanged\n");
  CHECK(node.get("/api/v1/board").json()["talks"].size() == 110);

  r = admin(state, {"--node", node.url(), "status"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("Talks: 110 scheduled, 0 cancelled") != std::string::npos);
  CHECK(r.out.find("from " + file + ": 110 talks (0 added, 0 updated, 0 cancelled, 110 unchanged)") != std::string::npos);

  // A broken file is reported before anything is sent.
  const std::string broken = state.write("broken.xml", "<schedule><day date='2019-12-27'><room name='A'><event id='1'>"
                                                       "<date>2019-12-27T10:00:00+01:00</date><title>x</title></event></room></day></schedule>");
  r = admin(state, {"--node", node.url(), "import-schedule", broken});
  CHECK(r.rc == 1);
  CHECK(r.err.find("duration") != std::string::npos);
  CHECK(node.get("/api/v1/board").json()["talks"].size() == 110);
  r = admin(state, {"--node", node.url(), "import-schedule", state.file("missing.xml")});
  CHECK(r.rc == 2);
  CHECK(r.err.find("cannot read") != std::string::npos);
}
