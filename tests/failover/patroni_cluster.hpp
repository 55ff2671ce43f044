// A throw-away high-availability PostgreSQL cluster on loopback for the failover test: 3 etcd
// members and 2 PostgreSQL 15 instances, each under its own Patroni, the way a venue runs it on
// two machines plus a small third one (docs/deploy.md). Everything lives in a fresh
// /tmp/osb-failover-XXXXXX owned by `postgres`:
//
//   m1/  etcd member 1, Patroni 1 (patroni.yml, patroni.log with PostgreSQL's log), pg/  = machine 1
//   m2/  etcd member 2, Patroni 2, pg/                                                  = machine 2
//   m3/  etcd member 3                                                                  = the third
//
// Every process of a machine runs with its working folder inside that machine's folder (PostgreSQL
// chdirs to its data folder, the backends inherit it), so "kill -9 machine N" is: every process
// whose cwd is under mN/, plus what the caller adds (the node process of that machine), all at once.
// Processes run as `postgres` when the test runs as root (PostgreSQL refuses root): the forked
// child switches user itself before exec, as runuser would, so the pid recorded is the process'
// own and each starts in a session (process group) of its own. Without root they run as the
// calling user.
// Waits are conditions with deadlines (Patroni's REST API, etcd's /health, pg_stat_replication);
// a failed wait throws with the logs' tails. The destructor kills everything and deletes the
// folder; a guardian process (sh) does the same if the test process dies first (a crash, a ctest
// timeout), for the cluster and for every pid handed to guard().
#pragma once
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace osb::test {

// A loopback port nothing listens on (right now).
inline int unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

struct PatroniSettings {
  int ttl = 6;            // seconds the leader key lives without a refresh
  int loop_wait = 1;      // seconds between Patroni's HA cycles
  int retry_timeout = 2;  // seconds Patroni retries etcd and PostgreSQL before it gives up a cycle
  std::string pg_bin;     // default: $OSB_PG_BIN or /usr/lib/postgresql/15/bin
};

// Rows of one query (text values; NULL as ""); throws with the server's message.
inline std::vector<std::vector<std::string>> pg_rows(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  std::string error;
  std::vector<std::vector<std::string>> rows;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      for (int i = 0; i < PQntuples(r); ++i) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
        rows.push_back(std::move(row));
      }
    } else if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      error = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  PQfinish(c);
  if (!error.empty()) throw std::runtime_error(sql + ": " + error);
  return rows;
}

class PatroniCluster {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMachines = 3;  // 0, 1: etcd + Patroni + PostgreSQL; 2: etcd only

  explicit PatroniCluster(PatroniSettings s = {}) : settings_(std::move(s)) {
    if (settings_.pg_bin.empty()) {
      const char* env = std::getenv("OSB_PG_BIN");
      settings_.pg_bin = env && *env ? env : "/usr/lib/postgresql/15/bin";
    }
    const char* missing = nullptr;
    if (!std::filesystem::exists(settings_.pg_bin + "/postgres")) missing = "postgresql-15";
    else if (!std::filesystem::exists("/usr/bin/patroni") || !std::filesystem::exists("/usr/bin/patronictl")) missing = "patroni";
    else if (!std::filesystem::exists("/usr/bin/etcd")) missing = "etcd-server";
    if (missing)
      throw std::runtime_error(std::string("the failover test needs the Debian package ") + missing +
                               " (scripts/setup installs postgresql-15, patroni, etcd-server and etcd-client)");

    if (geteuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root, but there is no `postgres` user to run PostgreSQL as (install postgresql-15)");
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
      home_ = pw->pw_dir;
      user_ = "postgres";
    } else {
      uid_ = geteuid();
      gid_ = getegid();
      const passwd* pw = getpwuid(uid_);
      home_ = pw ? pw->pw_dir : "/tmp";
      user_ = pw ? pw->pw_name : "osb";
    }
    char tmpl[] = "/tmp/osb-failover-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("cannot make a folder under /tmp");
    root_ = tmpl;
    try {
      prepare();
    } catch (...) {
      teardown();
      throw;
    }
  }

