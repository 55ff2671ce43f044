// SyncWorker against the REAL openspace-node over 127.0.0.1 (tests/support/node_harness.hpp),
// real replica files in a temp folder, real libcurl. Every wait is a condition with a deadline.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "codec/codec.hpp"
#include "support/fault_proxy.hpp"
#include "support/node_harness.hpp"
#include "support/temp_dir.hpp"
#include "sync_support.hpp"

using namespace osb;
using namespace osb::test;
using namespace std::chrono_literals;

namespace {

SyncOptions options_for(NodeHarness& node, const std::string& replica, const std::string& kiosk = "room-a") {
  SyncOptions o;
  o.node_url = node.url();
  o.token = node.token(kiosk);
  o.kiosk_id = kiosk;
  o.replica_path = replica;
  o.version = "9.9.9-test";
  o.backoff_min_ms = 20;
  o.backoff_max_ms = 300;
  o.offline_after_ms = 300;
  return o;
}

// Tomorrow: no slot of it is past, whatever the time of day the tests run.
std::string tomorrow() { return local_day(1); }

bool online(const SyncWorker& w) { return w.status().state == ConnectionState::Online; }

// The node's cells holding `claim_id`.
int cells_with_claim(NodeHarness& node, const std::string& claim_id) {
  const auto board = node.get("/api/v1/board").json();
  int n = 0;
  for (const auto& c : board["cells"]) n += c.value("claim_id", "") == claim_id;
  return n;
}

std::vector<nlohmann::json> archive_of(NodeHarness& node, const std::string& day, const std::string& claim_id) {
  const auto r = node.get("/api/v1/archive?day=" + day, node.staff_token());
  REQUIRE(r.status == 200);
  const auto body = r.json();  // kept alive: iterating a temporary's member would dangle
  std::vector<nlohmann::json> out;
  for (const auto& a : body["claims"])
    if (a.value("claim_id", "") == claim_id) out.push_back(a);
  return out;
}

// A kiosk that has seen the board once; then the node dies (kill -9).
void learn_board_then_kill(NodeHarness& node, const std::string& replica) {
  {
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    ReplicaStore reader(replica);
    REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  }
  node.kill9();
}

}  // namespace

TEST_CASE("a claim made on the node appears in the kiosk's replica") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  EventLog events;
  SyncWorker w(options_for(node, replica), events.callback());
  w.start();
  ReplicaStore reader(replica);
  REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  CHECK(reader.epoch() == node.get("/api/v1/board").json()["epoch"].get<std::string>());

  const auto r = node.post("/api/v1/claims", NodeHarness::claim_body("claim-remote-1", tomorrow(), "B", "11:00"),
                           node.token("hallway-1"));
  REQUIRE(r.status == 201);
  const std::int64_t seq = r.json()["seq"].get<std::int64_t>();
  REQUIRE(wait_until([&] {
    const auto c = reader.cell({tomorrow(), "B", "11:00"});
    return c && c->claim_id == "claim-remote-1";
  }));
  CHECK(reader.cell({tomorrow(), "B", "11:00"})->state == CellState::Claimed);
  CHECK(reader.seq() >= seq);
  CHECK(events.count(SyncEvent::BoardChanged) >= 2);  // the first board, then the change
  CHECK(w.status().lag_ms >= 0);
}

TEST_CASE("a claim made while the node is down survives a kiosk restart and is delivered exactly once") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  const Claim claim{"claim-offline-1", tomorrow(), "A", "10:00", "Offline BoF", "Kim", ""};
  {
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    ReplicaStore reader(replica);
    REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  }
  node.kill9();
  {
    // The kiosk keeps working: the claim is taken on the screen and goes into the outbox.
    ReplicaStore ui(replica);
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    REQUIRE_FALSE(ui.enqueue_claim(claim));
    w.kick();
    REQUIRE(wait_until([&] { return w.status().state == ConnectionState::Offline; }));
    CHECK(wait_until([&] { return w.status().outbox == 1; }));
  }  // the kiosk "restarts": worker and store are gone
  {
    ReplicaStore reopened(replica);
    REQUIRE(reopened.outbox_size() == 1);
    CHECK(reopened.outbox()[0].claim.claim_id == "claim-offline-1");
  }
  node.restart();
  EventLog events;
  SyncWorker w(options_for(node, replica), events.callback());
  w.start();
  ReplicaStore reader(replica);
  REQUIRE(wait_until([&] { return reader.outbox_size() == 0 && events.count(SyncEvent::ClaimDelivered) == 1; }));
  CHECK(cells_with_claim(node, "claim-offline-1") == 1);
  CHECK(archive_of(node, tomorrow(), "claim-offline-1").empty());
  const auto c = reader.cell({tomorrow(), "A", "10:00"});
  REQUIRE(c);
  CHECK(c->claim_id == "claim-offline-1");
  CHECK(reader.lost_claims().empty());
  CHECK(events.count(SyncEvent::ClaimLost) == 0);
}

