// Open Space Board — PgStore (see pg_store.hpp): the board in PostgreSQL over libpq.
//
// [SECTION] Connection: one PGconn, parameters as text, errors as StoreError
// [SECTION] Transactions: a write locks the counter row; a snapshot is REPEATABLE READ
// [SECTION] Schema and seeding
// [SECTION] Reads
// [SECTION] Writes: claims, staff, announcement, schedule
// [SECTION] Writes: lightning
// [SECTION] Writes: evening groups
// [SECTION] Writes: interest and moves
//
// The methods follow NodeStore's (node_store.cpp, node_store_gatherings.cpp) one for one, with
// the same checks in the same order; the decisions and their texts are the shared ones of
// board_rules.hpp, so both stores answer alike. The contract test suite
// (tests/unit/store/board_store_contract_test.cpp) runs the same cases against both.
#include "store/pg_store.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

#include "store/board_rules.hpp"

namespace osb {

// [SECTION] Connection: one PGconn, parameters as text, errors as StoreError

namespace {

// A statement parameter: text, or SQL NULL.
struct Param {
  std::optional<std::string> value;
  Param(std::string s) : value(std::move(s)) {}
  Param(const char* s) : value(std::string(s)) {}
  Param(std::int64_t v) : value(std::to_string(v)) {}
  Param(int v) : value(std::to_string(v)) {}
  Param(std::nullopt_t) {}
};

// The rows of one statement; frees itself.
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r) {}
  ~Rows() { PQclear(r_); }
  Rows(Rows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Rows& operator=(Rows&&) = delete;

  int size() const { return PQntuples(r_); }
  bool empty() const { return size() == 0; }
  std::string text(int row, int col) const { return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col)); }
  std::int64_t int64(int row, int col) const { return std::stoll(PQgetvalue(r_, row, col)); }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  // Rows an INSERT / UPDATE / DELETE touched.
  std::int64_t affected() const {
    const char* n = PQcmdTuples(r_);
    return n && *n ? std::stoll(n) : 0;
  }

 private:
  PGresult* r_;
};

bool starts_with(const char* s, const char* prefix) { return s && std::strncmp(s, prefix, std::strlen(prefix)) == 0; }

}  // namespace

class PgStore::Connection {
 public:
  explicit Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_) throw StoreError(0, "PostgreSQL: out of memory opening a connection", StoreError::Kind::Unavailable);
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw StoreError(0, "cannot connect to PostgreSQL: " + trim(why), StoreError::Kind::Unavailable);
    }
    PQsetNoticeReceiver(conn_, &Connection::on_notice, this);
  }
  ~Connection() {
    if (conn_) PQfinish(conn_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement ($1, $2, ... for the parameters) and returns its rows. Throws StoreError:
  // Unavailable when the server cannot be used (nothing committed), Error otherwise.
  Rows exec(const char* sql, std::initializer_list<Param> params = {}) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      // Within a transaction its work is gone with the connection: the caller's write failed.
      if (in_tx_) fail_unavailable("the connection to PostgreSQL was lost during a transaction");
      PQreset(conn_);
      if (PQstatus(conn_) != CONNECTION_OK) fail_unavailable("cannot reconnect to PostgreSQL: " + trim(PQerrorMessage(conn_)));
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.value ? p.value->c_str() : nullptr);
    PGresult* r = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Rows(r);
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string msg = trim(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    const std::string code = state ? state : "";
    PQclear(r);
    const std::string what = "PostgreSQL: " + msg + (code.empty() ? "" : " (SQLSTATE " + code + ")") + " in: " +
                             std::string(sql).substr(0, 80);
    // Connection trouble, a server shutting down or out of resources, a standby that cannot
    // take writes (a failover in progress), a serialization failure or deadlock: nothing was
    // committed, and the same request may succeed shortly.
    if (!state || PQstatus(conn_) != CONNECTION_OK || starts_with(state, "08") || starts_with(state, "57P") ||
        starts_with(state, "53") || starts_with(state, "40") || code == "25006")
      throw StoreError(0, what, StoreError::Kind::Unavailable);
    throw StoreError(0, what);
  }

  // Several statements without parameters (the schema): PQexec, as PQexecParams takes one.
  void exec_script(const char* sql) {
    PGresult* r = PQexec(conn_, sql);
    const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    const std::string msg = trim(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    PQclear(r);
    if (!ok) throw StoreError(0, "PostgreSQL: cannot create the board's tables: " + msg,
                              PQstatus(conn_) == CONNECTION_OK ? StoreError::Kind::Error : StoreError::Kind::Unavailable);
  }

  // BEGIN ... (no lock taken yet).
  void begin(const char* sql) {
    in_tx_ = false;  // a broken connection may be reset before BEGIN
    exec(sql);
    in_tx_ = true;
  }

  // COMMIT, once. A failure after sending it is InDoubt for a write (the server may have
  // committed it; the client's retry with the same id replays). A warning during the commit
  // (a synchronous-replication wait cut short) is in doubt too: committed here, maybe not on
  // the standby.
  void commit(bool write) {
    warned_ = false;
    PGresult* r = PQexec(conn_, "COMMIT");
    in_tx_ = false;
    const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK && std::strcmp(PQcmdStatus(r), "COMMIT") == 0;
    const std::string msg = trim(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    PQclear(r);
    if (ok && !warned_) return;
    const std::string what = "PostgreSQL: the COMMIT was not confirmed" + (msg.empty() ? std::string() : ": " + msg);
    throw StoreError(0, what, write ? StoreError::Kind::InDoubt : StoreError::Kind::Unavailable);
  }

  // ROLLBACK, ignoring errors (the connection may be gone: then so is the transaction).
  void rollback() noexcept {
    if (!in_tx_) return;
    in_tx_ = false;
    if (PQstatus(conn_) == CONNECTION_OK) PQclear(PQexec(conn_, "ROLLBACK"));
  }

  bool in_transaction() const { return in_tx_; }

 private:
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }
  [[noreturn]] static void fail_unavailable(const std::string& what) {
    throw StoreError(0, what, StoreError::Kind::Unavailable);
  }
  static void on_notice(void* self, const PGresult* r) {
    const char* sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev && std::strcmp(sev, "WARNING") == 0) static_cast<Connection*>(self)->warned_ = true;
  }

  PGconn* conn_ = nullptr;
  bool in_tx_ = false;
  bool warned_ = false;
};

// [SECTION] Transactions: a write locks the counter row; a snapshot is REPEATABLE READ

