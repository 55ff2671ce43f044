// NodeStore and ReplicaStore, contract §4.3: lightning sheets, evening groups, interest, moves.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/node_store.hpp"
#include "store/replica_store.hpp"
#include "support/sample_event.hpp"
#include "support/temp_dir.hpp"

using namespace osb;
using namespace osb::test;

namespace {

Event evening_event() {
  Event e = sample_event();
  e.lightning.push_back(LightningSheet{17 * 60 + 30, 3, 5, 17 * 60 + 25});
  e.rooms[0].capacity = 20;
  e.rooms[1].capacity = 80;
  e.rooms[2].capacity = 200;
  return e;
}

LightningSignup talk(std::string id, std::string title = "Emacs in 5 minutes") {
  return LightningSignup{std::move(id), "2030-03-11", "17:30", std::move(title), "Ana", 0};
}

Group dinner(std::string id = "group-0001", int seats = 3) { return sample_group(std::move(id), seats); }

LocalTime at(const char* day, int h, int m) { return {day, h * 60 + m, 0}; }

}  // namespace

TEST_CASE("lightning: places are taken in order, a replay is not counted twice, a full or closed sheet says so and is archived as lost") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  const auto before = s.seq();
  const SignupResult a = s.sign_up(talk("talk-0001"), early());
  REQUIRE_FALSE(a.error);
  CHECK(a.created);
  CHECK(a.signup.position == 1);
  CHECK(a.seq == before + 1);
  CHECK(a.sheet.signups.size() == 1);
  const SignupResult again = s.sign_up(talk("talk-0001"), early());
  CHECK_FALSE(again.error);
  CHECK_FALSE(again.created);
  CHECK(again.seq == a.seq);  // nothing written
  CHECK(s.sign_up(talk("talk-0001", "Another title"), early()).error->code == "claim_id_reused");
  CHECK(s.sign_up(talk("talk-0002"), early()).signup.position == 2);
  CHECK(s.sign_up(talk("talk-0003"), early()).signup.position == 3);
  const SignupResult full = s.sign_up(talk("talk-0004"), early());
  REQUIRE(full.error);
  CHECK(full.error->code == "full");
  CHECK(full.sheet.signups.size() == 3);
  const SignupResult closed = s.sign_up(talk("talk-0005"), at("2030-03-11", 17, 25));
  REQUIRE(closed.error);
  CHECK(closed.error->code == "full");  // full is said first: it does not change with time
  auto other_day = talk("talk-0006");
  other_day.day = "2030-03-12";
  CHECK(s.sign_up(other_day, at("2030-03-12", 17, 24)).created);
  auto late = talk("talk-0007");
  late.day = "2030-03-12";
  const SignupResult late_r = s.sign_up(late, at("2030-03-12", 17, 25));
  REQUIRE(late_r.error);
  CHECK(late_r.error->code == "closed");
  auto nowhere = talk("talk-0008");
  nowhere.start = "18:00";
  CHECK(s.sign_up(nowhere, early()).error->code == "not_found");
  auto bad = talk("talk-0009");
  bad.speaker = "   ";
  CHECK(s.sign_up(bad, early()).error->code == "invalid");
  const auto lost = s.archived_signups("2030-03-11");
  REQUIRE(lost.size() == 2);
  CHECK(lost[0].signup.signup_id == "talk-0004");
  CHECK(lost[0].reason == "lost");
  s.sign_up(talk("talk-0004"), early());  // the same refused id again: recorded once
  CHECK(s.archived_signups("2030-03-11").size() == 2);
  CHECK(s.archived_signups("2030-03-12").at(0).signup.signup_id == "talk-0007");
}

