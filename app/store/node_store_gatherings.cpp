// Open Space Board — NodeStore, contract §4.3: lightning-talk sheets, evening groups, "I'll
// come" interest and moving a session. Same rules as claims: every write is one IMMEDIATE
// transaction; exactly one winner under any race (the write lock serialises them, and each
// decision is made inside it); idempotent per id; one seq per change.
#include <algorithm>
#include <set>

#include "store/cell_rows.hpp"
#include "store/node_store.hpp"

namespace osb {

namespace {

Error err(const char* code, std::string message) { return Error{code, std::move(message)}; }

#define OSB_SIGNUP_COLUMNS "signup_id, day, start, title, speaker, position"
#define OSB_GROUP_COLUMNS OSB_GROUP_ROW_COLUMNS ", status"

LightningSignup signup_row(const Statement& s) {
  LightningSignup x;
  x.signup_id = s.text(0);
  x.day = s.text(1);
  x.start = s.text(2);
  x.title = s.text(3);
  x.speaker = s.text(4);
  x.position = static_cast<int>(s.int64(5));
  return x;
}

Group group_row(const Statement& s) {
  Group g = rows::group(s);
  g.removed = s.text(10) != "active";
  return g;
}

}  // namespace

// [SECTION] Reads

std::vector<LightningSignup> NodeStore::read_signups(const std::string& day, const std::string& start) {
  auto& s = db_.prepare("SELECT " OSB_SIGNUP_COLUMNS " FROM signups WHERE day = ? AND start = ? AND status = 'active' ORDER BY position");
  s.bind_all(day, start);
  std::vector<LightningSignup> out;
  while (s.step()) out.push_back(signup_row(s));
  s.reset();
  return out;
}

Sheet NodeStore::read_sheet(const std::string& day, const LightningSheet& t, std::int64_t seq) {
  Sheet sh;
  sh.day = day;
  sh.start = format_hhmm(t.start);
  sh.talks = t.talks;
  sh.minutes = t.minutes;
  sh.closes = format_hhmm(t.closes_at());
  sh.seq = seq;
  sh.signups = read_signups(day, sh.start);
  return sh;
}

std::vector<Sheet> NodeStore::read_sheets(std::optional<std::int64_t> since) {
  std::vector<Sheet> out;
  auto& s = since ? db_.prepare("SELECT day, start, seq FROM sheets WHERE seq > ? ORDER BY day, start")
                  : db_.prepare("SELECT day, start, seq FROM sheets ORDER BY day, start");
  if (since) s.bind(1, *since);
  std::vector<std::tuple<std::string, std::string, std::int64_t>> rows_;
  while (s.step()) rows_.emplace_back(s.text(0), s.text(1), s.int64(2));
  s.reset();
  for (const auto& [day, start, seq] : rows_) {
    const auto m = parse_hhmm(start);
    const LightningSheet* t = m ? event_.find_sheet(*m) : nullptr;
    if (!t || !event_.has_day(day)) continue;  // a sheet no longer in event.toml
    out.push_back(read_sheet(day, *t, seq));
  }
  return out;
}

std::vector<Sheet> NodeStore::sheets() {
  Transaction tx(db_, Transaction::Mode::Deferred);
  auto out = read_sheets(std::nullopt);
  tx.commit();
  return out;
}

std::optional<Sheet> NodeStore::sheet(const std::string& day, const std::string& start) {
  const auto m = parse_hhmm(start);
  const LightningSheet* t = m ? event_.find_sheet(*m) : nullptr;
  if (!t || !event_.has_day(day)) return std::nullopt;
  auto& s = db_.prepare("SELECT seq FROM sheets WHERE day = ? AND start = ?");
  s.bind_all(day, format_hhmm(t->start));
  std::int64_t seq = 0;
  if (s.step()) seq = s.int64(0);
  s.reset();
  return read_sheet(day, *t, seq);
}

std::vector<Group> NodeStore::read_groups(std::optional<std::int64_t> since) {
  // Changes carry removed groups too (so replicas drop them); the board only the live ones.
  auto& s = since ? db_.prepare("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE seq > ? ORDER BY day, time, title, group_id")
                  : db_.prepare("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE status = 'active' ORDER BY day, time, title, group_id");
  if (since) s.bind(1, *since);
  std::vector<Group> out;
  while (s.step()) out.push_back(group_row(s));
  s.reset();
  return out;
}

std::vector<Group> NodeStore::groups() { return read_groups(std::nullopt); }

std::optional<Group> NodeStore::read_group(const std::string& group_id, std::string* status) {
  auto& s = db_.prepare("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE group_id = ?");
  s.bind(1, group_id);
  std::optional<Group> g;
  if (s.step()) {
    g = group_row(s);
    if (status) *status = s.text(10);
  }
  s.reset();
  return g;
}

std::vector<ArchivedSignup> NodeStore::archived_signups(const std::string& day) {
  std::vector<ArchivedSignup> out;
  auto& s = db_.prepare("SELECT " OSB_SIGNUP_COLUMNS ", reason, at FROM archive_signups WHERE day = ? ORDER BY id");
  s.bind(1, day);
  while (s.step()) out.push_back(ArchivedSignup{signup_row(s), s.text(6), s.text(7)});
  s.reset();
  return out;
}

std::vector<ArchivedGroup> NodeStore::archived_groups(const std::string& day) {
  std::vector<ArchivedGroup> out;
  auto& s = db_.prepare(
      "SELECT group_id, day, time, title, place, seats, host, continues, joined, 0, 'archived', reason, at "
      "FROM archive_groups WHERE day = ? ORDER BY id");
  s.bind(1, day);
  while (s.step()) {
    Group g = group_row(s);
    g.removed = false;
    out.push_back(ArchivedGroup{g, s.text(11), s.text(12)});
  }
  s.reset();
  return out;
}

NodeStore::Counts NodeStore::counts() {
  auto& s = db_.prepare(
      "SELECT (SELECT COUNT(*) FROM signups WHERE status = 'active'), "
      "(SELECT COUNT(*) FROM evening_groups WHERE status = 'active'), "
      "(SELECT COUNT(*) FROM joins), (SELECT COUNT(*) FROM interest), "
      "(SELECT COUNT(*) FROM changes WHERE kind = 'move')");
  s.step();
  Counts c{s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4)};
  s.reset();
  return c;
}