namespace {

class Tx {
 public:
  enum class Mode { Write, Snapshot };
  // Write: READ COMMITTED, then the counter row locked FOR UPDATE (the board's writer lock): every
  // statement after it sees every write committed before, and `seq` is the board's seq.
  Tx(PgStore::Connection& db, Mode mode) : db_(db), mode_(mode) {
    if (mode == Mode::Write) {
      db_.begin("BEGIN ISOLATION LEVEL READ COMMITTED");
      try {
        seq = db_.exec("SELECT seq FROM counter WHERE id = 1 FOR UPDATE").int64(0, 0);
      } catch (...) {
        db_.rollback();  // no destructor runs for a constructor that throws
        throw;
      }
    } else {
      db_.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
  }
  ~Tx() { db_.rollback(); }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  void commit() { db_.commit(mode_ == Mode::Write); }
  std::int64_t seq = 0;  // Write: the seq when the lock was taken

 private:
  PgStore::Connection& db_;
  Mode mode_;
};

// A PostgreSQL array literal of texts: {"a","b\"c"}.
std::string text_array(const std::vector<std::string>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += '"';
    for (char c : v[i]) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}

// Row `row` of `rows`, read by column as the row readers of board_rules.hpp read a row.
struct RowOf {
  const Rows& rows;
  int row;
  std::string text(int col) const { return rows.text(row, col); }
  std::int64_t int64(int col) const { return rows.int64(row, col); }
};

Cell cell_row(const Rows& s, int row) { return rules::cell_from(RowOf{s, row}); }
Talk talk_row(const Rows& s, int row) { return rules::talk_from(RowOf{s, row}); }
LightningSignup signup_row(const Rows& s, int row) { return rules::signup_from(RowOf{s, row}); }
Group group_row(const Rows& s, int row) { return rules::group_with_status_from(RowOf{s, row}); }

// [SECTION] Schema and seeding
// Texts compare as bytes (COLLATE "C"), as in SQLite, so every ORDER BY gives the same order on
// both stores whatever the database's locale. Ids of archive rows are identity columns (their
// order only); the board's seq is the counter row, never a sequence.

const char* kPgSchema = R"sql(
CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT COLLATE "C" NOT NULL);
CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL CHECK (seq >= 0));
CREATE TABLE cells (
  day TEXT COLLATE "C" NOT NULL, room TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL,
  end_time TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL CHECK (state IN ('open','claimed','blocked')),
  title TEXT COLLATE "C" NOT NULL DEFAULT '', host TEXT COLLATE "C" NOT NULL DEFAULT '',
  description TEXT COLLATE "C" NOT NULL DEFAULT '',
  claim_id TEXT COLLATE "C" NOT NULL DEFAULT '', label TEXT COLLATE "C" NOT NULL DEFAULT '',
  seq BIGINT NOT NULL DEFAULT 0, interest INTEGER NOT NULL DEFAULT 0,
  moved_from_room TEXT COLLATE "C" NOT NULL DEFAULT '', moved_from_start TEXT COLLATE "C" NOT NULL DEFAULT '',
  moved_to_room TEXT COLLATE "C" NOT NULL DEFAULT '', moved_to_start TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (day, room, start),
  CHECK ((state = 'claimed') = (claim_id <> '')));
CREATE INDEX cells_seq ON cells(seq);
CREATE UNIQUE INDEX cells_claim_once ON cells(claim_id) WHERE state = 'claimed';
CREATE TABLE claims (
  claim_id TEXT COLLATE "C" PRIMARY KEY, day TEXT COLLATE "C" NOT NULL, room TEXT COLLATE "C" NOT NULL,
  start TEXT COLLATE "C" NOT NULL, title TEXT COLLATE "C" NOT NULL, host TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL CHECK (status IN ('active','removed','reset')), at TEXT COLLATE "C" NOT NULL);
CREATE TABLE archive (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, claim_id TEXT COLLATE "C" NOT NULL,
  day TEXT COLLATE "C" NOT NULL, room TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL, host TEXT COLLATE "C" NOT NULL, description TEXT COLLATE "C" NOT NULL,
  reason TEXT COLLATE "C" NOT NULL CHECK (reason IN ('removed','reset','lost')), at TEXT COLLATE "C" NOT NULL,
  interest INTEGER NOT NULL DEFAULT 0);
CREATE INDEX archive_day ON archive(day);
CREATE UNIQUE INDEX archive_lost_once ON archive(claim_id) WHERE reason = 'lost';
CREATE TABLE changes (seq BIGINT PRIMARY KEY, at TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL,
  day TEXT COLLATE "C", room TEXT COLLATE "C", start TEXT COLLATE "C", claim_id TEXT COLLATE "C");
CREATE TABLE talks (
  id TEXT COLLATE "C" PRIMARY KEY, day TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL,
  end_time TEXT COLLATE "C" NOT NULL, room TEXT COLLATE "C" NOT NULL, title TEXT COLLATE "C" NOT NULL,
  persons TEXT COLLATE "C" NOT NULL DEFAULT '', track TEXT COLLATE "C" NOT NULL DEFAULT '',
  url TEXT COLLATE "C" NOT NULL DEFAULT '',
  state TEXT COLLATE "C" NOT NULL CHECK (state IN ('scheduled','cancelled')), seq BIGINT NOT NULL DEFAULT 0);
CREATE INDEX talks_seq ON talks(seq);
CREATE TABLE schedule_imports (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT COLLATE "C" NOT NULL, source TEXT COLLATE "C" NOT NULL,
  talks INTEGER NOT NULL, added INTEGER NOT NULL, updated INTEGER NOT NULL, cancelled INTEGER NOT NULL,
  unchanged INTEGER NOT NULL, seq BIGINT NOT NULL);
CREATE TABLE sheets (day TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, start));
CREATE INDEX sheets_seq ON sheets(seq);
CREATE TABLE signups (
  signup_id TEXT COLLATE "C" PRIMARY KEY, day TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL, speaker TEXT COLLATE "C" NOT NULL, position INTEGER NOT NULL,
  status TEXT COLLATE "C" NOT NULL CHECK (status IN ('active','removed','reset')), at TEXT COLLATE "C" NOT NULL);
CREATE INDEX signups_sheet ON signups(day, start, status, position);
CREATE TABLE evening_groups (
  group_id TEXT COLLATE "C" PRIMARY KEY, day TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL,
  title TEXT COLLATE "C" NOT NULL, place TEXT COLLATE "C" NOT NULL,
  seats INTEGER NOT NULL CHECK (seats BETWEEN 2 AND 40), host TEXT COLLATE "C" NOT NULL,
  continues TEXT COLLATE "C" NOT NULL DEFAULT '',
  joined INTEGER NOT NULL DEFAULT 0 CHECK (joined >= 0 AND joined <= seats),
  status TEXT COLLATE "C" NOT NULL CHECK (status IN ('active','removed','reset')), seq BIGINT NOT NULL,
  at TEXT COLLATE "C" NOT NULL);
CREATE INDEX evening_groups_seq ON evening_groups(seq);
CREATE TABLE joins (join_id TEXT COLLATE "C" PRIMARY KEY, group_id TEXT COLLATE "C" NOT NULL, at TEXT COLLATE "C" NOT NULL);
CREATE TABLE interest (interest_id TEXT COLLATE "C" PRIMARY KEY, claim_id TEXT COLLATE "C" NOT NULL,
  at TEXT COLLATE "C" NOT NULL);
