// Calendar and CSV exports: RFC 5545 line rules, escaping, stable UIDs, the time zone; CSV
// quoting and formula injection.
#include <doctest/doctest.h>

#include <chrono>

#include "core/text.hpp"
#include "web/ics.hpp"
#include "support/sample_event.hpp"

using namespace osb;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto e = s.find("\r\n", pos);
    REQUIRE(e != std::string::npos);
    out.push_back(s.substr(pos, e - pos));
    pos = e + 2;
  }
  return out;
}

// Undoes the folding: a line starting with one space continues the one before.
std::vector<std::string> unfold(const std::string& s) {
  std::vector<std::string> out;
  for (auto& l : lines_of(s)) {
    if (!l.empty() && l[0] == ' ') out.back() += l.substr(1);
    else out.push_back(l);
  }
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& l) {
  for (const auto& x : lines)
    if (x == l) return true;
  return false;
}

Cell claimed(std::string day, std::string room, std::string start, std::string end, std::string id, std::string title,
             std::string host, std::string desc = "") {
  Cell c;
  c.day = std::move(day);
  c.room = std::move(room);
  c.start = std::move(start);
  c.end = std::move(end);
  c.state = CellState::Claimed;
  c.claim_id = std::move(id);
  c.title = std::move(title);
  c.host = std::move(host);
  c.description = std::move(desc);
  return c;
}

const auto kStamp = std::chrono::sys_days{std::chrono::year{2030} / 1 / 2} + std::chrono::hours{3};

}  // namespace

TEST_CASE("escape_text escapes backslash, semicolon, comma and newlines") {
  CHECK(ics::escape_text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng");
  CHECK(ics::escape_text("José: ok") == "José: ok");
}

TEST_CASE("fold_line folds at 75 octets and never inside a UTF-8 sequence") {
  std::string text = "SUMMARY:";
  for (int i = 0; i < 60; ++i) text += "Σ€😀";  // 2-, 3- and 4-byte sequences
  const std::string folded = ics::fold_line(text);
  const auto lines = lines_of(folded);
  REQUIRE(lines.size() > 3);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i].size() <= 75);
    CHECK(is_valid_utf8(lines[i]));
    if (i > 0) {
      CHECK(lines[i][0] == ' ');
      CHECK(lines[i][1] != ' ');
    }
  }
  CHECK(unfold(folded)[0] == text);
  // A short line is not folded; every line ends with CRLF.
  CHECK(ics::fold_line("UID:x") == "UID:x\r\n");
  // Exactly 75 octets stays one line; 76 becomes two.
  CHECK(lines_of(ics::fold_line(std::string(75, 'a'))).size() == 1);
  CHECK(lines_of(ics::fold_line(std::string(76, 'a'))).size() == 2);
}