  ~PatroniCluster() {
    try {
      teardown();
    } catch (...) {
    }
  }
  PatroniCluster(const PatroniCluster&) = delete;
  PatroniCluster& operator=(const PatroniCluster&) = delete;

  // [SECTION] Where things are
  std::string root() const { return root_; }
  std::string dir(int m) const { return root_ + "/m" + std::to_string(m + 1); }
  int pg_port(int m) const { return machines_[m].pg; }
  int rest_port(int m) const { return machines_[m].rest; }
  int etcd_port(int m) const { return machines_[m].etcd_client; }
  std::string patroni_yml(int m) const { return dir(m) + "/patroni.yml"; }
  // libpq conninfo naming both PostgreSQL instances: it finds the primary (contract §4.4).
  std::string conninfo(const std::string& db) const {
    return "host=127.0.0.1,127.0.0.1 port=" + std::to_string(pg_port(0)) + "," + std::to_string(pg_port(1)) +
           " user=postgres dbname=" + db + " target_session_attrs=read-write connect_timeout=2";
  }
  std::string conninfo_of(int m, const std::string& db) const {
    return "host=127.0.0.1 port=" + std::to_string(pg_port(m)) + " user=postgres dbname=" + db + " connect_timeout=2";
  }

  // [SECTION] Start
  // etcd x3, then both Patronis at once (one wins the initialisation, the other copies it); waits
  // until there is a primary and the other streams from it as the synchronous standby.
  void start() {
    std::string cluster;
    for (int m = 0; m < kMachines; ++m)
      cluster += (m ? "," : "") + etcd_name(m) + "=http://127.0.0.1:" + std::to_string(machines_[m].etcd_peer);
    const std::string token = std::filesystem::path(root_).filename().string();
    for (int m = 0; m < kMachines; ++m) {
      const Machine& x = machines_[m];
      const std::string client = "http://127.0.0.1:" + std::to_string(x.etcd_client);
      const std::string peer = "http://127.0.0.1:" + std::to_string(x.etcd_peer);
      machines_[m].etcd_pid = spawn({"/usr/bin/etcd", "--name", etcd_name(m), "--data-dir", dir(m) + "/etcd",
                                     "--listen-client-urls", client, "--advertise-client-urls", client,
                                     "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                                     "--initial-cluster", cluster, "--initial-cluster-state", "new",
                                     "--initial-cluster-token", token, "--heartbeat-interval", "100",
                                     "--election-timeout", "1000"},
                                    dir(m), dir(m) + "/etcd.log");
    }
    wait_for("3 healthy etcd members", std::chrono::seconds(30), [&] {
      for (int m = 0; m < kMachines; ++m)
        if (http_get(etcd_port(m), "/health").find("\"true\"") == std::string::npos) return false;
      return true;
    });
    for (int m = 0; m < 2; ++m) {
      write_patroni_yml(m);
      machines_[m].patroni_pid = spawn({"/usr/bin/patroni", patroni_yml(m)}, dir(m), dir(m) + "/patroni.log");
    }
    wait_for("a Patroni primary", std::chrono::seconds(60), [&] { return primary() >= 0; });
    const int p = primary();
    wait_for("the other PostgreSQL streaming as the synchronous standby", std::chrono::seconds(60), [&] {
      if (http_status(rest_port(1 - p), "/sync") != 200) return false;
      try {
        const auto rows = pg_rows(conninfo_of(p, "postgres"),
                                  "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'");
        return rows.size() == 1 && rows[0][0] == "1";
      } catch (const std::exception&) {
        return false;
      }
    });
  }

  // The machine (0 or 1) whose Patroni says it is the primary, -1 when none or both.
  int primary() const {
    const bool p0 = alive(0) && http_status(rest_port(0), "/primary") == 200;
    const bool p1 = alive(1) && http_status(rest_port(1), "/primary") == 200;
    return p0 == p1 ? -1 : (p0 ? 0 : 1);
  }
  bool is_primary(int m) const { return http_status(rest_port(m), "/primary") == 200; }