CREATE TABLE archive_signups (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, signup_id TEXT COLLATE "C" NOT NULL,
  day TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL, title TEXT COLLATE "C" NOT NULL,
  speaker TEXT COLLATE "C" NOT NULL, position INTEGER NOT NULL,
  reason TEXT COLLATE "C" NOT NULL CHECK (reason IN ('removed','reset','lost')), at TEXT COLLATE "C" NOT NULL);
CREATE INDEX archive_signups_day ON archive_signups(day);
CREATE UNIQUE INDEX archive_signups_lost_once ON archive_signups(signup_id) WHERE reason = 'lost';
CREATE TABLE archive_groups (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, group_id TEXT COLLATE "C" NOT NULL,
  day TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL, title TEXT COLLATE "C" NOT NULL,
  place TEXT COLLATE "C" NOT NULL, seats INTEGER NOT NULL, host TEXT COLLATE "C" NOT NULL,
  continues TEXT COLLATE "C" NOT NULL, joined INTEGER NOT NULL,
  reason TEXT COLLATE "C" NOT NULL CHECK (reason IN ('removed','reset','lost')), at TEXT COLLATE "C" NOT NULL);
CREATE INDEX archive_groups_day ON archive_groups(day);
CREATE UNIQUE INDEX archive_groups_lost_once ON archive_groups(group_id) WHERE reason = 'lost';
)sql";

// Schema 2: staff sessions, shared by the node processes (hashes of tokens, never the tokens).
const char* kPgSessions = R"sql(
CREATE TABLE staff_sessions (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE, expires BIGINT NOT NULL);
CREATE INDEX staff_sessions_expires ON staff_sessions(expires);
)sql";

// Held (for the transaction) while the schema is checked and created: node processes and tools
// may open a new database at the same moment. Any constant, the same in every program.
constexpr const char* kSchemaLockKey = "7311002015";

}  // namespace

PgStore::PgStore(const std::string& conninfo, const Event& event)
    : db_(std::make_unique<Connection>(conninfo)), event_(event) {
  create_schema();
  channel_ = pg_channel(db_->exec("SELECT current_schema()").text(0, 0));
  seed();
}

std::string pg_channel(const std::string& schema) { return ("osb_board:" + schema).substr(0, 63); }

PgStore::~PgStore() = default;

void PgStore::create_schema() {
  db_->begin("BEGIN");
  try {
    db_->exec("SELECT pg_advisory_xact_lock($1::bigint)", {kSchemaLockKey});
    const bool exists = !db_->exec("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'counter'").empty();
    if (!exists) {
      db_->exec_script(kPgSchema);
      db_->exec_script(kPgSessions);
      db_->exec("INSERT INTO meta(key, value) VALUES ('epoch', $1), ('schema', $2)", {rules::new_epoch(), kPgSchemaVersion});
      db_->exec("INSERT INTO counter(id, seq) VALUES (1, 0)");
    } else {
      const Rows v = db_->exec("SELECT value FROM meta WHERE key = 'schema'");
      const int version = v.empty() ? 0 : std::stoi(v.text(0, 0));
      if (version < 1)
        throw StoreError(0, "the PostgreSQL database has a table \"counter\" but is not an Open Space Board (no schema version)");
      if (version > kPgSchemaVersion)
        throw StoreError(0, "the PostgreSQL board was written by a newer Open Space Board (schema " + std::to_string(version) +
                                "; this program knows up to " + std::to_string(kPgSchemaVersion) + "): refusing to use it");
      // Migrations from one PostgreSQL schema version to the next.
      if (version < 2) {
        db_->exec_script(kPgSessions);
        db_->exec("UPDATE meta SET value = $1 WHERE key = 'schema'", {kPgSchemaVersion});
      }
    }
    db_->commit(false);  // DDL only: a failed commit changed nothing anyone relies on
  } catch (...) {
    db_->rollback();
    throw;
  }
}

void PgStore::seed() {
  // Insert any missing cell of the event's grid (one statement); if any were added, that is one change.
  std::vector<std::string> days, rooms, starts, ends;
  for (const auto& day : event_.days)
    for (const auto& room : event_.rooms)
      for (const auto& slot : event_.slots) {
        days.push_back(day);
        rooms.push_back(room.id);
        starts.push_back(format_hhmm(slot.start));
        ends.push_back(format_hhmm(slot.end));
      }
  std::vector<std::string> sheet_days, sheet_starts;
  for (const auto& day : event_.days)
    for (const auto& sh : event_.lightning) {
      sheet_days.push_back(day);
      sheet_starts.push_back(format_hhmm(sh.start));
    }
  Tx tx(*db_, Tx::Mode::Write);
  std::int64_t added =
      db_->exec("INSERT INTO cells(day, room, start, end_time, state, seq) "
                "SELECT d, r, s, e, 'open', -1 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(d, r, s, e) "
                "ON CONFLICT DO NOTHING",
                {text_array(days), text_array(rooms), text_array(starts), text_array(ends)})
          .affected();
  added += db_->exec("INSERT INTO sheets(day, start, seq) SELECT d, s, -1 FROM unnest($1::text[], $2::text[]) AS t(d, s) "
                     "ON CONFLICT DO NOTHING",
                     {text_array(sheet_days), text_array(sheet_starts)})
               .affected();
  if (added == 0) return;  // nothing to commit: the transaction rolls back
  const std::int64_t s = next_seq("seed", nullptr, "");
  db_->exec("UPDATE cells SET seq = $1 WHERE seq = -1", {s});
  db_->exec("UPDATE sheets SET seq = $1 WHERE seq = -1", {s});
  tx.commit();
}

// Within a Write transaction (the counter row is locked): the next seq, logged in `changes`.
// One statement: the counter moves, the change is logged, and the seq is announced to the
// other node processes (NOTIFY is sent at COMMIT, and not at all on a rollback).
std::int64_t PgStore::next_seq(const char* kind, const CellKey* key, const std::string& claim_id) {
  return db_
      ->exec("WITH s AS (UPDATE counter SET seq = seq + 1 WHERE id = 1 RETURNING seq), "
             "l AS (INSERT INTO changes(seq, at, kind, day, room, start, claim_id) "
             "SELECT seq, $1, $2, $3, $4, $5, $6 FROM s) "
             "SELECT seq, pg_notify($7, seq::text) FROM s",
             {rules::now_iso(), kind, key ? Param(key->day) : Param(std::nullopt), key ? Param(key->room) : Param(std::nullopt),
              key ? Param(key->start) : Param(std::nullopt), claim_id.empty() ? Param(std::nullopt) : Param(claim_id),
              channel_})
      .int64(0, 0);
}

// [SECTION] Reads

std::string PgStore::epoch() { return db_->exec("SELECT value FROM meta WHERE key = 'epoch'").text(0, 0); }

