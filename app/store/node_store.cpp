#include "store/node_store.hpp"

#include "store/board_rules.hpp"
#include "store/cell_rows.hpp"

namespace osb {

// [SECTION] Schema and migrations
// Version 1: cells, claims, archive, changes, meta. Version 2 adds talks (the conference
// programme) and schedule_imports. A migration step per version bump goes in migrate(); a
// database from a newer program is refused, never modified.

namespace {

const char* kSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cells (
  day TEXT NOT NULL, room TEXT NOT NULL, start TEXT NOT NULL, end_time TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open','claimed','blocked')),
  title TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  claim_id TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '',
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, room, start));
CREATE INDEX cells_seq ON cells(seq);
CREATE TABLE claims (
  claim_id TEXT PRIMARY KEY, day TEXT NOT NULL, room TEXT NOT NULL, start TEXT NOT NULL,
  title TEXT NOT NULL, host TEXT NOT NULL, description TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active','removed','reset')), at TEXT NOT NULL);
CREATE TABLE archive (
  id INTEGER PRIMARY KEY, claim_id TEXT NOT NULL, day TEXT NOT NULL, room TEXT NOT NULL, start TEXT NOT NULL,
  title TEXT NOT NULL, host TEXT NOT NULL, description TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('removed','reset','lost')), at TEXT NOT NULL);
CREATE INDEX archive_day ON archive(day);
CREATE UNIQUE INDEX archive_lost_once ON archive(claim_id) WHERE reason = 'lost';
CREATE TABLE changes (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
  day TEXT, room TEXT, start TEXT, claim_id TEXT);
)sql";

// Talks: persons joined by newlines (names never hold one: control characters are dropped
// on import). schedule_imports keeps every import; the last row is the one shown.
const char* kSchemaV2 = R"sql(
CREATE TABLE talks (
  id TEXT PRIMARY KEY, day TEXT NOT NULL, start TEXT NOT NULL, end_time TEXT NOT NULL,
  room TEXT NOT NULL, title TEXT NOT NULL, persons TEXT NOT NULL DEFAULT '',
  track TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('scheduled','cancelled')),
  seq INTEGER NOT NULL DEFAULT 0);
CREATE INDEX talks_seq ON talks(seq);
CREATE TABLE schedule_imports (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, source TEXT NOT NULL, talks INTEGER NOT NULL,
  added INTEGER NOT NULL, updated INTEGER NOT NULL, cancelled INTEGER NOT NULL,
  unchanged INTEGER NOT NULL, seq INTEGER NOT NULL);
)sql";

// Lightning sheets (one row per day and sheet, carrying the seq of the last change to it),
// sign-ups, evening groups with their joins, "I'll come" taps, and the archives of sign-ups
// and groups. Cells gain the interest count and where a moved session came from / went to.
const char* kSchemaV3 = OSB_CELL_COLUMNS_V3_SQL R"sql(
ALTER TABLE archive ADD COLUMN interest INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sheets (day TEXT NOT NULL, start TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, start));
CREATE INDEX sheets_seq ON sheets(seq);
CREATE TABLE signups (
  signup_id TEXT PRIMARY KEY, day TEXT NOT NULL, start TEXT NOT NULL, title TEXT NOT NULL, speaker TEXT NOT NULL,
  position INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('active','removed','reset')), at TEXT NOT NULL);
CREATE INDEX signups_sheet ON signups(day, start, status, position);
CREATE TABLE evening_groups (
  group_id TEXT PRIMARY KEY, day TEXT NOT NULL, time TEXT NOT NULL, title TEXT NOT NULL, place TEXT NOT NULL,
  seats INTEGER NOT NULL CHECK (seats BETWEEN 2 AND 40), host TEXT NOT NULL, continues TEXT NOT NULL DEFAULT '',
  joined INTEGER NOT NULL DEFAULT 0 CHECK (joined >= 0 AND joined <= seats),
  status TEXT NOT NULL CHECK (status IN ('active','removed','reset')), seq INTEGER NOT NULL, at TEXT NOT NULL);
