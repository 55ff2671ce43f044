// Open Space Board — SyncWorker implementation.
// [SECTION] Helpers (backoff, URLs, messages)
// [SECTION] Status
// [SECTION] Waiting
// [SECTION] Board thread: full board, then long-poll /changes
// [SECTION] Outbox thread: POST /claims, oldest first
// [SECTION] Lifecycle
//
// Two threads, two HttpClients, two replica connections. The board thread holds a long-poll
// open almost all the time; the outbox thread sends claims on its own connection, so a claim
// tapped during a long-poll goes out at once (kick() only wakes the outbox thread) and the
// long-poll is never torn down and re-established for it. Cancelling the long-poll on kick
// would work too, but would cost a reconnect and a full /changes round trip per claim and
// would interleave two jobs' error handling in one loop. SQLite serialises the two writers
// (busy_timeout), and every write is one short transaction.
//
// Several nodes (contract §4.4): both threads share one "node in use" (an index and a
// generation under node_mutex). A thread whose request got no answer, timed out or got a 5xx
// moves everyone to the next node (unless the other thread already did for that generation),
// cuts short the other thread's request still held by the old node, and tries the new node at
// once if it has not tried it since its last answer; after a whole round it backs off as with
// one node. Nothing else changes: `since` and `epoch` are the replica's, so the new node answers
// the same long-poll (or 410 when it serves another board, and the board is reloaded), and the
// outbox resends its oldest claim with the same claim_id (a claim the old node committed comes
// back as a replay, never as a second claim). One HttpClient per thread, re-pointed on a move:
// its curl handles, and the connections they keep to each node, stay.
#include "sync/sync_worker.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "core/time.hpp"
#include "codec/codec.hpp"
#include "sync/http_client.hpp"
#include "store/replica_store.hpp"

namespace osb {

const char* to_string(ConnectionState s) {
  switch (s) {
    case ConnectionState::Online: return "online";
    case ConnectionState::Reconnecting: return "reconnecting";
    case ConnectionState::Offline: return "offline";
  }
  return "offline";
}

// [SECTION] Helpers (backoff, URLs, messages)

namespace {

using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SysClock::now().time_since_epoch()).count();
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string claim_body(const Claim& c) {
  json::json j = {{"claim_id", c.claim_id}, {"day", c.day},   {"room", c.room},
                  {"start", c.start},       {"title", c.title}, {"host", c.host},
                  {"description", c.description}};
  return json::dump(j);
}

// "cell" of an answer body ({"cell","seq"} on success, the current state on a 409), if present.
// The request that delivers a pending action (contract §4.3).
std::pair<std::string, std::string> action_request(const PendingAction& a) {
  switch (a.kind) {
    case ActionKind::Signup:
      return {"/api/v1/lightning", json::dump({{"signup_id", a.action_id}, {"day", a.signup.day}, {"start", a.signup.start},
                                               {"title", a.signup.title}, {"speaker", a.signup.speaker}})};
    case ActionKind::Group: {
      json::json j = {{"group_id", a.action_id}, {"day", a.group.day},     {"time", a.group.time},
                      {"title", a.group.title},  {"where", a.group.where}, {"seats", a.group.seats},
                      {"host", a.group.host}};
      if (!a.group.continues.empty()) j["continues"] = a.group.continues;
      return {"/api/v1/groups", json::dump(j)};
    }
    case ActionKind::Join:
      return {"/api/v1/groups/" + a.target + "/join", json::dump({{"join_id", a.action_id}})};
    case ActionKind::Interest:
      return {"/api/v1/claims/" + a.target + "/interest", json::dump({{"interest_id", a.action_id}})};
  }
  return {"/", "{}"};
}

template <class T, class F>
std::optional<T> member_of(const std::string& body, const char* key, F decode) {
  const auto parsed = json::parse_object(body);
  if (const auto* j = std::get_if<json::json>(&parsed)) {
    const auto it = j->find(key);
    if (it != j->end() && it->is_object()) {
      auto d = decode(*it);
      if (auto* v = std::get_if<T>(&d)) return *v;
    }
  }
  return std::nullopt;
}

std::optional<Cell> cell_of(const std::string& body) {
  const auto parsed = json::parse_object(body);
  if (const auto* j = std::get_if<json::json>(&parsed)) {
    const auto it = j->find("cell");
    if (it != j->end() && it->is_object()) {
      auto c = json::decode_cell(*it);
      if (auto* cell = std::get_if<Cell>(&c)) return *cell;
    }
  }
  return std::nullopt;
}

// True when `body` is the contract's error JSON ({"error","message"}) with a code the node gives
// to a claim with status `status`. Only such an answer is final: a captive portal, a proxy or a
// wrong node path may answer 404 (or 400, 409, 413) with a page of its own, and that must never
// turn a pending claim into a lost one.
bool is_final_claim_error(int status, const std::string& body) {
  const auto parsed = json::parse_object(body);
  const auto* j = std::get_if<json::json>(&parsed);
  if (!j) return false;
  const auto code = j->find("error");
  const auto message = j->find("message");
  if (code == j->end() || !code->is_string() || message == j->end() || !message->is_string()) return false;
  const std::string c = code->get<std::string>();
  switch (status) {
    case 400: return c == "invalid";
    case 404: return c == "not_found";
    case 409:
      return c == "taken" || c == "blocked" || c == "past" || c == "claim_id_reused" || c == "removed" || c == "full" ||
             c == "closed";
    case 413: return c == "too_large";
    default: return false;
  }
}

// One sentence for staff about a failed exchange.
std::string describe_failure(const HttpResponse& r, const std::string& url) {
  if (r.status == 0) return "The node at " + url + " cannot be reached (" + r.transport_error + ").";
  const Error e = json::decode_error(r.body);
  std::string msg = "The node answered " + std::to_string(r.status);
  if (e.code != "bad_answer") msg += " " + e.code + ": " + e.message;
  else msg += ".";
  return msg;
}

}  // namespace

