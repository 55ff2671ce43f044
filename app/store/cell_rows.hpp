// Open Space Board — rows <-> cells and talks, shared by NodeStore and ReplicaStore (internal to app/store).
// Both keep cells in a table with these columns, in this order.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/time.hpp"
#include "store/sqlite.hpp"

// Talks (schema 2 of both stores): persons joined by newlines (names never hold one: control
// characters are dropped on import).
#define OSB_TALK_COLUMNS "id, day, start, end_time, room, title, persons, track, url, state, seq"
#define OSB_CELL_COLUMNS \
  "day, room, start, end_time, state, title, host, description, claim_id, label, seq, interest, " \
  "moved_from_room, moved_from_start, moved_to_room, moved_to_start"
// Columns added to `cells` by schema 3 of both stores (interest and moves, contract §4.3).
#define OSB_CELL_COLUMNS_V3_SQL                                          \
  "ALTER TABLE cells ADD COLUMN interest INTEGER NOT NULL DEFAULT 0;"    \
  "ALTER TABLE cells ADD COLUMN moved_from_room TEXT NOT NULL DEFAULT '';"  \
  "ALTER TABLE cells ADD COLUMN moved_from_start TEXT NOT NULL DEFAULT '';" \
  "ALTER TABLE cells ADD COLUMN moved_to_room TEXT NOT NULL DEFAULT '';"    \
  "ALTER TABLE cells ADD COLUMN moved_to_start TEXT NOT NULL DEFAULT '';"

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
  c.interest = static_cast<int>(s.int64(col + 11));
  c.moved_from_room = s.text(col + 12);
  c.moved_from_start = s.text(col + 13);
  c.moved_to_room = s.text(col + 14);
  c.moved_to_start = s.text(col + 15);
  return c;
}

// An open cell (nothing moved in or out) of (day, room, start, end) at `seq`.
inline Cell open_cell(std::string day, std::string room, std::string start, std::string end, std::int64_t seq) {
  Cell c;
  c.day = std::move(day);
  c.room = std::move(room);
  c.start = std::move(start);
  c.end = std::move(end);
  c.seq = seq;
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

inline std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "\n") + x;
  return s;
}

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < s.size()) {
    const auto nl = s.find('\n', from);
    out.push_back(s.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  return out;
}

// Both stores keep evening groups in `evening_groups` with these columns first, in this order.
#define OSB_GROUP_ROW_COLUMNS "group_id, day, time, title, place, seats, host, continues, joined, seq"

inline Group group(const Statement& s) {
  Group g;
  g.group_id = s.text(0);
  g.day = s.text(1);
  g.time = s.text(2);
  g.title = s.text(3);
  g.where = s.text(4);
  g.seats = static_cast<int>(s.int64(5));
  g.host = s.text(6);
  g.continues = s.text(7);
  g.joined = static_cast<int>(s.int64(8));
  g.seq = s.int64(9);
  return g;
}

inline Talk talk(const Statement& s) {
  Talk t;
  t.id = s.text(0);
  t.day = s.text(1);
  t.start = s.text(2);
  t.end = s.text(3);
  t.room = s.text(4);
  t.title = s.text(5);
  t.persons = split_lines(s.text(6));
  t.track = s.text(7);
  t.url = s.text(8);
  t.state = talk_state_from_string(s.text(9)).value_or(TalkState::Scheduled);
  t.seq = s.int64(10);
  return t;
}

}  // namespace osb::rows
