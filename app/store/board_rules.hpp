// Open Space Board — the board's rules whatever database keeps it (internal to app/store).
// NodeStore (SQLite) and PgStore (PostgreSQL) read and write their own rows in their own
// transactions; what a write is refused for (code and text), what a replay of a known id answers
// and which cells, sheets and groups a write leaves are decided here, once, so both stores answer
// alike. Pure functions over the model's values: no database, no clock but the `now` passed in.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/talks.hpp"
#include "core/time.hpp"
#include "core/validate.hpp"
#include "store/board_store.hpp"

// [SECTION] Columns
// Every store that keeps these tables (NodeStore, ReplicaStore, PgStore) has these columns in
// this order; the row readers below read them by position.
#define OSB_TALK_COLUMNS "id, day, start, end_time, room, title, persons, track, url, state, seq"
#define OSB_CELL_COLUMNS \
  "day, room, start, end_time, state, title, host, description, claim_id, label, seq, interest, " \
  "moved_from_room, moved_from_start, moved_to_room, moved_to_start"
#define OSB_SIGNUP_COLUMNS "signup_id, day, start, title, speaker, position"
// Evening groups: these first; the board's stores keep the status ("active", "removed",
// "reset") right after them (OSB_GROUP_COLUMNS).
#define OSB_GROUP_ROW_COLUMNS "group_id, day, time, title, place, seats, host, continues, joined, seq"
#define OSB_GROUP_COLUMNS OSB_GROUP_ROW_COLUMNS ", status"

namespace osb::rules {

// [SECTION] Values every store writes

// A new board epoch: 16 random hex digits.
std::string new_epoch();
// The wall clock in ISO 8601 UTC, for the `at` of a row.
std::string now_iso();
// Talk persons are kept joined by newlines (names never hold one: control characters are
// dropped on import).
std::string join_lines(const std::vector<std::string>& v);
std::vector<std::string> split_lines(const std::string& s);

// [SECTION] Rows
// `Row` is one result row of a store: row.text(i) and row.int64(i) read its column i.

// A cell from the OSB_CELL_COLUMNS of a row, starting at column `col`.
template <class Row>
Cell cell_from(const Row& row, int col = 0) {
  return Cell{.day = row.text(col), .room = row.text(col + 1), .start = row.text(col + 2), .end = row.text(col + 3),
              .state = cell_state_from_string(row.text(col + 4)).value_or(CellState::Open),
              .title = row.text(col + 5), .host = row.text(col + 6), .description = row.text(col + 7),
              .claim_id = row.text(col + 8), .label = row.text(col + 9), .seq = row.int64(col + 10),
              .interest = static_cast<int>(row.int64(col + 11)),
              .moved_from_room = row.text(col + 12), .moved_from_start = row.text(col + 13),
              .moved_to_room = row.text(col + 14), .moved_to_start = row.text(col + 15)};
}

// A talk from the OSB_TALK_COLUMNS of a row.
template <class Row>
Talk talk_from(const Row& row) {
  return Talk{.id = row.text(0), .day = row.text(1), .start = row.text(2), .end = row.text(3), .room = row.text(4),
              .title = row.text(5), .persons = split_lines(row.text(6)), .track = row.text(7), .url = row.text(8),
              .state = talk_state_from_string(row.text(9)).value_or(TalkState::Scheduled), .seq = row.int64(10)};
}

// A lightning sign-up from the OSB_SIGNUP_COLUMNS of a row.
template <class Row>
LightningSignup signup_from(const Row& row) {
  return LightningSignup{.signup_id = row.text(0), .day = row.text(1), .start = row.text(2), .title = row.text(3),
                         .speaker = row.text(4), .position = static_cast<int>(row.int64(5))};
}

// An evening group from the OSB_GROUP_ROW_COLUMNS of a row.
template <class Row>
Group group_from(const Row& row) {
  return Group{.group_id = row.text(0), .day = row.text(1), .time = row.text(2), .title = row.text(3),
               .where = row.text(4), .seats = static_cast<int>(row.int64(5)), .host = row.text(6),
               .continues = row.text(7), .joined = static_cast<int>(row.int64(8)), .seq = row.int64(9)};
}

// An evening group from the OSB_GROUP_COLUMNS of a row: removed unless its status is active.
template <class Row>
Group group_with_status_from(const Row& row) {
  Group g = group_from(row);
  g.removed = row.text(10) != "active";
  return g;
}

// A claim that left the board, from the columns claim_id, day, room, start, title, host,
// description, reason, at of the archive.
template <class Row>
ArchivedClaim archived_claim_from(const Row& row) {
  return ArchivedClaim{
      .claim = Claim{row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6)},
      .reason = row.text(7),
      .at = row.text(8)};
}

