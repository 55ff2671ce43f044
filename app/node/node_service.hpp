// Open Space Board — the node's HTTP service: every route of docs/api.md over a pool of
// BoardStores (SQLite, or PostgreSQL with node.toml [store] postgres), auth (kiosk tokens, staff sessions from the PIN), limits, the long-poll hub,
// metrics, and the web view. Used by openspace-node and, in-process, by tests and benchmarks.
#pragma once
#include <memory>
#include <string>

#include "config/config.hpp"

namespace osb {

// The largest request body the node reads for a method and path: 8 MiB for
// PUT /api/v1/schedule (a conference programme), 16 KiB for everything else. Larger -> 413.
std::size_t body_limit(const std::string& method, const std::string& path);

class NodeService {
 public:
  explicit NodeService(NodeConfig config);
  ~NodeService();
  NodeService(const NodeService&) = delete;
  NodeService& operator=(const NodeService&) = delete;

  // Binds host:port (port 0 = a free port) and returns the real port. Throws on failure.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns after in-flight requests finished.
  void run();
  // From any thread (also a signal-watching thread): stop accepting, wake long-polls, drain.
  void stop();
  // Shifts the node's clock (tests of clock jumps); the node decides what is past.
  void set_clock_skew_seconds(long long s);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace osb
