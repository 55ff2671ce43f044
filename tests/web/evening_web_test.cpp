// Contract §4.3 on the phone page, the session page and /calendar.ics: lightning sheets (line-up,
// places free, Full, Closed), evening groups, "12 coming", moved sessions; all of it escaped.
#include <doctest/doctest.h>

#include <chrono>

#include "support/sample_event.hpp"
#include "web/ics.hpp"
#include "web/web_view.hpp"

using namespace osb;

namespace {

constexpr const char* kDay = "2030-03-11";
constexpr const char* kEvil = "<script>alert(1)</script>";

Board evening_board() {
  Event e = test::sample_event();
  e.lightning = {LightningSheet{17 * 60 + 30, 12, 5, 17 * 60 + 25}, LightningSheet{13 * 60, 2, 10, -1}};
  Board b = test::open_board(e);
  b.epoch = "ep";
  b.seq = 9;
  for (const auto& d : b.event.days) {
    Sheet noon{d, "13:00", 2, 10, "13:00", {}, 1};
    Sheet evening{d, "17:30", 12, 5, "17:25", {}, 1};
    b.lightning.push_back(noon);
    b.lightning.push_back(evening);
  }
  return b;
}

Cell& cell(Board& b, const std::string& day, const std::string& room, const std::string& start) {
  for (auto& c : b.cells)
    if (c.day == day && c.room == room && c.start == start) return c;
  throw std::runtime_error("no such cell");
}

Sheet& sheet(Board& b, const std::string& day, const std::string& start) {
  for (auto& s : b.lightning)
    if (s.day == day && s.start == start) return s;
  throw std::runtime_error("no such sheet");
}

void sign_up(Sheet& s, std::string id, std::string title, std::string speaker) {
  LightningSignup x;
  x.signup_id = std::move(id);
  x.day = s.day;
  x.start = s.start;
  x.title = std::move(title);
  x.speaker = std::move(speaker);
  x.position = static_cast<int>(s.signups.size()) + 1;
  s.signups.push_back(std::move(x));
}

Group group(std::string id, std::string time, std::string title, std::string where, int seats, int joined,
            std::string host, std::string continues = "") {
  Group g;
  g.group_id = std::move(id);
  g.day = kDay;
  g.time = std::move(time);
  g.title = std::move(title);
  g.where = std::move(where);
  g.seats = seats;
  g.joined = joined;
  g.host = std::move(host);
  g.continues = std::move(continues);
  return g;
}

// Board: room A 10:00 claimed and moved to room C 11:00 with 12 "I'll come"; the evening sheet
// with three talks, the 13:00 sheet full; two groups, one continuing the moved session.
Board sample() {
  Board b = evening_board();
  Cell& left = cell(b, kDay, "A", "10:00");
  left.moved_to_room = "C";
  left.moved_to_start = "11:00";
  Cell& moved = cell(b, kDay, "C", "11:00");
  moved.state = CellState::Claimed;
  moved.claim_id = "claim-moved-1";
  moved.title = "Packaging BoF";
  moved.host = "José";
  moved.interest = 12;
  moved.moved_from_room = "A";
  moved.moved_from_start = "10:00";
  Cell& same_hour = cell(b, kDay, "B", "14:00");
  same_hour.state = CellState::Claimed;
  same_hour.claim_id = "claim-moved-2";
  same_hour.title = "Typing";
  same_hour.host = "Zoë";
  same_hour.interest = 1;
  same_hour.moved_from_room = "A";
  same_hour.moved_from_start = "14:00";
  Sheet& s = sheet(b, kDay, "17:30");
  sign_up(s, "signup-0001", "Emacs in 5 minutes", "Ana");
  sign_up(s, "signup-0002", "Vim, quickly", "Bo");
  sign_up(s, "signup-0003", "Nano", "Cy");
  Sheet& full = sheet(b, kDay, "13:00");
  sign_up(full, "signup-0004", "First", "Dee");
  sign_up(full, "signup-0005", "Second", "Eve");
  b.groups = {group("group-0002", "20:00", "Board games", "Lobby, table 3", 6, 6, "Ana"),
              group("group-0001", "19:30", "Dinner: Thai", "Main entrance", 8, 5, "José", "claim-moved-1")};
  return b;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

const LocalTime kMorning{kDay, 9 * 60, 0};

}  // namespace

TEST_CASE("phone page: lightning sheets with the line-up, places free, Full, and sign up at the boards") {
  const std::string page = web::board_page(sample(), kDay, kMorning);
  const auto section = page.find("<section class=\"extra\" id=\"lightning\"");
  REQUIRE(section != std::string::npos);
  CHECK(page.find("<h2 id=\"h-lightning\">Lightning talks</h2>") > section);
  CHECK(page.find("<a href=\"#lightning\">Lightning talks</a>") < section);
  // The evening sheet: 17:30 + 12 × 5 minutes.
  CHECK(page.find("<span class=\"when\">17:30–18:30</span> <span class=\"shape\">12 talks of 5 minutes</span>") != std::string::npos);
  CHECK(page.find("<p class=\"status\">3 of 12 · 9 places free · sign-up until 17:25</p>") != std::string::npos);
  CHECK(page.find("<p class=\"hint\">Sign up at any board.</p>") != std::string::npos);
  const auto emacs = page.find("<li><span class=\"when\">1 · 17:30 ·</span> <span class=\"what\">Emacs in 5 minutes</span> — "
                               "<span class=\"who\">Ana</span></li>");
  const auto vim = page.find("<span class=\"when\">2 · 17:35 ·</span> <span class=\"what\">Vim, quickly</span>");
  const auto nano = page.find("<span class=\"when\">3 · 17:40 ·</span> <span class=\"what\">Nano</span>");
  CHECK(emacs != std::string::npos);
  CHECK(emacs < vim);
  CHECK(vim < nano);
  // The 13:00 sheet is full (before its 17:30 sibling: by start time).
  const auto full = page.find("<article class=\"sheet full\" id=\"l-1300\" data-closed=\"0\">");
  CHECK(full != std::string::npos);
  CHECK(full < page.find("id=\"l-1730\""));
  CHECK(page.find("<p class=\"status\"><b>Full:</b> all 2 places are taken</p>") != std::string::npos);
  CHECK(count(page, "<p class=\"hint\">Sign up at any board.</p>") == 1);  // not under the full sheet
  // The other day's sheets are not on this day's page.
  CHECK(count(page, "class=\"sheet ") == 2);
  // The page reloads at the next clock change: the 10:00 slot in an hour.
  CHECK(page.find("\"reload_in\":3600}") != std::string::npos);
}

TEST_CASE("phone page: a sheet closes at its `closes` time, and the page reloads then") {
  Board b = sample();
  const std::string before = web::board_page(b, kDay, {kDay, 17 * 60 + 10, 0});
  // 17:10: the next change is the sign-up closing at 17:25 (no slot boundary before it).
  CHECK(before.find("\"reload_in\":900}") != std::string::npos);
  CHECK(before.find("sign-up until 17:25") != std::string::npos);
  const std::string after = web::board_page(b, kDay, {kDay, 17 * 60 + 25, 0});
  CHECK(after.find("<article class=\"sheet closed\" id=\"l-1730\" data-closed=\"1\">") != std::string::npos);
  CHECK(after.find("<p class=\"status\"><b>Closed:</b> sign-up ended at 17:25</p>") != std::string::npos);
  CHECK(after.find("<p class=\"hint\">Sign up at any board.</p>") == std::string::npos);
  CHECK(after.find("1 · 17:30 ·") != std::string::npos);  // the line-up stays
  // A day gone by: every sheet closed; an empty one says so.
  b.lightning.back().signups.clear();
  const std::string past = web::board_page(b, "2030-03-12", {"2030-03-13", 9 * 60, 0});
  CHECK(count(past, "<b>Closed:</b>") == 2);
  CHECK(past.find("No talks on this sheet.</p>") != std::string::npos);
  // The ETag key the node adds: changes when a sheet closes today, empty before the first.
  CHECK(web::clock_key(b.event, {kDay, 12 * 60, 0}).empty());
  CHECK(web::clock_key(b.event, {kDay, 13 * 60, 0}) == "-L1300");
  CHECK(web::clock_key(b.event, {kDay, 17 * 60 + 24, 0}) == "-L1300");
  CHECK(web::clock_key(b.event, {kDay, 17 * 60 + 25, 0}) == "-L1725");
}

TEST_CASE("phone page: tonight's groups by time, going or Full, continuing an open space, join at the boards") {
  const std::string page = web::board_page(sample(), kDay, {kDay, 16 * 60, 0});
  const auto section = page.find("<section class=\"extra\" id=\"tonight\"");
  REQUIRE(section != std::string::npos);
  CHECK(page.find("<h2 id=\"h-tonight\">Tonight</h2>") > section);
  CHECK(page.find("<a href=\"#tonight\">Tonight</a>") != std::string::npos);
  CHECK(page.find("Join at any board") > section);
  const auto dinner = page.find("<li class=\"group\" id=\"g-group-0001\"><span class=\"when\">19:30</span> <span class=\"title\">Dinner: Thai</span>");
  const auto games = page.find("<li class=\"group full\" id=\"g-group-0002\"><span class=\"when\">20:00</span>");
  CHECK(dinner != std::string::npos);
  CHECK(dinner < games);  // by time, whatever the board's order
  CHECK(page.find("<span class=\"where\">Meet at Main entrance</span>") != std::string::npos);
  CHECK(page.find("<span class=\"count\">5 of 8 going · by José</span>") != std::string::npos);
  CHECK(page.find("<span class=\"count\"><b>Full:</b> all 6 seats taken · by Ana</span>") != std::string::npos);
  CHECK(page.find("<span class=\"continues\">continues <a href=\"/s/claim-moved-1\">“Packaging BoF”</a></span>") != std::string::npos);
  CHECK(page.find("id=\"groups-empty\" hidden>") != std::string::npos);
  // Another day: no groups yet, and the heading does not say "Tonight".
  const std::string other = web::board_page(sample(), "2030-03-12", {kDay, 16 * 60, 0});
  CHECK(other.find("<h2 id=\"h-tonight\">Evening groups</h2>") != std::string::npos);
  CHECK(other.find("<p class=\"empty\" id=\"groups-empty\">No groups yet.</p>") != std::string::npos);
  CHECK(other.find("Dinner: Thai") == std::string::npos);
}

TEST_CASE("phone page: interest and moves on the cells") {
  const std::string page = web::board_page(sample(), kDay, kMorning);
  // The session that moved: its new cell says from where, with how many are coming.
  CHECK(page.find("<span class=\"host\">by José</span><span class=\"interest\">12 coming</span>"
                  "<span class=\"moved\">Moved here from Room A at 10:00</span></a>") != std::string::npos);
  // Same hour, another room: only the room.
  CHECK(page.find("<span class=\"interest\">1 coming</span><span class=\"moved\">Moved here from Room A</span>") != std::string::npos);
  // The cell it left is open and says where it went.
  CHECK(page.find("<div class=\"cell open\" id=\"c-A-1000\"><span class=\"room\">Room A</span><span class=\"state\">Open</span>"
                  "<span class=\"moved\">Moved to Room C at 11:00</span></div>") != std::string::npos);
  // No interest: nothing said.
  Board b = sample();
  cell(b, kDay, "C", "11:00").interest = 0;
  CHECK(web::board_page(b, kDay, kMorning).find("12 coming") == std::string::npos);
  // The live script knows the room names, for "Moved to" in changes.
  CHECK(page.find("\"rooms\":{\"A\":\"Room A\",\"B\":\"Room B\",\"C\":\"Room C\"}") != std::string::npos);
  // ... and applies lightning and group changes in place.
  CHECK(page.find("(j.lightning || []).forEach(sheet);") != std::string::npos);
  CHECK(page.find("(j.groups || []).forEach(group);") != std::string::npos);
}

TEST_CASE("phone page: sign-ups, groups and room names with markup are text") {
  Board b = sample();
  b.event.rooms[2].name = kEvil;
  sign_up(sheet(b, kDay, "17:30"), "signup-evil", kEvil, kEvil);
  b.groups.push_back(group("group-evil", "21:00", kEvil, kEvil, 4, 1, kEvil, "claim-moved-1"));
  cell(b, kDay, "C", "11:00").title = kEvil;
  const std::string page = web::board_page(b, kDay, kMorning);
  CHECK(page.find("<script>alert") == std::string::npos);
  // Only our own two script elements close.
  CHECK(count(page, "</script>") == 2);
  CHECK(page.find("<span class=\"what\">&lt;script&gt;alert(1)&lt;/script&gt;</span>") != std::string::npos);
  CHECK(page.find("<span class=\"title\">&lt;script&gt;alert(1)&lt;/script&gt;</span><span class=\"where\">Meet at &lt;script&gt;") !=
        std::string::npos);
  CHECK(page.find("continues <a href=\"/s/claim-moved-1\">“&lt;script&gt;alert(1)&lt;/script&gt;”</a>") != std::string::npos);
  CHECK(page.find("Moved to &lt;script&gt;alert(1)&lt;/script&gt; at 11:00") != std::string::npos);
  // The room name in the JSON island: no < or > at all.
  CHECK(page.find("\"C\":\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"") != std::string::npos);
}

TEST_CASE("session page: interest, moved here, found in its new cell, groups that continue it") {
  const Board b = sample();
  const auto page = web::session_page(b, "claim-moved-1", kMorning);
  REQUIRE(page);
  CHECK(page->find("<p class=\"interest\">12 coming</p>") != std::string::npos);
  // The new place: room C at 11:00, and where it came from.
  CHECK(page->find("Monday 2030-03-11, 11:00–12:00") != std::string::npos);
  CHECK(page->find("<dt>Where</dt><dd>Room C<span class=\"moved\">Moved here from Room A at 10:00</span></dd>") != std::string::npos);
  CHECK(page->find("#os-c-1100") != std::string::npos);
  CHECK(page->find("Continues in the evening") != std::string::npos);
  CHECK(page->find("Dinner: Thai") != std::string::npos);
  CHECK(page->find("Board games") == std::string::npos);
  // The session nobody said they would come to, never moved: neither line.
  Board quiet = evening_board();
  Cell& c = cell(quiet, kDay, "B", "10:00");
  c.state = CellState::Claimed;
  c.claim_id = "claim-quiet-1";
  c.title = "Quiet";
  c.host = "Bo";
  const auto plain = web::session_page(quiet, "claim-quiet-1", kMorning);
  REQUIRE(plain);
  CHECK(plain->find("coming") == std::string::npos);
  CHECK(plain->find("Moved") == std::string::npos);
  CHECK(plain->find("Continues in the evening") == std::string::npos);
}

namespace {

std::vector<std::string> unfolded(const std::string& cal) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < cal.size()) {
    const auto e = cal.find("\r\n", pos);
    REQUIRE(e != std::string::npos);
    const std::string l = cal.substr(pos, e - pos);
    CHECK(l.size() <= 75);
    if (!l.empty() && l[0] == ' ') out.back() += l.substr(1);
    else out.push_back(l);
    pos = e + 2;
  }
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& l) {
  for (const auto& x : lines)
    if (x == l) return true;
  return false;
}

const auto kStamp = std::chrono::sys_days{std::chrono::year{2030} / 1 / 2};

}  // namespace

TEST_CASE("calendar: each lightning sheet and each evening group is one VEVENT, by default") {
  Board b = sample();
  b.event.timezone = "Europe/Berlin";
  b.groups.push_back(group("group-0003", "23:30", "Late; walk, by the river", "Bridge\\north", 4, 1, "Bo"));
  const VenueClock clock(b.event.timezone);
  const std::string cal = ics::calendar(b, {}, clock, "http://node:8080/", kStamp);
  const auto lines = unfolded(cal);
  // Three sessions, two sheets on each of two days, three groups; no talks.
  CHECK(count(cal, "BEGIN:VEVENT") == 2 + 4 + 3);
  CHECK(has(lines, "UID:lightning-2030-03-11-1730@openspace-board"));
  CHECK(has(lines, "UID:lightning-2030-03-12-1300@openspace-board"));
  CHECK(has(lines, "SUMMARY:Lightning talks"));
  CHECK(has(lines, "DTSTART;TZID=Europe/Berlin:20300311T173000"));
  CHECK(has(lines, "DTEND;TZID=Europe/Berlin:20300311T183000"));
  CHECK(has(lines, "DESCRIPTION:1 · 17:30 · Emacs in 5 minutes — Ana\\n2 · 17:35 · Vim\\, quickly — Bo\\n3 · 17:40 · Nano — Cy"
                   "\\n\\n12 talks of 5 minutes · 3 of 12 places taken · sign up at any board until 17:25."));
  CHECK(has(lines, "DESCRIPTION:1 · 13:00 · First — Dee\\n2 · 13:10 · Second — Eve\\n\\n2 talks of 10 minutes · Full: all 2 "
                   "places are taken."));
  CHECK(has(lines, "DESCRIPTION:No talks signed up yet.\\n\\n12 talks of 5 minutes · 0 of 12 places taken · sign up at any "
                   "board until 17:25."));
  CHECK(has(lines, "URL:http://node:8080/?day=2030-03-11#lightning"));
  // Groups: the title, where to meet, two hours from their time.
  CHECK(has(lines, "UID:group-group-0001@openspace-board"));
  CHECK(has(lines, "SUMMARY:Dinner: Thai"));
  CHECK(has(lines, "LOCATION:Main entrance"));
  CHECK(has(lines, "DTSTART;TZID=Europe/Berlin:20300311T193000"));
  CHECK(has(lines, "DTEND;TZID=Europe/Berlin:20300311T213000"));
  CHECK(has(lines, "DESCRIPTION:5 of 8 going · by José\\nContinues “Packaging BoF”\\nJoin at any board."));
  CHECK(has(lines, "DESCRIPTION:6 of 6 going · by Ana\\nFull."));
  CHECK(has(lines, "URL:http://node:8080/?day=2030-03-11#tonight"));
  // Escaped text, and an end after midnight on the next day.
  CHECK(has(lines, "SUMMARY:Late\\; walk\\, by the river"));
  CHECK(has(lines, "LOCATION:Bridge\\\\north"));
  CHECK(has(lines, "DTEND;TZID=Europe/Berlin:20300312T013000"));
  // Stable order: sessions, then sheets by day and start, then groups by day and time.
  CHECK(cal.find("UID:claim-moved-1@") < cal.find("UID:lightning-2030-03-11-1300@"));
  CHECK(cal.find("UID:lightning-2030-03-11-1300@") < cal.find("UID:lightning-2030-03-11-1730@"));
  CHECK(cal.find("UID:lightning-2030-03-11-1730@") < cal.find("UID:lightning-2030-03-12-1300@"));
  CHECK(cal.find("UID:lightning-2030-03-12-1730@") < cal.find("UID:group-group-0001@"));
  CHECK(cal.find("UID:group-group-0001@") < cal.find("UID:group-group-0002@"));
  CHECK(cal == ics::calendar(b, {}, clock, "http://node:8080/", kStamp));

  // ?lightning=0 and ?groups=0 leave them out; ?talks=1 adds the talks.
  ics::CalendarParts none;
  none.lightning = none.groups = false;
  const std::string sessions = ics::calendar(b, none, clock, "http://node:8080", kStamp);
  CHECK(count(sessions, "BEGIN:VEVENT") == 2);
  CHECK(sessions.find("lightning-") == std::string::npos);
  CHECK(sessions.find("group-") == std::string::npos);
  Talk t;
  t.id = "t1";
  t.day = kDay;
  t.start = "2030-03-11T10:15";
  t.end = "2030-03-11T11:00";
  t.title = "A talk";
  b.talks = {t};
  CHECK(ics::calendar(b, {}, clock, "", kStamp).find("talk-t1") == std::string::npos);
  ics::CalendarParts talks;
  talks.talks = true;
  const std::string with_talks = ics::calendar(b, talks, clock, "", kStamp);
  CHECK(with_talks.find("UID:talk-t1@openspace-board") != std::string::npos);
  CHECK(with_talks.find("URL:") == std::string::npos);  // no base URL: no links
}
