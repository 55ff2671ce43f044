// Open Space Board — the node's HTTP server (see server.hpp).
//
// Index of this file:
// [SECTION] Request and response helpers
// [SECTION] WorkPool
// [SECTION] Server::Impl: accepting, caps per address and in total
// [SECTION] Server::Impl: one connection (read header, admit, read body, hand off, write)
// [SECTION] Server
#include "http/server.hpp"

#include <sys/resource.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace osb::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// [SECTION] Request and response helpers

std::string url_decode(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (query && c == '+') ? ' ' : c;
  }
  return out;
}

bool Request::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return true;
  return false;
}

std::string Request::get_header_value(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return {};
}

std::string Request::get_param_value(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (iequal(k, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::set_content(std::string content, std::string content_type) {
  body = std::move(content);
  set_header("Content-Type", std::move(content_type));
}

namespace {

// A copy of the request without its body: what `finished` needs after the body was handed on.
Request head_of(const Request& r) {
  Request h;
  h.method = r.method;
  h.target = r.target;
  h.path = r.path;
  h.remote_addr = r.remote_addr;
  h.content_length = r.content_length;
  for (const auto& kv : r.headers)
    if (iequal(kv.first, "Authorization") == false) h.headers.push_back(kv);
  return h;
}

void parse_target(Request& r) {
  const auto q = r.target.find('?');
  r.path = url_decode(std::string_view(r.target).substr(0, q), false);
  if (q == std::string::npos) return;
  std::string_view rest = std::string_view(r.target).substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view part = rest.substr(0, amp);
    if (!part.empty()) {
      const auto eq = part.find('=');
      r.params.emplace(url_decode(part.substr(0, eq), true),
                       eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
}

}  // namespace

// [SECTION] WorkPool

struct WorkPool::Impl {
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::function<void()>> high, low;
  int max_low = 1;
  int busy_low = 0;
  bool stopping = false;
  std::vector<std::thread> threads;

  void loop() {
    std::unique_lock lk(m);
    for (;;) {
      cv.wait(lk, [&] { return !high.empty() || (!low.empty() && (busy_low < max_low || stopping)) || (stopping && low.empty()); });
      std::function<void()> task;
      bool is_low = false;
      if (!high.empty()) {
        task = std::move(high.front());
        high.pop_front();
      } else if (!low.empty()) {
        task = std::move(low.front());
        low.pop_front();
        is_low = true;
        ++busy_low;
      } else {
        return;  // stopping, nothing left
      }
      lk.unlock();
      try {
        task();
      } catch (...) {
        // A task reports its own errors; one that escapes must not end the worker.
      }
      task = nullptr;
      lk.lock();
      if (is_low) {
        --busy_low;
        cv.notify_one();
      }
    }
  }
};

WorkPool::WorkPool(int workers) : impl_(std::make_unique<Impl>()) {
  workers = std::max(2, workers);
  impl_->max_low = workers - 1;  // the last worker is kept for kiosks and staff
  for (int i = 0; i < workers; ++i) impl_->threads.emplace_back([this] { impl_->loop(); });
}

WorkPool::~WorkPool() { stop(); }

void WorkPool::post(Priority p, std::function<void()> task) {
  {
    std::lock_guard lk(impl_->m);
    (p == Priority::Priority ? impl_->high : impl_->low).push_back(std::move(task));
  }
  // One worker is enough: any idle worker can take priority work, and when anonymous work is
  // at its cap no idle worker could take it anyway.
  impl_->cv.notify_one();
}

long long WorkPool::queued() const {
  std::lock_guard lk(impl_->m);
  return static_cast<long long>(impl_->high.size() + impl_->low.size());
}

void WorkPool::stop() {
  {
    std::lock_guard lk(impl_->m);
    if (impl_->stopping && impl_->threads.empty()) return;
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

// [SECTION] Server::Impl: accepting, caps per address and in total

namespace {

// The answer to one handed-off request; the connection's coroutine waits on `timer`, which the
// responder cancels (on the connection's strand) once the answer is there.
struct Pending : std::enable_shared_from_this<Pending> {
  explicit Pending(const asio::any_io_executor& ex) : timer(ex, asio::steady_timer::time_point::max()) {}
  void complete(Response r) {
    {
      std::lock_guard lk(m);
      if (response) return;  // answered already: a second call is a bug in the caller, ignored
      response = std::move(r);
    }
    asio::post(timer.get_executor(), [self = shared_from_this()] { self->timer.cancel(); });
  }
  bool ready() {
    std::lock_guard lk(m);
    return response.has_value();
  }
  Response take() {
    std::lock_guard lk(m);
    return std::move(*response);
  }
  asio::steady_timer timer;
  std::mutex m;
  std::optional<Response> response;
};

}  // namespace

struct Server::Impl {
  Handler& handler;
  Limits limits;
  WorkPool pool;
  std::atomic<long long> connections{0};
  std::atomic<long long> connections_total{0};
  std::atomic<long long> refused_total{0};
  std::atomic<long long> in_flight{0};
  std::mutex addr_m;
  std::unordered_map<std::string, int> per_address;
  std::atomic<bool> stopping{false};
  std::mutex run_m;
  std::condition_variable run_cv;
  bool running = false;
  std::string busy_answer;  // the whole 503 written to connections over a cap
  // Declared last: destroyed first, so suspended connections release their counts while the
  // maps above still exist.
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};

  Impl(Handler& h, Limits l) : handler(h), limits(l), pool(l.workers) {
    Response busy = handler.protocol_error(503, "busy", "The board is very busy right now; try again in a few seconds.");
    busy_answer = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n";
    for (const auto& [k, v] : busy.headers) busy_answer += k + ": " + v + "\r\n";
    busy_answer += "Content-Length: " + std::to_string(busy.body.size()) + "\r\n\r\n" + busy.body;
  }

  void release(const std::string& addr) {
    {
      std::lock_guard lk(addr_m);
      auto it = per_address.find(addr);
      if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
    }
    --connections;
  }

  // True when the new connection fits under the caps (and is then counted).
  bool take_slot(const std::string& addr) {
    if (connections.load() >= limits.max_connections) return false;
    std::lock_guard lk(addr_m);
    int& n = per_address[addr];
    if (n >= limits.connections_per_address) {
      if (n == 0) per_address.erase(addr);
      return false;
    }
    ++n;
    ++connections;
    ++connections_total;
    return true;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
      if (stopping) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
        // Out of file descriptors (or a transient error): breathe, then accept again.
        asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
        co_await pause.async_wait(kTuple);
        continue;
      }
      boost::system::error_code addr_ec;
      const auto endpoint = sock.remote_endpoint(addr_ec);
      if (addr_ec) continue;  // already gone
      std::string addr = endpoint.address().to_string();
      if (endpoint.address().is_v6() && endpoint.address().to_v6().is_v4_mapped())
        addr = asio::ip::make_address_v4(asio::ip::v4_mapped, endpoint.address().to_v6()).to_string();
      const auto ex = sock.get_executor();
      if (!take_slot(addr)) {
        ++refused_total;
        asio::co_spawn(ex, refuse(std::move(sock)), asio::detached);
        continue;
      }
      asio::co_spawn(ex, session(std::move(sock), std::move(addr)), asio::detached);
    }
  }

  // Over a cap: one short 503 and the connection closed, without reading the request.
  asio::awaitable<void> refuse(tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    stream.expires_after(std::chrono::seconds(2));
    co_await asio::async_write(stream, asio::buffer(busy_answer), kTuple);
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  // [SECTION] Server::Impl: one connection (read header, admit, read body, hand off, write)

  // Writes `r` and reports it; false when the connection must close.
  // `lingering`: the caller closes with linger_close() (the request was not read to its end).
  asio::awaitable<bool> write(beast::tcp_stream& stream, const Request& head, Response r, unsigned version, bool keep_alive,
                              SteadyClock::time_point started, bool lingering = false) {
    const bool close = r.close || !keep_alive || stopping.load();
    const auto status = static_cast<bhttp::status>(r.status);
    const std::size_t size = r.body.size();
    boost::system::error_code ec;
    stream.expires_after(limits.write_timeout);
    if (head.method == "HEAD") {
      bhttp::response<bhttp::empty_body> res{status, version};
      for (const auto& [k, v] : r.headers) res.set(k, v);
      res.keep_alive(!close);
      if (r.status != 304 && r.status != 204) res.content_length(size);
      std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, res, kTuple);
    } else {
      bhttp::response<bhttp::string_body> res{status, version};
      for (const auto& [k, v] : r.headers) res.set(k, v);
      res.keep_alive(!close);
      res.body() = std::move(r.body);
      res.prepare_payload();
      std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, res, kTuple);
    }
    r.body.clear();
    handler.finished(head, r, SteadyClock::now() - started);
    if (lingering) co_return false;
    if (ec || close) {
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return false;
    }
    co_return true;
  }

  // Closes after an answer given before the request was read to its end: stop sending, then
  // read and drop what the client still sends (at most 1 MiB, 2 s), so that closing does not
  // reset the connection and destroy the answer before the client has read it.
  asio::awaitable<void> linger_close(beast::tcp_stream& stream) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    stream.expires_after(std::chrono::seconds(2));
    char sink[16384];
    std::size_t dropped = 0;
    while (dropped < (1u << 20)) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (rec) break;
      dropped += n;
    }
    stream.socket().close(ec);
  }

  Response protocol_error(int status, const std::string& code, const std::string& message) {
    Response r = handler.protocol_error(status, code, message);
    r.status = status;
    r.close = true;
    return r;
  }

  asio::awaitable<void> session(tcp::socket sock, std::string addr) {
    struct Release {
      Impl* impl;
      std::string addr;
      ~Release() { impl->release(addr); }
    } release_guard{this, addr};
    beast::tcp_stream stream(std::move(sock));
    boost::system::error_code opt_ec;
    stream.socket().set_option(tcp::no_delay(true), opt_ec);
    // The buffer never holds more than a header's worth: a body goes into its message as read.
    beast::flat_buffer buffer(limits.header_limit + 4096);
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // set once the route is known
      stream.expires_after(limits.header_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
      const auto started = SteadyClock::now();
      if (ec) {
        // A clean close between requests, a silent client, or a broken one.
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted || buffer.size() == 0)
          co_return;
        Request head;
        head.remote_addr = addr;
        if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
          co_await write(stream, head,
                         protocol_error(431, "too_large", "The request line and headers are larger than 16 KiB."), 11, false,
                         started, true);
        else
          co_await write(stream, head, protocol_error(400, "invalid", "The request could not be read as HTTP/1.1."), 11,
                         false, started, true);
        co_await linger_close(stream);
        co_return;
      }
      const auto& msg = parser.get();
      const unsigned version = msg.version();
      Request req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      req.remote_addr = addr;
      for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      if (const auto cl = parser.content_length()) req.content_length = *cl;
      parse_target(req);

      Admission admission;
      try {
        admission = handler.admit(req);
      } catch (const std::exception&) {
        admission.answer = protocol_error(500, "internal", "The node hit an unexpected error.");
      }
      if (admission.answer && admission.answer_is_complete && parser.is_done()) {
        if (!co_await write(stream, head_of(req), std::move(*admission.answer), version, parser.get().keep_alive(), started))
          co_return;
        continue;
      }
      if (admission.answer) {
        // Answered before the body was read: the body would be taken as the next request.
        admission.answer->close = true;
        const bool body_unread = !parser.is_done();
        co_await write(stream, head_of(req), std::move(*admission.answer), version, false, started, body_unread);
        if (body_unread) co_await linger_close(stream);
        co_return;
      }
      if (!parser.is_done()) {
        if (iequal(req.get_header_value("Expect"), "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
          stream.expires_after(limits.write_timeout);
          auto [wec, wn] = co_await bhttp::async_write(stream, cont, kTuple);
          if (wec) co_return;
        }
        parser.body_limit(admission.body_limit);
        stream.expires_after(limits.body_timeout);
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (bec) {
          if (bec == bhttp::error::body_limit) {
            co_await write(stream, head_of(req), protocol_error(413, "too_large", "The body is larger than this route accepts."),
                           version, false, started, true);
            co_await linger_close(stream);
          }
          co_return;  // a body not complete in time, or a broken one: closed
        }
      }
      const bool keep_alive = parser.get().keep_alive();
      req.body = std::move(parser.get().body());
      Request head = head_of(req);

      // Hand off to a worker; the answer may come much later (a long-poll).
      auto pending = std::make_shared<Pending>(stream.get_executor());
      stream.expires_never();
      ++in_flight;
      struct InFlight {
        Impl* impl;
        ~InFlight() {
          if (--impl->in_flight == 0) impl->run_cv.notify_all();
        }
      } in_flight_guard{this};
      pool.post(admission.priority, [this, pending, r = std::move(req)]() mutable {
        Responder done = [pending](Response res) { pending->complete(std::move(res)); };
        try {
          handler.handle(std::move(r), done);
        } catch (const std::exception&) {
          pending->complete(handler.protocol_error(500, "internal", "The node hit an unexpected error."));
        }
      });
      if (!pending->ready()) co_await pending->timer.async_wait(kTuple);
      if (!pending->ready()) co_return;  // the server is going away
      if (!co_await write(stream, head, pending->take(), version, keep_alive, started)) co_return;
    }
  }
};

// [SECTION] Server

Server::Server(Handler& handler, Limits limits) {
  // Each connection is a file descriptor: take all the process may have.
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    const long long room = static_cast<long long>(rl.rlim_cur) - 64;  // database, logs, listeners
    if (room < limits.max_connections) limits.max_connections = static_cast<int>(std::max<long long>(16, room));
    if (limits.anonymous_connections > limits.max_connections - 16)
      limits.anonymous_connections = std::max(1, limits.max_connections - 16);
  }
  impl_ = std::make_unique<Impl>(handler, limits);
}

