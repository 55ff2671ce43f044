// Talks in both stores: the node's import merge (one seq per import, cancelled kept, the last
// import kept), the schema migration from version 1, and the kiosk replica's offline copy.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "schedule/schedule.hpp"
#include "store/node_store.hpp"
#include "store/replica_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

using namespace osb;
using namespace osb::test;

namespace {

std::string data_file(const std::string& name) {
  std::ifstream in(std::string(OPENSPACE_SOURCE_DIR) + "/tests/data/schedules/" + name, std::ios::binary);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<Talk> parse(const std::string& doc, const std::string& zone) {
  const VenueClock venue(zone);
  auto r = schedule::parse(doc, venue);
  REQUIRE(std::holds_alternative<schedule::Parsed>(r));
  return std::get<schedule::Parsed>(r).talks;
}

const Talk* find(const std::vector<Talk>& talks, const std::string& id) {
  for (const auto& t : talks)
    if (t.id == id) return &t;
  return nullptr;
}

// The RomHack Camp export with the closing moved an hour later and the Friday film removed.
std::string edited_romhack() {
  std::string doc = data_file("romhack-camp-2026-pretalx.xml");
  const auto moved = doc.find("<date>2026-10-04T12:30:00+02:00</date>");
  REQUIRE(moved != std::string::npos);
  doc.replace(moved, 39, "<date>2026-10-04T13:30:00+02:00</date>");
  const auto from = doc.find("<event guid='7527ff27-94e7-5fa4-abe4-7942ad80bd8f'");
  REQUIRE(from != std::string::npos);
  doc.erase(from, doc.find("</event>", from) + 8 - from);
  return doc;
}

}  // namespace

TEST_CASE("node store: an import adds talks under one seq, again changes nothing, an edited copy updates and cancels") {
  TempDir d;
  NodeStore s(d.file("node.db"), sample_event());
  CHECK(s.talks().empty());
  CHECK_FALSE(s.last_import());
  const std::int64_t before = s.seq();

  const auto talks = parse(data_file("romhack-camp-2026-pretalx.xml"), "Europe/Rome");
  const ScheduleResult first = s.import_schedule(talks, "romhack.xml");
  CHECK(first.talks == 10);
  CHECK(first.added == 10);
  CHECK(first.seq == before + 1);
  const Board b = s.board();
  REQUIRE(b.talks.size() == 10);
  CHECK(b.talks.front().start <= b.talks.back().start);
  for (const auto& t : b.talks) CHECK(t.seq == first.seq);
  const Talk* ctf = find(b.talks, "5642155c-3d83-58df-8c2e-ad348d7ea737");
  REQUIRE(ctf);
  CHECK(ctf->end == "2026-10-03T08:00");
  CHECK(ctf->persons == std::vector<std::string>{"Cyber Saiyan"});
  CHECK(find(b.talks, "56d822d2-1f7e-5799-a21e-5136064328cc")->persons ==
        std::vector<std::string>{"Cyber Saiyan", "fibonhack"});

  const ScheduleResult again = s.import_schedule(talks, "romhack.xml");
  CHECK(again.unchanged == 10);
  CHECK(again.added + again.updated + again.cancelled == 0);
  CHECK(again.seq == first.seq + 1);  // each import takes one seq
  CHECK(s.talks().size() == 10);      // no duplicates
  CHECK(s.changes_since(first.seq).talks.empty());

  const ScheduleResult edit = s.import_schedule(parse(edited_romhack(), "Europe/Rome"), "https://example.org/s.xml");
  CHECK(edit.talks == 9);
  CHECK(edit.updated == 1);
  CHECK(edit.cancelled == 1);
  CHECK(edit.unchanged == 8);
  const Changes ch = s.changes_since(again.seq);
  REQUIRE(ch.talks.size() == 2);
  for (const auto& t : ch.talks) CHECK(t.seq == edit.seq);
  const auto all = s.talks();
  CHECK(all.size() == 10);  // the cancelled talk is kept
  CHECK(find(all, "fb41af49-1448-5da8-9aac-312aaae73711")->start == "2026-10-04T13:30");
  CHECK(find(all, "fb41af49-1448-5da8-9aac-312aaae73711")->state == TalkState::Scheduled);
  CHECK(find(all, "7527ff27-94e7-5fa4-abe4-7942ad80bd8f")->state == TalkState::Cancelled);

  const auto last = s.last_import();
  REQUIRE(last);
  CHECK(last->source == "https://example.org/s.xml");
  CHECK(last->talks == 9);
  CHECK(last->cancelled == 1);
  CHECK(last->seq == edit.seq);
  CHECK(last->at.size() == 20);

  // The original again: the cancelled talk comes back (updated), the moved one moves back.
  const ScheduleResult back = s.import_schedule(talks, "");
  CHECK(back.updated == 2);
  CHECK(back.cancelled == 0);
  CHECK(find(s.talks(), "7527ff27-94e7-5fa4-abe4-7942ad80bd8f")->state == TalkState::Scheduled);
}

// What schema 3 added (lightning, groups, interest, moves), taken away again: the tables and
// columns a version 2 program never had.
const char* kDropCellsV3 =
    "ALTER TABLE cells DROP COLUMN interest; ALTER TABLE cells DROP COLUMN moved_from_room;"
    "ALTER TABLE cells DROP COLUMN moved_from_start; ALTER TABLE cells DROP COLUMN moved_to_room;"
    "ALTER TABLE cells DROP COLUMN moved_to_start;";
const std::string kDropNodeV3s = std::string(kDropCellsV3) +
                                 "ALTER TABLE archive DROP COLUMN interest; DROP TABLE sheets; DROP TABLE signups;"
                                 "DROP TABLE evening_groups; DROP TABLE joins; DROP TABLE interest;"
                                 "DROP TABLE archive_signups; DROP TABLE archive_groups;";
const std::string kDropReplicaV3s = std::string(kDropCellsV3) +
                                    "ALTER TABLE rooms DROP COLUMN capacity; DROP TABLE sheets; DROP TABLE signups;"
                                    "DROP TABLE evening_groups; DROP TABLE actions; DROP TABLE lost_actions;";
const char* const kDropNodeV3 = kDropNodeV3s.c_str();
const char* const kDropReplicaV3 = kDropReplicaV3s.c_str();

TEST_CASE("node store: a version 2 database gains sheets, groups, interest and moves and keeps its claims and talks") {
  TempDir d;
  const std::string path = d.file("node.db");
  Event ev = sample_event();
  {
    NodeStore s(path, ev);
    REQUIRE(s.claim(sample_claim(), early()).ok());
    s.import_schedule(parse(data_file("pretalx-democon.json"), "Europe/Berlin"), "democon.json");
    s.database().exec(kDropNodeV3);
    s.database().set_user_version(2);
  }
  ev.lightning.push_back(LightningSheet{17 * 60 + 30, 12, 5, -1});
  NodeStore s(path, ev);
  CHECK(s.database().user_version() == kNodeSchemaVersion);
  const Board b = s.board();
  CHECK(b.talks.size() == 36);
  const auto c = s.cell({"2030-03-11", "A", "10:00"});
  REQUIRE(c);
  CHECK(c->state == CellState::Claimed);
  CHECK(c->interest == 0);
  CHECK(b.lightning.size() == ev.days.size());  // a sheet for every day, seeded by the new program
  CHECK(s.add_interest(c->claim_id, "interest-0001").counted);
  CHECK(s.cell({"2030-03-11", "A", "10:00"})->interest == 1);
}

TEST_CASE("replica: a version 2 replica gains the new tables and keeps its outbox and talks") {
  TempDir d;
  const std::string path = d.file("replica.db");
  {
    ReplicaStore r(path);
    REQUIRE_FALSE(r.enqueue_claim(sample_claim()));
    r.database().exec(kDropReplicaV3);
    r.database().set_user_version(2);
  }
  ReplicaStore r(path);
  CHECK(r.database().user_version() == kReplicaSchemaVersion);
  CHECK(r.outbox_size() == 1);
  CHECK(r.actions().empty());
  CHECK(r.sheets().empty());
}

TEST_CASE("node store: a version 1 database gains the talk tables and keeps its claims") {
  TempDir d;
  const std::string path = d.file("node.db");
  {
    NodeStore s(path, sample_event());
    REQUIRE(s.claim(sample_claim(), early()).ok());
    // Make it what a version 1 program left behind.
    s.database().exec(kDropNodeV3);
    s.database().exec("DROP TABLE talks; DROP TABLE schedule_imports;");
    s.database().set_user_version(1);
  }
  NodeStore s(path, sample_event());
  CHECK(s.database().user_version() == kNodeSchemaVersion);
  CHECK(s.cell({"2030-03-11", "A", "10:00"})->state == CellState::Claimed);
  const auto r = s.import_schedule(parse(data_file("pretalx-democon.json"), "Europe/Berlin"), "democon.json");
  CHECK(r.added == 36);
  CHECK(s.board().talks.size() == 36);
}

TEST_CASE("replica: talks from the board and from changes survive a restart, a late change does not undo a newer one") {
  TempDir d;
  const std::string path = d.file("replica.db");
  Board b;
  b.epoch = "e1";
  b.seq = 5;
  b.event = sample_event();
  b.event.backchannel = "#pycon";
  Talk t;
  t.id = "g1";
  t.day = "2030-03-11";
  t.start = "2030-03-11T10:00";
  t.end = "2030-03-11T10:45";
  t.room = "Hörsaal 1";
  t.title = "Async IO in depth";
  t.persons = {"Zoë", "Ana"};
  t.seq = 5;
  b.talks = {t};
  {
    ReplicaStore r(path);
    r.replace_board(b);
    Changes c;
    c.epoch = "e1";
    c.seq = 7;
    Talk moved = t;
    moved.start = "2030-03-11T11:00";
    moved.end = "2030-03-11T11:45";
    moved.seq = 7;
    Talk cancelled = t;
    cancelled.id = "g2";
    cancelled.state = TalkState::Cancelled;
    cancelled.seq = 7;
    c.talks = {moved, cancelled};
    r.apply_changes(c);
    Changes late;
    late.seq = 7;
    late.talks = {t};  // seq 5: older than what is stored
    r.apply_changes(late);
  }
  ReplicaStore r(path);
  const Board got = r.board();
  CHECK(got.event.backchannel == "#pycon");
  REQUIRE(got.talks.size() == 2);
  const Talk* g1 = find(got.talks, "g1");
  const Talk* g2 = find(got.talks, "g2");
  REQUIRE(g1);
  REQUIRE(g2);
  CHECK(g1->start == "2030-03-11T11:00");
  CHECK(g1->seq == 7);
  CHECK(g1->persons == std::vector<std::string>{"Zoë", "Ana"});
  CHECK(g1->room == "Hörsaal 1");
  CHECK(g2->state == TalkState::Cancelled);
  CHECK(got.talks[0].id == "g2");  // by start: 10:00 before 11:00
}

TEST_CASE("replica: a version 1 replica gains the talks table and keeps its outbox") {
  TempDir d;
  const std::string path = d.file("replica.db");
  {
    ReplicaStore r(path);
    REQUIRE_FALSE(r.enqueue_claim(sample_claim()));
    r.database().exec(kDropReplicaV3);
    r.database().exec("DROP TABLE talks;");
    r.database().set_user_version(1);
  }
  ReplicaStore r(path);
  CHECK(r.database().user_version() == kReplicaSchemaVersion);
  CHECK(r.outbox_size() == 1);
  CHECK(r.talks().empty());
}
