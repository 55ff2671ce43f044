// Open Space Board — NodeStore: the authoritative board in the node's SQLite file.
// Cells of every (day, room, slot), the claims that won them, the archive of claims that left
// the board (removed, reset) or never got on it (lost), the announcement, a strictly increasing
// `seq` (one per committed change) and an `epoch` that is new for every new database file.
// Every write is one IMMEDIATE transaction committed with synchronous=FULL: when a method
// returns, the change is on disk. One NodeStore per thread (each has its own connection).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"
#include "core/validate.hpp"
#include "store/sqlite.hpp"

namespace osb {

inline constexpr int kNodeSchemaVersion = 3;  // 2: talks, schedule imports; 3: lightning, groups, interest, moves

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

// Gives the board database `db` a new epoch, so every client that knew the old one reloads the
// whole board (a backup copy, a restore: contract §4.4). Throws StoreError when `db` is not a
// board database.
void write_new_epoch(Database& db);

class NodeStore {
 public:
  // Opens (or creates) the database, migrates the schema and makes sure a cell exists for every
  // (day, room, slot) of the event. Throws StoreError on a database from a newer schema.
  NodeStore(const std::string& path, const Event& event);

  const Event& event() const { return event_; }
  std::string epoch();
  std::int64_t seq();

  // [SECTION] Reads
  Board board();
  Changes changes_since(std::int64_t since);
  std::optional<Cell> cell(const CellKey& key);
  std::optional<Announcement> announcement();
  std::vector<ArchivedClaim> archive(const std::string& day);
  // Every claimed cell (for calendars and exports).
  std::vector<Cell> claimed_cells();
  // The cell a claim_id holds now, if it is on the board.
  std::optional<Cell> cell_of_claim(const std::string& claim_id);
  // Number of claimed cells of a day (what a reset would archive).
  int claimed_count(const std::string& day);
  // Every talk, cancelled ones too, by start then room.
  std::vector<Talk> talks();
  std::optional<ScheduleImport> last_import();
  std::vector<Sheet> sheets();                 // every sheet of every event day
  std::optional<Sheet> sheet(const std::string& day, const std::string& start);
  std::vector<Group> groups();                 // not removed, by day, time, title
  std::vector<ArchivedSignup> archived_signups(const std::string& day);
  std::vector<ArchivedGroup> archived_groups(const std::string& day);
  // Counts for /metrics.
  struct Counts {
    std::int64_t signups = 0, groups = 0, joins = 0, interest = 0, moves = 0;
  };
  Counts counts();

  // [SECTION] Writes (each one durable transaction)
  // `now` is the venue's wall clock: the node decides whether a slot is past.
  ClaimResult claim(Claim claim, const LocalTime& now);
  CellResult release(const std::string& claim_id);
  ResetResult reset_day(const std::string& day);
  CellResult block(const CellKey& key, std::string label);
  CellResult unblock(const CellKey& key);
  AnnouncementResult set_announcement(Announcement a);
  // Merges one schedule document's talks (ids unique) into the board: added, updated,
  // cancelled (kept), unchanged; the whole import is one transaction and takes one seq.
  // `source` (a file name or URL, may be empty) is kept with the counts as the last import.
  ScheduleResult import_schedule(const std::vector<Talk>& talks, const std::string& source);

  // [SECTION] Lightning talks, groups, interest, moves (contract §4.3); `now` is venue time.
  SignupResult sign_up(LightningSignup s, const LocalTime& now);
  SignupResult remove_signup(const std::string& signup_id);
  SignupResult reorder(const std::string& day, const std::string& start, const std::vector<std::string>& order);
  GroupResult create_group(Group g, const LocalTime& now);
  GroupResult join_group(const std::string& group_id, const std::string& join_id);
  GroupResult remove_group(const std::string& group_id);
  InterestResult add_interest(const std::string& claim_id, const std::string& interest_id);
  MoveResult move(const std::string& claim_id, const CellKey& to, const LocalTime& now);

  Database& database() { return db_; }

 private:
  std::vector<LightningSignup> read_signups(const std::string& day, const std::string& start);
  Sheet read_sheet(const std::string& day, const LightningSheet& t, std::int64_t seq);
  std::vector<Sheet> read_sheets(std::optional<std::int64_t> since);
  std::vector<Group> read_groups(std::optional<std::int64_t> since);
  std::optional<Group> read_group(const std::string& group_id, std::string* status = nullptr);
  void archive_signup(const LightningSignup& s, const char* reason);
  void archive_group(const Group& g, const char* reason);
  void touch_sheet(const std::string& day, const std::string& start, std::int64_t seq);
  // Archives ("reset") the sign-ups and groups of a day under `seq`; says how many of each.
  void reset_gatherings(const std::string& day, std::int64_t seq, int& signups, int& groups);
  void migrate();
  void seed();
  std::int64_t next_seq(const char* kind, const CellKey* key, const std::string& claim_id);
  std::optional<Cell> read_cell(const CellKey& key);
  void write_cell(const Cell& c);
  std::vector<Talk> read_talks(std::optional<std::int64_t> since);  // all, or seq > since
  void archive_claim(const Claim& c, const char* reason, int interest = 0);
  bool in_event(const CellKey& key) const;

  Database db_;
  Event event_;
};

}  // namespace osb
