// The phone view: escaping of every piece of user text, the day picked, the states and the
// live-update island.
#include <doctest/doctest.h>

#include "web/web_view.hpp"
#include "support/sample_event.hpp"

using namespace osb;

namespace {

constexpr const char* kMarkup = "<img src=x onerror=alert(1)>\"'&</script>";

Board sample_board() {
  Board b = test::open_board(test::sample_event());
  b.epoch = "ep-1";
  b.seq = 7;
  return b;
}

Cell& cell(Board& b, const std::string& day, const std::string& room, const std::string& start) {
  for (auto& c : b.cells)
    if (c.day == day && c.room == room && c.start == start) return c;
  throw std::runtime_error("no such cell");
}

void claim(Cell& c, std::string id, std::string title, std::string host, std::string desc = "") {
  c.state = CellState::Claimed;
  c.claim_id = std::move(id);
  c.title = std::move(title);
  c.host = std::move(host);
  c.description = std::move(desc);
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("escape_html turns markup into text") {
  CHECK(web::escape_html(kMarkup) == "&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;/script&gt;");
  CHECK(web::escape_html("José Σοφία") == "José Σοφία");
}

TEST_CASE("script_json_string cannot close a script element") {
  const std::string s = web::script_json_string("</script><!-- \"\\ \xE2\x80\xA8");
  CHECK(s.find('<') == std::string::npos);
  CHECK(s.find('>') == std::string::npos);
  CHECK(s == "\"\\u003c/script\\u003e\\u003c!-- \\\"\\\\ \\u2028\"");
}

TEST_CASE("board_page escapes every piece of user text") {
  Board b = sample_board();
  b.event.name = std::string("Event ") + kMarkup;
  b.event.rooms[0].name = std::string("Room ") + kMarkup;
  b.event.rooms[0].where = std::string("Where ") + kMarkup;
  claim(cell(b, "2030-03-11", "A", "10:00"), "claim-0001", kMarkup, kMarkup, kMarkup);
  Cell& blocked = cell(b, "2030-03-11", "B", "10:00");
  blocked.state = CellState::Blocked;
  blocked.label = kMarkup;
  b.announcement = Announcement{kMarkup, ""};
  const std::string page = web::board_page(b, "2030-03-11", test::early());
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("onerror=alert(1)&gt;") != std::string::npos);
  // Only our own two script elements close: no user text ended one early.
  CHECK(count(page, "</script>") == 2);
  CHECK(count(page, "&lt;img src=x onerror=alert(1)&gt;") >= 5);
}

TEST_CASE("board_page shows states with words, links claimed sessions and the other days") {
  Board b = sample_board();
  claim(cell(b, "2030-03-11", "A", "10:00"), "claim-0001", "Packaging BoF", "José");
  Cell& blocked = cell(b, "2030-03-11", "C", "11:00");
  blocked.state = CellState::Blocked;
  blocked.label = "Lightning talks";
  const std::string page = web::board_page(b, "2030-03-11", test::early());
  CHECK(page.find("href=\"/s/claim-0001\"") != std::string::npos);
  CHECK(page.find("Packaging BoF") != std::string::npos);
  CHECK(page.find("by José") != std::string::npos);
  CHECK(page.find(">Blocked<") != std::string::npos);
  CHECK(page.find("Lightning talks") != std::string::npos);
  CHECK(count(page, ">Open<") == 3 * 3 - 2);
  CHECK(page.find("href=\"/?day=2030-03-12\"") != std::string::npos);
  CHECK(page.find("aria-current=\"page\">Mon 11") != std::string::npos);
  CHECK(page.find("http-equiv=\"refresh\" content=\"60\"") != std::string::npos);
  CHECK(page.find("{\"epoch\":\"ep-1\",\"seq\":7,") != std::string::npos);
  CHECK(page.find("/api/v1/changes?since=") != std::string::npos);
  // No external loads: nothing points off the node.
  CHECK(page.find("http://") == std::string::npos);
  CHECK(page.find("https://") == std::string::npos);
  CHECK(page.find(" src=") == std::string::npos);
}

TEST_CASE("board_page marks the slot running now and dims the past") {
  Board b = sample_board();
  const LocalTime now{"2030-03-12", 11 * 60 + 30, 0};
  const std::string page = web::board_page(b, "", now);
  CHECK(page.find("aria-current=\"page\">Tue 12 · today") != std::string::npos);
  CHECK(page.find("class=\"row past\" aria-label=\"10:00–11:00\"") != std::string::npos);
  CHECK(page.find("class=\"row now\" aria-label=\"11:00–12:00\"") != std::string::npos);
  CHECK(page.find("<span class=\"phase\">Now</span>") != std::string::npos);
  CHECK(page.find("class=\"row upcoming\" aria-label=\"14:00–15:00\"") != std::string::npos);
  // The page reloads itself when the 11:00 slot ends (30 minutes on).
  CHECK(page.find("\"reload_in\":1800}") != std::string::npos);
}

TEST_CASE("pick_day: requested event day, else today, else the next day to come, else the first") {
  const Event e = test::sample_event();
  CHECK(web::pick_day(e, "2030-03-12", test::early()) == "2030-03-12");
  CHECK(web::pick_day(e, "2031-01-01", {"2030-03-12", 600, 0}) == "2030-03-12");
  CHECK(web::pick_day(e, "", test::early()) == "2030-03-11");
  CHECK(web::pick_day(e, "", {"2030-03-11", 600, 0}) == "2030-03-11");
  CHECK(web::pick_day(e, "garbage", {"2031-01-01", 0, 0}) == "2030-03-11");
}

TEST_CASE("an expired announcement is not shown") {
  Board b = sample_board();
  b.announcement = Announcement{"Lunch is served", "12:00"};
  CHECK(web::board_page(b, "", {"2030-03-11", 11 * 60, 0}).find("Lunch is served") != std::string::npos);
  CHECK(web::board_page(b, "", {"2030-03-11", 12 * 60, 0}).find("Lunch is served") == std::string::npos);
}

TEST_CASE("session_page shows one session, escaped, with a calendar link") {
  Board b = sample_board();
  claim(cell(b, "2030-03-12", "A", "14:00"), "claim-0042", std::string("Async IO Q&A ") + kMarkup, "Σοφία",
        "Bring questions.\nAnd <b>code</b>.");
  const auto page = web::session_page(b, "claim-0042", test::early());
  REQUIRE(page);
  CHECK(page->find("Async IO Q&amp;A &lt;img") != std::string::npos);
  CHECK(page->find("<img") == std::string::npos);
  CHECK(page->find("<b>code") == std::string::npos);
  CHECK(page->find("by Σοφία") != std::string::npos);
  CHECK(page->find("Room A, Level 2") != std::string::npos);
  CHECK(page->find("Tuesday 2030-03-12, 14:00–15:00") != std::string::npos);
  CHECK(page->find("href=\"/s/claim-0042.ics\"") != std::string::npos);
  CHECK_FALSE(web::session_page(b, "claim-none", test::early()));
}