std::int64_t PgStore::seq() { return db_->exec("SELECT seq FROM counter WHERE id = 1").int64(0, 0); }

std::optional<Announcement> PgStore::announcement() {
  const Rows r = db_->exec("SELECT (SELECT value FROM meta WHERE key = 'ann_text'), (SELECT value FROM meta WHERE key = 'ann_until')");
  if (r.is_null(0, 0) || r.text(0, 0).empty()) return std::nullopt;
  return Announcement{r.text(0, 0), r.is_null(0, 1) ? std::string() : r.text(0, 1)};
}

std::vector<Cell> PgStore::read_cells(const char* sql, const std::string& param) {
  const Rows r = param.empty() ? db_->exec(sql) : db_->exec(sql, {param});
  std::vector<Cell> out;
  for (int i = 0; i < r.size(); ++i) {
    Cell c = cell_row(r, i);
    if (rules::in_event(event_, c.key())) out.push_back(std::move(c));
  }
  return out;
}

Board PgStore::board() {
  Tx tx(*db_, Tx::Mode::Snapshot);  // one consistent snapshot
  Board b;
  b.event = event_;
  b.epoch = epoch();
  b.seq = seq();
  b.announcement = announcement();
  b.cells = read_cells("SELECT " OSB_CELL_COLUMNS " FROM cells ORDER BY day, start, room", "");
  b.talks = read_talks(std::nullopt);
  b.lightning = read_sheets(std::nullopt);
  b.groups = read_groups(std::nullopt);
  tx.commit();
  return b;
}

Changes PgStore::changes_since(std::int64_t since) {
  Tx tx(*db_, Tx::Mode::Snapshot);
  Changes ch;
  ch.epoch = epoch();
  ch.seq = seq();
  ch.announcement = announcement();
  const Rows r = db_->exec("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE seq > $1 ORDER BY seq, day, start, room", {since});
  for (int i = 0; i < r.size(); ++i) {
    Cell c = cell_row(r, i);
    if (rules::in_event(event_, c.key())) ch.cells.push_back(std::move(c));
  }
  ch.talks = read_talks(since);
  ch.lightning = read_sheets(since);
  ch.groups = read_groups(since);
  tx.commit();
  return ch;
}

std::optional<Cell> PgStore::read_cell(const CellKey& key) {
  const Rows r = db_->exec("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE day = $1 AND room = $2 AND start = $3",
                           {key.day, key.room, key.start});
  if (r.empty()) return std::nullopt;
  return cell_row(r, 0);
}

std::optional<Cell> PgStore::cell(const CellKey& key) {
  if (!rules::in_event(event_, key)) return std::nullopt;
  return read_cell(key);
}

std::optional<Cell> PgStore::cell_of_claim(const std::string& claim_id) {
  const Rows r = db_->exec("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE claim_id = $1 AND state = 'claimed'", {claim_id});
  if (r.empty()) return std::nullopt;
  return cell_row(r, 0);
}

std::vector<Cell> PgStore::claimed_cells() {
  return read_cells("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE state = 'claimed' ORDER BY day, start, room", "");
}

int PgStore::claimed_count(const std::string& day) {
  return static_cast<int>(db_->exec("SELECT COUNT(*) FROM cells WHERE day = $1 AND state = 'claimed'", {day}).int64(0, 0));
}

std::vector<ArchivedClaim> PgStore::archive(const std::string& day) {
  const Rows r = db_->exec(
      "SELECT claim_id, day, room, start, title, host, description, reason, at FROM archive WHERE day = $1 ORDER BY id", {day});
  std::vector<ArchivedClaim> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(rules::archived_claim_from(RowOf{r, i}));
  return out;
}

std::vector<Talk> PgStore::read_talks(std::optional<std::int64_t> since) {
  const Rows r = since ? db_->exec("SELECT " OSB_TALK_COLUMNS " FROM talks WHERE seq > $1 ORDER BY start, room, id", {*since})
                       : db_->exec("SELECT " OSB_TALK_COLUMNS " FROM talks ORDER BY start, room, id");
  std::vector<Talk> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(talk_row(r, i));
  return out;
}

std::vector<Talk> PgStore::talks() { return read_talks(std::nullopt); }

std::optional<ScheduleImport> PgStore::last_import() {
  const Rows r = db_->exec(
      "SELECT at, source, talks, added, updated, cancelled, unchanged, seq FROM schedule_imports ORDER BY id DESC LIMIT 1");
  if (r.empty()) return std::nullopt;
  return rules::schedule_import_from(RowOf{r, 0});
}

std::vector<LightningSignup> PgStore::read_signups(const std::string& day, const std::string& start) {
  const Rows r = db_->exec("SELECT " OSB_SIGNUP_COLUMNS
                           " FROM signups WHERE day = $1 AND start = $2 AND status = 'active' ORDER BY position",
                           {day, start});
  std::vector<LightningSignup> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(signup_row(r, i));
  return out;
}

Sheet PgStore::read_sheet(const std::string& day, const LightningSheet& t, std::int64_t seq) {
  Sheet sh = rules::sheet_frame(day, t, seq);
  sh.signups = read_signups(day, sh.start);
  return sh;
}

std::vector<Sheet> PgStore::read_sheets(std::optional<std::int64_t> since) {
  const Rows r = since ? db_->exec("SELECT day, start, seq FROM sheets WHERE seq > $1 ORDER BY day, start", {*since})
                       : db_->exec("SELECT day, start, seq FROM sheets ORDER BY day, start");
  std::vector<Sheet> out;
  for (int i = 0; i < r.size(); ++i) {
    const std::string day = r.text(i, 0);
    const LightningSheet* t = rules::find_sheet(event_, day, r.text(i, 1));
    if (!t) continue;  // a sheet no longer in event.toml
    out.push_back(read_sheet(day, *t, r.int64(i, 2)));
  }
  return out;
}

std::vector<Sheet> PgStore::sheets() {
  Tx tx(*db_, Tx::Mode::Snapshot);
  auto out = read_sheets(std::nullopt);
  tx.commit();
  return out;
}

std::optional<Sheet> PgStore::sheet(const std::string& day, const std::string& start) {
  const LightningSheet* t = rules::find_sheet(event_, day, start);
  if (!t) return std::nullopt;
  const Rows r = db_->exec("SELECT seq FROM sheets WHERE day = $1 AND start = $2", {day, format_hhmm(t->start)});
  return read_sheet(day, *t, r.empty() ? 0 : r.int64(0, 0));
}

std::vector<Group> PgStore::read_groups(std::optional<std::int64_t> since) {
  // Changes carry removed groups too (so replicas drop them); the board only the live ones.
  const Rows r =
      since ? db_->exec("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE seq > $1 ORDER BY day, time, title, group_id",
                        {*since})
            : db_->exec("SELECT " OSB_GROUP_COLUMNS
                        " FROM evening_groups WHERE status = 'active' ORDER BY day, time, title, group_id");
  std::vector<Group> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(group_row(r, i));
  return out;
}