// [SECTION] Writes: lightning

void NodeStore::touch_sheet(const std::string& day, const std::string& start, std::int64_t seq) {
  db_.prepare("UPDATE sheets SET seq = ? WHERE day = ? AND start = ?").bind_all(seq, day, start).run();
}

void NodeStore::archive_signup(const LightningSignup& x, const char* reason) {
  db_.prepare(
         "INSERT OR IGNORE INTO archive_signups(signup_id, day, start, title, speaker, position, reason, at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(x.signup_id, x.day, x.start, x.title, x.speaker, x.position, std::string(reason), rows::now_iso())
      .run();
}

SignupResult NodeStore::sign_up(LightningSignup x, const LocalTime& now) {
  SignupResult r;
  if (auto e = normalize_signup(x)) {
    r.error = e;
    r.seq = seq();
    return r;
  }
  const auto m = parse_hhmm(x.start);
  const LightningSheet* t = m ? event_.find_sheet(*m) : nullptr;
  if (!t || !event_.has_day(x.day)) {
    r.error = err("not_found", "There is no lightning-talk sheet at " + x.start + " on " + x.day + ".");
    r.seq = seq();
    return r;
  }
  x.start = format_hhmm(t->start);
  Transaction tx(db_);
  auto& prev = db_.prepare("SELECT " OSB_SIGNUP_COLUMNS ", status FROM signups WHERE signup_id = ?");
  prev.bind(1, x.signup_id);
  if (prev.step()) {
    const LightningSignup old = signup_row(prev);
    const std::string status = prev.text(6);
    prev.reset();
    r.sheet = *sheet(old.day, old.start);
    r.signup = old;
    if (!old.same_content(x)) r.error = err("claim_id_reused", "This signup_id was already used for a different talk.");
    else if (status != "active") r.error = err("removed", "This lightning talk was removed from the sheet by staff or a day reset.");
    r.seq = seq();
    return r;  // a replay: nothing written
  }
  prev.reset();
  r.sheet = *sheet(x.day, x.start);
  r.signup = x;
  if (r.sheet.full()) {
    r.error = err("full", "The lightning-talk sheet at " + x.start + " is full: all " + std::to_string(t->talks) + " places are taken.");
  } else if (minutes_between(now, x.day, t->closes_at()) <= 0) {
    r.error = err("closed", "Sign-up for the lightning talks at " + x.start + " closed at " + format_hhmm(t->closes_at()) + ".");
  }
  if (r.error) {
    archive_signup(x, "lost");  // once per signup_id, so staff see who missed out
    tx.commit();
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("signup", nullptr, "");
  x.position = static_cast<int>(r.sheet.signups.size()) + 1;
  db_.prepare("INSERT INTO signups(" OSB_SIGNUP_COLUMNS ", status, at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?)")
      .bind_all(x.signup_id, x.day, x.start, x.title, x.speaker, x.position, rows::now_iso())
      .run();
  touch_sheet(x.day, x.start, r.seq);
  r.sheet.signups.push_back(x);
  r.sheet.seq = r.seq;
  r.signup = x;
  r.created = true;
  tx.commit();
  return r;
}

SignupResult NodeStore::remove_signup(const std::string& signup_id) {
  SignupResult r;
  Transaction tx(db_);
  auto& s = db_.prepare("SELECT " OSB_SIGNUP_COLUMNS " FROM signups WHERE signup_id = ? AND status = 'active'");
  s.bind(1, signup_id);
  if (!s.step()) {
    s.reset();
    r.error = err("not_found", "No lightning talk with signup_id " + signup_id + " is on a sheet.");
    r.seq = seq();
    return r;
  }
  r.signup = signup_row(s);
  s.reset();
  archive_signup(r.signup, "removed");
  r.seq = next_seq("signup_remove", nullptr, "");
  db_.prepare("UPDATE signups SET status = 'removed' WHERE signup_id = ?").bind(1, signup_id).run();
  // The places after it move up one.
  db_.prepare("UPDATE signups SET position = position - 1 WHERE day = ? AND start = ? AND status = 'active' AND position > ?")
      .bind_all(r.signup.day, r.signup.start, r.signup.position)
      .run();
  touch_sheet(r.signup.day, r.signup.start, r.seq);
  r.sheet = *sheet(r.signup.day, r.signup.start);
  tx.commit();
  return r;
}

SignupResult NodeStore::reorder(const std::string& day, const std::string& start, const std::vector<std::string>& order) {
  SignupResult r;
  const auto m = parse_hhmm(start);
  const LightningSheet* t = m ? event_.find_sheet(*m) : nullptr;
  if (!t || !event_.has_day(day)) {
    r.error = err("not_found", "There is no lightning-talk sheet at " + start + " on " + day + ".");
    r.seq = seq();
    return r;
  }
  Transaction tx(db_);
  r.sheet = *sheet(day, format_hhmm(t->start));
  std::vector<std::string> have, want = order;
  for (const auto& x : r.sheet.signups) have.push_back(x.signup_id);
  std::sort(have.begin(), have.end());
  std::sort(want.begin(), want.end());
  if (have != want) {
    r.error = err("invalid", "order must list every signup_id of the sheet exactly once (it has " +
                                 std::to_string(have.size()) + "; the sheet may have changed: reload it).");
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("signup_order", nullptr, "");
  auto& up = db_.prepare("UPDATE signups SET position = ? WHERE signup_id = ?");
  for (std::size_t i = 0; i < order.size(); ++i) {
    up.reset();
    up.bind_all(static_cast<int>(i + 1), order[i]).run();
  }
  touch_sheet(r.sheet.day, r.sheet.start, r.seq);
  r.sheet = *sheet(r.sheet.day, r.sheet.start);
  tx.commit();
  return r;
}

// [SECTION] Writes: evening groups

void NodeStore::archive_group(const Group& g, const char* reason) {
  db_.prepare(
         "INSERT OR IGNORE INTO archive_groups(group_id, day, time, title, place, seats, host, continues, joined, reason, at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(g.group_id, g.day, g.time, g.title, g.where, g.seats, g.host, g.continues, g.joined, std::string(reason),
                rows::now_iso())
      .run();
}

GroupResult NodeStore::create_group(Group g, const LocalTime& now) {
  GroupResult r;
  if (auto e = normalize_group(g)) {
    r.error = e;
    r.seq = seq();
    return r;
  }
  if (!event_.has_day(g.day)) {
    r.error = err("not_found", g.day + " is not a day of this event.");
    r.seq = seq();
    return r;
  }
  g.time = format_hhmm(*parse_hhmm(g.time));
  Transaction tx(db_);
  std::string status;
  if (auto old = read_group(g.group_id, &status)) {
    r.group = *old;
    if (!old->same_content(g)) r.error = err("claim_id_reused", "This group_id was already used for a different group.");
    else if (status != "active") r.error = err("removed", "This group was removed by staff or a day reset.");
    r.seq = seq();
    return r;
  }
  if (!g.continues.empty() && !cell_of_claim(g.continues)) {
    r.error = err("not_found", "The open space this group continues (claim_id " + g.continues + ") is not on the board.");
    r.seq = seq();
    return r;
  }
  r.group = g;
  if (minutes_between(now, g.day, *parse_hhmm(g.time)) < 0) {
    r.error = err("past", "The time " + g.time + " on " + g.day + " has already gone by.");
    archive_group(g, "lost");
    tx.commit();
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("group", nullptr, "");
  g.joined = 0;
  g.seq = r.seq;
  db_.prepare("INSERT INTO evening_groups(" OSB_GROUP_COLUMNS ", at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'active', ?)")
      .bind_all(g.group_id, g.day, g.time, g.title, g.where, g.seats, g.host, g.continues, g.seq, rows::now_iso())
      .run();
  r.group = g;
  r.created = true;
  tx.commit();
  return r;
}

GroupResult NodeStore::join_group(const std::string& group_id, const std::string& join_id) {
  GroupResult r;
  Transaction tx(db_);
  std::string status;
  auto g = read_group(group_id, &status);
  if (!g) {
    r.error = err("not_found", "There is no group " + group_id + ".");
    r.seq = seq();
    return r;
  }
  r.group = *g;
  auto& prev = db_.prepare("SELECT group_id FROM joins WHERE join_id = ?");
  prev.bind(1, join_id);
  if (prev.step()) {
    const std::string joined_group = prev.text(0);
    prev.reset();
    if (joined_group != group_id) r.error = err("claim_id_reused", "This join_id was already used to join another group.");
    r.seq = seq();
    return r;  // counted once
  }
  prev.reset();
  if (status != "active") {
    r.error = err("removed", "This group was removed by staff or a day reset.");
    r.seq = seq();
    return r;
  }
  if (g->full()) {
    r.error = err("full", "“" + g->title + "” is full: all " + std::to_string(g->seats) + " seats are taken.");
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("join", nullptr, "");
  db_.prepare("INSERT INTO joins(join_id, group_id, at) VALUES (?, ?, ?)").bind_all(join_id, group_id, rows::now_iso()).run();
  db_.prepare("UPDATE evening_groups SET joined = joined + 1, seq = ? WHERE group_id = ?").bind_all(r.seq, group_id).run();
  r.group.joined += 1;
  r.group.seq = r.seq;
  r.created = true;
  tx.commit();
  return r;
}

GroupResult NodeStore::remove_group(const std::string& group_id) {
  GroupResult r;
  Transaction tx(db_);
  std::string status;
  auto g = read_group(group_id, &status);
  if (!g || status != "active") {
    r.error = err("not_found", "No group " + group_id + " is on the board.");
    r.seq = seq();
    return r;
  }
  archive_group(*g, "removed");
  r.seq = next_seq("group_remove", nullptr, "");
  db_.prepare("UPDATE evening_groups SET status = 'removed', seq = ? WHERE group_id = ?").bind_all(r.seq, group_id).run();
  r.group = *g;
  r.group.removed = true;
  r.group.seq = r.seq;
  tx.commit();
  return r;
}

void NodeStore::reset_gatherings(const std::string& day, std::int64_t seq, int& signups, int& groups) {
  signups = groups = 0;
  std::set<std::string> sheets_touched;
  {
    std::vector<LightningSignup> list;
    auto& s = db_.prepare("SELECT " OSB_SIGNUP_COLUMNS " FROM signups WHERE day = ? AND status = 'active'");
    s.bind(1, day);
    while (s.step()) list.push_back(signup_row(s));
    s.reset();
    for (const auto& x : list) {
      archive_signup(x, "reset");
      sheets_touched.insert(x.start);
    }
    db_.prepare("UPDATE signups SET status = 'reset' WHERE day = ? AND status = 'active'").bind(1, day).run();
    signups = static_cast<int>(list.size());
  }
  for (const auto& start : sheets_touched) touch_sheet(day, start, seq);
  std::vector<Group> list;
  auto& s = db_.prepare("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE day = ? AND status = 'active'");
  s.bind(1, day);
  while (s.step()) list.push_back(group_row(s));
  s.reset();
  for (const auto& g : list) archive_group(g, "reset");
  db_.prepare("UPDATE evening_groups SET status = 'reset', seq = ? WHERE day = ? AND status = 'active'").bind_all(seq, day).run();
  groups = static_cast<int>(list.size());
}

// [SECTION] Writes: interest and moves

InterestResult NodeStore::add_interest(const std::string& claim_id, const std::string& interest_id) {
  InterestResult r;
  Transaction tx(db_);
  auto cur = cell_of_claim(claim_id);
  auto& prev = db_.prepare("SELECT claim_id FROM interest WHERE interest_id = ?");
  prev.bind(1, interest_id);
  const bool seen = prev.step();
  const std::string seen_claim = seen ? prev.text(0) : std::string();
  prev.reset();
  if (seen && seen_claim != claim_id) {
    r.error = err("claim_id_reused", "This interest_id was already used for another session.");
    r.seq = seq();
    return r;
  }
  if (!cur) {
    r.error = err("not_found", "No session with claim_id " + claim_id + " is on the board.");
    r.seq = seq();
    return r;
  }
  r.cell = *cur;
  if (seen) {
    r.seq = seq();
    return r;  // counted once
  }
  r.seq = next_seq("interest", nullptr, claim_id);
  db_.prepare("INSERT INTO interest(interest_id, claim_id, at) VALUES (?, ?, ?)").bind_all(interest_id, claim_id, rows::now_iso()).run();
  r.cell.interest += 1;
  r.cell.seq = r.seq;
  write_cell(r.cell);
  r.counted = true;
  tx.commit();
  return r;
}

MoveResult NodeStore::move(const std::string& claim_id, const CellKey& to, const LocalTime& now) {
  MoveResult r;
  if (!in_event(to)) {
    r.error = err("not_found", "There is no slot " + to.day + " " + to.start + " in room " + to.room + ".");
    r.seq = seq();
    return r;
  }
  Transaction tx(db_);
  auto from = cell_of_claim(claim_id);
  if (!from) {
    r.error = err("not_found", "No session with claim_id " + claim_id + " is on the board.");
    r.seq = seq();
    return r;
  }
  r.from = *from;
  r.to = *read_cell(to);
  if (r.to.key() == r.from.key()) {
    r.error = err("invalid", "The session is already in room " + to.room + " at " + to.start + ".");
  } else if (r.to.state == CellState::Claimed) {
    r.error = err("taken", "Room " + to.room + " at " + to.start + " on " + to.day + " is already taken.");
  } else if (r.to.state == CellState::Blocked) {
    r.error = err("blocked", "Room " + to.room + " at " + to.start + " on " + to.day + " is blocked by staff.");
  } else {
    const int start_min = *parse_hhmm(to.start);
    if (slot_phase(to.day, start_min, event_.find_slot(start_min)->end, now) == SlotPhase::Past)
      r.error = err("past", "The slot " + to.day + " " + to.start + " has already ended.");
  }
  if (r.error) {
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("move", &to, claim_id);
  Cell moved = r.to;
  moved.state = CellState::Claimed;
  moved.title = r.from.title;
  moved.host = r.from.host;
  moved.description = r.from.description;
  moved.claim_id = r.from.claim_id;
  moved.interest = r.from.interest;
  moved.label.clear();
  moved.moved_from_room = r.from.room;
  moved.moved_from_start = r.from.start;
  moved.moved_to_room.clear();
  moved.moved_to_start.clear();
  moved.seq = r.seq;
  Cell left = rows::open_cell(r.from.day, r.from.room, r.from.start, r.from.end, r.seq);
  left.moved_to_room = to.room;
  left.moved_to_start = to.start;
  write_cell(left);
  write_cell(moved);
  r.from = left;
  r.to = moved;
  tx.commit();
  return r;
}

}  // namespace osb
