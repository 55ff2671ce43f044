// The BoardStore contract, written once and built twice: test_board_store_sqlite (NodeStore on a
// temporary file) and test_board_store_pg (PgStore on a PostgreSQL server this binary starts
// itself, tests/support/pg_test_server.hpp; CTest label `postgres`). Each case opens a fresh
// board through board_store_factory, as the node does. Change waits (long-polls) live in the
// node's ChangeHub, not in the store, and are tested with the node.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "store/board_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

#ifdef OSB_CONTRACT_PG
#include "codec/codec.hpp"
#include "store/node_store.hpp"
#include "store/pg_store.hpp"
#include "support/pg_test_server.hpp"
#endif

using namespace osb;
using namespace osb::test;

namespace {

// [SECTION] One fresh board per case, on the store this binary tests

#ifdef OSB_CONTRACT_PG
// A schema of its own on the shared server: as good as a new database, and much quicker.
class FreshBoard {
 public:
  FreshBoard() : conninfo_(pg_test_server().new_board()) {}
  BoardLocation location() const { return BoardLocation{"", conninfo_}; }

 private:
  std::string conninfo_;
};
#else
class FreshBoard {
 public:
  BoardLocation location() const { return BoardLocation{dir_.file("node.db"), ""}; }

 private:
  TempDir dir_;
};
#endif

// Many cells (200: 2 days x 10 rooms x 10 slots), three lightning sheets a day.
Event big_event() {
  Event e = sample_event();
  e.rooms.clear();
  for (int i = 0; i < 10; ++i) e.rooms.push_back({"R" + std::to_string(i), "Room " + std::to_string(i), ""});
  e.slots.clear();
  for (int i = 0; i < 10; ++i) e.slots.push_back({8 * 60 + i * 60, 8 * 60 + i * 60 + 50});
  for (int i = 0; i < 3; ++i) e.lightning.push_back(LightningSheet{19 * 60 + i * 60, 3, 5, 19 * 60 + i * 60 - 5});
  return e;
}

LightningSignup talk(std::string id, std::string start, std::string day = "2030-03-11") {
  return LightningSignup{std::move(id), std::move(day), std::move(start), "Emacs in 5 minutes", "Ana", 0};
}

Group dinner(std::string id, int seats) { return sample_group(std::move(id), seats); }

// Runs f(i) on `n` threads that start together.
template <class F>
void race(int n, F f) {
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      f(i);
    });
  for (auto& t : threads) t.join();
}

}  // namespace

// [SECTION] The contract

TEST_CASE("contract: a new board has every cell open at one seq and a 16-digit epoch") {
  FreshBoard fresh;
  auto s = board_store_factory(fresh.location(), sample_event())();
  const Board b = s->board();
  CHECK(b.cells.size() == 2 * 3 * 3);
  CHECK(b.seq == 1);
  CHECK(s->seq() == 1);
  CHECK(b.epoch.size() == 16);
  for (const auto& c : b.cells) {
    CHECK(c.state == CellState::Open);
    CHECK(c.seq == 1);
  }
  CHECK_FALSE(b.announcement);
}