CREATE INDEX evening_groups_seq ON evening_groups(seq);
CREATE TABLE joins (join_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE interest (interest_id TEXT PRIMARY KEY, claim_id TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE archive_signups (
  id INTEGER PRIMARY KEY, signup_id TEXT NOT NULL, day TEXT NOT NULL, start TEXT NOT NULL, title TEXT NOT NULL,
  speaker TEXT NOT NULL, position INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('removed','reset','lost')), at TEXT NOT NULL);
CREATE INDEX archive_signups_day ON archive_signups(day);
CREATE UNIQUE INDEX archive_signups_lost_once ON archive_signups(signup_id) WHERE reason = 'lost';
CREATE TABLE archive_groups (
  id INTEGER PRIMARY KEY, group_id TEXT NOT NULL, day TEXT NOT NULL, time TEXT NOT NULL, title TEXT NOT NULL,
  place TEXT NOT NULL, seats INTEGER NOT NULL, host TEXT NOT NULL, continues TEXT NOT NULL, joined INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('removed','reset','lost')), at TEXT NOT NULL);
CREATE INDEX archive_groups_day ON archive_groups(day);
CREATE UNIQUE INDEX archive_groups_lost_once ON archive_groups(group_id) WHERE reason = 'lost';
)sql";

}  // namespace

void write_new_epoch(Database& db) {
  int version = 0;
  try {
    version = db.user_version();
  } catch (const StoreError&) {
    throw StoreError(0, db.path() + " is not an Open Space Board database");
  }
  if (version < 1 || version > kNodeSchemaVersion)
    throw StoreError(0, db.path() + " is not an Open Space Board database this program can use (schema " + std::to_string(version) + ")");
  db.prepare("UPDATE meta SET value = ? WHERE key = 'epoch'").bind_all(rules::new_epoch()).run();
  if (db.changes() != 1) throw StoreError(0, db.path() + " has no epoch: it is not an Open Space Board database");
}

NodeStore::NodeStore(const std::string& path, const Event& event) : db_(path), event_(event) {
  // The node and a staff tool (backup, morning-reset) may open a new file at the same moment.
  retry_while_busy([this] {
    migrate();
    seed();
  });
}

void NodeStore::migrate() {
  Transaction tx(db_);
  const int v = db_.user_version();
  if (v > kNodeSchemaVersion)
    throw StoreError(0, "database " + db_.path() + " was written by a newer Open Space Board (schema " + std::to_string(v) +
                            "; this program knows up to " + std::to_string(kNodeSchemaVersion) + "): refusing to open it");
  if (v < 1) {
    db_.exec(kSchemaV1);
    db_.prepare("INSERT INTO meta(key, value) VALUES ('epoch', ?), ('seq', '0')").bind_all(rules::new_epoch()).run();
    db_.set_user_version(1);
  }
  if (v < 2) {
    db_.exec(kSchemaV2);
    db_.set_user_version(2);
  }
  if (v < 3) {
    db_.exec(kSchemaV3);
    db_.set_user_version(3);
  }
  tx.commit();
}

void NodeStore::seed() {
  // Insert any missing cell of the event's grid; if any were added, that is one change.
  Transaction tx(db_);
  std::int64_t added = 0;
  auto& ins = db_.prepare("INSERT OR IGNORE INTO cells(day, room, start, end_time, state, seq) VALUES (?, ?, ?, ?, 'open', -1)");
  for (const auto& day : event_.days)
    for (const auto& room : event_.rooms)
      for (const auto& slot : event_.slots) {
        ins.reset();
        ins.bind_all(day, room.id, format_hhmm(slot.start), format_hhmm(slot.end)).run();
        added += db_.changes();
      }
  auto& sheet = db_.prepare("INSERT OR IGNORE INTO sheets(day, start, seq) VALUES (?, ?, -1)");
  for (const auto& day : event_.days)
    for (const auto& sh : event_.lightning) {
      sheet.reset();
      sheet.bind_all(day, format_hhmm(sh.start)).run();
      added += db_.changes();
    }
  if (added > 0) {
    const std::int64_t s = next_seq("seed", nullptr, "");
    db_.prepare("UPDATE cells SET seq = ? WHERE seq = -1").bind_all(s).run();
    db_.prepare("UPDATE sheets SET seq = ? WHERE seq = -1").bind_all(s).run();
  }
  tx.commit();
}

