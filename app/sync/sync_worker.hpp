// Open Space Board — SyncWorker: keeps a kiosk's replica in step with the node, on its own thread.
// Start: the replica is shown at once; the full board is fetched when the node answers.
// Steady state: long-poll /changes, apply each batch in one transaction; 410 -> reload.
// Outbox: each pending claim is sent in order with the same claim_id on every retry; 201/200 ->
// delivered; 409/400 -> lost (kept, and the UI is told); 5xx/transport -> capped exponential
// backoff with jitter. Every request carries the kiosk's heartbeat headers (docs/api.md).
// It never touches the UI: it calls `notify` (the kiosk turns that into an SDL user event).
// Inside: two threads, each with its own HttpClient and replica connection: one holds the
// long-poll, the other sends the outbox, so a new claim never waits for a long-poll to end.
// With several nodes both follow one "node in use": when either moves on, the other's request
// to the old node is cut short and its next request goes to the new one. A claim resent to
// another node keeps its claim_id, so one the old node had committed is answered as a replay.
// `notify` is called from either of them, always after the replica write it announces.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace osb {

enum class ConnectionState { Online, Reconnecting, Offline };

struct SyncStatus {
  ConnectionState state = ConnectionState::Offline;
  // When the node stopped answering; 0 when it has not answered since the kiosk started.
  std::chrono::system_clock::time_point offline_since{};
  std::chrono::system_clock::time_point last_sync{};      // last successful exchange (epoch 0 = never)
  int outbox = 0;
  long long lag_ms = -1;   // age of the replica (now - last_sync), -1 when never synced
  std::string last_error;  // one sentence, for staff
  std::string node_url;    // the node the kiosk uses now (one of SyncOptions::nodes)
};

struct SyncOptions {
  std::string node_url;    // http://host:port; used when `nodes` is empty
  // Several nodes serving the same board (contract §4.4), tried in this order, round robin:
  // after a connect error, a timeout or a 5xx (503 busy) both threads move on to the next,
  // keeping the replica's `since` and `epoch`. A 410 or any other 4xx is not a reason to move.
  // Moving to a node not yet tried in this round happens at once; after a whole round of
  // failures the usual backoff applies. Empty: {node_url}.
  std::vector<std::string> nodes;
  std::string token;
  std::string kiosk_id;
  std::string replica_path;
  std::string version = OPENSPACE_VERSION;
  std::string ca_file;
  int long_poll_s = 25;
  int backoff_min_ms = 250;
  int backoff_max_ms = 5000;     // full-jitter cap: after an outage every kiosk is back within ~5 s, spread out
  // A connection that worked and dropped shows Reconnecting this long, then Offline. A kiosk
  // whose node has not answered yet is Offline from the start.
  int offline_after_ms = 5000;
};

// What changed, for the UI thread.
enum class SyncEvent { BoardChanged, StatusChanged, ClaimDelivered, ClaimLost, ActionDelivered, ActionLost };

class SyncWorker {
 public:
  SyncWorker(SyncOptions options, std::function<void(SyncEvent)> notify);
  ~SyncWorker();  // stops
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  void start();
  // Returns within 1 s, even in the middle of a long-poll.
  void stop();
  // A claim was enqueued in the replica: send it now rather than after the long-poll.
  void kick();
  SyncStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

const char* to_string(ConnectionState s);

}  // namespace osb
