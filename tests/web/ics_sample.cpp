// Writes a sample calendar (tricky text, a daylight-saving week, a named zone, a lightning sheet
// and an evening group) to the file given,
// for tests/web/check_ics.py to parse with an independent iCalendar reader.
#include <chrono>
#include <cstdio>
#include <fstream>

#include "web/ics.hpp"
#include "support/sample_event.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ics_sample OUT.ics\n");
    return 2;
  }
  using namespace osb;
  Event e = test::sample_event({"2030-03-09", "2030-03-11"});  // the US switch to daylight time lies between
  e.timezone = "America/New_York";
  e.rooms[0].where = "Level 2; by the café, left";
  auto cell = [](std::string day, std::string room, std::string start, std::string end, std::string id, std::string title,
                 std::string host, std::string desc) {
    Cell c;
    c.day = day, c.room = room, c.start = start, c.end = end, c.state = CellState::Claimed;
    c.claim_id = id, c.title = title, c.host = host, c.description = desc;
    return c;
  };
  std::string long_desc;
  for (int i = 0; i < 20; ++i) long_desc += "Юлия и Łukasz; Σοφία, José \\ 😀 ";
  const std::vector<Cell> cells = {
      cell("2030-03-09", "A", "10:00", "11:00", "claim-0001", "Packaging BoF", "José", ""),
      cell("2030-03-11", "B", "14:00", "15:00", "claim-0002", "Async IO Q&A; part 1, maybe", "Σοφία", long_desc),
  };
  // Contract §4.3: a lightning sheet with two talks (one with text to escape) and an evening
  // group that continues a session and ends after midnight.
  Board board;
  board.event = e;
  board.cells = cells;
  Sheet sheet{"2030-03-09", "17:30", 12, 5, "17:25", {}, 1};
  sheet.signups = {{"signup-0001", "2030-03-09", "17:30", "Emacs; in 5, minutes", "Юлия", 1},
                   {"signup-0002", "2030-03-09", "17:30", "Vim \\ 😀", "Łukasz", 2}};
  board.lightning = {sheet};
  Group group;
  group.group_id = "group-0001";
  group.day = "2030-03-11";
  group.time = "23:30";
  group.title = "Dinner, then a walk";
  group.where = "Main entrance; by the café";
  group.seats = 8;
  group.joined = 5;
  group.host = "Σοφία";
  group.continues = "claim-0002";
  board.groups = {group};
  const auto stamp = std::chrono::sys_days{std::chrono::year{2030} / 1 / 2};
  std::ofstream(argv[1], std::ios::binary) << ics::calendar(board, {}, VenueClock(e.timezone), "http://127.0.0.1:8080", stamp);
  return 0;
}
