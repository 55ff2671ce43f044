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
  {
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    ReplicaStore reader(replica);
    REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  }
  node.kill9();
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
  {
    SyncWorker w(options_for(node, replica), nullptr);
    w.start();
    ReplicaStore reader(replica);
    REQUIRE(wait_until([&] { return online(w) && reader.has_board(); }));
  }
  node.kill9();
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
// Runs `openspace-node <args>`; returns its exit code and what it printed.
std::pair<int, std::string> node_cli(const std::string& args) {
  const std::string cmd = OPENSPACE_BINARY_DIR "/app/node/openspace-node " + args + " 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[1024];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

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