TEST_CASE("lightning: staff remove (the places after it move up) and reorder; a wrong order is refused") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  for (const char* id : {"talk-0001", "talk-0002", "talk-0003"}) REQUIRE(s.sign_up(talk(id), early()).created);
  const SignupResult removed = s.remove_signup("talk-0001");
  REQUIRE_FALSE(removed.error);
  REQUIRE(removed.sheet.signups.size() == 2);
  CHECK(removed.sheet.signups[0].signup_id == "talk-0002");
  CHECK(removed.sheet.signups[0].position == 1);
  CHECK(s.remove_signup("talk-0001").error->code == "not_found");
  CHECK(s.sign_up(talk("talk-0001"), early()).error->code == "removed");  // the kiosk's retry after removal
  const SignupResult re = s.reorder("2030-03-11", "17:30", {"talk-0003", "talk-0002"});
  REQUIRE_FALSE(re.error);
  CHECK(re.sheet.signups[0].signup_id == "talk-0003");
  CHECK(re.sheet.signups[1].position == 2);
  CHECK(s.reorder("2030-03-11", "17:30", {"talk-0003"}).error->code == "invalid");
  CHECK(s.reorder("2030-03-11", "17:30", {"talk-0003", "talk-0003"}).error->code == "invalid");
  CHECK(s.reorder("2030-03-11", "09:00", {}).error->code == "not_found");
  const auto archived = s.archived_signups("2030-03-11");
  REQUIRE(archived.size() == 1);
  CHECK(archived[0].reason == "removed");
  // Every change shows in changes: the whole sheet, with its new order.
  const Changes ch = s.changes_since(removed.seq);
  REQUIRE(ch.lightning.size() == 1);
  CHECK(ch.lightning[0].seq == re.seq);
  CHECK(ch.lightning[0].signups[0].signup_id == "talk-0003");
}

TEST_CASE("groups: exactly `seats` joins win, a join_id counts once, a removed group refuses joins") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  const GroupResult g = s.create_group(dinner(), early());
  REQUIRE_FALSE(g.error);
  CHECK(g.created);
  CHECK(g.group.joined == 0);
  CHECK_FALSE(s.create_group(dinner(), early()).created);  // replay
  Group other = dinner();
  other.title = "Pizza";
  CHECK(s.create_group(other, early()).error->code == "claim_id_reused");
  CHECK(s.join_group("group-0001", "join-0001").group.joined == 1);
  const GroupResult replay = s.join_group("group-0001", "join-0001");
  CHECK_FALSE(replay.error);
  CHECK_FALSE(replay.created);
  CHECK(replay.group.joined == 1);
  CHECK(s.join_group("group-0001", "join-0002").created);
  CHECK(s.join_group("group-0001", "join-0003").created);
  const GroupResult full = s.join_group("group-0001", "join-0004");
  REQUIRE(full.error);
  CHECK(full.error->code == "full");
  CHECK(full.group.joined == 3);
  CHECK(s.join_group("group-9999", "join-0005").error->code == "not_found");
  CHECK(s.join_group("group-0001", "join-0001").group.joined == 3);  // an old join_id is still fine
  const GroupResult removed = s.remove_group("group-0001");
  REQUIRE_FALSE(removed.error);
  CHECK(s.groups().empty());
  CHECK(s.join_group("group-0001", "join-0006").error->code == "removed");
  const Changes ch = s.changes_since(removed.seq - 1);
  REQUIRE(ch.groups.size() == 1);
  CHECK(ch.groups[0].removed);
  REQUIRE(s.archived_groups("2030-03-11").size() == 1);
  CHECK(s.archived_groups("2030-03-11")[0].group.joined == 3);
}

TEST_CASE("groups: past times, unknown days, bad seats and a group continuing a session that is not on the board are refused") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  CHECK(s.create_group(dinner(), at("2030-03-11", 19, 31)).error->code == "past");
  Group g = dinner("group-0002");
  g.day = "2030-04-01";
  CHECK(s.create_group(g, early()).error->code == "not_found");
  g = dinner("group-0003", 41);
  CHECK(s.create_group(g, early()).error->code == "invalid");
  g = dinner("group-0004");
  g.continues = "claim-0001";
  CHECK(s.create_group(g, early()).error->code == "not_found");
  REQUIRE(s.claim(sample_claim(), early()).ok());
  const GroupResult ok = s.create_group(g, early());
  REQUIRE_FALSE(ok.error);
  CHECK(s.groups().at(0).continues == "claim-0001");
}

TEST_CASE("groups: 50 threads racing for the last seat of a group: exactly one wins, every loser hears full") {
  TempDir d;
  const std::string path = d.file("node.db");
  {
    NodeStore s(path, evening_event());
    REQUIRE(s.create_group(dinner("group-race1", 2), early()).created);
    REQUIRE(s.join_group("group-race1", "join-first").created);
  }
  std::atomic<int> won{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      NodeStore s(path, evening_event());
      const GroupResult r = s.join_group("group-race1", "join-race-" + std::to_string(1000 + i));
      if (r.created) ++won;
      else if (r.error && r.error->code == "full") ++full;
      else ++other;
    });
  for (auto& t : threads) t.join();
  CHECK(won == 1);
  CHECK(full == 49);
  CHECK(other == 0);
  NodeStore s(path, evening_event());
  CHECK(s.groups().at(0).joined == 2);
}

