// Open Space Board — the node's HTTP service (see node_service.hpp and docs/api.md).
//
// Index of this file:
// [SECTION] Small helpers: JSON answers, numbers, ETags
// [SECTION] Store pool: a few BoardStores (one database connection each) shared by the workers
// [SECTION] Change hub: long-polls wait here for a seq past theirs
// [SECTION] Guards: staff sessions, PIN lockout, claim rate limit
// [SECTION] Heartbeats and metrics
// [SECTION] Impl: state, routing table, request bookkeeping
// [SECTION] Handlers: board, changes, web pages, calendars
// [SECTION] Handlers: claims
// [SECTION] Handlers: staff
// [SECTION] Handlers: health and metrics
// [SECTION] NodeService
#include "node/node_service.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "codec/codec.hpp"
#include "http/server.hpp"
#include "core/validate.hpp"
#include "web/ics.hpp"
#include "node/guards.hpp"
#include "node/pin.hpp"
#include "web/web_view.hpp"
#include "schedule/schedule.hpp"
#include "core/text.hpp"
#include "store/board_store.hpp"

namespace osb {

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// Limits (docs/api.md "Node limits"). Bodies: see body_limit().
constexpr std::size_t kMaxBody = 16 * 1024;
constexpr std::size_t kMaxScheduleBody = 8 * 1024 * 1024;
constexpr int kMaxWaitSeconds = 30;
constexpr std::size_t kStorePoolSize = 8;
constexpr std::size_t kMaxPath = 2048;
// Seconds a client is asked to wait when the node cannot hold another long-poll or connection.
constexpr int kBusyRetrySeconds = 5;
// External writers (`openspace-node morning-reset`) commit from another process: waiting
// long-polls notice their changes within this interval.
constexpr auto kExternalCheckInterval = std::chrono::milliseconds(500);

// [SECTION] Small helpers: JSON answers, numbers, ETags

void send_json(http::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(json::dump(body), "application/json; charset=utf-8");
}

void send_error(http::Response& res, int status, const std::string& code, const std::string& message,
                Json extra = Json::object()) {
  Json body = json::error_body(Error{code, message});
  for (auto& [k, v] : extra.items()) body[k] = v;
  send_json(res, status, body);
}

void send_error(http::Response& res, int status, const Error& e) { send_error(res, status, e.code, e.message); }

// A non-negative decimal integer (no sign, no spaces), or nullopt.
std::optional<std::int64_t> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::string make_etag(const std::string& epoch, std::int64_t seq) {
  return "\"" + epoch + "-" + std::to_string(seq) + "\"";
}

// True when If-None-Match names `etag` (quoted or not, weak or not, or "*").
bool etag_matches(const http::Request& req, const std::string& etag) {
  const std::string inm = req.get_header_value("If-None-Match");
  if (inm.empty()) return false;
  const std::string bare = etag.substr(1, etag.size() - 2);
  std::size_t pos = 0;
  while (pos <= inm.size()) {
    std::size_t comma = inm.find(',', pos);
    if (comma == std::string::npos) comma = inm.size();
    std::string t = inm.substr(pos, comma - pos);
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    if (t.rfind("W/", 0) == 0) t.erase(0, 2);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    if (t == "*" || t == bare) return true;
    pos = comma + 1;
  }
  return false;
}

// Printable ASCII only, at most `max` bytes: header values that end up in logs and JSON.
std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty() || path[0] != '/') return {"\x01"};  // never matches a route
  std::size_t pos = 1;
  if (path.size() == 1) return out;
  while (true) {
    const std::size_t slash = path.find('/', pos);
    out.push_back(path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return out;
}

// [SECTION] Store pool: a few BoardStores (one database connection each) shared by the workers
// A pool rather than one store per worker thread: with hundreds of workers (held long-polls),
// per-thread connections would cost hundreds of page caches for no gain.

class StorePool {
 public:
  // `make` opens one store (one connection); the first is made now (it creates, migrates, seeds).
  StorePool(BoardStoreFactory make, std::size_t max) : make_(std::move(make)), max_(max) {
    free_.push_back(make_());
    created_ = 1;
  }

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<BoardStore> s) : pool_(pool), store_(std::move(s)) {}
    ~Lease() { pool_.give_back(std::move(store_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    BoardStore* operator->() { return store_.get(); }
    BoardStore& operator*() { return *store_; }

   private:
    StorePool& pool_;
    std::unique_ptr<BoardStore> store_;
  };

  Lease acquire() {
    std::unique_lock lk(m_);
    cv_.wait(lk, [&] { return !free_.empty() || created_ < max_; });
    if (!free_.empty()) {
      auto s = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(s));
    }
    ++created_;
    lk.unlock();
    try {
      return Lease(*this, make_());
    } catch (...) {
      lk.lock();
      --created_;
      cv_.notify_one();
      throw;
    }
  }

  // Closes every connection (all leases must be back).
  void close_all() {
    std::lock_guard lk(m_);
    free_.clear();
    created_ = max_;  // nothing new after closing
  }

 private:
  void give_back(std::unique_ptr<BoardStore> s) {
    {
      std::lock_guard lk(m_);
      free_.push_back(std::move(s));
    }
    cv_.notify_one();
  }

  BoardStoreFactory make_;
  std::size_t max_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<BoardStore>> free_;
  std::size_t created_ = 0;
};

// [SECTION] Change hub: long-polls wait here for a seq past theirs
// A waiting long-poll is an entry here, not a thread: publish() wakes every waiter whose seq is
// behind (kiosks and staff first), and one timer thread answers those whose wait ran out.

class ChangeHub {
 public:
  using Wake = std::function<void()>;
  // Runs woken waiters' wake-ups: kiosks' and staff's first, then the anonymous ones (the node
  // hands them to its workers in batches).
  using Dispatch = std::function<void(std::vector<Wake> priority, std::vector<Wake> anonymous)>;
  ChangeHub(std::int64_t seq, Dispatch dispatch)
      : seq_(seq), dispatch_(std::move(dispatch)), timer_([this] { run_timers(); }) {}
  ~ChangeHub() { stop(); }

  void publish(std::int64_t seq) {
    std::vector<Wake> first, later;
    {
      std::lock_guard lk(m_);
      if (seq <= seq_) return;
      seq_ = seq;
      take_if(first, later, [&](const Waiter& w) { return w.since < seq; });
    }
    if (!first.empty() || !later.empty()) dispatch_(std::move(first), std::move(later));
  }
  std::int64_t seq() {
    std::lock_guard lk(m_);
    return seq_;
  }
  // Registers `wake` to run once seq > since, at the deadline, or when the node stops; false
  // (and nothing registered) when it should answer now.
  bool wait_past(std::int64_t since, Clock::time_point deadline, bool priority, Wake wake) {
    std::lock_guard lk(m_);
    if (stopping_ || seq_ > since) return false;
    const std::uint64_t id = next_id_++;
    auto at = by_deadline_.emplace(deadline, id);
    waiters_.emplace(id, Waiter{since, priority, std::move(wake), at});
    if (at == by_deadline_.begin()) cv_.notify_all();
    return true;
  }
  // Runs `wake` at `when` (through the dispatch, as anonymous work), or at once when stopping.
  void run_at(Clock::time_point when, Wake wake) {
    {
      std::lock_guard lk(m_);
      if (!stopping_) {
        const std::uint64_t id = next_id_++;
        auto at = by_deadline_.emplace(when, id);
        waiters_.emplace(id, Waiter{std::numeric_limits<std::int64_t>::max(), false, std::move(wake), at});
        ++scheduled_;
        if (at == by_deadline_.begin()) cv_.notify_all();
        return;
      }
    }
    wake();
  }
  // Long-polls held (not counting work scheduled with run_at).
  std::size_t held() {
    std::lock_guard lk(m_);
    return waiters_.size() - scheduled_;
  }
  // Waits up to `d` unless stopping (the external-commit watcher's pace).
  bool wait_for_stop(Clock::duration d) {
    std::unique_lock lk(m_);
    return stop_cv_.wait_for(lk, d, [&] { return stopping_; });
  }
  // Wakes every waiter (they answer with what there is) and ends the timer thread.
  void stop() {
    std::vector<Wake> first, later;
    {
      std::lock_guard lk(m_);
      stopping_ = true;
      take_if(first, later, [](const Waiter&) { return true; });
    }
    cv_.notify_all();
    stop_cv_.notify_all();
    for (auto& w : first) w();
    for (auto& w : later) w();
    // stop() may run on two threads at once (the signal watcher and run()'s return).
    std::lock_guard join_lock(join_m_);
    if (timer_.joinable() && timer_.get_id() != std::this_thread::get_id()) timer_.join();
  }

 private:
  struct Waiter {
    std::int64_t since;
    bool priority;
    Wake wake;
    std::multimap<Clock::time_point, std::uint64_t>::iterator at;
  };

  // Moves the wake-ups of matching waiters out: kiosks' and staff's into `first`. Lock held.
  template <class Pred>
  void take_if(std::vector<Wake>& first, std::vector<Wake>& later, Pred pred) {
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (!pred(it->second)) {
        ++it;
        continue;
      }
      (it->second.priority ? first : later).push_back(std::move(it->second.wake));
      if (it->second.since == std::numeric_limits<std::int64_t>::max()) --scheduled_;
      by_deadline_.erase(it->second.at);
      it = waiters_.erase(it);
    }
  }

  void run_timers() {
    std::unique_lock lk(m_);
    while (!stopping_) {
      if (by_deadline_.empty()) {
        cv_.wait(lk);
        continue;
      }
      const auto earliest = by_deadline_.begin()->first;
      if (Clock::now() < earliest) {
        cv_.wait_until(lk, earliest);
        continue;
      }
      std::vector<Wake> first, later;
      const auto now = Clock::now();
      while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
        auto w = waiters_.find(by_deadline_.begin()->second);
        (w->second.priority ? first : later).push_back(std::move(w->second.wake));
        if (w->second.since == std::numeric_limits<std::int64_t>::max()) --scheduled_;
        waiters_.erase(w);
        by_deadline_.erase(by_deadline_.begin());
      }
      lk.unlock();
      dispatch_(std::move(first), std::move(later));
      lk.lock();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;       // the timer thread
  std::condition_variable stop_cv_;  // the external watcher
  std::int64_t seq_;
  Dispatch dispatch_;
  std::size_t scheduled_ = 0;
  bool stopping_ = false;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Waiter> waiters_;
  std::multimap<Clock::time_point, std::uint64_t> by_deadline_;
  std::mutex join_m_;
  std::thread timer_;
};

// [SECTION] Guards: staff sessions, PIN lockout, claim rate limit
// StaffSessions, PinGuard and ClaimLimiter live in node/guards.hpp (unit-tested there).

// [SECTION] Heartbeats and metrics

struct Heartbeat {
  std::optional<std::chrono::system_clock::time_point> last_seen;
  std::string version;
  std::optional<long long> outbox;
  std::optional<long long> lag_ms;
};

class Metrics {
 public:
  void count_request(const std::string& route, int status) {
    std::lock_guard lk(m_);
    ++requests_[{route, status}];
  }
  std::map<std::pair<std::string, int>, std::uint64_t> requests() {
    std::lock_guard lk(m_);
    return requests_;
  }
  std::atomic<std::uint64_t> claims_created{0};
  std::atomic<std::uint64_t> conflicts{0};
  // Contract §4.3.
  std::atomic<std::uint64_t> signups_created{0}, signups_refused{0};
  std::atomic<std::uint64_t> groups_created{0}, joins_counted{0}, joins_refused{0};
  std::atomic<std::uint64_t> interest_counted{0}, moves{0};
  // PostgreSQL: commits of other processes announced to this one, and (re)connects of the feed.
  std::atomic<std::uint64_t> announcements{0}, feed_connects{0};

 private:
  std::mutex m_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
};

enum class Access { Anyone, Kiosk, Staff };

struct Caller {
  enum class Role { None, Kiosk, Staff } role = Role::None;
  std::string kiosk_id;             // for kiosk tokens
  std::string token;                // the bearer token as sent (never logged; wiped when done)
  std::uint64_t staff_session = 0;  // StaffSessions' number for a staff token
  bool unverified = false;          // a token not looked up yet (see Service::identify)
  Caller() = default;
  Caller(const Caller&) = default;
  Caller& operator=(const Caller&) = default;
  ~Caller() { wipe_secret(token); }
};

struct Call {
  const http::Request& req;
  http::Response& res;
  std::vector<std::string> params;
  Caller caller;
  // A handler that answers later (a long-poll) sets `deferred` and calls `done` itself.
  http::Responder done;
  bool deferred = false;
  // A write's seq: long-polls are woken right after its own answer went out.
  std::int64_t publish_after = 0;
};

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // "{name}" segments match any non-empty segment
  std::string name;                  // for logs and metrics, e.g. "GET /api/v1/board"
  Access access;
  std::function<void(Call&)> handler;
};

