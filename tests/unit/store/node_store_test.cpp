#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/node_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

using namespace osb;
using namespace osb::test;

// A new board's seed (every cell open at one seq, a 16-digit epoch) is in the store contract
// suite (board_store_contract_test.cpp), which runs on this store too.

TEST_CASE("a claim wins an open cell once, and the same claim again is an idempotent replay") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  const auto r = s.claim(sample_claim(), early());
  REQUIRE(r.outcome == ClaimOutcome::Created);
  CHECK(r.cell.state == CellState::Claimed);
  CHECK(r.cell.host == "José");
  CHECK(r.seq == 2);
  const auto again = s.claim(sample_claim(), early());
  CHECK(again.outcome == ClaimOutcome::Replayed);
  CHECK(again.cell == r.cell);
  CHECK(s.seq() == 2);  // a replay is not a change
}

TEST_CASE("conflicts: taken, claim_id reused, blocked, past, not found") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  REQUIRE(s.claim(sample_claim("first-claim"), early()).ok());
  auto taken = s.claim(sample_claim("second-claim"), early());
  CHECK(taken.outcome == ClaimOutcome::Taken);
  CHECK(taken.error.code == "taken");
  CHECK(taken.cell.claim_id == "first-claim");

  Claim changed = sample_claim("first-claim");
  changed.title = "Another title";
  CHECK(s.claim(changed, early()).outcome == ClaimOutcome::Reused);

  REQUIRE_FALSE(s.block({"2030-03-11", "B", "10:00"}, "Lightning talks").error);
  CHECK(s.claim(sample_claim("third-claim", "B"), early()).outcome == ClaimOutcome::Blocked);

  const LocalTime late{"2030-03-11", 11 * 60, 0};
  CHECK(s.claim(sample_claim("fourth-claim", "C"), late).outcome == ClaimOutcome::Past);
  CHECK(s.claim(sample_claim("fifth-claim", "C", "11:00"), late).ok());  // 11:00-12:00 runs now

  CHECK(s.claim(sample_claim("sixth-claim", "Z"), early()).outcome == ClaimOutcome::NotFound);
  CHECK(s.claim(sample_claim("seventh-claim", "A", "10:30"), early()).outcome == ClaimOutcome::NotFound);
  CHECK(s.claim(sample_claim("eighth-claim", "A", "10:00", "2031-01-01"), early()).outcome == ClaimOutcome::NotFound);

  // Losers are in the archive once each, so staff see who missed out.
  s.claim(sample_claim("second-claim"), early());
  const auto archive = s.archive("2030-03-11");
  int lost = 0;
  for (const auto& a : archive) lost += a.reason == "lost";
  CHECK(lost == 3);  // second-claim, third-claim, fourth-claim
}

TEST_CASE("invalid claims are refused before anything is written") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  Claim c = sample_claim();
  c.title = "   ";
  const auto r = s.claim(c, early());
  CHECK(r.outcome == ClaimOutcome::Invalid);
  CHECK(r.error.message == "title is empty.");
  CHECK(s.seq() == 1);
}

TEST_CASE("release opens the cell, archives the claim, and a replay then says removed") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  REQUIRE(s.claim(sample_claim(), early()).ok());
  const auto r = s.release("claim-0001");
  REQUIRE_FALSE(r.error);
  CHECK(r.cell.state == CellState::Open);
  CHECK(r.cell.title.empty());
  CHECK(s.release("claim-0001").error->code == "not_found");
  CHECK(s.claim(sample_claim(), early()).outcome == ClaimOutcome::Removed);
  const auto a = s.archive("2030-03-11");
  REQUIRE(a.size() == 1);
  CHECK(a[0].reason == "removed");
  CHECK(a[0].claim.title == "Packaging BoF");
}

TEST_CASE("reset of a day archives its claims, keeps blocks and other days") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  REQUIRE(s.claim(sample_claim("claim-a-10"), early()).ok());
  REQUIRE(s.claim(sample_claim("claim-b-10", "B"), early()).ok());
  REQUIRE(s.claim(sample_claim("claim-other-day", "A", "10:00", "2030-03-12"), early()).ok());
  REQUIRE_FALSE(s.block({"2030-03-11", "C", "10:00"}, "Keynote").error);
  CHECK(s.claimed_count("2030-03-11") == 2);
  const auto r = s.reset_day("2030-03-11");
  REQUIRE_FALSE(r.error);
  CHECK(r.archived == 2);
  CHECK(s.claimed_count("2030-03-11") == 0);
  CHECK(s.claimed_count("2030-03-12") == 1);
  CHECK(s.cell({"2030-03-11", "C", "10:00"})->state == CellState::Blocked);
  CHECK(s.reset_day("2030-03-11").archived == 0);
  CHECK(s.reset_day("2040-01-01").error->code == "not_found");
}

TEST_CASE("block and unblock: claimed cells cannot be blocked, open cells cannot be unblocked") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  REQUIRE(s.claim(sample_claim(), early()).ok());
  CHECK(s.block({"2030-03-11", "A", "10:00"}, "x").error->code == "taken");
  CHECK(s.unblock({"2030-03-11", "B", "10:00"}).error->code == "not_blocked");
  auto b = s.block({"2030-03-11", "B", "10:00"}, "  Lunch  ");
  REQUIRE_FALSE(b.error);
  CHECK(b.cell.label == "Lunch");
  CHECK(s.block({"2030-03-11", "B", "10:00"}, "Sponsor talk").cell.label == "Sponsor talk");  // relabel
  CHECK(s.block({"2030-03-11", "B", "10:00"}, "").error->code == "invalid");
  CHECK(s.unblock({"2030-03-11", "B", "10:00"}).cell.state == CellState::Open);
}