TEST_CASE("a lightning sign-up, a group and a join made while the node is down are delivered exactly once when it is back") {
  NodeOptions o;
  o.extra_event_toml = "\n[[lightning]]\nstart = \"23:30\"\ntalks = 2\nminutes = 5\n";
  NodeHarness node(o);
  TempDir d;
  const std::string replica = d.file("replica.db");
  learn_board_then_kill(node, replica);
  {
    ReplicaStore ui(replica);
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    PendingAction s;
    s.kind = ActionKind::Signup;
    s.action_id = "talk-offline-1";
    s.signup = LightningSignup{"", tomorrow(), "23:30", "Offline talk", "Kim", 0};
    REQUIRE_FALSE(ui.enqueue_action(s));
    PendingAction g;
    g.kind = ActionKind::Group;
    g.action_id = "group-offline-1";
    g.group.day = tomorrow();
    g.group.time = "19:30";
    g.group.title = "Dinner";
    g.group.where = "Entrance";
    g.group.seats = 4;
    g.group.host = "Kim";
    REQUIRE_FALSE(ui.enqueue_action(g));
    PendingAction j;
    j.kind = ActionKind::Join;
    j.action_id = "join-offline-1";
    j.target = "group-offline-1";
    REQUIRE_FALSE(ui.enqueue_action(j));
    w.kick();
    REQUIRE(wait_until([&] { return w.status().state == ConnectionState::Offline && w.status().outbox == 3; }));
  }  // the kiosk restarts while the node is still down
  node.restart();
  EventLog events;
  SyncWorker w(options_for(node, replica), events.callback());
  w.start();
  ReplicaStore reader(replica);
  REQUIRE(wait_until([&] { return reader.actions_size() == 0 && events.count(SyncEvent::ActionDelivered) == 3; }));
  const auto board = node.get("/api/v1/board").json();
  int signups = 0;
  for (const auto& sh : board["lightning"]) signups += static_cast<int>(sh["signups"].size());
  CHECK(signups == 1);
  REQUIRE(board["groups"].size() == 1);
  CHECK(board["groups"][0]["joined"] == 1);
  CHECK(reader.lost_actions().empty());
  // The replica shows what the node has, with no second copy of anything.
  REQUIRE(wait_until([&] {
    const auto sheets = reader.sheets();
    const auto groups = reader.groups();
    int n = 0;
    for (const auto& sh : sheets) n += static_cast<int>(sh.signups.size());
    return n == 1 && groups.size() == 1 && groups[0].joined == 1;
  }));
}

TEST_CASE("a sign-up refused because the sheet filled up meanwhile ends in the lost actions, told once") {
  NodeOptions o;
  o.extra_event_toml = "\n[[lightning]]\nstart = \"23:30\"\ntalks = 1\nminutes = 5\n";
  NodeHarness node(o);
  TempDir d;
  const std::string replica = d.file("replica.db");
  learn_board_then_kill(node, replica);
  ReplicaStore ui(replica);
  PendingAction s;
  s.kind = ActionKind::Signup;
  s.action_id = "talk-late-1";
  s.signup = LightningSignup{"", tomorrow(), "23:30", "Late talk", "Kim", 0};
  REQUIRE_FALSE(ui.enqueue_action(s));
  node.restart();
  const std::string other = nlohmann::json{{"signup_id", "talk-first-1"}, {"day", tomorrow()}, {"start", "23:30"},
                                           {"title", "First"}, {"speaker", "Ana"}}.dump();
  REQUIRE(node.post("/api/v1/lightning", other, node.token("room-b")).status == 201);
  EventLog events;
  SyncWorker w(options_for(node, replica), events.callback());
  w.start();
  REQUIRE(wait_until([&] { return events.count(SyncEvent::ActionLost) == 1; }));
  const auto lost = ui.lost_actions();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].error.code == "full");
  CHECK(lost[0].action.signup.title == "Late talk");
  CHECK(ui.actions_size() == 0);
  const auto archive = node.get("/api/v1/archive?day=" + tomorrow(), node.staff_token()).json();
  REQUIRE(archive["signups"].size() == 1);
  CHECK(archive["signups"][0]["signup_id"] == "talk-late-1");
}