std::int64_t NodeStore::next_seq(const char* kind, const CellKey* key, const std::string& claim_id) {
  auto& up = db_.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq' RETURNING CAST(value AS INTEGER)");
  up.step();
  const std::int64_t s = up.int64(0);
  up.reset();
  auto& log = db_.prepare("INSERT INTO changes(seq, at, kind, day, room, start, claim_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
  log.bind(1, s).bind(2, rules::now_iso()).bind(3, kind);
  if (key) log.bind(4, key->day).bind(5, key->room).bind(6, key->start);
  else log.bind_null(4).bind_null(5).bind_null(6);
  if (claim_id.empty()) log.bind_null(7);
  else log.bind(7, claim_id);
  log.run();
  return s;
}

// [SECTION] Reads

std::string NodeStore::epoch() {
  auto& s = db_.prepare("SELECT value FROM meta WHERE key = 'epoch'");
  s.step();
  std::string e = s.text(0);
  s.reset();
  return e;
}

std::int64_t NodeStore::seq() {
  auto& s = db_.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'");
  s.step();
  const std::int64_t v = s.int64(0);
  s.reset();
  return v;
}

std::optional<Announcement> NodeStore::announcement() {
  return rows::read_announcement(db_);
}

Board NodeStore::board() {
  Transaction tx(db_, Transaction::Mode::Deferred);  // one consistent snapshot
  Board b;
  b.event = event_;
  b.epoch = epoch();
  b.seq = seq();
  b.announcement = announcement();
  auto& s = db_.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells ORDER BY day, start, room");
  while (s.step()) {
    Cell c = rows::cell(s);
    if (rules::in_event(event_, c.key())) b.cells.push_back(std::move(c));
  }
  s.reset();
  b.talks = read_talks(std::nullopt);
  b.lightning = read_sheets(std::nullopt);
  b.groups = read_groups(std::nullopt);
  tx.commit();
  return b;
}

Changes NodeStore::changes_since(std::int64_t since) {
  Transaction tx(db_, Transaction::Mode::Deferred);
  Changes ch;
  ch.epoch = epoch();
  ch.seq = seq();
  ch.announcement = announcement();
  auto& s = db_.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE seq > ? ORDER BY seq");
  s.bind(1, since);
  while (s.step()) {
    Cell c = rows::cell(s);
    if (rules::in_event(event_, c.key())) ch.cells.push_back(std::move(c));
  }
  s.reset();
  ch.talks = read_talks(since);
  ch.lightning = read_sheets(since);
  ch.groups = read_groups(since);
  tx.commit();
  return ch;
}

std::optional<Cell> NodeStore::read_cell(const CellKey& key) {
  return rows::read_cell(db_, key);
}

std::optional<Cell> NodeStore::cell(const CellKey& key) {
  if (!rules::in_event(event_, key)) return std::nullopt;
  return read_cell(key);
}

std::optional<Cell> NodeStore::cell_of_claim(const std::string& claim_id) {
  auto& s = db_.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE claim_id = ? AND state = 'claimed'");
  s.bind(1, claim_id);
  std::optional<Cell> c;
  if (s.step()) c = rows::cell(s);
  s.reset();
  return c;
}

std::vector<Cell> NodeStore::claimed_cells() {
  std::vector<Cell> out;
  auto& s = db_.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE state = 'claimed' ORDER BY day, start, room");
  while (s.step()) {
    Cell c = rows::cell(s);
    if (rules::in_event(event_, c.key())) out.push_back(std::move(c));
  }
  s.reset();
  return out;
}

int NodeStore::claimed_count(const std::string& day) {
  auto& s = db_.prepare("SELECT COUNT(*) FROM cells WHERE day = ? AND state = 'claimed'");
  s.bind(1, day);
  s.step();
  const int n = static_cast<int>(s.int64(0));
  s.reset();
  return n;
}

std::vector<ArchivedClaim> NodeStore::archive(const std::string& day) {
  std::vector<ArchivedClaim> out;
  auto& s = db_.prepare(
      "SELECT claim_id, day, room, start, title, host, description, reason, at FROM archive WHERE day = ? ORDER BY id");
  s.bind(1, day);
  while (s.step()) out.push_back(rules::archived_claim_from(s));
  s.reset();
  return out;
}

std::vector<Talk> NodeStore::read_talks(std::optional<std::int64_t> since) {
  // Statements are cached by their text's address: two literals, not one built string.
  auto& s = since ? db_.prepare("SELECT " OSB_TALK_COLUMNS " FROM talks WHERE seq > ? ORDER BY start, room, id")
                  : db_.prepare("SELECT " OSB_TALK_COLUMNS " FROM talks ORDER BY start, room, id");
  if (since) s.bind(1, *since);
  std::vector<Talk> out;
  while (s.step()) out.push_back(rows::talk(s));
  s.reset();
  return out;
}

std::vector<Talk> NodeStore::talks() { return read_talks(std::nullopt); }

std::optional<ScheduleImport> NodeStore::last_import() {
  auto& s = db_.prepare(
      "SELECT at, source, talks, added, updated, cancelled, unchanged, seq FROM schedule_imports ORDER BY id DESC LIMIT 1");
  std::optional<ScheduleImport> out;
  if (s.step()) out = rules::schedule_import_from(s);
  s.reset();
  return out;
}

// [SECTION] Writes

void NodeStore::write_cell(const Cell& c) {
  db_.prepare(
         "UPDATE cells SET state = ?, title = ?, host = ?, description = ?, claim_id = ?, label = ?, seq = ?, "
         "interest = ?, moved_from_room = ?, moved_from_start = ?, moved_to_room = ?, moved_to_start = ? "
         "WHERE day = ? AND room = ? AND start = ?")
      .bind_all(std::string(to_string(c.state)), c.title, c.host, c.description, c.claim_id, c.label, c.seq, c.interest,
                c.moved_from_room, c.moved_from_start, c.moved_to_room, c.moved_to_start, c.day, c.room, c.start)
      .run();
}

void NodeStore::archive_claim(const Claim& c, const char* reason, int interest) {
  db_.prepare(
         "INSERT OR IGNORE INTO archive(claim_id, day, room, start, title, host, description, reason, at, interest) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(c.claim_id, c.day, c.room, c.start, c.title, c.host, c.description, std::string(reason), rules::now_iso(),
                interest)
      .run();
}

ClaimResult NodeStore::claim(Claim claim, const LocalTime& now) {
  ClaimResult r;
  if (auto refused = rules::check_claim(event_, claim)) {
    refused->answer(r);
    r.seq = seq();
    return r;
  }
  const CellKey key{claim.day, claim.room, claim.start};

  Transaction tx(db_);
  r.cell = *read_cell(key);

  auto& prev = db_.prepare("SELECT day, room, start, title, host, description, status FROM claims WHERE claim_id = ?");
  prev.bind(1, claim.claim_id);
  if (prev.step()) {
    const Claim old{claim.claim_id, prev.text(0), prev.text(1), prev.text(2), prev.text(3), prev.text(4), prev.text(5)};
    const std::string status = prev.text(6);
    prev.reset();
    rules::replay_claim(old, status, claim).answer(r);
    if (r.outcome == ClaimOutcome::Removed) {
      r.cell = *read_cell({old.day, old.room, old.start});
    } else if (r.outcome == ClaimOutcome::Replayed) {
      // Where the session is now: staff may have moved it since (it keeps its claim_id).
      auto now_at = cell_of_claim(claim.claim_id);
      r.cell = now_at ? *now_at : *read_cell({old.day, old.room, old.start});
    }
    r.seq = seq();
    return r;  // read-only: the transaction rolls back
  }
  prev.reset();

  if (auto lost = rules::refuse_claim(event_, claim, r.cell, now)) {
    lost->answer(r);
    archive_claim(claim, "lost");  // once per claim_id (unique index), so staff see who missed out
    tx.commit();
    r.seq = seq();
    return r;
  }

  r.seq = next_seq("claim", &key, claim.claim_id);
  db_.prepare("INSERT INTO claims(claim_id, day, room, start, title, host, description, status, at) VALUES (?,?,?,?,?,?,?,'active',?)")
      .bind_all(claim.claim_id, claim.day, claim.room, claim.start, claim.title, claim.host, claim.description, rules::now_iso())
      .run();
  r.cell = rules::claimed_cell(r.cell, claim, r.seq);
  write_cell(r.cell);
  tx.commit();
  r.outcome = ClaimOutcome::Created;
  return r;
}

CellResult NodeStore::release(const std::string& claim_id) {
  CellResult r;
  Transaction tx(db_);
  auto cur = cell_of_claim(claim_id);
  if (!cur) return rules::refused<CellResult>(rules::no_session(claim_id), seq());
  archive_claim(rules::claim_of(*cur), "removed", cur->interest);
  db_.prepare("UPDATE claims SET status = 'removed' WHERE claim_id = ?").bind_all(claim_id).run();
  r.seq = next_seq("remove", nullptr, claim_id);
  r.cell = rules::open_cell(*cur, r.seq);
  write_cell(r.cell);
  tx.commit();
  return r;
}

ResetResult NodeStore::reset_day(const std::string& day) {
  if (!event_.has_day(day)) return rules::refused<ResetResult>(rules::no_event_day(day), seq());
  ResetResult r;
  Transaction tx(db_);
  std::vector<Cell> claimed;
  auto& s = db_.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE day = ? AND state = 'claimed'");
  s.bind(1, day);
  while (s.step()) claimed.push_back(rows::cell(s));
  s.reset();
  auto& other = db_.prepare(
      "SELECT (SELECT COUNT(*) FROM signups WHERE day = ?1 AND status = 'active'), "
      "(SELECT COUNT(*) FROM evening_groups WHERE day = ?1 AND status = 'active'), "
      "(SELECT COUNT(*) FROM cells WHERE day = ?1 AND moved_to_room != '')");
  other.bind(1, day);
  other.step();
  const bool gatherings = other.int64(0) + other.int64(1) + other.int64(2) > 0;
  other.reset();
  if (claimed.empty() && !gatherings) {
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("reset", nullptr, "");
  db_.prepare("UPDATE cells SET moved_to_room = '', moved_to_start = '', seq = ?1 WHERE day = ?2 AND moved_to_room != ''")
      .bind_all(r.seq, day)
      .run();
  reset_gatherings(day, r.seq, r.signups, r.groups);
  for (auto& c : claimed) {
    archive_claim(rules::claim_of(c), "reset", c.interest);
    db_.prepare("UPDATE claims SET status = 'reset' WHERE claim_id = ?").bind_all(c.claim_id).run();
    write_cell(rules::open_cell(c, r.seq));
  }
  tx.commit();
  r.archived = static_cast<int>(claimed.size());
  return r;
}

CellResult NodeStore::block(const CellKey& key, std::string label) {
  if (auto e = rules::check_block(event_, key, label)) return rules::refused<CellResult>(*e, seq());
  CellResult r;
  Transaction tx(db_);
  r.cell = *read_cell(key);
  if ((r.error = rules::refuse_block(r.cell))) {
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("block", &key, "");
  r.cell = rules::blocked_cell(r.cell, label, r.seq);
  write_cell(r.cell);
  tx.commit();
  return r;
}

CellResult NodeStore::unblock(const CellKey& key) {
  if (auto e = rules::check_cell(event_, key)) return rules::refused<CellResult>(*e, seq());
  CellResult r;
  Transaction tx(db_);
  r.cell = *read_cell(key);
  if ((r.error = rules::refuse_unblock(r.cell))) {
    r.seq = seq();
    return r;
  }
  r.seq = next_seq("unblock", &key, "");
  r.cell = rules::unblocked_cell(r.cell, r.seq);
  write_cell(r.cell);
  tx.commit();
  return r;
}

AnnouncementResult NodeStore::set_announcement(Announcement a) {
  if (auto e = rules::check_announcement(a)) return rules::refused<AnnouncementResult>(*e, seq());
  AnnouncementResult r;
  Transaction tx(db_);
  r.seq = next_seq("announcement", nullptr, "");
  db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('ann_text', ?), ('ann_until', ?)").bind_all(a.text, a.until).run();
  tx.commit();
  if (!a.text.empty()) r.announcement = a;
  return r;
}

ScheduleResult NodeStore::import_schedule(const std::vector<Talk>& incoming, const std::string& source) {
  Transaction tx(db_);
  const TalkMerge m = merge_talks(read_talks(std::nullopt), incoming);
  ScheduleResult r = rules::schedule_result(m);
  // One seq for the whole import, even one that changed nothing: the last import moved on.
  r.seq = next_seq("schedule", nullptr, "");
  auto& up = db_.prepare(
      "INSERT INTO talks(" OSB_TALK_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(id) DO UPDATE SET day = excluded.day, start = excluded.start, end_time = excluded.end_time, "
      "room = excluded.room, title = excluded.title, persons = excluded.persons, track = excluded.track, "
      "url = excluded.url, state = excluded.state, seq = excluded.seq");
  for (const auto& item : m.changes) {
    const Talk& t = item.talk;
    up.reset();
    up.bind_all(t.id, t.day, t.start, t.end, t.room, t.title, rules::join_lines(t.persons), t.track, t.url,
                std::string(to_string(t.state)), r.seq)
        .run();
  }
  db_.prepare(
         "INSERT INTO schedule_imports(at, source, talks, added, updated, cancelled, unchanged, seq) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(rules::now_iso(), source, static_cast<std::int64_t>(r.talks), static_cast<std::int64_t>(r.added),
                static_cast<std::int64_t>(r.updated), static_cast<std::int64_t>(r.cancelled),
                static_cast<std::int64_t>(r.unchanged), r.seq)
      .run();
  tx.commit();
  return r;
}

}  // namespace osb
