// SyncWorker against a scripted HTTP server (cpp-httplib on 127.0.0.1, real libcurl, real
// replica files): the answers a real node rarely gives on demand (503, 429 with Retry-After, a
// long-poll that never ends) and the exact headers the worker sends. The behaviour against the
// real node is in sync_worker_test.cpp.
#include <doctest/doctest.h>

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "codec/codec.hpp"
#include "support/temp_dir.hpp"
#include "sync_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace std::chrono_literals;

namespace {

struct SeenRequest {
  std::string method, path, body;
  std::map<std::string, std::string> headers;  // the X-Kiosk-* and Authorization headers
  std::chrono::steady_clock::time_point at;
};

// A node stand-in: serves a fixed board, holds every /changes until stopped, and answers
// POST /claims with the answer set by set_claim_answer (503 by default).
class StubNode {
 public:
  using ClaimAnswer = std::function<void(const httplib::Request&, httplib::Response&, int attempt)>;
  // Replaces how POST /claims answers; the server's threads read it under the lock.
  void set_claim_answer(ClaimAnswer answer) {
    std::lock_guard lock(mutex_);
    claim_answer_ = std::move(answer);
  }

  // GET /api/v1/board answers 503 busy with this Retry-After (0: the board, as normally).
  void set_board_busy(int retry_after_s) { board_busy_ = retry_after_s; }
  // The next `n` GET /api/v1/changes answer 410 gone (then they are held as normally).
  void set_changes_gone(int n) { changes_gone_ = n; }

  StubNode() : board_(fresh_node_board(sample_event())) {
    server_.Get("/api/v1/board", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (const int busy = board_busy_.load(); busy > 0) {
        res.status = 503;
        res.set_header("Retry-After", std::to_string(busy));
        res.set_content(R"({"error":"busy","message":"The node is busy."})", "application/json");
        return;
      }
      res.set_content(json::dump(json::encode(board_)), "application/json");
    });
    server_.Get("/api/v1/changes", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (changes_gone_.fetch_sub(1) > 0) {
        res.status = 410;
        res.set_content(R"({"error":"gone","message":"The board was replaced."})", "application/json");
        return;
      }
      std::unique_lock lock(mutex_);
      ++held_;
      cv_.wait_for(lock, 30s, [&] { return closing_; });
      --held_;
      res.set_content(json::dump(json::encode(Changes{board_.epoch, board_.seq, {}, std::nullopt})), "application/json");
    });
    server_.Post("/api/v1/claims", [this](const httplib::Request& req, httplib::Response& res) {
      const int n = record(req);
      ClaimAnswer answer;
      {
        std::lock_guard lock(mutex_);
        answer = claim_answer_;
      }
      answer(req, res, n);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    REQUIRE(wait_until([&] { return server_.is_running(); }));
  }
  ~StubNode() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::vector<SeenRequest> seen_path(const std::string& path) {
    std::vector<SeenRequest> out;
    for (auto& r : seen())
      if (r.path == path) out.push_back(r);
    return out;
  }
  std::vector<SeenRequest> seen_posts() {
    std::vector<SeenRequest> out;
    for (auto& r : seen())
      if (r.method == "POST") out.push_back(r);
    return out;
  }
  int held() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  const Board& board() const { return board_; }

 private:
  // Returns how many claims were posted so far, this one included.
  int record(const httplib::Request& req) {
    SeenRequest s{req.method, req.path, req.body, {}, std::chrono::steady_clock::now()};
    for (const char* h : {"Authorization", "X-Kiosk-Version", "X-Kiosk-Outbox", "X-Kiosk-Lag-Ms"})
      if (req.has_header(h)) s.headers[h] = req.get_header_value(h);
    std::lock_guard lock(mutex_);
    seen_.push_back(s);
    int posts = 0;
    for (auto& r : seen_) posts += r.method == "POST";
    return posts;
  }

  Board board_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  ClaimAnswer claim_answer_ = [](const httplib::Request&, httplib::Response& res, int) {
    res.status = 503;
    res.set_content(R"({"error":"unavailable","message":"The node is busy."})", "application/json");
  };
  std::atomic<int> board_busy_{0};
  std::atomic<int> changes_gone_{0};
  std::condition_variable cv_;
  bool closing_ = false;
  int held_ = 0;
  std::vector<SeenRequest> seen_;
};

SyncOptions options_for(const std::string& url, const std::string& replica) {
  SyncOptions o;
  o.node_url = url;
  o.token = "room-a-token-0123456789";
  o.kiosk_id = "room-a";
  o.replica_path = replica;
  o.version = "9.9.9-test";
  o.backoff_min_ms = 20;
  o.backoff_max_ms = 200;
  o.offline_after_ms = 300;
  return o;
}

}  // namespace

