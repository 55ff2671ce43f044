// The node's limits at venue scale (contract §4.1), against the real binary over loopback: the
// header limit (431), deadlines for a header and a body, every early answer closing its
// connection, caps on connections and long-polls per address and in total (503 busy with
// Retry-After) that never apply to kiosks, and far more held long-polls than threads.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/node_harness.hpp"

using osb::test::NodeHarness;
using osb::test::NodeOptions;
using Clock = std::chrono::steady_clock;

namespace {

// A blocking connection from `source` (a loopback address) to the node.
int open_from(int port, const std::string& source = "127.0.0.1") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in s{};
  s.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &s.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&s), sizeof s) == 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the node may answer and close first
    sent += static_cast<std::size_t>(n);
  }
}

// Reads until the peer closes or `within` passes; returns what came and whether it closed.
struct Read {
  std::string data;
  bool closed = false;
};
Read read_until_close(int fd, std::chrono::milliseconds within) {
  Read r;
  const auto deadline = Clock::now() + within;
  char buf[8192];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (::poll(&p, 1, std::max(1, left)) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      break;
    }
    r.data.append(buf, static_cast<std::size_t>(n));
  }
  return r;
}

// Reads one whole answer (header and Content-Length body), or what came before a close or `within`.
std::string read_answer(int fd, std::chrono::milliseconds within) {
  std::string out;
  const auto deadline = Clock::now() + within;
  char buf[8192];
  while (Clock::now() < deadline) {
    const auto head = out.find("\r\n\r\n");
    const auto cl = out.find("Content-Length: ");
    if (head != std::string::npos && cl != std::string::npos && cl < head && out.size() >= head + 4 + std::stoul(out.substr(cl + 16)))
      break;
    pollfd p{fd, POLLIN, 0};
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (::poll(&p, 1, std::max(1, left)) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

int status_of(const std::string& answer) { return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0; }

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

NodeOptions with_limits(const std::string& limits) {
  NodeOptions o;
  o.extra_node_toml = "\n[limits]\n" + limits;
  return o;
}

}  // namespace

TEST_CASE("a request line plus headers over 16 KiB answers 431 and closes the connection") {
  NodeHarness node;
  const int fd = open_from(node.port());
  send_all(fd, "GET /api/v1/board HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n");
  const Read r = read_until_close(fd, std::chrono::seconds(5));
  ::close(fd);
  CHECK(status_of(r.data) == 431);
  CHECK(r.data.find("\"too_large\"") != std::string::npos);
  CHECK(r.closed);
  // Just under the limit is an ordinary request.
  const int ok = open_from(node.port());
  send_all(ok, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(15 * 1024, 'a') + "\r\n\r\n");
  CHECK(status_of(read_answer(ok, std::chrono::seconds(5))) == 200);
  ::close(ok);
  CHECK(node.stop() == 0);
}

TEST_CASE("a header or a body not complete in time closes the connection") {
  NodeHarness node(with_limits("header_timeout_ms = 400\nbody_timeout_ms = 400\n"));
  const int slow_header = open_from(node.port());
  send_all(slow_header, "GET /api/v1/board HTTP/1.1\r\nHost: x\r\n");  // never ends its header
  const auto t0 = Clock::now();
  const Read a = read_until_close(slow_header, std::chrono::seconds(5));
  CHECK(a.closed);
  CHECK(Clock::now() - t0 < std::chrono::seconds(3));
  ::close(slow_header);

  const int slow_body = open_from(node.port());
  send_all(slow_body, "POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + node.token("room-a") +
                          "\r\nContent-Length: 100\r\n\r\n{\"claim_id\":");
  const Read b = read_until_close(slow_body, std::chrono::seconds(5));
  CHECK(b.closed);
  CHECK(b.data.find("201") == std::string::npos);
  ::close(slow_body);

  // An idle keep-alive connection is closed too, after an answered request.
  const int idle = open_from(node.port());
  send_all(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const Read c = read_until_close(idle, std::chrono::seconds(5));
  CHECK(status_of(c.data) == 200);
  CHECK(c.closed);
  ::close(idle);
  CHECK(node.get("/healthz").status == 200);
  CHECK(node.stop() == 0);
}

TEST_CASE("an answer sent before the body was read closes the connection: the body is never parsed as requests") {
  NodeHarness node;
  // A POST without a token and a 20 KB body that itself holds a request: 401, then closed.
  const std::string smuggled = "GET /api/v1/board HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string body = smuggled;
  while (body.size() < 20 * 1024) body += smuggled;
  const int fd = open_from(node.port());
  send_all(fd, "POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const Read r = read_until_close(fd, std::chrono::seconds(5));
  ::close(fd);
  CHECK(status_of(r.data) == 401);
  CHECK(count(r.data, "HTTP/1.1 ") == 1);
  CHECK(r.data.find("Connection: close") != std::string::npos);
  CHECK(r.closed);

  // With a token, a body over 16 KiB: 413 and closed, the rest never read as requests.
  const int fd2 = open_from(node.port());
  send_all(fd2, "POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + node.token("room-a") +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const Read r2 = read_until_close(fd2, std::chrono::seconds(5));
  ::close(fd2);
  CHECK(status_of(r2.data) == 413);
  CHECK(count(r2.data, "HTTP/1.1 ") == 1);
  CHECK(r2.closed);
  CHECK(node.stop() == 0);
}

TEST_CASE("anonymous long-polls past the per-address cap get 503 busy with Retry-After; kiosks are never capped") {
  NodeHarness node(with_limits("long_polls_per_address = 2\n"));
  const auto board = nlohmann::json::parse(node.get("/api/v1/board").body);
  const std::string poll = "GET /api/v1/changes?since=" + std::to_string(board.at("seq").get<long long>()) +
                           "&wait=20 HTTP/1.1\r\nHost: x\r\n";
  std::vector<int> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(open_from(node.port(), "127.0.3.1"));
    send_all(held.back(), poll + "\r\n");
  }
  // Wait (with a deadline) until the node holds both.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline && node.get("/metrics").body.find("openspace_long_polls_held 2\n") == std::string::npos) {
  }
  CHECK(node.get("/metrics").body.find("openspace_long_polls_held 2\n") != std::string::npos);
  const int third = open_from(node.port(), "127.0.3.1");
  send_all(third, poll + "\r\n");
  const std::string busy = read_answer(third, std::chrono::seconds(3));
  CHECK(status_of(busy) == 503);
  CHECK(busy.find("Retry-After: ") != std::string::npos);
  CHECK(busy.find("\"busy\"") != std::string::npos);
  ::close(third);
  // Another address still gets its long-poll held, and kiosks from the same address too.
  const int other = open_from(node.port(), "127.0.3.2");
  send_all(other, poll + "\r\n");
  const int kiosk = open_from(node.port(), "127.0.3.1");
  send_all(kiosk, poll + "Authorization: Bearer " + node.token("room-b") + "\r\n\r\n");
  const auto deadline2 = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline2 && node.get("/metrics").body.find("openspace_long_polls_held 4\n") == std::string::npos) {
  }
  CHECK(node.get("/metrics").body.find("openspace_long_polls_held 4\n") != std::string::npos);
  // A claim wakes all four.
  auto r = node.post("/api/v1/claims", node.claim_body("limits-claim-1", node.days().at(1), "A", "10:00"), node.token("room-a"));
  CHECK(r.status == 201);
  held.push_back(other);
  held.push_back(kiosk);
  for (int fd : held) {
    const std::string a = read_answer(fd, std::chrono::seconds(3));
    CHECK(status_of(a) == 200);
    CHECK(a.find("limits-claim-1") != std::string::npos);
    ::close(fd);
  }
  CHECK(node.stop() == 0);
}

TEST_CASE("connections past the per-address cap are answered 503 busy and closed; other addresses are served") {
  NodeHarness node(with_limits("connections_per_address = 4\n"));
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i) fds.push_back(open_from(node.port(), "127.0.4.1"));
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline && node.get("/metrics").body.find("openspace_connections 5\n") == std::string::npos) {  // 4 + this one
  }
  const int fifth = open_from(node.port(), "127.0.4.1");
  const Read r = read_until_close(fifth, std::chrono::seconds(3));
  ::close(fifth);
  CHECK(status_of(r.data) == 503);
  CHECK(r.data.find("Retry-After: ") != std::string::npos);
  CHECK(r.closed);
  CHECK(node.get("/healthz").status == 200);
  CHECK(node.get("/metrics").body.find("openspace_connections_refused_total 1\n") != std::string::npos);
  for (int fd : fds) ::close(fd);
  CHECK(node.stop() == 0);
}

