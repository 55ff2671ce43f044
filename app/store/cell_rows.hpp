// Open Space Board — rows <-> cells, shared by NodeStore and ReplicaStore (internal to app/store).
// Both keep cells in a table with these columns, in this order.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/model.hpp"
#include "core/time.hpp"
#include "store/sqlite.hpp"

#define OSB_CELL_COLUMNS "day, room, start, end_time, state, title, host, description, claim_id, label, seq"

namespace osb::rows {

// A cell from the OSB_CELL_COLUMNS of a row, starting at column `col`.
inline Cell cell(const Statement& s, int col = 0) {
  Cell c;
  c.day = s.text(col);
  c.room = s.text(col + 1);
  c.start = s.text(col + 2);
  c.end = s.text(col + 3);
  c.state = cell_state_from_string(s.text(col + 4)).value_or(CellState::Open);
  c.title = s.text(col + 5);
  c.host = s.text(col + 6);
  c.description = s.text(col + 7);
  c.claim_id = s.text(col + 8);
  c.label = s.text(col + 9);
  c.seq = s.int64(col + 10);
  return c;
}

inline std::string now_iso() { return iso_utc(std::chrono::system_clock::now()); }

// The cell at `key` of a `cells` table, if any.
inline std::optional<Cell> read_cell(Database& db, const CellKey& key) {
  auto& s = db.prepare("SELECT " OSB_CELL_COLUMNS " FROM cells WHERE day = ? AND room = ? AND start = ?");
  s.bind_all(key.day, key.room, key.start);
  std::optional<Cell> c;
  if (s.step()) c = cell(s);
  s.reset();
  return c;
}

// The announcement kept in the `meta` table (keys ann_text, ann_until); none when the text is empty.
inline std::optional<Announcement> read_announcement(Database& db) {
  auto& s = db.prepare("SELECT (SELECT value FROM meta WHERE key='ann_text'), (SELECT value FROM meta WHERE key='ann_until')");
  s.step();
  std::optional<Announcement> a;
  if (!s.is_null(0) && !s.text(0).empty()) a = Announcement{s.text(0), s.text(1)};
  s.reset();
  return a;
}

}  // namespace osb::rows
