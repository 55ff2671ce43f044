// The failover test (contract §4.4): a real Patroni + etcd + PostgreSQL cluster on loopback
// (patroni_cluster.hpp), two real openspace-node processes over it, real kiosks (SyncWorkers
// with nodes = [A, B]) and 1,000 claims from one epoll thread (support/epoll_client.hpp). In the
// middle of the claims the primary's machine dies: kill -9 of its etcd member, its Patroni, its
// postmaster with every child, and its node. Clients retry the same claim_id at the other node
// until answered, as a kiosk does. Then:
//   (a) claims are answered again within 15 s of the kill;
//   (b) every acknowledged claim (201, or a 200 replay) is on the final board under its claim_id;
//   (c) no 409 is contradicted: that cell is held by another claim_id, the refused one is nowhere;
//   (d) seq is gap-free in the surviving database (changes and the counter row);
//   (e) the board's epoch is unchanged;
//   (f) every kiosk replica converges to the node's board.
// It prints one summary line ("failover: promoted in ...") that tests/bench/failover.sh collects.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "codec/codec.hpp"
#include "failover/patroni_cluster.hpp"
#include "store/replica_store.hpp"
#include "support/epoll_client.hpp"
#include "support/node_harness.hpp"
#include "support/temp_dir.hpp"
#include "sync/sync_worker.hpp"

using namespace osb;
using namespace osb::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRooms = 20;          // R01..R20 take the load; room K is the kiosks'
constexpr int kSlots = 40;          // 15-minute slots, 08:00 to 18:00
constexpr int kClaims = 1000;       // through the epoll client
constexpr int kContested = 200;     // cells with two claimants (so 800 cells get a claim)
constexpr int kWindow = 150;        // claims in flight at once
constexpr int kLoadTokens = 199;    // kiosk-1 .. kiosk-199 (30 attempts a minute each)
constexpr int kKioskClaimsBefore = 4;
constexpr int kKioskClaimsAfter = 4;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds limit) {
  const auto end = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() >= end) return pred();
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}
std::string slot_start(int i) { return hhmm(8 * 60 + 15 * i); }
std::string room_name(int r) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "R%02d", r + 1);
  return buf;
}

NodeOptions failover_options(const std::string& conninfo) {
  NodeOptions o;
  o.days = {local_day(1)};  // tomorrow: no slot is past whatever the time of day
  o.rooms.clear();
  for (int r = 0; r < kRooms; ++r) o.rooms.push_back(room_name(r));
  o.rooms.push_back("K");
  o.slots.clear();
  for (int i = 0; i < kSlots; ++i) o.slots.emplace_back(slot_start(i), hhmm(8 * 60 + 15 * (i + 1)));
  o.extra_kiosks = 200;
  o.event_name = "Failover Open Spaces";
  o.extra_node_toml = "\n[store]\npostgres = \"" + conninfo + "\"\n";
  return o;
}

// [SECTION] The claims sent through the epoll client, with a record of every attempt

struct Attempt {
  int node = 0;
  Clock::time_point sent, answered;
  int status = 0;
  std::string failure;
};

struct LoadClaim {
  std::string id;
  CellKey cell;
  std::string token;
  std::string body;
  int status = 0;      // the final answer: 201, 200, 409 (or something unexpected); 0 while unanswered
  std::string error;   // the contract's code of a final 4xx
  std::vector<Attempt> attempts;
  int node = 0;        // where the next attempt goes
  int failures = 0;    // attempts in a row without an answer
  bool started = false;
};

// Drives the claims: at most kWindow in flight, each retried at the other node after no answer,
// a 503 or a 429 (a kiosk's policy: the other node at once, then a capped backoff per round).
class ClaimLoad {
 public:
  ClaimLoad(std::vector<LoadClaim> claims, std::array<int, 2> ports) : claims_(std::move(claims)), ports_(ports) {}

