// Open Space Board — the node's HTTP/1.1 server: Boost.Beast over Asio, C++20 coroutines.
//
// A few IO threads hold any number of connections; a request is read in two phases (header,
// then body), each with its own deadline and size limit, so a client that sends too much or too
// slowly costs a bounded amount of memory and is closed. The application (app/node) decides,
// from the header alone, whether a request may go on (admit) and how urgent it is; the answer
// itself is made on a small worker pool off the IO threads (an fsync never stalls a socket) and
// may come later from any thread (a long-poll is a waiter, not a thread).
//
// This layer knows no route: it parses, limits, queues and writes. Everything else is the
// Handler's.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osb::http {

// [SECTION] Requests and responses (plain types: the routes never see Beast)

struct Request {
  std::string method;       // "GET", "POST", ... (HEAD is passed as is)
  std::string target;       // as sent: path and query
  std::string path;         // percent-decoded path
  std::multimap<std::string, std::string> params;  // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_addr;  // the peer's IP address as text
  std::optional<std::uint64_t> content_length;  // as declared in the header

  bool has_header(std::string_view name) const;
  // The first value of `name` (case-insensitive), or "" when absent.
  std::string get_header_value(std::string_view name) const;
  bool has_param(const std::string& name) const { return params.count(name) > 0; }
  std::string get_param_value(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this answer
  // For the application's logs and metrics only (never sent): what was asked, and by whom.
  std::string label;
  std::string who;

  void set_header(std::string name, std::string value);
  void set_content(std::string content, std::string content_type);
};

// Worker queue a request's handling goes to: Priority work (kiosks, staff) is always taken
// first, and anonymous work may never occupy the last worker.
enum class Priority { Anonymous, Priority };

// What the application says about a request whose header has been read.
struct Admission {
  std::optional<Response> answer;  // set: send this now, do not read the body, close
  // With `answer`: the whole answer to a request without a body, made on the IO thread from
  // memory (no database): sent like any answer, the connection stays open.
  bool answer_is_complete = false;
  std::size_t body_limit = 16 * 1024;
  Priority priority = Priority::Anonymous;
};

// Called exactly once per admitted request, from any thread, now or later.
using Responder = std::function<void(Response)>;

class Handler {
 public:
  virtual ~Handler() = default;
  // On an IO thread, after the header: cheap checks only (route, who, size, caps).
  virtual Admission admit(const Request& head) = 0;
  // On a worker thread, with the whole body read. Must call `done` exactly once.
  virtual void handle(Request request, Responder done) = 0;
  // A body for an answer the server makes itself (431, 400, 408, 503 ...).
  virtual Response protocol_error(int status, const std::string& code, const std::string& message) = 0;
  // After every answer written (or given up on): for logs and metrics.
  virtual void finished(const Request& request, const Response& response, std::chrono::steady_clock::duration took) = 0;
};

// [SECTION] Limits (docs/api.md "Node limits"; node.toml [limits])

struct Limits {
  std::size_t header_limit = 16 * 1024;                // request line + headers
  std::chrono::milliseconds header_timeout{10'000};    // also how long an idle keep-alive stays open
  std::chrono::milliseconds body_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  int max_connections = 16'000;         // all connections; past it new ones get 503 and are closed
  int anonymous_connections = 15'000;   // past it, requests without a token get 503 busy
  int connections_per_address = 256;    // per remote address
  int io_threads = 2;
  int workers = 4;
};

struct Stats {
  long long connections = 0;        // open now
  long long connections_total = 0;  // accepted since start
  long long refused_total = 0;      // closed at accept (over a cap)
  long long queued = 0;             // requests waiting for a worker
};

// [SECTION] Worker pool with two priorities

class WorkPool {
 public:
  explicit WorkPool(int workers);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  void post(Priority p, std::function<void()> task);
  long long queued() const;
  void stop();  // runs what is queued, then joins

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// [SECTION] Server

class Server {
 public:
  Server(Handler& handler, Limits limits);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (0 = a free port), listens, returns the real port. Throws on failure.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns once requests in flight have been answered (or 10 s passed).
  void run();
  // From any thread: stop accepting and finish what is in flight.
  void stop();
  // Work for the worker pool from the application (e.g. answering woken long-polls).
  void post(Priority p, std::function<void()> task);
  Stats stats() const;
  long long connections() const;  // open now (one atomic read, for per-request checks)
  const Limits& limits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-decoding of a path or query component ('+' is a space only in queries).
std::string url_decode(std::string_view s, bool query);

}  // namespace osb::http
