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
  int capacity = 0;   // seats; 0 when event.toml does not say
};

// A slot of the daily template, in minutes after local midnight.
struct SlotTime {
  int start = 0;
  int end = 0;
};

// A lightning-talk sign-up sheet of event.toml ([[lightning]]), the same every day: `talks`
// places of `minutes` each from `start`; sign-up closes at `closes` (default: at the start).
struct LightningSheet {
  int start = 0;     // minutes after local midnight
  int talks = 12;
  int minutes = 5;
  int closes = -1;   // minutes after local midnight; -1: at `start`
  int closes_at() const { return closes < 0 ? start : closes; }
};

struct Event {
  std::string name;
  std::vector<std::string> days;  // "YYYY-MM-DD", local to the venue
  std::string timezone;           // IANA name; empty = the machine's local zone
  std::vector<Room> rooms;
  std::vector<SlotTime> slots;
  std::string backchannel;        // e.g. "#pycon"; empty when the event has none
  std::vector<LightningSheet> lightning = {};  // by start

  const Room* find_room(const std::string& id) const;
  const LightningSheet* find_sheet(int start_minute) const;
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
  int interest = 0;                               // claimed only: "I'll come" taps
  // A session staff moved: the new cell says where it came from (claimed), the old one where it
  // went (open, until someone claims or blocks it). Empty when not moved.
  std::string moved_from_room, moved_from_start;
  std::string moved_to_room, moved_to_start;

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

// [SECTION] Lightning talks, evening groups (contract §4.3)

// One place taken on a lightning sheet. `start` is the sheet's start ("HH:MM"); `position` is
// 1-based, in the order staff keep (sign-up order unless they reorder).
struct LightningSignup {
  std::string signup_id;  // 8-64 of [A-Za-z0-9_-], chosen by the kiosk, idempotent like claim_id
  std::string day;
  std::string start;
  std::string title;      // 1-80
  std::string speaker;    // 1-40
  int position = 0;
  bool same_content(const LightningSignup& o) const {
    return signup_id == o.signup_id && day == o.day && start == o.start && title == o.title && speaker == o.speaker;
  }
  bool operator==(const LightningSignup&) const = default;
};

// A sheet on one day as the board has it: the template's numbers plus its sign-ups by position.
struct Sheet {
  std::string day;
  std::string start;   // "HH:MM"
  int talks = 0;
  int minutes = 0;
  std::string closes;  // "HH:MM"
  std::vector<LightningSignup> signups;
  std::int64_t seq = 0;  // the change that last touched this sheet
  bool full() const { return static_cast<int>(signups.size()) >= talks; }
  bool operator==(const Sheet&) const = default;
};

// An evening group ("dinner at 19:30, meet at the main entrance, 8 seats"). Joins are a count,
// never a name. `continues` names the open space it continues, if any.
struct Group {
  std::string group_id;   // 8-64 of [A-Za-z0-9_-]
  std::string day;
  std::string time;       // "HH:MM", venue time
  std::string title;      // 1-80
  std::string where;      // 1-80: where to meet
  int seats = 0;          // 2-40
  std::string host;       // 1-40
  std::string continues;  // a claim_id, or empty
  int joined = 0;
  bool removed = false;   // in changes only: staff removed it, or the day was reset
  std::int64_t seq = 0;
  bool full() const { return joined >= seats; }
  bool same_content(const Group& o) const {
    return group_id == o.group_id && day == o.day && time == o.time && title == o.title && where == o.where &&
           seats == o.seats && host == o.host && continues == o.continues;
  }
  bool operator==(const Group&) const = default;
};

// The whole board as the node serves it (GET /api/v1/board).
struct Board {
  std::string epoch;
  std::int64_t seq = 0;
  Event event;
  std::vector<Cell> cells;
  std::optional<Announcement> announcement;
  std::vector<Talk> talks = {};  // by start, then room (initialised: older aggregate initialisers leave it out)
  std::vector<Sheet> lightning = {};  // every sheet of every day, by day then start
  std::vector<Group> groups = {};     // groups not removed, by day, time, title
};

// A batch of changes (GET /api/v1/changes).
struct Changes {
  std::string epoch;
  std::int64_t seq = 0;
  std::vector<Cell> cells;
  std::optional<Announcement> announcement;
  std::vector<Talk> talks = {};  // talks whose seq > since
  std::vector<Sheet> lightning = {};  // whole sheets touched since
  std::vector<Group> groups = {};     // groups touched since (removed ones with `removed`)
};

// A claim that left the board, or never got on it (GET /api/v1/archive).
struct ArchivedClaim {
  Claim claim;
  std::string reason;  // "removed", "reset" or "lost"
  std::string at;      // ISO 8601 timestamp
};

// A lightning sign-up or a group that left the board: "removed" (staff), "reset" (morning
// reset) or "lost" (refused full / closed, recorded once per id).
struct ArchivedSignup {
  LightningSignup signup;
  std::string reason;
  std::string at;
};
struct ArchivedGroup {
  Group group;
  std::string reason;
  std::string at;
};

}  // namespace osb
