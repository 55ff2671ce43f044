// Open Space Board — NodeStore, contract §4.3: lightning-talk sheets, evening groups, "I'll
// come" interest and moving a session. Same rules as claims: every write is one IMMEDIATE
// transaction; exactly one winner under any race (the write lock serialises them, and each
// decision is made inside it); idempotent per id; one seq per change.
#include <set>

#include "store/board_rules.hpp"
#include "store/cell_rows.hpp"
#include "store/node_store.hpp"

namespace osb {

namespace {

LightningSignup signup_row(const Statement& s) { return rules::signup_from(s); }

Group group_row(const Statement& s) { return rules::group_with_status_from(s); }

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
  Sheet sh = rules::sheet_frame(day, t, seq);
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
    const LightningSheet* t = rules::find_sheet(event_, day, start);
    if (!t) continue;  // a sheet no longer in event.toml
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
  const LightningSheet* t = rules::find_sheet(event_, day, start);
  if (!t) return std::nullopt;
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
      .bind_all(x.signup_id, x.day, x.start, x.title, x.speaker, x.position, std::string(reason), rules::now_iso())
      .run();
}

SignupResult NodeStore::sign_up(LightningSignup x, const LocalTime& now) {
  const LightningSheet* t = nullptr;
  if (auto e = rules::check_signup(event_, x, t)) return rules::refused<SignupResult>(*e, seq());
  SignupResult r;
  Transaction tx(db_);
  auto& prev = db_.prepare("SELECT " OSB_SIGNUP_COLUMNS ", status FROM signups WHERE signup_id = ?");
  prev.bind(1, x.signup_id);
  if (prev.step()) {
    const LightningSignup old = signup_row(prev);
    const std::string status = prev.text(6);
    prev.reset();
    r.sheet = *sheet(old.day, old.start);
    r.signup = old;
    r.error = rules::replay_signup(old, status, x);
    r.seq = seq();
    return r;  // a replay: nothing written
  }
  prev.reset();
  r.sheet = *sheet(x.day, x.start);
  r.signup = x;
  if ((r.error = rules::refuse_signup(r.sheet, *t, x, now))) {
    archive_signup(x, "lost");  // once per signup_id, so staff see who missed out
    tx.commit();
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("signup", nullptr, "");
  rules::add_signup(r.sheet, x, r.seq);
  db_.prepare("INSERT INTO signups(" OSB_SIGNUP_COLUMNS ", status, at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?)")
      .bind_all(x.signup_id, x.day, x.start, x.title, x.speaker, x.position, rules::now_iso())
      .run();
  touch_sheet(x.day, x.start, r.seq);
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
    return rules::refused<SignupResult>(rules::no_signup(signup_id), seq());
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
  const LightningSheet* t = rules::find_sheet(event_, day, start);
  if (!t) return rules::refused<SignupResult>(rules::no_sheet(day, start), seq());
  SignupResult r;
  Transaction tx(db_);
  r.sheet = *sheet(day, format_hhmm(t->start));
  if ((r.error = rules::refuse_reorder(r.sheet, order))) {
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
                rules::now_iso())
      .run();
}

GroupResult NodeStore::create_group(Group g, const LocalTime& now) {
  if (auto e = rules::check_group(event_, g)) return rules::refused<GroupResult>(*e, seq());
  GroupResult r;
  Transaction tx(db_);
  std::string status;
  if (auto old = read_group(g.group_id, &status)) {
    r.group = *old;
    r.error = rules::replay_group(*old, status, g);
    r.seq = seq();
    return r;
  }
  if (!g.continues.empty() && !cell_of_claim(g.continues))
    return rules::refused<GroupResult>(rules::no_continued_session(g), seq());
  r.group = g;
  if ((r.error = rules::refuse_group(g, now))) {
    archive_group(g, "lost");
    tx.commit();
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("group", nullptr, "");
  g = rules::created_group(g, r.seq);
  db_.prepare("INSERT INTO evening_groups(" OSB_GROUP_COLUMNS ", at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'active', ?)")
      .bind_all(g.group_id, g.day, g.time, g.title, g.where, g.seats, g.host, g.continues, g.seq, rules::now_iso())
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
  if (!g) return rules::refused<GroupResult>(rules::no_group(group_id), seq());
  r.group = *g;
  auto& prev = db_.prepare("SELECT group_id FROM joins WHERE join_id = ?");
  prev.bind(1, join_id);
  if (prev.step()) {
    const std::string joined_group = prev.text(0);
    prev.reset();
    r.error = rules::replay_join(joined_group, group_id);
    r.seq = seq();
    return r;  // counted once
  }
  prev.reset();
  if ((r.error = rules::refuse_join(*g, status))) {
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("join", nullptr, "");
  db_.prepare("INSERT INTO joins(join_id, group_id, at) VALUES (?, ?, ?)").bind_all(join_id, group_id, rules::now_iso()).run();
  db_.prepare("UPDATE evening_groups SET joined = joined + 1, seq = ? WHERE group_id = ?").bind_all(r.seq, group_id).run();
  r.group = rules::joined_group(r.group, r.seq);
  r.created = true;
  tx.commit();
  return r;
}

GroupResult NodeStore::remove_group(const std::string& group_id) {
  GroupResult r;
  Transaction tx(db_);
  std::string status;
  auto g = read_group(group_id, &status);
  if (!g || status != "active") return rules::refused<GroupResult>(rules::no_group_on_board(group_id), seq());
  archive_group(*g, "removed");
  r.seq = next_seq("group_remove", nullptr, "");
  db_.prepare("UPDATE evening_groups SET status = 'removed', seq = ? WHERE group_id = ?").bind_all(r.seq, group_id).run();
  r.group = rules::removed_group(*g, r.seq);
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
  std::optional<std::string> seen_claim;
  if (prev.step()) seen_claim = prev.text(0);
  prev.reset();
  if (auto e = rules::refuse_interest(seen_claim, claim_id, cur.has_value())) return rules::refused<InterestResult>(*e, seq());
  r.cell = *cur;
  if (seen_claim) {
    r.seq = seq();
    return r;  // counted once
  }
  r.seq = next_seq("interest", nullptr, claim_id);
  db_.prepare("INSERT INTO interest(interest_id, claim_id, at) VALUES (?, ?, ?)").bind_all(interest_id, claim_id, rules::now_iso()).run();
  r.cell = rules::interested_cell(r.cell, r.seq);
  write_cell(r.cell);
  r.counted = true;
  tx.commit();
  return r;
}

MoveResult NodeStore::move(const std::string& claim_id, const CellKey& to, const LocalTime& now) {
  if (auto e = rules::check_cell(event_, to)) return rules::refused<MoveResult>(*e, seq());
  MoveResult r;
  Transaction tx(db_);
  auto from = cell_of_claim(claim_id);
  if (!from) return rules::refused<MoveResult>(rules::no_session(claim_id), seq());
  r.from = *from;
  r.to = *read_cell(to);
  if ((r.error = rules::refuse_move(event_, r.from, r.to, now))) {
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("move", &to, claim_id);
  const auto cells = rules::move_cells(r.from, r.to, r.seq);
  write_cell(cells.left);
  write_cell(cells.moved);
  r.from = cells.left;
  r.to = cells.moved;
  tx.commit();
  return r;
}

}  // namespace osb