// The schedule import from the columns at, source, talks, added, updated, cancelled,
// unchanged, seq of schedule_imports.
template <class Row>
ScheduleImport schedule_import_from(const Row& row) {
  const auto count = [&row](int col) { return static_cast<int>(row.int64(col)); };
  return ScheduleImport{.at = row.text(0), .source = row.text(1), .talks = count(2), .added = count(3),
                        .updated = count(4), .cancelled = count(5), .unchanged = count(6), .seq = row.int64(7)};
}

// [SECTION] Answers

// The answer of a write refused with `e` before it read or wrote anything of the board, at the
// board's `seq` (any result of board_store.hpp with an optional error and a seq).
template <class Result>
Result refused(Error e, std::int64_t seq) {
  Result r;
  r.error = std::move(e);
  r.seq = seq;
  return r;
}

// [SECTION] Where a write goes

// Whether `key` is a cell of the event's grid (a day, a room and a slot start of event.toml).
bool in_event(const Event& event, const CellKey& key);
// The event's lightning sheet starting at `start` (any spelling parse_hhmm takes) on `day`;
// nullptr when there is none (not a sheet of event.toml, not an event day).
const LightningSheet* find_sheet(const Event& event, const std::string& day, const std::string& start);
// The sheet `t` of `day` at `seq`, as event.toml has it, without its sign-ups.
Sheet sheet_frame(const std::string& day, const LightningSheet& t, std::int64_t seq);

// [SECTION] Refusals of several writes (code "not_found")

Error no_slot(const CellKey& key);                 // a cell outside the event's grid
Error no_session(const std::string& claim_id);     // no claimed cell holds the claim_id
Error no_event_day(const std::string& day);        // a day that is not an event day
Error no_sheet(const std::string& day, const std::string& start);  // no lightning sheet there

// [SECTION] Claims and cells

// How a claim is answered when it is not a new winner: the outcome and its error (empty for
// Replayed).
struct ClaimVerdict {
  ClaimOutcome outcome = ClaimOutcome::Invalid;
  Error error;
  // Puts the verdict into the answer `r` (its cell and seq are the store's).
  void answer(ClaimResult& r) const {
    r.outcome = outcome;
    r.error = error;
  }
};

// Before the transaction: normalizes `claim`; Invalid, or NotFound for a cell outside the grid.
std::optional<ClaimVerdict> check_claim(const Event& event, Claim& claim);
// A claim_id the board knows, stored as `old` with `status`: Reused (other content), Removed
// (no longer active) or Replayed. The store then reads the cell to answer with.
ClaimVerdict replay_claim(const Claim& old, const std::string& status, const Claim& claim);
// A new claim on `cell` as it is now: Taken, Blocked or Past (the store records it as lost), or
// none when the claim wins the cell.
std::optional<ClaimVerdict> refuse_claim(const Event& event, const Claim& claim, const Cell& cell, const LocalTime& now);
// `cell` as `claim` takes it under `seq`: claimed, nothing blocked, counted or moved.
Cell claimed_cell(Cell cell, const Claim& claim, std::int64_t seq);
// The claim a claimed cell holds, as the archive keeps it.
Claim claim_of(const Cell& cell);

// An open cell (nothing moved in or out) of (day, room, start, end) at `seq`.
Cell open_cell(std::string day, std::string room, std::string start, std::string end, std::int64_t seq);
// The open cell where `cell` is, at `seq`.
Cell open_cell(const Cell& cell, std::int64_t seq);