TEST_CASE("every request carries the token, the version and the number of pending claims") {
  TempDir d;
  StubNode node;
  const std::string replica = d.file("replica.db");
  {
    ReplicaStore r(replica);
    r.replace_board(node.board());
    REQUIRE_FALSE(r.enqueue_claim(sample_claim("claim-0001", "A")));
    REQUIRE_FALSE(r.enqueue_claim(sample_claim("claim-0002", "B")));
  }
  SyncWorker w(options_for(node.url(), replica), nullptr);
  w.start();
  // The node answers 503: the claims stay pending and are retried, oldest first, same claim_id.
  REQUIRE(wait_until([&] { return node.seen_posts().size() >= 3; }));
  REQUIRE(wait_until([&] { return node.held() >= 1; }));
  w.stop();
  for (const auto& p : node.seen_posts()) {
    CHECK(p.headers.at("Authorization") == "Bearer room-a-token-0123456789");
    CHECK(p.headers.at("X-Kiosk-Version") == "9.9.9-test");
    CHECK(p.headers.at("X-Kiosk-Outbox") == "2");
    CHECK(p.body.find("\"claim_id\":\"claim-0001\"") != std::string::npos);
    // The lag is the replica's age: sent once the board was fetched (a claim may go out first).
    if (p.headers.count("X-Kiosk-Lag-Ms")) CHECK(std::stoll(p.headers.at("X-Kiosk-Lag-Ms")) >= 0);
  }
  bool saw_long_poll = false;
  for (const auto& g : node.seen())
    if (g.path == "/api/v1/changes") {
      saw_long_poll = true;
      CHECK(g.headers.at("X-Kiosk-Outbox") == "2");
      CHECK(g.headers.count("X-Kiosk-Lag-Ms") == 1);
    }
  CHECK(saw_long_poll);
  ReplicaStore r(replica);
  CHECK(r.outbox_size() == 2);  // a 5xx never loses a claim
  CHECK(w.status().outbox == 2);
}

TEST_CASE("a 429 makes the worker wait Retry-After before the next attempt, then the claim goes through") {
  TempDir d;
  StubNode node;
  node.set_claim_answer([&](const httplib::Request& req, httplib::Response& res, int attempt) {
    if (attempt == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      res.set_content(R"({"error":"rate_limited","message":"Too many claims; wait a minute."})", "application/json");
      return;
    }
    const auto claim = std::get<Claim>(json::decode_claim_request(req.body));
    Cell c{claim.day, claim.room, claim.start, "11:00", CellState::Claimed, claim.title, claim.host, claim.description, claim.claim_id, "", 2, 0, "", "", "", ""};
    res.status = 201;
    res.set_content(json::dump(json::json{{"cell", json::encode(c)}, {"seq", 2}}), "application/json");
  });
  const std::string replica = d.file("replica.db");
  {
    ReplicaStore r(replica);
    r.replace_board(node.board());
    REQUIRE_FALSE(r.enqueue_claim(sample_claim()));
  }
  EventLog events;
  SyncWorker w(options_for(node.url(), replica), events.callback());
  w.start();
  REQUIRE(wait_until([&] { return events.count(SyncEvent::ClaimDelivered) == 1; }, 5s));
  w.stop();
  const auto posts = node.seen_posts();
  REQUIRE(posts.size() == 2);
  CHECK(posts[1].at - posts[0].at >= 950ms);
  CHECK(posts[0].body == posts[1].body);  // the same claim, the same claim_id
  ReplicaStore r(replica);
  CHECK(r.outbox_size() == 0);
  CHECK(r.cell({"2030-03-11", "A", "10:00"})->state == CellState::Claimed);
}

