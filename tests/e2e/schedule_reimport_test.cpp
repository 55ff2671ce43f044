// The staff panel's one-tap re-import, end to end: the real node, the kiosk's StaffClient (real
// libcurl) and the programme's own web server (cpp-httplib on 127.0.0.1). The first import came
// from a URL; the programme then changes (a talk moved, one dropped); "Import again" fetches the
// URL and the board has the new programme, the dropped talk kept as cancelled. A programme that
// cannot be fetched changes nothing and says why; one imported from a file says how to renew it.
#include <doctest/doctest.h>

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "drain_until.hpp"
#include "kiosk/run_queue.hpp"
#include "kiosk/staff_client.hpp"
#include "support/node_harness.hpp"

using namespace osb;
using namespace osb::kiosk;
using namespace osb::test;
using namespace std::chrono_literals;

namespace {

std::string programme(const std::string& day, bool second) {
  std::string x = "<?xml version=\"1.0\"?><schedule><day index=\"1\" date=\"" + day + "\"><room name=\"Hall 1\">";
  auto ev = [&](const std::string& guid, const std::string& start, const std::string& title) {
    x += "<event guid=\"" + guid + "\"><date>" + day + "T" + start + ":00</date><start>" + start +
         "</start><duration>00:45</duration><room>Hall 1</room><title>" + title + "</title></event>";
  };
  ev("g-1", second ? "11:00" : "10:00", "Async IO in depth");  // moved in the second version
  ev("g-2", "14:00", "Packaging without tears");
  if (!second) ev("g-3", "14:30", "Typing the untypeable");      // dropped in the second
  return x + "</room></day></schedule>";
}

class ProgrammeServer {
 public:
  explicit ProgrammeServer(std::string day) : day_(std::move(day)) {
    server_.Get("/schedule.xml", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      if (status_ != 200) {
        res.status = status_;
        return;
      }
      res.set_content(programme(day_, second_), "application/xml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (!server_.is_running() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(2ms);
    REQUIRE(server_.is_running());
  }
  ~ProgrammeServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/schedule.xml"; }
  void publish_second() { std::lock_guard lock(mutex_); second_ = true; }
  void fail_with(int status) { std::lock_guard lock(mutex_); status_ = status; }

 private:
  std::string day_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  bool second_ = false;
  int status_ = 200;
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ':' || c == '/') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else out += c;
  }
  return out;
}

template <class Pred>
bool drain_until_10s(RunQueue& q, Pred pred) { return drain_until(q, pred, 10s); }

void login(RunQueue& q, StaffClient& staff) {
  staff.login(kStaffPin);
  REQUIRE(drain_until_10s(q, [&] { return !staff.state().token.empty(); }));
}

}  // namespace

TEST_CASE("Import again fetches the last import's URL: moved talks move, a dropped one is kept as cancelled") {
  NodeHarness node;
  const std::string day = local_day(0);
  ProgrammeServer programme_server(day);
  // The first import, as openspace-admin import-schedule URL does it.
  const auto first = node.put("/api/v1/schedule?source=" + escape(programme_server.url()), programme(day, false), node.staff_token());
  REQUIRE(first.status == 200);
  CHECK(first.json()["added"] == 3);

  RunQueue q;
  StaffClient staff(node.url(), {}, q, nullptr);
  login(q, staff);
  staff.refresh_schedule();
  REQUIRE(drain_until_10s(q, [&] { return staff.state().schedule.known && !staff.state().busy; }));
  CHECK(staff.state().schedule.imported);
  CHECK(staff.state().schedule.source == programme_server.url());
  CHECK(staff.state().schedule.reimportable());
  CHECK(staff.state().schedule.scheduled == 3);

  programme_server.publish_second();
  staff.reimport_schedule();
  REQUIRE(drain_until_10s(q, [&] { return !staff.state().busy && staff.state().schedule.known; }));
  CHECK(staff.state().message == "Programme imported again: 2 talks, 0 new, 1 changed, 1 cancelled.");
  CHECK(staff.state().schedule.scheduled == 2);
  CHECK(staff.state().schedule.cancelled_total == 1);
  // The board every kiosk reads has the new programme.
  const auto board = node.get("/api/v1/board", node.token("room-a")).json();
  int cancelled = 0;
  for (const auto& t : board["talks"]) {
    if (t["id"] == "g-1") CHECK(t["start"].get<std::string>() == day + "T11:00");
    if (t["state"] == "cancelled") {
      ++cancelled;
      CHECK(t["id"] == "g-3");
    }
  }
  CHECK(cancelled == 1);

  // The programme's server fails: nothing changes, and the sentence says why.
  const auto seq_before = node.get("/api/v1/board", node.token("room-a")).json()["seq"];
  programme_server.fail_with(503);
  staff.reimport_schedule();
  REQUIRE(drain_until_10s(q, [&] { return !staff.state().busy && staff.state().schedule.known; }));
  CHECK(staff.state().message == "The programme could not be fetched from " + programme_server.url() + " (HTTP 503); nothing changed.");
  CHECK(node.get("/api/v1/board", node.token("room-a")).json()["seq"] == seq_before);
  staff.stop();
}

TEST_CASE("a programme imported from a file is not fetched: the panel says to import it again with openspace-admin") {
  NodeHarness node;
  const std::string day = local_day(0);
  REQUIRE(node.put("/api/v1/schedule?source=schedule.xml", programme(day, false), node.staff_token()).status == 200);
  RunQueue q;
  StaffClient staff(node.url(), {}, q, nullptr);
  login(q, staff);
  staff.refresh_schedule();
  REQUIRE(drain_until_10s(q, [&] { return staff.state().schedule.known && !staff.state().busy; }));
  CHECK_FALSE(staff.state().schedule.reimportable());
  staff.reimport_schedule();
  REQUIRE(drain_until_10s(q, [&] { return !staff.state().busy && staff.state().schedule.known; }));
  CHECK(staff.state().message == "It came from a file: import it again with openspace-admin import-schedule.");
  staff.stop();
}