struct SyncWorker::Impl {
  SyncOptions opt;
  std::function<void(SyncEvent)> notify;
  std::unique_ptr<HttpClient> board_http;
  std::unique_ptr<HttpClient> outbox_http;

  // The nodes and the one in use, shared by both threads (see the top of this file).
  std::vector<std::string> nodes;
  mutable std::mutex node_mutex;
  std::size_t node_index = 0;
  std::uint64_t node_generation = 0;  // +1 on every move to the next node
  // The generation each thread's last request went to (a move cuts the other's short).
  std::atomic<std::uint64_t> board_generation{0};
  std::atomic<std::uint64_t> outbox_generation{0};
  std::thread board_thread;
  std::thread outbox_thread;

  // Waiting: both threads sleep on `cv`; stop() and kick() wake them.
  std::mutex wait_mutex;
  std::condition_variable cv;
  bool stopping = false;
  bool kicked = false;

  // Status, read by the UI thread.
  mutable std::mutex status_mutex;
  SyncStatus st;
  ConnectionState notified_state = ConnectionState::Offline;
  std::atomic<int> outbox_count{0};
  std::atomic<std::int64_t> last_sync_ms{0};

  void emit(SyncEvent e) {
    if (notify) notify(e);
  }

  // [SECTION] Status

  ConnectionState effective_state_locked(SysClock::time_point now) const {
    if (st.state == ConnectionState::Reconnecting && now - st.offline_since >= std::chrono::milliseconds(opt.offline_after_ms))
      return ConnectionState::Offline;
    return st.state;
  }

  // Tells the UI when the state it would show has changed.
  void publish_state() {
    bool changed = false;
    {
      std::lock_guard lock(status_mutex);
      const auto s = effective_state_locked(SysClock::now());
      changed = s != notified_state;
      notified_state = s;
    }
    if (changed) emit(SyncEvent::StatusChanged);
  }

  // The node answered (any HTTP answer below 500 means it is there and well).
  void answered() {
    {
      std::lock_guard lock(status_mutex);
      st.state = ConnectionState::Online;
    }
    publish_state();
  }

  // Only the sentence for staff: the state stays (a move to the next node, tried at once).
  void note_error(const std::string& message) {
    std::lock_guard lock(status_mutex);
    st.last_error = message;
  }

  void failed(const std::string& message) {
    {
      std::lock_guard lock(status_mutex);
      if (st.state == ConnectionState::Online) {
        st.state = ConnectionState::Reconnecting;
        st.offline_since = SysClock::now();
      }
      st.last_error = message;
    }
    publish_state();
  }