TEST_CASE("every change gets the next seq, and changes since N return each touched cell once, latest state") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  const std::int64_t start = s.seq();
  REQUIRE(s.claim(sample_claim("claim-0001"), early()).ok());
  REQUIRE_FALSE(s.block({"2030-03-11", "B", "10:00"}, "Lunch").error);
  REQUIRE_FALSE(s.release("claim-0001").error);
  REQUIRE_FALSE(s.set_announcement({"Dinner at 18:00", "18:00"}).error);
  CHECK(s.seq() == start + 4);
  const Changes ch = s.changes_since(start);
  CHECK(ch.seq == start + 4);
  REQUIRE(ch.cells.size() == 2);
  CHECK(ch.cells[0].room == "B");
  CHECK(ch.cells[1].room == "A");
  CHECK(ch.cells[1].state == CellState::Open);
  REQUIRE(ch.announcement);
  CHECK(ch.announcement->until == "18:00");
  CHECK(s.changes_since(start + 4).cells.empty());
  // Empty text clears the announcement.
  CHECK_FALSE(s.set_announcement({"", "18:00"}).announcement);
  CHECK_FALSE(s.announcement());
}

TEST_CASE("two threads on two connections racing for one cell: exactly one winner") {
  TempDir d;
  const std::string path = d.file("node.db");
  { NodeStore init(path, sample_event()); }
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> wins{0}, taken{0};
    const std::string start = round % 2 ? "11:00" : "10:00";
    const std::string day = round < 10 ? "2030-03-11" : "2030-03-12";
    const std::string room = std::string(1, static_cast<char>('A' + round % 3));
    std::vector<std::thread> ts;
    for (int t = 0; t < 2; ++t)
      ts.emplace_back([&, t] {
        NodeStore s(path, sample_event());
        const auto r = s.claim(sample_claim("race-" + std::to_string(round) + "-" + std::to_string(t) + "-xx", room, start, day), early());
        if (r.outcome == ClaimOutcome::Created) ++wins;
        if (r.outcome == ClaimOutcome::Taken) ++taken;
      });
    for (auto& t : ts) t.join();
    if (round < 6) {
      CHECK(wins == 1);
      CHECK(taken == 1);
    } else {
      CHECK(wins + taken == 2);  // later rounds hit cells already won
    }
  }
}

TEST_CASE("reopening the file shows every committed change and the same epoch") {
  TempDir d;
  const std::string path = d.file("node.db");
  std::string epoch;
  {
    NodeStore s(path, sample_event());
    epoch = s.epoch();
    REQUIRE(s.claim(sample_claim(), early()).ok());
    REQUIRE_FALSE(s.set_announcement({"Hello", ""}).error);
  }
  NodeStore s(path, sample_event());
  CHECK(s.epoch() == epoch);
  CHECK(s.seq() == 3);
  CHECK(s.cell({"2030-03-11", "A", "10:00"})->title == "Packaging BoF");
  CHECK(s.announcement()->text == "Hello");
}

TEST_CASE("a replaced database file gets a new epoch") {
  TempDir a, b;
  NodeStore s1(a.file("node.db"), sample_event());
  NodeStore s2(b.file("node.db"), sample_event());
  CHECK(s1.epoch() != s2.epoch());
}

TEST_CASE("a database written by a newer schema version is refused with a clear message") {
  TempDir d;
  const std::string path = d.file("node.db");
  {
    Database db(path);
    db.set_user_version(kNodeSchemaVersion + 1);
  }
  try {
    NodeStore s(path, sample_event());
    FAIL("a newer schema was opened");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("newer Open Space Board") != std::string::npos);
  }
}

TEST_CASE("adding a room to the event adds its cells with a new seq") {
  TempDir d;
  const std::string path = d.file("node.db");
  { NodeStore s(path, sample_event()); }
  Event e = sample_event();
  e.rooms.push_back({"D", "Room D", ""});
  NodeStore s(path, e);
  CHECK(s.seq() == 2);
  const Changes ch = s.changes_since(1);
  CHECK(ch.cells.size() == 2 * 3);
  CHECK(s.board().cells.size() == 2 * 4 * 3);
}

TEST_CASE("an online backup is a complete, openable copy") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  REQUIRE(s.claim(sample_claim(), early()).ok());
  backup_database(s.database(), d.file("backup.db"));
  NodeStore copy(d.file("backup.db"), sample_event());
  CHECK(copy.epoch() == s.epoch());
  CHECK(copy.cell({"2030-03-11", "A", "10:00"})->state == CellState::Claimed);
}

TEST_CASE("an online backup is owner-only (0600) whatever the umask") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  const mode_t old = ::umask(022);
  backup_database(s.database(), d.file("backup.db"));
  // A file that already exists with wider rights is narrowed too.
  d.write("old-backup.db", "");
  ::chmod(d.file("old-backup.db").c_str(), 0644);
  backup_database(s.database(), d.file("old-backup.db"));
  ::umask(old);
  struct stat st{};
  REQUIRE(::stat(d.file("backup.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(d.file("old-backup.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}