struct BoardSnapshot {
  std::shared_ptr<const Board> board;
  std::string json;  // the serialized GET /api/v1/board answer
  std::string etag;
};

void fill_board_answer(const BoardSnapshot& snap, const http::Request& req, http::Response& res) {
  res.set_header("ETag", snap.etag);
  res.set_header("Cache-Control", "no-cache");
  if (etag_matches(req, snap.etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(snap.json, "application/json; charset=utf-8");
}


// [SECTION] Impl: state, routing table, request bookkeeping

struct Service : http::Handler {
  NodeConfig config;
  VenueClock clock;
  std::atomic<long long> skew_seconds{0};
  StorePool pool;
  std::string epoch;
  ChangeHub hub;
  std::mutex write_mutex;  // one writer at a time in this process: no busy-wait backoff in SQLite
  std::mutex board_mutex;
  std::shared_ptr<const BoardSnapshot> board_cache;
  // The newest seq this process committed, set before the write is answered (the hub learns it
  // only after): the board's memory fast path is used only when it is at least this new, so a
  // client that reads the board right after its own write always sees that write.
  std::atomic<std::int64_t> written_seq{0};
  // GET /api/v1/changes answers for the current seq, by `since`: after a change thousands of
  // phones ask for the same thing.
  std::mutex changes_mutex;
  std::int64_t changes_seq = -1;
  std::map<std::int64_t, std::string> changes_cache;
  StaffSessions sessions;
  PinGuard pin_guard;
  PinCap pin_cap;
  ClaimLimiter limiter;
  // Sign-ups, groups, joins and "I'll come" taps: the same 30 a minute per token, per kind.
  ClaimLimiter action_limiter;
  std::mutex heartbeat_mutex;
  std::map<std::string, Heartbeat> heartbeats;
  Metrics metrics;
  // Anonymous long-polls held, in total and per address (kiosks and staff are not capped).
  std::mutex polls_mutex;
  std::map<std::string, int> polls_by_address;
  int anonymous_polls = 0;
  std::vector<Route> routes;
  // Commits of other node processes over the same board (PostgreSQL), else nullptr.
  std::unique_ptr<ChangeFeed> feed;
  // Staff sessions in the board's database (PostgreSQL: every node process shares them), else
  // in `sessions`.
  bool shared_sessions = false;
  std::thread watcher;
  std::mutex db_log_mutex;
  Clock::time_point db_log_last{};
  std::uint64_t db_log_skipped = 0;
  std::atomic<bool> stopping{false};
  std::mutex run_mutex;
  bool run_entered = false;
  http::Server server;  // last: its connections and workers go first

  explicit Service(NodeConfig c)
      : config(std::move(c)),
        clock(config.event.timezone),
        pool(board_store_factory(BoardLocation{config.database, config.postgres}, config.event), kStorePoolSize),
        epoch(pool.acquire()->epoch()),
        hub(pool.acquire()->seq(), [this](std::vector<ChangeHub::Wake> first, std::vector<ChangeHub::Wake> later) {
          dispatch_wakes(std::move(first), std::move(later));
        }),
        sessions(std::chrono::hours(config.staff_token_hours)),
        feed(change_feed(BoardLocation{config.database, config.postgres})),
        shared_sessions(pool.acquire()->shares_sessions()),
        server(*this, http_limits(config)) {
    for (const auto& [id, token] : config.kiosk_tokens) heartbeats[id] = Heartbeat{};
    add_routes();
  }

  static http::Limits http_limits(const NodeConfig& c) {
    http::Limits l;
    l.max_connections = c.limits.max_connections;
    l.anonymous_connections = std::max(1, c.limits.max_connections - c.limits.reserved_connections);
    l.connections_per_address = c.limits.connections_per_address;
    l.workers = c.limits.workers;
    l.io_threads = c.limits.io_threads;
    l.header_timeout = std::chrono::milliseconds(c.limits.header_timeout_ms);
    l.body_timeout = std::chrono::milliseconds(c.limits.body_timeout_ms);
    return l;
  }

  LocalTime now() const {
    return clock.local(std::chrono::system_clock::now() + std::chrono::seconds(skew_seconds.load()));
  }

  // [SECTION] Impl: identification

  // `on_io_thread`: a staff session kept in the database (PostgreSQL) is not looked up there (a
  // query must not stall a socket thread); the caller is then `unverified`, and the worker
  // identifies it again before the handler runs.
  Caller identify(const http::Request& req, bool on_io_thread) {
    Caller c;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) != 0) return c;
    c.token = auth.substr(7);
    if (c.token.empty()) return c;
    for (const auto& [id, token] : config.kiosk_tokens)
      if (constant_time_equal(c.token, token)) {
        c.role = Caller::Role::Kiosk;
        c.kiosk_id = id;
      }
    if (c.role == Caller::Role::None) {
      if (on_io_thread && shared_sessions) {
        c.unverified = true;
      } else if (const std::uint64_t id = find_staff_session(c.token)) {
        c.role = Caller::Role::Staff;
        c.staff_session = id;
      }
    }
    return c;
  }

  // The client's address: the peer, or, when the peer is a trusted proxy ([auth]
  // trusted_proxies), the rightmost X-Forwarded-For entry that is not a trusted proxy. The one
  // place that reads the transport's remote address.
  std::string client_address(const Call& c) const {
    const std::string peer = canonical_ip(c.req.remote_addr).value_or(printable(c.req.remote_addr, 64));
    const auto trusted = [&](const std::string& a) {
      return std::find(config.trusted_proxies.begin(), config.trusted_proxies.end(), a) != config.trusted_proxies.end();
    };
    if (!trusted(peer)) return peer;
    const std::string xff = c.req.get_header_value("X-Forwarded-For");
    std::string leftmost;
    std::size_t end = xff.size();
    while (end > 0) {
      const std::size_t comma = xff.rfind(',', end - 1);
      const std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
      std::string entry = xff.substr(begin, end - begin);
      entry.erase(0, entry.find_first_not_of(" \t"));
      entry.erase(entry.find_last_not_of(" \t") + 1);
      if (!entry.empty()) {
        // "[v6]:port" and "v4:port" name the address too.
        if (entry.front() == '[' && entry.find(']') != std::string::npos) entry = entry.substr(1, entry.find(']') - 1);
        else if (std::count(entry.begin(), entry.end(), ':') == 1) entry.resize(entry.find(':'));
        const std::string addr = canonical_ip(entry).value_or(printable(entry, 64));
        if (!trusted(addr)) return addr;
        leftmost = addr;
      }
      if (comma == std::string::npos) break;
      end = comma;
    }
    return leftmost.empty() ? peer : leftmost;
  }

  // Kiosks report their state in headers on every request; kept in memory only.
  void record_heartbeat(const Caller& c, const http::Request& req) {
    if (c.role != Caller::Role::Kiosk) return;
    std::lock_guard lk(heartbeat_mutex);
    auto& h = heartbeats[c.kiosk_id];
    h.last_seen = std::chrono::system_clock::now();
    if (req.has_header("X-Kiosk-Version")) h.version = printable(req.get_header_value("X-Kiosk-Version"), 64);
    if (auto v = parse_count(req.get_header_value("X-Kiosk-Outbox"))) h.outbox = *v;
    if (auto v = parse_count(req.get_header_value("X-Kiosk-Lag-Ms"))) h.lag_ms = *v;
  }

  // [SECTION] Impl: routing

  void route(std::string method, const std::string& pattern, Access access, std::function<void(Call&)> handler) {
    Route r;
    r.name = method + " " + pattern;
    r.method = std::move(method);
    r.pattern = split_path(pattern);
    r.access = access;
    r.handler = std::move(handler);
    routes.push_back(std::move(r));
  }

  static bool match(const Route& r, const std::vector<std::string>& segs, std::vector<std::string>& params) {
    if (r.pattern.size() != segs.size()) return false;
    params.clear();
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& p = r.pattern[i];
      if (!p.empty() && p.front() == '{') {
        if (segs[i].empty()) return false;
        params.push_back(segs[i]);
      } else if (p != segs[i]) {
        return false;
      }
    }
    return true;
  }

  // What a request is, decided from its header alone: the route, who calls, and any answer
  // that needs no body (errors in the contract's order: 401/403 before 413).
  struct Decision {
    const Route* route = nullptr;
    std::vector<std::string> params;
    Caller caller;
    std::optional<http::Response> answer;
  };

  template <class Fill>
  static Decision answered(Decision d, std::string label, std::string who, Fill fill) {
    http::Response res;
    res.label = std::move(label);
    res.who = std::move(who);
    fill(res);
    d.answer = std::move(res);
    return d;
  }

  Decision decide(const http::Request& req, bool on_io_thread) {
    Decision d;
    if (req.path.size() > kMaxPath)
      return answered(std::move(d), "too long", "", [](http::Response& r) { send_error(r, 414, "too_long", "The address is too long."); });
    if (req.has_header("Transfer-Encoding"))
      return answered(std::move(d), "chunked", "", [](http::Response& r) {
        send_error(r, 411, "length_required", "Send the body with a Content-Length header; chunked bodies are not accepted.");
      });
    if (req.has_header("Content-Length") && !parse_count(req.get_header_value("Content-Length")))
      return answered(std::move(d), "unparsed", "",
                      [](http::Response& r) { send_error(r, 400, "invalid", "The Content-Length header is not a number."); });
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    const auto segs = split_path(req.path);
    std::string allowed;
    for (const auto& r : routes) {
      if (!match(r, segs, d.params)) continue;
      if (r.method == method) {
        d.route = &r;
        break;
      }
      if (allowed.find(r.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + r.method;
    }
    if (!d.route) {
      if (allowed.empty())
        return answered(std::move(d), "unknown", "",
                        [](http::Response& r) { send_error(r, 404, "not_found", "There is nothing at this address."); });
      return answered(std::move(d), "method not allowed", "", [&](http::Response& r) {
        r.set_header("Allow", allowed);
        send_error(r, 405, "method_not_allowed", printable(req.method, 16) + " is not allowed here; use " + allowed + ".");
      });
    }
    d.caller = identify(req, on_io_thread);
    const std::string who = d.caller.role == Caller::Role::Staff ? "staff" : d.caller.kiosk_id;
    const std::string label = d.route->name;
    if (d.route->access != Access::Anyone && !d.caller.unverified) {
      if (d.caller.role == Caller::Role::None) {
        const bool none = d.caller.token.empty();
        return answered(std::move(d), label, who, [none](http::Response& r) {
          send_error(r, 401, "unauthorized",
                     none ? "This needs an Authorization: Bearer token." : "The token is not valid (unknown or expired).");
        });
      }
      if (d.route->access == Access::Staff && d.caller.role != Caller::Role::Staff)
        return answered(std::move(d), label, who, [](http::Response& r) {
          send_error(r, 403, "forbidden", "This needs a staff token; kiosk tokens cannot do it.");
        });
    }
    const std::size_t limit = body_limit(req.method, req.path);
    if (req.content_length && *req.content_length > limit)
      return answered(std::move(d), label, who, [limit](http::Response& r) {
        send_error(r, 413, "too_large", "The body is larger than " + std::to_string(limit / 1024) + " KiB.");
      });
    // Past the anonymous share of connections, only kiosks and staff are served.
    if (d.caller.role == Caller::Role::None && server.connections() > server.limits().anonymous_connections)
      return answered(std::move(d), label, who, [](http::Response& r) { send_busy(r); });
    return d;
  }

  // [SECTION] Impl: http::Handler

  http::Admission admit(const http::Request& head) override {
    Decision d = decide(head, /*on_io_thread=*/true);
    http::Admission a;
    if (d.answer) {
      a.answer = std::move(d.answer);
      return a;
    }
    record_heartbeat(d.caller, head);
    // The board, when its cached answer is current (the hub's seq), straight from memory on the
    // IO thread: no database, no hop to a worker.
    if (d.route->name == "GET /api/v1/board") {
      std::shared_ptr<const BoardSnapshot> snap;
      {
        std::lock_guard lk(board_mutex);
        if (board_cache && board_cache->board->seq == hub.seq() && board_cache->board->seq >= written_seq.load())
          snap = board_cache;
      }
      if (snap) {
        http::Response res;
        res.label = d.route->name;
        res.who = d.caller.role == Caller::Role::Staff ? "staff" : d.caller.kiosk_id;
        fill_board_answer(*snap, head, res);
        a.answer = std::move(res);
        a.answer_is_complete = true;
        return a;
      }
    }
    a.body_limit = body_limit(head.method, head.path);
    a.priority = d.caller.role == Caller::Role::None ? http::Priority::Anonymous : http::Priority::Priority;
    return a;
  }

  // Runs the route on a worker; any escaped error becomes the contract's JSON error, never a
  // bare 500 page.
  void handle(http::Request req, http::Responder done) override {
    // Again on the worker: a staff session may have expired meanwhile, and one kept in the
    // database is looked up here.
    Decision d;
    try {
      d = decide(req, /*on_io_thread=*/false);
    } catch (const StoreError& e) {
      log_database_error("staff session", e);
      http::Response res;
      send_error(res, 503, "unavailable", "The board's database cannot be used right now; try again shortly.");
      return done(std::move(res));
    }
    if (d.answer) return done(std::move(*d.answer));
    http::Response res;
    res.label = d.route->name;
    res.who = d.caller.role == Caller::Role::Staff ? "staff" : d.caller.kiosk_id;
    Call call{req, res, d.params, d.caller, done};
    try {
      d.route->handler(call);
    } catch (const StoreError& e) {
      log_database_error(d.route->name, e);
      if (e.in_doubt())  // after COMMIT was sent: saved or not, the same request again replays
        send_error(res, 503, "unavailable",
                   "The board's database did not confirm this change; send it again (the same id is not counted twice).");
      else if (e.is_unavailable())
        send_error(res, 503, "unavailable", "The board's database cannot be used right now; try again shortly.");
      else
        send_error(res, 500, "internal", "The node hit an unexpected database error.");
      call.deferred = false;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "openspace-node: error on %s: %s\n", d.route->name.c_str(), e.what());
      send_error(res, 500, "internal", "The node hit an unexpected error.");
      call.deferred = false;
    }
    if (call.publish_after > 0) note_written(call.publish_after);
    if (!call.deferred) done(std::move(res));
    if (call.publish_after > 0) hub.publish(call.publish_after);
  }

  // One line per database error, but while the database is away (a failover: every request
  // fails alike) at most one a second, with the number of the ones not written.
  void log_database_error(const std::string& route, const StoreError& e) {
    std::lock_guard lk(db_log_mutex);
    const auto now = Clock::now();
    if (e.is_unavailable() && now - db_log_last < std::chrono::seconds(1)) {
      ++db_log_skipped;
      return;
    }
    if (db_log_skipped > 0)
      std::fprintf(stderr, "openspace-node: database error on %s: %s (and %llu more since the last such line)\n",
                   route.c_str(), e.what(), static_cast<unsigned long long>(db_log_skipped));
    else
      std::fprintf(stderr, "openspace-node: database error on %s: %s\n", route.c_str(), e.what());
    db_log_last = now;
    db_log_skipped = 0;
  }

  http::Response protocol_error(int status, const std::string& code, const std::string& message) override {
    http::Response r;
    r.label = "unparsed";
    if (code == "busy") {
      send_busy(r);
      r.status = status;
      return r;
    }
    send_error(r, status, code, message);
    return r;
  }

  // One line per request on stderr: method, path (never the query: it may carry secrets one
  // day), status, milliseconds, kiosk id. Never a token or a PIN.
  void finished(const http::Request& req, const http::Response& res, std::chrono::steady_clock::duration took) override {
    const double ms = std::chrono::duration<double, std::milli>(took).count();
    metrics.count_request(res.label.empty() ? "unparsed" : res.label, res.status);
    std::fprintf(stderr, "%s %s %d %.1fms %s\n", req.method.empty() ? "-" : printable(req.method, 16).c_str(),
                 req.path.empty() ? "-" : printable(req.path, 200).c_str(), res.status, ms, res.who.empty() ? "-" : res.who.c_str());
  }

  // Woken long-polls are answered on the workers in batches of 256 (a task each, not one per
  // poll): kiosks' and staff's at once as priority work, so they are written first; the phones'
  // paced, one batch every few milliseconds, so that the IO threads are never a queue of
  // thousands of answers in front of a kiosk's next request or a claim. 10,000 phones are all
  // answered within about a third of a second.
  void dispatch_wakes(std::vector<ChangeHub::Wake> first, std::vector<ChangeHub::Wake> later) {
    constexpr std::size_t kBatch = 256;
    constexpr auto kPace = std::chrono::milliseconds(8);
    auto batches = [](std::vector<ChangeHub::Wake>& wakes) {
      std::vector<std::shared_ptr<std::vector<ChangeHub::Wake>>> out;
      for (std::size_t i = 0; i < wakes.size(); i += kBatch)
        out.push_back(std::make_shared<std::vector<ChangeHub::Wake>>(
            std::make_move_iterator(wakes.begin() + static_cast<std::ptrdiff_t>(i)),
            std::make_move_iterator(wakes.begin() + static_cast<std::ptrdiff_t>(std::min(wakes.size(), i + kBatch)))));
      return out;
    };
    for (auto& b : batches(first))
      server.post(http::Priority::Priority, [b] {
        for (auto& w : *b) w();
      });
    const auto now = Clock::now();
    std::size_t n = 0;
    for (auto& b : batches(later)) {
      auto run = [b] {
        for (auto& w : *b) w();
      };
      if (n == 0)
        server.post(http::Priority::Anonymous, run);
      else
        hub.run_at(now + kPace * static_cast<int>(n), run);
      ++n;
    }
  }

  static void send_busy(http::Response& r) {
    r.set_header("Retry-After", std::to_string(kBusyRetrySeconds));
    send_error(r, 503, "busy", "The board is very busy right now; try again in a few seconds.");
  }

  // The largest body a route takes (osb::body_limit: 8 MiB for a schedule, else 16 KiB).
  static std::size_t body_limit(const std::string& method, const std::string& path) {
    return osb::body_limit(method, path);
  }

  // [SECTION] Impl: the board cache
  // Keyed on the database's seq (one cheap query), so writes from another process
  // (morning-reset) show up on the next request.

  std::shared_ptr<const BoardSnapshot> board_snapshot() {
    auto store = pool.acquire();
    const std::int64_t seq = store->seq();
    {
      std::lock_guard lk(board_mutex);
      if (board_cache && board_cache->board->seq == seq) return board_cache;
    }
    auto board = std::make_shared<Board>(store->board());
    auto snap = std::make_shared<BoardSnapshot>();
    snap->json = json::dump(json::encode(*board));
    snap->etag = make_etag(board->epoch, board->seq);
    snap->board = std::move(board);
    std::lock_guard lk(board_mutex);
    if (!board_cache || board_cache->board->seq < snap->board->seq) board_cache = snap;
    hub.publish(snap->board->seq);
    return snap;
  }

  // Runs a write under the in-process writer lock (long-polls are woken after its answer). The
  // seq it saw, also for a replay or a refusal, is the least the next board read of this process
  // shows: with another node process over the same board, that seq may be one this process has
  // not been told of yet.
  template <class F>
  auto write(F&& f) {
    std::lock_guard lk(write_mutex);
    auto store = pool.acquire();
    auto result = f(*store);
    note_written(result.seq);
    return result;
  }
  void note_written(std::int64_t seq) {
    std::int64_t seen = written_seq.load();
    while (seen < seq && !written_seq.compare_exchange_weak(seen, seq)) {
    }
  }

  void add_routes();
  void external_watch();

  // [SECTION] Impl: staff sessions, here or in the shared database
  static std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  std::string open_staff_session() {
    if (!shared_sessions) return sessions.open();
    std::string token = random_hex(32);
    pool.acquire()->open_session(sha256_hex(token), unix_now() + sessions.ttl().count());
    return token;
  }
  std::uint64_t find_staff_session(const std::string& token) {
    if (!shared_sessions) return sessions.find(token);
    return pool.acquire()->find_session(sha256_hex(token), unix_now());
  }
  void revoke_staff_session(const std::string& token) {
    if (!shared_sessions) sessions.revoke(token);
    else pool.acquire()->revoke_session(sha256_hex(token), unix_now());
  }
};

