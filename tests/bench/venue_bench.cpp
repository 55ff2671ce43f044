// Venue-scale load against the REAL openspace-node: N phones long-polling /api/v1/changes as the
// phone page does, 100 kiosks long-polling with their tokens, and claims made one a second.
// One epoll thread drives every connection (it must not be the bottleneck: it measures the
// node). Phones come from many loopback addresses (127.0.x.y) as phones on a venue's Wi-Fi do.
//
//   venue_bench --phones 3000                 kiosk and phone propagation, quiet-time answers, RSS
//   venue_bench --flood 12                    one connection sending an endless header for 12 s
//   venue_bench --silent 2000                 2,000 silent connections, then a claim and /healthz
//
// Prints one "key value" line per figure; tests/bench/venue.sh runs the set for docs/benchmarks.md.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/epoll_client.hpp"
#include "support/node_harness.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using osb::test::NodeHarness;
using osb::test::NodeOptions;

double ms_since(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

// The n-th client address: 127.0.x.y, `per` clients each (never 127.0.0.1, the kiosks' own).
std::string client_address(int n, int per) {
  const int a = n / per + 2;
  return "127.0." + std::to_string(a / 250) + "." + std::to_string(a % 250 + 2);
}

int connect_from(const std::string& source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &src.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// [SECTION] The event loop: long-polling clients

struct Client {
  int fd = -1;
  bool kiosk = false;
  std::string token;
  std::string source;
  std::string out;
  std::size_t sent = 0;
  std::string in;
  long long since = 0;
  long long max_seq = 0;
  long long answers = 0;
  bool connected = false;
};

struct Receipt {
  long long seq;
  bool kiosk;
  Clock::time_point at;
};

class Loop {
 public:
  Loop(int port, std::string epoch) : port_(port), epoch_(std::move(epoch)), ep_(::epoll_create1(EPOLL_CLOEXEC)) {}
  ~Loop() {
    for (auto& c : clients_)
      if (c.fd >= 0) ::close(c.fd);
    ::close(ep_);
  }

  void add(bool kiosk, std::string token, std::string source, long long since) {
    Client c;
    c.kiosk = kiosk;
    c.token = std::move(token);
    c.source = std::move(source);
    c.since = since;
    clients_.push_back(std::move(c));
  }

  // Opens every connection (at most 256 connecting at once, so the listen queue never drops).
  void connect_all(Clock::time_point deadline) {
    std::size_t next = 0;
    while (Clock::now() < deadline) {
      while (next < clients_.size() && connecting_ < 256) open(next++);
      if (next >= clients_.size() && connecting_ == 0) return;
      step(50);
    }
  }

  void step(int timeout_ms) {
    epoll_event events[512];
    const int n = ::epoll_wait(ep_, events, 512, timeout_ms);
    for (int i = 0; i < n; ++i) {
      const std::size_t idx = events[i].data.u64;
      Client& c = clients_[idx];
      if (c.fd < 0) continue;
      if (!c.connected) {
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        --connecting_;
        if (err != 0) {
          ++connect_errors;
          reopen(idx);
          continue;
        }
        c.connected = true;
        send_poll(idx);
      }
      if (events[i].events & EPOLLOUT) flush(idx);
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read(idx);
    }
  }

  std::vector<Client>& clients() { return clients_; }
  std::vector<Receipt> receipts;
  long long answers_total = 0;
  long long server_errors = 0;  // 5xx other than 503 busy
  long long busy = 0;           // 503 busy
  long long reconnects = 0;
  long long connect_errors = 0;
  std::map<int, long long> statuses;

 private:
  void open(std::size_t idx) {
    Client& c = clients_[idx];
    c.fd = connect_from(c.source, port_);
    c.connected = false;
    c.in.clear();
    c.out.clear();
    c.sent = 0;
    if (c.fd < 0) {
      ++connect_errors;
      return;
    }
    ++connecting_;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u64 = idx;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
  }
  void reopen(std::size_t idx) {
    Client& c = clients_[idx];
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    ++reconnects;
    open(idx);
  }

  void send_poll(std::size_t idx) {
    Client& c = clients_[idx];
    c.out = "GET /api/v1/changes?since=" + std::to_string(c.since) + "&wait=25&epoch=" + epoch_ +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!c.token.empty()) c.out += "Authorization: Bearer " + c.token + "\r\n";
    c.out += "\r\n";
    c.sent = 0;
    flush(idx);
  }

  void flush(std::size_t idx) {
    Client& c = clients_[idx];
    switch (osb::test::send_pending(c.fd, c.out, c.sent)) {
      case osb::test::SendState::Again: return;
      case osb::test::SendState::Failed: reopen(idx); return;
      case osb::test::SendState::Done: break;
    }
  }

  void read(std::size_t idx) {
    Client& c = clients_[idx];
    char buf[16384];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf, sizeof(buf), 0);
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      // Closed by the node (an idle keep-alive, a restart): connect again and poll on.
      reopen(idx);
      return;
    }
    for (;;) {
      const auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const auto cl = c.in.find("Content-Length: ");
      std::size_t length = 0;
      if (cl != std::string::npos && cl < end) length = std::stoul(c.in.substr(cl + 16));
      if (c.in.size() < end + 4 + length) return;
      const int status = std::atoi(c.in.c_str() + 9);
      const std::string body = c.in.substr(end + 4, length);
      const bool close = c.in.substr(0, end).find("Connection: close") != std::string::npos;
      c.in.erase(0, end + 4 + length);
      answer(idx, status, body);
      if (close) {
        reopen(idx);
        return;
      }
    }
  }

  void answer(std::size_t idx, int status, const std::string& body) {
    Client& c = clients_[idx];
    ++answers_total;
    ++c.answers;
    ++statuses[status];
    if (status == 200) {
      const auto p = body.find("\"seq\":");
      if (p != std::string::npos) {
        const long long seq = std::atoll(body.c_str() + p + 6);
        if (seq > c.max_seq) {
          if (c.max_seq > 0 || seq > c.since) receipts.push_back({seq, c.kiosk, Clock::now()});
          c.max_seq = seq;
        }
        c.since = std::max(c.since, seq);
      }
      send_poll(idx);
    } else if (status == 503) {
      ++busy;
      send_poll(idx);  // the bench keeps asking: it measures how the node copes
    } else {
      if (status >= 500) ++server_errors;
      send_poll(idx);
    }
  }

  int port_;
  std::string epoch_;
  int ep_;
  int connecting_ = 0;
  std::vector<Client> clients_;
};

