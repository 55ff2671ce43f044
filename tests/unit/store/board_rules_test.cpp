// The board's rules both board stores share (store/board_rules.hpp): refusals with their codes
// and texts, and the cells, sheets and groups a write leaves. No database.
#include <doctest/doctest.h>

#include "store/board_rules.hpp"
#include "support/sample_event.hpp"

using namespace osb;
using namespace osb::test;

namespace {

Cell cell_at(const char* room, const char* start, const char* end, CellState state = CellState::Open) {
  Cell c;
  c.day = "2030-03-11";
  c.room = room;
  c.start = start;
  c.end = end;
  c.state = state;
  return c;
}

LocalTime at(const char* day, int h, int m) { return {day, h * 60 + m, 0}; }

// A row of texts, read as a store's result row is read.
struct TextRow {
  std::vector<std::string> cols;
  std::string text(int i) const { return cols.at(static_cast<std::size_t>(i)); }
  std::int64_t int64(int i) const { return std::stoll(cols.at(static_cast<std::size_t>(i))); }
};

}  // namespace

TEST_CASE("claims: refused for a cell outside the grid, taken, blocked or past; a winner's cell starts afresh") {
  const Event e = sample_event();
  Claim outside = sample_claim("claim-0001", "Z");
  auto v = rules::check_claim(e, outside);
  REQUIRE(v);
  CHECK(v->outcome == ClaimOutcome::NotFound);
  CHECK(v->error.code == "not_found");
  CHECK(v->error.message == "There is no slot 2030-03-11 10:00 in room Z.");

  Claim c = sample_claim();
  CHECK_FALSE(rules::check_claim(e, c));
  const Cell taken = cell_at("A", "10:00", "11:00", CellState::Claimed);
  v = rules::refuse_claim(e, c, taken, early());
  REQUIRE(v);
  CHECK(v->outcome == ClaimOutcome::Taken);
  CHECK(v->error.message == "Room A at 10:00 on 2030-03-11 is already taken.");
  v = rules::refuse_claim(e, c, cell_at("A", "10:00", "11:00", CellState::Blocked), early());
  REQUIRE(v);
  CHECK(v->outcome == ClaimOutcome::Blocked);
  CHECK(v->error.message == "Room A at 10:00 on 2030-03-11 is blocked by staff.");
  v = rules::refuse_claim(e, c, cell_at("A", "10:00", "11:00"), at("2030-03-11", 11, 0));
  REQUIRE(v);
  CHECK(v->outcome == ClaimOutcome::Past);
  CHECK(v->error.message == "The slot 2030-03-11 10:00 has already ended.");
  CHECK_FALSE(rules::refuse_claim(e, c, cell_at("A", "10:00", "11:00"), at("2030-03-11", 10, 59)));

  Cell before = cell_at("A", "10:00", "11:00");
  before.interest = 4;
  before.moved_to_room = "B";
  before.moved_to_start = "11:00";
  const Cell won = rules::claimed_cell(before, c, 7);
  CHECK(won.state == CellState::Claimed);
  CHECK(won.claim_id == c.claim_id);
  CHECK(won.title == c.title);
  CHECK(won.seq == 7);
  CHECK(won.interest == 0);
  CHECK(won.moved_to_room.empty());
  CHECK(rules::claim_of(won).same_content(c));
}

TEST_CASE("claims: a known claim_id is reused, removed or replayed") {
  const Claim c = sample_claim();
  Claim other = c;
  other.title = "Something else";
  CHECK(rules::replay_claim(other, "active", c).outcome == ClaimOutcome::Reused);
  CHECK(rules::replay_claim(other, "active", c).error.code == "claim_id_reused");
  CHECK(rules::replay_claim(c, "removed", c).outcome == ClaimOutcome::Removed);
  CHECK(rules::replay_claim(c, "reset", c).error.code == "removed");
  const auto replay = rules::replay_claim(c, "active", c);
  CHECK(replay.outcome == ClaimOutcome::Replayed);
  CHECK(replay.error.code.empty());
}