// [SECTION] Handlers: board, changes, web pages, calendars


void get_board(Service& s, Call& c) { fill_board_answer(*s.board_snapshot(), c.req, c.res); }

// The answer to changes?since=N at the node's current seq, shared by every poll that asks the
// same (after a change, every phone and kiosk asks with the seq they had).
std::string changes_json(Service& s, std::int64_t since) {
  // The hub's seq is the newest this node committed or saw: a cached answer for it needs no
  // database at all (the common case: thousands of polls woken by one change).
  const std::int64_t seq = s.hub.seq();
  {
    std::lock_guard lk(s.changes_mutex);
    if (s.changes_seq == seq) {
      auto it = s.changes_cache.find(since);
      if (it != s.changes_cache.end()) return it->second;
    }
  }
  Changes ch;
  {
    auto store = s.pool.acquire();
    ch = store->changes_since(since);
  }
  std::string body = json::dump(json::encode(ch));
  std::lock_guard lk(s.changes_mutex);
  if (ch.seq != s.changes_seq) {
    if (ch.seq < s.changes_seq) return body;  // an older answer: do not keep it
    s.changes_seq = ch.seq;
    s.changes_cache.clear();
  }
  if (s.changes_cache.size() < 256) s.changes_cache.emplace(since, body);
  return body;
}