TEST_CASE("past the anonymous share of connections, anonymous requests get 503 and kiosks are still served") {
  NodeHarness node(with_limits("max_connections = 64\nreserved_connections = 40\nconnections_per_address = 1000\n"));
  std::vector<int> fds;
  for (int i = 0; i < 30; ++i) fds.push_back(open_from(node.port(), "127.0.5.1"));
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  // The metrics are asked with a kiosk's token: past the share, anonymous requests are refused.
  while (Clock::now() < deadline &&
         node.get("/metrics", node.token("room-b")).body.find("openspace_connections 3") == std::string::npos) {
  }
  const auto anon = node.get("/api/v1/board");
  CHECK(anon.status == 503);
  CHECK(anon.error() == "busy");
  const auto kiosk = osb::test::http_call(node.port(), "GET", "/api/v1/board", "", node.token("room-a"));
  CHECK(kiosk.status == 200);
  auto claim = node.post("/api/v1/claims", node.claim_body("share-claim-1", node.days().at(1), "B", "10:00"), node.token("room-a"));
  CHECK(claim.status == 201);
  for (int fd : fds) ::close(fd);
  CHECK(node.stop() == 0);
}

TEST_CASE("1,500 held long-polls from many addresses: far more than threads, all woken by one claim, the node still answers") {
  NodeHarness node;
  const auto board = nlohmann::json::parse(node.get("/api/v1/board").body);
  const std::string poll = "GET /api/v1/changes?since=" + std::to_string(board.at("seq").get<long long>()) +
                           "&wait=25 HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> fds;
  for (int i = 0; i < 1500; ++i) {
    fds.push_back(open_from(node.port(), "127.0." + std::to_string(10 + i / 50) + "." + std::to_string(1 + i % 50)));
    send_all(fds.back(), poll);
  }
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline && node.get("/metrics").body.find("openspace_long_polls_held 1500\n") == std::string::npos) {
  }
  CHECK(node.get("/metrics").body.find("openspace_long_polls_held 1500\n") != std::string::npos);
  const auto t0 = Clock::now();
  CHECK(node.get("/healthz").status == 200);
  CHECK(Clock::now() - t0 < std::chrono::seconds(1));
  auto r = node.post("/api/v1/claims", node.claim_body("many-polls-1", node.days().at(1), "C", "10:00"), node.token("room-a"));
  CHECK(r.status == 201);
  int woken = 0;
  for (int fd : fds) {
    const std::string a = read_answer(fd, std::chrono::seconds(5));
    woken += status_of(a) == 200 && a.find("many-polls-1") != std::string::npos;
    ::close(fd);
  }
  CHECK(woken == 1500);
  CHECK(node.stop() == 0);
}

TEST_CASE("a node started by the harness holds none of the test's open files") {
  const std::string path = std::filesystem::temp_directory_path() / ("osb-inherit-" + std::to_string(::getpid()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);  // no O_CLOEXEC
  REQUIRE(fd >= 0);
  NodeHarness node;
  std::vector<std::string> open_files;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(node.pid()) + "/fd")) {
    std::error_code ec;
    open_files.push_back(std::filesystem::read_symlink(e.path(), ec).string());
  }
  ::close(fd);
  std::filesystem::remove(path);
  CHECK(open_files.size() >= 3);
  for (const auto& f : open_files) CHECK(f != path);
}
