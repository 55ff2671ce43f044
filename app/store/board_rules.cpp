#include "store/board_rules.hpp"

#include <algorithm>
#include <chrono>
#include <random>

namespace osb::rules {

namespace {

Error err(const char* code, std::string message) { return Error{code, std::move(message)}; }

// The refusals of a cell that cannot be taken: by a claim, or as the target of a move.
Error taken(const CellKey& k) { return err("taken", "Room " + k.room + " at " + k.start + " on " + k.day + " is already taken."); }
Error blocked(const CellKey& k) {
  return err("blocked", "Room " + k.room + " at " + k.start + " on " + k.day + " is blocked by staff.");
}
Error past(const CellKey& k) { return err("past", "The slot " + k.day + " " + k.start + " has already ended."); }

// Whether the slot of `key` (a cell of the grid) has ended at `now`.
bool is_past(const Event& event, const CellKey& key, const LocalTime& now) {
  const int start_min = *parse_hhmm(key.start);
  return slot_phase(key.day, start_min, event.find_slot(start_min)->end, now) == SlotPhase::Past;
}

Error group_removed() { return err("removed", "This group was removed by staff or a day reset."); }

}  // namespace

// [SECTION] Values every store writes

std::string new_epoch() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) s += hex[gen() & 15];
  return s;
}