  // The DCS settings in force (`patronictl show-config`), e.g. "ttl 6, loop_wait 1, retry_timeout 2,
  // synchronous_mode true": Patroni may have raised a value it does not accept.
  std::string effective_settings() const {
    const std::string out = run_capture("patronictl -c " + patroni_yml(primary_or_first()) + " show-config 2>&1");
    std::string summary;
    for (const char* key : {"ttl", "loop_wait", "retry_timeout", "synchronous_mode", "synchronous_commit"}) {
      std::istringstream in(out);
      std::string line;
      while (std::getline(in, line)) {
        const auto at = line.find(std::string(key) + ": ");
        if (at == std::string::npos || line.find_first_not_of(' ') != at) continue;
        std::string v = line.substr(at + std::string(key).size() + 2);
        if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
        summary += (summary.empty() ? "" : ", ") + std::string(key) + " " + v;
        break;
      }
    }
    return summary.empty() ? "patronictl show-config said: " + out : summary;
  }
  // One DCS value from `patronictl show-config` (-1 when it is not there).
  int effective(const std::string& key) const {
    const std::string s = effective_settings();
    const auto at = s.find(key + " ");
    return at == std::string::npos ? -1 : std::atoi(s.c_str() + at + key.size() + 1);
  }
  std::string patronictl_list() const { return run_capture("patronictl -c " + patroni_yml(primary_or_first()) + " list 2>&1"); }

  // Whether machine m's etcd member is the etcd leader now.
  bool etcd_leader_is(int m) const {
    try {
      httplib::Client cli("127.0.0.1", etcd_port(m));
      cli.set_connection_timeout(1, 0);
      cli.set_read_timeout(2, 0);
      const auto r = cli.Post("/v3/maintenance/status", "{}", "application/json");
      if (!r || r->status != 200) return false;
      const auto j = nlohmann::json::parse(r->body);
      return j.at("leader").get<std::string>() == j.at("header").at("member_id").get<std::string>();
    } catch (const std::exception&) {
      return false;
    }
  }

  // [SECTION] Machine death
  // kill -9 of machine m: its etcd member, its Patroni, the postmaster and every child, and
  // `also` (its node process), in one burst. The postmaster is stopped first so that it cannot
  // fork a backend between the listing and the kill. Returns when the signals were sent (the
  // moment of death); the processes are gone shortly after (reaped here or by init).
  Clock::time_point kill_machine(int m, const std::vector<pid_t>& also = {}) {
    Machine& x = machines_[m];
    const auto at = Clock::now();
    if (const pid_t pm = postmaster_pid(m); pm > 0) ::kill(pm, SIGSTOP);
    std::vector<pid_t> pids = processes_under(dir(m));
    for (pid_t p : {x.etcd_pid, x.patroni_pid})
      if (p > 0) pids.push_back(p);
    pids.insert(pids.end(), also.begin(), also.end());
    for (pid_t p : pids) ::kill(p, SIGKILL);
    x.dead = true;
    // Anything that slipped through (a process forked meanwhile by Patroni) goes the same way.
    wait_for("machine " + std::to_string(m + 1) + "'s processes gone", std::chrono::seconds(10), [&] {
      const auto left = processes_under(dir(m));
      for (pid_t p : left) ::kill(p, SIGKILL);
      return left.empty();
    });
    // Both were sent SIGKILL: collect them now, so that no zombie of the dead machine lingers.
    for (pid_t* p : {&x.etcd_pid, &x.patroni_pid}) {
      const pid_t was = *p;
      reap(*p, true);
      forget(was);
    }
    return at;
  }
  bool alive(int m) const { return !machines_[m].dead; }

  // The guardian kills `pid` too if the test process dies before the teardown.
  void guard(pid_t pid) {
    if (guardian_fd_ < 0) return;
    const std::string line = std::to_string(pid) + "\n";
    [[maybe_unused]] const auto n = ::write(guardian_fd_, line.data(), line.size());
  }

  // That pid is collected (gone for good): the guardian must not kill whoever gets it next.
  void forget(pid_t pid) {
    if (guardian_fd_ < 0 || pid <= 0) return;
    const std::string line = "-" + std::to_string(pid) + "\n";
    [[maybe_unused]] const auto n = ::write(guardian_fd_, line.data(), line.size());
  }