// [SECTION] Small blocking helpers (claims, health) timed from the outside

struct Timed {
  int status;
  double ms;
  std::string body;
};

Timed timed_call(int port, const std::string& method, const std::string& path, const std::string& body, const std::string& token) {
  const auto t0 = Clock::now();
  auto r = osb::test::http_call(port, method, path, body, token);
  return {r.status, ms_since(t0, Clock::now()), r.body};
}

NodeOptions venue_options() {
  NodeOptions o;
  o.extra_kiosks = 100;
  o.rooms = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"};
  o.slots = {{"10:00", "11:00"}, {"11:00", "12:00"}, {"14:00", "15:00"}, {"15:00", "16:00"}};
  return o;
}

std::string claim_body(const std::string& id, const std::string& day, const std::string& room, const std::string& start) {
  return "{\"claim_id\":\"" + id + "\",\"day\":\"" + day + "\",\"room\":\"" + room + "\",\"start\":\"" + start +
         "\",\"title\":\"Venue bench\",\"host\":\"Bench\"}";
}

std::pair<std::string, long long> board_epoch_seq(int port) {
  auto r = osb::test::http_call(port, "GET", "/api/v1/board");
  const auto j = nlohmann::json::parse(r.body);
  return {j.at("epoch").get<std::string>(), j.at("seq").get<long long>()};
}

// [SECTION] Runs