TEST_CASE("contract: created, replayed, reused, taken, blocked, past, not found, removed") {
  FreshBoard fresh;
  auto s = board_store_factory(fresh.location(), sample_event())();
  const auto r = s->claim(sample_claim("first-claim"), early());
  REQUIRE(r.outcome == ClaimOutcome::Created);
  CHECK(r.cell.state == CellState::Claimed);
  CHECK(r.cell.host == "José");
  CHECK(r.seq == 2);
  const auto again = s->claim(sample_claim("first-claim"), early());
  CHECK(again.outcome == ClaimOutcome::Replayed);
  CHECK(again.cell == r.cell);
  CHECK(again.seq == 2);

  Claim changed = sample_claim("first-claim");
  changed.title = "Another title";
  CHECK(s->claim(changed, early()).outcome == ClaimOutcome::Reused);
  const auto taken = s->claim(sample_claim("second-claim"), early());
  CHECK(taken.outcome == ClaimOutcome::Taken);
  CHECK(taken.error.code == "taken");
  CHECK(taken.cell.claim_id == "first-claim");
  REQUIRE_FALSE(s->block({"2030-03-11", "B", "10:00"}, "Lightning talks").error);
  CHECK(s->claim(sample_claim("third-claim", "B"), early()).outcome == ClaimOutcome::Blocked);
  CHECK(s->claim(sample_claim("fourth-claim", "C"), LocalTime{"2030-03-11", 11 * 60, 0}).outcome == ClaimOutcome::Past);
  CHECK(s->claim(sample_claim("fifth-claim", "Z"), early()).outcome == ClaimOutcome::NotFound);
  const auto archive = s->archive("2030-03-11");
  REQUIRE(archive.size() == 3);  // the losers, once each
  CHECK(archive[0].claim.claim_id == "second-claim");
  CHECK(archive[0].reason == "lost");
  s->claim(sample_claim("second-claim"), early());
  CHECK(s->archive("2030-03-11").size() == 3);

  REQUIRE_FALSE(s->release("first-claim").error);
  CHECK(s->claim(sample_claim("first-claim"), early()).outcome == ClaimOutcome::Removed);
  CHECK_FALSE(s->cell_of_claim("first-claim"));
  CHECK(s->release("first-claim").error->code == "not_found");
}

TEST_CASE("contract: 200 cells raced by two threads, each cell won exactly once, seq gap-free") {
  FreshBoard fresh;
  const Event e = big_event();
  const auto make = board_store_factory(fresh.location(), e);
  const std::int64_t start_seq = make()->seq();
  std::vector<CellKey> keys;
  for (const auto& day : e.days)
    for (const auto& room : e.rooms)
      for (const auto& slot : e.slots) keys.push_back({day, room.id, format_hhmm(slot.start)});
  REQUIRE(keys.size() == 200);
  std::vector<std::vector<ClaimResult>> results(2);
  race(2, [&](int t) {
    auto s = make();  // a connection of its own
    for (std::size_t i = 0; i < keys.size(); ++i) {
      // The two threads go through the cells in opposite orders, so they meet in the middle.
      const CellKey& k = keys[t == 0 ? i : keys.size() - 1 - i];
      const std::string id = "t" + std::to_string(t) + "-cell-" + std::to_string(t == 0 ? i : keys.size() - 1 - i);
      results[t].push_back(s->claim(Claim{id, k.day, k.room, k.start, "Session", "Host", ""}, early()));
    }
  });
  int created = 0;
  std::set<std::int64_t> seqs;
  for (const auto& rs : results)
    for (const auto& r : rs) {
      CHECK((r.outcome == ClaimOutcome::Created || r.outcome == ClaimOutcome::Taken));
      if (r.outcome == ClaimOutcome::Created) {
        ++created;
        seqs.insert(r.seq);
      }
    }
  CHECK(created == 200);
  auto s = make();
  CHECK(s->seq() == start_seq + 200);
  REQUIRE(seqs.size() == 200);  // one seq per winner, none twice ...
  CHECK(*seqs.begin() == start_seq + 1);
  CHECK(*seqs.rbegin() == start_seq + 200);  // ... and none skipped
  const Board b = s->board();
  for (const auto& c : b.cells) {
    CHECK(c.state == CellState::Claimed);
    const auto& rs = results[c.claim_id.rfind("t0-", 0) == 0 ? 0 : 1];
    const bool won = std::any_of(rs.begin(), rs.end(), [&](const ClaimResult& r) {
      return r.outcome == ClaimOutcome::Created && r.cell.claim_id == c.claim_id && r.cell.seq == c.seq;
    });
    CHECK(won);
  }
  CHECK(s->changes_since(start_seq).cells.size() == 200);
}

