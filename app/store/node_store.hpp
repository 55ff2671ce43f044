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

inline constexpr int kNodeSchemaVersion = 2;  // 2: talks and the last schedule import

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
  int archived = 0;
  std::int64_t seq = 0;
};

// PUT /api/v1/schedule: what one import did.
struct ScheduleResult {
  int talks = 0, added = 0, updated = 0, cancelled = 0, unchanged = 0;
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

  Database& database() { return db_; }

 private:
  void migrate();
  void seed();
  std::int64_t next_seq(const char* kind, const CellKey* key, const std::string& claim_id);
  std::optional<Cell> read_cell(const CellKey& key);
  void write_cell(const Cell& c);
  std::vector<Talk> read_talks(std::optional<std::int64_t> since);  // all, or seq > since
  void archive_claim(const Claim& c, const char* reason);
  bool in_event(const CellKey& key) const;

  Database db_;
  Event event_;
};

}  // namespace osb
