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

#include "store/board_store.hpp"
#include "store/sqlite.hpp"

namespace osb {

inline constexpr int kNodeSchemaVersion = 3;  // 2: talks, schedule imports; 3: lightning, groups, interest, moves

// Gives the board database `db` a new epoch, so every client that knew the old one reloads the
// whole board (a backup copy, a restore: contract §4.4). Throws StoreError when `db` is not a
// board database.
void write_new_epoch(Database& db);

class NodeStore final : public BoardStore {
 public:
  // Opens (or creates) the database, migrates the schema and makes sure a cell exists for every
  // (day, room, slot) of the event. Throws StoreError on a database from a newer schema.
  NodeStore(const std::string& path, const Event& event);

  const Event& event() const override { return event_; }
  std::string epoch() override;
  std::int64_t seq() override;

  // [SECTION] Reads
  Board board() override;
  Changes changes_since(std::int64_t since) override;
  std::optional<Cell> cell(const CellKey& key) override;
  std::optional<Announcement> announcement() override;
  std::vector<ArchivedClaim> archive(const std::string& day) override;
  std::vector<Cell> claimed_cells() override;
  std::optional<Cell> cell_of_claim(const std::string& claim_id) override;
  int claimed_count(const std::string& day) override;
  std::vector<Talk> talks() override;
  std::optional<ScheduleImport> last_import() override;
  std::vector<Sheet> sheets() override;
  std::optional<Sheet> sheet(const std::string& day, const std::string& start) override;
  std::vector<Group> groups() override;
  std::vector<ArchivedSignup> archived_signups(const std::string& day) override;
  std::vector<ArchivedGroup> archived_groups(const std::string& day) override;
  Counts counts() override;

  // [SECTION] Writes (each one IMMEDIATE transaction; see BoardStore)
  ClaimResult claim(Claim claim, const LocalTime& now) override;
  CellResult release(const std::string& claim_id) override;
  ResetResult reset_day(const std::string& day) override;
  CellResult block(const CellKey& key, std::string label) override;
  CellResult unblock(const CellKey& key) override;
  AnnouncementResult set_announcement(Announcement a) override;
  ScheduleResult import_schedule(const std::vector<Talk>& talks, const std::string& source) override;

  // [SECTION] Lightning talks, groups, interest, moves (contract §4.3)
  SignupResult sign_up(LightningSignup s, const LocalTime& now) override;
  SignupResult remove_signup(const std::string& signup_id) override;
  SignupResult reorder(const std::string& day, const std::string& start, const std::vector<std::string>& order) override;
  GroupResult create_group(Group g, const LocalTime& now) override;
  GroupResult join_group(const std::string& group_id, const std::string& join_id) override;
  GroupResult remove_group(const std::string& group_id) override;
  InterestResult add_interest(const std::string& claim_id, const std::string& interest_id) override;
  MoveResult move(const std::string& claim_id, const CellKey& to, const LocalTime& now) override;

  // SQLite only, not part of BoardStore: schema tests and the maintenance commands (backup,
  // restore) that work on the file itself.
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

  Database db_;
  Event event_;
};

}  // namespace osb
