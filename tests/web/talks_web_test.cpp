// Scheduled talks on the phone page (beside the open spaces, cancelled struck through), the
// session page's backchannel tag and clash list, and /calendar.ics?talks=1.
#include <doctest/doctest.h>

#include <chrono>

#include "support/sample_event.hpp"
#include "web/ics.hpp"
#include "web/web_view.hpp"

using namespace osb;

namespace {

Talk talk(std::string id, std::string start, std::string end, std::string title, TalkState state = TalkState::Scheduled) {
  Talk t;
  t.id = std::move(id);
  t.day = start.substr(0, 10);
  t.start = std::move(start);
  t.end = std::move(end);
  t.room = "Hall <1>";
  t.title = std::move(title);
  t.persons = {"Zoë"};
  t.track = "Core";
  t.url = "https://example.org/t";
  t.state = state;
  return t;
}

Board board_with_talks() {
  Board b;
  b.epoch = "ep";
  b.seq = 3;
  b.event = test::sample_event();
  b.event.backchannel = "#pycon";
  for (const auto& r : b.event.rooms)
    for (const auto& s : b.event.slots) {
      Cell c;
      c.day = "2030-03-11";
      c.room = r.id;
      c.start = format_hhmm(s.start);
      c.end = format_hhmm(s.end);
      b.cells.push_back(c);
    }
  Cell& a = b.cells[2];  // room A, 14:00
  a.state = CellState::Claimed;
  a.claim_id = "claim-talks-1";
  a.title = "Packaging BoF";
  a.host = "José";
  b.talks = {talk("t1", "2030-03-11T10:15", "2030-03-11T11:00", "Async IO in depth"),
             talk("t2", "2030-03-11T14:30", "2030-03-11T15:30", "Typing <b>at</b> scale"),
             talk("t3", "2030-03-11T14:00", "2030-03-11T14:45", "Gone talk", TalkState::Cancelled)};
  return b;
}

}  // namespace

TEST_CASE("phone page: talks listed under the slots they overlap, escaped, cancelled struck through") {
  const Board b = board_with_talks();
  const std::string page = web::board_page(b, "2030-03-11", test::early());
  const auto ten = page.find("aria-label=\"10:00–11:00\"");
  const auto eleven = page.find("aria-label=\"11:00–12:00\"");
  const auto two = page.find("aria-label=\"14:00–15:00\"");
  REQUIRE(ten != std::string::npos);
  const auto async = page.find("Async IO in depth");
  CHECK(async > ten);
  CHECK(async < eleven);
  CHECK(page.find("Typing &lt;b&gt;at&lt;/b&gt; scale · Hall &lt;1&gt;") > two);
  CHECK(page.find("<b>at</b>") == std::string::npos);
  CHECK(page.find("<s>Gone talk · Hall &lt;1&gt;</s><span class=\"flag\">cancelled</span>") != std::string::npos);
  CHECK(page.find("<span class=\"when\">10:15–11:00</span>") != std::string::npos);
}

TEST_CASE("session page: the backchannel tag and the talks at the same time") {
  const Board b = board_with_talks();
  const auto page = web::session_page(b, "claim-talks-1", test::early());
  REQUIRE(page);
  CHECK(page->find("#pycon #os-a-1400") != std::string::npos);
  CHECK(page->find("At the same time") != std::string::npos);
  CHECK(page->find("Typing &lt;b&gt;at&lt;/b&gt; scale") != std::string::npos);
  CHECK(page->find("Async IO in depth") == std::string::npos);
}

TEST_CASE("calendar with talks: one VEVENT each, venue times, cancelled marked") {
  const Board b = board_with_talks();
  const VenueClock clock("Europe/Berlin");
  Event ev = b.event;
  ev.timezone = "Europe/Berlin";
  const auto stamp = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 60);
  const std::string without = ics::calendar(ev, {b.cells[2]}, clock, "http://node", stamp);
  const std::string with = ics::calendar(ev, {b.cells[2]}, b.talks, clock, "http://node", stamp);
  CHECK(without.find("talk-t1") == std::string::npos);
  CHECK(with.find("UID:talk-t1@openspace-board\r\n") != std::string::npos);
  CHECK(with.find("DTSTART;TZID=Europe/Berlin:20300311T101500\r\n") != std::string::npos);
  CHECK(with.find("SUMMARY:Typing <b>at</b> scale\r\n") != std::string::npos);
  CHECK(with.find("DESCRIPTION:Talk by Zoë\\nTrack: Core\r\n") != std::string::npos);
  CHECK(with.find("STATUS:CANCELLED\r\n") != std::string::npos);
  CHECK(with.find("URL:https://example.org/t\r\n") != std::string::npos);
  std::size_t events = 0;
  for (auto p = with.find("BEGIN:VEVENT"); p != std::string::npos; p = with.find("BEGIN:VEVENT", p + 1)) ++events;
  CHECK(events == 4);
}