TEST_CASE("contract: a refused write takes no seq; the next change takes the next one") {
  FreshBoard fresh;
  auto s = board_store_factory(fresh.location(), big_event())();
  std::vector<std::int64_t> taken_seqs{s->seq()};
  auto took = [&](std::int64_t seq) { taken_seqs.push_back(seq); };
  const auto a = s->claim(sample_claim("claim-aaaa", "R1", "08:00"), early());
  REQUIRE(a.ok());
  took(a.seq);
  CHECK(s->claim(sample_claim("claim-bbbb", "R1", "08:00"), early()).outcome == ClaimOutcome::Taken);
  Claim empty_title = sample_claim("claim-cccc", "R2", "08:00");
  empty_title.title = "";
  CHECK(s->claim(empty_title, early()).outcome == ClaimOutcome::Invalid);
  CHECK(s->unblock({"2030-03-11", "R2", "08:00"}).error->code == "not_blocked");
  CHECK(s->block({"2030-03-11", "R1", "08:00"}, "x").error->code == "taken");
  CHECK(s->move("claim-aaaa", {"2030-03-11", "R1", "08:00"}, early()).error->code == "invalid");
  CHECK(s->join_group("no-such-group", "join-0001").error->code == "not_found");
  CHECK(s->sign_up(talk("talk-xxxx", "18:00"), early()).error->code == "not_found");
  CHECK(s->seq() == a.seq);
  const auto b = s->block({"2030-03-11", "R2", "08:00"}, "Closed");
  REQUIRE_FALSE(b.error);
  took(b.seq);
  const auto m = s->move("claim-aaaa", {"2030-03-11", "R3", "08:00"}, early());
  REQUIRE_FALSE(m.error);
  took(m.seq);
  CHECK(m.to.claim_id == "claim-aaaa");
  CHECK(m.from.moved_to_room == "R3");
  const auto i = s->add_interest("claim-aaaa", "interest-0001");
  REQUIRE(i.counted);
  took(i.seq);
  CHECK_FALSE(s->add_interest("claim-aaaa", "interest-0001").counted);
  const auto g = s->create_group(dinner("group-0001", 2), early());
  REQUIRE(g.created);
  took(g.seq);
  const auto an = s->set_announcement(Announcement{"Lunch is served", ""});
  REQUIRE_FALSE(an.error);
  took(an.seq);
  const auto reset = s->reset_day("2030-03-11");
  REQUIRE_FALSE(reset.error);
  CHECK(reset.archived == 1);
  CHECK(reset.groups == 1);
  took(reset.seq);
  for (std::size_t k = 1; k < taken_seqs.size(); ++k) CHECK(taken_seqs[k] == taken_seqs[k - 1] + 1);
  CHECK(s->seq() == taken_seqs.back());
  const Changes ch = s->changes_since(a.seq);
  CHECK(ch.seq == taken_seqs.back());
  REQUIRE(ch.announcement);
  CHECK(ch.announcement->text == "Lunch is served");
}

TEST_CASE("contract: the epoch and the board stay across a reopen") {
  FreshBoard fresh;
  std::string epoch;
  std::int64_t seq = 0;
  {
    auto s = board_store_factory(fresh.location(), sample_event())();
    epoch = s->epoch();
    REQUIRE(s->claim(sample_claim(), early()).ok());
    seq = s->seq();
  }
  auto s = board_store_factory(fresh.location(), sample_event())();
  CHECK(s->epoch() == epoch);
  CHECK(s->seq() == seq);  // the grid is there already: reopening is not a change
  REQUIRE(s->cell_of_claim("claim-0001"));
  CHECK(s->claim(sample_claim(), early()).outcome == ClaimOutcome::Replayed);
  // A grown event seeds its new cells as one change.
  Event bigger = sample_event({"2030-03-11", "2030-03-12", "2030-03-13"});
  auto grown = board_store_factory(fresh.location(), bigger)();
  CHECK(grown->epoch() == epoch);
  CHECK(grown->seq() == seq + 1);
  CHECK(grown->board().cells.size() == 3 * 3 * 3);
}