TEST_CASE("a claim whose cell was taken meanwhile ends in lost_claims and in the node's archive as lost") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  {
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    ReplicaStore reader(replica);
    REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  }
  // This kiosk is cut off; its claim waits in the outbox while another kiosk takes the cell.
  ReplicaStore ui(replica);
  REQUIRE_FALSE(ui.enqueue_claim(Claim{"claim-loser-1", tomorrow(), "C", "14:00", "Late BoF", "Lee", ""}));
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-winner-1", tomorrow(), "C", "14:00"),
                    node.token("hallway-1"))
              .status == 201);

  EventLog events;
  SyncWorker w(options_for(node, replica), events.callback());
  w.start();
  REQUIRE(wait_until([&] { return events.count(SyncEvent::ClaimLost) == 1; }));
  const auto lost = ui.lost_claims();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].claim.claim_id == "claim-loser-1");
  CHECK(lost[0].error.code == "taken");
  CHECK_FALSE(lost[0].error.message.empty());
  REQUIRE(lost[0].cell);
  CHECK(lost[0].cell->claim_id == "claim-winner-1");
  CHECK(ui.outbox_size() == 0);
  CHECK(ui.cell({tomorrow(), "C", "14:00"})->claim_id == "claim-winner-1");

  const auto archived = archive_of(node, tomorrow(), "claim-loser-1");
  REQUIRE(archived.size() == 1);
  CHECK(archived[0]["reason"] == "lost");
  CHECK(cells_with_claim(node, "claim-loser-1") == 0);
}

TEST_CASE("a replaced node database makes the replica reload the whole board") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  SyncWorker w(options_for(node, replica), nullptr);
  w.start();
  ReplicaStore reader(replica);
  REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-before-1", tomorrow(), "A", "11:00"),
                    node.token("hallway-1"))
              .status == 201);
  REQUIRE(wait_until([&] { return reader.cell({tomorrow(), "A", "11:00"})->state == CellState::Claimed; }));
  const std::string old_epoch = reader.epoch();

  node.replace_database();
  const std::string new_epoch = node.get("/api/v1/board").json()["epoch"].get<std::string>();
  REQUIRE(new_epoch != old_epoch);
  REQUIRE(wait_until([&] { return reader.epoch() == new_epoch; }));
  CHECK(reader.cell({tomorrow(), "A", "11:00"})->state == CellState::Open);  // the old cell is gone
  CHECK(reader.seq() == node.get("/api/v1/board").json()["seq"].get<std::int64_t>());
  CHECK(wait_until([&] { return online(w); }));
}