Server::~Server() {
  stop();
  {
    std::unique_lock lk(impl_->run_m);
    impl_->run_cv.wait(lk, [&] { return !impl_->running; });
  }
  impl_->pool.stop();
}

int Server::bind(const std::string& host, int port) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) throw std::runtime_error("cannot listen on " + host + ": not an address of this machine");
    address = results.begin()->endpoint().address();
  }
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(4096, ec);
  if (ec) {
    boost::system::error_code ignored;
    a.close(ignored);
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + " (" + ec.message() + ")");
  }
  return a.local_endpoint().port();
}

void Server::run() {
  auto& s = *impl_;
  {
    std::lock_guard lk(s.run_m);
    if (s.stopping) return;
    s.running = true;
  }
  asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, s.limits.io_threads); ++i) threads.emplace_back([&s] { s.ioc.run(); });
  {
    // Wait for stop(), then for the answers in flight (a long-poll is woken by the node's stop).
    std::unique_lock lk(s.run_m);
    s.run_cv.wait(lk, [&] { return s.stopping.load(); });
    s.run_cv.wait_for(lk, std::chrono::seconds(10), [&] { return s.in_flight.load() == 0; });
  }
  s.ioc.stop();
  for (auto& t : threads) t.join();
  {
    std::lock_guard lk(s.run_m);
    s.running = false;
  }
  s.run_cv.notify_all();
}

void Server::stop() {
  auto& s = *impl_;
  {
    std::lock_guard lk(s.run_m);
    if (s.stopping.exchange(true)) return;
  }
  asio::post(s.ioc, [&s] {
    boost::system::error_code ec;
    s.acceptor.close(ec);
  });
  s.run_cv.notify_all();
}

void Server::post(Priority p, std::function<void()> task) { impl_->pool.post(p, std::move(task)); }

Stats Server::stats() const {
  Stats st;
  st.connections = impl_->connections.load();
  st.connections_total = impl_->connections_total.load();
  st.refused_total = impl_->refused_total.load();
  st.queued = impl_->pool.queued();
  return st;
}

long long Server::connections() const { return impl_->connections.load(); }

const Limits& Server::limits() const { return impl_->limits; }

}  // namespace osb::http
