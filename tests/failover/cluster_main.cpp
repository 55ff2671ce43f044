// osb-test-cluster (tests/bench/standby.sh runs it; not a test): the failover test's cluster —
// 3 etcd members and 2 PostgreSQL under Patroni with a synchronous standby, on loopback — kept up
// for a benchmark. Prints `conninfo: <libpq conninfo of database osb>` once the standby streams
// synchronously, then waits until its stdin is closed (or SIGTERM / SIGINT) and tears it all
// down, data folders included.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>

#include "failover/patroni_cluster.hpp"

namespace {
volatile std::sig_atomic_t stop_requested = 0;
void on_stop(int) { stop_requested = 1; }
}  // namespace

int main() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;  // no SA_RESTART: the read below returns with EINTR
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  try {
    osb::test::PatroniCluster cluster;
    cluster.start();
    osb::test::pg_rows(cluster.conninfo("postgres"), "CREATE DATABASE osb");
    std::printf("settings: %s\nconninfo: %s\n", cluster.effective_settings().c_str(), cluster.conninfo("osb").c_str());
    std::fflush(stdout);
    char buf[64];
    while (!stop_requested && ::read(0, buf, sizeof buf) > 0) {
    }
  } catch (const std::exception& e) {  // the cluster's destructor has torn it down
    std::fprintf(stderr, "osb-test-cluster: %s\n", e.what());
    return 1;
  }
  return 0;
}