  // The replica is in step with the node as of now.
  void synced(std::int64_t at_ms) { last_sync_ms = at_ms; }

  // When Reconnecting turns into Offline (so a waiting thread can wake up and say so).
  std::optional<SysClock::time_point> offline_deadline() const {
    std::lock_guard lock(status_mutex);
    if (st.state != ConnectionState::Reconnecting || notified_state == ConnectionState::Offline) return std::nullopt;
    return st.offline_since + std::chrono::milliseconds(opt.offline_after_ms);
  }

  void set_heartbeat(HttpClient& http) {
    http.set_header("X-Kiosk-Outbox", std::to_string(outbox_count.load()));
    const std::int64_t last = last_sync_ms.load();
    if (last > 0) http.set_header("X-Kiosk-Lag-Ms", std::to_string(std::max<std::int64_t>(0, now_ms() - last)));
  }

  // [SECTION] Nodes

  struct NodeInUse {
    std::string url;
    std::uint64_t generation = 0;
  };
  NodeInUse node_in_use() const {
    std::lock_guard lock(node_mutex);
    return {nodes[node_index], node_generation};
  }

  // Points this thread's client at the node in use before a request; returns its generation.
  std::uint64_t target(HttpClient& http, std::atomic<std::uint64_t>& sent_to) {
    const NodeInUse n = node_in_use();
    if (http.base_url() != n.url) http.set_base_url(n.url);
    sent_to = n.generation;
    return n.generation;
  }

  // A request to the node of `generation` got no answer, timed out or got a 5xx. Moves both
  // threads on to the next node, unless the other thread already did; the other's request
  // still with the old node is cancelled (it comes back `cancelled` and is sent again to the
  // new one). `tried` counts the nodes this thread failed on since its last answer: true when
  // the node in use now has not been tried in this round, so it may be asked at once.
  bool move_on(std::uint64_t generation, int& tried, bool from_board) {
    if (nodes.size() < 2) return false;
    bool moved = false;
    {
      std::lock_guard lock(node_mutex);
      if (generation == node_generation) {
        node_index = (node_index + 1) % nodes.size();
        ++node_generation;
        moved = true;
      }
    }
    if (moved) {
      HttpClient& other = from_board ? *outbox_http : *board_http;
      const std::atomic<std::uint64_t>& other_sent_to = from_board ? outbox_generation : board_generation;
      if (other_sent_to.load() == generation) other.cancel();
      emit(SyncEvent::StatusChanged);  // the staff panel shows the node in use
    }
    if (++tried < static_cast<int>(nodes.size())) return true;
    tried = 0;  // a whole round failed: back off, then the next round
    return false;
  }

  // A request came back cancelled: by stop(), or by the other thread moving to another node.
  // False when stopping; otherwise the client is ready for its next request.
  bool resume_after_cancel(HttpClient& http) {
    if (is_stopping()) return false;
    http.reset_cancel();
    return true;
  }

  // No answer, or an answer from a node that is not well: a reason to try the next node.
  static bool is_node_failure(const HttpResponse& r) { return r.status == 0 || r.status >= 500; }

  // [SECTION] Waiting

  // Capped exponential backoff with full jitter: uniform in [0, min(max, min * 2^(n-1))], so
  // a hundred kiosks that lost the node together do not come back in lockstep.
  int backoff_ms(int failures, std::mt19937& rng) const {
    const int shift = std::clamp(failures - 1, 0, 20);
    const long long cap = std::min<long long>(opt.backoff_max_ms, static_cast<long long>(opt.backoff_min_ms) << shift);
    return static_cast<int>(std::uniform_int_distribution<long long>(0, std::max<long long>(cap, 1))(rng));
  }