int run_phones(int phones, int kiosks, int claims, int quiet_s) {
  NodeHarness node(venue_options());
  const auto [epoch, seq0] = board_epoch_seq(node.port());
  Loop loop(node.port(), epoch);
  for (int k = 1; k <= kiosks; ++k) loop.add(true, node.token("kiosk-" + std::to_string(k)), "127.0.0.1", seq0);
  for (int p = 0; p < phones; ++p) loop.add(false, "", client_address(p, 50), seq0);
  const auto t_connect = Clock::now();
  loop.connect_all(t_connect + std::chrono::seconds(60));
  const double connect_ms = ms_since(t_connect, Clock::now());
  long rss_peak = rss_kib(node.pid());

  // Quiet: nothing changes; count the answers the node sends anyway.
  const long long before = loop.answers_total;
  const auto quiet_end = Clock::now() + std::chrono::seconds(quiet_s);
  while (Clock::now() < quiet_end) loop.step(100);
  const long long quiet_answers = loop.answers_total - before;
  rss_peak = std::max(rss_peak, rss_kib(node.pid()));

  // Claims, one a second, from room-a, on a thread of their own so the loop never stops
  // reading; the others must see each.
  std::vector<std::pair<Clock::time_point, long long>> sent(static_cast<std::size_t>(claims));  // send time, seq
  std::vector<double> claim_ms(static_cast<std::size_t>(claims));
  const std::string day = node.days().at(1);
  const std::string token = node.token("room-a");
  const int port = node.port();
  std::atomic<bool> claims_done{false};
  std::thread claimer([&] {
    const char* rooms = "ABCDEFGHIJ";
    for (int i = 0; i < claims; ++i) {
      const auto t = Clock::now();
      auto r = timed_call(port, "POST", "/api/v1/claims",
                          claim_body("venue-bench-" + std::to_string(i), day, std::string(1, rooms[i % 10]),
                                     i < 10 ? "10:00" : "11:00"),
                          token);
      long long seq = 0;
      if (r.status == 201) seq = nlohmann::json::parse(r.body).at("seq").get<long long>();
      sent[static_cast<std::size_t>(i)] = {t, seq};
      claim_ms[static_cast<std::size_t>(i)] = r.ms;
      std::this_thread::sleep_until(t + std::chrono::seconds(1));  // the pace of the load, not a synchronisation
    }
    claims_done = true;
  });
  while (!claims_done) {
    loop.step(5);
    rss_peak = std::max(rss_peak, rss_kib(node.pid()));
  }
  claimer.join();
  const long long final_seq = sent.empty() ? seq0 : sent.back().second;
  const auto drain_end = Clock::now() + std::chrono::seconds(30);
  auto all_seen = [&] {
    for (const auto& c : loop.clients())
      if (c.max_seq < final_seq) return false;
    return true;
  };
  while (Clock::now() < drain_end && !all_seen()) loop.step(20);

  std::map<long long, Clock::time_point> sent_at;
  for (const auto& [t, s] : sent) sent_at[s] = t;
  std::vector<double> kiosk_lat, phone_lat;
  for (const auto& r : loop.receipts) {
    auto it = sent_at.find(r.seq);
    if (it == sent_at.end()) continue;
    (r.kiosk ? kiosk_lat : phone_lat).push_back(ms_since(it->second, r.at));
  }
  int phones_all = 0, kiosks_all = 0;
  for (const auto& c : loop.clients())
    if (c.max_seq >= final_seq) (c.kiosk ? kiosks_all : phones_all)++;
  long long claims_ok = 0;
  for (const auto& [t, s] : sent) claims_ok += s > 0;

  std::printf("phones %d\nkiosks %d\n", phones, kiosks);
  std::printf("connect_all_ms %.0f\nconnect_errors %lld\n", connect_ms, loop.connect_errors);
  std::printf("claims_answered %lld/%d\nclaim_p50_ms %.1f\nclaim_max_ms %.1f\n", claims_ok, claims, percentile(claim_ms, 50),
              percentile(claim_ms, 100));
  std::printf("kiosk_propagation_p50_ms %.1f\nkiosk_propagation_p99_ms %.1f\n", percentile(kiosk_lat, 50), percentile(kiosk_lat, 99));
  std::printf("phone_propagation_p50_ms %.1f\nphone_propagation_p99_ms %.1f\n", percentile(phone_lat, 50), percentile(phone_lat, 99));
  std::printf("kiosks_saw_every_change %d/%d\nphones_saw_every_change %d/%d\n", kiosks_all, kiosks, phones_all, phones);
  std::printf("quiet_answers_per_client_per_20s %.3f\n",
              static_cast<double>(quiet_answers) / std::max(1, phones + kiosks) * 20.0 / quiet_s);
  std::printf("server_errors_5xx %lld\nbusy_503 %lld\nreconnects %lld\n", loop.server_errors, loop.busy, loop.reconnects);
  std::printf("node_rss_peak_mib %.1f\n", rss_peak / 1024.0);
  for (const auto& [st, n] : loop.statuses) std::printf("status_%d %lld\n", st, n);
  return 0;
}

