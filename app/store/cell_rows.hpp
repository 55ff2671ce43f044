// Open Space Board — SQLite rows <-> cells, groups and talks, shared by NodeStore and ReplicaStore
// (internal to app/store). Both keep them in tables with the columns of board_rules.hpp.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/board_rules.hpp"
#include "store/sqlite.hpp"

// Columns added to `cells` by schema 3 of both stores (interest and moves, contract §4.3).
#define OSB_CELL_COLUMNS_V3_SQL                                          \
  "ALTER TABLE cells ADD COLUMN interest INTEGER NOT NULL DEFAULT 0;"    \
  "ALTER TABLE cells ADD COLUMN moved_from_room TEXT NOT NULL DEFAULT '';"  \
  "ALTER TABLE cells ADD COLUMN moved_from_start TEXT NOT NULL DEFAULT '';" \
  "ALTER TABLE cells ADD COLUMN moved_to_room TEXT NOT NULL DEFAULT '';"    \
  "ALTER TABLE cells ADD COLUMN moved_to_start TEXT NOT NULL DEFAULT '';"

namespace osb::rows {

// A cell from the OSB_CELL_COLUMNS of a row, starting at column `col`.
inline Cell cell(const Statement& s, int col = 0) { return rules::cell_from(s, col); }

using rules::join_lines;
using rules::now_iso;

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

// An evening group from the OSB_GROUP_ROW_COLUMNS of a row.
inline Group group(const Statement& s) { return rules::group_from(s); }

// A talk from the OSB_TALK_COLUMNS of a row.
inline Talk talk(const Statement& s) { return rules::talk_from(s); }

}  // namespace osb::rows