  void step(std::chrono::milliseconds wait) {
    const auto now = Clock::now();
    for (std::size_t i = 0; i < retries_.size();) {
      if (retries_[i].first <= now) {
        const std::size_t idx = retries_[i].second;
        retries_[i] = retries_.back();
        retries_.pop_back();
        send(idx);
      } else {
        ++i;
      }
    }
    while (active_ < kWindow && next_ < claims_.size()) {
      claims_[next_].started = true;
      ++active_;
      send(next_++);
    }
    client_.run_once(wait);
  }

  bool done() const { return finals_ == claims_.size(); }
  std::size_t in_flight() const { return client_.in_flight(); }
  std::size_t finals() const { return finals_; }
  const std::vector<LoadClaim>& claims() const { return claims_; }
  int count_failures(const std::string& what) const {
    int n = 0;
    for (const auto& c : claims_)
      for (const auto& a : c.attempts) n += a.status == 0 && a.failure == what;
    return n;
  }
  std::map<int, int> attempt_statuses() const {
    std::map<int, int> out;
    for (const auto& c : claims_)
      for (const auto& a : c.attempts) ++out[a.status];
    return out;
  }
  int in_doubt = 0;  // 503s saying the database did not confirm a commit
  int busy = 0;      // 503 busy: the node's own caps, not the database

 private:
  void send(std::size_t idx) {
    LoadClaim& c = claims_[idx];
    const int node = c.node;
    c.attempts.push_back(Attempt{node, Clock::now(), {}, 0, ""});
    client_.request({ports_[static_cast<std::size_t>(node)], "POST", "/api/v1/claims", c.body, c.token}, 10s,
                    [this, idx](const EpollReply& r) { answered(idx, r); });
  }

  void answered(std::size_t idx, const EpollReply& r) {
    LoadClaim& c = claims_[idx];
    Attempt& a = c.attempts.back();
    a.answered = r.answered;
    a.status = r.status;
    a.failure = r.failure;
    if (r.status == 201 || r.status == 200 || (r.status >= 400 && r.status < 500 && r.status != 429)) {
      c.status = r.status;
      const auto j = nlohmann::json::parse(r.body, nullptr, false);
      if (j.is_object() && j.contains("error") && j["error"].is_string()) c.error = j["error"].get<std::string>();
      ++finals_;
      --active_;
      return;
    }
    if (r.status == 503 && r.body.find("did not confirm") != std::string::npos) ++in_doubt;
    if (r.status == 503 && r.body.find("\"busy\"") != std::string::npos) ++busy;
    ++c.failures;
    c.node = 1 - c.node;
    std::chrono::milliseconds delay{0};
    if (r.status == 429) {
      const std::string after = r.header("Retry-After");
      delay = std::chrono::seconds(after.empty() ? 1 : std::max(1, std::atoi(after.c_str())));
    } else if (c.failures % 2 == 0) {  // both nodes failed this round: back off
      const int base = std::min(1000, 100 << std::min(4, c.failures / 2 - 1));
      delay = std::chrono::milliseconds(base / 2 + static_cast<int>(rng_() % static_cast<unsigned>(base / 2 + 1)));
    }
    retries_.emplace_back(Clock::now() + delay, idx);
  }

  std::vector<LoadClaim> claims_;
  std::array<int, 2> ports_;
  EpollClient client_;
  std::vector<std::pair<Clock::time_point, std::size_t>> retries_;
  std::size_t next_ = 0;
  std::size_t finals_ = 0;
  int active_ = 0;
  std::mt19937 rng_{15};
};

