// ReplicaStore on real files: the kiosk's copy of the board, its durable outbox and lost claims.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "store/replica_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

using namespace osb;
using namespace osb::test;

namespace {

// A board as the node would serve it for the sample event: every cell open at seq 1.
Board sample_board(std::string epoch = "epoch-one") {
  Board b;
  b.epoch = std::move(epoch);
  b.seq = 1;
  b.event = sample_event();
  for (const auto& day : b.event.days)
    for (const auto& slot : b.event.slots)
      for (const auto& room : b.event.rooms) {
        Cell c;
        c.day = day;
        c.room = room.id;
        c.start = format_hhmm(slot.start);
        c.end = format_hhmm(slot.end);
        c.seq = 1;
        b.cells.push_back(c);
      }
  return b;
}

Cell claimed_cell(const Claim& k, std::int64_t seq) {
  return Cell{k.day, k.room, k.start, "11:00", CellState::Claimed, k.title, k.host, k.description, k.claim_id, "", seq, 0, "", "", "", ""};
}

const Cell* find(const Board& b, const std::string& room, const std::string& start, const std::string& day = "2030-03-11") {
  for (const auto& c : b.cells)
    if (c.day == day && c.room == room && c.start == start) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("a new replica has no board, no outbox and no lost claims") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  CHECK_FALSE(r.has_board());
  CHECK(r.epoch().empty());
  CHECK(r.seq() == 0);
  CHECK(r.last_sync_at().empty());
  CHECK(r.outbox_size() == 0);
  CHECK(r.lost_claims().empty());
  CHECK(r.database().user_version() == kReplicaSchemaVersion);
}

TEST_CASE("replace_board stores the whole board and it reads back the same after reopening") {
  TempDir d;
  Board b = sample_board();
  b.announcement = Announcement{"Lunch is served on level 1.", "13:00"};
  b.cells[4] = claimed_cell(Claim{"claim-xyz1", b.cells[4].day, b.cells[4].room, b.cells[4].start, "Rust", "Ana", "Café ☕"}, 1);
  {
    ReplicaStore r(d.file("replica.db"));
    r.replace_board(b);
  }
  ReplicaStore r(d.file("replica.db"));
  CHECK(r.has_board());
  CHECK_FALSE(r.last_sync_at().empty());
  CHECK(r.last_sync_ms() > 0);
  const Board back = r.board();
  CHECK(back.epoch == "epoch-one");
  CHECK(back.seq == 1);
  CHECK(back.event.name == b.event.name);
  CHECK(back.event.days == b.event.days);
  REQUIRE(back.event.rooms.size() == 3);
  CHECK(back.event.rooms[0].where == "Level 2");
  REQUIRE(back.event.slots.size() == 3);
  CHECK(back.event.slots[2].start == 14 * 60);
  CHECK(back.cells.size() == b.cells.size());
  REQUIRE(back.announcement);
  CHECK(back.announcement->until == "13:00");
  const Cell* c = find(back, b.cells[4].room, b.cells[4].start, b.cells[4].day);
  REQUIRE(c);
  CHECK(*c == b.cells[4]);
}

TEST_CASE("replace_board drops cells and rooms the new board does not have") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  r.replace_board(sample_board());
  Board smaller = sample_board("epoch-two");
  smaller.event.rooms.pop_back();
  std::erase_if(smaller.cells, [](const Cell& c) { return c.room == "C"; });
  r.replace_board(smaller);
  const Board back = r.board();
  CHECK(back.epoch == "epoch-two");
  CHECK(back.event.rooms.size() == 2);
  CHECK(back.cells.size() == smaller.cells.size());
  CHECK_FALSE(find(back, "C", "10:00"));
}