// One connection sends an endless header line as fast as it can; it reconnects when closed.
int run_flood(int seconds) {
  NodeHarness node(venue_options());
  const long rss0 = rss_kib(node.pid());
  long rss_max = rss0;
  std::string chunk(64 * 1024, 'a');
  long long bytes = 0, connections = 0;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    const int fd = connect_from("127.0.9.9", node.port());
    if (fd < 0) break;
    ++connections;
    int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    const std::string start = "GET / HTTP/1.1\r\nHost: x\r\nX-Flood: ";
    ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    while (Clock::now() < end) {
      const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
      bytes += n;
      rss_max = std::max(rss_max, rss_kib(node.pid()));
    }
    ::close(fd);
  }
  const auto h = timed_call(node.port(), "GET", "/healthz", "", "");
  std::printf("flood_seconds %d\nflood_bytes_mib %.1f\nflood_connections %lld\n", seconds, bytes / 1048576.0, connections);
  std::printf("node_rss_before_mib %.1f\nnode_rss_max_mib %.1f\nnode_rss_growth_mib %.1f\n", rss0 / 1024.0, rss_max / 1024.0,
              (rss_max - rss0) / 1024.0);
  std::printf("healthz_after_status %d\nhealthz_after_ms %.1f\n", h.status, h.ms);
  return 0;
}

// Many connections that send nothing; the node must still serve a claim and /healthz at once.
int run_silent(int count) {
  NodeHarness node(venue_options());
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    const int fd = connect_from(client_address(i, 20), node.port());
    if (fd >= 0) fds.push_back(fd);
  }
  // Let the node accept them all (connects are in flight): wait until /metrics counts them.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  long long open = 0;
  while (Clock::now() < deadline) {
    auto m = osb::test::http_call(node.port(), "GET", "/metrics");
    const auto p = m.body.find("\nopenspace_connections ");
    if (p != std::string::npos) open = std::atoll(m.body.c_str() + p + 23);
    if (open >= count) break;
  }
  const auto h = timed_call(node.port(), "GET", "/healthz", "", "");
  const auto c = timed_call(node.port(), "POST", "/api/v1/claims", claim_body("silent-bench-1", node.days().at(1), "A", "10:00"),
                            node.token("room-a"));
  std::printf("silent_connections %zu\nnode_counted_open %lld\n", fds.size(), open);
  std::printf("healthz_status %d\nhealthz_ms %.1f\nclaim_status %d\nclaim_ms %.1f\n", h.status, h.ms, c.status, c.ms);
  std::printf("node_rss_mib %.1f\n", rss_kib(node.pid()) / 1024.0);
  for (int fd : fds) ::close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  int phones = -1, kiosks = 100, claims = 10, quiet = 30, flood = 0, silent = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (a == "--phones") phones = v;
    else if (a == "--kiosks") kiosks = v;
    else if (a == "--claims") claims = v;
    else if (a == "--quiet-seconds") quiet = v;
    else if (a == "--flood") flood = v;
    else if (a == "--silent") silent = v;
    else {
      std::fprintf(stderr, "venue_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  try {
    if (flood > 0) return run_flood(flood);
    if (silent > 0) return run_silent(silent);
    return run_phones(std::max(0, phones), kiosks, claims, quiet);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "venue_bench: %s\n", e.what());
    return 1;
  }
}
