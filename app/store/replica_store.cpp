// Open Space Board — ReplicaStore implementation.
// [SECTION] Schema and migrations
// [SECTION] Helpers (rows <-> cells, meta)
// [SECTION] The board as last seen
// [SECTION] Outbox
// [SECTION] Lost claims
#include "store/replica_store.hpp"

#include "store/cell_rows.hpp"

#include <chrono>

#include "core/time.hpp"

namespace osb {

// [SECTION] Schema and migrations
// Version 1. store/ does not know JSON, so the event is kept as tables (days, rooms, slots) and
// meta keys. A database from a newer program is refused, never modified.

namespace {

const char* kReplicaSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE days (pos INTEGER PRIMARY KEY, day TEXT NOT NULL);
CREATE TABLE rooms (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, where_text TEXT NOT NULL);
CREATE TABLE slots (pos INTEGER PRIMARY KEY, start_min INTEGER NOT NULL, end_min INTEGER NOT NULL);
CREATE TABLE cells (
  day TEXT NOT NULL, room TEXT NOT NULL, start TEXT NOT NULL, end_time TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open','claimed','blocked')),
  title TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  claim_id TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '',
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, room, start));
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, claim_id TEXT NOT NULL UNIQUE,
  day TEXT NOT NULL, room TEXT NOT NULL, start TEXT NOT NULL,
  title TEXT NOT NULL, host TEXT NOT NULL, description TEXT NOT NULL,
  created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE lost (
  id INTEGER PRIMARY KEY AUTOINCREMENT, claim_id TEXT NOT NULL UNIQUE,
  day TEXT NOT NULL, room TEXT NOT NULL, start TEXT NOT NULL,
  title TEXT NOT NULL, host TEXT NOT NULL, description TEXT NOT NULL,
  error_code TEXT NOT NULL, error_message TEXT NOT NULL,
  has_cell INTEGER NOT NULL DEFAULT 0,
  cell_end TEXT NOT NULL DEFAULT '', cell_state TEXT NOT NULL DEFAULT 'open',
  cell_title TEXT NOT NULL DEFAULT '', cell_host TEXT NOT NULL DEFAULT '', cell_description TEXT NOT NULL DEFAULT '',
  cell_claim_id TEXT NOT NULL DEFAULT '', cell_label TEXT NOT NULL DEFAULT '', cell_seq INTEGER NOT NULL DEFAULT 0,
  at TEXT NOT NULL, acknowledged INTEGER NOT NULL DEFAULT 0);
)sql";

#define CLAIM_COLUMNS "claim_id, day, room, start, title, host, description"

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}


// [SECTION] Helpers (rows <-> cells, meta)


// Version 2: the conference's talks, so a kiosk shows them offline too.
const char* kReplicaSchemaV2 = R"sql(
CREATE TABLE talks (
  id TEXT PRIMARY KEY, day TEXT NOT NULL, start TEXT NOT NULL, end_time TEXT NOT NULL,
  room TEXT NOT NULL, title TEXT NOT NULL, persons TEXT NOT NULL DEFAULT '',
  track TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0);
)sql";

// Version 3: lightning sheets and sign-ups, evening groups, interest and moves on cells, room
// capacity, and the outbox of actions (sign-ups, groups, joins, interest) with their lost ones.
const char* kReplicaSchemaV3 = OSB_CELL_COLUMNS_V3_SQL R"sql(
ALTER TABLE rooms ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sheets (day TEXT NOT NULL, start TEXT NOT NULL, talks INTEGER NOT NULL, minutes INTEGER NOT NULL,
  closes TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, start));
