// openspace-node: the shared board. Loads node.toml and the event, opens the store, serves the
// HTTP API until SIGTERM / SIGINT, then drains in-flight requests and closes the database.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "node/node_service.hpp"
#include "node/pin.hpp"
#include "node/maintenance.hpp"
#include "store/sqlite.hpp"

namespace {

int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: openspace-node --config node.toml [--listen HOST:PORT] [--db PATH]\n"
               "       openspace-node hash-pin PIN     prints the value for node.toml [auth].staff_pin\n"
               "       openspace-node backup|restore|morning-reset|import-claims --config node.toml ...   (maintenance)\n");
  return code;
}

struct Args {
  std::string config_path, listen, db;
};

// Returns an exit code when the program should end now, or -1 to go on serving.
int parse_args(int argc, char** argv, Args& out) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag, std::string& dest) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "openspace-node: %s needs a value\n", flag);
        return false;
      }
      dest = argv[++i];
      return true;
    };
    if (a == "--config") {
      if (!value("--config", out.config_path)) return 2;
    } else if (a == "--listen") {
      if (!value("--listen", out.listen)) return 2;
    } else if (a == "--db") {
      if (!value("--db", out.db)) return 2;
    } else if (a == "--help" || a == "-h") {
      return usage(0);
    } else {
      std::fprintf(stderr, "openspace-node: unknown argument %s\n", a.c_str());
      return usage(2);
    }
  }
  if (out.config_path.empty()) return usage(2);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (const int rc = osb::run_maintenance_subcommand(argc, argv); rc >= 0) return rc;
  if (argc >= 2 && std::strcmp(argv[1], "hash-pin") == 0) {
    if (argc != 3 || std::strlen(argv[2]) < 4) {
      std::fprintf(stderr, "openspace-node hash-pin: give a PIN of at least 4 characters\n");
      return 2;
    }
    std::printf("%s\n", osb::hash_pin(argv[2]).c_str());
    return 0;
  }
  Args args;
  if (const int rc = parse_args(argc, argv, args); rc >= 0) return rc;

  osb::NodeConfig cfg;
  try {
    cfg = osb::load_node_config(args.config_path);
    if (!args.listen.empty()) osb::parse_listen(args.listen, "--listen", cfg.listen_host, cfg.listen_port);
    if (!args.db.empty()) cfg.database = args.db;
  } catch (const osb::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }

  // Signals are taken by one thread with sigwait, so no handler runs inside a worker; every
  // thread started below inherits the blocked mask. A peer that hangs up must not kill the node.
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // A fresh install has no var/ folder yet: make the database's folder (a SQLite board only).
  if (const auto dir = std::filesystem::path(cfg.database).parent_path(); cfg.postgres.empty() && !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }

  try {
    const std::string host = cfg.listen_host;
    const int port = cfg.listen_port;
    // A PostgreSQL board may not be reachable yet (the machine just booted, a failover is under
    // way): wait for it, saying so, rather than exit and run into systemd's restart limit.
    // SIGTERM / SIGINT end the wait.
    std::unique_ptr<osb::NodeService> started;
    for (auto said = std::chrono::steady_clock::time_point{}; !started;) {
      try {
        started = std::make_unique<osb::NodeService>(cfg);
      } catch (const osb::StoreError& e) {
        if (cfg.postgres.empty() || !e.is_unavailable()) throw;
        if (std::chrono::steady_clock::now() - said > std::chrono::seconds(30)) {
          std::fprintf(stderr, "openspace-node: waiting for PostgreSQL: %s\n", e.what());
          said = std::chrono::steady_clock::now();
        }
        const timespec second{1, 0};
        if (sigtimedwait(&stop_signals, nullptr, &second) > 0) {
          std::fprintf(stderr, "openspace-node: stopped before PostgreSQL could be reached\n");
          return 0;
        }
      }
    }
    osb::NodeService& service = *started;
    const int bound = service.bind(host, port);
    std::thread signal_watch([&service, stop_signals] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      service.stop();
    });
    std::printf("listening on http://%s:%d\n", host.c_str(), bound);
    std::fflush(stdout);
    service.run();
    // run() also returns when the server failed on its own: release the signal thread.
    pthread_kill(signal_watch.native_handle(), SIGTERM);
    signal_watch.join();
    std::fprintf(stderr, "openspace-node: stopped\n");
  } catch (const osb::StoreError& e) {
    std::fprintf(stderr, "openspace-node: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "openspace-node: %s\n", e.what());
    return 1;
  }
  return 0;
}