std::string now_iso() { return iso_utc(std::chrono::system_clock::now()); }

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "\n") + x;
  return s;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < s.size()) {
    const auto nl = s.find('\n', from);
    out.push_back(s.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  return out;
}

// [SECTION] Where a write goes

bool in_event(const Event& event, const CellKey& key) {
  const auto start = parse_hhmm(key.start);
  return event.has_day(key.day) && event.find_room(key.room) && start && event.find_slot(*start);
}

const LightningSheet* find_sheet(const Event& event, const std::string& day, const std::string& start) {
  const auto m = parse_hhmm(start);
  const LightningSheet* t = m ? event.find_sheet(*m) : nullptr;
  return t && event.has_day(day) ? t : nullptr;
}

Sheet sheet_frame(const std::string& day, const LightningSheet& t, std::int64_t seq) {
  Sheet sh;
  sh.day = day;
  sh.start = format_hhmm(t.start);
  sh.talks = t.talks;
  sh.minutes = t.minutes;
  sh.closes = format_hhmm(t.closes_at());
  sh.seq = seq;
  return sh;
}

// [SECTION] Refusals of several writes

Error no_slot(const CellKey& key) {
  return err("not_found", "There is no slot " + key.day + " " + key.start + " in room " + key.room + ".");
}

Error no_session(const std::string& claim_id) {
  return err("not_found", "No session with claim_id " + claim_id + " is on the board.");
}

Error no_event_day(const std::string& day) { return err("not_found", day + " is not a day of this event."); }

Error no_sheet(const std::string& day, const std::string& start) {
  return err("not_found", "There is no lightning-talk sheet at " + start + " on " + day + ".");
}

// [SECTION] Claims and cells

std::optional<ClaimVerdict> check_claim(const Event& event, Claim& claim) {
  if (auto e = normalize_claim(claim)) return ClaimVerdict{ClaimOutcome::Invalid, *e};
  const CellKey key{claim.day, claim.room, claim.start};
  if (!in_event(event, key)) return ClaimVerdict{ClaimOutcome::NotFound, no_slot(key)};
  return std::nullopt;
}

ClaimVerdict replay_claim(const Claim& old, const std::string& status, const Claim& claim) {
  if (!old.same_content(claim))
    return {ClaimOutcome::Reused, err("claim_id_reused", "This claim_id was already used for a different claim.")};
  if (status != "active")
    return {ClaimOutcome::Removed, err("removed", "This claim was removed from the board by staff or a day reset.")};
  return {ClaimOutcome::Replayed, Error{}};
}

std::optional<ClaimVerdict> refuse_claim(const Event& event, const Claim& claim, const Cell& cell, const LocalTime& now) {
  const CellKey key{claim.day, claim.room, claim.start};
  if (cell.state == CellState::Claimed) return ClaimVerdict{ClaimOutcome::Taken, taken(key)};
  if (cell.state == CellState::Blocked) return ClaimVerdict{ClaimOutcome::Blocked, blocked(key)};
  if (is_past(event, key, now)) return ClaimVerdict{ClaimOutcome::Past, past(key)};
  return std::nullopt;
}

Cell claimed_cell(Cell cell, const Claim& claim, std::int64_t seq) {
  cell.state = CellState::Claimed;
  cell.title = claim.title;
  cell.host = claim.host;
  cell.description = claim.description;
  cell.claim_id = claim.claim_id;
  cell.label.clear();
  cell.seq = seq;
  cell.interest = 0;
  cell.moved_from_room.clear();
  cell.moved_from_start.clear();
  cell.moved_to_room.clear();
  cell.moved_to_start.clear();
  return cell;
}

Claim claim_of(const Cell& c) { return Claim{c.claim_id, c.day, c.room, c.start, c.title, c.host, c.description}; }

Cell open_cell(std::string day, std::string room, std::string start, std::string end, std::int64_t seq) {
  Cell c;
  c.day = std::move(day);
  c.room = std::move(room);
  c.start = std::move(start);
  c.end = std::move(end);
  c.seq = seq;
  return c;
}

Cell open_cell(const Cell& cell, std::int64_t seq) { return open_cell(cell.day, cell.room, cell.start, cell.end, seq); }

std::optional<Error> check_block(const Event& event, const CellKey& key, std::string& label) {
  if (auto e = normalize_label(label)) return e;
  return check_cell(event, key);
}

std::optional<Error> check_cell(const Event& event, const CellKey& key) {
  if (!in_event(event, key)) return no_slot(key);
  return std::nullopt;
}

std::optional<Error> refuse_block(const Cell& cell) {
  if (cell.state == CellState::Claimed) return err("taken", "This slot holds a session; remove it before blocking the slot.");
  return std::nullopt;
}

Cell blocked_cell(Cell cell, const std::string& label, std::int64_t seq) {
  cell.state = CellState::Blocked;
  cell.label = label;
  cell.moved_to_room.clear();  // "Moved to Room F" ends when staff block the slot
  cell.moved_to_start.clear();
  cell.seq = seq;
  return cell;
}

std::optional<Error> refuse_unblock(const Cell& cell) {
  if (cell.state != CellState::Blocked) return err("not_blocked", "This slot is not blocked.");
  return std::nullopt;
}

Cell unblocked_cell(Cell cell, std::int64_t seq) {
  cell.state = CellState::Open;
  cell.label.clear();
  cell.seq = seq;
  return cell;
}

std::optional<Error> check_announcement(Announcement& a) {
  if (auto e = normalize_announcement(a)) return e;
  if (a.text.empty()) a.until.clear();
  return std::nullopt;
}

ScheduleResult schedule_result(const TalkMerge& m) {
  return ScheduleResult{
      .talks = m.talks, .added = m.added, .updated = m.updated, .cancelled = m.cancelled, .unchanged = m.unchanged};
}

// [SECTION] Lightning talks

std::optional<Error> check_signup(const Event& event, LightningSignup& x, const LightningSheet*& sheet) {
  sheet = nullptr;
  if (auto e = normalize_signup(x)) return e;
  sheet = find_sheet(event, x.day, x.start);
  if (!sheet) return no_sheet(x.day, x.start);
  x.start = format_hhmm(sheet->start);
  return std::nullopt;
}

std::optional<Error> replay_signup(const LightningSignup& old, const std::string& status, const LightningSignup& x) {
  if (!old.same_content(x)) return err("claim_id_reused", "This signup_id was already used for a different talk.");
  if (status != "active") return err("removed", "This lightning talk was removed from the sheet by staff or a day reset.");
  return std::nullopt;
}

std::optional<Error> refuse_signup(const Sheet& sheet, const LightningSheet& t, const LightningSignup& x, const LocalTime& now) {
  if (sheet.full())
    return err("full", "The lightning-talk sheet at " + x.start + " is full: all " + std::to_string(t.talks) + " places are taken.");
  if (minutes_between(now, x.day, t.closes_at()) <= 0)
    return err("closed", "Sign-up for the lightning talks at " + x.start + " closed at " + format_hhmm(t.closes_at()) + ".");
  return std::nullopt;
}

void add_signup(Sheet& sheet, LightningSignup& x, std::int64_t seq) {
  x.position = static_cast<int>(sheet.signups.size()) + 1;
  sheet.signups.push_back(x);
  sheet.seq = seq;
}

Error no_signup(const std::string& signup_id) {
  return err("not_found", "No lightning talk with signup_id " + signup_id + " is on a sheet.");
}

std::optional<Error> refuse_reorder(const Sheet& sheet, const std::vector<std::string>& order) {
  std::vector<std::string> have, want = order;
  for (const auto& x : sheet.signups) have.push_back(x.signup_id);
  std::sort(have.begin(), have.end());
  std::sort(want.begin(), want.end());
  if (have == want) return std::nullopt;
  return err("invalid", "order must list every signup_id of the sheet exactly once (it has " + std::to_string(have.size()) +
                            "; the sheet may have changed: reload it).");
}

// [SECTION] Evening groups

std::optional<Error> check_group(const Event& event, Group& g) {
  if (auto e = normalize_group(g)) return e;
  if (!event.has_day(g.day)) return no_event_day(g.day);
  g.time = format_hhmm(*parse_hhmm(g.time));
  return std::nullopt;
}

std::optional<Error> replay_group(const Group& old, const std::string& status, const Group& g) {
  if (!old.same_content(g)) return err("claim_id_reused", "This group_id was already used for a different group.");
  if (status != "active") return group_removed();
  return std::nullopt;
}

Error no_continued_session(const Group& g) {
  return err("not_found", "The open space this group continues (claim_id " + g.continues + ") is not on the board.");
}

std::optional<Error> refuse_group(const Group& g, const LocalTime& now) {
  if (minutes_between(now, g.day, *parse_hhmm(g.time)) < 0)
    return err("past", "The time " + g.time + " on " + g.day + " has already gone by.");
  return std::nullopt;
}

Group created_group(Group g, std::int64_t seq) {
  g.joined = 0;
  g.seq = seq;
  return g;
}

Error no_group(const std::string& group_id) { return err("not_found", "There is no group " + group_id + "."); }

std::optional<Error> replay_join(const std::string& joined_group, const std::string& group_id) {
  if (joined_group != group_id) return err("claim_id_reused", "This join_id was already used to join another group.");
  return std::nullopt;
}

std::optional<Error> refuse_join(const Group& g, const std::string& status) {
  if (status != "active") return group_removed();
  if (g.full()) return err("full", "“" + g.title + "” is full: all " + std::to_string(g.seats) + " seats are taken.");
  return std::nullopt;
}

Group joined_group(Group g, std::int64_t seq) {
  g.joined += 1;
  g.seq = seq;
  return g;
}

Error no_group_on_board(const std::string& group_id) {
  return err("not_found", "No group " + group_id + " is on the board.");
}

Group removed_group(Group g, std::int64_t seq) {
  g.removed = true;
  g.seq = seq;
  return g;
}

// [SECTION] Interest and moves

std::optional<Error> refuse_interest(const std::optional<std::string>& seen_claim, const std::string& claim_id, bool on_board) {
  if (seen_claim && *seen_claim != claim_id) return err("claim_id_reused", "This interest_id was already used for another session.");
  if (!on_board) return no_session(claim_id);
  return std::nullopt;
}

Cell interested_cell(Cell cell, std::int64_t seq) {
  cell.interest += 1;
  cell.seq = seq;
  return cell;
}

std::optional<Error> refuse_move(const Event& event, const Cell& from, const Cell& target, const LocalTime& now) {
  const CellKey to = target.key();
  if (to == from.key()) return err("invalid", "The session is already in room " + to.room + " at " + to.start + ".");
  if (target.state == CellState::Claimed) return taken(to);
  if (target.state == CellState::Blocked) return blocked(to);
  if (is_past(event, to, now)) return past(to);
  return std::nullopt;
}

MovedCells move_cells(const Cell& from, const Cell& target, std::int64_t seq) {
  MovedCells m;
  m.moved = target;
  m.moved.state = CellState::Claimed;
  m.moved.title = from.title;
  m.moved.host = from.host;
  m.moved.description = from.description;
  m.moved.claim_id = from.claim_id;
  m.moved.interest = from.interest;
  m.moved.label.clear();
  m.moved.moved_from_room = from.room;
  m.moved.moved_from_start = from.start;
  m.moved.moved_to_room.clear();
  m.moved.moved_to_start.clear();
  m.moved.seq = seq;
  m.left = open_cell(from, seq);
  m.left.moved_to_room = target.room;
  m.left.moved_to_start = target.start;
  return m;
}

}  // namespace osb::rules
