// Open Space Board — BoardStore: the node's authoritative board, as the routes and the
// maintenance commands see it. Two implementations: NodeStore (one SQLite file, the embedded
// default) and PgStore (PostgreSQL over libpq, several node processes over one board; built when
// libpq is found). Both keep the same rules, checked by one contract test suite
// (tests/unit/store/board_store_contract_test.cpp):
//   - every write is one transaction; when a method returns, the change is durable;
//   - one `seq` per committed change, strictly increasing and gap-free, in commit order (a
//     refused write takes none); an `epoch` that is new for every new board;
//   - exactly one winner for a cell, a lightning place or a group seat under any race;
//   - idempotent per client id (claim_id, signup_id, group_id, join_id, interest_id).
// A store object is used by one thread at a time (it holds one connection); make one per worker
// with a BoardStoreFactory. Database failures throw StoreError (store/store_error.hpp).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"
#include "core/validate.hpp"
#include "store/store_error.hpp"

namespace osb {

// [SECTION] Results of reads and writes

enum class ClaimOutcome {
  Created,   // 201
  Replayed,  // 200: same claim_id, same content
  Invalid,   // 400
  NotFound,  // 404: unknown day / room / start
  Taken,     // 409
  Blocked,   // 409
  Past,      // 409
  Reused,    // 409 claim_id_reused
  Removed,   // 409: the claim was since removed or reset
};

struct ClaimResult {
  ClaimOutcome outcome = ClaimOutcome::Invalid;
  Cell cell;              // the cell after the claim, or its current state on a conflict
  std::int64_t seq = 0;   // the node's seq after the operation
  Error error;            // code + message when not Created/Replayed
  bool ok() const { return outcome == ClaimOutcome::Created || outcome == ClaimOutcome::Replayed; }
};

// The result of a staff write on one cell.
struct CellResult {
  std::optional<Error> error;  // "not_found", "taken", "not_blocked", "invalid"
  Cell cell;
  std::int64_t seq = 0;
};

struct ResetResult {
  std::optional<Error> error;  // "not_found" for a day that is not an event day
  int archived = 0;  // claims
  int signups = 0;   // lightning sign-ups of that day, archived
  int groups = 0;    // evening groups of that day, archived
  std::int64_t seq = 0;
};

// PUT /api/v1/schedule: what one import did.
struct ScheduleResult {
  int talks = 0, added = 0, updated = 0, cancelled = 0, unchanged = 0;
  std::int64_t seq = 0;
};

// A write of contract §4.3 (lightning, groups, interest, move). `error` set when refused; its
// code is the contract's ("invalid", "not_found", "full", "closed", "claim_id_reused",
// "removed", "taken", "blocked", "past", "same_cell"); `created` when a new row was made (201).
struct SignupResult {
  std::optional<Error> error;
  bool created = false;
  LightningSignup signup;
  Sheet sheet;  // the sheet after the write, or as it is when refused
  std::int64_t seq = 0;
};

struct GroupResult {
  std::optional<Error> error;
  bool created = false;  // a new group, or a join that counted
  Group group;
  std::int64_t seq = 0;
};

struct InterestResult {
  std::optional<Error> error;
  bool counted = false;  // false for an interest_id seen before
  Cell cell;
  std::int64_t seq = 0;
};

struct MoveResult {
  std::optional<Error> error;
  Cell from, to;  // on a refusal `to` is the target's current state
  std::int64_t seq = 0;
};

struct AnnouncementResult {
  std::optional<Error> error;
  std::optional<Announcement> announcement;
  std::int64_t seq = 0;
};

// [SECTION] The interface

class BoardStore {
 public:
  virtual ~BoardStore() = default;

  virtual const Event& event() const = 0;
  virtual std::string epoch() = 0;
  virtual std::int64_t seq() = 0;

  // [SECTION] Reads
  virtual Board board() = 0;
  virtual Changes changes_since(std::int64_t since) = 0;
  virtual std::optional<Cell> cell(const CellKey& key) = 0;
  virtual std::optional<Announcement> announcement() = 0;
  virtual std::vector<ArchivedClaim> archive(const std::string& day) = 0;
  // Every claimed cell (for calendars and exports).
  virtual std::vector<Cell> claimed_cells() = 0;
  // The cell a claim_id holds now, if it is on the board.
  virtual std::optional<Cell> cell_of_claim(const std::string& claim_id) = 0;
  // Number of claimed cells of a day (what a reset would archive).
  virtual int claimed_count(const std::string& day) = 0;
  // Every talk, cancelled ones too, by start then room.
  virtual std::vector<Talk> talks() = 0;
  virtual std::optional<ScheduleImport> last_import() = 0;
  virtual std::vector<Sheet> sheets() = 0;  // every sheet of every event day
  virtual std::optional<Sheet> sheet(const std::string& day, const std::string& start) = 0;
  virtual std::vector<Group> groups() = 0;  // not removed, by day, time, title
  virtual std::vector<ArchivedSignup> archived_signups(const std::string& day) = 0;
  virtual std::vector<ArchivedGroup> archived_groups(const std::string& day) = 0;
  // Counts for /metrics.
  struct Counts {
    std::int64_t signups = 0, groups = 0, joins = 0, interest = 0, moves = 0;
  };
  virtual Counts counts() = 0;

