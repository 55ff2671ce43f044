// A throw-away PostgreSQL server for the PostgreSQL tests (the store contract, several node processes): one per test binary, started on first
// use and stopped (its data folder deleted) when the binary exits. A fresh data folder under
// /tmp owned by `postgres` (PostgreSQL refuses to run as root, so as root the commands run
// through runuser), initdb with trust auth, pg_ctl on a free loopback port with fsync on, one
// database; every board is a schema of its own in it. Without the server binaries every
// PostgreSQL test fails, naming the Debian package (scripts/setup installs it).
#pragma once
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>

namespace osb::test {

class PgTestServer {
 public:
  PgTestServer() {
    const char* env = std::getenv("OSB_PG_BIN");
    bin_ = env && *env ? env : "/usr/lib/postgresql/15/bin";
    if (!std::filesystem::exists(bin_ + "/initdb") || !std::filesystem::exists(bin_ + "/pg_ctl")) {
      error_ = "the PostgreSQL server binaries are missing (no " + bin_ +
               "/initdb): install the Debian package postgresql-15 (scripts/setup installs it), or set OSB_PG_BIN";
      return;
    }
    char tmpl[] = "/tmp/osb-pg-XXXXXX";
    if (!mkdtemp(tmpl)) {
      error_ = "cannot make a temporary folder for PostgreSQL";
      return;
    }
    dir_ = tmpl;
    as_root_ = geteuid() == 0;
    if (as_root_) {
      const passwd* pw = getpwnam("postgres");
      if (!pw || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        error_ = "running as root, but there is no `postgres` user to run PostgreSQL as (install postgresql-15)";
        return;
      }
    }
    port_ = unused_port();
    const std::string data = dir_ + "/data";
    if (!run(bin_ + "/initdb -D " + data + " -A trust -U postgres -E UTF8 --locale=C --no-sync >" + dir_ + "/initdb.log 2>&1")) {
      error_ = "initdb failed: see " + dir_ + "/initdb.log";
      return;
    }
    options_ = "-p " + std::to_string(port_) + " -k " + dir_ + " -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200";
    if (!run(bin_ + "/pg_ctl -D " + data + " -l " + dir_ + "/server.log -o \"" + options_ + "\" -w start >/dev/null")) {
      error_ = "pg_ctl start failed: see " + dir_ + "/server.log";
      return;
    }
    started_ = true;
    run_sql(base_conninfo("postgres"), "CREATE DATABASE osb_test");
  }

  // Stopped with -m immediate: the data folder is deleted right after, so no checkpoint is needed.
  ~PgTestServer() {
    if (started_) run(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
    std::error_code ec;
    if (!dir_.empty() && error_.empty()) std::filesystem::remove_all(dir_, ec);  // kept for its logs after a failure
  }
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  // A conninfo for a new, empty board (a schema of its own). Throws when there is no server.
  std::string new_board() {
    check();
    const std::string schema = "board_" + std::to_string(++boards_);
    run_sql(base_conninfo("osb_test"), "CREATE SCHEMA " + schema);
    return base_conninfo("osb_test") + " options='-c search_path=" + schema + "'";
  }

  // Restarts the server (a fast shutdown: every connection is dropped), on the same port.
  void restart() {
    check();
    if (!run(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -m fast -w restart >/dev/null"))
      throw std::runtime_error("PostgreSQL test server: pg_ctl restart failed: see " + dir_ + "/server.log");
  }

  // Stops the server (fast: every connection is dropped) until start().
  void stop() {
    check();
    if (!run(bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop >/dev/null"))
      throw std::runtime_error("PostgreSQL test server: pg_ctl stop failed: see " + dir_ + "/server.log");
  }
  // Starts it again after stop(), with the same options and port.
  void start() {
    check();
    if (!run(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -o \"" + options_ + "\" -w start >/dev/null"))
      throw std::runtime_error("PostgreSQL test server: pg_ctl start failed: see " + dir_ + "/server.log");
  }

  // Runs one statement on its own connection; throws with the server's message on failure.
  void run_sql(const std::string& conninfo, const std::string& sql) {
    check();
    PGconn* c = PQconnectdb(conninfo.c_str());
    std::string error;
    if (PQstatus(c) != CONNECTION_OK) {
      error = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    if (!error.empty()) throw std::runtime_error("PostgreSQL test server: " + sql + ": " + error);
  }

  // A loopback port nothing listens on (right now).
  static int unused_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    close(fd);
    return port;
  }

 private:
  void check() const {
    if (!error_.empty()) throw std::runtime_error("PostgreSQL test server: " + error_);
  }
  std::string base_conninfo(const std::string& db) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + db;
  }
  bool run(const std::string& cmd) const {
    const std::string full = as_root_ ? "runuser -u postgres -- sh -c '" + cmd + "'" : cmd;
    return std::system(full.c_str()) == 0;
  }

  std::string bin_, dir_, error_;
  std::string options_;  // the server's command-line options (port, socket folder, settings)
  bool as_root_ = false;
  bool started_ = false;
  int port_ = 0;
  std::atomic<int> boards_{0};
};

inline PgTestServer& pg_test_server() {
  static PgTestServer server;
  return server;
}

}  // namespace osb::test
