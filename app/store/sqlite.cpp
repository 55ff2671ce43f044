#include "store/sqlite.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace osb {

bool StoreError::is_io() const {
  const int primary = code & 0xFF;
  return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY;
}

bool StoreError::is_busy() const {
  const int primary = code & 0xFF;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void retry_while_busy(const std::function<void()>& f, int ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    try {
      f();
      return;
    } catch (const StoreError& e) {
      if (!e.is_busy() || std::chrono::steady_clock::now() + pause > deadline) throw;
    }
    std::this_thread::sleep_for(pause);  // a back-off between attempts, not a synchronisation
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// [SECTION] Database

Database::Database(const std::string& path, bool create, int busy_ms) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  // A new database file is created owner-only (0600) whatever the umask: the board holds names,
  // and SQLite gives its -wal and -shm files the mode of the database file.
  if (create && !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(rc, "cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_ms);
  try {
    // Busy while another connection creates the file, and SQLite does not call the busy handler for it.
    retry_while_busy([this] { exec("PRAGMA journal_mode=WAL"); }, busy_ms);
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
  } catch (...) {
    // The destructor does not run for a constructor that throws: close the handle here.
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() {
  cache_.clear();
  if (db_) sqlite3_close(db_);
}

void Database::fail(int rc, std::string_view where) const {
  throw StoreError(sqlite3_extended_errcode(db_) ? sqlite3_extended_errcode(db_) : rc,
                   std::string(where) + ": " + sqlite3_errmsg(db_) + " (" + path_ + ")");
}

void Database::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw StoreError(sqlite3_extended_errcode(db_), std::string("SQL failed: ") + msg + " (" + path_ + ")");
  }
}

Statement& Database::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Statement>(*this, sql)).first;
  it->second->reset();
  return *it->second;
}

std::int64_t Database::changes() const { return sqlite3_changes(db_); }

int Database::user_version() {
  Statement s(*this, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.int64(0));
}

void Database::set_user_version(int v) { exec(("PRAGMA user_version=" + std::to_string(v)).c_str()); }

// [SECTION] Statement

Statement::Statement(Database& db, const char* sql) : db_(db), sql_(sql) {
  const int rc = sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, std::string("prepare \"") + sql + "\"");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_.fail(rc, std::string("step \"") + sql_ + "\"");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

// [SECTION] Transaction

Transaction::Transaction(Database& db, Mode mode) : db_(db) {
  db_.exec(mode == Mode::Immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

// [SECTION] Backup

void backup_database(Database& src, const std::string& dest) {
  // Owner-only (0600) whatever the umask, like the live database: a backup holds the same
  // names. Made before SQLite opens it; its journal then gets the same mode.
  const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw StoreError(SQLITE_CANTOPEN, "cannot create backup " + dest);
  if (::fchmod(fd, 0600) != 0) {
    ::close(fd);
    throw StoreError(SQLITE_CANTOPEN, "cannot make backup " + dest + " owner-only");
  }
  ::close(fd);
  sqlite3* out = nullptr;
  int rc = sqlite3_open_v2(dest.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(out);
    throw StoreError(rc, "cannot create backup " + dest);
  }
  sqlite3_backup* b = sqlite3_backup_init(out, "main", src.handle(), "main");
  if (!b) {
    const std::string msg = sqlite3_errmsg(out);
    sqlite3_close(out);
    throw StoreError(rc, "backup to " + dest + " failed: " + msg);
  }
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  const int final_rc = sqlite3_errcode(out);
  sqlite3_close(out);
  if (rc != SQLITE_DONE || final_rc != SQLITE_OK) throw StoreError(rc, "backup to " + dest + " failed: " + sqlite3_errstr(rc));
}

}  // namespace osb
