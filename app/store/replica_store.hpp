// Open Space Board — ReplicaStore: a kiosk's own copy of the board and its durable outbox.
// The board as last seen from the node (event, rooms, slots, cells, announcement, talks, epoch, seq),
// the outbox of claims made at this kiosk and not yet accepted, and the claims that lost their
// cell. Making a claim writes the pending cell and the outbox row in ONE transaction with
// synchronous=FULL: pulling the power right after the tap loses nothing.
// One ReplicaStore per thread (each owns a connection to the same file): the UI thread reads
// and enqueues, the sync thread applies node answers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/validate.hpp"
#include "store/sqlite.hpp"

namespace osb {

inline constexpr int kReplicaSchemaVersion = 3;  // 2: talks; 3: lightning, groups, interest, moves, actions

struct PendingClaim {
  Claim claim;
  std::string created_at;  // ISO UTC
  int attempts = 0;
};

struct LostClaim {
  Claim claim;
  Error error;               // the node's code ("taken", "blocked", "past", "invalid", ...) and message
  std::optional<Cell> cell;  // the cell's state when it was refused, when the node said
  std::string at;            // ISO UTC
  bool acknowledged = false; // a person at the screen has seen the message
};

// Everything else a person does at a kiosk besides claiming (contract §4.3), kept in the same
// durable outbox: a lightning sign-up, a new group, a join, an "I'll come".
enum class ActionKind { Signup, Group, Join, Interest };
const char* to_string(ActionKind k);

struct PendingAction {
  ActionKind kind = ActionKind::Signup;
  std::string action_id;   // signup_id, group_id, join_id or interest_id (idempotent on the node)
  std::string target;      // Join: the group_id; Interest: the claim_id
  LightningSignup signup;  // Signup
  Group group;             // Group
  std::string created_at;  // ISO UTC
  int attempts = 0;
};

struct LostAction {
  PendingAction action;
  Error error;   // "full", "closed", "removed", "not_found", "invalid", ...
  std::string at;
  bool acknowledged = false;
};

class ReplicaStore {
 public:
  explicit ReplicaStore(const std::string& path);

  // [SECTION] The board as last seen
  bool has_board();                  // false until the first full board was stored
  Board board();                     // node state only (pending claims are in outbox())
  std::string epoch();
  std::int64_t seq();
  std::string last_sync_at();        // ISO UTC of the last successful exchange with the node, "" if never
  void replace_board(const Board& b);  // full reload (first sync, 410 gone)
  void apply_changes(const Changes& c);  // one transaction; ignores cells already newer
  void mark_synced();                // records now as last_sync_at
  // Added: the same moment as last_sync_at in milliseconds since 1970 (0 if never), for lag.
  std::int64_t last_sync_ms();
  std::optional<Announcement> announcement();
  std::optional<Cell> cell(const CellKey& key);
  // The conference's talks as last seen (cancelled ones too), by start then room; board() has them.
  std::vector<Talk> talks();

  // [SECTION] Outbox
  // Validates (normalize_claim), then writes the outbox row: one durable transaction.
  // Returns the error for invalid claims (nothing written). When the replica has a board it also
  // refuses a cell it knows is claimed ("taken") or blocked ("blocked"), a cell not on the board
  // ("not_found") and a second pending claim for the same cell ("taken"); the same claim enqueued
  // twice is a no-op, another claim under a pending claim_id is "claim_id_reused".
  std::optional<Error> enqueue_claim(Claim claim);
  std::vector<PendingClaim> outbox();  // oldest first
  int outbox_size();  // pending claims plus pending actions (what X-Kiosk-Outbox reports)
  void note_attempt(const std::string& claim_id);
  // The node accepted it (201/200): remove from the outbox and store the cell.
  void claim_delivered(const std::string& claim_id, const Cell& cell);
  // The node refused it for good (409 taken/blocked/past/removed/claim_id_reused, 400 invalid):
  // move it from the outbox to the lost claims, and store the cell when given.
  void claim_lost(const std::string& claim_id, const Error& error, const std::optional<Cell>& cell);

  // [SECTION] Actions (sign-ups, groups, joins, interest): the same durable outbox, sent after claims
  // Validates (normalize_signup / normalize_group, ids), then writes the row in one durable
  // transaction. Refuses a sheet it knows is full with what is pending ("full"), a sheet or a group
  // it does not know ("not_found"), a second join or interest from this kiosk under the same id
  // (a no-op, like a claim enqueued twice).
  std::optional<Error> enqueue_action(PendingAction a);
  std::vector<PendingAction> actions();  // oldest first
  int actions_size();
  void note_action_attempt(const std::string& action_id);
  // The node accepted it: remove it and store what the node answered (each only when newer).
  void action_delivered(const std::string& action_id, const std::optional<Sheet>& sheet, const std::optional<Group>& group,
                        const std::optional<Cell>& cell);
  // The node refused it for good: move it to the lost actions.
  void action_lost(const std::string& action_id, const Error& error);
  std::vector<LostAction> lost_actions(bool unacknowledged_only = true);
  void acknowledge_lost_action(const std::string& action_id);
  std::vector<Sheet> sheets();  // as last seen, by day then start (board() has them)
  std::vector<Group> groups();  // not removed, by day, time, title

  // [SECTION] Lost claims
  std::vector<LostClaim> lost_claims(bool unacknowledged_only = true);
  void acknowledge_lost(const std::string& claim_id);

  Database& database() { return db_; }

 private:
  std::string meta(const char* key);
  void set_meta(const char* key, const std::string& value);
  void store_cell(const Cell& c);
  void store_talk(const Talk& t);
  void store_sheet(const Sheet& s);
  void store_group(const Group& g);
  void store_announcement(const std::optional<Announcement>& a);
  void store_synced_now();

  Database db_;
};

}  // namespace osb