TEST_CASE("moves: refusals, and the cell left behind and the cell moved to") {
  const Event e = sample_event();
  Cell from = rules::claimed_cell(cell_at("A", "10:00", "11:00"), sample_claim(), 3);
  from.interest = 2;
  from.description = "Bring a laptop";
  const Cell target = cell_at("B", "11:00", "12:00");
  auto err = rules::refuse_move(e, from, from, early());
  REQUIRE(err);
  CHECK(err->code == "invalid");
  CHECK(err->message == "The session is already in room A at 10:00.");
  err = rules::refuse_move(e, from, cell_at("B", "11:00", "12:00", CellState::Claimed), early());
  REQUIRE(err);
  CHECK(err->code == "taken");
  CHECK(err->message == "Room B at 11:00 on 2030-03-11 is already taken.");
  err = rules::refuse_move(e, from, target, at("2030-03-11", 12, 0));
  REQUIRE(err);
  CHECK(err->code == "past");
  CHECK_FALSE(rules::refuse_move(e, from, target, early()));

  const auto m = rules::move_cells(from, target, 9);
  CHECK(m.left.state == CellState::Open);
  CHECK(m.left.key() == from.key());
  CHECK(m.left.end == "11:00");
  CHECK(m.left.claim_id.empty());
  CHECK(m.left.moved_to_room == "B");
  CHECK(m.left.moved_to_start == "11:00");
  CHECK(m.left.seq == 9);
  CHECK(m.moved.key() == target.key());
  CHECK(m.moved.end == "12:00");
  CHECK(m.moved.state == CellState::Claimed);
  CHECK(m.moved.claim_id == from.claim_id);
  CHECK(m.moved.title == from.title);
  CHECK(m.moved.host == from.host);
  CHECK(m.moved.description == from.description);
  CHECK(m.moved.interest == 2);
  CHECK(m.moved.moved_from_room == "A");
  CHECK(m.moved.moved_from_start == "10:00");
  CHECK(m.moved.seq == 9);
}

TEST_CASE("staff: block and unblock refusals; blocking ends a 'moved to'") {
  const Event e = sample_event();
  std::string label = "Cleaning";
  CHECK(rules::check_block(e, {"2030-03-11", "A", "09:00"}, label)->code == "not_found");
  CHECK_FALSE(rules::check_block(e, {"2030-03-11", "A", "10:00"}, label));
  CHECK(rules::refuse_block(cell_at("A", "10:00", "11:00", CellState::Claimed))->message ==
        "This slot holds a session; remove it before blocking the slot.");
  CHECK(rules::refuse_unblock(cell_at("A", "10:00", "11:00"))->code == "not_blocked");
  Cell c = cell_at("A", "10:00", "11:00");
  c.moved_to_room = "B";
  const Cell b = rules::blocked_cell(c, label, 5);
  CHECK(b.state == CellState::Blocked);
  CHECK(b.label == "Cleaning");
  CHECK(b.moved_to_room.empty());
  const Cell u = rules::unblocked_cell(b, 6);
  CHECK(u.state == CellState::Open);
  CHECK(u.label.empty());
  CHECK(u.seq == 6);
  const auto r = rules::refused<CellResult>(rules::no_slot({"2030-03-11", "Z", "10:00"}), 12);
  CHECK(r.error->code == "not_found");
  CHECK(r.seq == 12);
}

TEST_CASE("lightning: sheet lookup, full and closed, reorder") {
  Event e = sample_event();
  e.lightning.push_back(LightningSheet{17 * 60 + 30, 2, 5, 17 * 60 + 25});
  CHECK(rules::find_sheet(e, "2030-03-11", "17:30"));
  CHECK_FALSE(rules::find_sheet(e, "2030-03-13", "17:30"));
  CHECK_FALSE(rules::find_sheet(e, "2030-03-11", "17:00"));

  LightningSignup x{"signup-0001", "2030-03-11", "17:30", "Emacs in 5 minutes", "Ana", 0};
  const LightningSheet* t = nullptr;
  CHECK_FALSE(rules::check_signup(e, x, t));
  REQUIRE(t);
  Sheet sh = rules::sheet_frame("2030-03-11", *t, 4);
  CHECK(sh.closes == "17:25");
  CHECK_FALSE(rules::refuse_signup(sh, *t, x, at("2030-03-11", 17, 0)));
  auto err = rules::refuse_signup(sh, *t, x, at("2030-03-11", 17, 25));
  REQUIRE(err);
  CHECK(err->code == "closed");
  CHECK(err->message == "Sign-up for the lightning talks at 17:30 closed at 17:25.");
  rules::add_signup(sh, x, 5);
  CHECK(x.position == 1);
  LightningSignup y{"signup-0002", "2030-03-11", "17:30", "Vim in 5 minutes", "Bo", 0};
  rules::add_signup(sh, y, 6);
  CHECK(y.position == 2);
  CHECK(sh.seq == 6);
  err = rules::refuse_signup(sh, *t, x, at("2030-03-11", 17, 0));
  REQUIRE(err);
  CHECK(err->code == "full");
  CHECK(err->message == "The lightning-talk sheet at 17:30 is full: all 2 places are taken.");
  CHECK_FALSE(rules::refuse_reorder(sh, {"signup-0002", "signup-0001"}));
  err = rules::refuse_reorder(sh, {"signup-0002"});
  REQUIRE(err);
  CHECK(err->code == "invalid");
  CHECK(err->message == "order must list every signup_id of the sheet exactly once (it has 2; the sheet may have changed: reload it).");
  LightningSignup nowhere = x;
  nowhere.start = "16:00";
  CHECK(rules::check_signup(e, nowhere, t)->message == "There is no lightning-talk sheet at 16:00 on 2030-03-11.");
  CHECK(t == nullptr);
}

