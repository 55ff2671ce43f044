// Helpers for the sync tests: waiting on a condition with a deadline, and recording what a
// SyncWorker tells the UI.
#pragma once
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "sync/sync_worker.hpp"
#include "store/replica_store.hpp"
#include "support/sample_event.hpp"

namespace osb::test {

// Polls `pred` every few milliseconds until it holds or `deadline` passes; returns its last value.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
}

// Collects SyncEvents from the worker's threads.
class EventLog {
 public:
  std::function<void(SyncEvent)> callback() {
    return [this](SyncEvent e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    };
  }
  int count(SyncEvent e) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (auto x : events_) n += x == e;
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<SyncEvent> events_;
};

// The board the sample event would have on a fresh node: every cell open at seq 1.
inline Board fresh_node_board(const Event& e, std::string epoch = "stub-epoch") {
  Board b = open_board(e);
  b.epoch = std::move(epoch);
  b.seq = 1;
  for (Cell& c : b.cells) c.seq = 1;
  return b;
}

inline std::optional<Cell> replica_cell(const std::string& path, const CellKey& key) {
  ReplicaStore r(path);
  return r.cell(key);
}

}  // namespace osb::test