  // [SECTION] Writes (each one durable transaction)
  // `now` is the venue's wall clock: the node decides whether a slot is past.
  virtual ClaimResult claim(Claim claim, const LocalTime& now) = 0;
  virtual CellResult release(const std::string& claim_id) = 0;
  virtual ResetResult reset_day(const std::string& day) = 0;
  virtual CellResult block(const CellKey& key, std::string label) = 0;
  virtual CellResult unblock(const CellKey& key) = 0;
  virtual AnnouncementResult set_announcement(Announcement a) = 0;
  // Merges one schedule document's talks (ids unique) into the board: added, updated,
  // cancelled (kept), unchanged; the whole import is one transaction and takes one seq.
  // `source` (a file name or URL, may be empty) is kept with the counts as the last import.
  virtual ScheduleResult import_schedule(const std::vector<Talk>& talks, const std::string& source) = 0;

  // [SECTION] Lightning talks, groups, interest, moves (contract §4.3); `now` is venue time.
  virtual SignupResult sign_up(LightningSignup s, const LocalTime& now) = 0;
  virtual SignupResult remove_signup(const std::string& signup_id) = 0;
  virtual SignupResult reorder(const std::string& day, const std::string& start, const std::vector<std::string>& order) = 0;
  virtual GroupResult create_group(Group g, const LocalTime& now) = 0;
  virtual GroupResult join_group(const std::string& group_id, const std::string& join_id) = 0;
  virtual GroupResult remove_group(const std::string& group_id) = 0;
  virtual InterestResult add_interest(const std::string& claim_id, const std::string& interest_id) = 0;
  virtual MoveResult move(const std::string& claim_id, const CellKey& to, const LocalTime& now) = 0;

  // [SECTION] Staff sessions shared by every node process over this board
  // A store that several node processes use at once (PgStore) keeps the staff sessions in the
  // database: a kiosk that moves on to another node stays logged in there, and a logout or a
  // lock ends the session on every node. A store of one process (NodeStore) does not share
  // them: the node keeps them in its memory (StaffSessions), and these are not called.
  // `token_hash` is the hex SHA-256 of the token (the token itself is never stored); times are
  // Unix seconds. Not board changes: no seq is taken and no writer lock is held.
  virtual bool shares_sessions() const { return false; }
  // Stores a new session; returns its number (never 0), which names it in the claim limiter.
  virtual std::uint64_t open_session(const std::string& token_hash, std::int64_t expires);
  // The number of the live session with that hash, else 0.
  virtual std::uint64_t find_session(const std::string& token_hash, std::int64_t now);
  // Ends the session: true when it was live.
  virtual bool revoke_session(const std::string& token_hash, std::int64_t now);
};

// [SECTION] Commits of other processes

// Tells a node about commits made by other node processes over the same board. PgStore's
// writes announce their seq with NOTIFY in their own transaction; the feed LISTENs on a
// connection of its own. An announcement is only a hint: one may be lost (a reconnect, a
// failover), so after every (re)connect and every `timeout` the caller reads the seq itself.
class ChangeFeed {
 public:
  enum class Wake {
    Announced,    // `seq` is the newest seq announced
    Connected,    // the feed (re)connected and listens again: read the seq, wake everyone
    Timeout,      // nothing within `timeout`
    Down,         // no connection (tried again on the next wait)
    Interrupted,  // interrupt() was called
  };
  virtual ~ChangeFeed() = default;
  // Waits for an announcement, at most `timeout` (connecting first when needed, also within
  // `timeout`). Called by one thread.
  virtual Wake wait(std::chrono::milliseconds timeout, std::int64_t& seq) = 0;
  // Makes a wait in progress (or the next one) return Interrupted at once. Any thread.
  virtual void interrupt() = 0;
};

// [SECTION] Choosing a store

// Where the board lives: a PostgreSQL conninfo when set (node.toml [store] postgres), else the
// SQLite file `sqlite_path` ([node] database).
struct BoardLocation {
  std::string sqlite_path;
  std::string postgres;  // libpq conninfo; empty for SQLite
  bool is_postgres() const { return !postgres.empty(); }
};

// Makes a new store (a new connection) each call; the first call also creates, migrates and
// seeds the board. Called from any thread.
using BoardStoreFactory = std::function<std::unique_ptr<BoardStore>()>;

// The factory for `where`. Throws StoreError when PostgreSQL is asked of a build without it.
BoardStoreFactory board_store_factory(BoardLocation where, Event event);

// The feed of commits of other processes for `where`, or nullptr when one process owns the board
// (SQLite: the node learns its own commits, and others' from a periodic seq read). Does not
// connect yet, so it does not fail.
std::unique_ptr<ChangeFeed> change_feed(const BoardLocation& where);

// Whether this build has the PostgreSQL store (libpq was found at configure time).
bool postgres_supported();

}  // namespace osb