TEST_CASE("contract: the last place of a lightning sheet raced by two threads has one winner") {
  FreshBoard fresh;
  const Event e = big_event();
  const auto make = board_store_factory(fresh.location(), e);
  auto s = make();
  // Two of three places taken on every sheet; then both threads go for the last one.
  std::vector<std::pair<std::string, std::string>> sheets;
  for (const auto& day : e.days)
    for (const auto& sh : e.lightning) sheets.emplace_back(day, format_hhmm(sh.start));
  for (std::size_t i = 0; i < sheets.size(); ++i)
    for (int k = 0; k < 2; ++k)
      REQUIRE(s->sign_up(talk("early-" + std::to_string(i) + "-" + std::to_string(k), sheets[i].second, sheets[i].first), early()).created);
  std::vector<std::vector<SignupResult>> results(2);
  race(2, [&](int t) {
    auto mine = make();
    for (std::size_t i = 0; i < sheets.size(); ++i)
      results[t].push_back(mine->sign_up(talk("racer-" + std::to_string(t) + "-" + std::to_string(i), sheets[i].second, sheets[i].first), early()));
  });
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    const auto& a = results[0][i];
    const auto& b = results[1][i];
    CHECK(a.created + b.created == 1);
    const auto& lost = a.created ? b : a;
    REQUIRE(lost.error);
    CHECK(lost.error->code == "full");
    const auto sheet = s->sheet(sheets[i].first, sheets[i].second);
    REQUIRE(sheet);
    CHECK(sheet->signups.size() == 3);
    CHECK(sheet->signups.back().position == 3);
  }
}

TEST_CASE("contract: the last seats of a group raced by four threads go to exactly that many") {
  FreshBoard fresh;
  const auto make = board_store_factory(fresh.location(), big_event());
  auto s = make();
  REQUIRE(s->create_group(dinner("group-0001", 5), early()).created);
  REQUIRE(s->join_group("group-0001", "join-early").created);  // 4 seats left
  const std::int64_t before = s->seq();
  std::atomic<int> joined{0}, full{0};
  race(4, [&](int t) {
    auto mine = make();
    for (int k = 0; k < 3; ++k) {
      const auto r = mine->join_group("group-0001", "join-" + std::to_string(t) + "-" + std::to_string(k));
      if (r.created) ++joined;
      else if (r.error && r.error->code == "full") ++full;
    }
  });
  CHECK(joined == 4);
  CHECK(full == 8);
  const auto groups = s->groups();
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].joined == 5);
  CHECK(s->seq() == before + 4);
  CHECK(s->counts().joins == 5);
}

#ifdef OSB_CONTRACT_PG

// [SECTION] PostgreSQL only: failures, and the same answers as SQLite

TEST_CASE("postgres: a server that does not answer is Unavailable (503), not an internal error") {
  const int port = pg_test_server().unused_port();
  try {
    PgStore s("host=127.0.0.1 port=" + std::to_string(port) + " dbname=none connect_timeout=2", sample_event());
    FAIL("connected to a closed port");
  } catch (const StoreError& e) {
    CHECK(e.kind == StoreError::Kind::Unavailable);
    CHECK(e.is_unavailable());
    CHECK_FALSE(e.in_doubt());
  }
}

TEST_CASE("postgres: a connection lost after COMMIT was sent is in doubt; the retry with the same id settles it") {
  FreshBoard fresh;
  auto s = board_store_factory(fresh.location(), sample_event())();
  const std::int64_t before = s->seq();
  // A deferred trigger runs during COMMIT: for this one claim it ends its own server process, so
  // the client loses the connection after sending COMMIT (here the server rolled it back).
  pg_test_server().run_sql(fresh.location().postgres, R"sql(
    CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.claim_id = 'doomed-claim' THEN
        PERFORM pg_terminate_backend(pg_backend_pid());
        PERFORM pg_sleep(5);
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER die AFTER INSERT ON claims DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION die_at_commit();)sql");
  try {
    s->claim(sample_claim("doomed-claim"), early());
    FAIL("the claim came back although its connection died in COMMIT");
  } catch (const StoreError& e) {
    CHECK(e.in_doubt());
    CHECK(e.is_unavailable());  // answered 503
  }
  pg_test_server().run_sql(fresh.location().postgres, "DROP TRIGGER die ON claims");
  // The same store reconnects; the client's retry gets the truth: not saved, so created now, with
  // the next seq (the lost transaction took none).
  const auto retry = s->claim(sample_claim("doomed-claim"), early());
  CHECK(retry.outcome == ClaimOutcome::Created);
  CHECK(retry.seq == before + 1);
  CHECK(s->claim(sample_claim("doomed-claim"), early()).outcome == ClaimOutcome::Replayed);
}