  // The last `lines` lines of a machine's logs (for failure messages).
  std::string log_tail(int m, std::size_t lines = 30) const {
    std::string out;
    for (const char* name : {"patroni.log", "etcd.log"}) {
      std::ifstream in(dir(m) + "/" + name);
      if (!in) continue;
      std::vector<std::string> all;
      for (std::string l; std::getline(in, l);) all.push_back(l);
      out += "--- m" + std::to_string(m + 1) + "/" + name + "\n";
      for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
    }
    return out;
  }

  // Kills every process of the cluster, waits for them to go, deletes the folder.
  void teardown() {
    if (root_.empty()) return;
    std::vector<pid_t> killed;
    for (int m = 0; m < kMachines; ++m) {
      if (const pid_t pm = postmaster_pid(m); pm > 0) ::kill(pm, SIGSTOP);
      for (pid_t p : processes_under(dir(m))) killed.push_back(p);
      for (pid_t p : {machines_[m].etcd_pid, machines_[m].patroni_pid})
        if (p > 0) killed.push_back(p);
    }
    for (pid_t p : killed) ::kill(p, SIGKILL);
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < deadline) {
      for (auto& x : machines_) {
        reap(x.etcd_pid, false);
        reap(x.patroni_pid, false);
      }
      const auto left = processes_under(root_);
      for (pid_t p : left) ::kill(p, SIGKILL);
      bool gone = left.empty();
      for (pid_t p : killed) gone = gone && (::kill(p, 0) != 0 && errno == ESRCH);
      if (gone) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& x : machines_) {
      reap(x.etcd_pid, true);
      reap(x.patroni_pid, true);
    }
    std::error_code ec;
    if (!std::getenv("OSB_FAILOVER_KEEP")) std::filesystem::remove_all(root_, ec);
    if (guardian_fd_ >= 0) {
      [[maybe_unused]] const auto n = ::write(guardian_fd_, "done\n", 5);
      ::close(guardian_fd_);
      guardian_fd_ = -1;
      int status = 0;
      if (guardian_pid_ > 0) ::waitpid(guardian_pid_, &status, 0);
    }
    root_.clear();
  }

 private:
  struct Machine {
    int etcd_client = 0, etcd_peer = 0, pg = 0, rest = 0;
    pid_t etcd_pid = -1, patroni_pid = -1;
    bool dead = false;
  };

  // The folders (owned by the database user), the guardian, and a free port for everything.
  void prepare() {
    own(root_);
    start_guardian();
    std::set<int> taken;
    auto fresh = [&] {
      int p = 0;
      do p = unused_loopback_port();
      while (p == 0 || taken.count(p));
      taken.insert(p);
      return p;
    };
    for (int m = 0; m < kMachines; ++m) {
      own(dir(m));
      Machine& x = machines_[m];
      x.etcd_client = fresh();
      x.etcd_peer = fresh();
      if (m < 2) {
        x.pg = fresh();
        x.rest = fresh();
      }
    }
  }

  static std::string etcd_name(int m) { return "etcd" + std::to_string(m + 1); }
  int primary_or_first() const {
    for (int m = 0; m < 2; ++m)
      if (alive(m) && is_primary(m)) return m;
    return alive(0) ? 0 : 1;
  }

  void own(const std::string& path) const {
    ::mkdir(path.c_str(), 0700);
    if (::chown(path.c_str(), uid_, gid_) != 0 && geteuid() == 0)
      throw std::runtime_error("cannot give " + path + " to " + user_);
    ::chmod(path.c_str(), 0700);
  }
  void write_file(const std::string& path, const std::string& text) const {
    std::ofstream(path, std::ios::binary) << text;
    [[maybe_unused]] const int rc = ::chown(path.c_str(), uid_, gid_);
  }

  void write_patroni_yml(int m) const {
    const Machine& x = machines_[m];
    const std::string d = dir(m);
    // Machine m asks its own etcd member first, then the third machine's, then the other's.
    const std::string hosts = "127.0.0.1:" + std::to_string(etcd_port(m)) + ",127.0.0.1:" + std::to_string(etcd_port(2)) +
                              ",127.0.0.1:" + std::to_string(etcd_port(1 - m));
    std::string y;
    y += "scope: osb-failover\n";
    y += "name: pg" + std::to_string(m + 1) + "\n";
    y += "log:\n  level: INFO\n";
    y += "restapi:\n  listen: 127.0.0.1:" + std::to_string(x.rest) + "\n  connect_address: 127.0.0.1:" + std::to_string(x.rest) + "\n";
    y += "etcd3:\n  hosts: " + hosts + "\n";
    y += "watchdog:\n  mode: off\n";
    y += "bootstrap:\n  dcs:\n";
    y += "    ttl: " + std::to_string(settings_.ttl) + "\n";
    y += "    loop_wait: " + std::to_string(settings_.loop_wait) + "\n";
    y += "    retry_timeout: " + std::to_string(settings_.retry_timeout) + "\n";
    y += "    maximum_lag_on_failover: 1048576\n";
    y += "    synchronous_mode: true\n";
    y += "    postgresql:\n      use_pg_rewind: false\n      parameters:\n";
    y += "        synchronous_commit: \"on\"\n        wal_level: replica\n        hot_standby: \"on\"\n";
    y += "        max_connections: 100\n        max_wal_senders: 5\n        max_replication_slots: 5\n";
    y += "  initdb:\n  - encoding: UTF8\n  - locale: C\n";
    y += "postgresql:\n";
    y += "  listen: 127.0.0.1:" + std::to_string(x.pg) + "\n  connect_address: 127.0.0.1:" + std::to_string(x.pg) + "\n";
    y += "  data_dir: " + d + "/pg\n  bin_dir: " + settings_.pg_bin + "\n  pgpass: " + d + "/pgpass\n";
    y += "  authentication:\n    superuser:\n      username: postgres\n      password: postgres\n";
    y += "    replication:\n      username: replicator\n      password: replicator\n";
    y += "  parameters:\n    unix_socket_directories: " + d + "\n    fsync: \"on\"\n";
    y += "  pg_hba:\n  - local all all trust\n  - host all all 127.0.0.1/32 trust\n  - host replication all 127.0.0.1/32 trust\n";
    write_file(patroni_yml(m), y);
  }

  // fork + exec as the database user, in a session of its own, with stdout and stderr to `log`.
  // Killed with SIGKILL if the test process dies (PR_SET_PDEATHSIG, set after the user switch
  // since that clears it).
  pid_t spawn(const std::vector<std::string>& args, const std::string& cwd, const std::string& log) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) throw std::runtime_error("cannot open " + log);
    [[maybe_unused]] const int rc = ::fchown(out, uid_, gid_);
    std::vector<std::string> env = {"PATH=/usr/bin:/bin", "HOME=" + home_, "USER=" + user_, "LOGNAME=" + user_,
                                    "LC_ALL=C.UTF-8", "PYTHONUNBUFFERED=1"};
    std::vector<char*> argv, envp;
    std::vector<std::string> a = args;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
    const bool switch_user = geteuid() == 0;
    const uid_t uid = uid_;
    const gid_t gid = gid_;
    const pid_t parent = getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      // Only async-signal-safe calls from here to exec.
      ::setsid();
      if (switch_user && (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(125);
      if (::chdir(cwd.c_str()) != 0) ::_exit(124);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::closefrom(3);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out);
    ::close(in);
    guard(pid);
    return pid;
  }

  // A /bin/sh that waits on a pipe; when the pipe closes without "done" (the test process died
  // before its teardown), it kills the pids it was told of and every process working under the
  // folder, then deletes the folder.
  void start_guardian() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;
    static const char* script =
        "dir=$1; pids=; done=\n"
        "while read -r line; do case $line in\n"
        "  done) done=1 ;;\n"
        "  -*) pids=$(echo \" $pids \" | sed \"s/ ${line#-} / /\") ;;\n"
        "  *) pids=\"$pids $line\" ;;\n"
        "esac; done\n"
        "[ -n \"$done\" ] && exit 0\n"
        "[ -n \"$pids\" ] && kill -9 $pids 2>/dev/null\n"
        "n=0\n"
        "while [ $n -lt 100 ] && [ -d \"$dir\" ]; do\n"
        "  found=\n"
        "  for p in /proc/[0-9]*; do\n"
        "    case $(readlink \"$p/cwd\" 2>/dev/null) in \"$dir\"|\"$dir\"/*) kill -9 \"${p#/proc/}\" 2>/dev/null; found=1 ;; esac\n"
        "  done\n"
        "  [ -z \"$found\" ] && break\n"
        "  n=$((n+1)); sleep 0.1\n"
        "done\n"
        "rm -rf \"$dir\"\n";
    std::vector<std::string> a = {"/bin/sh", "-c", script, "osb-failover-guardian", root_};
    std::vector<char*> argv;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(p[0]);
      ::close(p[1]);
      return;
    }
    if (pid == 0) {
      ::setsid();
      if (::chdir("/") != 0) ::_exit(124);
      ::dup2(p[0], 0);
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) {
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
      ::closefrom(3);
      ::execve("/bin/sh", argv.data(), environ);
      ::_exit(127);
    }
    ::close(p[0]);
    guardian_fd_ = p[1];
    guardian_pid_ = pid;
  }

  // The running postmaster of machine m (from postmaster.pid, and only while that process works in
  // the machine's folder: a stale file may name a pid some other process has now), or -1.
  pid_t postmaster_pid(int m) const {
    std::ifstream in(dir(m) + "/pg/postmaster.pid");
    long pid = 0;
    if (!(in >> pid) || pid <= 1) return -1;
    const auto here = processes_under(dir(m));
    return std::find(here.begin(), here.end(), static_cast<pid_t>(pid)) != here.end() ? static_cast<pid_t>(pid) : -1;
  }

  // Every live process whose working folder is `folder` or under it.
  static std::vector<pid_t> processes_under(const std::string& folder) {
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string name = e.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      char buf[4096];
      const ssize_t n = ::readlink((e.path() / "cwd").c_str(), buf, sizeof buf - 1);
      if (n <= 0) continue;
      const std::string cwd(buf, static_cast<std::size_t>(n));
      if (cwd == folder || cwd.rfind(folder + "/", 0) == 0) out.push_back(static_cast<pid_t>(std::stol(name)));
    }
    return out;
  }

  // Collects a child of ours (waiting for it when `block`); forgets the pid once collected, so a
  // later reap never waits on an unrelated process that got the same pid.
  static void reap(pid_t& pid, bool block) {
    if (pid <= 0) return;
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) pid = -1;
  }

  template <class Pred>
  void wait_for(const std::string& what, std::chrono::milliseconds limit, Pred pred) const {
    const auto end = Clock::now() + limit;
    while (!pred()) {
      if (Clock::now() >= end) {
        std::string logs;
        for (int m = 0; m < kMachines; ++m) logs += log_tail(m);
        throw std::runtime_error("timed out after " + std::to_string(limit.count() / 1000) + " s waiting for " + what +
                                 "\n" + logs);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  static int http_status(int port, const std::string& path) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_connection_timeout(0, 500000);
    cli.set_read_timeout(2, 0);
    const auto r = cli.Get(path.c_str());
    return r ? r->status : 0;
  }
  static std::string http_get(int port, const std::string& path) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_connection_timeout(0, 500000);
    cli.set_read_timeout(2, 0);
    const auto r = cli.Get(path.c_str());
    return r && r->status == 200 ? r->body : std::string();
  }
  static std::string run_capture(const std::string& cmd) {
    std::string out;
    FILE* f = ::popen(cmd.c_str(), "r");
    if (!f) return out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
    return out;
  }

  PatroniSettings settings_;
  std::string root_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::string home_, user_;
  Machine machines_[kMachines];
  int guardian_fd_ = -1;
  pid_t guardian_pid_ = -1;
};

}  // namespace osb::test