void send_changes(Service& s, http::Response& res, std::int64_t since) {
  res.status = 200;
  res.set_content(changes_json(s, since), "application/json; charset=utf-8");
}

// A long-poll that could not be held: too many from this address or in total.
bool take_poll_slot(Service& s, const std::string& addr) {
  const auto& lim = s.config.limits;
  std::lock_guard lk(s.polls_mutex);
  int& mine = s.polls_by_address[addr];
  if (s.anonymous_polls >= lim.long_polls || mine >= lim.long_polls_per_address) {
    if (mine == 0) s.polls_by_address.erase(addr);
    return false;
  }
  ++mine;
  ++s.anonymous_polls;
  return true;
}

void give_poll_slot(Service& s, const std::string& addr) {
  std::lock_guard lk(s.polls_mutex);
  auto it = s.polls_by_address.find(addr);
  if (it != s.polls_by_address.end() && --it->second <= 0) s.polls_by_address.erase(it);
  --s.anonymous_polls;
}

void get_changes(Service& s, Call& c) {
  const auto& req = c.req;
  std::int64_t since = 0;
  if (!req.has_param("since")) return send_error(c.res, 400, "invalid", "since is required: the seq the client has seen.");
  const auto since_v = parse_count(req.get_param_value("since"));
  if (!since_v) return send_error(c.res, 400, "invalid", "since must be a non-negative integer.");
  since = *since_v;
  std::int64_t wait = 0;
  if (req.has_param("wait")) {
    const auto w = parse_count(req.get_param_value("wait"));
    if (!w) return send_error(c.res, 400, "invalid", "wait must be a non-negative integer (seconds).");
    wait = std::min<std::int64_t>(*w, kMaxWaitSeconds);
  }
  // The hub's seq (commits of this node at once, other processes' within 0.5 s); the database
  // only when the client claims to be ahead of it.
  std::int64_t seq = s.hub.seq();
  if (since > seq) {
    auto store = s.pool.acquire();
    seq = store->seq();
    s.hub.publish(seq);
  }
  if (req.has_param("epoch") && req.get_param_value("epoch") != s.epoch)
    return send_error(c.res, 410, "gone", "The board's database was replaced; reload the whole board.");
  if (since > seq)
    return send_error(c.res, 410, "gone", "since is ahead of the node's seq; reload the whole board.");
  if (seq > since || wait == 0 || s.stopping) return send_changes(s, c.res, since);

  // Hold it: an entry in the hub, answered on a worker when a change comes or the wait ends.
  const bool priority = c.caller.role != Caller::Role::None;
  const std::string addr = s.client_address(c);  // behind a trusted proxy: the phone's own address
  if (!priority && !take_poll_slot(s, addr)) return Service::send_busy(c.res);
  auto res = std::make_shared<http::Response>(std::move(c.res));
  auto done = c.done;
  // Runs on a worker (the hub's dispatch), or on the stopping thread.
  auto answer = [&s, res, done, since, priority, addr]() mutable {
    if (!priority) give_poll_slot(s, addr);
    try {
      send_changes(s, *res, since);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "openspace-node: error on GET /api/v1/changes: %s\n", e.what());
      send_error(*res, 503, "unavailable", "The board's database cannot be used right now; try again shortly.");
    }
    done(std::move(*res));
  };
  c.deferred = true;
  if (!s.hub.wait_past(since, Clock::now() + std::chrono::seconds(wait), priority, answer)) {
    c.res = std::move(*res);
    c.deferred = false;
    if (!priority) give_poll_slot(s, addr);
    send_changes(s, c.res, since);
  }
}