TEST_CASE("apply_changes keeps a cell whose stored seq is newer and moves seq forward") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  r.replace_board(sample_board());
  const Claim k = sample_claim();
  Changes newer{"epoch-one", 5, {claimed_cell(k, 5)}, Announcement{"Hello.", ""}};
  r.apply_changes(newer);
  CHECK(r.seq() == 5);
  // A late, older change for the same cell (seq 3: it was open then) must not undo the claim.
  Cell older = claimed_cell(k, 3);
  older.state = CellState::Open;
  older.title = older.host = older.claim_id = "";
  r.apply_changes(Changes{"epoch-one", 4, {older}, std::nullopt});
  const Board b = r.board();
  const Cell* c = find(b, "A", "10:00");
  REQUIRE(c);
  CHECK(c->state == CellState::Claimed);
  CHECK(c->seq == 5);
  CHECK(b.seq == 5);              // seq never goes backwards
  CHECK_FALSE(b.announcement);    // the announcement is replaced by every batch (here: cleared)
}

TEST_CASE("enqueue_claim validates and writes nothing for an invalid claim") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  r.replace_board(sample_board());
  Claim bad = sample_claim();
  bad.title = "   ";
  const auto e = r.enqueue_claim(bad);
  REQUIRE(e);
  CHECK(e->code == "invalid");
  CHECK(e->message.find("title") != std::string::npos);
  CHECK(r.outbox_size() == 0);
}

TEST_CASE("enqueue_claim trims the text and refuses cells it knows are taken, blocked or unknown") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  Board b = sample_board();
  for (auto& c : b.cells) {
    if (c.day == "2030-03-11" && c.room == "B" && c.start == "10:00") c = claimed_cell(Claim{"claim-other", c.day, "B", "10:00", "T", "H", ""}, 1);
    if (c.day == "2030-03-11" && c.room == "C" && c.start == "10:00") {
      c.state = CellState::Blocked;
      c.label = "Keynote";
    }
  }
  r.replace_board(b);
  Claim k = sample_claim("claim-0001", "A");
  k.title = "  Packaging BoF\n";
  CHECK_FALSE(r.enqueue_claim(k));
  CHECK(r.outbox().at(0).claim.title == "Packaging BoF");
  CHECK_FALSE(r.enqueue_claim(k));  // the same claim again (double tap) is a no-op
  CHECK(r.outbox_size() == 1);
  CHECK(r.enqueue_claim(sample_claim("claim-0002", "A"))->code == "taken");  // a second pending claim for the cell
  CHECK(r.enqueue_claim(sample_claim("claim-0003", "B"))->code == "taken");
  CHECK(r.enqueue_claim(sample_claim("claim-0004", "C"))->code == "blocked");
  CHECK(r.enqueue_claim(sample_claim("claim-0005", "Z"))->code == "not_found");
  Claim other = sample_claim("claim-0001", "A", "11:00");
  CHECK(r.enqueue_claim(other)->code == "claim_id_reused");
  CHECK(r.outbox_size() == 1);
}

TEST_CASE("an outbox row survives closing and reopening the replica, oldest first") {
  TempDir d;
  {
    ReplicaStore r(d.file("replica.db"));
    r.replace_board(sample_board());
    REQUIRE_FALSE(r.enqueue_claim(sample_claim("claim-0001", "A", "10:00")));
    REQUIRE_FALSE(r.enqueue_claim(sample_claim("claim-0002", "B", "11:00")));
    REQUIRE_FALSE(r.enqueue_claim(sample_claim("claim-0003", "A", "14:00")));
    r.note_attempt("claim-0002");
  }
  // A second connection (another thread's, or the next run's) sees the committed rows.
  ReplicaStore r(d.file("replica.db"));
  const auto out = r.outbox();
  REQUIRE(out.size() == 3);
  CHECK(out[0].claim.claim_id == "claim-0001");
  CHECK(out[1].claim.claim_id == "claim-0002");
  CHECK(out[1].attempts == 1);
  CHECK(out[2].claim.claim_id == "claim-0003");
  CHECK_FALSE(out[0].created_at.empty());
}

TEST_CASE("the replica is opened with WAL and synchronous=FULL") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  Statement mode(r.database(), "PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.text(0) == "wal");
  Statement sync(r.database(), "PRAGMA synchronous");
  REQUIRE(sync.step());
  CHECK(sync.int64(0) == 2);  // FULL
}