TEST_CASE("postgres: a board on another schema version is refused, not changed") {
  FreshBoard fresh;
  { board_store_factory(fresh.location(), sample_event())(); }
  pg_test_server().run_sql(fresh.location().postgres, "UPDATE meta SET value = '99' WHERE key = 'schema'");
  CHECK_THROWS_WITH_AS(PgStore(fresh.location().postgres, sample_event()), doctest::Contains("newer Open Space Board"), StoreError);
}

TEST_CASE("postgres: a board of schema 1 gets the staff sessions table; its board is kept") {
  FreshBoard fresh;
  std::string epoch;
  {
    auto s = board_store_factory(fresh.location(), sample_event())();
    REQUIRE(s->claim(sample_claim(), early()).ok());
    epoch = s->epoch();
  }
  pg_test_server().run_sql(fresh.location().postgres, "DROP TABLE staff_sessions; UPDATE meta SET value = '1' WHERE key = 'schema'");
  PgStore s(fresh.location().postgres, sample_event());
  CHECK(s.epoch() == epoch);
  CHECK(s.cell_of_claim("claim-0001"));
  CHECK(s.open_session(std::string(64, 'b'), 4102444800) != 0);
}

TEST_CASE("postgres: staff sessions are shared by every connection; expired and revoked ones are gone") {
  FreshBoard fresh;
  auto one = board_store_factory(fresh.location(), sample_event())();
  auto two = board_store_factory(fresh.location(), sample_event())();
  CHECK(one->shares_sessions());
  const std::string hash(64, 'c'), old(64, 'd');
  const std::uint64_t id = one->open_session(hash, 2000);
  CHECK(id != 0);
  CHECK(two->find_session(hash, 1999) == id);
  CHECK(two->find_session(hash, 2000) == 0);  // expired at its time
  CHECK(two->find_session(old, 1999) == 0);
  CHECK(two->revoke_session(hash, 1000));
  CHECK(one->find_session(hash, 1000) == 0);
  CHECK_FALSE(one->revoke_session(hash, 1000));
}

TEST_CASE("postgres: the change feed hears a commit of another connection with its seq, and not a refused write") {
  FreshBoard fresh;
  auto store = board_store_factory(fresh.location(), sample_event())();
  auto other_board = pg_test_server().new_board();
  auto other = board_store_factory(BoardLocation{"", other_board}, sample_event())();
  auto feed = change_feed(fresh.location());
  REQUIRE(feed);
  std::int64_t seq = -1;
  ChangeFeed::Wake w = ChangeFeed::Wake::Down;
  for (int i = 0; i < 50 && w != ChangeFeed::Wake::Connected; ++i) w = feed->wait(std::chrono::milliseconds(200), seq);
  REQUIRE(w == ChangeFeed::Wake::Connected);
  CHECK(feed->wait(std::chrono::milliseconds(50), seq) == ChangeFeed::Wake::Timeout);

  const auto r = store->claim(sample_claim(), early());
  REQUIRE(r.ok());
  CHECK(feed->wait(std::chrono::seconds(10), seq) == ChangeFeed::Wake::Announced);
  CHECK(seq == r.seq);
  // A refused write commits nothing and announces nothing; a board in another schema is not this one.
  CHECK(store->claim(sample_claim("claim-0002"), early()).outcome == ClaimOutcome::Taken);
  REQUIRE(other->claim(sample_claim(), early()).ok());
  CHECK(feed->wait(std::chrono::milliseconds(300), seq) == ChangeFeed::Wake::Timeout);

  // interrupt() ends a wait at once, from another thread.
  std::thread t([&] { feed->interrupt(); });
  CHECK(feed->wait(std::chrono::seconds(30), seq) == ChangeFeed::Wake::Interrupted);
  t.join();
}