TEST_CASE("stop() returns within 1 s while the worker holds a long-poll on the node") {
  NodeHarness node;
  TempDir d;
  SyncWorker w(options_for(node, d.file("replica.db")), nullptr);
  w.start();
  REQUIRE(wait_until([&] { return node.metric("openspace_long_polls_held") >= 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 1s);
  MESSAGE("stop() took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
}

TEST_CASE("the status goes Offline when the node is killed and back Online when it returns") {
  NodeHarness node;
  TempDir d;
  EventLog events;
  SyncWorker w(options_for(node, d.file("replica.db")), events.callback());
  w.start();
  REQUIRE(wait_until([&] { return online(w); }));
  const auto before = std::chrono::system_clock::now();
  node.kill9();
  REQUIRE(wait_until([&] { return w.status().state != ConnectionState::Online; }));
  REQUIRE(wait_until([&] { return w.status().state == ConnectionState::Offline; }));
  const SyncStatus down = w.status();
  CHECK(down.offline_since >= before - 1s);
  CHECK_FALSE(down.last_error.empty());
  const int changes_while_down = events.count(SyncEvent::StatusChanged);
  node.restart();
  REQUIRE(wait_until([&] { return online(w); }));
  CHECK(events.count(SyncEvent::StatusChanged) > changes_while_down);
  CHECK(w.status().lag_ms >= 0);
}

TEST_CASE("the heartbeat headers reach GET /api/v1/kiosks") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  SyncWorker w(options_for(node, replica, "room-b"), nullptr);
  w.start();
  ReplicaStore ui(replica);
  REQUIRE(wait_until([&] { return online(w) && ui.has_board(); }));
  REQUIRE_FALSE(ui.enqueue_claim(Claim{"claim-beat-01", tomorrow(), "B", "14:00", "Heartbeats", "Sam", ""}));
  w.kick();
  REQUIRE(wait_until([&] { return ui.outbox_size() == 0; }));
  const std::string staff = node.staff_token();
  nlohmann::json row;
  REQUIRE(wait_until([&] {
    const auto kiosks = node.get("/api/v1/kiosks", staff).json();
    for (const auto& k : kiosks["kiosks"])
      if (k["id"] == "room-b") row = k;
    return !row.is_null() && !row["last_seen"].is_null() && row["version"] == "9.9.9-test" && row["outbox"] == 0;
  }));
  CHECK(row["lag_ms"].get<long long>() >= 0);
  CHECK(row["lag_ms"].get<long long>() < 60000);
}

namespace {

// Staff changes (announcements) until the node's seq is `target`.
void advance_to(NodeHarness& node, std::int64_t target) {
  std::int64_t seq = node.get("/api/v1/board").json()["seq"].get<std::int64_t>();
  REQUIRE(seq <= target);
  while (seq < target) {
    const auto r = node.put("/api/v1/announcement", nlohmann::json{{"text", "Note " + std::to_string(seq)}}.dump(), node.staff_token());
    REQUIRE(r.status == 200);
    seq = r.json()["seq"].get<std::int64_t>();
  }
}

// The cells of a board as comparable text: key, state, claim, title, host, label.
std::vector<std::string> cell_lines(const nlohmann::json& cells) {
  std::vector<std::string> out;
  for (const auto& c : cells)
    out.push_back(c["day"].get<std::string>() + " " + c["room"].get<std::string>() + " " + c["start"].get<std::string>() + " " +
                  c["state"].get<std::string>() + " " + c.value("claim_id", "") + " " + c.value("title", "") + " " +
                  c.value("host", "") + " " + c.value("label", ""));
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("a kiosk offline while the node is restored from an older backup gets 410, reloads, and ends equal to the node") {
  NodeHarness node;
  FaultProxy link(node.port());  // the kiosk's network: Drop = offline
  TempDir d;
  const std::string replica = d.file("replica.db");
  const std::string day = tomorrow();
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-kept-1", day, "A", "10:00"), node.token("hallway-1")).status == 201);
  advance_to(node, 100);
  const auto [backup_rc, backup_out] = node_cli("backup --config '" + node.config_path() + "'");
  REQUIRE(backup_rc == 0);
  const std::string backup = backup_out.substr(0, backup_out.find('\n'));

  // After the backup: a claim the restored node will not have, then up to seq 120.
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-gone-1", day, "C", "10:00"), node.token("hallway-1")).status == 201);
  advance_to(node, 120);
  const std::string old_epoch = node.get("/api/v1/board").json()["epoch"].get<std::string>();
  SyncOptions o = options_for(node, replica);
  o.node_url = link.url();
  SyncWorker w(o, nullptr);
  w.start();
  ReplicaStore reader(replica);
  REQUIRE(wait_until([&] { return reader.has_board() && reader.seq() == 120 && online(w); }));
  REQUIRE(reader.cell({day, "C", "10:00"})->state == CellState::Claimed);

  // The kiosk loses the network at seq 120; meanwhile the node fails and is restored from the
  // backup (deploy.md: stop, drop the WAL, copy) and passes 120 again with other changes.
  link.set_mode(FaultProxy::Mode::Drop);
  link.kill_all();
  REQUIRE(wait_until([&] { return !online(w); }));
  REQUIRE(node.stop() == 0);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(node.db_path() + suffix);
  std::filesystem::copy_file(backup, node.db_path(), std::filesystem::copy_options::overwrite_existing);
  node.restart();
  REQUIRE(node.post("/api/v1/claims", NodeHarness::claim_body("claim-new-1", day, "B", "11:00"), node.token("hallway-1")).status == 201);
  advance_to(node, 125);
  const auto board = node.get("/api/v1/board").json();
  CHECK(board["epoch"].get<std::string>() != old_epoch);

  // The kiosk is back: told 410, it reloads the whole board.
  link.set_mode(FaultProxy::Mode::Pass);
  CHECK(wait_until([&] { return reader.epoch() == board["epoch"].get<std::string>() && reader.seq() == 125; }, 10s));
  w.stop();
  CHECK(node.log().find("GET /api/v1/changes 410") != std::string::npos);
  CHECK(reader.cell({day, "C", "10:00"})->state == CellState::Open);
  CHECK(reader.cell({day, "B", "11:00"})->claim_id == "claim-new-1");
  nlohmann::json replica_cells = nlohmann::json::array();
  for (const auto& c : reader.board().cells) replica_cells.push_back(json::encode(c));
  CHECK(cell_lines(replica_cells) == cell_lines(board["cells"]));
  CHECK(reader.announcement().value_or(Announcement{}).text == board["announcement"]["text"].get<std::string>());
}

// [SECTION] Several nodes (contract §4.4: nodes = [...])

namespace {
// How often `what` occurs in `text` (request log lines).
int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}
}  // namespace

TEST_CASE("nodes = [a dead URL, the live node]: the worker moves on, goes Online there and delivers a claim exactly once") {
  NodeHarness node;
  TempDir d;
  const std::string replica = d.file("replica.db");
  const std::string dead = "http://127.0.0.1:1";  // nothing listens on port 1: connection refused
  {
    // A claim waits in the outbox before the worker starts: its first attempt goes to the dead node.
    ReplicaStore ui(replica);
    REQUIRE_FALSE(ui.enqueue_claim(Claim{"claim-nodes-01", tomorrow(), "A", "10:00", "Failover BoF", "Kim", ""}));
  }
  SyncOptions o = options_for(node, replica);
  o.node_url.clear();
  o.nodes = {dead, node.url()};
  EventLog events;
  SyncWorker w(o, events.callback());
  CHECK(w.status().node_url == dead);  // the first, until it fails
  w.start();
  ReplicaStore reader(replica);
  REQUIRE(wait_until([&] {
    return online(w) && reader.has_board() && reader.outbox_size() == 0 && events.count(SyncEvent::ClaimDelivered) == 1;
  }));
  CHECK(w.status().node_url == node.url());
  CHECK(cells_with_claim(node, "claim-nodes-01") == 1);
  CHECK(reader.cell({tomorrow(), "A", "10:00"})->claim_id == "claim-nodes-01");

  // It stays there: a long-poll is held on the live node, and a new claim goes out at once.
  REQUIRE(wait_until([&] { return node.metric("openspace_long_polls_held") >= 1; }));
  REQUIRE_FALSE(reader.enqueue_claim(Claim{"claim-nodes-02", tomorrow(), "B", "11:00", "Second BoF", "Lee", ""}));
  w.kick();
  REQUIRE(wait_until([&] { return reader.outbox_size() == 0 && events.count(SyncEvent::ClaimDelivered) == 2; }));
  CHECK(cells_with_claim(node, "claim-nodes-02") == 1);
  CHECK(w.status().node_url == node.url());
  CHECK(online(w));
  w.stop();
  const std::string log = node.log();
  CHECK(occurrences(log, "POST /api/v1/claims 201") == 2);  // each claim created once
  CHECK(occurrences(log, "POST /api/v1/claims 200") == 0);  // the dead node never had one to replay
  CHECK(archive_of(node, tomorrow(), "claim-nodes-01").empty());
  CHECK(reader.lost_claims().empty());
}

TEST_CASE("two URLs of one board: a claim whose answer timed out on the first is resent to the second and replayed, not doubled") {
  NodeHarness node;
  FaultProxy slow(node.port());  // "node A": the same board, behind a link that becomes very slow
  TempDir d;
  const std::string replica = d.file("replica.db");
  SyncOptions o = options_for(node, replica);
  o.nodes = {slow.url(), node.url()};
  EventLog events;
  SyncWorker w(o, events.callback());
  w.start();
  ReplicaStore ui(replica);
  REQUIRE(wait_until([&] { return online(w) && ui.has_board(); }));
  REQUIRE(wait_until([&] { return node.metric("openspace_long_polls_held") >= 1; }));
  CHECK(w.status().node_url == slow.url());

  // New connections to "A" now take 6 s per chunk each way: the claim reaches the node after 6 s
  // and is committed, but its answer would come after 12 s, past the client's 10 s timeout.
  slow.set_mode(FaultProxy::Mode::Delay, 6000);
  REQUIRE_FALSE(ui.enqueue_claim(Claim{"claim-replay-1", tomorrow(), "C", "11:00", "Exactly once", "Ana", ""}));
  w.kick();
  REQUIRE(wait_until([&] { return ui.outbox_size() == 0 && events.count(SyncEvent::ClaimDelivered) == 1; }, 25s));
  CHECK(w.status().node_url == node.url());
  CHECK(cells_with_claim(node, "claim-replay-1") == 1);
  // Both requests reached the node, in either order: one created the claim, the other was its replay.
  CHECK(wait_until([&] { return occurrences(node.log(), "POST /api/v1/claims 200") == 1; }, 10s));
  CHECK(occurrences(node.log(), "POST /api/v1/claims 201") == 1);
  CHECK(occurrences(node.log(), "POST /api/v1/claims 409") == 0);
  CHECK(ui.lost_claims().empty());
  CHECK(events.count(SyncEvent::ClaimLost) == 0);
  CHECK(archive_of(node, tomorrow(), "claim-replay-1").empty());
  CHECK(wait_until([&] { return online(w); }));
}

TEST_CASE("the node in use is killed: the worker moves to the next URL, reports it, reloads its board (410) and keeps working") {
  NodeHarness a;
  NodeHarness b;  // another database, so another epoch: the move ends in a 410 and a reload
  TempDir d;
  const std::string replica = d.file("replica.db");
  SyncOptions o = options_for(a, replica);
  o.nodes = {a.url(), b.url()};
  EventLog events;
  SyncWorker w(o, events.callback());
  w.start();
  ReplicaStore reader(replica);
  const std::string epoch_a = a.get("/api/v1/board").json()["epoch"].get<std::string>();
  const std::string epoch_b = b.get("/api/v1/board").json()["epoch"].get<std::string>();
  REQUIRE(epoch_a != epoch_b);
  REQUIRE(wait_until([&] { return online(w) && reader.has_board() && reader.epoch() == epoch_a; }));
  CHECK(w.status().node_url == a.url());
  REQUIRE(wait_until([&] { return a.metric("openspace_long_polls_held") >= 1; }));

  a.kill9();
  REQUIRE(wait_until([&] { return w.status().node_url == b.url() && reader.epoch() == epoch_b && online(w); }));
  CHECK(b.log().find("GET /api/v1/changes 410") != std::string::npos);  // since/epoch kept, then reloaded
  CHECK(b.log().find("GET /api/v1/board 200") != std::string::npos);

  // It keeps working there: a change on b reaches the replica, a claim made here reaches b.
  REQUIRE(b.post("/api/v1/claims", NodeHarness::claim_body("claim-on-b-1", tomorrow(), "B", "10:00"), b.token("hallway-1")).status == 201);
  REQUIRE(wait_until([&] {
    const auto c = reader.cell({tomorrow(), "B", "10:00"});
    return c && c->claim_id == "claim-on-b-1";
  }));
  REQUIRE_FALSE(reader.enqueue_claim(Claim{"claim-after-1", tomorrow(), "A", "14:00", "After the move", "Sam", ""}));
  w.kick();
  REQUIRE(wait_until([&] { return reader.outbox_size() == 0 && events.count(SyncEvent::ClaimDelivered) == 1; }));
  CHECK(cells_with_claim(b, "claim-after-1") == 1);
  CHECK(w.status().node_url == b.url());
  CHECK(online(w));
}