// The day a web page shows: the asked day, else today when it is an event day, else the first
// day still to come, else the last day.
std::string web_day(const Event& e, const std::string& asked, const LocalTime& now) {
  if (!asked.empty() && e.has_day(asked)) return asked;
  if (e.has_day(now.day)) return now.day;
  for (const auto& d : e.days)
    if (d > now.day) return d;
  return e.days.empty() ? now.day : e.days.back();
}

bool not_modified(Call& c, const std::string& etag) {
  c.res.set_header("ETag", etag);
  c.res.set_header("Cache-Control", "no-cache");
  if (!etag_matches(c.req, etag)) return false;
  c.res.status = 304;
  return true;
}

bool not_modified(Call& c, const BoardSnapshot& snap) { return not_modified(c, snap.etag); }

// The ETag of a page that depends on the clock (Now/Past, today's tab, an announcement that
// expires): "<epoch>-<seq>-<venue day>-<HHMM>" where HHMM is the last moment at or before now
// when the page could change (midnight, a slot's start or end, the announcement's `until`). A
// reload at a slot boundary then gets the new page, not a 304 for the old one.
std::string timed_etag(const Board& b, const LocalTime& now) {
  int boundary = 0;
  auto consider = [&](int m) {
    if (m <= now.minute && m > boundary) boundary = m;
  };
  for (const auto& slot : b.event.slots) {
    consider(slot.start);
    consider(slot.end);
  }
  if (b.announcement)
    if (const auto until = parse_hhmm(b.announcement->until)) consider(*until);
  return "\"" + b.epoch + "-" + std::to_string(b.seq) + "-" + now.day + "-" + format_hhmm(boundary) + "\"";
}

void get_web_board(Service& s, Call& c) {
  auto snap = s.board_snapshot();
  const std::string asked = c.req.get_param_value("day");
  if (!asked.empty() && !snap->board->event.has_day(asked)) {
    c.res.status = 404;
    c.res.set_content("<!doctype html><meta charset=utf-8><title>Not found</title><p>" + web::escape_html(asked) +
                          " is not a day of this event. <a href=\"/\">See the board</a>.</p>",
                      "text/html; charset=utf-8");
    return;
  }
  const auto now = s.now();
  // The page also changes when a lightning sheet's sign-up closes (web::clock_key).
  std::string etag = timed_etag(*snap->board, now);
  etag.insert(etag.size() - 1, web::clock_key(snap->board->event, now));
  if (not_modified(c, etag)) return;
  c.res.status = 200;
  c.res.set_content(web::board_page(*snap->board, web_day(snap->board->event, asked, now), now), "text/html; charset=utf-8");
}

std::string base_url(const http::Request& req) {
  std::string host = printable(req.get_header_value("Host"), 255);
  // A Host header is attacker-chosen text that lands in the calendar: keep it to host[:port].
  const bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']';
  });
  return "http://" + (ok ? host : std::string("localhost"));
}

void get_calendar(Service& s, Call& c) {
  auto snap = s.board_snapshot();
  if (not_modified(c, *snap)) return;
  c.res.status = 200;
  // The open spaces, the lightning sheets and the evening groups; ?lightning=0 / ?groups=0 leave
  // those out, ?talks=1 adds the conference's talks (ics::CalendarParts).
  ics::CalendarParts parts;
  parts.talks = c.req.get_param_value("talks") == "1";
  parts.lightning = c.req.get_param_value("lightning") != "0";
  parts.groups = c.req.get_param_value("groups") != "0";
  c.res.set_content(ics::calendar(*snap->board, parts, s.clock, base_url(c.req), std::chrono::system_clock::now()),
                    "text/calendar; charset=utf-8");
}

void get_session(Service& s, Call& c) {
  std::string id = c.params.at(0);
  const bool ics_wanted = id.size() > 4 && id.ends_with(".ics");
  if (ics_wanted) id.resize(id.size() - 4);
  auto snap = s.board_snapshot();
  const Cell* cell = nullptr;
  for (const auto& x : snap->board->cells)
    if (x.state == CellState::Claimed && x.claim_id == id) cell = &x;
  if (!cell) {
    c.res.status = 404;
    c.res.set_content("<!doctype html><meta charset=utf-8><title>Not found</title><p>This session is not on the board "
                      "(it may have been removed). <a href=\"/\">See the board</a>.</p>",
                      "text/html; charset=utf-8");
    return;
  }
  // The calendar file does not depend on the clock; the page does.
  const auto now = s.now();
  if (not_modified(c, ics_wanted ? snap->etag : timed_etag(*snap->board, now))) return;
  c.res.status = 200;
  if (ics_wanted) {
    c.res.set_content(ics::calendar(snap->board->event, {*cell}, s.clock, base_url(c.req)), "text/calendar; charset=utf-8");
    return;
  }
  auto page = web::session_page(*snap->board, id, now);
  c.res.set_content(page ? *page : std::string("<!doctype html><meta charset=utf-8><p>Session not found.</p>"),
                    "text/html; charset=utf-8");
}

// [SECTION] Handlers: claims

Json cell_answer(const Cell& cell, std::int64_t seq) { return Json{{"cell", json::encode(cell)}, {"seq", seq}}; }

// An attempt reserved in a rate limiter, given back unless kept: a replay is not an attempt,
// and neither is a request the database could not answer (503: the kiosk sends the same one
// again, so a failover does not use up its minute).
class Attempt {
 public:
  Attempt(ClaimLimiter& limiter, std::string who, std::uint64_t ticket) : limiter_(limiter), who_(std::move(who)), ticket_(ticket) {}
  ~Attempt() {
    if (!kept_) limiter_.give_back(who_, ticket_);
  }
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;
  void keep() { kept_ = true; }

 private:
  ClaimLimiter& limiter_;
  std::string who_;
  std::uint64_t ticket_;
  bool kept_ = false;
};

