// Open Space Board — the board model: the types every layer speaks.
// An Event has days, rooms and one slot template used every day. A Cell is one
// (day, room, start) of the grid and is open, claimed or blocked. A Claim is what a person
// asks for at a kiosk. Plain values, no IO.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace osb {

struct Room {
  std::string id;     // [A-Za-z0-9_-]{1,16}
  std::string name;
  std::string where;  // may be empty
};

// A slot of the daily template, in minutes after local midnight.
struct SlotTime {
  int start = 0;
  int end = 0;
};

struct Event {
  std::string name;
  std::vector<std::string> days;  // "YYYY-MM-DD", local to the venue
  std::string timezone;           // IANA name; empty = the machine's local zone
  std::vector<Room> rooms;
  std::vector<SlotTime> slots;
  std::string backchannel;        // e.g. "#pycon"; empty when the event has none

  const Room* find_room(const std::string& id) const;
  const SlotTime* find_slot(int start_minute) const;
  bool has_day(const std::string& day) const;
};

enum class CellState { Open, Claimed, Blocked };
const char* to_string(CellState s);
std::optional<CellState> cell_state_from_string(const std::string& s);

struct CellKey {
  std::string day;
  std::string room;
  std::string start;  // "HH:MM"
  bool operator==(const CellKey&) const = default;
  auto operator<=>(const CellKey&) const = default;
};

struct Cell {
  std::string day;
  std::string room;
  std::string start;  // "HH:MM"
  std::string end;    // "HH:MM"
  CellState state = CellState::Open;
  std::string title, host, description, claim_id;  // claimed only
  std::string label;                              // blocked only
  std::int64_t seq = 0;                           // change number that last touched it

  CellKey key() const { return {day, room, start}; }
  bool operator==(const Cell&) const = default;
};

struct Claim {
  std::string claim_id;
  std::string day;
  std::string room;
  std::string start;
  std::string title;
  std::string host;
  std::string description;
  bool same_content(const Claim& o) const {
    return claim_id == o.claim_id && day == o.day && room == o.room && start == o.start &&
           title == o.title && host == o.host && description == o.description;
  }
};

struct Announcement {
  std::string text;
  std::string until;  // "HH:MM" or empty
  bool operator==(const Announcement&) const = default;
};

// A scheduled talk of the conference programme (imported from frab / pretalx), shown beside
// the open spaces. Times are venue-local "YYYY-MM-DDTHH:MM"; `day` is the conference day the
// schedule lists it under (a talk at 00:30 belongs to the day before). A talk missing from a
// later import is kept as cancelled, never dropped.
enum class TalkState { Scheduled, Cancelled };
const char* to_string(TalkState s);
std::optional<TalkState> talk_state_from_string(const std::string& s);

struct Talk {
  std::string id;     // the schedule's guid, else its id (opaque text)
  std::string day;    // "YYYY-MM-DD", the conference day
  std::string start;  // venue-local "YYYY-MM-DDTHH:MM"
  std::string end;
  std::string room;   // the schedule's room name, free text
  std::string title;
  std::vector<std::string> persons;
  std::string track;
  std::string url;
  TalkState state = TalkState::Scheduled;
  std::int64_t seq = 0;

  // Same as the schedule says it (everything but state and seq).
  bool same_content(const Talk& o) const {
    return id == o.id && day == o.day && start == o.start && end == o.end && room == o.room && title == o.title &&
           persons == o.persons && track == o.track && url == o.url;
  }
  bool operator==(const Talk&) const = default;
};

// The last schedule import (GET /api/v1/schedule, openspace-admin status).
struct ScheduleImport {
  std::string at;      // ISO 8601 UTC
  std::string source;  // file name or URL the admin named; may be empty
  int talks = 0, added = 0, updated = 0, cancelled = 0, unchanged = 0;
  std::int64_t seq = 0;
};

// The whole board as the node serves it (GET /api/v1/board).
struct Board {
  std::string epoch;
  std::int64_t seq = 0;
  Event event;
  std::vector<Cell> cells;
  std::optional<Announcement> announcement;
  std::vector<Talk> talks = {};  // by start, then room (initialised: older aggregate initialisers leave it out)
};

// A batch of changes (GET /api/v1/changes).
struct Changes {
  std::string epoch;
  std::int64_t seq = 0;
  std::vector<Cell> cells;
  std::optional<Announcement> announcement;
  std::vector<Talk> talks = {};  // talks whose seq > since
};

// A claim that left the board, or never got on it (GET /api/v1/archive).
struct ArchivedClaim {
  Claim claim;
  std::string reason;  // "removed", "reset" or "lost"
  std::string at;      // ISO 8601 timestamp
};

}  // namespace osb