TEST_CASE("interest: counted once per interest_id, kept on the claim, refused for a session not on the board") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  REQUIRE(s.claim(sample_claim(), early()).ok());
  const InterestResult a = s.add_interest("claim-0001", "interest-0001");
  REQUIRE_FALSE(a.error);
  CHECK(a.counted);
  CHECK(a.cell.interest == 1);
  const InterestResult again = s.add_interest("claim-0001", "interest-0001");
  CHECK_FALSE(again.counted);
  CHECK(again.cell.interest == 1);
  CHECK(again.seq == a.seq);
  CHECK(s.add_interest("claim-0001", "interest-0002").cell.interest == 2);
  CHECK(s.add_interest("claim-9999", "interest-0003").error->code == "not_found");
  CHECK(s.cell({"2030-03-11", "A", "10:00"})->interest == 2);
  const Changes ch = s.changes_since(a.seq - 1);
  REQUIRE(ch.cells.size() == 1);
  CHECK(ch.cells[0].interest == 2);
}

TEST_CASE("move: one change; the claim keeps its id, title, host and interest; the old cell says where it went") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  REQUIRE(s.claim(sample_claim(), early()).ok());
  for (int i = 0; i < 25; ++i) s.add_interest("claim-0001", "interest-" + std::to_string(1000 + i));
  REQUIRE(s.claim(sample_claim("claim-0002", "B", "10:00"), early()).ok());
  CHECK(s.move("claim-0001", {"2030-03-11", "B", "10:00"}, early()).error->code == "taken");
  CHECK(s.move("claim-0001", {"2030-03-11", "A", "10:00"}, early()).error->code == "invalid");
  CHECK(s.move("claim-0001", {"2030-03-11", "Z", "10:00"}, early()).error->code == "not_found");
  CHECK(s.move("claim-9999", {"2030-03-11", "C", "10:00"}, early()).error->code == "not_found");
  CHECK(s.move("claim-0001", {"2030-03-11", "C", "10:00"}, at("2030-03-11", 11, 0)).error->code == "past");
  REQUIRE_FALSE(s.block({"2030-03-11", "C", "11:00"}, "Lunch").error);
  CHECK(s.move("claim-0001", {"2030-03-11", "C", "11:00"}, early()).error->code == "blocked");
  const auto before = s.seq();
  const MoveResult m = s.move("claim-0001", {"2030-03-11", "C", "10:00"}, early());
  REQUIRE_FALSE(m.error);
  CHECK(m.seq == before + 1);
  CHECK(m.from.state == CellState::Open);
  CHECK(m.from.moved_to_room == "C");
  CHECK(m.from.moved_to_start == "10:00");
  CHECK(m.to.claim_id == "claim-0001");
  CHECK(m.to.title == "Packaging BoF");
  CHECK(m.to.host == "José");
  CHECK(m.to.interest == 25);
  CHECK(m.to.moved_from_room == "A");
  CHECK(m.from.seq == m.seq);
  CHECK(m.to.seq == m.seq);
  CHECK(s.changes_since(before).cells.size() == 2);
  // The kiosk that made the claim retries it: the replay answers with where the session is now.
  const ClaimResult replay = s.claim(sample_claim(), early());
  CHECK(replay.outcome == ClaimOutcome::Replayed);
  CHECK(replay.cell.room == "C");
  // Interest follows the claim, and a new claim on the old cell clears the "moved to" note.
  CHECK(s.add_interest("claim-0001", "interest-2000").cell.room == "C");
  const ClaimResult fresh = s.claim(sample_claim("claim-0003", "A", "10:00"), early());
  REQUIRE(fresh.ok());
  CHECK(fresh.cell.moved_to_room.empty());
  CHECK(fresh.cell.interest == 0);
}

TEST_CASE("morning reset archives the day's sign-ups and groups, clears move notes, and leaves other days") {
  TempDir d;
  NodeStore s(d.file("node.db"), evening_event());
  REQUIRE(s.sign_up(talk("talk-0001"), early()).created);
  auto other = talk("talk-0002");
  other.day = "2030-03-12";
  REQUIRE(s.sign_up(other, early()).created);
  REQUIRE(s.create_group(dinner(), early()).created);
  REQUIRE(s.claim(sample_claim(), early()).ok());
  REQUIRE_FALSE(s.move("claim-0001", {"2030-03-11", "B", "10:00"}, early()).error);
  const ResetResult r = s.reset_day("2030-03-11");
  REQUIRE_FALSE(r.error);
  CHECK(r.archived == 1);
  CHECK(r.signups == 1);
  CHECK(r.groups == 1);
  const Board b = s.board();
  for (const Sheet& sh : b.lightning) CHECK(sh.signups.size() == (sh.day == "2030-03-12" ? 1u : 0u));
  CHECK(b.groups.empty());
  CHECK(s.cell({"2030-03-11", "A", "10:00"})->moved_to_room.empty());
  CHECK(s.archived_signups("2030-03-11").at(0).reason == "reset");
  CHECK(s.archived_groups("2030-03-11").at(0).reason == "reset");
  // A day with nothing on it resets to no change.
  const auto seq = s.seq();
  CHECK(s.reset_day("2030-03-11").seq == seq);
}

