// Many HTTP/1.1 requests in flight at once on ONE thread (epoll, non-blocking sockets): a load
// generator for tests and benchmarks that must not need a thread per request.
//
//   osb::test::EpollClient client;
//   client.request({port, "POST", "/api/v1/claims", body, token}, std::chrono::seconds(10),
//                  [](const osb::test::EpollReply& r) { ... r.status ... });
//   while (client.in_flight() > 0) client.run_once(std::chrono::milliseconds(50));
//
// Each request gets a connection of its own to 127.0.0.1:port (sent with `Connection: close`),
// so a request never waits behind another and a dead server fails each one on its own.
// Callbacks run on the thread calling run_once(), and may start new requests.
// status 0 means no answer: connect refused, the connection reset or closed before a whole
// answer, or the timeout passed (`failure` says which).
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace osb::test {

// Sends what is left of `out` (from `sent`) on a non-blocking socket.
enum class SendState { Done, Again, Failed };  // Again: the socket is full, wait for EPOLLOUT
inline SendState send_pending(int fd, const std::string& out, std::size_t& sent) {
  while (sent < out.size()) {
    const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return SendState::Again;
    return SendState::Failed;
  }
  return SendState::Done;
}

struct EpollRequest {
  int port = 0;  // on 127.0.0.1
  std::string method = "GET";
  std::string path = "/";
  std::string body;   // sent as application/json when not empty
  std::string token;  // adds Authorization: Bearer
};

struct EpollReply {
  int status = 0;        // 0: no answer (see failure)
  std::string body;
  std::string headers;   // the raw header section (status line excluded)
  std::string failure;   // "refused", "reset", "closed", "timeout", ... when status is 0
  std::chrono::steady_clock::time_point sent, answered;

  // A header's value ("" when absent); the name is matched without regard to case.
  std::string header(const std::string& name) const {
    std::size_t at = 0;
    while (at < headers.size()) {
      const std::size_t end = std::min(headers.find("\r\n", at), headers.size());
      const std::string line = headers.substr(at, end - at);
      const auto colon = line.find(':');
      if (colon == name.size() && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        std::size_t v = colon + 1;
        while (v < line.size() && line[v] == ' ') ++v;
        return line.substr(v);
      }
      at = end + 2;
    }
    return "";
  }
};

class EpollClient {
 public:
  using Callback = std::function<void(const EpollReply&)>;
  using Clock = std::chrono::steady_clock;

  EpollClient() : ep_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (ep_ < 0) throw std::runtime_error("epoll_create1 failed");
  }
  ~EpollClient() {
    for (auto& c : conns_)
      if (c.fd >= 0) ::close(c.fd);
    ::close(ep_);
  }
  EpollClient(const EpollClient&) = delete;
  EpollClient& operator=(const EpollClient&) = delete;

  // Starts a request now; `done` runs exactly once, from run_once().
  void request(const EpollRequest& r, std::chrono::milliseconds timeout, Callback done) {
    const std::size_t idx = slot();
    Conn& c = conns_[idx];
    c.done = std::move(done);
    c.reply = EpollReply{};
    c.reply.sent = Clock::now();
    c.deadline = c.reply.sent + timeout;
    c.out = r.method + " " + r.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(r.port) + "\r\nConnection: close\r\n";
    if (!r.token.empty()) c.out += "Authorization: Bearer " + r.token + "\r\n";
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT")
      c.out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n";
    c.out += "\r\n" + r.body;
    c.sent = 0;
    c.in.clear();
    c.connected = false;
    c.active = true;
    ++c.generation;
    ++in_flight_;

    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return fail_later(idx, "socket");
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(r.port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS)
      return fail_later(idx, errno == ECONNREFUSED ? "refused" : "connect");
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u64 = idx;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
  }

  // Waits up to `wait` for events (less when a timeout is due), handles them and runs callbacks.
  void run_once(std::chrono::milliseconds wait) {
    // Requests that failed inside request() are answered here, never from within request().
    std::vector<std::size_t> failed;
    failed.swap(failed_);
    for (const std::size_t idx : failed) finish(idx);

    const auto now = Clock::now();
    auto first_deadline = now + wait;
    for (const auto& c : conns_)
      if (c.active && c.fd >= 0 && c.deadline < first_deadline) first_deadline = c.deadline;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(first_deadline - now).count();
    epoll_event events[256];
    const int n = ::epoll_wait(ep_, events, 256, failed_.empty() ? static_cast<int>(std::max<long long>(0, ms)) : 0);
    for (int i = 0; i < n; ++i) {
      const std::size_t idx = events[i].data.u64;
      Conn& c = conns_[idx];
      if (!c.active || c.fd < 0) continue;
      const std::uint64_t generation = c.generation;  // a callback may reuse the slot meanwhile
      if (!c.connected) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          fail(idx, err == ECONNREFUSED ? "refused" : std::strerror(err));
          continue;
        }
        if (!(events[i].events & (EPOLLOUT | EPOLLIN))) continue;
        c.connected = true;
      }
      if (events[i].events & EPOLLOUT) flush(idx);
      if (c.generation == generation && c.active && c.fd >= 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
        read(idx);
    }
    const auto after = Clock::now();
    for (std::size_t idx = 0; idx < conns_.size(); ++idx)
      if (conns_[idx].active && conns_[idx].fd >= 0 && conns_[idx].deadline <= after) fail(idx, "timeout");
  }

  std::size_t in_flight() const { return in_flight_; }

 private:
  struct Conn {
    int fd = -1;
    bool active = false;
    bool connected = false;
    std::uint64_t generation = 0;
    std::string out;
    std::size_t sent = 0;
    std::string in;
    Clock::time_point deadline;
    EpollReply reply;
    Callback done;
  };

  std::size_t slot() {
    if (!free_.empty()) {
      const std::size_t idx = free_.back();
      free_.pop_back();
      return idx;
    }
    conns_.emplace_back();
    return conns_.size() - 1;
  }

  void fail_later(std::size_t idx, const char* why) {
    Conn& c = conns_[idx];
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    c.reply.failure = why;
    failed_.push_back(idx);
  }

  void fail(std::size_t idx, const std::string& why) {
    conns_[idx].reply.status = 0;
    conns_[idx].reply.failure = why;
    finish(idx);
  }

  // Closes the connection, frees the slot and runs the callback (which may reuse the slot).
  void finish(std::size_t idx) {
    Conn& c = conns_[idx];
    if (c.fd >= 0) {
      ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
    }
    c.fd = -1;
    c.active = false;
    c.reply.answered = Clock::now();
    EpollReply reply = std::move(c.reply);
    Callback done = std::move(c.done);
    c.out.clear();
    c.in.clear();
    free_.push_back(idx);
    --in_flight_;
    if (done) done(reply);
  }

  void flush(std::size_t idx) {
    Conn& c = conns_[idx];
    switch (send_pending(c.fd, c.out, c.sent)) {
      case SendState::Again: return;
      case SendState::Failed: return fail(idx, "reset");
      case SendState::Done: break;
    }
    // Everything sent: only reading is left.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = idx;
    ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void read(std::size_t idx) {
    Conn& c = conns_[idx];
    char buf[16384];
    bool eof = false;
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(idx, "reset");
      eof = true;
      break;
    }
    if (complete(c, eof)) return finish(idx);
    if (eof) fail(idx, "closed");
  }

  // Parses the answer once it is whole (Content-Length, chunked, or up to the end of the stream).
  static bool complete(Conn& c, bool eof) {
    const auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos || c.in.compare(0, 5, "HTTP/") != 0) return false;
    const auto line_end = c.in.find("\r\n");
    EpollReply& r = c.reply;
    r.headers = c.in.substr(line_end + 2, end > line_end + 2 ? end - line_end - 2 : 0);
    const auto sp = c.in.find(' ');
    const int status = sp == std::string::npos ? 0 : std::atoi(c.in.c_str() + sp + 1);
    const std::string length = r.header("Content-Length");
    const std::string encoding = r.header("Transfer-Encoding");
    std::string body;
    if (!length.empty()) {
      const std::size_t n = std::strtoull(length.c_str(), nullptr, 10);
      if (c.in.size() < end + 4 + n) return false;
      body = c.in.substr(end + 4, n);
    } else if (encoding.find("chunked") != std::string::npos) {
      std::size_t at = end + 4;
      for (;;) {
        const auto le = c.in.find("\r\n", at);
        if (le == std::string::npos) return false;
        const std::size_t n = std::strtoull(c.in.c_str() + at, nullptr, 16);
        if (n == 0) break;
        if (c.in.size() < le + 2 + n + 2) return false;
        body.append(c.in, le + 2, n);
        at = le + 2 + n + 2;
      }
    } else if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
      // no body
    } else {
      if (!eof) return false;
      body = c.in.substr(end + 4);
    }
    r.status = status;
    r.body = std::move(body);
    return status > 0;
  }

  int ep_;
  std::deque<Conn> conns_;  // a deque: a callback may add requests while a Conn& is in use
  std::vector<std::size_t> free_;
  std::vector<std::size_t> failed_;
  std::size_t in_flight_ = 0;
};

}  // namespace osb::test
