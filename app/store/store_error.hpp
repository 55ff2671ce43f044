// Open Space Board — StoreError: what the board stores (SQLite, PostgreSQL) throw when the
// database itself fails. Expected refusals (taken, full, ...) are values in the results, never this.
#pragma once
#include <stdexcept>
#include <string>

namespace osb {

struct StoreError : std::runtime_error {
  // What the caller can tell a client. Unavailable and InDoubt are answered 503.
  enum class Kind {
    Error,        // a fault of ours or the database's (500), or SQLite's own code says more
    Unavailable,  // the database cannot be reached or used right now; nothing was committed
    InDoubt,      // the connection failed after COMMIT was sent: the write may or may not be on
                  // the board. Never retried by the store; the client retries with the same id
                  // and gets its replay (contract §4.4).
  };
  StoreError(int code, const std::string& what, Kind kind = Kind::Error)
      : std::runtime_error(what), code(code), kind(kind) {}
  int code;  // SQLite result code (extended), or 0 for errors of our own and of PostgreSQL
  Kind kind;
  // True for a full disk or an I/O error: the caller answers 503, nothing was committed.
  bool is_io() const;
  // SQLITE_BUSY / SQLITE_LOCKED: another connection held a lock the busy handler could not wait
  // out (SQLite skips it while a new file changes journal mode, and to avoid a deadlock).
  bool is_busy() const;
  bool in_doubt() const { return kind == Kind::InDoubt; }
  // Whether the route answers 503 (try again shortly) rather than 500.
  bool is_unavailable() const { return kind != Kind::Error || is_io() || (code & 0xff) == 5 /* SQLITE_BUSY */; }
};

}  // namespace osb