  // Sleeps up to `ms`; returns early on stop, and on kick when `wake_on_kick`. Wakes at the
  // moment Reconnecting turns into Offline to tell the UI. Returns false when stopping.
  bool wait_for(int ms, bool wake_on_kick) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (true) {
      auto wake = until;
      if (const auto d = offline_deadline()) {
        const auto in = std::chrono::duration_cast<Clock::duration>(*d - SysClock::now());
        wake = std::min(wake, Clock::now() + std::max(in, Clock::duration::zero()) + std::chrono::milliseconds(5));
      }
      {
        std::unique_lock lock(wait_mutex);
        cv.wait_until(lock, wake, [&] { return stopping || (wake_on_kick && kicked); });
        if (stopping) return false;
        if (wake_on_kick && kicked) {
          kicked = false;
          return true;
        }
      }
      publish_state();
      if (Clock::now() >= until) return true;
    }
  }

  bool is_stopping() {
    std::lock_guard lock(wait_mutex);
    return stopping;
  }

  void kick() {
    {
      std::lock_guard lock(wait_mutex);
      kicked = true;
    }
    cv.notify_all();
  }

  // [SECTION] Board thread: full board, then long-poll /changes

  void board_loop() {
    std::mt19937 rng(std::random_device{}());
    std::optional<ReplicaStore> store;
    int failures = 0;
    int tried = 0;            // nodes that failed since the last answer (several nodes)
    std::string answered_by;  // the node that gave the last answer
    // At start the whole board is fetched as soon as the node answers (the replica is shown
    // meanwhile); afterwards only after a 410 (the node's database was replaced).
    bool need_board = true;
    while (!is_stopping()) {
      try {
        if (!store) {
          store.emplace(opt.replica_path);
          // This connection only writes the node's board (replace_board, apply_changes,
          // mark_synced): a copy the node can always send again. NORMAL in WAL mode keeps the
          // file consistent on a power cut and at worst forgets the last batches, which the next
          // /changes?since= brings back. It saves an fsync per batch on every kiosk. Claims are
          // written by the UI's and the outbox thread's connections, which stay FULL.
          store->database().exec("PRAGMA synchronous=NORMAL");
          synced(store->last_sync_ms());
        }
        outbox_count = store->outbox_size();
        const std::uint64_t generation = target(*board_http, board_generation);
        const std::string url = board_http->base_url();
        const bool new_node = url != answered_by;
        set_heartbeat(*board_http);
        HttpResponse r;
        bool ok = false;
        bool came_back_empty_at_once = false;
        if (need_board) {
          r = board_http->get("/api/v1/board");
          if (r.cancelled) {
            if (!resume_after_cancel(*board_http)) break;
            continue;
          }
          if (r.status == 200) {
            auto d = json::decode_board(r.body);
            if (auto* b = std::get_if<Board>(&d)) {
              store->replace_board(*b);
              synced(store->last_sync_ms());
              need_board = false;
              ok = true;
              answered();
              emit(SyncEvent::BoardChanged);
            } else {
              r.status = 502;  // a shape we cannot read counts as a sick node: back off
              r.body = json::dump(json::error_body(std::get<Error>(d)));
            }
          }
        } else {
          // After a failure, and on a node that has not answered this thread yet, the first poll
          // does not wait: a node that came back (or the next node) must be seen as Online at
          // once, not when its first held long-poll ends 25 s later.
          const int wait_s = failures > 0 || new_node ? 0 : opt.long_poll_s;
          const std::string path = "/api/v1/changes?since=" + std::to_string(store->seq()) +
                                   "&wait=" + std::to_string(wait_s) + "&epoch=" + url_encode(store->epoch());
          const auto asked = std::chrono::steady_clock::now();
          r = board_http->get(path, wait_s * 1000 + 15000);
          if (r.cancelled) {
            if (!resume_after_cancel(*board_http)) break;
            continue;
          }
          if (r.status == 200) {
            auto d = json::decode_changes(r.body);
            if (auto* ch = std::get_if<Changes>(&d)) {
              if (ch->epoch != store->epoch()) {
                need_board = true;  // cannot happen with epoch= in the query, but never mix two boards
              } else if (!ch->cells.empty() || ch->seq != store->seq() || ch->announcement != store->announcement()) {
                store->apply_changes(*ch);
                emit(SyncEvent::BoardChanged);
              } else {
                store->mark_synced();
                came_back_empty_at_once = wait_s > 0 && std::chrono::steady_clock::now() - asked < std::chrono::seconds(1);
              }
              synced(store->last_sync_ms());
              ok = true;
              answered();
            } else {
              r.status = 502;
              r.body = json::dump(json::error_body(std::get<Error>(d)));
            }
          } else if (r.status == 410) {
            need_board = true;  // the node's database was replaced, or we are ahead of it: reload
            ok = true;
            answered();
          }
        }
        if (!is_node_failure(r)) {
          tried = 0;
          answered_by = url;
        }
        if (ok) {
          // The node is back (or another one answers): send pending claims now, not after the backoff.
          if (failures > 0 || new_node) kick();
          failures = 0;
          // A held poll that came back empty at once (a node under load, a proxy in between)
          // is not asked again at once: a short jittered pause keeps a fleet from storming.
          if (came_back_empty_at_once && !wait_for(std::uniform_int_distribution<int>(500, 1500)(rng), false)) break;
          continue;
        }
        if (is_node_failure(r) && move_on(generation, tried, true)) {
          note_error(describe_failure(r, url));  // the next node, at once
          continue;
        }
        ++failures;
        if (!is_node_failure(r)) {
          // 4xx: the node is there but refuses us (a bad token, say): tell staff, stay Online.
          answered();
          std::lock_guard lock(status_mutex);
          st.last_error = describe_failure(r, url);
        } else {
          failed(describe_failure(r, url));
        }
        // A busy node says how long to stay away (Retry-After); spread the returns.
        int pause_ms = backoff_ms(failures, rng);
        if (r.status == 503 && r.retry_after_s > 0)
          pause_ms = std::max(pause_ms, std::uniform_int_distribution<int>(r.retry_after_s * 500, r.retry_after_s * 1500)(rng));
        if (!wait_for(pause_ms, false)) break;
      } catch (const std::exception& e) {
        // The replica file failed (disk full, I/O): say so and retry; the node's data is safe.
        ++failures;
        failed(std::string("The kiosk's replica failed: ") + e.what() + ".");
        if (!wait_for(opt.backoff_max_ms, false)) break;
      }
    }
  }

  // [SECTION] Outbox thread: POST /claims, oldest first

  void outbox_loop() {
    std::mt19937 rng(std::random_device{}());
    std::optional<ReplicaStore> store;
    int failures = 0;
    int tried = 0;  // nodes that failed since the last answer (several nodes)
    bool report_empty = false;
    while (!is_stopping()) {
      try {
        if (!store) store.emplace(opt.replica_path);
        struct Item {
          bool is_action = false;
          Claim claim;
          PendingAction action;
        };
        std::vector<Item> pending;
        for (auto& p : store->outbox()) pending.push_back(Item{false, std::move(p.claim), {}});
        if (pending.empty())
          for (auto& a : store->actions()) pending.push_back(Item{true, {}, std::move(a)});
        outbox_count = store->outbox_size();
        if (pending.empty() && report_empty) {
          // The last request the node saw from us may have said "1 pending" (the claim's own
          // POST, or a long-poll sent just before the claim was marked delivered). Say 0 now
          // with the cheapest request, so staff never see a stale count for a whole long-poll.
          report_empty = false;
          target(*outbox_http, outbox_generation);
          set_heartbeat(*outbox_http);
          if (outbox_http->get("/healthz", 3000).cancelled) {
            if (!resume_after_cancel(*outbox_http)) break;
            report_empty = true;  // cut short by a move to another node: say it there
          }
          continue;
        }
        if (pending.empty()) {
          // A kick brings the next claim at once; the timeout also picks up claims enqueued by
          // a caller that forgot to kick.
          if (!wait_for(1000, true)) break;
          continue;
        }
        // Strictly in order: the oldest claim goes first and is retried (same claim_id) until
        // the node gives a final answer, so a later claim never overtakes it. Actions (sign-ups,
        // groups, joins, interest) follow once no claim is pending: a group that continues an
        // open space is sent after the claim it names.
        if (pending.front().is_action) {
          const PendingAction& a = pending.front().action;
          store->note_action_attempt(a.action_id);
          const std::uint64_t generation = target(*outbox_http, outbox_generation);
          set_heartbeat(*outbox_http);
          const auto [path, body] = action_request(a);
          const HttpResponse r = outbox_http->post(path, body);
          if (r.cancelled) {
            if (!resume_after_cancel(*outbox_http)) break;
            continue;  // sent again (same id) to the node in use
          }
          if (!is_node_failure(r)) tried = 0;
          const int s = r.status;
          if (s == 200 || s == 201) {
            store->action_delivered(a.action_id, member_of<Sheet>(r.body, "sheet", json::decode_sheet),
                                    member_of<Group>(r.body, "group", json::decode_group), cell_of(r.body));
            outbox_count = store->outbox_size();
            failures = 0;
            report_empty = true;
            answered();
            emit(SyncEvent::ActionDelivered);
            emit(SyncEvent::BoardChanged);
            continue;
          }
          if ((s == 400 || s == 404 || s == 409 || s == 413) && is_final_claim_error(s, r.body)) {
            store->action_lost(a.action_id, json::decode_error(r.body));
            // What the node said the sheet or group looks like now, so the screen shows it at once.
            const auto sheet = member_of<Sheet>(r.body, "sheet", json::decode_sheet);
            const auto group = member_of<Group>(r.body, "group", json::decode_group);
            if (sheet || group) {
              Changes ch;
              if (sheet) ch.lightning.push_back(*sheet);
              if (group) ch.groups.push_back(*group);
              ch.seq = 0;
              ch.announcement = store->announcement();
              store->apply_changes(ch);
            }
            outbox_count = store->outbox_size();
            failures = 0;
            report_empty = true;
            answered();
            emit(SyncEvent::ActionLost);
            emit(SyncEvent::BoardChanged);
            continue;
          }
          if (!handle_retry(r, generation, failures, tried, rng)) break;
          continue;
        }
        const Claim& claim = pending.front().claim;
        store->note_attempt(claim.claim_id);
        const std::uint64_t generation = target(*outbox_http, outbox_generation);
        set_heartbeat(*outbox_http);
        const HttpResponse r = outbox_http->post("/api/v1/claims", claim_body(claim));
        if (r.cancelled) {
          if (!resume_after_cancel(*outbox_http)) break;
          continue;  // sent again (same claim_id) to the node in use: a replay if it was committed
        }
        if (!is_node_failure(r)) tried = 0;
        const int s = r.status;
        if (s == 200 || s == 201) {
          if (const auto cell = cell_of(r.body)) {
            store->claim_delivered(claim.claim_id, *cell);
            outbox_count = store->outbox_size();
            failures = 0;
            report_empty = true;
            answered();
            emit(SyncEvent::ClaimDelivered);
            emit(SyncEvent::BoardChanged);
            continue;
          }
          ++failures;
          failed("The node accepted a claim but its answer had no cell.");
          if (!wait_for(backoff_ms(failures, rng), true)) break;
          continue;
        }
        if ((s == 400 || s == 404 || s == 409 || s == 413) && !is_final_claim_error(s, r.body)) {
          // Not the node's answer (an HTML page from a captive portal or a proxy, a wrong node
          // path): the claim stays pending ("Sending…") and is retried with backoff.
          ++failures;
          failed("The node's address answered " + std::to_string(s) +
                 " with something that is not the node's answer (a wrong node address, a captive portal or a proxy).");
          if (!wait_for(backoff_ms(failures, rng), true)) break;
          continue;
        }
        if (s == 400 || s == 404 || s == 409 || s == 413) {
          // A final answer: this claim will never be accepted. Keep it, with the node's reason.
          const Error e = json::decode_error(r.body);
          store->claim_lost(claim.claim_id, e, cell_of(r.body));
          outbox_count = store->outbox_size();
          failures = 0;
          report_empty = true;
          answered();
          emit(SyncEvent::ClaimLost);
          emit(SyncEvent::BoardChanged);
          continue;
        }
        if (!handle_retry(r, generation, failures, tried, rng)) break;
      } catch (const std::exception& e) {
        ++failures;
        failed(std::string("The kiosk's replica failed: ") + e.what() + ".");
        if (!wait_for(opt.backoff_max_ms, false)) break;
      }
    }
  }

  // A non-final answer to an outbox request (429, 401/403, not the node's answer, 5xx, no
  // connection): waits as the answer asks. False when the worker is stopping.
  bool handle_retry(const HttpResponse& r, std::uint64_t generation, int& failures, int& tried, std::mt19937& rng) {
    const int s = r.status;
    {
        if (s == 400 || s == 404 || s == 409 || s == 413) {
          ++failures;
          failed("The node's address answered " + std::to_string(s) +
                 " with something that is not the node's answer (a wrong node address, a captive portal or a proxy).");
          return wait_for(backoff_ms(failures, rng), true);
        }
        if (s == 429) {
          // The node asked us to slow down: wait exactly that long; a tap does not cut it short.
          answered();
          const int wait_s = r.retry_after_s >= 0 ? r.retry_after_s : 1;
          {
            std::lock_guard lock(status_mutex);
            st.last_error = "The node asked this kiosk to wait " + std::to_string(wait_s) + " s before the next claim.";
          }
          return wait_for(std::max(wait_s, 1) * 1000, false);
        }
        if (s == 401 || s == 403) {
          answered();
          {
            std::lock_guard lock(status_mutex);
            st.last_error = "The node refused this kiosk's token; check [kiosk].token in its configuration.";
          }
          return wait_for(opt.backoff_max_ms, true);
        }
        // 5xx, transport failure or anything unexpected: keep the claim and try again later,
        // on the next node at once when there is one not tried in this round.
        if (is_node_failure(r) && move_on(generation, tried, false)) {
          note_error(describe_failure(r, outbox_http->base_url()));
          return !is_stopping();
        }
        ++failures;
        failed(describe_failure(r, outbox_http->base_url()));
        return wait_for(backoff_ms(failures, rng), true);
    }
  }
};

