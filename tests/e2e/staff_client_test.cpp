// StaffClient against a scripted node (cpp-httplib on 127.0.0.1, real libcurl): a login answer
// that comes after the PIN pad stopped waiting must not unlock, and Lock revokes the session on
// the node without the UI thread waiting for it.
#include <doctest/doctest.h>

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "drain_until.hpp"
#include "kiosk/run_queue.hpp"
#include "kiosk/staff_client.hpp"

using namespace osb;
using namespace osb::kiosk;
using namespace osb::test;
using namespace std::chrono_literals;

namespace {

// POST /staff/session answers {"token": ...} once released; DELETE /staff/session records the
// bearer it was sent and answers `delete_status`.
class StubStaffNode {
 public:
  explicit StubStaffNode(int delete_status) : delete_status_(delete_status) {
    server_.Post("/api/v1/staff/session", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      ++logins_;
      login_auth_.push_back(req.get_header_value("Authorization"));
      cv_.notify_all();
      cv_.wait_for(lock, 10s, [&] { return released_ || closing_; });
      res.set_content(R"({"token":"staff-token-late-0123456789abcdef"})", "application/json");
    });
    server_.Delete("/api/v1/staff/session", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      revoked_.push_back(req.get_header_value("Authorization"));
      res.status = delete_status_;
      if (delete_status_ == 404) res.set_content("<html>Not Found</html>", "text/html");
    });
    server_.Get("/api/v1/kiosks", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      fleet_auth_.push_back(req.get_header_value("Authorization"));
      res.set_content(R"({"kiosks":[]})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (!server_.is_running() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(2ms);
    REQUIRE(server_.is_running());
  }
  ~StubStaffNode() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    cv_.notify_all();
  }
  bool wait_login() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return logins_ > 0; });
  }
  std::vector<std::string> revoked() {
    std::lock_guard lock(mutex_);
    return revoked_;
  }
  std::vector<std::string> login_auth() {
    std::lock_guard lock(mutex_);
    return login_auth_;
  }
  std::vector<std::string> fleet_auth() {
    std::lock_guard lock(mutex_);
    return fleet_auth_;
  }

 private:
  int delete_status_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool released_ = false, closing_ = false;
  int logins_ = 0;
  std::vector<std::string> revoked_, fleet_auth_, login_auth_;
};

}  // namespace

TEST_CASE("a login answer that arrives after the PIN pad was cancelled does not unlock, and its token is revoked") {
  StubStaffNode node(204);
  RunQueue q;
  StaffClient staff(node.url(), {}, q, nullptr);
  staff.login("2468");
  REQUIRE(node.wait_login());
  staff.cancel_login();  // Cancel during "Checking…"
  node.release();
  REQUIRE(drain_until(q, [&] { return !node.revoked().empty(); }));
  CHECK(node.revoked()[0] == "Bearer staff-token-late-0123456789abcdef");
  CHECK(staff.state().token.empty());
  CHECK(staff.state().message != "Staff mode is unlocked.");
  staff.stop();
}

TEST_CASE("Lock forgets the token at once and revokes it on the node; later requests carry no old bearer") {
  for (const int status : {204, 404, 405}) {
    CAPTURE(status);
    StubStaffNode node(status);
    node.release();
    RunQueue q;
    StaffClient staff(node.url(), {}, q, nullptr);
    staff.login("2468");
    REQUIRE(drain_until(q, [&] { return !staff.state().token.empty(); }));
    CHECK(staff.state().message == "Staff mode is unlocked.");
    staff.refresh_fleet();
    REQUIRE(drain_until(q, [&] { return !staff.state().busy; }));
    REQUIRE(node.fleet_auth().size() == 1);
    CHECK(node.fleet_auth()[0] == "Bearer staff-token-late-0123456789abcdef");

    const auto t0 = std::chrono::steady_clock::now();
    staff.logout();
    CHECK(std::chrono::steady_clock::now() - t0 < 50ms);  // the UI thread does not wait for the node
    CHECK(staff.state().token.empty());
    CHECK_FALSE(staff.state().busy);  // nothing to show: the person has left staff mode
    REQUIRE(drain_until(q, [&] { return !node.revoked().empty(); }));
    CHECK(node.revoked()[0] == "Bearer staff-token-late-0123456789abcdef");
    CHECK(drain_until(q, [&] { return staff.state().message.empty() && !staff.state().busy; }));

    // A login after Lock does not send the revoked token along.
    staff.login("2468");
    REQUIRE(drain_until(q, [&] { return !staff.state().token.empty(); }));
    REQUIRE(node.login_auth().size() == 2);
    CHECK(node.login_auth()[1].empty());
    staff.stop();
  }
}

TEST_CASE("a login still in flight when staff mode is locked does not unlock either") {
  StubStaffNode node(204);
  RunQueue q;
  StaffClient staff(node.url(), {}, q, nullptr);
  staff.login("2468");
  REQUIRE(node.wait_login());
  staff.logout();
  node.release();
  REQUIRE(drain_until(q, [&] { return !node.revoked().empty(); }));
  CHECK(staff.state().token.empty());
  staff.stop();
}
