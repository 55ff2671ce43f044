// Runs the REAL openspace-node binary for tests: writes a temporary event.toml + node.toml,
// starts `openspace-node --config ... --listen 127.0.0.1:0`, waits (with a deadline, no sleeps)
// for its `listening on` line, and offers a tiny blocking HTTP helper.
//
//   osb::test::NodeHarness node;                       // today + 2 days, rooms A..C, 3 slots
//   auto r = node.post("/api/v1/claims", body, node.token("room-a"));
//   CHECK(r.status == 201);
//   node.kill9(); node.restart();                      // same database, same port
//
// Tests using it must build after the node: add_dependencies(<test> openspace-node).
// InProcessNode (bottom) runs a NodeService in a thread instead, for benchmarks; it needs
// openspace_node linked.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

#ifndef OPENSPACE_BINARY_DIR
#error "node_harness.hpp needs OPENSPACE_BINARY_DIR (link openspace_test_support)"
#endif

extern char** environ;

namespace osb::test {

// The staff PIN of every harness node, and its hash with a low iteration count so logins are fast.
inline constexpr const char* kStaffPin = "2468";
inline constexpr const char* kStaffPinHash =
    "pbkdf2-sha256$1000$9a0837ba93564c37d3737a6373c23114$f5cf0cd8b29d75d21e22d2f3a8f160ffa732bb9729ffbb2584d091dabf7e1701";

// "YYYY-MM-DD" of the machine's local date, `offset` days from today.
inline std::string local_day(int offset = 0) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  using namespace std::chrono;
  const sys_days d = sys_days(year_month_day(year(tm.tm_year + 1900), month(static_cast<unsigned>(tm.tm_mon + 1)),
                                             day(static_cast<unsigned>(tm.tm_mday)))) +
                     days(offset);
  const year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

struct HttpReply {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  httplib::Headers headers;

  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The contract's error code ("taken", "invalid", ...) or "".
  std::string error() const {
    const auto j = json();
    return j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
  }
};

struct NodeOptions {
  std::vector<std::string> days;  // default: today and the next two days (local time)
  std::vector<std::string> rooms = {"A", "B", "C"};
  std::vector<std::pair<std::string, std::string>> slots = {{"10:00", "11:00"}, {"11:00", "12:00"}, {"14:00", "15:00"}};
  std::string timezone;     // IANA name; empty = the machine's zone
  std::string backchannel;  // event.toml backchannel; empty = none
  int extra_kiosks = 20;    // kiosk-1 .. kiosk-N besides room-a, room-b, hallway-1 (at most 200)
  int threads = 0;          // [node] threads; 0 = the default
  std::string event_name = "Test Open Spaces";
  std::string extra_node_toml;  // appended to node.toml (e.g. a [limits] table)
  std::string auth_extra;   // more [auth] lines, e.g. "trusted_proxies = [\"127.0.0.1\"]"
  std::map<std::string, int> room_capacity;  // rooms' capacity in event.toml
  std::string extra_event_toml;  // appended to event.toml (e.g. [[lightning]] tables)
};

// Writes event.toml + node.toml for `o` into `dir`; returns the node.toml path.
inline std::string write_node_config(const TempDir& dir, NodeOptions& o, std::map<std::string, std::string>& tokens) {
  if (o.days.empty()) o.days = {local_day(0), local_day(1), local_day(2)};
  std::string ev = "name = \"" + o.event_name + "\"\ndays = [";
  for (std::size_t i = 0; i < o.days.size(); ++i) ev += (i ? ", \"" : "\"") + o.days[i] + "\"";
  ev += "]\n";
  if (!o.timezone.empty()) ev += "timezone = \"" + o.timezone + "\"\n";
  if (!o.backchannel.empty()) ev += "backchannel = \"" + o.backchannel + "\"\n";
  for (const auto& r : o.rooms) {
    ev += "\n[[rooms]]\nid = \"" + r + "\"\nname = \"Room " + r + "\"\n";
    if (const auto c = o.room_capacity.find(r); c != o.room_capacity.end()) ev += "capacity = " + std::to_string(c->second) + "\n";
  }
  for (const auto& [s, e] : o.slots) ev += "\n[[slots]]\nstart = \"" + s + "\"\nend = \"" + e + "\"\n";
  ev += o.extra_event_toml;
  dir.write("event.toml", ev);

  tokens.clear();
  std::vector<std::string> ids = {"room-a", "room-b", "hallway-1"};
  for (int i = 1; i <= std::min(o.extra_kiosks, 200); ++i) ids.push_back("kiosk-" + std::to_string(i));
  for (const auto& id : ids) tokens[id] = "test-token-for-" + id;
  std::string node = "[node]\nlisten = \"127.0.0.1:0\"\ndatabase = \"node.db\"\nevent = \"event.toml\"\n";
  if (o.threads > 0) node += "threads = " + std::to_string(o.threads) + "\n";
  node += "\n[auth]\nstaff_pin = \"" + std::string(kStaffPinHash) + "\"\nstaff_token_hours = 8\n";
  if (!o.auth_extra.empty()) node += o.auth_extra + "\n";
  node += "\n[auth.kiosks]\n";
  for (const auto& [id, tok] : tokens) node += id + " = \"" + tok + "\"\n";
  node += o.extra_node_toml;
  return dir.write("node.toml", node);
}

// Runs a shell command; returns its exit code (-1 when it did not exit) and what it printed on
// stdout and stderr.
inline std::pair<int, std::string> run_command(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed: " + cmd};
  char buf[1024];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// `openspace-node <args>` of this build, through run_command.
inline std::pair<int, std::string> node_cli(const std::string& args) {
  return run_command(OPENSPACE_BINARY_DIR "/app/node/openspace-node " + args);
}

// A blocking HTTP call to 127.0.0.1:port. `token` adds Authorization: Bearer.
inline HttpReply http_call(int port, const std::string& method, const std::string& path, const std::string& body = "",
                           const std::string& token = "", httplib::Headers headers = {}) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(45, 0);  // long-polls wait up to 30 s
  cli.set_write_timeout(10, 0);
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  httplib::Result r{nullptr, httplib::Error::Unknown};
  if (method == "GET") r = cli.Get(path.c_str(), headers);
  else if (method == "POST") r = cli.Post(path.c_str(), headers, body, "application/json");
  else if (method == "PUT") r = cli.Put(path.c_str(), headers, body, "application/json");
  else if (method == "DELETE") r = cli.Delete(path.c_str(), headers);
  else throw std::invalid_argument("http_call: unsupported method " + method);
  HttpReply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  return out;
}

class NodeHarness {
 public:
  explicit NodeHarness(NodeOptions options = {}) : options_(std::move(options)) {
    config_ = write_node_config(dir_, options_, tokens_);
    start(0);
  }
  ~NodeHarness() {
    if (pid_ > 0) {
      try {
        stop();
      } catch (...) {
      }
    }
  }
  NodeHarness(const NodeHarness&) = delete;
  NodeHarness& operator=(const NodeHarness&) = delete;

