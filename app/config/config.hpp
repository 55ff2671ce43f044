// Open Space Board — configuration files (TOML): event.toml, node.toml, one file per kiosk.
// Every problem throws ConfigError whose message is ONE line naming the file, the key and what
// is wrong, e.g. `kiosk-config/event.toml: rooms[1].id "A" is a duplicate`. Unknown keys are
// errors: a typo must never be silently ignored. Relative paths are relative to the file's folder.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace osb {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How much the node holds at once (node.toml [limits]; docs/api.md "Node limits").
struct NodeLimits {
  int max_connections = 16000;         // open connections in all
  int reserved_connections = 1000;     // of those, kept for kiosks and staff
  int connections_per_address = 256;   // from one remote address
  int long_polls = 12000;              // anonymous long-polls held (kiosks and staff: no cap)
  int long_polls_per_address = 64;     // anonymous long-polls from one address
  int workers = 4;                     // threads for database work (one kept for kiosks and staff)
  int io_threads = 2;                  // threads reading and writing sockets
  int header_timeout_ms = 10000;       // request line + headers complete within (also idle keep-alive)
  int body_timeout_ms = 10000;         // a body complete within
};

struct NodeConfig {
  std::string file;            // path of node.toml as given
  std::string listen_host = "0.0.0.0";
  int listen_port = 8080;
  std::string database;        // resolved path (the SQLite board; unused for it when `postgres` is set)
  // [store] postgres: a libpq conninfo; when set the board lives in PostgreSQL (contract §4.4).
  std::string postgres;
  std::string event_file;      // resolved path
  Event event;                 // loaded from event_file
  std::string staff_pin_hash;  // output of `openspace-node hash-pin`
  int staff_token_hours = 8;
  // Reverse proxies whose X-Forwarded-For names the client (canonical IP addresses).
  std::vector<std::string> trusted_proxies;
  std::map<std::string, std::string> kiosk_tokens;  // kiosk id -> bearer token
  int threads = 64;            // accepted for older files; the event-driven server needs no thread per connection
  NodeLimits limits;
  // Morning reset (scripts/systemd/openspace-reset.timer): off unless staff turn it on.
  bool auto_reset = false;
  std::string reset_at = "07:00";
  // Online backups (openspace-node backup): where, and how many to keep.
  std::string backup_dir;      // resolved path; default "<database folder>/backups"
  int backup_keep = 24;
};

enum class KioskMode { Room, Hallway };

struct KioskConfig {
  std::string file;
  std::string id;
  KioskMode mode = KioskMode::Room;
  std::string room;            // room id (room mode)
  std::string node_url;        // http://host:port or https://host: the first of `nodes`
  // Every node the kiosk may use, in order (`nodes = [...]`, or just `node`): the sync worker
  // moves on to the next after a connect error, a timeout or a 503 (contract §4.4).
  std::vector<std::string> nodes;
  std::string token;
  std::string replica;         // resolved path of the replica database
  std::string ca_file;         // optional CA bundle for https:// node URLs
  float scale = 1.0f;
  int idle_timeout_s = 60;
  std::string theme = "dark";
  std::string language = "en";  // assets/text/<language>.toml
  std::string assets;           // the assets folder; "" finds it (beside the binary, install prefix)
  bool fullscreen = true;
  std::string renderer = "auto";  // "auto", "software" or "accelerated"
  std::string night_start = "21:00";  // dim outside event hours
  std::string night_end = "07:00";
};

// Loads event.toml. Checks names, days, rooms and the slot template.
Event load_event(const std::string& path);
// Loads node.toml and the event it names.
NodeConfig load_node_config(const std::string& path);
// Loads a kiosk file (room-a.toml, hallway-1.toml, ...).
KioskConfig load_kiosk_config(const std::string& path);

// Parses "HOST:PORT" (port 0..65535). Throws ConfigError naming `where`.
void parse_listen(const std::string& value, const std::string& where, std::string& host, int& port);

}  // namespace osb
