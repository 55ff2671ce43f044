// Fuzz target: the node's HTTP request handling, in-process. One NodeService on 127.0.0.1:0 is
// started once; each input is sent raw over a new TCP connection and the answer read until the
// node goes quiet (most mutated inputs are incomplete requests the node rightly waits on; the
// write side is not half-closed, because cpp-httplib drops a request whose peer has half-closed).
// Invariants: the node never answers 5xx, and it still answers GET /healthz with 200 afterwards
// (it neither crashed nor wedged).
// Seeds (tests/fuzz/corpus/http) carry the harness's kiosk token "test-token-for-room-a" so the
// fuzzer reaches the authenticated routes too.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "node/node_service.hpp"
#include "support/node_harness.hpp"

namespace {

struct Node {
  osb::test::TempDir dir;
  osb::test::NodeOptions options;
  std::map<std::string, std::string> tokens;
  osb::NodeService* service = nullptr;  // never destroyed: it serves until the process exits
  int port = 0;

  Node() {
    options.days = {osb::test::local_day(1), osb::test::local_day(2)};
    const std::string config = osb::test::write_node_config(dir, options, tokens);
    service = new osb::NodeService(osb::load_node_config(config));
    port = service->bind("127.0.0.1", 0);
    std::thread([s = service] { s->run(); }).detach();
  }
};

// Sends `bytes` on a new connection and reads what comes back until the node closes, `first_ms`
// pass without any answer, or `quiet_ms` pass without more (a long-poll or an incomplete request
// may hold its answer: that is not a failure).
std::string exchange(int port, const char* bytes, std::size_t size, int first_ms, int quiet_ms = 50) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    std::size_t sent = 0;
    while (sent < size) {
      const ssize_t n = ::send(fd, bytes + sent, size - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    char buf[8192];
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, out.empty() ? first_ms : quiet_ms) <= 0) break;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

// True when any answer in `reply` has a 5xx status line.
bool has_server_error(const std::string& reply) {
  std::size_t at = 0;
  while ((at = reply.find("HTTP/1.1 ", at)) != std::string::npos) {
    const bool line_start = at == 0 || (at >= 2 && reply.compare(at - 2, 2, "\r\n") == 0) || reply[at - 1] == '}';
    if (line_start && at + 9 < reply.size() && reply[at + 9] == '5') return true;
    at += 9;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Node node;
  const std::string reply = exchange(node.port, reinterpret_cast<const char*>(data), size, 250);
  if (has_server_error(reply)) {
    std::fprintf(stderr, "fuzz_http: the node answered 5xx:\n%s\n", reply.substr(0, 2000).c_str());
    std::abort();
  }
  static const char kHealth[] = "GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
  const std::string health = exchange(node.port, kHealth, sizeof kHealth - 1, 5000, 1000);
  if (health.rfind("HTTP/1.1 200", 0) != 0) {
    std::fprintf(stderr, "fuzz_http: /healthz no longer answers 200: \"%s\"\n", health.substr(0, 300).c_str());
    std::abort();
  }
  return 0;
}