// [SECTION] Lifecycle

SyncWorker::SyncWorker(SyncOptions options, std::function<void(SyncEvent)> notify) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->notify = std::move(notify);
  HttpOptions http;
  http.ca_file = impl_->opt.ca_file;
  http.headers["Authorization"] = "Bearer " + impl_->opt.token;
  http.headers["X-Kiosk-Version"] = impl_->opt.version;
  http.headers["X-Kiosk-Outbox"] = "0";
  impl_->nodes = impl_->opt.nodes;
  if (impl_->nodes.empty()) impl_->nodes.push_back(impl_->opt.node_url);
  for (std::string& url : impl_->nodes)  // as HttpClient keeps them, so a move is seen as one
    while (!url.empty() && url.back() == '/') url.pop_back();
  impl_->board_http = std::make_unique<HttpClient>(impl_->nodes.front(), http);
  impl_->outbox_http = std::make_unique<HttpClient>(impl_->nodes.front(), http);
  // Until the node has answered once the kiosk is offline, and says so from its first frame:
  // "Reconnecting" is only for the first seconds after a working connection dropped. Since when
  // is not known (offline_since stays 0) until a connection that worked is lost.
  impl_->st.state = ConnectionState::Offline;
}

SyncWorker::~SyncWorker() { stop(); }

