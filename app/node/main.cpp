// openspace-node: the shared board. Loads node.toml and the event, opens the store.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "config/config.hpp"
#include "net/pin.hpp"
#include "store/node_store.hpp"

namespace {
int usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: openspace-node --config node.toml [--listen HOST:PORT] [--db PATH]\n"
               "       openspace-node hash-pin PIN     prints the value for node.toml [auth].staff_pin\n");
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "hash-pin") == 0) {
    if (argc != 3 || std::strlen(argv[2]) < 4) {
      std::fprintf(stderr, "openspace-node hash-pin: give a PIN of at least 4 characters\n");
      return 2;
    }
    std::printf("%s\n", osb::hash_pin(argv[2]).c_str());
    return 0;
  }
  std::string config_path, listen, db;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "openspace-node: %s needs a value\n", flag);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--config") config_path = value("--config");
    else if (a == "--listen") listen = value("--listen");
    else if (a == "--db") db = value("--db");
    else if (a == "--help" || a == "-h") return usage(0);
    else {
      std::fprintf(stderr, "openspace-node: unknown argument %s\n", a.c_str());
      return usage(2);
    }
  }
  if (config_path.empty()) return usage(2);
  try {
    osb::NodeConfig cfg = osb::load_node_config(config_path);
    if (!listen.empty()) osb::parse_listen(listen, "--listen", cfg.listen_host, cfg.listen_port);
    if (!db.empty()) cfg.database = db;
    osb::NodeStore store(cfg.database, cfg.event);
    std::printf("board ready: %zu cells, seq %lld\n", store.board().cells.size(), static_cast<long long>(store.seq()));
  } catch (const osb::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const osb::StoreError& e) {
    std::fprintf(stderr, "openspace-node: %s\n", e.what());
    return 1;
  }
  return 0;
}