void post_claim(Service& s, Call& c) {
  auto decoded = json::decode_claim_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  Claim claim = std::get<Claim>(decoded);

  // Rate limit per token; idempotent replays are not attempts.
  const std::string who = c.caller.role == Caller::Role::Kiosk ? "kiosk:" + c.caller.kiosk_id
                                                                : "staff:" + std::to_string(c.caller.staff_session);
  std::optional<Attempt> attempt;
  if (const auto rsv = s.limiter.reserve(who); rsv.wait_s > 0) {
    const long long wait = rsv.wait_s;
    std::optional<Cell> held;
    {
      auto store = s.pool.acquire();
      held = store->cell_of_claim(claim.claim_id);
    }
    const bool replay = held && held->day == claim.day && held->room == claim.room && held->start == claim.start &&
                        held->title == claim.title && held->host == claim.host && held->description == claim.description;
    if (!replay) {
      c.res.set_header("Retry-After", std::to_string(wait));
      return send_error(c.res, 429, "rate_limited",
                        "Too many claims from this kiosk; try again in " + std::to_string(wait) + " seconds.");
    }
  } else {
    attempt.emplace(s.limiter, who, rsv.ticket);
  }

  const auto now = s.now();
  ClaimResult r = s.write([&](BoardStore& store) { return store.claim(claim, now); });
  if (attempt && r.outcome != ClaimOutcome::Replayed) attempt->keep();
  switch (r.outcome) {
    case ClaimOutcome::Created:
      c.publish_after = r.seq;
      ++s.metrics.claims_created;
      return send_json(c.res, 201, cell_answer(r.cell, r.seq));
    case ClaimOutcome::Replayed: return send_json(c.res, 200, cell_answer(r.cell, r.seq));
    case ClaimOutcome::Invalid: return send_error(c.res, 400, r.error);
    case ClaimOutcome::NotFound: return send_error(c.res, 404, r.error);
    case ClaimOutcome::Taken:
    case ClaimOutcome::Blocked:
    case ClaimOutcome::Past:
    case ClaimOutcome::Reused:
    case ClaimOutcome::Removed:
      ++s.metrics.conflicts;
      return send_error(c.res, 409, r.error.code, r.error.message, Json{{"cell", json::encode(r.cell)}});
  }
}

// [SECTION] Handlers: staff

int status_of(const Error& e) {
  if (e.code == "not_found") return 404;
  if (e.code == "invalid") return 400;
  return 409;
}

void delete_claim(Service& s, Call& c) {
  const std::string& id = c.params.at(0);
  CellResult r = s.write([&](BoardStore& store) { return store.release(id); });
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  c.publish_after = r.seq;
  send_json(c.res, 200, cell_answer(r.cell, r.seq));
}

void post_session(Service& s, Call& c) {
  auto decoded = json::decode_pin_request(c.req.body);
  // The request body holds the PIN as well: wipe it now, nothing reads it after the handler.
  wipe_secret(const_cast<std::string&>(c.req.body));
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  const std::string addr = s.client_address(c);
  if (const long long wait = s.pin_guard.begin(addr); wait > 0) {
    c.res.set_header("Retry-After", std::to_string(wait));
    return send_error(c.res, 429, "locked_out",
                      "Too many wrong PINs from this address; try again in " + std::to_string((wait + 59) / 60) + " minute(s).");
  }
  // Node-wide: many wrong PINs from anywhere slow every PIN check down (guards.hpp PinCap).
  if (const long long wait = s.pin_cap.begin(); wait > 0) {
    s.pin_guard.end(addr, true);  // this check did not run: nothing to count against the address
    c.res.set_header("Retry-After", std::to_string(wait));
    return send_error(c.res, 429, "pin_throttled",
                      "The node is slowing down PIN checks after many wrong PINs; try again in " + std::to_string(wait) +
                          " seconds.");
  }
  // PBKDF2 is slow on purpose: it runs here without holding any lock. The PIN's copy is wiped
  // as soon as it was checked.
  std::string& pin = std::get<std::string>(decoded);
  bool right = false;
  try {
    right = verify_pin(pin, s.config.staff_pin_hash);
  } catch (...) {
    wipe_secret(pin);
    s.pin_guard.end(addr, false);
    s.pin_cap.end(false);
    throw;
  }
  wipe_secret(pin);
  s.pin_guard.end(addr, right);
  s.pin_cap.end(right);
  if (!right) return send_error(c.res, 401, "unauthorized", "Wrong PIN.");
  std::string token = s.open_staff_session();
  Json answer{{"token", token}, {"expires_in", s.sessions.ttl().count()}};
  send_json(c.res, 200, answer);
  wipe_secret(token);
  wipe_secret(answer["token"].get_ref<std::string&>());
}

// Logout and Lock: the staff token of this request stops working at once, on every client.
void delete_session(Service& s, Call& c) {
  s.revoke_staff_session(c.caller.token);
  send_json(c.res, 200, Json{{"revoked", true}});
}

void post_reset(Service& s, Call& c) {
  const std::string& day = c.params.at(0);
  ResetResult r = s.write([&](BoardStore& store) { return store.reset_day(day); });
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  c.publish_after = r.seq;
  send_json(c.res, 200, Json{{"archived", r.archived}, {"signups", r.signups}, {"groups", r.groups}, {"seq", r.seq}});
}

void put_block(Service& s, Call& c) {
  auto decoded = json::decode_block_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  const CellKey key{c.params.at(0), c.params.at(1), c.params.at(2)};
  CellResult r = s.write([&](BoardStore& store) { return store.block(key, std::get<std::string>(decoded)); });
  if (r.error) {
    if (r.error->code == "taken") return send_error(c.res, 409, "taken", r.error->message, Json{{"cell", json::encode(r.cell)}});
    return send_error(c.res, status_of(*r.error), *r.error);
  }
  c.publish_after = r.seq;
  send_json(c.res, 200, cell_answer(r.cell, r.seq));
}

void delete_block(Service& s, Call& c) {
  const CellKey key{c.params.at(0), c.params.at(1), c.params.at(2)};
  CellResult r = s.write([&](BoardStore& store) { return store.unblock(key); });
  if (r.error) {
    if (r.error->code == "not_blocked")
      return send_error(c.res, 409, "not_blocked", r.error->message, Json{{"cell", json::encode(r.cell)}});
    return send_error(c.res, status_of(*r.error), *r.error);
  }
  c.publish_after = r.seq;
  send_json(c.res, 200, cell_answer(r.cell, r.seq));
}

void put_announcement(Service& s, Call& c) {
  auto decoded = json::decode_announcement_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  AnnouncementResult r = s.write([&](BoardStore& store) { return store.set_announcement(std::get<Announcement>(decoded)); });
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  c.publish_after = r.seq;
  send_json(c.res, 200, Json{{"announcement", json::encode(r.announcement)}, {"seq", r.seq}});
}

// [SECTION] Handlers: lightning talks, evening groups, interest, moves (contract §4.3)

std::string caller_key(const Call& c) {
  return c.caller.role == Caller::Role::Kiosk ? "kiosk:" + c.caller.kiosk_id : "staff:" + std::to_string(c.caller.staff_session);
}

// Reserves one of the 30 attempts a minute of `kind` for this token; nullopt (and a 429 sent)
// when none is left. The attempt counts only once kept (a new row was made).
std::optional<Attempt> reserve_action(Service& s, Call& c, const char* kind) {
  const std::string who = std::string(kind) + ":" + caller_key(c);
  const auto rsv = s.action_limiter.reserve(who);
  if (rsv.wait_s > 0) {
    c.res.set_header("Retry-After", std::to_string(rsv.wait_s));
    send_error(c.res, 429, "rate_limited", "Too many requests from this kiosk; try again in " + std::to_string(rsv.wait_s) + " seconds.");
    return std::nullopt;
  }
  return std::optional<Attempt>(std::in_place, s.action_limiter, who, rsv.ticket);
}

Json signup_answer(const SignupResult& r) {
  return Json{{"signup", json::encode(r.signup)}, {"sheet", json::encode(r.sheet)}, {"seq", r.seq}};
}

void post_lightning(Service& s, Call& c) {
  auto decoded = json::decode_signup_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  auto attempt = reserve_action(s, c, "lightning");
  if (!attempt) return;
  const auto now = s.now();
  SignupResult r = s.write([&](BoardStore& store) { return store.sign_up(std::get<LightningSignup>(decoded), now); });
  if (r.created) attempt->keep();
  if (r.error) {
    if (r.error->code == "full" || r.error->code == "closed") ++s.metrics.signups_refused;
    const int st = status_of(*r.error);
    if (st == 409) return send_error(c.res, 409, r.error->code, r.error->message, Json{{"sheet", json::encode(r.sheet)}});
    return send_error(c.res, st, *r.error);
  }
  if (r.created) {
    c.publish_after = r.seq;
    ++s.metrics.signups_created;
  }
  send_json(c.res, r.created ? 201 : 200, signup_answer(r));
}

void delete_lightning(Service& s, Call& c) {
  const std::string& id = c.params.at(0);
  SignupResult r = s.write([&](BoardStore& store) { return store.remove_signup(id); });
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  c.publish_after = r.seq;
  send_json(c.res, 200, signup_answer(r));
}

void put_lightning_order(Service& s, Call& c) {
  auto decoded = json::decode_order_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  const std::string day = c.params.at(0), start = c.params.at(1);
  SignupResult r = s.write([&](BoardStore& store) { return store.reorder(day, start, std::get<std::vector<std::string>>(decoded)); });
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  c.publish_after = r.seq;
  send_json(c.res, 200, Json{{"sheet", json::encode(r.sheet)}, {"seq", r.seq}});
}

Json group_answer(const GroupResult& r) { return Json{{"group", json::encode(r.group)}, {"seq", r.seq}}; }