TEST_CASE("postgres: the change feed of a server that is not there is Down, and interrupt still ends its wait") {
  const int port = pg_test_server().unused_port();
  auto feed = change_feed(BoardLocation{"", "host=127.0.0.1 port=" + std::to_string(port) + " dbname=none"});
  REQUIRE(feed);
  std::int64_t seq = 0;
  CHECK(feed->wait(std::chrono::milliseconds(200), seq) == ChangeFeed::Wake::Down);
  feed->interrupt();
  ChangeFeed::Wake w = ChangeFeed::Wake::Down;
  for (int i = 0; i < 3 && w == ChangeFeed::Wake::Down; ++i) w = feed->wait(std::chrono::seconds(30), seq);
  CHECK(w == ChangeFeed::Wake::Interrupted);
}

TEST_CASE("postgres: the same script of writes gives the same answers and board as SQLite") {
  FreshBoard fresh;
  TempDir dir;
  Event e = big_event();
  NodeStore lite(dir.file("node.db"), e);
  PgStore pg(fresh.location().postgres, e);
  // Answers as JSON, without what differs by nature (the epoch, the wall-clock `at`).
  auto board_json = [](BoardStore& s) {
    auto j = json::encode(s.board());
    j.erase("epoch");
    return json::dump(j);
  };
  auto same = [&](auto&& write) {
    const auto a = write(static_cast<BoardStore&>(lite));
    const auto b = write(static_cast<BoardStore&>(pg));
    CHECK(a == b);
  };
  const LocalTime t0 = early();
  same([&](BoardStore& s) { return s.claim(sample_claim("claim-c0001", "R0", "08:00"), t0).cell; });
  same([&](BoardStore& s) { return s.claim(sample_claim("claim-c0002", "R0", "08:00"), t0).error.code; });
  same([&](BoardStore& s) { return s.claim(sample_claim("claim-c0003", "R1", "09:00"), t0).seq; });
  same([&](BoardStore& s) { return s.block({"2030-03-11", "R2", "09:00"}, "Setup").cell; });
  same([&](BoardStore& s) { return s.move("claim-c0003", {"2030-03-12", "R4", "10:00"}, t0).to; });
  same([&](BoardStore& s) { return s.add_interest("claim-c0001", "interest-i0001").cell; });
  same([&](BoardStore& s) { return s.sign_up(talk("talk-0001", "19:00"), t0).sheet.signups.size(); });
  same([&](BoardStore& s) { return s.sign_up(talk("talk-0002", "19:00"), t0).signup.position; });
  same([&](BoardStore& s) { return s.reorder("2030-03-11", "19:00", {"talk-0002", "talk-0001"}).seq; });
  same([&](BoardStore& s) { return s.remove_signup("talk-0002").sheet.signups.at(0).position; });
  same([&](BoardStore& s) { return s.create_group(dinner("group-0001", 2), t0).group.seq; });
  same([&](BoardStore& s) { return s.join_group("group-0001", "join-j0001").group.joined; });
  same([&](BoardStore& s) { return s.join_group("group-0001", "join-j0001").created; });
  same([&](BoardStore& s) { return s.set_announcement(Announcement{"Coffee", "12:00"}).seq; });
  Talk keynote{"talk-k1", "2030-03-11", "2030-03-11T08:00", "2030-03-11T08:50", "Room 9", "Keynote", {"Ana", "Bo"}, "Main", "", TalkState::Scheduled, 0};
  same([&](BoardStore& s) { return s.import_schedule({keynote}, "schedule.xml").added; });
  same([&](BoardStore& s) { return s.last_import()->source; });
  same([&](BoardStore& s) { return s.release("claim-c0001").cell; });
  same([&](BoardStore& s) {
    auto j = json::encode(s.changes_since(3));
    j.erase("epoch");
    return json::dump(j);
  });
  same(board_json);
  same([&](BoardStore& s) { return s.claimed_count("2030-03-12"); });
  same([&](BoardStore& s) { return s.reset_day("2030-03-12").archived; });
  same([&](BoardStore& s) { return s.archive("2030-03-12").size(); });
  same([&](BoardStore& s) { return s.archived_signups("2030-03-11").size(); });
  same([&](BoardStore& s) { return s.counts().interest; });
  same(board_json);
}

#endif