TEST_CASE("an HTML 404 (captive portal, proxy, wrong path) keeps the claim pending until the node's real answer") {
  TempDir d;
  StubNode node;
  node.set_claim_answer([&](const httplib::Request&, httplib::Response& res, int) {
    res.status = 404;
    res.set_content("<!doctype html><title>Not Found</title><p>Please log in to the venue Wi-Fi.</p>", "text/html");
  });
  const std::string replica = d.file("replica.db");
  {
    ReplicaStore r(replica);
    r.replace_board(node.board());
    REQUIRE_FALSE(r.enqueue_claim(sample_claim()));
  }
  EventLog events;
  SyncWorker w(options_for(node.url(), replica), events.callback());
  w.start();
  // Several HTML 404s: every one is retried, none makes the claim lost.
  REQUIRE(wait_until([&] { return node.seen_posts().size() >= 3; }));
  CHECK(events.count(SyncEvent::ClaimLost) == 0);
  {
    ReplicaStore r(replica);
    CHECK(r.outbox_size() == 1);
    CHECK(r.lost_claims(false).empty());
  }
  CHECK(w.status().last_error.find("404") != std::string::npos);
  // A JSON 404 of another shape (no known code) is not final either.
  node.set_claim_answer([&](const httplib::Request&, httplib::Response& res, int) {
    res.status = 404;
    res.set_content(R"({"error":"no_route","message":"No such upstream."})", "application/json");
  });
  const auto before = node.seen_posts().size();
  REQUIRE(wait_until([&] { return node.seen_posts().size() >= before + 2; }));
  CHECK(events.count(SyncEvent::ClaimLost) == 0);
  // The real node answers: the same claim goes through.
  node.set_claim_answer([&](const httplib::Request& req, httplib::Response& res, int) {
    const auto claim = std::get<Claim>(json::decode_claim_request(req.body));
    Cell c{claim.day, claim.room, claim.start, "11:00", CellState::Claimed, claim.title, claim.host, claim.description, claim.claim_id, "", 2, 0, "", "", "", ""};
    res.status = 201;
    res.set_content(json::dump(json::json{{"cell", json::encode(c)}, {"seq", 2}}), "application/json");
  });
  REQUIRE(wait_until([&] { return events.count(SyncEvent::ClaimDelivered) == 1; }, 5s));
  w.stop();
  CHECK(events.count(SyncEvent::ClaimLost) == 0);
  ReplicaStore r(replica);
  CHECK(r.outbox_size() == 0);
  CHECK(r.cell({"2030-03-11", "A", "10:00"})->state == CellState::Claimed);
}

TEST_CASE("the node's JSON 409 taken is final: the claim is lost with the node's reason") {
  TempDir d;
  StubNode node;
  node.set_claim_answer([&](const httplib::Request& req, httplib::Response& res, int) {
    const auto claim = std::get<Claim>(json::decode_claim_request(req.body));
    Cell c{claim.day, claim.room, claim.start, "11:00", CellState::Claimed, "Other", "Someone", "", "other-claim-1", "", 2, 0, "", "", "", ""};
    res.status = 409;
    res.set_content(json::dump(json::json{{"error", "taken"}, {"message", "This slot was just taken."}, {"cell", json::encode(c)}}),
                    "application/json");
  });
  const std::string replica = d.file("replica.db");
  {
    ReplicaStore r(replica);
    r.replace_board(node.board());
    REQUIRE_FALSE(r.enqueue_claim(sample_claim()));
  }
  EventLog events;
  SyncWorker w(options_for(node.url(), replica), events.callback());
  w.start();
  REQUIRE(wait_until([&] { return events.count(SyncEvent::ClaimLost) == 1; }, 5s));
  w.stop();
  CHECK(node.seen_posts().size() == 1);
  ReplicaStore r(replica);
  CHECK(r.outbox_size() == 0);
  const auto lost = r.lost_claims(false);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].error.code == "taken");
}