TEST_CASE("replica: sign-ups, groups, joins and interest wait in the outbox, in order, until delivered or lost") {
  TempDir d;
  const std::string path = d.file("replica.db");
  NodeStore node(d.file("node.db"), evening_event());
  REQUIRE(node.create_group(dinner("group-0001", 2), early()).created);
  ReplicaStore r(path);
  r.replace_board(node.board());
  REQUIRE(r.sheets().size() == 2);
  PendingAction s1;
  s1.kind = ActionKind::Signup;
  s1.action_id = "talk-0001";
  s1.signup = talk("ignored");
  REQUIRE_FALSE(r.enqueue_action(s1));
  REQUIRE_FALSE(r.enqueue_action(s1));  // a double tap: once
  PendingAction j;
  j.kind = ActionKind::Join;
  j.action_id = "join-0001";
  j.target = "group-0001";
  REQUIRE_FALSE(r.enqueue_action(j));
  PendingAction unknown = j;
  unknown.action_id = "join-0002";
  unknown.target = "group-9999";
  CHECK(r.enqueue_action(unknown)->code == "not_found");
  PendingAction bad = s1;
  bad.action_id = "talk-0002";
  bad.signup.title = "";
  CHECK(r.enqueue_action(bad)->code == "invalid");
  const auto pending = r.actions();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].kind == ActionKind::Signup);
  CHECK(pending[0].signup.signup_id == "talk-0001");
  CHECK(pending[0].signup.title == "Emacs in 5 minutes");
  CHECK(pending[1].kind == ActionKind::Join);
  CHECK(r.outbox_size() == 2);
  // Deliver the sign-up as the node would answer it.
  LightningSignup sent = pending[0].signup;
  const SignupResult res = node.sign_up(sent, early());
  REQUIRE(res.created);
  r.action_delivered("talk-0001", res.sheet, std::nullopt, std::nullopt);
  CHECK(r.sheets()[0].signups.size() == 1);
  r.action_lost("join-0001", Error{"full", "The group is full."});
  CHECK(r.actions().empty());
  const auto lost = r.lost_actions();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].action.kind == ActionKind::Join);
  CHECK(lost[0].action.target == "group-0001");
  CHECK(lost[0].error.code == "full");
  r.acknowledge_lost_action("join-0001");
  CHECK(r.lost_actions().empty());
  CHECK(r.lost_actions(false).size() == 1);
}

TEST_CASE("replica: a full sheet refuses at once; changes replace whole sheets, drop removed groups, and never go back") {
  TempDir d;
  NodeStore node(d.file("node.db"), evening_event());
  for (const char* id : {"talk-0001", "talk-0002"}) REQUIRE(node.sign_up(talk(id), early()).created);
  REQUIRE(node.create_group(dinner(), early()).created);
  ReplicaStore r(d.file("replica.db"));
  r.replace_board(node.board());
  PendingAction a;
  a.kind = ActionKind::Signup;
  a.action_id = "talk-0003";
  a.signup = talk("x");
  REQUIRE_FALSE(r.enqueue_action(a));  // the third and last place
  a.action_id = "talk-0004";
  CHECK(r.enqueue_action(a)->code == "full");  // two on the sheet and one pending: full here too
  const auto seq = node.seq();
  node.remove_signup("talk-0001");
  node.remove_group("group-0001");
  const Changes ch = node.changes_since(seq);
  r.apply_changes(ch);
  CHECK(r.groups().empty());
  REQUIRE(r.sheets()[0].signups.size() == 1);
  CHECK(r.sheets()[0].signups[0].signup_id == "talk-0002");
  // An older sheet arriving late does not undo the newer one.
  Changes stale;
  Sheet old = r.sheets()[0];
  old.seq = 1;
  old.signups.clear();
  stale.lightning.push_back(old);
  r.apply_changes(stale);
  CHECK(r.sheets()[0].signups.size() == 1);
}