// 1,000 claims over 800 cells: the 200 contested cells get two claimants, adjacent in the order
// (so sent at once, one to each node), from different tokens.
std::vector<LoadClaim> make_claims(const std::string& day, const std::map<std::string, std::string>& tokens) {
  std::vector<int> cells(kRooms * kSlots);
  for (int i = 0; i < kRooms * kSlots; ++i) cells[static_cast<std::size_t>(i)] = i;
  std::mt19937 rng(2024);
  std::shuffle(cells.begin(), cells.end(), rng);
  std::vector<LoadClaim> out;
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const int cell = cells[k];
    const CellKey key{day, room_name(cell / kSlots), slot_start(cell % kSlots)};
    for (int who = 0; who < (k < static_cast<std::size_t>(kContested) ? 2 : 1); ++who) {
      LoadClaim c;
      const int n = static_cast<int>(out.size());
      c.id = "load-" + std::to_string(n) + (who ? "-b" : "-a");
      c.cell = key;
      c.token = tokens.at("kiosk-" + std::to_string(n % kLoadTokens + 1));
      c.body = NodeHarness::claim_body(c.id, key.day, key.room, key.start, "Failover session " + std::to_string(n), "Load");
      c.node = n % 2;
      out.push_back(std::move(c));
    }
  }
  // Interleave: contested pairs spread over the whole run instead of all at the start.
  std::vector<LoadClaim> pairs(std::make_move_iterator(out.begin()), std::make_move_iterator(out.begin() + 2 * kContested));
  std::vector<LoadClaim> singles(std::make_move_iterator(out.begin() + 2 * kContested), std::make_move_iterator(out.end()));
  std::vector<LoadClaim> mixed;
  std::size_t p = 0, s = 0;
  while (p < pairs.size() || s < singles.size()) {
    if (p < pairs.size()) {
      mixed.push_back(std::move(pairs[p++]));
      mixed.push_back(std::move(pairs[p++]));
    }
    for (int k = 0; k < 3 && s < singles.size(); ++k) mixed.push_back(std::move(singles[s++]));
  }
  for (std::size_t i = 0; i < mixed.size(); ++i) mixed[i].node = static_cast<int>(i % 2);
  return mixed;
}

// [SECTION] Kiosks

struct Kiosk {
  std::string id;
  std::string replica;
  std::vector<std::string> claim_ids;
  std::unique_ptr<SyncWorker> worker;
};

SyncOptions kiosk_options(const std::vector<std::string>& nodes, const std::string& token, const std::string& id,
                          const std::string& replica) {
  SyncOptions o;
  o.nodes = nodes;
  o.token = token;
  o.kiosk_id = id;
  o.replica_path = replica;
  o.version = "9.9.9-failover";
  // Backoff and offline delays stay the kiosk's own defaults: how a real kiosk rides a failover.
  return o;
}

void enqueue(Kiosk& k, const std::string& claim_id, const std::string& day, int slot) {
  ReplicaStore ui(k.replica);
  const auto e = ui.enqueue_claim(Claim{claim_id, day, "K", slot_start(slot), "Kiosk session", "Kim", ""});
  REQUIRE_MESSAGE(!e, "the kiosk refused its own claim " << claim_id << ": " << (e ? e->message : ""));
  k.claim_ids.push_back(claim_id);
  k.worker->kick();
}

// "day room start state claim_id title host label seq" per cell, sorted.
std::vector<std::string> cell_lines(const nlohmann::json& cells) {
  std::vector<std::string> out;
  for (const auto& c : cells)
    out.push_back(c.value("day", "") + " " + c.value("room", "") + " " + c.value("start", "") + " " + c.value("state", "") + " " +
                  c.value("claim_id", "") + " " + c.value("title", "") + " " + c.value("host", "") + " " + c.value("label", "") +
                  " " + std::to_string(c.value("seq", 0LL)));
  std::sort(out.begin(), out.end());
  return out;
}
std::vector<std::string> replica_lines(const std::string& path) {
  ReplicaStore r(path);
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& c : r.board().cells) cells.push_back(json::encode(c));
  return cell_lines(cells);
}