TEST_CASE("claim_delivered removes the outbox row and stores the cell together") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  r.replace_board(sample_board());
  const Claim k = sample_claim();
  REQUIRE_FALSE(r.enqueue_claim(k));
  r.claim_delivered(k.claim_id, claimed_cell(k, 7));
  CHECK(r.outbox_size() == 0);
  const Board b = r.board();
  const Cell* c = find(b, "A", "10:00");
  REQUIRE(c);
  CHECK(c->state == CellState::Claimed);
  CHECK(c->claim_id == k.claim_id);
  CHECK(c->seq == 7);
  CHECK(b.seq == 1);  // the board's seq is the long-poll's to move: changes in between are not known yet
}

TEST_CASE("claim_lost moves the claim to the lost claims with the node's error and cell") {
  TempDir d;
  {
    ReplicaStore r(d.file("replica.db"));
    r.replace_board(sample_board());
    const Claim k = sample_claim();
    REQUIRE_FALSE(r.enqueue_claim(k));
    const Cell winner = claimed_cell(Claim{"claim-winner", k.day, k.room, k.start, "Rust", "Ana", ""}, 9);
    r.claim_lost(k.claim_id, Error{"taken", "This slot has just been claimed by someone else."}, winner);
    CHECK(r.outbox_size() == 0);
  }
  ReplicaStore r(d.file("replica.db"));
  auto lost = r.lost_claims();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].claim.claim_id == "claim-0001");
  CHECK(lost[0].claim.title == "Packaging BoF");
  CHECK(lost[0].error.code == "taken");
  REQUIRE(lost[0].cell);
  CHECK(lost[0].cell->claim_id == "claim-winner");
  CHECK(lost[0].cell->state == CellState::Claimed);
  CHECK_FALSE(lost[0].acknowledged);
  const Board b = r.board();
  CHECK(find(b, "A", "10:00")->claim_id == "claim-winner");  // the board shows who won

  r.acknowledge_lost("claim-0001");
  CHECK(r.lost_claims().empty());
  const auto all = r.lost_claims(false);
  REQUIRE(all.size() == 1);
  CHECK(all[0].acknowledged);
}

TEST_CASE("claim_lost without a cell keeps the board as it was") {
  TempDir d;
  ReplicaStore r(d.file("replica.db"));
  r.replace_board(sample_board());
  REQUIRE_FALSE(r.enqueue_claim(sample_claim()));
  r.claim_lost("claim-0001", Error{"invalid", "title is too long."}, std::nullopt);
  const auto lost = r.lost_claims();
  REQUIRE(lost.size() == 1);
  CHECK_FALSE(lost[0].cell);
  CHECK(find(r.board(), "A", "10:00")->state == CellState::Open);
}

TEST_CASE("a replica written by a newer schema is refused, not modified") {
  TempDir d;
  {
    Database db(d.file("replica.db"));
    db.set_user_version(kReplicaSchemaVersion + 1);
  }
  CHECK_THROWS_AS(ReplicaStore(d.file("replica.db")), StoreError);
  Database db(d.file("replica.db"));
  CHECK(db.user_version() == kReplicaSchemaVersion + 1);
}

TEST_CASE("two connections opening one brand-new replica at the same moment both succeed (the kiosk's UI and its worker)") {
  // SQLite answers "database is locked" without waiting while a new file turns to WAL, and to the
  // loser of the first write lock; the store tries again instead of failing the kiosk's start.
  TempDir d;
  int failures = 0;
  for (int i = 0; i < 150; ++i) {
    const std::string path = d.file("race-" + std::to_string(i) + ".db");
    std::atomic<int> ready{0};
    std::atomic<int> failed{0};
    auto open = [&] {
      ready.fetch_add(1);
      while (ready.load() < 2) {}  // both threads start their open together
      try {
        ReplicaStore r(path);
        if (r.has_board()) failed.fetch_add(1);  // a new replica has none
      } catch (const std::exception&) {
        failed.fetch_add(1);
      }
    };
    std::thread a(open), b(open);
    a.join();
    b.join();
    failures += failed.load();
  }
  CHECK(failures == 0);
}
