// What hostile or broken clients send: oversize bodies, chunked bodies, 100 KB header lines and
// request lines, garbage. The node answers with the contract's JSON errors and keeps serving.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "support/node_harness.hpp"

using osb::test::NodeHarness;

namespace {

// Sends raw bytes on a fresh connection and returns what came back within a few seconds
// (the first answer only: stops at the end of the first body).
std::string raw(int port, const std::string& data) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "";
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the node may answer and close before reading everything
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    const auto head = out.find("\r\n\r\n");
    const auto cl = out.find("Content-Length: ");
    if (head != std::string::npos && cl != std::string::npos && cl < head &&
        out.size() >= head + 4 + std::stoul(out.substr(cl + 16)))
      break;
  }
  ::close(fd);
  return out;
}

int status_of(const std::string& answer) { return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0; }

}  // namespace

TEST_CASE("a body over 16 KiB answers 413 too_large and 401 comes first without a token") {
  NodeHarness node;
  const std::string big(20000, 'x');
  auto r = node.post("/api/v1/claims", big, node.token("room-a"));
  CHECK(r.status == 413);
  CHECK(r.error() == "too_large");
  r = node.post("/api/v1/claims", big);
  CHECK(r.status == 401);
  r = node.put("/api/v1/announcement", big, node.token("room-a"));
  CHECK(r.status == 403);
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("a chunked POST is refused with 411 and the node keeps serving") {
  NodeHarness node;
  const std::string a = raw(node.port(),
                            "POST /api/v1/claims HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + node.token("room-a") +
                                "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  CHECK(status_of(a) == 411);
  CHECK(a.find("\"length_required\"") != std::string::npos);
  CHECK(node.get("/healthz").status == 200);
}

TEST_CASE("a body-less DELETE or POST without Content-Length is answered at once") {
  NodeHarness node;
  const std::string staff = node.staff_token();
  const std::string a = raw(node.port(), "POST /api/v1/days/" + node.days().at(1) +
                                             "/reset HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + staff + "\r\n\r\n");
  CHECK(status_of(a) == 200);
  CHECK(a.find("\"archived\":0") != std::string::npos);
  const std::string b = raw(node.port(), "DELETE /api/v1/claims/claim-none-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                             staff + "\r\n\r\n");
  CHECK(status_of(b) == 404);
}

TEST_CASE("a 100 KB header line or request line answers 431, a long path 414, and the node keeps serving") {
  NodeHarness node;
  const std::string header = raw(node.port(), "GET /api/v1/board HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                                  std::string(100 * 1024, 'a') + "\r\n\r\n");
  CHECK(status_of(header) == 431);
  const std::string line = raw(node.port(), "GET /" + std::string(100 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_of(line) == 431);
  const std::string path = raw(node.port(), "GET /" + std::string(3000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_of(path) == 414);
  CHECK(raw(node.port(), "BREW /pot HTTP/1.1\r\n\r\n").find("HTTP/1.1 4") == 0);
  CHECK(raw(node.port(), "\x16\x03\x01\x02garbage\r\n\r\n").find("HTTP/1.1 4") == 0);
  CHECK(node.get("/api/v1/board").status == 200);
  CHECK(node.stop() == 0);
}