void post_group(Service& s, Call& c) {
  auto decoded = json::decode_group_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  auto attempt = reserve_action(s, c, "group");
  if (!attempt) return;
  const auto now = s.now();
  GroupResult r = s.write([&](BoardStore& store) { return store.create_group(std::get<Group>(decoded), now); });
  if (r.created) attempt->keep();
  if (r.error) {
    const int st = status_of(*r.error);
    if (st == 409) return send_error(c.res, 409, r.error->code, r.error->message, Json{{"group", json::encode(r.group)}});
    return send_error(c.res, st, *r.error);
  }
  if (r.created) {
    c.publish_after = r.seq;
    ++s.metrics.groups_created;
  }
  send_json(c.res, r.created ? 201 : 200, group_answer(r));
}

void post_group_join(Service& s, Call& c) {
  auto decoded = json::decode_id_request(c.req.body, "join_id");
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  auto attempt = reserve_action(s, c, "join");
  if (!attempt) return;
  const std::string& id = c.params.at(0);
  GroupResult r = s.write([&](BoardStore& store) { return store.join_group(id, std::get<std::string>(decoded)); });
  if (r.created) attempt->keep();
  if (r.error) {
    if (r.error->code == "full") ++s.metrics.joins_refused;
    const int st = status_of(*r.error);
    if (st == 409) return send_error(c.res, 409, r.error->code, r.error->message, Json{{"group", json::encode(r.group)}});
    return send_error(c.res, st, *r.error);
  }
  if (r.created) {
    c.publish_after = r.seq;
    ++s.metrics.joins_counted;
  }
  Json answer = group_answer(r);
  answer["joined"] = r.group.joined;
  send_json(c.res, 200, answer);
}

void delete_group(Service& s, Call& c) {
  const std::string& id = c.params.at(0);
  GroupResult r = s.write([&](BoardStore& store) { return store.remove_group(id); });
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  c.publish_after = r.seq;
  send_json(c.res, 200, group_answer(r));
}

void post_interest(Service& s, Call& c) {
  auto decoded = json::decode_id_request(c.req.body, "interest_id");
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  auto attempt = reserve_action(s, c, "interest");
  if (!attempt) return;
  const std::string& id = c.params.at(0);
  InterestResult r = s.write([&](BoardStore& store) { return store.add_interest(id, std::get<std::string>(decoded)); });
  if (r.counted) attempt->keep();
  if (r.error) return send_error(c.res, status_of(*r.error), *r.error);
  if (r.counted) {
    c.publish_after = r.seq;
    ++s.metrics.interest_counted;
  }
  send_json(c.res, 200, Json{{"claim_id", id}, {"interest", r.cell.interest}, {"cell", json::encode(r.cell)}, {"seq", r.seq}});
}

void post_move(Service& s, Call& c) {
  auto decoded = json::decode_move_request(c.req.body);
  if (auto* e = std::get_if<Error>(&decoded)) return send_error(c.res, 400, *e);
  const std::string& id = c.params.at(0);
  const auto now = s.now();
  MoveResult r = s.write([&](BoardStore& store) { return store.move(id, std::get<CellKey>(decoded), now); });
  if (r.error) {
    const int st = status_of(*r.error);
    if (st == 409) return send_error(c.res, 409, r.error->code, r.error->message, Json{{"cell", json::encode(r.to)}});
    return send_error(c.res, st, *r.error);
  }
  c.publish_after = r.seq;
  ++s.metrics.moves;
  send_json(c.res, 200, Json{{"from", json::encode(r.from)}, {"to", json::encode(r.to)}, {"seq", r.seq}});
}

// [SECTION] Handlers: the conference schedule

// PUT /api/v1/schedule: the body is the schedule document itself; ?source= names where the
// staff member took it from (kept with the last import, shown by `openspace-admin status`).
void put_schedule(Service& s, Call& c) {
  if (c.req.body.size() > body_limit(c.req.method, c.req.path))
    return send_error(c.res, 413, "too_large", "The body is larger than 8 MiB.");
  const std::string source = c.req.get_param_value("source");
  if (source.size() > 500 || !is_valid_utf8(source) || has_control_character(source))
    return send_error(c.res, 400, "invalid", "source must be at most 500 characters of text on one line.");
  auto parsed = schedule::parse(c.req.body, s.clock);
  if (auto* e = std::get_if<Error>(&parsed)) return send_error(c.res, 400, *e);
  const auto& talks = std::get<schedule::Parsed>(parsed).talks;
  ScheduleResult r = s.write([&](BoardStore& store) { return store.import_schedule(talks, source); });
  c.publish_after = r.seq;
  send_json(c.res, 200, Json{{"talks", r.talks}, {"added", r.added}, {"updated", r.updated}, {"cancelled", r.cancelled},
                             {"unchanged", r.unchanged}, {"seq", r.seq}});
}

// GET /api/v1/schedule (staff): the last import and how many talks the board holds.
void get_schedule(Service& s, Call& c) {
  std::optional<ScheduleImport> last;
  std::vector<Talk> talks;
  {
    auto store = s.pool.acquire();
    last = store->last_import();
    talks = store->talks();
  }
  const auto cancelled = std::count_if(talks.begin(), talks.end(), [](const Talk& t) { return t.state == TalkState::Cancelled; });
  send_json(c.res, 200, Json{{"last_import", last ? json::encode(*last) : Json(nullptr)},
                             {"scheduled", static_cast<std::int64_t>(talks.size()) - cancelled},
                             {"cancelled", cancelled}});
}

void get_archive(Service& s, Call& c) {
  if (!c.req.has_param("day")) return send_error(c.res, 400, "invalid", "day is required, e.g. ?day=2011-03-11.");
  const std::string day = c.req.get_param_value("day");
  if (!s.config.event.has_day(day)) return send_error(c.res, 404, "not_found", printable(day, 40) + " is not a day of this event.");
  std::vector<ArchivedClaim> claims;
  std::vector<ArchivedSignup> signups;
  std::vector<ArchivedGroup> groups;
  {
    auto store = s.pool.acquire();
    claims = store->archive(day);
    signups = store->archived_signups(day);
    groups = store->archived_groups(day);
  }
  Json list = Json::array(), slist = Json::array(), glist = Json::array();
  for (const auto& a : claims) list.push_back(json::encode(a));
  for (const auto& a : signups) slist.push_back(json::encode(a));
  for (const auto& a : groups) glist.push_back(json::encode(a));
  send_json(c.res, 200, Json{{"claims", list}, {"signups", slist}, {"groups", glist}});
}

// The node-wide PIN throttle as staff see it (GET /api/v1/kiosks "pin_checks", /metrics).
Json pin_checks_json(Service& s) {
  const PinCap::State st = s.pin_cap.state();
  return Json{{"throttled", st.throttled},
              {"wrong_pins_10min", st.wrong_recent},
              {"delay_s", st.delay_s},
              {"retry_after_s", st.retry_after_s}};
}

void get_kiosks(Service& s, Call& c) {
  Json list = Json::array();
  const Json pin_checks = pin_checks_json(s);
  std::lock_guard lk(s.heartbeat_mutex);
  for (const auto& [id, h] : s.heartbeats) {
    Json k{{"id", id}};
    k["last_seen"] = h.last_seen ? Json(iso_utc(*h.last_seen)) : Json(nullptr);
    k["version"] = h.version.empty() ? Json(nullptr) : Json(h.version);
    k["outbox"] = h.outbox ? Json(*h.outbox) : Json(nullptr);
    k["lag_ms"] = h.lag_ms ? Json(*h.lag_ms) : Json(nullptr);
    list.push_back(std::move(k));
  }
  send_json(c.res, 200, Json{{"kiosks", list}, {"pin_checks", pin_checks}});
}

// [SECTION] Handlers: health and metrics

void get_healthz(Service& s, Call& c) {
  try {
    auto store = s.pool.acquire();
    (void)store->seq();
    c.res.status = 200;
    c.res.set_content("ok\n", "text/plain; charset=utf-8");
  } catch (const std::exception&) {
    c.res.status = 503;
    c.res.set_content("database unavailable\n", "text/plain; charset=utf-8");
  }
}

std::string prom_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out;
}