std::vector<Group> PgStore::groups() { return read_groups(std::nullopt); }

std::optional<Group> PgStore::read_group(const std::string& group_id, std::string* status) {
  const Rows r = db_->exec("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE group_id = $1", {group_id});
  if (r.empty()) return std::nullopt;
  if (status) *status = r.text(0, 10);
  return group_row(r, 0);
}

std::vector<ArchivedSignup> PgStore::archived_signups(const std::string& day) {
  const Rows r = db_->exec("SELECT " OSB_SIGNUP_COLUMNS ", reason, at FROM archive_signups WHERE day = $1 ORDER BY id", {day});
  std::vector<ArchivedSignup> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(ArchivedSignup{signup_row(r, i), r.text(i, 6), r.text(i, 7)});
  return out;
}

std::vector<ArchivedGroup> PgStore::archived_groups(const std::string& day) {
  const Rows r = db_->exec(
      "SELECT group_id, day, time, title, place, seats, host, continues, joined, 0, 'archived', reason, at "
      "FROM archive_groups WHERE day = $1 ORDER BY id",
      {day});
  std::vector<ArchivedGroup> out;
  for (int i = 0; i < r.size(); ++i) {
    Group g = group_row(r, i);
    g.removed = false;
    out.push_back(ArchivedGroup{g, r.text(i, 11), r.text(i, 12)});
  }
  return out;
}

PgStore::Counts PgStore::counts() {
  const Rows r = db_->exec(
      "SELECT (SELECT COUNT(*) FROM signups WHERE status = 'active'), "
      "(SELECT COUNT(*) FROM evening_groups WHERE status = 'active'), "
      "(SELECT COUNT(*) FROM joins), (SELECT COUNT(*) FROM interest), "
      "(SELECT COUNT(*) FROM changes WHERE kind = 'move')");
  return Counts{r.int64(0, 0), r.int64(0, 1), r.int64(0, 2), r.int64(0, 3), r.int64(0, 4)};
}

// [SECTION] Writes: claims, staff, announcement, schedule

void PgStore::write_cell(const Cell& c) {
  db_->exec(
      "UPDATE cells SET state = $1, title = $2, host = $3, description = $4, claim_id = $5, label = $6, seq = $7, "
      "interest = $8, moved_from_room = $9, moved_from_start = $10, moved_to_room = $11, moved_to_start = $12 "
      "WHERE day = $13 AND room = $14 AND start = $15",
      {std::string(to_string(c.state)), c.title, c.host, c.description, c.claim_id, c.label, c.seq, c.interest, c.moved_from_room,
       c.moved_from_start, c.moved_to_room, c.moved_to_start, c.day, c.room, c.start});
}

void PgStore::archive_claim(const Claim& c, const char* reason, int interest) {
  db_->exec(
      "INSERT INTO archive(claim_id, day, room, start, title, host, description, reason, at, interest) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
      {c.claim_id, c.day, c.room, c.start, c.title, c.host, c.description, reason, rules::now_iso(), interest});
}

ClaimResult PgStore::claim(Claim claim, const LocalTime& now) {
  ClaimResult r;
  if (auto refused = rules::check_claim(event_, claim)) {
    refused->answer(r);
    r.seq = seq();
    return r;
  }
  const CellKey key{claim.day, claim.room, claim.start};

  Tx tx(*db_, Tx::Mode::Write);
  r.cell = *read_cell(key);

  const Rows prev = db_->exec("SELECT day, room, start, title, host, description, status FROM claims WHERE claim_id = $1",
                              {claim.claim_id});
  if (!prev.empty()) {
    const Claim old{claim.claim_id, prev.text(0, 0), prev.text(0, 1), prev.text(0, 2), prev.text(0, 3), prev.text(0, 4), prev.text(0, 5)};
    const std::string status = prev.text(0, 6);
    rules::replay_claim(old, status, claim).answer(r);
    if (r.outcome == ClaimOutcome::Removed) {
      r.cell = *read_cell({old.day, old.room, old.start});
    } else if (r.outcome == ClaimOutcome::Replayed) {
      // Where the session is now: staff may have moved it since (it keeps its claim_id).
      auto now_at = cell_of_claim(claim.claim_id);
      r.cell = now_at ? *now_at : *read_cell({old.day, old.room, old.start});
    }
    r.seq = tx.seq;
    return r;  // read-only: the transaction rolls back
  }

  if (auto lost = rules::refuse_claim(event_, claim, r.cell, now)) {
    lost->answer(r);
    archive_claim(claim, "lost");  // once per claim_id (unique index), so staff see who missed out
    tx.commit();
    r.seq = tx.seq;
    return r;
  }

  r.seq = next_seq("claim", &key, claim.claim_id);
  // The decisive statement: only an open cell is taken (the writer lock makes it so already;
  // this keeps it so without the lock). A miss rolls back, the seq with it.
  const std::int64_t won = db_->exec(
                               "UPDATE cells SET state = 'claimed', title = $1, host = $2, description = $3, claim_id = $4, "
                               "label = '', seq = $5, interest = 0, moved_from_room = '', moved_from_start = '', "
                               "moved_to_room = '', moved_to_start = '' "
                               "WHERE day = $6 AND room = $7 AND start = $8 AND state = 'open'",
                               {claim.title, claim.host, claim.description, claim.claim_id, r.seq, claim.day, claim.room, claim.start})
                               .affected();
  if (won != 1) throw StoreError(0, "PostgreSQL: the cell " + claim.day + " " + claim.room + " " + claim.start +
                                        " changed under the writer lock", StoreError::Kind::Unavailable);
  db_->exec("INSERT INTO claims(claim_id, day, room, start, title, host, description, status, at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8)",
            {claim.claim_id, claim.day, claim.room, claim.start, claim.title, claim.host, claim.description, rules::now_iso()});
  r.cell = rules::claimed_cell(r.cell, claim, r.seq);
  tx.commit();
  r.outcome = ClaimOutcome::Created;
  return r;
}

CellResult PgStore::release(const std::string& claim_id) {
  CellResult r;
  Tx tx(*db_, Tx::Mode::Write);
  auto cur = cell_of_claim(claim_id);
  if (!cur) return rules::refused<CellResult>(rules::no_session(claim_id), tx.seq);
  archive_claim(rules::claim_of(*cur), "removed", cur->interest);
  db_->exec("UPDATE claims SET status = 'removed' WHERE claim_id = $1", {claim_id});
  r.seq = next_seq("remove", nullptr, claim_id);
  r.cell = rules::open_cell(*cur, r.seq);
  write_cell(r.cell);
  tx.commit();
  return r;
}