TEST_CASE("groups: past, replay, joins full or removed") {
  const Event e = sample_event();
  Group g = sample_group("group-0001", 2);
  CHECK_FALSE(rules::check_group(e, g));
  CHECK(rules::refuse_group(g, at("2030-03-11", 19, 31))->message == "The time 19:30 on 2030-03-11 has already gone by.");
  CHECK_FALSE(rules::refuse_group(g, at("2030-03-11", 19, 30)));
  Group changed = g;
  changed.seats = 5;
  CHECK(rules::replay_group(g, "active", changed)->code == "claim_id_reused");
  CHECK(rules::replay_group(g, "removed", g)->code == "removed");
  CHECK_FALSE(rules::replay_group(g, "active", g));
  CHECK(rules::replay_join("group-0002", "group-0001")->code == "claim_id_reused");
  CHECK_FALSE(rules::replay_join("group-0001", "group-0001"));

  g = rules::created_group(g, 3);
  CHECK(g.joined == 0);
  CHECK_FALSE(rules::refuse_join(g, "active"));
  CHECK(rules::refuse_join(g, "reset")->message == "This group was removed by staff or a day reset.");
  g = rules::joined_group(rules::joined_group(g, 4), 5);
  CHECK(g.joined == 2);
  CHECK(g.seq == 5);
  CHECK(rules::refuse_join(g, "active")->message == "“Dinner: Thai” is full: all 2 seats are taken.");
  CHECK(rules::removed_group(g, 6).removed);
}

TEST_CASE("interest: an interest_id of another session, a session not on the board") {
  CHECK(rules::refuse_interest(std::string("claim-0002"), "claim-0001", true)->code == "claim_id_reused");
  CHECK(rules::refuse_interest(std::nullopt, "claim-0001", false)->message ==
        "No session with claim_id claim-0001 is on the board.");
  CHECK_FALSE(rules::refuse_interest(std::string("claim-0001"), "claim-0001", true));
  CHECK(rules::interested_cell(cell_at("A", "10:00", "11:00"), 8).interest == 1);
}

TEST_CASE("rows: cells, talks and groups read by column") {
  const TextRow cell{{"2030-03-11", "A", "10:00", "11:00", "claimed", "T", "H", "D", "claim-0001", "", "7", "3", "B", "11:00", "",
                      ""}};
  const Cell c = rules::cell_from(cell);
  CHECK(c.state == CellState::Claimed);
  CHECK(c.seq == 7);
  CHECK(c.interest == 3);
  CHECK(c.moved_from_room == "B");
  const TextRow talk{{"t1", "2030-03-11", "2030-03-11T09:00", "2030-03-11T09:30", "Hall", "Keynote", "Ana\nBo", "", "", "cancelled", "2"}};
  const Talk t = rules::talk_from(talk);
  CHECK(t.persons == std::vector<std::string>{"Ana", "Bo"});
  CHECK(t.state == TalkState::Cancelled);
  CHECK(rules::join_lines(t.persons) == "Ana\nBo");
  const TextRow group{{"group-0001", "2030-03-11", "19:30", "Dinner", "Door", "8", "Ana", "", "2", "9", "reset"}};
  const Group g = rules::group_with_status_from(group);
  CHECK(g.seats == 8);
  CHECK(g.joined == 2);
  CHECK(g.seq == 9);
  CHECK(g.removed);
  CHECK_FALSE(rules::group_from(group).removed);
}