void get_metrics(Service& s, Call& c) {
  std::string out;
  out += "# HELP openspace_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE openspace_requests_total counter\n";
  for (const auto& [key, n] : s.metrics.requests())
    out += "openspace_requests_total{route=\"" + prom_escape(key.first) + "\",status=\"" + std::to_string(key.second) +
           "\"} " + std::to_string(n) + "\n";
  out += "# HELP openspace_claims_created_total Claims that won a cell.\n# TYPE openspace_claims_created_total counter\n";
  out += "openspace_claims_created_total " + std::to_string(s.metrics.claims_created.load()) + "\n";
  out += "# HELP openspace_claim_conflicts_total Claims refused with 409 (taken, blocked, past, removed, reused).\n";
  out += "# TYPE openspace_claim_conflicts_total counter\n";
  out += "openspace_claim_conflicts_total " + std::to_string(s.metrics.conflicts.load()) + "\n";
  out += "# HELP openspace_long_polls_held Requests to /api/v1/changes waiting for a change.\n";
  out += "# TYPE openspace_long_polls_held gauge\n";
  out += "openspace_long_polls_held " + std::to_string(s.hub.held()) + "\n";
  const auto st = s.server.stats();
  out += "# HELP openspace_connections Open HTTP connections.\n# TYPE openspace_connections gauge\n";
  out += "openspace_connections " + std::to_string(st.connections) + "\n";
  out += "# HELP openspace_connections_refused_total Connections closed at once: over a cap (total or per address).\n";
  out += "# TYPE openspace_connections_refused_total counter\n";
  out += "openspace_connections_refused_total " + std::to_string(st.refused_total) + "\n";
  out += "# HELP openspace_requests_queued Requests waiting for a worker.\n# TYPE openspace_requests_queued gauge\n";
  out += "openspace_requests_queued " + std::to_string(st.queued) + "\n";
  const PinCap::State pin = s.pin_cap.state();
  out += "# HELP openspace_pin_wrong_recent Wrong staff PINs node-wide within the last 10 minutes.\n";
  out += "# TYPE openspace_pin_wrong_recent gauge\n";
  out += "openspace_pin_wrong_recent " + std::to_string(pin.wrong_recent) + "\n";
  out += "# HELP openspace_pin_throttled 1 while PIN checks are throttled node-wide (20 wrong PINs within 10 minutes).\n";
  out += "# TYPE openspace_pin_throttled gauge\n";
  out += "openspace_pin_throttled " + std::to_string(pin.throttled ? 1 : 0) + "\n";
  out += "# HELP openspace_pin_delay_seconds Seconds between PIN checks while throttled (0 otherwise).\n";
  out += "# TYPE openspace_pin_delay_seconds gauge\n";
  out += "openspace_pin_delay_seconds " + std::to_string(pin.delay_s) + "\n";
  std::int64_t seq = s.hub.seq();
  try {
    auto store = s.pool.acquire();
    seq = store->seq();
  } catch (const std::exception&) {
  }
  auto counter = [&out](const char* name, const char* help, std::uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + std::to_string(v) + "\n";
  };
  counter("openspace_lightning_signups_total", "Lightning-talk sign-ups that got a place.", s.metrics.signups_created.load());
  counter("openspace_lightning_refused_total", "Lightning-talk sign-ups refused: sheet full or closed.", s.metrics.signups_refused.load());
  counter("openspace_groups_created_total", "Evening groups created.", s.metrics.groups_created.load());
  counter("openspace_group_joins_total", "Joins that got a seat in a group.", s.metrics.joins_counted.load());
  counter("openspace_group_joins_refused_total", "Joins refused because the group was full.", s.metrics.joins_refused.load());
  counter("openspace_interest_total", "\"I'll come\" taps counted.", s.metrics.interest_counted.load());
  counter("openspace_moves_total", "Sessions moved by staff.", s.metrics.moves.load());
  if (s.feed) {
    counter("openspace_announcements_total", "Commits of other node processes announced to this one (PostgreSQL NOTIFY).",
            s.metrics.announcements.load());
    counter("openspace_feed_connects_total", "Connects of the change feed (LISTEN), the first one included.",
            s.metrics.feed_connects.load());
  }
  try {
    auto store = s.pool.acquire();
    const auto n = store->counts();
    auto gauge = [&out](const char* name, const char* help, std::int64_t v) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " + std::to_string(v) + "\n";
    };
    gauge("openspace_lightning_signups", "Lightning talks on the sheets now.", n.signups);
    gauge("openspace_groups", "Evening groups on the board now.", n.groups);
  } catch (const std::exception&) {
  }
  out += "# HELP openspace_seq The board's change number.\n# TYPE openspace_seq gauge\n";
  out += "openspace_seq " + std::to_string(seq) + "\n";
  c.res.status = 200;
  c.res.set_content(out, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

std::size_t body_limit(const std::string& method, const std::string& path) {
  if (method == "PUT" && path == "/api/v1/schedule") return kMaxScheduleBody;
  return kMaxBody;
}

void Service::add_routes() {
  auto h = [this](void (*f)(Service&, Call&)) { return [this, f](Call& c) { f(*this, c); }; };
  route("GET", "/api/v1/board", Access::Anyone, h(get_board));
  route("GET", "/api/v1/changes", Access::Anyone, h(get_changes));
  route("POST", "/api/v1/claims", Access::Kiosk, h(post_claim));
  route("DELETE", "/api/v1/claims/{claim_id}", Access::Staff, h(delete_claim));
  route("POST", "/api/v1/staff/session", Access::Anyone, h(post_session));
  route("DELETE", "/api/v1/staff/session", Access::Staff, h(delete_session));
  route("POST", "/api/v1/days/{day}/reset", Access::Staff, h(post_reset));
  route("PUT", "/api/v1/cells/{day}/{room}/{start}/block", Access::Staff, h(put_block));
  route("DELETE", "/api/v1/cells/{day}/{room}/{start}/block", Access::Staff, h(delete_block));
  route("PUT", "/api/v1/announcement", Access::Staff, h(put_announcement));
  route("PUT", "/api/v1/schedule", Access::Staff, h(put_schedule));
  route("GET", "/api/v1/schedule", Access::Staff, h(get_schedule));
  route("GET", "/api/v1/archive", Access::Staff, h(get_archive));
  route("POST", "/api/v1/lightning", Access::Kiosk, h(post_lightning));
  route("DELETE", "/api/v1/lightning/{signup_id}", Access::Staff, h(delete_lightning));
  route("PUT", "/api/v1/lightning/{day}/{start}/order", Access::Staff, h(put_lightning_order));
  route("POST", "/api/v1/groups", Access::Kiosk, h(post_group));
  route("POST", "/api/v1/groups/{group_id}/join", Access::Kiosk, h(post_group_join));
  route("DELETE", "/api/v1/groups/{group_id}", Access::Staff, h(delete_group));
  route("POST", "/api/v1/claims/{claim_id}/interest", Access::Kiosk, h(post_interest));
  route("POST", "/api/v1/claims/{claim_id}/move", Access::Staff, h(post_move));
  route("GET", "/api/v1/kiosks", Access::Staff, h(get_kiosks));
  route("GET", "/healthz", Access::Anyone, h(get_healthz));
  route("GET", "/metrics", Access::Anyone, h(get_metrics));
  route("GET", "/", Access::Anyone, h(get_web_board));
  route("GET", "/calendar.ics", Access::Anyone, h(get_calendar));
  route("GET", "/s/{claim_id}", Access::Anyone, h(get_session));
}

// Commits from another process (another node over the same PostgreSQL board, morning-reset,
// backup tools) do not pass through this node. With PostgreSQL their seq is announced (NOTIFY)
// and published at once; an announcement is a hint, so the seq is also read after every
// (re)connect of the feed (a failover loses announcements) and twice a second, as on SQLite.
void Service::external_watch() {
  auto last_read = Clock::now() - kExternalCheckInterval;
  while (!stopping) {
    if (feed) {
      std::int64_t announced = 0;
      const ChangeFeed::Wake w = feed->wait(kExternalCheckInterval, announced);
      if (stopping || w == ChangeFeed::Wake::Interrupted) continue;
      if (w == ChangeFeed::Wake::Announced) {
        metrics.announcements.fetch_add(1);
        hub.publish(announced);
        if (Clock::now() - last_read < kExternalCheckInterval) continue;
      }
      if (w == ChangeFeed::Wake::Connected) metrics.feed_connects.fetch_add(1);
    } else if (hub.wait_for_stop(kExternalCheckInterval)) {
      break;
    }
    last_read = Clock::now();
    try {
      auto store = pool.acquire();
      hub.publish(store->seq());
    } catch (const std::exception&) {
      // The database is unhappy; /healthz reports it. Try again next round.
    }
  }
}

// [SECTION] NodeService

struct NodeService::Impl : Service {
  using Service::Service;
};

NodeService::NodeService(NodeConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

NodeService::~NodeService() {
  stop();
  if (impl_->watcher.joinable()) impl_->watcher.join();
}

int NodeService::bind(const std::string& host, int port) { return impl_->server.bind(host, port); }

void NodeService::run() {
  {
    std::lock_guard lk(impl_->run_mutex);
    if (impl_->stopping) return;
    impl_->run_entered = true;
  }
  impl_->watcher = std::thread([this] { impl_->external_watch(); });
  impl_->server.run();  // returns after stop(), once the answers in flight were written
  impl_->hub.stop();
  if (impl_->watcher.joinable()) impl_->watcher.join();
}

void NodeService::stop() {
  {
    std::lock_guard lk(impl_->run_mutex);
    impl_->stopping = true;
  }
  impl_->server.stop();
  impl_->hub.stop();  // answers every held long-poll so the drain is quick
  if (impl_->feed) impl_->feed->interrupt();
}

void NodeService::set_clock_skew_seconds(long long s) { impl_->skew_seconds = s; }

}  // namespace osb