CREATE TABLE signups (signup_id TEXT PRIMARY KEY, day TEXT NOT NULL, start TEXT NOT NULL, title TEXT NOT NULL,
  speaker TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX signups_sheet ON signups(day, start, position);
CREATE TABLE evening_groups (group_id TEXT PRIMARY KEY, day TEXT NOT NULL, time TEXT NOT NULL, title TEXT NOT NULL,
  place TEXT NOT NULL, seats INTEGER NOT NULL, host TEXT NOT NULL, continues TEXT NOT NULL, joined INTEGER NOT NULL,
  seq INTEGER NOT NULL);
CREATE TABLE actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, action_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, target TEXT NOT NULL,
  day TEXT NOT NULL, start TEXT NOT NULL, title TEXT NOT NULL, name TEXT NOT NULL, place TEXT NOT NULL,
  seats INTEGER NOT NULL, continues TEXT NOT NULL, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE lost_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, action_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, target TEXT NOT NULL,
  day TEXT NOT NULL, start TEXT NOT NULL, title TEXT NOT NULL, name TEXT NOT NULL, place TEXT NOT NULL,
  seats INTEGER NOT NULL, continues TEXT NOT NULL, created_at TEXT NOT NULL,
  error_code TEXT NOT NULL, error_message TEXT NOT NULL, at TEXT NOT NULL, acknowledged INTEGER NOT NULL DEFAULT 0);
)sql";

#define ACTION_COLUMNS "action_id, kind, target, day, start, title, name, place, seats, continues, created_at"

// Claim columns starting at `col`.
Claim claim_from_row(Statement& s, int col) {
  return Claim{s.text(col), s.text(col + 1), s.text(col + 2), s.text(col + 3),
               s.text(col + 4), s.text(col + 5), s.text(col + 6)};
}

}  // namespace

ReplicaStore::ReplicaStore(const std::string& path) : db_(path) {
  // The kiosk's UI and its sync worker open the same new file at once: the one that loses the race
  // for the first write lock tries again (and then finds the schema in place).
  retry_while_busy([this] {
    Transaction tx(db_);
    const int v = db_.user_version();
    if (v > kReplicaSchemaVersion)
      throw StoreError(0, "replica " + db_.path() + " was written by a newer Open Space Board (schema " + std::to_string(v) +
                              "; this program knows up to " + std::to_string(kReplicaSchemaVersion) + "): refusing to open it");
    if (v < 1) {
      db_.exec(kReplicaSchemaV1);
      db_.set_user_version(1);
    }
    if (v < 2) {
      db_.exec(kReplicaSchemaV2);
      db_.set_user_version(2);
    }
    if (v < 3) {
      db_.exec(kReplicaSchemaV3);
      db_.set_user_version(3);
    }
    tx.commit();
  });
}