  // [SECTION] Where things are
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::string db_path() const { return dir_.file("node.db"); }
  std::string config_path() const { return config_; }
  std::string log_path() const { return dir_.file("node.log"); }
  std::string dir() const { return dir_.path(); }
  const NodeOptions& options() const { return options_; }
  const std::vector<std::string>& days() const { return options_.days; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string token(const std::string& kiosk_id) const {
    const auto it = tokens_.find(kiosk_id);
    if (it == tokens_.end()) throw std::invalid_argument("no kiosk " + kiosk_id + " in the harness config");
    return it->second;
  }
  const std::map<std::string, std::string>& tokens() const { return tokens_; }
  // Everything the node wrote to stderr so far (its request log).
  std::string log() const {
    std::ifstream in(log_path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // A staff token, logging in with the PIN through the API (cached until the node restarts).
  std::string staff_token() {
    if (!staff_token_.empty()) return staff_token_;
    const auto r = post("/api/v1/staff/session", std::string("{\"pin\":\"") + kStaffPin + "\"}");
    if (r.status != 200) throw std::runtime_error("staff login failed: " + std::to_string(r.status) + " " + r.body);
    staff_token_ = r.json()["token"].get<std::string>();
    return staff_token_;
  }

  // [SECTION] HTTP helpers
  HttpReply get(const std::string& path, const std::string& token = "", httplib::Headers h = {}) const {
    return http_call(port_, "GET", path, "", token, std::move(h));
  }
  // One value of /metrics (e.g. "openspace_long_polls_held"), -1 when it is not there.
  long long metric(const std::string& name) const {
    const auto body = get("/metrics").body;
    const auto at = body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(body.substr(at + name.size() + 2));
  }
  HttpReply post(const std::string& path, const std::string& body, const std::string& token = "", httplib::Headers h = {}) const {
    return http_call(port_, "POST", path, body, token, std::move(h));
  }
  HttpReply put(const std::string& path, const std::string& body, const std::string& token = "", httplib::Headers h = {}) const {
    return http_call(port_, "PUT", path, body, token, std::move(h));
  }
  HttpReply del(const std::string& path, const std::string& token = "", httplib::Headers h = {}) const {
    return http_call(port_, "DELETE", path, "", token, std::move(h));
  }
  // A claim body for (day, room, start).
  static std::string claim_body(const std::string& claim_id, const std::string& day, const std::string& room,
                                const std::string& start, const std::string& title = "Packaging BoF",
                                const std::string& host = "José") {
    return nlohmann::json{{"claim_id", claim_id}, {"day", day}, {"room", room}, {"start", start}, {"title", title}, {"host", host}}
        .dump();
  }

  // [SECTION] Process control
  // SIGTERM and wait; returns the exit code (-signal when killed by a signal).
  int stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::seconds(15))) {
      ::kill(pid_, SIGKILL);
      wait_exit(std::chrono::seconds(15));
    }
    return exit_code_;
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(15));
  }
  // Starts the node again on the same database; on the same port unless `new_port`.
  void restart(bool new_port = false) {
    if (pid_ > 0) stop();
    start(new_port ? 0 : port_);
  }
  // Stops the node, deletes its database (a new file gets a new epoch) and starts it again.
  void replace_database() {
    if (pid_ > 0) stop();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path() + suffix);
    start(port_);
  }
  int exit_code() const { return exit_code_; }

 private:
  void start(int port) {
    const std::string binary = OPENSPACE_BINARY_DIR "/app/node/openspace-node";
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    const std::string log = log_path();
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    // The node gets stdin, stdout and its log only: no socket or file the test holds open (a
    // kiosk's connection, another node's pipe) lives on in it or keeps a port from closing.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    std::vector<std::string> args = {binary, "--config", config_, "--listen", listen};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      throw std::runtime_error("cannot start " + binary);
    }
    pid_ = pid;
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    staff_token_.clear();

    // Wait for "listening on http://HOST:PORT" with a deadline.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{out[0], POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[256];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    stdout_fd_ = out[0];  // kept open so later output never hits a closed pipe
    const std::string prefix = "listening on http://";
    const auto at = line.find(prefix);
    const auto colon = line.rfind(':', line.find('\n'));
    if (at == std::string::npos || colon == std::string::npos) {
      kill9();
      throw std::runtime_error("openspace-node did not start: stdout \"" + line + "\", log:\n" + this->log());
    }
    port_ = std::stoi(line.substr(colon + 1));
  }

  bool wait_exit(std::chrono::milliseconds timeout) {
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    }
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    pid_ = -1;
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
    return true;
  }

  TempDir dir_;
  NodeOptions options_;
  std::map<std::string, std::string> tokens_;
  std::string config_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  int exit_code_ = 0;
  std::string staff_token_;
};

}  // namespace osb::test

// [SECTION] In-process node (benchmarks): NodeService on 127.0.0.1:0 in a thread.
#if __has_include("node/node_service.hpp")
#include "config/config.hpp"
#include "node/node_service.hpp"

namespace osb::test {

class InProcessNode {
 public:
  explicit InProcessNode(NodeOptions options = {}) : options_(std::move(options)) {
    const auto path = write_node_config(dir_, options_, tokens_);
    service_ = std::make_unique<NodeService>(load_node_config(path));
    port_ = service_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { service_->run(); });
  }
  ~InProcessNode() {
    service_->stop();
    if (thread_.joinable()) thread_.join();
  }
  InProcessNode(const InProcessNode&) = delete;
  InProcessNode& operator=(const InProcessNode&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string db_path() const { return dir_.file("node.db"); }
  std::string token(const std::string& id) const { return tokens_.at(id); }
  const NodeOptions& options() const { return options_; }
  NodeService& service() { return *service_; }

 private:
  TempDir dir_;
  NodeOptions options_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<NodeService> service_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace osb::test
#endif
