// HttpClient against a real HTTP server on 127.0.0.1 (cpp-httplib on an ephemeral port), real libcurl.
#include <doctest/doctest.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "sync/http_client.hpp"

using namespace osb;
using namespace std::chrono_literals;

namespace {

// A tiny server with the routes these tests need, stopped in its destructor.
class TestServer {
 public:
  TestServer() {
    server_.Get("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mutex_);
        ports_.insert(req.remote_port);
      }
      res.set_header("X-Seen-Auth", req.get_header_value("Authorization"));
      res.set_header("X-Seen-Outbox", req.get_header_value("X-Kiosk-Outbox"));
      res.set_content("{\"ok\":true}", "application/json");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_content(req.body, "application/json");
      res.set_header("X-Seen-Type", req.get_header_value("Content-Type"));
    });
    server_.Delete("/thing", [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.method, "text/plain"); });
    server_.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "7");
      res.set_content("{\"error\":\"rate_limited\",\"message\":\"Slow down.\"}", "application/json");
    });
    // Holds the request like a long-poll until released (or 10 s pass).
    server_.Get("/hold", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      ++holding_;
      cv_.notify_all();
      cv_.wait_for(lock, 10s, [&] { return released_; });
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // cpp-httplib 0.11 has no wait_until_ready(): poll is_running() with a deadline.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    REQUIRE(server_.is_running());
  }
  ~TestServer() {
    release();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }
  bool wait_holding(std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, deadline, [&] { return holding_ > 0; });
  }
  std::size_t distinct_ports() {
    std::lock_guard lock(mutex_);
    return ports_.size();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  int holding_ = 0;
  bool released_ = false;
  std::set<int> ports_;
};

}  // namespace

TEST_CASE("a GET sends the client's headers and reuses one connection") {
  TestServer server;
  HttpOptions o;
  o.headers["Authorization"] = "Bearer secret-token-123456";
  HttpClient http(server.url() + "/", o);  // a trailing slash on the base URL is harmless
  http.set_header("X-Kiosk-Outbox", "3");
  const HttpResponse a = http.get("/echo");
  REQUIRE(a.transport_ok());
  CHECK(a.status == 200);
  CHECK(a.body == "{\"ok\":true}");
  CHECK(a.headers.at("x-seen-auth") == "Bearer secret-token-123456");
  CHECK(a.headers.at("x-seen-outbox") == "3");
  http.set_header("X-Kiosk-Outbox", "0");
  const HttpResponse b = http.get("/echo");
  CHECK(b.headers.at("x-seen-outbox") == "0");
  CHECK(server.distinct_ports() == 1);
}

TEST_CASE("POST sends a JSON body and DELETE sends its method") {
  TestServer server;
  HttpClient http(server.url());
  const HttpResponse r = http.post("/echo", "{\"claim_id\":\"abc-12345\"}");
  CHECK(r.status == 201);
  CHECK(r.body == "{\"claim_id\":\"abc-12345\"}");
  CHECK(r.headers.at("x-seen-type") == "application/json");
  const HttpResponse d = http.del("/thing");
  CHECK(d.status == 200);
  CHECK(d.body == "DELETE");
}

TEST_CASE("an HTTP error is a status with a body, and Retry-After is parsed") {
  TestServer server;
  HttpClient http(server.url());
  const HttpResponse r = http.get("/busy");
  CHECK(r.transport_ok());
  CHECK(r.status == 429);
  CHECK(r.retry_after_s == 7);
  CHECK(r.body.find("rate_limited") != std::string::npos);
  CHECK(http.get("/missing").status == 404);
}

TEST_CASE("a refused connection is a transport error, not a status") {
  int port = 0;
  {
    TestServer gone;  // take a free port, then close it
    port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  HttpClient http("http://127.0.0.1:" + std::to_string(port));
  const HttpResponse r = http.get("/echo");
  CHECK(r.status == 0);
  CHECK_FALSE(r.transport_ok());
  CHECK_FALSE(r.cancelled);
  CHECK_FALSE(r.transport_error.empty());
}

TEST_CASE("the total timeout ends a request that gets no answer") {
  TestServer server;
  HttpClient http(server.url());
  const auto t0 = std::chrono::steady_clock::now();
  const HttpResponse r = http.get("/hold", 300);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.status == 0);
  CHECK_FALSE(r.cancelled);
  CHECK_FALSE(r.transport_error.empty());
  CHECK(took < 3s);
}

TEST_CASE("cancel() from another thread ends a held request within a few hundred milliseconds") {
  TestServer server;
  HttpClient http(server.url());
  HttpResponse r;
  std::chrono::steady_clock::duration took{};
  std::thread t([&] {
    const auto t0 = std::chrono::steady_clock::now();
    r = http.get("/hold", 30000);
    took = std::chrono::steady_clock::now() - t0;
  });
  REQUIRE(server.wait_holding(5s));
  const auto c0 = std::chrono::steady_clock::now();
  http.cancel();
  t.join();
  const auto after_cancel = std::chrono::steady_clock::now() - c0;
  CHECK(r.cancelled);
  CHECK(r.status == 0);
  CHECK(after_cancel < 500ms);
  CHECK(took < 5s);
  // Cancelled stays cancelled until reset: later requests return at once.
  CHECK(http.get("/echo").cancelled);
  http.reset_cancel();
  server.release();
  CHECK(http.get("/echo").status == 200);
}

TEST_CASE("an https URL verifies the certificate: a plain HTTP server is a transport error") {
  TestServer server;
  const std::string url = server.url();
  HttpClient http("https://" + url.substr(std::string("http://").size()));
  const HttpResponse r = http.get("/echo", 2000);
  CHECK(r.status == 0);
  CHECK_FALSE(r.transport_error.empty());
}