// Staff block `key` with `label` (normalized): invalid label, or not_found outside the grid.
std::optional<Error> check_block(const Event& event, const CellKey& key, std::string& label);
// Any staff write on one cell (unblock, the target of a move): not_found outside the grid.
std::optional<Error> check_cell(const Event& event, const CellKey& key);
// Blocking `cell` as it is now: "taken" while it holds a session.
std::optional<Error> refuse_block(const Cell& cell);
// `cell` blocked with `label` under `seq`; "Moved to ..." ends when staff block the slot.
Cell blocked_cell(Cell cell, const std::string& label, std::int64_t seq);
// Unblocking `cell` as it is now: "not_blocked" unless it is blocked.
std::optional<Error> refuse_unblock(const Cell& cell);
// `cell` open again under `seq`.
Cell unblocked_cell(Cell cell, std::int64_t seq);

// The announcement `a` normalized (no `until` without a text), or why it is refused.
std::optional<Error> check_announcement(Announcement& a);
// What a schedule import reports for merge `m` (its seq left to the caller).
ScheduleResult schedule_result(const TalkMerge& m);

// [SECTION] Lightning talks

// Before the transaction: normalizes `x` (its start as the sheet spells it) and sets `sheet` to
// its sheet; the error when refused (invalid, not_found).
std::optional<Error> check_signup(const Event& event, LightningSignup& x, const LightningSheet*& sheet);
// A signup_id the board knows, stored as `old` with `status`: claim_id_reused, removed, or none
// (a replay).
std::optional<Error> replay_signup(const LightningSignup& old, const std::string& status, const LightningSignup& x);
// A new sign-up `x` on `sheet` (of template `t`) as it is now: full or closed (the store records
// it as lost), or none.
std::optional<Error> refuse_signup(const Sheet& sheet, const LightningSheet& t, const LightningSignup& x, const LocalTime& now);
// `x` placed last on `sheet`, which moves to `seq`.
void add_signup(Sheet& sheet, LightningSignup& x, std::int64_t seq);
// Removing a sign-up that is on no sheet.
Error no_signup(const std::string& signup_id);
// Staff order the sheet `sheet` as `order`: "invalid" unless it names every sign-up once.
std::optional<Error> refuse_reorder(const Sheet& sheet, const std::vector<std::string>& order);

// [SECTION] Evening groups

// Before the transaction: normalizes `g` (its time as "HH:MM"); invalid, or not_found for a day
// that is not an event day.
std::optional<Error> check_group(const Event& event, Group& g);
// A group_id the board knows, stored as `old` with `status`: claim_id_reused, removed, or none.
std::optional<Error> replay_group(const Group& old, const std::string& status, const Group& g);
// A group that continues an open space no longer on the board.
Error no_continued_session(const Group& g);
// A new group `g` as of `now`: "past" once its time has gone by (recorded as lost), or none.
std::optional<Error> refuse_group(const Group& g, const LocalTime& now);
// `g` as it is created under `seq`: nobody joined yet.
Group created_group(Group g, std::int64_t seq);
// Joining a group the board never had.
Error no_group(const std::string& group_id);
// A join_id the board knows, used to join `joined_group`: claim_id_reused unless that is
// `group_id`, else none (counted once).
std::optional<Error> replay_join(const std::string& joined_group, const std::string& group_id);
// A new join of `g` (stored with `status`): removed, full, or none.
std::optional<Error> refuse_join(const Group& g, const std::string& status);
// `g` with one more seat taken under `seq`.
Group joined_group(Group g, std::int64_t seq);
// Staff remove a group that is not on the board.
Error no_group_on_board(const std::string& group_id);
// `g` removed under `seq`.
Group removed_group(Group g, std::int64_t seq);

// [SECTION] Interest and moves

// An "I'll come" for `claim_id`: claim_id_reused when the interest_id was seen for another
// session (`seen_claim`), not_found when `on_board` is false, else none.
std::optional<Error> refuse_interest(const std::optional<std::string>& seen_claim, const std::string& claim_id, bool on_board);
// `cell` with one more "I'll come" under `seq`.
Cell interested_cell(Cell cell, std::int64_t seq);

// Moving the session on `from` to `target` (both as they are now) as of `now`: invalid (the
// same cell), taken, blocked or past, else none.
std::optional<Error> refuse_move(const Event& event, const Cell& from, const Cell& target, const LocalTime& now);
// The two cells a move leaves under `seq`: `left` open, saying where the session went; `moved`
// claimed, keeping the session (claim_id, title, host, description, interest) and saying where
// it came from.
struct MovedCells {
  Cell left, moved;
};
MovedCells move_cells(const Cell& from, const Cell& target, std::int64_t seq);

}  // namespace osb::rules
