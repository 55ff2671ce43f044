// Open Space Board — PgStore: the authoritative board in PostgreSQL (node.toml [store] postgres,
// contract §4.4), over libpq. Same rules as NodeStore (see BoardStore); how they hold here:
//   - The schema is created on first open (under an advisory lock, so several node processes may
//     start at once): the SQLite tables, plus `counter`, one row whose `seq` is the board's seq.
//   - seq comes from `UPDATE counter SET seq = seq + 1 RETURNING seq` inside the write's own
//     transaction, never from a SEQUENCE: nextval is not rolled back and not in commit order, so a
//     long-poll could skip a change for good. A refused write rolls back and takes no seq.
//   - Every write begins by locking the counter row (SELECT ... FOR UPDATE): writers of every
//     process queue there, as on SQLite's write lock, so each decision that reads then writes
//     (a cell still open, a lightning place left, a group seat left) sees every earlier commit, and
//     the commit order is the seq order. On top of it the decisive statements are guarded in SQL
//     (`UPDATE cells ... WHERE state = 'open'`, `joined < seats`, a unique index on a claim's cell),
//     so exactly one claim wins a cell even if the lock were dropped.
//   - An error before COMMIT rolls back (StoreError kind Unavailable when the server cannot be
//     used: 503). A failure after COMMIT was sent (connection lost, a warning from the commit) is
//     kind InDoubt: the node answers 503 and the client's retry with the same id replays. The
//     store never sends a COMMIT twice and sets no timeout on it.
//   - A lost connection is reopened (PQreset) at the start of the next transaction; with a
//     multi-host conninfo and target_session_attrs=read-write that finds the new primary.
// One PgStore per thread (it holds one connection). Only this file's .cpp includes libpq-fe.h.
#pragma once
#include <memory>
#include <string>

#include "store/board_store.hpp"

namespace osb {

inline constexpr int kPgSchemaVersion = 2;  // 2: staff_sessions

class PgStore final : public BoardStore {
 public:
  // Connects with the libpq `conninfo`, creates the schema when missing and makes sure a cell
  // exists for every (day, room, slot) of the event. Throws StoreError (Unavailable when the
  // server cannot be reached; Error for a board from a newer program).
  PgStore(const std::string& conninfo, const Event& event);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

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

  // [SECTION] Writes (each one transaction; see above)
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

  // [SECTION] Staff sessions (table staff_sessions; shared by every node process)
  bool shares_sessions() const override { return true; }
  std::uint64_t open_session(const std::string& token_hash, std::int64_t expires) override;
  std::uint64_t find_session(const std::string& token_hash, std::int64_t now) override;
  bool revoke_session(const std::string& token_hash, std::int64_t now) override;

  class Connection;  // the libpq connection (pg_store.cpp)

 private:
  void create_schema();
  void seed();
  std::int64_t next_seq(const char* kind, const CellKey* key, const std::string& claim_id);
  std::optional<Cell> read_cell(const CellKey& key);
  void write_cell(const Cell& c);
  std::vector<Cell> read_cells(const char* sql, const std::string& param);
  std::vector<Talk> read_talks(std::optional<std::int64_t> since);
  void archive_claim(const Claim& c, const char* reason, int interest = 0);
  std::vector<LightningSignup> read_signups(const std::string& day, const std::string& start);
  Sheet read_sheet(const std::string& day, const LightningSheet& t, std::int64_t seq);
  std::vector<Sheet> read_sheets(std::optional<std::int64_t> since);
  std::vector<Group> read_groups(std::optional<std::int64_t> since);
  std::optional<Group> read_group(const std::string& group_id, std::string* status = nullptr);
  void archive_signup(const LightningSignup& s, const char* reason);
  void archive_group(const Group& g, const char* reason);
  void touch_sheet(const std::string& day, const std::string& start, std::int64_t seq);
  void reset_gatherings(const std::string& day, std::int64_t seq, int& signups, int& groups);

  std::unique_ptr<Connection> db_;
  Event event_;
  std::string channel_;  // NOTIFY channel of this board (pg_channel)
};

// The NOTIFY channel of the board in `schema`: several boards may share one database, each in a
// schema of its own, and channels are database-wide.
std::string pg_channel(const std::string& schema);

// LISTENs on the board's channel on a connection of its own (see ChangeFeed). Connects without
// blocking past the wait's timeout, so interrupt() ends a wait during a failover too.
class PgChangeFeed final : public ChangeFeed {
 public:
  explicit PgChangeFeed(std::string conninfo);
  ~PgChangeFeed() override;
  PgChangeFeed(const PgChangeFeed&) = delete;
  PgChangeFeed& operator=(const PgChangeFeed&) = delete;
  Wake wait(std::chrono::milliseconds timeout, std::int64_t& seq) override;
  void interrupt() override;

 private:
  struct State;
  std::unique_ptr<State> st_;
};

}  // namespace osb
