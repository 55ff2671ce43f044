// A small event for tests: days, rooms A..C, three one-hour slots.
#pragma once
#include "core/model.hpp"
#include "core/time.hpp"

namespace osb::test {

inline Event sample_event(std::vector<std::string> days = {"2030-03-11", "2030-03-12"}) {
  Event e;
  e.name = "Test Open Spaces";
  e.days = std::move(days);
  e.rooms = {{"A", "Room A", "Level 2"}, {"B", "Room B", ""}, {"C", "Room C", ""}};
  e.slots = {{10 * 60, 11 * 60}, {11 * 60, 12 * 60}, {14 * 60, 15 * 60}};
  return e;
}

// A board of `event` with every cell open.
inline Board open_board(const Event& e) {
  Board b;
  b.epoch = "e1";
  b.event = e;
  for (const std::string& d : e.days)
    for (const Room& r : e.rooms)
      for (const SlotTime& s : e.slots) {
        Cell c;
        c.day = d;
        c.room = r.id;
        c.start = format_hhmm(s.start);
        c.end = format_hhmm(s.end);
        b.cells.push_back(c);
      }
  return b;
}

// A wall-clock moment well before every sample day.
inline LocalTime early() { return {"2030-01-01", 9 * 60, 0}; }

inline Claim sample_claim(std::string id = "claim-0001", std::string room = "A", std::string start = "10:00",
                          std::string day = "2030-03-11") {
  return Claim{std::move(id), std::move(day), std::move(room), std::move(start), "Packaging BoF", "José", ""};
}

// An evening group on the first sample day (contract §4.3).
inline Group sample_group(std::string id = "group-0001", int seats = 3) {
  Group g;
  g.group_id = std::move(id);
  g.day = "2030-03-11";
  g.time = "19:30";
  g.title = "Dinner: Thai";
  g.where = "Main entrance";
  g.seats = seats;
  g.host = "Ana";
  return g;
}

}  // namespace osb::test