std::string ReplicaStore::meta(const char* key) {
  auto& s = db_.prepare("SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  std::string v = s.step() ? s.text(0) : std::string();
  s.reset();
  return v;
}

void ReplicaStore::set_meta(const char* key, const std::string& value) {
  db_.prepare("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind_all(key, value)
      .run();
}

// Keeps the stored cell when it is newer than `c` (a change that arrived late must not undo a later one).
void ReplicaStore::store_cell(const Cell& c) {
  db_.prepare("INSERT INTO cells(" OSB_CELL_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT(day, room, start) DO UPDATE SET end_time = excluded.end_time, state = excluded.state, "
              "title = excluded.title, host = excluded.host, description = excluded.description, "
              "claim_id = excluded.claim_id, label = excluded.label, seq = excluded.seq, interest = excluded.interest, "
              "moved_from_room = excluded.moved_from_room, moved_from_start = excluded.moved_from_start, "
              "moved_to_room = excluded.moved_to_room, moved_to_start = excluded.moved_to_start "
              "WHERE excluded.seq >= cells.seq")
      .bind_all(c.day, c.room, c.start, c.end, std::string(to_string(c.state)), c.title, c.host, c.description,
                c.claim_id, c.label, c.seq, c.interest, c.moved_from_room, c.moved_from_start, c.moved_to_room,
                c.moved_to_start)
      .run();
}

// Like cells: a talk already newer than `t` is kept.
void ReplicaStore::store_talk(const Talk& t) {
  db_.prepare("INSERT INTO talks(" OSB_TALK_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT(id) DO UPDATE SET day = excluded.day, start = excluded.start, end_time = excluded.end_time, "
              "room = excluded.room, title = excluded.title, persons = excluded.persons, track = excluded.track, "
              "url = excluded.url, state = excluded.state, seq = excluded.seq WHERE excluded.seq >= talks.seq")
      .bind_all(t.id, t.day, t.start, t.end, t.room, t.title, rows::join_lines(t.persons), t.track, t.url,
                std::string(to_string(t.state)), t.seq)
      .run();
}

// A whole sheet replaces the stored one (its sign-ups too) unless the stored one is newer.
void ReplicaStore::store_sheet(const Sheet& sh) {
  auto& cur = db_.prepare("SELECT seq FROM sheets WHERE day = ? AND start = ?");
  cur.bind_all(sh.day, sh.start);
  const bool newer = cur.step() && cur.int64(0) > sh.seq;
  cur.reset();
  if (newer) return;
  db_.prepare("INSERT OR REPLACE INTO sheets(day, start, talks, minutes, closes, seq) VALUES (?, ?, ?, ?, ?, ?)")
      .bind_all(sh.day, sh.start, sh.talks, sh.minutes, sh.closes, sh.seq)
      .run();
  db_.prepare("DELETE FROM signups WHERE day = ? AND start = ?").bind_all(sh.day, sh.start).run();
  auto& ins = db_.prepare("INSERT OR REPLACE INTO signups(signup_id, day, start, title, speaker, position) VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& x : sh.signups) {
    ins.reset();
    ins.bind_all(x.signup_id, sh.day, sh.start, x.title, x.speaker, x.position).run();
  }
}

// A group newer than the stored one replaces it; a removed one is dropped.
void ReplicaStore::store_group(const Group& g) {
  auto& cur = db_.prepare("SELECT seq FROM evening_groups WHERE group_id = ?");
  cur.bind(1, g.group_id);
  const bool newer = cur.step() && cur.int64(0) > g.seq;
  cur.reset();
  if (newer) return;
  if (g.removed) {
    db_.prepare("DELETE FROM evening_groups WHERE group_id = ?").bind(1, g.group_id).run();
    return;
  }
  db_.prepare(
         "INSERT OR REPLACE INTO evening_groups(group_id, day, time, title, place, seats, host, continues, joined, seq) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(g.group_id, g.day, g.time, g.title, g.where, g.seats, g.host, g.continues, g.joined, g.seq)
      .run();
}

std::vector<Sheet> ReplicaStore::sheets() {
  std::vector<Sheet> out;
  auto& s = db_.prepare("SELECT day, start, talks, minutes, closes, seq FROM sheets ORDER BY day, start");
  while (s.step()) {
    Sheet sh;
    sh.day = s.text(0);
    sh.start = s.text(1);
    sh.talks = static_cast<int>(s.int64(2));
    sh.minutes = static_cast<int>(s.int64(3));
    sh.closes = s.text(4);
    sh.seq = s.int64(5);
    out.push_back(std::move(sh));
  }
  s.reset();
  auto& q = db_.prepare("SELECT signup_id, day, start, title, speaker, position FROM signups WHERE day = ? AND start = ? ORDER BY position");
  for (auto& sh : out) {
    q.reset();
    q.bind_all(sh.day, sh.start);
    while (q.step())
      sh.signups.push_back(LightningSignup{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), static_cast<int>(q.int64(5))});
  }
  q.reset();
  return out;
}

std::vector<Group> ReplicaStore::groups() {
  std::vector<Group> out;
  auto& s = db_.prepare("SELECT " OSB_GROUP_ROW_COLUMNS " FROM evening_groups ORDER BY day, time, title, group_id");
  while (s.step()) {
    Group g = rows::group(s);
    out.push_back(std::move(g));
  }
  s.reset();
  return out;
}

std::vector<Talk> ReplicaStore::talks() {
  std::vector<Talk> out;
  auto& s = db_.prepare("SELECT " OSB_TALK_COLUMNS " FROM talks ORDER BY start, room, id");
  while (s.step()) out.push_back(rows::talk(s));
  s.reset();
  return out;
}

void ReplicaStore::store_announcement(const std::optional<Announcement>& a) {
  if (a && !a->text.empty()) {
    set_meta("ann_text", a->text);
    set_meta("ann_until", a->until);
  } else {
    db_.prepare("DELETE FROM meta WHERE key IN ('ann_text', 'ann_until')").run();
  }
}

void ReplicaStore::store_synced_now() {
  set_meta("last_sync_at", rows::now_iso());
  set_meta("last_sync_ms", std::to_string(now_ms()));
}

// [SECTION] The board as last seen

bool ReplicaStore::has_board() { return meta("has_board") == "1"; }

std::string ReplicaStore::epoch() { return meta("epoch"); }

std::int64_t ReplicaStore::seq() {
  const std::string v = meta("seq");
  return v.empty() ? 0 : std::stoll(v);
}

std::string ReplicaStore::last_sync_at() { return meta("last_sync_at"); }

std::int64_t ReplicaStore::last_sync_ms() {
  const std::string v = meta("last_sync_ms");
  return v.empty() ? 0 : std::stoll(v);
}

std::optional<Announcement> ReplicaStore::announcement() {
  return rows::read_announcement(db_);
}

std::optional<Cell> ReplicaStore::cell(const CellKey& key) {
  return rows::read_cell(db_, key);
}

Board ReplicaStore::board() {
  Transaction tx(db_, Transaction::Mode::Deferred);  // one consistent snapshot while the sync thread writes
  Board b;
  b.epoch = epoch();
  b.seq = seq();
  b.event.name = meta("event_name");
  b.event.timezone = meta("event_timezone");
  b.event.backchannel = meta("event_backchannel");
  b.announcement = announcement();
  b.talks = talks();
  {
    auto& s = db_.prepare("SELECT day FROM days ORDER BY pos");
    while (s.step()) b.event.days.push_back(s.text(0));
    s.reset();
  }
  {
    auto& s = db_.prepare("SELECT id, name, where_text, capacity FROM rooms ORDER BY pos");
    while (s.step()) b.event.rooms.push_back(Room{s.text(0), s.text(1), s.text(2), static_cast<int>(s.int64(3))});
    s.reset();
  }
  {
    auto& s = db_.prepare("SELECT start_min, end_min FROM slots ORDER BY pos");
    while (s.step()) b.event.slots.push_back(SlotTime{static_cast<int>(s.int64(0)), static_cast<int>(s.int64(1))});
    s.reset();
  }
  {
    auto& s = db_.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells ORDER BY day, start, room");
    while (s.step()) b.cells.push_back(rows::cell(s));
    s.reset();
  }
  b.lightning = sheets();
  b.groups = groups();
  // The daily template, as far as the sheets of the first day show it.
  for (const auto& sh : b.lightning) {
    if (sh.day != b.lightning.front().day) break;
    LightningSheet t;
    t.start = parse_hhmm(sh.start).value_or(0);
    t.talks = sh.talks;
    t.minutes = sh.minutes;
    t.closes = parse_hhmm(sh.closes).value_or(-1);
    b.event.lightning.push_back(t);
  }
  tx.commit();
  return b;
}

void ReplicaStore::replace_board(const Board& b) {
  Transaction tx(db_);
  db_.prepare("DELETE FROM days").run();
  db_.prepare("DELETE FROM rooms").run();
  db_.prepare("DELETE FROM slots").run();
  db_.prepare("DELETE FROM cells").run();
  db_.prepare("DELETE FROM talks").run();
  db_.prepare("DELETE FROM sheets").run();
  db_.prepare("DELETE FROM signups").run();
  db_.prepare("DELETE FROM evening_groups").run();
  for (std::size_t i = 0; i < b.event.days.size(); ++i)
    db_.prepare("INSERT INTO days(pos, day) VALUES (?, ?)").bind_all(static_cast<std::int64_t>(i), b.event.days[i]).run();
  for (std::size_t i = 0; i < b.event.rooms.size(); ++i) {
    const Room& r = b.event.rooms[i];
    db_.prepare("INSERT INTO rooms(pos, id, name, where_text, capacity) VALUES (?, ?, ?, ?, ?)")
        .bind_all(static_cast<std::int64_t>(i), r.id, r.name, r.where, r.capacity)
        .run();
  }
  for (std::size_t i = 0; i < b.event.slots.size(); ++i)
    db_.prepare("INSERT INTO slots(pos, start_min, end_min) VALUES (?, ?, ?)")
        .bind_all(static_cast<std::int64_t>(i), b.event.slots[i].start, b.event.slots[i].end)
        .run();
  for (const Cell& c : b.cells) store_cell(c);
  for (const Talk& t : b.talks) store_talk(t);
  for (const Sheet& sh : b.lightning) store_sheet(sh);
  for (const Group& g : b.groups) store_group(g);
  set_meta("epoch", b.epoch);
  set_meta("seq", std::to_string(b.seq));
  set_meta("event_name", b.event.name);
  set_meta("event_timezone", b.event.timezone);
  set_meta("event_backchannel", b.event.backchannel);
  store_announcement(b.announcement);
  set_meta("has_board", "1");
  store_synced_now();
  tx.commit();
}

void ReplicaStore::apply_changes(const Changes& c) {
  Transaction tx(db_);
  for (const Cell& cell : c.cells) store_cell(cell);
  for (const Talk& t : c.talks) store_talk(t);
  for (const Sheet& sh : c.lightning) store_sheet(sh);
  for (const Group& g : c.groups) store_group(g);
  if (!c.epoch.empty()) set_meta("epoch", c.epoch);
  if (c.seq > seq()) set_meta("seq", std::to_string(c.seq));
  store_announcement(c.announcement);
  store_synced_now();
  tx.commit();
}

void ReplicaStore::mark_synced() {
  Transaction tx(db_);
  store_synced_now();
  tx.commit();
}

// [SECTION] Outbox

std::optional<Error> ReplicaStore::enqueue_claim(Claim claim) {
  if (auto e = normalize_claim(claim)) return e;
  Transaction tx(db_);
  {
    auto& s = db_.prepare("SELECT " CLAIM_COLUMNS " FROM outbox WHERE claim_id = ?");
    s.bind(1, claim.claim_id);
    if (s.step()) {
      const Claim existing = claim_from_row(s, 0);
      s.reset();
      // Enqueueing the same claim twice (a double tap) is harmless; new content under an old id is not.
      if (existing.same_content(claim)) return std::nullopt;
      return Error{"claim_id_reused", "This claim id is already used by another pending claim."};
    }
    s.reset();
  }
  if (has_board()) {
    const auto c = cell(CellKey{claim.day, claim.room, claim.start});
    if (!c) return Error{"not_found", "This session slot is not on the board."};
    if (c->state == CellState::Claimed) return Error{"taken", "This slot has already been claimed."};
    if (c->state == CellState::Blocked) return Error{"blocked", "This slot is blocked by the organisers."};
  }
  {
    auto& s = db_.prepare("SELECT 1 FROM outbox WHERE day = ? AND room = ? AND start = ?");
    s.bind_all(claim.day, claim.room, claim.start);
    const bool pending = s.step();
    s.reset();
    if (pending) return Error{"taken", "This slot already has a claim waiting to be sent from this screen."};
  }
  db_.prepare("INSERT INTO outbox(" CLAIM_COLUMNS ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(claim.claim_id, claim.day, claim.room, claim.start, claim.title, claim.host, claim.description, rows::now_iso())
      .run();
  tx.commit();
  return std::nullopt;
}

std::vector<PendingClaim> ReplicaStore::outbox() {
  std::vector<PendingClaim> out;
  auto& s = db_.prepare("SELECT " CLAIM_COLUMNS ", created_at, attempts FROM outbox ORDER BY id");
  while (s.step()) out.push_back(PendingClaim{claim_from_row(s, 0), s.text(7), static_cast<int>(s.int64(8))});
  s.reset();
  return out;
}

int ReplicaStore::outbox_size() {
  auto& s = db_.prepare("SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM actions)");
  s.step();
  const int n = static_cast<int>(s.int64(0));
  s.reset();
  return n;
}

void ReplicaStore::note_attempt(const std::string& claim_id) {
  db_.prepare("UPDATE outbox SET attempts = attempts + 1 WHERE claim_id = ?").bind(1, claim_id).run();
}

void ReplicaStore::claim_delivered(const std::string& claim_id, const Cell& cell) {
  Transaction tx(db_);
  db_.prepare("DELETE FROM outbox WHERE claim_id = ?").bind(1, claim_id).run();
  store_cell(cell);
  tx.commit();
}

void ReplicaStore::claim_lost(const std::string& claim_id, const Error& error, const std::optional<Cell>& cell) {
  Transaction tx(db_);
  auto& s = db_.prepare("SELECT " CLAIM_COLUMNS " FROM outbox WHERE claim_id = ?");
  s.bind(1, claim_id);
  if (s.step()) {
    const Claim c = claim_from_row(s, 0);
    s.reset();
    auto& ins = db_.prepare(
        "INSERT OR REPLACE INTO lost(" CLAIM_COLUMNS ", error_code, error_message, has_cell, cell_end, cell_state, "
        "cell_title, cell_host, cell_description, cell_claim_id, cell_label, cell_seq, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind_all(c.claim_id, c.day, c.room, c.start, c.title, c.host, c.description, error.code, error.message,
                 cell ? 1 : 0);
    const Cell none;
    const Cell& k = cell ? *cell : none;
    ins.bind(11, k.end).bind(12, to_string(k.state)).bind(13, k.title).bind(14, k.host).bind(15, k.description);
    ins.bind(16, k.claim_id).bind(17, k.label).bind(18, k.seq).bind(19, rows::now_iso());
    ins.run();
    db_.prepare("DELETE FROM outbox WHERE claim_id = ?").bind(1, claim_id).run();
  } else {
    s.reset();
  }
  if (cell) store_cell(*cell);
  tx.commit();
}

// [SECTION] Lost claims

std::vector<LostClaim> ReplicaStore::lost_claims(bool unacknowledged_only) {
  std::vector<LostClaim> out;
  auto& s = db_.prepare(
      "SELECT " CLAIM_COLUMNS ", error_code, error_message, has_cell, cell_end, cell_state, cell_title, cell_host, "
      "cell_description, cell_claim_id, cell_label, cell_seq, at, acknowledged FROM lost "
      "WHERE acknowledged = 0 OR ? = 0 ORDER BY id");
  s.bind(1, unacknowledged_only ? 1 : 0);
  while (s.step()) {
    LostClaim l;
    l.claim = claim_from_row(s, 0);
    l.error = Error{s.text(7), s.text(8)};
    if (s.int64(9)) {
      Cell c;
      c.day = l.claim.day;
      c.room = l.claim.room;
      c.start = l.claim.start;
      c.end = s.text(10);
      c.state = cell_state_from_string(s.text(11)).value_or(CellState::Open);
      c.title = s.text(12);
      c.host = s.text(13);
      c.description = s.text(14);
      c.claim_id = s.text(15);
      c.label = s.text(16);
      c.seq = s.int64(17);
      l.cell = c;
    }
    l.at = s.text(18);
    l.acknowledged = s.int64(19) != 0;
    out.push_back(std::move(l));
  }
  s.reset();
  return out;
}

void ReplicaStore::acknowledge_lost(const std::string& claim_id) {
  db_.prepare("UPDATE lost SET acknowledged = 1 WHERE claim_id = ?").bind(1, claim_id).run();
}

// [SECTION] Actions

const char* to_string(ActionKind k) {
  switch (k) {
    case ActionKind::Signup: return "signup";
    case ActionKind::Group: return "group";
    case ActionKind::Join: return "join";
    case ActionKind::Interest: return "interest";
  }
  return "signup";
}

namespace {
std::optional<ActionKind> action_kind(const std::string& s) {
  for (ActionKind k : {ActionKind::Signup, ActionKind::Group, ActionKind::Join, ActionKind::Interest})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

// The ACTION_COLUMNS of a row, from `col`.
PendingAction action_from_row(Statement& s, int col) {
  PendingAction a;
  a.action_id = s.text(col);
  a.kind = action_kind(s.text(col + 1)).value_or(ActionKind::Signup);
  a.target = s.text(col + 2);
  const std::string day = s.text(col + 3), start = s.text(col + 4), title = s.text(col + 5), name = s.text(col + 6);
  if (a.kind == ActionKind::Signup) {
    a.signup = LightningSignup{a.action_id, day, start, title, name, 0};
  } else if (a.kind == ActionKind::Group) {
    a.group.group_id = a.action_id;
    a.group.day = day;
    a.group.time = start;
    a.group.title = title;
    a.group.host = name;
    a.group.where = s.text(col + 7);
    a.group.seats = static_cast<int>(s.int64(col + 8));
    a.group.continues = s.text(col + 9);
  }
  a.created_at = s.text(col + 10);
  return a;
}
}  // namespace

std::optional<Error> ReplicaStore::enqueue_action(PendingAction a) {
  switch (a.kind) {
    case ActionKind::Signup:
      a.signup.signup_id = a.action_id;
      if (auto e = normalize_signup(a.signup)) return e;
      break;
    case ActionKind::Group:
      a.group.group_id = a.action_id;
      if (auto e = normalize_group(a.group)) return e;
      break;
    case ActionKind::Join:
    case ActionKind::Interest:
      if (!is_valid_claim_id(a.action_id) || !is_valid_claim_id(a.target))
        return Error{"invalid", "The id of this request is not valid."};
      break;
  }
  Transaction tx(db_);
  {
    auto& s = db_.prepare("SELECT 1 FROM actions WHERE action_id = ? UNION ALL SELECT 1 FROM lost_actions WHERE action_id = ?");
    s.bind_all(a.action_id, a.action_id);
    const bool seen = s.step();
    s.reset();
    if (seen) return std::nullopt;  // the same tap twice
  }
  if (a.kind == ActionKind::Signup && has_board()) {
    auto& s = db_.prepare(
        "SELECT talks, (SELECT count(*) FROM signups WHERE day = ?1 AND start = ?2) + "
        "(SELECT count(*) FROM actions WHERE kind = 'signup' AND day = ?1 AND start = ?2) FROM sheets WHERE day = ?1 AND start = ?2");
    s.bind_all(a.signup.day, a.signup.start);
    if (!s.step()) {
      s.reset();
      return Error{"not_found", "There is no lightning-talk sheet at this time."};
    }
    const bool full = s.int64(1) >= s.int64(0);
    s.reset();
    if (full) return Error{"full", "The lightning-talk sheet is full."};
  }
  if (a.kind == ActionKind::Join && has_board()) {
    auto& s = db_.prepare("SELECT seats, joined FROM evening_groups WHERE group_id = ?");
    s.bind(1, a.target);
    const bool known = s.step();
    const bool full = known && s.int64(1) >= s.int64(0);
    s.reset();
    auto& p = db_.prepare("SELECT 1 FROM actions WHERE kind = 'group' AND action_id = ?");
    p.bind(1, a.target);
    const bool pending = p.step();
    p.reset();
    if (!known && !pending) return Error{"not_found", "This group is no longer on the board."};
    if (full) return Error{"full", "This group is full."};
  }
  const bool signup = a.kind == ActionKind::Signup;
  const bool group = a.kind == ActionKind::Group;
  db_.prepare("INSERT INTO actions(" ACTION_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(a.action_id, std::string(to_string(a.kind)), a.target,
                signup ? a.signup.day : group ? a.group.day : std::string(),
                signup ? a.signup.start : group ? a.group.time : std::string(),
                signup ? a.signup.title : group ? a.group.title : std::string(),
                signup ? a.signup.speaker : group ? a.group.host : std::string(), group ? a.group.where : std::string(),
                group ? a.group.seats : 0, group ? a.group.continues : std::string(), rows::now_iso())
      .run();
  tx.commit();
  return std::nullopt;
}

std::vector<PendingAction> ReplicaStore::actions() {
  std::vector<PendingAction> out;
  auto& s = db_.prepare("SELECT " ACTION_COLUMNS ", attempts FROM actions ORDER BY id");
  while (s.step()) {
    PendingAction a = action_from_row(s, 0);
    a.attempts = static_cast<int>(s.int64(11));
    out.push_back(std::move(a));
  }
  s.reset();
  return out;
}

int ReplicaStore::actions_size() {
  auto& s = db_.prepare("SELECT count(*) FROM actions");
  s.step();
  const int n = static_cast<int>(s.int64(0));
  s.reset();
  return n;
}

void ReplicaStore::note_action_attempt(const std::string& action_id) {
  db_.prepare("UPDATE actions SET attempts = attempts + 1 WHERE action_id = ?").bind(1, action_id).run();
}

void ReplicaStore::action_delivered(const std::string& action_id, const std::optional<Sheet>& sheet,
                                    const std::optional<Group>& group, const std::optional<Cell>& cell) {
  Transaction tx(db_);
  db_.prepare("DELETE FROM actions WHERE action_id = ?").bind(1, action_id).run();
  if (sheet) store_sheet(*sheet);
  if (group) store_group(*group);
  if (cell) store_cell(*cell);
  tx.commit();
}

void ReplicaStore::action_lost(const std::string& action_id, const Error& error) {
  Transaction tx(db_);
  db_.prepare("INSERT OR REPLACE INTO lost_actions(" ACTION_COLUMNS ", error_code, error_message, at) "
              "SELECT " ACTION_COLUMNS ", ?, ?, ? FROM actions WHERE action_id = ?")
      .bind_all(error.code, error.message, rows::now_iso(), action_id)
      .run();
  db_.prepare("DELETE FROM actions WHERE action_id = ?").bind(1, action_id).run();
  tx.commit();
}

std::vector<LostAction> ReplicaStore::lost_actions(bool unacknowledged_only) {
  std::vector<LostAction> out;
  auto& s = unacknowledged_only
                ? db_.prepare("SELECT " ACTION_COLUMNS ", error_code, error_message, at, acknowledged FROM lost_actions "
                              "WHERE acknowledged = 0 ORDER BY id")
                : db_.prepare("SELECT " ACTION_COLUMNS ", error_code, error_message, at, acknowledged FROM lost_actions ORDER BY id");
  while (s.step()) {
    LostAction l;
    l.action = action_from_row(s, 0);
    l.error = Error{s.text(11), s.text(12)};
    l.at = s.text(13);
    l.acknowledged = s.int64(14) != 0;
    out.push_back(std::move(l));
  }
  s.reset();
  return out;
}

void ReplicaStore::acknowledge_lost_action(const std::string& action_id) {
  db_.prepare("UPDATE lost_actions SET acknowledged = 1 WHERE action_id = ?").bind(1, action_id).run();
}

}  // namespace osb