TEST_CASE("calendar: CRLF, VTIMEZONE, TZID times, stable UIDs, escaped text") {
  Event e = test::sample_event();
  e.timezone = "America/New_York";
  const VenueClock clock(e.timezone);
  const std::vector<Cell> cells = {
      claimed("2030-03-11", "B", "11:00", "12:00", "claim-0002", "Async IO Q&A; part 1, maybe", "Σοφία",
              "Bring a laptop.\nSecond line \\ done"),
      claimed("2030-03-11", "A", "10:00", "11:00", "claim-0001", "Packaging BoF", "José"),
  };
  const std::string cal = ics::calendar(e, cells, clock, "http://node.local:8080/", kStamp);
  // Every line ends with CRLF: no bare LF anywhere.
  for (std::size_t i = 0; i < cal.size(); ++i)
    if (cal[i] == '\n') REQUIRE((i > 0 && cal[i - 1] == '\r'));
  for (const auto& l : lines_of(cal)) CHECK(l.size() <= 75);
  const auto lines = unfold(cal);
  CHECK(lines.front() == "BEGIN:VCALENDAR");
  CHECK(lines.back() == "END:VCALENDAR");
  CHECK(has_line(lines, "VERSION:2.0"));
  CHECK(has_line(lines, "BEGIN:VTIMEZONE"));
  CHECK(has_line(lines, "TZID:America/New_York"));
  // 2030-03-10 is the US switch to daylight time: 02:00 EST becomes 03:00 EDT.
  CHECK(has_line(lines, "BEGIN:DAYLIGHT"));
  CHECK(has_line(lines, "DTSTART:20300310T020000"));
  CHECK(has_line(lines, "TZOFFSETFROM:-0500"));
  CHECK(has_line(lines, "TZOFFSETTO:-0400"));
  CHECK(has_line(lines, "UID:claim-0001@openspace-board"));
  CHECK(has_line(lines, "UID:claim-0002@openspace-board"));
  CHECK(has_line(lines, "DTSTAMP:20300102T030000Z"));
  CHECK(has_line(lines, "DTSTART;TZID=America/New_York:20300311T100000"));
  CHECK(has_line(lines, "DTEND;TZID=America/New_York:20300311T110000"));
  CHECK(has_line(lines, "SUMMARY:Async IO Q&A\\; part 1\\, maybe"));
  CHECK(has_line(lines, "DESCRIPTION:Host: Σοφία\\n\\nBring a laptop.\\nSecond line \\\\ done"));
  CHECK(has_line(lines, "LOCATION:Room A\\, Level 2"));
  CHECK(has_line(lines, "URL:http://node.local:8080/s/claim-0001"));
  // Sessions in board order: 10:00 before 11:00.
  CHECK(cal.find("claim-0001@") < cal.find("claim-0002@"));
  // The same board gives the same file.
  CHECK(cal == ics::calendar(e, cells, clock, "http://node.local:8080/", kStamp));
}

TEST_CASE("calendar without any zone name writes UTC times") {
  Event e = test::sample_event();
  e.timezone = "";
  if (!ics::calendar_zone_name(e).empty()) {
    // This machine names its zone: the calendar uses it (checked above for a named zone).
    const auto cal = ics::calendar(e, {}, VenueClock(""), "", kStamp);
    CHECK(cal.find("TZID:" + ics::calendar_zone_name(e)) != std::string::npos);
    return;
  }
  const auto cal = ics::calendar(e, {claimed("2030-03-11", "A", "10:00", "11:00", "claim-0001", "T", "H")}, VenueClock(""), "", kStamp);
  CHECK(cal.find("VTIMEZONE") == std::string::npos);
  CHECK(cal.find("DTSTART:20300311T") != std::string::npos);
}

TEST_CASE("csv: BOM, header, every field quoted, quotes doubled, formulas defused") {
  const Event e = test::sample_event();
  const std::vector<Cell> cells = {
      claimed("2030-03-11", "A", "10:00", "11:00", "claim-0001", "=HYPERLINK(\"http://x\")", "+1 José", "@SUM(A1)"),
      claimed("2030-03-11", "B", "10:00", "11:00", "claim-0002", "-rf", "\tTab", "line one\nline \"two\""),
  };
  const std::string out = ics::csv(e, cells);
  REQUIRE(out.rfind("\xEF\xBB\xBF", 0) == 0);
  const std::string body = out.substr(3);
  CHECK(body.rfind("\"day\",\"start\",\"end\",\"room\",\"room_name\",\"where\",\"title\",\"host\",\"description\",\"claim_id\"\r\n", 0) == 0);
  CHECK(body.find("\"2030-03-11\",\"10:00\",\"11:00\",\"A\",\"Room A\",\"Level 2\",\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1 José\",\"'@SUM(A1)\",\"claim-0001\"\r\n") !=
        std::string::npos);
  CHECK(body.find("\"'-rf\",\"'\tTab\",\"line one\nline \"\"two\"\"\"") != std::string::npos);
  CHECK(ics::csv_field("plain") == "\"plain\"");
  CHECK(ics::csv_field("") == "\"\"");
  CHECK(ics::csv_field("\rx") == "\"'\rx\"");
}
