// Open Space Board — a small RAII wrapper over SQLite: Database, Statement, Transaction.
// Every handle closes itself; every error throws StoreError with the SQLite code and where it
// happened. Statements are prepared once per connection and reused (Database::prepare).
// Only app/store includes sqlite3.h.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store/store_error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace osb {

// Runs `f` again while it fails with a busy error, for up to `ms` milliseconds (a few ms apart,
// growing). For steps that run once per connection: opening, creating and migrating a file two
// connections may open at the same moment.
void retry_while_busy(const std::function<void()>& f, int ms = 5000);

class Statement;

class Database {
 public:
  // Opens (creating when `create`) a database file, WAL mode, synchronous=FULL, foreign keys on,
  // busy_timeout `busy_ms`.
  Database(const std::string& path, bool create = true, int busy_ms = 5000);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const char* sql);
  // A prepared statement cached on this connection, reset and with bindings cleared.
  Statement& prepare(const char* sql);
  std::int64_t changes() const;
  int user_version();
  void set_user_version(int v);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(int rc, std::string_view where) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<const char*, std::unique_ptr<Statement>> cache_;
};

class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind_null(int index);
  // Binds every argument in order, from index 1.
  template <class... A>
  Statement& bind_all(const A&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // One step: true while a row is available, false when done.
  bool step();
  // Steps to completion (for writes).
  void run();
  void reset();

  std::string text(int col) const;
  std::int64_t int64(int col) const;
  bool is_null(int col) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  const char* sql_;
};

// BEGIN IMMEDIATE in the constructor (so writers queue on the lock, not on a failed upgrade);
// ROLLBACK in the destructor unless commit() was called.
class Transaction {
 public:
  enum class Mode { Deferred, Immediate };
  explicit Transaction(Database& db, Mode mode = Mode::Immediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Online copy of a live database to `dest` with the SQLite backup API.
void backup_database(Database& src, const std::string& dest);

}  // namespace osb
