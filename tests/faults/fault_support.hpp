// Helpers for the fault-injection tests: waiting on conditions with a deadline, reading the
// node's change log straight from its SQLite file, comparing a replica with the node's board,
// and a simulated kiosk (replica file + SyncWorker) that counts what its worker told it.
#pragma once
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "codec/codec.hpp"
#include "sync/sync_worker.hpp"
#include "store/replica_store.hpp"
#include "store/sqlite.hpp"
#include "support/node_harness.hpp"

namespace osb::test::faults {

// [SECTION] Waiting

// Polls `pred` every few milliseconds until it holds or `deadline` passes; returns its last value.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// [SECTION] The node's change log

// What the node's database says about its change numbers.
struct ChangeLog {
  std::int64_t meta_seq = 0;       // meta.seq: the last number handed out
  std::vector<std::int64_t> seqs;  // changes.seq in order
  std::map<std::string, int> claim_changes;  // claim_id -> number of 'claim' changes naming it
  // 1..N with no hole, and N == meta.seq.
  bool gapless() const {
    for (std::size_t i = 0; i < seqs.size(); ++i)
      if (seqs[i] != static_cast<std::int64_t>(i) + 1) return false;
    return static_cast<std::int64_t>(seqs.size()) == meta_seq;
  }
};

// Reads the change log of a node database (a second connection; WAL lets it read while the node runs).
inline ChangeLog read_change_log(const std::string& db_path) {
  Database db(db_path, false);
  ChangeLog log;
  auto& m = db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'");
  if (m.step()) log.meta_seq = m.int64(0);
  m.reset();
  auto& s = db.prepare("SELECT seq, kind, COALESCE(claim_id, '') FROM changes ORDER BY seq");
  while (s.step()) {
    log.seqs.push_back(s.int64(0));
    if (s.text(1) == "claim") ++log.claim_changes[s.text(2)];
  }
  s.reset();
  return log;
}

// [SECTION] The node's board

inline Board node_board(int port) {
  const auto r = http_call(port, "GET", "/api/v1/board");
  if (r.status != 200) throw std::runtime_error("GET /api/v1/board answered " + std::to_string(r.status));
  auto decoded = json::decode_board(r.body);
  if (auto* e = std::get_if<Error>(&decoded)) throw std::runtime_error("board does not decode: " + e->message);
  return std::get<Board>(decoded);
}

inline std::map<std::string, Cell> cells_by_key(const std::vector<Cell>& cells) {
  std::map<std::string, Cell> out;
  for (const auto& c : cells) out[c.day + "/" + c.room + "/" + c.start] = c;
  return out;
}

// Same cells (every field, seq included) and the same seq: the replica has caught up exactly.
inline bool replica_equals_board(ReplicaStore& replica, const Board& node) {
  if (!replica.has_board() || replica.seq() != node.seq || replica.epoch() != node.epoch) return false;
  return cells_by_key(replica.board().cells) == cells_by_key(node.cells);
}

// claim_id -> cells on the board holding it.
inline std::map<std::string, int> winners(const Board& b) {
  std::map<std::string, int> out;
  for (const auto& c : b.cells)
    if (c.state == CellState::Claimed) ++out[c.claim_id];
  return out;
}

// [SECTION] A simulated kiosk

struct SimKiosk {
  std::string id;
  std::string replica_path;
  std::unique_ptr<ReplicaStore> screen;  // the UI thread's connection
  std::unique_ptr<SyncWorker> worker;
  std::atomic<int> delivered{0};
  std::atomic<int> lost{0};

  SimKiosk(std::string kiosk_id, std::string path, SyncOptions o) : id(std::move(kiosk_id)), replica_path(std::move(path)) {
    screen = std::make_unique<ReplicaStore>(replica_path);
    o.kiosk_id = id;
    o.replica_path = replica_path;
    worker = std::make_unique<SyncWorker>(std::move(o), [this](SyncEvent e) {
      if (e == SyncEvent::ClaimDelivered) ++delivered;
      if (e == SyncEvent::ClaimLost) ++lost;
    });
  }
};

// Sync options tuned for tests: short long-polls and backoff so faults heal within seconds.
inline SyncOptions quick_sync(const std::string& url, const std::string& token) {
  SyncOptions o;
  o.node_url = url;
  o.token = token;
  o.version = "0.0.0-faults";
  o.long_poll_s = 2;
  o.backoff_min_ms = 20;
  o.backoff_max_ms = 250;
  o.offline_after_ms = 500;
  return o;
}

// [SECTION] Files

inline unsigned file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

}  // namespace osb::test::faults