ResetResult PgStore::reset_day(const std::string& day) {
  if (!event_.has_day(day)) return rules::refused<ResetResult>(rules::no_event_day(day), seq());
  ResetResult r;
  Tx tx(*db_, Tx::Mode::Write);
  std::vector<Cell> claimed;
  {
    const Rows s = db_->exec("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE day = $1 AND state = 'claimed'", {day});
    for (int i = 0; i < s.size(); ++i) claimed.push_back(cell_row(s, i));
  }
  const Rows other = db_->exec(
      "SELECT (SELECT COUNT(*) FROM signups WHERE day = $1 AND status = 'active'), "
      "(SELECT COUNT(*) FROM evening_groups WHERE day = $1 AND status = 'active'), "
      "(SELECT COUNT(*) FROM cells WHERE day = $1 AND moved_to_room <> '')",
      {day});
  const bool gatherings = other.int64(0, 0) + other.int64(0, 1) + other.int64(0, 2) > 0;
  if (claimed.empty() && !gatherings) {
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("reset", nullptr, "");
  db_->exec("UPDATE cells SET moved_to_room = '', moved_to_start = '', seq = $1 WHERE day = $2 AND moved_to_room <> ''", {r.seq, day});
  reset_gatherings(day, r.seq, r.signups, r.groups);
  for (auto& c : claimed) {
    archive_claim(rules::claim_of(c), "reset", c.interest);
    db_->exec("UPDATE claims SET status = 'reset' WHERE claim_id = $1", {c.claim_id});
    write_cell(rules::open_cell(c, r.seq));
  }
  tx.commit();
  r.archived = static_cast<int>(claimed.size());
  return r;
}

CellResult PgStore::block(const CellKey& key, std::string label) {
  if (auto e = rules::check_block(event_, key, label)) return rules::refused<CellResult>(*e, seq());
  CellResult r;
  Tx tx(*db_, Tx::Mode::Write);
  r.cell = *read_cell(key);
  if ((r.error = rules::refuse_block(r.cell))) {
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("block", &key, "");
  r.cell = rules::blocked_cell(r.cell, label, r.seq);
  write_cell(r.cell);
  tx.commit();
  return r;
}

CellResult PgStore::unblock(const CellKey& key) {
  if (auto e = rules::check_cell(event_, key)) return rules::refused<CellResult>(*e, seq());
  CellResult r;
  Tx tx(*db_, Tx::Mode::Write);
  r.cell = *read_cell(key);
  if ((r.error = rules::refuse_unblock(r.cell))) {
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("unblock", &key, "");
  r.cell = rules::unblocked_cell(r.cell, r.seq);
  write_cell(r.cell);
  tx.commit();
  return r;
}

AnnouncementResult PgStore::set_announcement(Announcement a) {
  if (auto e = rules::check_announcement(a)) return rules::refused<AnnouncementResult>(*e, seq());
  AnnouncementResult r;
  Tx tx(*db_, Tx::Mode::Write);
  r.seq = next_seq("announcement", nullptr, "");
  db_->exec("INSERT INTO meta(key, value) VALUES ('ann_text', $1), ('ann_until', $2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {a.text, a.until});
  tx.commit();
  if (!a.text.empty()) r.announcement = a;
  return r;
}

ScheduleResult PgStore::import_schedule(const std::vector<Talk>& incoming, const std::string& source) {
  Tx tx(*db_, Tx::Mode::Write);
  const TalkMerge m = merge_talks(read_talks(std::nullopt), incoming);
  ScheduleResult r = rules::schedule_result(m);
  // One seq for the whole import, even one that changed nothing: the last import moved on.
  r.seq = next_seq("schedule", nullptr, "");
  for (const auto& item : m.changes) {
    const Talk& t = item.talk;
    db_->exec("INSERT INTO talks(" OSB_TALK_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
              "ON CONFLICT (id) DO UPDATE SET day = excluded.day, start = excluded.start, end_time = excluded.end_time, "
              "room = excluded.room, title = excluded.title, persons = excluded.persons, track = excluded.track, "
              "url = excluded.url, state = excluded.state, seq = excluded.seq",
              {t.id, t.day, t.start, t.end, t.room, t.title, rules::join_lines(t.persons), t.track, t.url,
               std::string(to_string(t.state)), r.seq});
  }
  db_->exec("INSERT INTO schedule_imports(at, source, talks, added, updated, cancelled, unchanged, seq) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {rules::now_iso(), source, r.talks, r.added, r.updated, r.cancelled, r.unchanged, r.seq});
  tx.commit();
  return r;
}

// [SECTION] Writes: lightning

void PgStore::touch_sheet(const std::string& day, const std::string& start, std::int64_t seq) {
  db_->exec("UPDATE sheets SET seq = $1 WHERE day = $2 AND start = $3", {seq, day, start});
}

void PgStore::archive_signup(const LightningSignup& x, const char* reason) {
  db_->exec("INSERT INTO archive_signups(signup_id, day, start, title, speaker, position, reason, at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            {x.signup_id, x.day, x.start, x.title, x.speaker, x.position, reason, rules::now_iso()});
}

SignupResult PgStore::sign_up(LightningSignup x, const LocalTime& now) {
  const LightningSheet* t = nullptr;
  if (auto e = rules::check_signup(event_, x, t)) return rules::refused<SignupResult>(*e, seq());
  SignupResult r;
  Tx tx(*db_, Tx::Mode::Write);  // the writer lock: "full" is decided on every earlier sign-up
  const Rows prev = db_->exec("SELECT " OSB_SIGNUP_COLUMNS ", status FROM signups WHERE signup_id = $1", {x.signup_id});
  if (!prev.empty()) {
    const LightningSignup old = signup_row(prev, 0);
    const std::string status = prev.text(0, 6);
    r.sheet = *sheet(old.day, old.start);
    r.signup = old;
    r.error = rules::replay_signup(old, status, x);
    r.seq = tx.seq;
    return r;  // a replay: nothing written
  }
  r.sheet = *sheet(x.day, x.start);
  r.signup = x;
  if ((r.error = rules::refuse_signup(r.sheet, *t, x, now))) {
    archive_signup(x, "lost");  // once per signup_id, so staff see who missed out
    tx.commit();
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("signup", nullptr, "");
  rules::add_signup(r.sheet, x, r.seq);
  db_->exec("INSERT INTO signups(" OSB_SIGNUP_COLUMNS ", status, at) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)",
            {x.signup_id, x.day, x.start, x.title, x.speaker, x.position, rules::now_iso()});
  touch_sheet(x.day, x.start, r.seq);
  r.signup = x;
  r.created = true;
  tx.commit();
  return r;
}

SignupResult PgStore::remove_signup(const std::string& signup_id) {
  SignupResult r;
  Tx tx(*db_, Tx::Mode::Write);
  const Rows s = db_->exec("SELECT " OSB_SIGNUP_COLUMNS " FROM signups WHERE signup_id = $1 AND status = 'active'", {signup_id});
  if (s.empty()) return rules::refused<SignupResult>(rules::no_signup(signup_id), tx.seq);
  r.signup = signup_row(s, 0);
  archive_signup(r.signup, "removed");
  r.seq = next_seq("signup_remove", nullptr, "");
  db_->exec("UPDATE signups SET status = 'removed' WHERE signup_id = $1", {signup_id});
  // The places after it move up one.
  db_->exec("UPDATE signups SET position = position - 1 WHERE day = $1 AND start = $2 AND status = 'active' AND position > $3",
            {r.signup.day, r.signup.start, r.signup.position});
  touch_sheet(r.signup.day, r.signup.start, r.seq);
  r.sheet = *sheet(r.signup.day, r.signup.start);
  tx.commit();
  return r;
}

SignupResult PgStore::reorder(const std::string& day, const std::string& start, const std::vector<std::string>& order) {
  const LightningSheet* t = rules::find_sheet(event_, day, start);
  if (!t) return rules::refused<SignupResult>(rules::no_sheet(day, start), seq());
  SignupResult r;
  Tx tx(*db_, Tx::Mode::Write);
  r.sheet = *sheet(day, format_hhmm(t->start));
  if ((r.error = rules::refuse_reorder(r.sheet, order))) {
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("signup_order", nullptr, "");
  for (std::size_t i = 0; i < order.size(); ++i)
    db_->exec("UPDATE signups SET position = $1 WHERE signup_id = $2", {static_cast<int>(i + 1), order[i]});
  touch_sheet(r.sheet.day, r.sheet.start, r.seq);
  r.sheet = *sheet(r.sheet.day, r.sheet.start);
  tx.commit();
  return r;
}

// [SECTION] Writes: evening groups

void PgStore::archive_group(const Group& g, const char* reason) {
  db_->exec("INSERT INTO archive_groups(group_id, day, time, title, place, seats, host, continues, joined, reason, at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
            {g.group_id, g.day, g.time, g.title, g.where, g.seats, g.host, g.continues, g.joined, reason, rules::now_iso()});
}

GroupResult PgStore::create_group(Group g, const LocalTime& now) {
  if (auto e = rules::check_group(event_, g)) return rules::refused<GroupResult>(*e, seq());
  GroupResult r;
  Tx tx(*db_, Tx::Mode::Write);
  std::string status;
  if (auto old = read_group(g.group_id, &status)) {
    r.group = *old;
    r.error = rules::replay_group(*old, status, g);
    r.seq = tx.seq;
    return r;
  }
  if (!g.continues.empty() && !cell_of_claim(g.continues))
    return rules::refused<GroupResult>(rules::no_continued_session(g), tx.seq);
  r.group = g;
  if ((r.error = rules::refuse_group(g, now))) {
    archive_group(g, "lost");
    tx.commit();
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("group", nullptr, "");
  g = rules::created_group(g, r.seq);
  db_->exec("INSERT INTO evening_groups(" OSB_GROUP_COLUMNS
            ", at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, 'active', $10)",
            {g.group_id, g.day, g.time, g.title, g.where, g.seats, g.host, g.continues, g.seq, rules::now_iso()});
  r.group = g;
  r.created = true;
  tx.commit();
  return r;
}

GroupResult PgStore::join_group(const std::string& group_id, const std::string& join_id) {
  GroupResult r;
  Tx tx(*db_, Tx::Mode::Write);  // the writer lock: the seats left are decided on every earlier join
  std::string status;
  auto g = read_group(group_id, &status);
  if (!g) return rules::refused<GroupResult>(rules::no_group(group_id), tx.seq);
  r.group = *g;
  const Rows prev = db_->exec("SELECT group_id FROM joins WHERE join_id = $1", {join_id});
  if (!prev.empty()) {
    r.error = rules::replay_join(prev.text(0, 0), group_id);
    r.seq = tx.seq;
    return r;  // counted once
  }
  if ((r.error = rules::refuse_join(*g, status))) {
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("join", nullptr, "");
  db_->exec("INSERT INTO joins(join_id, group_id, at) VALUES ($1, $2, $3)", {join_id, group_id, rules::now_iso()});
  // Guarded in SQL too: a seat is taken only while one is left.
  const std::int64_t seated =
      db_->exec("UPDATE evening_groups SET joined = joined + 1, seq = $1 WHERE group_id = $2 AND joined < seats", {r.seq, group_id})
          .affected();
  if (seated != 1)
    throw StoreError(0, "PostgreSQL: the group " + group_id + " changed under the writer lock", StoreError::Kind::Unavailable);
  r.group = rules::joined_group(r.group, r.seq);
  r.created = true;
  tx.commit();
  return r;
}

GroupResult PgStore::remove_group(const std::string& group_id) {
  GroupResult r;
  Tx tx(*db_, Tx::Mode::Write);
  std::string status;
  auto g = read_group(group_id, &status);
  if (!g || status != "active") return rules::refused<GroupResult>(rules::no_group_on_board(group_id), tx.seq);
  archive_group(*g, "removed");
  r.seq = next_seq("group_remove", nullptr, "");
  db_->exec("UPDATE evening_groups SET status = 'removed', seq = $1 WHERE group_id = $2", {r.seq, group_id});
  r.group = rules::removed_group(*g, r.seq);
  tx.commit();
  return r;
}

void PgStore::reset_gatherings(const std::string& day, std::int64_t seq, int& signups, int& groups) {
  signups = groups = 0;
  std::set<std::string> sheets_touched;
  {
    const Rows s = db_->exec("SELECT " OSB_SIGNUP_COLUMNS " FROM signups WHERE day = $1 AND status = 'active'", {day});
    for (int i = 0; i < s.size(); ++i) {
      const LightningSignup x = signup_row(s, i);
      archive_signup(x, "reset");
      sheets_touched.insert(x.start);
    }
    db_->exec("UPDATE signups SET status = 'reset' WHERE day = $1 AND status = 'active'", {day});
    signups = s.size();
  }
  for (const auto& start : sheets_touched) touch_sheet(day, start, seq);
  const Rows s = db_->exec("SELECT " OSB_GROUP_COLUMNS " FROM evening_groups WHERE day = $1 AND status = 'active'", {day});
  for (int i = 0; i < s.size(); ++i) archive_group(group_row(s, i), "reset");
  db_->exec("UPDATE evening_groups SET status = 'reset', seq = $1 WHERE day = $2 AND status = 'active'", {seq, day});
  groups = s.size();
}

// [SECTION] Writes: interest and moves

InterestResult PgStore::add_interest(const std::string& claim_id, const std::string& interest_id) {
  InterestResult r;
  Tx tx(*db_, Tx::Mode::Write);
  auto cur = cell_of_claim(claim_id);
  const Rows prev = db_->exec("SELECT claim_id FROM interest WHERE interest_id = $1", {interest_id});
  std::optional<std::string> seen_claim;
  if (!prev.empty()) seen_claim = prev.text(0, 0);
  if (auto e = rules::refuse_interest(seen_claim, claim_id, cur.has_value())) return rules::refused<InterestResult>(*e, tx.seq);
  r.cell = *cur;
  if (seen_claim) {
    r.seq = tx.seq;
    return r;  // counted once
  }
  r.seq = next_seq("interest", nullptr, claim_id);
  db_->exec("INSERT INTO interest(interest_id, claim_id, at) VALUES ($1, $2, $3)", {interest_id, claim_id, rules::now_iso()});
  r.cell = rules::interested_cell(r.cell, r.seq);
  write_cell(r.cell);
  r.counted = true;
  tx.commit();
  return r;
}

MoveResult PgStore::move(const std::string& claim_id, const CellKey& to, const LocalTime& now) {
  if (auto e = rules::check_cell(event_, to)) return rules::refused<MoveResult>(*e, seq());
  MoveResult r;
  Tx tx(*db_, Tx::Mode::Write);
  auto from = cell_of_claim(claim_id);
  if (!from) return rules::refused<MoveResult>(rules::no_session(claim_id), tx.seq);
  r.from = *from;
  r.to = *read_cell(to);
  if ((r.error = rules::refuse_move(event_, r.from, r.to, now))) {
    r.seq = tx.seq;
    return r;
  }
  r.seq = next_seq("move", &to, claim_id);
  const auto cells = rules::move_cells(r.from, r.to, r.seq);
  write_cell(cells.left);  // first: the claim_id leaves its old cell before it holds the new one (unique index)
  write_cell(cells.moved);
  r.from = cells.left;
  r.to = cells.moved;
  tx.commit();
  return r;
}

// [SECTION] Staff sessions

std::uint64_t PgStore::open_session(const std::string& token_hash, std::int64_t expires) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  db_->exec("DELETE FROM staff_sessions WHERE expires <= $1", {now});
  return static_cast<std::uint64_t>(
      db_->exec("INSERT INTO staff_sessions(token_hash, expires) VALUES ($1, $2) RETURNING id", {token_hash, expires}).int64(0, 0));
}

std::uint64_t PgStore::find_session(const std::string& token_hash, std::int64_t now) {
  const Rows r = db_->exec("SELECT id FROM staff_sessions WHERE token_hash = $1 AND expires > $2", {token_hash, now});
  return r.empty() ? 0 : static_cast<std::uint64_t>(r.int64(0, 0));
}

bool PgStore::revoke_session(const std::string& token_hash, std::int64_t now) {
  const Rows r = db_->exec("DELETE FROM staff_sessions WHERE token_hash = $1 RETURNING expires > $2", {token_hash, now});
  return !r.empty() && r.text(0, 0) == "t";
}

// [SECTION] The change feed: LISTEN on a connection of its own

namespace {
constexpr auto kFeedConnectTimeout = std::chrono::seconds(5);
}

struct PgChangeFeed::State {
  std::string conninfo;
  PGconn* conn = nullptr;
  bool connecting = false;  // PQconnectStart was called, PQconnectPoll not done
  std::chrono::steady_clock::time_point connect_started;
  bool listening = false;
  PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
  int wake_fd = -1;  // eventfd: interrupt()

  void drop() {
    if (conn) PQfinish(conn);
    conn = nullptr;
    connecting = listening = false;
  }
};

PgChangeFeed::PgChangeFeed(std::string conninfo) : st_(std::make_unique<State>()) {
  st_->conninfo = std::move(conninfo);
  st_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

PgChangeFeed::~PgChangeFeed() {
  st_->drop();
  if (st_->wake_fd >= 0) close(st_->wake_fd);
}

void PgChangeFeed::interrupt() {
  const std::uint64_t one = 1;
  if (st_->wake_fd >= 0) [[maybe_unused]] auto n = write(st_->wake_fd, &one, sizeof one);
}

ChangeFeed::Wake PgChangeFeed::wait(std::chrono::milliseconds timeout, std::int64_t& seq) {
  State& st = *st_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!st.conn) {
    st.conn = PQconnectStart(st.conninfo.c_str());
    if (!st.conn || PQstatus(st.conn) == CONNECTION_BAD) {
      st.drop();
      // Nothing to wait on: wait out the timeout (or an interrupt) before the next try.
      pollfd p{st.wake_fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) > 0) {
        std::uint64_t n;
        [[maybe_unused]] auto r = read(st.wake_fd, &n, sizeof n);
        return Wake::Interrupted;
      }
      return Wake::Down;
    }
    st.connecting = true;
    st.connect_started = std::chrono::steady_clock::now();
    st.polling = PGRES_POLLING_WRITING;
  }
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (st.listening) {
      // Announcements that arrived with an earlier read are taken first.
      bool any = false;
      while (PGnotify* n = PQnotifies(st.conn)) {
        const std::int64_t v = std::strtoll(n->extra, nullptr, 10);
        if (!any || v > seq) seq = v;
        any = true;
        PQfreemem(n);
      }
      if (any) return Wake::Announced;
    }
    pollfd p[2] = {{st.wake_fd, POLLIN, 0}, {PQsocket(st.conn), 0, 0}};
    if (p[1].fd < 0) {
      st.drop();
      return Wake::Down;
    }
    p[1].events = st.connecting && st.polling == PGRES_POLLING_WRITING ? POLLOUT : POLLIN;
    const int ready = poll(p, 2, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (ready > 0 && (p[0].revents & POLLIN)) {
      std::uint64_t n;
      [[maybe_unused]] auto r = read(st.wake_fd, &n, sizeof n);
      return Wake::Interrupted;
    }
    if (ready <= 0) {
      if (st.connecting) {
        // Still connecting: go on with it in the next wait, or start again after a while (a
        // host that does not answer at all; libpq leaves connect_timeout to the caller here).
        if (std::chrono::steady_clock::now() - st.connect_started > kFeedConnectTimeout) st.drop();
        return Wake::Down;
      }
      return Wake::Timeout;
    }
    if (st.connecting) {
      st.polling = PQconnectPoll(st.conn);
      if (st.polling == PGRES_POLLING_FAILED) {
        st.drop();
        return Wake::Down;
      }
      if (st.polling != PGRES_POLLING_OK) continue;
      st.connecting = false;
      // Connected: which board (schema), then LISTEN. Short statements on a fresh connection.
      PGresult* r = PQexec(st.conn, "SELECT current_schema()");
      const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
      const std::string schema = ok ? PQgetvalue(r, 0, 0) : "";
      PQclear(r);
      char* ident = ok ? PQescapeIdentifier(st.conn, pg_channel(schema).c_str(), pg_channel(schema).size()) : nullptr;
      if (!ident) {
        st.drop();
        return Wake::Down;
      }
      r = PQexec(st.conn, ("LISTEN " + std::string(ident)).c_str());
      PQfreemem(ident);
      const bool listening = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!listening) {
        st.drop();
        return Wake::Down;
      }
      st.listening = true;
      PQsetnonblocking(st.conn, 1);
      return Wake::Connected;
    }
    if (!PQconsumeInput(st.conn)) {
      st.drop();
      return Wake::Down;
    }
  }
}

}  // namespace osb