// "201 x3, 503 x12" for the POST /api/v1/claims lines of `who` in a node's request log.
std::string claim_answers(const std::string& log, const std::string& who) {
  std::map<std::string, int> n;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("POST /api/v1/claims ", 0) != 0 || line.size() < who.size() + 1 ||
        line.compare(line.size() - who.size() - 1, std::string::npos, " " + who) != 0)
      continue;
    ++n[line.substr(20, line.find(' ', 20) - 20)];
  }
  std::string out;
  for (const auto& [status, count] : n) out += (out.empty() ? "" : ", ") + status + " x" + std::to_string(count);
  return out.empty() ? "none" : out;
}

// The last `n` lines of `text`.
std::string last_lines(const std::string& text, std::size_t n) {
  std::size_t at = text.size();
  for (std::size_t i = 0; i <= n && at > 0; ++i) {
    const auto nl = text.rfind('\n', at - 1);
    at = nl == std::string::npos ? 0 : nl;
  }
  return text.substr(at);
}

std::string key_of(const CellKey& k) { return k.day + " " + k.room + " " + k.start; }

}  // namespace

TEST_CASE("kill -9 of the primary machine during 1000 claims: answered again within 15 s and nothing acknowledged lost") {
  const auto run_start = Clock::now();
  PatroniCluster cluster;
  cluster.start();
  const double cluster_s = seconds(Clock::now() - run_start);
  const int a = cluster.primary();  // machine A: the one whose death is a real failover
  REQUIRE(a >= 0);
  const int b = 1 - a;
  const std::string settings = cluster.effective_settings();
  MESSAGE("cluster up in " << cluster_s << " s; Patroni in force: " << settings << "\n" << cluster.patronictl_list());
  CHECK(cluster.effective("loop_wait") == 1);
  pg_rows(cluster.conninfo("postgres"), "CREATE DATABASE osb");

  // Two nodes over the same board, each told of both PostgreSQL instances.
  const NodeOptions options = failover_options(cluster.conninfo("osb"));
  NodeHarness node_a(options);
  cluster.guard(node_a.pid());
  NodeHarness node_b(options);
  cluster.guard(node_b.pid());
  const std::string day = node_a.days().at(0);
  const auto board_before = node_b.get("/api/v1/board").json();
  REQUIRE(board_before.is_object());
  const std::string epoch = board_before["epoch"].get<std::string>();
  CHECK(node_a.get("/api/v1/board").json()["epoch"].get<std::string>() == epoch);

  // Kiosks: three claim through [A, B] or [B, A]; the fourth only long-polls (on A, until it dies).
  TempDir replicas;
  std::vector<Kiosk> kiosks(4);
  const std::vector<std::string> ab = {node_a.url(), node_b.url()}, ba = {node_b.url(), node_a.url()};
  const std::array<std::string, 4> ids = {"room-a", "room-b", "hallway-1", "kiosk-200"};
  for (std::size_t k = 0; k < kiosks.size(); ++k) {
    kiosks[k].id = ids[k];
    kiosks[k].replica = replicas.file(ids[k] + ".db");
    kiosks[k].worker = std::make_unique<SyncWorker>(
        kiosk_options(k == 1 ? ba : ab, node_a.token(ids[k]), ids[k], kiosks[k].replica), nullptr);
    kiosks[k].worker->start();
  }
  for (auto& k : kiosks) {
    ReplicaStore reader(k.replica);
    REQUIRE_MESSAGE(wait_until([&] { return k.worker->status().state == ConnectionState::Online && reader.has_board(); }, 20s),
                    k.id << " never got the board");
  }
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < kKioskClaimsBefore; ++i)
      enqueue(kiosks[static_cast<std::size_t>(k)], ids[static_cast<std::size_t>(k)] + "-before-" + std::to_string(i), day,
              k * 12 + i);

  // [SECTION] The load, and the machine's death in the middle of it
  ClaimLoad load(make_claims(day, node_a.tokens()), {node_a.port(), node_b.port()});
  const std::size_t total = load.claims().size();
  REQUIRE(total == static_cast<std::size_t>(kClaims));
  const bool etcd_leader_died = cluster.etcd_leader_is(a);
  Clock::time_point killed_at{};
  std::size_t in_flight_at_kill = 0;
  std::atomic<bool> watching{true};
  std::atomic<long long> promoted_ns{-1};
  std::thread watcher;  // polls Patroni B's /primary from the kill on
  struct Join {
    std::atomic<bool>& watching;
    std::thread& t;
    ~Join() {
      watching = false;
      if (t.joinable()) t.join();
    }
  } join_watcher{watching, watcher};
  const auto load_start = Clock::now();
  const auto load_deadline = load_start + 120s;
  while (!load.done() && Clock::now() < load_deadline) {
    load.step(10ms);
    if (killed_at == Clock::time_point{} && load.finals() >= total / 2) {
      in_flight_at_kill = load.in_flight();
      killed_at = cluster.kill_machine(a, {node_a.pid()});
      watcher = std::thread([&] {
        while (watching && promoted_ns < 0) {
          if (cluster.is_primary(b)) promoted_ns = (Clock::now() - killed_at).count();
          else std::this_thread::sleep_for(50ms);
        }
      });
      // Kiosk claims made during the outage; two kiosks take the same cell (one must lose it).
      for (int k = 0; k < 3; ++k)
        for (int i = 0; i < kKioskClaimsAfter; ++i)
          enqueue(kiosks[static_cast<std::size_t>(k)], ids[static_cast<std::size_t>(k)] + "-after-" + std::to_string(i), day,
                  k * 12 + kKioskClaimsBefore + i);
      enqueue(kiosks[0], "room-a-contested", day, kSlots - 1);
      enqueue(kiosks[1], "room-b-contested", day, kSlots - 1);
    }
  }
  const double load_s = seconds(Clock::now() - load_start);
  REQUIRE_MESSAGE(killed_at != Clock::time_point{}, "machine A was never killed");
  const pid_t pid_a = node_a.pid();
  node_a.kill9();  // already dead: collects its exit
  cluster.forget(pid_a);
  CHECK_MESSAGE(load.done(), "claims still unanswered after 120 s: " << total - load.finals());
  wait_until([&] { return promoted_ns >= 0; }, 30s);
  watching = false;
  if (watcher.joinable()) watcher.join();
  const double promoted_s = promoted_ns >= 0 ? static_cast<double>(promoted_ns) / 1e9 : -1;

  // (a) The first claim acknowledged after the kill, among attempts sent after it.
  double first_answer_s = -1;
  for (const auto& c : load.claims())
    for (const auto& at : c.attempts)
      if (at.sent >= killed_at && (at.status == 201 || at.status == 200)) {
        const double s = seconds(at.answered - killed_at);
        if (first_answer_s < 0 || s < first_answer_s) first_answer_s = s;
      }
  CHECK_MESSAGE(first_answer_s >= 0, "no claim was acknowledged after the kill");
  CHECK_MESSAGE(first_answer_s <= 15.0, "claims answered again only " << first_answer_s << " s after the kill");

  // The kiosks deliver what they had (or lose it to a claim that was first).
  for (int k = 0; k < 3; ++k) {
    Kiosk& kiosk = kiosks[static_cast<std::size_t>(k)];
    ReplicaStore reader(kiosk.replica);
    const bool sent = wait_until([&] { return reader.outbox_size() == 0; }, 40s);
    CHECK_MESSAGE(sent, kiosk.id << " still has " << reader.outbox_size() << " claims to send (" << kiosk.worker->status().last_error
                                 << "); its claims on A: " << claim_answers(node_a.log(), kiosk.id)
                                 << "; on B: " << claim_answers(node_b.log(), kiosk.id));
  }

  // [SECTION] The final board, from the surviving node
  const auto board = node_b.get("/api/v1/board").json();
  REQUIRE(board.is_object());
  std::map<std::string, nlohmann::json> cell_at;
  std::map<std::string, std::string> where;  // claim_id -> cell
  for (const auto& c : board["cells"]) {
    const std::string key = c["day"].get<std::string>() + " " + c["room"].get<std::string>() + " " + c["start"].get<std::string>();
    cell_at[key] = c;
    if (c.value("state", "") == "claimed") where[c.value("claim_id", "")] = key;
  }

  int acknowledged = 0, taken = 0, lost = 0, contradicted = 0, unexpected = 0, replays = 0;
  auto check_acknowledged = [&](const std::string& id, const std::string& key) {
    ++acknowledged;
    const auto it = cell_at.find(key);
    if (it == cell_at.end() || it->second.value("claim_id", "") != id || it->second.value("state", "") != "claimed") {
      ++lost;
      MESSAGE("acknowledged claim " << id << " for " << key << " is not on the board: "
                                    << (it == cell_at.end() ? "no such cell" : it->second.dump()));
    }
  };
  auto check_refused = [&](const std::string& id, const std::string& key) {
    ++taken;
    const auto it = cell_at.find(key);
    const bool held_by_other = it != cell_at.end() && it->second.value("state", "") == "claimed" &&
                               !it->second.value("claim_id", "").empty() && it->second.value("claim_id", "") != id;
    if (!held_by_other || where.count(id)) {
      ++contradicted;
      MESSAGE("409 for " << id << " at " << key << " is contradicted: the cell is "
                         << (it == cell_at.end() ? "missing" : it->second.dump())
                         << (where.count(id) ? ", and the claim is on the board at " + where[id] : std::string()));
    }
  };
  std::map<int, int> final_statuses;
  for (const auto& c : load.claims()) {
    ++final_statuses[c.status];
    if (c.status == 201 || c.status == 200) {
      replays += c.status == 200;
      check_acknowledged(c.id, key_of(c.cell));
    } else if (c.status == 409 && c.error == "taken") {
      check_refused(c.id, key_of(c.cell));
    } else {
      ++unexpected;
      MESSAGE("claim " << c.id << " ended with " << c.status << " " << c.error);
    }
  }
  int kiosk_lost = 0, kiosk_claims = 0;
  for (int k = 0; k < 3; ++k) {
    ReplicaStore reader(kiosks[static_cast<std::size_t>(k)].replica);
    std::map<std::string, LostClaim> refused;
    for (auto& l : reader.lost_claims(false)) refused[l.claim.claim_id] = l;
    for (const auto& id : kiosks[static_cast<std::size_t>(k)].claim_ids) {
      ++kiosk_claims;
      const std::string slot =
          id.find("contested") != std::string::npos
              ? slot_start(kSlots - 1)
              : slot_start(k * 12 + (id.find("-after-") != std::string::npos ? kKioskClaimsBefore : 0) + (id.back() - '0'));
      const std::string key = day + " K " + slot;
      if (const auto it = refused.find(id); it != refused.end()) {
        ++kiosk_lost;
        if (it->second.error.code == "taken") {
          check_refused(id, key);
        } else {
          ++unexpected;
          MESSAGE("kiosk claim " << id << " was refused with " << it->second.error.code);
        }
      } else {
        check_acknowledged(id, key);
      }
    }
  }
  CHECK(lost == 0);
  CHECK(contradicted == 0);
  CHECK(unexpected == 0);
  CHECK(kiosk_lost == 1);  // exactly one of the two kiosks that took the same cell
  // Every load cell has exactly one winner: a contested cell went to one of its two claimants.
  CHECK(acknowledged + taken == static_cast<int>(total) + kiosk_claims);
  CHECK(acknowledged == kRooms * kSlots + kiosk_claims - 1);

  // (d) seq is gap-free in the surviving database.
  const auto seqs = pg_rows(cluster.conninfo_of(b, "osb"), "SELECT count(*), min(seq), max(seq), (SELECT seq FROM counter) FROM changes");
  REQUIRE(seqs.size() == 1);
  const long long n_changes = std::stoll(seqs[0][0]), min_seq = std::stoll(seqs[0][1]), max_seq = std::stoll(seqs[0][2]),
                  counter = std::stoll(seqs[0][3]);
  const bool gap_free = n_changes == max_seq - min_seq + 1 && max_seq == counter;
  CHECK_MESSAGE(gap_free, "changes: " << n_changes << " rows, seq " << min_seq << ".." << max_seq << ", counter " << counter);
  CHECK(board["seq"].get<long long>() == counter);
  CHECK(n_changes >= acknowledged);

  // (e) The epoch is the board's, before and after.
  CHECK(board["epoch"].get<std::string>() == epoch);

  // (f) Every replica shows the node's board.
  const auto node_cells = cell_lines(board["cells"]);
  const auto converge_start = Clock::now();
  for (auto& k : kiosks)
    CHECK_MESSAGE(wait_until([&] { return replica_lines(k.replica) == node_cells; }, 30s), k.id << " did not converge");
  const double converged_s = seconds(Clock::now() - converge_start);
  CHECK(kiosks[3].worker->status().node_url == node_b.url());
  for (auto& k : kiosks) k.worker->stop();

  // What the surviving node logged about its database while it had none (the first of each kind).
  std::set<std::string> db_errors;
  int db_error_lines = 0;
  {
    std::istringstream log(node_b.log());
    for (std::string line; std::getline(log, line);)
      if (line.find("database error") != std::string::npos) {
        ++db_error_lines;
        if (db_errors.size() < 4) db_errors.insert(line.substr(0, 300));
      }
  }
  for (const auto& e : db_errors) MESSAGE("node B: " << e);
  for (int k = 0; k < 3; ++k)
    MESSAGE(ids[static_cast<std::size_t>(k)] << " claims answered by A: " << claim_answers(node_a.log(), ids[static_cast<std::size_t>(k)])
                                             << "; by B: " << claim_answers(node_b.log(), ids[static_cast<std::size_t>(k)]));
  if (lost || contradicted || unexpected || !gap_free)
    MESSAGE("the surviving machine's logs:\n" << cluster.log_tail(b, 60) << "--- node B (last lines)\n" << last_lines(node_b.log(), 60));

  const auto statuses = load.attempt_statuses();
  auto count = [&](int s) { return statuses.count(s) ? statuses.at(s) : 0; };
  int attempts = 0;
  for (const auto& [s, n] : statuses) attempts += n;
  std::printf("failover: promoted in %.1f s, first claim answered %.1f s after the kill, %d claims: %d acknowledged, %d taken, "
              "lost %d, contradicted %d, seq %lld..%lld %s\n",
              promoted_s, first_answer_s, static_cast<int>(total) + kiosk_claims, acknowledged, taken, lost, contradicted, min_seq,
              max_seq, gap_free ? "gap-free" : "WITH GAPS");
  std::printf("failover details: machine A was m%d (etcd leader: %s); Patroni %s; cluster up in %.1f s; load %.1f s, "
              "killed %.1f s into it with %zu claims in flight; %d attempts (no answer %d, 503 %d of which in doubt %d and busy %d, "
              "429 %d); %d replays; node B logged %d database errors; replicas converged %.1f s after; run %.1f s\n",
              a + 1, etcd_leader_died ? "yes" : "no", settings.c_str(), cluster_s, load_s, seconds(killed_at - load_start),
              in_flight_at_kill, attempts, count(0), count(503), load.in_doubt, load.busy, count(429), replays, db_error_lines,
              converged_s, seconds(Clock::now() - run_start));
  std::fflush(stdout);
}