void SyncWorker::start() {
  if (impl_->board_thread.joinable() || impl_->outbox_thread.joinable()) return;
  {
    std::lock_guard lock(impl_->wait_mutex);
    impl_->stopping = false;
  }
  impl_->board_http->reset_cancel();
  impl_->outbox_http->reset_cancel();
  impl_->board_thread = std::thread([this] { impl_->board_loop(); });
  impl_->outbox_thread = std::thread([this] { impl_->outbox_loop(); });
}

void SyncWorker::stop() {
  {
    std::lock_guard lock(impl_->wait_mutex);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->board_http->cancel();  // a held long-poll returns within ~100 ms
  impl_->outbox_http->cancel();
  if (impl_->board_thread.joinable()) impl_->board_thread.join();
  if (impl_->outbox_thread.joinable()) impl_->outbox_thread.join();
}

void SyncWorker::kick() { impl_->kick(); }

SyncStatus SyncWorker::status() const {
  SyncStatus s;
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard lock(impl_->status_mutex);
    s = impl_->st;
    s.state = impl_->effective_state_locked(now);
  }
  s.outbox = impl_->outbox_count.load();
  s.node_url = impl_->node_in_use().url;
  const std::int64_t last = impl_->last_sync_ms.load();
  if (last > 0) {
    s.last_sync = std::chrono::system_clock::time_point(std::chrono::milliseconds(last));
    s.lag_ms = std::max<long long>(0, now_ms() - last);
  }
  return s;
}

}  // namespace osb