TEST_CASE("with no node to answer since the start, the worker is Offline at once (not Reconnecting) and says why") {
  TempDir d;
  int port = 0;
  {
    StubNode gone;  // a port that was free a moment ago and now refuses connections
    port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  // The kiosk opens its replica before it starts the worker (two threads creating a brand-new
  // file at once can meet a locked database, which would be the first error instead).
  { ReplicaStore created(d.file("replica.db")); }
  EventLog events;
  SyncWorker w(options_for("http://127.0.0.1:" + std::to_string(port), d.file("replica.db")), events.callback());
  CHECK(w.status().state == ConnectionState::Offline);  // the kiosk's first frame already says so
  w.start();
  REQUIRE(wait_until([&] { return !w.status().last_error.empty(); }, 3s));
  const SyncStatus s = w.status();
  CHECK(s.state == ConnectionState::Offline);
  CHECK(s.offline_since.time_since_epoch().count() == 0);  // since when: not known yet
  INFO("last_error: ", s.last_error);
  CHECK(s.last_error.find("cannot be reached") != std::string::npos);
  CHECK(s.lag_ms == -1);  // never synced
  CHECK(events.count(SyncEvent::StatusChanged) == 0);  // it never flickered through Reconnecting
  w.stop();
}

TEST_CASE("a working connection that drops is Reconnecting for offline_after_ms, then Offline since the drop") {
  TempDir d;
  std::optional<StubNode> node(std::in_place);
  const std::string url = node->url();
  EventLog events;
  SyncWorker w(options_for(url, d.file("replica.db")), events.callback());
  w.start();
  REQUIRE(wait_until([&] { return node->held() >= 1; }));
  REQUIRE(w.status().state == ConnectionState::Online);
  const auto before = std::chrono::system_clock::now();
  node.reset();  // the node goes away mid long-poll
  REQUIRE(wait_until([&] { return w.status().state != ConnectionState::Online; }, 3s));
  const SyncStatus dropped = w.status();
  CHECK(dropped.state == ConnectionState::Reconnecting);
  CHECK(dropped.offline_since >= before - 1s);
  REQUIRE(wait_until([&] { return w.status().state == ConnectionState::Offline; }, 3s));
  CHECK(w.status().offline_since == dropped.offline_since);
  CHECK(std::chrono::system_clock::now() - before >= 300ms);  // offline_after_ms in options_for
  w.stop();
}

TEST_CASE("stop() returns within 1 s while a long-poll is held") {
  TempDir d;
  StubNode node;
  SyncWorker w(options_for(node.url(), d.file("replica.db")), nullptr);
  w.start();
  REQUIRE(wait_until([&] { return node.held() >= 1; }));
  CHECK(w.status().state == ConnectionState::Online);
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}

// [SECTION] Several nodes (contract §4.4)

TEST_CASE("several nodes: a 503 moves to the next node at once, and after a whole round the usual backoff applies") {
  TempDir d;
  StubNode a;
  StubNode b;
  a.set_board_busy(2);  // both busy: 503 with Retry-After: 2
  b.set_board_busy(2);
  SyncOptions o = options_for(a.url(), d.file("replica.db"));
  o.nodes = {a.url(), b.url()};
  SyncWorker w(o, nullptr);
  w.start();
  // a, at once b, then (a whole round failed) the Retry-After pause of 1-3 s, then a again.
  REQUIRE(wait_until([&] { return a.seen_path("/api/v1/board").size() >= 2; }, 10s));
  const auto at_a = a.seen_path("/api/v1/board");
  const auto at_b = b.seen_path("/api/v1/board");
  REQUIRE(at_b.size() >= 1);
  CHECK(at_b[0].at > at_a[0].at);
  CHECK(at_b[0].at - at_a[0].at < 900ms);   // a node not tried in this round: at once
  CHECK(at_a[1].at - at_b[0].at >= 1000ms);  // after the round: Retry-After x 0.5-1.5
  CHECK(w.status().state == ConnectionState::Offline);
  CHECK(w.status().last_error.find("503") != std::string::npos);

  // b recovers: the worker ends up there and stays, Online.
  b.set_board_busy(0);
  REQUIRE(wait_until([&] { return b.held() >= 1; }, 10s));
  CHECK(w.status().node_url == b.url());
  CHECK(w.status().state == ConnectionState::Online);
  w.stop();
}

TEST_CASE("several nodes: a 410 is not a reason to move: the board is reloaded from the same node") {
  TempDir d;
  StubNode a;
  StubNode b;
  a.set_changes_gone(1);
  SyncOptions o = options_for(a.url(), d.file("replica.db"));
  o.nodes = {a.url(), b.url()};
  SyncWorker w(o, nullptr);
  w.start();
  REQUIRE(wait_until([&] { return a.seen_path("/api/v1/board").size() == 2 && a.held() >= 1; }));
  CHECK(w.status().node_url == a.url());
  CHECK(w.status().state == ConnectionState::Online);
  w.stop();
  CHECK(b.seen().empty());
}
